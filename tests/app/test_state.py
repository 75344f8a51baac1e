"""The playground's reducer, without Textual: every edit, worked out by hand on small setups."""

from __future__ import annotations

import sys

import numpy as np
import pytest

from convtui.app.state import (
    SPEEDS,
    Bump,
    ChangeSpeed,
    Computed,
    ComputeFailed,
    Cycle,
    GoTo,
    MoveRow,
    PlaygroundState,
    Propose,
    Replace,
    Tick,
    TogglePlay,
    reduce,
)
from convtui.engine.backend import set_memory_limit
from convtui.engine.setup import Setup

SEED = Setup([1, 2, 3, 4], [5, 6, 7])
BIG = Setup(np.ones(2000), np.ones(1001))  # 2,002,000 multiply-adds: a worker's job


def seed() -> PlaygroundState:
    return PlaygroundState.start(SEED)


def test_the_reducer_module_does_not_import_textual():
    import subprocess

    code = "import sys, convtui.app.state; print('textual' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


def test_start_computes_the_result_and_the_draft_holds_every_field():
    state = seed()
    assert state.result.output.tolist() == [5, 16, 34, 52, 45, 28]
    assert (state.step, state.error, state.playing, state.size) == (0, "", False, 6)
    assert dict(state.draft) == SEED.fields()


def test_a_valid_proposal_replaces_the_setup_and_keeps_the_step_inside_the_output():
    state = reduce(seed(), GoTo(5))
    state = reduce(state, Propose({"mode": "valid"}))
    assert state.result.output.tolist() == [34, 52]  # 1·7+2·6+3·5, 2·7+3·6+4·5
    assert state.step == 1  # was 5: the last of the two steps now


def test_a_refused_proposal_keeps_the_last_setup_says_why_and_keeps_the_draft():
    start = PlaygroundState.start(Setup([1, 2, 3, 4, 5, 6], [1, 10], "same", convention="torch"))
    state = reduce(start, Propose({"stride": 2}))
    assert state.setup is start.setup and state.result is start.result
    assert "refused under convention 'torch'" in state.error
    assert state.draft["stride"] == 2
    # the next edit starts from the draft: numpy's convention accepts stride 2 with same
    state = reduce(state, Propose({"convention": "numpy"}))
    assert (state.setup.stride, state.setup.convention, state.error) == (2, "numpy", "")
    assert state.result.output.tolist() == [1, 23, 45]  # numpy's same, every second step


def test_a_2d_input_waits_for_a_2d_kernel():
    state = reduce(seed(), Propose({"input": np.array([[1, 2, 3], [4, 5, 6], [7, 8, 9]])}))
    assert state.setup is SEED and "same number of dimensions" in state.error
    state = reduce(state, Propose({"kernel": np.array([[1, 0], [0, 1]])}))
    assert state.error == "" and state.setup.input.shape == (3, 3)
    # full 2-D convolution with the identity's diagonal: corners 1 and 9, middle 1+5=6
    out = state.result.output
    assert (out[0, 0], out[1, 1], out[3, 3]) == (1, 6, 9)


def test_proposing_what_is_shown_changes_nothing():
    state = seed()
    assert reduce(state, Propose({})) is state
    same = reduce(state, Propose({"mode": "full"}))
    assert same.setup is state.setup and same.result is state.result


def test_a_valid_edit_clears_the_error():
    state = reduce(seed(), Propose({"stride": 0}))
    assert "stride" in state.error
    state = reduce(state, Propose({"stride": 1}))
    assert state.error == "" and state.setup is SEED


def test_replace_sets_the_draft_to_the_new_setup():
    state = reduce(seed(), Propose({"input": [[1]]}))  # a refused draft
    new = Setup([1, 1], [1, 1], "valid")
    state = reduce(state, Replace(new))
    assert state.setup is new and state.error == "" and dict(state.draft) == new.fields()
    assert state.result.output.tolist() == [2]


