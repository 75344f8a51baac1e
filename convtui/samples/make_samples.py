"""Make the sample files: ``python -m convtui.samples.make_samples [--force]``.

numpy arithmetic and one seeded generator, so the pixels and samples are the
same on every machine (tests/test_files.py checks the shipped files against
:func:`arrays`).  Written through :func:`convtui.files.write_array` (Pillow).
"""

from __future__ import annotations

import sys

import numpy as np

SEED = 17


def checker() -> np.ndarray:
    """64×64: 8-pixel squares of 0 and 255, a disc of 128 (radius 20) in the middle."""
    rows, cols = np.indices((64, 64))
    image = np.where((rows // 8 + cols // 8) % 2 == 0, 0, 255)
    image[(rows - 31.5) ** 2 + (cols - 31.5) ** 2 <= 20**2] = 128
    return image.astype(np.int64)


def shapes() -> np.ndarray:
    """128×128: a left-to-right gradient 40..167 with four shapes of flat grey."""
    rows, cols = np.indices((128, 128))
    image = 40 + cols
    image[16:52, 16:52] = 255  # a bright square
    image[(rows - 88) ** 2 + (cols - 36) ** 2 <= 22**2] = 0  # a dark disc
    triangle = (rows >= 70) & (rows <= 116) & (np.abs(cols - 96) <= (rows - 70) // 2)
    image[triangle] = 210
    line = (np.abs(rows - (cols - 64) // 2) <= 1) & (cols >= 64) & (rows < 60)
    image[line] = 20  # a thin dark line
    return image.astype(np.int64)


def scene() -> np.ndarray:
    """256×256×RGB as (3, H, W): sky, sun, hills with seeded grass texture, a house."""
    rng = np.random.default_rng(SEED)
    rows, cols = np.indices((256, 256))
    red = 90 + rows * 0.35
    green = 150 + rows * 0.25
    blue = np.full((256, 256), 235.0)
    sun = (rows - 50) ** 2 + (cols - 200) ** 2 <= 24**2
    red[sun], green[sun], blue[sun] = 250, 220, 90
    hills = rows > 150 + 20 * np.sin(cols / 40.0) + 10 * np.sin(cols / 13.0)
    grass = rng.integers(-25, 26, size=(256, 256))
    red[hills] = 60 + grass[hills]
    green[hills] = 150 + grass[hills]
    blue[hills] = 50 + grass[hills] // 2
    wall = (rows >= 150) & (rows < 220) & (cols >= 50) & (cols < 130)
    red[wall], green[wall], blue[wall] = 190, 70, 60
    roof = (rows >= 110) & (rows < 150) & (np.abs(cols - 90) <= (rows - 110) * 1.2)
    red[roof], green[roof], blue[roof] = 70, 50, 50
    windows = wall & (((cols - 60) % 40 < 18) & ((rows - 165) % 50 < 18)) & (rows < 200)
    red[windows], green[windows], blue[windows] = 240, 230, 150
    door = (rows >= 180) & (rows < 220) & (cols >= 82) & (cols < 98)
    red[door], green[door], blue[door] = 80, 40, 20
    image = np.stack([red, green, blue])
    return np.clip(np.round(image), 0, 255).astype(np.int64)


def noisy_sine() -> np.ndarray:
    """2000 samples (2 s at 1000/s): 8000·sin(2π·5t) plus normal noise of σ 1500."""
    rng = np.random.default_rng(SEED)
    t = np.arange(2000) / 1000
    signal = 8000 * np.sin(2 * np.pi * 5 * t) + rng.normal(0, 1500, size=t.size)
    return np.round(signal).astype(np.int64)


def arrays() -> dict[str, np.ndarray]:
    """Each sample's values by name, as ``read_array`` reads them back (scene: channels)."""
    return {"checker": checker(), "shapes": shapes(), "scene": scene(), "noisy-sine": noisy_sine()}


RATES = {"noisy-sine": 1000}


def main(argv: list[str]) -> int:
    from ..files import FileDataError, write_array
    from . import SAMPLES, sample_path

    force = "--force" in argv
    for name, values in arrays().items():
        try:
            print(write_array(sample_path(name), values, force=force, sample_rate=RATES.get(name)))
        except FileDataError as exc:
            print(exc, file=sys.stderr)
            return 2
    assert set(SAMPLES) == set(arrays())
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
