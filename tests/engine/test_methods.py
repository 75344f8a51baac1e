"""Every method, forced and under auto, against scipy.signal, numpy and torch.

Each method computes only the outputs the mode and stride read (methods.py), so the
cases here are the ones where that matters: ``valid`` with a kernel nearly as long as
the input, tiny 2-D and 3-D problems (one product of the copied windows), strides,
dilations, padding modes and transposed convolution (the ``scatter`` method).  The
direct paths add up products one by one, so integer-valued floats come out exact.
"""

import numpy as np
import pytest

import convtui
from convtui import choose_method, conv_transpose, convolve, correlate
from convtui.engine import methods
from convtui.engine.backend import set_memory_limit

scipy_signal = pytest.importorskip("scipy.signal")

SLIDES = ["direct", "fft", "auto"]
EXACT = ("direct", "scatter")


def _picked(method, x, w, mode, **options):
    """The method that runs: auto's pick, read from choose_method."""
    return choose_method(x, w, mode, **options) if method == "auto" else method


def _reference(x, w, mode, flip, **options):
    """pad → orient → slide with numpy.pad and scipy's direct correlation."""
    g = convtui.plan(x.shape, w.shape, mode, flip=flip, **options)
    pad_mode = {"zeros": "constant", "reflect": "reflect", "replicate": "edge"}.get(
        g.padding_mode, {"circular": "wrap", "symmetric": "symmetric"}.get(g.padding_mode)
    )
    padded = np.pad(x, g.pad, mode=pad_mode)
    oriented = w[(slice(None, None, -1),) * w.ndim] if flip else w
    dilated = np.zeros(g.effective_kernel, dtype=w.dtype)
    dilated[tuple(slice(None, None, d) for d in g.dilation)] = oriented
    dense = scipy_signal.correlate(padded, dilated, "valid", method="direct")
    return dense[tuple(slice(None, None, s) for s in g.stride)]


def _check(got, want, method):
    """Exactly equal on the direct paths (integer-valued inputs), close through FFTs."""
    assert got.shape == want.shape
    if method in EXACT:
        np.testing.assert_array_equal(got, want)
    else:
        np.testing.assert_allclose(got, want, atol=1e-9 * max(1.0, np.abs(want).max()))


def _integer_valued(rng, shape):
    return rng.integers(-9, 10, shape).astype(np.float64)


# ------------------------------------------------------------------ valid, long kernels


@pytest.mark.parametrize("fraction", [0.5, 0.7, 0.9, 0.99, 1.0])
@pytest.mark.parametrize("method", SLIDES + ["overlap_save"])
def test_valid_1d_with_a_kernel_nearly_as_long_as_the_input(fraction, method):
    rng = np.random.default_rng(int(fraction * 100))
    n = 2000
    x, w = _integer_valued(rng, n), _integer_valued(rng, int(fraction * n))
    want_conv = np.convolve(x, w, "valid")
    np.testing.assert_array_equal(want_conv, scipy_signal.convolve(x, w, "valid", "direct"))
    picked = _picked(method, x, w, "valid")
    _check(convolve(x, w, "valid", method=method), want_conv, picked)
    want_corr = scipy_signal.correlate(x, w, "valid", method="direct")
    _check(correlate(x, w, "valid", method=method), want_corr, picked)
    oa = scipy_signal.oaconvolve(x, w, "valid")
    np.testing.assert_allclose(convolve(x, w, "valid", method=method), oa, atol=1e-9)
    # integers stay exact on every method
    xi, wi = x.astype(np.int64), w.astype(np.int64)
    assert np.array_equal(convolve(xi, wi, "valid", method=method), want_conv.astype(np.int64))


@pytest.mark.parametrize("fraction", [0.5, 0.75, 0.9, 1.0])
@pytest.mark.parametrize("method", SLIDES)
def test_valid_2d_with_a_kernel_nearly_as_large_as_the_input(fraction, method):
    rng = np.random.default_rng(int(fraction * 100))
    x = _integer_valued(rng, (40, 33))
    w = _integer_valued(rng, (int(fraction * 40), int(fraction * 33)))
    picked = _picked(method, x, w, "valid")
    _check(convolve(x, w, "valid", method=method), _reference(x, w, "valid", True), picked)
    want = scipy_signal.correlate(x, w, "valid", method="direct")
    _check(correlate(x, w, "valid", method=method), want, picked)


