"""Task presets: targets made by the stated kernel, reproducible, and each one learnable."""

import numpy as np
import pytest

from convtui import TASKS, make_task


@pytest.mark.parametrize("name", sorted(TASKS))
def test_each_task_trains_to_a_loss_well_below_its_start(name):
    data = make_task(name, seed=1)
    states = list(data.train())
    first, last = states[0], states[-1]
    assert not last.diverged
    assert last.step == data.options["steps"]
    assert last.loss < 1e-4 * first.loss
    assert last.kernel.shape == data.kernel_shape == data.true_kernel.shape


@pytest.mark.parametrize("name", sorted(TASKS))
def test_tasks_are_reproducible_by_seed(name):
    a, b, c = make_task(name, 4), make_task(name, 4), make_task(name, 5)
    np.testing.assert_array_equal(a.x, b.x)
    np.testing.assert_array_equal(a.target, b.target)
    assert not np.array_equal(a.x, c.x)
    assert a.x.shape[0] == 8 and np.isfinite(a.x).all() and a.x.std() > 0


def test_shift_target_is_the_input_one_sample_later():
    data = make_task("shift", seed=2)
    np.testing.assert_array_equal(data.target[:, 1:], data.x[:, :-1])
    np.testing.assert_array_equal(data.target[:, 0], 0)


def test_edges_target_is_the_jump_across_each_sample():
    data = make_task("edges", seed=3)
    x = data.x
    np.testing.assert_allclose(data.target[:, 1:-1], x[:, 2:] - x[:, :-2], atol=1e-15)
    # step signals: flat almost everywhere, so the target is mostly zero
    assert np.mean(np.abs(data.target) < 1e-12) > 0.7


def test_smoothing_target_is_a_five_sample_moving_average():
    data = make_task("smooth", seed=0)
    x = data.x
    np.testing.assert_allclose(
        data.target[:, 2:-2], (x[:, :-4] + x[:, 1:-3] + x[:, 2:-2] + x[:, 3:-1] + x[:, 4:]) / 5
    )


def test_image_tasks_match_scipy():
    signal = pytest.importorskip("scipy.signal")
    blur, sobel = make_task("blur", seed=0), make_task("sobel", seed=0)
    for image, target in zip(blur.x, blur.target):
        expected = signal.correlate2d(image, blur.true_kernel, mode="same")
        np.testing.assert_allclose(target, expected, atol=1e-12)
    for image, target in zip(sobel.x, sobel.target):
        expected = signal.correlate2d(image, sobel.true_kernel, mode="valid")
        np.testing.assert_allclose(target, expected, atol=1e-12)
    assert sobel.x.shape == (8, 28, 28)


def test_hidden_task_target_includes_its_bias():
    data = make_task("hidden", seed=0)
    x, w = data.x, data.true_kernel
    by_hand = sum(w[j] * x[:, j : j + 60] for j in range(5)) + data.true_bias
    np.testing.assert_allclose(data.target, by_hand, atol=1e-12)
    last = list(data.train())[-1]
    np.testing.assert_allclose(last.kernel, w, atol=1e-2)


def test_unknown_task_lists_the_known_ones():
    with pytest.raises(ValueError, match="task must be one of 'hidden', 'smooth'"):
        make_task("sharpen")
