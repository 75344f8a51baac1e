"""convtui's convolutions (method="auto") against the fastest peer, measured in the same run.

Peers: numpy.convolve (1-D), scipy.signal.convolve with method auto / direct / fft,
scipy.signal.oaconvolve, scipy.signal.convolve2d (2-D), and torch's CPU convolutions
where installed (strided, dilated, padding-mode, transposed and tiny rows).  Each case
reports the median of several runs for every callable, the best peer, and ours / best.
The callables of a case are timed interleaved (one sample each per round, many rounds,
in a shuffled order each round), so that a slow spell of a shared machine hits every
contender alike.  A sample is one call, or, for calls under 0.2 ms, a loop of calls
long enough to take about 0.2 ms (as timeit does), divided by their count: a single
call of a few microseconds measures the timer and the caches the previous contender
left cold more than the call.  A peer whose direct work (multiply-adds) would exceed
--direct-cap is not timed: it cannot be the fastest there, and timing it would take
minutes.  BLAS and torch run on one thread (set before numpy is imported).

Groups of rows (``--only`` picks some):

    grid        full / same / valid over 1-D and 2-D sizes and kernel sizes
    valid       valid with kernels 0.5-1.0× the input (1-D and 2-D)
    tiny        tiny 2-D and 3-D problems (5×5 with 5×5, 3×3×3 with 3×3×3, ...)
    strided     strides and dilations (torch-style correlate, valid)
    padding     every padding mode (numpy.pad then scipy / numpy; torch's padding_mode)
    transposed  conv_transpose against torch and scipy on the zero-stuffed input

    python bench/engine.py                    # every group (about 17 minutes)
    python bench/engine.py --quick            # smaller groups
    python bench/engine.py --only tiny --only valid
    python bench/engine.py --methods          # also each of our methods forced (fitting)
    python bench/engine.py --overhead         # call overhead on tiny inputs only
"""

from __future__ import annotations

import argparse
import math
import os
import random
import statistics
import sys
import time
from pathlib import Path

# one thread for BLAS (numpy's matmul, torch's), read when numpy is first imported
for _name in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ[_name] = "1"

import numpy as np  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import scipy.signal as ss  # noqa: E402

import convtui  # noqa: E402

try:
    import torch  # noqa: E402

    torch.set_num_threads(1)
    F = torch.nn.functional
except ImportError:  # pragma: no cover - torch is optional
    torch = None

SAMPLE = 2e-4  # seconds: calls shorter than this are timed in loops this long


def race(
    callables: dict, budget: float = 1.5, min_rounds: int = 7, max_rounds: int = 41
) -> dict[str, float]:
    """Median time per call of each callable, timed round-robin: one sample each per round."""
    names = list(callables)
    loops = {}
    for name in names:
        fn = callables[name]
        fn()  # warm up (FFT plans, caches)
        t0 = time.perf_counter()
        fn()
        once = time.perf_counter() - t0
        loops[name] = max(1, min(1000, int(SAMPLE / max(once, 1e-7))))
    times: dict[str, list[float]] = {name: [] for name in names}
    order = random.Random(len(names))
    start = time.perf_counter()
    rounds = 0
    while rounds < min_rounds or (rounds < max_rounds and time.perf_counter() - start < budget):
        # a fresh order each round: a call that follows one that freed big arrays pays
        # for the memory the system took back, so none may always follow the same one
        order.shuffle(names)
        for name in names:
            fn, count = callables[name], loops[name]
            t0 = time.perf_counter()
            for _ in range(count):
                fn()
            times[name].append((time.perf_counter() - t0) / count)
        rounds += 1
    return {name: statistics.median(values) for name, values in times.items()}


# ---------------------------------------------------------------- peers


def scipy_peers(x, w, mode, direct_cap, conv=True):
    """numpy and scipy.signal on the same convolution (correlation when ``conv`` is False)."""
    macs = x.size * w.size
    run = ss.convolve if conv else ss.correlate
    out = {}
    if x.ndim == 1 and macs <= direct_cap:
        np_run = np.convolve if conv else np.correlate
        out["np.convolve"] = lambda: np_run(x, w, mode)
    out["scipy auto"] = lambda: run(x, w, mode, method="auto")
    if macs <= direct_cap:
        out["scipy direct"] = lambda: run(x, w, mode, method="direct")
    out["scipy fft"] = lambda: run(x, w, mode, method="fft")
    if conv:
        out["scipy oaconvolve"] = lambda: ss.oaconvolve(x, w, mode)
    if x.ndim == 2 and macs <= direct_cap:
        c2d = ss.convolve2d if conv else ss.correlate2d
        out["scipy convolve2d"] = lambda: c2d(x, w, mode)
    return out


