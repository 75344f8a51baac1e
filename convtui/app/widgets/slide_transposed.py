"""The slide of a transposed convolution, read two ways (``z`` switches).

*Scatter*: step ``i`` is input ``i``, spreading ``x[i]·w`` into the outputs it lands
on; ``y so far`` is the sum of what inputs ``0..i`` spread, so the last step reads
the whole output.  *Gather*: step ``j`` is output ``j``, the sum of the inputs that
land on it, with which weight each meets.  Both show how many products land on
every output (:meth:`~convtui.engine.trace.Steps.overlap`): with stride 2 and a
kernel of 3 the counts alternate 1, 2, 1, 2 — the checkerboard.

Everything comes from the engine's steps (``Steps.scatter``, the gather steps,
``Steps.overlap``) and the forward geometry's tap table; only the running sum of
the scatter is added up here, for the steps shown.
"""

from __future__ import annotations

import math
from functools import cached_property

import numpy as np
from rich.text import Text

from ...engine.backend import to_numpy
from ..formatting import number
from ..hidden import cell_text, equation_text, hidden_cells
from .grid import CURRENT, KERNEL, OUTPUT, PRODUCT, WINDOW, grid, side_by_side, window

__all__ = ["ScatterTable", "render_transposed"]

LABEL = 11  # the 1-D row labels, as in the slide pane
# Past this many products (inputs × kernel) the running sum is not kept: the scatter
# shows the whole y instead of y so far (a 512×512 input with a 64×64 kernel: 10⁹).
RUNNING_SUM_LIMIT = 4_000_000


class ScatterTable:
    """What the two readings need of one result, worked out once: overlaps, running sums.

    ``outputs[i]`` are the flat outputs input ``i``'s taps land on (-1 where the
    padding crops them), as :meth:`Steps.scatter` gives them; ``products[i]`` the
    products ``x[i]·w``.
    """

    def __init__(self, result):
        self.result = result

    @cached_property
    def overlap(self) -> np.ndarray:
        """How many products land on each output (the engine's ``Steps.overlap``)."""
        return self.result.steps.overlap()

    @cached_property
    def outputs(self) -> np.ndarray:
        g = self.result.geometry
        forward = g.forward  # its output has our input's shape (or more steps, never fed)
        n_in = math.prod(g.input_shape)
        index = np.unravel_index(np.arange(n_in), g.input_shape)
        rows = np.ravel_multi_index(index, forward.output_shape)
        return forward.tap_positions(rows)

    @cached_property
    def products(self) -> np.ndarray:
        weights = to_numpy(self.result.steps.scatter(0).weights)  # as the engine orients it
        x = np.asarray(self.result.setup.input).ravel()
        with np.errstate(invalid="ignore", over="ignore"):
            return x[:, None] * weights[None, :]

    @property
    def size(self) -> int:
        return self.result.geometry.size

    @property
    def adds_up(self) -> bool:
        """Whether the running sum is kept (see ``RUNNING_SUM_LIMIT``)."""
        g = self.result.geometry
        return math.prod(g.input_shape) * math.prod(g.kernel_shape) <= RUNNING_SUM_LIMIT

    def y_so_far(self, last: int) -> tuple[np.ndarray, np.ndarray, str]:
        """``(y, reached, title)``: y after inputs ``0..last``, or the whole y when too large."""
        if not self.adds_up:
            output = self.result.output.ravel()
            return output, np.ones(output.size, dtype=bool), "y"
        return self.so_far(last), self.reached(last), "y so far"

    def so_far(self, last: int) -> np.ndarray:
        """The flat output after inputs ``0..last`` have spread (zeros where nothing landed)."""
        y = np.zeros(self.size, dtype=np.result_type(self.products, self.result.output))
        outputs, products = self.outputs[: last + 1], self.products[: last + 1]
        landed = outputs >= 0
        np.add.at(y, outputs[landed], products[landed])
        return y

    def reached(self, last: int) -> np.ndarray:
        """Whether anything has landed on each flat output after inputs ``0..last``."""
        hit = np.zeros(self.size, dtype=bool)
        outputs = self.outputs[: last + 1]
        hit[outputs[outputs >= 0]] = True
        return hit


