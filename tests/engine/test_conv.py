"""convolve / correlate against hand values, scipy, numpy and torch."""

import itertools

import numpy as np
import pytest

import convtui
from convtui import convolve, correlate, output_shape

scipy_signal = pytest.importorskip("scipy.signal")

SEED_X, SEED_W = [1, 2, 3, 4], [5, 6, 7]


# ------------------------------------------------------------------ the seed example


def test_seed_full_by_hand():
    # y[n] = sum_k x[k] w[n-k]: y[2] = 1·7 + 2·6 + 3·5 = 34
    assert convolve(SEED_X, SEED_W).tolist() == [5, 16, 34, 52, 45, 28]


def test_seed_valid_and_correlate_by_hand():
    assert convolve(SEED_X, SEED_W, "valid").tolist() == [34, 52]
    # correlation does not flip: 1·5 + 2·6 + 3·7 = 38, 2·5 + 3·6 + 4·7 = 56
    assert correlate(SEED_X, SEED_W, "valid").tolist() == [38, 56]


def test_seed_same_keeps_input_length():
    assert convolve(SEED_X, SEED_W, "same").tolist() == [16, 34, 52, 45]


@pytest.mark.parametrize("n,k", [(4, 3), (10, 1), (7, 7), (3, 5), (100, 9)])
def test_lengths_full_and_valid(n, k):
    assert convolve(np.ones(n), np.ones(k)).shape == (n + k - 1,)
    assert convolve(np.ones(n), np.ones(k), "valid").shape == (max(n - k + 1, 0),)
    assert convolve(np.ones(n), np.ones(k), "same").shape == (n,)


def test_integer_results_stay_exact_int64():
    out = convolve(SEED_X, SEED_W)
    assert out.dtype == np.int64
    # fft asked for explicitly: computed in floating point, rounded back to int64
    rng = np.random.default_rng(0)
    x, w = rng.integers(-1000, 1000, 5000), rng.integers(-1000, 1000, 300)
    out = convolve(x, w, method="fft")
    assert out.dtype == np.int64 and np.array_equal(out, np.convolve(x, w))
    # values past float64's 2**53 stay exact because auto does not pick the FFT
    big = np.full(3000, 2**40, dtype=np.int64)
    big[::2] += 1
    out = convolve(big, np.full(1000, 2**10 + 1))
    assert [int(v) for v in out[998:1001]] == [
        sum(int(a) for a in big[max(k - 999, 0) : k + 1]) * (2**10 + 1) for k in (998, 999, 1000)
    ]


def test_integer_overflow_raises_instead_of_wrapping():
    with pytest.raises(OverflowError, match="int64"):
        convolve(np.array([2**62, 2**62]), np.array([2, 2]))
    with pytest.raises(OverflowError):
        convolve(np.array([2**64 - 1], dtype=np.uint64), [1])


def test_small_int_dtypes_do_not_wrap():
    x = np.array([100, 100, 100], dtype=np.int8)
    assert convolve(x, x).tolist() == [10000, 20000, 30000, 20000, 10000]
    assert convolve(np.array([True, True]), np.array([True, True])).tolist() == [1, 2, 1]


def test_nan_stays_local_in_auto():
    x = np.ones(200_000)
    x[1000] = np.nan
    out = convolve(x, np.ones(600), "same")
    bad = np.flatnonzero(np.isnan(out))
    assert bad.min() >= 1000 - 300 and bad.max() <= 1000 + 300
    assert np.isfinite(out[:600]).all()


def test_inputs_are_not_modified_and_views_work():
    x = np.arange(20.0)
    w = np.array([1.0, -2.0, 3.0])
    x_copy, w_copy = x.copy(), w.copy()
    reversed_view = x[::-1]
    strided_view = x[::2]
    assert np.allclose(convolve(reversed_view, w), np.convolve(x[::-1].copy(), w))
    assert np.allclose(convolve(strided_view, w, method="fft"), np.convolve(x[::2].copy(), w))
    correlate(x, w, "same", stride=2, padding=3)
    assert np.array_equal(x, x_copy) and np.array_equal(w, w_copy)


