"""convolve and correlate: pad → orient → slide, with three ways to slide.

* ``direct``: the definition, one pass over the input per kernel tap (1-D at
  stride 1 hands the whole sum to ``numpy.convolve``, a tight C loop);
* ``fft``: the full linear convolution through real FFTs at a fast length;
* ``oa`` (blocks, chosen by ``auto`` only): a long 1-D signal cut into blocks,
  each convolved by FFT.  The name is the overlap-add it started as; it now runs as
  overlap-save (the blocks overlap and each keeps the outputs it gets right), which
  gives the same numbers with nothing to add up.

``choose_method`` only decides (with a cost model of its own for cupy arrays);
the methods run, on numpy or cupy arrays alike.  Every method computes the same
thing: the full linear convolution of the (explicitly padded) input with the
dilated, oriented kernel reversed, read from ``ke-1-pad_before`` every ``stride``
samples.  The direct path reads the same numbers straight off the padded input.
"""

from __future__ import annotations

import bisect
import functools
import math

import numpy as np

from .backend import check_memory, get_array_module
from .geometry import Geometry, plan

__all__ = ["choose_method", "convolve", "correlate", "next_fast_len"]

METHODS = ("auto", "direct", "fft")
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


# ---------------------------------------------------------------- fast lengths

_FAST: list[int] = []


def _fast_lengths() -> list[int]:
    if not _FAST:
        limit = 2**34
        values = []
        p2 = 1
        while p2 <= limit:
            p3 = p2
            while p3 <= limit:
                p5 = p3
                while p5 <= limit:
                    p7 = p5
                    while p7 <= limit:
                        values.append(p7)
                        p7 *= 7
                    p5 *= 5
                p3 *= 3
            p2 *= 2
        _FAST.extend(sorted(values))
    return _FAST


def next_fast_len(n: int) -> int:
    """Smallest length >= n whose only prime factors are 2, 3, 5 and 7.

    >>> next_fast_len(1000), next_fast_len(1031)
    (1000, 1050)
    """
    lengths = _fast_lengths()
    return lengths[bisect.bisect_left(lengths, n)]


# ---------------------------------------------------------------- the methods


def _reversed_dilated(xp, oriented, g: Geometry):
    """The oriented kernel, dilated with zeros and reversed on every axis."""
    if all(d == 1 for d in g.dilation):
        dilated = oriented
    else:
        dilated = xp.zeros(g.effective_kernel, dtype=oriented.dtype)
        dilated[tuple(slice(None, None, d) for d in g.dilation)] = oriented
    return dilated[(slice(None, None, -1),) * dilated.ndim]


def _explicitly_padded(xp, x, g: Geometry):
    if all(b == 0 and a == 0 for b, a in g.explicit):
        return x
    return xp.pad(x, g.explicit)


def _read_full(full, g: Geometry):
    """Read the output from a full linear convolution (see module docstring)."""
    index = tuple(
        slice(ke - 1 - mb, ke - 1 - mb + (out - 1) * s + 1, s)
        for ke, (mb, _), s, out in zip(g.effective_kernel, g.mode_pad, g.stride, g.output_shape)
    )
    return full[index]


def _direct(xp, x, oriented, g: Geometry, work):
    """The definition: one multiply-add pass over the padded input per tap."""
    if g.ndim == 1 and g.stride == (1,) and xp is np:
        reversed_kernel = _reversed_dilated(xp, oriented, g)
        full = np.convolve(_explicitly_padded(xp, x, g), reversed_kernel, "full")
        return _read_full(full, g)
    return _slide_taps(xp, x, oriented, g, work)


def _slide_taps(xp, x, oriented, g: Geometry, work):
    """Tap by tap over strided views of the padded input (any ndim, stride, dilation)."""
    padded = xp.zeros(g.padded_shape, dtype=work)
    inner = tuple(slice(b, b + n) for (b, _), n in zip(g.pad, g.input_shape))
    padded[inner] = x
    out = xp.zeros(g.output_shape, dtype=work)
    scratch = xp.empty(g.output_shape, dtype=work)
    for tap in np.ndindex(*g.kernel_shape):
        view = padded[
            tuple(
                slice(j * d, j * d + (o - 1) * s + 1, s)
                for j, d, s, o in zip(tap, g.dilation, g.stride, g.output_shape)
            )
        ]
        xp.multiply(view, oriented[tap], out=scratch)
        xp.add(out, scratch, out=out)
    return out


