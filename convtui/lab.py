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

Two more tables read the engine's padding modes and transposed convolution the same
way: :func:`compare_padding` (one padding mode under each library's name) with
:func:`padding_names` (every mode's names and what it fills), and
:func:`compare_transposed` (the transposed call in each library, or the zero-stuffed
input it needs).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .engine.conv import conv_transpose, convolve, correlate
from .engine.geometry import MODES, PADDING_MODES, PADDING_NAMES, plan

__all__ = [
    "AXES_NOTE",
    "PADDING_WORDS",
    "LabRow",
    "SetupLab",
    "compare",
    "compare_padding",
    "compare_setup",
    "compare_transposed",
    "fills",
    "format_padding",
    "padded_cells",
    "padding_names",
]

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


def _row(library, call, x, w, mode, flip, convention, note="", padding_mode="zeros", padding=None):
    """A row computed by the engine with one of its conventions."""
    g = plan(x.shape, w.shape, mode, flip=flip, convention=convention, padding=padding)
    run = convolve if flip else correlate
    output = run(x, w, mode, convention=convention, padding_mode=padding_mode, padding=padding)
    return LabRow(library, call, g.pad, flip, output, note)


def _missing(library, call, flip, note):
    return LabRow(library, call, None, flip, None, note)


def _fits(big, small) -> bool:
    """numpy's and scipy's own rule for swapping: one array at least as large on every axis."""
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


def _matlab_name(ndim: int) -> str:
    return {1: "conv", 2: "conv2"}.get(ndim, "convn")


def _matlab(x, w, mode):
    name = _matlab_name(x.ndim)
    empty = plan(x.shape, w.shape, mode, convention="matlab").size == 0
    note = "'valid' gives an empty result when w is larger than x" if empty else ""
    return _row(f"MATLAB {name}", f"{name}(x, w, '{mode}')", x, w, mode, True, "matlab", note)


def _torch_padding(g, mode) -> str:
    if mode == "full":
        return "padding=" + (str(g.pad[0][0]) if g.ndim == 1 else str(tuple(b for b, _ in g.pad)))
    return f"padding='{mode}'"


def _torch(x, w, mode):
    d = x.ndim
    library = f"PyTorch conv{d}d"
    g = plan(x.shape, w.shape, mode, flip=False, convention="torch")
    call = f"F.conv{d}d(x, w, {_torch_padding(g, mode)})"
    if g.size == 0:
        return _missing(library, call, False, "raises: the kernel is larger than the padded input")
    return _row(library, call, x, w, mode, False, "torch")


def _tf_pads(g) -> str:
    return "[" + ", ".join(f"[{b}, {a}]" for b, a in g.pad) + "]"


def _tensorflow(x, w, mode):
    d = x.ndim
    library = f"TensorFlow conv{d}d"
    g = plan(x.shape, w.shape, mode, flip=False, convention="tensorflow")
    padding = {"same": "'SAME'", "valid": "'VALID'"}.get(mode)
    if padding is None:
        call = f"tf.nn.conv{d}d(tf.pad(x, {_tf_pads(g)}), w, 1, 'VALID')"
    else:
        call = f"tf.nn.conv{d}d(x, w, 1, {padding})"
    if g.size == 0:
        return _missing(library, call, False, "raises: the output size would be negative")
    note = "no 'full' padding: pad explicitly, then 'VALID'" if mode == "full" else ""
    return _row(library, call, x, w, mode, False, "tensorflow", note)


# ---------------------------------------------------------------- causal


def _first(x) -> str:
    """``[:4]`` or ``[:3, :4]``: the first len(x) outputs on every axis."""
    return "[" + ", ".join(f":{n}" for n in x.shape) + "]"


def _causal_rows(x, w) -> list[LabRow]:
    """Causal mode: output i sees no input after i (the first len(x) of the full result)."""
    d = x.ndim
    first = _first(x)
    g = plan(x.shape, w.shape, "causal")
    name = _matlab_name(d)

    def causal(library, call, flip, note=""):
        return _row(library, call, x, w, "causal", flip, "numpy", note)

    def only(dims, library, call, flip, note=""):
        if d == dims:
            return causal(library, call, flip, note)
        return _missing(library, call, flip, f"{dims}-D only")

    pairs = tuple(v for pair in reversed(g.pad) for v in pair)
    ranges = ", ".join(f"1:{n}" for n in x.shape)
    fir = "an FIR filter: y[i] = w[0]·x[i] + w[1]·x[i-1] + …; a = 1.0 (lfilter refuses all-int)"
    return [
        only(1, "numpy.convolve", f"np.convolve(x, w){first}", True),
        only(1, "scipy.signal.lfilter", "scipy.signal.lfilter(w, 1.0, x)", True, fir)
        if d == 1
        else causal("scipy.signal.convolve", f"scipy.signal.convolve(x, w){first}", True),
        causal("scipy.signal.correlate", f"scipy.signal.correlate(x, w){first}", False),
        only(2, "scipy.signal.correlate2d", f"scipy.signal.correlate2d(x, w){first}", False),
        causal("MATLAB filter", "filter(w, 1, x)", True)
        if d == 1
        else causal(f"MATLAB {name}", f"y = {name}(x, w); y({ranges})", True),
        causal(
            f"PyTorch conv{d}d",
            f"F.conv{d}d(F.pad(x, {pairs}), w)",
            False,
            "no padding='causal': pad k-1 zeros before, none after",
        ),
        causal(
            f"TensorFlow conv{d}d",
            f"tf.nn.conv{d}d(tf.pad(x, {_tf_pads(g)}), w, 1, 'VALID')",
            False,
            "Keras Conv1D(padding='causal') pads the same way" if d == 1 else "",
        ),
    ]


# ---------------------------------------------------------------- the table


def _same_output(a, b) -> bool:
    if a.shape != b.shape:
        return False
    return bool(np.allclose(a, b, rtol=1e-9, atol=1e-9, equal_nan=True))


def _mark(rows: list[LabRow]) -> list[LabRow]:
    """``differs`` on every row whose output is not the first output's."""
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


def _arrays(x, w):
    x = np.asarray(x)
    w = np.asarray(w)
    if x.ndim != w.ndim:
        raise ValueError(
            "x and w must have the same number of dimensions, got "
            f"x shape {x.shape} and w shape {w.shape}"
        )
    return x, w


def compare(x, w, mode: str = "same") -> list[LabRow]:
    """One :class:`LabRow` per library for ``x``, ``w`` and ``mode``.

    Rows: numpy.convolve, scipy.signal.convolve, scipy.signal.correlate,
    scipy.signal.correlate2d, MATLAB conv/conv2/convn, PyTorch conv1d/2d/3d with
    ``padding=mode`` and TensorFlow conv1d/2d/3d with ``'SAME'``/``'VALID'``.  In
    ``causal`` mode, which no library names, each row is the call that computes it
    (``scipy.signal.lfilter``, MATLAB ``filter``, the first ``len(x)`` of a full
    convolution, or ``k-1`` zeros before and none after).  Libraries without the
    function for this many dimensions, or that refuse the case, have ``output=None``
    and a note.  PyTorch's and TensorFlow's calls leave out the batch and channel
    axes their arrays need (see :data:`AXES_NOTE`).

    Examples
    --------
    >>> rows = compare([1, 2, 3, 4], [5, 6, 7], "same")
    >>> for row in rows[1:3]:
    ...     print(row.library, row.output, "*" if row.differs else "-")
    scipy.signal.convolve [16 34 52 45] -
    scipy.signal.correlate [20 38 56 39] *
    >>> rows = compare([1, 2, 3, 4], [1, 1, 0], "causal")
    >>> rows[1].call, rows[1].output.tolist()
    ('scipy.signal.lfilter(w, 1.0, x)', [1, 3, 5, 7])
    """
    x, w = _arrays(x, w)
    if mode not in MODES:
        raise ValueError(f"mode must be one of {', '.join(map(repr, MODES))}; got {mode!r}")
    plan(x.shape, w.shape, mode)  # validates shapes (1 to 3 axes, none empty)
    if mode == "causal":
        return _mark(_causal_rows(x, w))
    return _mark(
        [
            _numpy_convolve(x, w, mode),
            _scipy("convolve", x, w, mode, True),
            _scipy("correlate", x, w, mode, False),
            _scipy_correlate2d(x, w, mode),
            _matlab(x, w, mode),
            _torch(x, w, mode),
            _tensorflow(x, w, mode),
        ]
    )


# ---------------------------------------------------------------- padding modes

PADDING_WORDS = {
    "zeros": "zeros",
    "reflect": "mirror, edge not repeated",
    "symmetric": "mirror, edge repeated",
    "replicate": "edge value",
    "circular": "wrap around",
}


def _three_parts(cells: list[str], pad: tuple[int, int]) -> str:
    """``a b | c d | e``: the cells before, the input's own, after (empty parts dropped)."""
    before, after = pad
    parts = [cells[:before], cells[before : len(cells) - after], cells[len(cells) - after :]]
    return " | ".join(" ".join(part) for part in parts if part)


def fills(padding_mode: str) -> str:
    """What a padding mode puts around ``a b c d``, three cells a side (the engine's cells).

    >>> fills("reflect"), fills("circular")
    ('d c b | a b c d | c b a', 'b c d | a b c d | a b c')
    """
    g = plan((4,), (7,), "same", padding_mode=padding_mode)
    cells = ["0" if s < 0 else "abcd"[s] for s in g.source_index(0).tolist()]
    return _three_parts(cells, g.pad[0])


def padded_cells(x, g, axis: int = 0, edge: int | None = None) -> str:
    """A 1-D input padded as the geometry says along ``axis``: ``2 | 1 2 3 4 | 3``.

    With ``edge``, an input longer than ``2*edge + 1`` shows only its first and last
    ``edge`` cells around a ``…`` (and only those are formatted).

    >>> padded_cells([1, 2, 3, 4], plan((4,), (3,), "same", padding_mode="reflect"))
    '2 | 1 2 3 4 | 3'
    >>> padded_cells([5, 6, 7], plan((2, 3), (1, 2), "full", padding_mode="circular"), axis=1)
    '7 | 5 6 7 | 5'
    >>> padded_cells(range(1, 10), plan((9,), (3,), "same", padding_mode="circular"), edge=2)
    '9 | 1 2 … 8 9 | 1'
    """
    values = np.asarray(x).reshape(-1).tolist()  # Python numbers: int, float or complex
    sources = g.source_index(axis).tolist()
    before, after = g.pad[axis]
    shown: list = list(range(len(sources)))
    if edge is not None and len(sources) - before - after > 2 * edge + 1:
        end = len(sources) - after - edge
        shown = [*range(before + edge), None, *range(end, len(sources))]
    cells = [
        "…" if i is None else f"{values[sources[i]]:.6g}" if sources[i] >= 0 else "0" for i in shown
    ]
    return _three_parts(cells, (before, after))


@dataclass(frozen=True)
class PaddingName:
    """One padding mode: what it fills, the user's x filled by it, each library's name."""

    padding_mode: str
    words: str
    fills: str
    here: str | None
    names: dict


def padding_names(
    x=None, w=None, mode: str = "same", *, first_row: bool = False, edge=None, **options
) -> list[PaddingName]:
    """Every padding mode under each library's name (``PADDING_NAMES``), and what it fills.

    ``here`` is a 1-D ``x`` padded for ``w`` in ``mode`` and ``options`` (padding,
    convention: see :func:`~convtui.engine.geometry.plan`); in 2-D and 3-D it is
    None, or with ``first_row`` the first row of ``x`` padded along the last axis;
    ``edge`` shortens a long input (see :func:`padded_cells`).

    >>> row = padding_names([1, 2, 3, 4], [1, 1, 1])[1]
    >>> row.padding_mode, row.fills, row.here, row.names["scipy.ndimage"]
    ('reflect', 'd c b | a b c d | c b a', '2 | 1 2 3 4 | 3', 'mirror')
    >>> padding_names([[1, 2, 3], [4, 5, 6]], [[1, 1]], "valid", padding=1,
    ...               first_row=True)[3].here   # circular
    '3 | 1 2 3 | 1'
    """
    rows = []
    for padding_mode in PADDING_MODES:
        here = None
        if x is not None and (np.ndim(x) == 1 or first_row):
            g = plan(np.shape(x), np.shape(w), mode, padding_mode=padding_mode, **options)
            row = np.asarray(x).reshape(-1, np.shape(x)[-1])[0]
            here = padded_cells(row, g, axis=g.ndim - 1, edge=edge)
        rows.append(
            PaddingName(
                padding_mode,
                PADDING_WORDS[padding_mode],
                fills(padding_mode),
                here,
                dict(PADDING_NAMES[padding_mode]),
            )
        )
    return rows


def _numpy_pad_call(g, padding_mode) -> str:
    pairs = str(g.pad[0]) if g.ndim == 1 else str(g.pad)
    name = PADDING_NAMES[padding_mode]["numpy.pad"]
    return (
        f"np.pad(x, {pairs})" if padding_mode == "zeros" else f"np.pad(x, {pairs}, mode='{name}')"
    )


def _wider_than(g, limit) -> bool:
    """Whether any side's padding passes ``limit(n)`` (a library's own rule)."""
    return any(max(pair) > limit(n) for pair, n in zip(g.pad, g.input_shape))


def _padding_numpy(x, w, mode, pm, padding=None):
    g = plan(x.shape, w.shape, mode, padding_mode=pm, padding=padding)
    padded = _numpy_pad_call(g, pm)
    if x.ndim == 1:
        call = f"np.convolve({padded}, w, mode='valid')"
    else:
        call = f"scipy.signal.convolve({padded}, w, mode='valid')"
    if g.size == 0:
        note = "w is larger than the padded x: 'valid' would swap them (see the conventions table)"
        return _missing("numpy.pad", call, True, note)
    return _row("numpy.pad", call, x, w, mode, True, "numpy", padding_mode=pm, padding=padding)


_SAME_ONLY = "keeps x's shape: mode 'same' only, no padding="


def _padding_ndimage(x, w, mode, pm, flip, padding=None):
    # scipy.ndimage centres an even kernel differently for convolve and correlate
    name = "convolve" if flip else "correlate"
    library = f"scipy.ndimage.{name}"
    call = f"scipy.ndimage.{name}(x, w, mode='{PADDING_NAMES[pm]['scipy.ndimage']}')"
    if mode != "same" or padding is not None:
        return _missing(library, call, flip, _SAME_ONLY)
    convention = "matlab" if flip else "numpy"
    return _row(library, call, x, w, mode, flip, convention, padding_mode=pm)


def _padding_opencv(x, w, mode, pm, padding=None):
    border = PADDING_NAMES[pm]["OpenCV"]
    library = "OpenCV filter2D"
    if x.ndim == 1:
        call = f"cv2.filter2D(x[None], -1, w[None], borderType=cv2.{border})"
    else:
        call = f"cv2.filter2D(x, -1, w, borderType=cv2.{border})"
    if x.ndim == 3:
        return _missing(library, call, False, "2-D images only")
    if mode != "same" or padding is not None:
        return _missing(library, call, False, _SAME_ONLY)
    if pm == "circular":
        return _missing(
            library, call, False, "filter2D refuses BORDER_WRAP: pad with cv2.copyMakeBorder first"
        )
    return _row(library, call, x, w, mode, False, "numpy", padding_mode=pm)


def _padding_torch(x, w, mode, pm, padding=None):
    d = x.ndim
    library = f"PyTorch conv{d}d"
    name = PADDING_NAMES[pm]["torch"]
    g = plan(
        x.shape, w.shape, mode, flip=False, convention="torch", padding_mode=pm, padding=padding
    )
    pairs = tuple(v for pair in reversed(g.pad) for v in pair)
    if name is None:
        return _missing(library, "—", False, f"F.pad has no such mode (numpy.pad's '{pm}')")
    if pm == "zeros":
        call = f"F.conv{d}d(F.pad(x, {pairs}), w)"
    else:
        call = f"F.conv{d}d(F.pad(x, {pairs}, mode='{name}'), w)"
    if g.size == 0:
        return _missing(library, call, False, "raises: the kernel is larger than the padded input")
    if pm == "reflect" and _wider_than(g, lambda n: n - 1):
        return _missing(library, call, False, "raises: F.pad 'reflect' pads fewer cells than x has")
    if pm == "circular" and _wider_than(g, lambda n: n):
        return _missing(library, call, False, "raises: F.pad 'circular' pads at most len(x) cells")
    return _row(library, call, x, w, mode, False, "torch", padding_mode=pm, padding=padding)


def _padarray(array: str, pads, method: str | None = None) -> str:
    """MATLAB's ``padarray`` call for ``(before, after)`` pairs (a 1-D x is a row vector)."""
    how = f", {method}" if method else ""

    def size(values):
        return "[" + " ".join(map(str, ([0] if len(pads) == 1 else []) + list(values))) + "]"

    before, after = [b for b, _ in pads], [a for _, a in pads]
    if before == after:
        return f"padarray({array}, {size(before)}{how})" if any(before) else array
    if any(before):
        array = f"padarray({array}, {size(before)}{how or ', 0'}, 'pre')"
    if any(after):
        array = f"padarray({array}, {size(after)}{how or ', 0'}, 'post')"
    return array


def _padding_matlab(x, w, mode, pm, padding=None):
    name = _matlab_name(x.ndim)
    method = PADDING_NAMES[pm]["MATLAB padarray"]
    if method is None:
        note = "padarray has no such mode (mirror, edge not repeated)"
        return _missing(f"MATLAB {name}", "—", True, note)
    g = plan(x.shape, w.shape, mode, convention="matlab", padding_mode=pm, padding=padding)
    call = f"{name}({_padarray('x', g.pad, None if pm == 'zeros' else method)}, w, 'valid')"
    return _row(
        f"MATLAB {name}", call, x, w, mode, True, "matlab", padding_mode=pm, padding=padding
    )


def _padding_tensorflow(x, w, mode, pm, padding=None):
    d = x.ndim
    library = f"TensorFlow conv{d}d"
    name = PADDING_NAMES[pm]["TensorFlow tf.pad"]
    g = plan(
        x.shape, w.shape, mode, flip=False, convention="tensorflow", padding_mode=pm,
        padding=padding,
    )  # fmt: skip
    if name is None:
        return _missing(library, "—", False, f"tf.pad has no such mode (numpy.pad's '{pm}')")
    how = "" if pm == "zeros" else f", '{name}'"
    call = f"tf.nn.conv{d}d(tf.pad(x, {_tf_pads(g)}{how}), w, 1, 'VALID')"
    if g.size == 0:
        return _missing(library, call, False, "raises: the output size would be negative")
    if pm == "reflect" and _wider_than(g, lambda n: n - 1):
        return _missing(library, call, False, "raises: 'REFLECT' pads fewer cells than x has")
    if pm == "symmetric" and _wider_than(g, lambda n: n):
        return _missing(library, call, False, "raises: 'SYMMETRIC' pads at most len(x) cells")
    return _row(library, call, x, w, mode, False, "tensorflow", padding_mode=pm, padding=padding)


def compare_padding(x, w, padding_mode: str, mode: str = "same", *, padding=None) -> list[LabRow]:
    """One :class:`LabRow` per library for ``x`` and ``w`` padded by ``padding_mode``.

    ``padding`` adds explicit cells first, as :func:`~convtui.convolve` does
    (PyTorch's ``Conv1d(padding=1, padding_mode='circular')`` is mode ``valid`` with
    ``padding=1``).

    Each row calls the padding by the library's own name (``PADDING_NAMES``):
    ``numpy.pad`` then a ``valid`` convolution, ``scipy.ndimage.convolve`` and
    ``correlate`` (``same`` only; they centre an even kernel differently), OpenCV's
    ``filter2D`` (cross-correlation, ``same`` only, no ``BORDER_WRAP``), PyTorch's
    ``F.pad`` (reflect, replicate, circular) then ``conv``, MATLAB's ``padarray``
    (no reflect) then ``conv``, and TensorFlow's ``tf.pad`` (reflect, symmetric) then
    ``'VALID'``.  The numbers are the engine's, checked against numpy, scipy, OpenCV
    and PyTorch in ``tests/test_lab.py``.

    >>> rows = compare_padding([1, 2, 3, 4], [1, 0, 0], "reflect")
    >>> rows[0].call
    "np.convolve(np.pad(x, (1, 1), mode='reflect'), w, mode='valid')"
    >>> rows[0].output.tolist(), rows[3].output.tolist()   # 2 | 1 2 3 4 | 3, convolved
    ([2, 3, 4, 3], [2, 1, 2, 3])
    """
    x, w = _arrays(x, w)
    if padding_mode not in PADDING_MODES:
        raise ValueError(
            f"padding_mode must be one of {', '.join(map(repr, PADDING_MODES))}; "
            f"got {padding_mode!r}"
        )
    if mode not in MODES:
        raise ValueError(f"mode must be one of {', '.join(map(repr, MODES))}; got {mode!r}")
    if plan(x.shape, w.shape, mode, padding=padding).explicit == ((0, 0),) * x.ndim:
        padding = None  # validated; no explicit cells
    return _mark(
        [
            _padding_numpy(x, w, mode, padding_mode, padding),
            _padding_ndimage(x, w, mode, padding_mode, True, padding),
            _padding_ndimage(x, w, mode, padding_mode, False, padding),
            _padding_opencv(x, w, mode, padding_mode, padding),
            _padding_torch(x, w, mode, padding_mode, padding),
            _padding_matlab(x, w, mode, padding_mode, padding),
            _padding_tensorflow(x, w, mode, padding_mode, padding),
        ]
    )


# ---------------------------------------------------------------- transposed


def _per_axis(values) -> str:
    return str(values[0]) if len(set(values)) == 1 else str(tuple(values))


def _up(letter: str, factors) -> str:
    """``x_up`` when stuffing changes x (a factor above 1), else ``x``."""
    return f"{letter}_up" if any(f > 1 for f in factors) else letter


def _flipped(w: str, d: int, library: str) -> str:
    """``w`` reversed on every axis, as ``library`` writes it."""
    if library == "torch":
        return f"w.flip({-1 if d == 1 else tuple(range(-d, 0))})"
    if library == "tensorflow":
        return f"tf.reverse({w}, {list(range(d))})"
    return {1: f"fliplr({w})", 2: f"rot90({w}, 2)"}.get(d, f"flip(flip(flip({w}, 1), 2), 3)")


def compare_transposed(
    x, w, *, stride=1, padding=0, output_padding=0, dilation=1, flip: bool = False
):
    """One :class:`LabRow` per library for the transposed convolution of ``x`` by ``w``.

    PyTorch's ``F.conv_transpose{1,2,3}d`` and TensorFlow's ``tf.nn.conv{1,2,3}d_transpose``
    take it as one call (TensorFlow with an ``output_shape`` and no ``padding=``: crop
    instead); numpy, scipy and MATLAB need the three moves written out: ``x_up`` (x
    with ``stride-1`` zeros between its elements), zeros around it
    (:attr:`Geometry.slide`), and a ``valid`` convolution with ``w`` (``w_up`` with
    ``dilation-1`` zeros between its taps).  ``flip=True`` transposes a true
    convolution instead of a cross-correlation: PyTorch and TensorFlow get ``w``
    reversed, numpy and scipy correlate, MATLAB convolves with ``w`` reversed.
    Returns ``(geometry, x_up, rows)``.

    >>> g, x_up, rows = compare_transposed([1, 2, 3], [1, 1, 1], stride=2)
    >>> x_up.tolist(), rows[0].call, rows[0].output.tolist()
    ([1, 0, 2, 0, 3], 'F.conv_transpose1d(x, w, stride=2)', [1, 1, 3, 2, 5, 3, 3])
    >>> rows[2].call
    "np.convolve(np.pad(x_up, (2, 2)), w, mode='valid')"
    >>> g, x_up, rows = compare_transposed([1, 2, 3], [1, 0, 0], stride=2, flip=True)
    >>> rows[0].call, rows[2].call, rows[0].output.tolist()   # x[i] lands at 2i + 2
    ('F.conv_transpose1d(x, w.flip(-1), stride=2)', "np.correlate(np.pad(x_up, (2, 2)), w, \
mode='valid')", [0, 0, 1, 0, 2, 0, 3])
    """
    from .engine.conv import _stuffed

    x, w = _arrays(x, w)
    d = x.ndim
    g = plan(
        x.shape, w.shape, "valid", flip=flip, stride=stride, dilation=dilation,
        padding=padding, transposed=True, output_padding=output_padding,
    )  # fmt: skip
    crop, slide = g.slide
    x_up = _stuffed(np, x, g)
    output = conv_transpose(
        x, w, stride=stride, padding=padding, output_padding=output_padding, dilation=dilation,
        flip=flip,
    )  # fmt: skip
    xs, ws = _up("x", g.stride), _up("w", g.dilation)
    if any(c != slice(0, n) for c, n in zip(crop, x_up.shape)):
        xs += "[" + ", ".join(f"{c.start}:{c.stop}" for c in crop) + "]"
    pads = ((0, 0),) * d if slide is None else slide.pad
    options = [f"stride={_per_axis(g.stride)}"]
    if any(b or a for b, a in g.explicit):
        symmetric = all(b == a for b, a in g.explicit)
        options.append(
            f"padding={_per_axis([b for b, _ in g.explicit]) if symmetric else g.explicit}"
        )
    if any(g.output_padding):
        options.append(f"output_padding={_per_axis(g.output_padding)}")
    if any(v > 1 for v in g.dilation):
        options.append(f"dilation={_per_axis(g.dilation)}")
    torch_w = _flipped("w", d, "torch") if flip else "w"
    torch = f"F.conv_transpose{d}d(x, {torch_w}, {', '.join(options)})"
    # TensorFlow has no padding=: its output_shape is the uncropped output, then a crop
    full = plan(
        x.shape, w.shape, "valid", flip=False, stride=stride, dilation=dilation,
        transposed=True, output_padding=output_padding,
    ).output_shape  # fmt: skip
    cut = ""
    if full != g.output_shape:
        cut = "[:, " + ", ".join(f"{b}:{b + o}" for (b, _), o in zip(g.explicit, g.output_shape))
        cut += ", :]"
    # TensorFlow's CPU kernels take no dilation here: the spread kernel w_up instead
    tf_options = f"[1, {', '.join(map(str, full))}, 1], {_per_axis(g.stride)}, 'VALID'"
    tf_w = _flipped(ws, d, "tensorflow") if flip else ws
    tensorflow = f"tf.nn.conv{d}d_transpose(x, {tf_w}, {tf_options}){cut}"
    tf_note = ""
    if any(op >= s for op, s in zip(g.output_padding, g.stride)):
        tf_note = (
            "output_shape must map back to x's shape under the stride: output_padding < stride"
        )
    name = _matlab_name(d)
    pairs = str(pads[0]) if d == 1 else str(pads)
    # the slide over x_up flips w unless the transposed convolution itself flips
    slide_name = "correlate" if flip else "convolve"
    numpy_call = f"np.{slide_name}(np.pad({xs}, {pairs}), {ws}, mode='valid')"
    scipy_call = f"scipy.signal.{slide_name}(np.pad({xs}, {pairs}), {ws}, mode='valid')"
    matlab_w = _flipped(ws, d, "matlab") if flip else ws
    if d == 1:
        ((b, a),) = pads
        matlab_call = f"conv([zeros(1, {b}), {xs}, zeros(1, {a})], {matlab_w}, 'valid')"
    else:
        matlab_call = f"{name}({_padarray(xs, pads)}, {matlab_w}, 'valid')"

    def row(library, call, flips, note=""):
        return LabRow(library, call, pads, flips, output, note)

    if slide is None:  # the crop leaves nothing of the stuffed input
        zeros = f"np.zeros({g.output_shape[0] if d == 1 else g.output_shape})"
        numpy_call = scipy_call = zeros
        matlab_call = (
            f"zeros({', '.join(map(str, (1, *g.output_shape) if d == 1 else g.output_shape))})"
        )

    rows = [
        row(f"PyTorch conv_transpose{d}d", torch, flip),
        row(f"TensorFlow conv{d}d_transpose", tensorflow, flip)
        if not tf_note
        else _missing(f"TensorFlow conv{d}d_transpose", tensorflow, flip, "raises: " + tf_note),
        row(f"numpy.{slide_name}", numpy_call, not flip)
        if d == 1
        else _missing(f"numpy.{slide_name}", numpy_call, not flip, "1-D only"),
        row(f"scipy.signal.{slide_name}", scipy_call, not flip),
        row(f"MATLAB {name}", matlab_call, not flip),
    ]
    return g, x_up, _mark(rows)


# ---------------------------------------------------------------- a whole setup


@dataclass(frozen=True)
class SetupLab:
    """The lab for one playground setup: this setup's own row first, then each library's.

    ``rows[0]`` is convtui's result; a row whose output differs from it is marked
    ``differs`` and its note says why (what it pads, whether it flips), unless the
    library's own note already does.  ``x_up`` is a transposed convolution's
    zero-stuffed input; ``names`` the padding-mode naming table for this input;
    ``left_out`` the setup's options the rows do not take (their output is then
    the setup's without them).
    """

    title: str
    rows: list[LabRow]
    x_up: np.ndarray | None = None
    names: list[PaddingName] | None = None
    left_out: tuple[str, ...] = ()


def _keywords(**options) -> str:
    return "".join(f", {k}={v!r}" for k, v in options.items())


def _why(row: LabRow, ours: LabRow) -> str:
    """Why ``row`` gives other numbers than ``ours``: its padding, its flip."""
    parts = []
    if row.padding != ours.padding:
        parts.append(
            f"pads {format_padding(row.padding)} where this setup pads "
            f"{format_padding(ours.padding)}"
        )
    if row.flips != ours.flips:
        parts.append(
            "flips w (true convolution); this setup does not"
            if row.flips
            else "does not flip w (cross-correlation); this setup does"
        )
    return "; ".join(parts) or "other numbers: see its call"


def _explained(rows: list[LabRow]) -> list[LabRow]:
    """``rows`` marked against the first (ours), every differing row with a reason."""
    marked = _mark(rows)
    ours = marked[0]
    return [
        LabRow(**{**row.__dict__, "note": _why(row, ours)}) if row.differs and not row.note else row
        for row in marked
    ]


def compare_setup(setup) -> SetupLab:
    """The lab's table for a :class:`~convtui.engine.setup.Setup`, as the app shows it.

    A transposed setup goes through :func:`compare_transposed`; a padding mode other
    than zeros, or explicit padding, through :func:`compare_padding`; anything else
    through :func:`compare`.  Stride and dilation are left out of the last two (the
    libraries differ in what they pad and whether they flip, not in how they step).

    >>> from convtui.engine.setup import Setup
    >>> lab = compare_setup(Setup([1, 2, 3, 4], [1, 0, 0], "same", padding_mode="reflect"))
    >>> lab.rows[0].call, lab.rows[0].output.tolist()
    ("convolve(x, w, 'same', padding_mode='reflect')", [2, 3, 4, 3])
    >>> row = lab.rows[3]                       # correlate: reads x[i-1], not x[i+1]
    >>> row.library, row.output.tolist(), row.differs
    ('scipy.ndimage.correlate', [2, 1, 2, 3], True)
    >>> row.note
    'does not flip w (cross-correlation); this setup does'
    """
    x, w, g = setup.input, setup.kernel, setup.geometry
    run = "convolve" if setup.flip else "correlate"
    if setup.transposed:
        options = dict(
            stride=setup.stride,
            padding=setup.padding,
            output_padding=setup.output_padding,
            dilation=setup.dilation,
        )
        _, x_up, rows = compare_transposed(x, w, flip=setup.flip, **options)
        defaults = {"stride": 1, "padding": 0, "output_padding": 0, "dilation": 1}
        shown = {k: v for k, v in options.items() if v != defaults[k]}
        call = f"conv_transpose(x, w{_keywords(**shown, flip=setup.flip)})"
        ours = LabRow("convtui", call, rows[0].padding, setup.flip, setup.compute().output)
        words = ", ".join(f"{k.replace('_', ' ')} {v}" for k, v in shown.items()) or "stride 1"
        return SetupLab(
            f"x through each library's transposed convolution ({words})",
            _explained([ours, *rows]),
            x_up=x_up,
        )
    explicit = any(b or a for b, a in g.explicit)
    padding = setup.padding if explicit else None
    shown = {"padding": padding} if explicit else {}
    if setup.padding_mode != "zeros":
        shown["padding_mode"] = setup.padding_mode
    if setup.convention != "numpy":
        shown["convention"] = setup.convention
    plain = plan(
        x.shape, w.shape, setup.mode, flip=setup.flip, padding=padding,
        padding_mode=setup.padding_mode, convention=setup.convention,
    )  # fmt: skip
    output = convolve if setup.flip else correlate
    ours = LabRow(
        "convtui",
        f"{run}(x, w, {setup.mode!r}{_keywords(**shown)})",
        plain.pad,
        setup.flip,
        output(x, w, setup.mode, **shown),
    )
    if explicit or setup.padding_mode != "zeros":
        what = "zeros" if setup.padding_mode == "zeros" else f"'{setup.padding_mode}' copies"
        title = f"x and w padded with {what} in each library's words, mode '{setup.mode}'"
        rows = compare_padding(x, w, setup.padding_mode, setup.mode, padding=padding)
    else:
        title = f"x and w through each library's convolution, mode '{setup.mode}'"
        rows = compare(x, w, setup.mode)
    left_out = tuple(
        f"{name} {_per_axis(values)}"
        for name, values in (("stride", g.stride), ("dilation", g.dilation))
        if any(v != 1 for v in values)
    )
    names = padding_names(
        x, w, setup.mode, first_row=True, edge=6, padding=padding, convention=setup.convention
    )
    return SetupLab(title, _explained([ours, *rows]), names=names, left_out=left_out)
