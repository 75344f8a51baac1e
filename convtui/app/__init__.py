"""The Textual app: ``make_app(**options)`` builds it for the command line and the tests.

``import convtui`` never imports textual; importing this package does not either,
until ``make_app`` or ``ConvApp`` is asked for, so its Textual-free modules (the
playground's reducer in :mod:`convtui.app.state`, the training model in
:mod:`convtui.app.trainer`) load and test without it.
"""

__all__ = ["ConvApp", "make_app"]


def __getattr__(name: str):
    if name in __all__:
        from . import app

        return getattr(app, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
