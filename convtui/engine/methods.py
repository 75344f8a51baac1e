"""The ways to slide: each computes exactly what ``convolve`` returns, for one geometry.

Each computes only the outputs the mode and stride read:

* ``direct``: the definition.  1-D on the host asks ``numpy.convolve`` (a tight C
  loop) for exactly those outputs, per phase when strided or dilated; otherwise the
  windows the outputs read are copied side by side, a block at a time, and multiplied
  by the kernel in one matrix product per block (tiny 2-D and 3-D calls gather theirs
  through a cached index table: :func:`small_direct`);
* ``fft``: one circular convolution through real FFTs, just long enough that the
  outputs read do not wrap (``valid`` transforms the input's length, not ``n+k-1``);
* ``overlap_save``: a long 1-D signal cut into overlapping blocks, each convolved by
  FFT, keeping from each block the outputs its circular convolution gets right;
* ``scatter`` (transposed convolution only): input ``i`` adds ``x[i]·w`` into outputs
  ``i*stride + j*dilation - padding``, by the phase split, so that no multiply
  touches the zeros a stuffed input would hold.

Every slide computes the same thing: the full linear convolution of the (explicitly
padded) input with the dilated, oriented kernel reversed, read from
``ke-1-pad_before`` every ``stride`` samples; the direct path reads the same numbers
straight off the padded input.  Choosing among them is cost.py's job; the API in
conv.py prepares the arrays (dtype, padding mode, the stuffed input of a transposed
convolution) and hands a plain zero-padded geometry here, or a transposed one to
``scatter``.
"""

from __future__ import annotations

import bisect
import functools
import itertools
import math

import numpy as np

from .backend import get_memory_limit
from .geometry import Geometry, plan

__all__ = [
    "RUNNERS",
    "blocks_plan",
    "fft_layout",
    "in_pieces",
    "next_fast_len",
    "scatter_shape",
    "small_direct",
    "smooth_len",
    "windows_fit",
]

# Overlap-save's block and chunk sizes (measured with bench/engine.py; see BENCHMARKS.md)
BLOCK_MAX = 16384  # longest FFT block for overlap-save (before the cache runs out)
CHUNK_MIN = 16384  # samples of blocks transformed together on the host, at least
CHUNK_MAX = 131072  # ... and at most


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

# Bytes of windows the direct and scatter paths copy side by side for one product: a
# block of output rows at a time, so the copy stays in the cache (2048² with 3×3 in
# 25 ms against 63 tap by tap, 512² in 3.3 against 4.7).  256 KiB to 1 MiB time alike
# in a loop; after a peer freed big arrays a fresh buffer pays page faults, and there
# 512 KiB was quickest (128² with 7×7: 0.29 ms against 0.34 with 1 MiB)
WINDOWS_MAX = 2**19


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


def _zero_padded(xp, x, g: Geometry, work):
    """The input inside its padded cells (explicit and the mode's), all zeros."""
    if all(b == 0 and a == 0 for b, a in g.pad):
        return x
    padded = xp.zeros(g.padded_shape, dtype=work)
    padded[tuple(slice(b, b + n) for (b, _), n in zip(g.pad, g.input_shape))] = x
    return padded


def _strided(xp, a, shape, strides):
    """A read-only view of ``a`` with these shape and byte strides (no copy)."""
    if xp is not np:
        return xp.lib.stride_tricks.as_strided(a, shape, strides)
    if a.flags.c_contiguous:
        # the constructor takes 0.4 µs where as_strided takes 2.6: it counts on tiny inputs
        return np.ndarray(shape, a.dtype, a, 0, strides)
    return np.lib.stride_tricks.as_strided(a, shape, strides, writeable=False)


def windows_fit(per_row: int, taps: int, itemsize: int) -> bool:
    """Whether the windows of one output row (``per_row`` windows) may be copied at once."""
    nbytes = per_row * taps * itemsize
    return nbytes <= WINDOWS_MAX and nbytes <= get_memory_limit()


