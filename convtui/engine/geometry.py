"""The one place where padding, output length and the library conventions live.

Every convolution in convtui is three moves (see DESIGN.md):

1. **pad** the input with zeros, ``(before, after)`` per axis: explicit ``padding``
   first, then the mode's own padding computed on the explicitly padded length;
2. **orient** the kernel: convolution flips it on every axis, correlation does not;
3. **slide** it: output ``i`` is the dot product of the oriented kernel with the padded
   input at ``i*stride + j*dilation`` for tap ``j``.

:func:`plan` turns shapes and options into a :class:`Geometry`, and everything else
(the fast paths, the step trace, the Toeplitz matrix, the gradients, the app's
formula) reads that object instead of doing its own arithmetic.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import cached_property, lru_cache
from typing import Any

import numpy as np

__all__ = [
    "CONVENTIONS",
    "MODES",
    "Convention",
    "Geometry",
    "output_shape",
    "padding_for",
    "plan",
]

MODES = ("full", "valid", "same")


@dataclass(frozen=True)
class Convention:
    """How one library pads ``same`` and treats a stride.

    ``extra_at`` says where the odd extra zero goes when an even effective kernel
    needs an odd total padding; ``strided_same`` is ``"subsample"`` (take every
    stride-th element of the dense ``same`` output), ``"refuse"`` (PyTorch) or
    ``"tensorflow"`` (output ceil(n/stride), padding computed from it).
    """

    name: str
    label: str
    extra_at: str  # "start" | "end"
    strided_same: str  # "subsample" | "refuse" | "tensorflow"
    flips: str  # what the library's own "convolution" does, for display


CONVENTIONS: dict[str, Convention] = {
    "numpy": Convention(
        "numpy", "numpy / scipy.signal", "start", "subsample", "convolve flips, correlate does not"
    ),
    "matlab": Convention("matlab", "MATLAB conv / conv2", "end", "subsample", "conv flips"),
    "torch": Convention(
        "torch", "PyTorch padding='same'", "end", "refuse", "no flip (cross-correlation)"
    ),
    "tensorflow": Convention(
        "tensorflow",
        "TensorFlow padding='SAME'",
        "end",
        "tensorflow",
        "no flip (cross-correlation)",
    ),
}


def _choice(name: str, value: Any, accepted) -> str:
    if not isinstance(value, str) or value not in accepted:
        listed = ", ".join(repr(a) for a in accepted)
        raise ValueError(f"{name} must be one of {listed}; got {value!r}")
    return value


def _is_int(v: Any) -> bool:
    return isinstance(v, int | np.integer) and not isinstance(v, bool)


def _per_axis_ints(name: str, value: Any, ndim: int, minimum: int) -> tuple[int, ...]:
    """An int or one int per axis, each >= minimum."""
    values = [value] * ndim if _is_int(value) else value
    try:
        values = list(values)
    except TypeError:
        raise ValueError(
            f"{name} must be an int or a tuple of {ndim} ints, got {value!r}"
        ) from None
    if len(values) != ndim or not all(_is_int(v) for v in values):
        raise ValueError(f"{name} must be an int or a tuple of {ndim} ints, got {value!r}")
    if any(v < minimum for v in values):
        raise ValueError(f"{name} must be >= {minimum} on every axis, got {value!r}")
    return tuple(int(v) for v in values)


def normalize_padding(padding: Any, ndim: int) -> tuple[tuple[int, int], ...]:
    """``None``, an int, per-axis ints or per-axis ``(before, after)`` pairs → pairs.

    >>> normalize_padding(2, 2)
    ((2, 2), (2, 2))
    >>> normalize_padding([(1, 0)], 1)
    ((1, 0),)
    """
    accepted = f"None, an int, {ndim} ints, or {ndim} (before, after) pairs of non-negative ints"
    if padding is None:
        return ((0, 0),) * ndim
    if _is_int(padding):
        pairs = [(padding, padding)] * ndim
    else:
        try:
            items = list(padding)
        except TypeError:
            raise ValueError(f"padding must be {accepted}; got {padding!r}") from None
        if len(items) != ndim:
            raise ValueError(f"padding must be {accepted}; got {padding!r}")
        pairs = []
        for item in items:
            if _is_int(item):
                pairs.append((item, item))
                continue
            try:
                pair = tuple(item)
            except TypeError:
                raise ValueError(f"padding must be {accepted}; got {padding!r}") from None
            if len(pair) != 2 or not all(_is_int(v) for v in pair):
                raise ValueError(f"padding must be {accepted}; got {padding!r}")
            pairs.append(pair)
    if any(v < 0 for pair in pairs for v in pair):
        raise ValueError(f"padding must not be negative; got {padding!r}")
    return tuple((int(b), int(a)) for b, a in pairs)


@dataclass(frozen=True)
class Geometry:
    """Everything about one convolution except the numbers.

    All tuples have one entry per axis.  ``explicit`` is the user's padding,
    ``mode_pad`` the mode's own padding added after it; ``pad`` is their sum, the
    zeros around the input before the kernel slides.
    """

    input_shape: tuple[int, ...]
    kernel_shape: tuple[int, ...]
    mode: str
    flip: bool
    stride: tuple[int, ...]
    dilation: tuple[int, ...]
    explicit: tuple[tuple[int, int], ...]
    mode_pad: tuple[tuple[int, int], ...]
    convention: str
    output_shape: tuple[int, ...]

    @property
    def ndim(self) -> int:
        return len(self.input_shape)

    @cached_property
    def effective_kernel(self) -> tuple[int, ...]:
        """``dilation*(k-1)+1`` per axis: the span the kernel covers."""
        return tuple(d * (k - 1) + 1 for d, k in zip(self.dilation, self.kernel_shape))

    @cached_property
    def pad(self) -> tuple[tuple[int, int], ...]:
        """Total zeros ``(before, after)`` per axis: explicit plus the mode's."""
        return tuple((eb + mb, ea + ma) for (eb, ea), (mb, ma) in zip(self.explicit, self.mode_pad))

    @cached_property
    def full_shape(self) -> tuple[int, ...]:
        """Length of the full linear convolution of the explicitly padded input, per axis.

        Every output is read from it (see conv.py); FFT methods transform this much.

        >>> plan((4,), (3,), "valid", padding=1).full_shape
        (8,)
        """
        return tuple(
            n + b + a + ke - 1
            for n, (b, a), ke in zip(self.input_shape, self.explicit, self.effective_kernel)
        )

    @cached_property
    def padded_shape(self) -> tuple[int, ...]:
        return tuple(n + b + a for n, (b, a) in zip(self.input_shape, self.pad))

    @cached_property
    def size(self) -> int:
        return math.prod(self.output_shape)

    def tap_positions(self, rows=None):
        """Which input element each tap of the oriented kernel sits on, at each step.

        Returns an int array of shape ``(len(rows), prod(kernel_shape))`` (all steps
        when ``rows`` is None) holding flat indices into the unpadded input, -1 where
        the tap sits on a padding zero.  Taps are in the oriented kernel's C order;
        :meth:`kernel_index` maps them back to the given kernel.

        >>> plan((4,), (3,), "full").tap_positions([0, 5])
        array([[-1, -1,  0],
               [ 3, -1, -1]])
        """
        from .backend import check_memory

        taps = math.prod(self.kernel_shape)
        count = self.size if rows is None else len(rows)
        check_memory(count * taps * 8 * 3, "the tap positions")
        if rows is None:
            out_index = np.indices(self.output_shape).reshape(self.ndim, -1)
        else:
            out_index = np.array(
                np.unravel_index(np.asarray(rows, dtype=np.intp), self.output_shape)
            )
        tap_index = np.indices(self.kernel_shape).reshape(self.ndim, -1)
        flat = np.zeros((count, taps), dtype=np.intp)
        inside = np.ones((count, taps), dtype=bool)
        step = 1
        for axis in reversed(range(self.ndim)):
            pos = self.position(axis, out_index[axis][:, None], tap_index[axis][None, :])
            inside &= (pos >= 0) & (pos < self.input_shape[axis])
            flat += pos * step
            step *= self.input_shape[axis]
        flat[~inside] = -1
        return flat

    def position(self, axis: int, out, tap):
        """Where oriented tap ``tap`` sits along ``axis`` for output ``out``.

        An index into the unpadded input (negative or past the end on padding);
        ``out`` and ``tap`` may be ints or broadcasting arrays.

        >>> plan((4,), (3,), "full").position(0, 0, 2)
        0
        """
        return out * self.stride[axis] + tap * self.dilation[axis] - self.pad[axis][0]

    def kernel_index(self):
        """Flat index into the given kernel of each oriented tap (flipped when convolving).

        >>> plan((4,), (3,), "full").kernel_index()
        array([2, 1, 0])
        """
        index = np.arange(math.prod(self.kernel_shape)).reshape(self.kernel_shape)
        if self.flip:
            index = index[(slice(None, None, -1),) * self.ndim]
        return index.ravel()

    def formula(self) -> list[str]:
        """The output-length formula per axis, with this setup's numbers plugged in.

        >>> plan((4,), (3,), "full").formula()
        ['out = floor((n + pb + pa - d·(k-1) - 1) / s) + 1 = floor((4 + 2 + 2 - 1·(3-1) - 1) / 1) + 1 = 6']
        """
        lines = []
        for n, k, s, d, (b, a), out in zip(
            self.input_shape,
            self.kernel_shape,
            self.stride,
            self.dilation,
            self.pad,
            self.output_shape,
        ):
            lines.append(
                "out = floor((n + pb + pa - d·(k-1) - 1) / s) + 1 = "
                f"floor(({n} + {b} + {a} - {d}·({k}-1) - 1) / {s}) + 1 = {out}"
            )
        return lines


