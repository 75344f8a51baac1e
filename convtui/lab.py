"""The conventions lab: the same x and w through each library's idea of "convolution".

Libraries differ only in the first two of the three moves (pad, orient, slide):
where ``same`` puts the odd extra zero of an even kernel, whether the kernel is
flipped, and what happens when the kernel is longer than the input.  Each row
below is one library's real behaviour, computed with convtui's engine (numpy
only: no library here is imported) and checked against the real library in
``tests/test_lab.py`` wherever it is installed.

>>> rows = compare([1, 2, 3, 4, 5, 6], [1, 10], "same")
>>> for row in rows[:2] + rows[4:5]:
...     print(f"{row.library:<22} {row.padding} flips={row.flips} {row.output}")
numpy.convolve         ((1, 0),) flips=True [ 1 12 23 34 45 56]
scipy.signal.convolve  ((1, 0),) flips=True [ 1 12 23 34 45 56]
MATLAB conv            ((0, 1),) flips=True [12 23 34 45 56 60]
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .engine.conv import convolve, correlate
from .engine.geometry import MODES, plan

__all__ = ["AXES_NOTE", "LabRow", "compare", "format_padding"]

AXES_NOTE = (
    "PyTorch wants x and w as x[None, None] and w[None, None]; "
    "TensorFlow as x[None, ..., None] and w[..., None, None]"
)


@dataclass(frozen=True)
class LabRow:
    """One library's result for the same x, w and mode.

    ``padding`` is the zeros ``(before, after)`` per axis around the array the
    kernel slides over (``None`` when the library cannot run this case);
    ``output`` is ``None`` when the library has no such function or refuses the
    case, and ``note`` then says why.  ``differs`` marks a row whose output is
    not the reference's (the first row that has an output).
    """

    library: str
    call: str
    padding: tuple[tuple[int, int], ...] | None
    flips: bool
    output: np.ndarray | None
    note: str = ""
    differs: bool = False


def format_padding(padding) -> str:
    """``((1, 0), (0, 1))`` → ``"(1, 0) (0, 1)"``; ``None`` → ``"—"``.

    >>> format_padding(((1, 0),))
    '(1, 0)'
    """
    if padding is None:
        return "—"
    return " ".join(f"({b}, {a})" for b, a in padding)


def _row(library, call, x, w, mode, flip, convention, note=""):
    """A row computed by the engine with one of its conventions."""
    g = plan(x.shape, w.shape, mode, flip=flip, convention=convention)
    run = convolve if flip else correlate
    return LabRow(library, call, g.pad, flip, run(x, w, mode, convention=convention), note)


def _missing(library, call, flip, note):
    return LabRow(library, call, None, flip, None, note)


def _fits(big, small) -> bool:
    return all(b >= s for b, s in zip(big.shape, small.shape))


def _swapping(library, call, x, w, mode, flip, *, swaps_same=False):
    """numpy and scipy: a kernel larger than x makes them swap the two arguments.

    scipy swaps only in 'valid' mode (its 'same' keeps x's shape); numpy.convolve
    also in 'same' (its 'same' is the longer length).  Convolution does not care
    about the order; for correlation swapping reverses (and conjugates) the
    result, which scipy undoes.
    """
    swaps = mode == "valid" or (mode == "same" and swaps_same)
    if not swaps or _fits(x, w):
        return _row(library, call, x, w, mode, flip, "numpy")
    if not _fits(w, x):
        return _missing(
            library,
            call,
            flip,
            "raises: in 'valid' mode one array must be at least as large as the other "
            "on every axis",
        )
    note = "w is larger than x: the arguments are swapped (x slides over w)"
    g = plan(w.shape, x.shape, mode, flip=flip)
    if flip:
        return LabRow(library, call, g.pad, flip, convolve(w, x, mode), note)
    swapped = correlate(w, x, mode)[(slice(None, None, -1),) * w.ndim]
    return LabRow(library, call, g.pad, flip, np.conj(swapped), note)


def _numpy_convolve(x, w, mode):
    call = f"np.convolve(x, w, mode='{mode}')"
    if x.ndim != 1:
        return _missing("numpy.convolve", call, True, "1-D only")
    return _swapping("numpy.convolve", call, x, w, mode, True, swaps_same=True)


def _scipy(name, x, w, mode, flip):
    return _swapping(
        f"scipy.signal.{name}", f"scipy.signal.{name}(x, w, mode='{mode}')", x, w, mode, flip
    )


def _scipy_correlate2d(x, w, mode):
    call = f"scipy.signal.correlate2d(x, w, mode='{mode}')"
    if x.ndim != 2:
        return _missing("scipy.signal.correlate2d", call, False, "2-D only")
    if mode == "same":
        # convolve2d of the rotated kernel: the odd extra zero lands at the end,
        # unlike scipy.signal.correlate(..., 'same')
        return _row(
            "scipy.signal.correlate2d",
            call,
            x,
            w,
            mode,
            False,
            "matlab",
            "'same' puts the extra zero at the end, unlike scipy.signal.correlate",
        )
    return _swapping("scipy.signal.correlate2d", call, x, w, mode, False)


def _matlab(x, w, mode):
    name = {1: "conv", 2: "conv2"}.get(x.ndim, "convn")
    call = f"{name}(x, w, '{mode}')"
    return _row(
        f"MATLAB {name}",
        call,
        x,
        w,
        mode,
        True,
        "matlab",
        "'valid' gives an empty result when w is larger than x"
        if mode == "valid" and not _fits(x, w)
        else "",
    )


def _torch_padding(g, mode) -> str:
    if mode == "full":
        return "padding=" + (str(g.pad[0][0]) if g.ndim == 1 else str(tuple(b for b, _ in g.pad)))
    return f"padding='{mode}'"


def _torch(x, w, mode):
    d = x.ndim
    library = f"PyTorch conv{d}d"
    g = plan(x.shape, w.shape, mode, flip=False, convention="torch")
    call = f"F.conv{d}d(x, w, {_torch_padding(g, mode)})"
    if any(n < k for n, k in zip(g.padded_shape, g.effective_kernel)):
        return _missing(library, call, False, "raises: the kernel is larger than the padded input")
    return _row(library, call, x, w, mode, False, "torch")


def _tensorflow(x, w, mode):
    d = x.ndim
    library = f"TensorFlow conv{d}d"
    padding = {"same": "'SAME'", "valid": "'VALID'"}.get(mode)
    if padding is None:
        pads = ", ".join(f"[{k - 1}, {k - 1}]" for k in w.shape)
        call = f"tf.nn.conv{d}d(tf.pad(x, [{pads}]), w, 1, 'VALID')"
    else:
        call = f"tf.nn.conv{d}d(x, w, 1, {padding})"
    g = plan(x.shape, w.shape, mode, flip=False, convention="tensorflow")
    if any(n < k for n, k in zip(g.padded_shape, g.effective_kernel)):
        return _missing(library, call, False, "raises: the output size would be negative")
    note = "no 'full' padding: pad explicitly, then 'VALID'" if mode == "full" else ""
    return _row(library, call, x, w, mode, False, "tensorflow", note)


def _same_output(a, b) -> bool:
    if a.shape != b.shape:
        return False
    return bool(np.allclose(a, b, rtol=1e-9, atol=1e-9, equal_nan=True))


def compare(x, w, mode: str = "same") -> list[LabRow]:
    """One :class:`LabRow` per library for ``x``, ``w`` and ``mode``.

    Rows: numpy.convolve, scipy.signal.convolve, scipy.signal.correlate,
    scipy.signal.correlate2d, MATLAB conv/conv2/convn, PyTorch conv1d/2d/3d with
    ``padding=mode`` and TensorFlow conv1d/2d/3d with ``'SAME'``/``'VALID'``.
    Libraries without the function for this many dimensions, or that refuse the
    case, have ``output=None`` and a note.  PyTorch's and TensorFlow's calls leave
    out the batch and channel axes their arrays need (see :data:`AXES_NOTE`).

    Examples
    --------
    >>> rows = compare([1, 2, 3, 4], [5, 6, 7], "same")
    >>> for row in rows[1:3]:
    ...     print(row.library, row.output, "*" if row.differs else "-")
    scipy.signal.convolve [16 34 52 45] -
    scipy.signal.correlate [20 38 56 39] *
    """
    x = np.asarray(x)
    w = np.asarray(w)
    if mode not in MODES:
        raise ValueError(f"mode must be one of {', '.join(map(repr, MODES))}; got {mode!r}")
    if x.ndim != w.ndim:
        raise ValueError(
            "x and w must have the same number of dimensions, got "
            f"x shape {x.shape} and w shape {w.shape}"
        )
    plan(x.shape, w.shape, mode)  # validates shapes (1 to 3 axes, none empty)
    rows = [
        _numpy_convolve(x, w, mode),
        _scipy("convolve", x, w, mode, True),
        _scipy("correlate", x, w, mode, False),
        _scipy_correlate2d(x, w, mode),
        _matlab(x, w, mode),
        _torch(x, w, mode),
        _tensorflow(x, w, mode),
    ]
    reference = next((r.output for r in rows if r.output is not None), None)
    marked = []
    for row in rows:
        differs = (
            row.output is not None
            and reference is not None
            and not _same_output(row.output, reference)
        )
        marked.append(LabRow(**{**row.__dict__, "differs": differs}))
    return marked
