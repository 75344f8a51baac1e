"""convolve, correlate and conv_transpose: pad → orient → slide, and the dtype rules.

The API validates the arrays and options, picks the dtype to compute in and to
return, and reduces every operation to a plain zero-padded slide over one geometry:
a padding mode fills the padded cells first (``numpy.pad``), a transposed convolution
slides over its zero-stuffed input (``Geometry.slide``).  The methods that slide are
in methods.py; ``auto``'s choice among them is in cost.py.
"""

from __future__ import annotations

import numpy as np

from .backend import check_memory, get_array_module
from .cost import _NUMPY_SMALL_KERNEL, auto_is_direct, choose, gpu_choice
from .geometry import Geometry, plan, plan_options
from .methods import RUNNERS, fused_direct, next_fast_len, small_direct

__all__ = ["choose_method", "conv_transpose", "convolve", "correlate", "next_fast_len"]

METHODS = ("auto", "direct", "fft", "overlap_save")
_INT64_MAX = 2**63 - 1


# ---------------------------------------------------------------- preparation


def _as_array(xp, a, name: str):
    arr = xp.asarray(a)
    if arr.dtype.kind not in "biufc":
        raise ValueError(
            f"{name} must hold numbers (bool, int, float or complex), got dtype {arr.dtype}"
        )
    if not 1 <= arr.ndim <= 3:
        raise ValueError(
            f"{name} must have 1, 2 or 3 dimensions, got {arr.ndim} (shape {arr.shape})"
        )
    return arr


def _abs_max(a) -> int:
    """Largest absolute value of an integer array, as an exact Python int."""
    return max(int(a.max()), -int(a.min()))


def _integer_bound(xp, x, w) -> int:
    """An upper bound on any |output| for integer inputs: max|x| · sum|w|."""
    if xp is not np and _abs_max(w) * w.size <= _INT64_MAX:
        # sum on the device: it cannot overflow, and the kernel stays where it is
        kernel_sum = int(xp.abs(w.astype(np.int64)).sum())
    else:
        kernel_sum = sum(abs(int(v)) for v in w.ravel().tolist())
    return _abs_max(x) * kernel_sum


def _prepare(x, w, flip: bool):
    """Arrays, the dtype to compute in, the dtype to return, and the oriented kernel."""
    xp = get_array_module(x, w)
    x = _as_array(xp, x, "x")
    w = _as_array(xp, w, "w")
    if x.ndim != w.ndim:
        raise ValueError(
            "x and w must have the same number of dimensions, got "
            f"x shape {x.shape} and w shape {w.shape}"
        )
    integer = x.dtype.kind in "biu" and w.dtype.kind in "biu"
    if integer:
        if x.size and w.size:
            if _abs_max(x) > _INT64_MAX or _abs_max(w) > _INT64_MAX:
                raise OverflowError("integer inputs must fit in int64")
            if _integer_bound(xp, x, w) > _INT64_MAX:
                raise OverflowError(
                    "integer result could exceed int64 (max|x| · sum|w| > 2**63-1); "
                    "convert the inputs to float to compute it approximately"
                )
        work = result = np.dtype(np.int64)
    else:
        result = np.result_type(x.dtype, w.dtype)
        work = result
        if result == np.float16:  # accumulate half precision in single precision
            work = np.dtype(np.float32)
    x = x.astype(work, copy=False)
    w = w.astype(work, copy=False)
    if flip:
        oriented = w[(slice(None, None, -1),) * w.ndim]
    else:
        oriented = w.conj() if w.dtype.kind == "c" else w
    return xp, x, w, oriented, work, result


# ---------------------------------------------------------------- the API


