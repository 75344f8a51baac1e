"""Pilot tests of issue 15 in the playground: transposed (scatter and gather), output
padding, padding modes and causal, from the keys and the command line.

Numbers are worked out by hand (each x[i] spreads x[i]·w over outputs i·s .. i·s+2)
and checked against ``convtui.conv_transpose`` and torch where it is installed.
"""

from __future__ import annotations

import re

import numpy as np
import pytest

import convtui
from convtui.app import make_app
from convtui.engine.setup import Setup
from tests.app.helpers import pane_text, playground, until

SIZE = (120, 40)


def state(app):
    return playground(app).state


def row(app, label: str) -> list[str]:
    """The cells of the slide pane's row whose label is ``label`` (its first words)."""
    for line in pane_text(app, "#slide").splitlines():
        text = line.strip("│ ")
        if text.startswith(label + " ") and text[len(label) :].startswith("  "):
            cells = text[len(label) :].split()  # less the ‹ › that mark a cut edge
            return [cell.strip("‹›") for cell in cells if cell.strip("‹›")]
    raise AssertionError(f"no row {label!r} in the slide pane:\n{pane_text(app, '#slide')}")


def slide_text(app) -> str:
    """The slide pane's text as one line: wrapped lines joined, borders left out."""
    return " ".join(line.strip("│ ") for line in pane_text(app, "#slide").splitlines())


def toasts(app) -> str:
    """The text of the notifications on screen."""
    return " ".join(str(toast.render()) for toast in app.screen.query("Toast"))


def up(stride: int = 2, **options) -> Setup:
    """1 2 3 4 spread by 1 2 3 (PyTorch's transposed convolution: no flip)."""
    return Setup(
        [1, 2, 3, 4], [1, 2, 3], "valid", flip=False, stride=stride, transposed=True, **options
    )


async def test_u_shows_the_transposed_convolution_gathered_with_overlap_counts():
    app = make_app(input="1 2 3 4", kernel="1 2 3", correlate=True, stride=2)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("u")
        await until(lambda: state(app).setup.transposed)
        # x[i] spreads over 2i..2i+2: 1 2 (3+2) 4 (6+3) 6 (9+4) 8 12
        expected = [1, 2, 5, 4, 9, 6, 13, 8, 12]
        assert state(app).result.output.tolist() == expected
        assert convtui.conv_transpose([1, 2, 3, 4], [1, 2, 3], stride=2).tolist() == expected
        await until(lambda: "gather: output y[0]" in pane_text(app, "#slide"))
        # stride 2, kernel 3: outputs 2, 4, 6 take two products, the rest one
        assert row(app, "overlaps") == ["1", "1", "2", "1", "2", "1", "2", "1", "1"]
        assert row(app, "y") == [str(v) for v in expected]
        # the inputs sit over the first output each reaches, 2 apart: 1 _ 2 _ 3 _ 4
        lines = pane_text(app, "#slide").splitlines()
        t_line = next(line for line in lines if line.strip("│ ").startswith("t "))
        x_line = next(line for line in lines if "x at i·s" in line)
        ends = {int(m.group()): m.end() for m in re.finditer(r"\d+", t_line)}
        assert {m.end(): m.group() for m in re.finditer(r"\d+", x_line)} == {
            ends[0]: "1",
            ends[2]: "2",
            ends[4]: "3",
            ends[6]: "4",
        }
        await pilot.press("right", "right", "right", "right")  # output 4
        await until(lambda: "y[4] =" in pane_text(app, "#slide"))
        text = pane_text(app, "#slide")
        # output 4 = 2·2 + 0 = 1·2 + 2: x[2] meets w[0], x[1] meets w[2]; 1·3 + 3·2
        assert "lands here: w[0]·x[2] + w[2]·x[1]" in text
        # each weight and product under the input it goes with: x[1] = 2 over t = 2
        lines = text.splitlines()
        x_line = next(line for line in lines if "x at i·s" in line)
        w_line = next(line for line in lines if line.strip("│ ").startswith("w "))
        p_line = next(line for line in lines if line.strip("│ ").startswith("products "))
        x_ends = {m.group(): m.end() for m in re.finditer(r"\d+", x_line)}
        assert {m.end(): m.group() for m in re.finditer(r"\d+", w_line)} == {
            x_ends["2"]: "3",
            x_ends["3"]: "1",
        }
        assert {m.end(): m.group() for m in re.finditer(r"\d+", p_line)} == {
            x_ends["2"]: "6",
            x_ends["3"]: "3",
        }
        assert "y[4] = 1·3 + 3·2 = 9" in text


