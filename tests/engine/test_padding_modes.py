"""Padding modes and causal padding, against numpy.pad, scipy.ndimage, torch and OpenCV.

Every value below comes from a peer library or by hand: numpy.pad and the libraries in
``PADDING_NAMES`` for what fills the cells, torch's convolutions and autograd for the
convolutions over them.  torch has no symmetric padding; there the peer is torch over an
input padded by indexing with numpy.pad's table of which input each cell copies.
"""

import numpy as np
import pytest

from convtui import (
    PADDING_MODES,
    PADDING_NAMES,
    ConvSpec,
    conv_backward,
    conv_forward,
    convolve,
    correlate,
    gradient_terms,
    padding_for,
    plan,
    train_kernel,
)
from convtui.engine.backend import to_numpy

TORCH_MODES = [m for m in PADDING_MODES if PADDING_NAMES[m]["torch"] is not None]


def _numpy_pad(x, pads, padding_mode):
    """numpy.pad under its own name for the mode (the PADDING_NAMES row)."""
    name = PADDING_NAMES[padding_mode]["numpy.pad"]
    return np.pad(x, pads, mode=name)


def _padded(x, pads, padding_mode):
    """The padded input as the engine fills it: a one-tap kernel over it, valid."""
    return correlate(x, np.ones((1,) * x.ndim), "valid", padding=pads, padding_mode=padding_mode)


# ---------------------------------------------------------------- values by hand


@pytest.mark.parametrize(
    ("padding_mode", "expected"),
    [
        # DESIGN.md's table, x = a b c d = 1 2 3 4, three cells each side
        ("zeros", [0, 0, 0, 1, 2, 3, 4, 0, 0, 0]),
        ("reflect", [4, 3, 2, 1, 2, 3, 4, 3, 2, 1]),  # d c b | a b c d | c b a
        ("symmetric", [3, 2, 1, 1, 2, 3, 4, 4, 3, 2]),  # c b a | a b c d | d c b
        ("replicate", [1, 1, 1, 1, 2, 3, 4, 4, 4, 4]),  # a a a | a b c d | d d d
        ("circular", [2, 3, 4, 1, 2, 3, 4, 1, 2, 3]),  # b c d | a b c d | a b c
    ],
)
def test_what_fills_the_cells_by_hand(padding_mode, expected):
    x = np.array([1, 2, 3, 4])
    assert _padded(x, 3, padding_mode).tolist() == expected
    assert _numpy_pad(x, 3, padding_mode).tolist() == expected
    sources = plan((4,), (1,), "valid", padding=3, padding_mode=padding_mode).source_index(0)
    assert [0 if s < 0 else x[s] for s in sources] == expected


# ---------------------------------------------------------------- PADDING_NAMES, row by row


def test_every_mode_has_a_row_and_every_row_a_name_per_library():
    assert set(PADDING_NAMES) == set(PADDING_MODES)
    libraries = set(PADDING_NAMES["zeros"])
    assert all(set(row) == libraries for row in PADDING_NAMES.values())


@pytest.mark.parametrize("padding_mode", PADDING_MODES)
@pytest.mark.parametrize("shape", [(7,), (5, 6), (3, 4, 5)])
def test_numpy_pad_names(padding_mode, shape):
    x = np.random.default_rng(len(shape)).standard_normal(shape)
    pads = [(2, 1), (0, 3), (1, 1)][: len(shape)]
    np.testing.assert_array_equal(_padded(x, pads, padding_mode), _numpy_pad(x, pads, padding_mode))


