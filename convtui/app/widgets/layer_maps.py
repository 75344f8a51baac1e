"""The layer screen's maps pane: the chosen layer's input channels and its feature maps.

Each channel and each feature map is a block of numbers around the cursor, side by
side (blocks wrap onto more lines when the pane is narrow).  The input cells the
cursor's filter reads are lit in the channels it reads, and the cursor's output is
lit in its feature map.  Feature maps show ``a = activation(z)``; with pooling a
last row of blocks shows the pooled maps.  Only the cells on screen are drawn.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from rich.text import Text
from textual import events
from textual.message import Message

from ..formatting import number
from ..layer_state import LayerState
from .grid import CURRENT, WINDOW, side_by_side, window
from .lines import LinesPane

__all__ = ["LayerMaps", "PickCell", "block_window", "map_block"]

CELL = 5  # columns per number
READ = "bold yellow"  # input cells the cursor's filter reads


def _short(value: float) -> str:
    """A number in at most ``CELL - 1`` characters.

    >>> _short(412), _short(1 / 3), _short(-1 / 3), _short(12345), _short(-2.5e6), _short(3e9)
    ('412', '0.33', '-0.3', '12k', '-2M', '3e9')
    """
    text = number(value)
    if len(text) < CELL:
        return text
    for unit, scale in (("M", 1e6), ("k", 1e3)):
        if abs(value) >= scale:
            text = f"{value / scale:.0f}{unit}"
            if len(text) < CELL:
                return text
            return f"{value:.0e}".replace("+0", "").replace("+", "")  # 3e9, 1e12
    return f"{value:.2g}"[: CELL - 1]


def map_block(
    title: str, values: np.ndarray, lit: set, lit_style: str, around, room: tuple[int, int]
) -> list[Text]:
    """A titled block of ``values`` (1-D or 2-D) in a window around ``around``.

    >>> [t.plain for t in map_block("x", np.array([1.0, 2, 3]), {(1,)}, "bold", (1,), (1, 9))]
    ['x', '    1    2    3']
    """
    if values.ndim == 1:  # one row
        values, lit = values[None], {(0, *cell) for cell in lit}
    rows, cols = block_window(values.shape, around, room)
    lines = [Text(title, style="bold")]
    for r in rows:
        line = Text()
        for c in cols:
            text = _short(values[r, c])
            line.append(" " * (CELL - len(text)))
            line.append(text, style=lit_style if (r, c) in lit else "")
        lines.append(line)
    return lines


def block_window(shape, around, room) -> tuple[range, range]:
    """The rows and columns of a map of ``shape`` (1-D: one row) a block shows."""
    shape = (1, *shape) if len(shape) == 1 else tuple(shape)
    at = (0, *around) if len(around) == 1 else tuple(around)
    return window(shape[0], at[0], at[0], room[0]), window(shape[1], at[1], at[1], room[1])


@dataclass
class PickCell(Message):
    """A click on a feature map's cell: make it the cursor."""

    feature: int
    cell: tuple[int, ...]


