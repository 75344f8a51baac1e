"""convtui.files: every format written by its own library and read back exactly, and back;
every bad file gives one line naming it."""

import sys
import wave

import numpy as np
import pytest

from convtui.engine.backend import set_memory_limit
from convtui.files import FileDataError, check_out_path, fit_for_app, read_array, write_array
from convtui.samples import SAMPLES, sample_path
from convtui.samples.make_samples import arrays

Image = pytest.importorskip("PIL.Image")


def write_wav(path, frames: bytes, *, width=2, channels=1, rate=8000):
    with wave.open(str(path), "wb") as out:
        out.setnchannels(channels)
        out.setsampwidth(width)
        out.setframerate(rate)
        out.writeframes(frames)


# ---------------------------------------------------------------- reading what others wrote


@pytest.mark.parametrize(
    "array",
    [
        np.array([1, -2, 3]),
        np.array([[0.5, -1e-3], [1e300, 2.0]]),
        np.arange(24, dtype=np.int16).reshape(2, 3, 4),
        np.array([1 + 2j, 3j]),
    ],
)
def test_npy_written_by_numpy_reads_exactly(tmp_path, array):
    np.save(tmp_path / "a.npy", array)
    got = read_array(tmp_path / "a.npy")
    np.testing.assert_array_equal(got, array)
    assert got.dtype.kind == array.dtype.kind
    assert got.flags.writeable


def test_fortran_order_and_big_endian_npy(tmp_path):
    array = np.asfortranarray(np.arange(6, dtype=">i4").reshape(2, 3))
    np.save(tmp_path / "f.npy", array)
    assert read_array(tmp_path / "f.npy").tolist() == [[0, 1, 2], [3, 4, 5]]


def test_npy_small_types_widen(tmp_path):
    np.save(tmp_path / "a.npy", np.array([True, False]))
    np.save(tmp_path / "b.npy", np.array([1.5], dtype=np.float32))
    np.save(tmp_path / "c.npy", np.array(7))  # a single number: a kernel of one tap
    assert read_array(tmp_path / "a.npy").tolist() == [1, 0]
    assert read_array(tmp_path / "b.npy").dtype == np.float64
    assert read_array(tmp_path / "c.npy").tolist() == [7]


def test_text_files_written_by_numpy(tmp_path):
    image = np.array([[1, 2, 3], [4, 5, 6]])
    np.savetxt(tmp_path / "a.csv", image, fmt="%d", delimiter=",", header="two rows")
    got = read_array(tmp_path / "a.csv")
    assert got.dtype == np.int64 and got.tolist() == image.tolist()
    floats = np.array([[0.1, -2.5], [1e-7, 3.0]])
    np.savetxt(tmp_path / "b.txt", floats)  # spaces, %.18e
    np.testing.assert_array_equal(read_array(tmp_path / "b.txt"), floats)


@pytest.mark.parametrize(
    "text, expected",
    [
        ("1, 2, 3\n", [1, 2, 3]),  # one row: 1-D
        ("1\n2\n3\n", [1, 2, 3]),  # one number a line: 1-D
        ("1 2\n3 4\n", [[1, 2], [3, 4]]),
        ("1,2\n\n# note\n3,4\r\n", [[1, 2], [3, 4]]),  # blank lines, comments, CRLF
        ("\ufeff1;2".replace(";", ","), [1, 2]),  # a BOM from a spreadsheet
        ("1\t2.5", [1.0, 2.5]),
        ("1 2 # a comment after the numbers\n3 4", [[1, 2], [3, 4]]),
        ("1,2\n# a,,b\n3, 4\n", [[1, 2], [3, 4]]),  # a comment with two commas
        ("9223372036854775807 -9223372036854775808", [2**63 - 1, -(2**63)]),  # int64's ends
        ("1e20 1", [1e20, 1.0]),
    ],
)
def test_text_layouts(tmp_path, text, expected):
    (tmp_path / "a.csv").write_text(text)
    assert read_array(tmp_path / "a.csv").tolist() == expected


