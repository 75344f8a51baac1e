"""Issue 15 in the lab, the code export, sessions and training: padding modes, transposed.

Numbers are checked by hand (in the comments) or against torch where it is installed.
"""

from __future__ import annotations

import contextlib
import io
import json

import numpy as np
import pytest

from convtui.app import make_app
from convtui.app.screens.lab import LabScreen
from convtui.app.screens.training import TrainingScreen
from convtui.codegen import snippet
from convtui.commands.app_flags import app_options
from convtui.engine.setup import Setup
from convtui.lab import compare_setup
from convtui.sessions import save_session
from tests.app.helpers import flat_text, pane_text, playground, until

# x = 1..5 padded by one wrapped cell a side: 5 | 1 2 3 4 5 | 1, correlated with 1 2 3:
# 5+2+6 = 13, 1+4+9 = 14, 2+6+12 = 20, 3+8+15 = 26, 4+10+3 = 17
CIRCULAR = Setup(
    [1, 2, 3, 4, 5], [1, 2, 3], "valid", flip=False, padding=1, padding_mode="circular"
)
CIRCULAR_Y = "13 14 20 26 17"
# 2× upsampling by linear interpolation: x[i] at 2i, the mean of neighbours between,
# and the last output halfway to the zero past the end
TRANSPOSED = Setup(
    [1, 2, 3, 4], [0.5, 1, 0.5], "valid", flip=False, stride=2, padding=1, output_padding=1,
    transposed=True,
)  # fmt: skip
TRANSPOSED_Y = "1 1.5 2 2.5 3 3.5 4 2"


