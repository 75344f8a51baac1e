"""A pane drawn line by line (Textual's Line API) from a list of Rich ``Text`` lines.

Building the lines is cheap; what costs is turning them into segments.  Rendering
each line straight to a ``Strip`` (instead of a Rich ``Group`` the compositor
re-measures and re-splits) keeps a step key to a few milliseconds, and
:func:`line_segments` does Rich's ``Text.render`` work for the lines the panes build
(spans appended one after another, never overlapping) in one pass, with the styles
combined once per pane and neighbouring pieces of the same style joined, so the
compositor has fewer segments to cut and filter.
"""

from __future__ import annotations

from rich.console import Console
from rich.segment import Segment
from rich.style import Style
from rich.text import Text
from textual.geometry import Region
from textual.reactive import reactive
from textual.strip import Strip
from textual.widget import Widget

__all__ = ["LinesPane", "StripsWidget", "line_regions", "line_segments"]


def line_regions(lines: list[int], width: int) -> list[Region]:
    """Regions covering the given (sorted) line numbers, one per run of neighbours.

    >>> line_regions([0, 1, 2, 5, 7, 8], 10)
    [Region(x=0, y=0, width=10, height=3), Region(x=0, y=5, width=10, height=1), \
Region(x=0, y=7, width=10, height=2)]
    """
    regions: list[Region] = []
    start = previous = None
    for y in [*lines, None]:
        if start is not None and (y is None or y != previous + 1):
            regions.append(Region(0, start, width, previous - start + 1))
            start = None
        if y is not None and start is None:
            start = y
        previous = y
    return regions


def line_segments(
    text: Text, base: Style, console: Console, styles: dict | None = None
) -> list[Segment]:
    """``text`` as segments over ``base``, as ``Segment.apply_style(text.render(console), base)``.

    ``styles`` caches the combined styles between calls (keyed by the line's and the
    span's style, so it belongs to one ``base``).  Overlapping spans, which these panes
    never make, go to Rich.
    """
    if styles is None:
        styles = {}
    plain, spans, line = text.plain, text.spans, text.style
    below = styles.get((line, None))
    if below is None:
        below = base + console.get_style(line, default=Style.null()) if line else base
        styles[(line, None)] = below
    pieces: list[str] = []
    segments: list[Segment] = []
    style = below
    pos = 0

    def put(chunk: str, chunk_style: Style) -> None:
        nonlocal style
        if chunk_style is not style and pieces:
            segments.append(Segment("".join(pieces), style))
            pieces.clear()
        style = chunk_style
        pieces.append(chunk)

    for start, end, span_style in spans:
        end = min(end, len(plain))
        if start >= end:
            continue
        if start < pos:  # overlapping spans: Rich resolves the stack
            return list(Segment.apply_style(text.render(console), base))
        if start > pos:
            put(plain[pos:start], below)
        over = styles.get((line, span_style))
        if over is None:
            over = below + console.get_style(span_style, default=Style.null())
            styles[(line, span_style)] = over
        put(plain[start:end], over)
        pos = end
    if pos < len(plain):
        put(plain[pos:], below)
    if pieces:
        segments.append(Segment("".join(pieces), style))
    return segments


class StripsWidget(Widget):
    """A Line-API widget that keeps the strips it built and repaints only what changed.

    Subclasses write ``_build() -> list[Strip]`` and call :meth:`redraw` when what they
    show changes (a step moves a highlight; most lines stay as they were).
    """

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self._strips: list[Strip] | None = None

    def _build(self) -> list[Strip]:
        raise NotImplementedError

    def redraw(self) -> None:
        old, self._strips = self._strips, None
        hidden = not self.display or self.region.area == 0
        if not old or hidden or old[0].cell_length != self.size.width:
            self.refresh()
            return
        # drawn already at this size: build now, and repaint only the lines that changed
        new = self._strips = self._build()
        changed = [
            y
            for y in range(max(len(old), len(new)))
            if y >= len(old) or y >= len(new) or old[y] != new[y]
        ]
        if changed:
            self.refresh(*line_regions(changed, self.size.width))

    def on_resize(self) -> None:
        self._strips = None

    def notify_style_update(self) -> None:
        super().notify_style_update()
        self._strips = None

    def render_line(self, y: int) -> Strip:
        if self._strips is None:
            self._strips = self._build()
        if y < len(self._strips):
            return self._strips[y]
        return Strip.blank(self.size.width, self.rich_style)


class LinesPane(StripsWidget):
    """Subclasses write ``lines(width, height) -> list[Text]``; long lines wrap."""

    state = reactive(None, init=False, always_update=True, repaint=False)
    """The playground's state (set by the screen)."""

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self._styles: dict = {}  # combined styles over the base under "base" (line_segments)
        self._last: tuple = (None, {})  # ((width, base), {line content: strip}) of the last build

    def lines(self, width: int, height: int) -> list[Text]:
        raise NotImplementedError

    def watch_state(self) -> None:
        self.redraw()

    def _build(self) -> list[Strip]:
        console = self.app.console
        width, height = self.size
        if width <= 0 or height <= 0:  # squeezed out by a resize: nothing to wrap into
            return []
        base = self.rich_style
        if self._styles.get("base") != base:
            self._styles = {"base": base}
        styles = self._styles
        # the last build's strips by line content: a step changes few lines
        last = self._last if self._last[0] == (width, base) else ((width, base), {})
        self._last = ((width, base), {})
        reuse, keep = last[1], self._last[1]
        strips = []
        for text in self.lines(width, height):
            parts = text.wrap(console, width) if text.cell_len > width else [text]
            for part in parts:
                key = (part.plain, part.style, *part.spans)
                strip = keep[key] = reuse.get(key) or self._strip(part, width, base, styles)
                strips.append(strip)
                if len(strips) >= height:
                    return strips
        return strips

    def _strip(self, text: Text, width: int, base: Style, styles: dict) -> Strip:
        segments = line_segments(text, base, self.app.console, styles)
        cells = text.cell_len
        if cells > width:
            return Strip(segments).crop_extend(0, width, base)
        if cells < width:  # pad to the width here: the strip knows its length
            segments.append(Segment(" " * (width - cells), base))
        return Strip(segments, width)