def test_valid_with_a_kernel_nearly_as_long_as_the_input_is_direct():
    rng = np.random.default_rng(1)
    for n, k in [(1000, 1000), (1000, 990), (10_000, 9990), (100_000, 99_999)]:
        assert choose_method(rng.standard_normal(n), rng.standard_normal(k), "valid") == "direct"
    for shape, kernel in [((64, 64), (64, 64)), ((64, 64), (60, 60)), ((128, 128), (126, 126))]:
        x, w = rng.standard_normal(shape), rng.standard_normal(kernel)
        assert choose_method(x, w, "valid") == "direct"


def test_the_fft_of_valid_is_as_long_as_the_input():
    # the outputs read never wrap in a circular convolution of the input's length
    assert methods.fft_layout(convtui.plan((1000,), (600,), "valid")) == ((1000,), (599,))
    assert methods.fft_layout(convtui.plan((1000,), (600,), "full"))[0] == (1600,)


@pytest.mark.parametrize("k", [12, 16, 23, 32, 33])
@pytest.mark.parametrize("mode", ["full", "same", "valid"])
def test_kernels_of_12_to_32_taps_in_pieces_of_11_are_exact(k, mode):
    # numpy.convolve's unrolled loop takes 11 taps: longer kernels go through it in pieces
    assert methods.in_pieces(k, np.float64, 3000) == (k <= 32)
    rng = np.random.default_rng(k)
    x, w = _integer_valued(rng, 3000), _integer_valued(rng, k)
    np.testing.assert_array_equal(convolve(x, w, mode), np.convolve(x, w, mode))
    want = scipy_signal.correlate(x, w, mode, method="direct")
    np.testing.assert_array_equal(correlate(x, w, mode, method="direct"), want)
    got = convolve(x.astype(np.float32), w.astype(np.float32), mode, method="direct")
    assert got.dtype == np.float32
    np.testing.assert_array_equal(got, np.convolve(x, w, mode).astype(np.float32))
    for options in ({"stride": 3}, {"dilation": 2}, {"padding_mode": "reflect"}):
        got = correlate(x, w, "valid", padding=k, method="direct", **options)
        _check(got, _reference(x, w, "valid", False, padding=k, **options), "direct")


# ------------------------------------------------------------------ tiny problems, exactly


@pytest.mark.parametrize("mode", ["full", "same", "valid"])
@pytest.mark.parametrize("shape", [(5, 5), (3, 3, 3), (4, 6), (2, 3, 4)])
@pytest.mark.parametrize("method", SLIDES)
def test_tiny_integer_valued_floats_are_exact(shape, mode, method):
    x, w = np.ones(shape), np.ones(shape)
    want = scipy_signal.convolve(x, w, mode, method="direct")
    got = convolve(x, w, mode, method=method)
    method = _picked(method, x, w, mode)
    if method in EXACT:
        assert np.array_equal(got, np.round(got))  # no 1.9999999999998
    _check(got, want, method)
    rng = np.random.default_rng(len(shape))
    x, w = _integer_valued(rng, shape), _integer_valued(rng, shape)
    _check(convolve(x, w, mode, method=method), scipy_signal.convolve(x, w, mode, "direct"), method)
    want = scipy_signal.correlate(x, w, mode, method="direct")
    _check(correlate(x, w, mode, method=method), want, method)


def test_five_by_five_ones_with_five_by_five_ones_by_hand():
    # the middle output counts all 25 overlaps; its neighbours 20, then 16
    got = convolve(np.ones((5, 5)), np.ones((5, 5)))
    assert got[4, 4] == 25.0 and got[4, 3] == 20.0 and got[3, 3] == 16.0
    assert got[0, 0] == 1.0 and got.sum() == 625.0


def test_tiny_problems_are_direct():
    for shape in [(5, 5), (3, 3, 3), (8, 8), (4, 4, 4)]:
        for mode in ("full", "same", "valid"):
            assert choose_method(np.ones(shape), np.ones(shape), mode) == "direct"
    for stride in (1, 2):
        picked = choose_method(
            np.ones((5, 5)), np.ones((3, 3)), "valid", transposed=True, stride=stride
        )
        assert picked in ("direct", "scatter")


def test_tiny_complex_and_float32_keep_their_dtype():
    rng = np.random.default_rng(2)
    x = rng.standard_normal((6, 5)) + 1j * rng.standard_normal((6, 5))
    w = rng.standard_normal((3, 3)) + 1j * rng.standard_normal((3, 3))
    got = correlate(x, w, "same", method="direct")
    want = scipy_signal.correlate(x, w, "same", method="direct")
    assert got.dtype == np.complex128
    np.testing.assert_allclose(got, want, atol=1e-12)
    got = convolve(x.real.astype(np.float32), w.real.astype(np.float32), method="direct")
    assert got.dtype == np.float32
    np.testing.assert_allclose(got, scipy_signal.convolve(x.real, w.real), rtol=1e-5, atol=1e-5)


