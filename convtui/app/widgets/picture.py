"""The picture pane: a 2-D setup's input, kernel and output as shaded pictures.

Each array is drawn in *units*, one cell column wide and half a cell row high (about
square on a terminal): the half block ``▀`` gives a cell two units, its top in the
text colour and its bottom in the background.  A value takes ``size``×``size`` units
when the pane has room, and a pixel is the mean of ``factor``×``factor`` values when
it has not (a note says so).  The input is drawn padded, the padded cells greyed; the
current window is outlined on it, one unit outside the cells the geometry names, and
the current output cell on the output.  A transposed convolution adds a fourth
picture beside its output: how many products land on each output
(``Steps.overlap``), whose uneven counts are the checkerboard of a strided transposed
convolution; scattering, the current input is outlined and the outputs it spreads to.
``v`` (on the plot pane) shows the numbers around the window instead.

A picture and its rows are made once per ``Result`` and pane size; a step redraws only
the rows its outlines cross, so a 1024×1024 image steps as fast as an 8×8 one.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np
from rich.segment import Segment
from rich.style import Style
from rich.text import Text
from textual import events
from textual.reactive import reactive
from textual.strip import Strip

from ..formatting import number
from ..hidden import cell_text, hidden_cells
from ..messages import StepTo
from .grid import window
from .lines import StripsWidget, line_segments
from .shading import BLANK, COLOURS, OUTLINE, Scale, block_means, padded_input, real_values

__all__ = ["Layout", "Picture", "PicturePane", "Zoom", "plan_layout"]

SIZES = (8, 6, 5, 4, 3, 2, 1)  # units per value, largest first
# one unit of margin above a picture (as on every side) holds the outline of a window
# on its first row; a pixel row may then straddle two cell rows (the half blocks draw it)
TOP = 1
KERNEL_SIZES = (4, 3, 2, 1)
ARRANGEMENTS = ("row", "over", "beside", "right", "stack")


@dataclass(frozen=True)
class Zoom:
    """``size`` units per pixel side, ``factor`` values per pixel side (one of them is 1)."""

    size: int = 1
    factor: int = 1

    def units(self, n: int) -> int:
        return math.ceil(n / self.factor) * self.size

    def box(self, shape: tuple[int, int]) -> tuple[int, int]:
        """Cells a picture of ``shape`` takes: a unit of margin all round, a label line.

        >>> Zoom(2).box((8, 8)), Zoom(1, 4).box((1026, 1026))
        ((18, 10), (259, 131))
        """
        rows = math.ceil((TOP + self.units(shape[0]) + 1) / 2)
        return self.units(shape[1]) + 2, 1 + rows


def _zooms(shape: tuple[int, int], sizes=SIZES, fewest: int = 1) -> list[Zoom]:
    """Every zoom for ``shape``, largest first, down to ``fewest`` pixels a side."""
    biggest = max(max(shape, default=1), 1)
    factors = range(2, max(biggest // fewest, 1) + 1)
    return [Zoom(s) for s in sizes] + [Zoom(1, f) for f in factors]


def _arrange(kind: str, x, w, y) -> tuple[tuple[int, int], dict[str, tuple[int, int]]]:
    """The size of three boxes ``(cols, rows)`` put together, and where each goes."""
    if kind == "row":  # x | w | y
        at = {"x": (0, 0), "w": (x[0], 0), "y": (x[0] + w[0], 0)}
        return (x[0] + w[0] + y[0], max(x[1], w[1], y[1])), at
    if kind == "over":  # x over (w | y)
        at = {"x": (0, 0), "w": (0, x[1]), "y": (w[0], x[1])}
        return (max(x[0], w[0] + y[0]), x[1] + max(w[1], y[1])), at
    if kind == "beside":  # (x over y) | w: x and y line up
        at = {"x": (0, 0), "y": (0, x[1]), "w": (max(x[0], y[0]), 0)}
        return (max(x[0], y[0]) + w[0], max(x[1] + y[1], w[1])), at
    if kind == "right":  # x | (w over y)
        at = {"x": (0, 0), "w": (x[0], 0), "y": (x[0], w[1])}
        return (x[0] + max(w[0], y[0]), max(x[1], w[1] + y[1])), at
    at = {"x": (0, 0), "w": (0, x[1]), "y": (0, x[1] + w[1])}  # stacked
    return (max(x[0], w[0], y[0]), x[1] + w[1] + y[1]), at


@dataclass(frozen=True)
class Layout:
    """Where the pictures go: the zoom of the input and output, the kernel's, the boxes."""

    zoom: Zoom
    kernel_zoom: Zoom
    kind: str
    at: dict[str, tuple[int, int]]
    size: tuple[int, int]


