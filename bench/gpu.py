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
    python bench/gpu.py --fit        # also measure the GPU cost model's constants

Further tables: padding modes against cupyx.scipy.ndimage (whose ``mirror``,
``nearest``, ``wrap`` and ``reflect`` are our reflect, replicate, circular and
symmetric), transposed convolution against torch's cuDNN ``conv_transpose`` and
cupyx (a convolution of the zero-stuffed input), and layers at CNN sizes
(``conv_forward`` and ``conv_transpose_forward`` against cuDNN, batch 64).

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

# (N, C_in, C_out, size, kernel, stride, padding): CNN layers, forward convolution
LAYERS = [
    (64, 3, 64, 224, 3, 1, 1),
    (64, 64, 128, 112, 3, 1, 1),
    (64, 128, 256, 56, 3, 1, 1),
    (64, 256, 256, 32, 3, 1, 1),
    (64, 64, 64, 56, 1, 1, 0),
    (64, 3, 64, 224, 7, 2, 3),
]
# (N, C_in, C_out, size, kernel, stride, padding, output_padding): decoder layers
TRANSPOSED_LAYERS = [
    (64, 256, 128, 32, 4, 2, 1, 0),
    (64, 128, 64, 56, 3, 2, 1, 1),
    (64, 64, 3, 112, 3, 2, 1, 1),
]


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


def run_padding_modes(cupy, timed, args) -> None:
    """Ours with each padding mode against cupyx.scipy.ndimage.correlate (same size)."""
    import cupyx.scipy.ndimage as ndi

    names = {
        "reflect": "mirror",
        "replicate": "nearest",
        "circular": "wrap",
        "symmetric": "reflect",
    }
    rng = np.random.default_rng(2)
    print()
    print("padding modes, correlate 'same' (odd kernels), float32, inputs on the device")
    print(
        "| input | kernel | padding mode | ours | cupyx ndimage.correlate | ours / cupyx | max rel err |"
    )
    print("|---|---|---|---|---|---|---|")
    for xs, ks in [((2**22,), (63,)), ((2048, 2048), (5, 5)), ((2048, 2048), (15, 15))]:
        x = cupy.asarray(rng.standard_normal(xs).astype(np.float32))
        w = cupy.asarray(rng.standard_normal(ks).astype(np.float32))
        for mode, theirs in names.items():
            ours = timed(
                lambda m=mode: convtui.correlate(x, w, "same", padding_mode=m), args.budget
            )
            peer = timed(lambda t=theirs: ndi.correlate(x, w, mode=t), args.budget)
            got = convtui.correlate(x, w, "same", padding_mode=mode)
            want = ndi.correlate(x.astype(cupy.float64), w.astype(cupy.float64), mode=theirs)
            err = float(cupy.abs(got - want).max() / cupy.abs(want).max())
            print(
                f"| {'×'.join(map(str, xs))} | {'×'.join(map(str, ks))} | {mode} | "
                f"{ours * 1e3:.3f} ms | {peer * 1e3:.3f} ms | {ours / peer:.2f} | {err:.1e} |",
                flush=True,
            )


