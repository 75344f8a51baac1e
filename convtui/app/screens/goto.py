"""A small dialog: jump to an output index (``5``, or ``2, 3`` in 2-D)."""

from __future__ import annotations

import math

import numpy as np
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Static

from ..workarounds import DismissOnce

__all__ = ["GotoScreen", "parse_index"]


def parse_index(text: str, shape: tuple[int, ...], what: str = "output") -> int:
    """A flat step index from ``"5"`` or ``"2, 3"``; ValueError says what is wrong.

    >>> parse_index("4", (6,)), parse_index("1, 2", (3, 4)), parse_index("-1", (6,))
    (4, 6, 5)
    >>> parse_index("1, 9", (3, 4), "input")
    Traceback (most recent call last):
    ValueError: index 9 is outside 0..3 (the input is (3, 4))
    """
    parts = [p for p in text.replace(",", " ").split() if p]
    total = math.prod(shape)
    try:
        numbers = [int(p) for p in parts]
    except ValueError:
        raise ValueError(f"type whole numbers, got {text.strip()!r}") from None
    if len(numbers) == 1:
        (i,) = numbers
        if not -total <= i < total:
            raise ValueError(f"there are {total} steps: use 0 to {total - 1}")
        return i % total
    if len(numbers) != len(shape):
        raise ValueError(f"type one index, or {len(shape)} (the {what} is {shape})")
    for i, n in zip(numbers, shape):
        if not 0 <= i < n:
            raise ValueError(f"index {i} is outside 0..{n - 1} (the {what} is {shape})")
    return int(np.ravel_multi_index(numbers, shape))


class GotoScreen(DismissOnce, ModalScreen[int | None]):
    """Ask for an output index (an input index while scattering); Enter jumps, Escape cancels."""

    DEFAULT_CSS = """
    GotoScreen { align: center middle; }
    GotoScreen > Vertical {
        width: 56; max-width: 100%; height: auto; padding: 1 2;
        border: thick $accent; background: $surface;
    }
    GotoScreen .error { color: $error; }
    """
    BINDINGS = [Binding("escape", "cancel", "Cancel")]

    def __init__(self, shape: tuple[int, ...], current: int, what: str = "output"):
        super().__init__()
        self.shape = tuple(shape)
        self.current = current
        self.what = what
        """What a step is: an output, or an input (a transposed convolution's scatter)."""

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static("[b]Go to step[/b]  [dim]Enter go · Esc cancel[/dim]")
            yield Static(self.hint, id="goto-hint")  # a Static wraps where a Label is cut
            yield Input(placeholder="5" if len(self.shape) == 1 else "2, 3", id="index")
            yield Static("", classes="error")

    @property
    def hint(self) -> str:
        """What to type, and where the slide is now."""
        here = ", ".join(str(int(i)) for i in np.unravel_index(self.current, self.shape))
        last = math.prod(self.shape) - 1
        if len(self.shape) == 1:
            return f"Type an {self.what} index, 0 to {last} (now at {here})."
        size = "×".join(str(n) for n in self.shape)
        what = "row, column" if len(self.shape) == 2 else f"{len(self.shape)} numbers"
        return (
            f"Type an {self.what} index ({what}; the {self.what} is {size}), or a step "
            f"0 to {last} (now at {here})."
        )

    def on_input_submitted(self, event: Input.Submitted) -> None:
        try:
            index = parse_index(event.value, self.shape, self.what)
        except ValueError as exc:
            self.query_one(".error", Static).update(str(exc))
            return
        if self.app.screen is self:
            self.dismiss(index)

    def action_cancel(self) -> None:
        if self.app.screen is self:  # a second Escape already queued must not pop the screen below
            self.dismiss(None)
