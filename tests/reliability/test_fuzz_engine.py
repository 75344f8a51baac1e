"""Engine fuzzing: random geometry and dtypes against a slow reference of the definition.

The reference below is written from the definition alone (pad, orient, slide; a
transposed convolution spreads each input times the oriented kernel), in Python
integers or complex128, so it shares no code path with the engine's fast methods; only
the padding amounts come from ``padding_for``, which other tests pin against scipy,
torch and the conventions table, and what fills the padded cells from ``numpy.pad``.
"""

import itertools
import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from convtui import (
    PADDING_MODES,
    PADDING_NAMES,
    conv_transpose,
    convolve,
    correlate,
    output_shape,
    padding_for,
)

DTYPES = ["bool", "int8", "uint8", "int64", "float16", "float32", "float64", "complex128"]
FUZZ_CASES = 1500


def _exact_or_complex(x, w, flip):
    """The values in Python ints (exact) or complex128, and the oriented kernel."""
    exact = x.dtype.kind in "biu" and w.dtype.kind in "biu"
    xv = x.astype(object if exact else np.complex128)
    wv = w.astype(object if exact else np.complex128)
    if flip:
        wv = wv[(slice(None, None, -1),) * w.ndim]
    elif not exact:
        wv = wv.conj()
    return xv, wv, (object if exact else np.complex128)


def reference(x, w, flip, mode, stride, dilation, padding, convention, padding_mode="zeros"):
    options = dict(stride=stride, dilation=dilation, padding=padding, convention=convention)
    pads = padding_for(x.shape, w.shape, mode, **options)
    out_shape = output_shape(x.shape, w.shape, mode, **options)
    # which input each padded cell holds (-1: a zero), as numpy.pad fills it
    numpy_mode = PADDING_NAMES[padding_mode]["numpy.pad"]
    fill = {"constant_values": -1} if numpy_mode == "constant" else {}
    sources = [
        np.pad(np.arange(n), widths, mode=numpy_mode, **fill) for n, widths in zip(x.shape, pads)
    ]
    xv, wv, dtype = _exact_or_complex(x, w, flip)
    out = np.zeros(out_shape, dtype=dtype)
    for i in itertools.product(*map(range, out_shape)):
        total = 0
        for j in itertools.product(*map(range, w.shape)):
            p = [sources[a][i[a] * stride + j[a] * dilation] for a in range(x.ndim)]
            if all(v >= 0 for v in p):
                total += wv[j] * xv[tuple(p)]
        out[i] = total
    return out


def reference_transposed(x, w, flip, stride, dilation, padding, output_padding):
    """Each input spreads itself times the oriented kernel: x[i]·w[j] at i*s + j*d - p."""
    out_shape = tuple(
        (n - 1) * stride - 2 * padding + dilation * (k - 1) + output_padding + 1
        for n, k in zip(x.shape, w.shape)
    )
    xv, wv, dtype = _exact_or_complex(x, w, flip)
    out = np.zeros(out_shape, dtype=dtype)
    for i in itertools.product(*map(range, x.shape)):
        for j in itertools.product(*map(range, w.shape)):
            t = tuple(i[a] * stride + j[a] * dilation - padding for a in range(x.ndim))
            if all(0 <= t[a] < out_shape[a] for a in range(x.ndim)):
                out[t] += xv[i] * wv[j]
    return out


def random_array(rng, shape, dtype):
    if dtype == "bool":
        return rng.integers(0, 2, shape).astype(bool)
    if dtype in ("int8", "uint8", "int64"):
        info = np.iinfo(dtype)
        return rng.integers(max(info.min, -100), min(info.max, 100), shape, endpoint=True).astype(
            dtype
        )
    if dtype == "complex128":
        return rng.standard_normal(shape) + 1j * rng.standard_normal(shape)
    return rng.standard_normal(shape).astype(dtype)


