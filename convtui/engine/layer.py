"""A convolutional layer's forward and backward passes, and the tied-weight picture.

:func:`conv_forward` is what PyTorch calls ``conv1d``/``conv2d`` (a cross-correlation
over a batch of multi-channel inputs); :func:`conv_backward`, right below it, gives
the gradients of a loss with respect to its input, weight and bias.  Both read the
padding and output length from :func:`convtui.engine.geometry.plan`: PyTorch's
``padding=p`` is mode ``"valid"`` with ``padding=p``, and ``padding="same"`` is mode
``"same"`` under convention ``"torch"``.

The layer is a matrix product with tied weights (the Toeplitz picture), so every
weight's gradient is the *sum* of one term per step it was used in.
:func:`gradient_terms` returns those terms as a table whose column sums are dL/dw.

How the fast path works: the padded input is viewed, without copying, as every
window the kernel lands on (``as_strided``); one copy lays the windows out as
columns (im2col) and a batched matrix product does the rest.  The input gradient
scatters the column gradients back tap by tap (one pass per kernel tap).
"""

from __future__ import annotations

import math

import numpy as np
from numpy.lib.stride_tricks import as_strided

from .backend import check_memory, get_array_module
from .geometry import Geometry, plan

__all__ = ["conv_backward", "conv_forward", "gradient_terms"]

_LAYER_PADDINGS = ("valid", "same")


# ---------------------------------------------------------------- shared helpers


def _real_array(xp, a, name: str):
    arr = xp.asarray(a)
    if arr.dtype.kind not in "biuf":
        raise ValueError(
            f"{name} must hold real numbers (bool, int or float), got dtype {arr.dtype}"
        )
    return arr


def _float_dtype(xp, *arrays) -> np.dtype:
    # numpy cannot read cupy arrays, only their dtypes (slower for numpy's own)
    dtype = np.result_type(*arrays) if xp is np else np.result_type(*[a.dtype for a in arrays])
    return dtype if dtype.kind == "f" and dtype.itemsize >= 4 else np.dtype(np.float64)


def _layer_plan(x_shape, w_shape, stride, padding, dilation, groups) -> Geometry:
    """Check a layer's shapes and options; the geometry of its spatial axes."""
    if not 3 <= len(x_shape) <= 5:
        raise ValueError(
            "x must be (N, C_in, L), (N, C_in, H, W) or (N, C_in, D, H, W), "
            f"got shape {tuple(x_shape)}"
        )
    if len(w_shape) != len(x_shape):
        raise ValueError(
            f"weight must be (C_out, C_in // groups, *kernel) with {len(x_shape) - 2} kernel "
            f"axes, got weight shape {tuple(w_shape)} for x shape {tuple(x_shape)}"
        )
    if not isinstance(groups, int | np.integer) or isinstance(groups, bool) or groups < 1:
        raise ValueError(f"groups must be a positive int, got {groups!r}")
    c_in, c_out = x_shape[1], w_shape[0]
    if c_in % groups or c_out % groups:
        raise ValueError(
            f"channels must be divisible by groups={groups}: x shape {tuple(x_shape)} has "
            f"C_in={c_in}, weight shape {tuple(w_shape)} has C_out={c_out}"
        )
    if w_shape[1] * groups != c_in:
        raise ValueError(
            f"weight shape {tuple(w_shape)} expects {w_shape[1]} input channels per group "
            f"({w_shape[1] * groups} in all with groups={groups}), but x shape "
            f"{tuple(x_shape)} has C_in={c_in}"
        )
    if isinstance(padding, str):
        if padding not in _LAYER_PADDINGS:
            raise ValueError(
                f"padding must be an int, one int per axis, 'valid' or 'same'; got {padding!r}"
            )
        mode, explicit = padding, None
    else:
        mode, explicit = "valid", padding
    g = plan(
        x_shape[2:],
        w_shape[2:],
        mode,
        flip=False,
        stride=stride,
        dilation=dilation,
        padding=explicit,
        convention="torch",
    )
    if 0 in g.output_shape:
        raise ValueError(
            f"kernel of weight shape {tuple(w_shape)} (effective size {g.effective_kernel} "
            f"with dilation {g.dilation}) is larger than the padded input {g.padded_shape} "
            f"of x shape {tuple(x_shape)}"
        )
    return g


