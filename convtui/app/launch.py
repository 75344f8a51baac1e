"""``convtui`` with no subcommand: parse the app's flags, then start the app.

The flags are :mod:`convtui.commands.app_flags`'s, checked before textual loads.
"""

from __future__ import annotations

from ..commands.app_flags import app_options

__all__ = ["run"]


def run(argv: list[str]) -> int:
    """Start the app; the exit code."""
    options = app_options(argv)
    from .app import make_app  # textual loads only once the flags are good

    app = make_app(**options)
    app.run()
    return app.return_code or 0
