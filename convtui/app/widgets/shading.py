"""Numbers as colours, for the picture pane: colour scales, block means, the padded input.

Pure numpy, no Textual: every cell of a picture is a *code*, an index into
:data:`COLOURS` (a scale's 256 levels, the same greyed for padded cells, and a few
marks), so a picture is a small integer array and its styles are made once.

>>> scale = Scale.of(np.arange(9))
>>> scale.low, scale.mid, scale.high, scale.diverging
(0.0, 4.0, 8.0, False)
>>> scale.codes(np.array([0, 4, 8])).tolist()
[0, 128, 255]
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

__all__ = ["BLANK", "COLOURS", "NAN", "OUTLINE", "Scale", "block_means", "padded_input"]


def _ramp(anchors: list[str]) -> np.ndarray:
    """256 RGB colours through evenly spaced ``#rrggbb`` anchors."""
    rgb = np.array([[int(a[i : i + 2], 16) for i in (1, 3, 5)] for a in anchors], dtype=float)
    at = np.linspace(0, 1, len(anchors))
    t = np.linspace(0, 1, 256)
    return np.stack([np.interp(t, at, rgb[:, c]) for c in range(3)], axis=1).round()


# matplotlib's viridis (dark purple → yellow: readable on a dark or a light terminal,
# and in grey) for values of one sign; RdBu reversed (blue < 0 < red) when the values
# straddle 0, centred on 0 so that white means zero
VIRIDIS = _ramp(
    "#440154 #482475 #414487 #355f8d #2a788e #21918c "
    "#22a884 #44bf70 #7ad151 #bddf26 #fde725".split()
)
RDBU = _ramp(
    "#053061 #2166ac #4393c3 #92c5de #d1e5f0 #f7f7f7 "
    "#fddbc7 #f4a582 #d6604d #b2182b #67001f".split()
)
GREY, WASH = np.array([128.0, 128.0, 128.0]), 0.7  # padded cells: 70% of the way to grey

SEQUENTIAL, DIVERGING = 0, 512  # the first code of each scale; +256: the same, greyed
NAN, OUTLINE, BLANK = 1024, 1025, 1026  # NaN/inf, the window's outline, no picture
COLOURS: list[tuple[int, int, int] | None] = [
    tuple(int(v) for v in rgb)
    for ramp in (VIRIDIS, RDBU)
    for rgb in np.concatenate([ramp, ramp + (GREY - ramp) * WASH]).round()
] + [(0, 0, 0), (255, 0, 255), None]
"""The RGB colour of every code (None: the pane's own background)."""


@dataclass(frozen=True)
class Scale:
    """Values ``low..high`` as 256 colour levels.

    Values of one sign (or none) use viridis from their minimum to their maximum;
    values on both sides of 0 use a blue-white-red scale symmetric about 0, so 0 is
    white and the sign reads at a glance.

    >>> Scale.of(np.array([-1.0, 0.5])).low, Scale.of(np.array([-1.0, 0.5])).high
    (-1.0, 1.0)
    """

    low: float
    high: float
    diverging: bool = False

    @classmethod
    def of(cls, values: np.ndarray) -> Scale:
        if values.size == 0:
            return cls(0.0, 0.0)
        low, high = float(values.min()), float(values.max())
        if not (np.isfinite(low) and np.isfinite(high)):  # NaN or inf: scale the rest
            finite = values[np.isfinite(values)]
            if finite.size == 0:
                return cls(0.0, 0.0)
            low, high = float(finite.min()), float(finite.max())
        if low < 0 < high:
            reach = max(-low, high)
            return cls(-reach, reach, True)
        return cls(low, high)

    @property
    def mid(self) -> float:
        return (self.low + self.high) / 2

    def levels(self, values) -> np.ndarray:
        """Each value's level 0..255 (a constant picture is all level 128)."""
        values = np.asarray(values, dtype=float)
        if not self.high > self.low:
            return np.full(values.shape, 128, dtype=np.int64)
        with np.errstate(invalid="ignore"):
            t = (values - self.low) * (255 / (self.high - self.low))
        return (
            np.clip(np.nan_to_num(t, nan=0.0, posinf=255, neginf=0), 0, 255)
            .round()
            .astype(np.int64)
        )

    def codes(self, values, padded=None) -> np.ndarray:
        """Each value's code in :data:`COLOURS`: its level, greyed where ``padded``.

        NaN and inf are :data:`NAN`.
        """
        values = np.asarray(values, dtype=float)
        codes = self.levels(values) + (DIVERGING if self.diverging else SEQUENTIAL)
        if padded is not None:
            codes = codes + 256 * np.asarray(padded, dtype=np.int64)
        codes[~np.isfinite(values)] = NAN
        return codes.astype(np.int16)

    def colour(self, value) -> tuple[int, int, int]:
        """The RGB colour a value is drawn in (the legend's swatches use it too).

        >>> Scale(0, 8).colour(0), Scale(0, 8).colour(8)
        ((68, 1, 84), (253, 231, 37))
        """
        return COLOURS[int(self.codes(np.array([value]))[0])]


