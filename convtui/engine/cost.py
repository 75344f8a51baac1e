"""Which method ``auto`` runs: a cost model that only decides and returns a name.

``choose_method`` returns one of the names ``convolve(method=...)`` accepts, and for a
transposed geometry one ``conv_transpose`` accepts (``scatter`` too).  Every method is
costed for the outputs it computes, which are only those the mode and stride read
(see methods.py).  The host's costs are fitted to timings on this project's 2-core
machines (bench/engine.py; see BENCHMARKS.md); cupy arrays have a model of their own.
FFT methods are never chosen where they could lose exactness (NaN, inf, large integers).
"""

from __future__ import annotations

import functools
import math

import numpy as np

from .geometry import Geometry, plan
from .methods import (
    CHUNK_MAX,
    WINDOWS_MAX,
    blocks_plan,
    fft_layout,
    fused_direct,
    in_pieces,
    scatter_shape,
    wide_run,
)

__all__ = ["auto_is_direct", "choose", "gpu_choice"]


# ---------------------------------------------------------------- the host's costs

# Seconds per unit of work, fitted to timings on this project's 2-core machines
# (``bench/engine.py --methods`` times each method forced; see BENCHMARKS.md).  Only
# their ratios matter.
_COST_CONVOLVE_CALL = 2.5e-6  # numpy.convolve, per call
_COST_CONVOLVE_OUT = 5.8e-9  # numpy.convolve, per output (one dot-product call each)
_COST_CONVOLVE_MAC = 0.10e-9  # numpy.convolve, per multiply-add
_COST_SMALL_KERNEL_OUT = 0.05e-9  # the same for float kernels of <= 11 taps, which numpy
_COST_SMALL_KERNEL_MAC = 0.16e-9  # slides in one unrolled loop (its small_correlate)
_COST_COPY = 0.5e-9  # per element of a padded or strided copy
_COST_WINDOWS_CALL = 5e-6  # windows in blocks: padding, view, buffer
_COST_WINDOWS_BLOCK = 3e-6  # per block of windows: its copy and product calls
_COST_WINDOW_ELEMENT = 0.5e-9  # per window value: its copy and its multiply-add
_COST_WINDOW_ROW = 6e-9  # per row of the copy (the copy's inner loop runs along a row)
_COST_GEMM_MAC = 0.1e-9  # per multiply-add of scatter's matrix-matrix product
_COST_TAP_ELEMENT = 1.5e-9  # tap loop, per output element per tap (two passes)
_COST_TAP_CALL = 3.0e-6  # tap loop, per tap
_COST_FFT_1D = 1.4e-9  # per N·log2(N) of a 1-D real FFT round trip that fits in cache
_COST_FFT_LARGE_1D = 2.0e-9  # ... and of a long one, which misses it
_COST_FFT_ND = 1.0e-9  # per N·log2(N) of an n-D one (numpy transforms axis by axis)
_COST_FFT_CALL = 20e-6  # fixed, plus per axis transformed (numpy's Python around
_COST_FFT_AXIS = 22e-6  # pocketfft: 42 µs in 1-D, 65 in 2-D, 85 in 3-D)
_COST_BLOCKS = 0.66e-9  # overlap-save, per N·log2(N) of every block (copies included)
_COST_BLOCKS_CHUNK = 10e-6  # per chunk of blocks (a few numpy calls)
_COST_BLOCKS_CALL = 50e-6
_NUMPY_SMALL_KERNEL = 11  # numpy.convolve's unrolled loop takes float kernels up to this
_NUMPY_SMALL_KERNEL_TYPES = (np.dtype(np.float32), np.dtype(np.float64))
_DIRECT_ALWAYS = 50e-6  # below this, direct wins whatever an FFT would cost