def test_wav_16_bit_written_by_wave(tmp_path):
    samples = np.array([0, 1, -1, 32767, -32768, 1234], dtype="<i2")
    write_wav(tmp_path / "a.wav", samples.tobytes())
    got = read_array(tmp_path / "a.wav")
    assert got.dtype == np.int64 and got.tolist() == samples.tolist()


def test_wav_stereo_reads_the_first_channel(tmp_path):
    frames = np.array([[10, -1], [20, -2], [30, -3]], dtype="<i2")
    write_wav(tmp_path / "a.wav", frames.tobytes(), channels=2)
    assert read_array(tmp_path / "a.wav").tolist() == [10, 20, 30]


def test_wav_other_widths(tmp_path):
    write_wav(tmp_path / "8.wav", bytes([0, 128, 255]), width=1)  # unsigned, centred on 128
    assert read_array(tmp_path / "8.wav").tolist() == [-128, 0, 127]
    # 24-bit little-endian: 1, -1, 2**23 - 1, -2**23
    raw = b"\x01\x00\x00" + b"\xff\xff\xff" + b"\xff\xff\x7f" + b"\x00\x00\x80"
    write_wav(tmp_path / "24.wav", raw, width=3)
    assert read_array(tmp_path / "24.wav").tolist() == [1, -1, 2**23 - 1, -(2**23)]
    write_wav(tmp_path / "32.wav", np.array([5, -(2**31)], dtype="<i4").tobytes(), width=4)
    assert read_array(tmp_path / "32.wav").tolist() == [5, -(2**31)]


@pytest.mark.parametrize("suffix", [".png", ".bmp", ".gif"])
def test_grayscale_image_reads_its_pixel_values(tmp_path, suffix):
    pixels = np.arange(256, dtype=np.uint8).reshape(16, 16)
    Image.fromarray(pixels).save(tmp_path / f"a{suffix}")
    got = read_array(tmp_path / f"a{suffix}")
    assert got.dtype == np.int64
    np.testing.assert_array_equal(got, pixels)


def test_colour_image_is_pillows_l_conversion_or_its_planes(tmp_path):
    rng = np.random.default_rng(0)
    rgb = rng.integers(0, 256, size=(5, 7, 3), dtype=np.uint8)
    Image.fromarray(rgb).save(tmp_path / "a.png")
    expected_l = np.asarray(Image.fromarray(rgb).convert("L"))
    np.testing.assert_array_equal(read_array(tmp_path / "a.png"), expected_l)
    # ITU-R 601-2 luma, as Pillow documents it: L = R·299/1000 + G·587/1000 + B·114/1000
    r, g, b = (rgb[..., i].astype(float) for i in range(3))
    assert np.abs(read_array(tmp_path / "a.png") - (0.299 * r + 0.587 * g + 0.114 * b)).max() <= 1
    planes = read_array(tmp_path / "a.png", channels=True)
    assert planes.shape == (3, 5, 7)
    np.testing.assert_array_equal(planes, np.moveaxis(rgb, -1, 0))


def test_gif_reads_its_first_frame(tmp_path):
    frames = [Image.fromarray(np.full((4, 4), v, dtype=np.uint8)) for v in (10, 200)]
    frames[0].save(tmp_path / "a.gif", save_all=True, append_images=frames[1:])
    assert read_array(tmp_path / "a.gif").tolist() == [[10] * 4] * 4


def test_jpeg_reads_as_pillow_decodes_it(tmp_path):
    pixels = np.tile(np.arange(0, 256, 16, dtype=np.uint8), (16, 1))
    Image.fromarray(pixels).save(tmp_path / "a.jpg")
    decoded = np.asarray(Image.open(tmp_path / "a.jpg").convert("L"))
    np.testing.assert_array_equal(read_array(tmp_path / "a.jpg"), decoded)