_TORCH_CONV = {1: "conv1d", 2: "conv2d", 3: "conv3d"}
_TORCH_TRANSPOSED = {1: "conv_transpose1d", 2: "conv_transpose2d", 3: "conv_transpose3d"}


def torch_conv(x, w, mode, direct_cap, **options):
    """torch's cross-correlation (conv1d/2d/3d) on one channel: mode as padding."""
    if torch is None or x.size * w.size > direct_cap:
        return {}
    tx, tw = torch.from_numpy(x)[None, None], torch.from_numpy(w)[None, None]
    if mode == "full":
        options["padding"] = tuple(k - 1 for k in w.shape)
    elif mode == "same":
        options["padding"] = "same"
    conv = getattr(F, _TORCH_CONV[x.ndim])

    def run():
        with torch.no_grad():
            return conv(tx, tw, **options)

    return {"torch": run}


# ---------------------------------------------------------------- cases


def _shape(shape) -> str:
    return "×".join(map(str, shape))


def _case(x, w, what, call, peers, method, methods=("direct", "fft")):
    """One row: ``call(method)`` runs ours; ``methods`` are the ones --methods forces."""
    if x.ndim == 1 and "overlap_save" not in methods:
        methods = (*methods, "overlap_save")
    return {
        "input": _shape(x.shape),
        "kernel": _shape(w.shape),
        "what": what,
        "call": call,
        "peers": peers,
        "method": method,
        "methods": methods,
        "macs": x.size * w.size,
    }


def grid_cases(rng, args):
    ns = [100, 1000, 10_000, 100_000, 1_000_000]
    ks = [3, 16, 128, 1024, 4096]
    sizes = [32, 128, 512, 2048]
    kernels = [3, 7, 15, 41]
    if args.quick:
        ns, ks, sizes, kernels = [1000, 100_000], [3, 128, 4096], [128, 512], [3, 15]
    for mode in ("full", "same", "valid"):
        shapes = [((n,), (k,)) for n in ns for k in ks if k <= n]
        shapes += [((n, n), (k, k)) for n in sizes for k in kernels if k <= n]
        for xs, ks_ in shapes:
            yield _plain(rng, xs, ks_, mode, args)


def _plain(rng, xs, ks, mode, args, with_torch=False):
    x, w = rng.standard_normal(xs), rng.standard_normal(ks)
    peers = scipy_peers(x, w, mode, args.direct_cap)
    if with_torch:
        flipped = np.ascontiguousarray(w[(slice(None, None, -1),) * w.ndim])
        peers.update(torch_conv(x, flipped, mode, args.direct_cap))
    return _case(
        x,
        w,
        mode,
        lambda m: convtui.convolve(x, w, mode, method=m),
        peers,
        convtui.choose_method(x, w, mode),
    )


def valid_cases(rng, args):
    fractions = [0.5, 0.75, 0.9, 0.99, 1.0]
    ns = [1000, 10_000] if args.quick else [1000, 10_000, 100_000]
    sizes = [64] if args.quick else [32, 64, 128]
    for n in ns:
        for f in fractions:
            yield _plain(rng, (n,), (max(1, round(f * n)),), "valid", args)
    for n in sizes:
        for f in fractions[:3] + fractions[4:]:
            k = max(1, round(f * n))
            yield _plain(rng, (n, n), (k, k), "valid", args)


def tiny_cases(rng, args):
    shapes = [
        ((5, 5), (5, 5)), ((8, 8), (3, 3)), ((16, 16), (5, 5)), ((32, 32), (3, 3)),
        ((3, 3, 3), (3, 3, 3)), ((8, 8, 8), (3, 3, 3)), ((16, 16, 16), (3, 3, 3)),
    ]  # fmt: skip
    if args.quick:
        shapes = shapes[:1] + shapes[4:5]
    for mode in ("full", "same", "valid"):
        for xs, ks in shapes:
            yield _plain(rng, xs, ks, mode, args, with_torch=True)


def _dilated(w, dilation):
    d = (dilation,) * w.ndim if isinstance(dilation, int) else dilation
    out = np.zeros(tuple(di * (k - 1) + 1 for di, k in zip(d, w.shape)))
    out[tuple(slice(None, None, di) for di in d)] = w
    return out


