"""convtui on the GPU (CuPy) against cupyx and torch's cuDNN, timed on the device.

Every time is the median wall time of one call followed by a device-wide
synchronisation (``cudaDeviceSynchronize``, which waits for cupy's and torch's
work alike), after warm-up calls that build the cuFFT plans (CuPy caches them)
and let cuDNN pick its algorithm (``torch.backends.cudnn.benchmark``).  TF32 is
off for torch (cuDNN and matmul), so every peer computes in true float32.

* kernel-only: the inputs already on the device, the result left there;
* end-to-end: numpy arrays in, numpy array out (host → device → host included).

Peers, each named with its method: ``cupyx.scipy.signal.convolve`` (method
"direct" and "fft"), ``cupyx.scipy.signal.fftconvolve`` and ``oaconvolve``,
``cupyx.scipy.ndimage.correlate`` (zero boundary, the same-size output) and
torch ``conv1d``/``conv2d``.  Ours is ``convtui.convolve(..., "same")`` with
method "auto", and each method forced (direct, fft, overlap_save): those columns are the
data to fit the GPU cost model in convtui/engine/conv.py (``_GPU_*``).
"ratio" is the best cupyx peer's time over ours: >= 1.0 means as fast or faster.

    python bench/gpu.py              # the issue's sizes (a few minutes on an H100)
    python bench/gpu.py --quick      # the smallest and largest kernels only

It needs CuPy and a visible GPU, and says so (exit 2) when either is missing.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import convtui  # noqa: E402
from convtui.engine.backend import BackendUnavailable, _import_cupy  # noqa: E402


def require_gpu():
    """CuPy with a device, or exit 2 with the reason."""
    try:
        return _import_cupy()
    except BackendUnavailable as exc:
        print(f"bench/gpu.py needs a GPU and CuPy: {exc}", file=sys.stderr)
        raise SystemExit(2) from None


def timer(cupy):
    device = cupy.cuda.Device()

    def timed(fn, budget: float, min_runs: int = 3, max_runs: int = 25) -> float:
        fn()  # warm-up: plans, kernels compiled, algorithms chosen
        fn()
        device.synchronize()
        times = []
        start = time.perf_counter()
        while len(times) < min_runs or (
            len(times) < max_runs and time.perf_counter() - start < budget
        ):
            t0 = time.perf_counter()
            fn()
            device.synchronize()
            times.append(time.perf_counter() - t0)
        return statistics.median(times)

    return timed


def signal_peers(cupy, torch, x, w, ndim: int, direct_cap: float) -> dict:
    """Callables computing a same-size convolution of device arrays x and w."""
    import cupyx.scipy.ndimage as ndi
    import cupyx.scipy.signal as cs

    peers = {}
    if x.size * w.size <= direct_cap:
        peers["cupyx convolve direct"] = lambda: cs.convolve(x, w, "same", method="direct")
    peers["cupyx convolve fft"] = lambda: cs.convolve(x, w, "same", method="fft")
    peers["cupyx fftconvolve"] = lambda: cs.fftconvolve(x, w, "same")
    if hasattr(cs, "oaconvolve"):
        peers["cupyx oaconvolve"] = lambda: cs.oaconvolve(x, w, "same")
    flipped = w[(slice(None, None, -1),) * w.ndim].copy()  # correlate with it = convolve
    peers["cupyx ndimage.correlate"] = lambda: ndi.correlate(x, flipped, mode="constant")
    if torch is not None:
        tx = torch.as_tensor(x, device="cuda")[None, None]
        tw = torch.as_tensor(flipped, device="cuda")[None, None]
        conv = torch.nn.functional.conv1d if ndim == 1 else torch.nn.functional.conv2d
        peers["torch cuDNN"] = lambda: conv(tx, tw, padding="same")
    return peers


LAYER = (32, 64, 64, 128)  # N, C_in, C_out, height = width


def signal_cases(quick: bool):
    ks_1d = [16, 4096] if quick else [16, 64, 256, 1024, 4096]
    ks_2d = [3, 31] if quick else [3, 5, 7, 15, 31]
    for k in ks_1d:
        yield (2**24,), (k,)
    for k in ks_2d:
        yield (4096, 4096), (k, k)


def run_signals(cupy, torch, timed, args) -> None:
    rng = np.random.default_rng(0)
    print(
        "| input | kernel | ours (auto → method) | ours direct / fft / overlap_save | best cupyx peer "
        "| ratio (≥ 1.0: goal met) | torch cuDNN | end-to-end: ours / best cupyx | max rel err |"
    )
    print("|---|---|---|---|---|---|---|---|---|")
    for xs, ks in signal_cases(args.quick):
        host_x = rng.standard_normal(xs).astype(np.float32)
        host_w = rng.standard_normal(ks).astype(np.float32)
        print(signal_row(cupy, torch, timed, args, host_x, host_w), flush=True)


def signal_row(cupy, torch, timed, args, host_x, host_w) -> str:
    """One table row: ours (auto and each method), the peers, end to end, the error."""
    x, w = cupy.asarray(host_x), cupy.asarray(host_w)
    method = convtui.choose_method(x, w, "same")
    ours = timed(lambda: convtui.convolve(x, w, "same"), args.budget)
    forced = {}
    for m in ("direct", "fft", "overlap_save"):
        too_big = m == "direct" and x.size * w.size > args.direct_cap
        if too_big or (m == "overlap_save" and x.ndim != 1):
            forced[m] = None
        elif m == "overlap_save":
            forced[m] = timed(lambda: _overlap_add(x, w), args.budget)
        else:
            forced[m] = timed(lambda m=m: convtui.convolve(x, w, "same", method=m), args.budget)
    peers = signal_peers(cupy, torch, x, w, x.ndim, args.direct_cap)
    times = {}
    for name, fn in peers.items():
        try:
            times[name] = timed(fn, args.budget)
        except Exception as exc:  # a peer that cannot do this size: say so, go on
            print(f"({name} failed on {x.shape} * {w.shape}: {type(exc).__name__}: {exc})")
    cupyx = {k: v for k, v in times.items() if k.startswith("cupyx")} or {"none": np.inf}
    best = min(cupyx, key=cupyx.get)
    ours_e2e = timed(
        lambda: convtui.convolve(cupy.asarray(host_x), cupy.asarray(host_w), "same").get(),
        args.budget,
    )
    best_e2e = np.inf
    if best in peers:
        best_e2e = timed(lambda: _e2e(cupy, peers[best], x, w, host_x, host_w), args.budget)
    want = cs_fftconvolve(x, w).astype(cupy.float64)
    got = convtui.convolve(x, w, "same").astype(cupy.float64)
    err = float(cupy.abs(got - want).max() / cupy.abs(want).max())
    torch_ms = f"{times['torch cuDNN'] * 1e3:.3f} ms" if "torch cuDNN" in times else "–"
    forced_ms = " / ".join("–" if t is None else f"{t * 1e3:.3f}" for t in forced.values())
    return (
        f"| {'×'.join(map(str, x.shape))} | {'×'.join(map(str, w.shape))} | "
        f"{ours * 1e3:.3f} ms ({method}) | {forced_ms} ms | {cupyx[best] * 1e3:.3f} ms ({best}) "
        f"| {cupyx[best] / ours:.2f} | {torch_ms} | {ours_e2e * 1e3:.1f} / "
        f"{best_e2e * 1e3:.1f} ms | {err:.1e} |"
    )


def cs_fftconvolve(x, w):
    import cupyx.scipy.signal as cs

    return cs.fftconvolve(x, w, "same")


def _overlap_add(x, w):
    """convolve(x, w, "same") by overlap-add (a method only "auto" picks), float inputs."""
    from convtui import convolve

    return convolve(x, w, "same", method="overlap_save")


def _e2e(cupy, fn, x, w, host_x, host_w):
    """A peer end-to-end: copy the inputs in, run, copy the result out."""
    x[...] = cupy.asarray(host_x)
    w[...] = cupy.asarray(host_w)
    return fn().get()


def run_layer(cupy, torch, timed, args) -> None:
    from convtui import conv_backward, conv_forward

    n, c_in, c_out, size = LAYER
    rng = np.random.default_rng(1)
    host_x = rng.standard_normal((n, c_in, size, size)).astype(np.float32)
    host_w = (rng.standard_normal((c_out, c_in, 3, 3)) / 24).astype(np.float32)
    x, w = cupy.asarray(host_x), cupy.asarray(host_w)
    grad = cupy.asarray(rng.standard_normal((n, c_out, size, size)).astype(np.float32))
    rows = {
        "forward": (
            lambda: conv_forward(x, w, padding=1),
            lambda: conv_forward(cupy.asarray(host_x), cupy.asarray(host_w), padding=1).get(),
        ),
        "backward": (lambda: conv_backward(grad, x, w, padding=1), None),
    }
    print()
    print(f"layer: N={n}, {c_in} → {c_out} channels, {size}×{size}, 3×3, padding 1, float32")
    print("| pass | ours | torch cuDNN (TF32 off) | ours / torch (goal ≤ 2.0) | end-to-end ours |")
    print("|---|---|---|---|---|")
    theirs = {}
    if torch is not None:
        tx = torch.as_tensor(x, device="cuda").requires_grad_(True)
        tw = torch.as_tensor(w, device="cuda").requires_grad_(True)
        tg = torch.as_tensor(grad, device="cuda")

        graph = torch.nn.functional.conv2d(tx, tw, padding=1)

        def torch_backward():  # the backward pass alone, on a kept graph
            return torch.autograd.grad(graph, (tx, tw), tg, retain_graph=True)

        with torch.no_grad():
            theirs["forward"] = timed(
                lambda: torch.nn.functional.conv2d(tx, tw, padding=1), args.budget
            )
        theirs["backward"] = timed(torch_backward, args.budget)
        y = torch.nn.functional.conv2d(tx, tw, padding=1).detach()
        err = float(cupy.abs(conv_forward(x, w, padding=1) - cupy.asarray(y)).max())
        print(f"(max abs difference from torch's forward: {err:.1e})")
    for name, (kernel_only, end_to_end) in rows.items():
        ours = timed(kernel_only, args.budget)
        e2e = f"{timed(end_to_end, args.budget) * 1e3:.2f} ms" if end_to_end else "–"
        if name in theirs:
            ref = f"{theirs[name] * 1e3:.2f} ms | {ours / theirs[name]:.2f}"
        else:
            ref = "– | –"
        print(f"| {name} | {ours * 1e3:.2f} ms | {ref} | {e2e} |", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer kernel sizes")
    parser.add_argument("--budget", type=float, default=1.0, help="seconds per callable")
    parser.add_argument("--direct-cap", type=float, default=1e11, help="max multiply-adds")
    parser.add_argument("--no-layer", action="store_true")
    args = parser.parse_args()
    cupy = require_gpu()
    try:
        import torch

        if not torch.cuda.is_available():
            torch = None
        else:
            torch.backends.cudnn.allow_tf32 = False
            torch.backends.cuda.matmul.allow_tf32 = False
            torch.backends.cudnn.benchmark = True
    except ImportError:
        torch = None
    # the engine's budget is for the CPU; the GPU case sizes need more
    convtui.set_memory_limit(32 * 2**30)
    convtui.engine.backend.use_backend("cupy")
    timed = timer(cupy)
    print(f"device: {convtui.engine.backend.backend_info()}")
    print(
        f"cupy {cupy.__version__}, CUDA runtime {cupy.cuda.runtime.runtimeGetVersion()}, "
        f"torch {torch.__version__ if torch else 'not available'}; medians, "
        f"device-synchronised, float32, mode 'same'"
    )
    print()
    run_signals(cupy, torch, timed, args)
    if not args.no_layer:
        run_layer(cupy, torch, timed, args)


if __name__ == "__main__":
    main()
