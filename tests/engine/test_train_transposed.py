"""Training a transposed convolution's kernel: the upsample task, against torch and by hand."""

import numpy as np
import pytest

from convtui import make_task
from convtui.engine.conv import conv_transpose
from convtui.engine.geometry import plan
from convtui.engine.layer import conv_transpose_backward
from convtui.engine.train import forward, tap_table, train_kernel

TRANSPOSED = [
    # (n, k, stride, padding, output_padding, dilation)
    (5, 3, 2, 1, 1, 1),  # the upsample task's geometry
    (4, 2, 3, 0, 2, 1),
    (3, 3, 1, 0, 0, 2),
    (3, 2, 2, 3, 1, 3),  # padding wider than the kernel: part of the stuffed input is cut
    (1, 1, 3, 1, 2, 1),  # padding crops the only product: every output is 0
]


def test_upsample_target_is_linear_interpolation_by_hand():
    data = make_task("upsample", seed=0)
    x, y = data.x, data.target
    assert y.shape == (8, 64) and x.shape == (8, 32)
    np.testing.assert_allclose(y[:, 0::2], x, atol=1e-15)  # y[2i] = x[i]
    np.testing.assert_allclose(y[:, 1:-1:2], (x[:, :-1] + x[:, 1:]) / 2, atol=1e-15)
    # the last output interpolates towards the zero past the end: x[n-1] / 2
    np.testing.assert_allclose(y[:, -1], x[:, -1] / 2, atol=1e-15)


def test_upsample_geometry_is_torchs_conv_transpose1d():
    torch = pytest.importorskip("torch")
    data = make_task("upsample", seed=3)
    options = {k: data.options[k] for k in ("stride", "padding", "output_padding")}
    assert options == {"stride": 2, "padding": 1, "output_padding": 1}
    expected = torch.nn.functional.conv_transpose1d(
        torch.tensor(data.x)[:, None],
        torch.tensor(data.true_kernel)[None, None],
        **options,
    )[:, 0]
    np.testing.assert_allclose(data.target, expected.numpy(), atol=1e-14)
    np.testing.assert_array_equal(data.true_kernel, [0.5, 1.0, 0.5])


def test_upsample_learns_the_interpolation_kernel():
    data = make_task("upsample", seed=1)
    last = list(data.train())[-1]
    np.testing.assert_allclose(last.kernel, [0.5, 1.0, 0.5], atol=1e-4)


@pytest.mark.parametrize("flip", [False, True])
@pytest.mark.parametrize("n, k, stride, padding, output_padding, dilation", TRANSPOSED)
def test_tap_table_rows_give_conv_transpose(flip, n, k, stride, padding, output_padding, dilation):
    rng = np.random.default_rng(n * 10 + k)
    x, w = rng.standard_normal((3, n)), rng.standard_normal(k)
    options = dict(stride=stride, padding=padding, output_padding=output_padding, dilation=dilation)
    g = plan((n,), (k,), "valid", flip=flip, transposed=True, **options)
    rows = tap_table(x, g)
    expected = [conv_transpose(e, w, flip=flip, **options) for e in x]
    np.testing.assert_allclose(np.einsum("j,jno->no", w, rows), expected, atol=1e-12)
    np.testing.assert_allclose(forward(x, w, flip=flip, transposed=True, **options)[0], expected)


@pytest.mark.parametrize("n, k, stride, padding, output_padding, dilation", TRANSPOSED)
def test_transposed_gradient_is_torch_autograd_and_conv_transpose_backward(
    n, k, stride, padding, output_padding, dilation
):
    torch = pytest.importorskip("torch")
    rng = np.random.default_rng(7 + n)
    x, w = rng.standard_normal((4, n)), rng.standard_normal(k)
    options = dict(stride=stride, padding=padding, output_padding=output_padding, dilation=dilation)
    target = rng.standard_normal(
        (4, *plan((n,), (k,), "valid", transposed=True, **options).output_shape)
    )
    state = next(
        train_kernel(x, target, k, init=w, transposed=True, activation="tanh", bias=True, **options)
    )
    wt = torch.tensor(w, requires_grad=True)
    bt = torch.zeros((), dtype=torch.float64, requires_grad=True)
    z = torch.nn.functional.conv_transpose1d(torch.tensor(x)[:, None], wt[None, None], **options)
    loss = ((torch.tanh(z[:, 0] + bt) - torch.tensor(target)) ** 2).mean()
    loss.backward()
    assert state.loss == pytest.approx(loss.item(), rel=1e-12)
    np.testing.assert_allclose(state.grad_kernel, wt.grad.numpy(), rtol=1e-10, atol=1e-14)
    assert state.grad_bias == pytest.approx(bt.grad.item(), rel=1e-10, abs=1e-14)
    # the engine's layer gives the same weight gradient for the loss gradient at each output
    y = np.tanh(np.stack([conv_transpose(e, w, **options) for e in x]))
    back = (y - target) * (1 - y**2) * 2 / target.size
    _, grad_w, _ = conv_transpose_backward(back[:, None], x[:, None], w[None, None], **options)
    np.testing.assert_allclose(state.grad_kernel, grad_w[0, 0], rtol=1e-10, atol=1e-14)


def test_a_transposed_model_takes_only_valid_and_zeros():
    x, target = np.ones((1, 4)), np.ones((1, 8))
    with pytest.raises(ValueError, match="mode must be 'valid' for a transposed"):
        next(train_kernel(x, target, 3, mode="same", transposed=True, stride=2, padding=1))
    with pytest.raises(ValueError, match="padding_mode must be 'zeros' for a transposed"):
        next(train_kernel(x, target, 3, padding_mode="circular", transposed=True, stride=2))


def test_a_transposed_kernel_trains_on_every_array_module(xp):
    from convtui.engine.backend import to_numpy

    data = make_task("upsample", seed=2)
    states = train_kernel(
        xp.asarray(data.x), xp.asarray(data.target), 3, **{**data.options, "steps": 1500}
    )
    *_, last = states
    assert isinstance(last.kernel, xp.ndarray)
    np.testing.assert_allclose(to_numpy(last.kernel), [0.5, 1.0, 0.5], atol=1e-4)
