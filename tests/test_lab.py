"""The conventions lab: every row against the real library, or its documented formula."""

import itertools
import math

import numpy as np
import pytest

from convtui.engine.geometry import PADDING_MODES, plan
from convtui.lab import compare, format_padding

signal = pytest.importorskip("scipy.signal")

SHAPES_1D = [((n,), (k,)) for n, k in itertools.product(range(1, 8), range(1, 8))]
SHAPES_2D = [
    ((5, 5), (2, 2)),
    ((5, 5), (3, 3)),
    ((4, 6), (3, 2)),
    ((6, 4), (2, 5)),  # neither array is larger on every axis
    ((2, 2), (3, 3)),  # the kernel is larger on every axis
    ((3, 4), (3, 4)),
]
MODES = ["full", "valid", "same"]


def arrays(x_shape, w_shape):
    rng = np.random.default_rng(math.prod(x_shape) * 31 + math.prod(w_shape))
    x = rng.integers(-9, 10, size=x_shape)
    w = rng.integers(-9, 10, size=w_shape)
    return x, w


def row_named(rows, prefix):
    (row,) = [r for r in rows if r.library == prefix or r.library.startswith(prefix + " ")]
    return row


def check(row, expected):
    """expected is an array, or an exception type the library raises."""
    if isinstance(expected, type):
        assert row.output is None, row
        assert row.note
    else:
        assert row.output is not None, row
        assert row.output.shape == expected.shape, row
        np.testing.assert_allclose(row.output, expected, atol=1e-9)


def real(function, *args, **kwargs):
    try:
        return np.asarray(function(*args, **kwargs))
    except (ValueError, RuntimeError) as exc:
        return type(exc)


