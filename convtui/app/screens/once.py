"""Dialogs that answer once.

Keys typed fast (or pasted) can reach a dialog after it has already dismissed itself:
Textual pops the screen later, so ``app.screen is self`` is still true for a moment,
and a second ``dismiss`` would pop the screen underneath (leaving a mode with no
screen at all).  Mixed in before ``ModalScreen``, this makes every later ``dismiss``
a no-op.
"""

from __future__ import annotations

__all__ = ["DismissOnce"]


class DismissOnce:
    _dismissed = False

    def dismiss(self, result=None):
        if self._dismissed or self.app.screen is not self:
            return None
        self._dismissed = True
        return super().dismiss(result)
