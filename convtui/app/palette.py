"""The command palette, guarded against a race in Textual's option list.

Textual 8's ``OptionList._move_page`` reads its line index before the list has been
laid out, so PageUp/PageDown pressed while the palette is still filling raises
KeyError (found by tests/reliability/test_monkey_app.py).  The key then does nothing,
as it would on an empty list.
"""

from __future__ import annotations

from textual.command import CommandPalette


class SafeCommandPalette(CommandPalette):
    def _action_command_list(self, action: str) -> None:
        try:
            super()._action_command_list(action)
        except KeyError:  # the list is not laid out yet: nothing to page through
            pass
