"""Text → array, for editors and the command line.  A hand-written scanner; never eval.

Accepted: ``1, 2, 3``, ``1 2 3``, ``[1, 2, 3]``; rows split by ``;`` or new lines
(``1 2; 3 4``); nested brackets ``[[1, 2], [3, 4]]`` (up to three levels).  Numbers
are ints, decimals, exponents, ``nan``, ``inf`` and complex ``2j`` / ``1+2j``.
The scanner is one pass over the text, so time is linear in its length.
Where a kernel is typed, ``parse_array(text, kernel=True)`` also takes a named
kernel (``sobel-x``, ``box 5``: :mod:`convtui.engine.kernels`).
"""

from __future__ import annotations

import re

import numpy as np

from .kernels import looks_like_a_name, named_kernel, unknown_name_message

__all__ = ["MAX_ELEMENTS", "ParseError", "parse_array"]

MAX_ELEMENTS = 2**20  # a 1024×1024 image

_REAL = r"(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?"
_NUMBER = re.compile(
    rf"[+-]?(?:(?P<real>{_REAL})(?:(?P<isign>[+-])(?P<imag>{_REAL})[jJ]|(?P<j>[jJ]))?"
    r"|(?P<word>nan|inf|infinity))",
    re.IGNORECASE,
)
_SPACE = " \t\r"


class ParseError(ValueError):
    """Text that is not an array; ``position`` is the character offset of the problem."""

    def __init__(self, message: str, position: int, text: str = ""):
        self.position = position
        self.text = text
        self.reason = message
        super().__init__(f"{message} (at character {position + 1})")

    def pointer(self) -> str:
        """The offending line with a caret under the problem, for inline display."""
        start = self.text.rfind("\n", 0, self.position) + 1
        end = self.text.find("\n", self.position)
        line = self.text[start : end if end >= 0 else len(self.text)]
        return f"{line}\n{' ' * (self.position - start)}^"


def _number(match: re.Match) -> int | float | complex:
    token = match.group(0)
    if match.group("word"):
        return float(token)
    if match.group("isign") or match.group("j"):
        return complex(token.replace("J", "j"))
    real = match.group("real")
    if re.fullmatch(r"\d+", real):
        return int(token)
    return float(token)


class _Scanner:
    def __init__(self, text: str):
        self.text = text
        self.i = 0
        self.count = 0

    def error(self, message: str, position: int | None = None) -> ParseError:
        return ParseError(message, self.i if position is None else position, self.text)

    def skip_space(self, newlines: bool) -> None:
        text, i = self.text, self.i
        while i < len(text) and (text[i] in _SPACE or (newlines and text[i] == "\n")):
            i += 1
        self.i = i

    def peek(self) -> str:
        return self.text[self.i] if self.i < len(self.text) else ""

    def number(self):
        match = _NUMBER.match(self.text, self.i)
        if match is None or match.end() == self.i:
            ch = self.peek()
            if ch == "":
                raise self.error("expected a number but the text ended")
            if ch in ",;":
                raise self.error(f"empty field: expected a number before {ch!r}")
            raise self.error(f"unexpected character {ch!r}: expected a number")
        end = match.end()
        if end < len(self.text) and (self.text[end].isalnum() or self.text[end] in "._"):
            raise self.error(f"unexpected character {self.text[end]!r} after the number", end)
        self.i = end
        self.count += 1
        if self.count > MAX_ELEMENTS:
            raise self.error(f"too many elements (more than {MAX_ELEMENTS:,})")
        return _number(match)

    # -- plain text: rows of numbers
    def row(self, stops: str) -> list:
        """Numbers separated by commas or spaces, up to a character in ``stops``."""
        values: list = []
        while True:
            self.skip_space(newlines=False)
            ch = self.peek()
            if ch == "" or ch in stops:
                return values
            if ch == ",":
                raise self.error("empty field: expected a number before ','")
            values.append(self.number())
            if self.peek() not in ("", " ", "\t", "\r", "\n", ",", ";", "]"):
                raise self.error(
                    f"unexpected {self.peek()!r} right after a number: "
                    "separate numbers with a comma or a space"
                )
            self.skip_space(newlines=False)
            if self.peek() == ",":
                comma = self.i
                self.i += 1
                self.skip_space(newlines=False)
                if self.peek() == ",":
                    raise self.error("empty field: two commas in a row")
                if self.peek() == "" or self.peek() in stops:
                    raise self.error("empty field after the last comma", comma)

    def rows(self, stops: str) -> list[list]:
        """Rows separated by ';' or new lines, up to a character in ``stops``."""
        result = []
        while True:
            self.skip_space(newlines=False)
            start = self.i
            row = self.row(stops + ";\n")
            ch = self.peek()
            if row:
                result.append((start, row))
            elif ch == ";":
                raise self.error("empty row before ';'")
            if ch in (";", "\n"):
                self.i += 1
                continue
            return result

    # -- brackets
    def bracketed(self, depth: int):
        """A '[' ... ']' group: numbers, or further groups, or MATLAB-style rows."""
        open_at = self.i
        if depth > 3:
            raise self.error("too deeply nested: at most 3 levels of brackets")
        self.i += 1  # '['
        self.skip_space(newlines=True)
        if self.peek() == "[":
            items = []
            while True:
                self.skip_space(newlines=True)
                if self.peek() != "[":
                    raise self.error("expected '[' to start the next row")
                items.append((self.i, self.bracketed(depth + 1)))
                self.skip_space(newlines=True)
                ch = self.peek()
                if ch == ",":
                    self.i += 1
                    continue
                if ch == "]":
                    self.i += 1
                    return items
                if ch == "":
                    raise self.error(f"'[' at character {open_at + 1} is never closed")
                if ch != "[":
                    raise self.error(f"unexpected character {ch!r} between rows")
        rows = self.rows("]")
        if self.peek() != "]":
            raise self.error(f"'[' at character {open_at + 1} is never closed")
        self.i += 1
        if not rows:
            raise self.error("empty brackets: expected numbers", open_at)
        if len(rows) == 1:
            return rows[0][1]
        return [(start, row) for start, row in rows]