@pytest.fixture(autouse=True)
def data_dir(tmp_path, monkeypatch):
    monkeypatch.setenv("CONVTUI_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.chdir(tmp_path)
    return tmp_path / "data"


async def open_lab(pilot, key: str = "x") -> LabScreen:
    await pilot.press(key)
    await until(lambda: isinstance(pilot.app.screen, LabScreen))
    return pilot.app.screen


def lab_text(app) -> str:
    return flat_text(app, "#lab-pane")


def row_words(app, library: str) -> list[str]:
    """The words on the pane's line for ``library`` (wide table or narrow lines alike)."""
    lines = pane_text(app, "#lab-pane").splitlines()
    cells = [line.replace("│", " ").replace("*", " ").split() for line in lines]
    name = library.split()
    (row,) = [words for words in cells if words[: len(name)] == name]
    return row


def run_python(code: str) -> dict:
    namespace: dict = {}
    with contextlib.redirect_stdout(io.StringIO()):
        exec(compile(code, "<snippet>", "exec"), namespace)
    return namespace


@pytest.mark.parametrize("size", [(160, 48), (80, 24)])
async def test_the_lab_shows_a_circular_setup_by_every_librarys_name(size):
    app = make_app(setup=CIRCULAR)
    async with app.run_test(size=size) as pilot:
        await open_lab(pilot)
        await until(lambda: "padded with 'circular' copies" in lab_text(app))
        text = lab_text(app)
        ours = row_words(app, "convtui")
        assert ours[-5:] == CIRCULAR_Y.split() and "no" in ours
        # PyTorch's F.pad 'circular' then conv1d: the same numbers, not marked
        assert "F.conv1d(F.pad(x, (1, 1), mode='circular'), w)" in text
        # numpy.pad's wrap with np.convolve flips w: marked, and it says why
        assert "numpy.pad: flips w (true convolution); this setup does not" in text
        assert "▶ circular wrap around b c d | a b c d | a b c this x: 5 | 1 2 3 4 5 | 1" in text
        assert "OpenCV BORDER_WRAP" in text and "scipy.ndimage wrap" in text
        assert "numpy.pad wrap" in text and "TensorFlow —" in text


async def test_the_lab_shows_a_transposed_setups_call_in_each_library():
    app = make_app(setup=TRANSPOSED)
    async with app.run_test(size=(160, 48)) as pilot:
        await open_lab(pilot)
        await until(lambda: "transposed convolution" in lab_text(app))
        text = lab_text(app)
        assert "(stride 2, padding 1, output padding 1)" in text
        for call in (
            "F.conv_transpose1d(x, w, stride=2, padding=1, output_padding=1)",
            "tf.nn.conv1d_transpose(x, w, [1, 10, 1], 2, 'VALID')[:, 1:9, :]",
            "np.convolve(np.pad(x_up, (1, 2)), w, mode='valid')",
            "conv([zeros(1, 1), x_up, zeros(1, 2)], w, 'valid')",
        ):
            assert call in text
        assert text.count(TRANSPOSED_Y) == 6  # convtui and the five libraries agree
        assert "Every library's row gives convtui's numbers" in text
        assert "x_up (stride-1 zeros between the inputs): 1 0 2 0 3 0 4" in text


async def test_the_lab_transposed_rows_are_torchs_numbers():
    torch = pytest.importorskip("torch")
    setup = TRANSPOSED.replace(flip=True, kernel=[1, 2, 4])
    app = make_app(setup=setup)
    async with app.run_test(size=(160, 48)) as pilot:
        await open_lab(pilot)
        await until(lambda: "w.flip(-1)" in lab_text(app))
        rows = compare_setup(app.screen.query_one("#lab-pane").setup).rows
        expected = torch.nn.functional.conv_transpose1d(
            torch.tensor([[[1.0, 2, 3, 4]]]),
            torch.tensor([[[4.0, 2, 1]]]),  # a true convolution's transpose: w reversed
            stride=2,
            padding=1,
            output_padding=1,
        )[0, 0].numpy()
        for row in rows:
            np.testing.assert_allclose(row.output, expected)
        shown = " ".join(f"{v:g}" for v in expected)
        assert lab_text(app).count(shown) == 6


@pytest.mark.parametrize("setup", [CIRCULAR, TRANSPOSED], ids=["circular", "transposed"])
async def test_code_export_of_the_new_options_runs_and_gives_the_engines_numbers(setup):
    app = make_app(setup=setup)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_lab(pilot, "e")
        await until(lambda: screen.code == snippet(setup, "numpy"))
        expected = setup.compute().output
        np.testing.assert_allclose(run_python(screen.code)["y"], expected)
        screen.action_show("scipy")
        await until(lambda: screen.code == snippet(setup, "scipy"))
        np.testing.assert_allclose(run_python(screen.code)["y"], expected)
        for lang in ("matlab", "tensorflow"):
            screen.action_show(lang)
            await until(lambda lang=lang: screen.code == snippet(setup, lang))
        if setup.transposed:
            assert "conv1d_transpose" in screen.code and "output_shape=[1, 10, 1]" in screen.code
        else:
            assert "tf.gather(x, [4, 0, 1, 2, 3, 4, 0], axis=0)" in screen.code  # no wrap
        torch = pytest.importorskip("torch")
        screen.action_show("torch")
        await until(lambda: screen.code == snippet(setup, "torch"))
        y = run_python(screen.code)["y"]
        assert isinstance(y, torch.Tensor)
        np.testing.assert_allclose(y.numpy(), expected)


async def test_a_transposed_session_opens_in_the_lab_and_an_old_one_opens_identical(tmp_path):
    path = tmp_path / "up.json"
    save_session(path, TRANSPOSED, {})
    app = make_app(**app_options(["--open", str(path)]))
    async with app.run_test(size=(120, 40)) as pilot:
        await until(lambda: playground(app).setup == TRANSPOSED)
        await open_lab(pilot)
        await until(lambda: TRANSPOSED_Y in lab_text(app))
    old = tmp_path / "old.json"  # the first session format: no padding_mode, no transposed
    setup = {"input": [1, 2, 3, 4], "kernel": [5, 6, 7], "mode": "same", "flip": True}
    setup |= {"stride": 1, "dilation": 1, "padding": 0, "convention": "numpy"}
    old.write_text(json.dumps({"format": "convtui-session", "version": 1, "setup": setup}))
    app = make_app(**app_options(["--open", str(old)]))
    async with app.run_test(size=(120, 40)) as pilot:
        await until(lambda: playground(app).setup == Setup([1, 2, 3, 4], [5, 6, 7], "same"))
        assert playground(app).state.result.output.tolist() == [16, 34, 52, 45]


# ---------------------------------------------------------------- training


async def open_training(pilot) -> TrainingScreen:
    await pilot.press("t")
    await until(lambda: isinstance(pilot.app.screen, TrainingScreen))
    return pilot.app.screen


async def test_the_training_pane_learns_the_upsampling_kernel_and_shows_mt_tied_weights():
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_training(pilot)
        assert screen.choose_task("upsample")
        await until(
            lambda: "carries each input to one of the 64 outputs" in flat_text(app, "#tied")
        )
        assert "cross-correlation f · transposed · kernel 3" in flat_text(app, "#train-status")
        await pilot.press("right")  # w[1]: x[i] to output 2i, a stuffed zero at the odd ones
        await until(lambda: screen.snapshot.tied.weight == (1,))
        view = screen.snapshot.tied
        x = screen.run.problem.x[0]
        np.testing.assert_array_equal(view.inputs[0::2], x)
        np.testing.assert_array_equal(view.inputs[1::2], 0)
        assert "✓ same" in flat_text(app, "#tied")
        await pilot.press(">", ">", ">", "space")  # as fast as it goes, then train
        await until(lambda: screen.run.finished or screen.run.step >= 1500, timeout=60)
        await until(lambda: not screen.run.running)
        np.testing.assert_allclose(screen.run.state.kernel, [0.5, 1, 0.5], atol=1e-3)


async def test_the_training_pane_trains_with_the_playgrounds_padding_mode():
    app = make_app(setup=CIRCULAR.replace(input=[1.0, 2.0, -1.0, 3.0, 0.5], kernel=[2, -1, 1]))
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_training(pilot)
        await until(lambda: screen.run is not None and screen.snapshot.tied is not None)
        assert screen.run.problem.geometry["padding_mode"] == "circular"
        assert "· circular padding" in flat_text(app, "#train-status")
        # w[0] meets x[i-1]: at y[0] the padded cell, a copy of x[4] = 0.5
        view = screen.snapshot.tied
        assert view.inputs.tolist() == [0.5, 1.0, 2.0, -1.0, 3.0]
        # 0.5 | 1 2 -1 3 0.5 | 1 correlated with 2 -1 1: 1-1+2, 2-2-1, 4+1+3, -2-3+0.5, 6-0.5+1
        np.testing.assert_allclose(screen.run.target[0], [2.0, -1.0, 8.0, -4.5, 6.5])
        assert "✓ same" in flat_text(app, "#tied")


async def test_the_upsampling_kernel_goes_to_the_playground_as_a_transposed_setup():
    app = make_app(setup=CIRCULAR)  # the task's geometry replaces the playground's
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_training(pilot)
        assert screen.choose_task("upsample")
        await pilot.press("s", "s", "u")
        learned = np.round(screen.run.state.kernel, 4)
        await until(lambda: np.array_equal(playground(app).setup.kernel, learned))
        setup = playground(app).setup
        assert setup.transposed and setup.padding_mode == "zeros"
        assert (setup.stride, setup.padding, setup.output_padding) == (2, 1, 1)
        x = np.round(screen.run.problem.x[0], 3)
        np.testing.assert_array_equal(setup.input, x)
        # conv_transpose by hand: y[o] = Σ x[i]·w[j] over o = 2i + j - 1
        expected = np.zeros(2 * len(x) + 1)
        for i, value in enumerate(x):
            expected[2 * i : 2 * i + 3] += value * learned
        # padding 1 crops y[-1]; output_padding 1 keeps the last: 2n outputs
        np.testing.assert_allclose(playground(app).state.result.output, expected[1:])


# ---------------------------------------------------------------- snapshots


@pytest.mark.parametrize(
    "setup, size",
    [(CIRCULAR, (120, 40)), (TRANSPOSED, (80, 24))],
    ids=["circular-120x40", "transposed-80x24"],
)
def test_lab_snapshot(snap_compare, setup, size):
    assert snap_compare(make_app(setup=setup), terminal_size=size, press=["x"])
