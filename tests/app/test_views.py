"""Narrow-terminal view tabs: keys typed faster than the app draws settle on the last one.

Each view key moves the Tabs bar, and the bar answers with a TabActivated message that
arrives later.  Two keys in a row used to leave two such messages in flight, each
switching the view back and re-posting: the two views swapped for ever and the app's
message queue grew without end (found by tests/reliability/test_monkey_app.py).
"""

from __future__ import annotations

import pytest
from textual.widgets import Tabs

from convtui.app import make_app
from tests.app.helpers import queue_keys


async def views_seen(pilot, screen, samples: int = 10) -> set[str]:
    seen = set()
    for _ in range(samples):
        await pilot.pause(0.03)
        seen.add(screen.view)
    return seen


@pytest.mark.parametrize(
    ("opening", "keys", "last"),
    [("", "3432", "slide"), ("t", "2323", "tied"), ("t", "31", "loss")],
)
async def test_a_burst_of_view_keys_settles_on_the_last_view(opening, keys, last):
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        if opening:
            await pilot.press(opening)
            await pilot.pause()
        screen = app.screen
        assert screen.has_class("narrow")
        queue_keys(app, keys)
        await pilot.pause(0.1)
        assert await views_seen(pilot, screen) == {last}
        tabs = screen.query_one(f"#{screen.VIEWS_TABS}", Tabs)
        assert tabs.active == f"tab-{last}"
        assert screen.has_class(f"view-{last}")
        assert not app._message_queue.values, "messages keep coming after the keys"


@pytest.mark.parametrize(
    ("focus", "view"),
    [("#presets", "setup"), ("#kernel-editor", "setup"), ("#matrix", "matrix")],
)
async def test_becoming_narrow_shows_the_view_that_holds_the_focus(focus, view):
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        screen = app.screen
        screen.query_one(focus).focus()
        await pilot.pause()
        await pilot.resize_terminal(80, 24)
        await pilot.pause()
        assert screen.has_class("narrow") and screen.view == view
        assert app.focused is screen.query_one(focus)
        assert app.focused.region.area > 0  # on screen, not typing into a hidden pane
