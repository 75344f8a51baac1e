"""The picture view of a transposed convolution: its overlap counts (issue 15).

A stride-2 transposed convolution with a 3×3 kernel of ones lands 1, 2 or 4 products
on each output: per axis the counts are 1 1 2 1 2 1 2 1 1 (an even output gets two
inputs' taps, an odd one only one), and the picture's cells are their outer product:
the checkerboard.
"""

from __future__ import annotations

import numpy as np
import pytest

from convtui import Setup
from convtui.app import make_app
from convtui.app.widgets.picture import PicturePane
from convtui.app.widgets.shading import Scale

from .helpers import playground, until
from .test_picture import drawn, outlined, picture_units, ring, value_colour, wait_for

X = np.arange(16.0).reshape(4, 4)
TRANSPOSED = Setup(X, np.ones((3, 3)), "valid", stride=2, transposed=True)
PER_AXIS = [1, 1, 2, 1, 2, 1, 2, 1, 1]


def test_the_counts_are_the_checkerboard_by_hand_and_torchs():
    counts = TRANSPOSED.compute().steps.overlap()
    assert counts.tolist() == np.outer(PER_AXIS, PER_AXIS).tolist()
    torch = pytest.importorskip("torch")
    ones = torch.ones(1, 1, 4, 4, dtype=torch.float64)
    kernel = torch.ones(1, 1, 3, 3, dtype=torch.float64)
    landed = torch.nn.functional.conv_transpose2d(ones, kernel, stride=2)  # 1 per product
    assert np.array_equal(landed.numpy()[0, 0], counts)


async def test_the_overlap_picture_has_each_counts_colour():
    app = make_app(setup=TRANSPOSED)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("4")
        pane = app.screen.query_one(PicturePane)
        await wait_for(pilot, lambda: drawn(pane) and "o" in pane.drawing().pictures)
        got = picture_units(pane, "o")
        picture = pane.drawing().pictures["o"]
        scale = Scale.of(np.outer(PER_AXIS, PER_AXIS).astype(float))
        assert (scale.low, scale.high) == (1, 4)
        for (r, c), count in np.ndenumerate(np.outer(PER_AXIS, PER_AXIS)):
            if r <= 1 and c <= 1:  # under the outline of output (0, 0), one unit outside it
                continue
            assert value_colour(got, picture, (r, c)) == scale.colour(count), (r, c)
        text = "\n".join(line.text for line in pane.render_lines(pane.region.reset_offset))
        assert "overlaps" in text and "products per y" in text


async def test_the_current_output_is_outlined_on_y_and_on_the_overlaps():
    app = make_app(setup=TRANSPOSED)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("4", "down", "right", "right")  # output (1, 2)
        await until(lambda: playground(app).step == 11)
        pane = app.screen.query_one(PicturePane)
        await wait_for(pilot, lambda: drawn(pane) and "o" in pane.drawing().pictures)
        for name in ("y", "o"):
            picture = pane.drawing().pictures[name]
            rect = picture.unit_rect(range(1, 2), range(2, 3))
            assert outlined(picture_units(pane, name)) == ring(*rect), name


async def test_scatter_outlines_the_input_and_the_outputs_it_spreads_to():
    app = make_app(setup=TRANSPOSED)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("4", "z")
        await until(lambda: playground(app).state.reading == "scatter")
        await pilot.press("right")  # input (0, 1): spreads x·w onto rows 0…2, cols 2…4
        await until(lambda: playground(app).step == 1)
        pane = app.screen.query_one(PicturePane)
        await wait_for(pilot, lambda: drawn(pane) and "adds to" in _first_lines(pane))
        assert "x[0,1] = 1" in _first_lines(pane)
        assert "adds to y[0…2, 2…4]" in _first_lines(pane)
        x_picture = pane.drawing().pictures["x"]
        x_rect = x_picture.unit_rect(range(0, 1), range(1, 2))
        assert outlined(picture_units(pane, "x")) == ring(*x_rect)
        y_picture = pane.drawing().pictures["y"]
        y_rect = y_picture.unit_rect(range(0, 3), range(2, 5))
        assert outlined(picture_units(pane, "y")) == ring(*y_rect)


def _first_lines(pane) -> str:
    lines = pane.render_lines(pane.region.reset_offset)[:2]
    return " ".join("".join(s.text for s in line).strip() for line in lines)


async def test_v_shows_the_overlap_numbers_around_the_step():
    app = make_app(setup=TRANSPOSED)
    async with app.run_test(size=(160, 48)) as pilot:
        await pilot.press("4", "v")
        pane = app.screen.query_one(PicturePane)
        await wait_for(pilot, lambda: pane.numbers)
        lines = [
            "".join(s.text for s in line) for line in pane.render_lines(pane.region.reset_offset)
        ]
        at = next(i for i, line in enumerate(lines) if line.startswith("overlaps rows"))
        first_row = lines[at + 1].replace("┃", " ").split()
        assert [int(v) for v in first_row] == PER_AXIS[: len(first_row)]


async def test_a_click_on_the_overlaps_goes_to_that_output():
    app = make_app(setup=TRANSPOSED)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("4")
        pane = app.screen.query_one(PicturePane)
        await wait_for(pilot, lambda: drawn(pane) and "o" in pane.drawing().pictures)
        drawing = pane.drawing()
        picture, (bx, by) = drawing.pictures["o"], drawing.layout.at["o"]
        top, _, left, _ = picture.unit_rect(range(2, 3), range(4, 5))
        y = drawing.step_lines + by + 1 + top // 2
        await pilot.click(PicturePane, offset=(bx + left, y))
        await until(lambda: playground(app).step == 2 * 9 + 4)