def _times_windows(xp, view, kernel_axes: int, matrix, out, taps_first: bool) -> None:
    """``out[i] = window i · matrix`` for the windows a strided view holds, copied in blocks.

    ``view`` is ``(taps..., outputs...)`` when ``taps_first``, else ``(outputs...,
    taps...)``, with ``kernel_axes`` axes of taps: the copy runs fastest along its last
    axis, so the longer of the last output and the last kernel axis goes last.  Blocks
    of rows of the first output axis are copied into one buffer of at most
    :data:`WINDOWS_MAX` bytes and multiplied there, writing into ``out`` (contiguous,
    one row of ``matrix``'s columns per output).
    """
    split = kernel_axes if taps_first else view.ndim - kernel_axes
    kernel_shape = view.shape[:split] if taps_first else view.shape[split:]
    outputs = view.shape[split:] if taps_first else view.shape[:split]
    taps, rows, per_row = math.prod(kernel_shape), outputs[0], math.prod(outputs[1:])
    # on the GPU a block costs launches, not cache misses: as few as memory allows
    budget = WINDOWS_MAX if xp is np else get_memory_limit() // 4
    block = min(rows, max(1, budget // (taps * per_row * view.itemsize)))
    flat = out.reshape((rows * per_row,) + matrix.shape[1:])

    def operands(cols):  # cols: (taps, windows) when taps come first, else (windows, taps)
        if not taps_first:
            return cols, matrix
        return (matrix, cols) if matrix.ndim == 1 else (cols.T, matrix)

    if block == rows:  # one block: reshape copies only where the windows overlap
        shape = (taps, rows * per_row) if taps_first else (rows * per_row, taps)
        xp.matmul(*operands(view.reshape(shape)), out=flat)
        return
    block_shape = (block,) + outputs[1:]
    shape = kernel_shape + block_shape if taps_first else block_shape + kernel_shape
    buffer = xp.empty(shape, dtype=view.dtype)
    taps_axes = (slice(None),) * kernel_axes
    for start in range(0, rows, block):
        n = min(block, rows - start)
        rows_read = slice(start, start + n)
        if taps_first:
            cols = buffer[taps_axes + (slice(0, n),)]
            cols[...] = view[taps_axes + (rows_read,)]
            cols = cols.reshape(taps, n * per_row)
        else:
            cols = buffer[:n]
            cols[...] = view[rows_read]
            cols = cols.reshape(n * per_row, taps)
        xp.matmul(*operands(cols), out=flat[start * per_row : (start + n) * per_row])


def _direct(xp, x, oriented, g: Geometry, work):
    """The definition, computing only the outputs the mode and stride read.

    1-D on the host goes to numpy.convolve's C loop (per phase when strided or
    dilated); otherwise the windows the outputs read are copied side by side, a block
    of output rows at a time (:data:`WINDOWS_MAX`), and multiplied by the kernel in
    one matrix product per block.  The kernel slides tap by tap only where one row's
    windows are too big for a block.
    """
    if xp is np and g.ndim == 1 and (g.stride == (1,) or g.dilation == (1,)):
        return _direct_1d(x, oriented, g, work)
    ndimage = fused_direct(xp, work)
    if ndimage is not None:
        return _direct_ndimage(ndimage, xp, x, oriented, g, work)
    per_row = math.prod(g.output_shape[1:])
    if windows_fit(per_row, math.prod(g.kernel_shape), np.dtype(work).itemsize):
        return _direct_windows(xp, x, oriented, g, work)
    return _slide_taps(xp, x, oriented, g, work)


def fused_direct(xp, dtype):
    """cupyx.scipy.ndimage for real floats on CuPy (every window in one fused kernel), or None.

    The GPU has no loop as cheap as numpy.convolve's on the host; cupyx's ndimage
    correlation is CuPy's own, one kernel launch for any kernel size.  Integers stay
    on the exact int64 paths, complex numbers on the windows and the tap loop.
    """
    if xp is np or np.dtype(dtype).kind != "f":
        return None
    # only CuPy's own arrays: a stand-in for it (tests/engine/fake_cupy.py) is not
    # what cupyx takes, even on a machine where cupyx is installed
    if not getattr(xp.ndarray, "__module__", "").startswith("cupy"):
        return None
    try:
        import cupyx.scipy.ndimage as ndimage
    except ImportError:
        return None
    return ndimage


def _direct_ndimage(ndimage, xp, x, oriented, g: Geometry, work):
    """On the GPU: ``ndimage.correlate`` (zero boundary), read where the windows start.

    Output ``c`` of ndimage's correlation sums the window starting ``ke//2`` cells
    before ``c``, so step ``t`` (window start ``t*stride - pad_before``) is its output
    ``t*stride - pad_before + ke//2``.  When every step's output lies inside the input
    the input needs no padded copy; otherwise it slides over the padded input.
    """
    kernel = xp.ascontiguousarray(oriented)
    if any(d > 1 for d in g.dilation):
        kernel = xp.zeros(g.effective_kernel, dtype=oriented.dtype)
        kernel[tuple(slice(None, None, d) for d in g.dilation)] = oriented
    first = [ke // 2 - b for ke, (b, _) in zip(g.effective_kernel, g.pad)]
    inside = all(
        f >= 0 and f + (o - 1) * s < n
        for f, o, s, n in zip(first, g.output_shape, g.stride, g.input_shape)
    )
    source = x
    if not inside:
        source = _zero_padded(xp, x, g, work)
        first = [ke // 2 for ke in g.effective_kernel]
    full = ndimage.correlate(source, kernel, mode="constant", cval=0.0)
    return full[
        tuple(slice(f, f + (o - 1) * s + 1, s) for f, o, s in zip(first, g.output_shape, g.stride))
    ]


def _direct_1d(x, oriented, g: Geometry, work):
    """numpy.convolve asked for exactly the outputs read: 'valid' over the padded input.

    A stride splits the kernel into ``stride`` phases (taps ``r, r+s, ...`` read
    ``padded[r::s]``), a dilation splits the outputs into ``dilation`` phases (outputs
    ``r, r+d, ...`` read ``padded[r::d]``): each phase is one plain convolution.
    """
    ((before, after),), (k,), (stride,), (dilation,) = g.pad, g.kernel_shape, g.stride, g.dilation
    (count,), n = g.output_shape, x.shape[0]
    if stride == dilation == 1 and not in_pieces(k, work, count):
        reversed_kernel = oriented[::-1]
        if before == after == 0:
            return np.convolve(x, reversed_kernel, "valid")
        if before == after == k - 1:
            return np.convolve(x, reversed_kernel, "full")
        if k <= n and before == k // 2 and after == k - 1 - before:
            return np.convolve(x, reversed_kernel, "same")
        dropped = 2 * (k - 1) - before - after  # edge outputs 'full' computes for nothing
        if before < k and after < k and dropped * k <= n:  # cheaper than a padded copy
            start = k - 1 - before
            return np.convolve(x, reversed_kernel, "full")[start : start + count]
        return np.convolve(_zero_padded(np, x, g, work), reversed_kernel, "valid")
    padded = _zero_padded(np, x, g, work)
    if stride == dilation == 1:
        return _slide_valid(padded, oriented)
    if dilation == 1:
        out = _slide_valid(padded[::stride], oriented[::stride])[:count]
        for r in range(1, min(stride, k)):
            out += _slide_valid(padded[r::stride], oriented[r::stride])[:count]
        return out
    out = np.empty(count, dtype=work)
    for r in range(min(dilation, count)):
        phase = _slide_valid(padded[r::dilation], oriented)
        out[r::dilation] = phase[: len(range(r, count, dilation))]
    return out


UNROLLED = 11  # numpy.convolve slides real float kernels of up to 11 taps in one unrolled loop
PIECES_MAX = 32  # ... and longer ones up to this are quicker through it, in pieces
PIECES_OUTPUTS = (2000, 16384)  # ... for this many outputs (see in_pieces)


def in_pieces(taps: int, dtype, outputs: int) -> bool:
    """Whether :func:`_slide_valid` cuts a kernel of ``taps`` into pieces of 11.

    numpy.convolve takes one dot-product call per output for more than 11 taps (about
    6 ns each here) where its unrolled loop needs about 2 ns for 11: 16 taps over 10⁴
    samples took 47 µs in two pieces against 66 in one; at 64 taps one call wins.
    Below 2000 outputs the gain is a few microseconds; above 16384 (128 KiB of
    float64) each piece's fresh output costs this VM's page faults, which cost more
    than the pieces save (10⁵ samples: 1.3 ms in pieces against 0.66 in one call).
    """
    low, high = PIECES_OUTPUTS
    return (
        UNROLLED < taps <= PIECES_MAX and low <= outputs <= high and np.dtype(dtype) in _REAL_FLOATS
    )


_REAL_FLOATS = (np.dtype(np.float32), np.dtype(np.float64))


def _slide_valid(padded, oriented):
    """``out[i] = Σ_j padded[i+j]·oriented[j]`` by numpy.convolve, in pieces if quicker."""
    k, count = oriented.shape[0], padded.shape[0] - oriented.shape[0] + 1
    if not in_pieces(k, padded.dtype, count):
        return np.convolve(padded, oriented[::-1], "valid")
    out = np.convolve(padded[: count + UNROLLED - 1], oriented[:UNROLLED][::-1], "valid")
    for start in range(UNROLLED, k, UNROLLED):
        piece = oriented[start : start + UNROLLED]
        window = padded[start : start + count + piece.shape[0] - 1]
        out += np.convolve(window, piece[::-1], "valid")
    return out


def _direct_windows(xp, x, oriented, g: Geometry, work):
    """Every window the outputs read, copied side by side, times the kernel (in blocks)."""
    padded = _zero_padded(xp, x, g, work)
    out_steps = tuple(s * step for s, step in zip(g.stride, padded.strides))
    tap_steps = tuple(d * step for d, step in zip(g.dilation, padded.strides))
    # contiguous: matmul leaves BLAS for a slow loop on a reversed (negative-stride) kernel
    kernel = xp.ascontiguousarray(oriented).reshape(-1)
    run = wide_run(g) if padded.flags.c_contiguous else None
    if run is not None:
        # output o reads from offset Σ o·pitch of the padded input: one run of windows
        # over every row, copied in long contiguous pieces; the cells between the rows'
        # ends are computed too, and left out of the view returned
        view = _strided(xp, padded, g.kernel_shape + (run,), tap_steps + (padded.itemsize,))
        wide = xp.empty(math.prod(g.padded_shape), dtype=work)
        _times_windows(xp, view, g.ndim, kernel, wide[:run], taps_first=True)
        return _strided(xp, wide, g.output_shape, padded.strides)
    taps_first = g.output_shape[-1] >= g.kernel_shape[-1]
    if taps_first:
        view = _strided(xp, padded, g.kernel_shape + g.output_shape, tap_steps + out_steps)
    else:
        view = _strided(xp, padded, g.output_shape + g.kernel_shape, out_steps + tap_steps)
    out = xp.empty(g.output_shape, dtype=work)
    _times_windows(xp, view, g.ndim, kernel, out, taps_first)
    return out


def wide_run(g: Geometry) -> int | None:
    """The run of windows the direct path copies for every output row at once, or None.

    With stride 1, output ``o`` reads the padded input from flat offset ``Σ o·pitch``;
    the run covers them all and the cells between rows, which it computes for nothing,
    so it is taken only where those are few (at most as many as the outputs).
    """
    if g.ndim == 1 or any(s != 1 for s in g.stride) or g.output_shape[-1] < g.kernel_shape[-1]:
        return None
    pitch = [math.prod(g.padded_shape[axis + 1 :]) for axis in range(g.ndim)]
    run = sum((o - 1) * p for o, p in zip(g.output_shape, pitch)) + 1
    return run if run <= 2 * g.size else None


def _slide_taps(xp, x, oriented, g: Geometry, work):
    """Tap by tap over strided views of the padded input (any ndim, stride, dilation)."""
    padded = xp.zeros(g.padded_shape, dtype=work)
    inner = tuple(slice(b, b + n) for (b, _), n in zip(g.pad, g.input_shape))
    padded[inner] = x
    out = xp.zeros(g.output_shape, dtype=work)
    scratch = xp.empty(g.output_shape, dtype=work)
    for tap in itertools.product(*(range(k) for k in g.kernel_shape)):
        view = padded[
            tuple(
                slice(j * d, j * d + (o - 1) * s + 1, s)
                for j, d, s, o in zip(tap, g.dilation, g.stride, g.output_shape)
            )
        ]
        xp.multiply(view, oriented[tap], out=scratch)
        xp.add(out, scratch, out=out)
    return out


SMALL_WINDOWS = 2**14  # window values the small path gathers through a cached index table
_SMALL_TYPES = (np.dtype(np.float32), np.dtype(np.float64))


def small_direct(x, w, mode, flip: bool):
    """The direct sum of two small float arrays (2-D or 3-D), or None where it does not apply.

    For ``convolve``/``correlate`` with every option but the mode at its default:
    every value the outputs read is gathered in one ``take`` through an index table
    cached per shape and mode (padded cells index a zero past the input's end), and
    multiplied by the kernel in one product.  At these sizes the general path's
    checks, plan and padding cost several times the arithmetic (5×5 with 5×5:
    about 6 µs here against 18).
    """
    if not (
        type(x) is np.ndarray
        and type(w) is np.ndarray
        and 2 <= x.ndim <= 3
        and x.ndim == w.ndim
        and x.dtype == w.dtype
        and x.dtype in _SMALL_TYPES
        and x.size
        and w.size
        and type(mode) is str
    ):
        return None
    table = _small_table(x.shape, w.shape, mode)
    if table is None:
        return None
    index, output_shape = table
    source = np.empty(x.size + 1, dtype=x.dtype)
    source[:-1] = x.reshape(-1)
    source[-1] = 0
    # reversing every axis of a C-ordered kernel reverses its flat order (copied: matmul
    # leaves BLAS for a slow loop on a negative stride)
    kernel = np.ascontiguousarray(w).reshape(-1)
    if flip:
        kernel = kernel[::-1].copy()
    return (source.take(index) @ kernel).reshape(output_shape)


@functools.lru_cache(maxsize=64)
def _small_table(input_shape, kernel_shape, mode):
    """Where each output's windows read in the flat input (``size`` for a padded cell)."""
    g = plan(input_shape, kernel_shape, mode)
    taps = math.prod(kernel_shape)
    if g.size == 0 or g.size * taps > SMALL_WINDOWS:
        return None
    size = math.prod(input_shape)
    source = np.full(g.padded_shape, size, dtype=np.intp)
    inner = tuple(slice(b, b + n) for (b, _), n in zip(g.pad, input_shape))
    source[inner] = np.arange(size).reshape(input_shape)
    steps = source.strides
    windows = _strided(np, source, g.output_shape + kernel_shape, steps + steps)
    return windows.reshape(g.size, taps), g.output_shape


@functools.lru_cache(maxsize=1024)
def fft_layout(g: Geometry, on_host: bool = True) -> tuple[tuple[int, ...], tuple[int, ...]]:
    """FFT lengths, and where the first output sits in the circular result, per axis.

    The outputs read are ``F[t]`` for ``t = first, first + stride, ..., last`` of the
    full linear convolution ``F`` (length ``L = n + ke - 1``, ``n`` with the explicit
    padding, ``first = ke-1-mode_pad_before``).  A circular convolution of length ``N``
    gets them right when ``N > last`` and no other ``F[t]`` wraps onto them,
    ``N >= L - first``: ``valid`` needs only ``N >= n`` where the full one needs
    ``n + ke - 1``.

    >>> from convtui.engine.geometry import plan
    >>> fft_layout(plan((100,), (90,), "valid"))
    ((100,), (89,))
    >>> fft_layout(plan((100,), (90,), "full"))
    ((192,), (0,))
    """
    fast_len = smooth_len if on_host else next_fast_len
    lengths, starts = [], []
    for n, (eb, ea), ke, (mb, _), s, out in zip(
        g.input_shape, g.explicit, g.effective_kernel, g.mode_pad, g.stride, g.output_shape
    ):
        n += eb + ea
        first = ke - 1 - mb
        last = first + (out - 1) * s
        lengths.append(fast_len(max(last + 1, n + mb, ke, n)))
        starts.append(first)
    return tuple(lengths), tuple(starts)


def _fft(xp, x, oriented, g: Geometry, work):
    """One circular convolution through FFTs, just long enough for the outputs read.

    Axis by axis rather than by rfftn/irfftn: the same transforms with fewer Python
    calls around them (32² with 15²: 55 µs against 100), and the inverse keeps after
    each axis only the rows the outputs read, so the axes after it transform fewer.
    """
    lengths, starts = fft_layout(g, xp is np)
    a, h = _explicitly_padded(xp, x, g), _reversed_dilated(xp, oriented, g)
    real = a.dtype.kind != "c" and h.dtype.kind != "c"
    spectrum = _forward(xp, a, lengths, real) * _forward(xp, h, lengths, real)
    last = g.ndim - 1
    for axis, t, s, out in zip(range(g.ndim), starts, g.stride, g.output_shape):
        read = (slice(None),) * axis + (slice(t, t + (out - 1) * s + 1, s),)
        if axis < last:
            spectrum = xp.fft.ifft(spectrum, lengths[axis], axis=axis)[read]
        else:
            inverse = xp.fft.irfft if real else xp.fft.ifft
            return inverse(spectrum, lengths[axis], axis=axis)[read]
    raise AssertionError  # unreachable: the last axis returns


def _forward(xp, a, lengths, real: bool):
    """rfftn (fftn for complex) of ``a`` zero-padded to ``lengths``, one axis at a time."""
    last = a.ndim - 1
    spectrum = (xp.fft.rfft if real else xp.fft.fft)(a, lengths[last], axis=last)
    for axis in range(last - 1, -1, -1):
        spectrum = xp.fft.fft(spectrum, lengths[axis], axis=axis)
    return spectrum


# ---------------------------------------------------------------- transposed


@functools.lru_cache(maxsize=256)
def scatter_shape(g: Geometry) -> tuple[tuple[int, ...], tuple[int, ...]]:
    """A transposed geometry's phase split: taps per phase and positions per phase.

    Output ``z = m*stride + r`` (before ``padding`` crops it) of phase ``r`` gets the
    kernel offsets ``j*dilation = q*stride + r``: ``Q = ceil(ke/stride)`` of them,
    each input ``x[m-q]``, for ``M = n + Q - 1`` positions ``m``.

    >>> from convtui.engine.geometry import plan
    >>> scatter_shape(plan((10,), (4,), "valid", stride=2, transposed=True))
    ((2,), (11,))
    """
    taps = tuple(-(-ke // s) for ke, s in zip(g.effective_kernel, g.stride))
    return taps, tuple(n + q - 1 for n, q in zip(g.input_shape, taps))


def _scatter(xp, x, oriented, g: Geometry, work):
    """A transposed convolution without its stuffed zeros: ``x[i]·w[j]`` into ``i*s + j*d - p``.

    The phase split (:func:`scatter_shape`): every phase ``r`` is a plain convolution
    of ``x`` with the ``Q`` kernel values at offsets ``q*s + r``, so all phases come
    from one product of ``x``'s windows (Q long, the copy kept small as the direct
    method's) with a ``(Q, stride)`` table of the dilated kernel, or window by window
    when the copy would be big.  No multiply touches a stuffed zero.
    """
    if xp is np and g.ndim == 1:
        return _scatter_1d(x, oriented, g, work)
    ndim, strides = g.ndim, g.stride
    taps, positions = scatter_shape(g)
    # table[q..., r...]: the dilated kernel at (Q-1-q)*s + r, zero past its end
    spread = xp.zeros(tuple(q * s for q, s in zip(taps, strides)), dtype=work)
    spread[tuple(slice(0, ke, d) for ke, d in zip(g.effective_kernel, g.dilation))] = oriented
    pairs = tuple(v for q, s in zip(taps, strides) for v in (q, s))
    table = spread.reshape(pairs).transpose(
        tuple(range(0, 2 * ndim, 2)) + tuple(range(1, 2 * ndim, 2))
    )[(slice(None, None, -1),) * ndim]
    # x with Q-1 zeros each side: window m holds x[m-Q+1 .. m]
    padded = xp.zeros(tuple(n + 2 * (q - 1) for n, q in zip(g.input_shape, taps)), dtype=work)
    padded[tuple(slice(q - 1, q - 1 + n) for q, n in zip(taps, g.input_shape))] = x
    n_taps, n_phases = math.prod(taps), math.prod(strides)
    if windows_fit(math.prod(positions[1:]), n_taps, padded.itemsize):
        windows = _strided(xp, padded, taps + positions, padded.strides * 2)
        phases = xp.empty(positions + strides, dtype=work)
        matrix = xp.ascontiguousarray(table).reshape(n_taps, n_phases)
        _times_windows(xp, windows, ndim, matrix, phases, taps_first=True)
    else:
        phases = xp.zeros(positions + strides, dtype=work)
        scratch = xp.empty(positions + strides, dtype=work)
        spread_axes = (Ellipsis,) + (None,) * ndim
        for q in itertools.product(*(range(t) for t in taps)):
            view = padded[tuple(slice(j, j + m) for j, m in zip(q, positions))]
            xp.multiply(view[spread_axes], table[q], out=scratch)
            xp.add(phases, scratch, out=phases)
    out = _phase_output(xp, g, positions, work)
    for r, target, source in _phase_places(g):
        out[target] = phases[source + r]
    return out


def _scatter_1d(x, oriented, g: Geometry, work):
    """1-D on the host: phase ``r`` is numpy.convolve of x with the taps at ``q*s + r``."""
    ((taps,), positions), (stride,) = scatter_shape(g), g.stride
    spread = np.zeros(taps * stride, dtype=work)
    spread[: g.effective_kernel[0] : g.dilation[0]] = oriented
    out = _phase_output(np, g, positions, work)
    for (r,), target, source in _phase_places(g):
        out[target] = np.convolve(x, spread[r::stride], "full")[source]
    return out


def _phase_output(xp, g: Geometry, positions, work):
    """The output buffer: zeros where output_padding reaches past every input's reach."""
    reach = tuple(m * s - p for m, s, (p, _) in zip(positions, g.stride, g.explicit))
    if all(o <= r for o, r in zip(g.output_shape, reach)):
        return xp.empty(g.output_shape, dtype=work)
    return xp.zeros(g.output_shape, dtype=work)


@functools.lru_cache(maxsize=256)
def _phase_places(g: Geometry) -> tuple:
    """Where each phase goes: output ``o`` is position ``m`` of phase ``r`` for ``o + p = m*s + r``.

    ``(r, target, source)`` per phase: the strided slices of the output and the slices
    of the phase's positions that fill them (cropping the padding on the way).
    """
    axes = []
    for m, s, (p, _), size in zip(scatter_shape(g)[1], g.stride, g.explicit, g.output_shape):
        places = []
        for r in range(s):
            first = (r - p) % s  # the first output of phase r
            start = (first + p - r) // s  # ... is its position start
            count = max(min(len(range(first, size, s)), m - start), 0)
            places.append((slice(first, first + s * count, s), slice(start, start + count)))
        axes.append(places)
    phases = []
    for r in itertools.product(*(range(s) for s in g.stride)):
        pairs = [axes[axis][phase] for axis, phase in enumerate(r)]
        phases.append((r, tuple(t for t, _ in pairs), tuple(src for _, src in pairs)))
    return tuple(phases)


@functools.lru_cache(maxsize=256)
def _block_length(m: int) -> int:
    """FFT length of one block for a long signal and an m-long kernel.

    A block of ``nfft`` samples gives ``nfft - m + 1`` outputs; at these lengths a
    transform's time per sample barely grows with ``nfft`` (copies and cache misses
    weigh as much as the arithmetic), so longer blocks waste less, until a block no
    longer fits in the cache.  About 8 kernel lengths, and at most 16384 samples where
    a block can still hold 4 kernels, was fastest in measurements (bench/engine.py);
    a factor 7 makes pocketfft's transforms about 20% slower, so it is left out.
    """
    target = max(8 * m, 256) if 8 * m <= BLOCK_MAX else max(4 * m, BLOCK_MAX)
    return smooth_len(target)


def smooth_len(n: int) -> int:
    """Smallest length >= n whose only prime factors are 2, 3 and 5."""
    lengths = _fast_lengths()
    index = bisect.bisect_left(lengths, n)
    while lengths[index] % 7 == 0:
        index += 1
    return lengths[index]


def blocks_plan(m: int, count: int) -> tuple[int, int]:
    """(FFT length, number of blocks) for ``count`` outputs with an m-long kernel."""
    # one block shorter than the usual one when it holds every output
    nfft = min(_block_length(m), smooth_len(count + m - 1))
    return nfft, -(-count // (nfft - m + 1))


def _fill(stage, x, start: int) -> None:
    """``stage[i] = x[start + i]``, and zero where ``start + i`` falls outside ``x``."""
    n, span = x.shape[0], stage.shape[0]
    lo = min(max(start, 0), start + span)  # the part of x inside the stage: x[lo:hi]
    hi = max(min(start + span, n), lo)
    stage[: lo - start] = 0
    stage[lo - start : hi - start] = x[lo:hi]
    stage[hi - start :] = 0


def _overlap_save_outputs(xp, x, h, before: int, count: int):
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
    nfft, blocks = blocks_plan(m, count)
    step = nfft - m + 1
    complex_ = x.dtype.kind == "c" or h.dtype.kind == "c"
    forward, inverse = (xp.fft.fft, xp.fft.ifft) if complex_ else (xp.fft.rfft, xp.fft.irfft)
    kernel_spectrum = forward(h, nfft)
    dtype = kernel_spectrum.dtype if complex_ else kernel_spectrum.real.dtype
    on_host = xp is np
    # about 16 chunks: fewer would mean big buffers (fresh memory for every call costs
    # page faults), more would mean a Python round trip per chunk for little work
    chunk = min(max(count // 16, CHUNK_MIN), CHUNK_MAX)
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


def _overlap_save(xp, x, oriented, g: Geometry, work):
    """Overlap-save for one axis: only the outputs the mode and stride read, in blocks."""
    ((mode_before, _),), ((explicit_before, _),) = g.mode_pad, g.explicit
    (stride,), (size,) = g.stride, g.output_shape
    h = _reversed_dilated(xp, oriented, g)
    outputs = _overlap_save_outputs(
        xp, x, h, mode_before + explicit_before, (size - 1) * stride + 1
    )
    return outputs[::stride]


RUNNERS = {
    "direct": _direct,
    "fft": _fft,
    "overlap_save": _overlap_save,
    "scatter": _scatter,
}
"""Every method by name; ``scatter`` takes a transposed geometry, the others a plain slide."""
