"""Code export: a snippet that reproduces a setup's numbers in another library.

Every snippet spells out the three moves with the setup's own geometry (nothing is
recomputed here): **pad** the input as ``Geometry.pad`` says (zeros, or the copies a
padding mode makes: ``numpy.pad``, PyTorch's ``F.pad``, TensorFlow's ``tf.pad``, or
indexing with ``Geometry.source_index`` where a library has no such mode), **orient**
the kernel (libraries' "convolution" in CNN frameworks does not flip, so a true
convolution flips it by hand), **slide** in the library's ``valid`` mode, then keep
every ``stride``-th output.  A transposed convolution is PyTorch's and TensorFlow's
own call; numpy, scipy and MATLAB slide over the zero-stuffed input
(``Geometry.slide``).  ``tests/test_codegen.py`` runs the numpy, scipy and torch
snippets and compares their output with the engine.

>>> from convtui.engine.setup import Setup
>>> print(snippet(Setup([1, 2, 3, 4], [5, 6, 7]), "numpy"))
import numpy as np
<BLANKLINE>
x = np.array([1, 2, 3, 4])
w = np.array([5, 6, 7])
x_padded = np.pad(x, (2, 2))  # 2 zeros before and 2 after (mode 'full')
y = np.convolve(x_padded, w, mode="valid")  # convolve flips w; 'valid' adds no zeros
print(y)  # [ 5 16 34 52 45 28]
"""

from __future__ import annotations

import math

import numpy as np

from .engine.geometry import PADDING_NAMES, plan
from .engine.setup import Setup

__all__ = ["LANGS", "snippet"]

LANGS = ("numpy", "scipy", "torch", "matlab", "tensorflow")


# ---------------------------------------------------------------- literals


def _py_number(v) -> str:
    if isinstance(v, complex):
        return repr(v)
    if isinstance(v, float) and not math.isfinite(v):
        return f'float("{v}")'
    return repr(v)


def _py_literal(a: np.ndarray) -> str:
    def nested(v):
        if isinstance(v, list):
            return "[" + ", ".join(nested(u) for u in v) + "]"
        return _py_number(v)

    return nested(a.tolist())


def _matlab_number(v) -> str:
    if isinstance(v, complex):
        imag = _matlab_number(v.imag)
        sign = "" if imag.startswith("-") else "+"
        return f"{_matlab_number(v.real)}{sign}{imag}i"
    if isinstance(v, float):
        if math.isnan(v):
            return "NaN"
        if math.isinf(v):
            return "Inf" if v > 0 else "-Inf"
        return repr(v)
    return str(v)


def _matlab_literal(a: np.ndarray) -> str:
    if a.ndim == 1:
        return "[" + " ".join(_matlab_number(v) for v in a.tolist()) + "]"
    if a.ndim == 2:
        return "[" + "; ".join(" ".join(_matlab_number(v) for v in row) for row in a.tolist()) + "]"
    pages = ", ".join(_matlab_literal(a[:, :, k]) for k in range(a.shape[2]))
    return f"cat(3, {pages})"


def _expected(setup: Setup, prefix: str) -> str:
    """The engine's output as a trailing comment, when it is short."""
    if setup.geometry.size > 24:
        return ""
    try:
        out = setup.compute().output
    except (ValueError, OverflowError):  # e.g. integers that could overflow int64
        return ""
    if prefix == "%":
        return f"  % {_matlab_literal(out)}"
    text = np.array2string(out, separator=" ").replace("\n", " ")
    return f"  {prefix} {' '.join(text.split())}"


def _pad_words(g, why: str | None = None) -> str:
    """'2 zeros before and 2 after (mode 'full')', per axis when there are several."""
    if why is None:
        why = f"mode '{g.mode}'" + (" + padding" if any(b or a for b, a in g.explicit) else "")
    filled = g.padding_mode != "zeros"
    unit = "cell" if filled else "zero"
    if g.ndim == 1:
        ((b, a),) = g.pad
        words = f"{b} {unit}{'' if b == 1 else 's'} before and {a} after"
    else:
        axes = ", ".join(f"{pair} on axis {i}" for i, pair in enumerate(g.pad))
        words = f"{unit}s (before, after): {axes}"
    if filled:
        words += f", {g.padding_mode} copies of x"
    return f"{words} ({why})"


