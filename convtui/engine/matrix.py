"""The same convolution as a matrix product: ``M @ x.ravel() == y.ravel()``.

Row ``r`` of the Toeplitz matrix is step ``r`` of the slide: the oriented kernel laid
on the input positions it covers.  In 2-D the matrix is doubly-block Toeplitz.
``toeplitz_taps`` says which kernel weight each entry holds, which is the picture
of weight sharing: one weight, many entries.
"""

from __future__ import annotations

import math

import numpy as np

from .backend import check_memory, get_array_module
from .geometry import plan

__all__ = ["toeplitz", "toeplitz_taps", "weights_at"]


def toeplitz_taps(kernel_shape, input_shape, mode: str = "full", *, flip: bool = True, **options):
    """Which kernel weight sits at each entry of the Toeplitz matrix.

    With zero padding every entry holds at most one weight, and the result is an int
    matrix of shape ``(prod(output_shape), prod(input_shape))``: the flat index into
    the given kernel of the weight at each entry, ``-1`` for structural zeros, so
    ``M[r, c] == w.flat[taps[r, c]]``.

    With another padding mode a padded cell copies an input, so the tap on it adds
    its weight into that input's column, and one entry can hold several weights
    (reflect folds taps back onto the input; circular wraps them round, making the
    matrix circulant).  The result then has a third axis, as deep as the most weights
    any entry holds: ``taps[r, c, :]`` lists them, ``-1`` filling the rest, and
    ``M[r, c]`` is their sum.  A transposed convolution gives the forward
    convolution's taps transposed (Mᵀ: the same tied weights).  Options as for
    :func:`~convtui.engine.geometry.plan`.

    Examples
    --------
    >>> toeplitz_taps((3,), (4,), "valid")
    array([[ 2,  1,  0, -1],
           [-1,  2,  1,  0]])
    >>> toeplitz_taps((3,), (4,), "same", flip=False, padding_mode="reflect")[0].tolist()
    [[1, -1], [0, 2], [-1, -1], [-1, -1]]
    >>> toeplitz_taps((2,), (2,), "valid", flip=False, stride=2, transposed=True)
    array([[ 0, -1],
           [ 1, -1],
           [-1,  0],
           [-1,  1]])
    """
    g = plan(input_shape, kernel_shape, mode, flip=flip, **options)
    if not g.transposed:
        return _taps(g)
    forward = g.forward
    taps = _taps(forward)
    if forward.output_shape != g.input_shape:
        # output_padding >= stride: the forward layer has trailing steps no input feeds
        rows = np.indices(forward.output_shape).reshape(g.ndim, -1)
        keep = np.all(rows < np.array(g.input_shape)[:, None], axis=0)
        taps = taps[keep]
    return taps.T


def _taps(g) -> np.ndarray:
    n_in = math.prod(g.input_shape)
    check_memory(g.memory("matrix"), f"a {g.size}×{n_in} Toeplitz matrix")
    positions = g.tap_positions()
    kernel_index = np.broadcast_to(g.kernel_index(), positions.shape)
    rows = np.broadcast_to(np.arange(g.size)[:, None], positions.shape)
    on_input = positions >= 0
    rows, cols, kernel_index = rows[on_input], positions[on_input], kernel_index[on_input]
    if g.padding_mode == "zeros":  # one weight per entry at most
        taps = np.full((g.size, n_in), -1, dtype=np.intp)
        taps[rows, cols] = kernel_index
        return taps
    # the k-th weight that lands on an entry goes to depth k
    entry = rows * n_in + cols
    order = np.argsort(entry, kind="stable")
    entry, kernel_index = entry[order], kernel_index[order]
    first = np.searchsorted(entry, entry, side="left")
    depth_index = np.arange(entry.size) - first
    depth = int(depth_index.max()) + 1 if entry.size else 1
    taps = np.full((g.size * n_in, depth), -1, dtype=np.intp)
    taps[entry, depth_index] = kernel_index
    return taps.reshape(g.size, n_in, depth)


def toeplitz(w, input_shape, mode: str = "full", *, flip: bool = True, **options):
    """The dense matrix ``M`` with ``M @ x.ravel() == convolve(x, w, ...).ravel()``.

    With ``flip=False`` it is the matrix of ``correlate`` (a complex kernel is then
    conjugated, as ``correlate`` does); with ``transposed=True`` it is Mᵀ, the matrix
    of :func:`~convtui.engine.conv.conv_transpose`.  With a padding mode an entry is
    the sum of the weights that land on it (see :func:`toeplitz_taps`).  Options as
    for :func:`~convtui.engine.geometry.plan`.

    Examples
    --------
    >>> M = toeplitz([5, 6, 7], (4,))
    >>> M
    array([[5, 0, 0, 0],
           [6, 5, 0, 0],
           [7, 6, 5, 0],
           [0, 7, 6, 5],
           [0, 0, 7, 6],
           [0, 0, 0, 7]])
    >>> M @ [1, 2, 3, 4]
    array([ 5, 16, 34, 52, 45, 28])
    >>> toeplitz([1, 2, 3], (4,), "same", flip=False, padding_mode="circular")
    array([[2, 3, 0, 1],
           [1, 2, 3, 0],
           [0, 1, 2, 3],
           [3, 0, 1, 2]])
    """
    xp = get_array_module(w)
    w = xp.asarray(w)
    if w.dtype.kind not in "biufc":
        raise ValueError(f"w must hold numbers, got dtype {w.dtype}")
    input_shape = tuple(input_shape)
    if w.ndim != len(input_shape):
        raise ValueError(
            "w and input_shape must have the same number of dimensions, got "
            f"w shape {w.shape} and input_shape {input_shape}"
        )
    taps = toeplitz_taps(w.shape, input_shape, mode, flip=flip, **options)
    return weights_at(w, taps, flip=flip)


def weights_at(w, taps, *, flip: bool = True):
    """Fill a taps matrix with the kernel's weights (0 at structural zeros).

    A taps array with a third axis (several weights per entry) gives their sums.

    >>> weights_at([5, 6, 7], toeplitz_taps((3,), (4,), "valid"))
    array([[7, 6, 5, 0],
           [0, 7, 6, 5]])
    """
    xp = get_array_module(w)
    w = xp.asarray(w)
    dtype = np.int64 if w.dtype.kind in "biu" else w.dtype
    weights = w.ravel().astype(dtype)
    if not flip and weights.dtype.kind == "c":
        weights = weights.conj()
    # one extra zero at the end, which tap -1 picks for the structural zeros
    table = xp.concatenate([weights, xp.zeros(1, dtype=dtype)])
    values = table[xp.asarray(taps)]
    return values.sum(axis=-1) if values.ndim == 3 else values
