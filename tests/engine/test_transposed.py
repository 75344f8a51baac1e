"""Transposed convolution: conv_transpose and the transposed layer against torch.

A transposed convolution is the forward convolution read backwards: its matrix is Mᵀ
(the same tied weights) and it is the forward layer's input gradient.  Values are
checked against torch's conv_transpose1d/2d/3d and autograd; the two identities are
checked on random geometry with hypothesis.
"""

import numpy as np
import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from convtui import (
    ConvSpec,
    conv_backward,
    conv_transpose,
    conv_transpose_backward,
    conv_transpose_forward,
    output_shape,
    plan,
    steps,
    toeplitz,
)
from convtui.engine.backend import to_numpy


def _torch_transpose(torch, ndim):
    return getattr(torch.nn.functional, f"conv_transpose{ndim}d")


def _close(ours, theirs, rtol=1e-10, atol=0.0):
    """Within ``rtol`` of the largest value (``atol`` where every value may be 0)."""
    theirs = np.asarray(theirs)
    assert ours.shape == theirs.shape
    scale = max(rtol * np.abs(theirs).max(initial=0), atol, 1e-300)
    assert np.abs(ours - theirs).max(initial=0) <= scale


# ---------------------------------------------------------------- by hand


def test_each_input_spreads_a_copy_of_the_kernel_by_hand():
    # x[i]·w lands at 2i, 2i+1, 2i+2: [1 10 100] + [2 20 200] at 2 + [3 30 300] at 4
    x, w = [1, 2, 3], [1, 10, 100]
    assert conv_transpose(x, w, stride=2).tolist() == [1, 10, 102, 20, 203, 30, 300]
    # padding=1 crops one cell from each end; output_padding=1 adds one at the end
    assert conv_transpose(x, w, stride=2, padding=1).tolist() == [10, 102, 20, 203, 30]
    cropped = conv_transpose(x, w, stride=2, padding=1, output_padding=1)
    assert cropped.tolist() == [10, 102, 20, 203, 30, 300]
    # dilation 2: the copies are spread out, x[i]·w[j] at i + 2j
    assert conv_transpose([1, 2], [1, 10], dilation=2).tolist() == [1, 2, 10, 20]


def test_transposed_layer_mixes_channels_by_hand():
    # two input channels, one output channel: the spread copies add up
    x = np.array([[[1.0, 2], [10, 20]]])  # N=1, C_in=2, L=2
    w = np.array([[[1.0, 1]], [[1.0, -1]]])  # (C_in, C_out, k)
    y = conv_transpose_forward(x, w, np.array([0.5]))
    assert y.tolist() == [[[1 + 10 + 0.5, 1 + 2 - 10 + 20 + 0.5, 2 - 20 + 0.5]]]


# ---------------------------------------------------------------- conv_transpose vs torch


def test_conv_transpose_1d_matches_torch_over_every_small_geometry():
    torch = pytest.importorskip("torch")
    rng = np.random.default_rng(0)
    x = rng.standard_normal(4)
    agreed = refused = 0
    for k in range(1, 5):
        w = rng.standard_normal(k)
        for stride in range(1, 4):
            for dilation in range(1, 4):
                ke = dilation * (k - 1) + 1
                # padding up to past the kernel; output_padding up to its limit
                for padding in range(ke + 3):
                    for output_padding in range(max(stride, dilation)):
                        options = dict(
                            stride=stride,
                            padding=padding,
                            output_padding=output_padding,
                            dilation=dilation,
                        )
                        try:
                            want = _torch_transpose(torch, 1)(
                                torch.tensor(x)[None, None], torch.tensor(w)[None, None], **options
                            )[0, 0].numpy()
                        except RuntimeError:
                            want = None
                        if want is None or want.size == 0:  # torch: no positive output
                            with pytest.raises(ValueError, match="padding"):
                                conv_transpose(x, w, **options)
                            refused += 1
                            continue
                        for method in ("direct", "fft"):
                            # a crop can leave only cells between the spread copies: zeros
                            got = conv_transpose(x, w, method=method, **options)
                            _close(got, want, atol=1e-14)
                        flipped = conv_transpose(x, w[::-1], flip=True, **options)
                        _close(flipped, want)
                        agreed += 1
    assert agreed > 450 and refused > 50


