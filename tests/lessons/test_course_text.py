"""The numbers the lesson text states that no ``check:`` line can (they are not one
setup's output), computed here with numpy, scipy or torch, and the claims behind
the corrections of issue 18 (each against a reference library, not our engine)."""

from __future__ import annotations

import numpy as np
import pytest

from convtui.lessons import load_course
from convtui.lessons.signals import noisy, sine

COURSE = load_course()


def text_of(lesson: int, page: int) -> str:
    return COURSE[lesson - 1].pages[page - 1].text


def test_lesson_1_one_weight_is_numpy_convolve_with_one_number():
    x = np.array([1, 2, 3, 4])
    assert np.convolve(x, [2]).tolist() == (2 * x).tolist() == [2, 4, 6, 8]
    assert "`convolve(x, 2)` gives exactly `2·x`" in text_of(1, 1)


def test_lesson_1_a_weight_per_input_is_element_wise_not_a_sum():
    products = np.multiply([4, 3, 2, 1], [1, 2, 3, 4])
    assert products.tolist() == [4, 6, 6, 4]
    assert "`4, 6, 6, 4`" in text_of(1, 2)
    assert products.sum() == np.dot([4, 3, 2, 1], [1, 2, 3, 4]) == 20  # the neuron's sum


def test_lesson_1_the_moving_average_smooths_the_noisy_sine():
    x, clean = noisy(64), sine(64)
    smooth = np.convolve(x, np.full(5, 0.2), "same")
    inner = slice(2, -2)  # away from the zero-padded ends
    before = np.abs(x - clean)[inner].mean()
    after = np.abs(smooth - clean)[inner].mean()
    assert after < before / 2  # "the quick wiggles mostly cancel out"


def test_lesson_2_the_flat_window_outscores_the_matching_bump_until_normalised():
    bump, flat, kernel = np.array([1, 2, 1]), np.array([4, 4, 4]), np.array([1, 2, 1])
    assert np.dot(flat, kernel) == 16 and np.dot(bump, kernel) == 6
    text = text_of(2, 3)
    assert "flat `4, 4, 4` scores `16`" in text and "scores only `6`" in text
    normalised = [np.dot(w, kernel) / np.linalg.norm(w) for w in (bump, flat)]
    assert normalised[0] > normalised[1]  # the matching shape wins once normalised


def test_lesson_3_numpy_and_scipy_put_the_extra_zero_at_the_start():
    signal = pytest.importorskip("scipy.signal")
    x = np.arange(1, 7)
    start = [10, 21, 32, 43, 54, 65]
    assert np.correlate(x, [1, 10], "same").tolist() == start
    assert signal.correlate(x, [1, 10], "same").tolist() == start
    assert "`10, 21, 32, 43, 54, 65`" in text_of(3, 4)


def test_lesson_3_pytorch_puts_it_at_the_end():
    torch = pytest.importorskip("torch")
    x = torch.arange(1.0, 7.0).reshape(1, 1, 6)
    y = torch.nn.functional.conv1d(x, torch.tensor([[[1.0, 10.0]]]), padding="same")
    exercise = COURSE[2].pages[3].exercises[0]
    assert exercise.setup.compute().output.tolist() == y.flatten().tolist()


def test_lesson_4_the_dropped_ball_first_value():
    assert 0.25 * 0.75 == 0.1875
    assert "`0.25·0.75 = 0.1875`" in text_of(4, 2)


def test_lesson_4_convolution_commutes_and_associates_correlation_reverses():
    x, w = [1, 2, 3, 4], [5, 6, 7]
    assert np.convolve(x, w).tolist() == np.convolve(w, x).tolist()
    assert np.correlate(w, x, "full").tolist() == np.correlate(x, w, "full")[::-1].tolist()
    a, b = [1, -1, 2], [3, 0, 1]
    assert np.convolve(np.convolve(x, a), b).tolist() == np.convolve(x, np.convolve(a, b)).tolist()


def test_lesson_6_the_bias_and_relu_numbers():
    assert max(34 - 30, 0) == 4 and 5 - 30 == -25 and max(5 - 30, 0) == 0
    text = text_of(6, 1)
    assert "`y[2] = 34` becomes `4`" in text and "`y[0] = 5`\nbecomes `−25`" in text


def test_lesson_9_bias_gradient_and_the_transposed_convolution_against_torch():
    torch = pytest.importorskip("torch")
    x = torch.tensor([[[1.0, 2.0, 3.0, 4.0]]], requires_grad=True)
    w = torch.tensor([[[5.0, 6.0, 7.0]]])
    b = torch.zeros(1, requires_grad=True)
    y = torch.nn.functional.conv1d(x, w, b)
    y.backward(torch.ones_like(y))
    assert b.grad.item() == 2  # "dL/db = Σ dL/dy[n]: here 1 + 1 = 2"
    assert "`1 + 1 = 2`" in text_of(9, 2)
    # dL/dx is the transposed convolution of dL/dy, and the page's full convolution
    grad = torch.nn.functional.conv_transpose1d(torch.ones(1, 1, 2), w)
    assert x.grad.flatten().tolist() == grad.flatten().tolist()
    assert COURSE[8].pages[2].setup.compute().output.tolist() == grad.flatten().tolist()


def test_lesson_10_the_continuous_box_convolved_with_itself_is_a_triangle():
    h = 1e-3
    box = np.ones(1000)  # width 1, height 1, sampled h apart
    triangle = np.convolve(box, box) * h  # t = 0 … 2
    t = np.arange(triangle.size) * h
    assert triangle.max() == pytest.approx(1, abs=2 * h)
    assert t[triangle.argmax()] == pytest.approx(1, abs=2 * h)
    assert t[-1] == pytest.approx(2, abs=3 * h)  # the last sample, h before t = 2


def test_lesson_10_dice_and_the_ball_on_a_plane():
    signal = pytest.importorskip("scipy.signal")
    ways = np.convolve(np.ones(6), np.ones(6))
    assert ways[5] == 6 and ways.sum() == 36  # a 7 in 6 ways of 36
    roll = np.array([[0.5, 0.25], [0.25, 0]])
    landing = signal.convolve2d(roll, roll)
    assert landing[0, 0] == 0.5 * 0.5 == 0.25 and landing.sum() == pytest.approx(1)


def test_lesson_11_the_fft_gives_the_circular_convolution_unless_padded():
    x, w = np.array([1, 2, 3, 4]), np.array([5, 6, 7])
    circular = np.fft.ifft(np.fft.fft(x, 4) * np.fft.fft(w, 4)).real.round(9)
    assert circular.tolist() == [50, 44, 34, 52]
    assert "`50, 44, 34, 52`" in text_of(11, 2)
    assert 5 + 45 == 50 and 16 + 28 == 44
    n = x.size + w.size - 1
    padded = np.fft.ifft(np.fft.fft(x, n) * np.fft.fft(w, n)).real.round(9)
    assert padded.tolist() == np.convolve(x, w).tolist()
    # the page's own setup (circular padding) agrees with the FFT
    assert COURSE[10].pages[1].setup.compute().output.tolist() == circular.tolist()


def test_lesson_11_overlap_add():
    w = [5, 6, 7]
    first, second = np.convolve([1, 2], w), np.convolve([3, 4], w)
    total = np.zeros(6)
    total[:4] += first
    total[2:] += second
    assert total.tolist() == np.convolve([1, 2, 3, 4], w).tolist()