# ------------------------------------------------------------------ strides and dilations

STRIDED = [
    # shape of x, of w, mode, stride, dilation, padding, convention
    ((300,), (7,), "valid", 3, 1, None, "numpy"),
    ((300,), (8,), "full", 2, 1, 3, "numpy"),
    ((300,), (5,), "same", 1, 3, None, "numpy"),
    ((300,), (5,), "valid", 1, 4, 2, "torch"),
    ((300,), (6,), "valid", 3, 2, 1, "torch"),
    ((300,), (200,), "valid", 5, 1, None, "numpy"),
    ((31, 27), (3, 4), "valid", 2, 1, 1, "torch"),
    ((31, 27), (3, 3), "same", 1, 2, None, "numpy"),
    ((31, 27), (5, 3), "full", (2, 3), (1, 2), None, "numpy"),
    ((9, 10, 11), (3, 2, 3), "valid", 2, (1, 2, 1), 1, "torch"),
]


@pytest.mark.parametrize("flip", [True, False], ids=["convolve", "correlate"])
@pytest.mark.parametrize("method", SLIDES)
@pytest.mark.parametrize("case", STRIDED, ids=lambda c: f"{c[0]}*{c[1]}-{c[2]}-s{c[3]}-d{c[4]}")
def test_strided_and_dilated(case, method, flip):
    xs, ws, mode, stride, dilation, padding, convention = case
    rng = np.random.default_rng(len(xs) * 10 + ws[0])
    x, w = _integer_valued(rng, xs), _integer_valued(rng, ws)
    options = dict(stride=stride, dilation=dilation, padding=padding, convention=convention)
    run = convolve if flip else correlate
    got = run(x, w, mode, method=method, **options)
    want = _reference(x, w, mode, flip, **options)
    _check(got, want, _picked(method, x, w, mode, flip=flip, **options))


@pytest.mark.parametrize("method", SLIDES)
def test_strided_and_dilated_match_torch(method):
    torch = pytest.importorskip("torch")
    functional = torch.nn.functional
    rng = np.random.default_rng(7)
    x, w = _integer_valued(rng, 200), _integer_valued(rng, 9)
    for stride, dilation, padding in [(2, 1, 0), (1, 3, 4), (3, 2, 5)]:
        want = functional.conv1d(
            torch.tensor(x)[None, None],
            torch.tensor(w)[None, None],
            stride=stride,
            dilation=dilation,
            padding=padding,
        )[0, 0].numpy()
        got = correlate(
            x, w, "valid", stride=stride, dilation=dilation, padding=padding, method=method
        )
        _check(got, want, "direct" if method == "auto" else method)
    x, w = _integer_valued(rng, (20, 17)), _integer_valued(rng, (3, 4))
    want = functional.conv2d(
        torch.tensor(x)[None, None], torch.tensor(w)[None, None], stride=(2, 1), dilation=(1, 2)
    )[0, 0].numpy()
    got = correlate(x, w, "valid", stride=(2, 1), dilation=(1, 2), method=method)
    _check(got, want, "direct" if method == "auto" else method)


def test_the_windows_are_copied_in_blocks_or_give_way_to_the_tap_loop(monkeypatch):
    rng = np.random.default_rng(8)
    x, w = _integer_valued(rng, (30, 30)), _integer_valued(rng, (5, 5))
    want = _reference(x, w, "full", True)
    for budget in (100, 25 * 8 * 34 * 3, 0):  # one row a block, a few rows, tap by tap
        monkeypatch.setattr(methods, "WINDOWS_MAX", budget)
        np.testing.assert_array_equal(convolve(x, w, method="direct"), want)
    monkeypatch.undo()
    # a row of windows (349 outputs of 450 taps) above the memory limit: tap by tap
    x, w = _integer_valued(rng, (4, 200)), _integer_valued(rng, (3, 150))
    old = set_memory_limit(2**17)  # more than the padded input, less than one row's windows
    try:
        assert not methods.windows_fit(349, 450, 8)
        np.testing.assert_array_equal(
            convolve(x, w, method="direct"), _reference(x, w, "full", True)
        )
    finally:
        set_memory_limit(old)


# ------------------------------------------------------------------ padding modes

PADDING_MODES = ["zeros", "reflect", "replicate", "circular", "symmetric"]


