"""pool / pool_backward by hand and against torch's max_pool and avg_pool (forward and backward)."""

import numpy as np
import pytest

from convtui import pool, pool_backward


def test_max_and_average_by_hand():
    x = np.array([[[[1.0, 2, 0, 4], [3, 9, 1, 1], [0, 0, 5, 6], [7, 0, 2, 2]]]])
    assert pool(x, 2).tolist() == [[[[9.0, 4.0], [7.0, 6.0]]]]
    # (1+2+3+9)/4, (0+4+1+1)/4, (0+0+7+0)/4, (5+6+2+2)/4
    assert pool(x, 2, kind="avg").tolist() == [[[[3.75, 1.5], [1.75, 3.75]]]]
    grad = pool_backward(x, np.array([[[[1.0, 2], [3, 4]]]]), 2)
    assert grad.tolist() == [[[[0, 0, 0, 2], [0, 1, 0, 0], [0, 0, 0, 4], [3, 0, 0, 0]]]]


def test_overlapping_windows_add_their_gradients():
    x = np.array([[[0.0, 9, 0, 0]]])
    # windows (0,9), (9,0), (0,0): the first two choose 9; the last chooses its first 0
    assert pool(x, 2, stride=1).tolist() == [[[9.0, 9.0, 0.0]]]
    assert pool_backward(x, np.ones((1, 1, 3)), 2, stride=1).tolist() == [[[0, 2, 1, 0]]]


def test_padding_is_minus_infinity_for_max_and_zero_for_avg():
    x = np.array([[[-5.0, -1, -3]]])
    assert pool(x, 2, padding=1).tolist() == [[[-5.0, -1.0]]]  # the pad never wins
    assert pool(x, 2, padding=1, kind="avg").tolist() == [[[-2.5, -2.0]]]
    assert pool(x, 2, padding=1, kind="avg", count_include_pad=False).tolist() == [[[-5.0, -2.0]]]


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"size": 0}, "size must be >= 1"),
        ({"size": 2, "stride": 0}, "stride must be >= 1"),
        ({"size": 2, "padding": -1}, "padding must be >= 0"),
        ({"size": 2, "padding": 2}, "padding must be at most half the window size"),
        ({"size": 2, "kind": "min"}, "kind must be 'max' or 'avg'"),
        ({"size": (2, 2, 2)}, "size must be an int or a tuple of 2 ints"),
        ({"size": 9}, "size .* is larger than the padded input"),
    ],
)
def test_bad_options_name_the_argument(options, message):
    with pytest.raises(ValueError, match=message):
        pool(np.zeros((1, 1, 4, 4)), **options)


def test_a_grad_output_of_the_wrong_shape_is_refused():
    with pytest.raises(ValueError, match=r"grad_output must have the output's shape \(1, 1, 2\)"):
        pool_backward(np.zeros((1, 1, 4)), np.zeros((1, 1, 3)), 2)


def _random_case(seed):
    rng = np.random.default_rng(seed)
    ndim = 1 + seed % 3
    size = tuple(int(k) for k in rng.integers(1, 4, ndim))
    stride = None if seed % 4 == 0 else tuple(int(s) for s in rng.integers(1, 4, ndim))
    padding = tuple(int(rng.integers(0, k // 2 + 1)) for k in size)
    spatial = tuple(k + int(rng.integers(0, 6)) for k in size)
    x = rng.standard_normal((2, 3) + spatial)
    if seed % 5 == 1:
        x = np.round(x)  # ties: torch's CPU kernel keeps the first maximum in the window
    return x, {"size": size, "stride": stride, "padding": padding}


@pytest.mark.parametrize(
    ("kind", "count_include_pad"), [("max", True), ("avg", True), ("avg", False)]
)
@pytest.mark.parametrize("seed", range(24))
def test_forward_and_backward_equal_torch(seed, kind, count_include_pad):
    torch = pytest.importorskip("torch")
    x, options = _random_case(seed)
    ndim = x.ndim - 2
    tx = torch.tensor(x, requires_grad=True)
    if kind == "max":
        function = getattr(torch.nn.functional, f"max_pool{ndim}d")
        expected = function(tx, options["size"], options["stride"], options["padding"])
    else:
        function = getattr(torch.nn.functional, f"avg_pool{ndim}d")
        expected = function(
            tx,
            options["size"],
            options["stride"],
            options["padding"],
            count_include_pad=count_include_pad,
        )
    grad_output = np.random.default_rng(seed + 100).standard_normal(tuple(expected.shape))
    expected.backward(torch.tensor(grad_output))
    ours = pool(x, **options, kind=kind, count_include_pad=count_include_pad)
    np.testing.assert_allclose(ours, expected.detach().numpy(), rtol=0, atol=1e-12)
    grad = pool_backward(x, grad_output, **options, kind=kind, count_include_pad=count_include_pad)
    np.testing.assert_allclose(grad, tx.grad.numpy(), rtol=0, atol=1e-12)


def test_float32_stays_float32_and_ints_become_float64():
    assert pool(np.ones((1, 1, 4), dtype=np.float32), 2).dtype == np.float32
    assert pool(np.arange(4).reshape(1, 1, 4), 2, kind="avg").tolist() == [[[0.5, 2.5]]]


def test_minus_infinity_and_nan_choose_as_torch_does():
    # window (pad, -inf): the real -inf is chosen; (−inf, 1): 1; (nan, 2): nan wins
    x = np.array([[[-np.inf, -np.inf, 1.0, np.nan, 2]]])
    np.testing.assert_array_equal(pool(x, 2, padding=1), [[[-np.inf, 1.0, np.nan]]])
    grad = pool_backward(x, np.ones((1, 1, 3)), 2, padding=1)
    assert grad.tolist() == [[[1.0, 0.0, 1.0, 1.0, 0.0]]]
