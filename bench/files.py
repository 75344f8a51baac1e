"""Reading and writing files (convtui.files) against the plain library call, in the same run.

Each row reads (or writes) one file both ways: ``read_array`` / ``write_array`` and
the peer a script would call (Pillow's ``np.asarray(Image.open(p).convert("L"))``,
``np.load``, ``np.loadtxt``, ``wave`` + ``np.frombuffer``; Pillow's ``save``,
``np.save``, ``np.savetxt``, to a file in the same folder).  Contenders are timed
interleaved (one sample each per round, shuffled order) and the medians compared:
ours / peer is what the checks, conversions and the one-line errors cost.

    python bench/files.py              # 1024×1024 images and tables, 1,000,000 samples
    python bench/files.py --rounds 5   # fewer rounds
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import tempfile
import time
import wave
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from PIL import Image  # noqa: E402

from convtui.files import read_array, write_array  # noqa: E402


def median_times(contenders: dict, rounds: int) -> dict[str, float]:
    samples = {name: [] for name in contenders}
    for _ in range(rounds):
        order = list(contenders)
        random.shuffle(order)
        for name in order:
            start = time.perf_counter()
            contenders[name]()
            samples[name].append(time.perf_counter() - start)
    return {name: statistics.median(times) for name, times in samples.items()}


def wav_peer(path):
    with wave.open(str(path)) as stream:
        return np.frombuffer(stream.readframes(stream.getnframes()), "<i2").astype(np.int64)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=15)
    args = parser.parse_args()
    rng = np.random.default_rng(0)
    folder = Path(tempfile.mkdtemp())
    gray = rng.integers(0, 256, (1024, 1024), dtype=np.uint8)
    rgb = rng.integers(0, 256, (1024, 1024, 3), dtype=np.uint8)
    Image.fromarray(gray).save(folder / "gray.png")
    Image.fromarray(rgb).save(folder / "rgb.jpg", quality=90)
    np.save(folder / "gray.npy", gray.astype(np.int64))
    np.savetxt(folder / "gray.csv", gray, fmt="%d", delimiter=",")
    floats = rng.normal(size=(512, 512))
    np.savetxt(folder / "floats.csv", floats, fmt="%.17g", delimiter=",")
    samples = rng.integers(-30000, 30000, 1_000_000).astype("<i2")
    with wave.open(str(folder / "rec.wav"), "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(44100)
        out.writeframes(samples.tobytes())

    def fresh(name):  # write_array refuses to write over a file without force
        return folder / "out" / name

    (folder / "out").mkdir()
    rows = [
        ("read 1024² gray .png", lambda: read_array(folder / "gray.png"),
         lambda: np.asarray(Image.open(folder / "gray.png").convert("L")).astype(np.int64)),
        ("read 1024² RGB .jpg (L)", lambda: read_array(folder / "rgb.jpg"),
         lambda: np.asarray(Image.open(folder / "rgb.jpg").convert("L")).astype(np.int64)),
        ("read 1024² .npy", lambda: read_array(folder / "gray.npy"),
         lambda: np.load(folder / "gray.npy", allow_pickle=False)),
        ("read 1024² int .csv", lambda: read_array(folder / "gray.csv"),
         lambda: np.loadtxt(folder / "gray.csv", delimiter=",", dtype=np.int64)),
        ("read 512² float .csv", lambda: read_array(folder / "floats.csv"),
         lambda: np.loadtxt(folder / "floats.csv", delimiter=",")),
        ("read 1e6-sample .wav", lambda: read_array(folder / "rec.wav"),
         lambda: wav_peer(folder / "rec.wav")),
        ("write 1024² .png (rescale)",
         lambda: write_array(fresh("a.png"), gray.astype(np.int64) * 4 - 3, force=True),
         lambda: Image.fromarray(gray).save(folder / "peer.png")),
        ("write 1024² .npy", lambda: write_array(fresh("a.npy"), gray, force=True),
         lambda: np.save(folder / "peer.npy", gray)),
        ("write 512² float .csv", lambda: write_array(fresh("a.csv"), floats, force=True),
         lambda: np.savetxt(folder / "peer.csv", floats, fmt="%.17g", delimiter=",")),
    ]  # fmt: skip
    print(f"{'row':<28} {'ours ms':>9} {'peer ms':>9} {'ours/peer':>9}")
    for name, ours, peer in rows:
        times = median_times({"ours": ours, "peer": peer}, args.rounds)
        print(
            f"{name:<28} {times['ours'] * 1e3:9.1f} {times['peer'] * 1e3:9.1f} "
            f"{times['ours'] / times['peer']:9.2f}"
        )


if __name__ == "__main__":
    main()