@pytest.mark.parametrize("padding_mode", PADDING_MODES)
@pytest.mark.parametrize("method", SLIDES)
@pytest.mark.parametrize(
    "xs,ws,mode,stride,padding",
    [
        ((50,), (5,), "same", 1, None),
        ((50,), (7,), "valid", 2, 3),
        ((12, 13), (3, 3), "same", 1, None),
        ((12, 13), (3, 2), "valid", (2, 1), ((1, 2), (0, 1))),
        ((5, 6, 7), (3, 3, 3), "same", 1, None),
    ],
)
def test_every_padding_mode(xs, ws, mode, stride, padding, padding_mode, method):
    rng = np.random.default_rng(sum(xs))
    x, w = _integer_valued(rng, xs), _integer_valued(rng, ws)
    options = dict(stride=stride, padding=padding, padding_mode=padding_mode)
    for flip, run in ((True, convolve), (False, correlate)):
        got = run(x, w, mode, method=method, **options)
        picked = _picked(method, x, w, mode, flip=flip, **options)
        _check(got, _reference(x, w, mode, flip, **options), picked)


def test_padding_modes_match_torch():
    torch = pytest.importorskip("torch")
    rng = np.random.default_rng(9)
    x, w = _integer_valued(rng, (9, 11)), _integer_valued(rng, (3, 3))
    for padding_mode in ("reflect", "replicate", "circular"):
        conv = torch.nn.Conv2d(1, 1, 3, padding=2, padding_mode=padding_mode, bias=False)
        conv = conv.double()
        with torch.no_grad():
            conv.weight[:] = torch.tensor(w)
            want = conv(torch.tensor(x)[None, None])[0, 0].numpy()
        got = correlate(x, w, "valid", padding=2, padding_mode=padding_mode)
        np.testing.assert_array_equal(got, want)


# ------------------------------------------------------------------ transposed

TRANSPOSED = [
    # shape of x, of w, stride, padding, output_padding, dilation
    ((7,), (3,), 2, 0, 0, 1),
    ((7,), (4,), 3, 1, 2, 1),
    ((10,), (5,), 2, 2, 1, 2),
    ((6,), (2,), 4, 0, 3, 1),  # stride longer than the kernel: phases hold no taps
    ((40,), (9,), 1, 3, 0, 1),
    ((5, 6), (3, 3), 2, 1, 1, 1),
    ((5, 6), (4, 2), (2, 3), (1, 0), (1, 2), (1, 2)),
    ((6, 5), (5, 5), 1, 2, 0, 1),
]
TRANSPOSED_METHODS = ["scatter", "direct", "fft", "auto"]


def _torch_transposed(torch, x, w, stride, padding, output_padding, dilation):
    functional = torch.nn.functional
    run = functional.conv_transpose1d if x.ndim == 1 else functional.conv_transpose2d
    out = run(
        torch.tensor(x)[None, None],
        torch.tensor(w)[None, None],
        stride=stride,
        padding=padding,
        output_padding=output_padding,
        dilation=dilation,
    )
    return out[0, 0].numpy()


@pytest.mark.parametrize("method", TRANSPOSED_METHODS)
@pytest.mark.parametrize("case", TRANSPOSED, ids=lambda c: f"{c[0]}*{c[1]}-s{c[2]}-p{c[3]}")
def test_transposed_matches_torch(case, method):
    torch = pytest.importorskip("torch")
    xs, ws, stride, padding, output_padding, dilation = case
    rng = np.random.default_rng(sum(xs) + sum(ws))
    x, w = _integer_valued(rng, xs), _integer_valued(rng, ws)
    options = dict(stride=stride, padding=padding, output_padding=output_padding)
    want = _torch_transposed(torch, x, w, dilation=dilation, **options)
    got = conv_transpose(x, w, dilation=dilation, method=method, **options)
    picked = _picked(method, x, w, "valid", flip=False, transposed=True, dilation=dilation,
                     **options)  # fmt: skip
    _check(got, want, picked)
    # integers stay exact, and flip=True transposes convolve: the kernel reversed
    xi, wi = x.astype(np.int64), w.astype(np.int64)
    got = conv_transpose(xi, wi, dilation=dilation, method=method, **options)
    assert got.dtype == np.int64 and np.array_equal(got, want.astype(np.int64))
    flipped = conv_transpose(
        x, w[(slice(None, None, -1),) * w.ndim], dilation=dilation, flip=True, method=method,
        **options,
    )  # fmt: skip
    _check(flipped, want, picked)


