"""A convolutional layer's forward and backward passes, and the tied-weight picture.

:func:`conv_forward` is what PyTorch calls ``conv1d``/``conv2d`` (a cross-correlation
over a batch of multi-channel inputs); :func:`conv_backward`, right below it, gives
the gradients of a loss with respect to its input, weight and bias.  Both read the
padding and output length from :func:`convtui.engine.geometry.plan`: PyTorch's
``padding=p`` is mode ``"valid"`` with ``padding=p``, and ``padding="same"`` is mode
``"same"`` under convention ``"torch"``; ``padding_mode`` says what fills the padded
cells, and the gradient of a copied cell goes back to the input it copies.

:func:`conv_transpose_forward` (PyTorch's ``conv_transpose1d``/``2d``/``3d``) is the
same layer read backwards: its forward pass is the input gradient of the forward
layer it transposes, and its input gradient is that layer's forward pass.
:func:`conv_transpose_backward` sits right below it.

The layer is a matrix product with tied weights (the Toeplitz picture), so every
weight's gradient is the *sum* of one term per step it was used in.
:func:`gradient_terms` returns those terms as a table whose column sums are dL/dw.

How the fast path works: the padded input is viewed, without copying, as every
window the kernel lands on (``as_strided``); one copy lays the windows out as
columns (im2col) and a batched matrix product does the rest.  The input gradient
scatters the column gradients back tap by tap (one pass per kernel tap).  At stride
1 no columns are built: each tap is one matrix product over the channels on a shifted
view of the flattened padded rows (see "stride 1: one product per tap" below).
Temporaries are reused from call to call in each thread: fresh pages cost more
than the arithmetic at these sizes (BENCHMARKS.md, "Layer engine").
"""

from __future__ import annotations

import math
import threading
from functools import lru_cache

import numpy as np
from numpy.lib.stride_tricks import as_strided

from .backend import check_memory, get_array_module
from .geometry import Geometry, plan

__all__ = [
    "conv_backward",
    "conv_forward",
    "conv_transpose_backward",
    "conv_transpose_forward",
    "gradient_terms",
]

_LAYER_PADDINGS = ("valid", "same")

# Each thread keeps its temporaries (padded input, im2col columns, their gradients) to
# reuse on the next call: a fresh buffer of a few MB costs more in page faults than
# the matrix product that fills it (bench/layer.py).  A thread keeps at most the cap
# in all; what would pass it is allocated afresh and let go.
_SCRATCH = threading.local()
_SCRATCH_CAP = 128 * 2**20


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


def _check_ranks(x_shape, w_shape, weight_layout: str) -> None:
    if not 3 <= len(x_shape) <= 5:
        raise ValueError(
            "x must be (N, C_in, L), (N, C_in, H, W) or (N, C_in, D, H, W), "
            f"got shape {tuple(x_shape)}"
        )
    if len(w_shape) != len(x_shape):
        raise ValueError(
            f"weight must be {weight_layout} with {len(x_shape) - 2} kernel "
            f"axes, got weight shape {tuple(w_shape)} for x shape {tuple(x_shape)}"
        )


def _check_groups(groups) -> None:
    if not isinstance(groups, int | np.integer) or isinstance(groups, bool) or groups < 1:
        raise ValueError(f"groups must be a positive int, got {groups!r}")


def _layer_plan(
    x_shape, w_shape, stride, padding, dilation, groups, padding_mode="zeros"
) -> Geometry:
    """Check a layer's shapes and options; the geometry of its spatial axes.

    Remembered when every option is a plain int, str or tuple of ints (a training
    loop asks the same question every step); others (a bool, numpy ints, lists) are
    checked every time, so the cache never answers for a value it would refuse.
    """
    key = (tuple(x_shape), tuple(w_shape), stride, padding, dilation, groups, padding_mode)
    if all(_plain(option) for option in key[2:]):
        return _remembered_layer_plan(*key)
    return _check_layer(*key)


