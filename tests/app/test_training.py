"""Pilot tests of the training pane: start, pause, one step, reset, tied weights, divergence.

The seed example makes the numbers checkable by hand: the playground's input
x = 1, 2, 3, 4 and kernel w = 5, 6, 7 (full convolution) become the data and the
hidden target, and training starts from a random kernel drawn from seed 0.
"""

from __future__ import annotations

import asyncio
import re

import numpy as np
import pytest

from convtui.app import make_app
from convtui.app.screens.playground import PlaygroundScreen
from convtui.app.screens.training import TrainingScreen
from tests.app.helpers import flat_text, playground, until

X, W = np.array([1.0, 2.0, 3.0, 4.0]), np.array([5.0, 6.0, 7.0])
TARGET = np.convolve(X, W)  # full convolution: 5, 16, 34, 52, 45, 28


def seed_start() -> np.ndarray:
    """The first kernel: uniform in ±1/sqrt(3) from seed 0 (train_kernel's rule)."""
    return np.random.default_rng(0).uniform(-1 / np.sqrt(3), 1 / np.sqrt(3), 3)


def mse(kernel) -> float:
    return float(np.mean((np.convolve(X, kernel) - TARGET) ** 2))


async def open_pane(pilot) -> TrainingScreen:
    await pilot.press("t")
    await pilot.pause()
    screen = pilot.app.screen
    assert isinstance(screen, TrainingScreen)
    return screen


def status(app) -> str:
    return flat_text(app, "#train-status")


def shown_loss(app) -> float:
    return float(re.search(r"loss (\S+)", status(app)).group(1))


def shown_update(app) -> int:
    return int(re.search(r"update ([\d,]+)", status(app)).group(1).replace(",", ""))


async def change_kernel(pilot, text: str) -> None:
    """Type a new kernel into the playground's editor, as a learner does."""
    app = pilot.app
    await pilot.press("k", "ctrl+u", *text, "escape")
    await until(lambda: app.playground_setup.kernel.tolist() == [float(v) for v in text.split(",")])


async def wait_for(pilot, condition, timeout: float = 10.0) -> None:
    loop = asyncio.get_running_loop()
    end = loop.time() + timeout
    while not condition():
        assert loop.time() < end, "timed out"
        await pilot.pause(0.02)


async def test_reached_by_key_and_from_the_command_palette():
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await open_pane(pilot)
        await pilot.press("t")
        assert isinstance(app.screen, PlaygroundScreen)
        await pilot.press("ctrl+p")
        await pilot.pause()
        await pilot.press(*"train a kernel")
        await pilot.pause(0.3)
        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(app.screen, TrainingScreen))
        # the pane's own actions are in the palette too
        await pilot.press("ctrl+p")
        await pilot.pause()
        await pilot.press(*"one step")
        await pilot.pause(0.3)
        await pilot.press("enter")
        await wait_for(pilot, lambda: getattr(getattr(app.screen, "run", None), "step", 0) == 1)


async def test_starts_from_a_random_kernel_with_the_playground_kernel_hidden():
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_pane(pilot)
        assert "kernel w = 5, 6, 7 from x = 1, 2, 3, 4" in status(app)
        np.testing.assert_allclose(screen.run.target_kernel, W)
        np.testing.assert_allclose(screen.run.state.kernel, seed_start())
        assert shown_update(app) == 0
        assert shown_loss(app) == pytest.approx(mse(seed_start()), rel=1e-3)


async def test_starting_lowers_the_loss_and_pause_stops_it():
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_pane(pilot)
        first = shown_loss(app)
        await pilot.press("space")
        assert "training" in status(app)
        await wait_for(pilot, lambda: shown_update(app) >= 20)
        await pilot.press("space")
        assert "paused" in status(app)
        paused_at, loss = shown_update(app), shown_loss(app)
        assert loss < first / 2
        # the loss shown is the real loss of the kernel shown
        assert loss == pytest.approx(mse(screen.run.state.kernel), rel=1e-3)
        await pilot.pause(0.3)
        assert shown_update(app) == paused_at == screen.run.step
        assert len(screen.run.losses) == paused_at + 1


