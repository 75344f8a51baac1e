"""Code export: the numpy, scipy and torch snippets are run and must give the engine's numbers."""

import contextlib
import io
import itertools

import numpy as np
import pytest

from convtui.codegen import LANGS, snippet
from convtui.engine.setup import Setup

OPTIONS = list(
    itertools.product(
        ["full", "valid", "same"],
        [True, False],  # flip
        [1, 2, 3],  # stride
        [1, 2],  # dilation
        [0, 1, ((2, 0),)],  # padding (the pairs form is 1-D; widened for 2-D below)
        ["numpy", "matlab", "torch", "tensorflow"],
    )
)


def setups(ndim):
    rng = np.random.default_rng(ndim)
    shapes = {1: [((7,), (3,)), ((6,), (4,)), ((2,), (5,))], 2: [((5, 6), (2, 3))]}[ndim]
    for index, (mode, flip, stride, dilation, padding, convention) in enumerate(OPTIONS):
        x_shape, w_shape = shapes[index % len(shapes)]
        if isinstance(padding, tuple) and ndim == 2:
            padding = ((2, 0), (0, 1))
        x = rng.integers(-9, 10, size=x_shape)
        w = rng.integers(-9, 10, size=w_shape)
        if index % 4 == 1:
            x = x / 4  # floats too
        try:
            setup = Setup(x, w, mode, flip, stride, dilation, padding, convention)
        except ValueError:
            continue  # PyTorch's convention refuses a strided 'same'; the engine does too
        yield pytest.param(setup, id=f"{ndim}d-{index}")


CASES = list(setups(1)) + list(setups(2))
EXTRA = [
    pytest.param(Setup([1, 2, 3, 4], [5, 6, 7]), id="seed"),
    pytest.param(Setup([[1, 2, 3], [4, 5, 6], [7, 8, 9]], [[1, 0], [0, -1]], "same"), id="2d"),
    pytest.param(
        Setup(np.arange(24).reshape(2, 3, 4), np.ones((2, 2, 2)), "same", stride=(1, 2, 1)),
        id="3d",
    ),
    pytest.param(Setup([1 + 2j, 3, -1j], [1j, 2], "full", flip=False), id="complex-correlate"),
    pytest.param(Setup([1.0, np.nan, 3.0, 4.0], [1, 1], "valid"), id="nan"),
]


def run(code: str) -> dict:
    namespace: dict = {}
    with contextlib.redirect_stdout(io.StringIO()):
        exec(compile(code, "<snippet>", "exec"), namespace)
    return namespace


def assert_same(y, setup):
    expected = setup.compute().output
    y = np.asarray(y)
    assert y.shape == expected.shape
    np.testing.assert_allclose(y, expected, rtol=1e-10, atol=1e-9)
    if expected.dtype.kind in "iu" and expected.size:
        assert y.dtype.kind in "iu"


@pytest.mark.parametrize("setup", CASES + EXTRA)
@pytest.mark.parametrize("lang", ["numpy", "scipy"])
def test_numpy_and_scipy_snippets_reproduce_the_engine(setup, lang):
    if lang == "scipy":
        pytest.importorskip("scipy.signal")
    assert_same(run(snippet(setup, lang))["y"], setup)


@pytest.mark.parametrize("setup", CASES[::3] + EXTRA)
def test_torch_snippet_reproduces_the_engine(setup):
    pytest.importorskip("torch")
    assert_same(run(snippet(setup, "torch"))["y"].numpy(), setup)


def test_seed_snippets_read_as_expected():
    setup = Setup([1, 2, 3, 4], [5, 6, 7])
    assert snippet(setup, "matlab").splitlines() == [
        "x = [1 2 3 4];",
        "w = [5 6 7];",
        "x_padded = [zeros(1, 2), x, zeros(1, 2)];  % 2 zeros before and 2 after (mode 'full')",
        "y = conv(x_padded, w, 'valid');  % conv flips w; 'valid' adds no zeros",
        "disp(y)  % [5 16 34 52 45 28]",
    ]
    torch_code = snippet(setup, "torch")
    assert "w = torch.flip(w, dims=(0,))" in torch_code
    assert "F.conv1d(x[None, None], w[None, None], stride=1, padding=2, dilation=1)" in torch_code
    tf_code = snippet(setup, "tensorflow")
    assert "w = tf.reverse(w, axis=[0])" in tf_code
    assert "x_padded = tf.pad(x, [[2, 2]])" in tf_code
    assert 'padding="VALID"' in tf_code


def test_asymmetric_padding_goes_through_f_pad_last_axis_first():
    setup = Setup(np.ones((4, 5)), np.ones((2, 2)), "same", flip=False, convention="torch")
    code = snippet(setup, "torch")
    # torch 'same' with an even kernel: the extra zero at the end of each axis
    assert "x_padded = F.pad(x[None, None], (0, 1, 0, 1))" in code
    assert "w = torch.flip" not in code


def test_matlab_correlation_and_2d():
    setup = Setup([[1, 2], [3, 4]], [[1, 0], [0, 2]], "valid", flip=False, stride=2)
    lines = snippet(setup, "matlab").splitlines()
    assert lines[:2] == ["x = [1 2; 3 4];", "w = [1 0; 0 2];"]
    assert "w_oriented = rot90(w, 2);" in lines[2]
    assert lines[3].startswith("y = conv2(x, w_oriented, 'valid');")
    assert lines[4].startswith("y = y(1:2:end, 1:2:end);")


def test_empty_output_snippets():
    setup = Setup([1, 2], [1, 2, 3], "valid")
    for lang in ("numpy", "scipy"):
        assert run(snippet(setup, lang))["y"].shape == (0,)
    assert "zeros(1, 0)" in snippet(setup, "matlab")


def test_every_language_writes_something_and_bad_lang_is_refused():
    setup = Setup([1, 2, 3], [1, 1], dilation=2, stride=2)
    for lang in LANGS:
        assert "x = " in snippet(setup, lang)
    with pytest.raises(ValueError, match="lang must be one of 'numpy'"):
        snippet(setup, "julia")
