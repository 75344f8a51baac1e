"""``convtui compare X W``: the conventions lab, one row per library.

$ convtui compare 1,2,3,4,5,6 1,10

``--padding-mode NAME`` compares that padding under each library's own name (and
lists every mode's names); ``--transposed`` compares the transposed convolution.
"""

from __future__ import annotations

import argparse
import json

from ..engine.geometry import MODES, PADDING_MODES
from . import colour, format_array, input_text, jsonable, parse_args
from .args import (
    ArgumentParser,
    UsageError,
    flag_message,
    padding_mode_arg,
    parse_text_array,
    per_axis_number,
    whole_number,
)

__all__ = ["build_parser", "names_table", "run", "table"]

EXAMPLES = """\
examples:
  convtui compare 1,2,3,4,5,6 1,10                      numpy and MATLAB disagree on 'same'
  convtui compare 1,2,3,4 1,1,1 --mode causal           lfilter, filter, F.pad then conv1d
  convtui compare 1,2,3,4 1,0,0 --padding-mode reflect  numpy.pad, ndimage, OpenCV, torch ...
  convtui compare 1,2,3 1,1,1 --transposed --stride 2   conv_transpose1d, or a stuffed input
"""

# options that only the transposed table takes
_TRANSPOSED_FLAGS = ("stride", "dilation", "padding", "output_padding")


