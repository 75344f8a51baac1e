"""The mode panel for padding modes, causal and transposed convolution (issue 15).

The output-length formula is the geometry's with the numbers filled in; its result is
checked by hand and against torch.  A click on an option posts the edit its key makes.
"""

from __future__ import annotations

import numpy as np
import pytest

from convtui import Setup
from convtui.app import make_app
from convtui.app.widgets.mode_panel import fill_picture

from .helpers import playground, until


def panel_lines(app) -> list[str]:
    pane = app.screen.query_one("#mode")
    return [
        "".join(s.text for s in line).rstrip()
        for line in pane.render_lines(pane.region.reset_offset)
    ]


def flowing(app) -> str:
    return " ".join(" ".join(panel_lines(app)).split())


async def click_word(app, pilot, word: str, after: str = "") -> None:
    """Click ``word`` on the first panel line that holds it (after ``after`` on that line)."""
    for y, line in enumerate(panel_lines(app)):
        start = line.find(after) if after else 0
        if start >= 0 and (x := line.find(word, start)) >= 0:
            await pilot.click("#mode", offset=(x + 1, y))
            return
    raise AssertionError(f"{word!r} is not on the panel")


# the formula's numbers, filled in, and the length a person works out by hand
CASES = [
    (  # reflect fills the padded cells; their count is as for zeros: 4+1+1-2-1+1 = 4
        Setup([1, 2, 3, 4], [1, 2, 3], "same", padding_mode="reflect"),
        ["= floor((4+1+1-1·(3-1)-1)/1)+1 = 4", "padded cells: 1 before, 1 after"],
    ),
    (  # causal: k-1 = 2 cells before, none after; (5+2+0-2-1)//2+1 = 3
        Setup([1, 2, 3, 4, 5], [1, 2, 3], "causal", stride=2),
        ["= floor((5+2+0-1·(3-1)-1)/2)+1 = 3", "padded cells: 2 before, 0 after"],
    ),
    (  # transposed: (3-1)·2 - 1 - 1 + 1·(3-1) + 1 + 1 = 6
        Setup(
            [1, 2, 3], [1, 2, 3], "valid", stride=2, padding=1, output_padding=1, transposed=True
        ),
        ["= (3-1)·2-1-1+1·(3-1)+1+1 = 6", "padding crops 1 before, 1 after; output padding adds 1"],
    ),
    (  # 2-D transposed, per axis: (2-1)·2 + 1·(2-1) + 1 = 4 rows, (3-1)·2 + 1 + 1 = 6 cols
        Setup(np.ones((2, 3)), np.ones((2, 2)), "valid", stride=2, transposed=True),
        ["rows = (2-1)·2-0-0+1·(2-1)+0+1 = 4", "cols = (3-1)·2-0-0+1·(2-1)+0+1 = 6"],
    ),
]


@pytest.mark.parametrize("setup, expected", CASES, ids=["reflect", "causal", "transposed", "2-D"])
async def test_the_formula_has_the_numbers_filled_in(setup, expected):
    app = make_app(setup=setup)
    async with app.run_test(size=(160, 48)):
        await until(lambda: playground(app).state is not None)
        text = flowing(app)
        for part in expected:
            assert part in text
        length = int(expected[0].rsplit("= ", 1)[1])
        assert setup.geometry.output_shape[0] == length


def test_the_transposed_length_is_torchs():
    torch = pytest.importorskip("torch")
    y = torch.nn.functional.conv_transpose1d(
        torch.ones(1, 1, 3), torch.ones(1, 1, 3), stride=2, padding=1, output_padding=1
    )
    assert y.shape[-1] == CASES[2][0].geometry.output_shape[0] == 6


def test_the_fill_pictures_are_numpy_pads():
    letters = np.array(list("abcd"))
    for mode, numpy_mode in [("reflect", "reflect"), ("replicate", "edge"), ("circular", "wrap")]:
        padded = "".join(np.pad(letters, 2, mode=numpy_mode))
        assert fill_picture(mode).replace(" ", "").replace("|", "") == padded
    assert fill_picture("symmetric") == "b a | a b c d | d c"  # the edge repeated


async def test_a_click_on_a_padding_mode_sets_it():
    app = make_app(input="1 2 3 4", kernel="1 2 3", mode="same")
    async with app.run_test(size=(160, 48)) as pilot:
        await click_word(app, pilot, "circular")
        await until(lambda: playground(app).setup.padding_mode == "circular")
        assert "filled by circular: c d | a b c d | a b" in flowing(app)
        # padded 4 | 1 2 3 4 | 1, kernel flipped 3 2 1: y[0] = 3·4 + 2·1 + 1·2 = 16
        assert playground(app).state.result.output.tolist() == [16, 10, 16, 18]


async def test_clicks_turn_on_transposed_its_reading_and_output_padding():
    app = make_app(input="1 2 3", kernel="1 2 3", mode="valid", stride=2)
    async with app.run_test(size=(160, 48)) as pilot:
        await click_word(app, pilot, "transposed")
        await until(lambda: playground(app).setup.transposed)
        await until(lambda: "reading" in flowing(app))
        assert "= (3-1)·2-0-0+1·(3-1)+0+1 = 7" in flowing(app)
        await click_word(app, pilot, "scatter")
        await until(lambda: playground(app).state.reading == "scatter")
        await click_word(app, pilot, "+", after="out pad")
        await until(lambda: playground(app).setup.output_padding in (1, (1,)))
        assert "= (3-1)·2-0-0+1·(3-1)+1+1 = 8" in flowing(app)


async def test_a_refused_click_says_why_and_keeps_the_transposed_setup():
    setup = Setup([1, 2, 3], [1, 2, 3], "valid", stride=2, transposed=True)
    app = make_app(setup=setup)
    async with app.run_test(size=(160, 48)) as pilot:
        await click_word(app, pilot, "full")
        await until(lambda: "mode must be 'valid'" in flowing(app))
        assert playground(app).setup == setup
        assert "showing the last valid setup" in flowing(app)
