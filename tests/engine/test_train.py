"""train_kernel: the loss and gradient it reports, the optimizers, recovery, divergence."""

import math
import warnings

import numpy as np
import pytest

from convtui import TrainState, convolve, correlate, train_kernel


def _signals(seed=0, shape=(8, 64)):
    return np.random.default_rng(seed).standard_normal(shape)


def _apply(x, kernel, mode="valid", flip=False, **options):
    conv = convolve if flip else correlate
    return np.stack([conv(example, kernel, mode, **options) for example in x])


ACTIVATE = {
    "identity": lambda z: z,
    "relu": lambda z: np.maximum(z, 0),
    "tanh": np.tanh,
    "sigmoid": lambda z: 1 / (1 + np.exp(-z)),
}


def _loss(x, target, kernel, bias, activation, mode, flip, options):
    """The mean squared error, computed through convolve/correlate, not train_kernel."""
    y = ACTIVATE[activation](_apply(x, kernel, mode, flip, **options) + bias)
    return float(np.mean((y - target) ** 2))


# ---------------------------------------------------------------- the contract's headline


def test_defaults_recover_a_hidden_five_tap_kernel():
    x = _signals(1)
    hidden = np.array([0.5, -1.0, 2.0, 0.25, -0.75])
    target = _apply(x, hidden) + 0.3
    states = list(train_kernel(x, target, 5, steps=3000))
    first, last = states[0], states[-1]
    assert last.step == 3000 and not last.diverged
    assert last.loss < first.loss * 1e-6
    assert np.abs(last.kernel - hidden).max() < 1e-2
    assert abs(last.bias - 0.3) < 1e-2


def test_state_zero_is_the_initial_kernel_before_any_update():
    x = _signals(2, (3, 20))
    target = _apply(x, [1.0, 2.0, 3.0])
    init = np.array([0.1, -0.2, 0.3])
    states = list(train_kernel(x, target, 3, init=init, steps=4, optimizer="sgd", lr=0.01))
    assert [s.step for s in states] == [0, 1, 2, 3, 4]
    assert isinstance(states[0], TrainState)
    np.testing.assert_array_equal(states[0].kernel, init)
    assert states[0].bias == 0.0
    assert states[0].loss == pytest.approx(
        _loss(x, target, init, 0.0, "identity", "valid", False, {}), rel=1e-12
    )
    # one sgd step: w1 = w0 - lr·grad(w0)
    np.testing.assert_allclose(states[1].kernel, init - 0.01 * states[0].grad_kernel, rtol=1e-14)
    assert states[1].bias == pytest.approx(-0.01 * states[0].grad_bias, rel=1e-14)


# ---------------------------------------------------------------- gradient vs finite differences

GRADIENT_CASES = [
    ("identity", "valid", False, {}, (4, 30), (5,)),
    ("relu", "same", True, {"stride": 2}, (3, 25), (4,)),
    ("tanh", "full", False, {"dilation": 2, "padding": 1}, (2, 17), (3,)),
    ("sigmoid", "same", False, {"convention": "matlab"}, (2, 9, 8), (2, 3)),
    ("tanh", "valid", True, {"stride": (2, 1)}, (9, 10), (3, 3)),  # one example, 2-D
]


@pytest.mark.parametrize(
    ("activation", "mode", "flip", "options", "shape", "kernel_shape"), GRADIENT_CASES
)
def test_reported_gradient_matches_finite_differences(
    activation, mode, flip, options, shape, kernel_shape
):
    rng = np.random.default_rng(3)
    x = rng.standard_normal(shape)
    one_example = x.ndim == len(kernel_shape)
    batch = x[None] if one_example else x
    batch_target = _apply(batch, rng.standard_normal(kernel_shape), mode, flip, **options)
    target = batch_target[0] if one_example else batch_target
    kernel, bias = rng.standard_normal(kernel_shape), 0.0
    states = train_kernel(
        x, target, kernel_shape, init=kernel, mode=mode, flip=flip, activation=activation, **options
    )
    state = next(iter(states))

    def loss(kernel, bias):
        return _loss(batch, batch_target, kernel, bias, activation, mode, flip, options)

    assert state.loss == pytest.approx(loss(kernel, bias), rel=1e-12)
    h = 1e-6
    numeric = np.zeros(kernel_shape)
    for index in np.ndindex(*kernel_shape):
        step = np.zeros(kernel_shape)
        step[index] = h
        numeric[index] = (loss(kernel + step, bias) - loss(kernel - step, bias)) / (2 * h)
    np.testing.assert_allclose(state.grad_kernel, numeric, rtol=1e-6, atol=1e-9)
    numeric_bias = (loss(kernel, bias + h) - loss(kernel, bias - h)) / (2 * h)
    assert state.grad_bias == pytest.approx(numeric_bias, rel=1e-6, abs=1e-9)


# ---------------------------------------------------------------- optimizers vs torch