def run_transposed(cupy, torch, timed, args) -> None:
    """conv_transpose against torch's cuDNN and cupyx (convolve of the stuffed input)."""
    import cupyx.scipy.signal as cs

    rng = np.random.default_rng(3)
    print()
    print("transposed convolution, float32, inputs on the device")
    print(
        "| input | kernel | stride | ours (auto) | torch cuDNN | cupyx stuffed convolve | ours / best | max rel err |"
    )
    print("|---|---|---|---|---|---|---|---|")
    for xs, ks, s in [
        ((2**20,), (16,), 4),
        ((2**20,), (255,), 2),
        ((1024, 1024), (3, 3), 2),
        ((1024, 1024), (4, 4), 2),
    ]:
        host_x = rng.standard_normal(xs).astype(np.float32)
        host_w = rng.standard_normal(ks).astype(np.float32)
        x, w = cupy.asarray(host_x), cupy.asarray(host_w)
        ours = timed(lambda: convtui.conv_transpose(x, w, stride=s), args.budget)
        stuffed = cupy.zeros(tuple((n - 1) * s + 1 for n in xs), dtype=cupy.float32)
        stuffed[(slice(None, None, s),) * len(xs)] = x

        def cupyx_transpose():
            inner = cupy.zeros_like(stuffed)
            inner[(slice(None, None, s),) * len(xs)] = x
            # cupyx's convolve chooses a method for 1-D only; fftconvolve takes any ndim
            return cs.convolve(inner, w, "full") if inner.ndim == 1 else cs.fftconvolve(inner, w)

        times = {"cupyx": timed(cupyx_transpose, args.budget)}
        if torch is not None:
            run = getattr(torch.nn.functional, f"conv_transpose{len(xs)}d")
            tx = torch.as_tensor(x, device="cuda")[None, None]
            tw = torch.as_tensor(w, device="cuda")[None, None]
            times["torch"] = timed(lambda: run(tx, tw, stride=s), args.budget)
        got = convtui.conv_transpose(x, w, stride=s).astype(cupy.float64)
        want = cs.fftconvolve(stuffed.astype(cupy.float64), w.astype(cupy.float64))
        err = float(cupy.abs(got - want).max() / cupy.abs(want).max())
        best = min(times.values())
        torch_ms = f"{times['torch'] * 1e3:.3f} ms" if "torch" in times else "–"
        print(
            f"| {'×'.join(map(str, xs))} | {'×'.join(map(str, ks))} | {s} | {ours * 1e3:.3f} ms "
            f"({convtui.choose_method(x, w, 'valid', flip=False, stride=s, transposed=True)}) | "
            f"{torch_ms} | {times['cupyx'] * 1e3:.3f} ms | {ours / best:.2f} | {err:.1e} |",
            flush=True,
        )


def run_cnn_layers(cupy, torch, timed, args) -> None:
    """conv_forward and conv_transpose_forward at CNN sizes against cuDNN (TF32 off)."""
    if torch is None:
        print("(no torch with CUDA: the layer tables need it as the peer)")
        return
    from convtui import conv_forward

    try:
        from convtui import conv_transpose_forward
    except (ImportError, AttributeError):
        conv_transpose_forward = None
    rng = np.random.default_rng(4)
    F = torch.nn.functional
    print()
    print(
        "layers at CNN sizes, float32, forward pass, inputs on the device (goal: ours / cuDNN ≤ 2)"
    )
    print("| layer | ours | torch cuDNN | ours / cuDNN | max abs err |")
    print("|---|---|---|---|---|")
    ratios = []
    cases = [("conv", c) for c in LAYERS] + [("transposed", c) for c in TRANSPOSED_LAYERS]
    for kind, case in cases:
        if kind == "transposed" and conv_transpose_forward is None:
            continue
        n, c_in, c_out, size, k, s, p = case[:7]
        x = cupy.asarray(rng.standard_normal((n, c_in, size, size)).astype(np.float32))
        tx = torch.as_tensor(x, device="cuda")
        if kind == "conv":
            w = cupy.asarray(
                (rng.standard_normal((c_out, c_in, k, k)) / (c_in * k)).astype(np.float32)
            )
            tw = torch.as_tensor(w, device="cuda")
            ours_fn = lambda: conv_forward(x, w, stride=s, padding=p)  # noqa: E731
            with torch.no_grad():
                theirs_fn = lambda: F.conv2d(tx, tw, stride=s, padding=p)  # noqa: E731
            label = f"conv {n}×{c_in}×{size}² → {c_out}, {k}×{k}, s{s} p{p}"
        else:
            op = case[7]
            w = cupy.asarray(
                (rng.standard_normal((c_in, c_out, k, k)) / (c_in * k)).astype(np.float32)
            )
            tw = torch.as_tensor(w, device="cuda")
            options = dict(stride=s, padding=p, output_padding=op)
            ours_fn = lambda: conv_transpose_forward(x, w, **options)  # noqa: E731
            theirs_fn = lambda: F.conv_transpose2d(tx, tw, **options)  # noqa: E731
            label = f"transposed {n}×{c_in}×{size}² → {c_out}, {k}×{k}, s{s} p{p} op{op}"
        try:
            ours = timed(ours_fn, args.budget)
        except Exception as exc:  # noqa: BLE001 - say what failed and go on
            print(f"| {label} | failed: {type(exc).__name__}: {exc} | | | |", flush=True)
            continue
        with torch.no_grad():
            theirs = timed(theirs_fn, args.budget)
            err = float(cupy.abs(ours_fn() - cupy.asarray(theirs_fn())).max())
        ratios.append(ours / theirs)
        print(
            f"| {label} | {ours * 1e3:.2f} ms | {theirs * 1e3:.2f} ms | {ours / theirs:.2f} | {err:.1e} |",
            flush=True,
        )
    if ratios:
        mean = float(np.exp(np.mean(np.log(ratios))))
        print(f"geometric mean ours / cuDNN: {mean:.2f}; worst {max(ratios):.2f}")