def test_random_geometry_and_dtypes_match_the_definition():
    rng = np.random.default_rng(2026)
    checked = refused = 0
    kinds = set()  # what was checked: transposed, each mode and each padding mode
    for _ in range(FUZZ_CASES):
        ndim = int(rng.integers(1, 4))
        xs = tuple(int(v) for v in rng.integers(1, {1: 12, 2: 6, 3: 4}[ndim], ndim, endpoint=True))
        ks = tuple(int(v) for v in rng.integers(1, 4, ndim, endpoint=True))
        x = random_array(rng, xs, rng.choice(DTYPES))
        w = random_array(rng, ks, rng.choice(DTYPES))
        flip = bool(rng.integers(0, 2))
        method = str(rng.choice(["auto", "direct", "fft"]))
        stride, dilation = int(rng.integers(1, 4)), int(rng.integers(1, 4))
        padding = int(rng.integers(0, 3))
        if rng.integers(0, 4) == 0:  # transposed: PyTorch's conv_transpose options
            output_padding = int(rng.integers(0, max(stride, dilation)))
            options = dict(stride=stride, dilation=dilation, padding=padding)
            try:
                got = conv_transpose(
                    x, w, flip=flip, method=method, output_padding=output_padding, **options
                )
            except ValueError as exc:
                # the one refusal for valid shapes: padding that leaves no output
                assert "too wide" in str(exc), exc
                refused += 1
                continue
            want = reference_transposed(x, w, flip, output_padding=output_padding, **options)
            kinds.add("transposed")
        else:
            options = dict(
                mode=str(rng.choice(["full", "valid", "same", "causal"])),
                stride=stride,
                dilation=dilation,
                padding=padding,
                padding_mode=str(rng.choice(PADDING_MODES)),
                convention=str(rng.choice(["numpy", "matlab", "torch", "tensorflow"])),
            )
            run = convolve if flip else correlate
            try:
                got = run(x, w, method=method, **options)
            except ValueError as exc:
                # the one documented refusal for valid shapes: PyTorch refuses strided same
                assert options["convention"] == "torch" and options["mode"] == "same", exc
                assert options["stride"] > 1
                refused += 1
                continue
            want = reference(x, w, flip, **options)
            kinds.update((options["mode"], options["padding_mode"]))
        assert got.shape == want.shape
        if x.dtype.kind in "biu" and w.dtype.kind in "biu":
            assert got.dtype == np.int64
            assert got.tolist() == want.tolist()
        else:
            tol = {np.float16: 2e-2, np.float32: 1e-4}.get(got.dtype.type, 1e-9)
            scale = max(1.0, float(np.abs(want).max(initial=0)))
            np.testing.assert_allclose(got.astype(np.complex128), want, atol=tol * scale * 10)
        checked += 1
    assert checked > FUZZ_CASES * 0.8 and checked + refused == FUZZ_CASES
    assert kinds == {"transposed", "full", "valid", "same", "causal", *PADDING_MODES}


@settings(max_examples=300)
@given(
    st.lists(st.integers(-(2**62), 2**62), min_size=1, max_size=6),
    st.lists(st.integers(-(2**62), 2**62), min_size=1, max_size=4),
)
def test_big_integers_are_exact_or_overflow_error(xs, ws):
    x, w = np.array(xs, dtype=np.int64), np.array(ws, dtype=np.int64)
    exact = [
        sum(xs[m] * ws[n - m] for m in range(len(xs)) if 0 <= n - m < len(ws))
        for n in range(len(xs) + len(ws) - 1)
    ]
    try:
        got = convolve(x, w)
    except OverflowError:
        assert max(map(abs, xs)) * sum(map(abs, ws)) > 2**63 - 1
    else:
        assert got.tolist() == exact


def test_nan_and_inf_stay_local_with_direct_and_auto():
    x = np.arange(30, dtype=float)
    x[10] = np.nan
    x[20] = np.inf
    for method in ("auto", "direct"):
        out = convolve(x, [1.0, 1.0, 1.0], "same", method=method)
        assert np.isnan(out[9:12]).all()
        assert np.isinf(out[19:22]).all() or np.isnan(out[19:22]).any()
        finite = np.r_[0:9, 12:19, 22:30]
        assert np.isfinite(out[finite]).all()
        np.testing.assert_allclose(out[finite], np.convolve(x, [1.0, 1, 1], "same")[finite])


def test_nan_spreads_with_explicit_fft_as_documented():
    x = np.arange(30, dtype=float)
    x[10] = np.nan
    out = convolve(x, [1.0, 1.0, 1.0], "same", method="fft")
    assert np.isnan(out).sum() > 3


@pytest.mark.parametrize("dtype", ["int8", "uint8", "bool"])
def test_small_integer_types_never_wrap(dtype):
    info = np.iinfo(dtype) if dtype != "bool" else None
    top = 1 if info is None else info.max
    x = np.full(50, top, dtype=dtype)
    out = convolve(x, x)
    assert out.dtype == np.int64
    assert int(out.max()) == 50 * int(top) ** 2
    assert math.isclose(float(out.sum()), float(int(top) ** 2 * 50 * 50))
