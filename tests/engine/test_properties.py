"""Hypothesis properties of convolution, and the views (steps, toeplitz) kept consistent."""

import math

import numpy as np
from hypothesis import given
from hypothesis import strategies as st

from convtui import convolve, correlate, steps, toeplitz, toeplitz_taps

ints = st.integers(-20, 20)


def vectors(min_size=1, max_size=12):
    return st.lists(ints, min_size=min_size, max_size=max_size).map(np.array)


@st.composite
def geometry(draw):
    ndim = draw(st.integers(1, 3))
    limit = {1: 14, 2: 7, 3: 4}[ndim]
    xs = tuple(draw(st.integers(1, limit)) for _ in range(ndim))
    ks = tuple(draw(st.integers(1, 4)) for _ in range(ndim))
    x = np.array(draw(st.lists(ints, min_size=math.prod(xs), max_size=math.prod(xs)))).reshape(xs)
    w = np.array(draw(st.lists(ints, min_size=math.prod(ks), max_size=math.prod(ks)))).reshape(ks)
    convention = draw(st.sampled_from(["numpy", "matlab", "torch", "tensorflow"]))
    mode = draw(st.sampled_from(["full", "valid", "same"]))
    stride = draw(st.integers(1, 3))
    if mode == "same" and convention == "torch":
        stride = 1
    options = dict(
        mode=mode,
        stride=stride,
        dilation=draw(st.integers(1, 3)),
        padding=draw(st.integers(0, 2)),
        convention=convention,
    )
    return x, w, options


@given(vectors(), vectors(max_size=5), vectors(max_size=5), ints, ints)
def test_linear_in_the_kernel_and_the_input(x, a, b, s, t):
    n = min(len(a), len(b))
    a, b = a[:n], b[:n]
    assert np.array_equal(convolve(x, s * a + t * b), s * convolve(x, a) + t * convolve(x, b))
    assert np.array_equal(convolve(s * x, a), s * convolve(x, a))


@given(vectors(), vectors(max_size=5), st.integers(0, 5))
def test_shift_equivariance(x, w, shift):
    shifted = np.concatenate([np.zeros(shift, dtype=x.dtype), x])
    want = np.concatenate([np.zeros(shift, dtype=np.int64), convolve(x, w)])
    assert np.array_equal(convolve(shifted, w), want)


@given(vectors(), st.integers(0, 4))
def test_unit_impulse_delays_by_its_position(x, position):
    impulse = np.zeros(position + 1, dtype=int)
    impulse[position] = 1
    out = convolve(x, impulse)
    assert np.array_equal(out[position : position + len(x)], x)
    assert not out[:position].any() and not out[position + len(x) :].any()


@given(vectors(), vectors(max_size=6), vectors(max_size=6))
def test_full_convolution_commutes_and_associates(x, w, v):
    assert np.array_equal(convolve(x, w), convolve(w, x))
    assert np.array_equal(convolve(convolve(x, w), v), convolve(x, convolve(w, v)))


@given(geometry())
def test_correlate_is_convolve_with_flipped_kernel(case):
    x, w, options = case
    flipped = w[(slice(None, None, -1),) * w.ndim]
    assert np.array_equal(correlate(x, w, **options), convolve(x, flipped, **options))


@given(geometry(), st.booleans())
def test_toeplitz_and_steps_agree_with_convolve(case, flip):
    x, w, options = case
    run = convolve if flip else correlate
    y = run(x, w, **options)
    M = toeplitz(w, x.shape, flip=flip, **options)
    assert np.array_equal(M @ x.ravel(), y.ravel())
    taps = toeplitz_taps(w.shape, x.shape, flip=flip, **options)
    assert np.array_equal(np.where(taps >= 0, w.ravel()[taps], 0), M)
    trace = steps(x, w, flip=flip, **options)
    assert len(trace) == y.size
    for i, step in enumerate(trace):
        assert step.value == y.ravel()[i]
        assert np.array_equal(step.products, step.inputs * step.weights)
        on_input = step.positions >= 0
        assert np.array_equal(step.inputs[on_input], x.ravel()[step.positions[on_input]])
        assert not step.inputs[~on_input].any()


@given(geometry())
def test_fft_matches_direct(case):
    x, w, options = case
    direct = convolve(x.astype(float), w, method="direct", **options)
    fft = convolve(x.astype(float), w, method="fft", **options)
    np.testing.assert_allclose(fft, direct, atol=1e-9)
    assert np.array_equal(convolve(x, w, method="fft", **options), convolve(x, w, **options))
