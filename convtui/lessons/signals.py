"""Named inputs a lesson can ask for instead of typing numbers: ``sine(64)``,
``noisy(64)``, ``image()``, ``volume(4)``.

Everything is generated here with numpy, so nothing is downloaded and every lesson
gets the same numbers every time.
"""

from __future__ import annotations

import re

import numpy as np

__all__ = ["GENERATORS", "generate"]


def sine(n: int = 64, periods: float = 2.0) -> np.ndarray:
    """``n`` samples of a sine wave, rounded to 3 decimals so the numbers stay readable.

    >>> sine(4, 1).tolist()
    [0.0, 1.0, 0.0, -1.0]
    """
    return np.round(np.sin(2 * np.pi * periods * np.arange(n) / n), 3)


def step(n: int = 12, at: int | None = None) -> np.ndarray:
    """Zeros, then ones from index ``at`` (the middle by default).

    >>> step(6).tolist()
    [0, 0, 0, 1, 1, 1]
    """
    at = n // 2 if at is None else at
    return (np.arange(n) >= at).astype(np.int64)


def box(n: int = 5) -> np.ndarray:
    """``n`` ones: a box function (and the number of ways one die shows each face).

    >>> box(3).tolist()
    [1, 1, 1]
    """
    return np.ones(n, dtype=np.int64)


def ramp(n: int = 8) -> np.ndarray:
    """``1, 2, …, n``.

    >>> ramp(4).tolist()
    [1, 2, 3, 4]
    """
    return np.arange(1, n + 1, dtype=np.int64)


def noise(n: int = 64, seed: int = 0) -> np.ndarray:
    """Random samples in [-1, 1), rounded to 2 decimals, reproducible by seed.

    >>> noise(3, 1).shape
    (3,)
    """
    return np.round(np.random.default_rng(seed).uniform(-1, 1, n), 2)


def noisy(n: int = 64, periods: float = 2.0, amount: float = 0.4, seed: int = 0) -> np.ndarray:
    """A sine wave with noise added, rounded to 2 decimals, reproducible by seed.

    The noise is :func:`noise` scaled by ``amount``, so the same seed gives the same
    wiggles every time.

    >>> noisy(4, 1, 0).tolist()
    [0.0, 1.0, 0.0, -1.0]
    """
    return np.round(sine(n, periods) + amount * noise(n, seed), 2)


def volume(size: int = 4) -> np.ndarray:
    """A small 3-D grey-level block: a bright cube (9) inside a dark one (0).

    >>> v = volume(4)
    >>> v.shape, int(v[1, 1, 1]), int(v[0, 0, 0]), int(v.sum())
    ((4, 4, 4), 9, 0, 72)
    """
    block = np.zeros((size, size, size), dtype=np.int64)
    inner = slice(size // 4, 3 * size // 4)
    block[inner, inner, inner] = 9
    return block


def image(size: int = 10) -> np.ndarray:
    """A small grey-level picture: a bright square on a dark ground with a lit corner.

    Values are 0 to 9 so every cell prints as one digit.

    >>> image(10).shape
    (10, 10)
    >>> int(image(10)[4, 4]), int(image(10)[0, 0])
    (9, 0)
    """
    picture = np.zeros((size, size), dtype=np.int64)
    picture[size // 4 : 3 * size // 4, size // 4 : 3 * size // 4] = 9
    rows, cols = np.indices((size, size))
    picture[(rows + cols) > 2 * size - 4] = 5  # a diagonal edge in the corner
    return picture


GENERATORS = {
    "sine": sine,
    "step": step,
    "box": box,
    "ramp": ramp,
    "noise": noise,
    "image": image,
    "noisy": noisy,
    "volume": volume,
}

_CALL = re.compile(r"^\s*([a-z]+)\s*\(\s*([^()]*)\)\s*$")


def generate(text: str) -> np.ndarray | None:
    """The array for ``name(args)`` when ``text`` names a generator, else None.

    Raises ValueError for a known name with bad arguments.

    >>> generate("ramp(3)").tolist()
    [1, 2, 3]
    >>> generate("1, 2, 3") is None
    True
    """
    match = _CALL.match(text)
    if match is None:
        return None
    name, args = match.groups()
    if name not in GENERATORS:
        known = ", ".join(f"{k}(…)" for k in GENERATORS)
        raise ValueError(f"unknown generator {name!r}; known: {known}")
    values = []
    for part in filter(None, (a.strip() for a in args.split(","))):
        try:
            values.append(int(part))
        except ValueError:
            try:
                values.append(float(part))
            except ValueError:
                raise ValueError(f"{name}() takes numbers, got {part!r}") from None
    try:
        result = GENERATORS[name](*values)
    except TypeError as exc:
        raise ValueError(f"{name}(): {exc}") from None
    if result.size == 0 or result.size > 1 << 16:
        raise ValueError(f"{name}() must give between 1 and 65536 numbers")
    return result
