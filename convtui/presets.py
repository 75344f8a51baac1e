"""The seed example and the examples a learner can load with one key.

Headless (numpy and the engine only): the app's playground, its command line and
``make_app`` all start from :data:`SEED`, and pair an input given alone with
:func:`kernel_for` its number of axes.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

import numpy as np

from .engine.setup import Setup

__all__ = ["PRESETS", "Preset", "SEED", "SamplePreset", "kernel_for"]


@dataclass(frozen=True)
class Preset:
    name: str
    note: str
    setup: Setup


def _image() -> np.ndarray:
    """An 8×8 picture: a bright square on a dark background, with a dim corner."""
    image = np.zeros((8, 8), dtype=np.int64)
    image[2:6, 2:6] = 9
    image[0, 0] = 3
    return image


_SINE = np.round(np.sin(np.linspace(0, 4 * np.pi, 32)) + 0.3 * np.cos(np.arange(32) * 2.7), 2)
_STEP = np.array([0] * 8 + [1] * 8)
_BLUR = np.array([[1, 2, 1], [2, 4, 2], [1, 2, 1]]) / 16
_SHARPEN = np.array([[0, -1, 0], [-1, 5, -1], [0, -1, 0]])
_SOBEL = np.array([[1, 0, -1], [2, 0, -2], [1, 0, -1]])


class SamplePreset:
    """A preset on a shipped sample (:mod:`convtui.samples`) and a named kernel,
    slid as CNNs do (cross-correlation: named kernels are written that way round).

    The sample is read the first time ``setup`` is asked for, so that importing the
    presets reads no file (and no image library).
    """

    def __init__(self, name: str, note: str, sample: str, kernel: str, mode: str = "same"):
        self.name, self.note = name, note
        self.sample, self.kernel, self.mode = sample, kernel, mode

    @cached_property
    def setup(self) -> Setup:
        from .engine.kernels import named_kernel
        from .files import read_array

        x, w = read_array(f"sample:{self.sample}"), named_kernel(self.kernel)
        return Setup(x, w, self.mode, flip=False)

    def __repr__(self) -> str:
        return f"SamplePreset({self.name!r}, sample:{self.sample}, {self.kernel!r})"


SEED = Setup([1, 2, 3, 4], [5, 6, 7])
"""The seed example: x = 1 2 3 4, w = 5 6 7, full convolution (the playground's first setup)."""


def kernel_for(ndim: int) -> np.ndarray:
    """The kernel that goes with an input given without one: the seed's in 1-D, a blur above.

    >>> kernel_for(1)
    array([5, 6, 7])
    >>> kernel_for(2)
    array([[1, 2, 1],
           [2, 4, 2],
           [1, 2, 1]])
    """
    if ndim == 1:
        return np.array(SEED.kernel)
    kernel = np.array([1, 2, 1])
    for _ in range(ndim - 1):
        kernel = np.multiply.outer(kernel, [1, 2, 1])
    return kernel


PRESETS: tuple[Preset | SamplePreset, ...] = (
    Preset("seed example", "x = 1 2 3 4, w = 5 6 7, full convolution", SEED),
    Preset(
        "sine + smoothing", "a noisy sine wave through a 5-tap box", Setup(_SINE, [0.2] * 5, "same")
    ),
    Preset(
        "step + edge detector",
        "w = 1 -1 answers where the signal jumps",
        Setup(_STEP, [1, -1], "valid"),
    ),
    Preset("image + blur", "a 3×3 Gaussian blur of an 8×8 square", Setup(_image(), _BLUR, "same")),
    Preset("image + sharpen", "5 at the centre, -1 around it", Setup(_image(), _SHARPEN, "same")),
    Preset(
        "image + Sobel",
        "horizontal gradient: the square's left and right edges",
        Setup(_image(), _SOBEL, "same"),
    ),
    SamplePreset(
        "shapes + Sobel x",
        "the shipped 128×128 shapes, cross-correlated: bright where they brighten left to right",
        "shapes",
        "sobel-x",
    ),
    SamplePreset(
        "scene + blur",
        "the shipped 256×256 scene through a 5×5 Gaussian blur",
        "scene",
        "gaussian 5",
    ),
    SamplePreset(
        "recording + moving average",
        "the shipped noisy sine (2000 samples) through a 25-sample moving average",
        "noisy-sine",
        "moving-average 25",
        mode="same",
    ),
    Preset("box ∗ box", "two boxes convolve into a triangle", Setup([1, 1, 1, 1], [1, 1, 1, 1])),
)
