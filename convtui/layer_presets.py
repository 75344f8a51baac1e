"""Examples for the layer screen: a layer (or a small stack) and an input for it.

Headless (numpy only).  Each preset gives an input ``(C_in, *spatial)``, the layers'
options as plain dicts (the keys of :class:`convtui.app.layer_state.LayerSpec`), and
the weights and biases when they teach something (None: seeded random small integers).

>>> [p.name for p in LAYER_PRESETS][:4]
['edge-detector bank', '1×1 channel mixing', 'depthwise', 'RGB picture']
>>> LAYER_PRESETS[3].x.shape                 # the scene sample, split into R, G, B
(3, 256, 256)
>>> LAYER_PRESETS[0].x.shape, LAYER_PRESETS[0].weights[0].shape
((1, 8, 8), (4, 1, 3, 3))
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

__all__ = ["LAYER_PRESETS", "LayerPreset"]


@dataclass(frozen=True, eq=False)
class LayerPreset:
    name: str
    note: str
    make_input: Callable[[], np.ndarray]  # called when the preset is chosen (a file is read)
    layers: tuple[dict, ...]
    weights: tuple | None = None  # one array per layer, or None for seeded random ones
    biases: tuple | None = None

    @property
    def x(self) -> np.ndarray:
        """The input, ``(C_in, *spatial)``."""
        return self.make_input()


def _square() -> np.ndarray:
    """An 8×8 picture, one channel: a bright 4×4 square (9) on a dark background (0)."""
    image = np.zeros((1, 8, 8), dtype=np.int64)
    image[0, 2:6, 2:6] = 9
    return image


def _colours() -> np.ndarray:
    """A 3-channel (red, green, blue) 6×6 picture with small whole numbers 0..3."""
    return np.random.default_rng(7).integers(0, 4, size=(3, 6, 6))


@functools.cache
def _scene() -> np.ndarray:
    """The ``scene`` sample picture split into its red, green and blue planes (3×256×256)."""
    from .files import read_array  # Pillow loads when this preset is chosen

    scene = read_array("sample:scene", channels=True)
    scene.setflags(write=False)  # one copy for every use
    return scene


def _seeded(seed: int, low: int, high: int, shape) -> Callable[[], np.ndarray]:
    return lambda: np.random.default_rng(seed).integers(low, high, size=shape)


_EDGES = np.array(
    [
        [[[1, 0, -1], [1, 0, -1], [1, 0, -1]]],  # vertical edges: left minus right
        [[[1, 1, 1], [0, 0, 0], [-1, -1, -1]]],  # horizontal edges: top minus bottom
        [[[0, 1, 0], [1, -4, 1], [0, 1, 0]]],  # Laplacian: the centre against its neighbours
        [[[0, 0, 0], [0, 1, 0], [0, 0, 0]]],  # identity: the picture itself
    ]
)
_ALL = np.ones((3, 1, 1), dtype=np.int64)  # the same 3×3 kernel on every channel
_RED_MINUS_BLUE = np.zeros((3, 3, 3), dtype=np.int64)
_RED_MINUS_BLUE[0, 1, 1], _RED_MINUS_BLUE[2, 1, 1] = 1, -1
_GREEN_BLUR = np.zeros((3, 3, 3), dtype=np.int64)
_GREEN_BLUR[1] = 1
_RGB_FILTERS = np.stack(
    [_ALL * _EDGES[0, 0], _ALL * _EDGES[1, 0], _RED_MINUS_BLUE, _GREEN_BLUR]
)  # (4, 3, 3, 3)
_MIXING = np.array([[[[1]], [[1]], [[1]]], [[[1]], [[0]], [[-1]]]])  # brightness, red − blue

LAYER_PRESETS = (
    LayerPreset(
        "edge-detector bank",
        "four 3×3 filters on one picture: vertical and horizontal edges, Laplacian, identity",
        _square,
        (dict(out_channels=4, kernel=3, padding=1, activation="relu"),),
        (_EDGES,),
        (np.zeros(4, dtype=np.int64),),
    ),
    LayerPreset(
        "1×1 channel mixing",
        "a 1×1 convolution mixes channels at each pixel: r+g+b and r−b",
        _colours,
        (dict(out_channels=2, kernel=1, activation="identity"),),
        (_MIXING,),
        (np.zeros(2, dtype=np.int64),),
    ),
    LayerPreset(
        "depthwise",
        "groups = C_in: each filter reads one channel only (the matrix's other blocks are 0)",
        _colours,
        (dict(out_channels=3, kernel=3, groups=3, activation="relu"),),
    ),
    LayerPreset(
        "RGB picture",
        "the scene sample split into red, green and blue: edges in brightness, red − blue, "
        "a green blur; max pooling",
        _scene,
        (dict(out_channels=4, kernel=3, padding=1, activation="relu", pool="max"),),
        (_RGB_FILTERS,),
        (np.zeros(4, dtype=np.int64),),
    ),
    LayerPreset(
        "two-layer stack",
        "two 3×3 layers with 2×2 max pooling between: pick a cell, see what it depends on",
        _seeded(3, 0, 4, (1, 12, 12)),
        (
            dict(out_channels=2, kernel=3, activation="relu", pool="max"),
            dict(out_channels=2, kernel=3, activation="relu"),
        ),
    ),
    LayerPreset(
        "three-layer stack",
        "kernels 3,3,3 with strides 1,2,1 and dilations 1,1,2: a field of 13 inputs, jump 2",
        _seeded(5, -2, 3, (1, 24)),
        (
            dict(out_channels=2, kernel=3, activation="relu"),
            dict(out_channels=2, kernel=3, stride=2, activation="relu"),
            dict(out_channels=1, kernel=3, dilation=2, activation="identity"),
        ),
    ),
)
"""The presets, in the order ``n`` steps through them."""
