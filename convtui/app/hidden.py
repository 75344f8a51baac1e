"""What the panes hide while a lesson's exercise asks for it: output cells shown as "?".

While an exercise asks for ``y[2]`` of the setup on the playground, the slide, the
matrix and the plot must not show ``y[2]``.  The lesson panel says what to hide
with a :class:`Hidden` value (the exercise's setup and the flat indices of the
output cells it asks for); the playground's state carries it (the :class:`Hide`
edit), and each pane formats an output value with :func:`cell_text` (or an
equation with :func:`equation_text`).  A cell is hidden only while the playground
shows the exercise's own setup: the learner who changes the kernel sees the new
output, and typing the exercise's setup into the editors hides the cell again.
``Hidden`` goes when the exercise is answered, or its worked steps are shown.

No Textual here: the reducer (:mod:`convtui.app.state`) imports it.

>>> from convtui.engine.setup import Setup
>>> setup = Setup([1, 2, 3, 4], [5, 6, 7], "valid", flip=False)
>>> class State:  # what the panes pass: a PlaygroundState, or anything like it
...     setup, hidden = setup, Hidden(setup, frozenset({1}))
>>> cells = hidden_cells(State())
>>> cell_text(cells, 0, 38), cell_text(cells, 1, 56)
('38', '?')
>>> equation_text(cells, 1, "y[1] = 5·2 + 6·3 + 7·4 = 56")
'y[1] = 5·2 + 6·3 + 7·4 = ?'
"""

from __future__ import annotations

from dataclasses import dataclass

from .formatting import number

__all__ = ["HIDDEN", "Hidden", "Hide", "cell_text", "equation_text", "hidden_cells", "visible"]

HIDDEN = "?"
NOTHING: frozenset[int] = frozenset()


@dataclass(frozen=True, eq=False)
class Hidden:
    """Output cells (flat indices, C order) not to show while ``setup`` is on the playground."""

    setup: object  # a Setup (kept untyped so that this module imports nothing heavy)
    cells: frozenset[int]


@dataclass(frozen=True)
class Hide:
    """The reducer's edit: hide ``hidden`` from now on (None: show everything again)."""

    hidden: Hidden | None


def hidden_cells(state) -> frozenset[int]:
    """The flat output indices a pane must show as "?" for ``state`` (often none).

    Call it once per drawing: it compares the setups (cheaply when they are the
    same object, as a lesson page's setup is).
    """
    hidden = getattr(state, "hidden", None)
    if hidden is None or state is None:
        return NOTHING
    setup = state.setup
    if setup is not hidden.setup and setup != hidden.setup:
        return NOTHING
    return hidden.cells


def cell_text(cells: frozenset[int], flat: int, value, fmt=number) -> str:
    """``value`` as a pane writes it, or "?" when cell ``flat`` is hidden."""
    return HIDDEN if flat in cells else fmt(value)


def equation_text(cells: frozenset[int], flat: int, text: str) -> str:
    """A step's equation (``y[2] = 7·1 + 6·2 + 5·3 = 34``) with its result hidden."""
    if flat not in cells:
        return text
    head, sep, _ = text.rpartition(" = ")
    return f"{head}{sep}{HIDDEN}" if sep else text


def visible(cells: frozenset[int], positions: list, values: list) -> tuple[list, list]:
    """A plot's points without the hidden ones (the line passes over the gap)."""
    if not cells:
        return positions, values
    kept = [(p, v) for i, (p, v) in enumerate(zip(positions, values)) if i not in cells]
    return [p for p, _ in kept], [v for _, v in kept]
