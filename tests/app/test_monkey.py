"""A monkey at the keyboard: random keys raise nothing, and q still quits.

Each seed sends ``PRESSES`` keys drawn from every key the playground binds plus
typing keys, on a 1-D or 2-D preset; any exception inside the app fails the test
(``run_test`` re-raises it).  Keys go straight to the driver 5 ms apart (a very
fast typist), because ``Pilot.press`` waits for idle twice after every key.
Quitting keys are left out of the draw and pressed at the end.

450 keys in all keep the test near 30 s on a shared 2-core machine: while the
slide plays at its fastest speed, each step's repaint competes with the keys.
"""

from __future__ import annotations

import asyncio
import random

import pytest
from textual import events

from convtui.app import make_app
from convtui.app.presets import PRESETS

# Not drawn: ctrl+p (Textual's palette can fail on a burst of keys while it closes) and
# e, x, [ and ] (the lab and lessons screens, tested by their owners).
NAMED = ["up", "down", "home", "end", "tab", "shift+tab", "enter", "backspace", "delete"]
CHARS = {"space": " ", "plus": "+", "minus": "-", "comma": ",", "semicolon": ";", "full_stop": "."}
CHARS |= {"question_mark": "?"}
CHARS |= {c: c for c in "gmfsSdDpPcikrn1234567890j"}
KEYS = ["right"] * 8 + ["left"] * 4 + ["escape"] * 4 + NAMED + list(CHARS)
PRESSES, GAP = 150, 0.005


async def mash(app, pilot, keys: list[str]) -> None:
    for key in keys:
        event = events.Key(key, CHARS.get(key))
        event.set_sender(app)
        app._driver.send_message(event)
        await asyncio.sleep(GAP)
    await pilot.pause()


@pytest.mark.slow
@pytest.mark.parametrize("seed", [0, 1, 2])
async def test_random_keys_raise_nothing_and_q_still_quits(seed):
    rng = random.Random(seed)
    app = make_app(setup=PRESETS[seed * 2 % len(PRESETS)].setup)
    async with app.run_test(size=(100, 32) if seed == 1 else (80, 24)) as pilot:
        await mash(app, pilot, [rng.choice(KEYS) for _ in range(PRESSES)])
        assert app.is_running
        if app.playground.state.playing:  # Pilot waits for idle, which playing never is
            app.playground.action_play()
        # leave any dialog and any editor, then quit
        await mash(app, pilot, ["escape", "escape", "escape", "escape"])
        await pilot.press("q")
    assert app.return_code == 0
