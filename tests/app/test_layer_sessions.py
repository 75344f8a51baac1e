"""ctrl+s, autosave and restoring keep the layer screen (the session file's "layer")."""

from __future__ import annotations

import json

from convtui.app import make_app
from convtui.app.screens.layer import LayerScreen
from convtui.sessions import load_session
from tests.app.helpers import until


async def _open_layer(pilot) -> LayerScreen:
    await pilot.press("y")
    await until(lambda: isinstance(pilot.app.screen, LayerScreen) and pilot.app.screen.state)
    return pilot.app.screen


async def test_saving_writes_the_layer_screen_and_a_file_restores_it(tmp_path):
    path = tmp_path / "s.json"
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        assert app.save_to(path) is None
        assert "layer" not in json.loads(path.read_text())  # never opened: nothing to save
        screen = await _open_layer(pilot)
        await pilot.press("c")  # one more filter: 2 → 3
        await until(lambda: screen.state.spec.out_channels == 3)
        saved_z = screen.state.result.layers[0].z.tolist()
        assert app.save_to(path) is None
    layer = json.loads(path.read_text())["layer"]
    assert layer["layers"][0]["out_channels"] == 3

    # another app, its layer screen open on its own state: the file's replaces it
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await _open_layer(pilot)
        assert screen.state.spec.out_channels == 2
        app.apply_session(load_session(path))
        await until(lambda: screen.state.spec.out_channels == 3 and screen.state.result)
        assert screen.state.result.layers[0].z.tolist() == saved_z

    # and one whose layer screen was never opened shows it when it opens
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        app.apply_session(load_session(path))
        screen = await _open_layer(pilot)
        assert screen.state.spec.out_channels == 3
        assert screen.state.result.layers[0].z.tolist() == saved_z


async def test_a_bad_layer_section_is_said_and_the_screen_keeps_its_state(tmp_path):
    path = tmp_path / "s.json"
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await _open_layer(pilot)
        assert app.save_to(path) is None
        document = json.loads(path.read_text())
        document["layer"]["layers"] = [{"kernel": "big"}]
        path.write_text(json.dumps(document))
        before = screen.state
        said = []
        app.notify = lambda message, **kwargs: said.append(message)
        app.apply_session(load_session(path))
        await until(lambda: said)
        assert said == [
            "The session's layer screen was not restored: layer 1's kernel must be an int, "
            "got 'big'"
        ]
        assert screen.state is before
