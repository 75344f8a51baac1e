"""Updates per second of convtui.train_kernel against the same loop in torch autograd.

Both sides get the same data (float64), the same initial kernel and bias, the same
model (a cross-correlation, mode "valid", plus a bias; mean squared error) and the
same optimizer (Adam, lr 0.01).  Each run does ``steps`` updates and reads the loss
back as a Python float at every state, as the training pane does.  "updates/s" is
counted from the first state to the last (the steady rate); "start" is the time to
the first state (our tap table, torch's tensors and first step).  Every number is
the median of --repeats runs, ours and torch's interleaved so that they share the
machine's noise.  torch float32 is shown for reference (ratios are against float64,
the engine's precision).

    python bench/train.py                 # 1 thread for BLAS and torch
    python bench/train.py --threads 2
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path


def _threads_from_argv() -> int:
    for i, arg in enumerate(sys.argv):
        if arg == "--threads" and i + 1 < len(sys.argv):
            return int(sys.argv[i + 1])
        if arg.startswith("--threads="):
            return int(arg.split("=", 1)[1])
    return 1


# BLAS reads its thread count when numpy is first imported
_THREADS = _threads_from_argv()
for _name in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ[_name] = str(_THREADS)

import numpy as np  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from convtui import correlate, train_kernel  # noqa: E402

SIZES = [
    ("8 × 64, k=5", (8, 64), (5,), 400, 3.0),
    ("8 × 28×28, 3×3", (8, 28, 28), (3, 3), 400, 3.0),
    ("64 × 4096, k=9", (64, 4096), (9,), 40, 1.0),
]


def problem(shape, kernel_shape, seed=0):
    rng = np.random.default_rng(seed)
    x = rng.standard_normal(shape)
    hidden = rng.standard_normal(kernel_shape)
    target = np.stack([correlate(example, hidden, "valid") for example in x]) + 0.5
    init = rng.uniform(-0.5, 0.5, kernel_shape)
    return x, target, init


def run_ours(x, target, init, steps):
    t0 = time.perf_counter()
    states = train_kernel(x, target, init.shape, init=init, optimizer="adam", lr=0.01, steps=steps)
    next(states)  # state 0: the tap table is built and the first loss computed
    t1 = time.perf_counter()
    for state in states:
        _ = state.loss
    t2 = time.perf_counter()
    return t1 - t0, (t2 - t1) / steps


def run_torch(torch, x, target, init, steps, dtype):
    conv = torch.nn.functional.conv1d if x.ndim == 2 else torch.nn.functional.conv2d
    t0 = time.perf_counter()
    x_t = torch.from_numpy(x).to(dtype).unsqueeze(1)
    target_t = torch.from_numpy(target).to(dtype).unsqueeze(1)
    weight = torch.nn.Parameter(torch.from_numpy(init).to(dtype).reshape((1, 1) + init.shape))
    bias = torch.nn.Parameter(torch.zeros(1, dtype=dtype))
    optimizer = torch.optim.Adam([weight, bias], lr=0.01)

    def state():
        optimizer.zero_grad()
        loss = torch.nn.functional.mse_loss(conv(x_t, weight, bias), target_t)
        loss.backward()
        return loss.item()

    state()
    t1 = time.perf_counter()
    for _ in range(steps):
        optimizer.step()
        state()
    t2 = time.perf_counter()
    return t1 - t0, (t2 - t1) / steps


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--threads", type=int, default=1, help="BLAS and torch threads")
    parser.add_argument("--repeats", type=int, default=7)
    args = parser.parse_args(argv)
    try:
        import torch
    except ImportError:
        print("torch is not installed: nothing to compare against")
        return 0
    torch.set_num_threads(args.threads)
    print(
        f"threads: {args.threads} (OPENBLAS/OMP/MKL_NUM_THREADS and torch.set_num_threads); "
        f"numpy {np.__version__}, torch {torch.__version__}; median of {args.repeats} runs"
    )
    header = (
        "| size | steps | convtui updates/s | torch f64 updates/s | ratio | goal "
        "| torch f32 updates/s | ratio | start: convtui / torch f64 |"
    )
    print(header)
    print("|---" * (header.count("|") - 1) + "|")
    for label, shape, kernel_shape, steps, goal in SIZES:
        x, target, init = problem(shape, kernel_shape)
        run_ours(x, target, init, 5)  # warm up both
        run_torch(torch, x, target, init, 5, torch.float64)
        ours, t64, t32 = [], [], []
        for _ in range(args.repeats):
            ours.append(run_ours(x, target, init, steps))
            t64.append(run_torch(torch, x, target, init, steps, torch.float64))
            t32.append(run_torch(torch, x, target, init, steps, torch.float32))
        per_ours = statistics.median(t for _, t in ours)
        per_64 = statistics.median(t for _, t in t64)
        per_32 = statistics.median(t for _, t in t32)
        start_ours = statistics.median(s for s, _ in ours)
        start_64 = statistics.median(s for s, _ in t64)
        ratio = per_64 / per_ours
        print(
            f"| {label} | {steps} | {1 / per_ours:,.0f} | {1 / per_64:,.0f} | "
            f"{ratio:.1f}× {'✓' if ratio >= goal else '✗'} | ≥ {goal:g}× | "
            f"{1 / per_32:,.0f} | {per_32 / per_ours:.1f}× | "
            f"{start_ours * 1e3:.1f} ms / {start_64 * 1e3:.1f} ms |"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