def _plain(value) -> bool:
    if type(value) is tuple:
        return all(type(v) is int for v in value)
    return type(value) in (int, str)


@lru_cache(maxsize=256)
def _remembered_layer_plan(*key) -> Geometry:
    return _check_layer(*key)


def _check_layer(x_shape, w_shape, stride, padding, dilation, groups, padding_mode) -> Geometry:
    _check_ranks(x_shape, w_shape, "(C_out, C_in // groups, *kernel)")
    _check_groups(groups)
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
        padding_mode=padding_mode,
        convention="torch",
    )
    if 0 in g.output_shape:
        raise ValueError(
            f"kernel of weight shape {tuple(w_shape)} (effective size {g.effective_kernel} "
            f"with dilation {g.dilation}) is larger than the padded input {g.padded_shape} "
            f"of x shape {tuple(x_shape)}"
        )
    return g


def _transposed_plan(x_shape, w_shape, stride, padding, output_padding, dilation, groups):
    """Check a transposed layer's shapes and options; its (transposed) geometry."""
    _check_ranks(x_shape, w_shape, "(C_in, C_out // groups, *kernel)")
    _check_groups(groups)
    c_in = x_shape[1]
    if w_shape[0] != c_in:
        raise ValueError(
            f"weight must be (C_in, C_out // groups, *kernel): weight shape {tuple(w_shape)} "
            f"has {w_shape[0]} input channels, but x shape {tuple(x_shape)} has C_in={c_in}"
        )
    if c_in % groups:
        raise ValueError(
            f"channels must be divisible by groups={groups}: x shape {tuple(x_shape)} has "
            f"C_in={c_in}"
        )
    if isinstance(padding, str):
        raise ValueError(
            "padding must be an int or one int per axis for a transposed layer (it crops "
            f"the output, as in PyTorch); got {padding!r}"
        )
    return plan(
        x_shape[2:],
        w_shape[2:],
        "valid",
        flip=False,
        stride=stride,
        dilation=dilation,
        padding=padding,
        transposed=True,
        output_padding=output_padding,
    )


def _scratch(xp, shape, dtype, slot: str):
    """An uninitialised temporary array, from this thread's reusable buffer ``slot``.

    Never hand one back to the caller: the next call in this thread overwrites it.
    """
    nbytes = math.prod(shape) * np.dtype(dtype).itemsize
    if xp is not np:
        return xp.empty(shape, dtype=dtype)
    buffers = getattr(_SCRATCH, "buffers", None)
    if buffers is None:
        buffers = _SCRATCH.buffers = {}
    buffer = buffers.get(slot)
    if buffer is None or buffer.nbytes < nbytes:
        others = sum(b.nbytes for name, b in buffers.items() if name != slot)
        if others + nbytes > _SCRATCH_CAP:
            return np.empty(shape, dtype=dtype)
        buffer = buffers[slot] = np.empty(nbytes, dtype=np.uint8)
    return buffer[:nbytes].view(dtype).reshape(shape)


def _pad_batch(xp, x, g: Geometry):
    """The spatial axes of ``(N, C, *spatial)`` padded, and filled, as the geometry says.

    A temporary (see :func:`_scratch`) when there is padding to add.
    """
    if all(b == 0 and a == 0 for b, a in g.pad):
        return xp.ascontiguousarray(x)
    if g.padding_mode != "zeros":
        # every padded cell copies an input (numpy.pad's reflect, edge, wrap, symmetric)
        for axis in range(g.ndim):
            x = xp.take(x, xp.asarray(g.source_index(axis)), axis=2 + axis)
        return xp.ascontiguousarray(x)
    padded = _scratch(xp, x.shape[:2] + g.padded_shape, x.dtype, "padded")
    padded.fill(0)
    padded[_inner(g)] = x
    return padded


