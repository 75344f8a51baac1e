"""Learn a kernel with gradient descent: the training pane's engine.

The model is one convolution, a bias and an activation::

    y = activation(convolve(x, kernel, mode, ...) + bias)     # correlate when flip=False

and the loss is the mean squared error against a target.  Because the input never
changes while training, the input values each weight meets (at every step of every
example) are gathered once into one row per weight
(:func:`~convtui.engine.layer.tap_rows`, read off the geometry's tap positions).
Each update is then two matrix-vector products: the output ``kernel @ rows`` and
the tied-weight gradient ``rows @ grad_output``, in which every weight sums its
terms over all the steps and examples it was used in.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from typing import NamedTuple

import numpy as np

from .backend import check_memory, get_array_module
from .conv import apply
from .geometry import ConvSpec, Geometry, plan
from .layer import tap_rows

__all__ = [
    "ACTIVATIONS",
    "OPTIMIZERS",
    "Adam",
    "Momentum",
    "SGD",
    "TrainState",
    "forward",
    "tap_table",
    "train_kernel",
]


class TrainState(NamedTuple):
    """The kernel after ``step`` updates, its loss, and the gradient there.

    ``bias`` and ``grad_bias`` are 0.0 when the model has no bias.  ``diverged`` is
    True on the last state when the loss stopped being finite.
    """

    step: int
    loss: float
    kernel: np.ndarray
    bias: float
    grad_kernel: np.ndarray
    grad_bias: float
    diverged: bool = False


# ---------------------------------------------------------------- optimizers


class SGD:
    """Plain gradient descent: ``w -= lr * g``."""

    default_lr = 0.1

    def __init__(self, lr: float):
        self.lr = lr

    def step(self, params: np.ndarray, grad: np.ndarray) -> np.ndarray:
        return params - self.lr * grad


class Momentum:
    """Heavy-ball momentum as PyTorch writes it: ``v = μ·v + g``, ``w -= lr * v``."""

    default_lr = 0.02

    def __init__(self, lr: float, momentum: float = 0.9):
        self.lr, self.momentum = lr, momentum
        self.velocity: np.ndarray | None = None

    def step(self, params: np.ndarray, grad: np.ndarray) -> np.ndarray:
        if self.velocity is None:
            self.velocity = grad
        else:
            self.velocity = self.momentum * self.velocity + grad
        return params - self.lr * self.velocity


class Adam:
    """Adam (Kingma & Ba) with bias correction, in PyTorch's order of operations."""

    default_lr = 0.01

    def __init__(self, lr: float, betas: tuple[float, float] = (0.9, 0.999), eps: float = 1e-8):
        self.lr, self.betas, self.eps = lr, betas, eps
        self.count = 0
        self.mean: np.ndarray | float = 0.0
        self.square: np.ndarray | float = 0.0

    def step(self, params: np.ndarray, grad: np.ndarray) -> np.ndarray:
        beta1, beta2 = self.betas
        self.count += 1
        self.mean = beta1 * self.mean + (1 - beta1) * grad
        self.square = beta2 * self.square + (1 - beta2) * (grad * grad)
        step_size = self.lr / (1 - beta1**self.count)
        denom = np.sqrt(self.square) / math.sqrt(1 - beta2**self.count) + self.eps
        return params - step_size * (self.mean / denom)


OPTIMIZERS = {"sgd": SGD, "momentum": Momentum, "adam": Adam}


# ---------------------------------------------------------------- activations

# each: (forward z -> y, derivative dy/dz from z and y)
ACTIVATIONS = {
    "identity": (None, None),
    "relu": (lambda z: np.maximum(z, 0.0), lambda z, y: z > 0),
    "tanh": (np.tanh, lambda z, y: 1.0 - y * y),
    "sigmoid": (lambda z: 0.5 * (1.0 + np.tanh(0.5 * z)), lambda z, y: y * (1.0 - y)),
}


def _choice(name: str, value, accepted) -> str:
    if not isinstance(value, str) or value not in accepted:
        listed = ", ".join(repr(a) for a in accepted)
        raise ValueError(f"{name} must be one of {listed}; got {value!r}")
    return value


def _real_float(xp, a, name: str):
    arr = xp.asarray(a)
    if arr.dtype.kind not in "biuf":
        raise ValueError(f"{name} must hold real numbers, got dtype {arr.dtype}")
    return arr.astype(np.float64)


# ---------------------------------------------------------------- the model


