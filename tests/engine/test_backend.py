"""The engine on every available backend, and the backend plumbing itself.

Tests taking ``xp`` run once with numpy and once with cupy; the cupy run is skipped
unless CuPy imports and sees a GPU (tests/conftest.py).  Results are compared on the
host with scipy, torch or hand-worked values, with the tolerances scipy's own GPU
tests use for float32: 1e-5 for direct sums, 1e-3 through FFTs.
"""

import os
import subprocess
import sys
import types

import numpy as np
import pytest
import scipy.signal

from convtui.engine import backend
from convtui.engine.backend import (
    BackendUnavailable,
    backend_info,
    get_array_module,
    get_backend,
    to_numpy,
    use_backend,
)
from convtui.engine.conv import choose_method, convolve, correlate
from convtui.engine.geometry import plan
from convtui.engine.layer import conv_backward, conv_forward, gradient_terms
from convtui.engine.matrix import toeplitz
from convtui.engine.trace import steps
from convtui.engine.train import train_kernel

from . import fake_cupy

TOLERANCE = {("float32", "direct"): 1e-5, ("float32", "fft"): 1e-3}


@pytest.fixture(autouse=True)
def _fresh_default(monkeypatch):
    """Each test starts with CONVTUI_BACKEND unread and unset, and cannot leak a default."""
    monkeypatch.delenv("CONVTUI_BACKEND", raising=False)
    monkeypatch.setattr(backend, "_backend", None)


def _reference(x, w, mode, flip, stride, dilation, padding, convention):
    """pad → orient → slide written with numpy and scipy.signal.correlate on the host."""
    g = plan(
        x.shape,
        w.shape,
        mode,
        flip=flip,
        stride=stride,
        dilation=dilation,
        padding=padding,
        convention=convention,
    )
    padded = np.pad(x.astype(np.float64), g.pad)
    oriented = w[(slice(None, None, -1),) * w.ndim] if flip else w
    dilated = np.zeros(g.effective_kernel)
    dilated[tuple(slice(None, None, d) for d in g.dilation)] = oriented
    dense = scipy.signal.correlate(padded, dilated, "valid", method="direct")
    return dense[tuple(slice(None, None, s) for s in g.stride)]


CASES = [
    # shape of x, of w, mode, stride, dilation, padding, convention
    ((50,), (7,), "full", 1, 1, None, "numpy"),
    ((50,), (6,), "same", 1, 1, None, "matlab"),
    ((50,), (5,), "valid", 3, 2, 2, "torch"),
    ((50,), (4,), "same", 2, 1, None, "tensorflow"),
    ((17, 23), (3, 4), "full", 1, 1, None, "numpy"),
    ((17, 23), (4, 3), "same", (2, 1), (1, 2), None, "tensorflow"),
    ((17, 23), (3, 3), "valid", 1, 1, (1, 2), "torch"),
    ((6, 7, 8), (2, 3, 2), "full", 1, 1, None, "numpy"),
    ((6, 7, 8), (3, 2, 2), "valid", 2, 1, 1, "torch"),
]


@pytest.mark.parametrize("flip", [True, False], ids=["convolve", "correlate"])
@pytest.mark.parametrize("method", ["direct", "fft"])
@pytest.mark.parametrize("case", CASES, ids=lambda c: f"{c[0]}*{c[1]}-{c[2]}-{c[6]}")
def test_float32_matches_the_definition(xp, case, method, flip):
    xs, ws, mode, stride, dilation, padding, convention = case
    rng = np.random.default_rng(len(xs) * 100 + ws[0])
    x = rng.standard_normal(xs).astype(np.float32)
    w = rng.standard_normal(ws).astype(np.float32)
    run = convolve if flip else correlate
    options = dict(stride=stride, dilation=dilation, padding=padding, convention=convention)
    got = run(xp.asarray(x), xp.asarray(w), mode, method=method, **options)
    assert isinstance(got, xp.ndarray) and got.dtype == np.float32
    want = _reference(x, w, mode, flip, stride, dilation, padding, convention)
    tol = TOLERANCE[("float32", method)]
    np.testing.assert_allclose(to_numpy(got), want, rtol=tol, atol=tol * np.abs(want).max())