# ------------------------------------------------------------------ scipy agreement


def _random(rng, shape, kind):
    if kind == "int":
        return rng.integers(-9, 10, shape)
    if kind == "complex":
        return rng.standard_normal(shape) + 1j * rng.standard_normal(shape)
    return rng.standard_normal(shape)


SHAPES = {
    1: [((12,), (3,)), ((5,), (5,)), ((9,), (4,)), ((40,), (13,))],
    2: [((8, 7), (3, 3)), ((6, 9), (2, 4)), ((10, 10), (5, 1))],
    3: [((5, 6, 4), (2, 3, 3)), ((4, 4, 4), (3, 3, 3))],
}


@pytest.mark.parametrize("ndim", [1, 2, 3])
@pytest.mark.parametrize("kind", ["int", "float", "complex"])
@pytest.mark.parametrize("mode", ["full", "valid", "same"])
@pytest.mark.parametrize("method", ["auto", "direct", "fft"])
def test_agrees_with_scipy(ndim, kind, mode, method):
    rng = np.random.default_rng(ndim * 100 + len(kind) + len(mode))
    for xs, ks in SHAPES[ndim]:
        x, w = _random(rng, xs, kind), _random(rng, ks, kind)
        for ours, theirs in [
            (convolve, scipy_signal.convolve),
            (correlate, scipy_signal.correlate),
        ]:
            got = ours(x, w, mode, method=method)
            want = theirs(x, w, mode, method="direct" if kind == "int" else "auto")
            assert got.shape == want.shape
            if kind == "int":
                assert got.dtype == np.int64
                assert np.array_equal(got, want)
            else:
                np.testing.assert_allclose(got, want, rtol=1e-10, atol=1e-10)


def test_float32_and_float16_keep_their_dtype():
    rng = np.random.default_rng(1)
    x = rng.standard_normal(50).astype(np.float32)
    w = rng.standard_normal(5).astype(np.float32)
    for method in ("direct", "fft"):
        got = convolve(x, w, method=method)
        assert got.dtype == np.float32
        np.testing.assert_allclose(got, scipy_signal.convolve(x, w), rtol=1e-4, atol=1e-4)
    half = convolve(x.astype(np.float16), w.astype(np.float16))
    assert half.dtype == np.float16
    np.testing.assert_allclose(half, np.convolve(x, w), rtol=2e-2, atol=2e-2)


@pytest.mark.parametrize("n,k", [(100_000, 100), (20_000, 2000), (5000, 4)])
def test_long_signals_every_method_agrees_with_numpy(n, k):
    rng = np.random.default_rng(n + k)
    x, w = rng.standard_normal(n), rng.standard_normal(k)
    want = np.convolve(x, w)
    for method in ("auto", "direct", "fft"):
        np.testing.assert_allclose(convolve(x, w, method=method), want, atol=1e-8)


def _run_overlap_save(x, w, mode, flip=True, **options):
    """The block method forced, as convolve(method="overlap_save")."""
    run = convtui.convolve if flip else convtui.correlate
    return run(x, w, mode, method="overlap_save", **options)


@pytest.mark.parametrize("mode", ["full", "same", "valid"])
@pytest.mark.parametrize("chunk", [None, 1, 3000])
def test_overlap_save_agrees_with_scipy_oaconvolve(mode, chunk, monkeypatch):
    # chunk: blocks transformed together (None: the default; 1: one block at a time;
    # 3000 samples: a few blocks, the last chunk shorter than the others)
    from convtui.engine import methods

    if chunk is not None:
        monkeypatch.setattr(methods, "CHUNK_MIN", chunk)
        monkeypatch.setattr(methods, "CHUNK_MAX", chunk)
    rng = np.random.default_rng(5)
    for n, k in [(10_000, 129), (3000, 700), (1024, 2), (150_000, 16)]:
        x, w = rng.standard_normal(n), rng.standard_normal(k)
        want = scipy_signal.oaconvolve(x, w, mode)
        np.testing.assert_allclose(_run_overlap_save(x, w, mode), want, atol=1e-9)
        xc = x + 1j * rng.standard_normal(n)
        got = _run_overlap_save(xc, w, mode)
        np.testing.assert_allclose(got, np.convolve(xc, w, mode), atol=1e-9)