def _slices(values, python=True) -> str:
    if python:
        return ", ".join(f"::{v}" if v != 1 else ":" for v in values)
    return ", ".join(f"1:{v}:end" for v in values)


def _sources(g, base: int = 0) -> list[list[int]]:
    """Which input index each padded cell copies, per axis (the engine's tables)."""
    return [(g.source_index(axis) + base).tolist() for axis in range(g.ndim)]


def _padded(g) -> bool:
    return any(b or a for b, a in g.pad)


def _within(g, limit) -> bool:
    """Whether every side's padding is at most ``limit(n)`` (a library's own rule)."""
    return all(max(pair) <= limit(n) for pair, n in zip(g.pad, g.input_shape))


# ---------------------------------------------------------------- python


def _python_prelude(setup, g, lines, xp="np", dtype=None):
    kw = f", dtype={dtype}" if dtype else ""
    ctor = {"np": "np.array", "torch": "torch.tensor", "tf": "tf.constant"}[xp]
    lines.append(f"x = {ctor}({_py_literal(setup.input)}{kw})")
    lines.append(f"w = {ctor}({_py_literal(setup.kernel)}{kw})")


def _numpy_dilate(g, lines):
    if all(d == 1 for d in g.dilation):
        return "w"
    lines.append(f"w_dilated = np.zeros({g.effective_kernel}, dtype=w.dtype)")
    lines.append(
        f"w_dilated[{_slices(g.dilation)}] = w  # dilation {', '.join(map(str, g.dilation))}: "
        "zeros between the taps"
    )
    return "w_dilated"


def _numpy_pad(g, lines, x="x", why=None) -> str:
    if not _padded(g):
        return x
    pairs = str(g.pad[0]) if g.ndim == 1 else str(g.pad)
    mode = ""
    if g.padding_mode != "zeros":
        mode = f', mode="{PADDING_NAMES[g.padding_mode]["numpy.pad"]}"'
    lines.append(f"x_padded = np.pad({x}, {pairs}{mode})  # {_pad_words(g, why)}")
    return "x_padded"


def _gaps(factors) -> str:
    """``1 zero`` or ``2, 1 zeros``: stride-1 (or dilation-1) zeros per axis."""
    counts = [f - 1 for f in factors]
    return f"{', '.join(map(str, counts))} zero{'' if counts == [1] else 's'}"


def _numpy_stuff(setup, g, lines) -> tuple:
    """A transposed convolution's input, zero-stuffed and cropped: (name, slide geometry)."""
    from .engine.conv import _stuffed

    crop, slide = g.slide
    if not g.flip and setup.kernel.dtype.kind == "c":
        lines.append("w = w.conj()  # the transpose of a correlation, which conjugates w")
    if all(s == 1 for s in g.stride):
        x = "x"
    else:
        shape = _stuffed(np, setup.input, g).shape
        lines.append(
            f"x_up = np.zeros({shape[0] if g.ndim == 1 else shape}, dtype=x.dtype)"
            f"  # stride {', '.join(map(str, g.stride))}: {_gaps(g.stride)} between the inputs"
        )
        lines.append(f"x_up[{_slices(g.stride)}] = x")
        x = "x_up"
    if any(c != slice(0, n) for c, n in zip(crop, _stuffed(np, setup.input, g).shape)):
        cut = ", ".join(f"{c.start}:{c.stop}" for c in crop)
        lines.append(f"x_up = {x}[{cut}]  # padding wider than the kernel crops the input")
        x = "x_up"
    return x, slide


_TRANSPOSED_WHY = "d·(k-1) - padding before, plus output_padding after"


