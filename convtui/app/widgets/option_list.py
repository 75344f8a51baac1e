"""An OptionList that survives being squashed by a tiny terminal.

Textual 8's OptionList has two failures when it has no room:
- it builds its line map only when it has a visible region; page up and page down
  before that (a list squashed to nothing, or hidden while it keeps the focus) look
  the highlight up in an empty map and raise KeyError.  With nothing shown there is no
  page to move by, so here the keys do nothing;
- when its width leaves no column for an option's text after the padding, wrapping
  the prompts divides by a zero width (ValueError in rich).  A minimum width keeps a
  few columns for the text; the container scrolls sideways instead.
"""

from __future__ import annotations

from textual.widgets import OptionList

__all__ = ["SafeOptionList"]


class SafeOptionList(OptionList):
    DEFAULT_CSS = "SafeOptionList { min-width: 12; }"

    def _move_page(self, direction) -> None:
        if self.highlighted is not None and self.highlighted not in self._index_to_line:
            return
        super()._move_page(direction)