def _small_float_1d(x, w, mode, stride, dilation, padding, rest, method) -> bool:
    """The everyday call that ``auto`` would hand to numpy.convolve untouched.

    Two float64 numpy vectors (the kernel no longer than the input), stride 1, no
    dilation, padding or other option, and a short kernel or so little work that
    direct wins: the answer is numpy.convolve's own, so the checks and the plan are
    skipped (they cost more than the convolution at these sizes; see
    bench/engine.py --overhead).  ``rest`` holds the other options, which must be
    their defaults.
    """
    # exact type checks first: an array passed as an option must reach the general
    # path's own checks (and their messages), not an ambiguous comparison here
    return (
        type(x) is np.ndarray
        and type(w) is np.ndarray
        and x.ndim == 1
        and w.ndim == 1
        and x.dtype == np.float64
        and w.dtype == np.float64
        and 0 < w.shape[0] <= x.shape[0]
        and type(mode) is str
        and mode in _NUMPY_MODES
        and _plain(stride, dilation, padding, rest)
        and type(method) is str
        and (
            method == "direct"
            or (
                method == "auto"
                and (
                    # numpy's unrolled loop for short kernels beats any FFT (3x or more)
                    w.shape[0] <= _NUMPY_SMALL_KERNEL
                    or auto_is_direct(x.shape[0], w.shape[0], mode)
                )
            )
        )
    )


_NUMPY_MODES = ("full", "valid", "same")


def _plain(stride, dilation, padding, rest) -> bool:
    """Every option but mode at its default (exact type checks: an array passed as an
    option must reach the general path's own checks, not an ambiguous comparison)."""
    return (
        type(stride) is int
        and stride == 1
        and type(dilation) is int
        and dilation == 1
        and padding is None
        and _at_defaults(rest)
    )


def _at_defaults(rest) -> bool:
    """padding_mode, convention, transposed and output_padding at their defaults."""
    padding_mode, convention, transposed, output_padding = rest
    return (
        type(padding_mode) is str
        and padding_mode == "zeros"
        and type(convention) is str
        and convention == "numpy"
        and transposed is False
        and type(output_padding) is int
        and output_padding == 0
    )


def _filled(xp, x, g: Geometry):
    """The input with its padded cells filled as the padding mode says (numpy.pad)."""
    from .geometry import _NUMPY_PAD

    return xp.pad(x, g.pad, mode=_NUMPY_PAD[g.padding_mode])


def _stuffed(xp, x, g: Geometry):
    """A transposed convolution's input with ``stride-1`` zeros between its elements."""
    if all(s == 1 for s in g.stride):
        return x
    stuffed = xp.zeros(tuple((n - 1) * s + 1 for n, s in zip(x.shape, g.stride)), dtype=x.dtype)
    stuffed[tuple(slice(None, None, s) for s in g.stride)] = x
    return stuffed


def reduce_to_slide(xp, x, oriented, g: Geometry):
    """Any convolution as a plain zero-padded slide: ``(x, oriented kernel, geometry)``.

    A padding mode other than zeros fills the padded cells and slides ``valid`` over
    the result; a transposed convolution slides the forward kernel, reversed, over
    its zero-stuffed input (:attr:`Geometry.slide`); its geometry is None where the
    stuffed input is cropped away whole (every output is then 0).
    """
    if g.transposed:
        crop, slide = g.slide
        reversed_kernel = oriented[(slice(None, None, -1),) * oriented.ndim]
        return _stuffed(xp, x, g)[crop], reversed_kernel, slide
    if g.padding_mode != "zeros":
        return _filled(xp, x, g), oriented, g.filled
    return x, oriented, g