@pytest.mark.parametrize(
    ("xs", "ws", "stride", "padding", "output_padding", "dilation"),
    [
        ((4, 5), (3, 2), 2, 1, 1, 1),
        ((3, 4), (2, 3), (3, 1), (4, 0), (2, 0), (1, 2)),  # padding past the kernel
        ((2, 3), (3, 3), 1, (2, 3), (1, 1), 2),  # output_padding from dilation alone
        ((5, 2), (1, 4), (1, 2), 0, (0, 1), (3, 1)),
        ((3, 2, 4), (2, 3, 2), 2, 1, 1, 1),
        ((2, 3, 2), (3, 2, 2), (1, 2, 3), (2, 1, 0), (1, 1, 2), (2, 1, 1)),
    ],
)
def test_conv_transpose_2d_3d_matches_torch(xs, ws, stride, padding, output_padding, dilation):
    torch = pytest.importorskip("torch")
    rng = np.random.default_rng(sum(xs) + sum(ws))
    x, w = rng.standard_normal(xs), rng.standard_normal(ws)
    options = dict(stride=stride, padding=padding, output_padding=output_padding, dilation=dilation)
    want = _torch_transpose(torch, len(xs))(
        torch.tensor(x)[None, None], torch.tensor(w)[None, None], **options
    )[0, 0].numpy()
    assert output_shape(xs, ws, "valid", flip=False, transposed=True, **options) == want.shape
    for method in ("direct", "fft"):
        _close(conv_transpose(x, w, method=method, **options), want)
    ints = rng.integers(-9, 10, xs), rng.integers(-9, 10, ws)
    exact = conv_transpose(*ints, **options)
    assert exact.dtype == np.int64
    theirs = _torch_transpose(torch, len(xs))(
        torch.tensor(ints[0], dtype=torch.float64)[None, None],
        torch.tensor(ints[1], dtype=torch.float64)[None, None],
        **options,
    )[0, 0]
    assert exact.tolist() == theirs.numpy().astype(np.int64).tolist()


# ---------------------------------------------------------------- the identities


@st.composite
def transposed_geometry(draw, ndim, below_stride):
    """Per axis: input n, kernel k, stride, dilation, padding, output_padding, and L."""
    axes = []
    for _ in range(ndim):
        n, k = draw(st.integers(1, 5)), draw(st.integers(1, 4))
        s, d = draw(st.integers(1, 3)), draw(st.integers(1, 3))
        p = draw(st.integers(0, 4))
        op = draw(st.integers(0, (s if below_stride else max(s, d)) - 1))
        length = (n - 1) * s - 2 * p + d * (k - 1) + op + 1
        assume(length >= 1)
        axes.append((n, k, s, d, p, op, length))
    return [tuple(axis[i] for axis in axes) for i in range(7)]


@pytest.mark.parametrize("ndim", [1, 2])
@given(data=st.data())
def test_conv_transpose_is_the_transposed_toeplitz_matrix(ndim, data):
    n, k, s, d, p, op, length = data.draw(transposed_geometry(ndim, below_stride=True))
    rng = np.random.default_rng(data.draw(st.integers(0, 2**32 - 1)))
    g, w = rng.standard_normal(n), rng.standard_normal(k)
    M = toeplitz(w, length, "valid", flip=False, stride=s, dilation=d, padding=p)
    assert M.shape == (np.prod(n), np.prod(length))
    got = conv_transpose(g, w, stride=s, padding=p, output_padding=op, dilation=d)
    np.testing.assert_allclose(got, (M.T @ g.ravel()).reshape(length), rtol=1e-10, atol=1e-12)


