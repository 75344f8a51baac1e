"""The matrix pane: the same convolution as ``M · x = y``.

Row ``r`` of the Toeplitz matrix (doubly-block Toeplitz in 2-D) is step ``r`` of the
slide (click a row to go to that step).  Each entry is coloured by the kernel weight
it holds, so one weight shows up in many places: weight sharing.  Only the rows and
columns on screen are worked out (from ``Geometry.tap_positions``), so a 4096×4096
matrix costs what a 6×4 one does.
"""

from __future__ import annotations

import math

import numpy as np
from rich.text import Text
from textual import events

from ..formatting import number
from ..messages import StepTo
from .grid import OUTPUT, follow
from .lines import LinesPane

__all__ = ["MatrixPane", "TAP_COLOURS"]

TAP_COLOURS = (
    "cyan",
    "magenta",
    "yellow",
    "green",
    "bright_blue",
    "red",
    "bright_cyan",
    "bright_magenta",
    "bright_yellow",
    "bright_green",
)
ZERO = "dim"


def _human(nbytes: float) -> str:
    for unit in ("B", "KB", "MB", "GB", "TB"):
        if nbytes < 1024:
            return f"{nbytes:.0f} {unit}"
        nbytes /= 1024
    return f"{nbytes:.0f} PB"


class MatrixPane(LinesPane, can_focus=True):
    """``M · x = y`` around the current row; shared weights share a colour."""

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.border_title = "Matrix  M · x = y  [3]"
        self._rows: range | None = None  # the windows drawn last, kept while they fit
        self._cols: range | None = None
        self._row_lines: tuple[int, range] = (0, range(0))  # first line of a row, rows drawn

    def lines(self, width: int, height: int) -> list[Text]:
        self._row_lines = (0, range(0))
        state = self.state
        if state is None or state.result is None:
            return []
        setup = state.setup
        g = setup.geometry
        n_rows, n_cols = g.size, math.prod(g.input_shape)
        width, height = max(width, 20), max(height, 6)
        head = Text(f"M is {n_rows}×{n_cols}: row r is step r", style="bold")
        if g.ndim == 2:
            head.append("  (doubly-block Toeplitz)", style="dim")
        if not state.result.matrix_fits():
            head.append(f"  whole: {_human(g.memory('matrix'))}, drawing what fits", style="dim")
        if n_rows == 0:
            return [head, Text("The output is empty, so M has no rows.", style="bold")]
        kernel = setup.kernel.ravel()
        if not setup.flip and kernel.dtype.kind == "c":
            kernel = kernel.conj()
        values = [number(v) for v in kernel.tolist()]
        # short names (a, b, c ...) when the weights are wide, so more columns fit
        letters = max(len(v) for v in values) > 3 and len(values) <= 26
        labels = [chr(ord("a") + q) for q in range(len(values))] if letters else values
        x = setup.input.ravel()
        cw = max(max(len(t) for t in labels), max(len(number(v)) for v in x[:512].tolist())) + 1
        cw = min(max(cw, 3), 8)
        out_index = np.unravel_index
        label_w = len("y[" + ",".join(str(s - 1) for s in g.output_shape) + "] ") + 2
        y_w = max(len(number(v)) for v in state.result.output.ravel()[:512].tolist()) + 4
        room_cols = max((width - label_w - y_w - 2) // cw, 1)
        legend = self._legend(g, labels, values, width)
        room_rows = max(height - 3 - len(legend), 1)

        current = state.step
        rows = self._rows = follow(self._rows, n_rows, current, current, room_rows)
        positions = g.tap_positions(rows=list(rows))
        kernel_index = g.kernel_index()
        mine = positions[current - rows.start]
        on_input = mine[mine >= 0]
        lo, hi = (int(on_input.min()), int(on_input.max())) if on_input.size else (0, 0)
        cols = self._cols = follow(self._cols, n_cols, lo, hi, room_cols)
        more = ("‹" if cols.start > 0 else " ", "›" if cols.stop < n_cols else " ")

        # the rows start below the head (which may wrap) and the x line: clicks find them
        self._row_lines = (len(head.wrap(self.app.console, width)) + 1, rows)
        x_line = Text("x →".rjust(label_w) + more[0], style="bold")
        for c in cols:
            x_line.append(number(x[c]).rjust(cw))
        x_line.append(more[1])
        lines = [head, x_line]
        output = state.result.output.ravel()
        for r, row_positions in zip(rows, positions):
            here = r == current
            idx = ",".join(str(int(i)) for i in out_index(r, g.output_shape))
            line = Text(
                ("▶ " if here else "  ") + f"y[{idx}]".ljust(label_w - 2),
                style="bold" if here else "dim",
            )
            line.append(more[0], style="dim")
            taps = {
                int(p): t
                for t, p in enumerate(row_positions.tolist())
                if cols.start <= p < cols.stop
            }
            for c in cols:
                t = taps.get(c)
                if t is None:
                    line.append("0".rjust(cw), style=ZERO)
                else:
                    q = int(kernel_index[t])
                    style = TAP_COLOURS[q % len(TAP_COLOURS)] + (" bold reverse" if here else "")
                    line.append(" " * (cw - len(labels[q])))
                    line.append(labels[q], style=style)
            line.append(more[1], style="dim")
            line.append(f" = {number(output[r])}", style=f"{OUTPUT} bold" if here else OUTPUT)
            lines.append(line)
        return [*lines, *legend]

    def on_click(self, event: events.Click) -> None:
        """A click on a row of M goes to that step."""
        offset = event.get_content_offset(self)
        if offset is None or self.state is None or self.state.result is None:
            return
        first, rows = self._row_lines
        row = rows.start + offset.y - first
        if offset.y >= first and row in rows:
            self.post_message(StepTo(row))

    @staticmethod
    def _legend(g, labels: list[str], values: list[str], width: int) -> list[Text]:
        """Which colour is which weight; faint zeros are where M holds no weight."""
        line = Text("weights ", style="dim")
        lines = []
        for q, (label, value) in enumerate(zip(labels, values)):
            idx = ",".join(str(int(i)) for i in np.unravel_index(q, g.kernel_shape))
            part = f"w[{idx}]={value} " if label == value else f"{label}=w[{idx}]={value} "
            if line.cell_len + len(part) > width:
                if len(lines) == 1:
                    line.append("…", style="dim")
                    break
                lines.append(line)
                line = Text("        ")
            line.append(part, style=TAP_COLOURS[q % len(TAP_COLOURS)])
        lines.append(line)
        lines[-1].append("· faint 0 = no weight there: always zero", style="dim")
        return lines
