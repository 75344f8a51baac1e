"""The slide, one step at a time: which inputs each tap multiplies, and the sum.

This is the definition written out; ``convolve`` is its fast path, and a test keeps
the two equal.  ``steps`` returns a lazy sequence, so a long input costs nothing until
a step is looked at.

With a padding mode, a tap on a padded cell reads the input that cell copies
(:attr:`Step.padded` marks those taps; :meth:`Steps.sources` maps every padded cell).
A transposed convolution reads two ways: :meth:`Steps.scatter` (input ``i`` spreads
``x[i]·w`` into the outputs) and gather, the steps themselves (output ``t`` sums what
lands on it, from however many inputs: :meth:`Steps.overlap` counts them).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from .backend import get_array_module
from .conv import _prepare
from .geometry import Geometry, plan

__all__ = ["Scatter", "Step", "Steps", "format_number", "steps"]


@dataclass(frozen=True)
class Step:
    """One output element: the window, the weights as applied, and the sum.

    ``positions`` are flat indices into the unpadded input, -1 on a padded zero, in
    the oriented kernel's order (a numpy array); a tap on a cell that a padding mode
    fills has the index of the input copied there, and ``padded`` marks those taps.
    ``inputs`` are the values read (0 on a zero), with ``weights`` and ``products``
    on the device of the input.

    For a transposed convolution (the gather reading) a step lists only the inputs
    that land on its output: ``positions`` and ``inputs`` are theirs, ``taps`` the
    given kernel's flat index of the weight each one meets, and there are as many as
    :meth:`Steps.overlap` counts (none at all is possible).
    """

    index: tuple[int, ...]
    positions: np.ndarray
    inputs: np.ndarray
    weights: np.ndarray
    products: np.ndarray
    value: object
    padded: np.ndarray | None = None
    taps: np.ndarray | None = None

    def equation(self, fmt=None, limit: int | None = None) -> str:
        """``y[i] = a·b + c·d + … = value``; with ``limit``, middle terms elided to fit it.

        >>> steps([1, 2, 3, 4], [5, 6, 7])[2].equation()
        'y[2] = 7·1 + 6·2 + 5·3 = 34'
        >>> steps(np.arange(20), np.ones(20, int), "valid")[0].equation(limit=40)
        'y[0] = 1·0 + 1·1 + … + 1·19 = 190  (20 terms)'
        """
        fmt = fmt or format_number
        name = "y[" + ",".join(str(i) for i in self.index) + "]"
        terms = [f"{fmt(w)}·{fmt(v)}" for w, v in zip(self.weights.tolist(), self.inputs.tolist())]
        value = fmt(self.value)
        if not terms:
            return f"{name} = {value} (no input lands here)"
        text = f"{name} = {' + '.join(terms)} = {value}"
        if limit is None or len(text) <= limit:
            return text
        keep = max(limit // 2 // max(len(t) + 3 for t in terms), 1)
        shown = [*terms[:keep], "…", terms[-1]]
        return f"{name} = {' + '.join(shown)} = {value}  ({len(terms)} terms)"


@dataclass(frozen=True)
class Scatter:
    """One input of a transposed convolution, spread into the output: ``x[i]·w``.

    ``outputs`` are the flat output indices each tap's product lands on (-1 where
    ``padding`` crops it away), in the order of ``weights`` (the kernel as the
    forward convolution orients it) and ``products``.
    """

    index: tuple[int, ...]
    value: object
    outputs: np.ndarray
    weights: np.ndarray
    products: np.ndarray
    output_shape: tuple[int, ...] = ()

    def equation(self, fmt=None) -> str:
        """``x[i] = v adds v·w: y[a] += p, y[b] += q, …``.

        >>> s = steps([1, 2, 3], [1, 10, 100], "valid", stride=2, transposed=True, flip=False)
        >>> s.scatter(1).equation()
        'x[1] = 2 adds 2·w: y[2] += 2·1 = 2, y[3] += 2·10 = 20, y[4] += 2·100 = 200'
        """
        fmt = fmt or format_number
        name = "x[" + ",".join(str(i) for i in self.index) + "]"
        parts = [
            f"y[{self._output_name(o)}] += {fmt(self.value)}·{fmt(w)} = {fmt(p)}"
            for o, w, p in zip(self.outputs.tolist(), self.weights.tolist(), self.products.tolist())
            if o >= 0
        ]
        landed = ", ".join(parts) if parts else "nothing (padding crops every product)"
        return f"{name} = {fmt(self.value)} adds {fmt(self.value)}·w: {landed}"

    def _output_name(self, flat: int) -> str:
        """An output's index as the steps name it: ``2`` in 1-D, ``0,2`` in 2-D."""
        if len(self.output_shape) < 2:
            return str(flat)
        return ",".join(str(int(i)) for i in np.unravel_index(flat, self.output_shape))


