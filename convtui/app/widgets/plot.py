"""The plot pane: in 1-D the input, the kernel as applied and the output as lines; in
2-D the same three as pictures (:mod:`.picture`).

In 1-D each line has its own plot and its own value axis, stacked (side by side in a
wide, low pane), so the kernel and the input are not squashed under the output and no
legend sits on the curves.  The output is drawn at the centre of the window that made
it, on the input's position axis, so it lines up with the input (two boxes give a
triangle centred where they overlap).
"""

from __future__ import annotations

import math

import numpy as np
from textual.binding import Binding
from textual.reactive import reactive
from textual.widget import Widget
from textual.widgets import Static
from textual_plotext import PlotextPlot

from ..hidden import hidden_cells, visible
from .image_view import IMAGE_VIEW_CELLS, available, real_pixels

__all__ = ["LinePlot", "PlotPane", "plot_series"]

COLOURS = ("cyan", "green", "red")  # x, w, y
# a pane this high stacks the three plots; a lower one this wide sets them side by side
STACKED_HEIGHT, SIDE_BY_SIDE_WIDTH = 21, 60
# a longer line is drawn as each stretch's lowest and highest points (plotext takes
# seconds for 100,000 points); zoom ( ) shows fewer of them, down to this many values
MOST_POINTS, FEWEST_SHOWN = 2000, 16


def _real(values) -> list[float]:
    return np.real(np.asarray(values, dtype=complex if np.iscomplexobj(values) else float)).tolist()


def _finite(xs, ys) -> tuple[list[float], list[float], int]:
    """The points plotext can draw (it fails on NaN and inf), and how many were left out."""
    kept = [(a, b) for a, b in zip(xs, ys) if np.isfinite(a) and np.isfinite(b)]
    return [a for a, _ in kept], [b for _, b in kept], len(ys) - len(kept)