def test_sixteen_bit_grayscale_png_is_exact(tmp_path):
    pixels = np.array([[0, 1000], [40000, 65535]], dtype=np.uint16)
    Image.fromarray(pixels).save(tmp_path / "a.png")
    assert read_array(tmp_path / "a.png").tolist() == pixels.tolist()


# ---------------------------------------------------------------- writing, read back by others


@pytest.mark.parametrize(
    "array",
    [
        np.array([3, -1, 4]),
        np.array([[0.1, 1 / 3], [-2.5, 1e-300]]),
        np.arange(8.0).reshape(2, 2, 2),
    ],
)
def test_write_npy_reads_with_numpy(tmp_path, array):
    assert write_array(tmp_path / "a.npy", array) == (
        f"wrote {tmp_path / 'a.npy'}: {'×'.join(map(str, array.shape))} {array.dtype}"
    )
    np.testing.assert_array_equal(np.load(tmp_path / "a.npy", allow_pickle=False), array)


@pytest.mark.parametrize("suffix, separator", [(".csv", ","), (".txt", " ")])
def test_write_text_reads_with_numpy_exactly(tmp_path, suffix, separator):
    floats = np.array([[0.1, 1 / 3, -2.5e-300], [7.0, 1e300, -0.0]])
    write_array(tmp_path / f"a{suffix}", floats)
    back = np.loadtxt(tmp_path / f"a{suffix}", delimiter=separator if separator == "," else None)
    np.testing.assert_array_equal(back, floats)  # %.17g keeps every bit
    np.testing.assert_array_equal(read_array(tmp_path / f"a{suffix}"), floats)
    write_array(tmp_path / f"b{suffix}", np.array([1, -2, 3]))
    assert (tmp_path / f"b{suffix}").read_text() == f"1{separator}-2{separator}3\n"


def test_write_wav_exact_when_int16_else_rescaled(tmp_path):
    message = write_array(tmp_path / "a.wav", np.array([0, 5, -32768, 32767]), sample_rate=1000)
    assert message.endswith("4 samples, 16-bit PCM at 1000/s")
    with wave.open(str(tmp_path / "a.wav")) as stream:
        assert (stream.getsampwidth(), stream.getnchannels(), stream.getframerate()) == (2, 1, 1000)
        assert np.frombuffer(stream.readframes(4), "<i2").tolist() == [0, 5, -32768, 32767]
    message = write_array(tmp_path / "b.wav", np.array([40000.0, -80000.0, 20000.0]))
    assert message.endswith("rescaled to ±32767 from [-80000, 40000]")
    # largest magnitude 80000 → 32767: 40000 → 16383.5 → 16384 (to even), 20000 → 8191.75
    assert read_array(tmp_path / "b.wav").tolist() == [16384, -32767, 8192]
    message = write_array(tmp_path / "c.wav", np.array([0.4, -2.6, 1.5]))
    assert message.endswith("16-bit PCM at 8000/s, rounded to whole numbers")
    assert read_array(tmp_path / "c.wav").tolist() == [0, -3, 2]


def test_write_image_exact_in_range_else_rescaled(tmp_path):
    pixels = np.array([[0, 17], [128, 255]])
    assert write_array(tmp_path / "a.png", pixels).endswith(": 2×2 grayscale")
    np.testing.assert_array_equal(np.asarray(Image.open(tmp_path / "a.png")), pixels)
    message = write_array(tmp_path / "b.png", np.array([[-4, 0], [8, 12]]))
    assert message.endswith("rescaled 0-255 from [-4, 12]")
    # (v + 4) · 255/16: 0, 63.75 → 64, 191.25 → 191, 255
    assert np.asarray(Image.open(tmp_path / "b.png")).tolist() == [[0, 64], [191, 255]]
    rgb = np.arange(3 * 2 * 2).reshape(3, 2, 2) * 20
    write_array(tmp_path / "c.bmp", rgb)
    np.testing.assert_array_equal(
        np.asarray(Image.open(tmp_path / "c.bmp")), np.moveaxis(rgb, 0, -1)
    )
    assert "JPEG is lossy" in write_array(tmp_path / "d.jpg", pixels)
    assert "every value 300: written as 0" in write_array(tmp_path / "e.png", np.full((2, 2), 300))
    assert write_array(tmp_path / "f.png", np.array([[0.4, 254.6]])).endswith(
        "1×2 grayscale, rounded to whole numbers"
    )
    assert read_array(tmp_path / "f.png").tolist() == [[0, 255]]


