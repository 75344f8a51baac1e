"""Pooling over a batch of feature maps: PyTorch's ``max_pool``/``avg_pool``, forward and back.

A pooling layer slides a window exactly as a convolution slides its kernel (the
same :func:`~convtui.engine.geometry.plan`, the same windows), but instead of a
dot product with weights it takes each window's maximum or mean, channel by
channel.  Its backward pass sits right below it: max pooling hands each output's
gradient to the one input it chose, average pooling spreads it evenly over the
window.
"""

from __future__ import annotations

import math

import numpy as np

from .backend import check_memory, get_array_module
from .geometry import Geometry, _per_axis_ints, plan
from .layer import _float_dtype, _real_array, _tap_slices

__all__ = ["POOL_KINDS", "pool", "pool_backward"]

POOL_KINDS = ("max", "avg")


def _pool_plan(x_shape, size, stride, padding, kind, count_include_pad) -> Geometry:
    """Check the pooling options against x's shape; the geometry of the spatial axes."""
    if not 3 <= len(x_shape) <= 5:
        raise ValueError(
            f"x must be (N, C, L), (N, C, H, W) or (N, C, D, H, W), got shape {tuple(x_shape)}"
        )
    if kind not in POOL_KINDS:
        raise ValueError(f"kind must be 'max' or 'avg', got {kind!r}")
    if not isinstance(count_include_pad, bool):
        raise ValueError(f"count_include_pad must be True or False, got {count_include_pad!r}")
    ndim = len(x_shape) - 2
    size = _per_axis_ints("size", size, ndim, 1)
    stride = size if stride is None else _per_axis_ints("stride", stride, ndim, 1)
    padding = _per_axis_ints("padding", padding, ndim, 0)
    if any(2 * p > k for p, k in zip(padding, size)):
        # PyTorch's rule: a window could otherwise hold nothing but padding
        raise ValueError(
            f"padding must be at most half the window size (as in PyTorch), got padding "
            f"{padding} for size {size}"
        )
    g = plan(
        x_shape[2:], size, "valid", flip=False, stride=stride, padding=padding, convention="torch"
    )
    if 0 in g.output_shape:
        raise ValueError(
            f"size {size} is larger than the padded input {g.padded_shape} of x shape "
            f"{tuple(x_shape)}"
        )
    return g


def _windows(xp, padded, g: Geometry):
    """Every window, as a view: ``(N, C, *output_shape, *size)``."""
    spatial = padded.strides[2:]
    shape = padded.shape[:2] + g.output_shape + g.kernel_shape
    strides = padded.strides[:2] + tuple(st * s for st, s in zip(spatial, g.stride)) + spatial
    return xp.lib.stride_tricks.as_strided(padded, shape=shape, strides=strides)


def _padded(xp, x, g: Geometry, fill: float):
    if all(b == 0 and a == 0 for b, a in g.pad):
        return xp.ascontiguousarray(x)
    padded = xp.full(x.shape[:2] + g.padded_shape, fill, dtype=x.dtype)
    padded[
        (slice(None), slice(None))
        + tuple(slice(b, b + n) for (b, _), n in zip(g.pad, g.input_shape))
    ] = x
    return padded


def _counts(xp, g: Geometry, count_include_pad: bool, dtype):
    """What each window's sum is divided by: its size, or its cells that are not padding."""
    if count_include_pad or all(b == 0 for b, _ in g.pad):
        return math.prod(g.kernel_shape)
    counts = xp.ones((1, 1) + g.output_shape, dtype=dtype)
    for axis in range(g.ndim):
        first = np.arange(g.output_shape[axis]) * g.stride[axis] - g.pad[axis][0]
        last = first + g.kernel_shape[axis]
        inside = np.minimum(last, g.input_shape[axis]) - np.maximum(first, 0)
        shape = [1] * (2 + g.ndim)
        shape[2 + axis] = -1
        counts = counts * xp.asarray(inside.astype(dtype)).reshape(shape)
    return counts


def _argmax(xp, x, g: Geometry):
    """Flat index into the padded input of each window's first maximum (row-major order)."""
    padded = _padded(xp, x, g, -np.inf)
    windows = _windows(xp, padded, g)
    taps = math.prod(g.kernel_shape)
    check_memory(padded.shape[0] * padded.shape[1] * g.size * taps * padded.itemsize, "the windows")
    flat = windows.reshape(windows.shape[: 2 + g.ndim] + (taps,))
    chosen = xp.argmax(flat, axis=-1)  # the first maximum, the first NaN: as PyTorch's CPU loop
    offsets = xp.unravel_index(chosen, g.kernel_shape)
    index = xp.arange(padded.shape[0] * padded.shape[1]).reshape(padded.shape[:2] + (1,) * g.ndim)
    for axis in range(g.ndim):
        shape = [1] * (2 + g.ndim)
        shape[2 + axis] = -1
        start = xp.arange(g.output_shape[axis]).reshape(shape) * g.stride[axis]
        before, n = g.pad[axis][0], g.input_shape[axis]
        # a window of nothing but -inf: PyTorch keeps its first real cell, never padding
        cell = xp.clip(start + offsets[axis], before, before + n - 1)
        index = index * g.padded_shape[axis] + cell
    return padded, index


