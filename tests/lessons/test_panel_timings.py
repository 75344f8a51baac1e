"""The lesson's live measurement line: both methods timed, and the engine's pick in words."""

from __future__ import annotations

import numpy as np

from convtui.app.widgets.lesson_panel import _timings
from convtui.engine.setup import Setup


def test_a_long_kernel_is_picked_as_fft_in_blocks():
    line = _timings(Setup(np.sin(np.arange(4096) / 50.0), np.ones(256) / 256))
    assert line.startswith("Measured now: direct ") and ", fft " in line
    assert line.endswith("the engine would pick fft in blocks (overlap-save, method 'oa').")


def test_a_short_kernel_is_picked_as_direct():
    line = _timings(Setup(np.sin(np.arange(4096) / 50.0), [1, 4, 6, 4, 1]))
    assert line.endswith("the engine would pick direct.")