def test_nothing_is_written_over_a_file_without_force(tmp_path):
    target = tmp_path / "a.npy"
    target.write_bytes(b"precious")
    with pytest.raises(FileDataError) as info:
        write_array(target, np.array([1]))
    assert str(info.value) == f"{target}: already exists: add --force to write over it"
    assert target.read_bytes() == b"precious"
    write_array(target, np.array([1]), force=True)
    assert np.load(target).tolist() == [1]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.npy"]  # no temporary left


@pytest.mark.parametrize(
    "name, array, reason",
    [
        (
            "a.xyz",
            np.array([1]),
            "unknown extension '.xyz': accepted are .npy, .csv, .txt, .wav, .png, .bmp, "
            ".jpg, .jpeg",
        ),
        ("a.gif", np.array([[1]]), "unknown extension '.gif'"),
        ("a.png", np.array([1, 2]), "an image needs shape (H, W) or (3, H, W), got (2,)"),
        ("a.wav", np.ones((2, 2)), "a .wav holds a 1-D signal, got shape (2, 2)"),
        ("a.csv", np.ones((2, 2, 2)), "a text file holds 1-D or 2-D, got shape (2, 2, 2)"),
        ("a.png", np.array([[np.nan]]), "the values hold NaN or infinity: save them as .npy"),
        ("a.csv", np.array([1j]), "the values are complex: save them as .npy"),
        ("no/such/a.npy", np.array([1]), "the folder"),
        ("sample:checker", np.array([[1]]), "the samples are read-only"),
    ],
)
def test_write_refusals_name_the_file(tmp_path, monkeypatch, name, array, reason):
    monkeypatch.chdir(tmp_path)
    with pytest.raises(FileDataError) as info:
        write_array(name, array)
    assert str(info.value).startswith(f"{name}: {reason}")
    assert "\n" not in str(info.value)
    assert [p.name for p in tmp_path.iterdir()] == []


# ---------------------------------------------------------------- bad files


def bad(path, **kwargs) -> str:
    with pytest.raises(FileDataError) as info:
        read_array(path, **kwargs)
    message = str(info.value)
    assert message.startswith(f"{path}: ") and "\n" not in message
    return message.removeprefix(f"{path}: ")


def test_missing_folder_empty_and_unknown(tmp_path):
    assert bad(tmp_path / "gone.png") == "no such file"
    (tmp_path / "d.npy").mkdir()
    assert bad(tmp_path / "d.npy") == "is a folder, not a file"
    for suffix in (".npy", ".csv", ".wav", ".png"):
        (tmp_path / f"e{suffix}").write_bytes(b"")
        assert bad(tmp_path / f"e{suffix}") == "is empty"
    (tmp_path / "a.xls").write_text("1")
    assert bad(tmp_path / "a.xls") == (
        "unknown extension '.xls': accepted are .npy, .csv, .txt, .wav, .png, .jpg, .jpeg, "
        ".bmp, .gif"
    )
    assert (
        bad("sample:nope") == "no such sample: the samples are checker, shapes, scene, noisy-sine"
    )


