"""The layer screen's matrix pane: the whole layer as one matrix product.

Stack the input channels into one long vector and the feature maps into another:
the layer is ``z = M · x + b``, with ``M`` made of ``C_out × C_in`` blocks.  Block
``(f, c)`` is the Toeplitz matrix of filter ``f``'s weights on channel ``c`` (its
tied weights: each weight appears once per output cell), or all zeros when groups
keep filter ``f`` from reading channel ``c``.  The pane draws the block map, then the
rows of the cursor's filter around its row (lit), each block cut to the columns near
that row's taps (worked out from ``Geometry.tap_positions``, so a 64×64 picture costs
what a 4-long signal does), and the parameter and multiply-add counts.
"""

from __future__ import annotations

import math

from rich.text import Text

from ..formatting import number
from ..layer_state import LayerState
from .grid import CURRENT, KERNEL, window
from .lines import LinesPane

__all__ = ["LayerMatrix", "layer_counts"]

ZERO = "dim"


def layer_counts(state: LayerState, index: int) -> dict[str, int]:
    """Layer ``index``'s weights, biases, multiply-adds and its matrix's size.

    >>> import numpy as np
    >>> from ..layer_state import LayerSpec
    >>> state = LayerState.start(np.zeros((3, 8, 8)), [LayerSpec(out_channels=4)])
    >>> layer_counts(state, 0)
    {'weights': 108, 'biases': 4, 'multiply_adds': 3888, 'rows': 144, 'columns': 192}
    """
    spec, g = state.specs[index], state.geometry(index)
    c_in = state.layer_input_shape(index)[0]
    per_filter = c_in // spec.groups * math.prod(g.kernel_shape)
    return {
        "weights": spec.out_channels * per_filter,
        "biases": spec.out_channels,
        "multiply_adds": spec.out_channels * g.size * per_filter,
        "rows": spec.out_channels * g.size,
        "columns": c_in * math.prod(g.input_shape),
    }


class LayerMatrix(LinesPane, can_focus=True):
    """``z = M · x + b``: C_out × C_in Toeplitz blocks, the cursor's row lit."""

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.border_title = "The layer as one matrix [3]"

    def lines(self, width: int, height: int) -> list[Text]:
        state: LayerState | None = self.state
        if state is None:
            return []
        index, spec, f = state.layer, state.spec, state.feature
        g = state.geometry(index)
        c_in = state.layer_input_shape(index)[0]
        counts = layer_counts(state, index)
        m, n = g.size, math.prod(g.input_shape)
        lines = [
            Text(
                f"z = M·x + b, M is {spec.out_channels}·{m} × {c_in}·{n} = "
                f"{counts['rows']:,} × {counts['columns']:,}: {spec.out_channels}×{c_in} blocks",
                style="dim",
            )
        ]
        per_group = c_in // spec.groups
        first = f // (spec.out_channels // spec.groups) * per_group
        reads = range(first, first + per_group)
        for filt in range(spec.out_channels):
            group = filt // (spec.out_channels // spec.groups) * per_group
            line = Text(f"map {filt}: ", style="bold" if filt == f else "")
            for c in range(c_in):
                on = group <= c < group + per_group
                line.append(f"[W{filt}{c}]" if on else "[ 0 ]", style=KERNEL if on else ZERO)
            if filt == f:
                line.append("  ← rows drawn below", style="dim")
            lines.append(line)
        row = int(sum(c * s for c, s in zip(state.cell, _strides(g.output_shape))))
        lines += self._band(state, row, reads, c_in, width, height - len(lines) - 3)
        lines.append(
            Text(
                f"parameters: {spec.out_channels}·{per_group}·{math.prod(g.kernel_shape)} weights"
                f" + {spec.out_channels} biases = {counts['weights'] + counts['biases']:,}"
                f"  (the matrix has {counts['rows'] * counts['columns']:,} entries)"
            )
        )
        lines.append(
            Text(
                f"multiply-adds: {spec.out_channels}·{m}·{per_group}·{math.prod(g.kernel_shape)}"
                f" = {counts['multiply_adds']:,}"
            )
        )
        return lines

    def _band(self, state, row, reads, c_in, width, room) -> list[Text]:
        """The cursor's filter's rows around ``row``, each block cut near its taps."""
        g, f = state.geometry(state.layer), state.feature
        rows = window(g.size, row, row, max(min(room, 5), 1))
        positions = g.tap_positions(list(rows))
        taps = g.kernel_index()
        here = [p for p in positions[list(rows).index(row)] if p >= 0]
        lo, hi = (min(here), max(here)) if here else (0, 0)
        n = math.prod(g.input_shape)
        weights = state.weights[state.layer][f]
        cell = max(len(number(w)) for w in weights.ravel().tolist()) + 1
        per_block = max((width - 14) // max(c_in, 1) // cell - 1, 2)
        if here and hi - lo >= per_block:  # a 2-D row's taps span rows of the input:
            lo = hi = here[len(here) // 2]  # keep its middle tap in view
        cols = window(n, lo, hi, per_block)
        z = state.result.layers[state.layer].z[f].ravel() if state.result is not None else None
        lines = [
            Text(
                f"rows {rows.start}..{rows.stop - 1} of map {f}, "
                f"columns {cols.start}..{cols.stop - 1} of each channel",
                style="dim",
            )
        ]
        for r_i, r in enumerate(rows):
            entries = {int(p): int(t) for p, t in zip(positions[r_i], taps) if p >= 0}
            line = Text("›" if r == row else " ", style=CURRENT if r == row else "")
            for c in range(c_in):
                line.append("│", style="dim")
                for col in cols:
                    if c in reads and col in entries:
                        w = weights[c - reads.start].ravel()[entries[col]]
                        text, style = number(w), KERNEL
                    else:
                        text, style = "0", ZERO
                    if r == row:
                        style = f"{style} reverse" if style == KERNEL else "reverse"
                    line.append(" " * (cell - len(text)) + text, style=style)
            line.append("│", style="dim")
            if z is not None:
                line.append(f" z={number(z[r])}", style="bold" if r == row else "")
            lines.append(line)
        return lines


def _strides(shape) -> list[int]:
    """C-order strides of ``shape`` in cells: flat row = Σ index·stride."""
    out, step = [], 1
    for n in reversed(shape):
        out.append(step)
        step *= n
    return out[::-1]
