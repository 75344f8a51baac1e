"""The plot pane's lines: where each input, kernel and output value is drawn.

Positions are checked by hand: the output is drawn at the centre of the window that
made it, so each output value sits over the inputs it came from.
"""

from __future__ import annotations

import numpy as np

from convtui import Setup
from convtui.app import make_app
from convtui.app.widgets.plot import PlotPane, plot_series
from tests.app.helpers import playground


def lines(setup: Setup, row=None) -> tuple[str, dict]:
    title, series = plot_series(setup, setup.compute(), row)
    return title, {label: (xs, ys) for label, xs, ys in series}


def test_1d_full_convolution_centres_each_output_on_its_window():
    # x = 1, 2, 3, 4 and w = 5, 6, 7 (full): y = 5, 16, 34, 52, 45, 28; the first
    # window covers x[-2..0], centred on -1, so y[0] is drawn at -1
    _, got = lines(Setup([1, 2, 3, 4], [5, 6, 7], mode="full"))
    assert got["input x"] == ([0, 1, 2, 3], [1, 2, 3, 4])
    assert got["w as applied"] == ([-1, 0, 1], [7, 6, 5])  # flipped for a convolution
    assert got["output y"] == ([-1, 0, 1, 2, 3, 4], [5, 16, 34, 52, 45, 28])


def test_1d_stride_and_dilation_spread_the_points():
    # valid, stride 2, dilation 2: the kernel spans 5 inputs, windows start at 0, 2
    setup = Setup(list(range(7)), [1, 0, -1], mode="valid", flip=False, stride=2, dilation=2)
    _, got = lines(setup)
    assert got["w as applied"] == ([-2, 0, 2], [1, 0, -1])
    assert got["output y"][0] == [2, 4]
    assert got["output y"][1] == np.correlate(np.arange(7), [1, 0, 0, 0, -1])[::2].tolist()


def test_2d_plots_the_input_row_under_the_kernels_middle_row():
    x = np.arange(30).reshape(5, 6)
    w = np.arange(6).reshape(3, 2)  # 3 rows, 2 columns: not square
    setup = Setup(x, w, mode="valid", flip=False)
    title, got = lines(setup, row=1)
    # output row 1 uses input rows 1-3; the middle one is 2
    assert title.startswith("row 2 of x, middle row of w, row 1 of y")
    assert got["input x"][1] == x[2].tolist()
    assert got["w as applied"][1] == w[1].tolist()
    assert got["output y"][1] == setup.compute().output[1].tolist()


def test_2d_with_an_empty_output_plots_the_input_and_says_so():
    # dilation 4 spreads a 3×3 kernel over 9×9: nothing fits in an 8×8 image
    setup = Setup(np.ones((8, 8)), np.ones((3, 3)), mode="valid", dilation=4)
    assert setup.compute().output.size == 0
    title, got = lines(setup)
    assert "the output is empty" in title
    assert got["input x"][1] == [1.0] * 8
    assert got["output y"] == ([], [])


async def test_the_pane_survives_a_2d_setup_whose_output_is_empty():
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        playground(app).set_setup(Setup(np.ones((8, 8)), np.ones((3, 3)), mode="valid", dilation=4))
        await pilot.pause()
        pane = app.screen.query_one(PlotPane)
        assert pane.plt is not None and not app._exception
        playground(app).set_setup(Setup([1, 2, 3], [1, 1]))
        await pilot.pause()
        assert not app._exception


def test_2d_even_kernel_with_dilation_uses_the_row_that_ws_middle_row_meets():
    # 4 kernel rows, dilation 2, convolution: w's middle row (row 2) is tap 1 of the
    # flipped kernel, so at output row 0 it meets input row 0 + 1·2 = 2
    x = np.arange(80).reshape(10, 8)
    w = np.arange(8).reshape(4, 2)
    setup = Setup(x, w, mode="valid", dilation=2)
    title, got = lines(setup, row=0)
    assert title.startswith("row 2 of x")
    assert got["input x"][1] == x[2].tolist() and got["w as applied"][1] == w[2][::-1].tolist()
    # as a correlation the middle row is tap 2: input row 4
    title, _ = lines(setup.replace(flip=False), row=0)
    assert title.startswith("row 4 of x")
