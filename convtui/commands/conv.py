"""``convtui conv X W``: the output, the steps, the matrix or the size formula.

$ convtui conv 1,2,3,4 5,6,7
5 16 34 52 45 28

Every reading comes from the engine's ``Result`` and ``Geometry``: with a padding
mode the steps show the padded input and which input each padded cell copies; a
transposed convolution reads both ways, scatter (each input spreads ``x[i]·w``) and
gather (each output sums what lands on it), with the overlap count of every output.
"""

from __future__ import annotations

import argparse
import json
import math

import numpy as np

from . import colour, format_array, format_number, input_text, jsonable, parse_args
from .args import (
    ArgumentParser,
    UsageError,
    add_layer_arguments,
    add_setup_arguments,
    read_file_array,
    setup_from_args,
)

__all__ = ["build_parser", "run"]

MAX_PRINTED_ENTRIES = 250_000  # a 500×500 matrix is already more than a screen can hold

EXAMPLES = """\
examples:
  convtui conv 1,2,3,4 5,6,7                 full convolution: 5 16 34 52 45 28
  convtui conv 1,2,3,4 5,6,7 --steps         every step as y[i] = w·x + … = value
  convtui conv "1 2 3; 4 5 6" "1 0; 0 -1" --mode valid --correlate
  convtui conv 1,2,3,4 5,6,7 --mode same --padding-mode reflect --steps
                                             padded cells copy the input: 2 | 1 2 3 4 | 3
  convtui conv 1,2,3,4 1,1,1 --mode causal   y[i] sees x[i-2], x[i-1], x[i]: 1 3 6 9
  convtui conv 1,2,3 1,10,100 --transposed --correlate --stride 2 --steps
                                             PyTorch's conv_transpose1d, scatter and gather
  echo 1 2 3 | convtui conv - 1,1           X from standard input
  convtui conv --input-file sample:shapes --kernel sobel-x --correlate --mode same --out e.png
                                             an image's edges, written as an image
  convtui conv --input-file rec.wav --kernel "mean 5" --out smooth.wav
arrays: "1,2,3", "1 2 3" or "[1, 2, 3]"; rows split by ";" (quote them).
files: .npy, .csv/.txt, .wav, .png/.jpg/.bmp/.gif; sample:NAME is a shipped sample
({samples}).
"""


