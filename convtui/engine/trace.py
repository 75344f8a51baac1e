"""The slide, one step at a time: which inputs each tap multiplies, and the sum.

This is the definition written out; ``convolve`` is its fast path, and a test keeps
the two equal.  ``steps`` returns a lazy sequence, so a long input costs nothing until
a step is looked at.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from .backend import get_array_module
from .conv import _prepare
from .geometry import Geometry, plan

__all__ = ["Step", "Steps", "steps"]


@dataclass(frozen=True)
class Step:
    """One output element: the window, the weights as applied, and the sum.

    ``positions`` are flat indices into the unpadded input, -1 on padding, in the
    oriented kernel's order (a numpy array); ``inputs`` are the values there (0 on
    padding), with ``weights`` and ``products`` on the device of the input.
    """

    index: tuple[int, ...]
    positions: np.ndarray
    inputs: np.ndarray
    weights: np.ndarray
    products: np.ndarray
    value: object

    def equation(self, fmt=None) -> str:
        """``y[i] = a·b + c·d + … = value``.

        >>> steps([1, 2, 3, 4], [5, 6, 7])[2].equation()
        'y[2] = 7·1 + 6·2 + 5·3 = 34'
        """
        fmt = fmt or _format_number
        name = "y[" + ",".join(str(i) for i in self.index) + "]"
        terms = " + ".join(
            f"{fmt(w)}·{fmt(v)}" for w, v in zip(self.weights.tolist(), self.inputs.tolist())
        )
        return f"{name} = {terms} = {fmt(self.value)}"


def _format_number(v) -> str:
    if isinstance(v, float | np.floating):
        if float(v).is_integer() and abs(v) < 1e15:
            return str(int(v))
        return f"{v:.4g}"
    if isinstance(v, complex | np.complexfloating):
        return f"{complex(v):.4g}".strip("()")
    return str(v)


class Steps(Sequence):
    """Every step of a convolution, in C order of the output, computed on demand."""

    def __init__(self, x, oriented, g: Geometry, work, result):
        self._x = x.ravel()
        self._oriented = oriented.ravel()
        self.geometry = g
        self._work = work
        self._result = result

    def __len__(self) -> int:
        return self.geometry.size

    def __getitem__(self, i):
        if isinstance(i, slice):
            return [self[j] for j in range(*i.indices(len(self)))]
        n = len(self)
        if not isinstance(i, int | np.integer):
            raise TypeError(f"step index must be an int, got {type(i).__name__}")
        if not -n <= i < n:
            raise IndexError(f"step {i} is out of range: there are {n} steps")
        i = int(i) % n
        positions = self.geometry.tap_positions([i])[0]
        xp = get_array_module(self._x)
        at = positions if xp is np else xp.asarray(positions)  # the index table, to the device
        inputs = xp.where(at >= 0, self._x[xp.maximum(at, 0)], 0).astype(self._work)
        with np.errstate(invalid="ignore", over="ignore"):  # inf·0 is NaN, as in convolve
            products = inputs * self._oriented
            value = products.sum().astype(self._result)
        if self._result.kind in "iu":
            inputs = inputs.astype(np.int64)
        index = tuple(int(v) for v in np.unravel_index(i, self.geometry.output_shape))
        return Step(index, positions, inputs, self._oriented, products, value.item())

    def __repr__(self) -> str:
        return f"<Steps: {len(self)} steps over output shape {self.geometry.output_shape}>"


def steps(
    x,
    w,
    mode: str = "full",
    *,
    flip: bool = True,
    stride=1,
    dilation=1,
    padding=None,
    convention: str = "numpy",
) -> Steps:
    """One :class:`Step` per output element, in C order.

    ``flip=True`` traces ``convolve`` (the weights are shown flipped, as applied),
    ``flip=False`` traces ``correlate``.

    Examples
    --------
    >>> s = steps([1, 2, 3, 4], [5, 6, 7])
    >>> len(s), s[0].positions.tolist(), s[0].weights.tolist(), s[0].value
    (6, [-1, -1, 0], [7, 6, 5], 5)
    """
    _, xa, wa, oriented, work, result = _prepare(x, w, flip)
    g = plan(
        xa.shape,
        wa.shape,
        mode,
        flip=flip,
        stride=stride,
        dilation=dilation,
        padding=padding,
        convention=convention,
    )
    return Steps(xa, oriented, g, work, result)