def test_pickles_are_refused(tmp_path):
    import pickle

    (tmp_path / "p.npy").write_bytes(pickle.dumps([1, 2, 3]))
    assert bad(tmp_path / "p.npy") == "is a pickle, not an array: convtui never loads pickles"
    np.save(tmp_path / "o.npy", np.array([1, "a", None], dtype=object), allow_pickle=True)
    assert bad(tmp_path / "o.npy") == (
        "holds Python objects (a pickle inside): convtui never loads pickles"
    )


def test_text_problems(tmp_path):
    cases = {
        "1,2,3\n4,5\n": "ragged rows: line 2 has 2 numbers but line 1 has 3",
        "1,,2": "line 1: an empty field (two commas, or a comma at the end)",
        "x,y\n1,2": "line 1: 'x' is not a number (a header? start it with #)",
        "1 2\n3 abc": "line 2: 'abc' is not a number",
        "1, nan, 3": "holds NaN at index [1]: numbers only",
        "1 2\n3 inf": "holds infinity at index [1, 1]: numbers only",
        "# only a comment\n\n": "holds no numbers (only blank lines or # comments)",
        "99999999999999999999": "holds an integer too large for int64",
    }
    for i, (text, reason) in enumerate(cases.items()):
        (tmp_path / f"t{i}.csv").write_text(text)
        assert bad(tmp_path / f"t{i}.csv") == reason
    (tmp_path / "bin.txt").write_bytes(b"1 2 \xff\xfe")
    assert bad(tmp_path / "bin.txt") == "is not text (byte 5 is not UTF-8): expected numbers"


def test_npy_nan_and_shapes(tmp_path):
    np.save(tmp_path / "a.npy", np.array([[1.0, np.nan]]))
    assert bad(tmp_path / "a.npy") == "holds NaN at index [0, 1]: numbers only"
    np.save(tmp_path / "b.npy", np.zeros((0, 3)))
    assert bad(tmp_path / "b.npy") == "holds no numbers (shape (0, 3))"
    np.save(tmp_path / "c.npy", np.zeros((1, 1, 1, 1)))
    assert bad(tmp_path / "c.npy") == "has 4 axes (shape (1, 1, 1, 1)); convtui takes 1, 2 or 3"
    np.save(tmp_path / "d.npy", np.array(["a"]))
    assert bad(tmp_path / "d.npy") == "holds <U1 values, not numbers"
    np.save(tmp_path / "e.npy", np.array([2**64 - 1], dtype=np.uint64))
    assert bad(tmp_path / "e.npy") == "holds an integer too large for int64"