def _stride(g, lines, python=True):
    if any(s != 1 for s in g.stride):
        if python:
            lines.append(f"y = y[{_slices(g.stride)}]  # stride {', '.join(map(str, g.stride))}")
        else:
            lines.append(
                f"y = y({_slices(g.stride, python=False)});  % stride "
                f"{', '.join(map(str, g.stride))}"
            )


def _empty_python(setup, g, lines, make):
    lines.append(
        f"# the kernel spans {g.effective_kernel} but the padded input is only "
        f"{g.padded_shape}: there is no place to slide it, so the output is empty"
    )
    lines.append(f"y = {make}({g.output_shape})")
    lines.append("print(y)")
    return "\n".join(lines)


def _zeros_python(g, lines):
    lines.append("# padding crops every product away: each output is 0")
    lines.append(f"y = np.zeros({g.output_shape}, dtype=np.result_type(x, w))")
    lines.append("print(y)")
    return "\n".join(lines)


def _numpy_slide(setup, g, lines, x, why=None) -> None:
    """Pad ``x`` as ``g`` says, then slide (numpy only), keeping every stride-th output."""
    x = _numpy_pad(g, lines, x, why)
    if g.ndim == 1:
        w = _numpy_dilate(g, lines)
        if g.flip:
            lines.append(
                f'y = np.convolve({x}, {w}, mode="valid")'
                "  # convolve flips w; 'valid' adds no zeros"
            )
        else:
            lines.append(
                f'y = np.correlate({x}, {w}, mode="valid")'
                "  # correlate slides w unflipped; 'valid' adds no zeros"
            )
        _stride(g, lines)
        return
    if g.flip:
        flips = ", ".join(["::-1"] * g.ndim)
        lines.append(f"w_oriented = w[{flips}]  # true convolution flips w on every axis")
    elif setup.kernel.dtype.kind == "c":
        lines.append("w_oriented = w.conj()  # correlation conjugates a complex kernel")
    else:
        lines.append("w_oriented = w  # correlation: no flip")
    lines.append(
        f"windows = sliding_window_view({x}, {g.effective_kernel})"
        f"[{_slices(g.stride)}]  # one window per output, every stride-th"
    )
    if any(d != 1 for d in g.dilation):
        lines.append(
            f"windows = windows[..., {_slices(g.dilation)}]  # dilation: every d-th element"
        )
    lines.append(f"y = np.tensordot(windows, w_oriented, axes={g.ndim})")


def _numpy_transposed(setup, g, lines):
    """``(x, g, why)``: a transposed setup slides over its stuffed input (g None: all zero)."""
    if not g.transposed:
        return "x", g, None
    lines.append("# transposed: slide over x with zeros stuffed between its elements")
    x, g = _numpy_stuff(setup, g, lines)
    return x, g, _TRANSPOSED_WHY


def _numpy(setup, g) -> str:
    lines = ["import numpy as np"]
    if g.ndim != 1:
        lines.append("from numpy.lib.stride_tricks import sliding_window_view")
    lines.append("")
    _python_prelude(setup, g, lines)
    if g.size == 0:
        return _empty_python(setup, g, lines, "np.zeros")
    x, g, why = _numpy_transposed(setup, g, lines)
    if g is None:
        return _zeros_python(setup.geometry, lines)
    _numpy_slide(setup, g, lines, x, why)
    lines.append(f"print(y){_expected(setup, '#')}")
    return "\n".join(lines)


