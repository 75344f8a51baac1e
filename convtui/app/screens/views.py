"""Screens whose panes become tabs on a small terminal.

At or above NARROW_WIDTH × NARROW_HEIGHT every pane shows; below, the screen gets the
``narrow`` class and shows one view at a time, chosen by a ``Tabs`` bar (and keys).
A screen mixes this in, sets VIEWS, VIEWS_TABS and VIEW_PANES, and declares a ``view``
reactive.  When the terminal becomes narrow, the view is the one holding the focus, so
what the learner was typing into stays on screen.
"""

from __future__ import annotations

from textual import events
from textual.widgets import Tabs

__all__ = ["NARROW_HEIGHT", "NARROW_WIDTH", "TabbedViews"]

NARROW_WIDTH, NARROW_HEIGHT = 100, 30


class TabbedViews:
    VIEWS: tuple[str, ...] = ()
    VIEWS_TABS = ""  # the id of the Tabs bar, without '#'
    VIEW_PANES: dict[str, str] = {}  # view name -> the selector of what it shows

    def on_resize(self, event: events.Resize) -> None:
        narrow = self.size.width < NARROW_WIDTH or self.size.height < NARROW_HEIGHT
        if narrow and not self.has_class("narrow"):
            holding = self._view_holding(self.focused)
            if holding is not None:
                self.view = holding
        self.set_class(narrow, "narrow")

    def _view_holding(self, widget) -> str | None:
        """The view whose pane contains ``widget`` (None if no pane does)."""
        if widget is None:
            return None
        for name, selector in self.VIEW_PANES.items():
            pane = self.query_one(selector)
            if widget is pane or pane in widget.ancestors:
                return name
        return None

    def watch_view(self, old: str, new: str) -> None:
        self.set_class(False, f"view-{old}")
        self.set_class(True, f"view-{new}")
        tabs = self.query_one(f"#{self.VIEWS_TABS}", Tabs)
        if tabs.active != f"tab-{new}":
            tabs.active = f"tab-{new}"

    def on_tabs_tab_activated(self, event: Tabs.TabActivated) -> None:
        if event.tabs.id != self.VIEWS_TABS:
            return
        event.stop()
        if event.tab.id != event.tabs.active:
            # stale: a later key has moved the bar since. Following it would move the
            # bar back and post another, and two in flight would swap views for ever
            return
        name = (event.tab.id or "").removeprefix("tab-")
        if name in self.VIEWS:
            self.view = name