def _thinned(xs: list, ys: list, most: int = MOST_POINTS) -> tuple[list, list]:
    """At most about ``most`` points: each stretch's lowest and highest, in order.

    >>> _thinned(list(range(8)), [0, 5, 1, 1, 2, 9, 3, 3], most=4)
    ([0, 1, 4, 5], [0.0, 5.0, 2.0, 9.0])
    """
    if len(ys) <= most:
        return xs, ys
    y = np.asarray(ys, dtype=float)
    stretch = -(-len(y) // (most // 2))
    whole = len(y) // stretch * stretch
    blocks = y[:whole].reshape(-1, stretch)
    starts = np.arange(0, whole, stretch)
    keep = np.unique(
        np.concatenate(
            [starts + blocks.argmin(1), starts + blocks.argmax(1), np.arange(whole, len(y))]
        )
    )
    return np.asarray(xs)[keep].tolist(), y[keep].tolist()


def plot_series(setup, result) -> list[tuple[str, list, list]]:
    """The ``(title, positions, values)`` of the three 1-D plots.

    The input at 0, 1, 2 ...; the kernel as applied (flipped for a convolution,
    spread by the dilation) at its taps' offsets from the window's centre; the output
    at the centre of the window that made each value.
    """
    g = setup.geometry
    x, w, y = setup.input, setup.kernel, result.output
    oriented = w[::-1] if setup.flip else w
    if g.transposed:
        return _transposed_series(setup, x, oriented, y)
    under = g.window(0)[0]  # the cells the first step's taps sit on
    half = (under[-1] - under[0]) / 2  # from a window's first cell to its centre
    return [
        ("input x", list(range(len(x))), _real(x)),
        ("w flipped" if setup.flip else "w", [c - under[0] - half for c in under], _real(oriented)),
        ("y at window centres", (g.position(0, np.arange(len(y)), 0) + half).tolist(), _real(y)),
    ]


def _transposed_series(setup, x, oriented, y) -> list[tuple[str, list, list]]:
    """A transposed convolution on the output's axis: x[i] at the centre of the outputs
    it spreads into (``i·stride`` less the cropped padding, plus half the kernel).

    >>> from convtui.engine.setup import Setup
    >>> setup = Setup([1, 2, 3], [1, 2, 3], "valid", transposed=True, stride=2, padding=1)
    >>> [(title, xs) for title, xs, _ in plot_series(setup, setup.compute())]
    ... # doctest: +NORMALIZE_WHITESPACE
    [('x at spread centres', [0.0, 2.0, 4.0]), ('w flipped', [-1.0, 0.0, 1.0]),
     ('y', [0, 1, 2, 3, 4])]
    """
    forward = setup.geometry.forward  # x[i]·w[j] lands on forward.position(0, i, j)
    half = forward.dilation[0] * (len(oriented) - 1) / 2
    spread = forward.position(0, np.arange(len(x)), 0) + half
    return [
        ("x at spread centres", spread.tolist(), _real(x)),
        (
            "w flipped" if setup.flip else "w",
            [j * forward.dilation[0] - half for j in range(len(oriented))],
            _real(oriented),
        ),
        ("y", list(range(len(y))), _real(y)),
    ]


class LinePlot(PlotextPlot):
    """Three plotext plots: x, w as applied, y; x and y on one position axis."""

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self._series: list[tuple[str, list, list]] = []
        self._view = None
        self._side_by_side = False

    def show(self, series: list[tuple[str, list, list]], view=None) -> int:
        """Plot ``series`` (see :func:`plot_series`), x and y only between ``view``'s two
        positions when given; how many NaN/inf points were left out."""
        self._series, self._view = [], view
        for i, (title, xs, ys) in enumerate(series):
            xs, ys, missing = _finite(xs, ys)
            if view is not None and i != 1:
                kept = [(a, b) for a, b in zip(xs, ys) if view[0] <= a <= view[1]]
                xs, ys = [a for a, _ in kept], [b for _, b in kept]
            self._series.append((title, *_thinned(xs, ys), missing))
        self._replot()
        return sum(missing for *_, missing in self._series)

    def _replot(self) -> None:
        plt = self.plt
        plt.clear_data()
        plt.clear_figure()
        self._side_by_side = self._wants_side_by_side()
        if self._side_by_side:
            plt.subplots(1, 3)
        else:
            plt.subplots(3, 1)
        shared = [p for i, (_, xs, _, _) in enumerate(self._series) if i != 1 for p in xs]
        for i, (title, xs, ys, _) in enumerate(self._series):
            plot = plt.subplot(1, i + 1) if self._side_by_side else plt.subplot(i + 1, 1)
            plot.title(title)
            if ys:
                plot.plot(xs, ys, marker="braille", color=COLOURS[i])
            if i == 1 and xs:  # the taps: integer offsets (halves for an even kernel)
                plot.xticks(sorted({xs[0], xs[len(xs) // 2], xs[-1]}))
            elif self._view is not None:
                plot.xlim(*self._view)
            elif shared:
                plot.xlim(min(shared) - 0.5, max(shared) + 0.5)
        self.refresh()

    def _wants_side_by_side(self) -> bool:
        width, height = self.size
        return height < STACKED_HEIGHT and width >= SIDE_BY_SIDE_WIDTH

    def on_resize(self) -> None:
        if self._series and self._wants_side_by_side() != self._side_by_side:
            self._replot()


class PlotPane(Widget, can_focus=True):
    """1-D: input, kernel as applied and output as lines.  2-D: the same as pictures."""

    BINDINGS = [
        Binding(
            "v",
            "toggle_numbers",
            "Numbers",
            tooltip="2-D: the numbers around the window instead of the pictures",
        ),
        Binding(
            "I",
            "toggle_image",
            "Image view",
            tooltip="2-D: the input and output as images, in real pixels where the terminal can",
            show=False,  # the border says "I images" on a large input
        ),
        Binding("right_parenthesis", "zoom(1)", "Zoom in (1-D)", key_display=")", show=False),
        Binding("left_parenthesis", "zoom(-1)", "Zoom out (1-D)", key_display="(", show=False),
    ]

    DEFAULT_CSS = """
    PlotPane { height: 1fr; }
    PlotPane > Static { padding: 1; }
    """

    state = reactive(None, init=False, always_update=True, repaint=False)
    """The playground's state: its setup, result and step."""

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.border_title = "Plot  [4]"
        self._lines = LinePlot()
        # the pictures and the 3-D note are made the first time a setup needs them:
        # a 1-D start (the seed) neither imports nor mounts them (bench/tui.py)
        self._pictures = None
        self._images = None  # the image view (.image_view), made when first shown
        self._image_mode: bool | None = None  # I; None: real pixels on a large input
        self._zoom = 0  # 1-D: each ) halves the stretch of x and y shown, ( doubles it
        self._other = None
        self._ndim = 0
        self._drawn = None

    def compose(self):
        yield self._lines

    def on_mount(self) -> None:
        if self.state is None:  # nothing to show until the screen's state arrives
            self._show(0)

    def _show(self, ndim: int) -> None:
        self._lines.display = ndim == 1
        if ndim == 2 and self._pictures is None:
            from .picture import PicturePane

            self._pictures = PicturePane()
            self.mount(self._pictures)
        if ndim > 2 and self._other is None:
            self._other = Static(
                "3-D: the plot and the pictures are 1-D and 2-D only; "
                "the slide pane's equation shows each step."
            )
            self.mount(self._other)
        if self._pictures is not None:
            self._pictures.display = ndim == 2
        if self._images is not None and ndim != 2:
            self._images.display = False
        if self._other is not None:
            self._other.display = ndim > 2
        if ndim != self._ndim:
            self._ndim = ndim
            self.refresh_bindings()

    def watch_state(self, state) -> None:
        if state is None:
            return
        ndim = state.setup.input.ndim
        self._show(ndim)
        if ndim == 2:
            images = self._image_view(state)
            subtitle = "v pictures" if self._pictures.numbers else "v numbers"
            if images is not None:
                subtitle += " · I pictures"
            elif state.setup.input.size >= IMAGE_VIEW_CELLS and available():
                subtitle += " · I images"  # where the image view is worth a look
            self.border_subtitle = subtitle
            (self._pictures if images is None else images).state = state
            return
        if ndim != 1 or state.result is None:
            return
        view = self._zoomed_view(state)
        hidden = hidden_cells(state)  # a lesson's exercise asks for these: not drawn
        key = (state.setup, state.result, view, hidden)
        if self._drawn is not None and all(a is b for a, b in zip(key, self._drawn[:2])):
            if view == self._drawn[2] and hidden == self._drawn[3]:
                return  # a step: the lines do not move
        self._drawn = key
        series = plot_series(state.setup, state.result)
        series[2] = (series[2][0], *visible(hidden, *series[2][1:]))
        left_out = self._lines.show(series, view)
        notes = [f"{left_out} NaN/inf not drawn"] if left_out else []
        if view is not None:
            notes.append(f"x {view[0]:g} to {view[1]:g}, ( ) zoom")
        elif len(state.setup.input) > max(4 * self.size.width, 200):
            notes.append(") zooms in")
        self.border_subtitle = " · ".join(notes)

    def _zoomed_view(self, state):
        """The stretch of positions shown when zoomed in, around the current window
        (moved only when the window leaves it); None for the whole line."""
        n = len(state.setup.input)
        span = max(n / 2**self._zoom, FEWEST_SHOWN)
        if self._zoom == 0 or span >= n:
            return None
        if state.setup.transposed:  # its steps are not windows over x: centre on the step
            centre = float(state.step)
        else:
            under = state.setup.geometry.window(state.step)[0]
            centre = (under[0] + under[-1]) / 2
        last = self._drawn[2] if self._drawn is not None else None
        if last is not None and last[1] - last[0] == span and last[0] <= centre <= last[1]:
            return last
        return (centre - span / 2, centre + span / 2)

    def action_zoom(self, by: int) -> None:
        if self.state is None or self.state.setup.input.ndim != 1:
            return
        most = max(math.ceil(math.log2(len(self.state.setup.input) / FEWEST_SHOWN)), 0)
        self._zoom = min(max(self._zoom + by, 0), most)
        self.watch_state(self.state)

    def _image_view(self, state):
        """The image view if it shows (I, or a large input where the terminal shows
        real pixels) and the numbers do not; else None, the pictures showing."""
        wanted = self._image_mode
        if wanted is None:
            wanted = state.setup.input.size >= IMAGE_VIEW_CELLS and real_pixels()
        wanted = wanted and available() and not self._pictures.numbers
        if wanted and self._images is None:
            from .image_view import ImageView

            self._images = ImageView()
            self.mount(self._images)
        shown = wanted and self._images is not None
        if self._images is not None:
            self._images.display = shown
        self._pictures.display = not shown
        return self._images if shown else None

    def check_action(self, action: str, parameters: tuple) -> bool | None:
        if action == "toggle_numbers":
            return self._ndim == 2
        if action == "zoom":
            return self._ndim == 1
        if action == "toggle_image":
            return self._ndim == 2 and available()
        return True

    def action_toggle_numbers(self) -> None:
        self._pictures.numbers = not self._pictures.numbers
        if self.state is not None:  # the image view or the pictures, whichever now shows
            self.watch_state(self.state)

    def action_toggle_image(self) -> None:
        shown = self._images is not None and self._images.display
        self._image_mode = not shown
        self._pictures.numbers = False
        if self.state is not None:
            self.watch_state(self.state)