@pytest.mark.parametrize(
    "mode,flip,stride,dilation,padding,convention",
    [
        ("full", False, 1, 1, None, "numpy"),
        ("same", True, 1, 3, None, "matlab"),
        ("valid", False, 3, 2, ((7, 40),), "torch"),
        ("same", True, 4, 1, None, "tensorflow"),
        ("full", True, 2, 2, 300, "numpy"),
    ],
)
def test_overlap_save_with_every_option_matches_scipy_direct(
    mode, flip, stride, dilation, padding, convention
):
    rng = np.random.default_rng(stride * 10 + dilation)
    x, w = rng.standard_normal(5000), rng.standard_normal(40)
    options = dict(stride=stride, dilation=dilation, padding=padding, convention=convention)
    g = convtui.plan(x.shape, w.shape, mode, flip=flip, **options)
    # pad → orient → slide with scipy's direct correlation, as in tests/engine/test_backend.py
    oriented = w[::-1] if flip else w
    dilated = np.zeros(g.effective_kernel)
    dilated[:: g.dilation[0]] = oriented
    dense = scipy_signal.correlate(np.pad(x, g.pad), dilated, "valid", method="direct")
    want = dense[:: g.stride[0]]
    got = _run_overlap_save(x, w, mode, flip, **options)
    assert got.shape == want.shape
    np.testing.assert_allclose(got, want, atol=1e-9)


def test_auto_on_long_integer_signals_is_exact():
    rng = np.random.default_rng(11)
    x = rng.integers(-1000, 1000, 200_000)
    w = rng.integers(-50, 50, 128)
    assert convtui.choose_method(x, w, "same") == "overlap_save"
    got = convolve(x, w, "same")
    assert got.dtype == np.int64
    assert np.array_equal(got, np.convolve(x, w, "same"))


def test_a_signal_only_a_few_blocks_long_is_left_to_one_fft():
    # 4096 × 1024: blocks of 6144 would need a single block, the FFT method's own work
    # with the blocks' buffers around it (lesson 11 measures exactly this case)
    rng = np.random.default_rng(12)
    x, w = rng.standard_normal(4096), rng.standard_normal(1024)
    assert convtui.choose_method(x, w) == "fft"
    np.testing.assert_allclose(convolve(x, w), np.convolve(x, w), atol=1e-9)
    # 32768 × 256 is 19 blocks of 2048: blocks it is
    assert convtui.choose_method(rng.standard_normal(32768), w[:256]) == "overlap_save"


# ------------------------------------------------------------------ the conventions table


def test_conventions_table_from_design():
    x, w = [1, 2, 3, 4, 5, 6], [1, 10]
    assert convolve(x, w, "same").tolist() == np.convolve(x, w, "same").tolist()
    assert convolve(x, w, "same").tolist() == [1, 12, 23, 34, 45, 56]
    assert convolve(x, w, "same", convention="matlab").tolist() == [12, 23, 34, 45, 56, 60]
    # numpy: the odd extra zero at the start; MATLAB, PyTorch, TensorFlow: at the end
    assert convtui.padding_for((6,), (2,), "same") == ((1, 0),)
    for name in ("matlab", "torch", "tensorflow"):
        assert convtui.padding_for((6,), (2,), "same", convention=name) == ((0, 1),)