def forward(x, kernel, bias=0.0, *, mode="valid", flip=False, activation="identity", **options):
    """The model's output, ``(z, y)``: ``z = conv(x, kernel) + bias``, ``y = activation(z)``.

    ``x`` is one example or a batch (one more leading axis than the kernel); ``conv``
    is :func:`~convtui.convolve` (``correlate`` when ``flip=False``) with ``mode`` and
    ``options`` (stride, dilation, padding, padding_mode, convention), or with
    ``transposed=True`` (and ``output_padding``) :func:`~convtui.conv_transpose`.
    This is the model :func:`train_kernel` fits, computed as it reads; training
    computes the same numbers faster, as products with the tap table.

    >>> z, y = forward([1.0, -2.0, 3.0], [1.0, 1.0], activation="relu")
    >>> z, y
    (array([-1.,  1.]), array([0., 1.]))
    >>> forward([1.0, 2.0, 3.0], [0.5, 1.0, 0.5], stride=2, padding=1, output_padding=1,
    ...         transposed=True)[0]                  # 2× upsampling by linear interpolation
    array([1. , 1.5, 2. , 2.5, 3. , 1.5])
    """
    xp = get_array_module(x, kernel)
    x, kernel = _real_float(xp, x, "x"), _real_float(xp, kernel, "kernel")
    act = ACTIVATIONS[_choice("activation", activation, tuple(ACTIVATIONS))][0]
    spec = ConvSpec(mode, flip=flip, **options)
    batch = x if x.ndim == kernel.ndim + 1 else x[None]
    with np.errstate(all="ignore"):
        z = xp.stack([apply(example, kernel, spec) for example in batch]) + bias
        y = z if act is None else act(z)
    return (z, y) if batch is x else (z[0], y[0])


def tap_table(x_batch, g: Geometry, out=None):
    """The input value each weight meets at each output, ``(taps, N, outputs)``, for any geometry.

    :func:`~convtui.engine.layer.tap_rows` for a plain convolution.  A transposed one
    is a plain slide over its zero-stuffed input (:attr:`Geometry.slide`), so weight
    ``j`` meets ``x[i]`` at output ``i*stride + j*dilation - padding`` and a stuffed
    zero elsewhere: at output ``o``, row ``j`` holds the input that row ``o`` of Mᵀ
    multiplies by ``w[j]`` (0 where ``w[j]`` is not in that row), Mᵀ's tied weights.

    >>> g = plan((3,), (3,), "valid", flip=False, stride=2, padding=1, output_padding=1,
    ...          transposed=True)
    >>> tap_table(np.array([[1.0, 2.0, 3.0]]), g)[:, 0]
    array([[0., 2., 0., 3., 0., 0.],
           [1., 0., 2., 0., 3., 0.],
           [0., 1., 0., 2., 0., 3.]])
    """
    if not g.transposed:
        return tap_rows(x_batch, g, out=out)
    xp = get_array_module(x_batch)
    n = x_batch.shape[0]
    if out is None:
        out = xp.empty((math.prod(g.kernel_shape), n, g.size), dtype=x_batch.dtype)
    crop, slide = g.slide
    if slide is None:  # padding crops every product away
        out[...] = 0
        return out
    shape = tuple((m - 1) * s + 1 for m, s in zip(x_batch.shape[1:], g.stride))
    stuffed = xp.zeros((n, *shape), dtype=x_batch.dtype)
    stuffed[(slice(None), *(slice(None, None, s) for s in g.stride))] = x_batch
    return tap_rows(xp.ascontiguousarray(stuffed[(slice(None), *crop)]), slide, out=out)


# ---------------------------------------------------------------- training


