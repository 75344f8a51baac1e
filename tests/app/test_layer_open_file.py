"""O on the layer screen: a file or a sample as the input channels (colour: R, G, B)."""

from __future__ import annotations

import numpy as np
from PIL import Image
from textual.widgets import Input

from convtui.app import make_app
from convtui.app.screens.layer import LayerScreen
from convtui.app.screens.open_file import OpenFileScreen
from convtui.samples import sample_path
from tests.app.helpers import until


async def _open_layer(pilot) -> LayerScreen:
    await pilot.press("y")
    await until(lambda: isinstance(pilot.app.screen, LayerScreen) and pilot.app.screen.state)
    return pilot.app.screen


async def _type_path(pilot, text: str) -> OpenFileScreen:
    await pilot.press("O")
    await until(lambda: isinstance(pilot.app.screen, OpenFileScreen))
    dialog = pilot.app.screen
    field = dialog.query_one("#file-path", Input)
    await until(lambda: pilot.app.focused is field)
    field.value = text
    await pilot.press("enter")
    return dialog


async def test_a_colour_sample_opens_as_its_red_green_and_blue_planes():
    rgb = np.asarray(Image.open(sample_path("scene")).convert("RGB")).astype(np.int64)
    app = make_app()
    async with app.run_test(size=(160, 48)) as pilot:
        screen = await _open_layer(pilot)
        await _type_path(pilot, "sample:scene")
        await until(lambda: isinstance(app.screen, LayerScreen))
        await until(lambda: screen.state.x.shape == (3, 256, 256) and screen.state.result)
        for channel in range(3):
            assert np.array_equal(screen.state.x[channel], rgb[..., channel])
        # the layer's filters now read 3 channels: C_out × 3 × 3 × 3 weights
        assert screen.state.weights[0].shape == (screen.state.spec.out_channels, 3, 3, 3)


async def test_a_bad_file_is_said_in_the_dialog_and_the_layer_keeps_its_input(tmp_path):
    bad = tmp_path / "bad.png"
    bad.write_bytes(b"not a picture")
    app = make_app()
    async with app.run_test(size=(160, 48)) as pilot:
        screen = await _open_layer(pilot)
        before = screen.state.x.tolist()
        dialog = await _type_path(pilot, str(bad))
        error = dialog.query_one("#open-error")
        await until(lambda: "bad.png" in str(error.render()))
        assert isinstance(app.screen, OpenFileScreen)  # still open, the path as typed
        assert dialog.query_one("#file-path", Input).value == str(bad)
        await pilot.press("escape")
        await until(lambda: isinstance(app.screen, LayerScreen))
        assert screen.state.x.tolist() == before