@pytest.mark.parametrize("padding_mode", PADDING_MODES)
@pytest.mark.parametrize("k", [1, 2, 3, 4, 5])
def test_scipy_ndimage_names_1d(padding_mode, k):
    ndimage = pytest.importorskip("scipy.ndimage")
    rng = np.random.default_rng(k)
    x, w = rng.standard_normal(9), rng.standard_normal(k)
    name = PADDING_NAMES[padding_mode]["scipy.ndimage"]
    # ndimage centres a kernel at k // 2, so an even kernel reaches one cell further
    # back than forward: numpy's "same" (the extra cell at the start), origin 0
    want = ndimage.correlate1d(x, w, mode=name, cval=0.0)
    np.testing.assert_allclose(correlate(x, w, "same", padding_mode=padding_mode), want)
    # convolve1d flips the kernel about that centre: an even kernel then reaches one
    # cell further forward, MATLAB's "same" (the extra cell at the end)
    want = ndimage.convolve1d(x, w, mode=name, cval=0.0)
    convention = "numpy" if k % 2 else "matlab"
    got = convolve(x, w, "same", padding_mode=padding_mode, convention=convention)
    np.testing.assert_allclose(got, want)


@pytest.mark.parametrize("padding_mode", PADDING_MODES)
@pytest.mark.parametrize("kernel_shape", [(3, 3), (2, 5), (4, 1)])
def test_scipy_ndimage_names_2d(padding_mode, kernel_shape):
    ndimage = pytest.importorskip("scipy.ndimage")
    rng = np.random.default_rng(sum(kernel_shape))
    x, w = rng.standard_normal((6, 7)), rng.standard_normal(kernel_shape)
    name = PADDING_NAMES[padding_mode]["scipy.ndimage"]
    want = ndimage.correlate(x, w, mode=name, cval=0.0)
    np.testing.assert_allclose(correlate(x, w, "same", padding_mode=padding_mode), want)


@pytest.mark.parametrize("padding_mode", PADDING_MODES)
def test_opencv_names(padding_mode):
    cv2 = pytest.importorskip("cv2")
    x = np.random.default_rng(3).standard_normal((6, 7))
    border = getattr(cv2, PADDING_NAMES[padding_mode]["OpenCV"])
    want = cv2.copyMakeBorder(x, 2, 3, 1, 4, border, value=0)
    np.testing.assert_array_equal(_padded(x, ((2, 3), (1, 4)), padding_mode), want)
    row = cv2.copyMakeBorder(x[:1], 0, 0, 3, 2, border, value=0)  # a 1-D signal as a row
    np.testing.assert_array_equal(_padded(x[0], ((3, 2),), padding_mode), row[0])
    if padding_mode != "circular":  # filter2D refuses BORDER_WRAP
        w = np.random.default_rng(4).standard_normal((3, 5))
        want = cv2.filter2D(x, -1, w, borderType=border)  # correlation, anchored at the centre
        np.testing.assert_allclose(correlate(x, w, "same", padding_mode=padding_mode), want)


@pytest.mark.parametrize("padding_mode", PADDING_MODES)
def test_torch_names(padding_mode):
    torch = pytest.importorskip("torch")
    name = PADDING_NAMES[padding_mode]["torch"]
    if name is None:  # no such mode in torch: its layers refuse it
        with pytest.raises(ValueError, match="padding_mode"):
            torch.nn.Conv1d(1, 1, 1, padding=1, padding_mode=padding_mode)
        return
    x = np.random.default_rng(5).standard_normal((5, 6))
    layer = torch.nn.Conv2d(1, 1, 1, padding=(2, 3), padding_mode=name, bias=False).double()
    with torch.no_grad():
        layer.weight.fill_(1.0)
        want = layer(torch.tensor(x)[None, None])[0, 0].numpy()
    np.testing.assert_array_equal(_padded(x, ((2, 2), (3, 3)), padding_mode), want)
    if padding_mode != "zeros":  # F.pad calls zeros "constant"
        want = torch.nn.functional.pad(torch.tensor(x)[None, None], (3, 1, 2, 4), mode=name)
        np.testing.assert_array_equal(_padded(x, ((2, 4), (3, 1)), padding_mode), want[0, 0])


