"""Training tasks for the app, the lessons and ``convtui train --task NAME``.

Each task makes its inputs in code from a seed (nothing is downloaded), applies a
known kernel to get the target, and says how to train a kernel to find it again:

>>> data = make_task("shift", seed=3)
>>> data.true_kernel                       # correlate, mode "same": y[i] = x[i-1]
array([1., 0., 0.])
>>> *_, last = data.train()
>>> np.round(last.kernel, 3)
array([ 1., -0.,  0.])
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from .train import TrainState, forward, train_kernel

__all__ = ["GEOMETRY", "TASKS", "Task", "TaskData", "make_task"]

GEOMETRY = (
    "stride",
    "dilation",
    "padding",
    "padding_mode",
    "convention",
    "transposed",
    "output_padding",
)
"""The options of a task that shape its convolution (the rest say how to train)."""


@dataclass(frozen=True)
class TaskData:
    """One instance of a task: inputs, target, and how to train on them.

    ``options`` are keyword arguments for :func:`~convtui.train_kernel`;
    ``true_kernel`` and ``true_bias`` made the target.
    """

    name: str
    x: np.ndarray
    target: np.ndarray
    kernel_shape: tuple[int, ...]
    options: dict[str, Any]
    true_kernel: np.ndarray
    true_bias: float = 0.0
    seed: int = 0

    def train(self, **overrides) -> Iterator[TrainState]:
        """Run :func:`~convtui.train_kernel` with the task's options (``overrides`` win)."""
        options = {"seed": self.seed, **self.options, **overrides}
        return train_kernel(self.x, self.target, self.kernel_shape, **options)


@dataclass(frozen=True)
class Task:
    """A named recipe: ``make(seed)`` builds a :class:`TaskData`.

    ``kernel`` is the kernel that makes the target, or a function drawing a kernel
    and a bias from the seeded generator; ``options`` go to ``train_kernel``.
    """

    name: str
    title: str
    summary: str
    kernel: tuple | Callable[[np.random.Generator], tuple[np.ndarray, float]]
    inputs: Callable[[np.random.Generator], np.ndarray]
    options: dict[str, Any] = field(default_factory=dict)

    def make(self, seed: int = 0) -> TaskData:
        rng = np.random.default_rng(seed)
        x = self.inputs(rng)
        if callable(self.kernel):  # drawn from the same seed, after the inputs
            kernel, bias = self.kernel(rng)
        else:
            kernel, bias = np.array(self.kernel, dtype=np.float64), 0.0
        geometry = {key: self.options[key] for key in GEOMETRY if key in self.options}
        mode, flip = self.options.get("mode", "valid"), self.options.get("flip", False)
        target = forward(x, kernel, bias, mode=mode, flip=flip, **geometry)[0]
        return TaskData(
            name=self.name,
            x=x,
            target=target,
            kernel_shape=kernel.shape,
            options=dict(self.options),
            true_kernel=kernel,
            true_bias=bias,
            seed=seed,
        )


# ---------------------------------------------------------------- generated inputs


def _noise(rng: np.random.Generator) -> np.ndarray:
    return rng.standard_normal((8, 64))


def _wander(rng: np.random.Generator) -> np.ndarray:
    """A slow random walk with noise on top: something worth smoothing."""
    return 0.3 * np.cumsum(rng.standard_normal((8, 64)), axis=1) + rng.standard_normal((8, 64))


def _steps(rng: np.random.Generator) -> np.ndarray:
    """Piecewise-constant signals: a few random levels with sharp jumps between them."""
    signals = np.empty((8, 64))
    for row in signals:
        cuts = np.sort(rng.choice(np.arange(4, 60), size=rng.integers(3, 7), replace=False))
        levels = rng.uniform(-1.0, 1.0, len(cuts) + 1)
        row[:] = np.repeat(levels, np.diff(np.concatenate([[0], cuts, [64]])))
    return signals