@pytest.mark.parametrize(
    ("optimizer", "lr"), [("sgd", 0.05), ("momentum", 0.02), ("adam", 0.01), ("adam", None)]
)
def test_optimizers_follow_torch_step_by_step(optimizer, lr):
    torch = pytest.importorskip("torch")
    x = _signals(4, (4, 32))
    target = _apply(x, [1.0, -1.0, 0.5])
    init = np.array([0.2, 0.1, -0.3])
    ours = [s for s in train_kernel(x, target, 3, init=init, optimizer=optimizer, lr=lr, steps=25)]

    weight = torch.nn.Parameter(torch.tensor(init).reshape(1, 1, 3))
    bias = torch.nn.Parameter(torch.zeros(1, dtype=torch.float64))
    rate = {"sgd": 0.1, "momentum": 0.02, "adam": 0.01}[optimizer] if lr is None else lr
    make = {
        "sgd": lambda p: torch.optim.SGD(p, lr=rate),
        "momentum": lambda p: torch.optim.SGD(p, lr=rate, momentum=0.9),
        "adam": lambda p: torch.optim.Adam(p, lr=rate),
    }[optimizer]
    opt = make([weight, bias])
    x_t, target_t = torch.tensor(x)[:, None], torch.tensor(target)[:, None]
    for state in ours:
        opt.zero_grad()
        loss = torch.nn.functional.mse_loss(torch.nn.functional.conv1d(x_t, weight, bias), target_t)
        loss.backward()
        assert state.loss == pytest.approx(loss.item(), rel=1e-10)
        np.testing.assert_allclose(state.kernel, weight.detach().numpy().ravel(), rtol=1e-10)
        np.testing.assert_allclose(state.grad_kernel, weight.grad.numpy().ravel(), rtol=1e-9)
        assert state.bias == pytest.approx(bias.item(), rel=1e-10, abs=1e-14)
        opt.step()


# ---------------------------------------------------------------- divergence, seeds, options


def test_divergence_is_flagged_and_stops_without_exception_or_warning():
    x = _signals(5)
    target = _apply(x, [1.0, 2.0, 3.0])
    before = np.geterr()
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        states = list(train_kernel(x, target, 3, optimizer="sgd", lr=50.0, steps=5000))
    assert np.geterr() == before
    assert states[-1].diverged and not math.isfinite(states[-1].loss)
    assert len(states) < 5001
    assert not any(s.diverged for s in states[:-1])
    assert all(math.isfinite(s.loss) for s in states[:-1])


def test_same_seed_same_run_and_the_seed_sets_the_start():
    x = _signals(6, (2, 16))
    target = _apply(x, [1.0, 0.0, -1.0])
    run = [list(train_kernel(x, target, 3, seed=s, steps=20)) for s in (9, 9, 10)]
    for a, b in zip(run[0], run[1]):
        assert a.loss == b.loss
        np.testing.assert_array_equal(a.kernel, b.kernel)
    assert not np.array_equal(run[0][0].kernel, run[2][0].kernel)
    # the documented start: uniform in ±1/sqrt(kernel size)
    assert np.abs(run[0][0].kernel).max() <= 1 / math.sqrt(3)


def test_no_bias_keeps_it_at_zero_and_one_example_works():
    x = _signals(7, (40,))
    target = correlate(x, [0.5, 0.5], "same")
    last = list(train_kernel(x, target, (2,), mode="same", bias=False, steps=800))[-1]
    assert last.bias == 0.0 and last.grad_bias == 0.0
    np.testing.assert_allclose(last.kernel, [0.5, 0.5], atol=1e-6)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"target": np.ones((8, 61))}, r"output shape \(8, 60\).*got \(8, 61\)"),
        ({"x": np.ones((2, 8, 64))}, r"x shape \(2, 8, 64\)"),
        ({"optimizer": "rmsprop"}, r"optimizer must be one of 'sgd', 'momentum', 'adam'"),
        ({"activation": "gelu"}, r"activation must be one of"),
        ({"lr": 0.0}, r"lr must be a positive"),
        ({"steps": -1}, r"steps must be"),
        ({"init": np.ones(4)}, r"init must have the kernel shape \(5,\)"),
        ({"mode": "wide"}, r"mode must be one of"),
    ],
)
def test_bad_arguments_raise_value_error_at_the_call(kwargs, message):
    arguments = {"x": np.ones((8, 64)), "target": np.ones((8, 60)), "kernel_shape": 5}
    options = {k: v for k, v in kwargs.items() if k not in arguments}
    arguments.update({k: v for k, v in kwargs.items() if k in arguments})
    with pytest.raises(ValueError, match=message):
        train_kernel(**arguments, **options)  # raises before the first state


@pytest.mark.parametrize("activation", ["identity", "relu", "tanh", "sigmoid"])
@pytest.mark.parametrize("flip", [False, True])
def test_forward_is_the_model_train_kernel_fits(activation, flip):
    # one model: the loss training reports (through the tap table) is the mean squared
    # error of forward's output, and forward's z is the convolution plus the bias
    from convtui.engine.train import forward

    rng = np.random.default_rng(3)
    x, target, init = rng.standard_normal((2, 9)), rng.standard_normal((2, 5)), [0.5, -1, 2]
    options = dict(mode="same", flip=flip, stride=2, dilation=2)
    first = next(train_kernel(x, target, 3, activation=activation, init=init, **options))
    z, y = forward(x, init, 0.0, activation=activation, **options)
    conv = convolve if flip else correlate
    expected_z = np.stack([conv(e, init, "same", stride=2, dilation=2) for e in x])
    np.testing.assert_allclose(z, expected_z)
    assert first.loss == pytest.approx(float(np.mean((y - target) ** 2)), rel=1e-12)
