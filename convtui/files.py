"""Arrays from files and back: ``.npy``, ``.csv``/``.txt``, ``.wav`` and images.

Headless: numpy and the engine only; Pillow is imported inside the image
functions, so ``import convtui`` never loads it.  Every problem with a file is a
:class:`FileDataError`, one line that names the file and says what is wrong.

>>> import numpy as np, pathlib, tempfile
>>> folder = pathlib.Path(tempfile.mkdtemp())
>>> print(write_array(folder / "x.csv", np.array([[1, 2], [3, 4]])))  # doctest: +ELLIPSIS
wrote .../x.csv: 2×2 int64
>>> read_array(folder / "x.csv")
array([[1, 2],
       [3, 4]])
>>> read_array("nothing.csv")
Traceback (most recent call last):
...
convtui.files.FileDataError: nothing.csv: no such file
"""

from __future__ import annotations

import contextlib
import io
import math
import os
import re
import secrets
import struct
import warnings
import wave
from pathlib import Path
from tokenize import TokenError

import numpy as np

from .engine.backend import get_memory_limit
from .engine.trace import format_number

__all__ = [
    "IMAGE_EXTENSIONS",
    "PILLOW_HINT",
    "READABLE",
    "WRITABLE",
    "FileDataError",
    "check_out_path",
    "fit_for_app",
    "read_array",
    "resolve_path",
    "sample_rate",
    "write_array",
]

IMAGE_EXTENSIONS = (".png", ".jpg", ".jpeg", ".bmp", ".gif")
READABLE = (".npy", ".csv", ".txt", ".wav", *IMAGE_EXTENSIONS)
WRITABLE = (".npy", ".csv", ".txt", ".wav", ".png", ".bmp", ".jpg", ".jpeg")
PILLOW_HINT = "pip install pillow"
MAX_AXES = 3  # the engine's inputs are 1-D, 2-D or 3-D
WAV_RATE = 8000  # samples per second of a written .wav when none is given
ROLES = ("input", "kernel")


class FileDataError(ValueError):
    """A file that cannot be read or written as an array: ``"<file>: <what is wrong>"``."""

    def __init__(self, path, reason: str):
        self.path = str(path)
        self.reason = reason
        super().__init__(f"{path}: {reason}")


def _human(nbytes: float) -> str:
    for unit in ("bytes", "KiB", "MiB", "GiB"):
        if nbytes < 1024 or unit == "GiB":
            return f"{nbytes:.0f} {unit}" if unit == "bytes" else f"{nbytes:.1f} {unit}"
        nbytes /= 1024
    raise AssertionError("unreachable")


def _listed(extensions) -> str:
    return ", ".join(extensions)


def resolve_path(path) -> Path:
    """The file a path names: ``sample:NAME`` is a sample shipped with convtui.

    >>> resolve_path("sample:checker").name
    'checker.png'
    """
    text = os.fspath(path)
    if isinstance(text, str) and text.startswith("sample:"):
        from .samples import SAMPLES, sample_path

        name = text.removeprefix("sample:")
        if name not in SAMPLES:
            raise FileDataError(text, f"no such sample: the samples are {', '.join(SAMPLES)}")
        return sample_path(name)
    return Path(text).expanduser()


def _extension(shown, path: Path, accepted) -> str:
    suffix = path.suffix.lower()
    if suffix not in accepted:
        what = f"unknown extension {suffix!r}" if suffix else "no extension"
        raise FileDataError(shown, f"{what}: accepted are {_listed(accepted)}")
    return suffix


def _too_big(shown, role: str, count: int, itemsize: int = 8) -> None:
    limit = get_memory_limit()
    if count * itemsize > limit:
        raise FileDataError(
            shown,
            f"too big: {count:,} values would need {_human(count * itemsize)} as the {role}, "
            f"more than the memory limit of {_human(limit)}",
        )


# ---------------------------------------------------------------- reading