def render_transposed(state, table: ScatterTable, cw: int, width: int, height: int) -> list[Text]:
    """The step of ``state`` (a transposed setup) as lines, in its reading."""
    g = state.setup.geometry
    steps = state.result.steps
    overlap = table.overlap
    if state.scattering:
        scatter = steps.scatter(state.step)
        landed = scatter.outputs[scatter.outputs >= 0]
        head = Text(
            f"scatter: input x[{_name(scatter.index)}] spreads x·w into the outputs  ",
            style="italic",
        )
        head.append("z: gather", style="dim")
        eq = Text(_crop(scatter.equation(number), width * 2), style="bold")
        body_room = height - 1 - _rows(eq, width)
        if g.ndim == 1:
            body = _scatter_1d(state, scatter, landed, overlap, table, cw, width, body_room)
        elif g.ndim == 2:
            body = _blocks_2d(state, landed, overlap, table, cw, width, body_room, scatter)
        else:
            body = [Text("3-D: the equation below shows each step; the grids are 1-D and 2-D.")]
        return [head, *body, eq]
    step = steps[state.step]
    head = Text(
        f"gather: output y[{_name(step.index)}] sums the inputs that land on it  ", style="italic"
    )
    head.append("z: scatter", style="dim")
    eq_text = step.equation(number, limit=max(width * 3, 40))
    eq = Text(equation_text(hidden_cells(state), state.step, eq_text), style="bold")
    terms = _terms(step, g)
    body_room = height - 2 - _rows(eq, width)
    if g.ndim == 1:
        body = _gather_1d(state, step, overlap, cw, width, body_room)
    elif g.ndim == 2:
        body = _blocks_2d(state, np.array([state.step]), overlap, table, cw, width, body_room)
    else:
        body = [Text("3-D: the equation below shows each step; the grids are 1-D and 2-D.")]
    return [head, *body, terms, eq]


def _crop(text: str, limit: int) -> str:
    """``text`` cut to ``limit`` characters, an ellipsis saying so."""
    limit = max(limit, 40)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _kernel_name(setup) -> str:
    return "w flipped" if setup.flip else "w"


