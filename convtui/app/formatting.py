"""Numbers and arrays as short text, the same way in every pane and editor."""

from __future__ import annotations

import numpy as np

from ..engine.trace import format_number

__all__ = ["array_text", "number"]


def number(value) -> str:
    """A short label for one number: whole numbers as they are, others to 3 digits.

    The engine's :func:`~convtui.engine.trace.format_number` with 3 digits.

    >>> number(3), number(2.0), number(0.0625), number(1 / 3), number(1 + 2j)
    ('3', '2', '0.0625', '0.333', '1+2j')
    """
    return format_number(value, digits=3)


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
