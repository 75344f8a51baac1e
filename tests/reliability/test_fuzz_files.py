"""File fuzzing: corrupt files of every format (truncated, bytes flipped, random bytes,
the wrong extension, a header promising a huge array).  Only FileDataError may come out
of read_array, with one line naming the file; what does read is a valid array."""

import io
import struct
import wave
import zlib

import numpy as np
import pytest

from convtui.files import READABLE, FileDataError, read_array

Image = pytest.importorskip("PIL.Image")

TRUNCATIONS = 40  # per valid file
FLIPS = 60  # per valid file
RANDOM_FILES = 60  # per extension


def wav_bytes(samples, *, width=2, channels=1) -> bytes:
    stream = io.BytesIO()
    with wave.open(stream, "wb") as out:
        out.setnchannels(channels)
        out.setsampwidth(width)
        out.setframerate(8000)
        out.writeframes(samples)
    return stream.getvalue()


def image_bytes(array, fmt, **options) -> bytes:
    stream = io.BytesIO()
    Image.fromarray(array).save(stream, format=fmt, **options)
    return stream.getvalue()


def npy_bytes(array) -> bytes:
    stream = io.BytesIO()
    np.save(stream, array)
    return stream.getvalue()


def valid_files() -> dict[str, bytes]:
    rng = np.random.default_rng(5)
    gray = rng.integers(0, 256, (24, 20), dtype=np.uint8)
    rgb = rng.integers(0, 256, (16, 12, 3), dtype=np.uint8)
    return {
        "int.npy": npy_bytes(np.arange(30).reshape(5, 6)),
        "float.npy": npy_bytes(rng.normal(size=(4, 3, 2))),
        "rows.csv": b"1,2,3\n4,5,6\n7,8,9\n",
        "floats.txt": b"0.5 1e-3 -2\n3 4 5.25\n",
        "mono.wav": wav_bytes(rng.integers(-3000, 3000, 200).astype("<i2").tobytes()),
        "stereo8.wav": wav_bytes(
            rng.integers(0, 256, 100, dtype=np.uint8).tobytes(), width=1, channels=2
        ),
        "gray.png": image_bytes(gray, "PNG"),
        "rgb.png": image_bytes(rgb, "PNG"),
        "gray.jpg": image_bytes(gray, "JPEG"),
        "rgb.bmp": image_bytes(rgb, "BMP"),
        "palette.gif": image_bytes(gray, "GIF"),
    }


def check(path, channels=False) -> bool:
    """Read; True when it read, False on FileDataError; anything else fails the test."""
    try:
        array = read_array(path, channels=channels)
    except FileDataError as exc:
        message = str(exc)
        assert message.startswith(f"{path}: ") and "\n" not in message, message
        return False
    assert isinstance(array, np.ndarray) and 1 <= array.ndim <= 3 and array.size >= 1
    assert array.dtype in (np.int64, np.float64, np.complex128)
    assert np.isfinite(array).all()
    return True


def test_the_valid_files_read(tmp_path):
    for name, data in valid_files().items():
        (tmp_path / name).write_bytes(data)
        assert check(tmp_path / name), name


def test_truncated_files(tmp_path):
    rng = np.random.default_rng(6)
    for name, data in valid_files().items():
        path = tmp_path / name
        for cut in rng.integers(0, len(data), TRUNCATIONS):
            path.write_bytes(data[:cut])
            check(path)
            check(path, channels=True)


def test_flipped_bytes(tmp_path):
    rng = np.random.default_rng(7)
    for name, data in valid_files().items():
        path = tmp_path / name
        for _ in range(FLIPS):
            corrupt = bytearray(data)
            for where in rng.integers(0, len(data), int(rng.integers(1, 6))):
                corrupt[where] = int(rng.integers(0, 256))
            path.write_bytes(bytes(corrupt))
            check(path)


