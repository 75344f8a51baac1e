"""The layer screen's state and its edits: a pure reducer, no Textual.

A :class:`LayerState` holds an input of 1-3 channels, ``(C_in, L)`` or ``(C_in, H, W)``,
and a stack of 1-3 layers.  Each layer (a :class:`LayerSpec`) is a convolution with
``C_out`` filters of ``C_in/groups × k (× k)`` weights, a bias per filter, an
activation and optional 2×2 (or 2-long) pooling:

    z = conv(x, W) + b,   a = activation(z),   out = pool(a)

The weights are seeded random small integers (``-2..2``, biases ``-1..1``), so every
sum on the screen can be checked by hand; a preset may set its own.  The cursor is
one output cell (``feature``, ``cell``) of the chosen ``layer``'s ``z``.

>>> state = LayerState.start(np.array([[1, 2, 3, 4]]), out_channels=1)
>>> state = reduce(state, SetWeights(0, np.array([[[1, 0, -1]]]), np.array([1])))
>>> state.result.layers[0].z.tolist()     # 1 - 3 + 1, 2 - 4 + 1
[[-1.0, -1.0]]
>>> state.result.layers[0].out.tolist()   # ReLU
[[0.0, 0.0]]
>>> reduce(state, Bump("kernel", 3)).error.split(":")[0]
'kernel 6 is bigger than the padded input'
"""

from __future__ import annotations

import functools
import math
from dataclasses import asdict, dataclass, field, fields, replace

import numpy as np

from ..engine.geometry import Geometry, plan
from ..engine.layer import conv_forward
from ..engine.pool import pool
from ..engine.receptive import receptive_field
from ..engine.train import ACTIVATIONS

__all__ = [
    "ACTIVATION_NAMES",
    "LIMITS",
    "POOLS",
    "POOL_SIZE",
    "WORKER_THRESHOLD",
    "Bump",
    "Computed",
    "Cycle",
    "Edit",
    "FocusLayer",
    "GoToCell",
    "LayerResult",
    "LayerSpec",
    "LayerState",
    "LayerValues",
    "MoveCell",
    "NextFeature",
    "Pick",
    "Reseed",
    "SetDepth",
    "SetInput",
    "SetWeights",
    "ToggleDepthwise",
    "CellSum",
    "ChannelSum",
    "FieldRow",
    "cell_sum",
    "compute",
    "field_rows",
    "random_weights",
    "reduce",
    "same_numbers",
]

ACTIVATION_NAMES = tuple(ACTIVATIONS)  # identity, relu, tanh, sigmoid (the engine's)
POOLS = ("none", "max", "avg")
POOL_SIZE = 2  # pooling windows are 2 (× 2) with stride 2
LIMITS = {
    "out_channels": (1, 8),
    "kernel": (1, 7),
    "stride": (1, 4),
    "dilation": (1, 4),
    "padding": (0, 3),
}
WEIGHTS = (-2, 2)  # seeded random weights are whole numbers in this range
BIASES = (-1, 1)
MAX_LAYERS = 3
# Above this many multiply-adds the screen computes in a worker thread, so keys never wait
WORKER_THRESHOLD = 2_000_000


@dataclass(frozen=True)
class LayerSpec:
    """One layer's options (its weights live in :class:`LayerState`)."""

    out_channels: int = 2
    kernel: int = 3
    stride: int = 1
    dilation: int = 1
    padding: int = 0
    groups: int = 1
    activation: str = "relu"
    pool: str = "none"

    @property
    def label(self) -> str:
        return "none" if self.activation == "identity" else self.activation


@dataclass(frozen=True, eq=False)
class LayerValues:
    """One layer's numbers for one input: what it read, ``z``, ``a`` and ``out``."""

    x: np.ndarray  # (C_in, *spatial): the layer's input
    z: np.ndarray  # (C_out, *conv_out): conv + bias
    a: np.ndarray  # activation(z)
    out: np.ndarray  # pooled a (a itself without pooling)
    geometry: Geometry  # of the convolution's spatial axes


@dataclass(frozen=True, eq=False)
class LayerResult:
    layers: tuple[LayerValues, ...]


