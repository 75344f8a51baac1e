"""Random keys on the conventions lab and code export screen raise nothing."""

from __future__ import annotations

import asyncio
import random

import pytest
from textual import events

from convtui.app import make_app
from convtui.app.screens.lab import LabScreen
from convtui.engine.setup import Setup

NAMED = ["left", "right", "up", "down", "tab", "shift+tab", "home", "end", "pageup", "pagedown"]
CHARS = {c: c for c in "xeyab1"} | {"space": " ", "enter": None, "escape": None}
KEYS = NAMED * 2 + list(CHARS)


async def mash(app, pilot, keys):
    for key in keys:
        event = events.Key(key, CHARS.get(key))
        event.set_sender(app)
        app._driver.send_message(event)
        await asyncio.sleep(0.005)
    await pilot.pause()


@pytest.mark.slow
@pytest.mark.parametrize("seed", [1, 2])
async def test_random_keys_on_the_lab_raise_nothing(seed):
    rng = random.Random(seed)
    setup = Setup([[1, 2, 3], [4, 5, 6]], [[1, 0], [0, -1]], "same") if seed == 2 else None
    app = make_app(**({"setup": setup} if setup is not None else {}))
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("x")
        assert isinstance(app.screen, LabScreen)
        await mash(app, pilot, [rng.choice(KEYS) for _ in range(300)])
        await pilot.press("x")  # back on the lab whether it was closed or not
        assert isinstance(app.screen, LabScreen)
        await pilot.press("escape")
        assert not isinstance(app.screen, LabScreen)