def test_integers_are_exact_on_every_method(xp):
    x = xp.asarray(np.arange(1, 2001) % 97)
    w = xp.asarray([3, -1, 4, 1, -5, 9, 2, -6])
    want = np.convolve(np.arange(1, 2001) % 97, [3, -1, 4, 1, -5, 9, 2, -6])
    for method in ("direct", "fft", "auto"):
        got = convolve(x, w, method=method)
        assert isinstance(got, xp.ndarray) and got.dtype == np.int64
        np.testing.assert_array_equal(to_numpy(got), want)


def test_auto_on_a_long_signal_matches_numpy(xp):
    rng = np.random.default_rng(3)
    x, w = rng.standard_normal(100_000), rng.standard_normal(1000)
    got = convolve(xp.asarray(x), xp.asarray(w), "same")
    assert isinstance(got, xp.ndarray)
    np.testing.assert_allclose(to_numpy(got), np.convolve(x, w, "same"), rtol=1e-9, atol=1e-9)
    assert choose_method(xp.asarray(x), xp.asarray(w)) in ("fft", "overlap_save")


def test_nan_stays_local_on_every_backend(xp):
    x = xp.asarray([1.0, 2.0, float("nan")] + [0.0] * 20_000)
    out = to_numpy(convolve(x, xp.ones(300)))
    assert np.isnan(out[2:302]).all() and not np.isnan(out[302:]).any()


def test_toeplitz_and_steps_on_the_device(xp):
    M = toeplitz(xp.asarray([5, 6, 7]), (4,))
    assert isinstance(M, xp.ndarray)
    assert to_numpy(M @ xp.asarray([1, 2, 3, 4])).tolist() == [5, 16, 34, 52, 45, 28]
    trace = steps(xp.asarray([1, 2, 3, 4]), xp.asarray([5, 6, 7]))
    assert trace[2].equation() == "y[2] = 7·1 + 6·2 + 5·3 = 34"
    assert isinstance(trace[2].products, xp.ndarray)
    assert [s.value for s in trace] == [5, 16, 34, 52, 45, 28]


def test_layer_matches_torch(xp):
    torch = pytest.importorskip("torch")
    rng = np.random.default_rng(7)
    x = rng.standard_normal((2, 4, 9, 10))
    w = rng.standard_normal((6, 2, 3, 2))
    b = rng.standard_normal(6)
    options = dict(stride=(2, 1), padding=1, dilation=(1, 2), groups=2)
    y = conv_forward(xp.asarray(x), xp.asarray(w), xp.asarray(b), **options)
    assert isinstance(y, xp.ndarray)
    tx, tw, tb = (torch.tensor(a, requires_grad=True) for a in (x, w, b))
    ty = torch.nn.functional.conv2d(tx, tw, tb, **options)
    np.testing.assert_allclose(to_numpy(y), ty.detach().numpy(), rtol=1e-12, atol=1e-12)
    grad = rng.standard_normal(ty.shape)
    ty.backward(torch.tensor(grad))
    grads = conv_backward(xp.asarray(grad), xp.asarray(x), xp.asarray(w), **options)
    for ours, theirs in zip(grads, (tx.grad, tw.grad, tb.grad)):
        assert isinstance(ours, xp.ndarray)
        np.testing.assert_allclose(to_numpy(ours), theirs.numpy(), rtol=1e-12, atol=1e-12)


PADDING_CASES = [
    # shape of x, of w, mode, stride, dilation, padding, padding mode
    ((40,), (5,), "same", 1, 1, None, "reflect"),
    ((40,), (4,), "valid", 2, 2, 3, "circular"),
    ((40,), (6,), "causal", 1, 1, None, "replicate"),
    ((13, 11), (3, 4), "full", (1, 2), 1, None, "symmetric"),
    ((13, 11), (3, 3), "valid", 1, (2, 1), (2, 1), "reflect"),
    ((5, 6, 7), (3, 2, 3), "same", 1, 1, None, "circular"),
]


