"""Which method ``auto`` runs: a cost model that only decides and returns a name.

``choose_method`` returns one of the names ``convolve(method=...)`` accepts.  The
host's costs are fitted to timings on this project's 2-core machines
(bench/engine.py; see BENCHMARKS.md); cupy arrays have a model of their own.  FFT
methods are never chosen where they could lose exactness (NaN, inf, large integers).
"""

from __future__ import annotations

import functools
import math

import numpy as np

from .geometry import Geometry, plan
from .methods import CHUNK_MAX, blocks_plan, smooth_len

__all__ = ["auto_is_direct", "choose"]


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
_COST_BLOCKS = 1.0e-9  # overlap-save, per N·log2(N) of every block (copies included)
_COST_BLOCKS_CHUNK = 25e-6  # per chunk of blocks (a few numpy calls)
_COST_BLOCKS_CALL = 60e-6
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
    return math.prod(smooth_len(n) for n in g.full_shape)


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


def _cost_fft(g: Geometry) -> float:
    total = _fft_items(g)
    per = _COST_FFT_LARGE_1D if g.ndim == 1 and total > 2**15 else _COST_FFT_SMALL
    return per * total * math.log2(max(total, 2)) + _COST_FFT_CALL


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


def _gpu_cost_overlap_save(g: Geometry, itemsize: int) -> float:
    layout = _blocks_layout(g)
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
        "overlap_save": _gpu_cost_overlap_save(g, itemsize),
    }
    best = min(costs, key=costs.get)
    if best != "direct" and not _fft_is_safe(xp, x, w):
        return "direct"
    return best


def _fft_is_safe(xp, x, w) -> bool:
    if x.dtype.kind in "biu" and w.dtype.kind in "biu":
        # rounding an FFT result back is exact while its error stays below 1/2;
        # the error grows like eps · ||x||₂ · ||w||₂ · log2(N)
        norm = math.sqrt(float(xp.sum(x.astype(np.float64) ** 2)))
        norm *= math.sqrt(float(xp.sum(w.astype(np.float64) ** 2)))
        return norm * math.log2(max(x.size + w.size, 2)) < 2.0**44
    return bool(xp.isfinite(x).all()) and bool(xp.isfinite(w).all())


def choose(xp, x, w, g: Geometry) -> str:
    """The method for arrays ``x``, ``w`` sliding over the zero-padded geometry ``g``."""
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
    best = min(
        ("fft", _cost_fft(g)), ("overlap_save", _cost_overlap_save(g)), key=lambda pair: pair[1]
    )
    return best[0] if best[1] < direct else "direct"


@functools.lru_cache(maxsize=1024)
def auto_is_direct(n: int, k: int, mode: str) -> bool:
    """Whether ``auto`` picks direct for float64 vectors of these lengths (cached)."""
    return _cheapest(plan((n,), (k,), mode), np.dtype(np.float64)) == "direct"
