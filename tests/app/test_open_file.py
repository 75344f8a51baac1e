"""Pilot tests of the open-file (F) and save-output (W) dialogs.

Files are written here with numpy and Pillow, and what the playground shows is
compared with what those libraries (and scipy) say the file holds.
"""

from __future__ import annotations

import threading

import numpy as np
import pytest

from convtui.app import make_app
from convtui.app.screens.open_file import OpenFileScreen
from convtui.app.screens.save_output import SaveOutputScreen
from convtui.engine.setup import Setup
from tests.app.helpers import drained, playground, queue_keys, until

BLUR_3x3 = [[1, 2, 1], [2, 4, 2], [1, 2, 1]]


def recorded_notes(app) -> list[str]:
    """Every notification the app shows from now on, as text."""
    notes: list[str] = []
    show = app.notify

    def notify(message, *args, **kwargs):
        notes.append(str(message))
        return show(message, *args, **kwargs)

    app.notify = notify
    return notes


def dialog_error(app) -> str:
    return str(app.screen.query_one("#open-error").render())


async def open_dialog(app, pilot) -> OpenFileScreen:
    await pilot.press("F")
    await until(lambda: isinstance(app.screen, OpenFileScreen))
    return app.screen


async def type_path(app, pilot, text: str) -> None:
    field = app.screen.query_one("#file-path")
    field.focus()
    field.value = text
    await pilot.press("enter")


async def test_a_typed_path_opens_as_the_input_with_a_kernel_to_match(tmp_path):
    image = np.arange(100).reshape(10, 10) % 7
    np.save(tmp_path / "small.npy", image)
    app = make_app()
    async with app.run_test(size=(160, 48)) as pilot:
        notes = recorded_notes(app)
        await open_dialog(app, pilot)
        await type_path(app, pilot, str(tmp_path / "small.npy"))
        await until(lambda: not isinstance(app.screen, OpenFileScreen))
        setup = playground(app).setup
        assert setup.input.tolist() == image.tolist()
        # the seed's 1-D kernel cannot slide over 2-D: the 3×3 blur comes with it
        assert setup.kernel.tolist() == BLUR_3x3
        scipy_signal = pytest.importorskip("scipy.signal")
        expected = scipy_signal.convolve2d(image, BLUR_3x3, mode="full")
        assert playground(app).state.result.output.tolist() == expected.tolist()
        await until(lambda: any("Input 10×10" in note for note in notes))


async def test_a_file_picked_in_the_tree_opens(tmp_path, monkeypatch):
    np.savetxt(tmp_path / "signal.csv", [[3, 1, 4, 1, 5, 9, 2, 6]], fmt="%d", delimiter=",")
    monkeypatch.chdir(tmp_path)
    app = make_app()
    async with app.run_test(size=(160, 48)) as pilot:
        dialog = await open_dialog(app, pilot)
        tree = dialog.query_one("#tree")
        await until(lambda: len(tree.root.children) == 1)  # the folder is read in a worker
        tree.focus()
        await pilot.press("down", "enter")  # the root, then the file under it
        await until(lambda: not isinstance(app.screen, OpenFileScreen))
        setup = playground(app).setup
        assert setup.input.tolist() == [3, 1, 4, 1, 5, 9, 2, 6]
        assert setup.kernel.tolist() == [5, 6, 7]  # 1-D: the kernel stays
        # numpy's full convolution of the two
        assert playground(app).state.result.output.tolist() == (
            np.convolve([3, 1, 4, 1, 5, 9, 2, 6], [5, 6, 7]).tolist()
        )


async def test_a_sample_picked_from_the_list_opens_as_pillow_reads_it():
    image_module = pytest.importorskip("PIL.Image")
    from convtui.samples import sample_path

    pixels = np.asarray(image_module.open(sample_path("checker")))
    app = make_app()
    async with app.run_test(size=(160, 48)) as pilot:
        dialog = await open_dialog(app, pilot)
        samples = dialog.query_one("#samples")
        samples.focus()
        await pilot.press("home", "enter")  # the first sample: the checkerboard
        await until(lambda: not isinstance(app.screen, OpenFileScreen))
        assert playground(app).setup.input.tolist() == pixels.tolist()