def read_array(path, *, role: str = "input", channels: bool = False) -> np.ndarray:
    """The array a file holds, as int64, float64 or complex128.

    - ``.npy``: never with pickles (``allow_pickle=False``); integers become int64.
    - ``.csv`` / ``.txt``: numbers separated by commas, spaces or new lines; each
      line a row of a 2-D array, one row (or one number per line) a 1-D array;
      ``#`` starts a comment.  Integers stay int64, else float64.
    - ``.wav``: PCM, mono or the first channel, the samples as integers (16-bit:
      -32768..32767 exactly; 8-bit: the stored 0..255 minus 128; 24- and 32-bit:
      their integers).  Floating-point WAV is refused.
    - ``.png``, ``.jpg``/``.jpeg``, ``.bmp``, ``.gif`` (the first frame), through
      Pillow: grayscale images read as their pixel values (8-bit: 0-255 exactly);
      colour as Pillow's ``"L"`` conversion, or with ``channels=True`` a
      ``(C, H, W)`` array of the R, G, B planes (grayscale: one plane).  Alpha is
      ignored.

    ``path`` may be ``sample:NAME`` (see :data:`convtui.samples.SAMPLES`).  NaN and
    infinity are refused, as is anything over the engine's memory limit; ``role``
    (``"input"`` or ``"kernel"``) is what that message calls the array.  The
    array is the caller's own (writable).

    Raises
    ------
    FileDataError
        A ValueError whose one-line message names the file and what is wrong.

    Examples
    --------
    >>> read_array("sample:checker").shape
    (64, 64)
    >>> read_array("sample:noisy-sine")[:3]
    array([1652,  759, -308])
    """
    if role not in ROLES:
        raise ValueError(f"role must be one of {', '.join(ROLES)}; got {role!r}")
    shown = os.fspath(path)
    file = resolve_path(path)
    suffix = _extension(shown, file, READABLE)
    try:
        size = file.stat().st_size
    except FileNotFoundError:
        raise FileDataError(shown, "no such file") from None
    except OSError as exc:
        raise FileDataError(shown, f"cannot be read: {exc.strerror or exc}") from None
    if file.is_dir():
        raise FileDataError(shown, "is a folder, not a file")
    if size == 0:
        raise FileDataError(shown, "is empty")
    try:
        if suffix == ".npy":
            array = _read_npy(shown, file, role)
        elif suffix in (".csv", ".txt"):
            array = _read_text(shown, file, role, size)
        elif suffix == ".wav":
            array = _read_wav(shown, file, role)
        else:
            array = _read_image(shown, file, role, channels)
    except PermissionError:
        raise FileDataError(shown, "cannot be read: permission denied") from None
    except (FileDataError, MemoryError):
        raise
    except OSError as exc:
        raise FileDataError(shown, f"cannot be read: {exc.strerror or exc}") from None
    return _checked(shown, array)


def _checked(shown, array: np.ndarray) -> np.ndarray:
    """Numbers only, finite, 1 to 3 axes, not empty; int64, float64 or complex128."""
    kind = array.dtype.kind
    if array.dtype.hasobject or kind not in "biufc":
        raise FileDataError(shown, f"holds {array.dtype} values, not numbers")
    if kind == "u" and array.size and int(array.max()) > np.iinfo(np.int64).max:
        raise FileDataError(shown, "holds an integer too large for int64")
    target = {"b": np.int64, "i": np.int64, "u": np.int64, "f": np.float64, "c": np.complex128}
    array = np.atleast_1d(np.asarray(array, dtype=target[kind]))
    if array.ndim > MAX_AXES:
        raise FileDataError(
            shown, f"has {array.ndim} axes (shape {array.shape}); convtui takes 1, 2 or 3"
        )
    if array.size == 0:
        raise FileDataError(shown, f"holds no numbers (shape {array.shape})")
    if kind in "fc":
        bad = ~np.isfinite(array)
        if bad.any():
            where = tuple(int(i) for i in np.argwhere(bad)[0])
            value = array[where]
            word = "NaN" if np.isnan(value) else "infinity"
            raise FileDataError(shown, f"holds {word} at index {list(where)}: numbers only")
    return array