async def test_one_step_makes_exactly_one_update():
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_pane(pilot)
        start = screen.run.state
        await pilot.press("s")
        assert shown_update(app) == 1
        assert len(screen.run.losses) == 2
        # one Adam update from the start: every weight moves by the rate (0.1), against
        # the sign of its gradient (the bias-corrected first step is lr·g/|g|)
        expected = start.kernel - 0.1 * np.sign(start.grad_kernel)
        np.testing.assert_allclose(screen.run.state.kernel, expected, rtol=1e-6)
        await pilot.press("s", "s")
        assert shown_update(app) == 3


async def test_reset_restores_the_start():
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_pane(pilot)
        first = shown_loss(app)
        await pilot.press("s", "s", "s", "s")
        assert shown_loss(app) != first
        await pilot.press("r")
        assert shown_update(app) == 0
        assert shown_loss(app) == first
        np.testing.assert_allclose(screen.run.state.kernel, seed_start())


def finite_difference(kernel, j, h=1e-6) -> float:
    step = np.zeros(3)
    step[j] = h
    return (mse(kernel + step) - mse(kernel - step)) / (2 * h)


async def test_tied_weights_sum_equals_the_gradient():
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_pane(pilot)
        await pilot.press("s", "s", "right")  # weight w[1]
        await pilot.pause()
        tied = flat_text(app, "#tied")
        assert "w[1] is used at every output position (6 of them)" in tied
        shown_sum = float(re.search(r"Σ over the 6 positions = (\S+)", tied).group(1))
        engine = float(re.search(r"engine: dL/dw\[1\] = (\S+) ✓ same", tied).group(1))
        kernel = screen.run.state.kernel
        assert shown_sum == pytest.approx(screen.run.state.grad_kernel[1], rel=1e-3)
        assert engine == pytest.approx(shown_sum, rel=1e-3)
        assert shown_sum == pytest.approx(finite_difference(kernel, 1), rel=1e-3)
        # y[2] = w0·x[2] + w1·x[1] + w2·x[0] (convolution): w[1] meets x[1] = 2 there
        residual = np.convolve(X, kernel) - TARGET
        row = re.search(r"y\[2\] (\S+) × (\S+) = (\S+)", tied)
        assert float(row.group(1)) == pytest.approx(2 / 6 * residual[2], rel=1e-3)
        assert float(row.group(2)) == 2
        assert float(row.group(3)) == pytest.approx(2 / 6 * residual[2] * 2, rel=1e-3)


async def test_tied_weights_over_a_batch_of_images():
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_pane(pilot)
        assert screen.choose_task("blur")
        await pilot.press("s", "down", "right")  # w[1,1], the middle of the 3×3 kernel
        view = screen.snapshot.tied
        assert view.weight == (1, 1) and view.examples == 8
        assert view.total == pytest.approx(screen.run.state.grad_kernel[1, 1], rel=1e-9)
        assert "Σ all 8 examples" in flat_text(app, "#tied")


async def test_a_diverging_run_shows_a_hint_and_the_app_keeps_working():
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_pane(pilot)
        await pilot.press("o")  # adam -> sgd, with its own rate 0.1
        assert screen.config.optimizer == "sgd" and screen.config.lr == 0.1
        await pilot.press("plus", "plus")  # 0.5: far too high for inputs up to 4
        assert screen.config.lr == 0.5
        await pilot.press("greater_than_sign", "greater_than_sign", "space")
        await wait_for(pilot, lambda: screen.run.finished and not screen.run.running)
        # the worker's last progress message reaches the pane a moment after it stops
        await wait_for(pilot, lambda: "diverged" in status(app))
        text = status(app)
        assert "diverged" in text and "too high" in text and "press - to lower it" in text
        await pilot.press("space")  # starting a diverged run again does nothing
        assert screen.run.diverged
        await pilot.press("minus", "minus", "minus", "minus")  # 0.5 -> 0.2 -> 0.1 -> 0.05 -> 0.02
        assert screen.config.lr == pytest.approx(0.02)
        assert "diverged" not in status(app)
        await pilot.press("s")
        assert shown_update(app) == 1
        assert shown_loss(app) < mse(seed_start())