def test_transposed_1d_by_overlap_save_and_scipy_on_the_stuffed_input():
    rng = np.random.default_rng(10)
    x, w = rng.standard_normal(3000), rng.standard_normal(50)
    stuffed = np.zeros(2 * 3000 - 1)
    stuffed[::2] = x
    want = scipy_signal.convolve(stuffed, w, method="direct")  # padding 0: the full slide
    for method in ("scatter", "direct", "fft", "overlap_save", "auto"):
        np.testing.assert_allclose(conv_transpose(x, w, stride=2, method=method), want, atol=1e-9)


def test_scatter_window_by_window_when_the_copy_is_big(monkeypatch):
    torch = pytest.importorskip("torch")
    monkeypatch.setattr(methods, "WINDOWS_MAX", 0)
    rng = np.random.default_rng(11)
    for xs, ws, stride, padding, output_padding, dilation in TRANSPOSED:
        x, w = _integer_valued(rng, xs), _integer_valued(rng, ws)
        options = dict(stride=stride, padding=padding, output_padding=output_padding)
        want = _torch_transposed(torch, x, w, dilation=dilation, **options)
        got = conv_transpose(x, w, dilation=dilation, method="scatter", **options)
        np.testing.assert_array_equal(got, want)


def test_complex_transposed_by_scatter():
    rng = np.random.default_rng(12)
    x = rng.standard_normal((4, 5)) + 1j * rng.standard_normal((4, 5))
    w = rng.standard_normal((3, 2)) + 1j * rng.standard_normal((3, 2))
    want = conv_transpose(x, w, stride=2, padding=1, method="direct")
    np.testing.assert_allclose(conv_transpose(x, w, stride=2, padding=1, method="scatter"), want)


def test_choose_method_names_scatter_only_where_conv_transpose_accepts_it():
    x, w = np.ones(1000), np.ones(16)
    assert choose_method(x, w, "valid", transposed=True, stride=4) == "scatter"
    assert choose_method(x, w, "valid", stride=4) != "scatter"
    with pytest.raises(ValueError, match="scatter is conv_transpose's"):
        convolve(x, w, method="scatter")
    assert conv_transpose(x, w, stride=4, method="scatter").shape == (999 * 4 + 16,)


def test_a_padding_wider_than_the_reach_of_the_inputs_gives_zeros():
    # output_padding cells past the last input's reach stay 0 on every method
    for method in TRANSPOSED_METHODS:
        got = conv_transpose([1, 2], [1, 1], stride=3, output_padding=2, method=method)
        np.testing.assert_array_equal(got, [1, 1, 0, 2, 2, 0, 0])


# ------------------------------------------------------------------ through xp (fake cupy)


@pytest.fixture
def fake_cupy(monkeypatch):
    """tests/engine/fake_cupy: the device code paths on the host, refusing host arrays."""
    import sys

    from convtui.engine import backend

    from . import fake_cupy as module

    fake = module.make()
    monkeypatch.setitem(sys.modules, "cupy", fake)
    monkeypatch.setattr(backend, "_cupy", None)
    return fake


@pytest.mark.parametrize("method", ["scatter", "direct", "auto"])
def test_scatter_and_windows_stay_on_the_device(fake_cupy, method, monkeypatch):
    torch = pytest.importorskip("torch")
    from convtui.engine.backend import to_numpy

    rng = np.random.default_rng(13)
    for xs, ws, stride, padding, output_padding, dilation in TRANSPOSED:
        x, w = _integer_valued(rng, xs), _integer_valued(rng, ws)
        options = dict(stride=stride, padding=padding, output_padding=output_padding)
        want = _torch_transposed(torch, x, w, dilation=dilation, **options)
        for budget in (methods.WINDOWS_MAX, 64):  # one block, and a block per row
            monkeypatch.setattr(methods, "WINDOWS_MAX", budget)
            got = conv_transpose(
                fake_cupy.asarray(x.astype(np.int64)),
                fake_cupy.asarray(w.astype(np.int64)),
                dilation=dilation,
                method=method,
                **options,
            )
            assert isinstance(got, fake_cupy.ndarray) and got.dtype == np.int64
            np.testing.assert_array_equal(to_numpy(got), want.astype(np.int64))
    # the direct windows of a forward convolution, complex (no fused kernel for it)
    x = rng.standard_normal((9, 8)) + 1j * rng.standard_normal((9, 8))
    w = rng.standard_normal((3, 2)) + 1j * rng.standard_normal((3, 2))
    got = correlate(fake_cupy.asarray(x), fake_cupy.asarray(w), "same", stride=(1, 2))
    want = scipy_signal.correlate(x, w, "same", method="direct")[:, ::2]
    np.testing.assert_allclose(to_numpy(got), want, atol=1e-12)
