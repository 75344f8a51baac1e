"""``convtui train``: a short run recovers the shift kernel."""

import pytest


def numbers(line):
    return [float(v) for v in line.split()[1:]]


def test_train_shift_recovers_the_kernel(cli):
    code, out, err = cli("train", "--task", "shift")
    assert code == 0
    assert err == ""  # no progress bar off a terminal
    lines = out.splitlines()
    assert lines[0].startswith("Learn a one-sample shift (task shift, seed 0, sgd)")
    assert lines[1].startswith("loss ") and "after 300 steps" in lines[1]
    start, end = (float(v) for v in lines[1].split()[1:4:2])
    assert end < start * 1e-6
    assert lines[2].split() == ["learned", "target"]
    # y[i] = x[i-1]: correlation kernel [1, 0, 0]
    assert numbers(lines[3]) == pytest.approx([1.0, 1.0], abs=1e-3)
    assert numbers(lines[4]) == pytest.approx([0.0, 0.0], abs=1e-3)
    assert numbers(lines[5]) == pytest.approx([0.0, 0.0], abs=1e-3)


def test_train_plot_draws_the_loss(cli):
    code, out, _ = cli("train", "--task", "shift", "--steps", "50", "--plot")
    assert code == 0
    assert "loss (mean squared error, log scale)" in out
    assert "step" in [line.strip() for line in out.splitlines()]
    assert "\x1b[" not in out  # no colour off a terminal


def test_train_2d_prints_both_kernels(cli):
    code, out, _ = cli("train", "--task", "sobel", "--steps", "300")
    assert code == 0
    lines = out.splitlines()
    assert lines[2].split() == ["learned", "target"]
    learned_and_target = [[float(v) for v in line.split()] for line in lines[3:6]]
    for row, target in zip(learned_and_target, ([-1, 0, 1], [-2, 0, 2], [-1, 0, 1])):
        assert row[:3] == pytest.approx(target, abs=0.05)
        assert row[3:] == pytest.approx(target)


@pytest.mark.parametrize(
    "argv, message",
    [
        (("train",), "--task is required; choose one of: hidden"),
        (("train", "--task", "cats"), "--task got 'cats'; choose one of"),
        (("train", "--task", "shift", "--steps", "0"), "--steps must be more than 0"),
        (("train", "--task", "shift", "--lr", "-1"), "--lr must be more than 0"),
        (("train", "--task", "shift", "--lr", "fast"), "--lr must be a number, got 'fast'"),
        (("train", "--task", "shift", "--optimizer", "lbfgs"), "argument --optimizer"),
    ],
)
def test_train_bad_arguments(cli, argv, message):
    code, out, err = cli(*argv)
    assert code == 2 and out == ""
    assert err.startswith("convtui: error: ") and message in err


def test_train_divergence_is_reported(cli):
    code, out, err = cli("train", "--task", "shift", "--lr", "1e9")
    assert code == 2
    assert "training diverged at step" in err and "smaller --lr" in err
