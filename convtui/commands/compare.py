"""``convtui compare X W``: the conventions lab, one row per library.

$ convtui compare 1,2,3,4,5,6 1,10
"""

from __future__ import annotations

import argparse
import json

from ..cli import ArgumentParser, UsageError, parse_text_array
from ..engine.geometry import MODES
from . import colour, format_array, input_text, jsonable, parse_args

__all__ = ["build_parser", "run", "table"]


def build_parser() -> ArgumentParser:
    parser = ArgumentParser(
        prog="convtui compare",
        description=(
            "Run X and W through each library's convolution and show where they disagree: "
            "the padding (before, after), whether the kernel is flipped, and the output."
        ),
        epilog="example:\n  convtui compare 1,2,3,4,5,6 1,10      numpy and MATLAB disagree",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("x", metavar="X", help='the input, e.g. "1,2,3,4"; "-" reads stdin')
    parser.add_argument("w", metavar="W", help='the kernel, e.g. "5,6,7"')
    parser.add_argument("--mode", choices=MODES, default="same", help="default: same")
    parser.add_argument("--json", action="store_true", help="print machine-readable rows")
    return parser


def _output_cell(row) -> str:
    if row.output is None:
        return row.note
    text = format_array(row.output)
    return " / ".join(text.split("\n")) if row.output.ndim > 1 else text or "(empty)"


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
    widths = [max(len(r[i]) for r in [header, *cells]) for i in range(len(header) - 1)]

    def line(r):
        return "  ".join(c.ljust(w) for c, w in zip(r, widths)) + "  " + r[-1]

    lines = [colour(line(header).rstrip(), "bold")]
    for r in cells:
        text = line(r).rstrip()
        lines.append(colour(text, "yellow") if r[0] else text)
    reference = next((row.library for row in rows if row.output is not None), "the first row")
    lines.append(f"* differs from {reference}")
    notes = [f"{row.library}: {row.note}" for row in rows if row.note and row.output is not None]
    return "\n".join(lines + notes + [f"({AXES_NOTE})"])


def run(argv: list[str]) -> int:
    from ..lab import compare

    args = parse_args(build_parser(), argv)
    if isinstance(args, int):  # --help was printed
        return args
    if args.w.strip() == "-":
        raise UsageError("W: only X can be read from standard input ('-')")
    x = parse_text_array(input_text(args.x, "X"), "X")
    w = parse_text_array(args.w, "W")
    try:
        rows = compare(x, w, args.mode)
    except (ValueError, OverflowError) as exc:
        raise UsageError(str(exc)) from None
    if args.json:
        document = [
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
        print(json.dumps(document, allow_nan=False))
        return 0
    print(table(rows))
    return 0