def _mode_padding(n: int, ke: int, s: int, mode: str, convention: Convention) -> tuple[int, int]:
    """The mode's own zeros on one axis of (explicitly padded) length ``n``."""
    if mode == "valid":
        return (0, 0)
    if mode == "full":
        return (ke - 1, ke - 1)
    # same
    if convention.strided_same == "tensorflow":
        out = -(-n // s)
        total = max((out - 1) * s + ke - n, 0)
    else:
        total = ke - 1
    small, large = total // 2, total - total // 2
    return (large, small) if convention.extra_at == "start" else (small, large)


def _hashable(value):
    if isinstance(value, bool | float):  # keep True and 1.0 apart from 1 in the cache
        return (type(value).__name__, value)
    if isinstance(value, list | tuple):
        return tuple(_hashable(v) for v in value)
    if isinstance(value, np.integer):
        return int(value)
    return value


def plan(
    input_shape,
    kernel_shape,
    mode: str = "full",
    *,
    flip: bool = True,
    stride=1,
    dilation=1,
    padding=None,
    convention: str = "numpy",
) -> Geometry:
    """Validate the options and work out the geometry of one convolution.

    Results are cached: the same shapes and options give the same Geometry object.

    >>> g = plan((4,), (3,), "same")
    >>> g.pad, g.output_shape
    (((1, 1),), (4,))
    >>> plan((6,), (2,), "same", convention="matlab").pad
    ((0, 1),)
    """
    try:
        key = (
            tuple(map(int, input_shape)),
            tuple(map(int, kernel_shape)),
            mode,
            bool(flip),
            _hashable(stride),
            _hashable(dilation),
            _hashable(padding),
            convention,
        )
        hash(key)
    except TypeError:
        key = None
    if key is None:
        return _plan(input_shape, kernel_shape, mode, flip, stride, dilation, padding, convention)
    return _plan_cached(*key)


def _plan(input_shape, kernel_shape, mode, flip, stride, dilation, padding, convention) -> Geometry:
    input_shape = tuple(int(n) for n in input_shape)
    kernel_shape = tuple(int(k) for k in kernel_shape)
    ndim = len(input_shape)
    if not 1 <= ndim <= 3:
        raise ValueError(f"input must have 1, 2 or 3 dimensions, got {ndim} (shape {input_shape})")
    if len(kernel_shape) != ndim:
        raise ValueError(
            "input and kernel must have the same number of dimensions, got "
            f"input shape {input_shape} and kernel shape {kernel_shape}"
        )
    if any(n == 0 for n in input_shape):
        raise ValueError(f"input must not have an empty axis, got shape {input_shape}")
    if any(k == 0 for k in kernel_shape):
        raise ValueError(f"kernel must not have an empty axis, got shape {kernel_shape}")
    _choice("mode", mode, MODES)
    conv = CONVENTIONS[_choice("convention", convention, tuple(CONVENTIONS))]
    stride = _per_axis_ints("stride", stride, ndim, 1)
    dilation = _per_axis_ints("dilation", dilation, ndim, 1)
    explicit = normalize_padding(padding, ndim)
    if mode == "same" and conv.strided_same == "refuse" and any(s > 1 for s in stride):
        raise ValueError(
            "stride > 1 with mode 'same' is refused under convention 'torch' "
            "(PyTorch does too); use stride=1 or another convention"
        )

    mode_pad = []
    out_shape = []
    for n, k, s, d, (eb, ea) in zip(input_shape, kernel_shape, stride, dilation, explicit):
        ke = d * (k - 1) + 1
        n_explicit = n + eb + ea
        mb, ma = _mode_padding(n_explicit, ke, s, mode, conv)
        mode_pad.append((mb, ma))
        span = n_explicit + mb + ma
        out_shape.append(0 if span < ke else (span - ke) // s + 1)

    return Geometry(
        input_shape=input_shape,
        kernel_shape=kernel_shape,
        mode=mode,
        flip=bool(flip),
        stride=stride,
        dilation=dilation,
        explicit=explicit,
        mode_pad=tuple(mode_pad),
        convention=conv.name,
        output_shape=tuple(out_shape),
    )


_plan_cached = lru_cache(maxsize=1024)(_plan)


def output_shape(
    input_shape,
    kernel_shape,
    mode: str = "full",
    *,
    stride=1,
    dilation=1,
    padding=None,
    convention: str = "numpy",
) -> tuple[int, ...]:
    """Shape of the output of ``convolve``/``correlate`` for these shapes and options.

    Lengths are ``N+n-1`` (full), ``N-n+1`` (valid) and ``N`` (same) at stride 1;
    in general ``floor((N + pad_before + pad_after - dilation*(n-1) - 1) / stride) + 1``.

    >>> output_shape((4,), (3,), "full"), output_shape((4,), (3,), "valid")
    ((6,), (2,))
    >>> output_shape((28, 28), (3, 3), "valid", stride=2)
    (13, 13)
    >>> output_shape((7,), (3,), "same", stride=2, convention="tensorflow")
    (4,)
    """
    return plan(
        input_shape,
        kernel_shape,
        mode,
        stride=stride,
        dilation=dilation,
        padding=padding,
        convention=convention,
    ).output_shape


def padding_for(
    input_shape,
    kernel_shape,
    mode: str = "full",
    *,
    stride=1,
    dilation=1,
    padding=None,
    convention: str = "numpy",
) -> tuple[tuple[int, int], ...]:
    """Total zeros ``(before, after)`` per axis: explicit padding plus the mode's.

    >>> padding_for((6,), (2,), "same")          # numpy: the extra zero at the start
    ((1, 0),)
    >>> padding_for((6,), (2,), "same", convention="torch")
    ((0, 1),)
    >>> padding_for((5,), (3,), "valid", padding=2)
    ((2, 2),)
    """
    return plan(
        input_shape,
        kernel_shape,
        mode,
        stride=stride,
        dilation=dilation,
        padding=padding,
        convention=convention,
    ).pad
