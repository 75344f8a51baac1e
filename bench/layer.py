"""The layer engine against torch's CPU convolution: a forward and a backward pass.

One case is ``conv_forward`` + ``conv_backward`` (input, weight and bias gradients)
against ``F.conv2d`` (or ``conv1d``) forward + ``.backward()`` through autograd on
tensors that require gradients, and the transposed pair, ``conv_transpose_forward``
+ ``conv_transpose_backward`` against ``F.conv_transpose2d`` forward + backward.
Same arrays, same dtype.  Contenders are timed interleaved, one sample each per
round in a fresh shuffled order, and each reports its median; a sample is a loop of
calls at least --sample-ms long divided by their count, timed by this process's CPU
time (``--clock wall`` for elapsed time): on a shared machine, time spent waiting for a
core is not the call's.  BLAS and torch run on one
thread: ``OMP/OPENBLAS/MKL_NUM_THREADS`` are set before numpy is imported, and
``torch.set_num_threads(1)``.

    python bench/layer.py                 # every case, about 2 minutes
    python bench/layer.py --quick         # fewer rounds
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


def per_tap(x, weight, bias, grad_output):
    """Design B, for the record: no columns; per kernel tap one matrix product over the
    channels (``W_t @ X_t``, batched over N) accumulated into the output, and the same
    per tap for both gradients.  Stride 1, no padding, groups 1 only."""
    from convtui.engine import layer

    g = layer._layer_plan(x.shape, weight.shape, 1, 0, 1, 1)
    run, offsets, flat_length = layer._grid(g)
    n, c_in = x.shape[:2]
    c_out = weight.shape[0]
    taps = weight.reshape(c_out, c_in, -1).transpose(2, 0, 1).copy()  # (taps, C_out, C_in)
    crop = (Ellipsis,) + tuple(slice(0, o) for o in g.output_shape[1:])

    def call():
        flat = np.zeros((n, c_in, flat_length), dtype=x.dtype)
        flat[:, :, : x[0, 0].size] = x.reshape(n, c_in, -1)
        out = np.empty((n, c_out, run), dtype=x.dtype)
        step = np.empty_like(out)
        np.matmul(taps[0], flat[:, :, :run], out=out)
        for tap in range(1, len(offsets)):
            np.matmul(taps[tap], flat[:, :, offsets[tap] : offsets[tap] + run], out=step)
            out += step
        result = np.ascontiguousarray(
            out.reshape((n, c_out, g.output_shape[0]) + g.padded_shape[1:])[crop]
        )
        result += bias.reshape((c_out,) + (1,) * g.ndim)
        grads = np.zeros((n, c_out, g.output_shape[0]) + g.padded_shape[1:], dtype=x.dtype)
        grads[crop] = grad_output
        grads = grads.reshape(n, c_out, run)
        grad_flat = np.zeros_like(flat)
        back = np.empty((n, c_in, run), dtype=x.dtype)
        grad_taps = np.empty_like(taps)
        for tap, offset in enumerate(offsets):
            window = flat[:, :, offset : offset + run]
            grad_taps[tap] = np.matmul(grads, window.transpose(0, 2, 1)).sum(axis=0)
            np.matmul(taps[tap].T, grads, out=back)
            grad_flat[:, :, offset : offset + run] += back
        return result, grad_flat, grad_taps

    return call


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
        help="also time design B (per-tap products, no columns) beside ours, at stride 1 "
        "without padding or groups",
    )
    parser.add_argument(
        "--clock",
        choices=tuple(CLOCKS),
        default="cpu",
        help="cpu: this process's CPU time (default; steadier on a shared machine, and "
        "both sides run on one thread in this process); wall: elapsed time",
    )
    args = parser.parse_args()
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
        designs = args.designs and not transposed and not options
        if designs:
            calls["B"] = per_tap(*arrays)
        medians = interleaved(calls, rounds, args.sample_ms / 1e3, CLOCKS[args.clock])
        ratio = medians["torch"] / medians["convtui"]
        verdict = "–" if goal is None else f"≥ {goal:g} {'✓' if ratio >= goal else '✗'}"
        extra = (
            f" design B {_ms(medians['B'])} ms ({medians['torch'] / medians['B']:.2f})"
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
