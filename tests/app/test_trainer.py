"""The training pane's model without Textual: the pacing loop on a fake clock, snapshots."""

from __future__ import annotations

import numpy as np
import pytest

from convtui.app.trainer import (
    REPORT_EVERY,
    WAKE_EVERY,
    Problem,
    Snapshot,
    TrainConfig,
    TrainingRun,
    pace,
    tied_view,
)
from convtui.engine.setup import Setup


def seed_run() -> TrainingRun:
    problem = Problem.from_setup(Setup([1, 2, 3, 4], [5, 6, 7]))
    run = TrainingRun(problem, TrainConfig.for_problem(problem))
    run.set_running(True)
    return run


class FakeClock:
    """Time that moves only when the loop sleeps (a sleep of 0 costs 1 ms)."""

    def __init__(self):
        self.now = 0.0
        self.sleeps: list[float] = []

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds or 0.001


def test_at_100_updates_a_second_one_second_makes_100_updates():
    run, clock = seed_run(), FakeClock()
    pace(
        run,
        1000,
        speed=lambda: 100,
        report=lambda: None,
        cancelled=lambda: clock.now >= 1.0,
        clock=clock,
        sleep=clock.sleep,
    )
    # due = floor(elapsed · 100) - made: the loop is at most one wake-up behind
    assert 99 <= run.step <= 100
    assert not run.running and WAKE_EVERY in clock.sleeps


def test_flat_out_runs_to_the_goal_in_batches_and_reports_at_most_every_20th_second():
    run, clock, reports = seed_run(), FakeClock(), []
    pace(
        run,
        500,
        speed=lambda: 0,
        report=lambda: reports.append(clock.now),
        clock=clock,
        sleep=clock.sleep,
    )
    assert run.step == 500 and len(run.losses) == 501 and not run.running
    assert reports and all(b - a >= REPORT_EVERY for a, b in zip(reports, reports[1:]))


def test_a_change_of_speed_is_measured_from_the_change():
    run, clock = seed_run(), FakeClock()
    speed = {"now": 10}

    def cancelled() -> bool:
        if clock.now >= 1.0:
            speed["now"] = 1000  # ten updates in the first second, then much faster
        return clock.now >= 1.1

    pace(
        run,
        10_000,
        speed=lambda: speed["now"],
        report=lambda: None,
        cancelled=cancelled,
        clock=clock,
        sleep=clock.sleep,
    )
    # 10 in the first second, then about 1000 a second for 0.1 s: not 1000 × 1.1
    assert 90 <= run.step <= 115


def test_a_pause_stops_the_loop_between_two_updates():
    run = seed_run()
    made = []

    def report() -> None:
        made.append(run.step)
        run.set_running(False)  # the learner pressed space

    pace(run, 10_000, speed=lambda: 0, report=report)
    assert run.step == made[0] == 50  # the first batch, then nothing more


def test_an_error_while_training_is_kept_and_the_run_stops():
    run = seed_run()

    def broken(*args, **kwargs):
        raise RuntimeError("the numbers ran away")

    run.advance = broken
    pace(run, 100, speed=lambda: 0, report=lambda: None)
    assert run.error == "RuntimeError: the numbers ran away" and not run.running


def test_a_snapshot_is_a_copy_the_worker_cannot_change():
    run = seed_run()
    run.advance(3)
    snapshot = Snapshot.take(run, weight=1)
    run.advance(5)
    assert snapshot.count == 4 and len(run.losses) == 9
    assert snapshot.losses == tuple(run.losses[:4])
    assert snapshot.state.step == 3 and snapshot.weight == 1 and snapshot.running
    np.testing.assert_array_equal(snapshot.state.kernel.shape, (3,))


# ------------------------------------------------ the playground's padding mode, transposed


def test_the_playgrounds_padding_mode_applies_to_loss_gradient_and_tied_view():
    """A circular setup trains as torch's Conv1d(padding_mode='circular') does."""
    torch = pytest.importorskip("torch")
    setup = Setup([1.0, 2.0, -1.0, 3.0, 0.5], [2.0, -1.0, 1.0], "valid", flip=False)
    setup = setup.replace(padding=1, padding_mode="circular")
    problem = Problem.from_setup(setup)
    assert problem.geometry["padding_mode"] == "circular"
    run = TrainingRun(problem, TrainConfig.for_problem(problem))
    layer, hidden = (
        torch.nn.Conv1d(1, 1, 3, padding=1, padding_mode="circular", bias=False).double()
        for _ in range(2)
    )
    x = torch.tensor(problem.x)[:, None]
    with torch.no_grad():
        layer.weight[:] = torch.tensor(run.state.kernel)
        hidden.weight[:] = torch.tensor(setup.kernel)
        expected_target = hidden(x)[:, 0]
    np.testing.assert_allclose(run.target, expected_target.numpy(), atol=1e-12)
    loss = ((layer(x)[:, 0] - expected_target) ** 2).mean()
    loss.backward()
    assert run.loss == pytest.approx(loss.item(), rel=1e-12)
    np.testing.assert_allclose(run.state.grad_kernel, layer.weight.grad[0, 0].numpy(), rtol=1e-10)
    # w[0] meets x[i-1]: at y[0] the padded cell, which circular fills with x[4] = 0.5
    view = tied_view(run, run.state, 0)
    assert view.inputs.tolist() == [0.5, 1.0, 2.0, -1.0, 3.0]
    assert view.padded.tolist() == [True, False, False, False, False]
    assert view.padding_mode == "circular" and view.agrees


def test_the_upsample_task_shows_mt_tied_weights():
    problem = Problem.from_task("upsample")
    run = TrainingRun(problem, TrainConfig.for_problem(problem))
    assert run.determined and run.target_kernel.tolist() == [0.5, 1.0, 0.5]
    run.advance(5)
    x = problem.x[0]
    # y[o] gets x[i]·w[j] for o = 2i + j - 1: w[1] carries x[i] to the even outputs,
    # w[0] to the odd outputs 2i - 1 (x[0] to y[-1], cropped), w[2] to 2i + 1
    middle, first, last = (tied_view(run, run.state, j) for j in (1, 0, 2))
    np.testing.assert_array_equal(middle.inputs[0::2], x)
    np.testing.assert_array_equal(middle.inputs[1::2], 0)
    np.testing.assert_array_equal(first.inputs[1::2], np.append(x[1:], 0))
    np.testing.assert_array_equal(last.inputs[1::2], x)
    assert middle.padded.tolist() == [False, True] * 32
    assert first.padded[-1] and last.transposed
    for view in (middle, first, last):
        assert view.agrees
        np.testing.assert_allclose(view.total, run.state.grad_kernel[view.weight], rtol=1e-12)


def test_a_transposed_playground_trains_its_own_kernel():
    setup = Setup([1.0, -2.0, 3.0], [1.0, 2.0, 3.0], "valid", flip=False, stride=2)
    setup = setup.replace(transposed=True, output_padding=1)
    problem = Problem.from_setup(setup)
    run = TrainingRun(problem, TrainConfig.for_problem(problem))
    np.testing.assert_allclose(run.target[0], setup.compute().output)
    assert run.unknowns == 3 and run.determined
    run.advance(1000)
    np.testing.assert_allclose(run.state.kernel, setup.kernel, atol=1e-3)