@pytest.mark.parametrize("flip", [True, False], ids=["convolve", "correlate"])
@pytest.mark.parametrize("method", ["direct", "fft"])
@pytest.mark.parametrize("case", PADDING_CASES, ids=lambda c: f"{c[0]}*{c[1]}-{c[2]}-{c[6]}")
def test_padding_modes_match_numpy_pad(xp, case, method, flip):
    xs, ws, mode, stride, dilation, padding, padding_mode = case
    rng = np.random.default_rng(len(xs) * 10 + ws[0])
    x = rng.standard_normal(xs).astype(np.float32)
    w = rng.standard_normal(ws).astype(np.float32)
    run = convolve if flip else correlate
    options = dict(stride=stride, dilation=dilation, padding=padding)
    got = run(
        xp.asarray(x), xp.asarray(w), mode, method=method, padding_mode=padding_mode, **options
    )
    assert isinstance(got, xp.ndarray) and got.dtype == np.float32
    # numpy.pad fills the cells, then a valid slide over them (pad → orient → slide)
    g = plan(x.shape, w.shape, mode, flip=flip, **options)
    numpy_mode = {"reflect": "reflect", "replicate": "edge", "circular": "wrap"}
    filled = np.pad(x, g.pad, mode=numpy_mode.get(padding_mode, padding_mode))
    want = _reference(filled, w, "valid", flip, stride, dilation, None, "numpy")
    tol = TOLERANCE[("float32", method)]
    np.testing.assert_allclose(to_numpy(got), want, rtol=tol, atol=tol * np.abs(want).max())


@pytest.mark.parametrize("method", ["direct", "fft"])
@pytest.mark.parametrize(
    "xs,ws,stride,padding,output_padding,dilation",
    [
        ((9,), (3,), 2, 0, 1, 1),
        ((9,), (4,), 3, 2, 2, 2),
        ((6, 7), (3, 2), (2, 1), (1, 0), (1, 0), (1, 2)),
        ((3, 4, 5), (2, 3, 2), 2, 1, 0, 1),
    ],
)
def test_conv_transpose_on_every_backend_matches_torch(
    xp, method, xs, ws, stride, padding, output_padding, dilation
):
    torch = pytest.importorskip("torch")
    from convtui.engine.conv import conv_transpose

    rng = np.random.default_rng(sum(xs))
    x = rng.standard_normal(xs)
    w = rng.standard_normal(ws)
    options = dict(stride=stride, padding=padding, output_padding=output_padding, dilation=dilation)
    got = conv_transpose(xp.asarray(x), xp.asarray(w), method=method, **options)
    assert isinstance(got, xp.ndarray)
    run = (None, F_transpose(torch, 1), F_transpose(torch, 2), F_transpose(torch, 3))[len(xs)]
    want = run(torch.tensor(x)[None, None], torch.tensor(w)[None, None], **options)[0, 0]
    np.testing.assert_allclose(to_numpy(got), want.numpy(), rtol=1e-9, atol=1e-9)


def F_transpose(torch, ndim):
    return getattr(torch.nn.functional, f"conv_transpose{ndim}d")


def test_readings_of_the_new_operations_on_the_device(xp):
    # a padded cell copies an input; the matrix sums the weights that land together
    trace = steps(xp.asarray([1, 2, 3, 4]), xp.asarray([5, 6, 7]), "same", padding_mode="reflect")
    assert trace[0].positions.tolist() == [1, 0, 1] and trace[0].padded.tolist() == [1, 0, 0]
    assert trace[0].value == 7 * 2 + 6 * 1 + 5 * 2
    M = toeplitz(xp.asarray([5, 6, 7]), (4,), "same", padding_mode="reflect")
    assert isinstance(M, xp.ndarray)
    want = convolve([1, 2, 3, 4], [5, 6, 7], "same", padding_mode="reflect")
    assert to_numpy(M @ xp.asarray([1, 2, 3, 4])).tolist() == want.tolist() == [30, 34, 52, 60]
    # transposed: gather per output, scatter per input, and the overlap counts
    trace = steps(xp.asarray([1, 2, 3]), xp.asarray([1, 1, 1]), "valid", stride=2, transposed=True)
    assert [s.value for s in trace] == [1, 1, 3, 2, 5, 3, 3]
    assert trace.overlap().tolist() == [1, 1, 2, 1, 2, 1, 1]
    assert trace.scatter(1).outputs.tolist() == [2, 3, 4]