async def test_a_kernel_file_that_does_not_fit_is_refused_inline_and_nothing_changes(tmp_path):
    (tmp_path / "k.csv").write_text("1,2\n3,4\n")
    app = make_app()
    async with app.run_test(size=(160, 48)) as pilot:
        before = playground(app).state
        dialog = await open_dialog(app, pilot)
        dialog.query_one("#as-kernel").value = True
        await type_path(app, pilot, str(tmp_path / "k.csv"))
        await until(lambda: "same number of dimensions" in dialog_error(app))
        assert str(tmp_path / "k.csv") in dialog_error(app)
        assert playground(app).state is before
        assert playground(app).state.error == ""
        (tmp_path / "k1.csv").write_text("1,0,-1\n")
        await type_path(app, pilot, str(tmp_path / "k1.csv"))
        await until(lambda: not isinstance(app.screen, OpenFileScreen))
        assert playground(app).setup.kernel.tolist() == [1, 0, -1]
        assert playground(app).setup.input.tolist() == [1, 2, 3, 4]


async def test_a_bad_file_keeps_the_last_good_setup_and_says_why_in_the_dialog(tmp_path):
    (tmp_path / "ragged.csv").write_text("1,2,3\n4,5\n")
    app = make_app()
    async with app.run_test(size=(160, 48)) as pilot:
        before = playground(app).state
        await open_dialog(app, pilot)
        await type_path(app, pilot, str(tmp_path / "ragged.csv"))
        await until(lambda: "ragged.csv" in dialog_error(app))
        await type_path(app, pilot, str(tmp_path / "missing.npy"))
        await until(lambda: "missing.npy" in dialog_error(app))
        assert isinstance(app.screen, OpenFileScreen)
        await pilot.press("escape")
        await until(lambda: not isinstance(app.screen, OpenFileScreen))
        assert playground(app).state is before


async def test_a_big_image_is_downsampled_with_a_note_and_keys_answer_while_it_computes(
    tmp_path, monkeypatch
):
    rng = np.random.default_rng(5)
    photo = rng.integers(0, 256, size=(2048, 2048))
    np.save(tmp_path / "photo.npy", photo)
    # the worker's compute waits until the test lets it go: the keys below are
    # answered while it has not finished
    release = threading.Event()
    compute = Setup.compute

    def held(self):
        if threading.current_thread() is not threading.main_thread():
            release.wait(30)
        return compute(self)

    monkeypatch.setattr(Setup, "compute", held)
    app = make_app()
    async with app.run_test(size=(160, 48)) as pilot:
        notes = recorded_notes(app)
        await open_dialog(app, pilot)
        await type_path(app, pilot, str(tmp_path / "photo.npy"))
        await until(lambda: not isinstance(app.screen, OpenFileScreen))
        screen = playground(app)
        assert screen.state.result is None  # in the worker
        await pilot.press("right", "right", "down")
        await drained(app)
        assert screen.state.result is None
        assert screen.step == 2 + 1026  # the full output is 1026 wide
        release.set()
        await until(lambda: screen.state.result is not None)
        # 2×2 block means, rounded, as numpy computes them
        means = np.round(photo.reshape(1024, 2, 1024, 2).mean(axis=(1, 3))).astype(int)
        assert screen.setup.input.tolist() == means.tolist()
        assert any("downsampled 2048×2048 → 1024×1024" in note for note in notes)
        scipy_signal = pytest.importorskip("scipy.signal")
        expected = scipy_signal.convolve2d(means, BLUR_3x3, mode="full")
        assert np.array_equal(screen.state.result.output, expected)


