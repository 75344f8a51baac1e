"""Pilot tests of the playground: every pane follows the engine, keys do what they say."""

from __future__ import annotations

import re

import numpy as np
import pytest

from convtui.app import make_app
from convtui.app.messages import ReplaceSetup
from convtui.app.screens.help import HelpScreen
from convtui.app.widgets.slide import SlidePane
from convtui.engine.setup import Setup
from tests.app.helpers import (
    equation,
    flat_text,
    output,
    pane_text,
    playground,
    queue_click,
    queue_keys,
    until,
)

SEED_X, SEED_W = [1, 2, 3, 4], [5, 6, 7]


async def test_starts_on_the_seed_example_with_focus_on_the_slide():
    app = make_app()
    async with app.run_test(size=(120, 40)):
        # 1·5, 1·6 + 2·5, 1·7 + 2·6 + 3·5, ...
        assert output(app) == [5, 16, 34, 52, 45, 28]
        assert isinstance(app.focused, SlidePane)
        assert equation(app) == "y[0] = 7·0 + 6·0 + 5·1 = 5"


async def test_step_keys_change_the_equation():
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("right", "right")
        assert equation(app) == "y[2] = 7·1 + 6·2 + 5·3 = 34"
        assert "y[2] = 7·1 + 6·2 + 5·3 = 34" in pane_text(app, "#slide")
        await pilot.press("end")
        assert equation(app) == "y[5] = 7·0 + 6·0 + 5·0 = 28" or playground(app).step == 5
        assert playground(app).step == 5
        await pilot.press("right")  # past the end: stays
        assert playground(app).step == 5
        await pilot.press("home", "left")
        assert playground(app).step == 0
        await pilot.press("left")
        assert playground(app).step == 0


async def test_last_step_equation_reads_the_padding():
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("end")
        # the flipped kernel 7 6 5 over x[3] = 4 and two padding zeros
        assert equation(app) == "y[5] = 7·4 + 6·0 + 5·0 = 28"


async def test_mode_flip_and_stride_keys_match_numpy():
    x, w = np.array(SEED_X), np.array(SEED_W)
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("m")
        assert playground(app).setup.mode == "valid"
        assert output(app) == np.convolve(x, w, "valid").tolist() == [34, 52]
        await pilot.press("m")
        assert output(app) == np.convolve(x, w, "same").tolist()
        await pilot.press("m")  # causal: y[i] sees x[i-2..i], the first len(x) of full
        assert playground(app).setup.mode == "causal"
        assert output(app) == np.convolve(x, w, "full")[:4].tolist() == [5, 16, 34, 52]
        await pilot.press("m", "f")
        assert playground(app).setup.flip is False
        assert output(app) == np.correlate(x, w, "full").tolist()
        await pilot.press("f", "s")
        assert output(app) == np.convolve(x, w, "full")[::2].tolist() == [5, 34, 45]
        await pilot.press("S", "d")
        # dilation 2: kernel 5 0 6 0 7
        assert output(app) == np.convolve(x, [5, 0, 6, 0, 7], "full").tolist()
        await pilot.press("D", "p")
        assert output(app) == np.convolve([0, 1, 2, 3, 4, 0], w, "full").tolist()


async def test_convention_key_moves_the_odd_zero():
    # DESIGN.md: x = 1..6, w = [1, 10], same: numpy puts the extra zero first, MATLAB last
    app = make_app(input="1 2 3 4 5 6", kernel="1 10", mode="same")
    async with app.run_test(size=(120, 40)) as pilot:
        assert output(app) == [1, 12, 23, 34, 45, 56]
        await pilot.press("c")
        assert playground(app).setup.convention == "matlab"
        assert output(app) == [12, 23, 34, 45, 56, 60]


async def test_a_refused_setup_shows_in_the_mode_panel_and_keeps_the_last_good_one():
    app = make_app(input="1 2 3 4 5 6", kernel="1 10", mode="same", convention="torch")
    async with app.run_test(size=(120, 40)) as pilot:
        before = output(app)
        await pilot.press("s")
        assert playground(app).setup.stride == 1
        assert output(app) == before
        assert "refused under convention 'torch'" in flat_text(app, "#mode")


