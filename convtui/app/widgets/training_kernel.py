"""The learned kernel against the target, one bar per weight (and one for the bias).

Each row draws the learned weight as a bar from a zero line and marks the target
with ``◆``; the numbers follow.  The selected weight (whose tied-weight terms the
pane shows) is marked ``▸``.
"""

from __future__ import annotations

import numpy as np
from textual.content import Content
from textual.reactive import reactive
from textual.widget import Widget

from ..formatting import number

__all__ = ["KernelBars", "bar"]


def value_text(value: float) -> str:
    """A weight in at most 9 characters, however far a diverging run took it.

    >>> value_text(0.0625), value_text(-1.5151e155), value_text(float("nan"))
    ('0.0625', '-1.5e+155', 'nan')
    """
    text = number(value)
    return text if len(text) <= 9 else f"{value:.1e}"


def weight_name(index: tuple[int, ...]) -> str:
    return "w[" + ",".join(str(i) for i in index) + "]"


def bar(value: float, target: float, scale: float, width: int) -> Content:
    """A bar of ``width`` cells with the zero line in the middle.

    >>> bar(1.0, -1.0, 1.0, 9).plain
    '◆   │████'
    >>> bar(0.0, 0.5, 1.0, 9).plain
    '    │ ◆  '
    """
    half = width // 2
    cells = [" "] * width
    styles = [""] * width
    cells[half] = "│"
    styles[half] = "dim"

    def column(v: float) -> int:
        if not np.isfinite(v) or scale == 0:
            return half
        reach = int(round(min(abs(v) / scale, 1.0) * half))
        return half + reach if v >= 0 else half - reach

    end = column(value)
    for c in range(min(end, half + 1), max(end, half - 1) + 1):
        if c != half and 0 <= c < width:
            cells[c], styles[c] = "█", "$accent"
    t = column(target)
    if 0 <= t < width:
        cells[t], styles[t] = "◆", "bold $warning"
    return Content.assemble(*((cell, style) for cell, style in zip(cells, styles)))


class KernelBars(Widget):
    """Learned weights (bars) against the target kernel (◆), with their values."""

    DEFAULT_CSS = """
    KernelBars { height: auto; min-height: 4; }
    """

    snapshot = reactive(None, init=False, always_update=True, repaint=False)

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.border_title = "Learned kernel █ against the target ◆"
        self._rows = None

    def watch_snapshot(self, snapshot) -> None:
        rows = None if snapshot is None else (snapshot.state.kernel.size, snapshot.run.bias)
        self.refresh(layout=rows != self._rows)  # a new layout only for a new kernel size
        self._rows = rows

    def get_content_height(self, container, viewport, width: int) -> int:
        if self.snapshot is None:
            return 4
        return self.snapshot.state.kernel.size + 2 + int(self.snapshot.run.bias)

    def render(self) -> Content:
        snapshot = self.snapshot
        if snapshot is None:
            return Content("")
        run, state = snapshot.run, snapshot.state
        learned, target = state.kernel.ravel(), run.target_kernel.ravel()
        rows = [
            (weight_name(i), learned[j], target[j], j == snapshot.weight)
            for j, i in enumerate(np.ndindex(*state.kernel.shape))
        ]
        if run.bias:
            rows.append(("bias", state.bias, run.target_bias, False))
        values = np.array([abs(v) for _, a, b, _ in rows for v in (a, b) if np.isfinite(v)])
        scale = float(values.max()) if values.size and values.max() > 0 else 1.0
        label_width = max(len(name) for name, *_ in rows) + 3  # "▸ " and a space before the bar
        width = max(9, min(41, self.size.width - label_width - 22))
        width -= 1 - width % 2  # odd: the zero line in the middle
        parts: list = [(f"{'':{label_width + width}}  {'learned':>9}  {'target':>9}\n", "dim")]
        for name, value, goal, selected in rows:
            label = ("▸ " if selected else "  ") + f"{name:<{label_width - 3}} "
            parts.append((label, "bold reverse" if selected else ""))
            parts.append(bar(value, goal, scale, width))
            parts.append(f"  {value_text(value):>9}  {value_text(goal):>9}\n")
        gap = float(np.max(np.abs(learned - target))) if np.all(np.isfinite(learned)) else np.inf
        parts.append((f"largest gap |learned - target| = {number(gap)}", "dim"))
        return Content.assemble(*parts)
