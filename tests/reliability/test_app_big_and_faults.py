"""Big inputs stay usable and faults inside the app never end it.

Speed for these sizes is measured in bench/tui.py (never asserted here); these tests
pin the behaviour: the step keys work, the panes draw, the matrix that would not fit
in memory is refused with its size, and an exception in a worker is shown.
"""

from __future__ import annotations

import numpy as np

import convtui
from convtui.app import make_app
from convtui.app.messages import ReplaceSetup
from convtui.engine.setup import Setup
from tests.app.helpers import flat_text, output, playground, until


async def test_a_100000_long_input_steps_and_refuses_the_matrix():
    x = np.arange(100_000) % 7
    app = make_app(setup=Setup(x, [1, 2, 3]))
    async with app.run_test(size=(120, 40)) as pilot:
        await until(lambda: playground(app).state.result is not None, timeout=60)
        assert len(output(app)) == 100_002
        await pilot.press("right", "right", "end", "left")
        screen = playground(app)
        assert screen.step == 100_000
        step = screen.state.result.steps[screen.step]
        assert step.value == int(np.convolve(x, [1, 2, 3])[100_000])
        matrix = flat_text(app, "#matrix")
        # 100,002 × 100,000 int64 entries (75 GB) are never built: only the rows in view
        assert "100002×100000" in matrix and "GB" in matrix
        assert "▶ y[100000] ‹" in matrix and f"= {step.value}" in matrix


async def test_a_512_image_with_a_64_kernel_steps_and_shows_the_window():
    rng = np.random.default_rng(0)
    image = rng.integers(0, 10, (512, 512))
    kernel = rng.integers(-2, 3, (64, 64))
    app = make_app(setup=Setup(image, kernel, mode="same"))
    async with app.run_test(size=(160, 50)) as pilot:
        want = convtui.convolve(image, kernel, "same")
        # a setup this big is computed in a worker: wait for its result, not a moment
        await until(lambda: playground(app).state.result is not None, timeout=60)
        assert output(app) == want.tolist()
        await pilot.press("down", "right", "right")
        screen = playground(app)
        index = np.unravel_index(screen.step, want.shape)
        assert screen.state.result.steps[screen.step].value == want[index]
        assert "575×575" not in flat_text(app, "#matrix")  # same: 512×512 output rows
        assert "262144×262144" in flat_text(app, "#matrix")


async def test_nan_and_inf_in_the_input_draw_in_every_pane():
    app = make_app(input="1, nan, 3, inf, 5", kernel="1, 1")
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("4")  # the plot pane, which cannot draw NaN itself
        await pilot.pause()
        assert (
            app.screen.query_one("#plot").border_subtitle == "6 NaN/inf not drawn"
        )  # x[1], x[3]; y[1:5]
        got = np.array(output(app), dtype=float)
        assert np.isnan(got[1:3]).all() and got[0] == 1


async def test_a_setup_too_big_for_memory_is_refused_inline(monkeypatch):
    app = make_app()
    async with app.run_test(size=(120, 40)):
        before = output(app)
        old = convtui.set_memory_limit(10_000)
        try:
            playground(app).post_message(ReplaceSetup(Setup(np.ones(5000), [1.0, 2.0])))
            await until(lambda: "memory limit" in flat_text(app, "#mode"))
        finally:
            convtui.set_memory_limit(old)
        assert output(app) == before  # the last good setup is kept
        assert "memory limit" in flat_text(app, "#mode")


async def test_an_exception_in_the_compute_worker_is_shown_and_the_app_goes_on(monkeypatch):
    from convtui.app import state as state_module

    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        before = output(app)

        def broken(self):
            raise RuntimeError("disk on fire")

        monkeypatch.setattr(state_module, "WORKER_THRESHOLD", 0)  # every setup in a worker
        monkeypatch.setattr(Setup, "compute", broken)
        playground(app).post_message(ReplaceSetup(Setup([1, 2, 3, 4, 5], [1, 1])))
        await until(lambda: "RuntimeError: disk on fire" in flat_text(app, "#mode"))
        assert output(app) == before
        monkeypatch.undo()
        await pilot.press("right")
        assert playground(app).step == 1
        await pilot.press("q")
        assert app.return_code == 0  # exit() was called