def real_values(array) -> np.ndarray:
    """The numbers a picture shades: floats, the real part of complex values."""
    array = np.asarray(array)
    return np.real(array).astype(float, copy=False)


def padded_input(setup) -> tuple[np.ndarray, np.ndarray, tuple[int, int]]:
    """The input as the kernel slides over it: ``(values, padded, (rows before, cols before))``.

    ``padded`` marks the cells the padding added; they hold 0 or the input cell they
    copy (``Geometry.sources``).  A transposed setup slides no window over its input:
    the input as it is.

    >>> from convtui import Setup
    >>> values, padded, before = padded_input(Setup([[1, 2], [3, 4]], [[1, 1]], "full"))
    >>> values.tolist(), padded.astype(int).tolist(), before
    ([[0.0, 1.0, 2.0, 0.0], [0.0, 3.0, 4.0, 0.0]], [[1, 0, 0, 1], [1, 0, 0, 1]], (0, 1))
    """
    x = real_values(setup.input)
    g = setup.geometry
    if g.transposed or all(b == a == 0 for b, a in g.pad):
        return x, np.zeros(x.shape, dtype=bool), (0, 0)
    rows, cols = (g.source_index(axis) for axis in (0, 1))  # -1: a zero
    values = x[np.maximum(rows, 0)[:, None], np.maximum(cols, 0)[None, :]]
    values[rows < 0] = 0.0
    values[:, cols < 0] = 0.0
    (b0, _), (b1, _) = g.pad
    padded = np.ones(g.padded_shape, dtype=bool)
    padded[b0 : b0 + x.shape[0], b1 : b1 + x.shape[1]] = False
    return values, padded, (b0, b1)


def block_means(values: np.ndarray, factor: int, mask=None):
    """Mean of each ``factor``×``factor`` block (edge blocks: of the cells they hold).

    With ``mask``, also whether every cell of each block is masked.

    >>> block_means(np.arange(16.0).reshape(4, 4), 2).tolist()
    [[2.5, 4.5], [10.5, 12.5]]
    >>> block_means(np.arange(9.0).reshape(3, 3), 2).tolist()
    [[2.0, 3.5], [6.5, 8.0]]
    """
    if values.size == 0:  # (an empty output) nothing to average
        shape = tuple(-(-n // factor) for n in values.shape)
        values, mask = np.zeros(shape), None if mask is None else np.zeros(shape, dtype=bool)
    if factor == 1 or values.size == 0:
        return values if mask is None else (values, mask)
    starts = [np.arange(0, n, factor) for n in values.shape]

    def total(a):
        return np.add.reduceat(np.add.reduceat(a, starts[0], axis=0), starts[1], axis=1)

    # cells per block: factor² inside, fewer along the far edges
    sizes = [np.diff(np.append(s, n)) for s, n in zip(starts, values.shape)]
    counts = np.outer(*sizes)
    with np.errstate(invalid="ignore"):
        means = total(values) / counts
    if mask is None:
        return means
    return means, total(mask.astype(np.int32)) == counts
