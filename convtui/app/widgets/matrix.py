"""The matrix pane: the same convolution as a matrix product.

A convolution is ``M · x = y``: row ``r`` of the Toeplitz matrix M (doubly-block
Toeplitz in 2-D) is step ``r`` of the slide (click a row to go to that step).  A
transposed convolution is ``Mᵀ · x = y``: the forward convolution's M transposed, the
same tied weights, row ``j`` its output ``j`` (the gather reading; in the scatter
reading the current column is the input spread).  ``M`` (shift+m) shows the other
matrix, which is also the layer's input gradient: ``dL/dx = Mᵀ · dL/dy`` for a
convolution, ``M · dL/dy`` for a transposed one.

Each entry is coloured by the kernel weight it holds, so one weight shows up in many
places: weight sharing.  Under a padding mode that copies the input, a tap on a
padded cell adds its weight to the input copied there, so an entry can hold several
weights (reflect folds taps back onto the input; circular wraps them round, and the
matrix is circulant): the entry shows their sum, and a line names the weights of the
current row's entries.  Only the rows and columns on screen are worked out (from the
forward convolution's ``Geometry.tap_positions``), so a 4096×4096 matrix costs what a
6×4 one does.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from rich.text import Text
from textual import events
from textual.binding import Binding
from textual.reactive import reactive

from ...engine.conv import apply
from ...engine.matrix import weights_at
from ..formatting import number
from ..hidden import cell_text, hidden_cells
from ..messages import StepTo
from ..state import WORKER_THRESHOLD
from .grid import OUTPUT, follow
from .lines import LinesPane

__all__ = ["MatrixPane", "TAP_COLOURS", "View", "entry_taps", "input_gradient"]

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
SEVERAL = "bold underline"  # an entry that holds several weights: their sum
CURRENT = " bold reverse"


def _human(nbytes: float) -> str:
    for unit in ("B", "KB", "MB", "GB", "TB"):
        if nbytes < 1024:
            return f"{nbytes:.0f} {unit}"
        nbytes /= 1024
    return f"{nbytes:.0f} PB"


def _index(flat: int, shape) -> str:
    return ",".join(str(int(i)) for i in np.unravel_index(flat, shape))


@dataclass(frozen=True)
class View:
    """Which matrix the pane shows for a setup, and what its rows and columns are.

    A layer's own matrix has a row per output and a column per input: ``M`` for a
    convolution, ``Mᵀ`` for a transposed one.  ``other`` shows its transpose, the
    layer's input gradient.

    >>> from convtui import Setup
    >>> View(Setup([1, 2, 3], [1, 1], "valid", stride=2, transposed=True)).name
    'Mᵀ'
    >>> View(Setup([1, 2, 3], [1, 1]), other=True).rows_are_outputs
    False
    """

    setup: object
    other: bool = False

    @property
    def geometry(self):
        return self.setup.geometry

    @property
    def forward_shown(self) -> bool:
        """Whether the shown matrix is M, the forward convolution's (else Mᵀ)."""
        return (not self.geometry.transposed) != self.other

    @property
    def name(self) -> str:
        return "M" if self.forward_shown else "Mᵀ"

    @property
    def rows_are_outputs(self) -> bool:
        """Rows are the layer's outputs (else its inputs, for the gradient)."""
        return not self.other

    @property
    def shape(self) -> tuple[int, int]:
        g = self.geometry
        n_out, n_in = g.size, math.prod(g.input_shape)
        return (n_out, n_in) if self.rows_are_outputs else (n_in, n_out)

    @property
    def row_shape(self) -> tuple[int, ...]:
        g = self.geometry
        return g.output_shape if self.rows_are_outputs else g.input_shape

    @property
    def col_shape(self) -> tuple[int, ...]:
        g = self.geometry
        return g.input_shape if self.rows_are_outputs else g.output_shape


