"""Grading against values a person can check by hand."""

import numpy as np
import pytest

from convtui.engine.setup import Setup
from convtui.lessons import grade
from convtui.lessons.grader import goal_output, solve_kernel
from convtui.lessons.model import Exercise

SEED = Setup([1, 2, 3, 4], [5, 6, 7])


def exercise(kind, setup=SEED, hint="", **params):
    return Exercise("t", kind, "?", hint, setup, {k: str(v) for k, v in params.items()}, line=1)


def test_predict_a_value_of_the_seed_convolution():
    ex = exercise("value", index=2)  # 7·1 + 6·2 + 5·3
    assert grade(ex, "34").correct
    assert grade(ex, " 34.0 ").correct
    g = grade(ex, "38")  # the correlation's value: a classic mix-up
    assert not g.correct
    assert "x[0], x[1], x[2]" in g.hint and "flipped" in g.hint
    assert g.worked == "y[2] = 7·1 + 6·2 + 5·3 = 34"


def test_an_exercise_hint_overrides_the_computed_one():
    ex = exercise("value", index=0, hint="Look left.")
    assert grade(ex, "0").hint == "Look left."


def test_fractions_and_tolerance():
    dice = Setup(np.ones(6), np.ones(6) / 6)
    ex = exercise("value", setup=dice, index=5)  # P(total 7) · 6 = 6 · 1/6 = 1
    assert grade(ex, "1").correct
    ex = exercise("value", setup=Setup([0.25, 0.5, 0.25], [0.5, 0.5]), index=1, tolerance=0.01)
    assert grade(ex, "3/8").correct and grade(ex, "0.37").correct
    assert not grade(ex, "0.35").correct


def test_bias_and_relu():
    ex = exercise("value", index=0, bias=-30, activation="relu")  # relu(5 - 30)
    assert grade(ex, "0").correct
    ex = exercise("value", index=3, bias=-30, activation="relu")  # relu(52 - 30)
    assert grade(ex, "22").correct and not grade(ex, "52").correct


def test_output_length_in_1d_and_2d():
    assert grade(exercise("length"), "6").correct
    assert grade(exercise("length", setup=SEED.replace(mode="valid")), "2").correct
    assert not grade(exercise("length"), "4").correct
    image = Setup(np.zeros((10, 10)), np.ones((3, 3)), mode="valid")
    ex = exercise("length", setup=image)
    assert grade(ex, "8x8").correct and grade(ex, "8, 8").correct and grade(ex, "8").correct
    assert not grade(ex, "10x10").correct
    assert "out = floor(" in grade(ex, "9").worked


def test_which_kernel_accepts_any_kernel_that_gives_the_target():
    ex = exercise(
        "kernel", setup=SEED.replace(mode="valid", flip=False, kernel=[1, 1]), target="1, 1, 1"
    )
    assert grade(ex, "-1, 1").correct  # x[n+1] - x[n]
    assert grade(ex, "[-1 1]").correct
    g = grade(ex, "1, -1")
    assert not g.correct and "-1, -1, -1" in g.message
    assert "One kernel that works: [-1, 1]" in g.worked
    assert not grade(ex, "1, 2, 3, 4, 5").correct  # too long for 4 inputs: a message, no crash
    assert "not a kernel" in grade(ex, "1,,").message


def test_a_target_many_kernels_reach():
    # With x = 1, 1, 1, 1 every 2-tap kernel with w0 + w1 = 3 gives 3, 3, 3.
    flat = Setup([1, 1, 1, 1], [0, 0], mode="valid", flip=False)
    ex = exercise("kernel", setup=flat, target="3, 3, 3")
    assert grade(ex, "1, 2").correct and grade(ex, "3, 0").correct
    assert not grade(ex, "1, 1").correct


