"""Headless subcommands of ``convtui``: one module each, with ``run(argv) -> int``.

They share the engine, the parser of the app's editors (``parse_array``) and the
helpers below: reading arrays from arguments (a leading minus is a number, not an
option), formatting numbers, and colour only when writing to a terminal.
"""

from __future__ import annotations

import math
import os
import re
import sys

import numpy as np

from ..engine.trace import format_number as _format_number

__all__ = [
    "colour",
    "format_array",
    "format_number",
    "input_text",
    "jsonable",
    "parse_args",
    "protect_negative_numbers",
]

# "-1,2", "-.5 3", "-inf", "-1 2; 3 4": array text, never an option
_LOOKS_NUMERIC = re.compile(r"-(\d|\.\d|inf|nan)", re.IGNORECASE)


def protect_negative_numbers(argv: list[str]) -> list[str]:
    """Let argparse take ``-1,2`` as a value: a leading space hides the minus.

    argparse treats any argument that starts with ``-`` as an option unless it is
    a plain number; the array parser skips the space.

    >>> protect_negative_numbers(["-1,2", "5,6", "--stride", "2", "-"])
    [' -1,2', '5,6', '--stride', '2', '-']
    """
    return [" " + a if _LOOKS_NUMERIC.match(a) else a for a in argv]


def parse_args(parser, argv: list[str]):
    """The parsed arguments, or the exit code 0 when ``--help`` was printed.

    Arrays may start with a minus (see :func:`protect_negative_numbers`), and
    options may come before, between or after X and W.
    """
    try:
        return parser.parse_intermixed_args(protect_negative_numbers(argv))
    except SystemExit as exit_:  # --help, after printing it
        return int(exit_.code or 0)


def input_text(text: str, flag: str = "X") -> str:
    """``text`` itself, or standard input's text when it is ``-``."""
    from .args import UsageError

    if text.strip() != "-":
        return text
    if sys.stdin is None or sys.stdin.isatty():
        raise UsageError(f"{flag}: '-' reads the array from standard input, but none is piped")
    text = sys.stdin.read()
    if not text.strip():
        raise UsageError(f"{flag}: standard input is empty")
    return text


def format_number(v) -> str:
    """Short, exact for whole numbers: ``5``, ``0.5``, ``0.333333``, ``nan``, ``1+2j``.

    The engine's :func:`~convtui.engine.trace.format_number` with 6 digits.

    >>> [format_number(v) for v in (5, 2.0, 1 / 3, float("nan"), 1 + 2j)]
    ['5', '2', '0.333333', 'nan', '1+2j']
    """
    return _format_number(v, digits=6)


def format_array(a) -> str:
    """1-D on one line separated by spaces; 2-D as aligned rows; 3-D as blocks.

    >>> print(format_array(np.array([5, 16, 34])))
    5 16 34
    >>> print(format_array(np.array([[1, -2], [30, 4]])))
     1 -2
    30  4
    """
    a = np.asarray(a)
    if a.ndim <= 1:
        return " ".join(format_number(v) for v in a.reshape(-1))
    if a.ndim == 2:
        cells = [[format_number(v) for v in row] for row in a]
        width = max((len(c) for row in cells for c in row), default=0)
        return "\n".join(" ".join(c.rjust(width) for c in row) for row in cells)
    return "\n\n".join(f"[{i}]\n{format_array(block)}" for i, block in enumerate(a))


def colour(text: str, style: str, stream=None) -> str:
    """``text`` in an ANSI style when ``stream`` is a terminal and NO_COLOR is unset."""
    stream = sys.stdout if stream is None else stream
    codes = {"bold": "1", "dim": "2", "red": "31", "green": "32", "yellow": "33", "cyan": "36"}
    isatty = getattr(stream, "isatty", None)
    if os.environ.get("NO_COLOR") or not (isatty and isatty()):
        return text
    return f"\x1b[{codes[style]}m{text}\x1b[0m"


def _plain(value):
    """Nested lists for JSON; strict JSON has no NaN or infinity, so they become text."""
    if isinstance(value, list):
        return [_plain(v) for v in value]
    if isinstance(value, float) and not math.isfinite(value):
        return str(value)
    return value


def jsonable(a):
    """An array as strict-JSON data: nested lists, complex as ``{"re", "im"}``.

    >>> jsonable(np.array([1.0, np.nan])), jsonable(np.array([1j]))
    ([1.0, 'nan'], {'re': [0.0], 'im': [1.0]})
    """
    a = np.asarray(a)
    if a.dtype.kind == "c":
        return {"re": jsonable(a.real), "im": jsonable(a.imag)}
    return _plain(a.tolist())