def _forward_rows(g, flat: np.ndarray) -> np.ndarray:
    """The forward convolution's rows for flat indices of a transposed layer's inputs
    (the same, but where ``output_padding >= stride`` gives the forward one more steps)."""
    forward = g.forward
    if not g.transposed or forward.output_shape == g.input_shape:
        return flat
    return np.ravel_multi_index(np.unravel_index(flat, g.input_shape), forward.output_shape)


def entry_taps(view: View, rows: range, cols: range) -> np.ndarray:
    """Which kernel weights each entry of the shown block holds: ``(rows, cols, depth)``.

    Flat indices into the given kernel, ascending, ``-1`` filling the rest; the same as
    the engine's ``toeplitz_taps`` (transposed where the view is Mᵀ), for the block only.

    >>> from convtui import Setup
    >>> view = View(Setup([1, 2, 3, 4], [1, 2, 3], "same", flip=False, padding_mode="reflect"))
    >>> entry_taps(view, range(0, 1), range(0, 4))[0].tolist()
    [[1, -1], [0, 2], [-1, -1], [-1, -1]]
    """
    forward = view.geometry.forward
    f_rows, others = (rows, cols) if view.forward_shown else (cols, rows)
    depth_of = np.zeros((len(rows) * len(cols), 1), dtype=np.intp) - 1
    if not len(f_rows) or not len(others):
        return depth_of.reshape(len(rows), len(cols), 1)
    wanted = _forward_rows(view.geometry, np.arange(f_rows.start, f_rows.stop))
    positions = forward.tap_positions(rows=wanted.tolist())
    along, tap = np.nonzero((positions >= others.start) & (positions < others.stop))
    across = positions[along, tap] - others.start
    r, c = (along, across) if view.forward_shown else (across, along)
    entry = r * len(cols) + c
    kernel = forward.kernel_index()[tap]
    order = np.lexsort((kernel, entry))
    entry, kernel = entry[order], kernel[order]
    depth_index = np.arange(entry.size) - np.searchsorted(entry, entry, side="left")
    depth = int(depth_index.max()) + 1 if entry.size else 1
    taps = np.full((len(rows) * len(cols), depth), -1, dtype=np.intp)
    taps[entry, depth_index] = kernel
    return taps.reshape(len(rows), len(cols), depth)


def input_gradient(setup) -> np.ndarray | None:
    """The layer's input gradient for ``dL/dy = 1`` (``L`` = the sum of y), from the engine.

    A convolution's is ``Mᵀ · 1`` (:func:`~convtui.engine.layer.conv_backward`), a
    transposed one's ``M · 1`` (the forward convolution of ones).  None for a setup
    too large to work out while drawing.

    >>> from convtui import Setup
    >>> input_gradient(Setup([1, 2, 3, 4], [1, 10], "valid")).tolist()
    [10.0, 11.0, 11.0, 1.0]
    >>> input_gradient(Setup([1, 2], [1, 10], "valid", stride=2, transposed=True)).tolist()
    [11.0, 11.0]
    """
    g = setup.geometry
    if setup.input.size * setup.kernel.size > WORKER_THRESHOLD:
        return None
    if g.transposed:
        forward = g.forward
        through = apply(np.ones(g.output_shape), setup.kernel, forward.spec)
        return np.asarray(through)[tuple(slice(0, n) for n in g.input_shape)]
    # the layer engine loads on first use, not with the app (tests/test_import_hygiene.py)
    from ...engine.layer import conv_backward

    kernel = setup.kernel[(slice(None, None, -1),) * g.ndim] if setup.flip else setup.kernel
    if not setup.flip:
        kernel = np.conj(kernel)  # correlate conjugates a complex kernel

    def backward(weight) -> np.ndarray:
        grad_x, _, _ = conv_backward(
            np.ones((1, 1, *g.output_shape)),
            np.zeros((1, 1, *g.input_shape)),
            np.asarray(weight, dtype=float)[None, None],
            stride=g.stride,
            padding=g.pad,
            dilation=g.dilation,
            padding_mode=g.padding_mode,
        )
        return grad_x[0, 0]

    if np.iscomplexobj(kernel):
        return backward(kernel.real) + 1j * backward(kernel.imag)
    return backward(kernel)


