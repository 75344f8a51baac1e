"""Drawing helpers shared by the slide and matrix panes: windows and cell grids.

Panes draw only what fits: :func:`window` picks the visible stretch of a long
axis around what matters now, and :func:`grid` lays out a block of cells.
"""

from __future__ import annotations

from collections.abc import Callable

from rich.text import Text

__all__ = ["PAD", "CURRENT", "WINDOW", "follow", "grid", "window"]

PAD = "dim italic"  # a zero the padding added
WINDOW = "bold reverse"  # the cells under the kernel
CURRENT = "bold reverse"  # the output cell being computed
KERNEL = "bold cyan"
PRODUCT = "yellow"
OUTPUT = "green"


def window(length: int, lo: int, hi: int, room: int) -> range:
    """The visible stretch of ``range(length)`` that keeps ``lo..hi`` in view.

    >>> window(100, 50, 52, 10)
    range(46, 56)
    >>> window(4, 0, 1, 10)
    range(0, 4)
    >>> window(100, 5, 14, 10)
    range(5, 15)
    """
    room = max(room, 1)
    if length <= room:
        return range(length)
    centre = (lo + hi) // 2
    first = centre - room // 2
    if hi - lo < room:  # it all fits: keep both ends in (an even span lost ``hi``)
        first = min(max(first, hi - room + 1), lo)
    first = min(max(first, 0), length - room)
    return range(first, first + room)


def follow(
    previous: range | None, length: int, lo: int, hi: int, room: int, margin: int = 2
) -> range:
    """:func:`window`, but the ``previous`` window stays while ``lo..hi`` is still in it.

    So stepping moves the view by half a window now and then, not by one every step:
    calmer to read, and the lines that did not change need no redraw.  ``lo..hi`` keeps
    ``margin`` cells of context from the window's edges (but for the axis's own ends).

    >>> follow(range(46, 56), 100, 53, 53, 10)
    range(46, 56)
    >>> follow(range(46, 56), 100, 54, 54, 10)
    range(49, 59)
    >>> follow(range(0, 10), 100, 1, 1, 10)
    range(0, 10)
    """
    fresh = window(length, lo, hi, room)
    margin = min(margin, max(len(fresh) - 1 - (hi - lo), 0) // 2)
    if (
        previous is not None
        and len(previous) == len(fresh)
        and previous.stop <= length
        and (previous.start + margin <= lo or previous.start == 0 <= lo)
        and (hi < previous.stop - margin or hi < previous.stop == length)
    ):
        return previous
    return fresh


def grid(
    rows: range,
    cols: range,
    cell: Callable[[int, int], tuple[str, str]],
    width: int,
    more: tuple[bool, bool] = (False, False),
) -> list[Text]:
    """One line per row: each cell ``cell(r, c) -> (text, style)`` right-aligned in ``width``.

    ``more`` marks cut edges (left, right) with ``‹``/``›`` so a learner sees there is more.
    """
    lines = []
    for r in rows:
        line = Text("‹" if more[0] else " ", style="dim")
        for c in cols:
            text, style = cell(r, c)
            line.append(" " * (width - len(text)))
            line.append(text, style=style)
        line.append("›" if more[1] else " ", style="dim")
        lines.append(line)
    return lines


def pad_lines(lines: list[Text], width: int, height: int) -> list[Text]:
    """Lines padded (or cut) to a ``width``×``height`` block."""
    lines = [line[:width] for line in lines[:height]]
    out = []
    for line in lines:
        line = line.copy()
        line.append(" " * (width - line.cell_len))
        out.append(line)
    while len(out) < height:
        out.append(Text(" " * width))
    return out


def side_by_side(blocks: list[list[Text]], gap: int = 3) -> list[Text]:
    """Join blocks of lines left to right, top-aligned."""
    widths = [max((line.cell_len for line in b), default=0) for b in blocks]
    height = max((len(b) for b in blocks), default=0)
    out = []
    for i in range(height):
        line = Text()
        for block, w in zip(blocks, widths):
            part = block[i] if i < len(block) else Text()
            line.append_text(part)
            line.append(" " * (w - part.cell_len + gap))
        out.append(line)
    return out
