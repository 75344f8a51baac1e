"""Numbers and arrays as short text, the same way in every pane and editor."""

from __future__ import annotations

import numpy as np

__all__ = ["array_text", "number"]


def number(value) -> str:
    """A short label for one number: ints as they are, floats to 3 significant digits.

    >>> number(3), number(2.0), number(0.0625), number(1 / 3), number(1 + 2j)
    ('3', '2', '0.0625', '0.333', '1+2j')
    """
    if isinstance(value, bool | np.bool_):
        return str(int(value))
    if isinstance(value, int | np.integer):
        return str(int(value))
    if isinstance(value, complex | np.complexfloating):
        value = complex(value)
        if value.imag == 0:
            return number(value.real)
        return f"{value:.3g}".strip("()")
    value = float(value)
    if value.is_integer() and abs(value) < 1e9:
        return str(int(value))
    text = f"{value:.3g}"
    return "0" if text == "-0" else text


def array_text(array) -> str:
    """Editor text for a 1-D (``1, 2, 3``) or 2-D (``1 2; 3 4``) array.

    >>> array_text(np.array([1, 2, 3]))
    '1, 2, 3'
    >>> array_text(np.array([[1, 2], [3, 4.5]]))
    '1 2; 3 4.5'
    """
    array = np.asarray(array)
    if array.ndim == 1:
        return ", ".join(number(v) for v in array.tolist())
    if array.ndim == 2:
        return "; ".join(" ".join(number(v) for v in row) for row in array.tolist())
    return repr(array.tolist())
