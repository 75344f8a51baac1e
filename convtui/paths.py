"""Where convtui keeps the learner's files: lesson progress and the autosaved session."""

from __future__ import annotations

import os
from pathlib import Path

__all__ = ["data_dir"]


def data_dir() -> Path:
    """The folder for convtui's own files (it is not created here).

    ``$CONVTUI_DATA_DIR`` if set, else ``$XDG_DATA_HOME/convtui`` when that is an
    absolute path (the XDG spec says to ignore a relative one), else
    ``~/.local/share/convtui``; ``~`` is expanded in both variables.

    >>> import os
    >>> os.environ["CONVTUI_DATA_DIR"] = "/tmp/convtui-doctest"
    >>> str(data_dir())
    '/tmp/convtui-doctest'
    >>> del os.environ["CONVTUI_DATA_DIR"]
    """
    override = os.environ.get("CONVTUI_DATA_DIR")
    if override:
        return Path(override).expanduser()
    xdg = os.path.expanduser(os.environ.get("XDG_DATA_HOME", ""))
    base = Path(xdg) if os.path.isabs(xdg) else Path.home() / ".local" / "share"
    return base / "convtui"
