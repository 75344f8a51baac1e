"""Code export: a snippet that reproduces a setup's numbers in another library.

Every snippet spells out the three moves with the setup's own geometry (nothing is
recomputed here): **pad** the input with the zeros ``Geometry.pad`` says, **orient**
the kernel (libraries' "convolution" in CNN frameworks does not flip, so a true
convolution flips it by hand), **slide** in the library's ``valid`` mode, then keep
every ``stride``-th output.  ``tests/test_codegen.py`` runs the numpy, scipy and
torch snippets and compares their output with the engine.

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


def _pad_words(g) -> str:
    """'2 zeros before and 2 after (mode 'full')', per axis when there are several."""
    why = f"mode '{g.mode}'" + (" + padding" if any(b or a for b, a in g.explicit) else "")
    if g.ndim == 1:
        ((b, a),) = g.pad
        return f"{b} zero{'' if b == 1 else 's'} before and {a} after ({why})"
    axes = ", ".join(f"{pair} on axis {i}" for i, pair in enumerate(g.pad))
    return f"zeros (before, after): {axes} ({why})"


def _slices(values, python=True) -> str:
    if python:
        return ", ".join(f"::{v}" if v != 1 else ":" for v in values)
    return ", ".join(f"1:{v}:end" for v in values)


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


def _numpy_pad(g, lines) -> str:
    if all(b == 0 and a == 0 for b, a in g.pad):
        return "x"
    pairs = str(g.pad[0]) if g.ndim == 1 else str(g.pad)
    lines.append(f"x_padded = np.pad(x, {pairs})  # {_pad_words(g)}")
    return "x_padded"


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


def _numpy(setup, g) -> str:
    one_d = g.ndim == 1
    lines = ["import numpy as np"]
    if not one_d:
        lines.append("from numpy.lib.stride_tricks import sliding_window_view")
    lines.append("")
    _python_prelude(setup, g, lines)
    if g.size == 0:
        return _empty_python(setup, g, lines, "np.zeros")
    x = _numpy_pad(g, lines)
    if one_d:
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
    else:
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
    lines.append(f"print(y){_expected(setup, '#')}")
    return "\n".join(lines)


def _scipy(setup, g) -> str:
    lines = ["import numpy as np", "from scipy import signal", ""]
    _python_prelude(setup, g, lines)
    if g.size == 0:
        return _empty_python(setup, g, lines, "np.zeros")
    x = _numpy_pad(g, lines)
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
    if g.flip:
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


def _torch(setup, g) -> str:
    lines = ["import torch", "import torch.nn.functional as F", ""]
    _python_prelude(setup, g, lines, "torch", _framework_dtype(setup, "torch"))
    if g.size == 0:
        return _empty_python(setup, g, lines, "torch.zeros")
    axes = tuple(range(g.ndim))
    _orient_framework(setup, g, lines, "PyTorch", f"torch.flip(w, dims={axes})")
    x = "x[None, None]"
    symmetric = all(b == a for b, a in g.pad)
    if symmetric:
        padding = g.pad[0][0] if g.ndim == 1 else tuple(b for b, _ in g.pad)
    else:
        pairs = tuple(v for pair in reversed(g.pad) for v in pair)
        lines.append(f"# {_pad_words(g)}; F.pad lists the LAST axis first")
        lines.append(f"x_padded = F.pad({x}, {pairs})")
        x, padding = "x_padded", 0

    def per_axis(values):
        return values[0] if g.ndim == 1 else values

    if symmetric and padding:
        lines.append(f"# padding={padding}: {_pad_words(g)}")
    lines.append(
        f"y = F.conv{g.ndim}d({x}, w[None, None], stride={per_axis(g.stride)}, "
        f"padding={padding}, dilation={per_axis(g.dilation)})[0, 0]"
    )
    if _integer(setup):
        lines.append("y = y.round().to(torch.int64)  # integer inputs: exact integer outputs")
    lines.append(f"print(y){_expected(setup, '#')}")
    return "\n".join(lines)


def _tensorflow(setup, g) -> str:
    lines = ["import tensorflow as tf", ""]
    _python_prelude(setup, g, lines, "tf", _framework_dtype(setup, "tf"))
    if g.size == 0:
        return _empty_python(setup, g, lines, "tf.zeros")
    _orient_framework(setup, g, lines, "TensorFlow", f"tf.reverse(w, axis={list(range(g.ndim))})")
    x = "x"
    if any(b or a for b, a in g.pad):
        lines.append(f"x_padded = tf.pad(x, {[list(p) for p in g.pad]})  # {_pad_words(g)}")
        x = "x_padded"
    dilated = any(d != 1 for d in g.dilation)
    # TensorFlow refuses stride > 1 together with dilation > 1: stride by slicing then
    strides = [1] * g.ndim if dilated else list(g.stride)
    if g.ndim == 1:
        args = f'stride={strides[0]}, padding="VALID", dilations={g.dilation[0]}'
    elif g.ndim == 2:
        args = f'strides={strides}, padding="VALID", dilations={list(g.dilation)}'
    else:
        args = f'strides={[1, *strides, 1]}, padding="VALID", dilations={[1, *g.dilation, 1]}'
    lines.append(
        f"y = tf.nn.conv{g.ndim}d({x}[None, ..., None], w[..., None, None], {args})[0, ..., 0]"
    )
    if dilated:
        _stride(g, lines)
    if _integer(setup):
        lines.append("y = tf.cast(tf.round(y), tf.int64)  # integer inputs: exact integer outputs")
    lines.append(f"print(y.numpy()){_expected(setup, '#')}")
    return "\n".join(lines)


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
    x = "x"
    if any(b or a for b, a in g.pad):
        x = "x_padded"
        if g.ndim == 1:
            ((b, a),) = g.pad
            lines.append(f"x_padded = [zeros(1, {b}), x, zeros(1, {a})];  % {_pad_words(g)}")
        else:
            lines.append(f"x_padded = zeros({shape(g.padded_shape)});  % {_pad_words(g)}")
            inner = ", ".join(f"{b + 1}:{b + n}" for (b, _), n in zip(g.pad, g.input_shape))
            lines.append(f"x_padded({inner}) = x;")
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
        convention); the padding comes from ``setup.geometry``.
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
