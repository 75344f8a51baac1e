"""The layer screen's field pane: which input cells the cursor's output depends on.

One row per stage (each layer's convolution, and its pooling), from the stack's
input up to the chosen layer, with the receptive field ``r`` and the jump ``j``
(input cells between neighbouring outputs) after it, and the cells of that stage's
input the cursor's output reads, walked back through each stage's geometry.  The
formula is filled in for the last stage:

    r_l = r_(l-1) + (k_l − 1)·d_l·j_(l-1),   j_l = j_(l-1)·s_l,   r_0 = j_0 = 1
"""

from __future__ import annotations

from rich.text import Text

from ..layer_state import FieldRow, LayerState, field_rows
from .grid import CURRENT, WINDOW, window
from .lines import LinesPane

__all__ = ["LayerField"]


def _cells(ranges) -> str:
    if any(hi < lo for lo, hi in ranges):
        return "padding only"
    return " × ".join(f"{lo}..{hi}" for lo, hi in ranges)


class LayerField(LinesPane, can_focus=True):
    """The receptive field of the cursor's output, layer by layer."""

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.border_title = "Receptive field [4]"

    def lines(self, width: int, height: int) -> list[Text]:
        state: LayerState | None = self.state
        if state is None:
            return []
        rows = field_rows(state)
        where = ", ".join(map(str, state.cell))
        lines = [Text(f"z[map {state.feature}, at {where}] of layer {state.layer + 1} reads:")]
        lines.append(
            Text(f"{'stage':<14} {'k':>2} {'s':>2} {'d':>2} {'r':>4} {'j':>3}  reads", "bold")
        )
        for index, row in enumerate(rows):
            what = "its input" if index == 0 else f"{rows[index - 1].what} out"
            lines.append(
                Text(
                    f"{row.what:<14} {row.kernel:>2} {row.stride:>2} {row.dilation:>2} "
                    f"{row.field:>4} {row.jump:>3}  {what} {_cells(row.cells)}"
                )
            )
        last = rows[-1]
        before = rows[-2] if len(rows) > 1 else None
        r0, j0 = (before.field, before.jump) if before else (1, 1)
        lines.append(Text(""))
        lines.append(
            Text.assemble(
                ("r", "bold"),
                f" = r_prev + (k−1)·d·j_prev = {r0} + ({last.kernel}−1)·{last.dilation}·{j0}"
                f" = {last.field}",
            )
        )
        lines.append(
            Text.assemble(("j", "bold"), f" = j_prev·s = {j0}·{last.stride} = {last.jump}")
        )
        lines.append(Text(""))
        lines += strips(rows, state, width)
        first = rows[0].cells
        span = " × ".join(str(hi - lo + 1) for lo, hi in first)
        lines.append(
            Text(
                f"The input cells {_cells(first)} ({span}) feed this output"
                + ("" if len(rows) == 1 else f", through {len(rows)} stages")
                + "; a cut at the edge is where padding or the input ends.",
                style="dim",
            )
        )
        return lines


def strips(rows: list[FieldRow], state: LayerState, width: int) -> list[Text]:
    """Each stage's input as a strip of cells per axis: █ read, ░ skipped inside the range.

    The stack's input shows exactly the cells read (dilation and strides leave holes);
    later stages show the range.  The last strip is the chosen layer's output, the
    cursor's cell lit.
    """
    ndim = len(state.cell)
    out_length = state.geometry(state.layer).output_shape
    names = ["input"] + [f"{row.what} out" for row in rows[:-1]]
    stages = [
        (name, row.length, row.cells, row.exact) for name, row in zip(names, rows, strict=True)
    ]
    here = tuple((c, c) for c in state.cell)
    stages.append((f"layer {state.layer + 1} z", out_length, here, None))
    label = max(len(name) for name, *_ in stages) + 4
    room = max(width - label - 2, 4)
    lines = []
    for axis in range(ndim):
        if ndim > 1:
            lines.append(Text("rows (↕)" if axis == 0 else "columns (↔)", style="dim"))
        for name, length, cells, exact in stages:
            lo, hi = cells[axis]
            shown = window(length[axis], max(lo, 0), max(hi, 0), room)
            line = Text(f"{name:<{label - 4}}", style="bold")
            line.append("‹ " if shown.start > 0 else "  ", style="dim")
            read = set(exact[axis]) if exact is not None else None
            for i in shown:
                if not lo <= i <= hi:
                    line.append("·", style="dim")
                elif read is not None and i not in read:
                    line.append("░", style="dim")
                else:
                    line.append("█", style=CURRENT if name.endswith(" z") else WINDOW)
            line.append(" ›" if shown.stop < length[axis] else "", style="dim")
            lines.append(line)
    return lines