def _to_nested(item):
    """Strip the (position, value) bookkeeping; check rows are rectangular."""
    if not isinstance(item, list) or not item or not isinstance(item[0], tuple):
        return item
    return [_to_nested(value) for _, value in item]


def _check_shape(item, text: str) -> None:
    """Ragged rows raise ParseError at the first row whose length differs."""
    if not isinstance(item, list) or not item or not isinstance(item[0], tuple):
        return
    first_start, first = item[0]
    want = _shape_of(first)
    for start, value in item[1:]:
        got = _shape_of(value)
        if got != want:
            raise ParseError(
                f"ragged rows: this row has shape {got or '(a number)'} but the first "
                f"has {want or '(a number)'}",
                start,
                text,
            )
    for _, value in item:
        _check_shape(value, text)


def _shape_of(value) -> tuple:
    if not isinstance(value, list):
        return ()
    if value and isinstance(value[0], tuple):
        return (len(value), *_shape_of(value[0][1]))
    return (len(value),)


def parse_array(text: str, *, kernel: bool = False) -> np.ndarray:
    """Parse text such as ``"1, 2, 3"`` or ``"1 2; 3 4"`` into an array.

    Ints stay ints (int64); any decimal makes the array float, any ``j`` complex.
    With ``kernel=True`` a kernel's name is accepted too (``"sobel-x"``,
    ``"box 5"``), and a word that names none is answered with the names.

    Raises
    ------
    ParseError
        A ValueError with ``.position`` (character offset) and a plain message:
        stray characters, empty fields, ragged rows, unbalanced brackets, nothing
        at all, too many elements.

    Examples
    --------
    >>> parse_array("1, 2, 3")
    array([1, 2, 3])
    >>> parse_array("1 2; 3 4")
    array([[1, 2],
           [3, 4]])
    >>> parse_array("[0.5, -1e-1]")
    array([ 0.5, -0.1])
    >>> parse_array("1,,2")
    Traceback (most recent call last):
    ...
    convtui.engine.parse.ParseError: empty field: two commas in a row (at character 3)
    >>> parse_array("gaussian 3", kernel=True)
    array([[1, 2, 1],
           [2, 4, 2],
           [1, 2, 1]])
    """
    if not isinstance(text, str):
        raise ParseError(f"expected text, got {type(text).__name__}", 0, "")
    if kernel and looks_like_a_name(text):
        try:
            named = named_kernel(text)
        except ValueError as exc:
            raise ParseError(str(exc), len(text) - len(text.lstrip()), text) from None
        if named is None:
            raise ParseError(unknown_name_message(text), len(text) - len(text.lstrip()), text)
        return named
    scanner = _Scanner(text)
    scanner.skip_space(newlines=True)
    if scanner.peek() == "":
        raise ParseError("nothing to read: type some numbers, e.g. 1, 2, 3", 0, text)
    if scanner.peek() == "[":
        item = scanner.bracketed(1)
        scanner.skip_space(newlines=True)
        if scanner.peek() != "":
            ch = scanner.peek()
            message = "unmatched ']'" if ch == "]" else f"unexpected character {ch!r} after ']'"
            raise scanner.error(message)
    else:
        rows = scanner.rows("]")
        if scanner.peek() == "]":
            raise scanner.error("unmatched ']'")
        if not rows:
            raise ParseError("nothing to read: type some numbers, e.g. 1, 2, 3", 0, text)
        item = rows[0][1] if len(rows) == 1 else rows
    _check_shape(item, text)
    nested = _to_nested(item)
    if not isinstance(nested, list):
        nested = [nested]
    flat = _flatten(nested)
    if any(isinstance(v, complex) for v in flat):
        dtype = np.complex128
    elif any(isinstance(v, float) for v in flat):
        dtype = np.float64
    else:
        if any(not -(2**63) <= v < 2**63 for v in flat):
            raise ParseError("an integer is too large (more than 2**63 - 1)", 0, text)
        dtype = np.int64
    return np.array(nested, dtype=dtype)


def _flatten(nested) -> list:
    out: list = []
    stack = [nested]
    while stack:
        item = stack.pop()
        if isinstance(item, list):
            stack.extend(item)
        else:
            out.append(item)
    return out