def format_number(value, digits: int = 4) -> str:
    """One number as short text: whole numbers exactly, others to ``digits`` significant digits.

    The one number format of the project: equations, the command line (6 digits),
    the app's panes (3) and the lessons' feedback all use it.

    >>> [format_number(v) for v in (5, 2.0, 1 / 3, -0.0, float("nan"), 1 + 2j, True)]
    ['5', '2', '0.3333', '0', 'nan', '1+2j', '1']
    >>> format_number(1 / 3, digits=6), format_number(123456789.0, digits=3)
    ('0.333333', '123456789')
    """
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, bool | int):
        return str(int(value))
    if isinstance(value, complex):
        return f"{value:.{digits}g}".strip("()")
    value = float(value)
    if value.is_integer() and abs(value) < 1e15:
        return str(int(value))
    return f"{value:.{digits}g}"


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
        g = self.geometry
        index = tuple(int(v) for v in np.unravel_index(i, g.output_shape))
        if g.transposed:
            return self._gather(index)
        positions = g.tap_positions([i])[0]
        padded = g.on_padding([i])[0]
        inputs, products, value = self._multiply(positions, self._oriented)
        return Step(index, positions, inputs, self._oriented, products, value, padded)

    def _multiply(self, positions, weights):
        """The inputs at ``positions`` (0 at -1), their products with ``weights``, the sum."""
        xp = get_array_module(self._x)
        at = positions if xp is np else xp.asarray(positions)  # the index table, to the device
        inputs = xp.where(at >= 0, self._x[xp.maximum(at, 0)], 0).astype(self._work)
        with np.errstate(invalid="ignore", over="ignore"):  # inf·0 is NaN, as in convolve
            products = inputs * weights
            value = products.sum().astype(self._result)
        if self._result.kind in "iu":
            inputs = inputs.astype(np.int64)
        return inputs, products, value.item()

    # ------------------------------------------------------------ padded cells

    def sources(self) -> np.ndarray:
        """Which input every cell of the padded input copies (flat index, -1 for a zero).

        >>> steps([1, 2, 3], [1, 1], "full", padding_mode="circular").sources().tolist()
        [2, 0, 1, 2, 0]
        """
        return self.geometry.sources()

    # ------------------------------------------------------------ transposed

    def _require_transposed(self, what: str) -> None:
        if not self.geometry.transposed:
            raise ValueError(f"{what} is a reading of a transposed convolution (transposed=True)")

    def _gather(self, index) -> Step:
        """Output ``index`` of a transposed convolution: the inputs that land on it."""
        g = self.geometry.forward  # its input is our output, its output our input
        n_in = self.geometry.input_shape
        tap_index = np.indices(g.kernel_shape).reshape(g.ndim, -1)
        inside = np.ones(tap_index.shape[1], dtype=bool)
        flat = np.zeros(tap_index.shape[1], dtype=np.intp)
        for axis in range(g.ndim):
            # input i meets tap j on output t when i*s + j*d - pad = t
            q = index[axis] + g.pad[axis][0] - tap_index[axis] * g.dilation[axis]
            i = q // g.stride[axis]
            inside &= (q % g.stride[axis] == 0) & (i >= 0) & (i < n_in[axis])
            flat = flat * n_in[axis] + i
        positions = flat[inside]
        picked = np.flatnonzero(inside)
        xp = get_array_module(self._oriented)
        weights = self._oriented[picked if xp is np else xp.asarray(picked)]
        inputs, products, value = self._multiply(positions, weights)
        taps = g.kernel_index()[inside]
        return Step(index, positions, inputs, weights, products, value, None, taps)

    def scatter(self, i) -> Scatter:
        """Input ``i`` (flat, or an index tuple) of a transposed convolution, spread out.

        >>> s = steps([1, 2, 3], [1, 1, 1], "valid", stride=2, transposed=True, flip=False)
        >>> s.scatter(1).outputs.tolist(), s.scatter(1).products.tolist()
        ([2, 3, 4], [2, 2, 2])
        """
        self._require_transposed("scatter")
        g = self.geometry.forward
        shape = self.geometry.input_shape  # the forward output may have more steps
        n = math.prod(shape)
        flat = int(np.ravel_multi_index(i, shape)) if isinstance(i, tuple) else i
        if not isinstance(flat, int | np.integer) or not -n <= flat < n:
            raise IndexError(f"input {i!r} is out of range: there are {n} inputs")
        flat = int(flat) % n
        index = tuple(int(v) for v in np.unravel_index(flat, shape))
        outputs = g.tap_positions([int(np.ravel_multi_index(index, g.output_shape))])[0]
        value = self._x[flat]
        with np.errstate(invalid="ignore", over="ignore"):
            products = (value * self._oriented).astype(self._work)
        return Scatter(
            index, value.item(), outputs, self._oriented, products, self.geometry.output_shape
        )

    def overlap(self) -> np.ndarray:
        """How many products land on each output of a transposed convolution.

        Uneven counts are the checkerboard of a strided transposed convolution whose
        kernel length is not a multiple of the stride.

        >>> steps(np.ones(4), np.ones(3), "valid", stride=2, transposed=True).overlap()
        array([1, 1, 2, 1, 2, 1, 2, 1, 1])
        """
        self._require_transposed("overlap")
        g = self.geometry.forward
        counts = np.ones((), dtype=np.int64)
        for axis in range(g.ndim):
            t = np.arange(g.input_shape[axis])[:, None]
            j = np.arange(g.kernel_shape[axis])[None, :]
            q = t + g.pad[axis][0] - j * g.dilation[axis]
            i = q // g.stride[axis]
            n_in = self.geometry.input_shape[axis]
            lands = (q % g.stride[axis] == 0) & (i >= 0) & (i < n_in)
            counts = np.multiply.outer(counts, lands.sum(axis=1))
        return counts

    def __repr__(self) -> str:
        return f"<Steps: {len(self)} steps over output shape {self.geometry.output_shape}>"


def steps(x, w, mode: str = "full", *, flip: bool = True, **options) -> Steps:
    """One :class:`Step` per output element, in C order.

    ``flip=True`` traces ``convolve`` (the weights are shown flipped, as applied),
    ``flip=False`` traces ``correlate``.  Options as for
    :func:`~convtui.engine.geometry.plan`: with ``padding_mode`` a tap on a padded
    cell reads the input copied there; with ``transposed=True`` each step gathers the
    inputs that land on one output, and :meth:`Steps.scatter` spreads one input.

    Examples
    --------
    >>> s = steps([1, 2, 3, 4], [5, 6, 7])
    >>> len(s), s[0].positions.tolist(), s[0].weights.tolist(), s[0].value
    (6, [-1, -1, 0], [7, 6, 5], 5)
    """
    _, xa, wa, oriented, work, result = _prepare(x, w, flip)
    return Steps(xa, oriented, plan(xa.shape, wa.shape, mode, flip=flip, **options), work, result)
