"""Mixed into the App: saved sessions (ctrl+s, --open, autosave, restore) and the lab.

Options it reads from ``app.options`` (``convtui.sessions.app_session_options``
makes them from ``--open`` and ``--fresh``):

- ``session_path``: the file ``--open`` read; ctrl+s offers it again;
- ``session_progress``: lesson progress from that file, merged into the learner's;
- ``autosave``: save to the data directory when the app quits;
- ``restore``: an autosaved file to offer at start.
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import TYPE_CHECKING

from textual.binding import Binding

from .messages import ReplaceSetup

if TYPE_CHECKING:  # sessions, json and the dialogs load on first use: start-up is shorter
    from ..sessions import Session

__all__ = ["SESSION_BINDINGS", "SessionActions"]

DEFAULT_NAME = "convtui-session.json"

SESSION_BINDINGS = [
    Binding(
        "ctrl+s",
        "save_session",
        "Save",
        tooltip="Save the playground and lesson progress to a JSON file",
    ),
    Binding(
        "x",
        "lab('lab')",
        "Conventions lab",
        tooltip="This setup in numpy, scipy, MATLAB, PyTorch and TensorFlow",
    ),
    Binding("e", "lab('numpy')", "Export code", tooltip="This setup as code to copy"),
]  # shown in the footer, ahead of the options' keys (widgets/footer.py APP_FIRST)


class SessionActions:
    """Save and restore the playground; open the conventions lab and code export."""

    session_path: Path | None = None
    """The file the last ctrl+s wrote (or ``--open`` read)."""

    def on_mount(self) -> None:
        self.session_path = self.options.get("session_path")
        progress = self.options.get("session_progress")
        if progress:
            self.call_after_refresh(self._merge_progress, progress)
        restore = self.options.get("restore")
        if restore is not None:
            self.call_after_refresh(self._offer_restore, Path(restore))

    # -- saving ---------------------------------------------------------------

    def _progress_snapshot(self) -> dict:
        from ..lessons.progress import VERSION

        progress = getattr(self, "lesson_progress", None)
        return {} if progress is None else {"version": VERSION, "lessons": progress.lessons}

    def _layer_snapshot(self) -> dict | None:
        """The layer screen's state as JSON data, or None if it was never opened."""
        try:
            stack = self.get_screen_stack("layer")
        except KeyError:  # Textual has no stack for a mode never switched to
            return None
        state = getattr(stack[0], "state", None) if stack else None
        if state is None:
            return self.options.get("layer")  # a session's, not shown yet: kept as read
        return state.to_dict()

    def save_to(self, path) -> str | None:
        """Save the session to ``path`` (into a folder that exists); an error, or None."""
        from ..sessions import SessionError, save_session

        try:
            save_session(
                path,
                self.playground_setup,
                self._progress_snapshot(),
                make_folders=False,
                layer=self._layer_snapshot(),
            )
        except SessionError as exc:
            return str(exc)
        self.session_path = Path(path)
        return None

    def action_save_session(self) -> None:
        from .screens.session_dialogs import SaveSessionScreen

        if isinstance(self.screen, SaveSessionScreen):
            return
        default = self.session_path or Path.cwd() / DEFAULT_NAME

        def saved(path: Path | None) -> None:
            if path is not None:
                self.notify(f"Saved to {path}", title="Session saved")

        # the dialog saves, and says what went wrong in place, the path as typed
        self.push_screen(SaveSessionScreen(default, self.save_to), saved)

    def exit(self, *args, **kwargs) -> None:
        """Autosave (when asked to) before the app closes."""
        if self.options.get("autosave") and not getattr(self, "_autosaved", False):
            self._autosaved = True
            error = self._autosave()
            if error and "message" not in kwargs and len(args) < 3:
                kwargs["message"] = f"convtui: {error}"
        super().exit(*args, **kwargs)

    def _autosave(self) -> str | None:
        from ..sessions import SessionError, autosave_path, save_session

        try:
            save_session(
                autosave_path(),
                self.playground_setup,
                self._progress_snapshot(),
                layer=self._layer_snapshot(),
            )
        except SessionError as exc:
            return str(exc)
        return None

    # -- restoring ------------------------------------------------------------

    def apply_session(self, session: Session) -> None:
        """Show a loaded session: its setup on the playground, its progress merged.

        A layer section goes to the layer screen: shown at once if it is open, else
        kept for when it opens (``options["layer"]``, as ``--open`` gives it).
        """
        self.tell_playground(ReplaceSetup(session.setup))
        self._merge_progress(session.progress)
        if session.layer is not None:
            self._restore_layer(session.layer)

    def _restore_layer(self, data: dict) -> None:
        from .layer_state import LayerState

        self.options["layer"] = data
        try:
            stack = self.get_screen_stack("layer")
        except KeyError:
            return  # never opened: the screen reads options["layer"] when it mounts
        if not stack or getattr(stack[0], "state", None) is None:
            return
        try:
            state = LayerState.from_dict(data)
        except ValueError as exc:
            text = f"The session's layer screen was not restored: {exc}"
            self.notify(text, severity="error", timeout=10)
            return
        stack[0].replace_state(state)

    def _merge_progress(self, data: dict) -> None:
        """Add the file's seen pages and solved exercises to the learner's (never remove)."""
        from ..lessons.progress import carried_over

        lessons = data.get("lessons") if isinstance(data, dict) else None
        if not isinstance(lessons, dict) or not lessons:
            return
        lessons = carried_over(lessons, data.get("version", 1))  # files before course 2
        ensure = getattr(self, "_ensure_lessons", None)
        if ensure is not None:
            ensure()
        progress = getattr(self, "lesson_progress", None)
        if progress is None:
            return
        for number, entry in lessons.items():
            if not (str(number).isdigit() and isinstance(entry, dict)):
                continue
            lesson = int(number)
            for page in entry.get("seen", []):
                if isinstance(page, int):
                    progress.see(lesson, page)
            for exercise in entry.get("solved", []):
                if isinstance(exercise, str):
                    progress.solve(lesson, exercise)
            if isinstance(entry.get("page"), int):
                progress.see(lesson, entry["page"])  # reopen where the file left off
        error = progress.save()
        if error:
            self.notify(error, severity="warning", timeout=10)

    def _offer_restore(self, path: Path) -> None:
        from ..sessions import SessionError, load_session
        from .screens.session_dialogs import RestoreScreen

        try:
            session = load_session(path)
        except SessionError as exc:
            self.notify(
                f"The autosaved session was not restored: {exc}", severity="warning", timeout=10
            )
            return
        if session.setup == self.playground_setup and session.layer is None:
            return  # nothing to offer: it is what the app shows already
        saved = time.strftime("%Y-%m-%d %H:%M", time.localtime(path.stat().st_mtime))
        setup = session.setup
        description = (
            f"(saved {saved}: input of shape {setup.input.shape}, "
            f"kernel {setup.kernel.tolist() if setup.kernel.size <= 9 else setup.kernel.shape}, "
            f"mode '{setup.mode}')"
        )

        def answer(restore: bool | None) -> None:
            if restore:
                self.apply_session(session)

        self.push_screen(RestoreScreen(description), answer)

    # -- the lab --------------------------------------------------------------

    def action_lab(self, tab: str) -> None:
        from .screens.lab import LabScreen  # on first use: keeps start-up short

        if isinstance(self.screen, LabScreen):
            self.screen.action_show(tab)
            return
        self.push_screen(LabScreen(self.playground_setup, tab))