def test_transposed_layer_and_padding_modes_match_torch(xp):
    torch = pytest.importorskip("torch")
    from convtui.engine.layer import conv_transpose_backward, conv_transpose_forward

    rng = np.random.default_rng(8)
    x = rng.standard_normal((2, 4, 5, 6))
    w = rng.standard_normal((4, 3, 3, 2))  # (C_in, C_out // groups, *k)
    b = rng.standard_normal(6)
    options = dict(stride=(2, 1), padding=(1, 0), output_padding=(1, 0), dilation=1, groups=2)
    y = conv_transpose_forward(xp.asarray(x), xp.asarray(w), xp.asarray(b), **options)
    assert isinstance(y, xp.ndarray)
    tx, tw, tb = (torch.tensor(a, requires_grad=True) for a in (x, w, b))
    ty = torch.nn.functional.conv_transpose2d(tx, tw, tb, **options)
    np.testing.assert_allclose(to_numpy(y), ty.detach().numpy(), rtol=1e-12, atol=1e-12)
    grad = rng.standard_normal(ty.shape)
    ty.backward(torch.tensor(grad))
    grads = conv_transpose_backward(xp.asarray(grad), xp.asarray(x), xp.asarray(w), **options)
    for ours, theirs in zip(grads, (tx.grad, tw.grad, tb.grad)):
        assert isinstance(ours, xp.ndarray)
        np.testing.assert_allclose(to_numpy(ours), theirs.numpy(), rtol=1e-12, atol=1e-12)
    # a forward layer with circular padding: torch pads the same cells, autograd folds them
    w2 = rng.standard_normal((5, 4, 3, 3))
    y = conv_forward(xp.asarray(x), xp.asarray(w2), padding=2, padding_mode="circular")
    conv = torch.nn.Conv2d(4, 5, 3, padding=2, padding_mode="circular", bias=False).double()
    conv.weight.data = torch.tensor(w2)
    tx = torch.tensor(x, requires_grad=True)
    ty = conv(tx)
    np.testing.assert_allclose(to_numpy(y), ty.detach().numpy(), rtol=1e-12, atol=1e-12)
    grad = rng.standard_normal(ty.shape)
    ty.backward(torch.tensor(grad))
    ours = conv_backward(
        xp.asarray(grad), xp.asarray(x), xp.asarray(w2), padding=2, padding_mode="circular"
    )
    np.testing.assert_allclose(to_numpy(ours[0]), tx.grad.numpy(), rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(to_numpy(ours[1]), conv.weight.grad.numpy(), rtol=1e-12, atol=1e-12)


def test_gradient_terms_by_hand(xp):
    terms = gradient_terms(xp.asarray([1, 2, 3, 4]), (2,), xp.asarray([1, 10, 100]), "valid")
    assert isinstance(terms, xp.ndarray)
    # convolve flips: y[i] = w[1]·x[i] + w[0]·x[i+1]
    assert to_numpy(terms).tolist() == [[2, 1], [30, 20], [400, 300]]


def test_train_kernel_recovers_a_kernel(xp):
    rng = np.random.default_rng(1)
    x = rng.standard_normal((8, 64))
    target = np.array([scipy.signal.correlate(row, [1.0, -2.0, 0.5], "valid") for row in x])
    *_, last = train_kernel(xp.asarray(x), xp.asarray(target), 3, steps=3000)
    assert isinstance(last.kernel, xp.ndarray)
    np.testing.assert_allclose(to_numpy(last.kernel), [1.0, -2.0, 0.5], atol=1e-6)
    assert last.loss < 1e-12 and abs(last.bias) < 1e-6


# ---------------------------------------------------------------- the plumbing


def test_use_backend_as_a_setter_and_a_context_manager(monkeypatch):
    monkeypatch.setitem(sys.modules, "cupy", _fake_cupy(devices=1))
    monkeypatch.setattr(backend, "_cupy", None)
    assert get_backend() == "numpy"
    use_backend("cupy")  # a setter: stays
    assert get_backend() == "cupy"
    with use_backend("numpy") as chosen:
        assert get_backend() == "numpy" and repr(chosen) == "use_backend('numpy')"
        with use_backend("cupy"):
            assert get_backend() == "cupy"
        assert get_backend() == "numpy"
    assert get_backend() == "cupy"  # the previous default, not numpy
    use_backend("numpy")
    assert get_backend() == "numpy"


def test_use_backend_as_a_setter_and_bad_names():
    use_backend("NumPy")
    assert get_backend() == "numpy"
    with pytest.raises(ValueError, match="backend must be one of 'numpy', 'cupy'; got 'jax'"):
        use_backend("jax")


def test_convtui_backend_is_read_on_first_use(monkeypatch):
    monkeypatch.setenv("CONVTUI_BACKEND", "numpy")
    assert get_backend() == "numpy"
    monkeypatch.setattr(backend, "_backend", None)
    monkeypatch.setenv("CONVTUI_BACKEND", "tpu")
    with pytest.raises(ValueError, match="CONVTUI_BACKEND must be one of 'numpy', 'cupy'"):
        get_backend()


@pytest.fixture
def no_cupy(monkeypatch):
    """``import cupy`` fails, as where CuPy is not installed."""
    monkeypatch.setitem(sys.modules, "cupy", None)
    monkeypatch.setattr(backend, "_cupy", None)


def test_missing_cupy_says_what_to_install(no_cupy, monkeypatch):
    with pytest.raises(BackendUnavailable, match=r"pip install 'convtui\[gpu\]'"):
        use_backend("cupy")
    assert get_backend() == "numpy"  # a refused switch changes nothing
    monkeypatch.setattr(backend, "_backend", None)  # as in a fresh process
    monkeypatch.setenv("CONVTUI_BACKEND", "cupy")
    with pytest.raises(BackendUnavailable, match="CuPy, which is not installed"):
        convolve([1, 2, 3], [1, 1])
    # numpy arrays stay on the CPU whatever the default
    assert convolve(np.array([1, 2, 3]), [1, 1]).tolist() == [1, 3, 5, 3]


def _fake_cupy(devices: int) -> types.ModuleType:
    """A stand-in for CuPy's module with only what the backend asks of it."""
    cupy = types.ModuleType("cupy")
    cupy.ndarray = type("ndarray", (), {})

    def count():
        if devices == 0:
            raise RuntimeError("cudaErrorNoDevice: no CUDA-capable device is detected")
        return devices

    runtime = types.SimpleNamespace(
        getDeviceCount=count, getDeviceProperties=lambda i: {"name": b"Fake GPU 80GB"}
    )
    cupy.cuda = types.SimpleNamespace(runtime=runtime, Device=lambda: types.SimpleNamespace(id=0))
    return cupy


def test_no_device_is_a_clear_error(monkeypatch):
    monkeypatch.setitem(sys.modules, "cupy", _fake_cupy(devices=0))
    monkeypatch.setattr(backend, "_cupy", None)
    with pytest.raises(BackendUnavailable, match="no CUDA device"):
        use_backend("cupy")


def test_a_broken_cupy_is_not_called_missing(monkeypatch):
    import builtins

    real_import = builtins.__import__

    def broken(name, *args, **kwargs):
        if name == "cupy":
            raise ImportError("libcudart.so.12: cannot open shared object file")
        return real_import(name, *args, **kwargs)

    monkeypatch.delitem(sys.modules, "cupy", raising=False)
    monkeypatch.setattr(backend, "_cupy", None)
    monkeypatch.setattr(builtins, "__import__", broken)
    with pytest.raises(BackendUnavailable, match="CuPy is installed but cannot import: libcudart"):
        use_backend("cupy")


def test_backend_info_names_the_device(monkeypatch):
    assert backend_info() == "numpy (CPU)"
    fake = _fake_cupy(devices=1)
    monkeypatch.setitem(sys.modules, "cupy", fake)
    monkeypatch.setattr(backend, "_cupy", None)
    with use_backend("cupy"):
        assert backend_info() == "cupy (GPU 0: Fake GPU 80GB)"
        assert get_array_module([1, 2]) is fake  # array-likes follow the default
        assert get_array_module(np.ones(2), [1]) is np  # numpy arrays do not
    assert backend_info() == "numpy (CPU)"


def test_numpy_inputs_never_import_cupy():
    code = (
        "import sys, numpy as np, convtui\n"
        "from convtui.engine.backend import get_array_module\n"
        "assert get_array_module(np.ones(3), [1]) is np\n"
        "convtui.convolve(np.ones(5), [1, 2]); convtui.Setup([1, 2], [1]).compute()\n"
        "print('cupy' in sys.modules)\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        check=True,
        env={k: v for k, v in os.environ.items() if k != "CONVTUI_BACKEND"},
    ).stdout.strip()
    assert out == "False"


def test_the_default_backend_moves_array_likes_to_the_gpu():
    cupy = pytest.importorskip("cupy")
    try:
        use_backend("cupy")
    except BackendUnavailable as exc:
        pytest.skip(str(exc))
    with use_backend("cupy"):
        assert isinstance(convolve([1, 2, 3], [1, 1]), cupy.ndarray)
        assert isinstance(convolve(np.array([1, 2, 3]), [1, 1]), np.ndarray)
        assert backend_info().startswith("cupy (GPU 0: ")


# ---------------------------------------------------------------- the command line and the app


def test_cli_backend_flag(no_cupy, capsys):
    from convtui.cli import main

    assert main(["--backend", "cupy", "conv", "1,2,3", "1,1"]) == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith("convtui: error: --backend cupy: the cupy backend needs CuPy")
    assert "pip install 'convtui[gpu]'" in err and "\n" not in err
    assert main(["conv", "1,2,3", "1,1", "--backend=gpu"]) == 2
    assert "--backend must be numpy or cupy, got 'gpu'" in capsys.readouterr().err
    assert main(["conv", "1,2,3", "1,1", "--backend", "numpy"]) == 0
    assert capsys.readouterr().out == "1 3 5 3\n"


def test_cli_on_the_gpu_computes_there(monkeypatch, capsys):
    from convtui.cli import main

    fake = fake_cupy.make()
    moved = []
    monkeypatch.setattr(
        fake, "asarray", lambda a, dtype=None: moved.append(a) or fake_cupy.asarray(a)
    )
    monkeypatch.setitem(sys.modules, "cupy", fake)
    monkeypatch.setattr(backend, "_cupy", None)
    assert main(["conv", "1,2,3", "1,1", "--backend", "cupy"]) == 0
    assert capsys.readouterr().out == "1 3 5 3\n"
    assert [np.asarray(a).tolist() for a in moved[:2]] == [[1, 2, 3], [1, 1]]


async def test_the_app_shows_the_gpu_in_use(monkeypatch):
    from convtui.app import make_app

    from ..app.helpers import flat_text, output

    monkeypatch.setitem(sys.modules, "cupy", fake_cupy.make("Fake GPU 80GB"))
    monkeypatch.setattr(backend, "_cupy", None)
    app = make_app()
    async with app.run_test(size=(120, 40)):
        assert "computed with" not in flat_text(app, "#mode")  # numpy: nothing to say
    use_backend("cupy")
    app = make_app()
    async with app.run_test(size=(120, 40)):
        assert "computed with cupy (GPU 0: Fake GPU 80GB)" in flat_text(app, "#mode")
        assert output(app) == [5, 16, 34, 52, 45, 28]


# ---------------------------------------------------------------- the GPU's fused direct


@pytest.mark.parametrize("case", CASES + [c[:6] + ("numpy",) for c in PADDING_CASES])
def test_fused_direct_reads_the_right_windows(case):
    # cupyx.scipy.ndimage is scipy.ndimage on the GPU: the same call with scipy's module
    # checks which of its outputs the fused direct path reads, for every geometry
    import scipy.ndimage

    from convtui.engine import methods

    xs, ws, mode, stride, dilation, padding, convention = case
    rng = np.random.default_rng(sum(xs) + sum(ws))
    x, w = rng.standard_normal(xs), rng.standard_normal(ws)
    for flip in (True, False):
        g = plan(
            x.shape,
            w.shape,
            mode,
            flip=flip,
            stride=stride,
            dilation=dilation,
            padding=padding,
            convention=convention,
        )
        oriented = w[(slice(None, None, -1),) * w.ndim] if flip else w
        got = methods._direct_ndimage(scipy.ndimage, np, x, oriented, g, np.float64)
        want = _reference(x, w, mode, flip, stride, dilation, padding, convention)
        np.testing.assert_allclose(got, want, rtol=1e-12, atol=1e-12)


def test_a_stand_in_for_cupy_never_reaches_cupyx(monkeypatch):
    # on a GPU machine cupyx imports even while the fake cupy stands in: the fused
    # direct path must still refuse the fake's arrays (cupyx would raise TypeError)
    from convtui.engine import methods

    ndimage = types.ModuleType("cupyx.scipy.ndimage")
    for name in ("cupyx", "cupyx.scipy", "cupyx.scipy.ndimage"):
        monkeypatch.setitem(sys.modules, name, types.ModuleType(name))
    monkeypatch.setitem(sys.modules, "cupyx.scipy.ndimage", ndimage)
    sys.modules["cupyx"].scipy = sys.modules["cupyx.scipy"]
    sys.modules["cupyx.scipy"].ndimage = ndimage
    fake = fake_cupy.make()
    monkeypatch.setitem(sys.modules, "cupy", fake)
    assert methods.fused_direct(fake, np.float32) is None
    assert methods.fused_direct(np, np.float32) is None
    real_like = types.SimpleNamespace(
        ndarray=type("ndarray", (), {"__module__": "cupy._core.core"})
    )
    assert methods.fused_direct(real_like, np.float32) is ndimage
    assert methods.fused_direct(real_like, np.int64) is None  # integers stay exact