class MatrixPane(LinesPane, can_focus=True):
    """The layer as a matrix around the current step; shared weights share a colour."""

    BINDINGS = [
        Binding(
            "M",
            "toggle_other",
            "Mᵀ / input gradient",
            tooltip="The transpose of this matrix: also the input gradient, dL/dx = Mᵀ·dL/dy",
        ),
    ]

    other: reactive[bool] = reactive(False, init=False)
    """Show the transpose of the layer's matrix (its input gradient) instead."""

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.border_title = self._shown_title = "Matrix  M · x = y  [3]"
        self._rows: range | None = None  # the rows and columns drawn last, kept while they fit
        self._cols: range | None = None
        self._row_lines: tuple[int, range] = (0, range(0))  # first line of a row, rows drawn
        self._gradient: tuple[object, np.ndarray | None] | None = None  # (setup, dL/dx)

    # -- Textual -------------------------------------------------------------

    def watch_state(self) -> None:
        self._title()
        super().watch_state()

    def watch_other(self) -> None:
        self._rows = self._cols = None
        self._title()
        self.redraw()

    def action_toggle_other(self) -> None:
        self.other = not self.other

    def _title(self) -> None:
        state = self.state
        if state is None:
            return
        view = View(state.setup, self.other)
        product = "x = y" if view.rows_are_outputs else "dL/dy = dL/dx"
        title = f"Matrix  {view.name} · {product}  [3]"
        if title != self._shown_title:  # setting a title repaints the whole pane
            self.border_title = self._shown_title = title

    def on_click(self, event: events.Click) -> None:
        """A click on a row that is a step goes to that step."""
        offset = event.get_content_offset(self)
        if offset is None or self.state is None or self.state.result is None:
            return
        first, rows = self._row_lines
        row = rows.start + offset.y - first
        if offset.y >= first and row in rows:
            self.post_message(StepTo(row))

    # -- what the current step is -------------------------------------------

    @staticmethod
    def _current(state) -> tuple[bool, int, np.ndarray]:
        """``(on an output, index, partners)``: the step, and the other side's indices
        it touches (the inputs a window reads, or the outputs an input spreads to)."""
        g, step = state.setup.geometry, state.step
        if not g.transposed:
            partners = g.tap_positions([step])[0]
            return True, step, partners[partners >= 0]
        if state.scattering:
            outputs = state.result.steps.scatter(step).outputs
            return False, step, outputs[outputs >= 0]
        return True, step, state.result.steps[step].positions

    def _input_gradient(self, setup) -> np.ndarray | None:
        if self._gradient is None or self._gradient[0] is not setup:
            self._gradient = (setup, input_gradient(setup))
        return self._gradient[1]

    # -- the lines -------------------------------------------------------------

    def lines(self, width: int, height: int) -> list[Text]:
        self._row_lines = (0, range(0))
        state = self.state
        if state is None or state.result is None:
            return []
        setup = state.setup
        g = setup.geometry
        view = View(setup, self.other)
        n_rows, n_cols = view.shape
        width, height = max(width, 20), max(height, 6)
        heads = self._heads(view, state)
        if not view.rows_are_outputs and self._input_gradient(setup) is None:
            heads.append(Text("dx is left out: this setup is too large to work it out here"))
        head_lines = sum(len(h.wrap(self.app.console, width)) for h in heads)
        if n_rows == 0 or n_cols == 0:
            return [*heads, Text(f"The output is empty, so {view.name} has no entries.")]

        kernel = setup.kernel.ravel()
        if not setup.flip and kernel.dtype.kind == "c":
            kernel = kernel.conj()
        values = [number(v) for v in kernel.tolist()]
        # short names (a, b, c ...) when the weights are wide, so more columns fit
        letters = max(len(v) for v in values) > 3 and len(values) <= 26
        labels = [chr(ord("a") + q) for q in range(len(values))] if letters else values

        # the vector on top, the one on the right
        if view.rows_are_outputs:
            top, top_name = setup.input.ravel(), "x →"
            right, row_name = state.result.output.ravel(), "y"
            hidden = hidden_cells(state)  # a lesson's exercise asks for these: "?"
        else:
            top, top_name = np.ones(n_cols, dtype=np.int64), "dy →"
            right, row_name = self._input_gradient(setup), "dx"
            hidden = frozenset()
            right = None if right is None else right.ravel()
        cw = max(max(len(t) for t in labels), max(len(number(v)) for v in top[:512].tolist()))
        if g.padding_mode != "zeros":  # room for a sum of weights
            cw = max(cw, len(number(np.abs(kernel).sum())))
        cw = min(max(cw + 1, 3), 8)
        label_w = len(f"{row_name}[{_index(n_rows - 1, view.row_shape)}] ") + 2
        label_w = max(label_w, len(top_name) + 1)
        y_w = 4 + (0 if right is None else max(len(number(v)) for v in right[:512].tolist()))
        room_cols = max((width - label_w - y_w - 2) // cw, 1)
        legend = self._legend(g, labels, values, width)
        several_room = 1 if g.padding_mode != "zeros" else 0
        room_rows = max(height - head_lines - 1 - several_room - len(legend), 1)

        on_output, current, partners = self._current(state)
        lo, hi = (int(partners.min()), int(partners.max())) if partners.size else (0, 0)
        current_is_row = on_output == view.rows_are_outputs
        if current_is_row:
            rows = follow(self._rows, n_rows, current, current, room_rows)
            cols = follow(self._cols, n_cols, lo, hi, room_cols)
        else:
            rows = follow(self._rows, n_rows, lo, hi, room_rows)
            cols = follow(self._cols, n_cols, current, current, room_cols)
        self._rows, self._cols = rows, cols
        taps = entry_taps(view, rows, cols)
        sums = weights_at(setup.kernel, taps, flip=setup.flip)
        count = (taps >= 0).sum(axis=2)
        more = ("‹" if cols.start > 0 else " ", "›" if cols.stop < n_cols else " ")

        # the rows start below the heads (which may wrap) and the top line: clicks find them
        self._row_lines = (head_lines + 1, rows if current_is_row else range(0))
        top_line = Text(top_name.rjust(label_w) + more[0], style="bold")
        for c in cols:
            here = not current_is_row and c == current
            text = ("▼" if here else "") + number(top[c])  # the current column
            top_line.append(text.rjust(cw), style="bold reverse" if here else "")
        top_line.append(more[1])
        lines = [*heads, top_line]
        for i, r in enumerate(rows):
            here = current_is_row and r == current
            line = Text(
                ("▶ " if here else "  ")
                + f"{row_name}[{_index(r, view.row_shape)}]".ljust(label_w - 2),
                style="bold" if here else "dim",
            )
            line.append(more[0], style="dim")
            for j, c in enumerate(cols):
                lit = here or (not current_is_row and c == current)
                n = int(count[i, j])
                if n == 0:
                    line.append("0".rjust(cw), style=ZERO)
                    continue
                if n == 1:
                    q = int(taps[i, j, 0])
                    text, style = labels[q], TAP_COLOURS[q % len(TAP_COLOURS)]
                else:  # several weights: their letters, else their sum, else Σ
                    text = "+".join(labels[int(q)] for q in taps[i, j, :n]) if letters else ""
                    text = text if 0 < len(text) < cw else number(sums[i, j])
                    text, style = (text if len(text) < cw else "Σ"), SEVERAL
                line.append(" " * (cw - len(text)))
                line.append(text, style=style + (CURRENT if lit else ""))
            line.append(more[1], style="dim")
            if right is not None:
                value = cell_text(hidden, r, right[r])
                line.append(f" = {value}", style=f"{OUTPUT} bold" if here else OUTPUT)
            lines.append(line)
        several = self._several(view, rows, cols, taps, sums, count, current, current_is_row, width)
        return [*lines, *several, *legend]

    def _heads(self, view: View, state) -> list[Text]:
        """What the matrix is, its size, and how it relates to the slide."""
        g = view.geometry
        n_rows, n_cols = view.shape
        scatter = state.scattering
        step_is_row = (not scatter) == view.rows_are_outputs
        side = "row" if step_is_row else "column"
        if not g.transposed:
            what = f"{side} r is step r"
            if not view.forward_shown:
                what = f"M transposed, the same tied weights; {what}"
        else:
            if view.forward_shown:
                what = "the convolution this layer transposes"
            else:
                what = f"the forward convolution's M ({n_cols}×{n_rows}) transposed"
            what += ", the same tied weights; "
            what += (
                f"{side} i is input i (scatter)" if scatter else f"{side} j is output j (gather)"
            )
        head = Text(f"{view.name} is {n_rows}×{n_cols}: {what}", style="bold")
        if g.ndim == 2:
            head.append("  (doubly-block Toeplitz)", style="dim")
        if not state.result.matrix_fits():
            head.append(f"  whole: {_human(g.memory('matrix'))}, drawing what fits", style="dim")
        heads = [head]
        if not view.rows_are_outputs:
            heads.append(
                Text(
                    f"also the input gradient: dx = {view.name}·dy  "
                    "(dx = dL/dx; dy = dL/dy, here 1 everywhere: L = sum of y)",
                    style="italic",
                )
            )
        if g.padding_mode != "zeros" and any(b or a for b, a in g.pad):
            heads.append(self._padding_note(view))
        return heads

    @staticmethod
    def _padding_note(view: View) -> Text:
        g = view.geometry
        if g.padding_mode == "circular":
            n_rows, n_cols = view.shape
            square = g.ndim == 1 and n_rows == n_cols and g.stride == (1,)
            if square:
                shape = f"{view.name} is circulant: each row is the one above shifted by one"
            else:
                shape = "the taps that fall off one end come in at the other"
            return Text(f"circular padding: {shape}, wrapping round", style="dim")
        return Text(
            f"{g.padding_mode} padding: a tap on a padded cell adds its weight to the x it "
            "copies, so an entry may hold several weights (underlined: their sum)",
            style="dim",
        )

    @staticmethod
    def _several(view, rows, cols, taps, sums, count, current, current_is_row, width):
        """The current row's (or column's) entries that hold several weights, named
        (on one line: the rows keep their room)."""
        g = view.geometry
        if current_is_row:
            if current not in rows:
                return []
            line_taps, line_sums, line_count = (
                taps[current - rows.start],
                sums[current - rows.start],
                count[current - rows.start],
            )
            names = [(current, c) for c in cols]
        else:
            if current not in cols:
                return []
            j = current - cols.start
            line_taps, line_sums, line_count = taps[:, j], sums[:, j], count[:, j]
            names = [(r, current) for r in rows]
        parts = []
        for (r, c), held, total, n in zip(names, line_taps, line_sums, line_count):
            if n < 2:
                continue
            weights = "+".join(f"w[{_index(int(q), g.kernel_shape)}]" for q in held[:n])
            parts.append(f"{view.name}[{r},{c}] = {weights} = {number(total)}")
        if not parts:
            return []
        line = Text("sums: " + ", ".join(parts), style=SEVERAL)
        if line.cell_len > width:
            line.truncate(width - 1)
            line.append("…")
        return [line]

    @staticmethod
    def _legend(g, labels: list[str], values: list[str], width: int) -> list[Text]:
        """Which colour is which weight; faint zeros are where M holds no weight."""
        line = Text("weights ", style="dim")
        lines = []
        for q, (label, value) in enumerate(zip(labels, values)):
            idx = _index(q, g.kernel_shape)
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
