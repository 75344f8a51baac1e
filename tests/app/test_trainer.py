"""The training pane's model without Textual: the pacing loop on a fake clock, snapshots."""

from __future__ import annotations

import numpy as np

from convtui.app.trainer import (
    REPORT_EVERY,
    WAKE_EVERY,
    Problem,
    Snapshot,
    TrainConfig,
    TrainingRun,
    pace,
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
