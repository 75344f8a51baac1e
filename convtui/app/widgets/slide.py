"""The slide pane: the padded input, the kernel as applied under the window, the
products, the step's equation and the output so far.

It draws only the stretch of a long input (or the block of a large image) around
the current window, so a 4096-long input or a 64×64 image costs the same per step
as the seed example.
"""

from __future__ import annotations

import numpy as np
from rich.text import Text

from ..formatting import number
from .grid import CURRENT, KERNEL, OUTPUT, PAD, PRODUCT, WINDOW, grid, side_by_side, window
from .lines import LinesPane

__all__ = ["SlidePane", "equation"]

LABEL = 11  # width of the row labels in 1-D


def equation(step, width: int) -> str:
    """``y[i] = a·b + c·d + … = value``, with middle terms elided to fit ``width``·3."""
    name = "y[" + ",".join(str(i) for i in step.index) + "]"
    terms = [
        f"{number(w)}·{number(v)}" for w, v in zip(step.weights.tolist(), step.inputs.tolist())
    ]
    value = number(step.value)
    text = f"{name} = {' + '.join(terms)} = {value}"
    budget = max(width * 3, 40)
    if len(text) <= budget:
        return text
    keep = max(budget // 2 // max(len(t) + 3 for t in terms), 1)
    shown = terms[:keep] + ["…"] + terms[-1:]
    return f"{name} = {' + '.join(shown)} = {value}  ({len(terms)} terms)"


class SlidePane(LinesPane, can_focus=True):
    """Step through the slide: arrow keys, Home/End, space to play, g to jump."""

    DEFAULT_CSS = """
    SlidePane { padding: 0 1; }
    """

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.border_title = "Slide  [2]"
        self._widths: tuple[object, int] | None = None
        self._widths2d: tuple[object, tuple[int, int, int, int]] | None = None

    def _block_widths(self, state) -> tuple[int, int, int, int]:
        """Cell widths of the 2-D blocks (input, kernel, products, output), once per setup."""
        if self._widths2d is None or self._widths2d[0] is not state.result:
            setup, output = state.setup, state.result.output
            x = setup.input[:64, :64]
            biggest = float(np.abs(x).max(initial=0)) * float(np.abs(setup.kernel).max(initial=0))
            k_w = _width(setup.kernel)
            p_w = max(_width([biggest, -biggest]), k_w)
            self._widths2d = (state.result, (_width(x), k_w, p_w, _width(output[:64, :64])))
        return self._widths2d[1]

    def _cell_width(self, setup) -> int:
        """One width for every cell of this setup, so cells do not jump while stepping."""
        if self._widths is None or self._widths[0] is not setup:
            x, w = setup.input, setup.kernel
            biggest = float(np.abs(x).max(initial=0)) * float(np.abs(w).max(initial=0))
            samples = list(x.ravel()[:4096].tolist()) + list(w.ravel()[:4096].tolist())
            samples += [biggest, -biggest, float(np.abs(x).sum(initial=0)) * float(np.abs(w).max())]
            width = max(len(number(v)) for v in samples) + 1
            self._widths = (setup, max(min(width, 9), 3))
        return self._widths[1]

    def lines(self, width: int, height: int) -> list[Text]:
        state = self.state
        if state is None:
            return []
        if state.result is None:
            return [Text("computing…", style="dim")]
        setup = state.setup
        g = setup.geometry
        width = max(width, 20)
        status = Text()
        status.append(f"step {state.step + 1} of {g.size}", style="bold")
        if state.playing:
            status.append(f"   ▶ playing, {state.speed:g} s a step (+/- speed)", style=OUTPUT)
        else:
            status.append("   ←/→ step · space play · g go to", style="dim")
        if setup.flip:
            note = Text("convolution: the kernel is flipped before it slides", style="italic")
        else:
            note = Text("cross-correlation: the kernel slides as written", style="italic")
        if g.size == 0:
            return [
                status,
                note,
                Text(
                    "\nThe output is empty: the kernel (spread by the dilation) is longer than the "
                    "padded input. Try mode full or same (m), or more padding (p).",
                    style="bold",
                ),
            ]
        step = state.result.steps[state.step]
        eq = Text(equation(step, width), style="bold")
        eq_lines = len(eq.wrap(self.app.console, width))
        if g.ndim == 1:
            body = self._render_1d(state, step, width)
        elif g.ndim == 2:
            body = self._render_2d(state, step, width, height - 2 - eq_lines)
        else:
            body = [
                Text("3-D: the equation below shows each step; the grids are 1-D and 2-D only.")
            ]
        for line in body:
            line.truncate(width, overflow="crop")
        return [status, note, *body, eq]

    # -- 1-D ----------------------------------------------------------------

    def _render_1d(self, state, step, width: int) -> list[Text]:
        setup = state.setup
        g = setup.geometry
        # columns are padded cells: cell p sits at input index p - before
        before = g.pad[0][0]
        n = g.input_shape[0]
        padded = g.padded_shape[0]
        cw = self._cell_width(setup)
        room = (width - LABEL - 2) // cw
        under = g.window(step.index)[0]
        taps = {before + cell: j for j, cell in enumerate(under)}
        cols = window(padded, before + under[0], before + under[-1], room)
        more = (cols.start > 0, cols.stop < padded)
        x = setup.input
        source = g.source_index(0)

        def index_cell(_r, p):
            return (str(p - before), "dim") if 0 <= p - before < n else ("", "")

        def x_cell(_r, p):
            if source[p] < 0:
                return "0", PAD + (" reverse" if p in taps else "")
            return number(x[source[p]]), WINDOW if p in taps else ""

        def tap_cell(values, style):
            return lambda _r, p: (number(values[taps[p]]), style) if p in taps else ("", "")

        rows = range(1)
        lines = [
            Text("index".ljust(LABEL), style="dim") + grid(rows, cols, index_cell, cw, more)[0],
            Text("x padded".ljust(LABEL)) + grid(rows, cols, x_cell, cw, more)[0],
            Text(("w flipped" if setup.flip else "w").ljust(LABEL), style=KERNEL)
            + grid(rows, cols, tap_cell(step.weights.tolist(), KERNEL), cw, more)[0],
            Text("products".ljust(LABEL), style=PRODUCT)
            + grid(rows, cols, tap_cell(step.products.tolist(), PRODUCT), cw, more)[0],
        ]
        output = state.result.output
        out_cols = window(g.size, state.step, state.step, (width - LABEL - 2) // cw)

        def y_cell(_r, i):
            if i > state.step:
                return "·", "dim"
            return number(output[i]), CURRENT if i == state.step else OUTPUT

        more_y = (out_cols.start > 0, out_cols.stop < g.size)
        lines.append(
            Text("y so far".ljust(LABEL), style=OUTPUT)
            + grid(rows, out_cols, y_cell, cw, more_y)[0]
        )
        lines.append(Text("dim 0 = padding zero · reversed = under the kernel", style="dim"))
        return lines

    # -- 2-D ----------------------------------------------------------------

    def _render_2d(self, state, step, width: int, height: int) -> list[Text]:
        setup = state.setup
        g = setup.geometry
        # rows and columns are padded cells: cell r sits at input row r - b0
        (b0, _), (b1, _) = g.pad
        k0, k1 = g.kernel_shape
        oi, oj = step.index
        under_rows, under_cols = g.window(step.index)
        x = setup.input
        rows_source, cols_source = g.source_index(0), g.source_index(1)

        def under(r, c):
            return r - b0 in under_rows and c - b1 in under_cols

        def x_cell(r, c):
            i, j = rows_source[r], cols_source[c]
            inside = i >= 0 and j >= 0
            text = number(x[i, j]) if inside else "0"
            style = ("" if inside else PAD) + (" " + WINDOW if under(r, c) else "")
            return text, style.strip()

        weights = step.weights.reshape(g.kernel_shape)
        products = step.products.reshape(g.kernel_shape)
        output = state.result.output
        out_cols = g.output_shape[1]

        def y_cell(r, c):
            i = r * out_cols + c
            if i > state.step:
                return "·", "dim"
            return number(output[r, c]), CURRENT if i == state.step else OUTPUT

        x_w, k_w, p_w, y_w = self._block_widths(state)
        k_cols = window(k1, 0, k1 - 1, 8)
        small = len(k_cols) * (k_w + p_w) + 10  # the kernel and products blocks, with gaps
        # the output grid goes to the right when there is room, else below the input
        y_room = max((width - small) // 3 // y_w, 3)
        beside = width - small - y_room * y_w - 5 >= 6 * x_w
        x_room = (width - small - (y_room * y_w + 5 if beside else 0) - 2) // x_w
        rows_room = max(height - 1, 2) if beside else max((height - 2) // 2, 1)
        x_rows = window(g.padded_shape[0], b0 + under_rows[0], b0 + under_rows[-1], rows_room)
        x_cols = window(g.padded_shape[1], b1 + under_cols[0], b1 + under_cols[-1], max(x_room, 3))
        k_rows = window(k0, 0, k0 - 1, rows_room)
        y_rows = window(g.output_shape[0], oi, oi, rows_room)
        y_cols = window(out_cols, oj, oj, y_room if beside else (width - 2) // y_w)

        def block(title, style, rows, cols, cell, total, cw):
            more = (cols.start > 0, cols.stop < total)
            return [Text(title, style=style)] + grid(rows, cols, cell, cw, more)

        x_block = block("x padded", "", x_rows, x_cols, x_cell, g.padded_shape[1], x_w)
        w_block = block(
            "w flipped" if setup.flip else "w",
            KERNEL,
            k_rows,
            k_cols,
            lambda r, c: (number(weights[r, c]), KERNEL),
            k1,
            k_w,
        )
        p_block = block(
            "products",
            PRODUCT,
            k_rows,
            k_cols,
            lambda r, c: (number(products[r, c]), PRODUCT),
            k1,
            p_w,
        )
        y_block = block("y so far", OUTPUT, y_rows, y_cols, y_cell, out_cols, y_w)
        if beside:
            return side_by_side([x_block, w_block, p_block, y_block])
        return side_by_side([x_block, w_block, p_block]) + y_block


def _width(values) -> int:
    """Cell width for a block: its widest number, plus a space."""
    flat = np.asarray(values).ravel()[:4096].tolist()
    return max(max((len(number(v)) for v in flat), default=1) + 1, 2)
