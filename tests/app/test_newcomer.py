"""What a newcomer trips on (issue 14, part 2), each pinned by a test that failed before its fix.

Every wait here is for the condition the test checks (``until``), never a fixed sleep.
"""

from __future__ import annotations

import asyncio
import math

from textual import events

from convtui.app import make_app
from tests.app.helpers import drained, flat_text, playground, queue_keys


async def until(condition, timeout: float = 10.0) -> None:
    """Return once ``condition()`` holds; fail the test after ``timeout`` seconds."""

    async def poll() -> None:
        while not condition():
            await asyncio.sleep(0.01)

    await asyncio.wait_for(poll(), timeout)


def _input(app):
    return playground(app).setup.input.tolist()


async def _empty_input_editor(pilot):
    await pilot.press("i", "end", "ctrl+u")
    editor = pilot.app.screen.query_one("#input-editor")
    await until(lambda: editor.value == "")
    return editor


# -- 1. editors: the learner's text is never rewritten under the cursor ---------------


async def test_typing_nan_1_2_key_by_key_keeps_the_text_as_typed():
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        editor = await _empty_input_editor(pilot)
        for key in "nan 1 2":
            await pilot.press(key)
        await until(lambda: len(_input(app)) == 3)
        assert editor.value == "nan 1 2"  # was "nan, 21": the nan never matched itself
        x = _input(app)
        assert math.isnan(x[0]) and x[1:] == [1, 2]
        await pilot.press("enter", "escape")  # leaving the editor keeps the text too
        assert editor.value == "nan 1 2"


async def test_a_fast_burst_of_keys_is_not_reformatted_mid_typing():
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        editor = await _empty_input_editor(pilot)
        queue_keys(app, list("10, 20, 30, 40"))
        await asyncio.wait_for(drained(app), 10)
        await until(lambda: _input(app) == [10, 20, 30, 40])
        assert editor.value == "10, 20, 30, 40"
        assert editor.cursor_position == len("10, 20, 30, 40")


async def test_a_paste_followed_by_keys_lands_where_the_cursor_is():
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        editor = await _empty_input_editor(pilot)
        app.post_message(events.Paste("10 20 30"))
        queue_keys(app, list(" 40"))
        await asyncio.wait_for(drained(app), 10)
        await until(lambda: _input(app) == [10, 20, 30, 40])
        assert editor.value == "10 20 30 40"
        assert editor.cursor_position == len(editor.value)


async def test_invalid_text_stays_with_its_error_and_the_last_good_setup_is_kept():
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        editor = await _empty_input_editor(pilot)
        queue_keys(app, list("1 2 ,"))
        await asyncio.wait_for(drained(app), 10)
        await until(lambda: "empty field" in flat_text(app, "#input-editor-error"))
        assert editor.value == "1 2 ,"
        assert _input(app) == [1, 2]
        await pilot.press("escape")  # leaving does not throw the text away either
        assert editor.value == "1 2 ,"


async def test_a_preset_still_replaces_the_editor_text():
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        editor = await _empty_input_editor(pilot)
        await pilot.press(*"7 8", "escape", "n")  # n: the next preset, sine + smoothing
        await until(lambda: len(_input(app)) > 2)
        assert editor.value.startswith("0.3, 0.12, 0.92")


async def test_1e999_says_it_became_inf():
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await _empty_input_editor(pilot)
        await pilot.press(*"1 1e999")
        await until(lambda: len(_input(app)) == 2)
        assert _input(app) == [1, math.inf]
        note = flat_text(app, "#input-editor-error")
        assert "1e999 is too large for a float: it became inf" in note
        await pilot.press("backspace", "backspace")  # "1 1e9": an ordinary number again
        await until(lambda: _input(app) == [1, 1e9])
        assert "inf" not in flat_text(app, "#input-editor-error")