def test_random_bytes_under_every_extension(tmp_path):
    rng = np.random.default_rng(8)
    for suffix in READABLE:
        path = tmp_path / f"random{suffix}"
        for _ in range(RANDOM_FILES):
            path.write_bytes(
                rng.integers(0, 256, int(rng.integers(20, 400)), dtype=np.uint8).tobytes()
            )
            assert not check(path)


def test_every_file_under_every_wrong_extension(tmp_path):
    for name, data in valid_files().items():
        for suffix in READABLE:
            path = tmp_path / f"{name.replace('.', '_')}{suffix}"
            path.write_bytes(data)
            check(
                path
            )  # an image of another format reads (Pillow looks at the bytes); the rest refuse
    (tmp_path / "rows.png").write_bytes(b"1,2,3\n")
    assert not check(tmp_path / "rows.png")


def png_claiming(width: int, height: int) -> bytes:
    """A PNG whose header says width × height, with a correct CRC, and almost no data."""
    ihdr = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    chunk = b"IHDR" + ihdr
    data = zlib.compress(b"\x00" * 10)
    idat = b"IDAT" + data
    return (
        b"\x89PNG\r\n\x1a\n"
        + struct.pack(">I", len(ihdr)) + chunk + struct.pack(">I", zlib.crc32(chunk))
        + struct.pack(">I", len(data)) + idat + struct.pack(">I", zlib.crc32(idat))
        + struct.pack(">I", 0) + b"IEND" + struct.pack(">I", zlib.crc32(b"IEND"))
    )  # fmt: skip


def npy_header(shape: str, descr: str = "<f8") -> bytes:
    """A version 1.0 .npy header (magic, length, dict padded to 64 bytes) for ``shape``."""
    header = f"{{'descr': '{descr}', 'fortran_order': False, 'shape': {shape}, }}"
    header += " " * (-(10 + len(header) + 1) % 64) + "\n"
    return b"\x93NUMPY\x01\x00" + struct.pack("<H", len(header)) + header.encode()


def test_headers_promising_huge_arrays(tmp_path):
    (tmp_path / "huge.npy").write_bytes(npy_header("(1000000000000,)") + b"\x00" * 24)
    assert "too big" in pytest.raises(FileDataError, read_array, tmp_path / "huge.npy").value.reason

    (tmp_path / "short.npy").write_bytes(npy_header("(1000,)") + b"\x00" * 80)
    assert (
        "is not a valid .npy file"
        in pytest.raises(FileDataError, read_array, tmp_path / "short.npy").value.reason
    )  # the header promises 1000 values; 10 are there
    (tmp_path / "long_header.npy").write_bytes(
        b"\x93NUMPY\x02\x00" + struct.pack("<I", 2**31) + b"{"
    )
    assert not check(tmp_path / "long_header.npy")

    wav = bytearray(wav_bytes(b"\x00\x00" * 10))
    wav[40:44] = struct.pack("<I", 2**32 - 2)  # the data chunk's size: 2 billion samples
    (tmp_path / "huge.wav").write_bytes(bytes(wav))
    assert not check(tmp_path / "huge.wav")

    for width, height in ((100_000, 100_000), (2**31 - 1, 1), (40_000, 40_000), (9000, 9000)):
        (tmp_path / "huge.png").write_bytes(png_claiming(width, height))
        assert not check(tmp_path / "huge.png")

    bmp = bytearray(image_bytes(np.zeros((2, 2), dtype=np.uint8), "BMP"))
    bmp[18:26] = struct.pack("<ii", 60_000, 60_000)
    (tmp_path / "huge.bmp").write_bytes(bytes(bmp))
    assert not check(tmp_path / "huge.bmp")

    gif = bytearray(image_bytes(np.zeros((2, 2), dtype=np.uint8), "GIF"))
    gif[6:10] = struct.pack("<HH", 65535, 65535)
    (tmp_path / "huge.gif").write_bytes(bytes(gif))
    check(tmp_path / "huge.gif")  # Pillow may read the 2×2 frame inside: either way, no crash

    (tmp_path / "huge.csv").write_bytes(b"1," * 10 + b"1\n" + b"2\n")
    assert not check(tmp_path / "huge.csv")  # ragged
