"""The lesson's live measurement line: both methods timed, and the engine's pick in words."""

from __future__ import annotations

import numpy as np
import pytest

from convtui.app.widgets.lesson_panel import _timings
from convtui.engine.conv import choose_method
from convtui.engine.setup import Setup


@pytest.mark.parametrize(
    ("n", "kernel", "words"),
    [
        (32768, np.ones(256) / 256, "fft in blocks (overlap-save)"),
        (4096, np.ones(1024) / 1024, "fft"),
        (4096, [1, 4, 6, 4, 1], "direct"),
    ],
)
def test_the_line_names_the_engines_pick(n, kernel, words):
    setup = Setup(np.sin(np.arange(n) / 50.0), kernel)
    line = _timings(setup)
    assert line.startswith("Measured now: direct ") and ", fft " in line
    assert line.endswith(f"the engine would pick {words}.")
    # the words are the engine's own choice, not the faster of the two just timed
    names = {"overlap_save": "fft in blocks (overlap-save)", "fft": "fft", "direct": "direct"}
    assert words == names[choose_method(setup.input, setup.kernel)]
