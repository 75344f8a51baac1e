"""Corrupt files of every format, opened through the app's dialog (F): each is said
inline, naming the file, the path as typed stays in the field, and the playground
keeps the last good setup (the last file that did read), never a traceback."""

from __future__ import annotations

import io

import numpy as np
import pytest

from convtui.app import make_app
from convtui.app.screens.open_file import OpenFileScreen
from tests.app.helpers import playground, until

Image = pytest.importorskip("PIL.Image")


def npy_bytes(array, **options) -> bytes:
    stream = io.BytesIO()
    np.save(stream, array, **options)
    return stream.getvalue()


def image_bytes(array, fmt) -> bytes:
    stream = io.BytesIO()
    Image.fromarray(array).save(stream, format=fmt)
    return stream.getvalue()


def corrupt_files(folder) -> list[str]:
    """One or more bad files per format, written into ``folder``; their names."""
    rng = np.random.default_rng(17)
    gray = rng.integers(0, 256, (24, 20), dtype=np.uint8)
    files = {
        "truncated.npy": npy_bytes(np.arange(30).reshape(5, 6))[:70],
        "pickle.npy": npy_bytes(np.array([{"a": 1}], dtype=object), allow_pickle=True),
        "ragged.csv": b"1,2,3\n4,5\n",
        "words.txt": b"one two three\n",
        "nan.txt": b"1 nan 3\n",
        "noise.wav": rng.integers(0, 256, 300, dtype=np.uint8).tobytes(),
        "truncated.png": image_bytes(gray, "PNG")[:60],
        "text.jpg": b"this is not a JPEG",
        "empty.bmp": b"",
        "truncated.gif": image_bytes(gray, "GIF")[:30],
    }
    for name, data in files.items():
        (folder / name).write_bytes(data)
    (folder / "folder.npy").mkdir()
    return [*files, "folder.npy", "missing.csv"]


async def test_corrupt_files_through_the_dialog_keep_the_last_good_setup(tmp_path):
    names = corrupt_files(tmp_path)
    (tmp_path / "good.csv").write_text("2,7,1,8,2,8\n")
    good_image = np.arange(48, dtype=np.uint8).reshape(6, 8) * 5
    (tmp_path / "good.png").write_bytes(image_bytes(good_image, "PNG"))
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("F")
        await until(lambda: isinstance(app.screen, OpenFileScreen))
        field = app.screen.query_one("#file-path")
        error = app.screen.query_one("#open-error")
        for good, expected in (("good.csv", [2, 7, 1, 8, 2, 8]), ("good.png", good_image)):
            for name in names:
                before = playground(app).state
                path = str(tmp_path / name)
                field.value = path
                field.focus()
                await pilot.press("enter")
                await until(lambda path=path, error=error: path in str(error.render()))
                message = str(error.render())
                assert message.count("\n") == 0, message  # one line
                assert field.value == path  # the text as typed stays
                assert isinstance(app.screen, OpenFileScreen)
                assert playground(app).state is before
            field.value = str(tmp_path / good)
            await pilot.press("enter")
            await until(lambda: not isinstance(app.screen, OpenFileScreen))
            assert playground(app).setup.input.tolist() == np.asarray(expected).tolist()
            await pilot.press("F")
            await until(lambda: isinstance(app.screen, OpenFileScreen))
            field = app.screen.query_one("#file-path")
            error = app.screen.query_one("#open-error")
        assert app.return_code is None  # still running: nothing ended it
