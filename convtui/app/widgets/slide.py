"""The slide pane: the padded input, the kernel as applied under the window, the
products, the step's equation and the whole output, this step's element marked.

It draws only the stretch of a long input (or the block of a large image) around
the current window, so a 4096-long input or a 64×64 image costs the same per step
as the seed example.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
from rich.text import Text

from ..formatting import number
from ..hidden import cell_text, equation_text, hidden_cells
from .grid import CURRENT, KERNEL, OUTPUT, PAD, PRODUCT, WINDOW, grid, side_by_side, window
from .lines import LinesPane

if TYPE_CHECKING:  # loaded with the first transposed setup, not at start-up
    from .slide_transposed import ScatterTable

__all__ = ["SlidePane", "equation"]

LABEL = 11  # width of the row labels in 1-D


def equation(step, width: int) -> str:
    """The step's equation (the engine's), middle terms elided to fit ``width``·3."""
    return step.equation(number, limit=max(width * 3, 40))


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
        self._grown: tuple[object, dict[str, int]] = (None, {})
        self._table: ScatterTable | None = None

    def _grow(self, state, key: str, width: int, texts) -> int:
        """``width``, widened to keep a space before each of ``texts``.

        A width only grows while one result is shown, so cells move at most once
        (when a wider number first shows up), and never run together.
        """
        if self._grown[0] is not state.result:
            self._grown = (state.result, {})
        widths = self._grown[1]
        widths[key] = max(width, widths.get(key, 0), *(len(t) + 1 for t in texts))
        return widths[key]

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
        status.append(f"step {state.step + 1} of {state.size}", style="bold")
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
        if g.transposed:
            return [status, *self._render_transposed(state, width, height - 1)]
        step = state.result.steps[state.step]
        eq_text = equation_text(hidden_cells(state), state.step, equation(step, width))
        eq = Text(eq_text, style="bold")
        eq_lines = len(eq.wrap(self.app.console, width))
        if g.ndim == 1:
            body = self._render_1d(state, step, width, height - 2 - eq_lines)
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

    def _render_1d(self, state, step, width: int, height: int) -> list[Text]:
        setup = state.setup
        g = setup.geometry
        # columns are padded cells: cell p sits at input index p - before
        before = g.pad[0][0]
        n = g.input_shape[0]
        padded = g.padded_shape[0]
        room_cells = width - LABEL - 2
        under = g.window(step.index)[0]
        taps = {before + cell: j for j, cell in enumerate(under)}
        x = setup.input
        source = g.source_index(0)
        weights = [number(v) for v in step.weights.tolist()]
        products = [number(v) for v in step.products.tolist()]
        cw = self._cell_width(setup)
        cols = window(padded, before + under[0], before + under[-1], room_cells // cw)
        shown_x = [number(x[source[p]]) for p in cols if source[p] >= 0]
        copies = [_copy_name(source, p, before, n) for p in cols]
        cw = self._grow(state, "cell", cw, [*shown_x, *weights, *products, *copies])
        cols = window(padded, before + under[0], before + under[-1], room_cells // cw)
        more = (cols.start > 0, cols.stop < padded)

        def index_cell(_r, p):
            return (str(p - before), "dim") if 0 <= p - before < n else ("", "")

        def x_cell(_r, p):
            text = "0" if source[p] < 0 else number(x[source[p]])
            if not 0 <= p - before < n:  # a cell the padding added
                return text, PAD + (" reverse" if p in taps else "")
            return text, WINDOW if p in taps else ""

        def tap_cell(values, style):
            return lambda _r, p: (values[taps[p]], style) if p in taps else ("", "")

        def copy_cell(_r, p):
            return _copy_name(source, p, before, n), PAD

        rows = range(1)
        lines = [
            Text("index".ljust(LABEL), style="dim") + grid(rows, cols, index_cell, cw, more)[0],
            Text("x padded".ljust(LABEL)) + grid(rows, cols, x_cell, cw, more)[0],
        ]
        if setup.padding_mode != "zeros" and any(b or a for b, a in g.pad):
            # every padded cell says which x it copies (mirrored, edge or wrapped)
            lines.append(
                Text("= copy of".ljust(LABEL), style=PAD) + grid(rows, cols, copy_cell, cw, more)[0]
            )
        lines += [
            Text(("w flipped" if setup.flip else "w").ljust(LABEL), style=KERNEL)
            + grid(rows, cols, tap_cell(weights, KERNEL), cw, more)[0],
            Text("products".ljust(LABEL), style=PRODUCT)
            + grid(rows, cols, tap_cell(products, PRODUCT), cw, more)[0],
        ]
        legend = _legend(setup, width)
        y_lines = self._output_lines(state, cw, room_cells, height - len(lines) - len(legend))
        return lines + y_lines + legend

    def _output_lines(self, state, cw: int, room: int, lines_room: int) -> list[Text]:
        """The whole output y on as many lines as it needs (or as fit), this step marked."""
        output = state.result.output
        size, current = output.size, state.step
        hidden = hidden_cells(state)  # a lesson's exercise asks for these: "?"
        texts = [number(v) for v in output[: max(room, 1) * 4].tolist()]
        cw = self._grow(state, "cell", cw, [*texts, number(output[current])])
        per_line = max(room // cw, 1)
        n_lines = -(-size // per_line)
        # whole when it fits; else a few lines around this step (a 4096-long y is no read)
        lines_room = n_lines if n_lines <= lines_room else min(max(lines_room, 1), 3)
        first = min(max(current // per_line - lines_room // 2, 0), n_lines - lines_room)

        def y_cell(_r, i):
            text = cell_text(hidden, i, output[i])
            if i == current:
                return text, CURRENT
            return text, OUTPUT if i < current else ""

        lines = []
        for k in range(first, first + lines_room):
            cols = range(k * per_line, min((k + 1) * per_line, size))
            more = (k == first and k > 0, k == first + lines_room - 1 and cols.stop < size)
            label = "y" if k == 0 else f"y[{cols.start}:]"
            line = Text()  # the label's colour only: steps to come are plain
            line.append(label.ljust(LABEL), style=OUTPUT)
            lines.append(line + grid(range(1), cols, y_cell, cw, more)[0])
        return lines

    # -- transposed -----------------------------------------------------------

    def _render_transposed(self, state, width: int, height: int) -> list[Text]:
        """Scatter or gather (see slide_transposed), cells as wide as the output needs."""
        from .slide_transposed import ScatterTable, render_transposed

        if self._table is None or self._table.result is not state.result:
            self._table = ScatterTable(state.result)
        output = state.result.output.ravel()
        texts = [number(v) for v in output[:4096].tolist()]
        cw = self._grow(state, "transposed", self._cell_width(state.setup), texts)
        return render_transposed(state, self._table, cw, width, height)

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
        n0, n1 = g.input_shape
        rows_source, cols_source = g.source_index(0), g.source_index(1)

        def under(r, c):
            return r - b0 in under_rows and c - b1 in under_cols

        def x_cell(r, c):
            i, j = rows_source[r], cols_source[c]
            text = number(x[i, j]) if i >= 0 and j >= 0 else "0"
            added = not (0 <= r - b0 < n0 and 0 <= c - b1 < n1)  # by the padding
            style = (PAD if added else "") + (" " + WINDOW if under(r, c) else "")
            return text, style.strip()

        weights = step.weights.reshape(g.kernel_shape)
        products = step.products.reshape(g.kernel_shape)
        output = state.result.output
        out_cols = g.output_shape[1]
        hidden = hidden_cells(state)

        def y_cell(r, c):
            i = r * out_cols + c
            if i == state.step:
                return cell_text(hidden, i, output[r, c]), CURRENT
            return cell_text(hidden, i, output[r, c]), OUTPUT if i < state.step else ""

        x_w, k_w, p_w, y_w = self._block_widths(state)
        weight_texts = [number(v) for v in weights.ravel().tolist()]
        product_texts = [number(v) for v in products.ravel().tolist()]
        k_w = self._grow(state, "kernel", k_w, weight_texts)
        p_w = self._grow(state, "products", p_w, product_texts)
        k_cols = window(k1, 0, k1 - 1, 8)
        small = len(k_cols) * (k_w + p_w) + 10  # the kernel and products blocks, with gaps
        copies = copies_line(step, g)
        legend = ([copies] if copies is not None else []) + _legend(setup, width)
        layout = _layout_2d(g, width, height, small, x_w, y_w, legend)
        beside, x_room, rows_room, y_room, y_rows_room, legend = layout
        x_rows = window(g.padded_shape[0], b0 + under_rows[0], b0 + under_rows[-1], rows_room)
        x_cols = window(g.padded_shape[1], b1 + under_cols[0], b1 + under_cols[-1], max(x_room, 3))
        k_rows = window(k0, 0, k0 - 1, rows_room)
        y_rows = window(g.output_shape[0], oi, oi, y_rows_room)
        y_cols = window(out_cols, oj, oj, y_room)

        def block(title, style, rows, cols, cell, total, cw):
            more = (cols.start > 0, cols.stop < total)
            return [Text(title, style=style)] + grid(rows, cols, cell, cw, more)

        x_block = block("x padded", "", x_rows, x_cols, x_cell, g.padded_shape[1], x_w)
        w_block = block(
            "w flipped" if setup.flip else "w",
            KERNEL,
            k_rows,
            k_cols,
            lambda r, c: (weight_texts[r * k1 + c], KERNEL),
            k1,
            k_w,
        )
        p_block = block(
            "products",
            PRODUCT,
            k_rows,
            k_cols,
            lambda r, c: (product_texts[r * k1 + c], PRODUCT),
            k1,
            p_w,
        )
        y_block = block("y", OUTPUT, y_rows, y_cols, y_cell, out_cols, y_w)
        if beside:
            return side_by_side([x_block, w_block, p_block, y_block]) + legend
        return side_by_side([x_block, w_block, p_block]) + y_block + legend


def _layout_2d(g, width: int, height: int, small: int, x_w: int, y_w: int, legend: list[Text]):
    """Where the 2-D blocks go: ``(beside, x_room, rows_room, y_room, y_rows_room, legend)``.

    The whole output shows whenever it can: right of the input (which keeps six
    columns), else below it (the input keeps the rows under the kernel); the legend
    gives way first.  When even that does not fit, y is a window around this step.
    """
    out_rows, out_cols = g.output_shape
    y_wide = out_cols * y_w + 2
    x_least = min(g.kernel_shape[0], g.padded_shape[0]) + 1
    for words in (legend, []):
        room = height - len(words)
        if width - small - y_wide - 3 >= 6 * x_w and room >= out_rows + 1:
            x_room = (width - small - y_wide - 5) // x_w
            return True, x_room, room - 1, out_cols, room - 1, words
        if y_wide <= width and room - out_rows - 1 >= x_least:
            x_room = (width - small - 2) // x_w
            return False, x_room, room - out_rows - 2, out_cols, out_rows, words
    # too big to show whole: y follows the step in a window, as large as fits
    y_room = max((width - small) // 3 // y_w, 3)
    if width - small - y_room * y_w - 5 >= 6 * x_w:
        x_room = (width - small - y_room * y_w - 7) // x_w
        return True, x_room, max(height - 1, 2), y_room, max(height - 1, 2), []
    rows_room = max(min(x_least - 1, (height - 2) // 2), 1)
    y_rows_room = max(height - rows_room - 2, 1)
    return False, (width - small - 2) // x_w, rows_room, (width - 2) // y_w, y_rows_room, []


def _copy_name(source, p: int, before: int, n: int) -> str:
    """What padded cell ``p`` holds, by name: ``x[2]`` (a copy) or ``0``; blank inside."""
    if 0 <= p - before < n:
        return ""
    return f"x[{source[p]}]" if source[p] >= 0 else "0"


def copies_line(step, g) -> Text | None:
    """2-D and up: which input each padded cell under the kernel copies, now."""
    if g.padding_mode == "zeros" or step.padded is None or not step.padded.any():
        return None
    names = []
    for position in step.positions[step.padded].tolist():
        index = np.unravel_index(position, g.input_shape)
        names.append("x[" + ",".join(str(int(i)) for i in index) + "]")
    unique = list(dict.fromkeys(names))
    return Text(f"padded cells under the kernel copy ({g.padding_mode}): " + " ".join(unique))


def _legend(setup, width: int) -> list[Text]:
    """What the styles mean, in words (on two lines when one does not fit)."""
    if setup.padding_mode == "zeros":
        added = "faint 0 = a zero the padding added"
    else:
        added = f"faint = a copy the {setup.padding_mode} padding added"
    marked = "highlighted = under the kernel now, and the y they make"
    one = f"{added} · {marked}"
    if len(one) <= width:
        return [Text(one, style="dim")]
    return [Text(added, style="dim"), Text(marked, style="dim")]


def _width(values) -> int:
    """Cell width for a block: its widest number, plus a space."""
    flat = np.asarray(values).ravel()[:4096].tolist()
    return max(max((len(number(v)) for v in flat), default=1) + 1, 2)
