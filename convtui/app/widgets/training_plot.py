"""The training pane's loss curve: plotext, on a log scale (one tick per power of ten)."""

from __future__ import annotations

import math
import time

from textual.reactive import reactive
from textual_plotext import PlotextPlot

__all__ = ["LossPlot", "decade_label"]

REDRAW_EVERY = 0.25  # seconds: plotext is the costliest pane, so it redraws 4 times a second
MAX_POINTS = 400  # more than a terminal is wide: a long run is sampled evenly


def decade_label(exponent: int) -> str:
    """How a power of ten is written on the loss axis.

    >>> [decade_label(e) for e in (-6, -1, 0, 1, 3)]
    ['1e-6', '0.1', '1', '10', '1e3']
    """
    if -1 <= exponent <= 2:
        return f"{10.0**exponent:g}"
    return f"1e{exponent}"


def _sample(count: int) -> list[int]:
    if count <= MAX_POINTS:
        return list(range(count))
    picks = {round(i * (count - 1) / (MAX_POINTS - 1)) for i in range(MAX_POINTS)}
    return sorted(picks)


class LossPlot(PlotextPlot):
    """The loss after every update so far, log scale; redrawn when the run moves on."""

    snapshot = reactive(None, init=False, always_update=True, repaint=False)
    """The pane's :class:`~convtui.app.trainer.Snapshot` (set by the screen)."""

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.border_title = "Loss  [dim](log scale)[/]"
        self._drawn: tuple | None = None
        self._drawn_run = None
        self._drawn_at = 0.0

    def watch_snapshot(self, snapshot) -> None:
        if snapshot is None:
            return
        key = (snapshot.run, snapshot.count)
        if self._drawn is not None and key[0] is self._drawn[0] and key[1] == self._drawn[1]:
            return
        now = time.monotonic()
        if snapshot.running and key[0] is self._drawn_run and now - self._drawn_at < REDRAW_EVERY:
            return  # the next snapshot (or the one when training pauses) draws it
        self._drawn, self._drawn_run, self._drawn_at = key, key[0], now
        self.replot(snapshot.losses, snapshot.count)

    def replot(self, losses: list[float], count: int) -> None:
        """Clear the data, plot log10(loss) against the update number, and refresh."""
        plt = self.plt
        plt.clear_data()
        plt.clear_figure()
        steps, values = [], []
        for i in _sample(count):
            loss = losses[i]
            if math.isfinite(loss) and loss > 0:  # the log of 0 or inf is not drawn
                steps.append(i)
                values.append(math.log10(max(loss, 1e-300)))
        plt.xlabel("update")
        if values:
            plt.plot(steps, values, marker="braille")
            low, high = math.floor(min(values)), math.ceil(max(values))
            if low == high:
                low -= 1
            every = max(1, math.ceil((high - low) / 6))
            ticks = list(range(low, high + 1, every))
            plt.yticks(ticks, [decade_label(t) for t in ticks])
            plt.ylim(low, high)
            last = max(steps[-1], 1)
            plt.xlim(0, last)
            plt.xticks(_nice_ticks(last))
        self.refresh()


def _nice_ticks(last: int) -> list[int]:
    """About five round tick positions from 0 to ``last``.

    >>> _nice_ticks(1000)
    [0, 200, 400, 600, 800, 1000]
    >>> _nice_ticks(3)
    [0, 1, 2, 3]
    """
    raw = last / 5
    base = 10 ** math.floor(math.log10(raw)) if raw >= 1 else 1
    step = next(m * base for m in (1, 2, 5, 10) if m * base >= raw)
    step = max(int(step), 1)
    return list(range(0, last + 1, step))
