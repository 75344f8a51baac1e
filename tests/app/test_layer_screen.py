"""Pilot tests of the layer screen: every key, the panes' numbers, errors, the worker.

The playground's seed input x = 1, 2, 3, 4 becomes one channel; the layer starts
with 2 filters of 3 weights drawn from seed 0 (small whole numbers), so every sum
below is checked by hand from the weights the state holds.
"""

from __future__ import annotations

import numpy as np
import pytest

from convtui.app import make_app
from convtui.app.layer_state import LayerSpec, LayerState
from convtui.app.screens.layer import LayerScreen
from convtui.layer_presets import LAYER_PRESETS
from tests.app.helpers import drained, flat_text, until


async def open_layer(pilot, *keys) -> LayerScreen:
    await pilot.press("y")
    await until(lambda: isinstance(pilot.app.screen, LayerScreen) and pilot.app.screen.state)
    for key in keys:
        await pilot.press(key)
    await drained(pilot.app)
    return pilot.app.screen


def status(app) -> str:
    return flat_text(app, "#layer-status")


async def test_y_opens_the_playgrounds_input_and_escape_goes_back():
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_layer(pilot)
        state = screen.state
        assert state.x.tolist() == [[1, 2, 3, 4]] and state.name == "playground"
        w, b = state.weights[0][0, 0], state.biases[0][0]
        z0 = w[0] * 1 + w[1] * 2 + w[2] * 3 + b  # the first output of map 0, by hand
        sums = flat_text(app, "#sum")
        assert f"z = {z0:g} + " in sums.replace("(", "").replace(")", "") or f"= {z0:g}" in sums
        assert state.result.layers[0].z[0, 0] == z0
        assert "Input 1×4 (playground)" in status(app)
        await pilot.press("escape")
        await until(lambda: app.current_mode == "playground")
        await pilot.press("y")
        await until(lambda: app.current_mode == "layer")
        assert app.screen is screen  # kept, with its state


async def test_step_keys_move_the_output_cell():
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_layer(pilot, "n")  # edge bank: 4 maps of 8×8
        assert screen.state.cell == (0, 0)
        await pilot.press("right", "right", "down")
        await until(lambda: screen.state.cell == (1, 2))
        assert "z[map 0, at 1, 2] of layer 1" in flat_text(app, "#sum")
        await pilot.press("f", "f")
        await until(lambda: screen.state.feature == 2)
        await pilot.press("F")
        await until(lambda: screen.state.feature == 1)
        await pilot.press("end")
        await until(lambda: screen.state.cell == (7, 7))
        await pilot.press("home")
        await until(lambda: screen.state.cell == (0, 0))


@pytest.mark.parametrize(
    "key, name, change",
    [
        ("c", "out_channels", 1),
        ("k", "kernel", 1),
        ("s", "stride", 1),
        ("d", "dilation", 1),
        ("p", "padding", 1),
    ],
)
async def test_option_keys_and_their_shift(key, name, change):
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_layer(pilot, "n", "n")  # 1×1 mixing: 3×6×6, kernel 1
        before = getattr(screen.state.spec, name)
        await pilot.press(key)
        await until(lambda: getattr(screen.state.spec, name) == before + change)
        z = screen.state.result.layers[0].z
        spec = screen.state.spec
        reach = spec.dilation * (spec.kernel - 1) + 1
        n = (6 + 2 * spec.padding - reach) // spec.stride + 1
        assert z.shape == (spec.out_channels, n, n)
        await pilot.press(key.upper())
        await until(lambda: getattr(screen.state.spec, name) == before)


async def test_activation_pool_and_depthwise_keys():
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_layer(pilot, "n")  # edge bank, ReLU
        await pilot.press("a")
        await until(lambda: screen.state.spec.activation == "tanh")
        assert "tanh a" in status(app)
        await pilot.press("o")
        await until(lambda: screen.state.spec.pool == "max")
        values = screen.state.result.layers[0]
        assert values.out.shape == (4, 4, 4)
        assert values.out[0, 0, 0] == values.a[0, :2, :2].max()
        await pilot.press("n")  # 1×1 mixing, 3 channels
        await pilot.press("g")
        await until(lambda: screen.state.spec.groups == 3)
        assert "depthwise g" in status(app)
        assert "[ 0 ]" in flat_text(app, "#layer-matrix")  # blocks a filter does not read


