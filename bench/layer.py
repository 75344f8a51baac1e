"""The layer engine against torch's CPU convolution: a forward and a backward pass.

One case is ``conv_forward`` + ``conv_backward`` (input, weight and bias gradients)
against ``F.conv2d`` (or ``conv1d``) forward + ``.backward()`` through autograd on
tensors that require gradients, and the transposed pair, ``conv_transpose_forward``
+ ``conv_transpose_backward`` against ``F.conv_transpose2d`` forward + backward.
Same arrays, same dtype.  Contenders are timed interleaved, one sample each per
round in a fresh shuffled order, and each reports its median; a sample is a loop of
calls at least --sample-ms long divided by their count, timed by this process's CPU
time (``--clock wall`` for elapsed time): on a shared machine, time spent waiting for a
core is not the call's.  BLAS and torch run on one thread: ``OMP/OPENBLAS/MKL_NUM_THREADS``
are set before numpy is imported, and ``torch.set_num_threads(1)``.

    python bench/layer.py                 # every case, about a minute
    python bench/layer.py --designs       # and design A (the windows' im2col) beside ours
    python bench/layer.py --quick         # fewer rounds
    python bench/layer.py --alone         # ours without torch in the process, page faults
    python bench/layer.py --sweep         # ours against design A across channel counts
    python bench/layer.py --profile NAME  # where our time goes in one case (cProfile)
"""

from __future__ import annotations

import os
import sys

for _name in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ[_name] = "1"  # BLAS reads its thread count when numpy is first imported

import argparse  # noqa: E402
import random  # noqa: E402
import statistics  # noqa: E402
import time  # noqa: E402
from pathlib import Path  # noqa: E402

import numpy as np  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from convtui import (  # noqa: E402
    conv_backward,
    conv_forward,
    conv_transpose_backward,
    conv_transpose_forward,
)

# name, x shape, weight shape (PyTorch's layout), options, dtype, goal (torch / convtui)
CASES = [
    ("8×3→8, 64², 3×3 f64", (8, 3, 64, 64), (8, 3, 3, 3), {}, np.float64, 1.0),
    ("32×16→32, 32², 3×3 f32", (32, 16, 32, 32), (32, 16, 3, 3), {}, np.float32, 1.0),
    ("32×16→32, 32², 3×3 f64", (32, 16, 32, 32), (32, 16, 3, 3), {}, np.float64, 1.0),
    ("tutor 8×1→1, 64, k=5 f64", (8, 1, 64), (1, 1, 5), {}, np.float64, 3.0),
    ("tutor 8×1→1, 28², 3×3 f64", (8, 1, 28, 28), (1, 1, 3, 3), {}, np.float64, 3.0),
    (
        "layer screen 1×3→8, 64², 3×3 pad 1",
        (1, 3, 64, 64),
        (8, 3, 3, 3),
        {"padding": 1},
        np.float64,
        None,
    ),
    (
        "depthwise 8×16, 32², 3×3 g16 f32",
        (8, 16, 32, 32),
        (16, 1, 3, 3),
        {"groups": 16, "padding": 1},
        np.float32,
        None,
    ),
]
# the transposed pair: x (N, C_in, *n), weight (C_in, C_out, *k), stride 2 (upsampling)
TRANSPOSED = [
    ("T 8×8→3, 32²→65², 3×3 s2 f64", (8, 8, 32, 32), (8, 3, 3, 3), {"stride": 2}, np.float64, 1.0),
    (
        "T 32×32→16, 16²→33², 3×3 s2 f32",
        (32, 32, 16, 16),
        (32, 16, 3, 3),
        {"stride": 2},
        np.float32,
        1.0,
    ),
]


def make_case(x_shape, w_shape, dtype, transposed, options, seed=0):
    rng = np.random.default_rng(seed)
    x = rng.standard_normal(x_shape).astype(dtype)
    weight = rng.standard_normal(w_shape).astype(dtype)
    c_out = w_shape[1] * options.get("groups", 1) if transposed else w_shape[0]
    bias = rng.standard_normal(c_out).astype(dtype)
    forward = conv_transpose_forward if transposed else conv_forward
    grad_output = rng.standard_normal(forward(x, weight, bias, **options).shape).astype(dtype)
    return x, weight, bias, grad_output


