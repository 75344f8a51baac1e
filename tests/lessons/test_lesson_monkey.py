"""Random keys with a lesson open raise nothing, and the app is still running.

Keys go straight to the driver in bursts (``Pilot.press`` waits for idle after
every key), drawn from the lesson keys, the playground's keys and typing keys,
so answers, hints, page turns, the lesson list and the training pane all get hit.
After each burst the test waits until the app has handled it.
"""

from __future__ import annotations

import asyncio
import random

import pytest

from convtui.app import make_app
from tests.app.helpers import drained, playground, queue_keys

KEYS = ["enter"] * 6 + ["escape"] * 6 + ["right", "left", "up", "down", "backspace"]
KEYS += ["pageup", "pagedown", "tab", "ctrl+u", "space"]
KEYS += list("-,.;[/ahwRLTlmfkir0123456789xe") + ["]"] * 5
PRESSES, BURST = 600, 25


async def mash(app, keys: list[str]) -> None:
    for start in range(0, len(keys), BURST):
        queue_keys(app, keys[start : start + BURST])
        await asyncio.wait_for(drained(app), 30)


@pytest.mark.slow
@pytest.mark.parametrize("seed, lesson", [(0, 4), (1, 8), (2, 11)])
async def test_random_keys_in_a_lesson_raise_nothing(seed, lesson):
    rng = random.Random(seed)
    app = make_app(lesson=lesson)
    async with app.run_test(size=(120, 40) if seed != 1 else (80, 24)) as pilot:
        await pilot.pause()
        await mash(app, [rng.choice(KEYS) for _ in range(PRESSES)])
        assert app.is_running and playground(app).lesson_panel is not None
        await mash(app, ["escape"] * 3)
        assert app.is_running
        app.exit()
    assert app.return_code == 0
