"""Random keys on the conventions lab and code export screen raise nothing."""

from __future__ import annotations

import asyncio
import random

import pytest

from convtui.app import make_app
from convtui.app.screens.lab import LabScreen
from convtui.engine.setup import Setup
from tests.app.helpers import drained, queue_keys

NAMED = ["left", "right", "up", "down", "tab", "shift+tab", "home", "end", "pageup", "pagedown"]
KEYS = NAMED * 2 + list("xeyab1") + ["space", "enter", "escape"]


async def mash(app, keys) -> None:
    for start in range(0, len(keys), 20):
        queue_keys(app, keys[start : start + 20])
        await asyncio.wait_for(drained(app), 30)


SETUPS = {
    1: None,
    2: Setup([[1, 2, 3], [4, 5, 6]], [[1, 0], [0, -1]], "same"),
    3: Setup([1, 2, 3, 4, 5], [1, 2, 3], "valid", flip=False, padding=1, padding_mode="circular"),
    4: Setup([1, 2, 3], [0.5, 1, 0.5], "valid", stride=2, padding=1, output_padding=1,
             transposed=True),
}  # fmt: skip


@pytest.mark.slow
@pytest.mark.parametrize("seed", sorted(SETUPS))
async def test_random_keys_on_the_lab_raise_nothing(seed):
    rng = random.Random(seed)
    setup = SETUPS[seed]
    app = make_app(**({"setup": setup} if setup is not None else {}))
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("x")
        assert isinstance(app.screen, LabScreen)
        await mash(app, [rng.choice(KEYS) for _ in range(300)])
        await pilot.press("x")  # back on the lab whether it was closed or not
        assert isinstance(app.screen, LabScreen)
        await pilot.press("escape")
        assert not isinstance(app.screen, LabScreen)