def choose_method(x, w, mode: str = "full", *, flip: bool = True, **options) -> str:
    """Decide how ``convolve``/``correlate`` would compute this; returns a name.

    One of ``"direct"``, ``"fft"`` or ``"overlap_save"`` (a long 1-D signal in blocks through
    FFTs); with ``transposed=True``, what ``conv_transpose`` would use, which may also be
    ``"scatter"``.  FFT-based methods are never chosen when an input holds NaN or inf (a NaN
    must stay local, as in the definition) or when integer results could lose
    exactness.

    >>> choose_method([1, 2, 3, 4], [5, 6, 7])
    'direct'
    >>> choose_method(np.ones(100_000), np.ones(1000)) in ("fft", "overlap_save")
    True
    >>> choose_method([1.0, float("nan")] * 50_000, np.ones(1000))   # NaN stays local
    'direct'
    """
    xp = get_array_module(x, w)
    xa, wa = _as_array(xp, x, "x"), _as_array(xp, w, "w")
    g = plan(xa.shape, wa.shape, mode, flip=flip, **options)
    if g.size == 0:
        return "direct"
    if g.transposed:  # scatter is weighed against slides over the stuffed input
        return choose(xp, xa, wa, g)
    xa, _, g = reduce_to_slide(xp, xa, wa, g)
    return "direct" if g is None else choose(xp, xa, wa, g)


def _run(x, w, mode, flip, stride, dilation, padding, rest, method):
    if _small_float_1d(x, w, mode, stride, dilation, padding, rest, method):
        # the general path's memory check, for the longest mode (full)
        n, k = x.shape[0], w.shape[0]
        check_memory(8 * (n + 2 * k - 2) + 16 * (n + k - 1), "the padded input")
        return np.convolve(x, w if flip else w[::-1], mode)
    if (
        _plain(stride, dilation, padding, rest)
        and type(method) is str
        and method in ("auto", "direct")
    ):
        out = small_direct(x, w, mode, flip)  # tiny 2-D and 3-D float problems: direct wins
        if out is not None:
            return out
    transposed = rest[2]
    accepted = METHODS + ("scatter",) if transposed else METHODS
    if not isinstance(method, str) or method not in accepted:
        for_transposed = isinstance(method, str) and method == "scatter"
        raise ValueError(
            f"method must be one of {', '.join(repr(m) for m in accepted)}; got {method!r}"
            + (" (scatter is conv_transpose's)" if for_transposed else "")
        )
    xp, x, w, oriented, work, result = _prepare(x, w, flip)
    g = plan_options(x.shape, w.shape, (mode, flip, stride, dilation, padding, *rest))
    if g.size == 0:
        return xp.zeros(g.output_shape, dtype=result)
    itemsize = np.dtype(work).itemsize
    check_memory(g.memory("padded", itemsize), "the padded input")
    chosen = method
    if transposed and method == "auto":  # scatter, or a slide over the stuffed input
        chosen = choose(xp, x, w, g)
    if chosen == "scatter":
        out = RUNNERS["scatter"](xp, x, oriented, g, work)
    else:
        g_asked = g
        x, oriented, g = reduce_to_slide(xp, x, oriented, g)
        if g is None:
            return xp.zeros(g_asked.output_shape, dtype=result)
        fallback = None
        if chosen == "auto" and xp is not np and np.dtype(work).kind in "fc":
            # the GPU: no look at the data first (that waits for the device); an FFT
            # result that is not finite came from a NaN or inf, and is computed again
            # by the exact method, where a NaN stays in the windows that cover it
            fused = fused_direct(xp, work) is not None
            chosen, fallback = gpu_choice(g, np.dtype(work), fused)
        elif chosen == "auto":
            chosen = choose(xp, x, w, g)
        if chosen != "direct":
            check_memory(g.memory("fft"), "the FFT buffers")
        out = RUNNERS[chosen](xp, x, oriented, g, work)
        if fallback not in (None, chosen):
            # contiguous first (as returned anyway): CuPy reduces a strided view of a
            # 4096² output about 200× slower (13.5 ms against 1.1 ms on an H200)
            out = xp.ascontiguousarray(out)
            if not bool(xp.isfinite(out.sum())):
                out = RUNNERS[fallback](xp, x, oriented, g, work)
    if result.kind in "iu":
        out = xp.rint(out) if out.dtype.kind == "f" else out
    elif result.kind == "f" and out.dtype.kind == "c":
        out = out.real
    return xp.ascontiguousarray(out.astype(result, copy=False))


