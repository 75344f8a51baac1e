"""The plot pane: the input, the kernel as applied and the output, as plotext lines.

The output is drawn at the centre of the window that made it, so it lines up with
the input (two boxes give a triangle centred where they overlap).  In 2-D it plots
the image row and output row of the current step.
"""

from __future__ import annotations

import numpy as np
from textual.reactive import reactive
from textual_plotext import PlotextPlot

__all__ = ["PlotPane"]


def _real(values) -> list[float]:
    return np.real(np.asarray(values, dtype=complex if np.iscomplexobj(values) else float)).tolist()


def _finite(xs, ys) -> tuple[list[float], list[float], int]:
    """The points plotext can draw (it fails on NaN and inf), and how many were left out."""
    kept = [(a, b) for a, b in zip(xs, ys) if np.isfinite(a) and np.isfinite(b)]
    return [a for a, _ in kept], [b for _, b in kept], len(ys) - len(kept)


def plot_series(setup, result, row: int | None):
    """The title and the ``(label, xs, ys)`` lines the plot pane draws.

    In 1-D: the input at 0, 1, 2 ...; the kernel as applied (flipped for a
    convolution, spread by the dilation) centred on 0; the output at the centre of the
    window that made each value.  In 2-D the same for one row: ``row`` of the output,
    the input row under the kernel's middle row, and the kernel's middle row.
    """
    g = setup.geometry
    two_d = setup.input.ndim == 2
    axis = 1 if two_d else 0
    x, w, y = setup.input, setup.kernel, result.output
    title = "x, w as applied, y (y at each window's centre)"
    if two_d:
        # the input row that w's middle row meets at this output row (flipped, that
        # row is tap k-1-k//2 of the oriented kernel), clamped onto x when it falls on
        # padding; with an empty output, the first row of x and nothing for y
        k = w.shape[0]
        tap = k - 1 - k // 2 if setup.flip else k // 2
        x_row = min(max(g.position(0, 0 if row is None else row, tap), 0), x.shape[0] - 1)
        x, w = x[x_row], w[k // 2]
        y = y[row] if row is not None else y[:0].ravel()
        title = f"row {x_row} of x, middle row of w, " + (
            f"row {row} of y" if row is not None else "the output is empty"
        )
    oriented = w[::-1] if setup.flip else w
    under = g.window((0,) * g.ndim)[axis]  # the cells the first step's taps sit on
    half = (under[-1] - under[0]) / 2  # from a window's first cell to its centre
    series = [
        ("input x", list(range(len(x))), _real(x)),
        ("w as applied", [cell - under[0] - half for cell in under], _real(oriented)),
        ("output y", (g.position(axis, np.arange(len(y)), 0) + half).tolist(), _real(y)),
    ]
    return title, series


class PlotPane(PlotextPlot, can_focus=True):
    """Input, kernel as applied and output, redrawn when the setup changes."""

    state = reactive(None, init=False, always_update=True, repaint=False)

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.border_title = "Plot  [4]"
        self._drawn = None

    def watch_state(self, state) -> None:
        if state is None or state.result is None:
            return
        setup = state.setup
        row = None
        if setup.input.ndim == 2 and setup.geometry.size:
            row = int(np.unravel_index(state.step, setup.geometry.output_shape)[0])
        key = (setup, state.result, row)
        if self._drawn is not None and all(a is b for a, b in zip(key, self._drawn)):
            return
        self._drawn = key
        self.replot(setup, state.result, row)

    def replot(self, setup, result, row: int | None) -> None:
        """Clear the data, plot input, kernel and output, and refresh."""
        plt = self.plt
        plt.clear_data()
        plt.clear_figure()
        title, series = plot_series(setup, result, row)
        left_out = 0
        for label, xs, ys in series:
            xs, ys, missing = _finite(xs, ys)
            left_out += missing
            if ys:
                plt.plot(xs, ys, label=label, marker="braille")
        self.border_subtitle = f"{left_out} NaN/inf not drawn" if left_out else ""
        plt.title(title)
        self.refresh()