def _pad_batch(xp, x, g: Geometry):
    """Zeros around the spatial axes of ``(N, C, *spatial)``, as the geometry says."""
    if all(b == 0 and a == 0 for b, a in g.pad):
        return xp.ascontiguousarray(x)
    padded = xp.zeros(x.shape[:2] + g.padded_shape, dtype=x.dtype)
    padded[_inner(g)] = x
    return padded


def _inner(g: Geometry) -> tuple:
    """Where the unpadded input sits inside the padded one (batch axes kept)."""
    return (slice(None), slice(None)) + tuple(
        slice(b, b + n) for (b, _), n in zip(g.pad, g.input_shape)
    )


def _tap_slices(g: Geometry, tap) -> tuple:
    """The padded-input positions one kernel tap touches over all steps."""
    return tuple(
        slice(t * d, t * d + (o - 1) * s + 1, s)
        for t, d, s, o in zip(tap, g.dilation, g.stride, g.output_shape)
    )


def _columns(xp, padded, g: Geometry, groups: int):
    """im2col: ``(N, groups, C_in/groups * taps, steps)``, one column per step."""
    n, c = padded.shape[:2]
    spatial = padded.strides[2:]
    shape = (n, c) + g.kernel_shape + g.output_shape
    strides = (
        padded.strides[:2]
        + tuple(st * d for st, d in zip(spatial, g.dilation))
        + tuple(st * s for st, s in zip(spatial, g.stride))
    )
    if xp is np:
        windows = as_strided(padded, shape=shape, strides=strides, writeable=False)
    else:  # cupy's as_strided has no writeable flag; the view is only read
        windows = xp.lib.stride_tricks.as_strided(padded, shape=shape, strides=strides)
    taps = math.prod(g.kernel_shape)
    check_memory(n * c * taps * g.size * padded.itemsize, "the im2col columns")
    return xp.ascontiguousarray(windows.reshape(n, groups, c // groups * taps, g.size))


def _matmul(xp, a, b):
    """``a @ b``, as an outer product when the summed axis has length 1 (matmul is slow there)."""
    return a * b if a.shape[-1] == 1 else xp.matmul(a, b)


# ---------------------------------------------------------------- forward and backward


def conv_forward(x, weight, bias=None, *, stride=1, padding=0, dilation=1, groups=1):
    """A convolutional layer's forward pass: PyTorch's ``conv1d``/``conv2d``.

    Parameters
    ----------
    x : array_like, shape (N, C_in, L) or (N, C_in, H, W)
        A batch of inputs (three spatial axes work too).
    weight : array_like, shape (C_out, C_in // groups, *kernel)
        Slid without flipping (cross-correlation), as in every CNN library.
    bias : array_like of shape (C_out,), optional
    stride, dilation : int or tuple of int
    padding : int, tuple of int, "valid" or "same"
        Zeros on both sides of each spatial axis; ``"same"`` keeps the input's size
        (PyTorch's rule: an odd extra zero goes at the end; refused with stride > 1).
    groups : int
        Split the channels into ``groups`` independent convolutions.

    Returns
    -------
    numpy.ndarray or cupy.ndarray, shape (N, C_out, *output_shape)
        Floating point (integer inputs are computed in float64), on the device of
        the inputs (see :func:`~convtui.engine.backend.get_array_module`).

    Examples
    --------
    >>> x = np.array([[[1.0, 2, 3, 4, 5]]])                # N=1, C_in=1, L=5
    >>> conv_forward(x, np.array([[[1.0, 0, -1]]]))         # y[i] = x[i] - x[i+2]
    array([[[-2., -2., -2.]]])
    >>> conv_forward(x, np.array([[[1.0, 1]]]), np.array([0.5]), stride=2, padding=1)
    array([[[1.5, 5.5, 9.5]]])
    """
    xp = get_array_module(x, weight, bias)
    x = _real_array(xp, x, "x")
    weight = _real_array(xp, weight, "weight")
    g = _layer_plan(x.shape, weight.shape, stride, padding, dilation, groups)
    dtype = _float_dtype(xp, x, weight)
    n, c_out = x.shape[0], weight.shape[0]
    columns = _columns(xp, _pad_batch(xp, x.astype(dtype, copy=False), g), g, groups)
    kernels = weight.astype(dtype, copy=False).reshape(groups, c_out // groups, -1)
    out = _matmul(xp, kernels, columns).reshape((n, c_out) + g.output_shape)
    if bias is not None:
        bias = _real_array(xp, bias, "bias")
        if bias.shape != (c_out,):
            raise ValueError(
                f"bias must have shape ({c_out},) for weight shape {weight.shape}, got {bias.shape}"
            )
        out += bias.astype(dtype, copy=False).reshape((c_out,) + (1,) * g.ndim)
    return out


def conv_backward(grad_output, x, weight, *, stride=1, padding=0, dilation=1, groups=1):
    """Gradients of a loss through :func:`conv_forward`: ``(grad_x, grad_weight, grad_bias)``.

    ``grad_output`` is dL/dy with the forward output's shape; the options must be
    the ones the forward pass used.  The weight gradient is a correlation of the
    input with ``grad_output`` (each tied weight sums its terms over every step);
    the input gradient is the full convolution of ``grad_output`` with the weight.

    Examples
    --------
    >>> x = np.array([[[1.0, 2, 3, 4, 5]]])
    >>> w = np.array([[[1.0, 0, -1]]])
    >>> grad_x, grad_w, grad_b = conv_backward(np.ones((1, 1, 3)), x, w)
    >>> grad_x            # how many times, and with which weight, each x[i] was used
    array([[[ 1.,  1.,  0., -1., -1.]]])
    >>> grad_w            # w[j] met x[j], x[j+1], x[j+2]: 1+2+3, 2+3+4, 3+4+5
    array([[[ 6.,  9., 12.]]])
    >>> grad_b
    array([3.])
    """
    xp = get_array_module(grad_output, x, weight)
    x = _real_array(xp, x, "x")
    weight = _real_array(xp, weight, "weight")
    grad_output = _real_array(xp, grad_output, "grad_output")
    g = _layer_plan(x.shape, weight.shape, stride, padding, dilation, groups)
    n, c_in, c_out = x.shape[0], x.shape[1], weight.shape[0]
    expected = (n, c_out) + g.output_shape
    if grad_output.shape != expected:
        raise ValueError(
            f"grad_output must have the output's shape {expected} for x shape {x.shape} "
            f"and weight shape {weight.shape}, got {grad_output.shape}"
        )
    dtype = _float_dtype(xp, x, weight, grad_output)
    columns = _columns(xp, _pad_batch(xp, x.astype(dtype, copy=False), g), g, groups)
    kernels = weight.astype(dtype, copy=False).reshape(groups, c_out // groups, -1)
    grads = grad_output.astype(dtype, copy=False).reshape(n, groups, c_out // groups, g.size)

    # each tied weight: the sum over the batch and every step it was used in
    grad_weight = xp.matmul(grads, columns.transpose(0, 1, 3, 2)).sum(axis=0)
    grad_bias = grads.sum(axis=(0, 3)).reshape(c_out)

    # column gradients, scattered back to the input positions each tap touched
    grad_columns = _matmul(xp, kernels.transpose(0, 2, 1), grads)
    grad_columns = grad_columns.reshape((n, c_in) + g.kernel_shape + g.output_shape)
    grad_padded = xp.zeros((n, c_in) + g.padded_shape, dtype=dtype)
    for tap in np.ndindex(*g.kernel_shape):
        grad_padded[(slice(None), slice(None)) + _tap_slices(g, tap)] += grad_columns[
            (slice(None), slice(None)) + tap
        ]
    grad_x = xp.ascontiguousarray(grad_padded[_inner(g)])
    return grad_x, grad_weight.reshape(weight.shape), grad_bias


# ---------------------------------------------------------------- tied-weight terms


def tap_rows(x_batch, g: Geometry, out=None):
    """The input value each kernel weight multiplies at each step, for a batch.

    Returns ``(taps, N, steps)``: entry ``[j, n, i]`` is the value that weight
    ``w.flat[j]`` (the given kernel, not the oriented one) met at step ``i`` of
    example ``n``, 0 on padding; so the output of example ``n`` is
    ``w.ravel() @ rows[:, n]``.  ``out`` may be a C-contiguous array to fill (on
    the device of ``x_batch``).
    """
    xp = get_array_module(x_batch)
    n = x_batch.shape[0]
    positions = g.tap_positions()
    given = np.empty_like(positions)
    given[:, g.kernel_index()] = positions
    if xp is not np:
        given = xp.asarray(given)  # the index table goes to the device once
    if out is None:
        check_memory(n * positions.size * x_batch.itemsize, "the tap values")
        out = xp.empty((positions.shape[1], n, positions.shape[0]), dtype=x_batch.dtype)
    flat = x_batch.reshape(n, -1)
    # index -1 (a tap on padding) picks the zero appended at the end
    extended = xp.concatenate([flat, xp.zeros((n, 1), dtype=flat.dtype)], axis=1)
    for j in range(given.shape[1]):  # one gather per weight
        xp.take(extended, given[:, j], axis=1, out=out[j])
    return out


def gradient_terms(
    x,
    kernel_shape,
    grad_output,
    mode: str = "full",
    *,
    flip: bool = True,
    stride=1,
    dilation=1,
    padding=None,
    convention: str = "numpy",
):
    """Each weight's share of the gradient at each step: the tied-weights table.

    For ``y = convolve(x, w, mode, ...)`` (``correlate`` when ``flip=False``) and a
    loss with dL/dy = ``grad_output``, returns an array of shape
    ``(output.size, kernel.size)`` whose entry ``[i, j]`` is ``grad_output.flat[i]``
    times the input value that weight ``w.flat[j]`` multiplied at step ``i`` (0 where
    it sat on padding).  Its column sums are dL/dw.

    Examples
    --------
    >>> terms = gradient_terms([1, 2, 3, 4], (2,), [1, 10, 100], "valid", flip=False)
    >>> terms                   # w[0] meets x[i], w[1] meets x[i+1] at step i
    array([[  1.,   2.],
           [ 20.,  30.],
           [300., 400.]])
    >>> terms.sum(axis=0)       # dL/dw: one weight, three uses, three terms
    array([321., 432.])
    """
    xp = get_array_module(x, grad_output)
    x = _real_array(xp, x, "x")
    if isinstance(kernel_shape, int | np.integer):
        kernel_shape = (int(kernel_shape),)
    g = plan(
        x.shape,
        kernel_shape,
        mode,
        flip=flip,
        stride=stride,
        dilation=dilation,
        padding=padding,
        convention=convention,
    )
    grad_output = _real_array(xp, grad_output, "grad_output")
    if grad_output.shape != g.output_shape and grad_output.shape != (g.size,):
        raise ValueError(
            f"grad_output must have the output's shape {g.output_shape} for x shape "
            f"{x.shape} and kernel shape {g.kernel_shape}, got {grad_output.shape}"
        )
    dtype = _float_dtype(xp, x, grad_output)
    values = tap_rows(x.astype(dtype, copy=False)[None], g)[:, 0].T
    return grad_output.astype(dtype, copy=False).reshape(-1, 1) * values