def plan_layout(width: int, height: int, x_shape, w_shape, y_shape, o_shape=None) -> Layout | None:
    """The largest input and output (one zoom for both, so they compare), then the
    largest kernel, that fit ``width``×``height`` cells in some arrangement.

    >>> plan_layout(78, 14, (10, 10), (3, 3), (8, 8)).zoom
    Zoom(size=2, factor=1)

    A 1024×1024 image (1026 padded) in 40×20 cells: a pixel is a 57×57 block's mean
    (18 pixels a side), x on the left, w over y on the right:

    >>> layout = plan_layout(40, 20, (1026, 1026), (3, 3), (1024, 1024))
    >>> layout.zoom.factor, layout.kind, layout.size
    (57, 'right', (40, 16))

    With ``o_shape`` (a transposed convolution's overlap counts, the output's shape)
    a fourth box ``o`` goes beside the output, or under it:

    >>> layout = plan_layout(80, 20, (3, 3), (3, 3), (7, 7), (7, 7))
    >>> layout.at["o"][0] - layout.at["y"][0], layout.at["o"][1] == layout.at["y"][1]
    (30, True)
    """

    def fit(zoom: Zoom, kernel_zoom: Zoom) -> Layout | None:
        x_box, w_box, y_box = zoom.box(x_shape), kernel_zoom.box(w_shape), zoom.box(y_shape)
        outputs = [(y_box, None)]  # the output's box and where o goes in it
        if o_shape is not None:
            o_box = zoom.box(o_shape)
            outputs = [
                ((y_box[0] + o_box[0], max(y_box[1], o_box[1])), (y_box[0], 0)),
                ((max(y_box[0], o_box[0]), y_box[1] + o_box[1]), (0, y_box[1])),
            ]
        for kind in ARRANGEMENTS:
            for box, o_at in outputs:
                size, at = _arrange(kind, x_box, w_box, box)
                if size[0] <= width and size[1] <= height:
                    if o_at is not None:
                        at["o"] = (at["y"][0] + o_at[0], at["y"][1] + o_at[1])
                    return Layout(zoom, kernel_zoom, kind, at, size)
        return None

    # a kernel keeps 8 pixels a side (or all it has): shrunk to a dot it says nothing
    zooms, kernel_zooms = _zooms(x_shape), _zooms(w_shape, KERNEL_SIZES, fewest=8)
    smallest_kernel = kernel_zooms[-1]
    lo, hi = 0, len(zooms) - 1  # the first (largest) zoom that fits: fitting is monotone
    if fit(zooms[hi], smallest_kernel) is None:
        return None
    while lo < hi:
        mid = (lo + hi) // 2
        if fit(zooms[mid], smallest_kernel) is None:
            lo = mid + 1
        else:
            hi = mid
    # the kernel no bigger than the input's cells (or 2 units, for a downsampled input)
    kernel_zooms = [k for k in kernel_zooms if k.size <= max(zooms[lo].size, 2)]
    return next(layout for k in kernel_zooms if (layout := fit(zooms[lo], k)) is not None)


