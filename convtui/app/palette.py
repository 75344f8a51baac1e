"""The command palette, guarded against races in Textual 8's own palette.

Found by tests/reliability/test_monkey_app.py, with keys arriving faster than the
palette settles (a fast typist, or a paste):

* PageUp/PageDown while the list is still filling: ``OptionList._move_page`` reads a
  line index that is not built yet (KeyError);
* a second Enter after the palette has already closed itself: it dismisses again and
  pops the screen underneath it, leaving a mode with no screen;
* the command-gathering worker still running after the palette has gone: it cannot
  find its list (NoMatches), and a failing worker would end the app.

Each guard makes the late key or the late worker do nothing, which is what it would
do a moment later anyway.
"""

from __future__ import annotations

from textual import work
from textual.command import CommandPalette
from textual.css.query import NoMatches

from .screens.once import DismissOnce

__all__ = ["SafeCommandPalette"]


class SafeCommandPalette(DismissOnce, CommandPalette):
    def _already_dismissed(self) -> bool:
        return not self.is_attached or self.app.screen is not self

    def _action_command_list(self, action: str) -> None:
        if self._already_dismissed():
            return
        try:
            super()._action_command_list(action)
        except KeyError:  # the list is not laid out yet: nothing to page through
            pass

    def _select_or_command(self, event=None) -> None:
        if self._already_dismissed():  # already dismissed by an earlier key
            return
        super()._select_or_command(event)

    @work(exclusive=True, group=CommandPalette._GATHER_COMMANDS_GROUP)
    async def _gather_commands(self, search_value: str) -> None:
        try:
            await CommandPalette._gather_commands.__wrapped__(self, search_value)
        except NoMatches:  # the palette closed while the commands were being gathered
            pass
