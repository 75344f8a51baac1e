"""The conventions lab and code export, over the playground: one tab each.

``x`` opens it on the conventions tab, ``e`` on the code; ``y`` copies the code
shown, ``Esc`` goes back to the playground.
"""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static, TabbedContent, TabPane

from ...codegen import LANGS
from ...engine.setup import Setup
from ..widgets.code_pane import CodePane
from ..widgets.footer import KeyFooter
from ..widgets.lab_pane import LabPane

__all__ = ["LabScreen"]

TITLES = {
    "numpy": "numpy",
    "scipy": "scipy",
    "torch": "PyTorch",
    "matlab": "MATLAB",
    "tensorflow": "TensorFlow",
}


class LabScreen(ModalScreen[None]):
    """Compare the libraries on the playground's setup, and export it as code."""

    DEFAULT_CSS = """
    LabScreen { align: center middle; }
    LabScreen > Vertical {
        width: 96%; height: 90%;
        border: round $accent; background: $surface;
    }
    LabScreen #lab-title { padding: 0 1; }
    LabScreen TabbedContent { height: 1fr; }
    LabScreen TabPane { padding: 0; }
    """

    BINDINGS = [
        Binding("escape,q", "close", "Close"),
        Binding("y", "copy", "Copy code", tooltip="Copy the code shown to the clipboard"),
        Binding("x", "show('lab')", "Conventions", show=False),
        Binding("e", "show('numpy')", "Code", show=False),
    ]

    def __init__(self, setup: Setup, tab: str = "lab"):
        super().__init__()
        self.setup = setup
        self.first_tab = tab
        self._closed_once = False

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(
                "[b]Conventions lab and code export[/b]  "
                "[dim]←→ tabs · y copy code · Esc back[/dim]",
                id="lab-title",
            )
            with TabbedContent(initial=self.first_tab, id="lab-tabs"):
                with TabPane("Conventions", id="lab"), VerticalScroll():
                    lab = LabPane(id="lab-pane")
                    lab.setup = self.setup
                    yield lab
                for lang in LANGS:
                    with TabPane(TITLES[lang], id=lang):
                        yield CodePane(self.setup, lang, id=f"code-{lang}")
        yield KeyFooter()

    def on_mount(self) -> None:
        self.query_one("#lab-tabs Tabs").focus()

    @property
    def code(self) -> str | None:
        """The code on the tab shown, or None on the conventions tab."""
        active = self.query_one(TabbedContent).active
        if active == "lab":
            return None
        return self.query_one(f"#code-{active}", CodePane).text

    def action_copy(self) -> None:
        code = self.code
        if code is None:
            self.notify("Choose a language tab to copy its code.")
            return
        self.app.copy_to_clipboard(code)
        self.notify("Code copied to the clipboard (where the terminal allows it).")

    def action_show(self, tab: str) -> None:
        self.query_one(TabbedContent).active = tab

    def action_close(self) -> None:
        # A second queued Escape must not pop the screen below.  The pop itself
        # happens later (pop_screen is async), so app.screen alone cannot tell.
        if self.app.screen is self and not self._closed_once:
            self._closed_once = True
            self.dismiss(None)