def strided_cases(rng, args):
    one_d = [(10_000, 16), (100_000, 16), (100_000, 128)]
    two_d = [(128, 3), (512, 3), (512, 7)]
    steps = [(2, 1), (4, 1), (1, 2), (1, 4), (2, 2)]
    if args.quick:
        one_d, two_d, steps = one_d[1:2], two_d[1:2], [(2, 1), (1, 2)]
    shapes = [((n,), (k,)) for n, k in one_d] + [((n, n), (k, k)) for n, k in two_d]
    for xs, ks in shapes:
        for stride, dilation in steps:
            x, w = rng.standard_normal(xs), rng.standard_normal(ks)
            wd = _dilated(w, dilation)
            index = (slice(None, None, stride),) * x.ndim
            peers = {
                name: (lambda fn=fn, index=index: fn()[index])
                for name, fn in scipy_peers(x, wd, "valid", args.direct_cap, conv=False).items()
            }
            peers.update(
                torch_conv(x, w, "valid", args.direct_cap, stride=stride, dilation=dilation)
            )
            options = dict(stride=stride, dilation=dilation)
            yield _case(
                x, w, f"valid s{stride} d{dilation}",
                lambda m, x=x, w=w, o=options: convtui.correlate(x, w, "valid", method=m, **o),
                peers, convtui.choose_method(x, w, "valid", flip=False, **options),
            )  # fmt: skip


_NUMPY_PAD = {
    "reflect": "reflect",
    "replicate": "edge",
    "circular": "wrap",
    "symmetric": "symmetric",
}
_C2D_BOUNDARY = {"circular": "wrap", "symmetric": "symm"}