def test_cycle_reads_the_draft_and_wraps():
    state = seed()
    modes = []
    for _ in range(5):
        state = reduce(state, Cycle("mode"))
        modes.append(state.setup.mode)
    assert modes == ["valid", "same", "causal", "full", "valid"]
    assert reduce(reduce(seed(), Cycle("flip")), Cycle("flip")).setup.flip is True
    conventions = [reduce(seed(), Cycle("convention")).setup.convention]
    assert conventions == ["matlab"]


def test_bump_never_goes_below_the_minimum():
    state = seed()
    assert reduce(state, Bump("padding", -1)) is state
    assert reduce(state, Bump("dilation", -1)) is state
    state = reduce(reduce(state, Bump("padding", 1)), Bump("dilation", 1))
    # padding 1, dilation 2: the kernel 5 0 6 0 7 over 0 1 2 3 4 0
    assert state.result.output.tolist() == np.convolve([0, 1, 2, 3, 4, 0], [5, 0, 6, 0, 7]).tolist()


def test_go_to_clamps_and_move_row_stays_inside_a_2d_output():
    state = reduce(seed(), GoTo(-1))
    assert state.step == 0
    assert reduce(state, GoTo(1000)).step == 5
    grid = PlaygroundState.start(Setup(np.arange(9).reshape(3, 3), np.ones((2, 2)), "valid"))
    assert grid.setup.geometry.output_shape == (2, 2)
    down = reduce(grid, MoveRow(1))
    assert down.step == 2  # one row of two steps
    assert reduce(down, MoveRow(1)) is down  # no third row
    assert reduce(down, MoveRow(-1)).step == 0
    assert reduce(seed(), MoveRow(1)).step == 1  # 1-D: a row is a step


def test_play_runs_to_the_end_then_stops_and_starts_over_from_the_start():
    state = reduce(seed(), TogglePlay())
    assert state.playing and state.step == 0
    for expected in range(1, 6):
        state = reduce(state, Tick())
        assert state.step == expected and state.playing
    state = reduce(state, Tick())
    assert state.step == 5 and not state.playing
    state = reduce(state, TogglePlay())  # at the end: from the start
    assert state.playing and state.step == 0
    paused = reduce(state, TogglePlay())
    assert not paused.playing and reduce(paused, Tick()) is paused


def test_speed_moves_along_the_ladder_and_stops_at_its_ends():
    state = seed()
    assert state.speed == 0.5
    faster = reduce(state, ChangeSpeed(1))
    assert faster.speed == 0.25
    slowest = state
    for _ in range(10):
        slowest = reduce(slowest, ChangeSpeed(-1))
    assert slowest.speed == SPEEDS[0] == 2.0
    assert reduce(slowest, ChangeSpeed(-1)) is slowest


def test_a_large_setup_waits_for_its_worker_then_takes_its_result():
    state = reduce(seed(), Replace(BIG))
    assert state.setup is BIG and state.result is None and state.fallback.setup is SEED
    stale = reduce(state, Computed(SEED, SEED.compute()))
    assert stale is state  # a result for another setup is dropped
    result = BIG.compute()
    done = reduce(state, Computed(BIG, result))
    assert done.result is result and done.fallback is None
    assert done.result.output[1000] == 1001  # every tap over ones


def test_a_failed_worker_goes_back_to_the_last_state_with_a_result_and_says_why():
    before = reduce(seed(), GoTo(3))
    pending = reduce(before, Replace(BIG))
    other = reduce(pending, Replace(Setup(np.ones(3000), np.ones(1000))))  # still waiting
    assert other.fallback is before
    back = reduce(other, ComputeFailed(other.setup, "MemoryLimitError: too big"))
    assert back.setup is SEED and back.result is before.result and back.step == 3
    assert back.error == "MemoryLimitError: too big"
    assert reduce(other, ComputeFailed(BIG, "stale")) is other  # not the setup shown


@pytest.fixture
def small_memory_limit():
    old = set_memory_limit(10_000)
    yield
    set_memory_limit(old)


