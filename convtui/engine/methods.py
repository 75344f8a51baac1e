"""The ways to slide: each computes exactly what ``convolve`` returns, for one geometry.

* ``direct``: the definition, one pass over the input per kernel tap (1-D at
  stride 1 hands the whole sum to ``numpy.convolve``, a tight C loop);
* ``fft``: the full linear convolution through real FFTs at a fast length;
* ``overlap_save``: a long 1-D signal cut into overlapping blocks, each convolved by
  FFT, keeping from each block the outputs its circular convolution gets right.

Every method computes the same thing: the full linear convolution of the (explicitly
padded) input with the dilated, oriented kernel reversed, read from
``ke-1-pad_before`` every ``stride`` samples; the direct path reads the same numbers
straight off the padded input.  Choosing among them is cost.py's job; the API in
conv.py prepares the arrays (dtype, padding mode, the stuffed input of a transposed
convolution) and hands a plain zero-padded geometry here.
"""

from __future__ import annotations

import bisect
import functools

import numpy as np

from .geometry import Geometry

__all__ = ["RUNNERS", "blocks_plan", "next_fast_len", "smooth_len"]

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
    fast_len = smooth_len if xp is np else next_fast_len
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


RUNNERS = {"direct": _direct, "fft": _fft, "overlap_save": _overlap_save}