def build_parser() -> ArgumentParser:
    parser = ArgumentParser(
        prog="convtui compare",
        description=(
            "Run X and W through each library's convolution and show where they disagree: "
            "the padding (before, after), whether the kernel is flipped, and the output."
        ),
        epilog=EXAMPLES,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("x", metavar="X", help='the input, e.g. "1,2,3,4"; "-" reads stdin')
    parser.add_argument("w", metavar="W", help='the kernel, e.g. "5,6,7"')
    parser.add_argument("--mode", choices=MODES, default=None, help="default: same")
    parser.add_argument(
        "--padding-mode",
        choices=PADDING_MODES,
        type=padding_mode_arg,
        help="compare this padding under each library's name, and list every mode's names",
    )
    parser.add_argument(
        "--transposed", action="store_true", help="compare the transposed convolution"
    )
    with_transposed = "(with --transposed)"
    parser.add_argument(
        "--stride", type=whole_number("--stride", 1), metavar="N", help=with_transposed
    )
    parser.add_argument(
        "--dilation", type=whole_number("--dilation", 1), metavar="N", help=with_transposed
    )
    parser.add_argument(
        "--padding",
        type=whole_number("--padding", 0),
        metavar="N",
        help="(with --transposed) cells cropped from each end of the output",
    )
    parser.add_argument(
        "--output-padding",
        type=per_axis_number("--output-padding", 0),
        metavar="N",
        help="(with --transposed) cells added at the end of the output (N, or N,M per axis)",
    )
    parser.add_argument("--json", action="store_true", help="print machine-readable rows")
    return parser


def _output_cell(row) -> str:
    if row.output is None:
        return row.note
    text = format_array(row.output)
    return " / ".join(text.split("\n")) if row.output.ndim > 1 else text or "(empty)"


def _aligned(header, cells) -> list[str]:
    widths = [max(len(r[i]) for r in [header, *cells]) for i in range(len(header) - 1)]

    def line(r):
        return ("  ".join(c.ljust(w) for c, w in zip(r, widths)) + "  " + r[-1]).rstrip()

    return [line(header), *(line(r) for r in cells)]


def table(rows) -> str:
    """The lab as aligned text; rows that differ from the first are marked ``*``."""
    from ..lab import AXES_NOTE, format_padding

    header = ("", "library", "call", "padding", "flips", "output")
    cells = [
        (
            "*" if row.differs else "",
            row.library,
            row.call,
            format_padding(row.padding),
            "yes" if row.flips else "no",
            _output_cell(row),
        )
        for row in rows
    ]
    head, *body = _aligned(header, cells)
    lines = [colour(head, "bold")]
    for r, text in zip(cells, body):
        lines.append(colour(text, "yellow") if r[0] else text)
    reference = next((row.library for row in rows if row.output is not None), "the first row")
    lines.append(f"* differs from {reference}")
    notes = [f"{row.library}: {row.note}" for row in rows if row.note and row.output is not None]
    return "\n".join(lines + notes + [f"({AXES_NOTE})"])


def names_table(names) -> str:
    """Every padding mode: what it fills, x filled (1-D), and its name in each library."""
    libraries = list(names[0].names)
    here = names[0].here is not None
    header = ("mode", "fills", *(["here"] if here else []), *libraries)
    cells = [
        (
            row.padding_mode,
            row.fills,
            *([row.here] if here else []),
            *(name or "—" for name in row.names.values()),
        )
        for row in names
    ]
    head, *body = _aligned(header, cells)
    return "\n".join([colour(head, "bold"), *body])


def _rows_json(rows) -> list[dict]:
    return [
        {
            "library": row.library,
            "call": row.call,
            "padding": None if row.padding is None else [list(p) for p in row.padding],
            "flips": row.flips,
            "output": None if row.output is None else jsonable(row.output),
            "note": row.note,
            "differs": row.differs,
        }
        for row in rows
    ]


def _check_flags(args) -> None:
    """Flags that do not go together, named (UsageError)."""
    if args.transposed:
        if args.mode is not None:
            raise UsageError(
                "--mode: a transposed convolution takes no mode (its --padding crops the "
                f"output, as in PyTorch's conv_transpose); got --mode {args.mode}"
            )
        if args.padding_mode is not None:
            raise UsageError(
                "--padding-mode: a transposed convolution pads with zeros only (PyTorch "
                f"accepts no other); got --padding-mode {args.padding_mode}"
            )
        return
    for name in _TRANSPOSED_FLAGS:
        if getattr(args, name) is not None:
            flag = "--" + name.replace("_", "-")
            raise UsageError(
                f"{flag} applies to compare only with --transposed (the other tables "
                "compare stride 1 and the mode's own padding)"
            )


def _padding_text(x, w, args, as_json: bool) -> str:
    from ..engine.geometry import plan
    from ..lab import PADDING_WORDS, compare_padding, fills, padded_cells, padding_names

    mode, padding_mode = args.mode or "same", args.padding_mode
    rows = compare_padding(x, w, padding_mode, mode)
    names = padding_names(x, w, mode)
    here = None
    if x.ndim == 1:
        here = padded_cells(x, plan(x.shape, w.shape, mode, padding_mode=padding_mode))
    if as_json:
        document = {
            "padding_mode": padding_mode,
            "fills": fills(padding_mode),
            "here": here,
            "rows": _rows_json(rows),
            "names": [
                {"padding_mode": n.padding_mode, "fills": n.fills, "here": n.here, **n.names}
                for n in names
            ],
        }
        return json.dumps(document, allow_nan=False)
    head = f"{padding_mode} ({PADDING_WORDS[padding_mode]}) fills {fills(padding_mode)}"
    if here is not None:
        head += f"; in mode '{mode}' x becomes {here}"
    return "\n".join([head, table(rows), "", "every padding mode by name:", names_table(names)])


def _gaps(factors) -> str:
    """``1 zero`` or ``2, 1 zeros``: stride-1 (or dilation-1) zeros per axis."""
    counts = [f - 1 for f in factors]
    return f"{', '.join(map(str, counts))} zero{'' if counts == [1] else 's'}"


def _transposed_text(x, w, args, as_json: bool) -> str:
    from ..lab import compare_transposed

    options = {name: getattr(args, name) for name in _TRANSPOSED_FLAGS}
    options = {name: value for name, value in options.items() if value is not None}
    g, x_up, rows = compare_transposed(x, w, **options)
    if as_json:
        document = {"formula": g.formula(), "x_up": jsonable(x_up), "rows": _rows_json(rows)}
        return json.dumps(document, allow_nan=False)
    formulas = g.formula()
    if g.ndim == 1:
        lines = [f"transposed convolution: {formulas[0]}"]
    else:
        lines = ["transposed convolution:", *(f"axis {i}: {f}" for i, f in enumerate(formulas))]
    if any(s > 1 for s in g.stride):
        stuffed = format_array(x_up)
        stuffed = " / ".join(stuffed.split("\n")) if x_up.ndim > 1 else stuffed
        lines.append(f"x_up = x with {_gaps(g.stride)} between its elements: {stuffed}")
    if any(d > 1 for d in g.dilation):
        lines.append(f"w_up = w with {_gaps(g.dilation)} between its taps")
    lines.append(
        f"its matrix is the transpose of F.conv{g.ndim}d(·, w, stride, padding, dilation)'s, "
        "so it is that layer's input gradient"
    )
    return "\n".join([*lines, table(rows)])


def run(argv: list[str]) -> int:
    from ..lab import compare

    args = parse_args(build_parser(), argv)
    if isinstance(args, int):  # --help was printed
        return args
    if args.w.strip() == "-":
        raise UsageError("W: only X can be read from standard input ('-')")
    _check_flags(args)
    x = parse_text_array(input_text(args.x, "X"), "X")
    w = parse_text_array(args.w, "W", kernel=True)
    try:
        if args.transposed:
            text = _transposed_text(x, w, args, args.json)
        elif args.padding_mode is not None:
            text = _padding_text(x, w, args, args.json)
        else:
            rows = compare(x, w, args.mode or "same")
            text = json.dumps(_rows_json(rows), allow_nan=False) if args.json else table(rows)
    except (ValueError, OverflowError) as exc:
        raise UsageError(flag_message(str(exc))) from None
    print(text)
    return 0
