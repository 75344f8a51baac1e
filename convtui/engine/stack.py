"""A small stack of layers: convolutions (channels, groups, bias, activation) and poolings.

``A = σ(X ∗ W + b)``, layer after layer.  A :class:`Stack` holds the weights (float64,
drawn from a seeded generator as PyTorch initialises ``Conv2d``), runs the forward
pass with :func:`~convtui.engine.layer.conv_forward` and
:func:`~convtui.engine.pool.pool`, keeps what the backward pass needs, and counts its
parameters and multiply-adds exactly.  Its receptive field is
:func:`~convtui.engine.receptive.receptive_field` of its layers.
"""

from __future__ import annotations

import math
from dataclasses import KW_ONLY, dataclass
from typing import Any, NamedTuple

import numpy as np

from .geometry import Geometry, _is_int, check_padding_mode
from .layer import _layer_plan, conv_backward, conv_forward
from .pool import POOL_KINDS, _pool_plan, pool, pool_backward
from .receptive import ReceptiveField, receptive_field

__all__ = ["ACTIVATIONS", "Conv", "Counts", "Pool", "Stack"]

ACTIVATIONS = (None, "relu", "sigmoid", "tanh")


def _positive_axes(name: str, value, minimum: int):
    values = (value,) if _is_int(value) else value
    try:
        values = tuple(values)
    except TypeError:
        values = ()
    if not values or not all(_is_int(v) and v >= minimum for v in values):
        raise ValueError(f"{name} must be an int >= {minimum} or a tuple of them, got {value!r}")
    return int(value) if _is_int(value) else tuple(int(v) for v in values)


def _whole(name: str, value, minimum: int) -> int:
    if not _is_int(value) or value < minimum:
        raise ValueError(f"{name} must be an int >= {minimum}, got {value!r}")
    return int(value)


@dataclass(frozen=True)
class Conv:
    """A convolutional layer: ``activation(conv_forward(x, weight, bias, ...))``.

    >>> Conv(3, 8, (3, 5), padding=(1, 2), activation="relu").options()
    {'stride': 1, 'padding': (1, 2), 'dilation': 1, 'groups': 1, 'padding_mode': 'zeros'}
    """

    in_channels: int
    out_channels: int
    kernel_size: Any
    _: KW_ONLY
    stride: Any = 1
    padding: Any = 0
    dilation: Any = 1
    groups: int = 1
    bias: bool = True
    activation: str | None = None
    padding_mode: str = "zeros"

    def __post_init__(self):
        set_ = object.__setattr__
        set_(self, "in_channels", _whole("in_channels", self.in_channels, 1))
        set_(self, "out_channels", _whole("out_channels", self.out_channels, 1))
        set_(self, "kernel_size", _positive_axes("kernel_size", self.kernel_size, 1))
        set_(self, "stride", _positive_axes("stride", self.stride, 1))
        set_(self, "padding", _positive_axes("padding", self.padding, 0))
        set_(self, "dilation", _positive_axes("dilation", self.dilation, 1))
        set_(self, "groups", _whole("groups", self.groups, 1))
        if self.in_channels % self.groups or self.out_channels % self.groups:
            raise ValueError(
                f"groups must divide in_channels ({self.in_channels}) and out_channels "
                f"({self.out_channels}), got groups={self.groups}"
            )
        if not isinstance(self.bias, bool):
            raise ValueError(f"bias must be True or False, got {self.bias!r}")
        if self.activation not in ACTIVATIONS:
            raise ValueError(
                f"activation must be None, 'relu', 'sigmoid' or 'tanh', got {self.activation!r}"
            )
        set_(self, "padding_mode", check_padding_mode(self.padding_mode))

    def options(self) -> dict:
        """The keyword arguments of :func:`conv_forward` and :func:`conv_backward`."""
        return {
            "stride": self.stride,
            "padding": self.padding,
            "dilation": self.dilation,
            "groups": self.groups,
            "padding_mode": self.padding_mode,
        }


@dataclass(frozen=True)
class Pool:
    """A pooling layer: :func:`~convtui.engine.pool.pool` channel by channel.

    >>> Pool(2)
    Pool(size=2, stride=None, padding=0, kind='max', count_include_pad=True)
    """

    size: Any
    _: KW_ONLY
    stride: Any = None
    padding: Any = 0
    kind: str = "max"
    count_include_pad: bool = True

    def __post_init__(self):
        set_ = object.__setattr__
        set_(self, "size", _positive_axes("size", self.size, 1))
        if self.stride is not None:
            set_(self, "stride", _positive_axes("stride", self.stride, 1))
        set_(self, "padding", _positive_axes("padding", self.padding, 0))
        sizes, paddings = ((v,) * 3 if _is_int(v) else v for v in (self.size, self.padding))
        if any(2 * p > k for p, k in zip(paddings, sizes)):
            raise ValueError(
                f"padding must be at most half the window size (as in PyTorch), got padding "
                f"{self.padding} for size {self.size}"
            )
        if self.kind not in POOL_KINDS:
            raise ValueError(f"kind must be 'max' or 'avg', got {self.kind!r}")

    def options(self) -> dict:
        """The keyword arguments of :func:`pool` and :func:`pool_backward`."""
        return {
            "stride": self.stride,
            "padding": self.padding,
            "kind": self.kind,
            "count_include_pad": self.count_include_pad,
        }


