"""conv_forward / conv_backward against torch and finite differences; gradient_terms."""

import math
import warnings

import numpy as np
import pytest

from convtui import conv_backward, conv_forward, convolve, correlate, gradient_terms, toeplitz_taps


def _random_case(seed: int) -> dict:
    """A random layer: 1-D or 2-D, groups, stride, dilation and every kind of padding."""
    rng = np.random.default_rng(seed)
    ndim = 1 + seed % 2
    groups = int(rng.choice([1, 1, 2, 3]))
    kernel = tuple(int(k) for k in rng.integers(1, 5, ndim))
    dilation = tuple(int(d) for d in rng.integers(1, 3, ndim))
    kind = seed % 4
    if kind == 0:
        padding, stride = "same", 1
    elif kind == 1:
        padding, stride = "valid", tuple(int(s) for s in rng.integers(1, 4, ndim))
    elif kind == 2:
        padding, stride = int(rng.integers(0, 3)), int(rng.integers(1, 3))
    else:
        padding = tuple(int(p) for p in rng.integers(0, 3, ndim))
        stride = tuple(int(s) for s in rng.integers(1, 3, ndim))
    spatial = tuple(d * (k - 1) + 1 + int(rng.integers(0, 7)) for k, d in zip(kernel, dilation))
    c_in = groups * int(rng.integers(1, 3))
    c_out = groups * int(rng.integers(1, 3))
    return {
        "x": rng.standard_normal((int(rng.integers(1, 4)), c_in) + spatial),
        "weight": rng.standard_normal((c_out, c_in // groups) + kernel),
        "bias": rng.standard_normal(c_out),
        "options": {"stride": stride, "padding": padding, "dilation": dilation, "groups": groups},
        "rng": rng,
    }


def _close(actual, expected, rtol=1e-10):
    assert actual.shape == expected.shape
    scale = max(np.abs(expected).max(), 1e-300)
    assert np.abs(actual - expected).max() <= rtol * scale


# ---------------------------------------------------------------- values a person can check


def test_forward_is_cross_correlation_by_hand():
    x = np.array([[[1.0, 2, 3, 4]]])
    # y[i] = x[i] + 10·x[i+1]; PyTorch's "same" puts the odd extra zero at the end
    assert conv_forward(x, [[[1.0, 10]]], padding="same").tolist() == [[[21, 32, 43, 4]]]
    # two channels in, one out: the channel sums add up
    x2 = np.array([[[1.0, 2, 3], [10, 20, 30]]])
    assert conv_forward(x2, [[[1.0], [1.0]]]).tolist() == [[[11, 22, 33]]]


def test_backward_by_hand():
    x = np.array([[[1.0, 2, 3, 4]]])
    grad_x, grad_w, grad_b = conv_backward(np.array([[[1.0, 10, 100]]]), x, [[[2.0, 3]]])
    # weight j met x[i+j] at step i: dL/dw[j] = sum_i g[i]·x[i+j]
    assert grad_w.tolist() == [[[1 + 20 + 300, 2 + 30 + 400]]]
    # x[c] fed steps c-1 (through w[1]) and c (through w[0])
    assert grad_x.tolist() == [[[2, 3 + 20, 30 + 200, 300]]]
    assert grad_b.tolist() == [111]


# ---------------------------------------------------------------- against torch


@pytest.mark.parametrize("seed", range(48))
def test_forward_and_gradients_match_torch(seed):
    torch = pytest.importorskip("torch")
    case = _random_case(seed)
    x, weight, bias, options = case["x"], case["weight"], case["bias"], case["options"]
    layer = torch.nn.functional.conv1d if x.ndim == 3 else torch.nn.functional.conv2d
    x_t = torch.tensor(x, requires_grad=True)
    w_t = torch.tensor(weight, requires_grad=True)
    b_t = torch.tensor(bias, requires_grad=True)
    with warnings.catch_warnings():  # torch notes that an odd "same" padding copies x
        warnings.simplefilter("ignore", UserWarning)
        y_t = layer(x_t, w_t, b_t, **options)
    grad_output = case["rng"].standard_normal(tuple(y_t.shape))
    y_t.backward(torch.tensor(grad_output))

    _close(conv_forward(x, weight, bias, **options), y_t.detach().numpy())
    grad_x, grad_w, grad_b = conv_backward(grad_output, x, weight, **options)
    _close(grad_x, x_t.grad.numpy())
    _close(grad_w, w_t.grad.numpy())
    _close(grad_b, b_t.grad.numpy())


# ---------------------------------------------------------------- finite differences


@pytest.mark.parametrize("seed", range(12))
def test_gradients_match_finite_differences(seed):
    case = _random_case(100 + seed)
    x, weight, bias, options = case["x"], case["weight"], case["bias"], case["options"]
    grad_output = case["rng"].standard_normal(conv_forward(x, weight, bias, **options).shape)

    def loss(x, weight, bias):
        return float(np.sum(grad_output * conv_forward(x, weight, bias, **options)))

    analytic = conv_backward(grad_output, x, weight, **options)
    arrays = [x, weight, bias]
    for which, grad in enumerate(analytic):
        numeric = np.zeros_like(arrays[which])
        for index in np.ndindex(*arrays[which].shape):
            shifted = [a.copy() for a in arrays]
            h = 1e-4
            shifted[which][index] += h
            up = loss(*shifted)
            shifted[which][index] -= 2 * h
            numeric[index] = (up - loss(*shifted)) / (2 * h)
        _close(grad, numeric, rtol=1e-8)


# ---------------------------------------------------------------- bad shapes


@pytest.mark.parametrize(
    ("x_shape", "w_shape", "options", "message"),
    [
        ((1, 3, 8), (2, 1, 3), {"groups": 2}, r"divisible by groups=2.*\(1, 3, 8\)"),
        ((1, 4, 8), (2, 3, 3), {}, r"weight shape \(2, 3, 3\).*x shape \(1, 4, 8\)"),
        ((1, 1, 4), (1, 1, 6), {}, r"larger than the padded input.*\(1, 1, 4\)"),
        ((1, 1, 4), (1, 1, 3), {"dilation": 2}, r"larger than the padded input"),
        ((1, 1, 8, 8), (1, 1, 3), {}, r"weight shape \(1, 1, 3\).*x shape \(1, 1, 8, 8\)"),
        ((1, 8), (1, 1, 3), {}, r"shape \(1, 8\)"),
        ((1, 1, 8), (1, 1, 3), {"padding": "full"}, r"'valid' or 'same'"),
        ((1, 1, 8), (1, 1, 3), {"padding": "same", "stride": 2}, r"stride"),
    ],
)
def test_bad_shapes_raise_value_error_naming_them(x_shape, w_shape, options, message):
    with pytest.raises(ValueError, match=message):
        conv_forward(np.ones(x_shape), np.ones(w_shape), **options)


def test_bad_bias_and_grad_output_shapes():
    x, w = np.ones((2, 1, 8)), np.ones((3, 1, 3))
    with pytest.raises(ValueError, match=r"bias must have shape \(3,\)"):
        conv_forward(x, w, np.ones(2))
    with pytest.raises(ValueError, match=r"output's shape \(2, 3, 6\).*got \(2, 3, 8\)"):
        conv_backward(np.ones((2, 3, 8)), x, w)


# ---------------------------------------------------------------- gradient_terms


def _terms_by_hand(x, kernel_shape, grad_output, mode, options):
    """One loop over the Toeplitz matrix: entry (i, c) is weight taps[i, c] on x.flat[c]."""
    taps = toeplitz_taps(kernel_shape, x.shape, mode, **options)
    terms = np.zeros((taps.shape[0], math.prod(kernel_shape)))
    for i in range(taps.shape[0]):
        for c in range(taps.shape[1]):
            if taps[i, c] >= 0:
                terms[i, taps[i, c]] += grad_output.flat[i] * x.flat[c]
    return terms


@pytest.mark.parametrize("seed", range(16))
def test_gradient_terms_match_a_loop_over_toeplitz_taps(seed):
    rng = np.random.default_rng(seed)
    ndim = 1 + seed % 2
    x = rng.standard_normal(tuple(int(n) for n in rng.integers(4, 9, ndim)))
    kernel_shape = tuple(int(k) for k in rng.integers(1, 4, ndim))
    mode = ("full", "valid", "same")[seed % 3]
    options = {
        "flip": bool(seed % 2),
        "stride": int(rng.integers(1, 3)),
        "dilation": int(rng.integers(1, 3)),
        "padding": int(rng.integers(0, 2)),
        "convention": ("numpy", "matlab", "tensorflow")[seed % 3],
    }
    conv = convolve if options["flip"] else correlate
    output = conv(
        x, np.ones(kernel_shape), mode, **{k: v for k, v in options.items() if k != "flip"}
    )
    grad_output = rng.standard_normal(output.shape)
    terms = gradient_terms(x, kernel_shape, grad_output, mode, **options)
    assert terms.shape == (output.size, math.prod(kernel_shape))
    np.testing.assert_allclose(terms, _terms_by_hand(x, kernel_shape, grad_output, mode, options))


def test_gradient_terms_column_sums_are_the_layer_weight_gradient():
    rng = np.random.default_rng(7)
    x, weight = rng.standard_normal((1, 1, 9, 7)), rng.standard_normal((1, 1, 3, 2))
    options = {"stride": 2, "dilation": (1, 2), "padding": 1}
    grad_output = rng.standard_normal(conv_forward(x, weight, **options).shape)
    _, grad_w, _ = conv_backward(grad_output, x, weight, **options)
    terms = gradient_terms(x[0, 0], (3, 2), grad_output[0, 0], "valid", flip=False, **options)
    np.testing.assert_allclose(terms.sum(axis=0).reshape(3, 2), grad_w[0, 0], rtol=1e-12)


def test_gradient_terms_rejects_a_wrong_grad_output():
    with pytest.raises(ValueError, match=r"output's shape \(6,\).*got \(4,\)"):
        gradient_terms([1, 2, 3, 4], (3,), np.ones(4))