def matlab_conv(x, w, mode):
    """MATLAB's documented conv/conv2: 'same' is the central part of the full
    convolution starting at floor(m/2) (0-based); 'valid' is max(n-m+1, 0) long."""
    full = signal.convolve(x, w, "full")
    if mode == "full":
        return full
    if mode == "same":
        return full[tuple(slice(m // 2, m // 2 + n) for n, m in zip(x.shape, w.shape))]
    return full[tuple(slice(m - 1, max(n, m - 1)) for n, m in zip(x.shape, w.shape))]


def tensorflow_conv(x, w, mode):
    """TensorFlow's documented padding at stride 1: 'SAME' pads max(k-1, 0) zeros,
    the smaller half before; 'VALID' needs n >= k.  Always cross-correlation."""
    if mode == "same":
        pads = [((k - 1) // 2, k - 1 - (k - 1) // 2) for k in w.shape]
    elif mode == "full":
        pads = [(k - 1, k - 1) for k in w.shape]
    else:
        pads = [(0, 0)] * x.ndim
    padded = np.pad(x, pads)
    if any(n < k for n, k in zip(padded.shape, w.shape)):
        return ValueError
    return signal.correlate(padded, w, "valid")


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("x_shape, w_shape", SHAPES_1D + SHAPES_2D)
def test_rows_match_numpy_scipy_and_documented_formulas(x_shape, w_shape, mode):
    x, w = arrays(x_shape, w_shape)
    rows = compare(x, w, mode)
    numpy_row = row_named(rows, "numpy.convolve")
    if x.ndim == 1:
        check(numpy_row, np.convolve(x, w, mode))
    else:
        assert numpy_row.output is None and numpy_row.note == "1-D only"
    check(row_named(rows, "scipy.signal.convolve"), real(signal.convolve, x, w, mode))
    check(row_named(rows, "scipy.signal.correlate"), real(signal.correlate, x, w, mode))
    check(row_named(rows, "scipy.signal.correlate2d"), real(signal.correlate2d, x, w, mode))
    check(row_named(rows, "MATLAB"), matlab_conv(x, w, mode))
    check(row_named(rows, "TensorFlow"), tensorflow_conv(x, w, mode))


@pytest.fixture(scope="module")
def torch():
    return pytest.importorskip("torch")


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("x_shape, w_shape", SHAPES_1D[::3] + SHAPES_2D)
def test_torch_row_matches_torch(torch, x_shape, w_shape, mode):
    import torch.nn.functional as F

    x, w = arrays(x_shape, w_shape)
    row = row_named(compare(x, w, mode), "PyTorch")
    conv = F.conv1d if x.ndim == 1 else F.conv2d
    padding = tuple(k - 1 for k in w.shape) if mode == "full" else mode
    xt = torch.tensor(x, dtype=torch.float64)[None, None]
    wt = torch.tensor(w, dtype=torch.float64)[None, None]
    expected = real(lambda: conv(xt, wt, padding=padding)[0, 0].numpy())
    check(row, expected)


def test_design_example_numpy_and_matlab_disagree_on_same():
    rows = compare([1, 2, 3, 4, 5, 6], [1, 10], "same")
    assert row_named(rows, "numpy.convolve").output.tolist() == [1, 12, 23, 34, 45, 56]
    assert row_named(rows, "MATLAB").output.tolist() == [12, 23, 34, 45, 56, 60]
    assert row_named(rows, "numpy.convolve").padding == ((1, 0),)
    assert row_named(rows, "MATLAB").padding == ((0, 1),)
    assert [r.differs for r in rows] == [False, False, True, False, True, True, True]
    assert row_named(rows, "scipy.signal.correlate2d").note == "2-D only"


def test_flips_column():
    rows = compare([1, 2, 3], [1, 2], "full")
    assert [r.flips for r in rows] == [True, True, False, False, True, False, False]


def test_full_convolutions_agree_and_correlations_differ():
    rows = compare([1, 2, 3, 4], [5, 6, 7], "full")
    outputs = {r.library: r.output.tolist() for r in rows if r.output is not None}
    assert outputs["numpy.convolve"] == [5, 16, 34, 52, 45, 28]
    assert outputs["MATLAB conv"] == [5, 16, 34, 52, 45, 28]
    # correlation: 7·1, 7·2 + 6·1, ...
    assert outputs["PyTorch conv1d"] == [7, 20, 38, 56, 39, 20]
    assert row_named(rows, "PyTorch").call == "F.conv1d(x, w, padding=2)"


def test_kernel_longer_than_input_is_noted():
    rows = compare([1, 2], [1, 2, 3, 4, 5], "valid")
    assert "swapped" in row_named(rows, "numpy.convolve").note
    assert row_named(rows, "numpy.convolve").output.tolist() == [4, 7, 10, 13]
    assert row_named(rows, "MATLAB").output.tolist() == []
    assert row_named(rows, "PyTorch").output is None
    assert row_named(rows, "PyTorch").note.startswith("raises")


def test_bad_arguments():
    with pytest.raises(ValueError, match="mode must be one of"):
        compare([1, 2], [1], "middle")
    with pytest.raises(ValueError, match="same number of dimensions"):
        compare([[1, 2]], [1], "same")


def test_format_padding():
    assert format_padding(((1, 0), (0, 1))) == "(1, 0) (0, 1)"
    assert format_padding(None) == "—"


# ------------------------------------------------------------ the calls themselves, evaluated
#
# The rows' calls are what a learner would type: evaluate each one (numpy, scipy, OpenCV,
# PyTorch) with x and w and compare with the row's numbers; a row that says "raises" must
# raise.  TensorFlow and MATLAB are not installed here: their rows follow their documents.


def _namespace(x, w, torch_arrays=False):
    import scipy
    import scipy.ndimage  # noqa: F401

    namespace = {"np": np, "scipy": scipy, "x": x, "w": w}
    if torch_arrays:
        import torch
        import torch.nn.functional as F

        namespace.update(
            F=F,
            x=torch.tensor(x, dtype=torch.float64)[None, None],
            w=torch.tensor(w, dtype=torch.float64)[None, None],
        )
    return namespace


def evaluate(row, x, w, **names):
    """The row's call run by the real library: an array, or the exception type it raised."""
    if row.library.startswith(("TensorFlow", "MATLAB")) or row.call == "—":
        return None
    if row.library.startswith("OpenCV"):
        cv2 = pytest.importorskip("cv2")
        namespace = {"cv2": cv2, "x": x.astype(np.float64), "w": w.astype(np.float64)}
        try:
            return eval(row.call, namespace).reshape(x.shape)
        except cv2.error:
            return cv2.error
    if row.library.startswith("PyTorch"):
        pytest.importorskip("torch")
        namespace = _namespace(x, w, torch_arrays=True)
        for name, value in names.items():
            namespace[name] = value
        return real(lambda: eval(row.call, namespace)[0, 0].numpy())
    namespace = {**_namespace(x, w), **names}
    return real(lambda: eval(row.call, namespace))


def check_calls(rows, x, w, **names):
    checked = 0
    for row in rows:
        expected = evaluate(row, x, w, **names)
        if expected is None:
            continue
        if isinstance(expected, type):
            assert row.output is None and row.note, (row, expected)
        elif row.output is None:
            # a library that has no such mode or size: its note says so, not "raises"
            assert not row.note.startswith("raises"), (row, expected)
            continue
        else:
            check(row, expected)
        checked += 1
    return checked


def real_torch_errors():
    torch = pytest.importorskip("torch")
    return (ValueError, RuntimeError, NotImplementedError, torch.OutOfMemoryError)


CAUSAL_SHAPES = [((n,), (k,)) for n, k in [(4, 3), (5, 1), (2, 4), (6, 2)]] + [
    ((3, 4), (2, 2)),
    ((2, 3), (3, 1)),
]


@pytest.mark.parametrize("x_shape, w_shape", CAUSAL_SHAPES)
def test_causal_rows_are_their_calls(x_shape, w_shape):
    x, w = arrays(x_shape, w_shape)
    rows = compare(x, w, "causal")
    assert check_calls(rows, x, w) >= 3
    if x.ndim == 1:
        # lfilter(b, a, x) is the FIR filter y[i] = sum_j b[j]·x[i-j]: the causal convolution
        check(row_named(rows, "scipy.signal.lfilter"), signal.lfilter(w, 1.0, x))
        check(row_named(rows, "numpy.convolve"), np.convolve(x, w)[: len(x)])


def test_causal_by_hand():
    rows = compare([1, 2, 3, 4], [1, 1, 0], "causal")
    # convolution: y[i] = x[i] + x[i-1]; correlation (PyTorch): y[i] = x[i-2] + x[i-1]
    assert row_named(rows, "numpy.convolve").output.tolist() == [1, 3, 5, 7]
    assert row_named(rows, "PyTorch").output.tolist() == [0, 1, 3, 5]
    assert row_named(rows, "PyTorch").call == "F.conv1d(F.pad(x, (2, 0)), w)"
    assert row_named(rows, "TensorFlow").call == "tf.nn.conv1d(tf.pad(x, [[2, 0]]), w, 1, 'VALID')"
    assert row_named(rows, "MATLAB").call == "filter(w, 1, x)"


PADDING_SHAPES = [
    ((5,), (3,)),
    ((5,), (2,)),
    ((4,), (4,)),
    ((3,), (5,)),  # padding wider than torch's reflect takes
    ((2,), (7,)),  # wider than the input: reflected again, as numpy.pad does
    ((4, 5), (3, 3)),
    ((4, 5), (2, 3)),
    ((3, 3), (5, 4)),
]


@pytest.mark.parametrize("mode", ["same", "full", "causal", "valid"])
@pytest.mark.parametrize("padding_mode", ["zeros", "reflect", "replicate", "circular", "symmetric"])
@pytest.mark.parametrize("x_shape, w_shape", PADDING_SHAPES)
def test_padding_rows_are_their_calls(x_shape, w_shape, padding_mode, mode):
    from convtui.lab import compare_padding

    x, w = arrays(x_shape, w_shape)
    rows = compare_padding(x, w, padding_mode, mode)
    assert check_calls(rows, x, w) >= (0 if mode == "valid" else 1)
    numpy_row = row_named(rows, "numpy.pad")
    if numpy_row.output is None:
        assert "swap" in numpy_row.note and mode == "valid"
        return
    numpy_name = {"zeros": "constant", "replicate": "edge", "circular": "wrap"}
    padded = np.pad(x, numpy_row.padding, mode=numpy_name.get(padding_mode, padding_mode))
    check(numpy_row, signal.convolve(padded, w, "valid"))


def test_padding_rows_ndimage_and_opencv_by_hand():
    from convtui.lab import compare_padding

    rows = compare_padding([1, 2, 3, 4], [1, 0, 0], "reflect")
    # 2 | 1 2 3 4 | 3: convolve reads x[i+1] (w flipped), correlate x[i-1]
    assert row_named(rows, "scipy.ndimage.convolve").output.tolist() == [2, 3, 4, 3]
    assert row_named(rows, "scipy.ndimage.correlate").output.tolist() == [2, 1, 2, 3]
    assert row_named(rows, "OpenCV").call == (
        "cv2.filter2D(x[None], -1, w[None], borderType=cv2.BORDER_REFLECT_101)"
    )
    assert row_named(rows, "MATLAB").output is None  # padarray has no reflect
    circular = compare_padding([1, 2, 3, 4], [1, 0, 0], "circular")
    assert row_named(circular, "OpenCV").note.startswith("filter2D refuses BORDER_WRAP")
    assert row_named(circular, "TensorFlow").output is None
    assert row_named(circular, "MATLAB").call == "conv(padarray(x, [0 1], 'circular'), w, 'valid')"


def test_padding_names_table_is_the_engines_and_numpy_pads():
    from convtui.engine.geometry import PADDING_NAMES
    from convtui.lab import padding_names

    rows = {row.padding_mode: row for row in padding_names([1, 2, 3, 4], [1, 1, 1, 1, 1, 1, 1])}
    assert rows["reflect"].fills == "d c b | a b c d | c b a"
    assert rows["symmetric"].fills == "c b a | a b c d | d c b"
    assert rows["replicate"].fills == "a a a | a b c d | d d d"
    assert rows["circular"].fills == "b c d | a b c d | a b c"
    assert rows["zeros"].fills == "0 0 0 | a b c d | 0 0 0"
    for padding_mode, row in rows.items():
        assert row.names == PADDING_NAMES[padding_mode]
        name = row.names["numpy.pad"]
        padded = np.pad(np.array([1, 2, 3, 4]), 3, mode=name).tolist()
        assert row.here == "{} | {} | {}".format(*(" ".join(map(str, part)) for part in (
            padded[:3], padded[3:7], padded[7:]
        )))  # fmt: skip


@pytest.mark.parametrize(
    "x_shape, w_shape, stride, padding, output_padding, dilation",
    [
        ((3,), (3,), 2, 0, 0, 1),
        ((2,), (3,), 2, 1, 1, 1),
        ((4,), (2,), 3, 0, 2, 1),
        ((3,), (3,), 1, 0, 0, 2),
        ((3,), (2,), 2, 3, 1, 3),  # padding wider than the kernel: the stuffed input is cut
        ((1,), (4,), 1, 1, 0, 1),
        ((1,), (1,), 3, 1, 2, 1),  # padding crops the only product: y = [0]
        ((2, 3), (3, 2), 2, 1, 1, 1),
        ((3, 2), (2, 2), 3, 0, 0, 2),
    ],
)
@pytest.mark.parametrize("flip", [False, True])
def test_transposed_rows_are_their_calls(
    x_shape, w_shape, stride, padding, output_padding, dilation, flip
):
    torch = pytest.importorskip("torch")
    import torch.nn.functional as F

    from convtui.lab import compare_transposed

    x, w = arrays(x_shape, w_shape)
    options = dict(stride=stride, padding=padding, output_padding=output_padding, dilation=dilation)
    g, x_up, rows = compare_transposed(x, w, flip=flip, **options)
    conv_transpose = {1: F.conv_transpose1d, 2: F.conv_transpose2d}[x.ndim]
    xt = torch.tensor(x, dtype=torch.float64)[None, None]
    # the transpose of a true convolution is PyTorch's with w reversed
    wt = torch.tensor(np.flip(w).copy() if flip else w, dtype=torch.float64)[None, None]
    expected = conv_transpose(xt, wt, **options)[0, 0].numpy()
    for row in rows:
        if row.output is not None:
            check(row, expected)
    w_up = np.zeros(g.effective_kernel, dtype=w.dtype)
    w_up[tuple(slice(None, None, dilation) for _ in range(x.ndim))] = w
    assert check_calls(rows, x, w, x_up=x_up, w_up=w_up) >= 2
    # x_up: stride-1 zeros between the elements of x
    assert x_up[tuple(slice(None, None, stride) for _ in range(x.ndim))].tolist() == x.tolist()
    assert np.count_nonzero(x_up == 0) >= x_up.size - x.size


def test_transposed_by_hand():
    from convtui.lab import compare_transposed

    g, x_up, rows = compare_transposed([1, 2], [1, 2, 3], stride=2, padding=1, output_padding=1)
    assert x_up.tolist() == [1, 0, 2]
    # full scatter 1 2 3 / . . 2 4 6 = 1 2 5 4 6; padding 1 crops y[0], output_padding keeps 6
    assert rows[0].output.tolist() == [2, 5, 4, 6]
    assert rows[0].call == "F.conv_transpose1d(x, w, stride=2, padding=1, output_padding=1)"
    assert rows[1].call == "tf.nn.conv1d_transpose(x, w, [1, 6, 1], 2, 'VALID')[:, 1:5, :]"
    assert rows[2].call == "np.convolve(np.pad(x_up, (1, 2)), w, mode='valid')"
    assert rows[4].call == "conv([zeros(1, 1), x_up, zeros(1, 2)], w, 'valid')"
    assert not any(row.differs for row in rows)


def test_transposed_rows_of_a_true_convolution_by_hand():
    from convtui.lab import compare_transposed

    # convolve(y, [1, 2, 3], 'valid', stride=2): step i reads 3·y[2i] + 2·y[2i+1] + 1·y[2i+2],
    # so its transpose puts 3·x[i] at 2i, 2·x[i] at 2i+1 and x[i] at 2i+2
    _, _, rows = compare_transposed([1, 10], [1, 2, 3], stride=2, flip=True)
    assert rows[0].output.tolist() == [3, 2, 31, 20, 10]
    assert rows[0].call == "F.conv_transpose1d(x, w.flip(-1), stride=2)"
    assert rows[1].call.startswith("tf.nn.conv1d_transpose(x, tf.reverse(w, [0]),")
    assert rows[2].call == "np.correlate(np.pad(x_up, (2, 2)), w, mode='valid')"
    assert rows[4].call == "conv([zeros(1, 2), x_up, zeros(1, 2)], fliplr(w), 'valid')"
    assert [row.flips for row in rows] == [True, True, False, False, False]


# ------------------------------------------------------------ explicit padding, whole setups

EXPLICIT = [((5,), (3,), 1), ((4,), (2,), 2), ((3,), (3,), ((2, 0),)), ((4, 5), (3, 2), 1)]


@pytest.mark.parametrize("padding_mode", ["zeros", "reflect", "replicate", "circular", "symmetric"])
@pytest.mark.parametrize("x_shape, w_shape, padding", EXPLICIT)
def test_explicit_padding_rows_are_their_calls_and_torchs_conv(
    x_shape, w_shape, padding, padding_mode
):
    from convtui.lab import compare_padding

    x, w = arrays(x_shape, w_shape)
    rows = compare_padding(x, w, padding_mode, "valid", padding=padding)
    assert check_calls(rows, x, w) >= 1
    numpy_name = {"zeros": "constant", "replicate": "edge", "circular": "wrap"}
    pairs = ((padding, padding),) * x.ndim if isinstance(padding, int) else padding
    padded = np.pad(x, pairs, mode=numpy_name.get(padding_mode, padding_mode))
    check(row_named(rows, "numpy.pad"), signal.convolve(padded, w, "valid"))
    assert row_named(rows, "scipy.ndimage.convolve").output is None  # keeps x's shape
    torch = pytest.importorskip("torch")
    torch_row = row_named(rows, "PyTorch")
    if padding_mode == "symmetric" or not isinstance(padding, int):
        return  # no such mode in PyTorch; Conv1d takes one padding per axis
    if padding_mode == "reflect" and padding >= min(x_shape):
        assert torch_row.output is None
        return
    layer = {1: torch.nn.Conv1d, 2: torch.nn.Conv2d}[x.ndim]
    conv = layer(1, 1, w.shape, padding=padding, padding_mode=padding_mode, bias=False).double()
    with torch.no_grad():
        conv.weight[:] = torch.tensor(w, dtype=torch.float64)
        expected = conv(torch.tensor(x, dtype=torch.float64)[None, None])[0, 0].numpy()
    check(torch_row, expected)


SETUPS = [
    dict(input=[1, 2, 3, 4, 5, 6], kernel=[1, 10], mode="same"),
    dict(input=[1, 2, 3, 4, 5], kernel=[1, 2, 3], mode="valid", flip=False, padding=1,
         padding_mode="circular"),
    dict(input=[[1, 2, 3], [4, 5, 6]], kernel=[[1, 2], [3, 4]], mode="same",
         padding_mode="symmetric", stride=2),
    dict(input=[3, -1, 2, 5], kernel=[1, 0, -1], mode="causal", padding_mode="replicate",
         convention="matlab"),
    dict(input=[1, 2, 3], kernel=[0.5, 1, 0.5], mode="valid", flip=False, stride=2, padding=1,
         output_padding=1, transposed=True),
    dict(input=[[1, 2], [3, 4]], kernel=[[1, 2], [0, 1]], mode="valid", stride=2,
         transposed=True),
]  # fmt: skip


@pytest.mark.parametrize("fields", SETUPS, ids=range(len(SETUPS)))
def test_a_setups_lab_starts_with_its_own_numbers_and_explains_every_difference(fields):
    from convtui.engine.setup import Setup
    from convtui.lab import compare_setup

    setup = Setup(**fields)
    lab = compare_setup(setup)
    ours = lab.rows[0]
    assert ours.library == "convtui" and not ours.differs
    # without stride and dilation, which the rows leave out (and say so)
    plain = setup if setup.transposed else setup.replace(stride=1, dilation=1)
    np.testing.assert_array_equal(ours.output, plain.compute().output)
    assert ("stride 2" in lab.left_out) == (setup.stride == 2 and not setup.transposed)
    for row in lab.rows[1:]:
        if row.output is None:
            assert row.note
            continue
        same = row.output.shape == ours.output.shape and np.allclose(row.output, ours.output)
        assert row.differs == (not same)
        if row.differs:
            assert row.note, row  # the library's own note, or what it pads and flips
    if setup.transposed:
        assert lab.names is None and lab.x_up is not None
    else:
        assert [name.padding_mode for name in lab.names] == list(PADDING_MODES)
        first = np.asarray(setup.input).reshape(-1, setup.input.shape[-1])[0]
        for name in lab.names:  # the cells each mode adds around x's first row, as np.pad
            g = plan(
                setup.input.shape, setup.kernel.shape, setup.mode, padding=setup.padding,
                convention=setup.convention,
            )  # fmt: skip
            before, after = g.pad[-1]
            numpy_name = {"zeros": "constant", "replicate": "edge", "circular": "wrap"}
            padded = np.pad(first, (before, after), mode=numpy_name.get(name.padding_mode,
                            name.padding_mode))  # fmt: skip
            parts = [padded[:before], first, padded[len(padded) - after :]]
            assert name.here == " | ".join(
                " ".join(f"{v:.6g}" for v in part) for part in parts if len(part)
            )


def test_a_setups_lab_explains_a_difference_by_padding_and_flip():
    from convtui.engine.setup import Setup
    from convtui.lab import compare_setup

    rows = compare_setup(Setup([1, 2, 3, 4, 5, 6], [1, 10], "same")).rows
    matlab, torch = row_named(rows, "MATLAB conv"), row_named(rows, "PyTorch conv1d")
    assert matlab.output.tolist() == [12, 23, 34, 45, 56, 60]  # the DESIGN.md check
    assert matlab.differs and matlab.note == "pads (0, 1) where this setup pads (1, 0)"
    assert torch.note == (
        "pads (0, 1) where this setup pads (1, 0); "
        "does not flip w (cross-correlation); this setup does"
    )
    assert not row_named(rows, "numpy.convolve").differs