@pytest.mark.parametrize("padding_mode", PADDING_MODES)
def test_tensorflow_names(padding_mode):
    tf = pytest.importorskip("tensorflow")
    name = PADDING_NAMES[padding_mode]["TensorFlow tf.pad"]
    if name is None:
        return
    x = np.random.default_rng(6).standard_normal((5, 6))
    want = tf.pad(x, [[2, 1], [3, 2]], mode=name).numpy()
    np.testing.assert_array_equal(_padded(x, ((2, 1), (3, 2)), padding_mode), want)


# ---------------------------------------------------------------- convolve/correlate vs torch


def _torch_pad(torch, t, pads, padding_mode):
    """``t`` (N, C, *spatial) padded as torch fills it; symmetric by numpy.pad's index table."""
    name = PADDING_NAMES[padding_mode]["torch"]
    if name is None:
        for axis, widths in enumerate(pads):
            index = np.pad(np.arange(t.shape[2 + axis]), widths, mode="symmetric")
            t = t.index_select(2 + axis, torch.tensor(index))
        return t
    flat = [v for widths in reversed(pads) for v in widths]  # last axis first
    return torch.nn.functional.pad(t, flat, mode="constant" if name == "zeros" else name)


def _mode_pads(mode, ke):
    """A mode's own cells on one axis, written out (stride 1, numpy's convention)."""
    return {
        "valid": (0, 0),
        "full": (ke - 1, ke - 1),
        "causal": (ke - 1, 0),
        "same": ((ke - 1) - (ke - 1) // 2, (ke - 1) // 2),
    }[mode]


def _slide_case(seed):
    rng = np.random.default_rng(seed)
    ndim = 1 + seed % 3
    kernel = tuple(int(k) for k in rng.integers(1, 4, ndim))
    dilation = int(rng.integers(1, 3))
    stride = int(rng.integers(1, 4))
    explicit = int(rng.integers(0, 3))
    mode = ("valid", "same", "full", "causal")[seed % 4]
    pads = []
    for k in kernel:
        before, after = _mode_pads(mode, dilation * (k - 1) + 1)
        pads.append((explicit + before, explicit + after))
    # torch reflects at most n - 1 cells; numpy.pad reflects further (tested below)
    shape = tuple(
        max(max(p) + 1, dilation * (k - 1) + 1) + int(rng.integers(0, 4))
        for p, k in zip(pads, kernel)
    )
    return rng, mode, kernel, shape, stride, dilation, explicit, tuple(pads)


@pytest.mark.parametrize("padding_mode", PADDING_MODES)
@pytest.mark.parametrize("seed", range(12))
def test_convolve_and_correlate_match_torch_over_padded_input(padding_mode, seed):
    torch = pytest.importorskip("torch")
    F = torch.nn.functional
    rng, mode, kernel, shape, stride, dilation, explicit, pads = _slide_case(seed)
    x, w = rng.standard_normal(shape), rng.standard_normal(kernel)
    options = dict(stride=stride, dilation=dilation, padding=explicit, padding_mode=padding_mode)
    assert padding_for(shape, kernel, mode, **options) == pads
    padded = _torch_pad(torch, torch.tensor(x)[None, None], pads, padding_mode)
    conv = (F.conv1d, F.conv2d, F.conv3d)[len(shape) - 1]
    for flip, run in ((False, correlate), (True, convolve)):
        kernel_t = torch.tensor((np.flip(w) if flip else w).copy())[None, None]
        want = conv(padded, kernel_t, stride=stride, dilation=dilation)[0, 0].numpy()
        for method in ("direct", "fft"):
            got = run(x, w, mode, method=method, **options)
            np.testing.assert_allclose(got, want, rtol=1e-10, atol=1e-10 * np.abs(want).max())


@pytest.mark.parametrize("padding_mode", TORCH_MODES)
@pytest.mark.parametrize("ndim", [1, 2, 3])
def test_correlate_matches_torch_conv_modules(padding_mode, ndim):
    torch = pytest.importorskip("torch")
    rng = np.random.default_rng(ndim)
    x, w = rng.standard_normal((6, 5, 7)[:ndim]), rng.standard_normal((3, 2, 3)[:ndim])
    module = getattr(torch.nn, f"Conv{ndim}d")
    for padding, options in (
        (2, dict(padding=2, stride=2, dilation=2)),
        ("same", dict(convention="torch")),  # torch's odd extra cell goes at the end
    ):
        kwargs = {k: v for k, v in options.items() if k in ("stride", "dilation")}
        layer = module(
            1, 1, w.shape, padding=padding, padding_mode=padding_mode, bias=False, **kwargs
        ).double()
        with torch.no_grad():
            layer.weight.copy_(torch.tensor(w)[None, None])
            want = layer(torch.tensor(x)[None, None])[0, 0].numpy()
        mode = "same" if padding == "same" else "valid"
        got = correlate(x, w, mode, padding_mode=padding_mode, **options)
        np.testing.assert_allclose(got, want, rtol=1e-10, atol=1e-12, err_msg=str(kwargs))


# ---------------------------------------------------------------- the layer vs torch autograd


def _layer_case(seed):
    rng = np.random.default_rng(100 + seed)
    ndim = 1 + seed % 3
    groups = int(rng.choice([1, 2]))
    kernel = tuple(int(k) for k in rng.integers(1, 4, ndim))
    dilation = int(rng.integers(1, 3))
    if seed % 4 == 3:
        padding, stride = "same", 1
    else:
        padding, stride = int(rng.integers(0, 3)), int(rng.integers(1, 3))
    # torch reflects at most n - 1 cells
    reach = dilation * (max(kernel) - 1) if padding == "same" else padding
    spatial = tuple(
        max(dilation * (k - 1) + 1, reach + 1) + int(rng.integers(0, 4)) for k in kernel
    )
    c_in, c_out = groups * int(rng.integers(1, 3)), groups * int(rng.integers(1, 3))
    x = rng.standard_normal((int(rng.integers(1, 3)), c_in) + spatial)
    weight = rng.standard_normal((c_out, c_in // groups) + kernel)
    options = dict(stride=stride, padding=padding, dilation=dilation, groups=groups)
    return rng, x, weight, rng.standard_normal(c_out), options


@pytest.mark.parametrize("padding_mode", PADDING_MODES)
@pytest.mark.parametrize("seed", range(8))
def test_layer_forward_and_backward_match_torch_autograd(padding_mode, seed):
    torch = pytest.importorskip("torch")
    rng, x, weight, bias, options = _layer_case(seed)
    ndim = x.ndim - 2
    x_t, w_t, b_t = (torch.tensor(a, requires_grad=True) for a in (x, weight, bias))
    if padding_mode in TORCH_MODES:  # torch's own layer, padding mode and all
        module = getattr(torch.nn, f"Conv{ndim}d")
        layer = module(
            x.shape[1],
            weight.shape[0],
            weight.shape[2:],
            padding_mode=padding_mode,
            **options,
        ).double()
        layer.weight, layer.bias = torch.nn.Parameter(w_t), torch.nn.Parameter(b_t)
        y_t = layer(x_t)
        w_grad, b_grad = (lambda: layer.weight.grad), (lambda: layer.bias.grad)
    else:  # symmetric: torch's conv over numpy.pad's cells, gathered with autograd
        g = plan(
            x.shape[2:],
            weight.shape[2:],
            "same" if options["padding"] == "same" else "valid",
            padding=None if options["padding"] == "same" else options["padding"],
            dilation=options["dilation"],
            convention="torch",
        )
        padded = _torch_pad(torch, x_t, g.pad, "symmetric")
        conv = getattr(torch.nn.functional, f"conv{ndim}d")
        rest = {k: v for k, v in options.items() if k != "padding"}
        y_t = conv(padded, w_t, b_t, **rest)
        w_grad, b_grad = (lambda: w_t.grad), (lambda: b_t.grad)
    grad_output = rng.standard_normal(tuple(y_t.shape))
    y_t.backward(torch.tensor(grad_output))

    def close(ours, theirs):
        theirs = theirs.detach().numpy()
        assert ours.shape == theirs.shape
        assert np.abs(ours - theirs).max() <= 1e-10 * max(np.abs(theirs).max(), 1e-300)

    close(conv_forward(x, weight, bias, padding_mode=padding_mode, **options), y_t)
    grad_x, grad_w, grad_b = conv_backward(
        grad_output, x, weight, padding_mode=padding_mode, **options
    )
    close(grad_x, x_t.grad)
    close(grad_w, w_grad())
    close(grad_b, b_grad())


@pytest.mark.parametrize("padding_mode", PADDING_MODES)
def test_layer_float32_matches_torch_loosely(padding_mode):
    torch = pytest.importorskip("torch")
    rng = np.random.default_rng(9)
    x = rng.standard_normal((2, 3, 9, 8)).astype(np.float32)
    w = rng.standard_normal((4, 3, 3, 2)).astype(np.float32)
    x_t, w_t = torch.tensor(x, requires_grad=True), torch.tensor(w, requires_grad=True)
    y_t = torch.nn.functional.conv2d(_torch_pad(torch, x_t, ((2, 2), (1, 1)), padding_mode), w_t)
    grad_output = rng.standard_normal(tuple(y_t.shape)).astype(np.float32)
    y_t.backward(torch.tensor(grad_output))
    y = conv_forward(x, w, padding=(2, 1), padding_mode=padding_mode)
    assert y.dtype == np.float32
    np.testing.assert_allclose(y, y_t.detach().numpy(), rtol=1e-4, atol=1e-4)
    grad_x, grad_w, _ = conv_backward(grad_output, x, w, padding=(2, 1), padding_mode=padding_mode)
    np.testing.assert_allclose(grad_x, x_t.grad.numpy(), rtol=1e-4, atol=1e-4)
    np.testing.assert_allclose(grad_w, w_t.grad.numpy(), rtol=1e-4, atol=1e-3)


def test_a_copied_cell_hands_its_gradient_to_its_input_by_hand():
    # replicate, one cell each side: the padded input is x0 x0 x1 x2 x2, the kernel
    # [1, 10] sits on (x0, x0), (x0, x1), (x1, x2), (x2, x2)
    x, w = np.array([[[1.0, 2, 3]]]), np.array([[[1.0, 10]]])
    y = conv_forward(x, w, padding=1, padding_mode="replicate")
    assert y.tolist() == [[[11, 21, 32, 33]]]
    grad_x, grad_w, _ = conv_backward(np.ones((1, 1, 4)), x, w, padding=1, padding_mode="replicate")
    assert grad_x.tolist() == [[[1 + 10 + 1, 10 + 1, 10 + 1 + 10]]]
    assert grad_w.tolist() == [[[1 + 1 + 2 + 3, 1 + 2 + 3 + 3]]]


@pytest.mark.parametrize("padding_mode", PADDING_MODES)
@pytest.mark.parametrize("flip", [True, False])
def test_gradient_terms_column_sums_match_torch_autograd(padding_mode, flip):
    torch = pytest.importorskip("torch")
    rng = np.random.default_rng(11)
    x, w = rng.standard_normal((7, 6)), rng.standard_normal((3, 2))
    options = dict(stride=(2, 1), dilation=(1, 2), padding=1, padding_mode=padding_mode)
    g = plan(x.shape, w.shape, "same", flip=flip, **options)
    w_t = torch.tensor(w, requires_grad=True)
    oriented = w_t.flip((0, 1)) if flip else w_t
    padded = _torch_pad(torch, torch.tensor(x)[None, None], g.pad, padding_mode)
    y_t = torch.nn.functional.conv2d(padded, oriented[None, None], stride=(2, 1), dilation=(1, 2))
    grad_output = rng.standard_normal(tuple(y_t.shape[2:]))
    y_t.backward(torch.tensor(grad_output)[None, None])
    terms = gradient_terms(x, w.shape, grad_output, "same", flip=flip, **options)
    np.testing.assert_allclose(terms.sum(axis=0).reshape(w.shape), w_t.grad.numpy(), rtol=1e-10)


@pytest.mark.parametrize("padding_mode", ["reflect", "circular", "symmetric"])
def test_train_kernel_reports_torch_gradient_with_a_padding_mode(padding_mode):
    torch = pytest.importorskip("torch")
    rng = np.random.default_rng(12)
    x, target = rng.standard_normal((3, 10)), rng.standard_normal((3, 10))
    init = rng.standard_normal(3)
    state = next(
        train_kernel(x, target, 3, mode="same", init=init, bias=False, padding_mode=padding_mode)
    )
    w_t = torch.tensor(init, requires_grad=True)
    padded = _torch_pad(torch, torch.tensor(x)[:, None], ((1, 1),), padding_mode)
    y_t = torch.nn.functional.conv1d(padded, w_t[None, None])[:, 0]
    loss = ((y_t - torch.tensor(target)) ** 2).mean()
    loss.backward()
    assert state.loss == pytest.approx(loss.item(), rel=1e-12)
    np.testing.assert_allclose(state.grad_kernel, w_t.grad.numpy(), rtol=1e-10)


# ---------------------------------------------------------------- causal


@pytest.mark.parametrize("padding_mode", PADDING_MODES)
@pytest.mark.parametrize(("k", "stride", "dilation"), [(3, 1, 1), (4, 2, 1), (3, 2, 3), (2, 3, 2)])
def test_causal_is_a_left_padded_torch_conv1d(padding_mode, k, stride, dilation):
    torch = pytest.importorskip("torch")
    rng = np.random.default_rng(k * stride * dilation)
    x, w = rng.standard_normal(12), rng.standard_normal(k)
    ke = dilation * (k - 1) + 1
    padded = _torch_pad(torch, torch.tensor(x)[None, None], ((ke - 1, 0),), padding_mode)
    kernel = torch.tensor(w)[None, None]
    want = torch.nn.functional.conv1d(padded, kernel, stride=stride, dilation=dilation)[0, 0]
    options = dict(stride=stride, dilation=dilation, padding_mode=padding_mode)
    got = correlate(x, w, "causal", **options)
    assert got.shape == (-(-12 // stride),)  # ceil(n / stride) outputs, as Keras
    np.testing.assert_allclose(got, want.numpy(), rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(convolve(x, w[::-1], "causal", **options), want.numpy(), rtol=1e-12)


@pytest.mark.parametrize("padding_mode", ["zeros", "replicate"])
@pytest.mark.parametrize(("k", "stride", "dilation"), [(3, 1, 1), (4, 2, 1), (3, 2, 3), (2, 3, 2)])
def test_causal_output_never_sees_a_later_input(padding_mode, k, stride, dilation):
    rng = np.random.default_rng(k + stride + dilation)
    x, w = rng.standard_normal(15), rng.uniform(0.5, 1.5, k)
    for run in (correlate, convolve):
        y = run(x, w, "causal", stride=stride, dilation=dilation, padding_mode=padding_mode)
        for t in range(len(x)):
            later = x.copy()
            later[t] += 1.0
            z = run(later, w, "causal", stride=stride, dilation=dilation, padding_mode=padding_mode)
            first = -(-t // stride)  # the first output whose step reaches t
            np.testing.assert_array_equal(z[:first], y[:first])
            if t % stride == 0:  # the last tap sits on input i*stride itself (w > 0)
                assert z[t // stride] != y[t // stride]


def test_causal_2d_output_never_sees_a_later_row_or_column():
    rng = np.random.default_rng(13)
    x, w = rng.standard_normal((6, 7)), rng.uniform(0.5, 1.5, (3, 2))
    y = correlate(x, w, "causal", padding_mode="replicate")
    later = x.copy()
    later[3, 4] += 1.0
    z = correlate(later, w, "causal", padding_mode="replicate")
    changed = z != y
    assert not changed[:3].any() and not changed[:, :4].any() and changed[3, 4]


def test_causal_with_a_mirror_or_a_wrap_copies_later_inputs_by_hand():
    # the cells before x[0] copy inputs after it, so output 0 reads x[1] and x[2]:
    # only zeros and replicate keep a causal slide causal
    x, w = [1.0, 2, 3, 4], [1.0, 1, 1]
    assert correlate(x, w, "causal").tolist() == [1, 3, 6, 9]
    assert correlate(x, w, "causal", padding_mode="replicate").tolist() == [3, 4, 6, 9]
    assert correlate(x, w, "causal", padding_mode="reflect").tolist() == [6, 5, 6, 9]  # 3 2 | 1
    assert correlate(x, w, "causal", padding_mode="symmetric").tolist() == [4, 4, 6, 9]  # 2 1 | 1
    assert correlate(x, w, "causal", padding_mode="circular").tolist() == [8, 7, 6, 9]  # 3 4 | 1


# ---------------------------------------------------------------- wider than the input


@pytest.mark.parametrize("padding_mode", ["reflect", "symmetric", "circular", "replicate"])
def test_padding_wider_than_the_input_is_numpy_pad(padding_mode):
    x = np.array([1.0, 2, 3])
    assert _padded(x, 7, padding_mode).tolist() == _numpy_pad(x, 7, padding_mode).tolist()
    x2 = np.arange(6.0).reshape(2, 3)
    assert _padded(x2, ((5, 3), (4, 7)), padding_mode).tolist() == (
        _numpy_pad(x2, ((5, 3), (4, 7)), padding_mode).tolist()
    )
    # a single element: every mode copies it
    assert _padded(np.array([5.0]), 2, padding_mode).tolist() == [5.0] * 5


def test_reflect_wider_than_the_input_by_hand_and_torch_refuses_it():
    torch = pytest.importorskip("torch")
    x = np.array([1.0, 2, 3])
    # bouncing between the ends: 1 2 3 2 | 1 2 3 | 2 1 2 3
    assert _padded(x, 4, "reflect").tolist() == [1, 2, 3, 2, 1, 2, 3, 2, 1, 2, 3]
    with pytest.raises(RuntimeError):
        torch.nn.functional.pad(torch.tensor(x)[None, None], (4, 4), mode="reflect")


@pytest.mark.parametrize("padding_mode", ["reflect", "symmetric", "circular"])
def test_layer_with_padding_wider_than_the_input_matches_torch_over_numpy_pad(padding_mode):
    torch = pytest.importorskip("torch")
    rng = np.random.default_rng(14)
    x, w = rng.standard_normal((2, 2, 3)), rng.standard_normal((3, 2, 4))
    index = torch.tensor(_numpy_pad(np.arange(3), 6, padding_mode))
    x_t, w_t = torch.tensor(x, requires_grad=True), torch.tensor(w, requires_grad=True)
    y_t = torch.nn.functional.conv1d(x_t.index_select(2, index), w_t, stride=2)
    grad_output = rng.standard_normal(tuple(y_t.shape))
    y_t.backward(torch.tensor(grad_output))
    options = dict(padding=6, stride=2, padding_mode=padding_mode)
    np.testing.assert_allclose(conv_forward(x, w, **options), y_t.detach().numpy(), rtol=1e-12)
    grad_x, grad_w, _ = conv_backward(grad_output, x, w, **options)
    np.testing.assert_allclose(grad_x, x_t.grad.numpy(), rtol=1e-12)
    np.testing.assert_allclose(grad_w, w_t.grad.numpy(), rtol=1e-12)


# ---------------------------------------------------------------- every backend


@pytest.mark.parametrize("padding_mode", ["reflect", "circular", "symmetric"])
def test_layer_padding_modes_on_every_backend(xp, padding_mode):
    torch = pytest.importorskip("torch")
    rng = np.random.default_rng(15)
    x, w, b = rng.standard_normal((2, 2, 6, 5)), rng.standard_normal((4, 1, 3, 2)), np.ones(4)
    options = dict(padding=(1, 2), stride=(1, 2), groups=2, padding_mode=padding_mode)
    x_t, w_t = torch.tensor(x, requires_grad=True), torch.tensor(w, requires_grad=True)
    padded = _torch_pad(torch, x_t, ((1, 1), (2, 2)), padding_mode)
    y_t = torch.nn.functional.conv2d(padded, w_t, torch.tensor(b), stride=(1, 2), groups=2)
    grad_output = rng.standard_normal(tuple(y_t.shape))
    y_t.backward(torch.tensor(grad_output))
    y = conv_forward(xp.asarray(x), xp.asarray(w), xp.asarray(b), **options)
    assert isinstance(y, xp.ndarray)
    np.testing.assert_allclose(to_numpy(y), y_t.detach().numpy(), rtol=1e-12, atol=1e-12)
    grads = conv_backward(xp.asarray(grad_output), xp.asarray(x), xp.asarray(w), **options)
    for ours, theirs in zip(grads[:2], (x_t.grad, w_t.grad)):
        assert isinstance(ours, xp.ndarray)
        np.testing.assert_allclose(to_numpy(ours), theirs.numpy(), rtol=1e-12, atol=1e-12)
    # weight w[0, 0] met channel 0 of both examples: the terms of each, summed
    total = 0
    for n in range(2):
        rest = dict(
            mode="valid", flip=False, padding=(1, 2), stride=(1, 2), padding_mode=padding_mode
        )
        terms = gradient_terms(xp.asarray(x[n, 0]), (3, 2), xp.asarray(grad_output[n, 0]), **rest)
        assert isinstance(terms, xp.ndarray)
        total = total + to_numpy(terms).sum(axis=0)
    np.testing.assert_allclose(total, w_t.grad.numpy()[0, 0].ravel(), rtol=1e-12)


# ---------------------------------------------------------------- refused values


BAD_PADDING_MODES = ["constant", "reflection", "ZEROS", "wrap", "same", "", None, 0]


@pytest.mark.parametrize("bad", BAD_PADDING_MODES)
def test_bad_padding_modes_raise_value_error_naming_it(bad):
    accepted = "padding_mode must be one of " + ", ".join(repr(m) for m in PADDING_MODES)
    x, w = np.ones((1, 1, 6)), np.ones((1, 1, 3))
    calls = [
        lambda: convolve([1, 2, 3], [1, 1], padding_mode=bad),
        lambda: correlate([1, 2, 3], [1, 1], "same", padding_mode=bad),
        lambda: plan((3,), (2,), padding_mode=bad),
        lambda: ConvSpec(padding_mode=bad),
        lambda: conv_forward(x, w, padding=1, padding_mode=bad),
        lambda: conv_backward(np.ones((1, 1, 6)), x, w, padding=1, padding_mode=bad),
        lambda: gradient_terms([1, 2, 3], (2,), np.ones(4), padding_mode=bad),
        lambda: next(train_kernel(np.ones(6), np.ones(4), 3, padding_mode=bad)),
    ]
    for call in calls:
        with pytest.raises(ValueError, match=accepted):
            call()


@pytest.mark.parametrize(
    "theirs,ours",
    [
        ("mirror", "reflect"),
        ("edge", "replicate"),
        ("wrap", "circular"),
        ("BORDER_REFLECT", "symmetric"),
        ("nearest", "replicate"),
        ("constant", "zeros"),
    ],
)
def test_another_librarys_name_is_answered_with_ours(theirs, ours):
    # the naming table, read backwards: a learner coming from numpy, scipy or OpenCV
    with pytest.raises(ValueError, match=f"got '{theirs}' .*name for '{ours}'"):
        correlate([1.0, 2.0, 3.0], [1.0], padding_mode=theirs)
