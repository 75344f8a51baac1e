"""``convtui conv`` with files, samples, named kernels and --out; the app's file flags."""

import wave

import numpy as np
import pytest

from convtui.commands.app_flags import app_options
from convtui.commands.args import UsageError
from convtui.samples import sample_path

Image = pytest.importorskip("PIL.Image")


def pixels(name: str) -> np.ndarray:
    """A sample's pixels as Pillow decodes them (its "L" conversion for colour)."""
    return np.asarray(Image.open(sample_path(name)).convert("L")).astype(np.int64)


def write_wav(path, samples, rate=8000):
    with wave.open(str(path), "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(rate)
        out.writeframes(np.asarray(samples, dtype="<i2").tobytes())


def test_a_photo_through_sobel_x_is_scipys_answer(cli, tmp_path):
    signal = pytest.importorskip("scipy.signal")
    ndimage = pytest.importorskip("scipy.ndimage")
    scene = pixels("scene")
    sobel_x = np.array([[-1, 0, 1], [-2, 0, 2], [-1, 0, 1]])
    argv = ("conv", "--input-file", "sample:scene", "--kernel", "sobel-x", "--correlate")
    code, out, err = cli(*argv, "--mode", "valid", "--out", str(tmp_path / "v.npy"))
    assert (code, err) == (0, "")
    assert out == f"wrote {tmp_path / 'v.npy'}: 254×254 int64\n"
    valid = np.load(tmp_path / "v.npy")
    np.testing.assert_array_equal(valid, signal.correlate2d(scene, sobel_x, mode="valid"))
    cli(*argv, "--mode", "same", "--out", str(tmp_path / "s.npy"))
    same = np.load(tmp_path / "s.npy")
    np.testing.assert_array_equal(same, ndimage.correlate(scene, sobel_x, mode="constant"))
    # convolution (no --correlate) flips the kernel: scipy.signal.convolve2d's answer
    cli("conv", "--input-file", "sample:scene", "--kernel", "sobel-x", "--mode", "valid",
        "--out", str(tmp_path / "c.npy"))  # fmt: skip
    np.testing.assert_array_equal(
        np.load(tmp_path / "c.npy"), signal.convolve2d(scene, sobel_x, mode="valid")
    )


def test_out_image_is_rescaled_and_says_so(cli, tmp_path):
    shapes = pixels("shapes")
    code, out, _ = cli(
        "conv", "--input-file", "sample:shapes", "--kernel", "sobel-x", "--correlate",
        "--mode", "valid", "--out", str(tmp_path / "e.png"),
    )  # fmt: skip
    k = np.array([[-1, 0, 1], [-2, 0, 2], [-1, 0, 1]])
    windows = np.lib.stride_tricks.sliding_window_view(shapes, (3, 3))
    edges = np.einsum("ijkl,kl->ij", windows, k)
    lo, hi = edges.min(), edges.max()
    assert code == 0
    assert (
        out == f"wrote {tmp_path / 'e.png'}: 126×126 grayscale, rescaled 0-255 from [{lo}, {hi}]\n"
    )
    expected = np.round((edges - lo) * (255 / (hi - lo)))
    np.testing.assert_array_equal(np.asarray(Image.open(tmp_path / "e.png")), expected)


def test_the_issue_example_a_recording_and_a_typed_kernel(cli, tmp_path):
    samples = np.array([100, -200, 300, 400, -500, 600])
    write_wav(tmp_path / "rec.wav", samples, rate=22050)
    code, out, err = cli("conv", "--input-file", str(tmp_path / "rec.wav"), "--kernel", "1,1,1,1")
    assert (code, err) == (0, "")
    assert out.split() == [str(v) for v in np.convolve(samples, [1, 1, 1, 1])]
    # a positional after --input-file is the kernel; the .wav out keeps the input's rate
    code, out, _ = cli(
        "conv", "--input-file", str(tmp_path / "rec.wav"), "1,1", "--mode", "valid",
        "--out", str(tmp_path / "smooth.wav"),
    )  # fmt: skip
    assert out == f"wrote {tmp_path / 'smooth.wav'}: 5 samples, 16-bit PCM at 22050/s\n"
    with wave.open(str(tmp_path / "smooth.wav")) as stream:
        assert stream.getframerate() == 22050
        assert np.frombuffer(stream.readframes(5), "<i2").tolist() == [-100, 100, 700, -100, 100]


def test_named_alternatives_and_kernel_files(cli, tmp_path):
    assert cli("conv", "--input", "1,2,3", "--kernel", "5,6,7")[1] == "5 16 34 32 21\n"
    diff = cli("conv", "1,2,3,4", "--kernel", "difference", "--correlate", "--mode", "valid")
    assert diff[1] == "1 1 1\n"  # numpy.diff
    np.save(tmp_path / "k.npy", np.array([1, 10]))
    full = cli("conv", "1,2,3", "--kernel-file", str(tmp_path / "k.npy"))
    assert full[1] == "1 12 23 30\n"  # 1, 2·1 + 1·10, 3 + 2·10, 3·10
    (tmp_path / "x.csv").write_text("1 2\n3 4\n")
    assert cli("conv", "--input-file", str(tmp_path / "x.csv"), "[[1]]")[1] == "1 2\n3 4\n"


def test_code_takes_a_named_kernel(cli):
    code, out, _ = cli("code", "1 2 3; 4 5 6; 7 8 9", "sobel-y", "--correlate", "--lang", "numpy")
    assert code == 0
    assert "[[-1, -2, -1], [0, 0, 0], [1, 2, 1]]" in out


def test_out_never_writes_over_a_file_without_force(cli, tmp_path):
    target = tmp_path / "y.csv"
    target.write_text("keep me")
    code, out, err = cli("conv", "1,2", "1", "--out", str(target))
    assert (code, out) == (2, "")
    assert err == f"convtui: error: --out: {target}: already exists: add --force to write over it\n"
    assert target.read_text() == "keep me"
    assert cli("conv", "1,2", "1", "--out", str(target), "--force")[0] == 0
    assert target.read_text() == "1,2\n"


BAD_FILES = [
    ("missing.png", None, "--input-file: {path}: no such file"),
    ("p.npy", b"\x80\x04K\x01.", "--input-file: {path}: is a pickle, not an array"),
    ("r.csv", b"1,2\n3\n", "--input-file: {path}: ragged rows: line 2 has 1 numbers"),
    ("n.png", b"not an image", "--input-file: {path}: is not an image Pillow can read"),
    ("e.wav", b"", "--input-file: {path}: is empty"),
    ("x.xlsx", b"1", "--input-file: {path}: unknown extension '.xlsx'"),
    ("nan.csv", b"1,nan", "--input-file: {path}: holds NaN at index [1]"),
]


@pytest.mark.parametrize("name, content, message", BAD_FILES, ids=[b[0] for b in BAD_FILES])
def test_bad_files_exit_2_with_one_line_naming_the_file(cli, tmp_path, name, content, message):
    path = tmp_path / name
    if content is not None:
        path.write_bytes(content)
    code, out, err = cli("conv", "--input-file", str(path), "1,1")
    assert (code, out) == (2, "")
    assert err.startswith("convtui: error: " + message.format(path=path))
    assert err.count("\n") == 1


@pytest.mark.parametrize(
    "argv, message",
    [
        (("--input", "1", "--input-file", "a.npy", "1"), "--input and --input-file both give"),
        (("1,2", "1", "--kernel", "3"), "unrecognized arguments: 1 (the input and the kernel"),
        (
            (
                "--kernel",
                "1",
            ),
            "the following arguments are required: X (or --input TEXT",
        ),
        (("1,2", "--kernel", "box 0"), "--kernel: kernel box N takes N from 1 to 255, got 0"),
        (("1,2", "--kernel-file", "sample:nope"), "--kernel-file: sample:nope: no such sample"),
        (("1,2", "1", "--out", "o.xyz"), "--out: o.xyz: unknown extension '.xyz'"),
        (("1,2", "1", "--out", "o.png"), "--out: o.png: an image needs shape (H, W)"),
        (
            ("1,2", "1", "--out", "sample:checker"),
            "--out: sample:checker: the samples are read-only",
        ),
    ],
)
def test_bad_flags_exit_2(cli, tmp_path, monkeypatch, argv, message):
    monkeypatch.chdir(tmp_path)
    code, out, err = cli("conv", *argv)
    assert (code, out) == (2, "")
    assert err.startswith(f"convtui: error: {message}")
    assert not list(tmp_path.glob("o.*"))  # nothing written


def test_help_lists_the_named_kernels_and_samples(cli):
    code, out, _ = cli("conv", "--help")
    assert code == 0
    assert "sobel-x           -1 0 1; -2 0 2; -1 0 1" in out
    assert "sample:NAME is a shipped sample\n(checker, shapes, scene, noisy-sine)" in out


# ---------------------------------------------------------------- the app's flags


def test_app_flags_read_files_and_names():
    options = app_options(["--input-file", "sample:checker", "--kernel", "laplacian"])
    np.testing.assert_array_equal(options["setup"].input, pixels("checker"))
    assert options["setup"].kernel.tolist() == [[0, 1, 0], [1, -4, 1], [0, 1, 0]]
    options = app_options(["--input", "1 2; 3 4", "--kernel-file", "sample:checker"])
    assert options["setup"].kernel.shape == (64, 64)


@pytest.mark.parametrize(
    "argv, message",
    [
        (
            ["--input", "1", "--input-file", "a.png"],
            "argument --input-file: not allowed with argument --input",
        ),
        (
            ["--kernel", "1", "--kernel-file", "a.png"],
            "argument --kernel-file: not allowed with argument --kernel",
        ),
        (["--input-file", "gone.npy"], "--input-file: gone.npy: no such file"),
    ],
)
def test_app_flags_refuse_with_one_line(argv, message):
    with pytest.raises(UsageError) as info:
        app_options(argv)
    assert str(info.value) == message


def test_the_readme_example_with_a_sample_image(cli, tmp_path, monkeypatch):
    import pathlib
    import shlex

    readme = pathlib.Path(__file__).resolve().parents[2] / "README.md"
    section = readme.read_text(encoding="utf-8").split("### Your own data", 1)[1]
    block = section.split("```console\n", 1)[1].split("```", 1)[0].splitlines()
    assert block[0].startswith("$ convtui conv ") and block[2].startswith("$ convtui --")
    monkeypatch.chdir(tmp_path)
    code, out, _ = cli(*shlex.split(block[0])[2:])
    assert (code, out) == (0, block[1] + "\n")
    assert Image.open(tmp_path / "edges.png").size == (128, 128)
    assert cli(*shlex.split(block[0])[2:])[0] == 2  # it is there now: --force to write over it
    options = app_options(shlex.split(block[2])[2:])
    assert options["setup"].kernel.sum() == 4**4  # gaussian 5: (1+4+6+4+1)²