def _unpad(xp, grad_padded, g: Geometry):
    inner = tuple(slice(b, b + n) for (b, _), n in zip(g.pad, g.input_shape))
    return xp.ascontiguousarray(grad_padded[(slice(None), slice(None)) + inner])


def pool(x, size, *, stride=None, padding=0, kind="max", count_include_pad=True):
    """Max or average pooling: PyTorch's ``max_pool1d/2d/3d`` and ``avg_pool1d/2d/3d``.

    Parameters
    ----------
    x : array_like, shape (N, C, L), (N, C, H, W) or (N, C, D, H, W)
    size : int or tuple of int
        The window, per spatial axis.
    stride : int or tuple of int, optional
        Defaults to ``size`` (windows side by side), as in PyTorch.
    padding : int or tuple of int
        Cells on both sides of each axis, at most half the window (PyTorch's rule).
        Max pooling pads with -inf, so a padded cell never wins; average pooling pads
        with zeros.
    kind : {"max", "avg"}
    count_include_pad : bool
        Average pooling only: divide by the whole window (True, PyTorch's default) or
        by the cells of the window that are not padding.

    Returns
    -------
    numpy.ndarray, shape (N, C, *output_shape)
        ``output_shape`` is ``(n + 2·padding - size) // stride + 1`` per axis.

    Examples
    --------
    >>> x = np.array([[[1.0, 5, 2, 2, 7, 0]]])
    >>> pool(x, 2)                                # max of (1,5), (2,2), (7,0)
    array([[[5., 2., 7.]]])
    >>> pool(x, 3, stride=1, kind="avg")          # (1+5+2)/3, (5+2+2)/3, ...
    array([[[2.66666667, 3.        , 3.66666667, 3.        ]]])
    >>> pool(x, 2, padding=1, kind="avg", count_include_pad=False)   # (1)/1, (5+2)/2, ...
    array([[[1. , 3.5, 4.5, 0. ]]])
    """
    xp = get_array_module(x)
    x = _real_array(xp, x, "x")
    g = _pool_plan(x.shape, size, stride, padding, kind, count_include_pad)
    x = x.astype(_float_dtype(xp, x), copy=False)
    if kind == "max":
        padded, index = _argmax(xp, x, g)
        return padded.reshape(-1)[index]
    windows = _windows(xp, _padded(xp, x, g, 0.0), g)
    total = windows.sum(axis=tuple(range(2 + g.ndim, 2 + 2 * g.ndim)))
    return total / _counts(xp, g, count_include_pad, x.dtype)


def pool_backward(
    x, grad_output, size, *, stride=None, padding=0, kind="max", count_include_pad=True
):
    """The gradient of a loss through :func:`pool`, with respect to its input.

    Max pooling hands each output's gradient to the input its window chose (the
    first maximum in row-major window order, as PyTorch on the CPU does; overlapping
    windows add up); average pooling gives each cell of a window the output's
    gradient divided by what the forward pass divided by.

    Examples
    --------
    >>> x = np.array([[[1.0, 5, 2, 2, 7, 0]]])
    >>> pool_backward(x, np.array([[[10.0, 20, 30]]]), 2)    # ties: the first 2 wins
    array([[[ 0., 10., 20.,  0., 30.,  0.]]])
    >>> pool_backward(x, np.ones((1, 1, 2)), 3, stride=2, kind="avg")   # cell 2 in both
    array([[[0.33333333, 0.33333333, 0.66666667, 0.33333333, 0.33333333,
             0.        ]]])
    """
    xp = get_array_module(x, grad_output)
    x = _real_array(xp, x, "x")
    grad_output = _real_array(xp, grad_output, "grad_output")
    g = _pool_plan(x.shape, size, stride, padding, kind, count_include_pad)
    expected = x.shape[:2] + g.output_shape
    if grad_output.shape != expected:
        raise ValueError(
            f"grad_output must have the output's shape {expected} for x shape {x.shape}, "
            f"got {grad_output.shape}"
        )
    dtype = _float_dtype(xp, x, grad_output)
    grad_output = grad_output.astype(dtype, copy=False)
    full_shape = x.shape[:2] + g.padded_shape
    if kind == "max":
        _, index = _argmax(xp, x.astype(dtype, copy=False), g)
        flat = xp.bincount(
            index.reshape(-1), weights=grad_output.reshape(-1), minlength=math.prod(full_shape)
        )
        return _unpad(xp, flat.astype(dtype, copy=False).reshape(full_shape), g)
    share = grad_output / _counts(xp, g, count_include_pad, dtype)
    grad_padded = xp.zeros(full_shape, dtype=dtype)
    for tap in np.ndindex(*g.kernel_shape):  # one strided add per cell of the window
        grad_padded[(slice(None), slice(None)) + _tap_slices(g, tap)] += share
    return _unpad(xp, grad_padded, g)
