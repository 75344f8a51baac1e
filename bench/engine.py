"""convtui.convolve(method="auto") against the fastest peer, measured in the same run.

Peers: numpy.convolve (1-D), scipy.signal.convolve with method auto / direct / fft, and
scipy.signal.oaconvolve.  Each case reports the median of several runs for every
callable, the best peer, and ours / best.  The callables of a case are timed
interleaved, round-robin (one call each per round, many rounds, in a shuffled
order each round), so that a slow spell of a shared machine hits every contender alike.
A peer whose direct work (multiply-adds) would exceed --direct-cap is not timed: it
cannot be the fastest there (an FFT peer is orders of magnitude faster), and timing
it would take minutes.

    python bench/engine.py            # the full grid (several minutes)
    python bench/engine.py --quick    # a smaller grid
    python bench/engine.py --overhead # call overhead on tiny inputs only
"""

from __future__ import annotations

import argparse
import math
import random
import statistics
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import scipy.signal as ss  # noqa: E402

import convtui  # noqa: E402


def race(
    callables: dict, budget: float = 1.5, min_rounds: int = 7, max_rounds: int = 41
) -> dict[str, float]:
    """Median time of each callable, timed round-robin: one call each per round."""
    names = list(callables)
    for name in names:
        callables[name]()  # warm up (FFT plans, caches)
    times: dict[str, list[float]] = {name: [] for name in names}
    order = random.Random(len(names))
    start = time.perf_counter()
    rounds = 0
    while rounds < min_rounds or (rounds < max_rounds and time.perf_counter() - start < budget):
        # a fresh order each round: a call that follows one that freed big arrays pays
        # for the memory the system took back, so none may always follow the same one
        order.shuffle(names)
        for name in names:
            t0 = time.perf_counter()
            callables[name]()
            times[name].append(time.perf_counter() - t0)
        rounds += 1
    return {name: statistics.median(values) for name, values in times.items()}


def cases(quick: bool):
    ns = [100, 1000, 10_000, 100_000, 1_000_000]
    ks = [3, 16, 128, 1024, 4096]
    sizes = [32, 128, 512, 2048]
    kernels = [3, 7, 15, 41]
    if quick:
        ns, ks, sizes, kernels = [1000, 100_000], [3, 128, 4096], [128, 512], [3, 15]
    for mode in ("full", "same", "valid"):
        for n in ns:
            for k in ks:
                if k <= n:
                    yield (n,), (k,), mode
        for n in sizes:
            for k in kernels:
                if k <= n:
                    yield (n, n), (k, k), mode


def peers(x, w, mode, direct_cap):
    macs = x.size * w.size
    out = {}
    if x.ndim == 1 and macs <= direct_cap:
        out["np.convolve"] = lambda: np.convolve(x, w, mode)
    out["scipy auto"] = lambda: ss.convolve(x, w, mode, method="auto")
    if macs <= direct_cap:
        out["scipy direct"] = lambda: ss.convolve(x, w, mode, method="direct")
    out["scipy fft"] = lambda: ss.convolve(x, w, mode, method="fft")
    out["scipy oaconvolve"] = lambda: ss.oaconvolve(x, w, mode)
    return out


def run_grid(args) -> list[dict]:
    rng = np.random.default_rng(0)
    rows = []
    for xs, ks, mode in cases(args.quick):
        x = rng.standard_normal(xs)
        w = rng.standard_normal(ks)
        contenders = {"ours": lambda x=x, w=w, mode=mode: convtui.convolve(x, w, mode)}
        contenders.update(peers(x, w, mode, args.direct_cap))
        timings = race(contenders)
        ours = timings.pop("ours")
        best_name = min(timings, key=timings.get)
        row = {
            "input": "×".join(map(str, xs)),
            "kernel": "×".join(map(str, ks)),
            "mode": mode,
            "method": convtui.choose_method(x, w, mode),
            "ours": ours,
            "best": timings[best_name],
            "best_name": best_name,
            "scipy_auto": timings["scipy auto"],
        }
        rows.append(row)
        print(
            f"{row['input']:>9} {row['kernel']:>7} {mode:>5} {row['method']:>6} "
            f"ours {ours * 1e3:9.3f} ms  best {row['best'] * 1e3:9.3f} ms ({best_name})  "
            f"ratio {ours / row['best']:5.2f}  "
            f"scipy-auto/best {row['scipy_auto'] / row['best']:5.2f}",
            flush=True,
        )
    return rows


def overhead() -> dict:
    x, w = np.arange(8.0), np.array([1.0, 2.0, 3.0])

    def repeat(fn, count=100):
        def run():
            for _ in range(count):
                fn()

        return run

    timings = race(
        {
            "np.convolve": repeat(lambda: np.convolve(x, w)),
            "convtui": repeat(lambda: convtui.convolve(x, w)),
            "scipy auto": repeat(lambda: ss.convolve(x, w)),
        },
        budget=1.0,
        min_rounds=21,
        max_rounds=201,
    )
    return {name: t / 100 for name, t in timings.items()}


def summarize(rows: list[dict]) -> None:
    considered = [r for r in rows if r["best"] >= 1e-4]
    ratios = [r["ours"] / r["best"] for r in considered]
    scipy_ratios = [r["scipy_auto"] / r["best"] for r in considered]
    print()
    print(f"cases where the best peer needs >= 0.1 ms: {len(considered)} of {len(rows)}")
    if ratios:
        gm = math.exp(statistics.fmean(math.log(r) for r in ratios))
        sgm = math.exp(statistics.fmean(math.log(r) for r in scipy_ratios))
        print(f"ours / best peer:   geometric mean {gm:.3f}, worst {max(ratios):.2f}")
        print(f"scipy auto / best:  geometric mean {sgm:.3f}, worst {max(scipy_ratios):.2f}")
        worst = sorted(considered, key=lambda r: r["ours"] / r["best"])[-5:]
        print("worst cases:")
        for r in worst:
            print(
                f"  {r['input']} * {r['kernel']} {r['mode']}: {r['method']} "
                f"{r['ours'] / r['best']:.2f}× {r['best_name']}"
            )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--overhead", action="store_true")
    parser.add_argument("--direct-cap", type=float, default=2e9)
    args = parser.parse_args()
    print(f"numpy {np.__version__}, scipy {ss.__name__} {__import__('scipy').__version__}")
    o = overhead()
    print(
        "tiny input (8 * 3) call time: "
        + ", ".join(f"{k} {v * 1e6:.1f} µs" for k, v in o.items())
        + f"; extra over np.convolve: {(o['convtui'] - o['np.convolve']) * 1e6:.1f} µs"
    )
    if args.overhead:
        return
    summarize(run_grid(args))


if __name__ == "__main__":
    main()