async def test_editing_the_input_changes_the_output():
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("i")
        editor = app.screen.query_one("#input-editor")
        assert app.focused is editor
        await pilot.press("end", "backspace", "backspace", "backspace")  # "1, 2, 3"
        await pilot.pause()
        assert output(app) == np.convolve([1, 2, 3], SEED_W).tolist()
        await pilot.press("escape")
        assert isinstance(app.focused, SlidePane)


async def test_typing_in_an_editor_never_triggers_a_shortcut():
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("k", "end", *", q m f s")
        await pilot.pause()
        assert app.is_running
        setup = playground(app).setup
        assert (setup.mode, setup.flip, setup.stride) == ("full", True, 1)
        assert app.screen.query_one("#kernel-editor").value == "5, 6, 7, q m f s"


async def test_invalid_text_shows_an_inline_error_and_keeps_the_output():
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("i", "end", *", x")
        await pilot.pause()
        error = flat_text(app, "#input-editor-error")
        assert "unexpected character 'x'" in error
        assert "character 13" in error  # "1, 2, 3, 4, x": the x is the 13th character
        assert output(app) == [5, 16, 34, 52, 45, 28]
        await pilot.press("backspace", "backspace", "backspace")
        await pilot.pause()
        assert "unexpected" not in flat_text(app, "#editors")


async def test_a_2d_input_then_a_2d_kernel_completes_the_setup():
    signal = pytest.importorskip("scipy.signal")
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        screen = playground(app)
        screen.query_one("#input-editor").value = "1 2 3; 4 5 6; 7 8 9"
        await pilot.pause()
        assert "same number of dimensions" in flat_text(app, "#mode")
        assert output(app) == [5, 16, 34, 52, 45, 28]  # the last valid setup still shows
        screen.query_one("#kernel-editor").value = "1 0; 0 -1"
        await pilot.pause()
        x = np.arange(1, 10).reshape(3, 3)
        expected = signal.convolve2d(x, [[1, 0], [0, -1]], "full")
        assert output(app) == expected.tolist()
        assert "same number" not in flat_text(app, "#mode")


async def test_2d_steps_move_by_rows_and_columns():
    app = make_app(input="1 2 3; 4 5 6; 7 8 9", kernel="1 1; 1 1", mode="valid")
    async with app.run_test(size=(120, 40)) as pilot:
        assert output(app) == [[12, 16], [24, 28]]  # sums of 2×2 blocks
        await pilot.press("down")
        assert equation(app).startswith("y[1,0] = ")
        assert equation(app).endswith(" = 24")
        await pilot.press("right")
        assert equation(app).startswith("y[1,1] = ")
        await pilot.press("up")
        assert playground(app).step == 1


async def test_goto_jumps_to_an_index():
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("g", "4", "enter")
        assert playground(app).step == 4
        await pilot.press("g", "9", "enter")  # out of range: the dialog says so and stays
        assert "there are 6 steps" in str(app.screen.query_one(".error").render())
        await pilot.press("escape")
        assert playground(app).step == 4


async def test_matrix_row_is_the_current_step_of_the_toeplitz_matrix():
    from convtui import toeplitz

    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("right", "right")
        line = next(ln for ln in pane_text(app, "#matrix").splitlines() if "▶" in ln)
        numbers = [int(v) for v in re.findall(r"-?\d+", line.split("]", 1)[1])]
        M = toeplitz(SEED_W, (4,))
        assert numbers[:-1] == M[2].tolist() == [7, 6, 5, 0]
        assert numbers[-1] == 34


async def test_a_long_input_draws_only_a_window_and_never_builds_the_matrix():
    x = np.arange(4096) % 7
    app = make_app(input=x, kernel=[1, 2, 1])
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("g", *"2000", "enter")
        slide = pane_text(app, "#slide")
        assert "y[2000] = 1·" in slide
        assert "step 2001 of 4098" in slide
        matrix = pane_text(app, "#matrix")
        assert "M is 4098×4096" in matrix
        result = playground(app).state.result
        assert "matrix" not in vars(result) and "taps" not in vars(result)


