"""Code export as a pane: the playground's setup as a program in another library.

The text comes from :func:`convtui.codegen.snippet` (the same as ``convtui code``);
the pane is a read-only text area, so it can be selected and copied.
"""

from __future__ import annotations

from textual.reactive import reactive
from textual.widgets import TextArea

from ...codegen import snippet
from ...engine.setup import Setup

__all__ = ["CodePane"]


class CodePane(TextArea):
    """A read-only program that reproduces the setup's numbers in ``lang``."""

    DEFAULT_CSS = """
    CodePane { height: 1fr; }
    """

    setup: reactive[Setup | None] = reactive(None)
    """The setup to export."""

    lang: reactive[str] = reactive("numpy")
    """One of numpy, scipy, torch, matlab, tensorflow."""

    def __init__(self, setup: Setup | None = None, lang: str = "numpy", **kwargs):
        super().__init__(read_only=True, soft_wrap=False, show_line_numbers=False, **kwargs)
        self.set_reactive(CodePane.setup, setup)
        self.set_reactive(CodePane.lang, lang)

    def on_mount(self) -> None:
        self._write()

    def watch_setup(self) -> None:
        self._write()

    def watch_lang(self) -> None:
        self._write()

    def _write(self) -> None:
        if self.setup is None:
            self.load_text("")
            return
        self.load_text(snippet(self.setup, self.lang))