class Picture:
    """One array as unit codes (see :mod:`.shading`), its rows drawn once and kept."""

    def __init__(self, values, padded, origin, scale: Scale, zoom: Zoom):
        self.shape = values.shape
        self.origin = origin  # the array index drawn as the first pixel, per axis
        self.scale, self.zoom = scale, zoom
        if padded is None:
            padded = np.zeros(values.shape, dtype=bool)
        means, washed = block_means(values, zoom.factor, padded)
        pixels = scale.codes(means, washed)
        s = zoom.size
        rows = TOP + pixels.shape[0] * s + 1
        units = np.full((rows + rows % 2, pixels.shape[1] * s + 2), BLANK, dtype=np.int16)
        units[TOP : TOP + pixels.shape[0] * s, 1:-1] = pixels.repeat(s, 0).repeat(s, 1)
        self.units = units
        self.rows = units.shape[0] // 2
        self.cols = units.shape[1]
        self._drawn: dict[int, list[Segment]] = {}

    def unit_rect(self, rows: range, cols: range) -> tuple[int, int, int, int]:
        """Units ``(top, bottom, left, right)`` covering array cells ``rows``×``cols``."""
        (o0, o1), f, s = self.origin, self.zoom.factor, self.zoom.size
        top, bottom = (rows[0] - o0) // f, (rows[-1] - o0) // f
        left, right = (cols[0] - o1) // f, (cols[-1] - o1) // f
        return TOP + top * s, TOP - 1 + (bottom + 1) * s, 1 + left * s, (right + 1) * s

    def pixel_at(self, col: int, row: int) -> tuple[int, int] | None:
        """The array cell drawn at cell ``(col, row)`` of the picture (its first value).

        A cell holds two units, which may belong to two pixels: the lower one counts.
        """
        (o0, o1), f, s = self.origin, self.zoom.factor, self.zoom.size
        last = TOP + math.ceil(self.shape[0] / f) * s - 1
        unit = 2 * row + 1 if 2 * row + 1 <= last else 2 * row
        p0, p1 = (unit - TOP) // s, (col - 1) // s
        if not (0 <= p0 and p0 * f < self.shape[0] and 1 <= col and p1 * f < self.shape[1]):
            return None
        return p0 * f + o0, p1 * f + o1

    @staticmethod
    def _crossing(y: int, rings) -> list:
        return [r for r in rings if r[0] - 1 <= 2 * y + 1 and 2 * y <= r[1] + 1]

    def crossed(self, y: int, rings) -> bool:
        """Whether an outline in ``rings`` passes through cell row ``y``."""
        return 0 <= y < self.rows and bool(self._crossing(y, rings))

    def row(self, y: int, styles: StyleCache, rings=()) -> list[Segment]:
        """Cell row ``y``'s segments, with ``rings`` (unit rects) outlined around."""
        crossed = self._crossing(y, rings)
        if not crossed and y in self._drawn:
            return self._drawn[y]
        pair = self.units[2 * y : 2 * y + 2].copy()
        for top, bottom, left, right in crossed:
            for i, u in enumerate((2 * y, 2 * y + 1)):
                if u in (top - 1, bottom + 1):
                    pair[i, max(left - 1, 0) : right + 2] = OUTLINE
                elif top <= u <= bottom:
                    pair[i, [c for c in (left - 1, right + 1) if 0 <= c < self.cols]] = OUTLINE
        segments = styles.segments(pair[0], pair[1])
        if not crossed:
            self._drawn[y] = segments
        return segments


@dataclass
class StyleCache:
    """Rich styles for each (top, bottom) pair of codes, over the pane's own style."""

    base: Style
    _pairs: dict = field(default_factory=dict)

    def cell(self, top: int, bottom: int) -> tuple[str, Style]:
        got = self._pairs.get((top, bottom))
        if got is None:
            t, b = COLOURS[top], COLOURS[bottom]
            if top == bottom:
                got = (" ", self.base + Style(bgcolor=_hex(b)) if b else self.base)
            elif t is None:
                got = ("▄", self.base + Style(color=_hex(b)))
            else:
                got = ("▀", self.base + Style(color=_hex(t), bgcolor=_hex(b) if b else None))
            self._pairs[(top, bottom)] = got
        return got

    def segments(self, top: np.ndarray, bottom: np.ndarray) -> list[Segment]:
        pairs = top.astype(np.int32) * 2048 + bottom
        starts = [0, *(np.flatnonzero(np.diff(pairs)) + 1).tolist(), len(pairs)]
        out = []
        for a, b in zip(starts, starts[1:]):
            char, style = self.cell(int(top[a]), int(bottom[a]))
            out.append(Segment(char * (b - a), style))
        return out