async def test_z_scatters_each_input_and_y_so_far_ends_at_the_output():
    app = make_app(setup=up())
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("z")
        await until(lambda: state(app).reading == "scatter")
        assert state(app).size == 4  # one step per input
        await pilot.press("right")
        await until(lambda: "x[1] = 2 adds" in pane_text(app, "#slide"))
        assert "x[1] = 2 adds 2·w: y[2] += 2·1 = 2, y[3] += 2·2 = 4, y[4] += 2·3 = 6" in (
            pane_text(app, "#slide")
        )
        assert row(app, "x[1]·w") == ["2", "4", "6"]
        # after x[0] (1 2 3 at 0..2) and x[1] (2 4 6 at 2..4); nothing landed past 4 yet
        assert row(app, "y so far") == ["1", "2", "5", "4", "6", "·", "·", "·", "·"]
        await pilot.press("end")
        await until(lambda: "x[3] = 4 adds" in pane_text(app, "#slide"))
        torch = pytest.importorskip("torch")
        expected = torch.nn.functional.conv_transpose1d(
            torch.tensor([[[1.0, 2, 3, 4]]]), torch.tensor([[[1.0, 2, 3]]]), stride=2
        )[0, 0]
        assert row(app, "y so far") == [str(int(v)) for v in expected.tolist()]


async def test_z_goes_back_to_gather_at_the_first_output_the_input_reached():
    app = make_app(setup=up())
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("z", "right", "right")  # scatter x[2]: outputs 4, 5, 6
        await until(lambda: state(app).step == 2)
        await pilot.press("z")
        await until(lambda: state(app).reading == "gather")
        assert state(app).step == 4 and state(app).size == 9
        await until(lambda: "gather: output y[4]" in pane_text(app, "#slide"))


async def test_z_on_a_plain_convolution_says_what_it_is_for():
    app = make_app()
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        before = state(app)
        await pilot.press("z")
        await until(lambda: "press u" in toasts(app))
        assert state(app) is before


@pytest.mark.parametrize(
    "presses, mode, copies",
    [
        # the seed 1 2 3 4 in mode full has two padded cells each side (numpy.pad)
        (1, "reflect", ["x[2]", "x[1]", "x[2]", "x[1]"]),
        (2, "replicate", ["x[0]", "x[0]", "x[3]", "x[3]"]),
        (3, "circular", ["x[2]", "x[3]", "x[0]", "x[1]"]),
        (4, "symmetric", ["x[1]", "x[0]", "x[3]", "x[2]"]),
    ],
)
async def test_b_cycles_padding_modes_and_every_padded_cell_names_its_copy(presses, mode, copies):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press(*["b"] * presses)
        await until(lambda: state(app).setup.padding_mode == mode)
        await until(lambda: "= copy of" in pane_text(app, "#slide"))
        assert row(app, "= copy of") == copies
        values = {"x[0]": 1, "x[1]": 2, "x[2]": 3, "x[3]": 4}
        padded = np.pad(
            [1, 2, 3, 4], 2, mode={"circular": "wrap", "replicate": "edge"}.get(mode, mode)
        )
        assert [values[c] for c in copies] == [*padded[:2], *padded[-2:]]
        assert row(app, "x padded") == [str(v) for v in padded]


async def test_b_on_zeros_shows_no_copy_row_and_the_output_follows_the_mode():
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("b")  # reflect: 3 2 | 1 2 3 4 | 3 2
        await until(lambda: state(app).setup.padding_mode == "reflect")
        # y[0] = 7·3 + 6·2 + 5·1 (the flipped kernel over the mirrored cells)
        assert state(app).result.output[0] == 38
        await pilot.press("b", "b", "b", "b")
        await until(lambda: state(app).setup.padding_mode == "zeros")
        assert "= copy of" not in pane_text(app, "#slide")


async def test_o_and_capital_o_change_the_output_padding_as_torch_does():
    torch = pytest.importorskip("torch")
    app = make_app(setup=up())
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("o")
        await until(lambda: state(app).setup.output_padding == 1)
        expected = torch.nn.functional.conv_transpose1d(
            torch.tensor([[[1.0, 2, 3, 4]]]),
            torch.tensor([[[1.0, 2, 3]]]),
            stride=2,
            output_padding=1,
        )[0, 0]
        assert state(app).result.output.tolist() == expected.tolist()  # one 0 more: 10 long
        await pilot.press("o")  # 2 is not below the stride: refused, 1 kept
        await until(lambda: "output_padding must be smaller" in state(app).error)
        assert state(app).setup.output_padding == 1
        await pilot.press("O", "O")
        await until(lambda: state(app).setup.output_padding == 0 and not state(app).error)
        assert state(app).result.output.size == 9


