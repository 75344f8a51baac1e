"""SVG snapshots of the layer screen at 120×40 and 80×24 (pytest-textual-snapshot).

Update them with ``pytest tests/app/test_layer_snapshots.py --snapshot-update`` after a
deliberate change, and look at the report before committing.
"""

from __future__ import annotations

import pytest

from convtui.app import make_app
from convtui.app.screens.layer import LayerScreen, preset_state
from tests.app.helpers import drained, until

SIZES = pytest.mark.parametrize("size", [(120, 40), (80, 24)], ids=["120x40", "80x24"])


def on_preset(number: int, *keys: str):
    """Open the layer screen on preset ``number`` (no toast), then press ``keys``."""

    async def run_before(pilot) -> None:
        app = pilot.app
        await until(lambda: isinstance(app.screen, LayerScreen) and app.screen.state)
        app.screen.replace_state(preset_state(number))
        await pilot.press(*keys)
        await drained(app)

    return run_before


@SIZES
def test_layer_screen_seed(snap_compare, size):
    assert snap_compare(make_app(screen="layer"), terminal_size=size, press=["right"])


@SIZES
def test_layer_screen_edge_bank(snap_compare, size):
    run_before = on_preset(0, "right", "down", "f")
    assert snap_compare(make_app(screen="layer"), terminal_size=size, run_before=run_before)


def test_layer_screen_depthwise_matrix_narrow(snap_compare):
    run_before = on_preset(2, "3", "right", "f")
    assert snap_compare(make_app(screen="layer"), terminal_size=(80, 24), run_before=run_before)


def test_layer_screen_stack_field_narrow(snap_compare):
    run_before = on_preset(5, "4", "right", "right")
    assert snap_compare(make_app(screen="layer"), terminal_size=(80, 24), run_before=run_before)