def _scipy(setup, g) -> str:
    lines = ["import numpy as np", "from scipy import signal", ""]
    _python_prelude(setup, g, lines)
    if g.size == 0:
        return _empty_python(setup, g, lines, "np.zeros")
    x, g, why = _numpy_transposed(setup, g, lines)
    if g is None:
        return _zeros_python(setup.geometry, lines)
    x = _numpy_pad(g, lines, x, why)
    w = _numpy_dilate(g, lines)
    name, what = ("convolve", "flips w") if g.flip else ("correlate", "slides w unflipped")
    finite = all(np.isfinite(a).all() for a in (setup.input, setup.kernel))
    # an FFT would spread a NaN or inf over the whole output; the direct sum keeps it local
    method = "" if finite else ', method="direct"'
    lines.append(
        f'y = signal.{name}({x}, {w}, mode="valid"{method})  # {name} {what}; '
        "'valid' adds no zeros"
    )
    _stride(g, lines)
    lines.append(f"print(y){_expected(setup, '#')}")
    return "\n".join(lines)


def _orient_framework(setup, g, lines, library, flip_call):
    if g.flip and g.transposed:
        lines.append(
            f"w = {flip_call}  # {library}'s conv_transpose transposes a cross-correlation: "
            "flip w to transpose a convolution"
        )
    elif g.flip:
        lines.append(
            f"w = {flip_call}  # {library}'s conv is cross-correlation: flip w to convolve"
        )
    elif setup.kernel.dtype.kind == "c" or setup.input.dtype.kind == "c":
        lines.append("w = w.conj()  # correlation conjugates a complex kernel")


def _framework_dtype(setup, prefix) -> str:
    kinds = {setup.input.dtype.kind, setup.kernel.dtype.kind}
    return f"{prefix}.complex128" if "c" in kinds else f"{prefix}.float64"


def _integer(setup) -> bool:
    return setup.input.dtype.kind in "biu" and setup.kernel.dtype.kind in "biu"


def _per_axis(g, values):
    return values[0] if g.ndim == 1 else tuple(values)


# the widest padding each F.pad mode accepts, per side, for an axis of length n
_TORCH_PAD_LIMITS = {"reflect": lambda n: n - 1, "replicate": lambda n: math.inf}
_TORCH_PAD_LIMITS["circular"] = lambda n: n


def _torch_fill(g, lines) -> str:
    """The input padded by a padding mode, as a (1, 1, ...) tensor."""
    name = PADDING_NAMES[g.padding_mode]["torch"]
    limit = _TORCH_PAD_LIMITS.get(name or "")
    if limit is not None and _within(g, limit):
        pairs = tuple(v for pair in reversed(g.pad) for v in pair)
        lines.append(f"# {_pad_words(g)}; F.pad lists the LAST axis first")
        lines.append(f'x_padded = F.pad(x[None, None], {pairs}, mode="{name}")')
        return "x_padded"
    reason = "F.pad has no such mode" if name is None else f"F.pad '{name}' refuses this width"
    lines.append(f"# {_pad_words(g)}; {reason}, so index the cells each one copies")
    tables = _sources(g)
    for axis, table in enumerate(tables):
        lines.append(f"index{axis} = torch.tensor({table})")
    shaped = [
        f"index{axis}" + ("[" + ", ".join([":"] + ["None"] * (g.ndim - axis - 1)) + "]")
        if axis < g.ndim - 1
        else f"index{axis}"
        for axis in range(g.ndim)
    ]
    lines.append(f"x_padded = x[{', '.join(shaped)}][None, None]")
    return "x_padded"