def apply(x, w, spec, method: str = "auto"):
    """The convolution a :class:`~convtui.engine.geometry.ConvSpec` describes, of ``x`` and ``w``.

    >>> from convtui.engine.geometry import ConvSpec
    >>> apply([1, 2, 3, 4], [5, 6, 7], ConvSpec("valid", flip=False))
    array([38, 56])
    """
    rest = (spec.padding_mode, spec.convention, spec.transposed, spec.output_padding)
    padding = None if type(spec.padding) is int and spec.padding == 0 else spec.padding
    return _run(x, w, spec.mode, spec.flip, spec.stride, spec.dilation, padding, rest, method)


def convolve(
    x,
    w,
    mode: str = "full",
    *,
    stride=1,
    dilation=1,
    padding=None,
    padding_mode: str = "zeros",
    convention: str = "numpy",
    method: str = "auto",
):
    """Convolve ``x`` with the kernel ``w`` (the kernel is flipped on every axis).

    Parameters
    ----------
    x, w : array_like
        Input and kernel, with the same number of dimensions (1 to 3).
    mode : {"full", "valid", "same", "causal"}
        Named paddings, applied after ``padding``.  ``full`` pads ``ke-1`` cells
        on each side (``ke = dilation*(k-1)+1``), ``valid`` none, ``same`` keeps the
        input's length, ``causal`` pads ``ke-1`` before and none after (output ``i``
        sees no input after ``i*stride``: Keras' ``padding="causal"``; with the
        reflect, symmetric or circular padding modes the cells before ``x[0]`` copy
        later inputs, so only zeros and replicate keep it causal).  Unlike numpy
        and scipy, ``valid`` with a kernel longer than the padded input gives a
        length-0 axis instead of swapping the arguments.
    stride, dilation : int or tuple of int
        Step between outputs and between kernel taps, per axis, >= 1.
    padding : None, int, ints per axis, or (before, after) pairs per axis
        Cells added to the input first: PyTorch's ``padding=p`` is
        ``correlate(x, w, "valid", padding=p)``.
    padding_mode : {"zeros", "reflect", "replicate", "circular", "symmetric"}
        What fills the padded cells: zeros, or copies of the input exactly as
        ``numpy.pad`` makes them with ``reflect``, ``edge``, ``wrap`` and
        ``symmetric`` (PyTorch's ``padding_mode``; see ``PADDING_NAMES`` for every
        library's name).  Unlike PyTorch, a reflection wider than the input is
        allowed: it reflects again, as numpy.pad does.
    convention : {"numpy", "matlab", "torch", "tensorflow"}
        Where ``same`` puts the odd extra cell of an even kernel and how it strides.
    method : {"auto", "direct", "fft", "overlap_save"}
        ``auto`` picks the fastest exact method; ``overlap_save`` (1-D only) cuts a
        long signal into blocks convolved by FFT.  Integer inputs give exact int64
        results (FFT methods round back); a result that could overflow int64 raises
        OverflowError.  NaN and inf follow IEEE arithmetic: with ``direct`` (and so
        with ``auto``, which never picks an FFT for them) they spoil only the outputs
        whose window covers them; an explicit FFT method spreads them over the output.

    Returns
    -------
    numpy.ndarray or cupy.ndarray
        int64 for integer (and bool) inputs, otherwise the inputs' common dtype;
        a cupy array (computed on the GPU) when an input is one, or when both are
        array-likes under ``use_backend("cupy")``.

    Examples
    --------
    >>> convolve([1, 2, 3, 4], [5, 6, 7])
    array([ 5, 16, 34, 52, 45, 28])
    >>> convolve([1, 2, 3, 4], [5, 6, 7], "valid")
    array([34, 52])
    >>> convolve([1, 2, 3, 4, 5, 6], [1, 10], "same", convention="matlab")
    array([12, 23, 34, 45, 56, 60])
    >>> convolve([1, 2, 3, 4], [1, 1, 1], "causal")     # y[i] = x[i-2] + x[i-1] + x[i]
    array([1, 3, 6, 9])
    """
    rest = (padding_mode, convention, False, 0)
    return _run(x, w, mode, True, stride, dilation, padding, rest, method)