def ours(x, weight, bias, grad_output, options, transposed):
    if transposed:

        def call():
            conv_transpose_forward(x, weight, bias, **options)
            conv_transpose_backward(grad_output, x, weight, **options)
    else:

        def call():
            conv_forward(x, weight, bias, **options)
            conv_backward(grad_output, x, weight, **options)

    return call


def theirs(torch, x, weight, bias, grad_output, options, transposed):
    functional = torch.nn.functional
    ndim = x.ndim - 2
    conv = getattr(functional, f"conv_transpose{ndim}d" if transposed else f"conv{ndim}d")
    tx = torch.from_numpy(x).requires_grad_()
    tw = torch.from_numpy(weight).requires_grad_()
    tb = torch.from_numpy(bias).requires_grad_()
    tg = torch.from_numpy(grad_output)

    def call():
        tx.grad = tw.grad = tb.grad = None
        conv(tx, tw, tb, **options).backward(tg)

    return call


def windows_only(call):
    """Our call with the stride-1 product per tap switched off: design A, the windows'
    im2col (one copy of every window into columns, one batched product, a scatter of
    the column gradients tap by tap)."""
    from convtui.engine import layer

    def forced():
        saved = layer._grid
        layer._grid = lambda g: None
        try:
            call()
        finally:
            layer._grid = saved

    return forced


CLOCKS = {"cpu": time.process_time, "wall": time.perf_counter}


def sample(call, sample_s: float, clock) -> float:
    """Seconds per call: a loop at least ``sample_s`` long, divided by its count."""
    count, start = 0, clock()
    while True:
        call()
        count += 1
        elapsed = clock() - start
        if elapsed >= sample_s:
            return elapsed / count


def interleaved(calls: dict, rounds: int, sample_s: float, clock) -> dict:
    for call in calls.values():  # warm up: caches, BLAS buffers, torch's first-call setup
        call()
    times = {name: [] for name in calls}
    for _ in range(rounds):
        order = list(calls)
        random.shuffle(order)
        for name in order:
            times[name].append(sample(calls[name], sample_s, clock))
    return {name: statistics.median(values) for name, values in times.items()}


def _ms(seconds: float) -> str:
    return f"{seconds * 1e3:.3f}" if seconds < 1e-2 else f"{seconds * 1e3:.1f}"


def alone(args) -> int:
    """Ours only, no torch in the process: CPU time and minor page faults per call."""
    import resource

    print(f"numpy {np.__version__}; BLAS threads 1; torch not imported; medians of 9 samples")
    print("| case | convtui ms (CPU) | page faults per call |")
    print("|---|---|---|")
    for (name, x_shape, w_shape, options, dtype, _), transposed in [
        (case, False) for case in CASES
    ] + [(case, True) for case in TRANSPOSED]:
        if args.only and args.only not in name:
            continue
        call = ours(*make_case(x_shape, w_shape, dtype, transposed, options), options, transposed)
        call()
        times, faults = [], []
        for _ in range(9):
            before = resource.getrusage(resource.RUSAGE_SELF).ru_minflt
            start, count = time.process_time(), 0
            while time.process_time() - start < args.sample_ms / 1e3 * 10:
                call()
                count += 1
            times.append((time.process_time() - start) / count)
            faults.append((resource.getrusage(resource.RUSAGE_SELF).ru_minflt - before) / count)
        print(f"| {name} | {_ms(statistics.median(times))} | {statistics.median(faults):.0f} |")
    return 0