def _torch(setup, g) -> str:
    lines = ["import torch", "import torch.nn.functional as F", ""]
    _python_prelude(setup, g, lines, "torch", _framework_dtype(setup, "torch"))
    if g.size == 0:
        return _empty_python(setup, g, lines, "torch.zeros")
    axes = tuple(range(g.ndim))
    _orient_framework(setup, g, lines, "PyTorch", f"torch.flip(w, dims={axes})")
    if g.transposed:
        _torch_transposed(g, lines)
    else:
        x = "x[None, None]"
        symmetric = all(b == a for b, a in g.pad)
        if g.padding_mode != "zeros" and _padded(g):
            x, padding, symmetric = _torch_fill(g, lines), 0, False
        elif symmetric:
            padding = _per_axis(g, [b for b, _ in g.pad])
        else:
            pairs = tuple(v for pair in reversed(g.pad) for v in pair)
            lines.append(f"# {_pad_words(g)}; F.pad lists the LAST axis first")
            lines.append(f"x_padded = F.pad({x}, {pairs})")
            x, padding = "x_padded", 0
        if symmetric and padding:
            lines.append(f"# padding={padding}: {_pad_words(g)}")
        lines.append(
            f"y = F.conv{g.ndim}d({x}, w[None, None], stride={_per_axis(g, g.stride)}, "
            f"padding={padding}, dilation={_per_axis(g, g.dilation)})[0, 0]"
        )
    if _integer(setup):
        lines.append("y = y.round().to(torch.int64)  # integer inputs: exact integer outputs")
    lines.append(f"print(y){_expected(setup, '#')}")
    return "\n".join(lines)


def _crop(g) -> str | None:
    """``[1:5]``: the cut of the uncropped transposed output that (before, after) padding keeps."""
    if not any(b or a for b, a in g.explicit):
        return None
    return ", ".join(f"{b}:{b + o}" for (b, _), o in zip(g.explicit, g.output_shape))


def _torch_transposed(g, lines) -> None:
    symmetric = all(b == a for b, a in g.explicit)
    padding = _per_axis(g, [b for b, _ in g.explicit]) if symmetric else 0
    lines.append(
        f"y = F.conv_transpose{g.ndim}d(x[None, None], w[None, None], "
        f"stride={_per_axis(g, g.stride)}, padding={padding}, "
        f"output_padding={_per_axis(g, g.output_padding)}, "
        f"dilation={_per_axis(g, g.dilation)})[0, 0]"
    )
    if not symmetric:
        lines.append(f"y = y[{_crop(g)}]  # padding (before, after) differs: crop it by hand")


def _tf_fill(g, lines) -> str:
    """The input padded by a padding mode: tf.pad where TensorFlow has the mode, else tf.gather."""
    name = PADDING_NAMES[g.padding_mode]["TensorFlow tf.pad"]
    limits = {"REFLECT": lambda n: n - 1, "SYMMETRIC": lambda n: n}
    if name in limits and _within(g, limits[name]):
        lines.append(
            f'x_padded = tf.pad(x, {[list(p) for p in g.pad]}, "{name}")  # {_pad_words(g)}'
        )
        return "x_padded"
    reason = "tf.pad has no such mode" if name not in limits else f"tf.pad '{name}' refuses this"
    lines.append(f"# {_pad_words(g)}; {reason}, so gather the cells each one copies")
    x = "x"
    for axis, table in enumerate(_sources(g)):
        x = f"tf.gather({x}, {table}, axis={axis})"
    lines.append(f"x_padded = {x}")
    return "x_padded"


def _tensorflow(setup, g) -> str:
    lines = ["import tensorflow as tf", ""]
    _python_prelude(setup, g, lines, "tf", _framework_dtype(setup, "tf"))
    if g.size == 0:
        return _empty_python(setup, g, lines, "tf.zeros")
    _orient_framework(setup, g, lines, "TensorFlow", f"tf.reverse(w, axis={list(range(g.ndim))})")
    if g.transposed:
        _tensorflow_transposed(g, lines)
    else:
        x = "x"
        if g.padding_mode != "zeros" and _padded(g):
            x = _tf_fill(g, lines)
        elif _padded(g):
            lines.append(f"x_padded = tf.pad(x, {[list(p) for p in g.pad]})  # {_pad_words(g)}")
            x = "x_padded"
        dilated = any(d != 1 for d in g.dilation)
        # TensorFlow refuses stride > 1 together with dilation > 1: stride by slicing then
        strides = [1] * g.ndim if dilated else list(g.stride)
        lines.append(
            f"y = tf.nn.conv{g.ndim}d({x}[None, ..., None], w[..., None, None], "
            f"{_tf_args(g, strides)})[0, ..., 0]"
        )
        if dilated:
            _stride(g, lines)
    if _integer(setup):
        lines.append("y = tf.cast(tf.round(y), tf.int64)  # integer inputs: exact integer outputs")
    lines.append(f"print(y.numpy()){_expected(setup, '#')}")
    return "\n".join(lines)


