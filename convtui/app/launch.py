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
    from .widgets.image_view import probe_terminal

    app = make_app(**options)
    probe_terminal()  # while the terminal is still ours: which images it shows (kitty, sixel)
    app.run()
    return app.return_code or 0