def _hex(rgb) -> str:
    return "#{:02x}{:02x}{:02x}".format(*rgb)


def _swatch(scale: Scale, value) -> Style:
    return Style(bgcolor=_hex(scale.colour(value)))


@dataclass
class Drawing:
    """What one ``Result`` at one pane size draws, except what moves with the step."""

    layout: Layout | None
    pictures: dict[str, Picture]
    labels: dict[str, tuple[str, ...]]
    step_lines: int  # 1, or 2 where "y[i,j] = v" and "from x[…]" do not fit on one
    below: list[Text]  # the legends and the notes, wrapped to the pane
    kept: dict = field(default_factory=dict)  # strips that do not change with the step


def _window(setup, result, index) -> tuple[range, range] | None:
    """The input cells the current step reads: the geometry's window (gathered inputs
    for a transposed setup, which slides no window)."""
    g = setup.geometry
    if not g.transposed:
        return g.window(index)
    positions = result.steps[int(np.ravel_multi_index(index, g.output_shape))].positions
    return _bounds(positions, setup.input.shape)


def _bounds(flat, shape) -> tuple[range, range] | None:
    """The rows and columns spanned by flat indices into ``shape`` (None for none)."""
    if not len(flat):
        return None
    rows, cols = np.unravel_index(flat, shape)
    return range(int(rows.min()), int(rows.max()) + 1), range(int(cols.min()), int(cols.max()) + 1)


@dataclass(frozen=True)
class Mark:
    """What the current step outlines: cells of x, and cells of y (and of the overlaps).

    A step is an output (its window on x, itself on y) or, scattering a transposed
    convolution, an input (itself on x, the outputs it spreads to on y).
    """

    scatter: bool
    index: tuple[int, ...]
    x_cells: tuple[range, range] | None
    y_cells: tuple[range, range] | None

    @classmethod
    def of(cls, state) -> Mark | None:
        g = state.setup.geometry
        if not g.size:
            return None
        if state.scattering:
            index = tuple(int(i) for i in np.unravel_index(state.step, g.input_shape))
            outputs = state.result.steps.scatter(state.step).outputs
            y_cells = _bounds(outputs[outputs >= 0], g.output_shape)
            return cls(True, index, tuple(range(i, i + 1) for i in index), y_cells)
        index = tuple(int(i) for i in np.unravel_index(state.step, g.output_shape))
        cells = _window(state.setup, state.result, index)
        return cls(False, index, cells, tuple(range(i, i + 1) for i in index))


def _shape(array) -> str:
    return "×".join(map(str, array.shape))


def _span(cells: range) -> str:
    text = f"{cells[0]}…{cells[-1]}" if len(cells) > 1 else str(cells[0])
    return text + (f" step {cells.step}" if cells.step > 1 and len(cells) > 1 else "")


