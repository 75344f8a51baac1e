"""The one place where padding, output length and the library conventions live.

Every convolution in convtui is three moves (see DESIGN.md):

1. **pad** the input, ``(before, after)`` per axis: explicit ``padding`` first, then
   the mode's own padding computed on the explicitly padded length; the padding mode
   says what fills the widths (zeros, or copies of the input as ``numpy.pad`` makes
   them);
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
    "OPTION_NAMES",
    "PADDING_MODES",
    "PADDING_NAMES",
    "Convention",
    "ConvSpec",
    "Geometry",
    "output_shape",
    "padding_for",
    "plan",
    "plan_options",
]

MODES = ("full", "valid", "same", "causal")

# What fills the padded cells, as numpy.pad names it ("zeros" is its "constant").
PADDING_MODES = ("zeros", "reflect", "replicate", "circular", "symmetric")
_NUMPY_PAD = {
    "zeros": "constant",
    "reflect": "reflect",
    "replicate": "edge",
    "circular": "wrap",
    "symmetric": "symmetric",
}

# The same padding under each library's name (None: the library has no such mode).
# Every row is checked against the installed libraries in tests/engine/test_padding_modes.py.
PADDING_NAMES: dict[str, dict[str, str | None]] = {
    "zeros": {
        "torch": "zeros",
        "numpy.pad": "constant",
        "scipy.ndimage": "constant",
        "OpenCV": "BORDER_CONSTANT",
        "MATLAB padarray": "0 (the default)",
        "TensorFlow tf.pad": "CONSTANT",
    },
    "reflect": {
        "torch": "reflect",
        "numpy.pad": "reflect",
        "scipy.ndimage": "mirror",
        "OpenCV": "BORDER_REFLECT_101",
        "MATLAB padarray": None,
        "TensorFlow tf.pad": "REFLECT",
    },
    "symmetric": {
        "torch": None,
        "numpy.pad": "symmetric",
        "scipy.ndimage": "reflect",
        "OpenCV": "BORDER_REFLECT",
        "MATLAB padarray": "'symmetric'",
        "TensorFlow tf.pad": "SYMMETRIC",
    },
    "replicate": {
        "torch": "replicate",
        "numpy.pad": "edge",
        "scipy.ndimage": "nearest",
        "OpenCV": "BORDER_REPLICATE",
        "MATLAB padarray": "'replicate'",
        "TensorFlow tf.pad": None,
    },
    "circular": {
        "torch": "circular",
        "numpy.pad": "wrap",
        "scipy.ndimage": "wrap",
        "OpenCV": "BORDER_WRAP",
        "MATLAB padarray": "'circular'",
        "TensorFlow tf.pad": None,
    },
}

# Every option of one convolution, in the order ConvSpec holds them.
OPTION_NAMES = (
    "mode",
    "flip",
    "stride",
    "dilation",
    "padding",
    "padding_mode",
    "convention",
    "transposed",
    "output_padding",
)


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


def padding_mode_named(name: str) -> list[tuple[str, str]]:
    """``(library, padding mode)`` for every library that calls a padding mode ``name``.

    Case and quotes aside, so a learner who types another library's word is told ours.

    >>> padding_mode_named("mirror"), padding_mode_named("BORDER_REFLECT")
    ([('scipy.ndimage', 'reflect')], [('OpenCV', 'symmetric')])
    """
    wanted = name.strip().strip("'\"").lower()
    return [
        (library, mode)
        for mode, names in PADDING_NAMES.items()
        for library, theirs in names.items()
        if theirs is not None and theirs.split(" (")[0].strip("'").lower() == wanted
    ]


def check_padding_mode(value: Any) -> str:
    """``value`` if it is a padding mode; a ValueError naming ours for another library's name.

    >>> check_padding_mode("wrap")
    Traceback (most recent call last):
    ValueError: padding_mode must be one of 'zeros', 'reflect', 'replicate', 'circular', 'symmetric'; got 'wrap' (numpy.pad's and scipy.ndimage's name for 'circular')
    """
    if isinstance(value, str) and value not in PADDING_MODES:
        named = padding_mode_named(value)
        if named:
            modes = sorted({mode for _, mode in named})
            libraries = " and ".join(f"{library}'s" for library, _ in named)
            ours = " or ".join(repr(m) for m in modes)
            listed = ", ".join(repr(m) for m in PADDING_MODES)
            raise ValueError(
                f"padding_mode must be one of {listed}; got {value!r} ({libraries} name for {ours})"
            )
    return _choice("padding_mode", value, PADDING_MODES)


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
class ConvSpec:
    """Every option of one convolution, shapes aside, as one frozen value.

    The public functions keep their keyword arguments; ``plan`` turns shapes and a
    spec into a :class:`Geometry`, and a :class:`~convtui.engine.setup.Setup` is an
    input, a kernel and a spec.  Lists become tuples, so a spec can be hashed.

    >>> spec = ConvSpec("valid", flip=False, padding=1, padding_mode="circular")
    >>> spec.plan((4,), (3,)).output_shape
    (4,)
    >>> spec.replace(padding_mode="zeros").options()["padding_mode"]
    'zeros'
    """

    mode: str = "full"
    flip: bool = True
    stride: Any = 1
    dilation: Any = 1
    padding: Any = None
    padding_mode: str = "zeros"
    convention: str = "numpy"
    transposed: bool = False
    output_padding: Any = 0

    def __post_init__(self):
        for name in ("stride", "dilation", "padding", "output_padding"):
            value = getattr(self, name)
            if isinstance(value, list | tuple):
                value = tuple(tuple(v) if isinstance(v, list) else v for v in value)
                object.__setattr__(self, name, value)
        object.__setattr__(self, "flip", bool(self.flip))
        object.__setattr__(self, "transposed", bool(self.transposed))
        _choice("mode", self.mode, MODES)
        check_padding_mode(self.padding_mode)
        _choice("convention", self.convention, tuple(CONVENTIONS))

    def key(self) -> tuple:
        """The options as a hashable tuple that keeps ``True`` and ``1.0`` apart from ``1``."""
        return tuple(_hashable(getattr(self, name)) for name in OPTION_NAMES)

    def options(self) -> dict:
        """Every option by name (``flip`` included), as the functions take them."""
        return {name: getattr(self, name) for name in OPTION_NAMES}

    def replace(self, **changes) -> ConvSpec:
        return ConvSpec(**{**self.options(), **changes})

    def plan(self, input_shape, kernel_shape) -> Geometry:
        return plan(input_shape, kernel_shape, **self.options())


@dataclass(frozen=True)
class Geometry:
    """Everything about one convolution except the numbers.

    All tuples have one entry per axis.  ``explicit`` is the user's padding,
    ``mode_pad`` the mode's own padding added after it; ``pad`` is their sum, the
    cells around the input before the kernel slides; ``padding_mode`` says what
    fills them.

    A transposed geometry (``transposed=True``) maps an input of the forward
    convolution's output shape back to its input shape: :attr:`forward` is the
    convolution it transposes, :attr:`slide` the plain convolution of the
    zero-stuffed input that computes it.
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
    padding_mode: str = "zeros"
    transposed: bool = False
    output_padding: tuple[int, ...] = ()

    @property
    def ndim(self) -> int:
        return len(self.input_shape)

    @cached_property
    def spec(self) -> ConvSpec:
        """The options as one value (padding as ``(before, after)`` pairs)."""
        return ConvSpec(
            self.mode,
            self.flip,
            self.stride,
            self.dilation,
            self.explicit,
            self.padding_mode,
            self.convention,
            self.transposed,
            self.output_padding or 0,
        )

    @cached_property
    def effective_kernel(self) -> tuple[int, ...]:
        """``dilation*(k-1)+1`` per axis: the span the kernel covers."""
        return tuple(d * (k - 1) + 1 for d, k in zip(self.dilation, self.kernel_shape))

    @cached_property
    def pad(self) -> tuple[tuple[int, int], ...]:
        """Total padded cells ``(before, after)`` per axis: explicit plus the mode's."""
        return tuple((eb + mb, ea + ma) for (eb, ea), (mb, ma) in zip(self.explicit, self.mode_pad))

    @cached_property
    def full_shape(self) -> tuple[int, ...]:
        """Length of the full linear convolution of the explicitly padded input, per axis.

        Every output is read from it (see methods.py); FFT methods transform this much.

        >>> plan((4,), (3,), "valid", padding=1).full_shape
        (8,)
        """
        if self.transposed:
            slide = self.slide[1]
            return slide.full_shape if slide is not None else self.output_shape
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

    # ------------------------------------------------------------ padded cells

    def source_index(self, axis: int) -> np.ndarray:
        """Which input index each padded cell along ``axis`` copies; -1 for a zero.

        Exactly what ``numpy.pad`` puts there: reflect, edge, wrap or symmetric.

        >>> plan((4,), (3,), "full", padding_mode="reflect").source_index(0).tolist()
        [2, 1, 0, 1, 2, 3, 2, 1]
        >>> plan((4,), (3,), "same").source_index(0).tolist()
        [-1, 0, 1, 2, 3, -1]
        """
        return self._sources[axis]

    @cached_property
    def _sources(self) -> tuple[np.ndarray, ...]:
        tables = []
        for n, widths in zip(self.input_shape, self.pad):
            index = np.arange(n, dtype=np.intp)
            if self.padding_mode == "zeros":
                table = np.pad(index, widths, constant_values=-1)
            else:
                table = np.pad(index, widths, mode=_NUMPY_PAD[self.padding_mode])
            table.setflags(write=False)
            tables.append(table)
        return tuple(tables)

    def sources(self) -> np.ndarray:
        """:meth:`source_index` over the whole padded input: flat input indices, -1 for zeros.

        >>> plan((2, 2), (2, 2), "full", padding_mode="replicate").sources()
        array([[0, 0, 1, 1],
               [0, 0, 1, 1],
               [2, 2, 3, 3],
               [2, 2, 3, 3]])
        """
        flat = np.zeros(self.padded_shape, dtype=np.intp)
        zero = np.zeros(self.padded_shape, dtype=bool)
        step = 1
        for axis in reversed(range(self.ndim)):
            table = self._sources[axis].reshape((-1,) + (1,) * (self.ndim - axis - 1))
            flat += table * step
            zero |= table < 0
            step *= self.input_shape[axis]
        flat[zero] = -1
        return flat

    # ------------------------------------------------------------ the slide

    def tap_positions(self, rows=None):
        """Which input element each tap of the oriented kernel reads, at each step.

        Returns an int array of shape ``(len(rows), prod(kernel_shape))`` (all steps
        when ``rows`` is None) holding flat indices into the unpadded input, -1 where
        the tap sits on a padded zero.  A tap on a cell that a padding mode fills reads
        the input element copied there (:meth:`on_padding` tells those taps apart).
        Taps are in the oriented kernel's C order; :meth:`kernel_index` maps them back
        to the given kernel.

        >>> plan((4,), (3,), "full").tap_positions([0, 5])
        array([[-1, -1,  0],
               [ 3, -1, -1]])
        >>> plan((4,), (3,), "full", padding_mode="circular").tap_positions([0])
        array([[2, 3, 0]])
        """
        return self._taps(rows)[0]

    def on_padding(self, rows=None):
        """Whether each tap (as in :meth:`tap_positions`) sits on a padded cell.

        >>> plan((4,), (3,), "same", padding_mode="replicate").on_padding([0]).tolist()
        [[True, False, False]]
        """
        return self._taps(rows)[1]

    def _taps(self, rows):
        from .backend import check_memory

        if self.transposed:
            raise ValueError(
                "a transposed convolution has no window per output: read its "
                "forward geometry (Geometry.forward), whose matrix it transposes"
            )
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
        zero = np.zeros((count, taps), dtype=bool)
        padded = np.zeros((count, taps), dtype=bool)
        step = 1
        for axis in reversed(range(self.ndim)):
            cell = self.position(axis, out_index[axis][:, None], tap_index[axis][None, :])
            padded |= (cell < 0) | (cell >= self.input_shape[axis])
            source = self._sources[axis][cell + self.pad[axis][0]]
            zero |= source < 0
            flat += source * step
            step *= self.input_shape[axis]
        flat[zero] = -1
        return flat, padded

    def position(self, axis: int, out, tap):
        """Where oriented tap ``tap`` sits along ``axis`` for output ``out``.

        An index into the unpadded input (negative or past the end on padding);
        ``out`` and ``tap`` may be ints or broadcasting arrays.

        >>> plan((4,), (3,), "full").position(0, 0, 2)
        0
        """
        return out * self.stride[axis] + tap * self.dilation[axis] - self.pad[axis][0]

    def window(self, index) -> tuple[range, ...]:
        """The cells one step's taps sit on, per axis, in unpadded input coordinates.

        ``index`` is the output's index (a tuple, or an int on one axis); cells
        outside ``range(n)`` are padding.

        >>> plan((4,), (3,), "full").window(1)
        (range(-1, 2),)
        >>> plan((9, 9), (2, 2), "valid", stride=2, dilation=3).window((1, 0))
        (range(2, 6, 3), range(0, 4, 3))
        """
        if isinstance(index, int | np.integer):
            index = (int(index),)
        return tuple(
            range(first, first + (k - 1) * d + 1, d)
            for first, k, d in (
                (self.position(axis, out, 0), self.kernel_shape[axis], self.dilation[axis])
                for axis, out in enumerate(index)
            )
        )

    def kernel_index(self):
        """Flat index into the given kernel of each oriented tap (flipped when convolving).

        >>> plan((4,), (3,), "full").kernel_index()
        array([2, 1, 0])
        """
        index = np.arange(math.prod(self.kernel_shape)).reshape(self.kernel_shape)
        if self.flip:
            index = index[(slice(None, None, -1),) * self.ndim]
        return index.ravel()

    @cached_property
    def filled(self) -> Geometry:
        """The same slide over the padded input once its cells are filled: ``valid``, no padding.

        >>> plan((4,), (3,), "same", padding_mode="reflect").filled.input_shape
        (6,)
        """
        ndim = self.ndim
        return _plan_cached(
            self.padded_shape,
            self.kernel_shape,
            "valid",
            self.flip,
            self.stride,
            self.dilation,
            ((0, 0),) * ndim,
            "zeros",
            "numpy",
            False,
            (0,) * ndim,
        )

    # ------------------------------------------------------------ transposed

    @cached_property
    def forward(self) -> Geometry:
        """The convolution this transposed one is the transpose of (self when not transposed).

        Its input has this one's output shape and its output this one's input shape,
        except where ``output_padding >= stride`` (allowed while it is below the
        dilation): the forward convolution then has ``output_padding // stride`` more
        steps at the end of an axis, which no input of the transposed one feeds.

        >>> g = plan((3,), (3,), "valid", stride=2, transposed=True)
        >>> g.output_shape, g.forward.input_shape, g.forward.output_shape
        ((7,), (7,), (3,))
        """
        if not self.transposed:
            return self
        return _plan_cached(
            self.output_shape,
            self.kernel_shape,
            "valid",
            self.flip,
            self.stride,
            self.dilation,
            self.explicit,
            "zeros",
            self.convention,
            False,
            0,
        )

    @cached_property
    def slide(self) -> tuple[tuple[slice, ...], Geometry | None]:
        """How a transposed convolution is computed as a plain one: ``(crop, geometry)``.

        The input is stuffed with ``stride-1`` zeros between its elements, cut to
        ``crop`` (where ``padding`` is wider than the kernel), and convolved with the
        forward convolution's oriented kernel reversed, at the same dilation, with
        ``ke-1-padding`` zeros before and ``ke-1-padding+output_padding`` after.

        >>> crop, g = plan((3,), (3,), "valid", stride=2, padding=1, transposed=True).slide
        >>> g.input_shape, g.pad, g.output_shape
        ((5,), ((1, 1),), (5,))

        The geometry is None where the crop leaves nothing: every output is then 0.
        """
        if not self.transposed:
            raise ValueError("only a transposed geometry has a stuffed slide")
        crop, shape, pads = [], [], []
        for n, s, ke, (pb, pa), op in zip(
            self.input_shape,
            self.stride,
            self.effective_kernel,
            self.explicit,
            self.output_padding,
        ):
            stuffed = (n - 1) * s + 1
            before, after = ke - 1 - pb, ke - 1 - pa + op
            start, stop = max(-before, 0), stuffed - max(-after, 0)
            crop.append(slice(start, stop))
            shape.append(stop - start)
            pads.append((max(before, 0), max(after, 0)))
        if 0 in shape:
            return tuple(crop), None
        g = _plan_cached(
            tuple(shape),
            self.kernel_shape,
            "valid",
            not self.flip,
            (1,) * self.ndim,
            self.dilation,
            tuple(pads),
            "zeros",
            "numpy",
            False,
            0,
        )
        assert g.output_shape == self.output_shape, (g, self)
        return tuple(crop), g

    # ------------------------------------------------------------ readings for views

    def memory(self, what: str, itemsize: int = 8) -> int:
        """Bytes a computation over this geometry needs, by what it builds.

        ``"padded"``: the padded input and two outputs (every method);
        ``"fft"``: three complex buffers of the FFT length; ``"matrix"``: the dense
        Toeplitz matrix; ``"taps"``: a table of tap positions for every step.

        >>> plan((4,), (3,), "full").memory("matrix")
        192
        """
        taps = math.prod(self.kernel_shape)
        if what == "padded":
            shape = self.padded_shape
            if self.transposed:
                slide = self.slide[1]
                shape = slide.padded_shape if slide is not None else self.output_shape
            return (math.prod(shape) + 2 * self.size) * itemsize
        if what == "fft":
            return math.prod(self.full_shape) * 16 * 3
        if what == "matrix":
            return self.size * math.prod(self.input_shape) * itemsize
        if what == "taps":
            return self.size * taps * 8 * 3
        _choice("what", what, ("padded", "fft", "matrix", "taps"))
        raise AssertionError  # unreachable

    def formula(self) -> list[str]:
        """The output-length formula per axis, with this setup's numbers plugged in.

        >>> plan((4,), (3,), "full").formula()
        ['out = floor((n + pb + pa - d·(k-1) - 1) / s) + 1 = floor((4 + 2 + 2 - 1·(3-1) - 1) / 1) + 1 = 6']
        >>> plan((2,), (5,), "valid").formula()
        ['out = floor((n + pb + pa - d·(k-1) - 1) / s) + 1 = floor((2 + 0 + 0 - 1·(5-1) - 1) / 1) + 1 = -2: the kernel fits nowhere, so out = 0']
        >>> plan((3,), (3,), "valid", stride=2, output_padding=1, transposed=True).formula()
        ['out = (n-1)·s - pb - pa + d·(k-1) + op + 1 = (3-1)·2 - 0 - 0 + 1·(3-1) + 1 + 1 = 8']
        """
        lines = []
        for axis, (n, k, s, d, (b, a), out) in enumerate(
            zip(
                self.input_shape,
                self.kernel_shape,
                self.stride,
                self.dilation,
                self.pad,
                self.output_shape,
            )
        ):
            if self.transposed:
                op = self.output_padding[axis]
                lines.append(
                    "out = (n-1)·s - pb - pa + d·(k-1) + op + 1 = "
                    f"({n}-1)·{s} - {b} - {a} + {d}·({k}-1) + {op} + 1 = {out}"
                )
                continue
            raw = (n + b + a - d * (k - 1) - 1) // s + 1
            result = f"{out}" if raw == out else f"{raw}: the kernel fits nowhere, so out = {out}"
            lines.append(
                "out = floor((n + pb + pa - d·(k-1) - 1) / s) + 1 = "
                f"floor(({n} + {b} + {a} - {d}·({k}-1) - 1) / {s}) + 1 = {result}"
            )
        return lines