def _fft_full(xp, a, b):
    """Full linear convolution of two same-ndim arrays through FFTs."""
    full_shape = tuple(n + m - 1 for n, m in zip(a.shape, b.shape))
    # pocketfft (numpy) is about 20% slower per point at lengths with a factor 7; cuFFT is not
    fast_len = _smooth_len if xp is np else next_fast_len
    fshape = tuple(fast_len(n) for n in full_shape)
    axes = tuple(range(a.ndim))
    if a.dtype.kind == "c" or b.dtype.kind == "c":
        spectrum = xp.fft.fftn(a, fshape, axes=axes) * xp.fft.fftn(b, fshape, axes=axes)
        full = xp.fft.ifftn(spectrum, fshape, axes=axes)
    else:
        spectrum = xp.fft.rfftn(a, fshape, axes=axes) * xp.fft.rfftn(b, fshape, axes=axes)
        full = xp.fft.irfftn(spectrum, fshape, axes=axes)
    return full[tuple(slice(0, n) for n in full_shape)]


def _fft(xp, x, oriented, g: Geometry, work):
    full = _fft_full(xp, _explicitly_padded(xp, x, g), _reversed_dilated(xp, oriented, g))
    return _read_full(full, g)


@functools.lru_cache(maxsize=256)
def _oa_block(m: int) -> int:
    """FFT length of one block for a long signal and an m-long kernel.

    A block of ``nfft`` samples gives ``nfft - m + 1`` outputs; at these lengths a
    transform's time per sample barely grows with ``nfft`` (copies and cache misses
    weigh as much as the arithmetic), so longer blocks waste less, until a block no
    longer fits in the cache.  About 8 kernel lengths, and at most 16384 samples where
    a block can still hold 4 kernels, was fastest in measurements (bench/engine.py);
    a factor 7 makes pocketfft's transforms about 20% slower, so it is left out.
    """
    target = max(8 * m, 256) if 8 * m <= _OA_BLOCK_MAX else max(4 * m, _OA_BLOCK_MAX)
    return _smooth_len(target)


def _smooth_len(n: int) -> int:
    """Smallest length >= n whose only prime factors are 2, 3 and 5."""
    lengths = _fast_lengths()
    index = bisect.bisect_left(lengths, n)
    while lengths[index] % 7 == 0:
        index += 1
    return lengths[index]


