"""SVG snapshots of issue 15 in the playground at 120×40 and 80×24: circular padding
(each padded cell names its copy) and a transposed convolution gathered and scattered.

Update them with ``pytest tests/app/test_snapshots_15.py --snapshot-update`` after a
deliberate change, and look at the report before committing.
"""

from __future__ import annotations

import pytest

from convtui.app import make_app

SIZES = pytest.mark.parametrize("size", [(120, 40), (80, 24)], ids=["120x40", "80x24"])


def transposed_app():
    """1 2 3 4 spread by 1 2 3 at stride 2 once u is pressed (PyTorch's: no flip)."""
    return make_app(input="1 2 3 4", kernel="1 2 3", correlate=True, stride=2)


@SIZES
def test_circular_padding_names_each_copy(snap_compare, size):
    # b three times: zeros → reflect → replicate → circular
    assert snap_compare(make_app(), terminal_size=size, press=["b", "b", "b", "right"])


@SIZES
def test_transposed_gather_at_output_4(snap_compare, size):
    press = ["u", "right", "right", "right", "right"]
    assert snap_compare(transposed_app(), terminal_size=size, press=press)


@SIZES
def test_transposed_scatter_of_input_1(snap_compare, size):
    assert snap_compare(transposed_app(), terminal_size=size, press=["u", "z", "right"])