def build_parser() -> ArgumentParser:
    from ..engine.kernels import kernel_help
    from ..samples import SAMPLES

    parser = ArgumentParser(
        prog="convtui conv",
        description="Convolve X with the kernel W and print the result.",
        epilog=EXAMPLES.format(samples=", ".join(SAMPLES)) + kernel_help() + "\n",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument(
        "x", metavar="X", nargs="?", help='the input, e.g. "1,2,3,4"; "-" reads stdin'
    )
    parser.add_argument(
        "w", metavar="W", nargs="?", help='the kernel, e.g. "5,6,7" or a name: "sobel-x"'
    )
    parser.add_argument("--input", metavar="TEXT", help="the input, instead of X")
    parser.add_argument("--kernel", metavar="TEXT", help="the kernel, instead of W")
    parser.add_argument(
        "--input-file", metavar="PATH", help="read the input from a file (or sample:NAME)"
    )
    parser.add_argument("--kernel-file", metavar="PATH", help="read the kernel from a file")
    parser.add_argument(
        "--out",
        metavar="PATH",
        help="write the output to .npy, .csv, .txt, .wav or an image (.png, .bmp, .jpg)",
    )
    parser.add_argument("--force", action="store_true", help="let --out write over a file")
    add_setup_arguments(parser)
    add_layer_arguments(parser)
    parser.add_argument("--steps", action="store_true", help="print every step's sum")
    parser.add_argument(
        "--matrix", action="store_true", help="print the Toeplitz matrix with the weights' taps"
    )
    parser.add_argument(
        "--shape", action="store_true", help="print the output-size formula with the numbers"
    )
    parser.add_argument("--json", action="store_true", help="print machine-readable results")
    return parser


def _sources(args):
    """(input, kernel, input flag, kernel flag): each from its flag, else the positionals.

    Positionals fill what no flag gives, in order: ``--input-file a.wav 1,1`` takes
    ``1,1`` as the kernel.  Parsers without the flags (``code``'s) take X and W.
    """
    given = {}
    for role, text_flag, file_flag in (
        ("input", "--input", "--input-file"),
        ("kernel", "--kernel", "--kernel-file"),
    ):
        text = getattr(args, text_flag[2:].replace("-", "_"), None)
        path = getattr(args, file_flag[2:].replace("-", "_"), None)
        if text is not None and path is not None:
            raise UsageError(f"{text_flag} and {file_flag} both give the {role}: give one")
        if text is not None:
            given[role] = (text, text_flag, False)
        elif path is not None:
            given[role] = (path, file_flag, True)
    positionals = [p for p in (args.x, args.w) if p is not None]
    for role, name in (("input", "X"), ("kernel", "W")):
        if role not in given and positionals:
            given[role] = (positionals.pop(0), name, False)
    if positionals:
        raise UsageError(
            f"unrecognized arguments: {positionals[0]} (the input and the kernel are given)"
        )
    missing = [
        (role, name) for role, name in (("input", "X"), ("kernel", "W")) if role not in given
    ]
    if missing:
        names = ", ".join(name for _, name in missing)
        flags = ", ".join(f"--{role} TEXT or --{role}-file PATH" for role, _ in missing)
        raise UsageError(f"the following arguments are required: {names} (or {flags})")
    return given["input"], given["kernel"]


def build_setup(args):
    """The Setup for parsed X, W (or their flags and files) and options (UsageError)."""
    (x, x_flag, x_file), (w, w_flag, w_file) = _sources(args)
    if x_file:
        x = read_file_array(x, x_flag, "input")
    else:
        x = input_text(x, x_flag)
    if w_file:
        w = read_file_array(w, w_flag, "kernel")
    elif w.strip() == "-":
        raise UsageError(f"{w_flag}: only X can be read from standard input ('-')")
    return setup_from_args(args, x, w, x_flag, w_flag)


def _name(letter: str, index) -> str:
    """``x[2]`` or ``x[1,0]``."""
    return f"{letter}[{','.join(str(int(i)) for i in index)}]"


def _bold_value(line: str) -> str:
    head, _, value = line.rpartition(" = ")
    return f"{head} = {colour(value, 'bold')}"


def empty_reason(geometry) -> str:
    """Why an output has no element, per axis, with the geometry's numbers.

    >>> from convtui.engine.geometry import plan
    >>> print(empty_reason(plan((2,), (3,), "valid")))  # doctest: +NORMALIZE_WHITESPACE
    the output is empty: the kernel spans 3 cells but the padded input has only 2
    (2 + 0 before + 0 after), so the kernel fits nowhere
    """
    reasons = []
    for axis, (out, n, (b, a), span, ke) in enumerate(
        zip(
            geometry.output_shape,
            geometry.input_shape,
            geometry.pad,
            geometry.padded_shape,
            geometry.effective_kernel,
        )
    ):
        if out:
            continue
        where = f" on axis {axis}" if geometry.ndim > 1 else ""
        reasons.append(
            f"the kernel spans {ke} cell{'s' if ke != 1 else ''}{where} but the padded input "
            f"has only {span} ({n} + {b} before + {a} after)"
        )
    return "the output is empty: " + "; ".join(reasons) + ", so the kernel fits nowhere"


# ---------------------------------------------------------------- --steps


def steps_text(result) -> str:
    g = result.geometry
    if g.transposed:
        return transposed_steps_text(result)
    if g.size == 0:
        return empty_reason(g)
    padded = g.padding_mode != "zeros"
    lines = [padded_input_text(result), ""] if padded else []
    for step in result.steps:
        if padded and step.padded.any():
            lines.append(_bold_value(_marked_equation(result, step)))
        else:
            lines.append(_bold_value(step.equation(format_number)))
    if padded:
        lines.append(
            f"(x[i]=v): the tap sits on a padded cell, which copies x[i] ({g.padding_mode})"
        )
    return "\n".join(lines)


def _marked_equation(result, step) -> str:
    """``y[0] = 7·(x[1]=2) + 6·1 + 5·2 = 30``: a tap on a padded cell names what it copies."""
    shape = result.geometry.input_shape
    terms = []
    for weight, value, position, padded in zip(
        step.weights.tolist(), step.inputs.tolist(), step.positions.tolist(), step.padded.tolist()
    ):
        if padded and position >= 0:
            source = _name("x", np.unravel_index(position, shape))
            terms.append(f"{format_number(weight)}·({source}={format_number(value)})")
        else:
            terms.append(f"{format_number(weight)}·{format_number(value)}")
    return f"{_name('y', step.index)} = {' + '.join(terms)} = {format_number(step.value)}"


def padded_input_text(result) -> str:
    """The padded input: every cell's value and, for a padded cell, the input it copies."""
    from ..lab import PADDING_WORDS, fills

    g = result.geometry
    mode = g.padding_mode
    title = f"padded input ({mode}: {PADDING_WORDS[mode]}, {fills(mode)}):"
    x = result.setup.input.reshape(-1)
    sources = g.sources()
    values = np.where(sources >= 0, x[np.maximum(sources, 0)], 0)
    inside = np.zeros(g.padded_shape, dtype=bool)
    inside[tuple(slice(b, b + n) for (b, _), n in zip(g.pad, g.input_shape))] = True
    if g.ndim == 1:
        ((before, after),) = g.pad
        n = g.input_shape[0]
        cells = [str(i - before) for i in range(g.padded_shape[0])]
        copies = [_name("x", (s,)) if s >= 0 else "0" for s in sources.tolist()]
        shown = [format_number(v) for v in values.tolist()]
        width = max(len(c) for c in cells + copies + shown)

        def row(label, items):
            parts = [" ".join(c.rjust(width) for c in items[:before])]
            parts.append(" ".join(c.rjust(width) for c in items[before : before + n]))
            parts.append(" ".join(c.rjust(width) for c in items[before + n :]))
            return f"{label:<7}" + " | ".join(p for p in parts if p)

        return "\n".join([title, row("cell", cells), row("copies", copies), row("value", shown)])
    labels = np.full(g.padded_shape, "·", dtype=object)
    for index in zip(*np.nonzero(~inside)):
        source = sources[index]
        labels[index] = _name("x", np.unravel_index(source, g.input_shape)) if source >= 0 else "0"
    return "\n".join(
        [
            title,
            "values:",
            format_array(values),
            "copies (· = the input's own cell):",
            _label_grid(labels),
        ]
    )


def _label_grid(labels) -> str:
    """Strings laid out as format_array lays out numbers (rows, then blocks)."""
    width = max(len(c) for c in labels.reshape(-1))
    if labels.ndim == 2:
        return "\n".join(" ".join(c.rjust(width) for c in row) for row in labels)
    return "\n\n".join(f"[{i}]\n{_label_grid(block)}" for i, block in enumerate(labels))


def transposed_steps_text(result) -> str:
    """Both readings of a transposed convolution: scatter, then gather with the overlap."""
    g = result.geometry
    steps = result.steps
    scatter = ["scatter: each input x[i] adds x[i]·w into the outputs"]
    for i in range(int(np.prod(g.input_shape))):
        scatter.append(_scatter_line(g, steps.scatter(i)))
    overlap = steps.overlap()
    gather = ["gather: each output sums the products that land on it"]
    for step in steps:
        gather.append(_gather_line(g, step, int(overlap[step.index])))
    counts = format_array(overlap)
    title = "overlap (how many products each output sums)"
    summary = [f"{title}:\n{counts}" if g.ndim > 1 else f"{title}: {counts}"]
    if len(set(overlap.reshape(-1).tolist())) > 1:
        summary.append("uneven counts: the checkerboard of a strided transposed convolution")
    return "\n".join(scatter + [""] + gather + [""] + summary)


def _scatter_line(g, scatter) -> str:
    """``x[1] = 2 adds 2·w: y[2] += 2·1 = 2, …``; outputs that padding crops are counted."""
    value = format_number(scatter.value)
    parts, cropped = [], 0
    for output, weight, product in zip(
        scatter.outputs.tolist(), scatter.weights.tolist(), scatter.products.tolist()
    ):
        if output < 0:
            cropped += 1
            continue
        target = _name("y", np.unravel_index(output, g.output_shape))
        parts.append(f"{target} += {value}·{format_number(weight)} = {format_number(product)}")
    landed = ", ".join(parts) if parts else "nothing"
    if cropped:
        landed += f" ({cropped} product{'s' if cropped != 1 else ''} cropped by --padding)"
    return f"{_name('x', scatter.index)} = {value} adds {value}·w: {landed}"


def _gather_line(g, step, overlap: int) -> str:
    """``y[2] = w0·x[1] + w2·x[0] = 1·2 + 100·1 = 102  (2 land here)``."""
    name = _name("y", step.index)
    count = f"({overlap} land{'s' if overlap == 1 else ''} here)"
    if overlap == 0:
        return f"{name} = {colour(format_number(step.value), 'bold')}  (nothing lands here)"
    named = " + ".join(
        f"w{tap}·{_name('x', np.unravel_index(position, g.input_shape))}"
        for tap, position in zip(step.taps.tolist(), step.positions.tolist())
    )
    numbers = " + ".join(
        f"{format_number(w)}·{format_number(v)}"
        for w, v in zip(step.weights.tolist(), step.inputs.tolist())
    )
    value = colour(format_number(step.value), "bold")
    return f"{name} = {named} = {numbers} = {value}  {count}"


def shape_text(setup) -> str:
    g = setup.geometry
    formulas = g.formula()
    if g.ndim == 1:
        return formulas[0]
    return "\n".join(f"axis {i}: {line}" for i, line in enumerate(formulas))


# ---------------------------------------------------------------- --matrix


def matrix_text(result) -> str:
    setup, g = result.setup, result.geometry
    rows, cols = g.size, math.prod(g.input_shape)
    _check_printable(result, "--matrix")
    if rows == 0:
        return empty_reason(g)
    taps = result.taps
    if taps.ndim == 2:
        taps = taps[:, :, None]
    cells = [["+".join(f"w{t}" for t in entry if t >= 0) or "·" for entry in row] for row in taps]
    width = max((len(c) for row in cells for c in row), default=1)
    body = "\n".join(" ".join(c.rjust(width) for c in row) for row in cells)
    kernel = setup.kernel.reshape(-1)
    legend = []
    for j, value in enumerate(kernel):
        index = np.unravel_index(j, setup.kernel.shape)
        where = _name("w", index) if setup.kernel.ndim > 1 else f"w[{j}]"
        legend.append(f"w{j} = {where} = {format_number(value)}")
    if g.transposed:
        title = (
            f"{rows}×{cols} matrix Mᵀ, Mᵀ @ x = y: the forward convolution's M transposed\n"
            "(column i = where x[i] scatters, row t = what y[t] gathers, · = 0):"
        )
    else:
        title = f"{rows}×{cols} Toeplitz matrix M, M @ x = y (row i = step i, · = 0):"
    lines = [title, body, ", ".join(legend)]
    sums = sorted({c for row in cells for c in row if "+" in c}, key=lambda c: (len(c), c))
    if sums:
        lines.append(
            f"an entry holds every weight whose tap lands on that input ({g.padding_mode}): "
            "their sum"
        )
        for cell in sums:
            values = [kernel[int(t[1:])] for t in cell.split("+")]
            if setup.flip is False and kernel.dtype.kind == "c":
                values = [np.conj(v) for v in values]
            total = format_number(np.sum(values))
            lines.append(f"{cell} = {' + '.join(format_number(v) for v in values)} = {total}")
    return "\n".join(lines)


def _check_printable(result, flag):
    rows, cols = result.geometry.size, math.prod(result.geometry.input_shape)
    if rows * cols > MAX_PRINTED_ENTRIES or not result.matrix_fits():
        raise UsageError(
            f"{flag}: the matrix would be {rows}×{cols} ({rows * cols:,} entries), too large to "
            f"print (at most {MAX_PRINTED_ENTRIES:,}); use a smaller input"
        )


# ---------------------------------------------------------------- --json


def json_text(result, args) -> str:
    setup, g = result.setup, result.geometry
    document = setup.to_dict()
    document["input"] = jsonable(setup.input)
    document["kernel"] = jsonable(setup.kernel)
    document.update(
        {
            "output_shape": list(g.output_shape),
            "total_padding": [list(pair) for pair in g.pad],
            "formula": g.formula(),
            "output": jsonable(result.output),
        }
    )
    if g.size == 0:
        document["empty"] = empty_reason(g)
    if args.steps:
        document["steps"] = [step.equation() for step in result.steps]
        if g.padding_mode != "zeros":
            document["sources"] = g.sources().tolist()
            document["padded_taps"] = [step.padded.tolist() for step in result.steps]
        if g.transposed:
            steps = result.steps
            count = math.prod(g.input_shape)
            document["scatter"] = [_scatter_line(g, steps.scatter(i)) for i in range(count)]
            document["overlap"] = steps.overlap().tolist()
    if args.matrix:
        _check_printable(result, "--matrix")
        document["matrix"] = jsonable(result.matrix)
        document["taps"] = result.taps.tolist()
    return json.dumps(document, allow_nan=False)


def run(argv: list[str]) -> int:
    parser = build_parser()
    args = parse_args(parser, argv)
    if isinstance(args, int):  # --help was printed
        return args
    setup = build_setup(args)
    if args.out is not None:  # before computing: a refusal should not wait for the result
        _checked_out(args)
    try:
        result = setup.compute()
    except (ValueError, OverflowError) as exc:  # MemoryLimitError is a ValueError
        raise UsageError(str(exc)) from None
    if args.json:
        print(json_text(result, args))
        return 0
    sections = []
    if args.shape:
        sections.append(shape_text(setup))
    if args.steps:
        sections.append(steps_text(result))
    if args.matrix:
        sections.append(matrix_text(result))
    if args.out is not None:
        sections.append(_write_output(args, result))
    elif not sections:
        output = result.output
        sections.append(format_array(output) if output.size else empty_reason(result.geometry))
    print("\n\n".join(sections))
    return 0


def _checked_out(args) -> None:
    from ..files import FileDataError, check_out_path

    try:
        check_out_path(args.out, force=args.force)
    except FileDataError as exc:
        raise UsageError(f"--out: {exc}") from None


def _write_output(args, result) -> str:
    """Write the output to --out; the line that says what was written (and its scale)."""
    from ..files import FileDataError, resolve_path, sample_rate, write_array

    if result.output.size == 0:
        raise UsageError(f"--out: {empty_reason(result.geometry)}: nothing to write")
    rate = None
    if args.input_file is not None and resolve_path(args.input_file).suffix.lower() == ".wav":
        rate = sample_rate(args.input_file)  # the result plays at the input's speed
    try:
        return write_array(args.out, result.output, force=args.force, sample_rate=rate)
    except FileDataError as exc:
        raise UsageError(f"--out: {exc}") from None
