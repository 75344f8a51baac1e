"""The Textual app: ``make_app(**options)`` builds it for the command line and the tests.

Importing this package imports textual; ``import convtui`` never does.
"""

from .app import ConvApp, make_app

__all__ = ["ConvApp", "make_app"]