def _cost_np_convolve(outputs: int, taps: int, dtype) -> float:
    """numpy.convolve computing ``outputs`` dot products of ``taps`` values.

    In pieces of 11 taps where methods.in_pieces says so, one call each, added up.
    """
    if in_pieces(taps, dtype, outputs):
        pieces = -(-taps // _NUMPY_SMALL_KERNEL)
        last = taps - (pieces - 1) * _NUMPY_SMALL_KERNEL
        full_pieces = (pieces - 1) * _cost_np_convolve(outputs, _NUMPY_SMALL_KERNEL, dtype)
        adds = (pieces - 1) * _COST_COPY * outputs
        return full_pieces + _cost_np_convolve(outputs, last, dtype) + adds
    if dtype in _NUMPY_SMALL_KERNEL_TYPES and taps <= _NUMPY_SMALL_KERNEL:
        per_output = _COST_SMALL_KERNEL_OUT + _COST_SMALL_KERNEL_MAC * taps
    else:
        per_output = _COST_CONVOLVE_OUT + _COST_CONVOLVE_MAC * taps
    return outputs * per_output + _COST_CONVOLVE_CALL


def _cost_direct_1d(g: Geometry, dtype) -> float:
    """methods._direct_1d: numpy.convolve per phase, over the padded input."""
    ((before, after),), (k,), (stride,), (dilation,) = g.pad, g.kernel_shape, g.stride, g.dilation
    (count,), padded = g.output_shape, g.padded_shape[0]
    if stride == dilation == 1:
        copy = 0 if before == after == 0 or before == after == k - 1 else padded
        if in_pieces(k, dtype, count):
            copy = 0 if before == after == 0 else padded
        return _cost_np_convolve(count, k, dtype) + _COST_COPY * copy
    if dilation == 1:
        phases, taps = min(stride, k), -(-k // stride)
        return phases * _cost_np_convolve(count, taps, dtype) + 2 * _COST_COPY * padded
    phases = min(dilation, count)
    return phases * _cost_np_convolve(-(-count // phases), k, dtype) + 2 * _COST_COPY * padded


def _fits(per_row: int, taps: int, itemsize: int) -> bool:
    """Whether methods.windows_fit lets a row of windows be copied (memory limit aside)."""
    return per_row * taps * itemsize <= WINDOWS_MAX


def _cost_windows(outputs, taps: int, row: int, itemsize: int) -> float:
    """methods._times_windows: windows of ``taps`` values copied in blocks of output rows.

    ``row``: how long the copy's inner loop runs (the longer of the last output and
    the last kernel axis).
    """
    rows, per_row = outputs[0], math.prod(outputs[1:])
    block = min(rows, max(1, WINDOWS_MAX // (taps * per_row * itemsize)))
    values = rows * per_row * taps
    return (
        _COST_WINDOWS_CALL
        + _COST_WINDOWS_BLOCK * -(-rows // block)
        + values * (_COST_WINDOW_ELEMENT + _COST_WINDOW_ROW / row)
    )


def _cost_direct(g: Geometry, dtype) -> float:
    if g.ndim == 1 and (g.stride == (1,) or g.dilation == (1,)):
        return _cost_direct_1d(g, dtype)
    taps, itemsize = math.prod(g.kernel_shape), np.dtype(dtype).itemsize
    run = wide_run(g)
    if run is not None:  # one run over every row, then the outputs copied out of it
        piece = min(run, max(1, WINDOWS_MAX // (taps * itemsize)))  # a block's copy
        return _cost_windows((run,), taps, piece, itemsize) + _COST_COPY * g.size
    if _fits(math.prod(g.output_shape[1:]), taps, itemsize):
        row = max(g.output_shape[-1], g.kernel_shape[-1])
        return _cost_windows(g.output_shape, taps, row, itemsize)
    return _COST_TAP_ELEMENT * g.size * taps + _COST_TAP_CALL * taps


def _cost_fft(g: Geometry) -> float:
    total = math.prod(fft_layout(g)[0])
    if g.ndim > 1:
        per = _COST_FFT_ND
    else:
        per = _COST_FFT_LARGE_1D if total > 2**15 else _COST_FFT_1D
    return per * total * math.log2(max(total, 2)) + _COST_FFT_CALL + _COST_FFT_AXIS * g.ndim


_MIN_BLOCKS = 4  # fewer: one FFT of the whole does the same work with less around it


def _blocks_layout(g: Geometry) -> tuple[int, int] | None:
    """(FFT length, number of blocks) for overlap-save, or None where it does not apply.

    A signal only a few blocks long is left to the plain FFT: the blocks' buffers and
    calls cost more than they save there (4096 × 1024 took 0.32 ms in one block against
    0.17 ms by ``fft``, 8192 × 1024 1.0 ms in two against 0.41 ms), and the block cost
    per N·log2 N, fitted on long signals, underestimates them by 2-3×.
    """
    if g.ndim != 1:
        return None
    layout = blocks_plan(g.effective_kernel[0], (g.output_shape[0] - 1) * g.stride[0] + 1)
    return layout if layout[1] >= _MIN_BLOCKS else None


def _cost_overlap_save(g: Geometry) -> float:
    layout = _blocks_layout(g)
    if layout is None:
        return math.inf
    nfft, blocks = layout
    chunks = -(-blocks * nfft // CHUNK_MAX)  # the fewest there can be
    return (
        _COST_BLOCKS * blocks * nfft * math.log2(nfft)
        + _COST_BLOCKS_CHUNK * chunks
        + _COST_BLOCKS_CALL
    )


def _cost_scatter(g: Geometry, dtype) -> float:
    """methods._scatter on a transposed geometry: the phase split, no stuffed zeros."""
    taps, positions = scatter_shape(g)
    n_taps, count, phases = math.prod(taps), math.prod(positions), math.prod(g.stride)
    interleave = _COST_COPY * count * phases  # the phases back in output order
    if g.ndim == 1:  # numpy.convolve per phase
        return phases * _cost_np_convolve(count, n_taps, dtype) + interleave
    itemsize = np.dtype(dtype).itemsize
    if _fits(math.prod(positions[1:]), n_taps, itemsize):
        product = _COST_GEMM_MAC * count * n_taps * phases
        return _cost_windows(positions, n_taps, positions[-1], itemsize) + product + interleave
    return n_taps * (_COST_TAP_ELEMENT * count * phases + _COST_TAP_CALL) + interleave


def _slide_costs(g: Geometry, dtype) -> dict[str, float]:
    """Every slide method's cost over a plain zero-padded geometry."""
    return {
        "direct": _cost_direct(g, np.dtype(np.float32) if dtype == np.float16 else dtype),
        "fft": _cost_fft(g),
        "overlap_save": _cost_overlap_save(g),
    }


def _host_costs(g: Geometry, dtype) -> dict[str, float]:
    """Every method's cost for the geometry ``convolve`` or ``conv_transpose`` planned."""
    if g.transposed:
        slide = g.slide[1]
        if slide is None:  # the crop leaves nothing: every output is 0
            return {"direct": 0.0}
        return {**_slide_costs(slide, dtype), "scatter": _cost_scatter(g, dtype)}
    if g.padding_mode != "zeros":
        return _slide_costs(g.filled, dtype)
    return _slide_costs(g, dtype)


_EXACT = ("direct", "scatter")  # the methods that add up products one by one


@functools.lru_cache(maxsize=1024)
def _cheapest(g: Geometry, dtype, exact: bool = False) -> str:
    """The method the cost model prefers for these shapes (on the host), data aside."""
    if g.size == 0:
        return "direct"
    costs = _host_costs(g, dtype)
    direct = min(cost for name, cost in costs.items() if name in _EXACT)
    if exact or direct < _DIRECT_ALWAYS:
        costs = {name: cost for name, cost in costs.items() if name in _EXACT}
    # ties go to the earlier name: direct before the FFTs, and before scatter
    return min(costs, key=costs.get)


@functools.lru_cache(maxsize=1024)
def auto_is_direct(n: int, k: int, mode: str) -> bool:
    """Whether ``auto`` hands float64 vectors of these lengths to numpy.convolve as they are.

    That is, picks direct, and does not cut the kernel in pieces (cached).
    """
    g = plan((n,), (k,), mode)
    if in_pieces(k, np.dtype(np.float64), g.output_shape[0]):
        return False
    return _cheapest(g, np.dtype(np.float64)) == "direct"


# ---------------------------------------------------------------- the GPU's costs

# On the GPU (cupy) every method is a handful of kernel launches whose cost
# barely depends on size until the device memory's bandwidth is the limit.
# Measured with ``python bench/gpu.py --fit`` on an NVIDIA H200 (CuPy 14.2, CUDA 13):
# the median time of a one-element add (launch), of a 2**27-float add (per byte
# moved: 2.5 TB/s), and of rfftn + irfftn round trips (4.2 passes over the spectrum
# per transform at 2**24 points, 3.6 at 4096²); the fused direct method's cost per
# multiply-add from cupyx's ndimage.correlate (0.6-0.8 ps at 16M outputs with 9-64
# taps).  The passes per transform are then fitted to the forced methods' times in
# the same run: the fft method (3 transforms of the whole) took 0.94-1.01 ms at 2**24
# points, 4.6 passes a transform; overlap-save's batched blocks, which stay in the
# cache, 0.58-0.72 ms, 2.7 passes.  See BENCHMARKS.md, GPU.
_GPU_LAUNCH = 13.4e-6  # one CuPy kernel launch, Python overhead included
_GPU_BYTE = 0.40e-12  # per byte read or written in device memory (2.5 TB/s)
_GPU_FFT_PASSES = 4.6  # passes over the data per transform of a large array
_GPU_BLOCK_PASSES = 2.7  # ... per batched transform of overlap-save's short blocks
_GPU_MAC = 0.65e-12  # fused direct (ndimage.correlate), per float32 multiply-add


def _gpu_cost_fused(g: Geometry, itemsize: int) -> float:
    # one pass over the (padded) input and the output it computes for every cell,
    # every tap of the dilated kernel multiplied (its zeros too)
    cells = math.prod(g.padded_shape)
    macs = cells * math.prod(g.effective_kernel)
    return 3 * _GPU_LAUNCH + 2 * cells * itemsize * _GPU_BYTE + macs * _GPU_MAC * itemsize / 4


def _gpu_cost_windows(count: int, taps: int, itemsize: int) -> float:
    # pad, copy the windows (read and write), one product reading them
    return 4 * _GPU_LAUNCH + 3 * count * taps * itemsize * _GPU_BYTE


def _gpu_cost_direct(g: Geometry, itemsize: int, fused: bool) -> float:
    if fused:
        return _gpu_cost_fused(g, itemsize)
    taps = math.prod(g.kernel_shape)
    if _fits(math.prod(g.output_shape[1:]), taps, itemsize):
        return _gpu_cost_windows(g.size, taps, itemsize)
    # per tap: one multiply and one add over the whole output (5 reads/writes)
    return taps * (2 * _GPU_LAUNCH + 5 * g.size * itemsize * _GPU_BYTE)


def _gpu_fft_cost(
    total: int, transforms: int, itemsize: int, per_transform: float = _GPU_FFT_PASSES
) -> float:
    passes = 2 + transforms * per_transform  # pad, product and the transforms
    return 8 * _GPU_LAUNCH + passes * total * 2 * itemsize * _GPU_BYTE


def _gpu_cost_fft(g: Geometry, itemsize: int) -> float:
    return _gpu_fft_cost(math.prod(fft_layout(g, on_host=False)[0]), 3, itemsize)


def _gpu_cost_overlap_save(g: Geometry, itemsize: int) -> float:
    layout = _blocks_layout(g)
    if layout is None:
        return math.inf
    nfft, blocks = layout
    # two batched transforms over all blocks, one small one for the kernel
    return _gpu_fft_cost(blocks * nfft, 2, itemsize, _GPU_BLOCK_PASSES) + 4 * _GPU_LAUNCH


def _gpu_cost_scatter(g: Geometry, itemsize: int) -> float:
    taps, positions = scatter_shape(g)
    count, out_bytes = math.prod(positions), math.prod(positions) * math.prod(g.stride)
    windows = _gpu_cost_windows(count, math.prod(taps), itemsize)
    return windows + 2 * _GPU_LAUNCH + 2 * out_bytes * itemsize * _GPU_BYTE


def _gpu_slide_costs(g: Geometry, itemsize: int, fused: bool) -> dict[str, float]:
    return {
        "direct": _gpu_cost_direct(g, itemsize, fused),
        "fft": _gpu_cost_fft(g, itemsize),
        "overlap_save": _gpu_cost_overlap_save(g, itemsize),
    }


def _gpu_costs(g: Geometry, itemsize: int, fused: bool = False) -> dict[str, float]:
    """The GPU's counterpart of :func:`_host_costs` (see above).

    ``fused``: whether the direct method runs as one fused kernel (real floats with
    cupyx, :func:`~convtui.engine.methods.fused_direct`) rather than a window copy
    or a launch per tap.
    """
    if g.transposed:
        slide = g.slide[1]
        if slide is None:
            return {"direct": 0.0}
        return {
            **_gpu_slide_costs(slide, itemsize, fused),
            "scatter": _gpu_cost_scatter(g, itemsize),
        }
    if g.padding_mode != "zeros":
        return _gpu_slide_costs(g.filled, itemsize, fused)
    return _gpu_slide_costs(g, itemsize, fused)


# ---------------------------------------------------------------- choosing


def _fft_is_safe(xp, x, w) -> bool:
    if x.dtype.kind in "biu" and w.dtype.kind in "biu":
        # rounding an FFT result back is exact while its error stays below 1/2;
        # the error grows like eps · ||x||₂ · ||w||₂ · log2(N)
        norm = math.sqrt(float(xp.sum(x.astype(np.float64) ** 2)))
        norm *= math.sqrt(float(xp.sum(w.astype(np.float64) ** 2)))
        return norm * math.log2(max(x.size + w.size, 2)) < 2.0**44
    # one reduction each: a NaN or inf anywhere makes the sum NaN or inf (so can an
    # overflow of finite values, which then only keeps the exact method)
    return bool(xp.isfinite(x.sum())) and bool(xp.isfinite(w.sum()))


@functools.lru_cache(maxsize=1024)
def gpu_choice(g: Geometry, dtype, fused: bool) -> tuple[str, str]:
    """On the GPU: the cheapest method for these shapes, and the cheapest exact one.

    The data are not looked at: reading a GPU array's values on the host waits for
    the device, so :func:`~convtui.engine.conv.convolve` runs an FFT method first and
    checks its result instead (see there).  ``fused``: see :func:`_gpu_costs`.
    """
    costs = _gpu_costs(g, np.dtype(dtype).itemsize, fused)
    exact = {name: cost for name, cost in costs.items() if name in _EXACT}
    return min(costs, key=costs.get), min(exact, key=exact.get)


def choose(xp, x, w, g: Geometry) -> str:
    """The method for arrays ``x``, ``w`` over ``g``: a plain zero-padded slide (a
    padding mode's input already filled), or a transposed geometry with its own input.
    """
    if g.size == 0:
        return "direct"
    if xp is not np:
        best, exact = gpu_choice(g, x.dtype, fused_direct(xp, x.dtype) is not None)
        if best != exact and not _fft_is_safe(xp, x, w):
            return exact
        return best
    dtype = np.result_type(x.dtype, w.dtype)
    best = _cheapest(g, dtype)
    if best not in _EXACT and not _fft_is_safe(xp, x, w):
        return _cheapest(g, dtype, exact=True)
    return best