@dataclass(frozen=True, eq=False)
class LayerState:
    """Everything the layer screen draws: input, layers, weights, cursor, result.

    ``result`` is None while a worker computes it.  ``error`` says why the last edit
    was refused (the state is then the last good one).
    """

    x: np.ndarray
    specs: tuple[LayerSpec, ...]
    weights: tuple[np.ndarray, ...]
    biases: tuple[np.ndarray, ...]
    name: str = "playground"
    seed: int = 0
    layer: int = 0
    feature: int = 0
    cell: tuple[int, ...] = (0,)
    result: LayerResult | None = field(default=None, repr=False)
    error: str = ""

    @classmethod
    def start(
        cls,
        x,
        specs=None,
        *,
        out_channels: int = 2,
        weights=None,
        biases=None,
        name: str = "playground",
        seed: int = 0,
    ) -> LayerState:
        """A checked state for input ``x`` (``(C_in, *spatial)``), computed unless big.

        ``weights``/``biases`` (one array per layer, or None for seeded random ones).
        ValueError if the input or layers do not fit.
        """
        x = _check_input(x)
        specs = tuple(specs) if specs is not None else (LayerSpec(out_channels=out_channels),)
        weights = list(weights) if weights is not None else [None] * len(specs)
        biases = list(biases) if biases is not None else [None] * len(specs)
        state = cls(x, specs, (), (), name=name, seed=seed, cell=(0,) * (x.ndim - 1))
        state = _with_weights(state, specs, weights, biases)
        _shapes(state)
        return _computed(state)

    def to_dict(self) -> dict:
        """The state as plain JSON data (a session file's ``layer`` section)."""
        return {
            "x": self.x.tolist(),
            "name": self.name,
            "seed": self.seed,
            "layers": [asdict(spec) for spec in self.specs],
            "weights": [w.tolist() for w in self.weights],
            "biases": [b.tolist() for b in self.biases],
            "layer": self.layer,
            "feature": self.feature,
            "cell": list(self.cell),
        }

    @classmethod
    def from_dict(cls, data) -> LayerState:
        """The state :meth:`to_dict` wrote; ValueError naming what is wrong.

        >>> state = LayerState.start(np.array([[1, 2, 3, 4]]))
        >>> again = LayerState.from_dict(state.to_dict())
        >>> np.array_equal(again.result.layers[0].z, state.result.layers[0].z)
        True
        >>> LayerState.from_dict({"x": [[1, 2]], "layers": [{"kernel": "big"}]})
        Traceback (most recent call last):
        ValueError: layer 1's kernel must be an int, got 'big'
        """
        if not isinstance(data, dict):
            raise ValueError(f"the layer section must be an object, got {type(data).__name__}")
        try:
            x = np.array(data.get("x"), dtype=float)
        except (TypeError, ValueError):
            raise ValueError("x must be a list of channels of numbers") from None
        x = x.astype(np.int64) if np.all(x == np.round(x)) and x.size else x
        layers = data.get("layers")
        if not isinstance(layers, list) or not 1 <= len(layers) <= MAX_LAYERS:
            raise ValueError(f"layers must be a list of 1 to {MAX_LAYERS} objects")
        specs = [_spec_from_dict(index, layer) for index, layer in enumerate(layers)]
        weights = data.get("weights")
        biases = data.get("biases")
        if weights is not None:
            try:
                weights = [np.array(w, dtype=float) for w in weights]
                biases = [np.array(b, dtype=float) for b in biases]
            except (TypeError, ValueError):
                raise ValueError("weights and biases must be lists of numbers") from None
            if len(weights) != len(specs) or len(biases) != len(specs):
                raise ValueError("weights and biases must have one entry per layer")
        seed = data.get("seed", 0)
        if not isinstance(seed, int) or isinstance(seed, bool) or seed < 0:
            raise ValueError(f"seed must be a whole number >= 0, got {seed!r}")
        name = str(data.get("name", "session"))
        state = cls.start(x, specs, weights=weights, biases=biases, name=name, seed=seed)
        layer = data.get("layer", 0)
        if isinstance(layer, int) and 0 <= layer < len(specs):
            state = reduce(state, FocusLayer(layer))
        cell = data.get("cell")
        if isinstance(cell, list) and all(isinstance(c, int) and c >= 0 for c in cell):
            if len(cell) == x.ndim - 1:
                state = _clamp_cursor(replace(state, cell=tuple(cell)))
        feature = data.get("feature", 0)
        if isinstance(feature, int) and 0 <= feature < state.spec.out_channels:
            state = replace(state, feature=feature)
        return state

    # -- readings ------------------------------------------------------------------

    @property
    def in_channels(self) -> int:
        return self.x.shape[0]

    @property
    def spec(self) -> LayerSpec:
        """The chosen layer's options."""
        return self.specs[self.layer]

    def layer_input_shape(self, index: int) -> tuple[int, ...]:
        """``(C, *spatial)`` of layer ``index``'s input."""
        return _shapes(self)[index][0]

    def geometry(self, index: int) -> Geometry:
        """The geometry of layer ``index``'s convolution (spatial axes)."""
        return _shapes(self)[index][1]

    @property
    def work(self) -> int:
        """Multiply-adds of the whole stack's convolutions (the cost of computing it)."""
        total = 0
        for index, spec in enumerate(self.specs):
            c_in = self.layer_input_shape(index)[0]
            g = self.geometry(index)
            total += g.size * spec.out_channels * (c_in // spec.groups) * math.prod(g.kernel_shape)
        return total


# ---------------------------------------------------------------- edits


class Edit:
    """A change a learner (or a preset, a session) asks the layer screen for."""


@dataclass(frozen=True)
class Bump(Edit):
    """One more (or fewer) ``out_channels``, ``kernel``, ``stride``, ``dilation``, ``padding``."""

    name: str
    by: int


@dataclass(frozen=True)
class Cycle(Edit):
    """The next ``activation`` or ``pool`` of the chosen layer."""

    name: str


@dataclass(frozen=True)
class ToggleDepthwise(Edit):
    """groups = C_in (each filter reads one channel) ↔ groups = 1."""


@dataclass(frozen=True)
class SetDepth(Edit):
    """Add (``by=1``) or remove (``by=-1``) the last layer."""

    by: int


@dataclass(frozen=True)
class FocusLayer(Edit):
    by: int


@dataclass(frozen=True)
class MoveCell(Edit):
    """Move the cursor ``by`` cells along ``axis`` (-1: the last axis, wrapping into rows)."""

    by: int
    axis: int = -1


@dataclass(frozen=True)
class GoToCell(Edit):
    """The first (``where=0``) or last (``where=-1``) cell of the feature map."""

    where: int


@dataclass(frozen=True)
class Pick(Edit):
    """The cursor on ``cell`` of feature map ``feature`` (a click); out of range: ignored."""

    feature: int
    cell: tuple[int, ...]


@dataclass(frozen=True)
class NextFeature(Edit):
    by: int


@dataclass(frozen=True)
class Reseed(Edit):
    """New seeded random weights and biases for every layer."""

    seed: int


@dataclass(frozen=True, eq=False)
class SetWeights(Edit):
    layer: int
    weight: np.ndarray
    bias: np.ndarray


@dataclass(frozen=True, eq=False)
class SetInput(Edit):
    """A new input (and optionally layers and weights: a preset or a saved session)."""

    x: np.ndarray
    name: str
    specs: tuple[LayerSpec, ...] | None = None
    weights: tuple | None = None
    biases: tuple | None = None


@dataclass(frozen=True, eq=False)
class Computed(Edit):
    """A worker's result for ``state`` (dropped if the state has moved on)."""

    state: LayerState
    result: LayerResult


def reduce(state: LayerState, edit: Edit) -> LayerState:
    """The state after ``edit``; a refused edit keeps ``state`` and says why in ``error``."""
    if isinstance(edit, Computed):
        if state.result is not None or not same_numbers(edit.state, state):
            return state  # the state has moved on (a cursor move keeps the numbers)
        return replace(state, result=edit.result)
    if isinstance(edit, MoveCell | GoToCell | NextFeature | FocusLayer | Pick):
        return _move(state, edit)
    try:
        new = _apply(state, edit)
        if new is state:
            return state
        _shapes(new)
    except ValueError as exc:
        return replace(state, error=str(exc))
    return _computed(_clamp_cursor(new))


def same_numbers(a: LayerState, b: LayerState) -> bool:
    """Whether ``a`` and ``b`` compute the same numbers (they may differ in the cursor)."""
    return (
        a.x is b.x
        and a.specs == b.specs
        and all(v is w for v, w in zip(a.weights + a.biases, b.weights + b.biases))
    )


def _apply(state: LayerState, edit: Edit) -> LayerState:
    specs = list(state.specs)
    i = state.layer
    if isinstance(edit, Bump):
        if edit.name not in LIMITS:
            raise ValueError(f"name must be one of {sorted(LIMITS)}, got {edit.name!r}")
        low, high = LIMITS[edit.name]
        # depthwise filters come in whole groups: one more per channel
        step = specs[i].groups if edit.name == "out_channels" else 1
        value = getattr(specs[i], edit.name) + edit.by * step
        if not low <= value <= high:
            raise ValueError(f"{edit.name} stays within {low}..{high} here")
        specs[i] = replace(specs[i], **{edit.name: value})
        return _with_weights(state, specs)
    if isinstance(edit, Cycle):
        options = {"activation": ACTIVATION_NAMES, "pool": POOLS}[edit.name]
        now = options.index(getattr(specs[i], edit.name))
        specs[i] = replace(specs[i], **{edit.name: options[(now + 1) % len(options)]})
        return _with_weights(state, specs)
    if isinstance(edit, ToggleDepthwise):
        c_in = state.layer_input_shape(i)[0]
        if specs[i].groups > 1:
            specs[i] = replace(specs[i], groups=1)
        else:
            out = max(c_in, specs[i].out_channels // c_in * c_in)
            specs[i] = replace(specs[i], groups=c_in, out_channels=min(out, 8))
        return _with_weights(state, specs)
    if isinstance(edit, SetDepth):
        if not 1 <= len(specs) + edit.by <= MAX_LAYERS:
            raise ValueError(f"a stack here has 1 to {MAX_LAYERS} layers")
        if edit.by > 0:
            specs.append(LayerSpec(out_channels=specs[-1].out_channels))
        else:
            specs.pop()
        return replace(_with_weights(state, specs), layer=min(state.layer, len(specs) - 1))
    if isinstance(edit, Reseed):
        fresh = replace(state, seed=edit.seed, weights=(), biases=())
        return _with_weights(fresh, specs)
    if isinstance(edit, SetWeights):
        weights, biases = list(state.weights), list(state.biases)
        weights[edit.layer] = np.asarray(edit.weight)
        biases[edit.layer] = np.asarray(edit.bias)
        _check_weights(state, edit.layer, weights[edit.layer], biases[edit.layer])
        return replace(state, weights=tuple(weights), biases=tuple(biases))
    if isinstance(edit, SetInput):
        x = _check_input(edit.x)
        specs = list(edit.specs) if edit.specs is not None else specs
        # a stack opens on its last layer: the one whose field spans the others
        last = len(specs) - 1 if edit.specs is not None else 0
        fresh = replace(state, x=x, name=edit.name, layer=last, feature=0, cell=(0,) * (x.ndim - 1))
        if edit.specs is not None or x.shape[0] != state.in_channels:
            fresh = replace(fresh, weights=(), biases=())
        weights = list(edit.weights) if edit.weights is not None else None
        biases = list(edit.biases) if edit.biases is not None else None
        return _with_weights(fresh, specs, weights, biases)
    raise TypeError(f"not a layer edit: {edit!r}")


def _move(state: LayerState, edit: Edit) -> LayerState:
    if isinstance(edit, FocusLayer):
        layer = min(max(state.layer + edit.by, 0), len(state.specs) - 1)
        return _clamp_cursor(replace(state, layer=layer, error=""))
    shape = state.geometry(state.layer).output_shape
    if isinstance(edit, NextFeature):
        feature = (state.feature + edit.by) % state.spec.out_channels
        return replace(state, feature=feature, error="")
    if isinstance(edit, Pick):
        inside = len(edit.cell) == len(shape) and all(0 <= c < n for c, n in zip(edit.cell, shape))
        if not inside or not 0 <= edit.feature < state.spec.out_channels:
            return state
        return replace(state, feature=edit.feature, cell=tuple(edit.cell), error="")
    if isinstance(edit, GoToCell):
        flat = 0 if edit.where == 0 else math.prod(shape) - 1
        return replace(state, cell=tuple(int(i) for i in np.unravel_index(flat, shape)))
    axis = edit.axis % len(shape)
    if axis == len(shape) - 1:  # along a row, into the next row at its end
        flat = np.ravel_multi_index(state.cell, shape) + edit.by
        flat = min(max(flat, 0), math.prod(shape) - 1)
        cell = tuple(int(i) for i in np.unravel_index(flat, shape))
    else:
        cell = list(state.cell)
        cell[axis] = min(max(cell[axis] + edit.by, 0), shape[axis] - 1)
        cell = tuple(cell)
    return replace(state, cell=cell, error="")


def _clamp_cursor(state: LayerState) -> LayerState:
    shape = state.geometry(state.layer).output_shape
    cell = tuple(min(c, n - 1) for c, n in zip(state.cell, shape))
    feature = min(state.feature, state.spec.out_channels - 1)
    return replace(state, cell=cell, feature=feature, error="")


# ---------------------------------------------------------------- weights and checks


def _spec_from_dict(index: int, data) -> LayerSpec:
    if not isinstance(data, dict):
        raise ValueError(f"layer {index + 1} must be an object, got {type(data).__name__}")
    known = {f.name for f in fields(LayerSpec)}
    unknown = sorted(set(data) - known)
    if unknown:
        raise ValueError(
            f"layer {index + 1} has unknown options {unknown}: known are {sorted(known)}"
        )
    for name, value in data.items():
        if name in ("activation", "pool"):
            accepted = ACTIVATION_NAMES if name == "activation" else POOLS
            if value not in accepted:
                raise ValueError(
                    f"layer {index + 1}'s {name} must be one of {accepted}, got {value!r}"
                )
        elif not isinstance(value, int) or isinstance(value, bool):
            raise ValueError(f"layer {index + 1}'s {name} must be an int, got {value!r}")
    spec = LayerSpec(**data)
    for name, (low, high) in LIMITS.items():
        if not low <= getattr(spec, name) <= high:
            raise ValueError(f"layer {index + 1}'s {name} must be within {low}..{high}")
    if spec.groups < 1:
        raise ValueError(f"layer {index + 1}'s groups must be at least 1")
    return spec


def _check_input(x) -> np.ndarray:
    x = np.asarray(x)
    if x.dtype.kind not in "biuf":
        raise ValueError(f"x must hold real numbers, got dtype {x.dtype}")
    if x.ndim not in (2, 3) or not 1 <= x.shape[0] <= 3 or 0 in x.shape:
        raise ValueError(
            "x must be (C_in, L) or (C_in, H, W) with 1 to 3 channels and no empty axis, "
            f"got shape {x.shape}"
        )
    return x


def random_weights(seed: int, layer: int, shape) -> tuple[np.ndarray, np.ndarray]:
    """Seeded small whole numbers: weights in -2..2, biases in -1..1 (one per filter).

    >>> w, b = random_weights(0, 0, (2, 1, 3))
    >>> w.shape, b.shape, int(abs(w).max()) <= 2, int(abs(b).max()) <= 1
    ((2, 1, 3), (2,), True, True)
    """
    rng = np.random.default_rng((seed, layer))
    weight = rng.integers(WEIGHTS[0], WEIGHTS[1] + 1, size=shape)
    bias = rng.integers(BIASES[0], BIASES[1] + 1, size=shape[0])
    return weight, bias


def _weight_shape(spec: LayerSpec, c_in: int, ndim: int) -> tuple[int, ...]:
    return (spec.out_channels, c_in // spec.groups) + (spec.kernel,) * ndim


def _with_weights(state: LayerState, specs, weights=None, biases=None) -> LayerState:
    """The state with ``specs``; a layer whose weight shape changed gets fresh weights."""
    ndim = state.x.ndim - 1
    c_in = state.in_channels
    new_w, new_b = [], []
    for index, spec in enumerate(specs):
        if spec.groups > 1 and c_in % spec.groups:
            spec = replace(spec, groups=1)
            specs[index] = spec
        shape = _weight_shape(spec, c_in, ndim)
        given = weights[index] if weights is not None and index < len(weights) else None
        if given is not None:
            w, b = np.asarray(given), np.asarray(biases[index])
        elif index < len(state.weights) and state.weights[index].shape == shape:
            w, b = state.weights[index], state.biases[index]
        else:
            w, b = random_weights(state.seed, index, shape)
        new_w.append(w)
        new_b.append(b)
        c_in = spec.out_channels
    state = replace(state, specs=tuple(specs), weights=tuple(new_w), biases=tuple(new_b))
    for index in range(len(specs)):
        _check_weights(state, index, new_w[index], new_b[index])
    return state


def _check_weights(state: LayerState, index: int, weight, bias) -> None:
    spec = state.specs[index]
    c_in = state.in_channels if index == 0 else state.specs[index - 1].out_channels
    shape = _weight_shape(spec, c_in, state.x.ndim - 1)
    if np.shape(weight) != shape or np.shape(bias) != shape[:1]:
        raise ValueError(
            f"layer {index + 1}'s weight must be {shape} and its bias ({shape[0]},), "
            f"got {np.shape(weight)} and {np.shape(bias)}"
        )


def _shapes(state: LayerState) -> list:
    """Per layer: its input's ``(C, *spatial)`` and its convolution's geometry."""
    return _plan_layers(state.x.shape, state.specs)


@functools.lru_cache(maxsize=64)
def _plan_layers(shape, specs) -> list:
    rows = []
    for index, spec in enumerate(specs):
        spatial = shape[1:]
        reach = spec.dilation * (spec.kernel - 1) + 1
        if any(n + 2 * spec.padding < reach for n in spatial):
            raise ValueError(
                f"kernel {spec.kernel} is bigger than the padded input: layer {index + 1} would "
                f"have no output (input {'×'.join(map(str, spatial))}, padding {spec.padding}, "
                f"dilation {spec.dilation})"
            )
        g = plan(
            spatial,
            (spec.kernel,) * len(spatial),
            "valid",
            flip=False,
            stride=spec.stride,
            dilation=spec.dilation,
            padding=spec.padding,
            convention="torch",
        )
        rows.append((tuple(shape), g))
        out = g.output_shape
        if spec.pool != "none":
            if any(n < POOL_SIZE for n in out):
                raise ValueError(
                    f"layer {index + 1}'s output {'×'.join(map(str, out))} is too small "
                    f"for {POOL_SIZE}-wide pooling"
                )
            out = plan(out, (POOL_SIZE,) * len(out), "valid", stride=POOL_SIZE).output_shape
        shape = (spec.out_channels, *out)
    return rows


def _computed(state: LayerState) -> LayerState:
    """The state with its result, computed now unless it is big (then None: a worker's)."""
    if state.work > WORKER_THRESHOLD:
        return replace(state, result=None)
    return replace(state, result=compute(state))


# ---------------------------------------------------------------- the numbers


def activate(name: str, z: np.ndarray) -> np.ndarray:
    """``name``'s activation of ``z`` (the training engine's functions)."""
    forward = ACTIVATIONS[name][0]
    return z if forward is None else forward(z)


def compute(state: LayerState) -> LayerResult:
    """Every layer's input, z, activation and pooled output (float64)."""
    x = state.x.astype(np.float64)
    layers = []
    for index, spec in enumerate(state.specs):
        z = conv_forward(
            x[None],
            state.weights[index],
            state.biases[index],
            stride=spec.stride,
            padding=spec.padding,
            dilation=spec.dilation,
            groups=spec.groups,
        )[0]
        a = activate(spec.activation, z)
        out = a if spec.pool == "none" else pool(a[None], POOL_SIZE, kind=spec.pool)[0]
        layers.append(LayerValues(x, z, a, out, state.geometry(index)))
        x = out
    return LayerResult(tuple(layers))


# ---------------------------------------------------------------- readings for the panes


@dataclass(frozen=True)
class ChannelSum:
    """One input channel's part of an output: its taps and their sum."""

    channel: int
    weights: tuple[float, ...]
    inputs: tuple[float, ...]  # 0 where a tap sits on padding
    total: float


@dataclass(frozen=True)
class CellSum:
    """How one output of one feature map is made: z = Σ channel sums + bias, a = f(z)."""

    channels: tuple[ChannelSum, ...]
    bias: float
    z: float
    a: float
    activation: str


def cell_sum(state: LayerState) -> CellSum:
    """The cursor's output as numbers to check by hand (the chosen layer, feature, cell).

    >>> state = LayerState.start(np.array([[1, 2, 3, 4]]), out_channels=1)
    >>> state = reduce(state, SetWeights(0, np.array([[[1, 0, -1]]]), np.array([1])))
    >>> s = cell_sum(state)
    >>> s.channels[0].weights, s.channels[0].inputs, s.channels[0].total, s.bias, s.z, s.a
    ((1.0, 0.0, -1.0), (1.0, 2.0, 3.0), -2.0, 1.0, -1.0, 0.0)
    """
    index, spec, f = state.layer, state.spec, state.feature
    if state.result is None:
        raise ValueError("the layer is still being computed")
    x = state.result.layers[index].x
    g = state.geometry(index)
    per_group = x.shape[0] // spec.groups
    first = f // (spec.out_channels // spec.groups) * per_group
    window = g.window(state.cell)
    taps = np.stack(np.meshgrid(*[np.array(r) for r in window], indexing="ij"), axis=0)
    taps = taps.reshape(len(window), -1)
    inside = np.all((taps >= 0) & (taps < np.array(x.shape[1:])[:, None]), axis=0)
    clipped = tuple(np.clip(t, 0, n - 1) for t, n in zip(taps, x.shape[1:]))
    channels = []
    for c in range(first, first + per_group):
        weights = state.weights[index][f, c - first].astype(np.float64).ravel()
        inputs = np.where(inside, x[c][clipped], 0.0)
        channels.append(
            ChannelSum(c, tuple(weights.tolist()), tuple(inputs.tolist()), float(weights @ inputs))
        )
    bias = float(state.biases[index][f])
    z = sum(ch.total for ch in channels) + bias
    a = float(activate(spec.activation, np.float64(z)))
    return CellSum(tuple(channels), bias, z, a, spec.label)


@dataclass(frozen=True)
class FieldRow:
    """One stage of the walk back from the cursor to the stack's input."""

    what: str  # "layer 2 conv", "layer 1 pool"
    kernel: int
    stride: int
    dilation: int
    field: int  # receptive field, in input cells, after this stage
    jump: int  # input cells between neighbouring outputs of this stage
    cells: tuple[tuple[int, int], ...]  # (first, last) per axis this stage's input reads
    length: tuple[int, ...]  # this stage's input, per axis
    exact: tuple[tuple[int, ...], ...] | None = None  # the stack's input only: every cell read


def field_rows(state: LayerState) -> list[FieldRow]:
    """From the stack's input up to the cursor's layer: r, j, and the cells read.

    The formula: r_l = r_(l-1) + (k_l − 1)·d_l·j_(l-1), j_l = j_(l-1)·s_l, r_0 = j_0 = 1;
    a pooling stage counts as a kernel of its size with stride its size.  ``cells``
    are the cells of each stage's input the cursor's output depends on (the
    engine's :func:`~convtui.engine.receptive.receptive_field`, padding included).

    >>> state = LayerState.start(np.zeros((1, 24)), [LayerSpec(kernel=3),
    ...     LayerSpec(kernel=3, stride=2), LayerSpec(kernel=3, dilation=2)])
    >>> [(r.field, r.jump) for r in field_rows(reduce(state, FocusLayer(2)))]
    [(3, 1), (5, 2), (13, 2)]
    """
    stages = []  # (what, kernel, stride, dilation, padding, kind)
    for index in range(state.layer + 1):
        spec = state.specs[index]
        conv = (spec.kernel, spec.stride, spec.dilation, spec.padding, "conv")
        stages.append((f"layer {index + 1} conv", *conv))
        if spec.pool != "none" and index < state.layer:
            stages.append((f"layer {index + 1} pool", POOL_SIZE, POOL_SIZE, 1, 0, "pool"))
    ndim = state.x.ndim - 1
    columns = list(zip(*stages))
    field = receptive_field(
        *[[(v,) * ndim for v in column] for column in columns[1:5]], kinds=columns[5]
    )
    size = state.x.shape[1:]
    ranges = field.ranges_of(state.cell, input_length=size)
    lengths = field.lengths(size)
    exact = field.cells_of(state.cell, input_length=size)
    rows = []
    for number, ((what, k, s, d, _, _), row) in enumerate(zip(stages, field.layers)):
        cells = tuple((start, stop - 1) for start, stop in ranges[number])  # per axis
        read = exact if number == 0 else None
        rows.append(
            FieldRow(what, k, s, d, row.field[0], row.jump[0], cells, lengths[number], read)
        )
    return rows