class PicturePane(StripsWidget):
    """The input (padded), the kernel as applied and the output of a 2-D setup, shaded."""

    DEFAULT_CSS = """
    PicturePane { width: 1fr; height: 1fr; }
    """

    state = reactive(None, init=False, always_update=True, repaint=False)
    """The playground's state: its setup, result and step (set by the plot pane)."""

    numbers: reactive[bool] = reactive(False, init=False)
    """Show the numbers around the window instead of the pictures."""

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self._drawing: tuple[tuple, Drawing] | None = None
        self._arrays: tuple | None = None
        self._styles = StyleCache(Style())

    # -- what is drawn ------------------------------------------------------

    def drawing(self) -> Drawing | None:
        """This result's pictures at this size (made once, kept while both last)."""
        state = self.state
        if state is None or state.result is None:
            return None
        width, height = self.size
        key = (state.result, width, height)  # a Result equals only itself
        if self._drawing is not None and self._drawing[0] == key:
            return self._drawing[1]
        drawing = self._draw(width, height)
        self._drawing = (key, drawing)
        return drawing

    def arrays(self) -> dict[str, tuple]:
        """``name -> (values, padded, origin, scale)`` of x (padded), w (as applied), y
        and a transposed convolution's overlap counts ``o``, once per result."""
        state = self.state
        if self._arrays is not None and self._arrays[0] is state.result:
            return self._arrays[1]
        setup = state.setup
        x, padded, before = padded_input(setup)
        oriented = real_values(setup.kernel)
        if setup.flip:
            oriented = oriented[::-1, ::-1]
        y = real_values(state.result.output)
        arrays = {
            "x": (x, padded, (-before[0], -before[1])),
            "w": (oriented, None, (0, 0)),
            "y": (y, None, (0, 0)),
        }
        if setup.transposed:  # how many products land on each output
            arrays["o"] = (state.result.steps.overlap().astype(float), None, (0, 0))
        arrays = {name: (*a, Scale.of(a[0])) for name, a in arrays.items()}
        self._arrays = (state.result, arrays)
        return arrays

    def _draw(self, width: int, height: int) -> Drawing:
        setup, arrays = self.state.setup, self.arrays()
        (x, padded, _, _), (oriented, *_), (y, *_) = arrays["x"], arrays["w"], arrays["y"]
        scales = {name: a[3] for name, a in arrays.items()}
        legends = [self._legend(name, scales[name], arrays[name][0]) for name in "xwy"]
        o_shape = None
        if "o" in arrays:
            o_shape = arrays["o"][0].shape
            legends.append(self._overlap_legend(scales["o"], arrays["o"][0]))
        step_lines = 1 if self._longest_step(setup, y).cell_len <= width else 2
        layout, below = None, []
        for _ in range(3):  # the notes say how the layout shrinks: settle them together
            notes = self._notes(setup, padded, layout)
            below = self._pack([*legends, notes], width)
            room = height - step_lines - len(below)
            fitted = plan_layout(width, room, x.shape, oriented.shape, y.shape, o_shape)
            if fitted == layout:
                break
            layout = fitted
        pictures = {}
        if layout is not None:
            for name, (values, mask, origin, _) in arrays.items():
                zoom = layout.kernel_zoom if name == "w" else layout.zoom
                pictures[name] = Picture(values, mask, origin, scales[name], zoom)
        x_name, w_name = "x padded" if padded.any() else "x", "w flipped" if setup.flip else "w"
        labels = {  # the longest that fits is shown
            "x": (f"{x_name} {_shape(x)}", x_name, "x"),
            "w": (f"{w_name} {_shape(oriented)}", w_name, "w"),
            "y": (f"y {_shape(y)}", "y"),
            "o": (f"overlaps {_shape(y)}", "overlaps", "o"),
        }
        return Drawing(layout, pictures, labels, step_lines, below)

    def _pack(self, texts: list[Text], width: int) -> list[Text]:
        """``texts`` on as few lines as fit, three spaces apart; one too long wraps."""
        lines: list[Text] = []
        for text in (t for t in texts if t.cell_len):
            if lines and lines[-1].cell_len + 3 + text.cell_len <= width:
                lines[-1] = Text.assemble(lines[-1], "   ", text)
            else:
                lines += text.wrap(self.app.console, max(width, 1))
        return lines

    @staticmethod
    def _notes(setup, padded, layout: Layout | None) -> Text:
        """What the pictures leave out or change: block means, padding, real parts."""
        notes = []
        if layout is not None:
            for names, zoom in (("x, y", layout.zoom), ("w", layout.kernel_zoom)):
                if zoom.factor > 1:
                    f = zoom.factor
                    notes.append(f"{names}: 1 pixel = mean of {f}×{f}")
        if padded.any():
            notes.append("grey: padding")
        if np.iscomplexobj(setup.input) or np.iscomplexobj(setup.kernel):
            notes.append("real parts")
        return Text(" · ".join(notes), style="dim")

    @staticmethod
    def _longest_step(setup, y) -> Text:
        """The widest step line this setup can have (so its height never changes): the
        last index, the widest value, the first and the last window (for a transposed
        setup, spans as wide as the last indices, and the scatter reading's line)."""
        g = setup.geometry
        if not g.size:
            return Text("")
        last = tuple(n - 1 for n in g.output_shape)
        values = [*y[:64, :64].ravel().tolist(), y.min(), y.max()]
        widest = max((number(v) for v in values), key=len)
        if g.transposed:
            ends = [tuple(range(max(n - 2, 0), n) for n in g.input_shape)]
        else:
            ends = [g.window((0, 0)), g.window(last)]
        spans = [
            max((_span(w[axis]) for w in ends if len(w[axis])), key=len, default="")
            for axis in (0, 1)
        ]
        text = f"y[{last[0]},{last[1]}] = {widest} from x[{spans[0]}, {spans[1]}]"
        if g.transposed:
            x = real_values(setup.input)
            x_widest = max((number(v) for v in x[:64, :64].ravel().tolist()), key=len)
            onto = [_span(range(max(n - 3, 0), n)) for n in g.output_shape]
            inputs = [n - 1 for n in g.input_shape]
            scatter = f"x[{inputs[0]},{inputs[1]}] = {x_widest} adds to y[{onto[0]}, {onto[1]}]"
            text = max(text, scatter, key=len)
        return Text(text)

    @staticmethod
    def _overlap_legend(scale: Scale, counts) -> Text:
        """``overlaps ▮1 ▮2 ▮4 products per y``: each count's colour (the ends when many)."""
        distinct = np.unique(counts)
        if distinct.size > 8:
            distinct = np.array([scale.low, scale.high])
        text = Text("overlaps ", style="bold")
        for value in distinct.tolist():
            text.append(" ", style=_swatch(scale, value))
            text.append(f"{number(value)} ")
        text.append("products per y")
        return text

    @staticmethod
    def _legend(name: str, scale: Scale, values) -> Text:
        """``x ▮0 ▮4 ▮8``: the colours of the scale's low end, middle and high end."""
        text = Text(f"{name} ", style="bold")
        ends = (scale.low, scale.mid, scale.high) if scale.high > scale.low else (scale.low,)
        for value in ends:
            text.append(" ", style=_swatch(scale, value))
            text.append(f"{number(value)} ")
        if values.size and not np.isfinite(values).all():
            text.append(" ", style=Style(bgcolor="#000000"))
            text.append("NaN/inf")
        return text

    @staticmethod
    def _step_text(state, mark: Mark, lines: int = 1) -> list[Text]:
        """``y[i,j] = v from x[rows, cols]`` (or, scattering, ``x[i,j] = v adds to
        y[rows, cols]``): the step's value and where it reads or lands, on ``lines``."""
        index = ",".join(map(str, mark.index))
        if mark.scatter:
            value = state.setup.input[mark.index]
            texts = [Text(f"x[{index}] = {number(value)}", style="bold")]
            cells = mark.y_cells
            where = "adds to y" if cells is not None else "adds to nothing (cropped)"
        else:
            output = state.result.output
            flat = int(np.ravel_multi_index(mark.index, output.shape))
            value = cell_text(hidden_cells(state), flat, output[mark.index])
            texts = [Text(f"y[{index}] = {value}", style="bold")]
            cells = mark.x_cells
            where = "from x"
        if cells is not None:
            texts.append(Text(f"{where}[{_span(cells[0])}, {_span(cells[1])}]"))
        elif mark.scatter:
            texts.append(Text(where))
        if lines == 1 and len(texts) == 2:
            texts = [Text.assemble(texts[0], " ", texts[1])]
        return texts

    # -- lines --------------------------------------------------------------

    def _build(self) -> list[Strip]:
        """Every line of the pane, built from the kept rows and the step's outlines."""
        width, height = self.size
        base = self.rich_style
        if self._styles.base != base:
            self._styles = StyleCache(base)
            self._drawing = None  # its rows hold the old base
        state = self.state
        console = self.app.console
        if state is None:
            return []
        if state.result is None:
            return [self._strip(Text("computing…", style="dim"), width)]
        if self.numbers:
            return [self._strip(t, width) for t in self._numbers(state, width, height)]
        drawing = self.drawing()
        mark = Mark.of(state)
        first = [Text("the output is empty: the kernel does not fit", style="bold")]
        if mark is not None:
            first = self._step_text(state, mark, drawing.step_lines)
        lines = [self._strip(t, width) for t in first[: drawing.step_lines]]
        lines += [Strip.blank(width, base)] * (drawing.step_lines - len(lines))
        layout = drawing.layout
        if layout is None:
            lines.append(self._strip(Text("too small for pictures: v shows numbers"), width))
            return lines
        rings: dict[str, list] = {name: [] for name in drawing.pictures}
        if mark is not None and mark.x_cells is not None:
            rings["x"].append(drawing.pictures["x"].unit_rect(*mark.x_cells))
        if mark is not None and mark.y_cells is not None:
            for name in ("y", "o"):
                if name in drawing.pictures:
                    rings[name].append(drawing.pictures[name].unit_rect(*mark.y_cells))
        for row in range(layout.size[1]):
            crossed = any(
                drawing.pictures[name].crossed(row - by - 1, rings[name])
                for name, (_, by) in layout.at.items()
            )
            if not crossed and ("row", row) in drawing.kept:
                lines.append(drawing.kept[("row", row)])
                continue
            pieces = []
            for name, (bx, by) in layout.at.items():
                picture = drawing.pictures[name]
                if row == by:
                    room = self._label_room(layout, name, width)
                    text = next((t for t in drawing.labels[name] if len(t) <= room), name)
                    label = Text(text, style="bold")
                    pieces.append((bx + 1, line_segments(label, base, console), label.cell_len))
                elif by < row <= by + picture.rows:
                    segments = picture.row(row - by - 1, self._styles, rings[name])
                    pieces.append((bx, segments, picture.cols))
            lines.append(self._join(pieces, width, base))
            if not crossed:
                drawing.kept[("row", row)] = lines[-1]
        if "below" not in drawing.kept:
            drawing.kept["below"] = [self._strip(text, width) for text in drawing.below]
        return lines + drawing.kept["below"]

    @staticmethod
    def _label_room(layout: Layout, name: str, width: int) -> int:
        """Cells from a picture's label to the next label on its line (or the edge)."""
        bx, by = layout.at[name]
        after = [x for other, (x, y) in layout.at.items() if y == by and x > bx]
        return min(after, default=width) - bx - 2

    def _join(self, pieces, width: int, base: Style) -> Strip:
        """Pieces ``(x, segments, cells)`` on one line; a label stops short of the next."""
        segments, at = [], 0
        pieces = sorted(pieces, key=lambda p: p[0])
        for (x, part, cells), following in zip(pieces, [*pieces[1:], (width + 1, None, 0)]):
            if x > at:
                segments.append(Segment(" " * (x - at), base))
            room = min(cells, following[0] - 1 - x)
            strip = Strip(part, cells)
            segments += list(strip.crop(0, room)) if room < cells else part
            at = x + room
        return Strip(segments, at).crop_extend(0, width, base)

    def _strip(self, text: Text, width: int) -> Strip:
        base = self._styles.base
        segments = line_segments(text, base, self.app.console)
        return Strip(segments, text.cell_len).crop_extend(0, width, base)

    # -- numbers ------------------------------------------------------------

    def _numbers(self, state, width: int, height: int) -> list[Text]:
        """The values around the window, the kernel and the output around the step (and a
        transposed convolution's overlap counts)."""
        setup = state.setup
        arrays = self.arrays()
        mark = Mark.of(state)
        out = [Text("the output is empty", style="bold")]
        if mark is not None:
            out = self._step_text(state, mark)
            out = out if out[0].cell_len <= width else self._step_text(state, mark, 2)
        blocks = len(arrays)
        room = max(height - len(out) - blocks, 3)  # a title line for each block
        k_rows = min(arrays["w"][0].shape[0], max(room // 5, 1))
        x_rows = max((room - k_rows) // (blocks - 1), 1)
        y_rows = max((room - k_rows - x_rows) // (blocks - 2), 1)
        x_cells = None if mark is None else mark.x_cells
        y_cells = None if mark is None else mark.y_cells
        x_name = "x padded" if arrays["x"][1].any() else "x"
        shown = [
            ("x", x_name, x_cells, x_rows),
            ("w", "w flipped" if setup.flip else "w", None, k_rows),
            ("y", "y", y_cells, y_rows),
        ]
        if "o" in arrays:
            shown.append(("o", "overlaps", y_cells, y_rows))
        asked = hidden_cells(state)  # a lesson's exercise asks for these: "?"
        for name, label, marked, rows in shown:
            values, padded, origin, scale = arrays[name]
            hide = asked if name == "y" else frozenset()
            out += self._grid(label, values, padded, origin, scale, marked, rows, width, hide)
        return out[:height]

    @staticmethod
    def _grid(
        label, values, padded, origin, scale, marked, rows_room, width, hide=frozenset()
    ) -> list[Text]:
        """A block of numbers on their colours; the ``marked`` cells between bars; the
        cells of ``hide`` (flat indices of an unpadded array) as "?"."""
        n0, n1 = values.shape
        if n0 == 0 or n1 == 0:
            return [Text(f"{label}: empty", style="bold")]
        before = (-origin[0], -origin[1])
        lo0 = hi0 = lo1 = hi1 = 0
        if marked is not None:  # array indices, shifted by the padding
            lo0, hi0 = marked[0][0] + before[0], marked[0][-1] + before[0]
            lo1, hi1 = marked[1][0] + before[1], marked[1][-1] + before[1]
        rows = window(n0, lo0, hi0, rows_room)
        wide = max(len(number(v)) for v in [*values[:64, :64].ravel().tolist(), scale.low])
        cols = window(n1, lo1, hi1, max((width - 1) // (wide + 1), 1))
        block = values[rows.start : rows.stop, cols.start : cols.stop]
        texts = [
            [cell_text(hide, r * n1 + c, v) for c, v in zip(cols, row)]
            for r, row in zip(rows, block.tolist())
        ]
        wide = max(wide, *(len(t) for row in texts for t in row))
        codes = scale.codes(
            block,
            None if padded is None else padded[rows.start : rows.stop, cols.start : cols.stop],
        )
        head = Text(
            f"{label} rows {_span(range(rows.start - before[0], rows.stop - before[0]))}",
            style="bold",
        )
        head.append(
            f", cols {_span(range(cols.start - before[1], cols.stop - before[1]))}", style="bold"
        )
        lines = [head]
        bar = Style(color=_hex(COLOURS[OUTLINE]), bold=True)
        for i, r in enumerate(rows):
            line = Text()
            inside = marked is not None and lo0 <= r <= hi0
            for j, c in enumerate(cols):
                edge = inside and c in (lo1, hi1 + 1)
                line.append("┃" if edge else " ", style=bar if edge else "")
                rgb = COLOURS[int(codes[i, j])]
                ink = "#000000" if sum(rgb) > 380 else "#ffffff"  # legible on light and dark
                style = Style(color=ink, bgcolor=_hex(rgb), bold=inside and lo1 <= c <= hi1)
                line.append(texts[i][j].rjust(wide), style=style)
            if inside and hi1 == cols[-1]:
                line.append("┃", style=bar)
            lines.append(line)
        return lines

    # -- Textual ------------------------------------------------------------

    def watch_state(self) -> None:
        self.redraw()

    def watch_numbers(self) -> None:
        self._strips = None
        self.refresh()

    def on_click(self, event: events.Click) -> None:
        """A click on the output picture (or the overlaps) goes to that step; scattering,
        a click on the input does."""
        state, drawing = self.state, self.drawing()
        if (
            self.numbers
            or drawing is None
            or drawing.layout is None
            or not state.setup.geometry.size
        ):
            return
        names = ("x",) if state.scattering else ("y", "o")
        shape = state.step_shape
        for name in names:
            if name not in drawing.layout.at:
                continue
            bx, by = drawing.layout.at[name]
            y = event.y - drawing.step_lines - by - 1
            cell = drawing.pictures[name].pixel_at(event.x - bx, y)
            if cell is not None and all(0 <= c < n for c, n in zip(cell, shape)):
                event.stop()
                self.post_message(StepTo(int(np.ravel_multi_index(cell, shape))))
                return
