"""Named kernels: textbook values, and the same answers as scipy.ndimage and OpenCV."""

import numpy as np
import pytest

from convtui.engine.kernels import NAMED_KERNELS, kernel_help, named_kernel
from convtui.engine.parse import ParseError, parse_array
from convtui.engine.setup import Setup

TEXTBOOK = {
    "identity": [[0, 0, 0], [0, 1, 0], [0, 0, 0]],
    "sharpen": [[0, -1, 0], [-1, 5, -1], [0, -1, 0]],
    "sobel-x": [[-1, 0, 1], [-2, 0, 2], [-1, 0, 1]],
    "sobel-y": [[-1, -2, -1], [0, 0, 0], [1, 2, 1]],
    "laplacian": [[0, 1, 0], [1, -4, 1], [0, 1, 0]],
    "emboss": [[-2, -1, 0], [-1, 1, 1], [0, 1, 2]],
    "edge": [[-1, -1, -1], [-1, 8, -1], [-1, -1, -1]],
    "box 2": [[1, 1], [1, 1]],
    "gaussian 5": np.outer([1, 4, 6, 4, 1], [1, 4, 6, 4, 1]).tolist(),  # Pascal's row 4
    "difference": [-1, 1],
}


@pytest.mark.parametrize("name, values", TEXTBOOK.items())
def test_textbook_values_as_integers(name, values):
    kernel = named_kernel(name)
    assert kernel.dtype == np.int64
    assert kernel.tolist() == values


def test_moving_average_is_one_over_n():
    assert named_kernel("moving-average 4").tolist() == [0.25] * 4
    assert named_kernel("mean 5").tolist() == [0.2] * 5
    assert named_kernel("moving average").tolist() == [1 / 3] * 3  # default size 3


@pytest.mark.parametrize("text", ["box 5", "box5", "box-5", "Box_5", " BOX 5 ", "blur 5"])
def test_spellings(text):
    assert named_kernel(text).tolist() == np.ones((5, 5), dtype=int).tolist()


def test_gaussian_sizes_are_binomial_and_stay_exact():
    from scipy.special import comb

    for n in (1, 2, 3, 4, 31):
        row = comb(n - 1, np.arange(n), exact=False).astype(np.int64)
        kernel = named_kernel(f"gaussian {n}")
        assert kernel.tolist() == np.outer(row, row).tolist()
        assert int(kernel.sum()) == 4 ** (n - 1)
    assert named_kernel("gaussian").tolist() == [[1, 2, 1], [2, 4, 2], [1, 2, 1]]


@pytest.mark.parametrize(
    "text, message",
    [
        ("box 0", "kernel box N takes N from 1 to 255, got 0"),
        ("gaussian 32", "kernel gaussian N takes N from 1 to 31, got 32"),
        ("sobel-x 5", "kernel sobel-x takes no size, got 'sobel-x 5'"),
    ],
)
def test_bad_sizes(text, message):
    with pytest.raises(ValueError, match=message):
        named_kernel(text)


def test_not_names():
    for text in ("1, 2, 3", "nan", "", "gausian", "box 5 5"):
        assert named_kernel(text) is None


# ---------------------------------------------------------------- the same as other libraries


@pytest.fixture
def image():
    return np.random.default_rng(3).integers(0, 256, size=(12, 15))


def correlate(image, name, mode="valid"):
    """The engine, cross-correlating (as CNNs and scipy.ndimage.correlate do)."""
    return Setup(image, named_kernel(name), mode, flip=False).compute().output


def test_sobel_and_laplace_match_scipy_ndimage(image):
    ndimage = pytest.importorskip("scipy.ndimage")
    inner = (slice(1, -1), slice(1, -1))  # valid: scipy's border handling left out
    # scipy.ndimage.sobel(axis=1) differentiates along columns (x), axis=0 along rows (y)
    np.testing.assert_array_equal(correlate(image, "sobel-x"), ndimage.sobel(image, axis=1)[inner])
    np.testing.assert_array_equal(correlate(image, "sobel-y"), ndimage.sobel(image, axis=0)[inner])
    np.testing.assert_array_equal(correlate(image, "laplacian"), ndimage.laplace(image)[inner])
    box = ndimage.uniform_filter(image.astype(float), size=3)[inner] * 9
    np.testing.assert_allclose(correlate(image, "box 3"), box)


def test_every_2d_kernel_is_what_scipy_correlate_applies(image):
    ndimage = pytest.importorskip("scipy.ndimage")
    for name in ("identity", "sharpen", "sobel-x", "sobel-y", "laplacian", "emboss", "edge"):
        expected = ndimage.correlate(image, named_kernel(name), mode="constant")
        np.testing.assert_array_equal(correlate(image, name, "same"), expected, err_msg=name)
    assert correlate(image, "identity", "same").tolist() == image.tolist()


def test_sobel_and_laplacian_match_opencv(image):
    cv2 = pytest.importorskip("cv2")
    src = image.astype(np.float64)
    inner = (slice(1, -1), slice(1, -1))
    np.testing.assert_array_equal(
        correlate(image, "sobel-x"), cv2.Sobel(src, cv2.CV_64F, 1, 0, ksize=3)[inner]
    )
    np.testing.assert_array_equal(
        correlate(image, "sobel-y"), cv2.Sobel(src, cv2.CV_64F, 0, 1, ksize=3)[inner]
    )
    np.testing.assert_array_equal(
        correlate(image, "laplacian"), cv2.Laplacian(src, cv2.CV_64F, ksize=1)[inner]
    )


def test_convolution_flips_the_asymmetric_ones(image):
    # true convolution (convtui's default) turns sobel-x into its negative
    flipped = Setup(image, named_kernel("sobel-x"), "valid").compute().output
    np.testing.assert_array_equal(flipped, -correlate(image, "sobel-x"))


def test_one_dimensional_kernels():
    x = np.array([3, 1, 4, 1, 5, 9, 2, 6])
    difference = Setup(x, named_kernel("difference"), "valid", flip=False).compute().output
    assert difference.tolist() == np.diff(x).tolist()
    mean = Setup(x, named_kernel("mean 4"), "valid", flip=False).compute().output
    np.testing.assert_allclose(mean, np.convolve(x, np.ones(4), "valid") / 4)


# ---------------------------------------------------------------- where kernels are typed


def test_parse_array_takes_names_only_for_kernels():
    assert parse_array("sobel-x", kernel=True).tolist() == TEXTBOOK["sobel-x"]
    assert parse_array("1, 2", kernel=True).tolist() == [1, 2]  # numbers as before
    assert parse_array("nan", kernel=True).size == 1
    with pytest.raises(ParseError, match="unexpected character 's'"):
        parse_array("sobel-x")


def test_parse_array_names_the_kernels_for_an_unknown_word():
    with pytest.raises(ParseError) as info:
        parse_array("gausian 3", kernel=True)
    assert info.value.reason.startswith(
        "unknown kernel name 'gausian' (did you mean gaussian?); named kernels: identity, box N"
    )
    with pytest.raises(ParseError) as info:
        parse_array("  box 0", kernel=True)
    assert (info.value.reason, info.value.position) == (
        "kernel box N takes N from 1 to 255, got 0",
        2,
    )


def test_help_lists_every_name_with_values():
    text = kernel_help()
    for name in NAMED_KERNELS:
        assert f"  {name} " in text
    assert "-1 0 1; -2 0 2; -1 0 1" in text  # sobel-x
    assert "1 2 1; 2 4 2; 1 2 1" in text  # gaussian 3
