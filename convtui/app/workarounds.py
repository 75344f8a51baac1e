"""Workarounds for bugs in Textual 8 (the major version pyproject.toml pins), in one place.

Each is a subclass that uses Textual's public API only.  tests/app/test_workarounds.py
shows, for each, Textual's own class still failing the same way: when an upgrade fixes
a bug, that test fails, and the workaround below can go.  Found by
tests/reliability/test_monkey_app.py, with keys arriving faster than a screen settles
(a fast typist, or a paste):

* :class:`DismissOnce`: keys typed fast can reach a dialog after it has dismissed
  itself (Textual pops the screen a moment later), and a second ``dismiss`` pops the
  screen underneath, leaving a mode with no screen.  Here a late ``dismiss`` does
  nothing.
* :class:`SafeCommandPalette`: the same for the command palette (a second Enter
  dismissed it again, and ran its command twice; a late key started a search on a
  closing palette), and PageUp/PageDown before its list is laid out raised KeyError.
* :class:`SafeOptionList`: an ``OptionList`` with no room (squashed by a tiny
  terminal, or hidden while it keeps the focus) raised KeyError on PageUp/PageDown;
  one too narrow for any text after its padding divided by zero when it wrapped.
"""

from __future__ import annotations

from textual import on
from textual.command import CommandList, CommandPalette
from textual.message import Message
from textual.widgets import Button, Input, OptionList

__all__ = ["DismissOnce", "SafeCommandPalette", "SafeOptionList"]


class DismissOnce:
    """Mixed in before ``ModalScreen``: only the first ``dismiss`` does anything."""

    dismissed = False
    """True once the dialog has answered (the screen may still be on top for a moment)."""

    def dismiss(self, result=None):
        if self.dismissed or self.app.screen is not self:
            return None
        self.dismissed = True
        return super().dismiss(result)


class SafeCommandPalette(DismissOnce, CommandPalette):
    """Textual's command palette that ignores keys arriving after it has answered."""

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "command_list" and parameters in (("page_up",), ("page_down",)):
            # no lines laid out yet: nothing to page through (Textual raises KeyError)
            return bool(self.query_one(CommandList).scrollable_content_region)
        return super().check_action(action, parameters)

    @on(Input.Submitted)
    @on(Input.Changed)
    @on(Button.Pressed)
    def _late(self, event: Message) -> None:
        if self.dismissed:  # Textual's handlers would dismiss again, or search
            event.stop()
            event.prevent_default()


class SafeOptionList(OptionList):
    """An ``OptionList`` whose page keys do nothing when it shows nothing."""

    DEFAULT_CSS = "SafeOptionList { min-width: 12; }"  # room for some text after the padding

    def action_page_up(self) -> None:
        if self.scrollable_content_region:
            super().action_page_up()

    def action_page_down(self) -> None:
        if self.scrollable_content_region:
            super().action_page_down()