def train_kernel(
    x,
    target,
    kernel_shape,
    *,
    mode: str = "valid",
    flip: bool = False,
    activation: str = "identity",
    bias: bool = True,
    optimizer: str = "adam",
    lr: float | None = None,
    steps: int = 500,
    seed: int = 0,
    init=None,
    stride=1,
    dilation=1,
    padding=None,
    padding_mode: str = "zeros",
    convention: str = "numpy",
    transposed: bool = False,
    output_padding=0,
) -> Iterator[TrainState]:
    """Fit a kernel (and a bias) to map ``x`` to ``target``; yields every state.

    Parameters
    ----------
    x : array_like
        One example (``x.ndim == len(kernel_shape)``) or a batch of them (one more
        leading axis).
    target : array_like
        The model's output shape (with the batch axis when ``x`` has one).
    kernel_shape : int or tuple of int
    mode, flip, stride, dilation, padding, padding_mode, convention
        As for :func:`~convtui.convolve` (``flip=False``: :func:`~convtui.correlate`).
    transposed, output_padding
        ``transposed=True`` learns the kernel of a transposed convolution
        (:func:`~convtui.conv_transpose`, mode ``"valid"``): the gradient flows
        back through Mᵀ, whose tied weights are the forward convolution's.
    activation : {"identity", "relu", "tanh", "sigmoid"}
    bias : bool
        Learn a scalar bias too (otherwise it stays 0).
    optimizer : {"sgd", "momentum", "adam"}
        Standard formulas (momentum 0.9; Adam betas 0.9, 0.999, eps 1e-8).
    lr : float, optional
        Learning rate; by default 0.1 (sgd), 0.02 (momentum) or 0.01 (adam).
    steps : int
        Number of updates; ``steps + 1`` states are yielded (state 0 is the start).
    seed : int
        Seeds the initial kernel (uniform in ±1/sqrt(kernel.size)); the bias starts at 0.
    init : array_like, optional
        The initial kernel instead of a random one.

    Returns
    -------
    iterator of TrainState
        On the device of the inputs: with cupy arrays the kernel and its gradient
        are cupy arrays (the loss and bias are read back as floats at every state).
        State 0 is the initial kernel, its loss and gradient, before any update;
        state ``k`` follows ``k`` updates.  When the loss stops being finite the
        last state has ``diverged=True`` and training stops.

    Examples
    --------
    >>> from convtui import correlate
    >>> rng = np.random.default_rng(1)
    >>> x = rng.standard_normal((8, 64))
    >>> target = np.array([correlate(row, [1.0, -2.0, 0.5], "valid") for row in x])
    >>> *_, last = train_kernel(x, target, 3, steps=3000)
    >>> np.round(last.kernel, 4), last.loss < 1e-12
    (array([ 1. , -2. ,  0.5]), True)
    """
    if isinstance(kernel_shape, int | np.integer):
        kernel_shape = (int(kernel_shape),)
    kernel_shape = tuple(kernel_shape)
    xp = get_array_module(x, target, init)
    x = _real_float(xp, x, "x")
    target = _real_float(xp, target, "target")
    if x.ndim not in (len(kernel_shape), len(kernel_shape) + 1):
        raise ValueError(
            f"x must be one example with {len(kernel_shape)} axes (like the kernel shape "
            f"{kernel_shape}) or a batch with one more, got x shape {x.shape}"
        )
    batch = x if x.ndim == len(kernel_shape) + 1 else x[None]
    g = plan(
        batch.shape[1:],
        kernel_shape,
        mode,
        flip=flip,
        stride=stride,
        dilation=dilation,
        padding=padding,
        padding_mode=padding_mode,
        convention=convention,
        transposed=transposed,
        output_padding=output_padding,
    )
    expected = g.output_shape if x.ndim == len(kernel_shape) else (len(batch),) + g.output_shape
    if target.shape != expected:
        raise ValueError(
            f"target must have the model's output shape {expected} for x shape {x.shape} "
            f"and kernel shape {kernel_shape}, got {target.shape}"
        )
    if g.size == 0:
        raise ValueError(
            f"the output is empty: kernel shape {kernel_shape} does not fit x shape {x.shape} "
            f"in mode {mode!r}"
        )
    _choice("activation", activation, tuple(ACTIVATIONS))
    optimizer_class = OPTIMIZERS[_choice("optimizer", optimizer, tuple(OPTIMIZERS))]
    if lr is None:
        lr = optimizer_class.default_lr
    if isinstance(lr, bool) or not isinstance(lr, int | float) or not 0 < lr < math.inf:
        raise ValueError(f"lr must be a positive finite number, got {lr!r}")
    if isinstance(steps, bool) or not isinstance(steps, int | np.integer) or steps < 0:
        raise ValueError(f"steps must be a non-negative int, got {steps!r}")

    taps = math.prod(kernel_shape)
    if init is None:
        bound = 1.0 / math.sqrt(taps)
        # drawn on the host, so every backend starts from the same kernel
        kernel = xp.asarray(np.random.default_rng(seed).uniform(-bound, bound, taps))
    else:
        kernel = _real_float(xp, init, "init")
        if kernel.shape != kernel_shape:
            raise ValueError(f"init must have the kernel shape {kernel_shape}, got {kernel.shape}")
        kernel = kernel.ravel()

    # one row per weight (plus a row of ones for the bias, a weight used at every
    # step): row j holds every input value weight j meets, over the batch
    check_memory((taps + 1) * len(batch) * g.size * 8, "the tap table")
    rows = xp.ones((taps + bool(bias), len(batch), g.size))
    tap_table(batch, g, out=rows[:taps])
    rows = rows.reshape(len(rows), -1)
    params = xp.concatenate([kernel, xp.zeros(1)]) if bias else kernel.copy()
    return _descend(
        rows,
        target.ravel(),
        params,
        kernel_shape,
        bias,
        ACTIVATIONS[activation],
        optimizer_class(float(lr)),
        int(steps),
    )


def _descend(rows, target, params, kernel_shape, bias, activation, optimizer, steps):
    forward, derivative = activation
    taps = math.prod(kernel_shape)
    count = len(target)
    for step in range(steps + 1):
        with np.errstate(all="ignore"):
            z = params @ rows
            if forward is None:
                residual = np.subtract(z, target, out=z)
                loss = float(residual @ residual) / count
                back = residual
            else:
                y = forward(z)
                residual = y - target
                loss = float(residual @ residual) / count
                back = residual * derivative(z, y)
            # d(mean of squares)/dy = 2·residual/count, scaled after the product
            grad = (rows @ back) * (2.0 / count)
        diverged = not math.isfinite(loss)
        yield TrainState(
            step,
            loss,
            params[:taps].reshape(kernel_shape),
            float(params[taps]) if bias else 0.0,
            grad[:taps].reshape(kernel_shape),
            float(grad[taps]) if bias else 0.0,
            diverged,
        )
        if diverged or step == steps:
            return
        with np.errstate(all="ignore"):
            params = optimizer.step(params, grad)