def test_a_setup_past_the_memory_limit_is_refused_before_it_is_computed(small_memory_limit):
    start = seed()
    state = reduce(start, Replace(Setup(np.ones(5000), [1.0, 2.0])))
    assert state.setup is SEED and state.result is start.result
    assert "memory" in state.error.lower()
    with pytest.raises(ValueError):
        PlaygroundState.start(Setup(np.ones(5000), [1.0, 2.0]))


def test_an_unknown_edit_is_a_type_error():
    with pytest.raises(TypeError):
        reduce(seed(), "next")


def test_a_transposed_setup_is_shown_with_its_outputs_stepped_by_gather():
    # conv_transpose1d([1, 2, 3], [1, 1, 1], stride=2) by hand: x[i] spreads over 2i..2i+2
    state = PlaygroundState.start(Setup([1, 2, 3, 4], [5, 6, 7]))
    transposed = Setup([1, 2, 3], [1, 1, 1], "valid", flip=False, stride=2, transposed=True)
    after = reduce(state, Replace(transposed))
    assert after.setup is transposed and after.error == ""
    assert after.result.output.tolist() == [1, 1, 3, 2, 5, 3, 3]
    assert (after.reading, after.size, after.step_shape) == ("gather", 7, (7,))


# ------------------------------------------------ issue 15: transposed, padding modes


def up(x=(1, 2, 3), w=(1, 1, 1), **options) -> PlaygroundState:
    """A transposed setup, PyTorch's (no flip), stride 2 unless told."""
    options = {"flip": False, "stride": 2, **options}
    return PlaygroundState.start(Setup(list(x), list(w), "valid", transposed=True, **options))


def test_u_turns_transposed_on_with_mode_valid_and_zeros_and_off_without_output_padding():
    from convtui.app.state import ToggleTransposed

    start = PlaygroundState.start(Setup([1, 2, 3], [1, 1, 1], padding_mode="circular"))
    on = reduce(start, ToggleTransposed())
    assert (on.setup.transposed, on.setup.mode, on.setup.padding_mode) == (True, "valid", "zeros")
    # each x[i] spreads over i..i+2 (stride 1): 1, 1+2, 1+2+3, 2+3, 3
    assert on.result.output.tolist() == [1, 3, 6, 5, 3] and on.error == ""
    on = reduce(reduce(on, Bump("stride", 1)), Bump("output_padding", 1))
    assert on.setup.geometry.output_padding == (1,)
    off = reduce(on, ToggleTransposed())
    assert (off.setup.transposed, off.setup.output_padding, off.setup.mode) == (False, 0, "valid")
    assert off.error == ""


def test_the_transposed_outputs_match_torch_conv_transpose1d():
    torch = pytest.importorskip("torch")
    state = up((1.0, 2.0, 3.0, 4.0), (1.0, 2.0, 3.0), output_padding=1)
    expected = torch.nn.functional.conv_transpose1d(
        torch.tensor([[[1.0, 2.0, 3.0, 4.0]]]),
        torch.tensor([[[1.0, 2.0, 3.0]]]),
        stride=2,
        output_padding=1,
    )
    assert np.allclose(state.result.output, expected[0, 0].numpy())


def test_output_padding_bumps_within_the_engine_bounds_and_says_why_past_them():
    state = up()  # stride 2: output_padding 0 or 1
    assert reduce(state, Bump("output_padding", -1)) is state  # never below 0
    one = reduce(state, Bump("output_padding", 1))
    assert one.setup.output_padding == 1 and one.result.output.size == 8  # 7 + 1
    two = reduce(one, Bump("output_padding", 1))
    assert two.setup is one.setup and "output_padding must be smaller" in two.error
    back = reduce(two, Bump("output_padding", -1))
    assert back.error == "" and back.setup.output_padding == 1


def test_output_padding_without_transposed_is_refused_inline():
    state = seed()
    after = reduce(state, Bump("output_padding", 1))
    assert after.setup is state.setup and "transposed" in after.error