class LayerMaps(LinesPane, can_focus=True):
    """The chosen layer's input channels and feature maps, around the cursor."""

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.border_title = "Feature maps [1]"
        self._hits: list = []  # per feature map: x, first line, rows, cols, feature

    def lines(self, width: int, height: int) -> list[Text]:
        state: LayerState | None = self.state
        if state is None:
            return []
        if state.result is None:
            return [Text("Computing the layer…", style="italic")]
        values = state.result.layers[state.layer]
        spec, g = state.spec, values.geometry
        two_d = values.x.ndim == 3
        room = _room(width, height, values.x.shape[0], spec.out_channels, spec.pool != "none")
        room = room if two_d else (1, max((width - 2) // CELL, 3))
        lines = [Text(_shapes_line(state), style="dim")]
        window_cells = g.window(state.cell)
        read = {
            tuple(cell)
            for cell in np.stack(np.meshgrid(*window_cells, indexing="ij"), -1).reshape(
                -1, len(window_cells)
            )
        }
        centre = tuple(r[len(r) // 2] for r in window_cells)
        centre = tuple(min(max(c, 0), n - 1) for c, n in zip(centre, values.x.shape[1:]))
        per_group = values.x.shape[0] // spec.groups
        first = state.feature // (spec.out_channels // spec.groups) * per_group
        reads = range(first, first + per_group)
        blocks = [
            map_block(
                f"{'input' if state.layer == 0 else 'in'} ch {c}",
                values.x[c],
                read if c in reads else set(),
                READ,
                centre,
                room,
            )
            for c in range(values.x.shape[0])
        ]
        lines += _flow(blocks, width)[0]
        label = f"a = {spec.label}(z)" if spec.activation != "identity" else "z"
        maps = [
            map_block(
                f"{label} map {f}",
                values.a[f],
                {state.cell} if f == state.feature else set(),
                CURRENT,
                state.cell,
                room,
            )
            for f in range(spec.out_channels)
        ]
        flowed, offsets = _flow(maps, width)
        self._hits = [
            (x, len(lines) + y + 1, *block_window(values.a.shape[1:], state.cell, room), f)
            for f, (x, y) in enumerate(offsets)
        ]
        lines += flowed
        if spec.pool != "none":
            pooled = tuple(c // 2 for c in state.cell)
            lines += _flow(
                [
                    map_block(
                        f"{spec.pool} pool {f}",
                        values.out[f],
                        {pooled} if f == state.feature else set(),
                        WINDOW,
                        pooled,
                        room,
                    )
                    for f in range(spec.out_channels)
                ],
                width,
            )[0]
        return lines

    def on_click(self, event: events.Click) -> None:
        offset = event.get_content_offset(self)
        if offset is None or self.state is None:
            return
        for x0, y0, rows, cols, feature in self._hits:
            if y0 <= offset.y < y0 + len(rows) and x0 <= offset.x < x0 + len(cols) * CELL:
                row, col = rows[offset.y - y0], cols[(offset.x - x0) // CELL]
                cell = (col,) if len(self.state.cell) == 1 else (row, col)
                self.post_message(PickCell(feature, cell))
                return


def _room(width: int, height: int, c_in: int, c_out: int, pooled: bool) -> tuple[int, int]:
    """Rows and columns of each 2-D block, so that the blocks fit the pane.

    >>> _room(78, 30, 1, 4, False)  # two 5-wide blocks to a row: 1 + 2 rows of blocks
    (8, 5)
    """
    wanted = min(max(c_in, c_out), 4)  # blocks to a row, at most
    cols = min(max((width // wanted - 2) // CELL, 5), 9)
    cols = min(cols, max((width - 2) // CELL, 1))
    per_row = max(width // (cols * CELL + 2), 1)
    block_rows = -(-c_in // per_row) + -(-c_out // per_row) * (2 if pooled else 1)
    rows = (height - 1) // block_rows - 1
    return min(max(rows, 3), 9), cols


def _flow(blocks: list[list[Text]], width: int, gap: int = 2) -> tuple[list[Text], list]:
    """Blocks side by side, as many to a row as fit in ``width``; each one's (x, y)."""
    rows, row, used = [], [], 0
    for block in blocks:
        w = max(line.cell_len for line in block) + gap
        if row and used + w > width:
            rows.append(row)
            row, used = [], 0
        row.append(block)
        used += w
    if row:
        rows.append(row)
    lines, offsets = [], []
    for row in rows:
        x = 0
        for block in row:
            offsets.append((x, len(lines)))
            x += max(line.cell_len for line in block) + gap
        lines += side_by_side(row, gap)
    return lines, offsets


def _shapes_line(state: LayerState) -> str:
    values = state.result.layers[state.layer]
    spec = state.spec

    def shape(a) -> str:
        return "×".join(map(str, a.shape))

    text = f"layer {state.layer + 1}: input {shape(values.x)} → z {shape(values.z)}"
    if spec.pool != "none":
        text += f" → {spec.pool} pool {shape(values.out)}"
    return text
