"""The 2-D pictures: colours by the scale, the window where the geometry puts it, big
images shown as block means with a note, and the numbers on demand.

The colours are read back from what the pane draws: each cell is two units, the top
one the ``▀``'s colour and the bottom one its background.
"""

from __future__ import annotations

import asyncio

import numpy as np
import pytest

from convtui import Setup
from convtui.app import make_app
from convtui.app.widgets.picture import PicturePane
from convtui.app.widgets.shading import COLOURS, OUTLINE, RDBU, VIRIDIS, Scale, padded_input
from convtui.presets import PRESETS

BLUR = next(p for p in PRESETS if p.name == "image + blur").setup
MAGENTA = COLOURS[OUTLINE]


async def wait_for(pilot, condition, timeout: float = 20.0) -> None:
    loop = asyncio.get_running_loop()
    end = loop.time() + timeout
    while not condition():
        assert loop.time() < end, "timed out"
        await pilot.pause(0.02)


def drawn(pane: PicturePane) -> bool:
    drawing = pane.drawing()
    return drawing is not None and drawing.layout is not None and pane.size.height > 0


def units(pane: PicturePane) -> list[list]:
    """The pane's colours in units: two rows per line, one column per cell (None: none)."""
    rows = []
    for strip in pane.render_lines(pane.content_region.reset_offset):
        top, bottom = [], []
        for segment in strip:
            style = segment.style
            fg = style.color.triplet if style and style.color else None
            bg = style.bgcolor.triplet if style and style.bgcolor else None
            for char in segment.text:
                pair = {"▀": (fg, bg), "▄": (bg, fg), " ": (bg, bg)}.get(char, (None, None))
                top.append(None if pair[0] is None else tuple(pair[0]))
                bottom.append(None if pair[1] is None else tuple(pair[1]))
        rows += [top, bottom]
    return rows


def picture_units(pane: PicturePane, name: str) -> list[list]:
    """The units of one picture (its margin included), cut from the pane."""
    layout = pane.drawing().layout
    picture = pane.drawing().pictures[name]
    bx, by = layout.at[name]
    first = 2 * (pane.drawing().step_lines + by + 1)  # the step line(s), the label
    return [row[bx : bx + picture.cols] for row in units(pane)[first : first + 2 * picture.rows]]