def _tf_args(g, strides) -> str:
    if g.ndim == 1:
        return f'stride={strides[0]}, padding="VALID", dilations={g.dilation[0]}'
    if g.ndim == 2:
        return f'strides={strides}, padding="VALID", dilations={list(g.dilation)}'
    return f'strides={[1, *strides, 1]}, padding="VALID", dilations={[1, *g.dilation, 1]}'


def _tensorflow_transposed(g, lines) -> None:
    # no padding= in TensorFlow: the uncropped output (output_shape), then a crop
    full = plan(
        g.input_shape, g.kernel_shape, "valid", flip=g.flip, stride=g.stride,
        dilation=g.dilation, transposed=True, output_padding=g.output_padding,
    ).output_shape  # fmt: skip
    w = "w"
    if any(d != 1 for d in g.dilation):
        # TensorFlow's CPU kernels take no dilation in a transposed convolution: spread w
        taps = np.zeros(g.effective_kernel, dtype=bool)
        taps[tuple(slice(None, None, d) for d in g.dilation)] = True
        lines.append(
            f"w_dilated = tf.scatter_nd({np.argwhere(taps).tolist()}, tf.reshape(w, [-1]), "
            f"{list(g.effective_kernel)})  # dilation: zeros between the taps"
        )
        w = "w_dilated"
    strides = g.stride[0] if g.ndim == 1 else list(g.stride)
    lines.append(
        f"y = tf.nn.conv{g.ndim}d_transpose(x[None, ..., None], {w}[..., None, None], "
        f'output_shape={[1, *full, 1]}, strides={strides}, padding="VALID")[0, ..., 0]'
    )
    crop = _crop(g)
    if crop:
        lines.append(f"y = y[{crop}]  # padding crops the output (TensorFlow has no padding=)")


def _matlab(setup, g) -> str:
    name = {1: "conv", 2: "conv2", 3: "convn"}[g.ndim]
    lines = [
        f"x = {_matlab_literal(setup.input)};",
        f"w = {_matlab_literal(setup.kernel)};",
    ]
    shape = lambda dims: ", ".join(map(str, dims))  # noqa: E731
    if g.size == 0:
        lines.append("% the kernel is larger than the padded input: the output is empty")
        lines.append(f"y = zeros({shape((1, 0) if g.ndim == 1 else g.output_shape)});")
        lines.append("disp(y)")
        return "\n".join(lines)
    x, why = "x", None
    if g.transposed:
        lines.append("% transposed: slide over x with zeros stuffed between its elements")
        x, g = _matlab_stuff(setup, g, lines)
        if g is None:
            dims = (1, *setup.geometry.output_shape) if setup.input.ndim == 1 else None
            lines.append("% padding crops every product away: each output is 0")
            lines.append(f"y = zeros({shape(dims or setup.geometry.output_shape)});")
            lines.append("disp(y)")
            return "\n".join(lines)
        why = _TRANSPOSED_WHY
    if _padded(g):
        x = _matlab_pad(g, lines, x, why)
    w = "w"
    if any(d != 1 for d in g.dilation):
        w = "w_dilated"
        dims = (1, *g.effective_kernel) if g.ndim == 1 else g.effective_kernel
        lines.append(f"w_dilated = zeros({shape(dims)});")
        lines.append(f"w_dilated({_slices(g.dilation, python=False)}) = w;  % dilation")
    if not g.flip:
        flipped = {1: f"fliplr({w})", 2: f"rot90({w}, 2)", 3: f"flip(flip(flip({w}, 1), 2), 3)"}
        oriented = flipped[g.ndim]
        if setup.kernel.dtype.kind == "c":
            oriented = f"conj({oriented})"
        lines.append(f"w_oriented = {oriented};  % {name} flips w: pre-flip it to correlate")
        w = "w_oriented"
    lines.append(f"y = {name}({x}, {w}, 'valid');  % {name} flips w; 'valid' adds no zeros")
    _stride(g, lines, python=False)
    lines.append(f"disp(y){_expected(setup, '%')}")
    return "\n".join(lines)