def _rows(text: Text, width: int) -> int:
    return max(-(-text.cell_len // max(width, 1)), 1)


def _name(index) -> str:
    return ",".join(str(int(i)) for i in index)


def _terms(step, g) -> Text:
    """Which weight of the kernel as given meets which input, in the equation's order:
    ``w[0]·x[2] + w[2]·x[1]``."""
    if not len(step.positions):
        return Text("nothing lands here: y is 0", style="dim")
    names = []
    for position, tap in zip(step.positions.tolist(), step.taps.tolist()):
        x = _name(np.unravel_index(position, g.input_shape))
        w = _name(np.unravel_index(tap, g.kernel_shape))
        names.append(f"w[{w}]·x[{x}]")
    return Text("lands here: " + " + ".join(names), style="dim")


def _label(text: str, style: str = "") -> Text:
    return Text(text.ljust(LABEL), style=style)


def _stuffed_label(state) -> str:
    before = state.setup.geometry.pad[0][0]  # the padding crops this much off the start
    return "x at i·s" if before == 0 else f"x at i·s-{before}"


def _stuffed(state, marked: set[int]):
    """A cell for the row ``x at i·s``: each input over the first output it reaches.

    That is the input stuffed with ``stride-1`` gaps (and shifted by the padding,
    which crops): the stride shows as the gaps, and x[i]·w spreads from there.
    """
    g = state.setup.geometry
    x = np.asarray(state.setup.input).ravel()
    first = g.forward.position(0, np.arange(x.size), 0)  # where tap 0 lands, per input
    at = {int(t): i for i, t in enumerate(first.tolist())}

    def cell(_r, t):
        i = at.get(t)
        if i is None:
            return "", ""
        return number(x[i]), WINDOW if i in marked else ""

    return cell


def _output_rows(state, lo: int, hi: int, cw: int, width: int, rows: list) -> list[Text]:
    """Rows over the outputs (``(label, style, cell)``), in one window keeping lo..hi."""
    size = state.setup.geometry.size
    cols = window(size, lo, hi, (width - LABEL - 2) // cw)
    more = (cols.start > 0, cols.stop < size)

    def index_cell(_r, t):
        return str(t), "dim"

    lines = [_label("t", "dim") + grid(range(1), cols, index_cell, cw, more)[0]]
    for label, style, cell in rows:
        lines.append(_label(label, style) + grid(range(1), cols, cell, cw, more)[0])
    return lines


def _scatter_1d(state, scatter, landed, overlap, table, cw, width, height) -> list[Text]:
    at = {int(o): k for k, o in enumerate(scatter.outputs.tolist()) if o >= 0}
    weights = [number(v) for v in scatter.weights.tolist()]
    products = [number(v) for v in scatter.products.tolist()]
    y, reached, y_title = table.y_so_far(state.step)

    def tap(values, style):
        return lambda _r, t: (values[at[t]], style) if t in at else ("", "")

    def count_cell(_r, t):
        return str(int(overlap[t])), WINDOW if t in at else "dim"

    hidden = hidden_cells(state)  # a lesson's exercise asks for these: "?"

    def y_cell(_r, t):
        if not reached[t]:
            return "·", "dim"
        return cell_text(hidden, t, y[t]), CURRENT if t in at else OUTPUT

    lo, hi = (int(landed.min()), int(landed.max())) if landed.size else (0, 0)
    name = f"x[{scatter.index[0]}]·w"
    name = name if len(name) < LABEL else "x[i]·w"  # a long index would push the cells
    lines = _output_rows(
        state,
        lo,
        hi,
        cw,
        width,
        [
            (_stuffed_label(state), "", _stuffed(state, {state.step})),
            (_kernel_name(state.setup), KERNEL, tap(weights, KERNEL)),
            (name, PRODUCT, tap(products, PRODUCT)),
            ("overlaps", "", count_cell),
            (y_title, OUTPUT, y_cell),
        ],
    )
    lines.append(Text("overlaps: how many products land on each output in all", style="dim"))
    return lines[: max(height, 1)]


def _gather_1d(state, step, overlap, cw, width, height) -> list[Text]:
    output = state.result.output
    j = state.step
    # each input that lands on y[j], its weight and product under it (in its column)
    first = state.setup.geometry.forward.position(0, step.positions, 0)
    under = {int(t): k for k, t in enumerate(np.ravel(first).tolist())}
    weights = [number(v) for v in to_numpy(step.weights).tolist()]
    products = [number(v) for v in to_numpy(step.products).tolist()]

    def tap(values, style):
        return lambda _r, t: (values[under[t]], style) if t in under else ("", "")

    def count_cell(_r, t):
        return str(int(overlap[t])), WINDOW if t == j else "dim"

    hidden = hidden_cells(state)  # a lesson's exercise asks for these: "?"

    def y_cell(_r, t):
        return cell_text(hidden, t, output[t]), CURRENT if t == j else (OUTPUT if t < j else "")

    lo = max(min([*under, j]), 0)
    lines = _output_rows(
        state,
        lo,
        j,
        cw,
        width,
        [
            (_stuffed_label(state), "", _stuffed(state, set(step.positions.tolist()))),
            (_kernel_name(state.setup), KERNEL, tap(weights, KERNEL)),
            ("products", PRODUCT, tap(products, PRODUCT)),
            ("overlaps", "", count_cell),
            ("y", OUTPUT, y_cell),
        ],
    )
    lines.append(Text(f"w, products: under each input that lands on y[{j}]", style="dim"))
    lines.append(Text("overlaps: how many inputs land on each output", style="dim"))
    return lines[: max(height, 1)]


def _blocks_2d(state, marked, overlap, table, cw, width, height, scatter=None) -> list[Text]:
    """2-D: x, the kernel, the overlap counts and y (so far) as blocks, marked cells lit."""
    g = state.setup.geometry
    x = np.asarray(state.setup.input)
    out_shape = g.output_shape
    hidden = hidden_cells(state)  # a lesson's exercise asks for these: "?"
    marked_set = set(int(m) for m in np.ravel(marked).tolist())
    if scatter is not None:
        y, reached, y_title = table.y_so_far(state.step)
        y, reached = y.reshape(out_shape), reached.reshape(out_shape)
        inputs = {state.step}
    else:
        y = state.result.output
        reached = np.ones(out_shape, dtype=bool)
        inputs = set(state.result.steps[state.step].positions.tolist())
        y_title = "y"
    marked_rc = [np.unravel_index(m, out_shape) for m in marked_set] or [(0, 0)]
    rows_room = max((height - 2) // 2, 1)
    cols_room = max((width // 2 - 4) // cw, 2)

    def block(title, style, shape, lit, cell):
        lit_rc = lit or [(0, 0)]
        r0, r1 = min(r for r, _ in lit_rc), max(r for r, _ in lit_rc)
        c0, c1 = min(c for _, c in lit_rc), max(c for _, c in lit_rc)
        rows = window(shape[0], r0, r1, rows_room)
        cols = window(shape[1], c0, c1, cols_room)
        more = (cols.start > 0, cols.stop < shape[1])
        return [Text(title, style=style)] + grid(rows, cols, cell, cw, more)

    x_lit = [np.unravel_index(i, x.shape) for i in inputs]
    x_block = block(
        "x",
        "",
        x.shape,
        x_lit,
        lambda r, c: (number(x[r, c]), WINDOW if r * x.shape[1] + c in inputs else ""),
    )
    w = to_numpy(state.result.steps.scatter(0).weights).reshape(g.kernel_shape)
    w_block = block(
        _kernel_name(state.setup) if scatter is None else f"x[{_name(scatter.index)}]·w",
        KERNEL,
        g.kernel_shape,
        [(0, 0), (g.kernel_shape[0] - 1, g.kernel_shape[1] - 1)],
        (lambda r, c: (number(w[r, c]), KERNEL))
        if scatter is None
        else (lambda r, c: (number(scatter.products[r * g.kernel_shape[1] + c]), PRODUCT)),
    )

    def lit(r, c):
        return r * out_shape[1] + c in marked_set

    o_block = block(
        "overlaps",
        "",
        out_shape,
        marked_rc,
        lambda r, c: (str(int(overlap[r, c])), WINDOW if lit(r, c) else "dim"),
    )
    y_block = block(
        y_title,
        OUTPUT,
        out_shape,
        marked_rc,
        lambda r, c: (
            (cell_text(hidden, r * out_shape[1] + c, y[r, c]), CURRENT if lit(r, c) else OUTPUT)
            if reached[r, c]
            else ("·", "dim")
        ),
    )
    return side_by_side([x_block, w_block]) + side_by_side([o_block, y_block])
