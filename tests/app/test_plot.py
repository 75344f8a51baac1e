"""The plot pane's lines: where each input, kernel and output value is drawn.

Positions are checked by hand: the output is drawn at the centre of the window that
made it, so each output value sits over the inputs it came from.  (2-D setups are
drawn as pictures: tests/app/test_picture.py.)
"""

from __future__ import annotations

import asyncio

import numpy as np
import pytest

from convtui import Setup
from convtui.app import make_app
from convtui.app.widgets.picture import PicturePane
from convtui.app.widgets.plot import LinePlot, PlotPane, plot_series
from tests.app.helpers import pane_text


def lines(setup: Setup) -> dict:
    return {title: (xs, ys) for title, xs, ys in plot_series(setup, setup.compute())}


def test_1d_full_convolution_centres_each_output_on_its_window():
    # x = 1, 2, 3, 4 and w = 5, 6, 7 (full): y = 5, 16, 34, 52, 45, 28; the first
    # window covers x[-2..0], centred on -1, so y[0] is drawn at -1
    got = lines(Setup([1, 2, 3, 4], [5, 6, 7], mode="full"))
    assert got["input x"] == ([0, 1, 2, 3], [1, 2, 3, 4])
    assert got["w flipped"] == ([-1, 0, 1], [7, 6, 5])  # flipped for a convolution
    assert got["y at window centres"] == ([-1, 0, 1, 2, 3, 4], [5, 16, 34, 52, 45, 28])


def test_1d_stride_and_dilation_spread_the_points():
    # valid, stride 2, dilation 2: the kernel spans 5 inputs, windows start at 0, 2
    setup = Setup(list(range(7)), [1, 0, -1], mode="valid", flip=False, stride=2, dilation=2)
    got = lines(setup)
    assert got["w"] == ([-2, 0, 2], [1, 0, -1])
    assert got["y at window centres"][0] == [2, 4]
    assert (
        got["y at window centres"][1] == np.correlate(np.arange(7), [1, 0, 0, 0, -1])[::2].tolist()
    )


async def wait_for(pilot, condition, timeout: float = 10.0) -> None:
    loop = asyncio.get_running_loop()
    end = loop.time() + timeout
    while not condition():
        assert loop.time() < end, "timed out"
        await pilot.pause(0.02)


@pytest.mark.parametrize(
    "size, keys", [((120, 40), []), ((80, 24), ["4"])], ids=["120x40", "80x24"]
)
async def test_1d_x_w_and_y_each_have_a_plot_and_an_axis(size, keys):
    # x = 1, 2, 3, 4; w = 5, 6, 7; y = 5 ... 52: each plot's axis reaches its own
    # maximum, so the kernel's 7 is not squashed under the output's 52
    app = make_app(setup=Setup([1, 2, 3, 4], [5, 6, 7]))
    async with app.run_test(size=size) as pilot:
        await pilot.press(*keys)
        plot = app.screen.query_one(LinePlot)
        await wait_for(pilot, lambda: plot.display and plot.size.height > 0)
        await pilot.pause()
        text = pane_text(app, "LinePlot")
        for title in ("input x", "w flipped", "y at window centres"):
            assert title in text
        assert "4.00" in text and "7.00" in text and "52.0" in text
        assert "output y" not in text and "w as applied" not in text  # no legend box


async def test_the_pane_survives_a_2d_setup_whose_output_is_empty():
    # dilation 4 spreads a 3×3 kernel over 9×9: nothing fits in an 8×8 image
    app = make_app(setup=Setup(np.ones((8, 8)), np.ones((3, 3)), mode="valid", dilation=4))
    async with app.run_test(size=(120, 40)) as pilot:
        pane = app.screen.query_one(PicturePane)
        await wait_for(pilot, lambda: pane.state is not None and pane.size.height > 0)
        await pilot.pause()
        assert "the output is empty" in pane_text(app, "PicturePane")
        assert not app._exception


async def test_a_2d_setup_shows_pictures_and_a_1d_one_lines():
    app = make_app(setup=Setup(np.ones((8, 8)), np.ones((3, 3))))
    async with app.run_test(size=(120, 40)) as pilot:
        pane = app.screen.query_one(PlotPane)
        await wait_for(pilot, lambda: pane.query_one(PicturePane).display)
        assert not pane.query_one(LinePlot).display
        assert pane.border_title == "Plot  [4]"