def correlate(
    x,
    w,
    mode: str = "full",
    *,
    stride=1,
    dilation=1,
    padding=None,
    padding_mode: str = "zeros",
    convention: str = "numpy",
    method: str = "auto",
):
    """Cross-correlate ``x`` with ``w``: slide the kernel without flipping it.

    What CNN libraries call "convolution".  A complex kernel is conjugated, as in
    ``scipy.signal.correlate``.  Parameters as for :func:`convolve`.

    Examples
    --------
    >>> correlate([1, 2, 3, 4], [5, 6, 7], "valid")
    array([38, 56])
    >>> correlate([1, 2, 3, 4], [5, 6, 7], "valid", padding=1, stride=2)   # torch conv1d
    array([20, 56])
    >>> correlate([1, 2, 3, 4], [1, 0, 0], "valid", padding=1, padding_mode="circular")
    array([4, 1, 2, 3])
    """
    rest = (padding_mode, convention, False, 0)
    return _run(x, w, mode, False, stride, dilation, padding, rest, method)


def conv_transpose(
    x,
    w,
    *,
    stride=1,
    padding=0,
    output_padding=0,
    dilation=1,
    flip: bool = False,
    method: str = "auto",
):
    """Transposed convolution: each input spreads ``x[i]·w`` into the output.

    PyTorch's ``conv_transpose1d/2d/3d`` on ``x[None, None]`` and ``w[None, None]``:
    input ``i`` adds ``x[i]·w[j]`` into output ``i*stride + j*dilation - padding``.
    Its matrix is Mᵀ, the transpose of the matrix of
    ``correlate(·, w, "valid", stride=stride, dilation=dilation, padding=padding)``
    (the same tied weights), so it is also that layer's input gradient.  The output
    length per axis is ``(n-1)*stride - 2*padding + dilation*(k-1) + output_padding + 1``;
    ``output_padding`` (smaller than stride or dilation) adds cells at the end, to
    reach one of the input lengths that a strided forward convolution maps to the
    same output length.  A complex kernel is conjugated with ``flip=False``, as
    :func:`correlate` conjugates it (so the matrix stays Mᵀ); PyTorch's does not.

    Parameters
    ----------
    x, w : array_like
        Input and kernel, with the same number of dimensions (1 to 3).
    stride, padding, output_padding, dilation : int or tuple of int
        As in PyTorch; ``padding`` may also be ``(before, after)`` pairs per axis.
    flip : bool
        ``False`` (PyTorch's) transposes a cross-correlation; ``True`` transposes
        :func:`convolve` with the same options.
    method : {"auto", "direct", "fft", "overlap_save", "scatter"}
        ``scatter`` adds ``x[i]·w`` into the outputs by the phase split, touching no
        stuffed zero; the others slide over the zero-stuffed input as a plain
        convolution.  ``auto`` picks the cheapest (see :func:`choose_method` with
        ``transposed=True``).

    Examples
    --------
    >>> conv_transpose([1, 2, 3], [1, 1, 1], stride=2)   # overlaps at 2 and 4 sum twice
    array([1, 1, 3, 2, 5, 3, 3])
    >>> conv_transpose([1, 2], [1, 2, 3], stride=2, padding=1, output_padding=1)
    array([2, 5, 4, 6])
    """
    rest = ("zeros", "numpy", True, output_padding)
    return _run(x, w, "valid", flip, stride, dilation, padding, rest, method)