def _mode_padding(n: int, ke: int, s: int, mode: str, convention: Convention) -> tuple[int, int]:
    """The mode's own padded cells on one axis of (explicitly padded) length ``n``."""
    if mode == "valid":
        return (0, 0)
    if mode == "full":
        return (ke - 1, ke - 1)
    if mode == "causal":  # output i sees inputs up to i*stride, never after
        return (ke - 1, 0)
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
    padding_mode: str = "zeros",
    convention: str = "numpy",
    transposed: bool = False,
    output_padding=0,
) -> Geometry:
    """Validate the options and work out the geometry of one convolution.

    Results are cached: the same shapes and options give the same Geometry object.

    >>> g = plan((4,), (3,), "same")
    >>> g.pad, g.output_shape
    (((1, 1),), (4,))
    >>> plan((6,), (2,), "same", convention="matlab").pad
    ((0, 1),)
    >>> plan((5,), (3,), "causal").pad
    ((2, 0),)
    """
    options = (
        mode,
        flip,
        stride,
        dilation,
        padding,
        padding_mode,
        convention,
        transposed,
        output_padding,
    )
    return plan_options(input_shape, kernel_shape, options)


_FLAGS = (OPTION_NAMES.index("flip"), OPTION_NAMES.index("transposed"))


def plan_options(input_shape, kernel_shape, options: tuple) -> Geometry:
    """:func:`plan` with the options as one tuple, in the order of ``OPTION_NAMES``.

    >>> plan_options((4,), (3,), ("valid", False, 1, 1, 1, "circular", "numpy", False, 0)).pad
    ((1, 1),)
    """
    try:
        # flip and transposed are flags (any truth value); the rest keep their type
        key = (
            tuple(map(int, input_shape)),
            tuple(map(int, kernel_shape)),
            *(bool(v) if i in _FLAGS else _hashable(v) for i, v in enumerate(options)),
        )
        hash(key)
    except TypeError:
        return _plan(input_shape, kernel_shape, *options)
    return _plan_cached(*key)


