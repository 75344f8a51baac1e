"""SVG snapshots of the matrix pane's Mᵀ (issue 15) at 120×40 and 80×24.

A stride-2 transposed convolution shows Mᵀ (row j is output j); ``M`` on a
reflect-padded convolution shows Mᵀ as the input gradient, with an entry holding two
weights.  Update with ``pytest tests/app/test_snapshots_matrix_15.py --snapshot-update``
after a deliberate change, and look at the pictures before committing.
"""

from __future__ import annotations

import pytest

from convtui import Setup
from convtui.app import make_app

TRANSPOSED = Setup([1, 2, 3], [1, 2, 3], "valid", flip=False, stride=2, transposed=True)
REFLECT = Setup([1, 2, 3, 4, 5], [1, 2, 3], "same", flip=False, padding_mode="reflect")


@pytest.mark.parametrize("size", [(120, 40), (80, 24)], ids=["120x40", "80x24"])
def test_m_transposed_of_a_transposed_convolution(snap_compare, size):
    app = make_app(setup=TRANSPOSED)
    assert snap_compare(app, terminal_size=size, press=["3", "right", "right", "right"])


@pytest.mark.parametrize("size", [(120, 40), (80, 24)], ids=["120x40", "80x24"])
def test_m_transposed_as_the_input_gradient_with_reflect(snap_compare, size):
    app = make_app(setup=REFLECT)
    assert snap_compare(app, terminal_size=size, press=["3", "M", "right"])
