"""A pane drawn line by line (Textual's Line API) from a list of Rich ``Text`` lines.

Building the lines is cheap; what costs is turning them into segments.  Rendering
each line straight to a ``Strip`` (instead of a Rich ``Group`` the compositor
re-measures and re-splits) keeps a step key to a few milliseconds.
"""

from __future__ import annotations

from rich.segment import Segment
from rich.text import Text
from textual.reactive import reactive
from textual.strip import Strip
from textual.widget import Widget

__all__ = ["LinesPane"]


class LinesPane(Widget):
    """Subclasses write ``lines(width, height) -> list[Text]``; long lines wrap."""

    state = reactive(None, init=False, always_update=True, repaint=False)
    """The playground's state (set by the screen)."""

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self._strips: list[Strip] | None = None

    def lines(self, width: int, height: int) -> list[Text]:
        raise NotImplementedError

    def watch_state(self) -> None:
        self._strips = None
        self.refresh()

    def on_resize(self) -> None:
        self._strips = None

    def notify_style_update(self) -> None:
        super().notify_style_update()
        self._strips = None

    def _build(self) -> list[Strip]:
        console = self.app.console
        width, height = self.size
        base = self.rich_style
        strips = []
        for text in self.lines(width, height):
            parts = text.wrap(console, width) if text.cell_len > width else [text]
            for part in parts:
                # Text.render leaves out the line's own style: add it under the spans
                style = base + console.get_style(part.style) if part.style else base
                segments = Segment.apply_style(part.render(console), style)
                strips.append(Strip(segments).crop_extend(0, width, base))
                if len(strips) >= height:
                    return strips
        return strips

    def render_line(self, y: int) -> Strip:
        if self._strips is None:
            self._strips = self._build()
        if y < len(self._strips):
            return self._strips[y]
        return Strip.blank(self.size.width, self.rich_style)
