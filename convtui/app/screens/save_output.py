"""The save-output dialog (``W``): the playground's output to ``.npy``, ``.csv``,
``.wav`` or an image, through :func:`convtui.files.write_array`.

A file that exists is not written over until Enter is pressed a second time on the
same path; any error is said under the path as typed, and nothing is lost.  The
dialog returns the line ``write_array`` gives (an image's scale, for one).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Static

from ..workarounds import DismissOnce

__all__ = ["SaveOutputScreen", "default_name"]


def default_name(output: np.ndarray) -> str:
    """A file name for ``output``: an image in 2-D, a CSV otherwise.

    >>> default_name(np.zeros((4, 4))), default_name(np.zeros(9))
    ('output.png', 'output.csv')
    """
    return "output.png" if output.ndim == 2 else "output.csv"


class SaveOutputScreen(DismissOnce, ModalScreen[str | None]):
    """Ask where to save ``output``; returns ``write_array``'s line, or None if cancelled."""

    DEFAULT_CSS = """
    SaveOutputScreen { align: center middle; }
    SaveOutputScreen > Vertical {
        width: 72; max-width: 100%; height: auto;
        border: round $accent; background: $surface; padding: 0 1;
    }
    SaveOutputScreen .error { color: $error; }
    """
    BINDINGS = [Binding("escape", "cancel", "Cancel")]

    def __init__(self, output: np.ndarray, path: str | None = None):
        super().__init__()
        self.output = output
        self.path = default_name(output) if path is None else path
        self._confirmed: Path | None = None  # the existing file Enter was pressed on

    def compose(self) -> ComposeResult:
        shape = "×".join(str(n) for n in self.output.shape)
        with Vertical():
            yield Static(f"[b]Save the output[/b] ({shape}) as .npy, .csv, .wav or an image")
            yield Input(self.path, id="output-path", select_on_focus=False)
            yield Static("", classes="error", id="output-error")
            yield Static("[dim]Enter saves · Esc cancels · an image is rescaled to 0-255[/dim]")

    @on(Input.Changed, "#output-path")
    def _changed(self) -> None:
        self._confirmed = None  # another name: ask again before writing over it

    @on(Input.Submitted, "#output-path")
    def _submitted(self, event: Input.Submitted) -> None:
        if self.dismissed or self.app.screen is not self:  # a second, queued Enter
            return
        text = event.value.strip()
        if not text:
            self._error("Type a file name.")
            return
        path = Path(text).expanduser()
        force = path.exists() and path == self._confirmed
        if path.exists() and not force:
            self._confirmed = path
            self._error(f"{text} exists: Enter again writes over it, or type another name.")
            return
        from ...files import write_array

        try:
            line = write_array(path, self.output, force=force)
        except (ValueError, OSError) as exc:
            self._error(str(exc))
            return
        self.dismiss(line)  # "wrote PATH: 64×64 grayscale, rescaled 0-255 from [...]"

    def _error(self, message: str) -> None:
        self.query_one("#output-error", Static).update(Text(f"✗ {message}"))

    def action_cancel(self) -> None:
        if self.app.screen is self:
            self.dismiss(None)