async def test_an_error_in_the_worker_is_shown_and_the_app_keeps_running():
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_pane(pilot)

        def broken(*args, **kwargs):
            raise RuntimeError("the numbers ran away")

        screen.run.advance = broken
        await pilot.press("space")
        await wait_for(pilot, lambda: "stopped" in status(app))
        assert "RuntimeError: the numbers ran away" in status(app)
        await pilot.press("r", "s")
        assert shown_update(app) == 1


async def test_use_learned_kernel_changes_the_playground_kernel():
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_pane(pilot)
        await pilot.press("s", "s", "s", "u")
        learned = np.round(screen.run.state.kernel, 4)
        await until(lambda: np.array_equal(playground(app).setup.kernel, learned))
        assert isinstance(app.screen, PlaygroundScreen)
        assert not np.array_equal(playground(app).setup.kernel, W)
        np.testing.assert_array_equal(playground(app).setup.input, X)
        # the playground shows the new kernel's output
        expected = np.convolve(X, learned)
        np.testing.assert_allclose(playground(app).state.result.output, expected)


async def test_options_change_the_model_and_start_over():
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_pane(pilot)
        assert screen.choose_task("edges")  # target: correlate with -1, 0, 1
        np.testing.assert_array_equal(screen.run.target_kernel, [-1, 0, 1])
        await pilot.press("s", "f")  # convolution must learn the mirrored kernel
        assert screen.config.flip and shown_update(app) == 0
        np.testing.assert_array_equal(screen.run.target_kernel, [1, 0, -1])
        await pilot.press("k")  # four taps: -1, 0, 1 padded to -1, 0, 1, 0, then mirrored
        np.testing.assert_array_equal(screen.run.target_kernel, [0, 1, 0, -1])
        await pilot.press("m")  # same → causal: outputs see no later input
        assert screen.config.mode == "causal"
        await pilot.press("m", "v")
        assert (screen.config.mode, screen.config.activation) == ("full", "relu")
        assert "relu" in status(app) and "mode full" in status(app)


async def test_usable_at_80x24_one_view_at_a_time():
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_pane(pilot)
        assert screen.has_class("narrow")
        assert screen.query_one("#loss").display and not screen.query_one("#tied").display
        await pilot.press("3")
        await pilot.pause()
        assert screen.query_one("#tied").display and not screen.query_one("#loss").display
        assert "Σ over the 6 positions" in flat_text(app, "#tied")
        await pilot.press("space")
        await wait_for(pilot, lambda: shown_update(app) >= 5)
        await pilot.press("space", "q")


def test_training_pane_snapshot(snap_compare):
    async def three_steps(pilot):
        await pilot.press("t")
        await pilot.pause()
        await pilot.press("s", "s", "s", "right")
        await pilot.pause()

    assert snap_compare(make_app(), terminal_size=(120, 40), run_before=three_steps)


async def test_help_explains_the_pane_and_lists_its_keys_once():
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await open_pane(pilot)
        await pilot.press("question_mark")
        await pilot.pause()
        rows = [re.split(r"\s{2,}", line.strip(), maxsplit=1) for line in help_lines(app)]
        keys = [key for row in rows for key in row[0].split(" / ")]
        assert keys.count("t") == 1  # the pane's t (back), not the app's too
        assert ["s", "Make exactly one update"] in rows
        assert "gradient is a sum of one term per position" in " ".join(help_lines(app))


def help_lines(app) -> list[str]:
    """The help screen's text, one stripped line per row (blank rows left out)."""
    lines = []
    for widget in app.screen.query_one("VerticalScroll").query("Static"):
        for strip in widget.render_lines(widget.region.reset_offset):
            text = "".join(segment.text for segment in strip).strip()
            if text:
                lines.append(text)
    return lines


