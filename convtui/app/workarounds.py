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
* :class:`DropStaleClicks`: a click that lands between a widget's removal (a
  recompose, a closing dialog) and the next layout finds the old widget, detached,
  and Textual's text selection fails on its missing parent (AttributeError).
"""

from __future__ import annotations

from textual import events, on
from textual.command import CommandList, CommandPalette
from textual.message import Message
from textual.widgets import Button, Input, OptionList

__all__ = ["DismissOnce", "DropStaleClicks", "SafeCommandPalette", "SafeOptionList"]


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


class DropStaleClicks:
    """Mixed into the App: a press on a widget removed since the last layout is dropped.

    The next press, a frame later, finds what is really there.
    """

    async def on_event(self, event: events.Event) -> None:
        if isinstance(event, events.MouseDown) and self._removed_under(event):
            return
        await super().on_event(event)

    def _removed_under(self, event: events.MouseDown) -> bool:
        try:
            widget, _ = self.screen.get_widget_at(event.x, event.y)
        except Exception:  # NoWidget, or no screen while closing
            return False
        return widget is not self.screen and widget.parent is None