@pytest.mark.parametrize("ndim", [1, 2])
@given(data=st.data())
def test_conv_transpose_is_the_forward_layers_input_gradient(ndim, data):
    n, k, s, d, p, op, length = data.draw(transposed_geometry(ndim, below_stride=False))
    rng = np.random.default_rng(data.draw(st.integers(0, 2**32 - 1)))
    g, w = rng.standard_normal(n), rng.standard_normal(k)
    options = dict(stride=s, padding=p, dilation=d)
    got = conv_transpose(g, w, output_padding=op, **options)
    # output_padding >= stride (only below dilation) gives the forward layer
    # op // stride more steps than g has: nothing flows back from them
    steps = tuple(ni + o // si for ni, o, si in zip(n, op, s))
    grad_output = np.zeros(steps)
    grad_output[tuple(slice(0, m) for m in n)] = g
    x = np.zeros((1, 1) + length)
    grad_x, _, _ = conv_backward(grad_output[None, None], x, w[None, None], **options)
    np.testing.assert_allclose(got, grad_x[0, 0], rtol=1e-10, atol=1e-12)
    layer = conv_transpose_forward(g[None, None], w[None, None], output_padding=op, **options)
    np.testing.assert_allclose(layer[0, 0], got, rtol=1e-10, atol=1e-12)


# ---------------------------------------------------------------- the layer vs torch autograd


def _transposed_case(seed):
    rng = np.random.default_rng(seed)
    ndim = 1 + seed % 3
    groups = int(rng.choice([1, 2, 3]))
    n = tuple(int(v) for v in rng.integers(1, 5, ndim))
    kernel = tuple(int(v) for v in rng.integers(1, 4, ndim))
    stride = tuple(int(v) for v in rng.integers(1, 4, ndim))
    dilation = tuple(int(v) for v in rng.integers(1, 3, ndim))
    output_padding = tuple(int(rng.integers(0, max(s, d))) for s, d in zip(stride, dilation))
    padding = []
    for ni, k, s, d, op in zip(n, kernel, stride, dilation, output_padding):
        widest = ((ni - 1) * s + d * (k - 1) + op) // 2  # keeps one output at least
        padding.append(int(rng.integers(0, widest + 1)))
    c_in, c_out = groups * int(rng.integers(1, 3)), groups * int(rng.integers(1, 3))
    return {
        "x": rng.standard_normal((int(rng.integers(1, 3)), c_in) + n),
        "weight": rng.standard_normal((c_in, c_out // groups) + kernel),
        "bias": rng.standard_normal(c_out),
        "options": dict(
            stride=stride,
            padding=tuple(padding),
            output_padding=output_padding,
            dilation=dilation,
            groups=groups,
        ),
        "rng": rng,
    }


def _torch_autograd(torch, case, dtype=None):
    x, weight, bias = (case[name] for name in ("x", "weight", "bias"))
    if dtype is not None:
        x, weight, bias = (a.astype(dtype) for a in (x, weight, bias))
    x_t, w_t, b_t = (torch.tensor(a, requires_grad=True) for a in (x, weight, bias))
    y_t = _torch_transpose(torch, x.ndim - 2)(x_t, w_t, b_t, **case["options"])
    grad_output = case["rng"].standard_normal(tuple(y_t.shape))
    if dtype is not None:
        grad_output = grad_output.astype(dtype)
    y_t.backward(torch.tensor(grad_output))
    return (x, weight, bias, grad_output), (y_t.detach(), x_t.grad, w_t.grad, b_t.grad)


@pytest.mark.parametrize("seed", range(36))
def test_transposed_layer_matches_torch_autograd(seed):
    torch = pytest.importorskip("torch")
    case = _transposed_case(seed)
    (x, weight, bias, grad_output), (y, grad_x, grad_w, grad_b) = _torch_autograd(torch, case)
    options = case["options"]
    _close(conv_transpose_forward(x, weight, bias, **options), y.numpy())
    ours = conv_transpose_backward(grad_output, x, weight, **options)
    for got, want in zip(ours, (grad_x, grad_w, grad_b)):
        _close(got, want.numpy())


@pytest.mark.parametrize("seed", range(3))
def test_transposed_layer_float32_matches_torch_loosely(seed):
    torch = pytest.importorskip("torch")
    case = _transposed_case(50 + seed)
    arrays, wants = _torch_autograd(torch, case, np.float32)
    x, weight, bias, grad_output = arrays
    y = conv_transpose_forward(x, weight, bias, **case["options"])
    assert y.dtype == np.float32
    ours = (y,) + conv_transpose_backward(grad_output, x, weight, **case["options"])
    for got, want in zip(ours, wants):
        assert got.dtype == np.float32
        _close(got, want.numpy(), rtol=1e-4)


def test_transposed_layer_on_every_backend(xp):
    torch = pytest.importorskip("torch")
    case = _transposed_case(7)
    (x, weight, bias, grad_output), wants = _torch_autograd(torch, case)
    options = case["options"]
    y = conv_transpose_forward(xp.asarray(x), xp.asarray(weight), xp.asarray(bias), **options)
    grads = conv_transpose_backward(
        xp.asarray(grad_output), xp.asarray(x), xp.asarray(weight), **options
    )
    for got, want in zip((y,) + grads, wants):
        assert isinstance(got, xp.ndarray)
        _close(to_numpy(got), want.numpy())


# ---------------------------------------------------------------- refused inputs


@pytest.mark.parametrize(
    ("options", "argument"),
    [
        ({"stride": 2, "output_padding": 2}, "output_padding"),
        ({"stride": 2, "dilation": 3, "output_padding": 3}, "output_padding"),
        ({"output_padding": 1}, "output_padding"),  # stride 1, dilation 1: none allowed
        ({"padding": 3}, "padding"),  # (4-1)·1 - 6 + 2 + 1 = 0 outputs
        ({"padding": [(2, 4)]}, "padding"),  # (before, after): (4-1) - 6 + 2 + 1 = 0
        ({"padding": -1}, "padding"),
        ({"stride": 0}, "stride"),
        ({"dilation": 0}, "dilation"),
    ],
)
def test_refused_geometry_raises_value_error_naming_the_argument(options, argument):
    x, w = np.ones(4), np.ones(3)
    with pytest.raises(ValueError, match=argument):
        conv_transpose(x, w, **options)
    with pytest.raises(ValueError, match=argument):
        conv_transpose_forward(x[None, None], w[None, None], **options)
    with pytest.raises(ValueError, match=argument):
        conv_transpose_backward(np.ones((1, 1, 6)), x[None, None], w[None, None], **options)


def test_torch_refuses_the_same_output_padding():
    torch = pytest.importorskip("torch")
    x, w = torch.ones(1, 1, 4), torch.ones(1, 1, 3)
    for options in ({"stride": 2, "output_padding": 2}, {"output_padding": 1}):
        with pytest.raises(RuntimeError, match="output padding"):
            torch.nn.functional.conv_transpose1d(x, w, **options)


def test_transposed_geometry_takes_valid_mode_and_zeros_only():
    with pytest.raises(ValueError, match="mode must be 'valid'"):
        plan((4,), (3,), "same", transposed=True)
    with pytest.raises(ValueError, match="mode must be 'valid'"):
        ConvSpec("causal", transposed=True).plan((4,), (3,))
    for padding_mode in ("reflect", "replicate", "circular", "symmetric"):
        with pytest.raises(ValueError, match="padding_mode must be 'zeros'"):
            plan((4,), (3,), "valid", transposed=True, padding_mode=padding_mode)


@pytest.mark.parametrize(
    ("x_shape", "w_shape", "options", "message"),
    [
        ((1, 3, 5), (2, 1, 3), {}, r"weight must be \(C_in, C_out // groups, \*kernel\).*3"),
        ((1, 2, 5), (2, 1, 3, 3), {}, r"weight must be \(C_in, C_out // groups.*1 kernel axes"),
        ((1, 3, 5), (3, 1, 3), {"groups": 2}, r"divisible by groups=2"),
        ((1, 2, 5), (2, 1, 3), {"groups": 0}, r"groups must be a positive int"),
        ((1, 2, 5), (2, 1, 3), {"groups": 1.0}, r"groups must be a positive int"),
        ((2, 5), (2, 1, 3), {}, r"x must be \(N, C_in, L\)"),
        ((1, 2, 5), (2, 1, 3), {"padding": "same"}, r"padding must be an int"),
        ((1, 1, 5), (1, 1, 0), {}, r"kernel must not have an empty axis"),
    ],
)
def test_bad_layer_shapes_raise_value_error_naming_them(x_shape, w_shape, options, message):
    with pytest.raises(ValueError, match=message):
        conv_transpose_forward(np.ones(x_shape), np.ones(w_shape), **options)


def test_bad_bias_and_grad_output_shapes():
    x, w = np.ones((2, 2, 4)), np.ones((2, 3, 3))  # output (2, 3, 6)
    with pytest.raises(ValueError, match=r"bias must have shape \(3,\)"):
        conv_transpose_forward(x, w, np.ones(2))
    with pytest.raises(ValueError, match=r"grad_output must have the output's shape \(2, 3, 6\)"):
        conv_transpose_backward(np.ones((2, 3, 5)), x, w)
    with pytest.raises(ValueError, match="x must hold real numbers"):
        conv_transpose_forward(x + 1j, w)


def test_output_padding_past_the_stride_reads_only_real_inputs():
    # dilation 2 allows output_padding 1 with stride 1: the forward layer then has one
    # more step than the transposed input has elements, and nothing may read it
    x, w = [1.0, 2, 3], [1.0, 1, 1]
    options = dict(dilation=2, output_padding=1)
    out = conv_transpose(x, w, **options)
    # x[i] lands on i, i+2, i+4: 1, 2, 1+3, 2, 1+3... by hand, then the padded zero
    assert out.tolist() == [1, 2, 4, 2, 4, 2, 3, 0]
    trace = steps(x, w, "valid", flip=False, transposed=True, **options)
    assert [s.value for s in trace] == out.tolist()
    assert trace.overlap().tolist() == [1, 1, 2, 1, 2, 1, 1, 0]
    with pytest.raises(IndexError, match="3 inputs"):
        trace.scatter(3)
    M = toeplitz(w, (3,), "valid", flip=False, transposed=True, **options)
    assert M.shape == (8, 3) and (M @ np.array(x)).tolist() == out.tolist()
