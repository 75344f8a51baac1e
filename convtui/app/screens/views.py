"""Screens whose panes become tabs on a small terminal.

At or above NARROW_WIDTH × NARROW_HEIGHT every pane shows; below, the screen gets the
``narrow`` class and shows one view at a time, chosen by a ``Tabs`` bar (and keys).
A screen mixes this in, sets VIEWS, VIEWS_TABS, VIEWS_TABS_BEFORE and VIEW_PANES, and
declares a ``view`` reactive.  When the terminal becomes narrow, the view is the one
holding the focus, so what the learner was typing into stays on screen.  The ``Tabs``
bar is mounted the first time the screen is narrow (a wide terminal never needs its
nine widgets).
"""

from __future__ import annotations

from textual import events
from textual.css.query import NoMatches
from textual.widgets import Tab, Tabs

__all__ = ["NARROW_HEIGHT", "NARROW_WIDTH", "TabbedViews"]

NARROW_WIDTH, NARROW_HEIGHT = 100, 30


class TabbedViews:
    VIEWS: tuple[str, ...] = ()
    VIEWS_TABS = ""  # the id of the Tabs bar, without '#'
    VIEW_PANES: dict[str, str] = {}  # view name -> the selector of what it shows
    VIEWS_TABS_FOCUS = True  # False: the bar takes no focus (keys and clicks choose)
    VIEWS_TABS_BEFORE = ""  # the selector of the widget the bar goes above

    def on_resize(self, event: events.Resize) -> None:
        narrow = self.size.width < NARROW_WIDTH or self.size.height < NARROW_HEIGHT
        if narrow and not self.has_class("narrow"):
            holding = self._view_holding(self.focused)
            if holding is not None:
                self.view = holding
            if self.views_tabs is None:
                self.mount(self._make_views_tabs(), before=self.VIEWS_TABS_BEFORE)
        self.set_class(narrow, "narrow")

    @property
    def views_tabs(self) -> Tabs | None:
        """The views' ``Tabs`` bar, once the screen has been narrow."""
        try:
            return self.query_one(f"#{self.VIEWS_TABS}", Tabs)
        except NoMatches:
            return None

    def _make_views_tabs(self) -> Tabs:
        tabs = Tabs(
            *(Tab(f"{n} {v.title()}", id=f"tab-{v}") for n, v in enumerate(self.VIEWS, 1)),
            active=f"tab-{self.view}",
            id=self.VIEWS_TABS,
        )
        tabs.can_focus = self.VIEWS_TABS_FOCUS
        return tabs

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
        self._sync_views_tabs()

    def _sync_views_tabs(self) -> None:
        """Point the bar at the current view, once its tabs are mounted.

        A view key can arrive while the bar is still mounting (a resize made the
        screen narrow a moment ago): its tabs are not there yet, so try again after
        the next refresh instead of naming a tab Tabs does not have.
        """
        tabs = self.views_tabs
        wanted = f"tab-{self.view}"
        if tabs is None or tabs.active == wanted:
            return
        if tabs.query(f"#{wanted}"):
            tabs.active = wanted
        else:
            self.call_after_refresh(self._sync_views_tabs)

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