async def test_layers_add_remove_and_focus_change_the_field():
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_layer(pilot, "N")  # the three-layer stack, on its last layer
        assert len(screen.state.specs) == 3 and screen.state.layer == 2
        field = flat_text(app, "#field")
        assert "r = r_prev + (k−1)·d·j_prev = 5 + (3−1)·2·2 = 13" in field
        assert "its input 0..12" in field
        await pilot.press("comma")
        await until(lambda: screen.state.layer == 1)
        assert "= 1 + ... " not in flat_text(app, "#field")
        assert "3 + (3−1)·1·1 = 5" in flat_text(app, "#field")
        await pilot.press("d")  # dilation 2 on layer 2: r = 3 + 2·2·1 = 7
        await until(lambda: screen.state.spec.dilation == 2)
        assert "3 + (3−1)·2·1 = 7" in flat_text(app, "#field")
        await pilot.press("minus")
        await until(lambda: len(screen.state.specs) == 2)
        await pilot.press("plus", "full_stop")
        await until(lambda: len(screen.state.specs) == 3 and screen.state.layer == 2)


async def test_a_refused_key_says_why_and_keeps_the_layer():
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_layer(pilot)  # x has 4 cells, the kernel 3
        await pilot.press("k", "k")  # 4 fits, 5 does not
        await until(lambda: "kernel 5 is bigger than the padded input" in status(app))
        assert screen.state.spec.kernel == 4
        assert screen.state.result.layers[0].z.shape == (2, 1)
        await pilot.press("C", "C")
        await until(lambda: "stays within 1..8" in status(app))
        await pilot.press("p")  # the next good edit clears the note
        await until(lambda: screen.state.spec.padding == 1 and "✗" not in status(app))


async def test_new_weights_presets_and_the_playgrounds_input_again():
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_layer(pilot)
        weights = screen.state.weights[0]
        await pilot.press("r")
        await until(lambda: screen.state.seed == 1)
        assert not np.array_equal(screen.state.weights[0], weights)
        for preset in LAYER_PRESETS:
            await pilot.press("n")
            await until(lambda preset=preset: screen.state.name == preset.name)
        await pilot.press("i")
        await until(lambda: screen.state.name == "playground")
        assert screen.state.x.tolist() == [[1, 2, 3, 4]]


async def test_views_at_80x24():
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_layer(pilot)
        await until(lambda: screen.has_class("narrow"))
        for key, view, pane in (
            ("2", "sum", "#sum"),
            ("3", "matrix", "#layer-matrix"),
            ("4", "field", "#field"),
            ("1", "maps", "#maps"),
        ):
            await pilot.press(key)
            await until(lambda view=view: screen.view == view)
            await drained(app)
            assert screen.query_one(pane).region.area > 0


async def test_a_big_layer_computes_in_a_worker():
    app = make_app()
    big = LayerState.start(np.ones((3, 256, 256)), [LayerSpec(out_channels=8, kernel=5)])
    assert big.result is None  # above the worker threshold
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_layer(pilot)
        screen.replace_state(big)
        await pilot.press("right")  # keys still act while the worker computes
        await until(lambda: screen.state.result is not None, timeout=30)
        assert screen.state.cell == (0, 1)
        assert (
            screen.state.result.layers[0].z[0, 0, 1] == big.weights[0][0].sum() + big.biases[0][0]
        )


async def test_help_lists_the_layer_keys():
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await open_layer(pilot)
        await pilot.press("question_mark")
        await until(lambda: type(app.screen).__name__ == "HelpScreen")
        await drained(app)
        text = flat_text(app, "#keys")
        for words in ("More filters", "none → max → avg", "Add a layer", "groups = C_in"):
            assert words in text


async def test_the_playgrounds_help_offers_the_layer_screen():
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("question_mark")
        await until(lambda: type(app.screen).__name__ == "HelpScreen")
        await drained(app)
        assert "y A conv layer: channels, filters, bias, activation" in flat_text(app, "#keys")


def test_the_screen_flag():
    from convtui.commands.app_flags import app_options
    from convtui.commands.args import UsageError

    assert app_options(["--screen", "layer", "--fresh"])["screen"] == "layer"
    assert "screen" not in app_options(["--fresh"])
    with pytest.raises(UsageError) as info:
        app_options(["--screen", "layers"])
    assert "--screen" in str(info.value) and "'layer'" in str(info.value)


def test_a_bad_screen_on_the_command_line_exits_2_with_one_line():
    import subprocess
    import sys

    run = subprocess.run(
        [sys.executable, "-m", "convtui", "--screen", "nope"], capture_output=True, text=True
    )
    assert run.returncode == 2
    assert len(run.stderr.strip().splitlines()) == 1 and "--screen" in run.stderr


async def test_the_app_opens_on_the_layer_screen():
    app = make_app(screen="layer")
    async with app.run_test(size=(120, 40)):
        await until(lambda: isinstance(app.screen, LayerScreen) and app.screen.state)
        assert app.screen.state.x.tolist() == [[1, 2, 3, 4]]