def test_not_an_image_and_truncated(tmp_path):
    (tmp_path / "a.png").write_text("1, 2, 3")
    assert bad(tmp_path / "a.png") == "is not an image Pillow can read"
    Image.fromarray(np.zeros((64, 64), dtype=np.uint8) + 7).save(tmp_path / "b.png")
    data = (tmp_path / "b.png").read_bytes()
    (tmp_path / "c.png").write_bytes(data[: len(data) // 2])
    assert bad(tmp_path / "c.png").startswith("is not a valid image (")


def test_wav_problems(tmp_path):
    write_wav(tmp_path / "a.wav", np.arange(100, dtype="<i2").tobytes())
    data = (tmp_path / "a.wav").read_bytes()
    (tmp_path / "t.wav").write_bytes(data[:-50])
    assert (
        bad(tmp_path / "t.wav") == "is truncated: its header promises 100 samples but it holds 75"
    )
    write_wav(tmp_path / "e.wav", b"")
    assert bad(tmp_path / "e.wav") == "is empty: the WAV file holds no samples"
    float_wav = bytearray(data)
    float_wav[20:22] = (3).to_bytes(2, "little")  # WAVE_FORMAT_IEEE_FLOAT
    (tmp_path / "f.wav").write_bytes(bytes(float_wav))
    assert bad(tmp_path / "f.wav") == (
        "is not a WAV file convtui can read (unknown format: 3: convtui reads PCM WAV; "
        "save it as 16-bit PCM)"
    )
    (tmp_path / "n.wav").write_text("1 2 3")
    assert bad(tmp_path / "n.wav").startswith("is not a WAV file convtui can read (")


def test_too_big_for_the_memory_limit(tmp_path):
    np.save(tmp_path / "a.npy", np.zeros(1000))
    Image.fromarray(np.zeros((40, 40), dtype=np.uint8)).save(tmp_path / "b.png")
    write_wav(tmp_path / "c.wav", np.zeros(1000, dtype="<i2").tobytes())
    (tmp_path / "d.csv").write_text("1 " * 1000)
    old = set_memory_limit(4000)  # 500 float64 values
    try:
        assert bad(tmp_path / "a.npy") == (
            "too big: 1,000 values would need 7.8 KiB as the input, more than the memory "
            "limit of 3.9 KiB"
        )
        assert bad(tmp_path / "b.png", role="kernel").startswith("too big: 1,600 values")
        assert bad(tmp_path / "c.wav").startswith("too big: 1,000 values")
        assert bad(tmp_path / "d.csv") == (
            "too big for a text file: 2.0 KiB (at most 500 bytes); save it as .npy"
        )
    finally:
        set_memory_limit(old)


def test_pillow_missing_says_how_to_get_it(tmp_path, monkeypatch):
    Image.fromarray(np.zeros((2, 2), dtype=np.uint8)).save(tmp_path / "a.png")
    monkeypatch.setitem(sys.modules, "PIL", None)  # import PIL now raises ImportError
    assert bad(tmp_path / "a.png") == "reading and writing images needs Pillow: pip install pillow"
    with pytest.raises(FileDataError, match="pip install pillow"):
        write_array(tmp_path / "b.png", np.zeros((2, 2)))


def test_check_out_path_before_computing(tmp_path):
    (tmp_path / "a.png").write_bytes(b"x")
    with pytest.raises(FileDataError, match="already exists: add --force"):
        check_out_path(tmp_path / "a.png")
    assert check_out_path(tmp_path / "a.png", force=True) == tmp_path / "a.png"


# ---------------------------------------------------------------- samples and the app's size


def test_samples_are_what_make_samples_makes():
    made = arrays()
    assert set(made) == set(SAMPLES)
    for name, values in made.items():
        assert sample_path(name).is_file()
        got = read_array(f"sample:{name}", channels=values.ndim == 3)
        np.testing.assert_array_equal(got, values, err_msg=name)
    with wave.open(str(sample_path("noisy-sine"))) as stream:
        assert stream.getframerate() == 1000


def test_fit_for_app_block_means():
    image = np.arange(36).reshape(6, 6)
    small, note = fit_for_app(image, max_cells=9)
    # 2×2 blocks: the top-left mean (0 + 1 + 6 + 7) / 4 = 3.5 → 4 (round half to even)
    assert small.tolist() == [[4, 6, 8], [16, 18, 20], [28, 30, 32]]
    assert note.startswith("downsampled 6×6 → 3×3 (the mean of each 2×2 block, rounded)")
    small, note = fit_for_app(np.arange(10.0), max_cells=3)
    assert small.tolist() == [1.0, 4.0, 7.0]  # blocks of 3; the last value left out
    assert "the last 1 value left out" in note
    rgb = np.ones((3, 8, 8))
    assert fit_for_app(rgb, max_cells=3 * 16)[0].shape == (3, 4, 4)  # channels stay
    assert fit_for_app(np.ones((2, 1000)), max_cells=100)[0].shape == (1, 100)
    assert fit_for_app(image, max_cells=36) == (image, "")
    with pytest.raises(ValueError, match="max_cells must be a whole number of at least 1"):
        fit_for_app(image, max_cells=0)


def test_pillow_is_imported_only_when_an_image_is_read_or_written():
    import subprocess

    code = (
        "import sys, convtui.files, convtui.samples, convtui.commands.conv; "
        "convtui.files.read_array('sample:noisy-sine'); print('PIL' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"
