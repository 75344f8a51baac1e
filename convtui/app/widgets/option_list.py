"""An OptionList that ignores page keys while it has no room to lay out its lines.

Textual 8's OptionList builds its line map only when it has a visible region; page
up and page down before that (a list squashed to nothing, or hidden while it keeps the
focus) look the highlight up in an empty map and raise KeyError.  With nothing shown
there is no page to move by, so the keys do nothing.
"""

from __future__ import annotations

from textual.widgets import OptionList

__all__ = ["SafeOptionList"]


class SafeOptionList(OptionList):
    def _move_page(self, direction) -> None:
        if self.highlighted is not None and self.highlighted not in self._index_to_line:
            return
        super()._move_page(direction)