def test_field_strips_show_the_cells_read_and_the_holes():
    from convtui.app.layer_state import field_rows
    from convtui.app.widgets.layer_field import strips

    state = LayerState.start(np.zeros((1, 10)), [LayerSpec(kernel=3, dilation=2)])
    lines = [line.plain for line in strips(field_rows(state), state, 60)]
    # output 0 reads inputs 0, 2 and 4: dilation 2 skips 1 and 3
    assert lines == ["input      █░█░█·····", "layer 1 z  █·····"]


async def test_a_click_on_a_feature_map_cell_moves_the_cursor_there():
    from tests.app.helpers import pane_text

    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_layer(pilot, "n")  # edge bank: 4 maps of 8×8
        lines = pane_text(app, "#maps").splitlines()  # as drawn, border included
        y = next(i for i, line in enumerate(lines) if "map 2" in line)
        x = lines[y].index("a = relu(z) map 2")
        row = y + 4  # the fourth row of the block (map row 3): numbers 5 columns wide
        shown = float(lines[row][x + 5 : x + 10])  # its second number (map column 1)
        await pilot.click("#maps", offset=(x + 8, row))
        await until(lambda: screen.state.feature == 2)
        # the Laplacian at (3, 1): only its right neighbour (3, 2) is in the square (9)
        assert screen.state.cell == (3, 1) and shown == 9
        assert screen.state.result.layers[0].a[2][3, 1] == 9
        where = ", ".join(map(str, screen.state.cell))
        assert f"z[map 2, at {where}]" in flat_text(app, "#sum")


async def test_open_a_session_with_a_layer_section(tmp_path):
    from convtui.app.screens.layer import preset_state
    from convtui.engine.setup import Setup
    from convtui.sessions import app_session_options, save_session

    saved = preset_state(4)  # the two-layer stack, on layer 2
    path = tmp_path / "s.json"
    save_session(path, Setup([1, 2, 3], [1, 1]), layer=saved.to_dict())
    app = make_app(screen="layer", **app_session_options(path))
    async with app.run_test(size=(120, 40)):
        await until(lambda: isinstance(app.screen, LayerScreen) and app.screen.state)
        state = app.screen.state
        assert state.name == "two-layer stack" and state.layer == 1
        np.testing.assert_array_equal(state.result.layers[1].out, saved.result.layers[1].out)


async def test_a_bad_layer_section_is_said_and_the_playground_input_shown():
    app = make_app(screen="layer", layer={"x": [[1, 2, 3, 4]], "layers": [{"kernel": 99}]})
    async with app.run_test(size=(120, 40), notifications=True):
        await until(lambda: isinstance(app.screen, LayerScreen) and app.screen.state)
        assert app.screen.state.name == "playground"
        await until(lambda: "kernel must be within 1..7" in toasts(app))


def toasts(app) -> str:
    """The text of the notifications on screen."""
    return " ".join(str(toast.render()) for toast in app.screen.query("Toast"))


async def test_the_palette_opens_the_layer_screen_and_runs_its_actions():
    from textual.widgets import OptionList

    def first_hit(app) -> str:
        options = app.screen.query(OptionList)
        if not options or options.first().option_count == 0:
            return ""
        return str(options.first().get_option_at_index(0).prompt)

    async def run(pilot, words: str, expected: str) -> None:
        await pilot.press("ctrl+p")
        await until(lambda: type(pilot.app.screen).__name__ == "SafeCommandPalette")
        for key in words:
            await pilot.press("space" if key == " " else key)
        await until(lambda: expected in first_hit(pilot.app))
        await pilot.press("enter")

    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await run(pilot, "layer screen", "Layer screen")
        await until(lambda: isinstance(app.screen, LayerScreen) and app.screen.state)
        screen = app.screen
        await run(pilot, "more filters", "More filters")
        await until(lambda: screen.state.spec.out_channels == 3)


async def test_the_matrix_row_keeps_its_taps_in_view_on_a_big_picture():
    from tests.app.helpers import pane_text

    ones = [np.ones((1, 1, 3, 3), dtype=np.int64)]
    spec = LayerSpec(out_channels=1, padding=1)
    state = LayerState.start(np.ones((1, 64, 64)), [spec], weights=ones, biases=[np.zeros(1)])
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_layer(pilot)
        screen.replace_state(state)
        await pilot.press("end")  # the corner output (63, 63): its window is half padding
        await until(lambda: screen.state.cell == (63, 63))
        await drained(app)
        row = next(line for line in pane_text(app, "#layer-matrix").splitlines() if "›" in line)
        # 4 of the 9 taps land on the input (62..63 × 62..63): some 1s are in view
        assert " 1" in row and "z=4" in row
