"""SVG snapshots of the own-data parts of the app at 80×24: the open-file dialog with a
bad file said inline, and the image view with the window ringed.

Update them with ``pytest tests/app/test_files_snapshots.py --snapshot-update`` after a
deliberate change, and look at the report before committing.
"""

from __future__ import annotations

import numpy as np
import pytest

from convtui.app import make_app
from convtui.engine.setup import Setup
from tests.app.helpers import until


def test_open_file_dialog_with_a_bad_file(snap_compare, tmp_path, monkeypatch):
    folder = tmp_path / "my-data"  # the tree's root is named after the folder
    folder.mkdir()
    (folder / "ragged.csv").write_text("1,2,3\n4,5\n")
    (folder / "photo.png").write_bytes(b"not a picture")
    monkeypatch.chdir(folder)

    async def ready(pilot) -> None:
        await pilot.press("F")
        await until(lambda: pilot.app.screen.query("#tree"))
        tree = pilot.app.screen.query_one("#tree")
        await until(lambda: len(tree.root.children) == 2)
        field = pilot.app.screen.query_one("#file-path")
        field.value = "ragged.csv"
        await pilot.press("enter")
        error = pilot.app.screen.query_one("#open-error")
        await until(lambda: "ragged.csv" in str(error.render()))

    assert snap_compare(make_app(), terminal_size=(80, 24), run_before=ready)


def test_image_view_with_the_window_ringed(snap_compare):
    pytest.importorskip("PIL")
    pytest.importorskip("textual_image")
    yy, xx = np.mgrid[0:64, 0:64]
    picture = (xx * 3 + ((xx - 40) ** 2 + (yy - 24) ** 2 < 144) * 60).astype(np.int64)
    setup = Setup(picture, [[-1, 0, 1], [-2, 0, 2], [-1, 0, 1]], "same", flip=False)

    async def ready(pilot) -> None:
        await pilot.press("4", "I", *["right"] * 20, "down")
        view = pilot.app.screen.query_one("ImageView")
        await until(lambda: view.display and view.query_one("#y-image").image is not None)

    assert snap_compare(make_app(setup=setup), terminal_size=(80, 24), run_before=ready)
