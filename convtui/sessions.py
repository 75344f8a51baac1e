"""Saved sessions: the playground's setup and lesson progress as a JSON file.

A session file is plain JSON (arrays are lists, never pickles) with a format name
and version, so a foreign or newer file is refused with a clear error instead of
being misread.  Writes are atomic: the data goes to a temporary file in the same
folder, is flushed to disk, then renamed over the old file, so a failed write
leaves the old file as it was.

>>> import os, tempfile
>>> from convtui.engine.setup import Setup
>>> path = os.path.join(tempfile.mkdtemp(), "work.json")
>>> save_session(path, Setup([1, 2, 3, 4], [5, 6, 7], "same"), {"lesson-1": 3})
>>> session = load_session(path)
>>> session.setup.compute().output, session.progress
(array([16, 34, 52, 45]), {'lesson-1': 3})
"""

from __future__ import annotations

import json
import os
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from .engine.setup import Setup
from .paths import data_dir

__all__ = [
    "FORMAT",
    "VERSION",
    "Session",
    "SessionError",
    "app_session_options",
    "autosave_path",
    "data_dir",
    "load_session",
    "save_session",
]

FORMAT = "convtui-session"
VERSION = 1
MAX_BYTES = 64 * 2**20  # the parser's largest input is 1M numbers; leave room for two


class SessionError(ValueError):
    """A session file that cannot be written or read; the message says why."""


@dataclass(frozen=True)
class Session:
    """What a session file holds: the playground setup and lesson progress."""

    setup: Setup
    progress: dict = field(default_factory=dict)
    layer: dict | None = None
    """The layer screen's state as plain JSON data (files written before have none)."""


def autosave_path() -> Path:
    """The file the app saves to on quit and offers to restore on start."""
    return data_dir() / "autosave.json"


def _document(setup: Setup, progress: dict | None, layer: dict | None = None) -> str:
    if not isinstance(setup, Setup):
        raise TypeError(f"setup must be a Setup, got {type(setup).__name__}")
    progress = {} if progress is None else progress
    if not isinstance(progress, dict):
        raise TypeError(f"progress must be a dict, got {type(progress).__name__}")
    document = {
        "format": FORMAT,
        "version": VERSION,
        "setup": setup.to_dict(),
        "progress": progress,
    }
    if layer is not None:
        if not isinstance(layer, dict):
            raise TypeError(f"layer must be a dict, got {type(layer).__name__}")
        document["layer"] = layer
    try:
        return json.dumps(document, indent=1) + "\n"
    except (TypeError, ValueError) as exc:
        raise TypeError(f"progress must hold only JSON data: {exc}") from None


def save_session(
    path,
    setup: Setup,
    progress: dict | None = None,
    *,
    make_folders: bool = True,
    layer: dict | None = None,
) -> None:
    """Write ``setup`` and ``progress`` (and the layer screen's ``layer``) to ``path`` atomically.

    Missing parent folders are created, or with ``make_folders=False`` (a path a
    person typed, where a typo must not make folders) refused.  On any failure the
    file at ``path`` (if any) is left as it was and :class:`SessionError` says why.

    >>> import tempfile
    >>> save_session(Path(tempfile.mkdtemp()) / "typo" / "s.json", Setup([1], [1]),
    ...              make_folders=False)  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    convtui.sessions.SessionError: the folder .../typo does not exist: nothing was saved
    """
    path = Path(path)
    text = _document(setup, progress, layer)
    if not make_folders and not path.parent.exists():
        raise SessionError(f"the folder {path.parent} does not exist: nothing was saved")
    tmp_name = None
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp_name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
        with os.fdopen(fd, "w", encoding="utf-8") as tmp:
            tmp.write(text)
            tmp.flush()
            os.fsync(tmp.fileno())
        os.replace(tmp_name, path)
        tmp_name = None
        _sync_folder(path.parent)
    except OSError as exc:
        reason = exc.strerror or str(exc)
        raise SessionError(
            f"could not save the session to {path}: {reason}; any earlier file there is unchanged"
        ) from exc
    finally:
        if tmp_name is not None:
            try:
                os.unlink(tmp_name)
            except OSError:
                pass


def _sync_folder(folder: Path) -> None:
    """Make the rename itself durable (best effort: not every system allows it)."""
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def load_session(path) -> Session:
    """Read a session file written by :func:`save_session`.

    Raises :class:`SessionError` (a ValueError) for a missing, unreadable, corrupt,
    foreign or newer-version file; nothing is written either way.
    """
    path = Path(path)
    try:
        with open(path, "rb") as f:
            raw = f.read(MAX_BYTES + 1)
    except OSError as exc:
        raise SessionError(f"could not open {path}: {exc.strerror or exc}") from exc
    if len(raw) > MAX_BYTES:
        raise SessionError(f"{path} is too large for a session (over {MAX_BYTES} bytes)")
    try:
        document = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise SessionError(
            f"{path} is not a convtui session: it is not valid JSON ({exc})"
        ) from None
    except RecursionError:
        raise SessionError(f"{path} is not a convtui session: it is nested too deeply") from None
    if not isinstance(document, dict) or document.get("format") != FORMAT:
        raise SessionError(f'{path} is not a convtui session (no "format": "{FORMAT}")')
    version = document.get("version")
    if not isinstance(version, int) or isinstance(version, bool) or version < 1:
        raise SessionError(f"{path} has no valid format version (got {version!r})")
    if version > VERSION:
        raise SessionError(
            f"{path} was written by a newer convtui (format version {version}; this one "
            f"reads up to {VERSION}): upgrade convtui to open it"
        )
    progress = document.get("progress", {})
    if not isinstance(progress, dict):
        raise SessionError(f'{path}: "progress" must be an object, got {type(progress).__name__}')
    try:
        setup = Setup.from_dict(document.get("setup"))
    except (ValueError, TypeError, OverflowError) as exc:
        raise SessionError(f"{path} holds an invalid setup: {exc}") from None
    layer = document.get("layer")
    if layer is not None and not isinstance(layer, dict):
        raise SessionError(f'{path}: "layer" must be an object, got {type(layer).__name__}')
    return Session(setup, progress, layer)


def app_session_options(open_path=None, fresh: bool = False) -> dict:
    """Options for the app from ``--open FILE`` and ``--fresh`` (no textual needed).

    The app autosaves on quit; it offers the autosaved session at start unless
    ``fresh`` or a file is opened.  A bad ``open_path`` raises :class:`SessionError`
    before the app starts.

    >>> import os, tempfile
    >>> os.environ["CONVTUI_DATA_DIR"] = tempfile.mkdtemp()
    >>> app_session_options()
    {'autosave': True}
    >>> del os.environ["CONVTUI_DATA_DIR"]
    """
    options: dict = {"autosave": True}
    if open_path is not None:
        session = load_session(open_path)
        options.update(
            setup=session.setup, session_path=Path(open_path), session_progress=session.progress
        )
        if session.layer is not None:  # the layer screen opens on it
            options["layer"] = session.layer
    elif not fresh and autosave_path().is_file():
        options["restore"] = autosave_path()
    return options