def run_fit(cupy, timed, args) -> None:
    """Measure the GPU cost model's constants (convtui/engine/cost.py, ``_GPU_*``).

    * launch: the median time of a tiny elementwise kernel, Python overhead included;
    * byte: the time per byte read or written of a large ``a + b`` (3 passes of 4 bytes);
    * FFT passes: a float32 rfftn + irfftn round trip of a large array, in units of
      passes over its complex spectrum at the measured byte cost.
    """
    tiny = cupy.ones(1, dtype=cupy.float32)
    launch = timed(lambda: tiny + tiny, args.budget, min_runs=50, max_runs=2000)
    big = cupy.ones(2**27, dtype=cupy.float32)
    add = timed(lambda: big + big, args.budget)
    byte = (add - launch) / (3 * big.nbytes)
    results = {}
    for shape in [(2**24,), (4096, 4096)]:
        a = cupy.ones(shape, dtype=cupy.float32)
        t = timed(lambda a=a: cupy.fft.irfftn(cupy.fft.rfftn(a), a.shape), args.budget)
        spectrum_bytes = a.size * 2 * 4  # a real transform's output, about N/2 complex64
        results[shape] = (t - 2 * launch) / (2 * spectrum_bytes * byte)
    print()
    print("GPU cost constants, measured (cost.py: _GPU_LAUNCH, _GPU_BYTE, _GPU_FFT_PASSES)")
    print(f"launch: {launch * 1e6:.2f} µs; byte: {byte * 1e12:.3f} ps ({1 / byte / 1e12:.2f} TB/s)")
    for shape, passes in results.items():
        print(f"FFT passes per transform over {'×'.join(map(str, shape))}: {passes:.2f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer kernel sizes")
    parser.add_argument("--budget", type=float, default=1.0, help="seconds per callable")
    parser.add_argument("--direct-cap", type=float, default=1e11, help="max multiply-adds")
    parser.add_argument("--no-layer", action="store_true")
    parser.add_argument("--fit", action="store_true", help="measure the GPU cost constants")
    parser.add_argument(
        "--only",
        choices=["signals", "padding", "transposed", "layers", "fit"],
        action="append",
        help="run only these tables (repeatable)",
    )
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
    only = set(args.only or ["signals", "padding", "transposed", "layers"])
    if args.fit:
        only.add("fit")
    tables = [
        ("fit", lambda: run_fit(cupy, timed, args)),
        ("signals", lambda: run_signals(cupy, torch, timed, args)),
        ("signals", lambda: None if args.no_layer else run_layer(cupy, torch, timed, args)),
        ("padding", lambda: run_padding_modes(cupy, timed, args)),
        ("transposed", lambda: run_transposed(cupy, torch, timed, args)),
        ("layers", lambda: run_cnn_layers(cupy, torch, timed, args)),
    ]
    failed = False
    for name, table in tables:
        if name not in only:
            continue
        try:
            table()
        except Exception:  # one broken table must not lose the others' numbers
            import traceback

            traceback.print_exc()
            failed = True
        cupy.get_default_memory_pool().free_all_blocks()
    if failed:
        raise SystemExit(1)

if __name__ == "__main__":
    main()
