"""The conventions lab: every row against the real library, or its documented formula."""

import itertools
import math

import numpy as np
import pytest

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
