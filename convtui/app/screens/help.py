"""The help screen (``?``): what the playground shows, and every key."""

from __future__ import annotations

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen, Screen
from textual.widgets import Static

from ..keys import bindings_of, key_label
from ..workarounds import DismissOnce

__all__ = ["HelpScreen"]

INTRO = """\
convtui playground: edit an input x and a kernel w, choose the options, and watch
the kernel slide. Every pane reads the same computation:
  Slide   the padded input (what each padded cell copies), the kernel as applied
          (flipped when convolving), the products, the equation of the current
          step, and the whole output y with the current step marked
  Matrix  the same thing as M · x = y: row r of M is step r, and entries holding
          the same kernel weight share a colour (weight sharing); click a row to go
          to that step
  Plot    1-D: x, w and y each on its own plot. 2-D: x (padded, greyed where
          padded), w and y as shaded pictures with their colour scale, the current
          window ringed on x and its output on y; v shows the numbers, a click on y
          goes to that step; I shows a large input and its output as images
A padding mode (b) fills the padding with copies of x: the slide says which x each
padded cell copies, and matrix cells holding several weights show their sum. A
transposed convolution (u) is stepped by output (gather) or by input (scatter, z),
with how many products land on each output; its matrix is Mᵀ, and M shows the
transpose of any layer's matrix: its input gradient. F opens your own file (an
image, a .wav, .npy, .csv) or a shipped sample; W saves the output.
Typing in an editor never triggers a key below; Escape leaves the editor.
Invalid text shows its error in place and the other panes keep the last valid setup.
"""


class HelpScreen(DismissOnce, ModalScreen[None]):
    """Every key of the screen below and of the app, generated from their bindings."""

    DEFAULT_CSS = """
    HelpScreen { align: center middle; }
    HelpScreen > VerticalScroll {
        width: 90%; max-width: 96; height: 90%; border: thick $accent; background: $surface;
        padding: 0 1;
    }
    """
    BINDINGS = [
        Binding("escape,q,question_mark", "dismiss_help", "Close help"),
    ]

    def __init__(self, below: Screen):
        super().__init__()
        self.below = below

    def compose(self) -> ComposeResult:
        table = Table(box=None, show_header=True, header_style="bold", expand=False)
        table.add_column("key", style="bold cyan", no_wrap=True)
        table.add_column("what it does")
        rows: dict[str, list] = {}  # one row per action, its keys joined
        shadowed = {b.key for b in bindings_of(self.below)}  # the screen's key wins
        for node in (self.below, self.app):
            for binding in bindings_of(node):
                if node is self.app and binding.key in shadowed:
                    continue
                keys, _text = rows.setdefault(
                    binding.action, [[], binding.tooltip or binding.description]
                )
                if key_label(node, binding) not in keys:
                    keys.append(key_label(node, binding))
        for keys, text in rows.values():
            table.add_row(" / ".join(keys), text)
        listed = {key for keys, _text in rows.values() for key in keys}
        for key, text in self._pane_keys(listed):
            table.add_row(key, text)
        table.add_row("ctrl+p", "Command palette: every action by name")
        table.add_row("tab / shift+tab", "Move the focus between panes and editors")
        more = getattr(self.below, "help_more", None)
        with VerticalScroll():
            yield Static(Text(getattr(self.below, "HELP_INTRO", INTRO)))
            yield Static(table, id="keys")
            if more is not None:
                yield Static(Text(more()), id="help-more")
            yield Static(Text("Escape, q or ? closes this help.", style="dim"))

    def _pane_keys(self, listed: set[str]):
        """Keys a pane of ours answers while it has the focus (the plot's I, v ...)."""
        for widget in self.below.query("*"):
            ours = type(widget).__module__.startswith("convtui.app.widgets.")
            if not (widget.can_focus and ours and widget.border_title):
                continue  # a pane: not an editor or a list, whose keys are the usual ones
            pane = str(widget.border_title).split("  ")[0].strip()
            for binding in bindings_of(widget):
                key = key_label(widget, binding)
                if key in listed:
                    continue
                listed.add(key)
                text = binding.tooltip or binding.description
                yield key, f"{text} (when the {pane} pane has the focus)"

    def action_dismiss_help(self) -> None:
        if self.app.screen is self:  # a second Escape already queued must not pop the screen below
            self.dismiss(None)
