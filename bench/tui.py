"""App speed: cold start to the first complete frame, and the CPU time a step key costs.

Run: ``python bench/tui.py`` (``--runs N`` for more repeats).

* Cold start: wall time from starting a fresh ``python`` process that builds the app
  and runs it headless, to its first complete frame (the first moment what it has sent
  to the terminal is what it shows once idle), and for reference to its first idle
  moment and to the process's end; against a bare Textual app with a Footer,
  interleaved, same run, with bytecode cached as an installed copy has it.  Median of
  ``--runs``.  ``--cold-only`` stops after this table.
* Step key: process CPU time (all threads) from sending the Right key until the app
  is idle again with the repaint done, under Pilot, with the matrix pane visible
  (160×50), at n = 64 (1-D) and a 64×64 image; against the same key in a bare app
  whose binding updates one Static (the floor: Pilot's own polling and one repaint).
  Medians of 40 keys.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

BARE = """
from textual.app import App
from textual.binding import Binding
from textual.widgets import Footer, Static

class Bare(App):
    BINDINGS = [Binding("right", "step", "Step"), Binding("q", "quit", "Quit")]
    def compose(self):
        yield Static("0", id="n")
        yield Footer()
    def action_step(self):
        n = self.query_one("#n")
        n.update(str(int(str(n.render())) + 1))
"""

CHILD = {
    "bare": BARE + "\napp = Bare()\n",
    # the same bare app importing what any numpy-and-plotext app must (the project card)
    "imports": "import numpy, textual_plotext\n" + BARE + "\napp = Bare()\n",
    "convtui": "from convtui.app import make_app\napp = make_app()\n",
}
RUN_TO_FIRST_FRAME = """
import time
from textual.app import App
from textual._compositor import ChopsUpdate, LayoutUpdate

shown = [" " * 120] * 40  # the text the app has sent to its (headless) driver so far
frames = []  # (time, text) after every update
_display = App._display
def display(self, screen, update):
    if isinstance(update, LayoutUpdate):
        for y, line in enumerate(update.strips, update.region.y):
            shown[y] = "".join(strip.text for strip in line)
    elif isinstance(update, ChopsUpdate):
        for y, _, _ in update.spans:
            for x, strip in update.chops[y].items():
                if strip is not None:
                    text = strip.text
                    shown[y] = shown[y][:x] + text + shown[y][x + len(text):]
    if isinstance(update, (LayoutUpdate, ChopsUpdate)):
        frames.append((time.perf_counter(), list(shown)))
    return _display(self, screen, update)
App._display = display

async def first_frame(pilot):
    await pilot.pause()
    global idle, final
    idle = time.perf_counter()
    final = [strip.text for strip in pilot.app.screen._compositor.render_strips()]
    pilot.app.exit()
