"""How long a playground step key takes while the training pane trains in the background.

    python bench/tui_training.py [--keys 40] [--task sobel]

Headless (Pilot), 1-D playground with n = 64 and a 5-tap kernel, focus on the
slide.  For each key (→ and ← alternately) it times, on the wall clock, from the
moment the key is posted to the end of the first repaint of the playground after
it — the latency a learner feels, including any wait for the GIL held by the
training thread and Textual's own refresh timer — and the CPU time the UI thread
spent in that span.  Conditions, in the same run: an unbound key (what Pilot
itself costs), a step key with no training (the playground's own cost), and a
step key while training runs at the pane's default speed (100 updates/s) and
flat out, and while the transposed ``upsample`` task trains at 1000 updates/s
(flat out, its cheap updates can reach a run's cap of 100,000 during the keys).  The
training task defaults to the 2-D Sobel task, the costliest update of the presets.
Goal: ≤ 50 ms for a step key while training runs.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import time
from dataclasses import replace
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from textual.screen import Screen  # noqa: E402

from convtui.app import make_app  # noqa: E402
from convtui.app.screens.playground import PlaygroundScreen  # noqa: E402

REPAINTS: list[tuple[float, float]] = []  # (wall end, UI-thread CPU end) of each repaint


def _record_repaints() -> None:
    original = Screen._compositor_refresh

    def timed(self):
        original(self)
        if isinstance(self, PlaygroundScreen):
            REPAINTS.append((time.perf_counter(), time.thread_time()))

    Screen._compositor_refresh = timed


async def _step_keys(pilot, count: int, keys=("right", "left")) -> tuple[list, list]:
    """Wall latency and UI CPU (ms) of ``count`` step keys (→ and ← in turn)."""
    walls, cpus = [], []
    for i in range(count):
        await pilot.pause(0.03)  # let the previous key settle
        REPAINTS.clear()
        wall0, cpu0 = time.perf_counter(), time.thread_time()
        await pilot.press(keys[i % len(keys)])
        pressed = (time.perf_counter(), time.thread_time())
        for _ in range(25):  # the repaint can land after press() returns
            if REPAINTS:
                break
            await asyncio.sleep(0.002)
        wall, cpu = REPAINTS[0] if REPAINTS else pressed  # an unbound key repaints nothing
        walls.append((wall - wall0) * 1e3)
        cpus.append((cpu - cpu0) * 1e3)
    return walls, cpus


async def run(keys: int, task: str) -> list[tuple[str, list[float], list[float], int]]:
    _record_repaints()
    rng = np.random.default_rng(0)
    signal = ", ".join(f"{v:.2f}" for v in rng.standard_normal(64))
    app = make_app(input=signal, kernel="1, 2, 3, 2, 1")
    rows = []
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        walls, cpus = await _step_keys(pilot, keys, ("z",))
        rows.append(("unbound key (Pilot's cost)", walls, cpus, 0))
        walls, cpus = await _step_keys(pilot, keys)
        rows.append(("no training", walls, cpus, 0))
        conditions = (
            (100, task, "training at 100 updates/s"),
            (0, task, "training flat out"),
            (1000, "upsample", "upsample (transposed) 1000/s"),
        )
        for speed, name, label in conditions:
            await pilot.press("t")
            await pilot.pause()
            training = app.screen
            training.choose_task(name)
            training.speed = speed
            training.config = replace(training.config, steps=10**6)  # never pauses itself
            await pilot.press("space", "t")  # start, then back to the playground
            await pilot.pause(0.2)
            start = training.run.step
            walls, cpus = await _step_keys(pilot, keys)
            made = training.run.step - start
            rows.append((label, walls, cpus, made))
            await pilot.press("t", "space", "t")  # pause it
            await pilot.pause()
    return rows


def _ms(values: list[float], q: float) -> str:
    if not values:
        return "-"
    ordered = sorted(values)
    return f"{ordered[min(int(q * len(ordered)), len(ordered) - 1)]:.1f}"


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--keys", type=int, default=40)
    parser.add_argument("--task", default="sobel")
    args = parser.parse_args(argv)
    rows = asyncio.run(run(args.keys, args.task))
    print(f"playground step key, n = 64, k = 5; training task {args.task!r}; {args.keys} keys each")
    print(
        f"{'condition':<32}{'wall median':>12}{'wall p90':>10}{'UI CPU median':>15}{'updates':>9}"
    )
    for label, walls, cpus, made in rows:
        median = f"{statistics.median(walls):.1f}" if walls else "-"
        cpu = f"{statistics.median(cpus):.1f}" if cpus else "-"
        print(f"{label:<32}{median:>12}{_ms(walls, 0.9):>10}{cpu:>15}{made:>9}")
    print("times in ms, from the key posted to the end of the playground's repaint")


if __name__ == "__main__":
    main()