async def test_m_reaches_causal():
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("m", "m", "m")
        await until(lambda: state(app).setup.mode == "causal")
        # y[i] = 5·x[i] + 6·x[i-1] + 7·x[i-2], nothing after i
        assert state(app).result.output.tolist() == [5, 16, 34, 52]
        await pilot.press("right", "right", "right")
        await until(lambda: "y[3] = 7·2 + 6·3 + 5·4 = 52" in pane_text(app, "#slide"))


async def test_the_command_line_flags_open_the_same_setup():
    from convtui.commands.app_flags import app_options

    argv = ["--input", "1 2 3 4", "--kernel", "1 2 3", "--correlate", "--stride", "2"]
    options = app_options([*argv, "--transposed", "--output-padding", "1"])
    app = make_app(setup=options["setup"])
    async with app.run_test(size=SIZE):
        await until(lambda: state(app).result is not None)
        expected = convtui.conv_transpose([1, 2, 3, 4], [1, 2, 3], stride=2, output_padding=1)
        assert state(app).result.output.tolist() == expected.tolist()
    circular = app_options(["--padding-mode", "circular", "--mode", "causal"])["setup"]
    assert (circular.padding_mode, circular.mode) == ("circular", "causal")


async def test_a_2d_transposed_convolution_scatters_block_by_block():
    x = np.arange(1, 10).reshape(3, 3)
    setup = Setup(x, np.ones((2, 2), int), "valid", flip=False, stride=2, transposed=True)
    app = make_app(setup=setup)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("z")
        await until(lambda: state(app).size == 9)
        await pilot.press("down")  # one input row down: x[1,0] = 4
        await until(lambda: "x[1,0] = 4 adds" in pane_text(app, "#slide"))
        # stride 2, kernel 2: no overlap, x[1,0] fills rows 2-3, columns 0-1
        assert (
            "x[1,0] = 4 adds 4·w: y[2,0] += 4·1 = 4, y[2,1] += 4·1 = 4, y[3,0] += 4·1 = 4, "
            "y[3,1] += 4·1 = 4"
        ) in slide_text(app)
        expected = convtui.conv_transpose(x, np.ones((2, 2)), stride=2)
        assert np.array_equal(state(app).result.output, expected)


def test_the_readme_flags_for_these_options_start_the_app():
    import pathlib
    import re
    import shlex

    from convtui.commands.app_flags import app_options

    readme = pathlib.Path(__file__).resolve().parents[2] / "README.md"
    section = readme.read_text(encoding="utf-8").split("### Transposed convolution", 1)[1]
    block = re.search(r"```\n(.*?)```", section, flags=re.S).group(1)
    setups = [app_options(shlex.split(line)[1:])["setup"] for line in block.splitlines()]
    assert setups[0].compute().output.tolist() == [1, 2, 5, 4, 9, 6, 13, 8, 12, 0]
    assert (setups[1].padding_mode, setups[1].mode) == ("circular", "causal")


async def test_a_scatter_too_large_to_add_up_shows_the_whole_y():
    from convtui.app.widgets.slide_transposed import RUNNING_SUM_LIMIT

    x = np.arange(200_001) % 7
    setup = Setup(x, np.ones(20, int), "valid", stride=2, transposed=True)
    assert x.size * 20 > RUNNING_SUM_LIMIT
    app = make_app(setup=setup)
    async with app.run_test(size=SIZE) as pilot:
        await until(lambda: state(app).result is not None, timeout=60)
        await pilot.press("z", "end")
        await until(lambda: "x[200000] = 3 adds" in slide_text(app))  # 200000 = 7·28571 + 3
        assert "y so far" not in pane_text(app, "#slide")
        assert row(app, "x[i]·w") == ["3"] * len(row(app, "x[i]·w"))  # 3·1, each tap
        # the whole y, not a running sum: each cell is the output there; a kernel of 20
        # at stride 2 lands 10 products on every output but the first and last 18
        ts = [int(t) for t in row(app, "t") if t.isdigit()]
        output = convtui.conv_transpose(x, np.ones(20, int), stride=2)
        assert row(app, "y") == [str(output[t]) for t in ts] and len(ts) > 5
        assert row(app, "overlaps") == [str(min(10, (output.size - 1 - t) // 2 + 1)) for t in ts]
