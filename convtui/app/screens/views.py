"""Screens whose panes become tabs on a small terminal.

At or above NARROW_WIDTH × NARROW_HEIGHT every pane shows; below, the screen gets the
``narrow`` class and shows one view at a time, chosen by a ``Tabs`` bar (and keys).
A screen mixes this in, sets VIEWS and VIEWS_TABS, and declares a ``view`` reactive.
"""

from __future__ import annotations

from textual import events
from textual.widgets import Tabs

__all__ = ["NARROW_HEIGHT", "NARROW_WIDTH", "TabbedViews"]

NARROW_WIDTH, NARROW_HEIGHT = 100, 30


class TabbedViews:
    VIEWS: tuple[str, ...] = ()
    VIEWS_TABS = ""  # the id of the Tabs bar, without '#'

    def on_resize(self, event: events.Resize) -> None:
        narrow = self.size.width < NARROW_WIDTH or self.size.height < NARROW_HEIGHT
        self.set_class(narrow, "narrow")

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
