"""The layer's fast paths (the stride-1 product per tap, the windows' im2col): reused
temporaries never leak into results, which equal torch's for groups, dilation, 3-D,
padding modes and non-finite inputs; the remembered plan."""

import numpy as np
import pytest

from convtui import conv_backward, conv_forward, conv_transpose_backward, conv_transpose_forward


@pytest.mark.parametrize(
    ("x_shape", "w_shape", "options"),
    [
        ((1, 1, 6, 6), (1, 1, 3, 3), {}),  # one channel out
        ((2, 1, 9), (1, 1, 3), {"padding": 1}),
        ((2, 3, 5, 5), (4, 3, 3, 3), {"stride": 2, "padding": 1}),  # the windows' im2col
        ((1, 2, 4, 4), (2, 2, 1, 1), {}),
    ],
)
def test_a_result_is_never_a_temporary_the_next_call_reuses(x_shape, w_shape, options):
    rng = np.random.default_rng(0)
    x, w = rng.standard_normal(x_shape), rng.standard_normal(w_shape)
    out = conv_forward(x, w, **options)
    grads = conv_backward(np.ones_like(out), x, w, **options)
    kept = [out.copy()] + [a.copy() for a in grads]
    # the same shapes again, other numbers: every buffer the first calls used is rewritten
    x2, w2 = rng.standard_normal(x_shape), rng.standard_normal(w_shape)
    out2 = conv_forward(x2, w2, **options)
    conv_backward(rng.standard_normal(out2.shape), x2, w2, **options)
    for before, after in zip(kept, [out, *grads]):
        np.testing.assert_array_equal(before, after)


def test_transposed_results_are_never_temporaries():
    rng = np.random.default_rng(1)
    x, w = rng.standard_normal((1, 1, 5)), rng.standard_normal((1, 1, 3))
    out = conv_transpose_forward(x, w, padding=1)
    grad_x = conv_transpose_backward(np.ones_like(out), x, w, padding=1)[0]
    kept = out.copy(), grad_x.copy()
    conv_transpose_forward(2 * x, w, padding=1)
    conv_transpose_backward(3 * np.ones_like(out), x, w, padding=1)
    np.testing.assert_array_equal(kept[0], out)
    np.testing.assert_array_equal(kept[1], grad_x)


def _torch_pair(torch, x, w, b, grad_output, options):
    functional = torch.nn.functional
    ndim = x.ndim - 2
    tx, tw, tb = (torch.tensor(a, requires_grad=True) for a in (x, w, b))
    mode = options.get("padding_mode", "zeros")
    padding = options.get("padding", 0)
    inp = tx
    if mode != "zeros":
        inp = functional.pad(tx, (padding,) * (2 * ndim), mode=mode)
        padding = 0
    conv = getattr(functional, f"conv{ndim}d")
    out = conv(inp, tw, tb, 1, padding, options.get("dilation", 1), options.get("groups", 1))
    out.backward(torch.tensor(grad_output))
    return out.detach().numpy(), tx.grad.numpy(), tw.grad.numpy(), tb.grad.numpy()


@pytest.mark.parametrize(
    ("x_shape", "w_shape", "options"),
    [
        ((3, 4, 7, 9), (6, 2, 3, 2), {"groups": 2, "padding": 1}),
        ((2, 3, 6, 7, 8), (2, 3, 2, 3, 2), {"dilation": 2, "padding": 1}),  # 3-D
        ((2, 2, 8, 8), (3, 2, 3, 3), {"padding": 2, "padding_mode": "reflect"}),
        ((2, 2, 8, 8), (3, 2, 3, 3), {"padding": 1, "padding_mode": "circular"}),
        ((1, 1, 10, 10), (1, 1, 1, 9), {}),  # a wide kernel
        ((4, 3, 11), (5, 3, 4), {"dilation": 3, "padding": 2}),  # 1-D
    ],
)
def test_results_equal_torch(x_shape, w_shape, options):
    torch = pytest.importorskip("torch")
    rng = np.random.default_rng(len(x_shape) + w_shape[-1])
    x, w = rng.standard_normal(x_shape), rng.standard_normal(w_shape)
    b = rng.standard_normal(w_shape[0])
    out = conv_forward(x, w, b, **options)
    grad_output = rng.standard_normal(out.shape)
    expected = _torch_pair(torch, x, w, b, grad_output, options)
    ours = (out, *conv_backward(grad_output, x, w, **options))
    for a, e in zip(ours, expected):
        np.testing.assert_allclose(a, e, rtol=0, atol=1e-10)


def test_an_infinite_input_gives_the_same_gradients_as_torch():
    # an inf meets only the taps that read it: inf in their gradient, no nan elsewhere
    # (the per-tap path's extra grid cells would meet it too, times a zero: it gives way)
    torch = pytest.importorskip("torch")
    x = np.arange(30.0).reshape(1, 1, 5, 6)
    x[0, 0, 2, 0] = np.inf
    w = np.ones((1, 1, 3, 3))
    b = np.zeros(1)
    grad_output = np.ones((1, 1, 3, 4))
    expected = _torch_pair(torch, x, w, b, grad_output, {})
    _, grad_w, _ = conv_backward(grad_output, x, w)
    np.testing.assert_array_equal(grad_w, expected[2])
    assert np.isinf(grad_w).sum() == 3  # the taps of the first column met the inf


def test_a_remembered_plan_never_answers_for_an_option_it_would_refuse():
    x, w = np.ones((1, 1, 5)), np.ones((1, 1, 2))
    assert conv_forward(x, w, stride=1).tolist() == [[[2.0, 2.0, 2.0, 2.0]]]
    with pytest.raises(ValueError, match="stride must be an int"):
        conv_forward(x, w, stride=True)  # True == 1 and hashes alike; still refused
    assert conv_forward(x, w, stride=[2]).tolist() == [[[2.0, 2.0]]]  # a list: checked anew


def test_a_thread_keeps_no_more_temporaries_than_the_cap(monkeypatch):
    import threading

    from convtui.engine import layer

    monkeypatch.setattr(layer, "_SCRATCH_CAP", 2**20)  # 1 MiB
    rng = np.random.default_rng(2)
    x, w = rng.standard_normal((4, 3, 64, 64)), rng.standard_normal((5, 3, 3, 3))
    kept = {}

    def run():
        out = conv_forward(x, w, padding=1)
        kept["grads"] = conv_backward(np.ones_like(out), x, w, padding=1)
        kept["out"] = out
        kept["bytes"] = sum(b.nbytes for b in layer._SCRATCH.buffers.values())

    thread = threading.Thread(target=run)
    thread.start()
    thread.join()
    assert kept["bytes"] <= 2**20  # each input alone is 393,216 bytes: not all could stay
    np.testing.assert_allclose(kept["out"], conv_forward(x, w, padding=1), atol=1e-12)
    # dL/db with dL/dy = 1: every output cell of each filter, 4 images × 64 × 64
    np.testing.assert_allclose(kept["grads"][2], np.full(5, 4 * 64 * 64.0))