def test_b_cycles_every_padding_mode_and_each_fills_as_numpy_pad():
    state = seed()  # full: two padded cells each side of 1 2 3 4
    seen = []
    for _ in range(5):
        state = reduce(state, Cycle("padding_mode"))
        seen.append(state.setup.padding_mode)
        table = state.setup.geometry.source_index(0)
        numpy_mode = {
            "zeros": "constant",
            "reflect": "reflect",
            "replicate": "edge",
            "circular": "wrap",
            "symmetric": "symmetric",
        }[state.setup.padding_mode]
        padded = np.pad(np.array([1, 2, 3, 4]), 2, mode=numpy_mode)
        copied = np.where(table >= 0, np.array([1, 2, 3, 4])[table], 0)
        assert copied.tolist() == padded.tolist()
    assert seen == ["reflect", "replicate", "circular", "symmetric", "zeros"]


def test_a_padding_mode_on_a_transposed_setup_is_refused_and_the_last_good_one_kept():
    state = up()
    after = reduce(state, Cycle("padding_mode"))
    assert after.setup is state.setup and "padding_mode must be 'zeros'" in after.error


def test_m_reaches_causal_and_a_transposed_setup_refuses_every_mode_but_valid():
    state = reduce(reduce(seed(), Cycle("mode")), Cycle("mode"))  # full → valid → same
    state = reduce(state, Cycle("mode"))
    assert state.setup.mode == "causal"
    # y[i] = 5·x[i] + 6·x[i-1] + 7·x[i-2]: 5, 6+10, 7+12+15, 14+18+20
    assert state.result.output.tolist() == [5, 16, 34, 52]
    refused = reduce(up(), Cycle("mode"))
    assert refused.setup.mode == "valid" and "mode must be 'valid'" in refused.error


def test_z_switches_the_step_range_between_inputs_and_outputs():
    from convtui.app.state import ToggleReading

    state = up((1, 2, 3, 4), (1, 2, 3))  # 4 inputs, (4-1)·2 + 3 = 9 outputs
    assert (state.reading, state.size, state.last_step) == ("gather", 9, 8)
    scatter = reduce(state, ToggleReading())
    assert (scatter.reading, scatter.size, scatter.step_shape) == ("scatter", 4, (4,))
    assert reduce(scatter, GoTo(99)).step == 3  # the last input
    # output 4 = x[1]·w[2] + x[2]·w[0]: the first input that lands there is x[1]
    assert reduce(reduce(state, GoTo(4)), ToggleReading()).step == 1
    # x[3] lands on outputs 6, 7, 8: gather goes to the first
    assert reduce(reduce(scatter, GoTo(3)), ToggleReading()).step == 6


def test_the_reading_stays_and_a_new_setup_keeps_the_step_inside_its_range():
    from convtui.app.state import ToggleReading

    scatter = reduce(reduce(up((1, 2, 3, 4, 5, 6)), ToggleReading()), GoTo(5))
    shorter = reduce(scatter, Replace(Setup([1, 2], [1, 1], "valid", transposed=True)))
    assert (shorter.reading, shorter.step, shorter.size) == ("scatter", 1, 2)
    plain = reduce(shorter, Replace(SEED))  # not transposed: steps are outputs again
    assert (plain.reading, plain.scattering, plain.size) == ("scatter", False, 6)


def test_rows_of_a_2d_scatter_are_rows_of_the_input():
    from convtui.app.state import ToggleReading

    setup = Setup(np.arange(6).reshape(2, 3), np.ones((2, 2)), "valid", stride=2, transposed=True)
    scatter = reduce(PlaygroundState.start(setup), ToggleReading())
    assert scatter.step_shape == (2, 3) and scatter.size == 6
    assert reduce(scatter, MoveRow(1)).step == 3  # one input row down: 3 inputs on
    assert reduce(reduce(scatter, MoveRow(1)), MoveRow(1)).step == 3  # no third row