def _read_npy(shown, file: Path, role: str) -> np.ndarray:
    fmt = np.lib.format
    with open(file, "rb") as stream:
        if stream.read(1) == b"\x80":
            raise FileDataError(shown, "is a pickle, not an array: convtui never loads pickles")
        stream.seek(0)
        try:
            version = fmt.read_magic(stream)
            if version == (1, 0):
                shape, fortran, dtype = fmt.read_array_header_1_0(stream)
            else:
                shape, fortran, dtype = fmt.read_array_header_2_0(stream)
        # numpy parses the header with ast and tokenize, which raise their own errors
        except (ValueError, EOFError, SyntaxError, TypeError, struct.error, TokenError) as exc:
            raise FileDataError(shown, f"is not a valid .npy file ({_first_line(exc)})") from None
        if dtype.hasobject:
            raise FileDataError(
                shown, "holds Python objects (a pickle inside): convtui never loads pickles"
            )
        if dtype.kind not in "biufc" or dtype.shape:
            raise FileDataError(shown, f"holds {dtype} values, not numbers")
        count = math.prod(shape)
        _too_big(shown, role, count, max(8, dtype.itemsize))
        data = stream.read(count * dtype.itemsize)
    if len(data) < count * dtype.itemsize:
        raise FileDataError(
            shown,
            f"is not a valid .npy file (truncated: its header promises {count:,} values, "
            f"it holds {len(data) // dtype.itemsize:,})",
        )
    array = np.frombuffer(bytearray(data), dtype=dtype)  # bytearray: writable
    return array.reshape(shape, order="F" if fortran else "C")


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()
    return text[0][:120] if text else type(exc).__name__


_FIELD_SPLIT = re.compile(r"\s*,\s*|\s+")


def _read_text(shown, file: Path, role: str, size: int) -> np.ndarray:
    # text takes ~8× its bytes while parsed: refuse what the memory limit cannot hold
    limit = get_memory_limit() // 8
    if size > limit:
        raise FileDataError(
            shown,
            f"too big for a text file: {_human(size)} (at most {_human(limit)}); save it as .npy",
        )
    raw = file.read_bytes()
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise FileDataError(
            shown, f"is not text (byte {exc.start + 1} is not UTF-8): expected numbers"
        ) from None
    if "\x00" in text:
        raise FileDataError(shown, "is not text (it holds NUL bytes): expected numbers")
    values = _loadtxt(text)
    if values is None:  # the line-by-line reading below says what is wrong, and where
        values = _read_rows(shown, text, role)
    if values.ndim == 2 and 1 in values.shape:  # one row, or one number a line
        return values.reshape(-1)
    return values


def _loadtxt(text: str) -> np.ndarray | None:
    """numpy's loadtxt (C, fast) on a well-formed table; None for anything it refuses."""
    # an empty field (",," or a comma at either end of a line) would vanish below
    tight = text.replace(" ", "").replace("\t", "").replace("\r", "")
    if (
        ",," in tight
        or ",\n" in tight
        or "\n," in tight
        or tight.strip().startswith(",")
        or tight.strip().endswith(",")
    ):
        return None
    spaced = io.StringIO(text.replace(",", " "))
    for dtype in (np.int64, np.float64):
        spaced.seek(0)
        try:
            with warnings.catch_warnings():  # "input contained no data": said below
                warnings.simplefilter("ignore", UserWarning)
                values = np.loadtxt(spaced, dtype=dtype, comments="#", ndmin=2)
        except ValueError:
            continue
        if not values.size or (dtype is np.float64 and np.abs(values).max() >= 2.0**63):
            return None  # nothing, or maybe an integer past int64: the rows below say
        return values
    return None