app.run(headless=True, size=(120, 40), auto_pilot=first_frame)
# the first moment the screen showed what the idle app shows (else the idle time)
print(next((t for t, text in frames if text == final), idle), idle)
"""


# Start as an installed copy does: `pip install` compiles every module to bytecode.  Some
# machines (this project's VMs) set PYTHONDONTWRITEBYTECODE=1, and then every start of the
# source tree compiled convtui's ~40 modules again (about 0.1 s); the children cache
# bytecode in a scratch folder instead, filled by one warm-up start of each kind.
BYTECODE_ENV = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
BYTECODE_ENV["PYTHONPYCACHEPREFIX"] = str(Path(tempfile.gettempdir()) / "convtui-bench-pyc")


def cold_start(kind: str) -> tuple[float, float, float]:
    """Seconds from starting ``python`` to the first complete frame, to the app's first
    idle moment (Pilot's first ``pause()``), and to the process's end.

    The child reads the same clock (``perf_counter`` is CLOCK_MONOTONIC on Linux, shared
    by every process).  The first complete frame is the first moment the updates sent to
    the terminal add up to what the idle app shows: the start-up a user waits for.  The process's
    end adds the interpreter's own teardown after the app has exited.
    """
    code = CHILD[kind] + RUN_TO_FIRST_FRAME
    start = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-c", code],
        check=True,
        cwd=ROOT,
        capture_output=True,
        text=True,
        env=BYTECODE_ENV,
    )
    end = time.perf_counter()
    complete, idle = (float(t) for t in done.stdout.split()[-2:])
    return complete - start, idle - start, end - start


async def key_cpu(pilot, key: str, keys: int) -> list[float]:
    """Process CPU time of each of ``keys`` presses of ``key``, until the app is idle."""
    times = []
    for _ in range(keys):
        t0 = time.process_time()
        await pilot.press(key)
        await pilot.pause()
        times.append(time.process_time() - t0)
    return times


async def step_cpu(app, keys: int) -> list[float]:
    async with app.run_test(size=(160, 50)) as pilot:
        await pilot.pause()
        return await key_cpu(pilot, "right", keys)


def bare_app():
    namespace: dict = {}
    exec(BARE, namespace)
    return namespace["Bare"]()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--keys", type=int, default=40)
    parser.add_argument("--cold-only", action="store_true", help="only the cold start")
    args = parser.parse_args()

    import numpy as np

    from convtui.app import make_app
    from convtui.engine.setup import Setup

    ours, bare, imports = [], [], []
    for kind in CHILD:
        cold_start(kind)  # warm-up: bytecode written, files in the page cache
    for _ in range(args.runs):
        bare.append(cold_start("bare"))
        ours.append(cold_start("convtui"))
        imports.append(cold_start("imports"))
    print(f"median of {args.runs} runs (cold start) and {args.keys} keys (step)")
    # the floor: a bare Textual app with a Footer that imports what convtui's card
    # names (numpy and textual-plotext) before its first frame
    print(
        "| measure | convtui | floor: bare app importing numpy + textual-plotext | ratio | goal |"
    )
    print("|---|---|---|---|---|")
    i = statistics.median(run[0] for run in imports)
    o = statistics.median(run[0] for run in ours)
    print(
        f"| cold start to the first complete frame | {o * 1000:.0f} ms | {i * 1000:.0f} ms "
        f"| {o / i:.2f}× | ≤ 1.25× |"
    )
    b = statistics.median(run[0] for run in bare)
    print(
        f"| (reference) against the bare app alone, no imports | {o * 1000:.0f} ms "
        f"| {b * 1000:.0f} ms | {o / b:.2f}× | |"
    )
    for label, which in (
        ("(reference) cold start to the first idle moment", 1),
        ("(reference) whole process (start, first frame, exit)", 2),
    ):
        b = statistics.median(run[which] for run in bare)
        o = statistics.median(run[which] for run in ours)
        print(f"| {label} | {o * 1000:.0f} ms | {b * 1000:.0f} ms (bare) | {o / b:.2f}× | |")
    if args.cold_only:
        return

    rng = np.random.default_rng(0)
    floor = statistics.median(asyncio.run(step_cpu(bare_app(), args.keys)))
    cases = [
        ("step key, 1-D n=64, k=5", Setup(rng.integers(0, 9, 64), [1, 2, 3, 2, 1]), 20),
        (
            "step key, 2-D 64×64, 3×3",
            Setup(rng.integers(0, 9, (64, 64)), np.ones((3, 3)), "same"),
            50,
        ),
        # issue 9: big inputs must stay responsive
        ("step key, 1-D n=100,000, k=3", Setup(rng.integers(0, 9, 100_000), [1, 2, 1]), 100),
        (
            "step key, 2-D 512×512, 64×64",
            Setup(rng.integers(0, 9, (512, 512)), rng.integers(-1, 2, (64, 64)), "same"),
            100,
        ),
    ]
    for name, setup, goal in cases:
        cpu = statistics.median(asyncio.run(step_cpu(make_app(setup=setup), args.keys)))
        extra = (cpu - floor) * 1000
        print(
            f"| {name} (CPU) | {cpu * 1000:.1f} ms | {floor * 1000:.1f} ms | "
            f"+{extra:.1f} ms over the floor | ≤ {goal} ms |"
        )


# ------------------------------------------------ training pane (issue 5)
# A playground step key while the training pane trains in the background: the code is
# in bench/tui_training.py (run it alone for its options, e.g. --keys 60); a plain
# `python bench/tui.py` runs it after the tables above.


# ------------------------------------------------ layer screen (issue 16)
# A step key (→, the next output cell) on the layer screen with 3 input channels,
# 8 filters of 3×3×3 and a 64×64 picture, every pane visible (160×50), measured as the
# rows above are; goal ≤ 50 ms CPU over the same floor.


async def layer_step_cpu(keys: int) -> list[float]:
    import numpy as np

    from convtui.app import make_app
    from convtui.app.layer_state import LayerSpec, LayerState

    picture = np.random.default_rng(0).integers(0, 9, (3, 64, 64))
    state = LayerState.start(picture, [LayerSpec(out_channels=8, kernel=3)])
    app = make_app(screen="layer")
    async with app.run_test(size=(160, 50)) as pilot:
        while getattr(app.screen, "state", None) is None:
            await pilot.pause()
        app.screen.replace_state(state)
        await pilot.pause()
        return await key_cpu(pilot, "right", keys)


def layer_rows(keys: int = 40) -> None:
    """The row above alone: ``python -c "import sys; sys.path[:0] = ['bench'];
    import tui; tui.layer_rows()"``."""
    floor = statistics.median(asyncio.run(step_cpu(bare_app(), keys)))
    cpu = statistics.median(asyncio.run(layer_step_cpu(keys)))
    print(
        f"| step key, layer screen, 3→8 channels, 64×64, 3×3 (CPU) | {cpu * 1000:.1f} ms "
        f"| {floor * 1000:.1f} ms | +{(cpu - floor) * 1000:.1f} ms over the floor | ≤ 50 ms |"
    )


# ------------------------------------------------ own data (issue 17)
# Open a 1024×1024 photo (a PNG, through the F dialog: typed path, Enter) on a setup
# with a 5×5 kernel: wall time from Enter until the result is computed (in the worker)
# and the screen has repainted with it; goal ≤ 1 s.  Then the step key on it, CPU as
# the rows above (the pictures, and the image view after I); goal ≤ 100 ms over the floor.


def _photo(path: Path) -> None:
    """A photo-like 1024×1024 grey PNG: smooth shading, a few shapes, sensor noise."""
    import numpy as np
    from PIL import Image

    rng = np.random.default_rng(3)
    yy, xx = np.mgrid[0:1024, 0:1024]
    picture = 90 + 60 * np.sin(xx / 97) * np.cos(yy / 131)
    picture[(xx - 600) ** 2 + (yy - 400) ** 2 < 150**2] += 70
    picture[200:500, 100:350] -= 50
    picture += rng.normal(0, 6, picture.shape)
    Image.fromarray(np.clip(picture, 0, 255).astype(np.uint8), "L").save(path)


async def open_photo(path: Path, runs: int, keys: int) -> tuple[list[float], list, list]:
    import numpy as np

    from convtui.app import make_app
    from convtui.app.screens.open_file import OpenFileScreen
    from convtui.engine.kernels import named_kernel
    from convtui.engine.setup import Setup

    opened, pictures, images = [], [], []
    for run in range(runs):
        app = make_app(setup=Setup(np.eye(8, dtype=int), named_kernel("gaussian 5"), "same"))
        async with app.run_test(size=(160, 50)) as pilot:
            await pilot.pause()
            await pilot.press("F")
            while not isinstance(app.screen, OpenFileScreen):
                await pilot.pause()
            field = app.screen.query_one("#file-path")
            field.value = str(path)
            screen = app.get_screen_stack("playground")[0]
            t0 = time.perf_counter()
            await pilot.press("enter")
            while screen.state.result is None or screen.setup.input.shape != (1024, 1024):
                await asyncio.sleep(0.002)
            await pilot.pause()  # the repaint with the result
            opened.append(time.perf_counter() - t0)
            if run == 0:  # the step key: on the pictures, then on the image view
                for times in (pictures, images):
                    if times is images:
                        await pilot.press("4", "I")
                        await pilot.pause()
                    times += await key_cpu(pilot, "right", keys)
    return opened, pictures, images


def own_data_rows(runs: int = 5, keys: int = 40) -> None:
    """The rows above alone: ``python -c "import sys; sys.path[:0] = ['bench'];
    import tui; tui.own_data_rows()"``."""
    with tempfile.TemporaryDirectory() as folder:
        photo = Path(folder) / "photo.png"
        _photo(photo)
        opened, pictures, images = asyncio.run(open_photo(photo, runs, keys))
    floor = statistics.median(asyncio.run(step_cpu(bare_app(), keys)))
    print(
        f"| open a 1024×1024 photo (F, Enter) with a 5×5 kernel, result shown (wall, "
        f"median of {len(opened)}) | {statistics.median(opened) * 1000:.0f} ms | | | ≤ 1000 ms |"
    )
    for name, times in (("pictures", pictures), ("image view, I", images)):
        cpu = statistics.median(times)
        print(
            f"| step key, the 1024×1024 photo, 5×5, {name} (CPU) | {cpu * 1000:.1f} ms "
            f"| {floor * 1000:.1f} ms | +{(cpu - floor) * 1000:.1f} ms over the floor | ≤ 100 ms |"
        )


# ------------------------------------------------ transposed and padding modes (issue 15)
# The step key on a transposed convolution, stride 2, in both readings (gather: → to the
# next output; scatter, after z and End: ← to the input before, where the running sum
# "y so far" adds up the most inputs), every pane visible (160×50), measured
# as the rows above; goals ≤ 20 ms (1-D n=64) and ≤ 50 ms (2-D 64×64) CPU over the floor.
# Also a circular-padded 2-D 64×64 (the slide names the copies under the kernel).


async def reading_step_cpu(setup, reading: str, keys: int) -> list[float]:
    from convtui.app import make_app

    app = make_app(setup=setup)
    async with app.run_test(size=(160, 50)) as pilot:
        await pilot.pause()
        key = "right"
        if reading == "scatter":
            await pilot.press("z", "end")
            await pilot.pause()
            key = "left"
        return await key_cpu(pilot, key, keys)


def transposed_rows(keys: int = 40) -> None:
    """The rows above alone: ``python -c "import sys; sys.path[:0] = ['bench'];
    import tui; tui.transposed_rows()"``."""
    import numpy as np

    from convtui.engine.setup import Setup

    rng = np.random.default_rng(0)
    one = Setup(rng.integers(0, 9, 64), [1, 2, 3, 2, 1], "valid", stride=2, transposed=True)
    two = Setup(rng.integers(0, 9, (64, 64)), np.ones((3, 3)), "valid", stride=2, transposed=True)
    circular = Setup(rng.integers(0, 9, (64, 64)), np.ones((3, 3)), padding_mode="circular")
    cases = [
        ("1-D n=64, k=5, stride 2, gather", one, "gather", 20),
        ("1-D n=64, k=5, stride 2, scatter (z, End, ←)", one, "scatter", 20),
        ("2-D 64×64, 3×3, stride 2, gather", two, "gather", 50),
        ("2-D 64×64, 3×3, stride 2, scatter (z, End, ←)", two, "scatter", 50),
        ("2-D 64×64, 3×3, full, circular padding", circular, "gather", 50),
    ]
    floor = statistics.median(asyncio.run(step_cpu(bare_app(), keys)))
    for name, setup, reading, goal in cases:
        cpu = statistics.median(asyncio.run(reading_step_cpu(setup, reading, keys)))
        label = f"transposed {name}" if setup.transposed else name
        print(
            f"| step key, {label} (CPU) | {cpu * 1000:.1f} ms | {floor * 1000:.1f} ms "
            f"| +{(cpu - floor) * 1000:.1f} ms over the floor | ≤ {goal} ms |"
        )


if __name__ == "__main__":
    main()  # cold start and the playground's step keys (--cold-only: cold start only)
    if "--cold-only" not in sys.argv:
        import tui_training  # bench/ is on sys.path when this file runs as a script

        tui_training.main([])
        layer_rows()
        own_data_rows()
        transposed_rows()
