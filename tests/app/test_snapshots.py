"""SVG snapshots of the main screens at 120×40 and 80×24 (pytest-textual-snapshot).

Update them with ``pytest tests/app/test_snapshots.py --snapshot-update`` after a
deliberate change, and look at the report before committing.
"""

from __future__ import annotations

import pytest

from convtui.app import make_app
from convtui.presets import PRESETS

BLUR = next(p for p in PRESETS if p.name == "image + blur").setup


@pytest.mark.parametrize("size", [(120, 40), (80, 24)], ids=["120x40", "80x24"])
def test_playground_seed_at_step_2(snap_compare, size):
    assert snap_compare(make_app(), terminal_size=size, press=["right", "right"])


@pytest.mark.parametrize("size", [(120, 40), (80, 24)], ids=["120x40", "80x24"])
def test_playground_2d_blur(snap_compare, size):
    assert snap_compare(make_app(setup=BLUR), terminal_size=size, press=["down", "right"])


def test_matrix_view_narrow(snap_compare):
    assert snap_compare(make_app(), terminal_size=(80, 24), press=["3", "right"])


def test_setup_view_with_an_error(snap_compare):
    assert snap_compare(make_app(), terminal_size=(80, 24), press=["i", "end", ",", "x"])


def test_help_screen(snap_compare):
    assert snap_compare(make_app(), terminal_size=(120, 40), press=["question_mark"])