def _fold_padding(xp, grad_padded, g: Geometry):
    """The gradient of the padded input, back on the input: :func:`_pad_batch` transposed.

    A zero's gradient is dropped; a copied cell's gradient goes to the input it copies.
    """
    if g.padding_mode == "zeros":
        return xp.ascontiguousarray(grad_padded[_inner(g)])
    grad = grad_padded
    for axis in range(g.ndim):
        (before, after), n = g.pad[axis], g.input_shape[axis]
        source = g.source_index(axis)
        lead = (slice(None),) * (2 + axis)
        folded = grad[lead + (slice(before, before + n),)].copy()
        for cell in [*range(before), *range(before + n, before + n + after)]:
            folded[lead + (int(source[cell]),)] += grad[lead + (cell,)]
        grad = folded
    return xp.ascontiguousarray(grad)


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
    if padded.shape[2:] == g.output_shape and padded.flags.c_contiguous:
        # a 1×1 kernel at stride 1 (a channel mix): the input is its own columns
        return padded.reshape(n, groups, c // groups, g.size)
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
    columns = _scratch(xp, shape, padded.dtype, "columns")
    columns[...] = windows  # one copy, into a buffer laid out as the columns
    return columns.reshape(n, groups, c // groups * taps, g.size)


def _matmul(xp, a, b, out=None):
    """``a @ b``, as an outer product when the summed axis has length 1 (matmul is slow there)."""
    return xp.multiply(a, b, out=out) if a.shape[-1] == 1 else xp.matmul(a, b, out=out)


def _input_gradient(xp, kernels, grads, g: Geometry, c_in: int):
    """dL/dx of the layer over ``g``, from ``grads`` of shape ``(N, groups, C_out/groups, steps)``.

    The column gradients are scattered back to the padded cells each tap touched,
    then folded onto the inputs (:func:`_fold_padding`).
    """
    n, groups, _, steps = grads.shape
    dtype = np.result_type(kernels.dtype, grads.dtype)
    grad_columns = _scratch(xp, (n, groups, kernels.shape[2], steps), dtype, "grad_columns")
    _matmul(xp, kernels.transpose(0, 2, 1), grads, out=grad_columns)
    grad_columns = grad_columns.reshape((n, c_in) + g.kernel_shape + g.output_shape)
    unpadded = g.padded_shape == g.input_shape  # nothing to fold: this array is the result
    if unpadded:
        grad_padded = xp.zeros((n, c_in) + g.padded_shape, dtype=dtype)
    else:
        grad_padded = _scratch(xp, (n, c_in) + g.padded_shape, dtype, "grad_padded")
        grad_padded.fill(0)
    for tap in np.ndindex(*g.kernel_shape):
        grad_padded[(slice(None), slice(None)) + _tap_slices(g, tap)] += grad_columns[
            (slice(None), slice(None)) + tap
        ]
    if unpadded:
        return grad_padded
    return _fresh(xp, _fold_padding(xp, grad_padded, g), grad_padded)


def _weight_gradient(xp, grads, columns):
    """Each tied weight's gradient: the sum over the batch and every step it was used in."""
    return xp.matmul(grads, columns.transpose(0, 1, 3, 2)).sum(axis=0)


def _check_grad_output(grad_output, expected, x, weight) -> None:
    if grad_output.shape != expected:
        raise ValueError(
            f"grad_output must have the output's shape {expected} for x shape {x.shape} "
            f"and weight shape {weight.shape}, got {grad_output.shape}"
        )


def _add_bias(xp, out, bias, c_out: int, weight_shape, dtype):
    if bias is None:
        return out
    bias = _real_array(xp, bias, "bias")
    if bias.shape != (c_out,):
        raise ValueError(
            f"bias must have shape ({c_out},) for weight shape {weight_shape}, got {bias.shape}"
        )
    out += bias.astype(dtype, copy=False).reshape((c_out,) + (1,) * (out.ndim - 2))
    return out


def _fresh(xp, a, temporary):
    """``a`` as a C-contiguous array of its own, never a view of ``temporary``."""
    if xp is np and np.may_share_memory(a, temporary):
        return np.array(a, order="C")
    return xp.ascontiguousarray(a)


# ---------------------------------------------------------------- stride 1: one product per tap
#
# At stride 1, the windows of an image read on its flattened padded rows are shifted
# copies of one long run: tap ``t`` of output cell ``f`` (counted on a grid as wide as
# the padded input) is padded cell ``f + offset[t]``.  So each tap is one matrix
# product over the channels, ``W_t @ X[..., offset_t : offset_t + run]``, on a view,
# accumulated into the output: no columns (taps times the input) are built, and the
# input gradient adds one long run per tap.  The price: the grid computes
# ``padded width - output width`` extra cells per row, cropped at the end; they read
# the next row's cells, and the backward pass multiplies those by a zero gradient,
# so it needs finite x and weight (else the windows' im2col runs).

_GRID_WASTE = 2  # at most twice the real outputs per row, else the windows' im2col
_GRID_TAPS = 27  # more taps: more small products than one big one is worth


@lru_cache(maxsize=256)
def _grid(g: Geometry):
    """``(run, offsets, flat_length)`` for the per-tap products, or None where they do not pay.

    ``run`` is the grid's length (output rows × padded row length), ``offsets`` each
    tap's shift on the flattened padded input, ``flat_length`` what a row of it holds.
    """
    padded, out = g.padded_shape, g.output_shape
    if (
        g.ndim == 1  # a signal's windows already scatter in long runs: one product wins
        or any(s != 1 for s in g.stride)
        or math.prod(g.kernel_shape) > _GRID_TAPS
        or math.prod(padded[1:]) > _GRID_WASTE * math.prod(out[1:])
    ):
        return None
    place = [math.prod(padded[axis + 1 :]) for axis in range(g.ndim)]
    offsets = tuple(
        sum(t * d * p for t, d, p in zip(tap, g.dilation, place))
        for tap in np.ndindex(*g.kernel_shape)
    )
    run = out[0] * place[0]
    return run, offsets, max(math.prod(padded), offsets[-1] + run)


def _grid_crop(g: Geometry) -> tuple:
    """The real outputs inside the grid ``(N, C, rows, *padded_shape[1:])``."""
    return (slice(None), slice(None), slice(None)) + tuple(slice(0, o) for o in g.output_shape[1:])


def _grid_input(xp, x, g: Geometry, grid):
    """``x`` padded as the geometry says, each image's rows flattened: ``(N, C, flat_length)``."""
    _, _, flat_length = grid
    n, c = x.shape[:2]
    size = math.prod(g.padded_shape)
    flat = _scratch(xp, (n, c, flat_length), x.dtype, "padded")
    flat[:, :, size:] = 0
    body = flat[:, :, :size].reshape((n, c) + g.padded_shape)
    if g.padding_mode == "zeros":
        if g.padded_shape != g.input_shape:
            body.fill(0)
        body[_inner(g)] = x
    else:
        body[...] = _pad_batch(xp, x, g)
    return flat


def _tap_weights(kernels, taps: int):
    """``(taps, groups, C_out/groups, C_in/groups)``: the channel matrix of each tap."""
    groups, per_group = kernels.shape[:2]
    # contiguous, so that matmul hands each tap's product to BLAS
    return kernels.reshape(groups, per_group, -1, taps).transpose(3, 0, 1, 2).copy()


def _grid_forward(xp, x, kernels, g: Geometry, groups: int, grid):
    run, offsets, _ = grid
    n, c_in = x.shape[:2]
    flat = _grid_input(xp, x, g, grid).reshape(n, groups, c_in // groups, -1)
    weights = _tap_weights(kernels, len(offsets))
    shape = (n, groups, kernels.shape[1], run)
    crop = g.padded_shape[1:] != g.output_shape[1:]
    out = _scratch(xp, shape, x.dtype, "grid") if crop else xp.empty(shape, dtype=x.dtype)
    step = _scratch(xp, shape, x.dtype, "grid_step")
    for tap, offset in enumerate(offsets):
        target = out if tap == 0 else step
        _matmul(xp, weights[tap], flat[..., offset : offset + run], out=target)
        if tap:
            out += step
    out = out.reshape((n, groups * kernels.shape[1], g.output_shape[0]) + g.padded_shape[1:])
    return xp.ascontiguousarray(out[_grid_crop(g)]) if crop else out


def _grid_backward(xp, grad_output, x, kernels, g: Geometry, groups: int, grid):
    """``(grad_x, grad_weight)``, the weight laid out as ``kernels``."""
    run, offsets, flat_length = grid
    n, c_in = x.shape[:2]
    c_out = grad_output.shape[1]
    flat = _grid_input(xp, x, g, grid).reshape(n, groups, c_in // groups, -1)
    if g.padded_shape[1:] != g.output_shape[1:]:
        rows = (n, c_out, g.output_shape[0]) + g.padded_shape[1:]
        grads = _scratch(xp, rows, x.dtype, "grad_grid")
        grads.fill(0)  # the grid's extra cells: no gradient
        grads[_grid_crop(g)] = grad_output
    else:
        grads = xp.ascontiguousarray(grad_output)
    grads = grads.reshape(n, groups, c_out // groups, run)
    weights = _tap_weights(kernels, len(offsets)).transpose(0, 1, 3, 2).copy()
    grad_weight = xp.empty(kernels.shape[:2] + (c_in // groups, len(offsets)), dtype=x.dtype)
    grad_flat = _scratch(xp, (n, groups, c_in // groups, flat_length), x.dtype, "grad_padded")
    grad_flat.fill(0)
    step = _scratch(xp, (n, groups, c_in // groups, run), x.dtype, "grid_step")
    for tap, offset in enumerate(offsets):
        window = flat[..., offset : offset + run]
        # the tap's weight gradient: every step's gradient times the cell the tap read
        grad_weight[..., tap] = xp.matmul(grads, window.transpose(0, 1, 3, 2)).sum(axis=0)
        _matmul(xp, weights[tap], grads, out=step)
        grad_flat[..., offset : offset + run] += step
    size = math.prod(g.padded_shape)
    grad_padded = grad_flat.reshape(n, c_in, -1)[:, :, :size].reshape((n, c_in) + g.padded_shape)
    return _fresh(xp, _fold_padding(xp, grad_padded, g), grad_flat), grad_weight


def _all_finite(xp, *arrays) -> bool:
    return all(bool(xp.isfinite(a).all()) for a in arrays)


# ---------------------------------------------------------------- forward and backward


def conv_forward(
    x, weight, bias=None, *, stride=1, padding=0, dilation=1, groups=1, padding_mode="zeros"
):
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
        Cells on both sides of each spatial axis; ``"same"`` keeps the input's size
        (PyTorch's rule: an odd extra cell goes at the end; refused with stride > 1).
    groups : int
        Split the channels into ``groups`` independent convolutions.
    padding_mode : {"zeros", "reflect", "replicate", "circular", "symmetric"}
        What fills the padded cells: PyTorch's ``Conv1d(padding_mode=...)``, exactly
        ``numpy.pad``'s constant, reflect, edge, wrap and symmetric (PyTorch has no
        symmetric).  Where PyTorch refuses a padding (reflect or circular wider than
        the input), this does what ``numpy.pad`` does: it reflects or wraps again.

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
    >>> conv_forward(x, np.array([[[1.0, 0, -1]]]), padding=1, padding_mode="circular")
    array([[[ 3., -2., -2., -2.,  3.]]])
    """
    xp = get_array_module(x, weight, bias)
    x = _real_array(xp, x, "x")
    weight = _real_array(xp, weight, "weight")
    g = _layer_plan(x.shape, weight.shape, stride, padding, dilation, groups, padding_mode)
    dtype = _float_dtype(xp, x, weight)
    n, c_out = x.shape[0], weight.shape[0]
    kernels = weight.astype(dtype, copy=False).reshape(groups, c_out // groups, -1)
    grid = _grid(g)
    if grid is not None:
        out = _grid_forward(xp, x.astype(dtype, copy=False), kernels, g, groups, grid)
        return _add_bias(xp, out, bias, c_out, weight.shape, dtype)
    columns = _columns(xp, _pad_batch(xp, x.astype(dtype, copy=False), g), g, groups)
    out = _matmul(xp, kernels, columns).reshape((n, c_out) + g.output_shape)
    return _add_bias(xp, out, bias, c_out, weight.shape, dtype)


def conv_backward(
    grad_output, x, weight, *, stride=1, padding=0, dilation=1, groups=1, padding_mode="zeros"
):
    """Gradients of a loss through :func:`conv_forward`: ``(grad_x, grad_weight, grad_bias)``.

    ``grad_output`` is dL/dy with the forward output's shape; the options must be
    the ones the forward pass used.  The weight gradient is a correlation of the
    input with ``grad_output`` (each tied weight sums its terms over every step);
    the input gradient is the full convolution of ``grad_output`` with the weight,
    where a padded cell that copies an input (``padding_mode``) hands its gradient
    to that input.

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

    With ``padding_mode="replicate"`` the padded cells copy x[0] and x[4], so those
    two also collect the gradient of the cells beside them: x[0] feeds step 0 twice
    (as itself through w[1]=0, as the copy through w[0]=1), x[4] the last step
    through w[2]=-1 twice.

    >>> conv_backward(np.ones((1, 1, 5)), x, w, padding=1, padding_mode="replicate")[0]
    array([[[ 2.,  0.,  0.,  0., -2.]]])
    """
    xp = get_array_module(grad_output, x, weight)
    x = _real_array(xp, x, "x")
    weight = _real_array(xp, weight, "weight")
    grad_output = _real_array(xp, grad_output, "grad_output")
    g = _layer_plan(x.shape, weight.shape, stride, padding, dilation, groups, padding_mode)
    n, c_in, c_out = x.shape[0], x.shape[1], weight.shape[0]
    expected = (n, c_out) + g.output_shape
    _check_grad_output(grad_output, expected, x, weight)
    dtype = _float_dtype(xp, x, weight, grad_output)
    x = x.astype(dtype, copy=False)
    kernels = weight.astype(dtype, copy=False).reshape(groups, c_out // groups, -1)
    grad_output = grad_output.astype(dtype, copy=False)
    grid = _grid(g)
    if grid is not None and (
        g.padded_shape[1:] == g.output_shape[1:] or _all_finite(xp, x, kernels)
    ):
        grad_x, grad_weight = _grid_backward(xp, grad_output, x, kernels, g, groups, grid)
        grad_bias = grad_output.sum(axis=(0,) + tuple(range(2, grad_output.ndim)))
        return grad_x, grad_weight.reshape(weight.shape), grad_bias
    columns = _columns(xp, _pad_batch(xp, x, g), g, groups)
    grads = grad_output.reshape(n, groups, c_out // groups, g.size)
    grad_weight = _weight_gradient(xp, grads, columns)
    grad_bias = grads.sum(axis=(0, 3)).reshape(c_out)
    grad_x = _input_gradient(xp, kernels, grads, g, c_in)
    return grad_x, grad_weight.reshape(weight.shape), grad_bias


# ---------------------------------------------------------------- transposed layer


def _as_forward_output(xp, a, forward: Geometry):
    """A transposed layer's input ``(N, C, *n)`` as the output of the layer it transposes.

    Where ``output_padding >= stride`` (allowed when ``output_padding < dilation``) the
    forward layer has ``output_padding // stride`` more steps at the end of an axis than
    the transposed input has elements; nothing feeds them, so they hold zeros.
    """
    if a.shape[2:] == forward.output_shape:
        return a
    steps = xp.zeros(a.shape[:2] + forward.output_shape, dtype=a.dtype)
    steps[(slice(None), slice(None)) + tuple(slice(0, m) for m in a.shape[2:])] = a
    return steps


def conv_transpose_forward(
    x, weight, bias=None, *, stride=1, padding=0, output_padding=0, dilation=1, groups=1
):
    """A transposed convolutional layer: PyTorch's ``conv_transpose1d``/``2d``/``3d``.

    Each input ``x[n, c, i]`` spreads ``x[n, c, i]·weight[c, o]`` into the output at
    ``i*stride + j*dilation - padding`` for tap ``j``.  This is the input gradient of
    the forward layer it transposes (:func:`conv_forward` with the same weight,
    stride, padding and dilation, mapping ``C_out`` channels back to ``C_in``),
    computed by that layer's scatter of columns.

    Parameters
    ----------
    x : array_like, shape (N, C_in, *spatial)
        One, two or three spatial axes.
    weight : array_like, shape (C_in, C_out // groups, *kernel)
        PyTorch's layout for a transposed layer (the forward layer's weight).
    bias : array_like of shape (C_out,), optional
    stride, padding, output_padding, dilation : int or tuple of int
        As in PyTorch: the output length per axis is
        ``(n-1)*stride - 2*padding + dilation*(k-1) + output_padding + 1``; ``padding``
        crops the output, ``output_padding`` (smaller than stride or dilation) adds
        cells at the end.
    groups : int

    Returns
    -------
    numpy.ndarray or cupy.ndarray, shape (N, C_out, *output_shape)

    Examples
    --------
    >>> x = np.array([[[1.0, 2, 3]]])                 # N=1, C_in=1, L=3
    >>> conv_transpose_forward(x, np.array([[[1.0, 1, 1]]]), stride=2)   # 2 and 4 get two
    array([[[1., 1., 3., 2., 5., 3., 3.]]])
    >>> conv_transpose_forward(x, np.array([[[1.0, 10]]]), np.array([0.5]), padding=1)
    array([[[12.5, 23.5]]])
    """
    xp = get_array_module(x, weight, bias)
    x = _real_array(xp, x, "x")
    weight = _real_array(xp, weight, "weight")
    g = _transposed_plan(x.shape, weight.shape, stride, padding, output_padding, dilation, groups)
    forward = g.forward
    dtype = _float_dtype(xp, x, weight)
    n, c_in, c_out = x.shape[0], x.shape[1], weight.shape[1] * groups
    grads = _as_forward_output(xp, x.astype(dtype, copy=False), forward)
    grads = grads.reshape(n, groups, c_in // groups, forward.size)
    kernels = weight.astype(dtype, copy=False).reshape(groups, c_in // groups, -1)
    out = _input_gradient(xp, kernels, grads, forward, c_out)
    return _add_bias(xp, out, bias, c_out, weight.shape, dtype)


def conv_transpose_backward(
    grad_output, x, weight, *, stride=1, padding=0, output_padding=0, dilation=1, groups=1
):
    """Gradients through :func:`conv_transpose_forward`: ``(grad_x, grad_weight, grad_bias)``.

    The options must be the ones the forward pass used.  The input gradient is the
    forward layer's output for input ``grad_output`` (:func:`conv_forward`); the
    weight gradient correlates ``grad_output`` with ``x``.

    Examples
    --------
    >>> x, w = np.array([[[1.0, 2, 3]]]), np.array([[[1.0, 1, 1]]])
    >>> grad_output = np.array([[[1.0, 2, 3, 4, 5, 6, 7]]])
    >>> grad_x, grad_w, grad_b = conv_transpose_backward(grad_output, x, w, stride=2)
    >>> grad_x            # x[i] reached outputs 2i, 2i+1, 2i+2: 1+2+3, 3+4+5, 5+6+7
    array([[[ 6., 12., 18.]]])
    >>> grad_w            # w[j] carried x[i] to output 2i+j: 1·1+2·3+3·5, 1·2+2·4+3·6, ...
    array([[[22., 28., 34.]]])
    >>> grad_b
    array([28.])
    """
    xp = get_array_module(grad_output, x, weight)
    x = _real_array(xp, x, "x")
    weight = _real_array(xp, weight, "weight")
    grad_output = _real_array(xp, grad_output, "grad_output")
    g = _transposed_plan(x.shape, weight.shape, stride, padding, output_padding, dilation, groups)
    forward = g.forward
    n, c_in, c_out = x.shape[0], x.shape[1], weight.shape[1] * groups
    expected = (n, c_out) + g.output_shape
    _check_grad_output(grad_output, expected, x, weight)
    dtype = _float_dtype(xp, x, weight, grad_output)
    grad_output = grad_output.astype(dtype, copy=False)
    columns = _columns(xp, _pad_batch(xp, grad_output, forward), forward, groups)
    kernels = weight.astype(dtype, copy=False).reshape(groups, c_in // groups, -1)
    steps = _matmul(xp, kernels, columns).reshape((n, c_in) + forward.output_shape)
    # the forward layer's steps past the transposed input (output_padding >= stride) fed nothing
    own = (slice(None), slice(None)) + tuple(slice(0, m) for m in x.shape[2:])
    grad_x = xp.ascontiguousarray(steps[own])
    grads = _as_forward_output(xp, x.astype(dtype, copy=False), forward)
    grads = grads.reshape(n, groups, c_in // groups, forward.size)
    grad_weight = _weight_gradient(xp, grads, columns).reshape(weight.shape)
    grad_bias = grad_output.sum(axis=(0,) + tuple(range(2, grad_output.ndim)))
    return grad_x, grad_weight, grad_bias


# ---------------------------------------------------------------- tied-weight terms


def tap_rows(x_batch, g: Geometry, out=None):
    """The input value each kernel weight multiplies at each step, for a batch.

    Returns ``(taps, N, steps)``: entry ``[j, n, i]`` is the value that weight
    ``w.flat[j]`` (the given kernel, not the oriented one) met at step ``i`` of
    example ``n`` (0 on a padded zero, the copied input on a cell that a padding mode
    fills), so the output of example ``n`` is ``w.ravel() @ rows[:, n]``.  ``out`` may
    be a C-contiguous array to fill (on the device of ``x_batch``).
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
    # index -1 (a tap on a padded zero) picks the zero appended at the end
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
    **options,
):
    """Each weight's share of the gradient at each step: the tied-weights table.

    For ``y = convolve(x, w, mode, ...)`` (``correlate`` when ``flip=False``) and a
    loss with dL/dy = ``grad_output``, returns an array of shape
    ``(output.size, kernel.size)`` whose entry ``[i, j]`` is ``grad_output.flat[i]``
    times the input value that weight ``w.flat[j]`` multiplied at step ``i`` (0 where
    it sat on a padded zero; with another ``padding_mode`` a padded cell holds a copy
    of an input, and the term uses it).  Its column sums are dL/dw.  Options as for
    :func:`~convtui.engine.geometry.plan` (stride, dilation, padding, padding_mode,
    convention).

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
    g = plan(x.shape, kernel_shape, mode, flip=flip, **options)
    grad_output = _real_array(xp, grad_output, "grad_output")
    if grad_output.shape != g.output_shape and grad_output.shape != (g.size,):
        raise ValueError(
            f"grad_output must have the output's shape {g.output_shape} for x shape "
            f"{x.shape} and kernel shape {g.kernel_shape}, got {grad_output.shape}"
        )
    dtype = _float_dtype(xp, x, grad_output)
    values = tap_rows(x.astype(dtype, copy=False)[None], g)[:, 0].T
    return grad_output.astype(dtype, copy=False).reshape(-1, 1) * values