def _shapes(rng: np.random.Generator, size: int = 28) -> np.ndarray:
    """Images of bright rectangles and discs on a dark background, with a little grain."""
    images = np.zeros((8, size, size))
    rows, cols = np.indices((size, size))
    for image in images:
        for _ in range(rng.integers(2, 5)):
            top, left = rng.integers(0, size - 6, 2)
            height, width = rng.integers(5, size // 2, 2)
            if rng.random() < 0.5:
                image[top : top + height, left : left + width] = rng.uniform(0.4, 1.0)
            else:
                radius = min(height, width) / 2
                inside = (rows - top - radius) ** 2 + (cols - left - radius) ** 2 <= radius**2
                image[inside] = rng.uniform(0.4, 1.0)
    return images + 0.05 * rng.standard_normal(images.shape)


def _smooth(rng: np.random.Generator) -> np.ndarray:
    """Sums of a few slow sines: signals that linear interpolation upsamples well."""
    t = np.arange(32)
    waves = rng.uniform(0.5, 2.0, (8, 3, 1)) * np.sin(
        rng.uniform(0.05, 0.4, (8, 3, 1)) * t + rng.uniform(0, 2 * np.pi, (8, 3, 1))
    )
    return waves.sum(axis=1)


def _hidden_kernel(rng: np.random.Generator):
    """Five weights and a bias with one decimal, easy to read off when recovered."""
    return np.round(rng.uniform(-1.0, 1.0, 5), 1), float(np.round(rng.uniform(-0.5, 0.5), 1))


# ---------------------------------------------------------------- the registry

TASKS: dict[str, Task] = {
    task.name: task
    for task in [
        Task(
            "hidden",
            "Recover a hidden kernel",
            "Random signals went through an unknown 5-tap kernel and bias; find them.",
            _hidden_kernel,
            _noise,
            {"mode": "valid", "optimizer": "adam", "steps": 3000},
        ),
        Task(
            "smooth",
            "Learn a smoothing filter",
            "The target is a 5-sample moving average of noisy wandering signals.",
            (0.2, 0.2, 0.2, 0.2, 0.2),
            _wander,
            {"mode": "same", "bias": False, "optimizer": "adam", "lr": 0.02, "steps": 1500},
        ),
        Task(
            "edges",
            "Learn an edge detector",
            "Step signals in, their jumps out: y[i] = x[i+1] - x[i-1].",
            (-1.0, 0.0, 1.0),
            _steps,
            {"mode": "same", "bias": False, "optimizer": "adam", "lr": 0.02, "steps": 1500},
        ),
        Task(
            "shift",
            "Learn a one-sample shift",
            "The target is the input delayed by one sample: y[i] = x[i-1].",
            (1.0, 0.0, 0.0),
            _noise,
            {"mode": "same", "bias": False, "optimizer": "sgd", "steps": 300},
        ),
        Task(
            "blur",
            "Learn a 2-D blur",
            "Images of shapes through a 3×3 binomial blur; learn the 3×3 kernel.",
            ((1 / 16, 2 / 16, 1 / 16), (2 / 16, 4 / 16, 2 / 16), (1 / 16, 2 / 16, 1 / 16)),
            _shapes,
            {"mode": "same", "bias": False, "optimizer": "adam", "lr": 0.01, "steps": 1500},
        ),
        Task(
            "sobel",
            "Learn a Sobel edge kernel",
            "Images of shapes in, their horizontal gradient (Sobel x) out.",
            ((-1.0, 0.0, 1.0), (-2.0, 0.0, 2.0), (-1.0, 0.0, 1.0)),
            _shapes,
            {"mode": "valid", "bias": False, "optimizer": "adam", "lr": 0.05, "steps": 1500},
        ),
        Task(
            "upsample",
            "Learn 2× upsampling (linear interpolation)",
            "Stride-2 transposed conv: y[2i] = x[i], y[2i+1] = (x[i] + x[i+1]) / 2.",
            (0.5, 1.0, 0.5),
            _smooth,
            {
                "mode": "valid",
                "transposed": True,
                "stride": 2,
                "padding": 1,
                "output_padding": 1,
                "bias": False,
                "optimizer": "adam",
                "lr": 0.05,
                "steps": 1500,
            },
        ),
    ]
}


def make_task(name: str, seed: int = 0) -> TaskData:
    """Build the task ``name`` (a key of :data:`TASKS`) from ``seed``.

    >>> sorted(TASKS)
    ['blur', 'edges', 'hidden', 'shift', 'smooth', 'sobel', 'upsample']
    >>> make_task("sobel").x.shape
    (8, 28, 28)
    """
    if not isinstance(name, str) or name not in TASKS:
        listed = ", ".join(repr(n) for n in TASKS)
        raise ValueError(f"task must be one of {listed}; got {name!r}")
    return TASKS[name].make(seed)
