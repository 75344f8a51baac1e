"""Two small dialogs for saved sessions: where to save (ctrl+s), and whether to restore."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Static

from ..workarounds import DismissOnce

__all__ = ["RestoreScreen", "SaveSessionScreen"]

DIALOG_CSS = """
{name} {{ align: center middle; }}
{name} > Vertical {{
    width: 72; max-width: 100%; height: auto;
    border: round $accent; background: $surface; padding: 0 1;
}}
{name} .error {{ color: $error; }}
"""


class SaveSessionScreen(DismissOnce, ModalScreen[Path | None]):
    """Ask for the file to save the session to; returns the path saved to, or None.

    With ``save`` (a path → an error message, or None once saved) the dialog saves
    itself and stays open on a failure, the message under the path as typed: a
    folder that does not exist is said so, not made.
    """

    DEFAULT_CSS = DIALOG_CSS.format(name="SaveSessionScreen")
    BINDINGS = [Binding("escape", "cancel", "Cancel")]

    def __init__(
        self, path: Path, save: Callable[[Path], str | None] | None = None, error: str = ""
    ):
        super().__init__()
        self.path = path
        self.save = save
        self.error = error

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static("[b]Save the playground[/b] (and lesson progress) as JSON")
            yield Input(str(self.path), id="save-path", select_on_focus=False)
            yield Static(Text(self.error), classes="error", id="save-error")
            yield Static("[dim]Enter save · Esc cancel · open it later: convtui --open FILE[/dim]")

    @on(Input.Submitted)
    def _submitted(self, event: Input.Submitted) -> None:
        text = event.value.strip()
        if not text:
            self.query_one("#save-error", Static).update("Type a file name.")
            return
        if self.app.screen is not self:  # a second queued Enter must not save twice
            return
        path = Path(text).expanduser()
        error = self.save(path) if self.save is not None else None
        if error:
            self.query_one("#save-error", Static).update(Text(f"✗ {error}"))
            return
        self.dismiss(path)

    def action_cancel(self) -> None:
        if self.app.screen is self:
            self.dismiss(None)


class RestoreScreen(DismissOnce, ModalScreen[bool]):
    """Offer the session saved when the app last quit; returns True to restore it."""

    DEFAULT_CSS = DIALOG_CSS.format(name="RestoreScreen")
    BINDINGS = [
        Binding("y,enter", "answer(True)", "Restore"),
        Binding("n,escape", "answer(False)", "Start fresh"),
    ]

    def __init__(self, description: str):
        super().__init__()
        self.description = description

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static("[b]Welcome back[/b]")
            yield Static(f"Restore the playground you left? {self.description}")
            yield Static(
                "[dim]y restore · n start fresh (convtui --fresh skips this question)[/dim]"
            )

    def action_answer(self, restore: bool) -> None:
        if self.app.screen is self:
            self.dismiss(restore)