def _plan(
    input_shape,
    kernel_shape,
    mode,
    flip,
    stride,
    dilation,
    padding,
    padding_mode,
    convention,
    transposed,
    output_padding,
) -> Geometry:
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
    check_padding_mode(padding_mode)
    conv = CONVENTIONS[_choice("convention", convention, tuple(CONVENTIONS))]
    stride = _per_axis_ints("stride", stride, ndim, 1)
    dilation = _per_axis_ints("dilation", dilation, ndim, 1)
    explicit = normalize_padding(padding, ndim)
    output_padding = _per_axis_ints("output_padding", output_padding, ndim, 0)
    if transposed:
        return _plan_transposed(
            input_shape, kernel_shape, mode, flip, stride, dilation, explicit, padding_mode,
            conv, output_padding,
        )  # fmt: skip
    if any(output_padding):
        raise ValueError(
            f"output_padding applies only to a transposed convolution (transposed=True); "
            f"got output_padding={output_padding!r}"
        )
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
        padding_mode=padding_mode,
        output_padding=(0,) * ndim,
    )


def _plan_transposed(
    input_shape, kernel_shape, mode, flip, stride, dilation, explicit, padding_mode, conv,
    output_padding,
) -> Geometry:  # fmt: skip
    """Check a transposed convolution's options (as PyTorch does) and its output shape."""
    if mode != "valid":
        raise ValueError(
            "mode must be 'valid' for a transposed convolution (its padding= crops the "
            f"output, as in PyTorch's conv_transpose); got {mode!r}"
        )
    if padding_mode != "zeros":
        raise ValueError(
            "padding_mode must be 'zeros' for a transposed convolution (PyTorch accepts "
            f"no other); got {padding_mode!r}"
        )
    for op, s, d in zip(output_padding, stride, dilation):
        if op >= max(s, d):
            raise ValueError(
                "output_padding must be smaller than either stride or dilation on every "
                f"axis; got output_padding={output_padding}, stride={stride}, "
                f"dilation={dilation}"
            )
    out_shape = tuple(
        (n - 1) * s - pb - pa + d * (k - 1) + op + 1
        for n, k, s, d, (pb, pa), op in zip(
            input_shape, kernel_shape, stride, dilation, explicit, output_padding
        )
    )
    if any(out < 1 for out in out_shape):
        raise ValueError(
            f"padding {explicit} is too wide: the transposed convolution of input shape "
            f"{input_shape} with kernel shape {kernel_shape} would have output shape "
            f"{out_shape}; out = (n-1)·stride - 2·padding + dilation·(k-1) + output_padding + 1"
        )
    return Geometry(
        input_shape=input_shape,
        kernel_shape=kernel_shape,
        mode=mode,
        flip=bool(flip),
        stride=stride,
        dilation=dilation,
        explicit=explicit,
        mode_pad=((0, 0),) * len(input_shape),
        convention=conv.name,
        output_shape=out_shape,
        padding_mode=padding_mode,
        transposed=True,
        output_padding=output_padding,
    )