def test_tensorflow_strided_same_formula():
    # out = ceil(n/s), pad = max((out-1)*s + ke - n, 0), split with the extra at the end
    for n, k, s in [(7, 3, 2), (8, 4, 3), (5, 1, 2), (10, 5, 4), (6, 6, 5)]:
        out = -(-n // s)
        total = max((out - 1) * s + k - n, 0)
        assert output_shape((n,), (k,), "same", stride=s, convention="tensorflow") == (out,)
        assert convtui.padding_for((n,), (k,), "same", stride=s, convention="tensorflow") == (
            (total // 2, total - total // 2),
        )


def test_numpy_strided_same_subsamples_dense_same():
    rng = np.random.default_rng(2)
    x, w = rng.standard_normal(17), rng.standard_normal(4)
    dense = scipy_signal.convolve(x, w, "same")
    for s in (2, 3, 5):
        np.testing.assert_allclose(convolve(x, w, "same", stride=s), dense[::s])


def test_torch_convention_refuses_strided_same():
    with pytest.raises(ValueError, match="torch"):
        correlate(np.ones(8), np.ones(3), "same", stride=2, convention="torch")


# ------------------------------------------------------------------ torch agreement


def test_torch_conv1d_stride_dilation_padding():
    torch = pytest.importorskip("torch")
    F = torch.nn.functional
    rng = np.random.default_rng(3)
    for n, k, s, d, p in itertools.product([9, 16], [1, 2, 3], [1, 2, 3], [1, 2], [0, 1, 3]):
        if d * (k - 1) + 1 > n + 2 * p:
            continue
        x, w = rng.standard_normal(n), rng.standard_normal(k)
        want = F.conv1d(
            torch.tensor(x)[None, None],
            torch.tensor(w)[None, None],
            stride=s,
            dilation=d,
            padding=p,
        )[0, 0].numpy()
        got = correlate(x, w, "valid", stride=s, dilation=d, padding=p)
        np.testing.assert_allclose(got, want, rtol=1e-12, atol=1e-12)


def test_torch_conv2d_and_padding_same():
    torch = pytest.importorskip("torch")
    F = torch.nn.functional
    rng = np.random.default_rng(4)
    for (h, wd), (kh, kw), d in itertools.product(
        [(7, 9), (8, 8)], [(2, 2), (3, 4), (1, 3)], [1, 2]
    ):
        x, w = rng.standard_normal((h, wd)), rng.standard_normal((kh, kw))
        tx, tw = torch.tensor(x)[None, None], torch.tensor(w)[None, None]
        want = F.conv2d(tx, tw, padding="same", dilation=d)[0, 0].numpy()
        got = correlate(x, w, "same", dilation=d, convention="torch")
        np.testing.assert_allclose(got, want, rtol=1e-12, atol=1e-12)
        want = F.conv2d(tx, tw, stride=(2, 1), padding=(1, 2), dilation=d)[0, 0].numpy()
        got = correlate(x, w, "valid", stride=(2, 1), padding=(1, 2), dilation=d)
        np.testing.assert_allclose(got, want, rtol=1e-12, atol=1e-12)
    # true convolution is correlation with the flipped kernel
    x, w = rng.standard_normal(10), rng.standard_normal(4)
    want = F.conv1d(torch.tensor(x)[None, None], torch.tensor(w[::-1].copy())[None, None])
    np.testing.assert_allclose(convolve(x, w, "valid"), want[0, 0].numpy(), rtol=1e-12)


# ------------------------------------------------------------------ bad input


@pytest.mark.parametrize(
    "call,match",
    [
        (lambda: convolve([1, 2], [[1, 2]]), "same number of dimensions"),
        (lambda: convolve([], [1]), "empty axis"),
        (lambda: convolve([1, 2], np.ones((1, 0))), "same number of dimensions"),
        (lambda: convolve(np.ones((2, 2)), np.ones((2, 0))), "kernel must not have an empty"),
        (lambda: convolve(3, [1]), "1, 2 or 3 dimensions"),
        (lambda: convolve(np.ones((2,) * 4), np.ones((1,) * 4)), "1, 2 or 3 dimensions"),
        (lambda: convolve([1, 2], [1], "middle"), "mode must be one of 'full', 'valid', 'same'"),
        (lambda: convolve([1, 2], [1], method="fast"), "method must be one of"),
        (lambda: convolve([1, 2], [1], convention="julia"), "convention must be one of"),
        (lambda: convolve([1, 2], [1], stride=0), "stride must be >= 1"),
        (lambda: convolve([1, 2], [1], dilation=-1), "dilation must be >= 1"),
        (lambda: convolve([1, 2], [1], stride=(1, 2)), "stride must be an int or a tuple of 1"),
        (lambda: convolve([1, 2], [1], padding=-1), "padding must not be negative"),
        (lambda: convolve([1, 2], [1], padding=[(1, 2, 3)]), "before, after"),
        (lambda: convolve(["a"], ["b"]), "must hold numbers"),
    ],
)
def test_bad_arguments_name_the_problem(call, match):
    with pytest.raises(ValueError, match=match):
        call()


def test_valid_with_kernel_longer_than_input_is_empty():
    # numpy and scipy swap the arguments here; the engine keeps its meaning
    out = convolve([1, 2], [1, 2, 3], "valid")
    assert out.shape == (0,) and out.dtype == np.int64
    assert convolve(np.ones((3, 3)), np.ones((2, 4)), "valid").shape == (2, 0)


def test_memory_limit_refuses_up_front():
    old = convtui.set_memory_limit(1_000_000)
    try:
        with pytest.raises(convtui.MemoryLimitError, match="would need"):
            convolve(np.ones(200_000), np.ones(3))
        with pytest.raises(convtui.MemoryLimitError, match="Toeplitz"):
            convtui.toeplitz(np.ones(3), (1000,))
    finally:
        convtui.set_memory_limit(old)
    with pytest.raises(ValueError, match="memory limit"):
        convtui.set_memory_limit(-5)


@pytest.mark.parametrize("flip", [True, False])
@pytest.mark.parametrize("mode", ["full", "valid", "same"])
def test_the_small_float_shortcut_gives_what_the_general_path_gives(mode, flip):
    # float64 vectors with little work skip the checks and go straight to
    # numpy.convolve; lists take the general path (pad, orient, slide)
    rng = np.random.default_rng(7)
    run = convolve if flip else correlate
    for n in range(1, 12):
        for k in range(1, n + 1):
            x, w = rng.standard_normal(n), rng.standard_normal(k)
            fast = run(x, w, mode)
            general = run(x.tolist(), w.tolist(), mode, method="direct")
            assert fast.shape == general.shape and fast.dtype == general.dtype
            np.testing.assert_allclose(fast, general, rtol=1e-13, atol=1e-13)
    # and against scipy, which numpy and this engine agree with on these modes
    x, w = rng.standard_normal(9), rng.standard_normal(4)
    ref = scipy_signal.convolve if flip else scipy_signal.correlate
    np.testing.assert_allclose(run(x, w, mode), ref(x, w, mode), rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize(
    ("options", "named"),
    [
        ({"mode": np.array([1, 2])}, "mode"),
        ({"stride": np.array([1, 1])}, "stride"),
        ({"dilation": np.array([1, 1])}, "dilation"),
        ({"convention": np.array(["numpy", "torch"])}, "convention"),
        ({"method": np.array(["auto", "fft"])}, "method"),
    ],
)
def test_an_array_given_as_an_option_is_named_even_on_the_shortcut(options, named):
    # float64 vectors would take the numpy.convolve shortcut: its checks must not
    # compare an array with a string (numpy's "truth value is ambiguous")
    x, w = np.arange(5.0), np.ones(2)
    mode = options.pop("mode", "full")
    with pytest.raises(ValueError, match=named):
        convolve(x, w, mode, **options)