async def test_coming_back_reads_the_changed_playground_until_training_starts():
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_pane(pilot)
        await pilot.press("t")
        await change_kernel(pilot, "1, -1")
        await pilot.press("t")
        np.testing.assert_array_equal(screen.run.target_kernel, [1, -1])  # not trained yet
        await pilot.press("s", "t")
        await change_kernel(pilot, "2, 2, 2")
        await pilot.press("t")
        await pilot.pause()
        # a run under way is kept; the pane says how to take the new kernel
        np.testing.assert_array_equal(screen.run.target_kernel, [1, -1])
        assert "r starts over with its kernel" in status(app)
        await pilot.press("r")
        np.testing.assert_array_equal(screen.run.target_kernel, [2, 2, 2])


async def test_a_playground_it_cannot_train_on_shows_why():
    app = make_app(input="1, 2", kernel="1, 2, 3", mode="valid")  # an empty output
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_pane(pilot)
        assert screen.run is None
        assert "Cannot learn the playground's kernel: the output is empty" in status(app)
        await pilot.press("space", "s", "right", "u")  # nothing to do, nothing breaks
        await pilot.press("n")  # the next task trains
        assert screen.task_name == "hidden" and screen.run is not None


async def test_use_a_kernel_learned_on_a_task_shows_it_on_the_task_input():
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_pane(pilot)
        assert screen.choose_task("edges")  # correlate, mode "same", 8 step signals of 64
        await pilot.press("s", "s", "u")
        learned = np.round(screen.run.state.kernel, 4)
        await until(lambda: np.array_equal(playground(app).setup.kernel, learned))
        setup = playground(app).setup
        assert (setup.mode, setup.flip) == ("same", False)
        np.testing.assert_array_equal(setup.input, np.round(screen.run.problem.x[0], 3))
        expected = np.correlate(setup.input, setup.kernel, "same")
        np.testing.assert_allclose(playground(app).state.result.output, expected)


async def test_a_task_that_cannot_determine_the_kernel_says_so():
    # valid mode, x = 1 2 3 4 and w = 5 6 7: two outputs for three weights, so every
    # kernel w + t·(1, -2, 1) gives the same outputs (1 - 4 + 3 = 0, 2 - 6 + 4 = 0)
    app = make_app(input="1, 2, 3, 4", kernel="5, 6, 7", mode="valid")
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_pane(pilot)
        assert (screen.run.unknowns, screen.run.rank) == (3, 2)
        assert "cannot determine the kernel: 3 unknowns, only 2 independent" in status(app)
        await pilot.press("m", "m", "m")  # valid → same → causal → full: six outputs
        assert screen.config.mode == "full" and screen.run.determined
        assert "cannot determine" not in status(app)


async def test_the_tied_weights_legend_says_padding_only_where_there_is_padding():
    # valid convolution: no padding anywhere; the flipped kernel puts w[1] over x[0] = 0
    app = make_app(input="0, 1, 2, 3, 4", kernel="1, 1", mode="valid")
    async with app.run_test(size=(120, 40)) as pilot:
        await open_pane(pilot)
        await wait_for(pilot, lambda: "No term is 0: w[0] met no zero" in flat_text(app, "#tied"))
        await pilot.press("right")
        await wait_for(pilot, lambda: "Dim rows" in flat_text(app, "#tied"))
        text = flat_text(app, "#tied")
        assert "Dim rows: w[1] met an input of 0 there, adding 0." in text
        assert "padding zero" not in text
    app = make_app()  # full mode: the first and last outputs reach into the padding
    async with app.run_test(size=(120, 40)) as pilot:
        await open_pane(pilot)
        await wait_for(pilot, lambda: "Dim rows" in flat_text(app, "#tied"))
        assert "w[0] met a padding zero there, adding 0." in flat_text(app, "#tied")
