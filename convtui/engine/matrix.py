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


def toeplitz_taps(
    kernel_shape,
    input_shape,
    mode: str = "full",
    *,
    flip: bool = True,
    stride=1,
    dilation=1,
    padding=None,
    convention: str = "numpy",
) -> np.ndarray:
    """Which kernel weight sits at each entry of the Toeplitz matrix.

    Returns an int matrix of shape ``(prod(output_shape), prod(input_shape))``:
    the flat index into the given kernel of the weight at each entry, ``-1`` for
    structural zeros, so ``M[r, c] == w.flat[taps[r, c]]``.

    Examples
    --------
    >>> toeplitz_taps((3,), (4,), "valid")
    array([[ 2,  1,  0, -1],
           [-1,  2,  1,  0]])
    """
    g = plan(
        input_shape,
        kernel_shape,
        mode,
        flip=flip,
        stride=stride,
        dilation=dilation,
        padding=padding,
        convention=convention,
    )
    n_in = math.prod(g.input_shape)
    check_memory(g.size * n_in * 8, f"a {g.size}×{n_in} Toeplitz matrix")
    taps = np.full((g.size, n_in), -1, dtype=np.intp)
    positions = g.tap_positions()
    kernel_index = np.broadcast_to(g.kernel_index(), positions.shape)
    rows = np.broadcast_to(np.arange(g.size)[:, None], positions.shape)
    on_input = positions >= 0
    taps[rows[on_input], positions[on_input]] = kernel_index[on_input]
    return taps


def toeplitz(
    w,
    input_shape,
    mode: str = "full",
    *,
    flip: bool = True,
    stride=1,
    dilation=1,
    padding=None,
    convention: str = "numpy",
):
    """The dense matrix ``M`` with ``M @ x.ravel() == convolve(x, w, ...).ravel()``.

    With ``flip=False`` it is the matrix of ``correlate`` (a complex kernel is then
    conjugated, as ``correlate`` does).

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
    taps = toeplitz_taps(
        w.shape,
        input_shape,
        mode,
        flip=flip,
        stride=stride,
        dilation=dilation,
        padding=padding,
        convention=convention,
    )
    return weights_at(w, taps, flip=flip)


def weights_at(w, taps, *, flip: bool = True):
    """Fill a taps matrix with the kernel's weights (0 at structural zeros).

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
    return table[xp.asarray(taps)]