async def test_a_large_setup_is_computed_in_a_worker():
    signal = pytest.importorskip("scipy.signal")
    rng = np.random.default_rng(0)
    x, w = rng.integers(0, 9, (300, 300)), rng.integers(-2, 3, (25, 25))
    app = make_app()
    async with app.run_test(size=(120, 40)):
        app.post_message(ReplaceSetup(Setup(x, w, "valid")))  # the app passes it on
        # 300² × 25²: a worker's job (tests/app/test_state.py checks the state meanwhile)
        await until(lambda: playground(app).setup.input.shape == (300, 300))
        await until(lambda: playground(app).state.result is not None)
        assert np.array_equal(playground(app).state.result.output, signal.convolve2d(x, w, "valid"))


async def test_presets_load_and_box_convolved_with_box_is_a_triangle():
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("n")
        assert playground(app).setup.input.shape == (32,)
        await pilot.press("r", "end", "enter", "escape")
        assert output(app) == [1, 2, 3, 4, 3, 2, 1]
        assert app.screen.query_one("#input-editor").value == "1, 1, 1, 1"


async def test_help_lists_every_key_of_the_screen():
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("question_mark")
        assert isinstance(app.screen, HelpScreen)
        text = flat_text(app, "#keys")
        for binding in type(playground(app)).BINDINGS:
            assert (binding.tooltip or binding.description) in text
        assert "Quit" in text and "ctrl+p" in text
        await pilot.press("escape")
        assert not isinstance(app.screen, HelpScreen)


async def test_the_palette_lists_and_runs_every_action():
    from convtui.app.commands import ActionCommands

    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        provider = ActionCommands(playground(app))
        commands = {name: run for name, _help, run in provider._commands()}
        for binding in type(playground(app)).BINDINGS:
            assert binding.description in commands
        assert {"Quit", "Help"} <= set(commands)
        await commands["Mode"]()
        await pilot.pause()
        assert playground(app).setup.mode == "valid"


async def test_play_advances_and_stops_at_the_end():
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        for _ in range(4):
            await pilot.press("plus")
        assert playground(app).state.speed == 0.05
        await pilot.press("space")
        await pilot.pause(0.6)
        assert playground(app).step == 5
        assert not playground(app).state.playing


async def test_narrow_terminal_shows_one_view_at_a_time():
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        screen = playground(app)
        assert screen.has_class("narrow")
        assert isinstance(app.focused, SlidePane)
        await pilot.press("3")
        assert screen.query_one("#matrix").display and not screen.query_one("#slide").display
        assert screen.query_one("#matrix").region.width > 60
        await pilot.press("i")
        assert screen.query_one("#setup-column").display


async def test_q_quits_and_replace_setup_is_the_outside_hook():
    app = make_app(open="session.json")
    assert app.options == {"open": "session.json"}
    async with app.run_test(size=(120, 40)) as pilot:
        app.post_message(ReplaceSetup(Setup([1, 1], [1, 1])))
        await until(lambda: output(app) == [1, 2, 1])
        assert app.playground_setup == Setup([1, 1], [1, 1])  # SetupApplied told the app
        assert app.screen.query_one("#kernel-editor").value == "1, 1"
        await pilot.press("q")
        await pilot.pause()
    assert app.return_code == 0


async def test_keys_queued_right_after_q_are_dropped_and_the_app_exits_cleanly():
    # q then, before the app has closed, keys that would open the lab and the lessons
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        queue_keys(app, ["q"] + ["x", "right", "l", "question_mark", "t"] * 5)
        await pilot.pause(0.3)
    assert app.return_code == 0


async def test_a_click_on_a_widget_removed_since_the_last_layout_is_dropped():
    # between a pane's removal and the next layout the screen still maps the old widget
    # there; Textual's text selection then failed on its missing parent (the monkey,
    # seed 6 of the full run)
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        pane = app.screen.query_one("#mode")
        x, y = pane.region.x + 2, pane.region.y + 1
        await pane.remove()
        assert app.screen.get_widget_at(x, y)[0] is pane  # the stale map
        queue_click(app, x, y)
        await pilot.pause()
        await pilot.click(offset=(x, y))  # a frame later, the click lands on what is there
        assert app.is_running
        app.exit()
    assert app.return_code == 0  # run_test re-raises any exception inside the app
