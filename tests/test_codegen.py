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
        ["full", "valid", "same", "causal"],
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
            setup = Setup(
                x,
                w,
                mode,
                flip=flip,
                stride=stride,
                dilation=dilation,
                padding=padding,
                convention=convention,
            )
        except ValueError:
            continue  # PyTorch's convention refuses a strided 'same'; the engine does too
        yield pytest.param(setup, id=f"{ndim}d-{index}")


def padding_mode_setups(ndim):
    """Every padding mode with modes, flips, strides, dilations and widths past the input."""
    rng = np.random.default_rng(10 + ndim)
    shapes = {1: [((7,), (3,)), ((4,), (4,)), ((2,), (5,)), ((3,), (2,))], 2: [((4, 5), (3, 2))]}
    options = itertools.product(
        ["reflect", "replicate", "circular", "symmetric"],
        ["full", "same", "causal", ("valid", 1), ("valid", 3)],
        [True, False],
        [1, 2],
    )
    for index, (padding_mode, mode, flip, stride) in enumerate(options):
        x_shape, w_shape = shapes[ndim][index % len(shapes[ndim])]
        mode, padding = mode if isinstance(mode, tuple) else (mode, 0)
        x = rng.integers(-9, 10, size=x_shape)
        w = rng.integers(-9, 10, size=w_shape)
        if index % 3 == 1:
            x = x / 4
        setup = Setup(
            x,
            w,
            mode,
            flip=flip,
            stride=stride,
            dilation=1 + index % 2,
            padding=padding,
            padding_mode=padding_mode,
            convention=["numpy", "matlab", "tensorflow"][index % 3],
        )
        yield pytest.param(setup, id=f"{ndim}d-{padding_mode}-{index}")


def transposed_setups(ndim):
    """Transposed convolutions: strides, paddings (wider than the kernel too), output padding."""
    rng = np.random.default_rng(20 + ndim)
    shapes = {1: [((4,), (3,)), ((3,), (5,)), ((1,), (2,))], 2: [((3, 2), (2, 3))]}[ndim]
    options = itertools.product([True, False], [1, 2, 3], [1, 2], [0, 1, 3], [0, 1])
    for index, (flip, stride, dilation, padding, output_padding) in enumerate(options):
        x_shape, w_shape = shapes[index % len(shapes)]
        x = rng.integers(-9, 10, size=x_shape)
        w = rng.integers(-9, 10, size=w_shape)
        if index % 3 == 1:
            x = x / 4
        try:
            setup = Setup(
                x,
                w,
                "valid",
                flip=flip,
                stride=stride,
                dilation=dilation,
                padding=padding,
                transposed=True,
                output_padding=output_padding,
            )
        except ValueError:
            continue  # output_padding >= stride and dilation, or padding wider than the output
        yield pytest.param(setup, id=f"{ndim}d-transposed-{index}")