class Counts(NamedTuple):
    """A count per layer and their total."""

    per_layer: tuple[int, ...]
    total: int


def _activate(name, z):
    if name is None:
        return z
    if name == "relu":
        return np.maximum(z, 0)
    if name == "sigmoid":
        return 1 / (1 + np.exp(-z))
    return np.tanh(z)


def _activation_gradient(name, grad, z, a):
    """dL/dz from dL/da, for a = activation(z)."""
    if name is None:
        return grad
    if name == "relu":
        return np.where(z > 0, grad, 0.0)
    if name == "sigmoid":
        return grad * a * (1 - a)
    return grad * (1 - a * a)


class Stack:
    """Layers applied in order, with their weights, forward and backward passes.

    Parameters
    ----------
    layers : sequence of Conv and Pool
        Each convolution's ``in_channels`` must be the channels the layer before it
        gives (pooling keeps them).
    seed : int
        Draws the weights and biases, uniform in ±1/√fan_in as PyTorch's ``Conv2d``
        does (its distribution, not its numbers), in float64.
    ndim : int, optional
        Spatial axes (1-3) when every kernel and pooling size is one int; otherwise
        read from the tuples.  Default 2 (images).

    Attributes
    ----------
    weights : list
        Per layer ``(weight, bias)``: ``weight`` of shape ``(C_out, C_in // groups,
        *kernel)``, ``bias`` of shape ``(C_out,)`` or None; ``(None, None)`` for a
        pooling layer.  The arrays may be edited in place.

    Examples
    --------
    >>> stack = Stack([Conv(1, 2, 3, activation="relu"), Pool(2)], ndim=1)
    >>> stack.shapes((1, 1, 8))                  # 8 → 6 (kernel 3) → 3 (pool 2)
    ((1, 1, 8), (1, 2, 6), (1, 2, 3))
    >>> stack.parameters()                       # 2 filters of 3 weights, 2 biases
    8
    >>> stack.multiply_adds((1, 1, 8))           # 2 maps of 6 outputs, 3 each
    Counts(per_layer=(36, 0), total=36)
    >>> stack.receptive_field().field            # 1 + 2, then + 1·1
    4
    """

    def __init__(self, layers, *, seed: int = 0, ndim: int | None = None):
        layers = tuple(layers)
        if not layers or not all(isinstance(layer, Conv | Pool) for layer in layers):
            raise ValueError(f"layers must be a non-empty list of Conv and Pool, got {layers!r}")
        self.layers = layers
        self.ndim = self._spatial_axes(ndim)
        channels = None
        for number, layer in enumerate(layers, start=1):
            if isinstance(layer, Conv):
                if channels is not None and layer.in_channels != channels:
                    raise ValueError(
                        f"layers: layer {number} takes {layer.in_channels} channels but the "
                        f"layer before it gives {channels}"
                    )
                channels = layer.out_channels
        rng = np.random.default_rng(seed)
        self.weights: list = []
        for layer in layers:
            if isinstance(layer, Pool):
                self.weights.append((None, None))
                continue
            kernel = self._axes(layer.kernel_size)
            shape = (layer.out_channels, layer.in_channels // layer.groups) + kernel
            bound = 1 / math.sqrt(math.prod(shape[1:]))
            weight = rng.uniform(-bound, bound, shape)
            bias = rng.uniform(-bound, bound, layer.out_channels) if layer.bias else None
            self.weights.append((weight, bias))
        self._saved: list | None = None

    def _spatial_axes(self, ndim) -> int:
        found = set()
        for layer in self.layers:
            values = (
                (layer.kernel_size, layer.stride, layer.padding, layer.dilation)
                if isinstance(layer, Conv)
                else (layer.size, layer.stride, layer.padding)
            )
            found |= {len(v) for v in values if isinstance(v, tuple)}
        if ndim is not None:
            found.add(_whole("ndim", ndim, 1))
        if len(found) > 1:
            raise ValueError(
                f"layers must agree on the number of spatial axes, got {sorted(found)}"
            )
        result = found.pop() if found else 2
        if result > 3:
            raise ValueError(f"ndim must be 1, 2 or 3, got {result}")
        return result

    def _axes(self, value) -> tuple[int, ...]:
        return (value,) * self.ndim if _is_int(value) else tuple(value)

    def __repr__(self) -> str:
        inner = ",\n".join(f"    {layer!r}" for layer in self.layers)
        return f"Stack([\n{inner}\n], ndim={self.ndim})"

    # ------------------------------------------------------------ shapes and counts

    def _batched(self, input_shape) -> tuple[int, ...]:
        shape = tuple(input_shape)
        if len(shape) == self.ndim + 1:
            shape = (1,) + shape
        if len(shape) != self.ndim + 2 or not all(_is_int(v) and v >= 1 for v in shape):
            raise ValueError(
                f"input_shape must be (N, C, *spatial) or (C, *spatial) with {self.ndim} "
                f"spatial axes of positive ints, got {tuple(input_shape)!r}"
            )
        return tuple(int(v) for v in shape)

    def _plans(self, input_shape) -> list[tuple[tuple[int, ...], Geometry]]:
        """Each layer's output shape and geometry, checked against the input's shape."""
        shape = self._batched(input_shape)
        plans = []
        for number, (layer, (weight, _)) in enumerate(zip(self.layers, self.weights), 1):
            try:
                if isinstance(layer, Conv):
                    options = layer.options()
                    g = _layer_plan(
                        shape,
                        weight.shape,
                        options["stride"],
                        options["padding"],
                        options["dilation"],
                        options["groups"],
                        options["padding_mode"],
                    )
                    channels = layer.out_channels
                else:
                    g = _pool_plan(shape, layer.size, layer.stride, layer.padding, layer.kind, True)
                    channels = shape[1]
            except ValueError as exc:
                raise ValueError(f"input_shape {shape}: layer {number}: {exc}") from None
            shape = (shape[0], channels) + g.output_shape
            plans.append((shape, g))
        return plans

    def shapes(self, input_shape) -> tuple[tuple[int, ...], ...]:
        """The input's shape, then every layer's output shape."""
        return (self._batched(input_shape),) + tuple(s for s, _ in self._plans(input_shape))

    def parameters_per_layer(self) -> tuple[int, ...]:
        """Weights plus biases of each layer (0 for pooling)."""
        return tuple(
            0 if weight is None else weight.size + (0 if bias is None else bias.size)
            for weight, bias in self.weights
        )

    def parameters(self) -> int:
        """How many numbers the stack learns: every weight and every bias."""
        return sum(self.parameters_per_layer())

    def multiply_adds(self, input_shape) -> Counts:
        """Multiply-adds of a forward pass: per output, ``C_in // groups × taps`` each.

        The bias is one add per output, the activation and pooling none: not counted.
        """
        counts = []
        for (shape, _), (weight, _) in zip(self._plans(input_shape), self.weights):
            counts.append(0 if weight is None else math.prod(shape) * math.prod(weight.shape[1:]))
        return Counts(tuple(counts), sum(counts))

    def receptive_field(self) -> ReceptiveField:
        """The receptive field and jump of every layer (a pooling size counts as a kernel)."""
        kernels, strides, dilations, paddings, kinds = [], [], [], [], []
        for layer in self.layers:
            if isinstance(layer, Conv):
                kernels.append(layer.kernel_size)
                strides.append(layer.stride)
                dilations.append(layer.dilation)
                kinds.append("conv")
            else:
                kernels.append(layer.size)
                strides.append(layer.size if layer.stride is None else layer.stride)
                dilations.append(1)
                kinds.append("pool")
            paddings.append(layer.padding)
        return receptive_field(kernels, strides, dilations, paddings, kinds=kinds)

    # ------------------------------------------------------------ forward and backward

    def forward(self, x):
        """The stack's output for ``x`` of shape ``(N, C, *spatial)``; keeps what backward needs."""
        x = np.asarray(x)
        self._plans(x.shape)  # every layer's shape checked before anything runs
        saved = []
        a = x
        for layer, (weight, bias) in zip(self.layers, self.weights):
            if isinstance(layer, Conv):
                z = conv_forward(a, weight, bias, **layer.options())
                out = _activate(layer.activation, z)
                saved.append((a, z, out))
            else:
                out = pool(a, layer.size, **layer.options())
                saved.append((a, None, out))
            a = out
        self._saved = saved
        return a

    def backward(self, grad_output):
        """Gradients through the last :meth:`forward`: ``(grad_input, per-layer grads)``.

        The per-layer list holds ``(grad_weight, grad_bias)`` for each layer, in order
        (``grad_bias`` None without a bias; ``(None, None)`` for pooling).
        """
        if self._saved is None:
            raise ValueError("backward needs a forward pass first: call forward(x)")
        grad = np.asarray(grad_output)
        last = self._saved[-1][2]
        if grad.shape != last.shape:
            raise ValueError(
                f"grad_output must have the output's shape {last.shape}, got {grad.shape}"
            )
        grads: list = [None] * len(self.layers)
        for number in range(len(self.layers) - 1, -1, -1):
            layer, (weight, bias) = self.layers[number], self.weights[number]
            a, z, out = self._saved[number]
            if isinstance(layer, Pool):
                grad = pool_backward(a, grad, layer.size, **layer.options())
                grads[number] = (None, None)
                continue
            grad = _activation_gradient(layer.activation, grad, z, out)
            grad, grad_weight, grad_bias = conv_backward(grad, a, weight, **layer.options())
            grads[number] = (grad_weight, grad_bias if bias is not None else None)
        return grad, grads