_plan_cached = lru_cache(maxsize=1024)(_plan)


def output_shape(input_shape, kernel_shape, mode: str = "full", **options) -> tuple[int, ...]:
    """Shape of the output of ``convolve``/``correlate`` for these shapes and options.

    Lengths are ``N+n-1`` (full), ``N-n+1`` (valid) and ``N`` (same, causal) at
    stride 1; in general ``floor((N + pad_before + pad_after - dilation*(n-1) - 1) /
    stride) + 1``, and ``(N-1)*stride - 2*padding + dilation*(n-1) + output_padding + 1``
    for a transposed convolution.  Options as for :func:`plan`.

    >>> output_shape((4,), (3,), "full"), output_shape((4,), (3,), "valid")
    ((6,), (2,))
    >>> output_shape((28, 28), (3, 3), "valid", stride=2)
    (13, 13)
    >>> output_shape((7,), (3,), "same", stride=2, convention="tensorflow")
    (4,)
    >>> output_shape((4,), (3,), "valid", stride=2, padding=1, transposed=True, output_padding=1)
    (8,)
    """
    return plan(input_shape, kernel_shape, mode, **options).output_shape


def padding_for(
    input_shape, kernel_shape, mode: str = "full", **options
) -> tuple[tuple[int, int], ...]:
    """Total padded cells ``(before, after)`` per axis: explicit padding plus the mode's.

    Options as for :func:`plan`; the padding mode says what fills the cells, not how
    many there are.

    >>> padding_for((6,), (2,), "same")          # numpy: the extra zero at the start
    ((1, 0),)
    >>> padding_for((6,), (2,), "same", convention="torch")
    ((0, 1),)
    >>> padding_for((5,), (3,), "valid", padding=2, padding_mode="reflect")
    ((2, 2),)
    """
    return plan(input_shape, kernel_shape, mode, **options).pad