async def test_save_output_writes_refuses_to_overwrite_until_confirmed(tmp_path):
    app = make_app(setup=Setup([[0, 1], [2, 3]], [[1, -1]], "full"))
    async with app.run_test(size=(160, 48)) as pilot:
        notes = recorded_notes(app)
        target = tmp_path / "edges.npy"
        await pilot.press("W")
        await until(lambda: isinstance(app.screen, SaveOutputScreen))
        await type_path_into(app, pilot, "#output-path", str(target))
        await until(lambda: not isinstance(app.screen, SaveOutputScreen))
        # numpy: [[0, 1-0, -1], [2, 3-2, -3]]
        assert np.load(target).tolist() == [[0, 1, -1], [2, 1, -3]]
        target.write_bytes(b"mine")
        await pilot.press("W")
        await until(lambda: isinstance(app.screen, SaveOutputScreen))
        await type_path_into(app, pilot, "#output-path", str(target))
        await until(lambda: "exists" in str(app.screen.query_one("#output-error").render()))
        assert target.read_bytes() == b"mine"
        await pilot.press("enter")  # again: write over it
        await until(lambda: not isinstance(app.screen, SaveOutputScreen))
        assert np.load(target).tolist() == [[0, 1, -1], [2, 1, -3]]
        png = tmp_path / "edges.png"
        await pilot.press("W")
        await until(lambda: isinstance(app.screen, SaveOutputScreen))
        await type_path_into(app, pilot, "#output-path", str(png))
        await until(lambda: any("rescaled 0-255 from [-3, 2]" in note for note in notes))
        image_module = pytest.importorskip("PIL.Image")
        # -3 → 0, 2 → 255: (v + 3) * 51
        assert np.asarray(image_module.open(png)).tolist() == [[153, 204, 102], [255, 204, 0]]


async def type_path_into(app, pilot, selector: str, text: str) -> None:
    field = app.screen.query_one(selector)
    field.focus()
    field.value = text
    await pilot.press("enter")


async def test_a_long_recording_plots_as_curves_and_zooms_around_the_window():
    import wave

    from convtui.samples import sample_path

    with wave.open(str(sample_path("noisy-sine"))) as recording:
        samples = np.frombuffer(recording.readframes(recording.getnframes()), "<i2")
    app = make_app()
    async with app.run_test(size=(160, 48)) as pilot:
        await open_dialog(app, pilot)
        await type_path(app, pilot, "sample:noisy-sine")
        await until(lambda: not isinstance(app.screen, OpenFileScreen))
        assert playground(app).setup.input.tolist() == samples.tolist()
        await pilot.press("4")
        plot = app.screen.query_one("#plot")
        lines = plot.query_one("LinePlot")
        await until(lambda: lines._series and len(lines._series[0][1]) > 0)
        # 2000 samples, full view: every sample within 2000 points is drawn as it is
        title, xs, ys, _ = lines._series[0]
        assert xs == list(range(2000)) and ys == samples.astype(float).tolist()
        for _ in range(3):
            await pilot.press("right_parenthesis")  # 2000 → 1000 → 500 → 250 shown
        await until(lambda: "zoom" in str(plot.border_subtitle) and "x " in plot.border_subtitle)
        _, xs, ys, _ = lines._series[0]
        # step 0 of full: the window's centre is at -1, so x runs from -126 to 124
        assert xs == list(range(0, 125))
        assert ys == samples[:125].astype(float).tolist()
        queue_keys(app, ["right"] * 130)
        await until(lambda: playground(app).step == 130)
        # at step 126 the window's centre (125) left the view: it moved to 0..250
        await until(lambda: lines._series[0][1][-1] == 250)
        assert lines._series[0][1] == list(range(0, 251))


def test_the_sample_presets_are_the_samples_through_their_named_kernels():
    image_module = pytest.importorskip("PIL.Image")
    scipy_signal = pytest.importorskip("scipy.signal")
    from convtui.presets import PRESETS
    from convtui.samples import sample_path

    preset = next(p for p in PRESETS if p.name == "shapes + Sobel x")
    pixels = np.asarray(image_module.open(sample_path("shapes"))).astype(np.int64)
    sobel_x = [[-1, 0, 1], [-2, 0, 2], [-1, 0, 1]]  # left to right, as CNNs slide it
    assert preset.setup.input.tolist() == pixels.tolist()
    expected = scipy_signal.correlate2d(pixels, sobel_x, mode="same")
    assert preset.setup.compute().output.tolist() == expected.tolist()
    scene = next(p for p in PRESETS if p.name == "scene + blur").setup
    gaussian = np.outer([1, 4, 6, 4, 1], [1, 4, 6, 4, 1])
    assert scene.kernel.tolist() == gaussian.tolist() and scene.input.shape == (256, 256)