def _oa_plan(m: int, count: int) -> tuple[int, int]:
    """(FFT length, number of blocks) for ``count`` outputs with an m-long kernel."""
    # one block shorter than the usual one when it holds every output
    nfft = min(_oa_block(m), _smooth_len(count + m - 1))
    return nfft, -(-count // (nfft - m + 1))


def _fill(stage, x, start: int) -> None:
    """``stage[i] = x[start + i]``, and zero where ``start + i`` falls outside ``x``."""
    n, span = x.shape[0], stage.shape[0]
    lo = min(max(start, 0), start + span)  # the part of x inside the stage: x[lo:hi]
    hi = max(min(start + span, n), lo)
    stage[: lo - start] = 0
    stage[lo - start : hi - start] = x[lo:hi]
    stage[hi - start :] = 0


def _oa_outputs(xp, x, h, before: int, count: int):
    """``count`` outputs of the full convolution of ``x`` and ``h``, from index ``m-1-before``.

    That is the valid convolution of ``before`` zeros, ``x`` and zeros with ``h``.
    Blocks of ``nfft`` samples overlap by ``m - 1`` (overlap-save): the circular
    convolution of each block with ``h`` gets its last ``nfft - m + 1`` outputs right,
    and those are kept, so only the outputs asked for are computed and nothing is
    added up.  All blocks go through one batched real FFT, a chunk of blocks at a time
    on the host: a chunk's buffers stay in the cache and are reused, where one batch
    of every block would write several fresh arrays the size of the signal.
    """
    m = h.shape[0]
    nfft, blocks = _oa_plan(m, count)
    step = nfft - m + 1
    complex_ = x.dtype.kind == "c" or h.dtype.kind == "c"
    forward, inverse = (xp.fft.fft, xp.fft.ifft) if complex_ else (xp.fft.rfft, xp.fft.irfft)
    kernel_spectrum = forward(h, nfft)
    dtype = kernel_spectrum.dtype if complex_ else kernel_spectrum.real.dtype
    on_host = xp is np
    # about 16 chunks: fewer would mean big buffers (fresh memory for every call costs
    # page faults), more would mean a Python round trip per chunk for little work
    chunk = min(max(count // 16, _OA_CHUNK_MIN), _OA_CHUNK_MAX)
    per_chunk = max(1, chunk // nfft) if on_host else blocks
    per_chunk = min(per_chunk, blocks)
    stage = xp.empty((per_chunk - 1) * step + nfft, dtype=dtype)
    itemsize = stage.itemsize
    if on_host:
        windows = np.lib.stride_tricks.as_strided(
            stage, (per_chunk, nfft), (step * itemsize, itemsize), writeable=False
        )
        spectra = np.empty((per_chunk, kernel_spectrum.shape[0]), kernel_spectrum.dtype)
        circular = np.empty((per_chunk, nfft), dtype)
    else:  # cupy: one chunk, and its FFTs allocate their own outputs
        windows = xp.lib.stride_tricks.as_strided(
            stage, (per_chunk, nfft), (step * itemsize, itemsize)
        )
    out = xp.empty(blocks * step, dtype=dtype)
    rows = out.reshape(blocks, step)
    for first in range(0, blocks, per_chunk):
        n_blocks = min(per_chunk, blocks - first)
        _fill(stage[: (n_blocks - 1) * step + nfft], x, first * step - before)
        if on_host:
            spectrum = forward(windows[:n_blocks], axis=1, out=spectra[:n_blocks])
            np.multiply(spectrum, kernel_spectrum, out=spectrum)
            result = inverse(spectrum, nfft, axis=1, out=circular[:n_blocks])
        else:
            spectrum = forward(windows, axis=1)
            spectrum *= kernel_spectrum
            result = inverse(spectrum, nfft, axis=1)
        rows[first : first + n_blocks] = result[:, m - 1 :]
    return out[:count]


def _oa(xp, x, oriented, g: Geometry, work):
    """Overlap-save for one axis: only the outputs the mode and stride read, in blocks."""
    ((mode_before, _),), ((explicit_before, _),) = g.mode_pad, g.explicit
    (stride,), (size,) = g.stride, g.output_shape
    h = _reversed_dilated(xp, oriented, g)
    outputs = _oa_outputs(xp, x, h, mode_before + explicit_before, (size - 1) * stride + 1)
    return outputs[::stride]


_RUNNERS = {"direct": _direct, "fft": _fft, "oa": _oa}


# ---------------------------------------------------------------- choosing

# Seconds per unit of work, fitted to timings on this project's 2-core machines
# (bench/engine.py; see BENCHMARKS.md).  Only their ratios matter.
_COST_CONVOLVE_OUT = 12e-9  # numpy.convolve, per output (one dot-product call each)
_COST_CONVOLVE_MAC = 0.12e-9  # numpy.convolve, per multiply-add
_COST_SMALL_KERNEL_OUT = 0.6e-9  # the same for float kernels of <= 11 taps, which numpy
_COST_SMALL_KERNEL_MAC = 0.22e-9  # slides in one unrolled loop (its small_correlate)
_COST_TAP_ELEMENT = 1.5e-9  # tap loop, per output element per tap (two passes)
_COST_TAP_CALL = 3.0e-6  # tap loop, per tap
_COST_FFT_SMALL = 2.5e-9  # per N·log2(N) of a real FFT round trip that fits in cache
_COST_FFT_LARGE_1D = 6.0e-9  # long 1-D transforms miss the cache
_COST_FFT_CALL = 40e-6
_COST_OA = 1.0e-9  # overlap-save, per N·log2(N) of every block (copies included)
_COST_OA_CHUNK = 25e-6  # per chunk of blocks (a few numpy calls)
_COST_OA_CALL = 60e-6
_OA_BLOCK_MAX = 16384  # longest FFT block for overlap-save (before the cache runs out)
_OA_CHUNK_MIN = 16384  # samples of blocks transformed together on the host, at least
_OA_CHUNK_MAX = 131072  # ... and at most
_NUMPY_SMALL_KERNEL = 11  # numpy.convolve's unrolled loop takes float kernels up to this


def _cost_np_convolve(n: int, ke: int, dtype) -> float:
    """numpy.convolve of lengths n and ke in ``dtype`` (it computes the full convolution)."""
    taps = min(n, ke)
    if dtype in _NUMPY_SMALL_KERNEL_TYPES and taps <= _NUMPY_SMALL_KERNEL:
        per_output = _COST_SMALL_KERNEL_OUT + _COST_SMALL_KERNEL_MAC * taps
    else:
        per_output = _COST_CONVOLVE_OUT + _COST_CONVOLVE_MAC * taps
    return (n + ke - 1) * per_output + 5e-6


_NUMPY_SMALL_KERNEL_TYPES = (np.dtype(np.float32), np.dtype(np.float64))
_DIRECT_ALWAYS = 50e-6  # below this, direct wins whatever an FFT would cost


def _cost_direct(g: Geometry, work) -> float:
    taps = math.prod(g.kernel_shape)
    if g.ndim == 1 and g.stride == (1,):
        n = g.input_shape[0] + sum(g.explicit[0])
        return _cost_np_convolve(n, g.effective_kernel[0], work)
    return _COST_TAP_ELEMENT * g.size * taps + _COST_TAP_CALL * taps


def _fft_items(g: Geometry) -> int:
    """How many points the FFT method transforms: the full shape at fast lengths."""
    return math.prod(_smooth_len(n) for n in g.full_shape)


_OA_MIN_BLOCKS = 4  # fewer: one FFT of the whole does the same work with less around it


def _oa_layout(g: Geometry) -> tuple[int, int] | None:
    """(FFT length, number of blocks) for overlap-save, or None where it does not apply.

    A signal only a few blocks long is left to the plain FFT: the blocks' buffers and
    calls cost more than they save there (4096 × 1024 took 0.32 ms in one block against
    0.17 ms by ``fft``, 8192 × 1024 1.0 ms in two against 0.41 ms), and the block cost
    per N·log2 N, fitted on long signals, underestimates them by 2-3×.
    """
    if g.ndim != 1:
        return None
    layout = _oa_plan(g.effective_kernel[0], (g.output_shape[0] - 1) * g.stride[0] + 1)
    return layout if layout[1] >= _OA_MIN_BLOCKS else None


def _cost_fft(g: Geometry) -> float:
    total = _fft_items(g)
    per = _COST_FFT_LARGE_1D if g.ndim == 1 and total > 2**15 else _COST_FFT_SMALL
    return per * total * math.log2(max(total, 2)) + _COST_FFT_CALL


def _cost_oa(g: Geometry) -> float:
    layout = _oa_layout(g)
    if layout is None:
        return math.inf
    nfft, blocks = layout
    chunks = -(-blocks * nfft // _OA_CHUNK_MAX)  # the fewest there can be
    return _COST_OA * blocks * nfft * math.log2(nfft) + _COST_OA_CHUNK * chunks + _COST_OA_CALL


# On the GPU (cupy) every method is a handful of kernel launches whose cost
# barely depends on size until the device memory's bandwidth is the limit.
# NOT YET MEASURED: these are placeholders of the right order for a data-centre
# GPU, to be fitted with bench/gpu.py on a GPU; only their ratios matter.
_GPU_LAUNCH = 8e-6  # one CuPy kernel launch, Python overhead included
_GPU_BYTE = 0.5e-12  # per byte read or written in device memory (about 2 TB/s)
_GPU_FFT_PASSES = 4  # passes over the data per transform of a large array


def _gpu_cost_direct(g: Geometry, itemsize: int) -> float:
    # per tap: one multiply and one add over the whole output (5 reads/writes)
    taps = math.prod(g.kernel_shape)
    return taps * (2 * _GPU_LAUNCH + 5 * g.size * itemsize * _GPU_BYTE)


def _gpu_fft_cost(total: int, transforms: int, itemsize: int) -> float:
    passes = 2 + transforms * _GPU_FFT_PASSES  # pad, product and the transforms
    return 8 * _GPU_LAUNCH + passes * total * 2 * itemsize * _GPU_BYTE


def _gpu_cost_fft(g: Geometry, itemsize: int) -> float:
    return _gpu_fft_cost(_fft_items(g), 3, itemsize)


def _gpu_cost_oa(g: Geometry, itemsize: int) -> float:
    layout = _oa_layout(g)
    if layout is None:
        return math.inf
    nfft, blocks = layout
    # two batched transforms over all blocks, one small one for the kernel
    return _gpu_fft_cost(blocks * nfft, 2, itemsize) + 4 * _GPU_LAUNCH


def _choose_gpu(xp, x, w, g: Geometry) -> str:
    """choose_method for cupy arrays: the GPU's own cost model (see above)."""
    if g.size == 0:
        return "direct"
    itemsize = x.dtype.itemsize
    costs = {
        "direct": _gpu_cost_direct(g, itemsize),
        "fft": _gpu_cost_fft(g, itemsize),
        "oa": _gpu_cost_oa(g, itemsize),
    }
    best = min(costs, key=costs.get)
    if best != "direct" and not _fft_is_safe(xp, x, w):
        return "direct"
    return best


def choose_method(x, w, mode: str = "full", *, flip: bool = True, **options) -> str:
    """Decide how ``convolve``/``correlate`` would compute this; returns a name.

    One of ``"direct"``, ``"fft"`` or ``"oa"`` (a long 1-D signal in blocks through
    FFTs).  FFT-based methods are never chosen when an input holds NaN or inf (a NaN
    must stay local, as in the definition) or when integer results could lose
    exactness.

    >>> choose_method([1, 2, 3, 4], [5, 6, 7])
    'direct'
    >>> choose_method(np.ones(100_000), np.ones(1000)) in ("fft", "oa")
    True
    >>> choose_method([1.0, float("nan")] * 50_000, np.ones(1000))   # NaN stays local
    'direct'
    """
    xp = get_array_module(x, w)
    xa, wa = _as_array(xp, x, "x"), _as_array(xp, w, "w")
    g = plan(xa.shape, wa.shape, mode, flip=flip, **options)
    return _choose(xp, xa, wa, g)


def _fft_is_safe(xp, x, w) -> bool:
    if x.dtype.kind in "biu" and w.dtype.kind in "biu":
        # rounding an FFT result back is exact while its error stays below 1/2;
        # the error grows like eps · ||x||₂ · ||w||₂ · log2(N)
        norm = math.sqrt(float(xp.sum(x.astype(np.float64) ** 2)))
        norm *= math.sqrt(float(xp.sum(w.astype(np.float64) ** 2)))
        return norm * math.log2(max(x.size + w.size, 2)) < 2.0**44
    return bool(xp.isfinite(x).all()) and bool(xp.isfinite(w).all())


def _choose(xp, x, w, g: Geometry) -> str:
    if xp is not np:
        return _choose_gpu(xp, x, w, g)
    best = _cheapest(g, np.result_type(x.dtype, w.dtype))
    if best != "direct" and not _fft_is_safe(xp, x, w):
        return "direct"
    return best


@functools.lru_cache(maxsize=1024)
def _cheapest(g: Geometry, dtype) -> str:
    """The method the cost model prefers for these shapes (on the host), data aside."""
    if g.size == 0:
        return "direct"
    direct = _cost_direct(g, np.dtype(np.float32) if dtype == np.float16 else dtype)
    if direct < _DIRECT_ALWAYS:
        return "direct"
    best = min(("fft", _cost_fft(g)), ("oa", _cost_oa(g)), key=lambda pair: pair[1])
    return best[0] if best[1] < direct else "direct"


# ---------------------------------------------------------------- the API


def _small_float_1d(x, w, mode, stride, dilation, padding, convention, method) -> bool:
    """The everyday call that ``auto`` would hand to numpy.convolve untouched.

    Two float64 numpy vectors (the kernel no longer than the input), stride 1, no
    dilation or padding, numpy's convention, and a short kernel or so little work that
    direct wins: the answer is numpy.convolve's own, so the checks and the plan are
    skipped (they cost more than the convolution at these sizes; see
    bench/engine.py --overhead).
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
        and type(stride) is int
        and stride == 1
        and type(dilation) is int
        and dilation == 1
        and padding is None
        and type(convention) is str
        and convention == "numpy"
        and type(method) is str
        and (
            method == "direct"
            or (
                method == "auto"
                and (
                    # numpy's unrolled loop for short kernels beats any FFT (3x or more)
                    w.shape[0] <= _NUMPY_SMALL_KERNEL
                    or _auto_is_direct(x.shape[0], w.shape[0], mode)
                )
            )
        )
    )


_NUMPY_MODES = ("full", "valid", "same")


@functools.lru_cache(maxsize=1024)
def _auto_is_direct(n: int, k: int, mode: str) -> bool:
    """Whether ``auto`` picks direct for float64 vectors of these lengths (cached)."""
    return _cheapest(plan((n,), (k,), mode), np.dtype(np.float64)) == "direct"


def _run(x, w, mode, flip, stride, dilation, padding, convention, method):
    if _small_float_1d(x, w, mode, stride, dilation, padding, convention, method):
        # the general path's memory check, for the longest mode (full)
        n, k = x.shape[0], w.shape[0]
        check_memory(8 * (n + 2 * k - 2) + 16 * (n + k - 1), "the padded input")
        return np.convolve(x, w if flip else w[::-1], mode)
    if not isinstance(method, str) or method not in METHODS:
        raise ValueError(
            f"method must be one of {', '.join(repr(m) for m in METHODS)}; got {method!r}"
        )
    xp, x, w, oriented, work, result = _prepare(x, w, flip)
    g = plan(
        x.shape,
        w.shape,
        mode,
        flip=flip,
        stride=stride,
        dilation=dilation,
        padding=padding,
        convention=convention,
    )
    if g.size == 0:
        return xp.zeros(g.output_shape, dtype=result)
    itemsize = np.dtype(work).itemsize
    check_memory(math.prod(g.padded_shape) * itemsize + 2 * g.size * itemsize, "the padded input")
    chosen = _choose(xp, x, w, g) if method == "auto" else method
    if chosen in ("fft", "oa"):
        check_memory(_fft_items(g) * 16 * 3, "the FFT buffers")
    out = _RUNNERS[chosen](xp, x, oriented, g, work)
    if result.kind in "iu":
        out = xp.rint(out) if out.dtype.kind == "f" else out
    elif result.kind == "f" and out.dtype.kind == "c":
        out = out.real
    return xp.ascontiguousarray(out.astype(result, copy=False))


def convolve(
    x,
    w,
    mode: str = "full",
    *,
    stride=1,
    dilation=1,
    padding=None,
    convention: str = "numpy",
    method: str = "auto",
):
    """Convolve ``x`` with the kernel ``w`` (the kernel is flipped on every axis).

    Parameters
    ----------
    x, w : array_like
        Input and kernel, with the same number of dimensions (1 to 3).
    mode : {"full", "valid", "same"}
        Named paddings, applied after ``padding``.  ``full`` pads ``ke-1`` zeros
        on each side (``ke = dilation*(k-1)+1``), ``valid`` none, ``same`` keeps the
        input's length.  Unlike numpy and scipy, ``valid`` with a kernel longer than
        the padded input gives a length-0 axis instead of swapping the arguments.
    stride, dilation : int or tuple of int
        Step between outputs and between kernel taps, per axis, >= 1.
    padding : None, int, ints per axis, or (before, after) pairs per axis
        Zeros added to the input first: PyTorch's ``padding=p`` is
        ``correlate(x, w, "valid", padding=p)``.
    convention : {"numpy", "matlab", "torch", "tensorflow"}
        Where ``same`` puts the odd extra zero of an even kernel and how it strides.
    method : {"auto", "direct", "fft"}
        ``auto`` picks the fastest exact method.  Integer inputs give exact int64
        results (``fft`` rounds back); a result that could overflow int64 raises
        OverflowError.  NaN and inf follow IEEE arithmetic: with ``direct`` (and so
        with ``auto``, which never picks an FFT for them) they spoil only the outputs
        whose window covers them; an explicit ``fft`` spreads them over the output.

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
    """
    return _run(x, w, mode, True, stride, dilation, padding, convention, method)


def correlate(
    x,
    w,
    mode: str = "full",
    *,
    stride=1,
    dilation=1,
    padding=None,
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
    """
    return _run(x, w, mode, False, stride, dilation, padding, convention, method)