def value_colour(picture_units_, picture, cell: tuple[int, int]):
    """The colour drawn at the middle of array cell ``cell`` (array indices)."""
    top, bottom, left, right = picture.unit_rect(*(range(i, i + 1) for i in cell))
    return picture_units_[(top + bottom) // 2][(left + right) // 2]


def outlined(picture_units_) -> set[tuple[int, int]]:
    return {
        (u, v)
        for u, row in enumerate(picture_units_)
        for v, rgb in enumerate(row)
        if rgb == MAGENTA
    }


def ring(top: int, bottom: int, left: int, right: int) -> set[tuple[int, int]]:
    """The units just outside a rect."""
    return {
        (u, v)
        for u in range(top - 1, bottom + 2)
        for v in range(left - 1, right + 2)
        if not (top <= u <= bottom and left <= v <= right)
    }


# -- the scale ---------------------------------------------------------------


def test_a_scale_of_one_sign_runs_viridis_from_min_to_max():
    scale = Scale.of(np.arange(9.0))
    assert (scale.low, scale.mid, scale.high) == (0, 4, 8)
    assert scale.colour(0) == tuple(VIRIDIS[0]) == (68, 1, 84)  # viridis's dark purple
    assert scale.colour(4) == tuple(VIRIDIS[128])  # 4 of 0..8: half way, level 128 of 255
    assert scale.colour(8) == tuple(VIRIDIS[255]) == (253, 231, 37)  # its yellow


def test_a_scale_across_zero_is_symmetric_and_zero_is_white():
    scale = Scale.of(np.array([-1.0, 0.0, 4.0]))
    assert (scale.low, scale.high, scale.diverging) == (-4, 4, True)
    assert scale.colour(0) == tuple(RDBU[128]) and min(scale.colour(0)) > 240  # white
    assert scale.colour(-4) == tuple(RDBU[0]) and scale.colour(4) == tuple(RDBU[255])


def test_padded_cells_copy_what_the_geometry_says():
    # replicate: the corner cells copy x[0,0] and x[2,2]; zeros: 0 around the input
    x = np.arange(9).reshape(3, 3)
    values, padded, before = padded_input(
        Setup(x, np.ones((3, 3)), "same", padding_mode="replicate")
    )
    assert before == (1, 1) and values[0, 0] == 0 and values[4, 4] == 8 and values[0, 2] == 1
    assert padded.sum() == 25 - 9 and not padded[1:4, 1:4].any()
    values, _, _ = padded_input(Setup(x, np.ones((3, 3)), "same"))
    assert values[0].tolist() == [0] * 5 and values[1].tolist() == [0, 0, 1, 2, 0]


# -- the pane ----------------------------------------------------------------


async def test_the_cells_have_the_colours_the_legend_gives_their_values():
    x = np.arange(9).reshape(3, 3)  # 0..8: the scale's min 0, mid 4, max 8
    app = make_app(setup=Setup(x, [[1]], "valid"))
    async with app.run_test(size=(120, 40)) as pilot:
        pane = app.screen.query_one(PicturePane)
        await wait_for(pilot, lambda: drawn(pane))
        got = picture_units(pane, "x")
        picture = pane.drawing().pictures["x"]
        scale = Scale.of(x.astype(float))
        for (r, c), value in np.ndenumerate(x):
            assert value_colour(got, picture, (r, c)) == scale.colour(value), (r, c)
        # the legend's swatches: x, then the colours of 0, 4 and 8 with their numbers
        legend = next(
            line
            for line in pane.render_lines(pane.content_region.reset_offset)
            if line.text.startswith("x ") and "4" in line.text
        )
        paper = pane.rich_style.bgcolor
        swatches = [tuple(s.style.bgcolor.triplet) for s in legend if s.style.bgcolor != paper]
        # (w's legend may follow on the same line: its one swatch, as w is all 1)
        assert swatches[:3] == [scale.colour(0), scale.colour(4), scale.colour(8)]
        assert legend.text.split()[:4] == ["x", "0", "4", "8"]
        assert value_colour(got, picture, (0, 0)) == swatches[0]
        assert value_colour(got, picture, (1, 1)) == swatches[1]  # 4: the middle colour
        assert value_colour(got, picture, (2, 2)) == swatches[2]


@pytest.mark.parametrize(
    "options, keys, index, cells",
    [
        # valid, stride 1: step 4 of a 4×4 output is y[1,0], on x rows 1-3, cols 0-2
        ({"mode": "valid"}, ["down"], (1, 0), (range(1, 4), range(0, 3))),
        # padding 1 and stride 2 on 6×6: output 3×3; y[1,1] starts at 1·2 - 1 = 1
        (
            {"mode": "valid", "padding": 1, "stride": 2},
            ["down", "right"],
            (1, 1),
            (range(1, 4), range(1, 4)),
        ),
        # same (1 zero each side): y[0,0] sits on rows -1..1, cols -1..1, a corner of padding
        ({"mode": "same"}, [], (0, 0), (range(-1, 2), range(-1, 2))),
        # full, dilation 2: the kernel spans 5 cells, every other one: y[0,1] on cols -3..1
        ({"mode": "full", "dilation": 2}, ["right"], (0, 1), (range(-4, 1, 2), range(-3, 2, 2))),
    ],
    ids=["valid", "padding-stride", "same-corner", "dilation"],
)
async def test_the_window_outline_sits_on_the_cells_the_geometry_names(options, keys, index, cells):
    setup = Setup(np.arange(36).reshape(6, 6), np.ones((3, 3)), **options)
    assert setup.geometry.window(index) == cells  # checked by hand in the ids above
    app = make_app(setup=setup)
    async with app.run_test(size=(160, 48)) as pilot:
        await pilot.press(*keys)
        pane = app.screen.query_one(PicturePane)
        await wait_for(
            pilot,
            lambda: (
                drawn(pane)
                and pane.state.step == np.ravel_multi_index(index, setup.geometry.output_shape)
            ),
        )
        await pilot.pause()
        # the ring is whole, one unit wide, round a block of units
        got = picture_units(pane, "x")
        ringed = outlined(got)
        top, bottom = min(u for u, _ in ringed) + 1, max(u for u, _ in ringed) - 1
        left, right = min(v for _, v in ringed) + 1, max(v for _, v in ringed) - 1
        assert ringed == ring(top, bottom, left, right)
        # as tall and wide as the window's span at this zoom (one size of units a cell)
        size = pane.drawing().layout.zoom.size
        assert (bottom - top + 1, right - left + 1) == (
            len(range(cells[0][0], cells[0][-1] + 1)) * size,
            len(range(cells[1][0], cells[1][-1] + 1)) * size,
        )
        # and inside its corners: the first and the last cell of the window (0..35 are
        # 36 colours; a padded cell greyed), read from the padded input
        values, padded, before = padded_input(setup)
        scale = Scale.of(values)

        def colour(r, c):
            r, c = r + before[0], c + before[1]
            return COLOURS[int(scale.codes(values[r : r + 1, c], padded[r : r + 1, c])[0])]

        assert got[top][left] == colour(cells[0][0], cells[1][0])
        assert got[bottom][right] == colour(cells[0][-1], cells[1][-1])
        # and the output cell of this step is ringed on y
        y = pane.drawing().pictures["y"]
        assert outlined(picture_units(pane, "y")) == ring(
            *y.unit_rect(*(range(i, i + 1) for i in index))
        )
        assert pane.render_lines(pane.content_region.reset_offset)[0].text.startswith(
            f"y[{index[0]},{index[1]}]"
        )


async def test_a_big_image_is_shown_as_block_means_with_a_note():
    rng = np.random.default_rng(0)
    image = rng.integers(0, 9, (1024, 1024))
    app = make_app(setup=Setup(image, np.ones((3, 3)), "same"))
    async with app.run_test(size=(120, 40)) as pilot:
        pane = app.screen.query_one(PicturePane)
        await wait_for(
            pilot, lambda: pane.state is not None and pane.state.result is not None and drawn(pane)
        )
        layout = pane.drawing().layout
        f = layout.zoom.factor
        assert f > 1
        text = " ".join(line.text for line in pane.render_lines(pane.content_region.reset_offset))
        assert f"1 pixel = mean of {f}×{f}" in text
        x = pane.drawing().pictures["x"]
        assert x.cols <= pane.size.width and x.rows <= pane.size.height  # only what shows
        # the first pixel is the mean of the padded input's first f×f block
        values, _, _ = padded_input(app.screen.query_one("#plot").state.setup)
        want = Scale.of(values).colour(values[:f, :f].mean())
        assert value_colour(picture_units(pane, "x"), x, (-1, -1)) == want
        await pilot.press("right")  # a step after the picture is made
        await wait_for(pilot, lambda: pane.state.step == 1)


async def test_v_shows_the_numbers_around_the_window_and_back():
    x = np.arange(9).reshape(3, 3)
    app = make_app(setup=Setup(x, [[1, 1], [1, 1]], "valid"))
    async with app.run_test(size=(120, 40)) as pilot:
        pane = app.screen.query_one(PicturePane)
        await wait_for(pilot, lambda: drawn(pane))
        await pilot.press("4", "v")
        await wait_for(pilot, lambda: pane.numbers)
        lines = [line.text.rstrip() for line in pane.render_lines(pane.content_region.reset_offset)]
        # y[0,0] = 0+1+3+4 (on one line or two, as the pane's width allows)
        assert " ".join(lines[:2]).startswith("y[0,0] = 8 from x[0…1, 0…1]")
        # the window's cells between bars, then the kernel, then y with y[0,0] marked
        assert lines.index("┃0 1┃2") + 1 == lines.index("┃3 4┃5") == lines.index(" 6 7 8") - 1
        assert lines.index(" 1 1") + 1 == lines.index(" 1 1", lines.index(" 1 1") + 1)
        assert lines.index("┃ 8┃12") + 1 == lines.index(" 20 24")
        await pilot.press("v")
        await wait_for(pilot, lambda: not pane.numbers)
        assert app.screen.query_one("#plot").border_subtitle == "v numbers"


async def test_a_click_on_the_output_picture_goes_to_that_step():
    app = make_app(setup=Setup(np.arange(36).reshape(6, 6), np.ones((3, 3)), "valid"))
    async with app.run_test(size=(160, 48)) as pilot:
        pane = app.screen.query_one(PicturePane)
        await wait_for(pilot, lambda: drawn(pane))
        y = pane.drawing().pictures["y"]
        bx, by = pane.drawing().layout.at["y"]
        top, bottom, left, right = y.unit_rect(range(2, 3), range(3, 4))
        row = (top - 1) // 2 if top % 2 else top // 2  # the cell whose lower half is on it
        step_lines = pane.drawing().step_lines
        await pilot.click(PicturePane, offset=(bx + left, step_lines + by + 1 + row))
        await wait_for(pilot, lambda: pane.state.step == 2 * 4 + 3)


@pytest.mark.parametrize(
    "size, keys",
    [((120, 40), ["4", "down", "right", "right"]), ((80, 24), ["4", "right"])],
    ids=["120x40", "80x24"],
)
def test_snapshot_of_the_blur_preset(snap_compare, size, keys):
    assert snap_compare(make_app(setup=BLUR), terminal_size=size, press=keys)


def test_snapshot_of_the_numbers(snap_compare):
    assert snap_compare(make_app(setup=BLUR), terminal_size=(80, 24), press=["4", "down", "v"])