def sweep(args) -> int:
    """Design B (ours) against design A across channel counts: where does each win?"""
    rounds = args.rounds or 11
    print(f"16 × C_in × 32², 3×3; {rounds} rounds, medians of {args.clock} time")
    print("| dtype | C_in → C_out | ours (B) ms | design A ms | A / ours |")
    print("|---|---|---|---|---|")
    for dtype in (np.float64, np.float32):
        for c_in, c_out in ((4, 8), (8, 16), (16, 32), (32, 32)):
            arrays = make_case((16, c_in, 32, 32), (c_out, c_in, 3, 3), dtype, False, {})
            call = ours(*arrays, {}, False)
            calls = {"B": call, "A": windows_only(call)}
            medians = interleaved(calls, rounds, args.sample_ms / 1e3, CLOCKS[args.clock])
            print(
                f"| {np.dtype(dtype).name} | {c_in} → {c_out} | {_ms(medians['B'])} | "
                f"{_ms(medians['A'])} | {medians['A'] / medians['B']:.2f} |",
                flush=True,
            )
    return 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="5 rounds instead of 15")
    parser.add_argument("--rounds", type=int, default=None)
    parser.add_argument("--sample-ms", type=float, default=2.0)
    parser.add_argument("--only", default=None, help="cases whose name contains this text")
    parser.add_argument("--profile", metavar="NAME", help="cProfile our call in the case named so")
    parser.add_argument(
        "--designs",
        action="store_true",
        help="also time design A (the windows' im2col, ours before the product per tap) "
        "beside ours",
    )
    parser.add_argument(
        "--clock",
        choices=tuple(CLOCKS),
        default="cpu",
        help="cpu: this process's CPU time (default; steadier on a shared machine, and "
        "both sides run on one thread in this process); wall: elapsed time",
    )
    parser.add_argument(
        "--alone",
        action="store_true",
        help="time ours only, without importing torch (as in the app), with the page "
        "faults per call: torch's own frees change how later arrays are allocated",
    )
    parser.add_argument(
        "--sweep",
        action="store_true",
        help="ours against design A only, 16 × C_in × 32², 3×3, C_in 4 to 32, both dtypes",
    )
    args = parser.parse_args()
    if args.alone:
        return alone(args)
    if args.sweep:
        return sweep(args)
    import torch

    torch.set_num_threads(1)
    rounds = args.rounds or (5 if args.quick else 15)
    cases = [(case, False) for case in CASES] + [(case, True) for case in TRANSPOSED]
    if args.only or args.profile:
        text = args.only or args.profile
        cases = [(case, t) for case, t in cases if text in case[0]]
    if args.profile:
        import cProfile
        import pstats

        (name, x_shape, w_shape, options, dtype, _), transposed = cases[0]
        call = ours(*make_case(x_shape, w_shape, dtype, transposed, options), options, transposed)
        call()
        profiler = cProfile.Profile()
        profiler.enable()
        for _ in range(20):
            call()
        profiler.disable()
        pstats.Stats(profiler).sort_stats("tottime").print_stats(15)
        return 0
    print(
        f"numpy {np.__version__}, torch {torch.__version__}; BLAS and torch threads 1 "
        f"(OMP/OPENBLAS/MKL_NUM_THREADS=1, torch.set_num_threads(1)); "
        f"OPENBLAS_CORETYPE={os.environ.get('OPENBLAS_CORETYPE', 'unset')}; "
        f"{rounds} rounds, medians of {args.clock} time"
    )
    print("| case | convtui ms | torch ms | torch / convtui | goal |")
    print("|---|---|---|---|---|")
    for (name, x_shape, w_shape, options, dtype, goal), transposed in cases:
        arrays = make_case(x_shape, w_shape, dtype, transposed, options)
        calls = {
            "convtui": ours(*arrays, options, transposed),
            "torch": theirs(torch, *arrays, options, transposed),
        }
        designs = args.designs and not transposed
        if designs:
            calls["A"] = windows_only(calls["convtui"])
        medians = interleaved(calls, rounds, args.sample_ms / 1e3, CLOCKS[args.clock])
        ratio = medians["torch"] / medians["convtui"]
        verdict = "–" if goal is None else f"≥ {goal:g} {'✓' if ratio >= goal else '✗'}"
        extra = (
            f" design A {_ms(medians['A'])} ms ({medians['torch'] / medians['A']:.2f})"
            if designs
            else ""
        )
        print(
            f"| {name} | {_ms(medians['convtui'])} | {_ms(medians['torch'])} | "
            f"{ratio:.2f} | {verdict} |{extra}",
            flush=True,
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