def test_shift_right_by_one_depends_on_the_flip():
    conv = SEED.replace(kernel=[0, 1, 0], mode="same")
    ex = exercise("task", setup=conv, goal="shift 1")
    assert goal_output("shift 1", [1, 2, 3, 4]).tolist() == [0, 1, 2, 3]
    assert grade(ex, "", conv.replace(kernel=[0, 0, 1])).correct
    assert not grade(ex, "", conv.replace(kernel=[1, 0, 0])).correct
    assert grade(ex, "", conv.replace(kernel=[1, 0, 0], flip=False)).correct
    assert not grade(ex, "", conv).correct  # 0, 1, 0 copies
    typed = grade(ex, "0 0 1", conv)
    assert typed.correct and typed.setup.kernel.tolist() == [0, 0, 1]


def test_a_task_in_full_mode_says_to_use_same():
    ex = exercise("task", setup=SEED.replace(mode="same"), goal="shift 1")
    g = grade(ex, "", SEED.replace(kernel=[0, 1]))
    assert not g.correct and "same" in g.message


def test_gradient_of_a_tied_weight_is_a_sum_over_steps():
    valid = SEED.replace(mode="valid", flip=False)  # y0 = 5·1+6·2+7·3, y1 = 5·2+6·3+7·4
    assert grade(exercise("gradient", setup=valid, weight=0), "3").correct  # x0 + x1
    ex = exercise("gradient", setup=valid, weight=1, grad_output="1, -1")
    g = grade(ex, "-1")  # 1·2 - 1·3
    assert g.correct
    assert g.worked == "dL/dw[1] = 1·2 + -1·3 = -1"


@pytest.mark.parametrize("flip", [True, False])
def test_gradient_matches_finite_differences(flip):
    rng = np.random.default_rng(1)
    setup = Setup(rng.integers(-3, 4, 7), rng.integers(-3, 4, 3), mode="same", flip=flip, stride=2)
    g = rng.integers(-2, 3, setup.geometry.output_shape)
    for j in range(3):
        bumped = setup.kernel.astype(float).copy()
        bumped[j] += 1.0
        # L = Σ g·y is linear in w, so one unit step is the exact derivative.
        delta = (g * (setup.replace(kernel=bumped).compute().output - setup.compute().output)).sum()
        ex = exercise("gradient", setup=setup, weight=j, grad_output=", ".join(map(str, g)))
        assert grade(ex, str(delta)).correct


def test_gradient_in_2d_sums_over_every_step():
    # valid 2×2 over 3×3, no flip: w[0,0] meets x[0,0], x[0,1], x[1,0], x[1,1]
    setup = Setup([[1, 2, 3], [4, 5, 6], [7, 8, 9]], [[1, 0], [0, 0]], mode="valid", flip=False)
    g = grade(exercise("gradient", setup=setup, weight="0, 0", grad_output="1, 2; 3, 4"), "37")
    assert g.correct  # 1·1 + 2·2 + 3·4 + 4·5
    assert g.worked == "dL/dw[0,0] = 1·1 + 2·2 + 3·4 + 4·5 = 37"


def test_gradient_with_a_padding_mode_uses_the_copied_inputs():
    # same, reflect: the padded input is 2 | 1 2 3 4 | 3, and w[0] (flipped: the last
    # tap) meets 2, 3, 4 and the 3 copied after the end
    setup = Setup([1, 2, 3, 4], [1, 2, 3], mode="same", padding_mode="reflect")
    g = grade(exercise("gradient", setup=setup, weight=0), "12")
    assert g.correct
    assert g.worked == "dL/dw[0] = 1·2 + 1·3 + 1·4 + 1·3 = 12"


def test_output_length_hint_in_causal_mode_is_the_formula():
    g = grade(exercise("length", setup=SEED.replace(mode="causal")), "5")
    assert not g.correct
    assert g.hint == "Use out = floor((n + pb + pa - d·(k-1) - 1) / s) + 1 on each axis."


def test_solve_kernel_reports_an_impossible_target():
    assert solve_kernel(SEED.replace(mode="valid"), [1, 2]) is not None
    # 3 outputs from one weight: 1·w, 2·w, 3·w cannot be 1, 1, 1.
    assert solve_kernel(Setup([1, 2, 3], [0], mode="valid"), [1, 1, 1]) is None
