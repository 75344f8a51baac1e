"""Input and kernel editors, and the presets list.

Each keystroke is parsed by the engine's ``parse_array``; valid text posts a
``SetupChange`` up, invalid text shows what is wrong and where, in place, and
changes nothing else.

The text a learner types is never rewritten: a setup that comes back down holding
an array this editor sent (even one sent several keys ago, during a fast burst or
a paste) leaves the text and the cursor alone.  Only a setup from elsewhere (a
preset, a lesson, a saved session) replaces the text.
"""

from __future__ import annotations

import math
import re

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
from ..workarounds import SafeOptionList

__all__ = ["Editors"]

FIELDS = {"input-editor": "input", "kernel-editor": "kernel"}
SENT_KEPT = 256  # arrays sent up and not yet seen coming back, per editor
TEXT_LIMIT = 16_384
"""Above this many values (a 128×128 image) an editor does not hold the array as text:
a 1024×1024 photo is 3.7 million characters, a second to write into the Input."""
PLACEHOLDERS = {"input": "1, 2, 3  or  1 2; 3 4", "kernel": "5, 6, 7"}
# a written number that is not a word (nan, inf): what the float it became can differ from
_WRITTEN = re.compile(r"(?<![\w.])[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?(?![\w.])")


class Editors(Vertical):
    """Two text editors (input ``x`` and kernel ``w``) and the presets list."""

    DEFAULT_CSS = """
    Editors { height: auto; }
    Editors Input { margin: 0; }
    Editors .error { color: $error; height: auto; }
    Editors .error.-empty { display: none; }
    Editors .error.-note { color: $warning; }
    /* a fifth of the terminal (all seven at 48 rows, two at 24, where the options
       below must stay above the fold); max-height in vh breaks the auto height here */
    Editors OptionList { height: 20vh; max-height: 9; }
    """

    state = reactive(None, init=False, always_update=True, repaint=False)
    """The playground's state (set by the screen)."""

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        # the arrays each editor sent up, oldest first, until a setup holding them comes back
        self._sent: dict[str, list[np.ndarray]] = {"input": [], "kernel": []}
        self._shown_setup = None

    def compose(self) -> ComposeResult:
        yield Label("Input x  [dim](i to edit, Esc to leave)[/]")
        yield Input(placeholder=PLACEHOLDERS["input"], id="input-editor", select_on_focus=False)
        yield Static("", id="input-editor-error", classes="error -empty")
        yield Label("Kernel w  [dim](k)[/]")
        yield Input(placeholder=PLACEHOLDERS["kernel"], id="kernel-editor", select_on_focus=False)
        yield Static("", id="kernel-editor-error", classes="error -empty")
        yield Label("Presets  [dim](r to choose, n for the next)[/]")
        yield SafeOptionList(
            *(Option(p.name, id=str(i)) for i, p in enumerate(PRESETS)),
            id="presets",
        )

    def watch_state(self, state) -> None:
        """Show a setup's arrays, unless they are ones the editors sent (or hold)."""
        if state is None or state.setup is self._shown_setup:
            return
        self._shown_setup = state.setup
        for editor_id, name in FIELDS.items():
            array = getattr(state.setup, name)
            editor = self.query_one(f"#{editor_id}", Input)
            if self._came_back(name, array):
                editor.placeholder = PLACEHOLDERS[name]
                continue  # the learner's own text: never rewritten under the cursor
            self._sent[name].clear()
            shown = array.size <= TEXT_LIMIT
            with editor.prevent(Input.Changed):
                editor.value = array_text(array) if shown else ""
            editor.cursor_position = len(editor.value)  # Input keeps it mid-text otherwise
            editor.placeholder = PLACEHOLDERS[name] if shown else _too_many(array)
            self._show_error(editor_id, None)

    def _came_back(self, name: str, array: np.ndarray) -> bool:
        """Whether ``array`` is one this editor sent; older ones sent are forgotten."""
        sent = self._sent[name]
        for i in range(len(sent) - 1, -1, -1):
            if _same(sent[i], array):
                del sent[:i]
                return True
        return False

    @on(Input.Changed)
    def _edited(self, event: Input.Changed) -> None:
        editor_id = event.input.id
        if editor_id not in FIELDS:
            return
        event.stop()
        name = FIELDS[editor_id]
        try:
            array = parse_array(event.value, kernel=name == "kernel")
        except ParseError as exc:
            self._show_error(editor_id, exc)
            return
        self._show_note(editor_id, _changed_numbers(event.value))
        sent = self._sent[name]
        sent.append(array)
        del sent[:-SENT_KEPT]
        self.post_message(SetupChange({name: array}))

    def _show_error(self, editor_id: str, error: ParseError | None) -> None:
        box = self.query_one(f"#{editor_id}-error", Static)
        self.query_one(f"#{editor_id}", Input).set_class(error is not None, "-invalid")
        box.set_class(error is None, "-empty")
        box.remove_class("-note")
        if error is None:
            box.update("")
            return
        message = Text(f"✗ {error.reason} (character {error.position + 1})\n", style="bold")
        message.append(_crop_pointer(error.pointer(), 34))
        message.append("\nthe other panes keep the last valid value", style="dim")
        box.update(message)

    def _show_note(self, editor_id: str, notes: list[str]) -> None:
        """Valid text whose numbers did not stay as written (``1e999`` became inf)."""
        self._show_error(editor_id, None)
        if notes:
            box = self.query_one(f"#{editor_id}-error", Static)
            box.set_classes("error -note")
            box.update(Text("⚠ " + "; ".join(notes)))

    @on(OptionList.OptionSelected, "#presets")
    def _preset_chosen(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        preset = PRESETS[int(event.option.id)]
        self.notify(f"{preset.name}: {preset.note}", timeout=3)
        self.post_message(ReplaceSetup(preset.setup))


def _same(a: np.ndarray, b: np.ndarray) -> bool:
    """Same shape and values, a nan equal to a nan (``nan 1 2`` must match itself)."""
    if a is b:
        return True
    if a.shape != b.shape:
        return False
    try:
        return bool(np.array_equal(a, b, equal_nan=True))
    except TypeError:  # a dtype without nan
        return bool(np.array_equal(a, b))


def _too_many(array: np.ndarray) -> str:
    """The placeholder of an editor whose array is too big to edit as text.

    >>> _too_many(np.zeros((1024, 768)))
    '1024×768 values, too many to edit as text: type numbers to replace them'
    """
    shape = "×".join(str(n) for n in array.shape)
    return f"{shape} values, too many to edit as text: type numbers to replace them"


def _changed_numbers(text: str) -> list[str]:
    """What the numbers written in ``text`` became when they do not fit a float.

    >>> _changed_numbers("1, 1e999, 0.0, 5e-324")
    ['1e999 is too large for a float: it became inf']
    >>> _changed_numbers("-1e-999")
    ['-1e-999 is too small for a float: it became 0']
    """
    notes = []
    for match in _WRITTEN.finditer(text):
        written = match.group(0)
        if "e" not in written.lower():
            continue  # plain digits: an integer, or a decimal that rounds at most
        value = float(written)
        if math.isinf(value):
            sign = "-" if value < 0 else ""
            notes.append(f"{written} is too large for a float: it became {sign}inf")
        elif value == 0 and any(c in "123456789" for c in written.lower().split("e")[0]):
            notes.append(f"{written} is too small for a float: it became 0")
        if len(notes) == 3:
            break
    return notes


def _crop_pointer(pointer: str, width: int) -> str:
    """The text line and caret, cut to ``width`` characters around the caret."""
    line, caret = pointer.split("\n")
    at = len(caret) - 1
    start = max(0, min(at - width // 2, len(line) - width))
    return f"{line[start : start + width]}\n{' ' * (at - start)}^"