def padding_cases(rng, args):
    one_d = [(10_000, 15), (100_000, 15), (100_000, 129)]
    two_d = [(128, 3), (512, 3), (512, 7)]
    if args.quick:
        one_d, two_d = one_d[1:2], two_d[1:2]
    shapes = [((n,), (k,)) for n, k in one_d] + [((n, n), (k, k)) for n, k in two_d]
    for padding_mode, numpy_mode in _NUMPY_PAD.items():
        for xs, ks in shapes:
            x, w = rng.standard_normal(xs), rng.standard_normal(ks)
            pad = [((k - 1) // 2, k - 1 - (k - 1) // 2) for k in ks]
            peers = _after_pad(x, w, pad, numpy_mode, args)
            if x.ndim == 2 and padding_mode in _C2D_BOUNDARY:
                boundary = _C2D_BOUNDARY[padding_mode]
                peers["scipy correlate2d boundary"] = lambda x=x, w=w, b=boundary: ss.correlate2d(
                    x, w, "same", boundary=b
                )
            if torch is not None and padding_mode != "symmetric":
                peers.update(_torch_padded(x, w, pad, padding_mode))
            yield _case(
                x, w, f"same {padding_mode}",
                lambda m, x=x, w=w, pm=padding_mode: convtui.correlate(
                    x, w, "same", padding_mode=pm, method=m
                ),
                peers, convtui.choose_method(x, w, "same", flip=False, padding_mode=padding_mode),
            )  # fmt: skip


def _after_pad(x, w, pad, numpy_mode, args):
    """numpy and scipy peers: numpy.pad fills the padded cells, then a 'valid' slide.

    numpy.pad runs inside each timed call: it is those peers' way to fill the cells.
    """
    flipped = np.ascontiguousarray(w[(slice(None, None, -1),) * w.ndim])
    runs = {
        "scipy auto": lambda p: ss.correlate(p, w, "valid", method="auto"),
        "scipy fft": lambda p: ss.correlate(p, w, "valid", method="fft"),
        "scipy oaconvolve": lambda p: ss.oaconvolve(p, flipped, "valid"),
    }
    if x.size * w.size <= args.direct_cap:
        runs["scipy direct"] = lambda p: ss.correlate(p, w, "valid", method="direct")
        if x.ndim == 1:
            runs["np.correlate"] = lambda p: np.correlate(p, w, "valid")
        if x.ndim == 2:
            runs["scipy correlate2d"] = lambda p: ss.correlate2d(p, w, "valid")
    return {
        f"{name} after np.pad": (lambda run=run: run(np.pad(x, pad, numpy_mode)))
        for name, run in runs.items()
    }


def _torch_padded(x, w, pad, padding_mode):
    """torch's padding_mode: F.pad with that mode, then conv (what nn.Conv*d does)."""
    tx, tw = torch.from_numpy(x)[None, None], torch.from_numpy(w)[None, None]
    torch_pad = tuple(v for before_after in reversed(pad) for v in before_after)
    conv = getattr(F, _TORCH_CONV[x.ndim])

    def run():
        with torch.no_grad():
            return conv(F.pad(tx, torch_pad, mode=padding_mode), tw)

    return {"torch": run}


def transposed_cases(rng, args):
    one_d = [(1000, 4, 2), (10_000, 4, 2), (10_000, 16, 4), (100_000, 16, 2), (100_000, 64, 4)]
    two_d = [(32, 3, 2), (64, 4, 2), (128, 3, 2), (256, 4, 2), (256, 7, 2), (128, 5, 4)]
    if args.quick:
        one_d, two_d = one_d[1:3], two_d[1:3]
    shapes = [((n,), (k,), s) for n, k, s in one_d] + [((n, n), (k, k), s) for n, k, s in two_d]
    for xs, ks, stride in shapes:
        x, w = rng.standard_normal(xs), rng.standard_normal(ks)
        padding = (ks[0] - stride + 1) // 2  # the usual upsampling layer: out ≈ n·stride
        peers = {}
        if torch is not None:
            tx, tw = torch.from_numpy(x)[None, None], torch.from_numpy(w)[None, None]
            transposed = getattr(F, _TORCH_TRANSPOSED[x.ndim])

            def run_torch(tx=tx, tw=tw, transposed=transposed, s=stride, p=padding):
                with torch.no_grad():
                    return transposed(tx, tw, stride=s, padding=p)

            peers["torch"] = run_torch
        peers.update(_stuffed_peers(x, w, stride, padding, args))
        options = dict(stride=stride, padding=padding)
        yield _case(
            x, w, f"transposed s{stride} p{padding}",
            lambda m, x=x, w=w, o=options: convtui.conv_transpose(x, w, method=m, **o),
            peers, convtui.choose_method(x, w, "valid", flip=False, transposed=True, **options),
            ("scatter", "direct", "fft"),
        )  # fmt: skip


def _stuffed_peers(x, w, stride, padding, args):
    """scipy / numpy: stuff stride-1 zeros between the inputs, convolve in full, crop."""
    stuffed_shape = tuple((n - 1) * stride + 1 for n in x.shape)
    crop = tuple(slice(padding, (n - 1) * stride + k - padding) for n, k in zip(x.shape, w.shape))
    index = (slice(None, None, stride),) * x.ndim

    def stuffed():
        out = np.zeros(stuffed_shape)
        out[index] = x
        return out

    macs = math.prod(stuffed_shape) * w.size
    runs = {"scipy auto": "auto", "scipy fft": "fft"}
    if macs <= args.direct_cap:
        runs["scipy direct"] = "direct"
    peers = {
        f"{name} stuffed": (lambda m=m: ss.convolve(stuffed(), w, "full", method=m)[crop])
        for name, m in runs.items()
    }
    if x.ndim == 1 and macs <= args.direct_cap:
        peers["np.convolve stuffed"] = lambda: np.convolve(stuffed(), w, "full")[crop]
    return peers


GROUPS = {
    "grid": grid_cases,
    "valid": valid_cases,
    "tiny": tiny_cases,
    "strided": strided_cases,
    "padding": padding_cases,
    "transposed": transposed_cases,
}


def run_cases(args) -> list[dict]:
    rng = np.random.default_rng(0)
    rows = []
    for group in args.only or list(GROUPS):
        print(f"\n[{group}]", flush=True)
        for case in GROUPS[group](rng, args):
            call = case["call"]
            contenders = {"ours": lambda call=call: call("auto"), **case["peers"]}
            if args.methods:  # every method of ours forced, to see what auto should pick
                for method in case["methods"]:
                    if method != "direct" or case["macs"] <= args.direct_cap / 10:
                        contenders[f"ours {method}"] = lambda call=call, m=method: call(m)
            timings = race(contenders)
            ours = timings.pop("ours")
            forced = {name: timings.pop(name) for name in list(timings) if name.startswith("ours ")}
            best_name = min(timings, key=timings.get)
            row = {
                "group": group,
                "input": case["input"],
                "kernel": case["kernel"],
                "what": case["what"],
                "method": case["method"],
                "ours": ours,
                "best": timings[best_name],
                "best_name": best_name,
                "scipy_auto": timings.get("scipy auto", timings.get("scipy auto stuffed")),
            }
            rows.append(row)
            print(format_row(row), flush=True)
            if forced:
                fastest = min(forced, key=forced.get)
                print(
                    "    forced: "
                    + ", ".join(f"{n[5:]} {t * 1e3:.4f}" for n, t in forced.items())
                    + f" ms; fastest {fastest[5:]}"
                    + ("" if fastest[5:] == row["method"] else "  <-- auto picked another"),
                    flush=True,
                )
    return rows


def format_row(row: dict) -> str:
    ratio = row["ours"] / row["best"]
    extra = (row["ours"] - row["best"]) * 1e6
    return (
        f"{row['input']:>11} {row['kernel']:>11} {row['what']:>22} {row['method']:>12} "
        f"ours {row['ours'] * 1e3:9.4f} ms  best {row['best'] * 1e3:9.4f} ms "
        f"({row['best_name']})  ratio {ratio:5.2f}  extra {extra:8.1f} µs"
    )


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
    def geometric_mean(values):
        return math.exp(statistics.fmean(math.log(v) for v in values))

    considered = [r for r in rows if r["best"] >= 1e-4]
    quick = [r for r in rows if r["best"] < 1e-4]
    print()
    print(f"cases where the best peer needs >= 0.1 ms: {len(considered)} of {len(rows)}")
    if considered:
        ratios = [r["ours"] / r["best"] for r in considered]
        print(
            f"ours / best peer:   geometric mean {geometric_mean(ratios):.3f}, "
            f"worst {max(ratios):.2f}  (goals: <= 0.75, <= 1.3)"
        )
        with_scipy = [r for r in considered if r["scipy_auto"]]
        if with_scipy:
            sr = [r["scipy_auto"] / r["best"] for r in with_scipy]
            print(
                f"scipy auto / best:  geometric mean {geometric_mean(sr):.3f}, worst {max(sr):.2f}"
            )
        groups = sorted({r["group"] for r in considered}, key=list(GROUPS).index)
        for group in groups:
            gr = [r["ours"] / r["best"] for r in considered if r["group"] == group]
            print(
                f"  {group:>10}: {len(gr):3} cases, geometric mean {geometric_mean(gr):.3f}, "
                f"worst {max(gr):.2f}"
            )
        print("worst cases:")
        for r in sorted(considered, key=lambda r: r["ours"] / r["best"])[-6:]:
            print(
                f"  {r['input']} * {r['kernel']} {r['what']}: {r['method']} "
                f"{r['ours'] / r['best']:.2f}× {r['best_name']}"
            )
    if quick:
        extras = [(r["ours"] - r["best"]) * 1e6 for r in quick]
        over = [r for r, e in zip(quick, extras) if e > 5]
        print(
            f"cases where the best peer needs < 0.1 ms: {len(quick)}; extra over it: "
            f"median {statistics.median(extras):.1f} µs, worst {max(extras):.1f} µs, "
            f"{len(over)} over 5 µs (goal: none)"
        )
        for r in sorted(over, key=lambda r: r["ours"] - r["best"])[-8:]:
            print(
                f"  {r['input']} * {r['kernel']} {r['what']}: {r['method']} "
                f"{r['ours'] * 1e6:.1f} µs against {r['best'] * 1e6:.1f} µs ({r['best_name']})"
            )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--overhead", action="store_true")
    parser.add_argument("--only", action="append", choices=list(GROUPS))
    parser.add_argument("--direct-cap", type=float, default=2e9)
    parser.add_argument(
        "--methods", action="store_true", help="also time each of our methods forced"
    )
    args = parser.parse_args()
    import scipy

    coretype = os.environ.get("OPENBLAS_CORETYPE", "unset")
    print(
        f"numpy {np.__version__}, scipy {scipy.__version__}, "
        f"torch {torch.__version__ if torch is not None else 'not installed'}; "
        f"BLAS and torch threads 1; OPENBLAS_CORETYPE={coretype}"
    )
    o = overhead()
    print(
        "tiny input (8 * 3) call time: "
        + ", ".join(f"{k} {v * 1e6:.1f} µs" for k, v in o.items())
        + f"; extra over np.convolve: {(o['convtui'] - o['np.convolve']) * 1e6:.1f} µs"
    )
    if args.overhead:
        return
    summarize(run_cases(args))


if __name__ == "__main__":
    main()