CASES = list(setups(1)) + list(setups(2))
NEW_CASES = (
    list(padding_mode_setups(1))
    + list(padding_mode_setups(2))
    + list(transposed_setups(1))
    + list(transposed_setups(2))
)
EXTRA = [
    pytest.param(Setup([1, 2, 3, 4], [5, 6, 7]), id="seed"),
    pytest.param(Setup([[1, 2, 3], [4, 5, 6], [7, 8, 9]], [[1, 0], [0, -1]], "same"), id="2d"),
    pytest.param(
        Setup(np.arange(24).reshape(2, 3, 4), np.ones((2, 2, 2)), "same", stride=(1, 2, 1)),
        id="3d",
    ),
    pytest.param(Setup([1 + 2j, 3, -1j], [1j, 2], "full", flip=False), id="complex-correlate"),
    pytest.param(Setup([1.0, np.nan, 3.0, 4.0], [1, 1], "valid"), id="nan"),
    pytest.param(
        Setup(np.arange(24).reshape(2, 3, 4), np.ones((2, 2, 2)), "same", padding_mode="reflect"),
        id="3d-reflect",
    ),
    pytest.param(
        Setup(
            np.arange(8).reshape(2, 2, 2), np.ones((2, 1, 2)), "valid", stride=2, transposed=True
        ),
        id="3d-transposed",
    ),
    pytest.param(
        Setup([1 + 2j, 3, -1j], [1j, 2], "valid", flip=False, stride=2, transposed=True),
        id="complex-transposed",
    ),
    pytest.param(
        Setup([1, 2, 3], [1, 2], "valid", padding=((2, 0),), stride=2, transposed=True),
        id="transposed-uneven-padding",
    ),
    pytest.param(
        # x[0] lands on output -1 only, which padding crops: y = [0]
        Setup([5], [2], "valid", padding=1, stride=3, output_padding=2, transposed=True),
        id="transposed-cropped-whole",
    ),
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


@pytest.mark.parametrize("setup", CASES + NEW_CASES + EXTRA)
@pytest.mark.parametrize("lang", ["numpy", "scipy"])
def test_numpy_and_scipy_snippets_reproduce_the_engine(setup, lang):
    if lang == "scipy":
        pytest.importorskip("scipy.signal")
    assert_same(run(snippet(setup, lang))["y"], setup)


@pytest.mark.parametrize("setup", CASES[::3] + NEW_CASES + EXTRA)
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


def matlab_index(line: str) -> list[np.ndarray]:
    """The 1-based index vectors of ``x_padded = x([2 1 2 3 4 3], ...);``, 0-based."""
    inside = line.split("x(", 1)[1].split(");", 1)[0]
    return [np.array(part.strip(" []").split(), dtype=int) - 1 for part in inside.split(",")]


@pytest.mark.parametrize("padding_mode", ["reflect", "replicate", "circular", "symmetric"])
def test_matlab_padding_mode_indexes_what_numpy_pad_makes(padding_mode):
    numpy_name = {"reflect": "reflect", "replicate": "edge", "circular": "wrap"}
    x = np.arange(1, 13).reshape(3, 4)
    setup = Setup(x, np.ones((4, 5)), "full", padding_mode=padding_mode)
    (line,) = [line for line in snippet(setup, "matlab").splitlines() if "x_padded =" in line]
    rows, cols = matlab_index(line)
    expected = np.pad(x, ((3, 3), (4, 4)), mode=numpy_name.get(padding_mode, padding_mode))
    np.testing.assert_array_equal(x[np.ix_(rows, cols)], expected)
    if padding_mode == "reflect":
        assert line.endswith("which padarray lacks")
    else:
        assert line.endswith(f"= padarray(x, ..., '{padding_mode}')")


def test_tensorflow_padding_modes_use_tf_pad_where_it_has_them():
    reflect = snippet(Setup([1, 2, 3, 4], [5, 6, 7], "same", padding_mode="reflect"), "tensorflow")
    assert 'x_padded = tf.pad(x, [[1, 1]], "REFLECT")' in reflect
    symmetric = Setup([1, 2, 3, 4], [5, 6, 7], "same", padding_mode="symmetric")
    assert 'tf.pad(x, [[1, 1]], "SYMMETRIC")' in snippet(symmetric, "tensorflow")
    # REFLECT takes at most len(x)-1 cells a side: 3 cells of a 3-long x are gathered,
    # reflected twice as numpy.pad does: index 2 1 | 0 1 2 | 1 0 ... from np.pad(arange(3))
    wide = snippet(Setup([1, 2, 3], [1] * 7, "same", padding_mode="reflect"), "tensorflow")
    index = np.pad(np.arange(3), 3, mode="reflect").tolist()
    assert index == [1, 2, 1, 0, 1, 2, 1, 0, 1]
    assert f"x_padded = tf.gather(x, {index}, axis=0)" in wide
    circular = snippet(
        Setup([1, 2, 3, 4], [5, 6, 7], "same", padding_mode="circular"), "tensorflow"
    )
    assert "x_padded = tf.gather(x, [3, 0, 1, 2, 3, 0], axis=0)" in circular


def test_torch_padding_modes_use_f_pad_within_its_limits():
    reflect = snippet(Setup([1, 2, 3, 4], [5, 6, 7], "same", padding_mode="reflect"), "torch")
    assert 'x_padded = F.pad(x[None, None], (1, 1), mode="reflect")' in reflect
    symmetric = snippet(Setup([1, 2, 3, 4], [5, 6, 7], "same", padding_mode="symmetric"), "torch")
    assert "F.pad has no such mode" in symmetric
    assert "index0 = torch.tensor([0, 0, 1, 2, 3, 3])" in symmetric


def test_causal_pads_only_before():
    setup = Setup([1, 2, 3, 4], [1, 1, 1], "causal")
    assert "x_padded = np.pad(x, (2, 0))  # 2 zeros before and 0 after (mode 'causal')" in (
        snippet(setup, "numpy")
    )
    assert run(snippet(setup, "numpy"))["y"].tolist() == [1, 3, 6, 9]  # x[i-2] + x[i-1] + x[i]
    assert "x_padded = [zeros(1, 2), x, zeros(1, 0)];" in snippet(setup, "matlab")


def test_transposed_snippets_read_as_expected():
    # PyTorch's conv_transpose1d([1, 2], [1, 2, 3], stride=2, padding=1, output_padding=1)
    setup = Setup(
        [1, 2], [1, 2, 3], "valid", flip=False, stride=2, padding=1, output_padding=1,
        transposed=True,
    )  # fmt: skip
    numpy_code = snippet(setup, "numpy").splitlines()
    assert "x_up[::2] = x" in numpy_code
    assert any(line.startswith("x_padded = np.pad(x_up, (1, 2))") for line in numpy_code)
    # stuffed and padded: 0 1 0 2 0 0; flipped w slides: 2·1, 1·1 + 3·2, 2·2, 1·2 + 0
    assert run("\n".join(numpy_code))["y"].tolist() == [2, 5, 4, 6]
    assert (
        "y = F.conv_transpose1d(x[None, None], w[None, None], stride=2, padding=1, "
        "output_padding=1, dilation=1)[0, 0]"
    ) in snippet(setup, "torch")
    tf_code = snippet(setup, "tensorflow")
    assert "tf.nn.conv1d_transpose(x[None, ..., None], w[..., None, None], " in tf_code
    # uncropped: (2-1)·2 + 3 + 1 = 6 outputs, of which padding keeps [1:5]
    assert 'output_shape=[1, 6, 1], strides=2, padding="VALID")' in tf_code
    assert "y = y[1:5]" in tf_code
    matlab = snippet(setup, "matlab").splitlines()
    assert "x_up(1:2:end) = x;" in matlab
    assert matlab[-1] == "disp(y)  % [2 5 4 6]"
    flipped = snippet(setup.replace(flip=True), "torch")
    assert "w = torch.flip(w, dims=(0,))  # PyTorch's conv_transpose transposes" in flipped


def test_tensorflow_transposed_spreads_a_dilated_kernel_itself():
    # TensorFlow's CPU conv_transpose takes no dilation: w = [1, 10] at dilation 2 is 1 0 10
    setup = Setup([1, 2, 3], [1, 10], "valid", flip=False, stride=2, dilation=2, transposed=True)
    code = snippet(setup, "tensorflow")
    assert "w_dilated = tf.scatter_nd([[0], [2]], tf.reshape(w, [-1]), [3])" in code
    assert "dilations" not in code
    # x[i] adds 1 0 10 at 2·i: 1 0 10+2 0 20+3 0 30
    assert code.splitlines()[-1] == "print(y.numpy())  # [ 1 0 12 0 23 0 30]"
