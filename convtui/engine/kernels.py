"""Kernels by name: ``sobel-x``, ``box 5``, ``gaussian 3``, ``moving-average 4`` ...

Every named kernel is written as cross-correlation applies it, as CNN libraries
(and ``scipy.ndimage.correlate``, OpenCV's ``filter2D`` and ``Sobel``) do: tap
``[0, 0]`` meets the top-left input of each window.  True convolution (convtui's
default, without ``--correlate``) flips it first, which turns ``sobel-x``,
``sobel-y``, ``emboss`` and ``difference`` into their negatives (mirror images);
the symmetric ones are the same either way.

Integers wherever the textbook kernel is made of integers (the blurs too: ``box
N`` is N×N ones, sum N²; ``gaussian N`` is binomial weights, sum 4**(N-1)), so the
arithmetic stays exact; ``moving-average N`` is the only fraction, 1/N each.
"""

from __future__ import annotations

import re
from math import comb

import numpy as np

__all__ = [
    "NAMED_KERNELS",
    "kernel_help",
    "looks_like_a_name",
    "named_kernel",
    "unknown_name_message",
]

DEFAULT_SIZE = 3
MAX_SIZE = {"box": 255, "gaussian": 31, "moving-average": 100_000}
# gaussian 31: the largest binomial weight squared, C(30, 15)**2, still fits int64

NAMED_KERNELS = {
    "identity": "the input unchanged",
    "box N": "N×N ones (sum N²): a blur; ÷N² for the mean",
    "gaussian N": "N×N binomial weights (sum 4^(N-1)): a soft blur",
    "sharpen": "5 in the middle, -1 beside it: edges stand out",
    "sobel-x": "change left to right (+ where it brightens)",
    "sobel-y": "change top to bottom (+ where it brightens)",
    "laplacian": "the middle against its 4 neighbours",
    "emboss": "a relief, lit toward the bottom right",
    "edge": "8 in the middle, -1 around: every edge",
    "moving-average N": "1-D: N weights of 1/N; also 'mean N'",
    "difference": "1-D: each value minus the one before (np.diff)",
}
"""Name → what it is; the values are in :func:`kernel_help`."""

_FIXED = {
    "identity": [[0, 0, 0], [0, 1, 0], [0, 0, 0]],
    "sharpen": [[0, -1, 0], [-1, 5, -1], [0, -1, 0]],
    "sobel-x": [[-1, 0, 1], [-2, 0, 2], [-1, 0, 1]],
    "sobel-y": [[-1, -2, -1], [0, 0, 0], [1, 2, 1]],
    "laplacian": [[0, 1, 0], [1, -4, 1], [0, 1, 0]],
    "emboss": [[-2, -1, 0], [-1, 1, 1], [0, 1, 2]],
    "edge": [[-1, -1, -1], [-1, 8, -1], [-1, -1, -1]],
    "difference": [-1, 1],
}

# what a learner may type, separators and case aside → the name
_ALIASES = {
    "identity": "identity",
    "box": "box",
    "blur": "box",
    "gaussian": "gaussian",
    "gauss": "gaussian",
    "sharpen": "sharpen",
    "sobelx": "sobel-x",
    "sobely": "sobel-y",
    "laplacian": "laplacian",
    "laplace": "laplacian",
    "emboss": "emboss",
    "edge": "edge",
    "movingaverage": "moving-average",
    "mean": "moving-average",
    "average": "moving-average",
    "difference": "difference",
    "diff": "difference",
}
_SIZED = ("box", "gaussian", "moving-average")
_TEXT = re.compile(r"\s*([a-z][a-z_\- ]*?)[\s_\-]*(\d+)?\s*", re.IGNORECASE)


def _binomial(n: int) -> np.ndarray:
    return np.array([comb(n - 1, k) for k in range(n)], dtype=np.int64)


def named_kernel(text: str) -> np.ndarray | None:
    """The kernel a name gives, or None when ``text`` is not a kernel's name.

    Separators and case do not matter: ``"box 5"``, ``"box5"``, ``"Box-5"``;
    ``"sobel x"``, ``"sobel_x"``.  A size N follows ``box``, ``gaussian`` and
    ``moving-average`` (or ``mean``); without one it is 3.

    Raises
    ------
    ValueError
        A kernel's name with a size it cannot take (``box 0``, ``sobel-x 5``).

    Examples
    --------
    >>> named_kernel("sobel-x")
    array([[-1,  0,  1],
           [-2,  0,  2],
           [-1,  0,  1]])
    >>> named_kernel("gaussian 3")
    array([[1, 2, 1],
           [2, 4, 2],
           [1, 2, 1]])
    >>> named_kernel("mean 4")
    array([0.25, 0.25, 0.25, 0.25])
    >>> named_kernel("1, 2, 3") is None
    True
    """
    if not isinstance(text, str):
        return None
    match = _TEXT.fullmatch(text)
    if match is None:
        return None
    key = re.sub(r"[\s_\-]", "", match.group(1)).lower()
    name = _ALIASES.get(key)
    if name is None:
        return None
    size = match.group(2)
    if name not in _SIZED:
        if size is not None:
            raise ValueError(f"kernel {name} takes no size, got {text.strip()!r}")
        return np.array(_FIXED[name], dtype=np.int64)
    n = DEFAULT_SIZE if size is None else int(size)
    if not 1 <= n <= MAX_SIZE[name]:
        raise ValueError(f"kernel {name} N takes N from 1 to {MAX_SIZE[name]:,}, got {n}")
    if name == "box":
        return np.ones((n, n), dtype=np.int64)
    if name == "gaussian":
        weights = _binomial(n)
        return np.multiply.outer(weights, weights)
    return np.full(n, 1 / n)


def looks_like_a_name(text: str) -> bool:
    """Text that starts with a letter and is not a number word (nan, inf)."""
    stripped = text.strip().lstrip("[+-").lower() if isinstance(text, str) else ""
    return bool(stripped[:1].isalpha()) and not re.match(r"(nan|inf)(inity)?\b", stripped)


def unknown_name_message(text: str) -> str:
    """``unknown kernel name 'gausian'; did you mean gaussian N? Named kernels: ...``."""
    import difflib

    word = text.strip().split()[0] if text.strip() else text
    names = [name.split()[0] for name in NAMED_KERNELS]
    close = difflib.get_close_matches(word.lower(), names, n=2)
    message = f"unknown kernel name {word!r}"
    if close:
        message += f" (did you mean {' or '.join(close)}?)"
    return f"{message}; named kernels: {', '.join(NAMED_KERNELS)}; or numbers such as 1, 2, 1"


def kernel_help() -> str:
    """Every named kernel with its values (the 3-sized ones for the sized names).

    >>> print(kernel_help().splitlines()[0])
    named kernels (cross-correlation: tap [0, 0] meets each window's top left):
    """
    lines = ["named kernels (cross-correlation: tap [0, 0] meets each window's top left):"]
    for name, description in NAMED_KERNELS.items():
        values = named_kernel(name.replace(" N", ""))
        assert values is not None
        if values.dtype.kind == "f":
            shown = " ".join(f"{v:.3g}" for v in values)
        elif values.ndim == 1:
            shown = " ".join(str(v) for v in values)
        else:
            shown = "; ".join(" ".join(str(v) for v in row) for row in values)
        lines.append(f"  {name:<17} {shown:<28} {description}")
    return "\n".join(lines)
