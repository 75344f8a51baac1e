"""Input and kernel editors, and the presets list.

Each keystroke is parsed by the engine's ``parse_array``; valid text posts a
``SetupChange`` up, invalid text shows what is wrong and where, in place, and
changes nothing else.
"""

from __future__ import annotations

import numpy as np
from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.reactive import reactive
from textual.widgets import Input, Label, OptionList, Static
from textual.widgets.option_list import Option

from ...engine.parse import ParseError, parse_array
from ...presets import PRESETS
from ..formatting import array_text
from ..messages import ReplaceSetup, SetupChange
from .option_list import SafeOptionList

__all__ = ["Editors"]

FIELDS = {"input-editor": "input", "kernel-editor": "kernel"}


class Editors(Vertical):
    """Two text editors (input ``x`` and kernel ``w``) and the presets list."""

    DEFAULT_CSS = """
    Editors { height: auto; }
    Editors Input { margin: 0; }
    Editors .error { color: $error; height: auto; }
    Editors .error.-empty { display: none; }
    Editors OptionList { height: auto; max-height: 9; }
    """

    state = reactive(None, init=False, always_update=True, repaint=False)
    """The playground's state (set by the screen)."""

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self._valid: dict[str, np.ndarray | None] = {"input": None, "kernel": None}
        self._shown_setup = None

    def compose(self) -> ComposeResult:
        yield Label("Input x  [dim](i to edit, Esc to leave)[/]")
        yield Input(placeholder="1, 2, 3  or  1 2; 3 4", id="input-editor", select_on_focus=False)
        yield Static("", id="input-editor-error", classes="error -empty")
        yield Label("Kernel w  [dim](k)[/]")
        yield Input(placeholder="5, 6, 7", id="kernel-editor", select_on_focus=False)
        yield Static("", id="kernel-editor-error", classes="error -empty")
        yield Label("Presets  [dim](r to choose, n for the next)[/]")
        yield SafeOptionList(
            *(Option(p.name, id=str(i)) for i, p in enumerate(PRESETS)),
            id="presets",
        )

    def watch_state(self, state) -> None:
        """Show a new setup's arrays, unless the editor already holds them."""
        if state is None or state.setup is self._shown_setup:
            return
        self._shown_setup = state.setup
        for editor_id, name in FIELDS.items():
            array = getattr(state.setup, name)
            valid = self._valid[name]
            if valid is not None and valid.shape == array.shape and np.array_equal(valid, array):
                continue
            self._valid[name] = array
            editor = self.query_one(f"#{editor_id}", Input)
            with editor.prevent(Input.Changed):
                editor.value = array_text(array)
            self._show_error(editor_id, None)

    @on(Input.Changed)
    def _edited(self, event: Input.Changed) -> None:
        editor_id = event.input.id
        if editor_id not in FIELDS:
            return
        event.stop()
        name = FIELDS[editor_id]
        try:
            array = parse_array(event.value)
        except ParseError as exc:
            self._show_error(editor_id, exc)
            return
        self._show_error(editor_id, None)
        self._valid[name] = array
        self.post_message(SetupChange({name: array}))

    def _show_error(self, editor_id: str, error: ParseError | None) -> None:
        box = self.query_one(f"#{editor_id}-error", Static)
        self.query_one(f"#{editor_id}", Input).set_class(error is not None, "-invalid")
        box.set_class(error is None, "-empty")
        if error is None:
            box.update("")
            return
        message = Text(f"✗ {error.reason} (character {error.position + 1})\n", style="bold")
        message.append(_crop_pointer(error.pointer(), 34))
        message.append("\nthe other panes keep the last valid value", style="dim")
        box.update(message)

    @on(OptionList.OptionSelected, "#presets")
    def _preset_chosen(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        preset = PRESETS[int(event.option.id)]
        self.notify(f"{preset.name}: {preset.note}", timeout=3)
        self.post_message(ReplaceSetup(preset.setup))


def _crop_pointer(pointer: str, width: int) -> str:
    """The text line and caret, cut to ``width`` characters around the caret."""
    line, caret = pointer.split("\n")
    at = len(caret) - 1
    start = max(0, min(at - width // 2, len(line) - width))
    return f"{line[start : start + width]}\n{' ' * (at - start)}^"
