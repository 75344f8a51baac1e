"""Stack: counts by hand, and output and every gradient against torch autograd."""

import math

import numpy as np
import pytest

from convtui import Conv, Pool, Stack


def test_counts_by_hand_for_an_rgb_layer():
    # 8 filters of 3×3×3 weights and 8 biases; output 8 maps of 30×30, 27 multiply-adds each
    stack = Stack([Conv(3, 8, 3, activation="relu"), Pool(2)])
    assert stack.parameters() == 8 * 27 + 8
    assert stack.parameters_per_layer() == (224, 0)
    assert stack.shapes((3, 32, 32)) == ((1, 3, 32, 32), (1, 8, 30, 30), (1, 8, 15, 15))
    counts = stack.multiply_adds((2, 3, 32, 32))
    assert counts.per_layer == (2 * 8 * 30 * 30 * 27, 0)
    assert counts.total == 2 * 8 * 30 * 30 * 27


def test_depthwise_and_one_by_one_counts():
    # depthwise: each of 4 channels its own 3×3 filter (9 weights) + bias; 1×1 mixes 4 → 2
    stack = Stack([Conv(4, 4, 3, groups=4, bias=False, padding=1), Conv(4, 2, 1)])
    assert stack.parameters_per_layer() == (4 * 9, 2 * 4 + 2)
    assert stack.multiply_adds((4, 5, 5)).per_layer == (4 * 25 * 9, 2 * 25 * 4)


def test_receptive_field_of_a_stack():
    stack = Stack([Conv(1, 1, 3), Pool(2), Conv(1, 1, 3, dilation=2)], ndim=1)
    rf = stack.receptive_field()
    assert [row.field for row in rf.layers] == [3, 4, 12]  # 1+2, 3+1, 4 + 2·2·2
    assert rf.jump == 2
    assert rf.kinds == ("conv", "pool", "conv")


def test_weights_are_seeded_and_bounded_by_one_over_root_fan_in():
    a = Stack([Conv(2, 3, 3)], seed=5)
    b = Stack([Conv(2, 3, 3)], seed=5)
    np.testing.assert_array_equal(a.weights[0][0], b.weights[0][0])
    assert a.weights[0][0].dtype == np.float64
    assert np.abs(a.weights[0][0]).max() <= 1 / math.sqrt(18)


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda: Conv(0, 1, 3), "in_channels must be an int >= 1"),
        (lambda: Conv(3, 4, 3, groups=2), "groups must divide in_channels"),
        (lambda: Conv(1, 1, 3, activation="gelu"), "activation must be None"),
        (lambda: Conv(1, 1, (3, 0)), "kernel_size must be an int >= 1"),
        (lambda: Pool(2, padding=2), "padding must be at most half the window size"),
        (lambda: Pool(2, kind="min"), "kind must be 'max' or 'avg'"),
        (lambda: Stack([Conv(1, 4, 3), Conv(3, 1, 3)]), "layer 2 takes 3 channels"),
        (lambda: Stack([Conv(1, 1, (3, 3)), Pool((2, 2, 2))]), "agree on the number of"),
        (lambda: Stack([]), "layers must be a non-empty list"),
    ],
)
def test_bad_layers_name_the_argument(make, message):
    with pytest.raises(ValueError, match=message):
        make()


def test_a_too_small_input_names_the_layer():
    stack = Stack([Conv(1, 1, 3), Pool(2), Conv(1, 1, 3)])
    with pytest.raises(ValueError, match="layer 3: kernel"):
        stack.shapes((1, 1, 6, 6))


def test_backward_before_forward_is_refused():
    with pytest.raises(ValueError, match="backward needs a forward pass first"):
        Stack([Conv(1, 1, 3)]).backward(np.zeros((1, 1, 2, 2)))


def _random_stack(seed):
    rng = np.random.default_rng(seed)
    ndim = 1 + seed % 2
    layers, channels = [], int(rng.integers(1, 4))
    first = channels
    for _ in range(int(rng.integers(2, 4))):
        if layers and rng.random() < 0.3:
            size = int(rng.integers(1, 3))
            layers.append(
                Pool(
                    size,
                    stride=int(rng.integers(1, 3)),
                    padding=int(rng.integers(0, size // 2 + 1)),
                    kind=str(rng.choice(["max", "avg"])),
                )
            )
            continue
        groups = int(rng.choice([1, 1, channels]))
        out = groups * int(rng.integers(1, 3))
        layers.append(
            Conv(
                channels,
                out,
                int(rng.integers(1, 4)),
                stride=int(rng.integers(1, 3)),
                padding=int(rng.integers(0, 2)),
                dilation=int(rng.integers(1, 3)),
                groups=groups,
                bias=bool(rng.random() < 0.7),
                activation=rng.choice([None, "relu", "sigmoid", "tanh"]),
                padding_mode=str(
                    rng.choice(["zeros", "zeros", "reflect", "replicate", "circular"])
                ),
            )
        )
        channels = out
    stack = Stack(layers, seed=seed, ndim=ndim)
    x = rng.standard_normal((2, first) + (14,) * ndim)
    return stack, x, rng


def _torch_forward(torch, stack, x, params):
    functional = torch.nn.functional
    ndim = stack.ndim
    a = x
    for layer, (weight, bias) in zip(stack.layers, params):
        if isinstance(layer, Pool):
            stride = layer.size if layer.stride is None else layer.stride
            if layer.kind == "max":
                a = getattr(functional, f"max_pool{ndim}d")(a, layer.size, stride, layer.padding)
            else:
                a = getattr(functional, f"avg_pool{ndim}d")(a, layer.size, stride, layer.padding)
            continue
        padding = layer.padding
        if layer.padding_mode != "zeros":
            a = functional.pad(a, (padding,) * (2 * ndim), mode=layer.padding_mode)
            padding = 0
        conv = getattr(functional, f"conv{ndim}d")
        a = conv(a, weight, bias, layer.stride, padding, layer.dilation, layer.groups)
        if layer.activation is not None:
            a = getattr(torch, layer.activation)(a)
    return a


@pytest.mark.parametrize("seed", range(30))
def test_output_and_every_gradient_equal_torch_autograd(seed):
    torch = pytest.importorskip("torch")
    stack, x, rng = _random_stack(seed)
    try:
        stack.shapes(x.shape)
    except ValueError:
        x = rng.standard_normal(x.shape[:2] + (30,) * stack.ndim)  # a longer input fits
    tx = torch.tensor(x, requires_grad=True)
    params = [
        (
            None if w is None else torch.tensor(w, requires_grad=True),
            None if b is None else torch.tensor(b, requires_grad=True),
        )
        for w, b in stack.weights
    ]
    expected = _torch_forward(torch, stack, tx, params)
    ours = stack.forward(x)
    np.testing.assert_allclose(ours, expected.detach().numpy(), rtol=0, atol=1e-10)
    grad_output = rng.standard_normal(ours.shape)
    expected.backward(torch.tensor(grad_output))
    grad_x, grads = stack.backward(grad_output)
    np.testing.assert_allclose(grad_x, tx.grad.numpy(), rtol=0, atol=1e-10)
    for (grad_w, grad_b), (tw, tb) in zip(grads, params):
        assert (grad_w is None) == (tw is None) and (grad_b is None) == (tb is None)
        if tw is not None:
            np.testing.assert_allclose(grad_w, tw.grad.numpy(), rtol=0, atol=1e-10)
        if tb is not None:
            np.testing.assert_allclose(grad_b, tb.grad.numpy(), rtol=0, atol=1e-10)
    assert stack.parameters() == sum(p.numel() for pair in params for p in pair if p is not None)