def _matlab_pad(g, lines, x, why) -> str:
    if g.padding_mode != "zeros":
        # index vectors: every padded cell names the input it copies (1-based)
        tables = _sources(g, base=1)
        index = ", ".join(_matlab_literal(np.array(t)) for t in tables)
        method = PADDING_NAMES[g.padding_mode]["MATLAB padarray"]
        same = f" = padarray({x}, ..., {method})" if method else ", which padarray lacks"
        lines.append(f"x_padded = {x}({index});  % {_pad_words(g, why)}{same}")
    elif g.ndim == 1:
        ((b, a),) = g.pad
        lines.append(f"x_padded = [zeros(1, {b}), {x}, zeros(1, {a})];  % {_pad_words(g, why)}")
    else:
        lines.append(
            f"x_padded = zeros({', '.join(map(str, g.padded_shape))});  % {_pad_words(g, why)}"
        )
        inner = ", ".join(f"{b + 1}:{b + n}" for (b, _), n in zip(g.pad, g.input_shape))
        lines.append(f"x_padded({inner}) = {x};")
    return "x_padded"


def _matlab_stuff(setup, g, lines) -> tuple:
    from .engine.conv import _stuffed

    crop, slide = g.slide
    stuffed = _stuffed(np, setup.input, g).shape
    if not g.flip and setup.kernel.dtype.kind == "c":
        lines.append("w = conj(w);  % the transpose of a correlation, which conjugates w")
    x = "x"
    if any(s != 1 for s in g.stride):
        dims = (1, *stuffed) if g.ndim == 1 else stuffed
        lines.append(f"x_up = zeros({', '.join(map(str, dims))});  % stride: zeros between inputs")
        lines.append(f"x_up({_slices(g.stride, python=False)}) = x;")
        x = "x_up"
    if any(c != slice(0, n) for c, n in zip(crop, stuffed)):
        cut = ", ".join(f"{c.start + 1}:{c.stop}" for c in crop)
        lines.append(f"x_up = {x}({cut});  % padding wider than the kernel crops the input")
        x = "x_up"
    return x, slide


_WRITERS = {
    "numpy": _numpy,
    "scipy": _scipy,
    "torch": _torch,
    "matlab": _matlab,
    "tensorflow": _tensorflow,
}


def snippet(setup: Setup, lang: str = "numpy") -> str:
    """Code that computes ``setup``'s output in ``lang``.

    Parameters
    ----------
    setup : Setup
        The input, kernel and options (mode, flip, stride, dilation, padding,
        padding mode, convention, transposed, output padding); the padding comes
        from ``setup.geometry``.
    lang : {"numpy", "scipy", "torch", "matlab", "tensorflow"}

    Returns
    -------
    str
        A self-contained program (imports, data, the computation, a print).

    Examples
    --------
    >>> s = Setup([1, 2, 3, 4, 5, 6], [1, 10], "same", convention="matlab")
    >>> print(snippet(s, "matlab"))
    x = [1 2 3 4 5 6];
    w = [1 10];
    x_padded = [zeros(1, 0), x, zeros(1, 1)];  % 0 zeros before and 1 after (mode 'same')
    y = conv(x_padded, w, 'valid');  % conv flips w; 'valid' adds no zeros
    disp(y)  % [12 23 34 45 56 60]
    """
    if not isinstance(lang, str) or lang not in _WRITERS:
        raise ValueError(f"lang must be one of {', '.join(map(repr, LANGS))}; got {lang!r}")
    return _WRITERS[lang](setup, setup.geometry)