def _read_rows(shown, text: str, role: str) -> np.ndarray:
    rows: list[list[str]] = []
    lines: list[int] = []
    for number, line in enumerate(text.splitlines(), start=1):
        line = line.split("#", 1)[0].strip()
        if not line:
            continue
        fields = _FIELD_SPLIT.split(line)
        if "" in fields:
            raise FileDataError(
                shown, f"line {number}: an empty field (two commas, or a comma at the end)"
            )
        if rows and len(fields) != len(rows[0]):
            raise FileDataError(
                shown,
                f"ragged rows: line {number} has {len(fields)} numbers but line {lines[0]} "
                f"has {len(rows[0])}",
            )
        rows.append(fields)
        lines.append(number)
    if not rows:
        raise FileDataError(shown, "holds no numbers (only blank lines or # comments)")
    width = len(rows[0])
    _too_big(shown, role, len(rows) * width)
    tokens = np.array([field for row in rows for field in row])
    try:
        values = tokens.astype(np.int64)
    except OverflowError:
        raise FileDataError(shown, "holds an integer too large for int64") from None
    except ValueError:
        try:
            values = tokens.astype(np.float64)
        except ValueError:
            index = _first_bad(tokens)
            line = lines[index // width]
            raise FileDataError(
                shown,
                f"line {line}: {str(tokens[index])[:40]!r} is not a number"
                + (" (a header? start it with #)" if index < width and line == lines[0] else ""),
            ) from None
    return values.reshape(len(rows), width)


def _first_bad(tokens: np.ndarray) -> int:
    for index, token in enumerate(tokens.tolist()):
        try:
            float(token)
        except ValueError:
            return index
    return 0


def sample_rate(path) -> int:
    """A ``.wav`` file's samples per second (to write a result at the same rate).

    >>> sample_rate("sample:noisy-sine")
    1000
    """
    shown = os.fspath(path)
    file = resolve_path(path)
    try:
        with wave.open(os.fspath(file), "rb") as stream:
            return stream.getframerate()
    except FileNotFoundError:
        raise FileDataError(shown, "no such file") from None
    except Exception as exc:  # noqa: BLE001 — wave raises many types on corrupt chunks
        raise FileDataError(
            shown, f"is not a WAV file convtui can read ({_first_line(exc)})"
        ) from None


def _read_wav(shown, file: Path, role: str) -> np.ndarray:
    try:
        with wave.open(os.fspath(file), "rb") as stream:
            width = stream.getsampwidth()
            nchannels = stream.getnchannels()
            nframes = stream.getnframes()
            if nchannels < 1 or width < 1:
                raise FileDataError(shown, "is not a valid WAV file (no channels or samples)")
            if width > 4:
                raise FileDataError(
                    shown, f"holds {8 * width}-bit samples: convtui reads 8- to 32-bit PCM"
                )
            if nframes == 0:
                raise FileDataError(shown, "is empty: the WAV file holds no samples")
            _too_big(shown, role, nframes)
            data = stream.readframes(nframes)
    except (FileDataError, PermissionError):
        raise
    except wave.Error as exc:
        reason = _first_line(exc)
        if "unknown format" in reason:
            reason += ": convtui reads PCM WAV; save it as 16-bit PCM"
        raise FileDataError(shown, f"is not a WAV file convtui can read ({reason})") from None
    except Exception as exc:  # noqa: BLE001 — wave raises many types on corrupt chunks
        reason = _first_line(exc) if str(exc) else "a chunk is broken"
        if isinstance(exc, EOFError):
            reason = "it ends too soon"
        raise FileDataError(shown, f"is not a WAV file convtui can read ({reason})") from None
    frame = width * nchannels
    if len(data) < nframes * frame:
        raise FileDataError(
            shown,
            f"is truncated: its header promises {nframes:,} samples but it holds "
            f"{len(data) // frame:,}",
        )
    raw = np.frombuffer(data, dtype=np.uint8).reshape(nframes, nchannels, width)[:, 0, :]
    if width == 1:  # 8-bit WAV is unsigned, centred on 128
        return raw[:, 0].astype(np.int64) - 128
    if width == 2:
        return raw.copy().view("<i2").reshape(-1).astype(np.int64)
    if width == 4:
        return raw.copy().view("<i4").reshape(-1).astype(np.int64)
    # 24-bit little-endian: sign-extend into 32 bits
    padded = np.zeros((nframes, 4), dtype=np.uint8)
    padded[:, 1:] = raw
    return (padded.view("<i4").reshape(-1) >> 8).astype(np.int64)


def _pillow(shown):
    try:
        from PIL import Image
    except ImportError:
        raise FileDataError(
            shown, f"reading and writing images needs Pillow: {PILLOW_HINT}"
        ) from None
    return Image


def _read_image(shown, file: Path, role: str, channels: bool) -> np.ndarray:
    Image = _pillow(shown)
    try:
        # the memory limit below decides what is too big; Pillow's warning would repeat it
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            image = Image.open(file)
        with image:
            image.seek(0)  # a GIF's first frame
            width, height = image.size
            planes = 3 if channels and image.mode not in ("L", "I;16", "I", "F", "1") else 1
            _too_big(shown, role, width * height * planes)
            image.load()
            return _pixels(image, channels)
    except (FileDataError, PermissionError):
        raise
    except Image.DecompressionBombError:
        raise FileDataError(shown, "too big: Pillow refuses an image this large") from None
    except Exception as exc:  # noqa: BLE001 — decoders raise many types on corrupt data
        if type(exc).__name__ == "UnidentifiedImageError":
            raise FileDataError(shown, "is not an image Pillow can read") from None
        raise FileDataError(shown, f"is not a valid image ({_first_line(exc)})") from None


def _pixels(image, channels: bool) -> np.ndarray:
    mode = image.mode
    if mode in ("I;16", "I;16L", "I;16B", "I;16N", "I", "F", "L"):
        plane = np.asarray(image)
        return plane[None] if channels else plane
    if mode in ("LA", "La"):
        plane = np.asarray(image.getchannel("L"))
        return plane[None] if channels else plane
    if channels:
        return np.moveaxis(np.asarray(image.convert("RGB")), -1, 0)
    return np.asarray(image.convert("L"))


# ---------------------------------------------------------------- writing


def check_out_path(path, *, force: bool = False) -> Path:
    """Where ``write_array`` would write, or FileDataError: checked before computing.

    Refuses an unknown extension, a sample, a folder that does not exist, and an
    existing file unless ``force``.
    """
    shown = os.fspath(path)
    if isinstance(shown, str) and shown.startswith("sample:"):
        raise FileDataError(shown, "the samples are read-only: write to a file of your own")
    file = Path(shown).expanduser()
    _extension(shown, file, WRITABLE)
    if file.is_dir():
        raise FileDataError(shown, "is a folder: give a file name")
    if not file.parent.is_dir():
        raise FileDataError(shown, f"the folder {os.fspath(file.parent)!r} does not exist")
    if file.exists() and not force:
        raise FileDataError(shown, "already exists: add --force to write over it")
    return file


def write_array(path, array, *, force: bool = False, sample_rate: int | None = None) -> str:
    """Write ``array`` to ``path`` (``.npy``, ``.csv``, ``.txt``, ``.wav``, an image).

    Returns one line saying what was written and any rescaling:

    - ``.npy`` and ``.csv``/``.txt`` hold the values exactly (a 1-D array is one row);
    - ``.wav`` is 16-bit PCM mono at ``sample_rate`` (default 8000 per second):
      values in -32768..32767 as they are (rounded to whole numbers), anything
      wider rescaled so the largest magnitude is 32767;
    - an image (``.png``, ``.bmp``, ``.jpg``) is 8-bit grayscale (2-D) or RGB
      ``(3, H, W)``: values in 0..255 as they are (rounded), anything wider
      rescaled linearly to 0-255 (``"rescaled 0-255 from [-4, 12]"``).  JPEG is
      lossy.

    Nothing is written over an existing file unless ``force``; the file appears
    whole or not at all.

    >>> import pathlib, tempfile
    >>> out = pathlib.Path(tempfile.mkdtemp()) / "edges.png"
    >>> print(write_array(out, np.array([[-4, 0], [8, 12]])))  # doctest: +ELLIPSIS
    wrote .../edges.png: 2×2 grayscale, rescaled 0-255 from [-4, 12]
    >>> read_array(out)
    array([[  0,  64],
           [191, 255]])
    """
    shown = os.fspath(path)
    file = check_out_path(path, force=force)
    array = np.asarray(array)
    if array.dtype.kind not in "biufc" or array.size == 0:
        raise FileDataError(shown, f"nothing to write: {array.dtype} array of shape {array.shape}")
    if array.dtype.kind == "b":
        array = array.astype(np.int64)
    suffix = file.suffix.lower()
    if suffix != ".npy":
        if array.dtype.kind == "c":
            raise FileDataError(shown, "the values are complex: save them as .npy")
        if not np.isfinite(array).all():
            raise FileDataError(shown, "the values hold NaN or infinity: save them as .npy")
    shape = "×".join(str(n) for n in array.shape)
    if suffix == ".npy":
        note = f"{shape} {array.dtype}"
        writer = lambda stream: np.save(stream, array, allow_pickle=False)  # noqa: E731
    elif suffix in (".csv", ".txt"):
        if array.ndim > 2:
            raise FileDataError(
                shown, f"a text file holds 1-D or 2-D, got shape {array.shape}: save it as .npy"
            )
        note = f"{shape} {array.dtype}"
        writer = _text_writer(array, "," if suffix == ".csv" else " ")
    elif suffix == ".wav":
        if array.ndim != 1:
            raise FileDataError(shown, f"a .wav holds a 1-D signal, got shape {array.shape}")
        samples, scale = _to_range(array, -32768, 32767, symmetric=True)
        rate = WAV_RATE if sample_rate is None else int(sample_rate)
        note = f"{shape} samples, 16-bit PCM at {rate}/s{scale}"
        writer = _wav_writer(samples.astype("<i2"), rate)
    else:
        if not (array.ndim == 2 or (array.ndim == 3 and array.shape[0] in (1, 3))):
            raise FileDataError(
                shown,
                f"an image needs shape (H, W) or (3, H, W), got {array.shape}: save it as .npy",
            )
        pixels, scale = _to_range(array, 0, 255, symmetric=False)
        pixels = pixels.astype(np.uint8)
        if pixels.ndim == 3:
            pixels = (
                pixels[0]
                if pixels.shape[0] == 1
                else np.ascontiguousarray(np.moveaxis(pixels, 0, -1))
            )
        kind = "RGB" if pixels.ndim == 3 else "grayscale"
        lossy = " (JPEG is lossy: .png keeps the values)" if suffix in (".jpg", ".jpeg") else ""
        note = f"{'×'.join(str(n) for n in pixels.shape[:2])} {kind}{scale}{lossy}"
        writer = _image_writer(shown, pixels, suffix)
    _write_whole(shown, file, writer)
    return f"wrote {shown}: {note}"


def _to_range(array: np.ndarray, low: int, high: int, *, symmetric: bool):
    """Values as integers in [low, high]: as they are, rounded, or rescaled when outside."""
    lo, hi = array.min(), array.max()
    if array.dtype.kind in "iu" and lo >= low and hi <= high:
        return array.astype(np.int64), ""
    rounded = np.round(array.astype(np.float64))
    if rounded.min() >= low and rounded.max() <= high:
        note = "" if np.array_equal(rounded, array) else ", rounded to whole numbers"
        return rounded.astype(np.int64), note
    span = f"[{format_number(lo)}, {format_number(hi)}]"
    values = array.astype(np.float64)
    if symmetric:
        peak = max(abs(float(lo)), abs(float(hi)))
        scaled = np.round(values * (high / peak)) if peak else np.zeros_like(values)
        return scaled.astype(np.int64), f", rescaled to ±{high} from {span}"
    if hi == lo:
        return np.zeros(
            array.shape, dtype=np.int64
        ), f", every value {format_number(lo)}: written as 0"
    scaled = np.round((values - float(lo)) * ((high - low) / (float(hi) - float(lo)))) + low
    return scaled.astype(np.int64), f", rescaled {low}-{high} from {span}"


def _text_writer(array: np.ndarray, separator: str):
    fmt = "%d" if array.dtype.kind in "iu" else "%.17g"  # %.17g: every float64 exactly
    rows = array.reshape(1, -1) if array.ndim == 1 else array

    def write(stream):
        np.savetxt(stream, rows, fmt=fmt, delimiter=separator)

    return write


def _wav_writer(samples: np.ndarray, rate: int):
    def write(stream):
        with wave.open(stream, "wb") as out:
            out.setnchannels(1)
            out.setsampwidth(2)
            out.setframerate(rate)
            out.writeframes(samples.tobytes())

    return write


def _image_writer(shown, pixels: np.ndarray, suffix: str):
    Image = _pillow(shown)
    formats = {".png": "PNG", ".bmp": "BMP", ".jpg": "JPEG", ".jpeg": "JPEG"}

    def write(stream):
        Image.fromarray(pixels).save(stream, format=formats[suffix])

    return write


def _write_whole(shown, file: Path, writer) -> None:
    """Write to a temporary file beside ``file``, then move it into place."""
    # opened like any new file (so the umask applies), under a name no one else uses
    temporary = file.parent / f".{file.name}.{secrets.token_hex(6)}.part"
    try:
        with open(temporary, "xb") as stream:
            writer(stream)
        os.replace(temporary, file)
    except OSError as exc:
        raise FileDataError(shown, f"cannot be written: {exc.strerror or exc}") from None
    finally:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(temporary)


# ---------------------------------------------------------------- the app's size


def fit_for_app(array, *, max_cells: int) -> tuple[np.ndarray, str]:
    """``array`` small enough for the app: at most ``max_cells`` values, and what was done.

    Larger arrays are downsampled by block means (the mean of each f×f block,
    the same f on every axis so an image keeps its shape; integers rounded back
    to integers); the rows and columns left over at the end are left out.  A
    ``(C, H, W)`` array keeps its channels.  The message is empty when nothing
    changed.

    >>> small, note = fit_for_app(np.arange(16).reshape(4, 4), max_cells=4)
    >>> small
    array([[ 2,  4],
           [10, 12]])
    >>> print(note)  # doctest: +NORMALIZE_WHITESPACE
    downsampled 4×4 → 2×2 (the mean of each 2×2 block, rounded) to fit the app;
    convtui conv computes the full size
    >>> fit_for_app(np.arange(3), max_cells=4)[1]
    ''
    """
    array = np.asarray(array)
    if not isinstance(max_cells, int | np.integer) or max_cells < 1:
        raise ValueError(f"max_cells must be a whole number of at least 1, got {max_cells!r}")
    if array.size <= max_cells:
        return array, ""
    axes = list(range(array.ndim))
    if array.ndim == 3 and array.shape[0] <= 4:  # (C, H, W): the channels stay
        axes = [1, 2]
    factor = 1
    while True:
        factor += 1
        if len(axes) == 1:  # one axis: the factor is known
            factor = max(factor, array.size // (max_cells + 1) + 1)  # smallest f: n // f <= max
        factors = [min(factor, array.shape[a]) if a in axes else 1 for a in range(array.ndim)]
        shape = [n // f for n, f in zip(array.shape, factors)]
        if math.prod(shape) <= max_cells or all(shape[a] == 1 for a in axes):
            break
    trimmed = array[tuple(slice(0, s * f) for s, f in zip(shape, factors))]
    split = [d for s, f in zip(shape, factors) for d in (s, f)]
    means = trimmed.reshape(split).mean(axis=tuple(range(1, 2 * array.ndim, 2)))
    rounded = ""
    if array.dtype.kind in "biu":
        means = np.round(means).astype(np.int64)
        rounded = ", rounded"
    block = "×".join(str(f) for a, f in enumerate(factors) if a in axes)
    before = "×".join(str(n) for n in array.shape)
    after = "×".join(str(n) for n in means.shape)
    left = [n - s * f for n, s, f in zip(array.shape, shape, factors)]
    words = {1: ["values"], 2: ["rows", "columns"], 3: ["planes", "rows", "columns"]}[array.ndim]
    dropped = " and ".join(
        f"{n} {word if n > 1 else word[:-1]}" for n, word in zip(left, words) if n
    )
    dropped = f"; the last {dropped} left out" if dropped else ""
    return means, (
        f"downsampled {before} → {after} (the mean of each {block} block{rounded}{dropped}) "
        "to fit the app; convtui conv computes the full size"
    )
