"""``convtui conv X W``: the output, the steps, the matrix or the size formula.

$ convtui conv 1,2,3,4 5,6,7
5 16 34 52 45 28
"""

from __future__ import annotations

import argparse
import json
import math

import numpy as np

from ..cli import ArgumentParser, UsageError, add_setup_arguments, setup_from_args
from . import colour, format_array, format_number, input_text, jsonable, parse_args

__all__ = ["build_parser", "run"]

MAX_PRINTED_ENTRIES = 250_000  # a 500×500 matrix is already more than a screen can hold

EXAMPLES = """\
examples:
  convtui conv 1,2,3,4 5,6,7                 full convolution: 5 16 34 52 45 28
  convtui conv 1,2,3,4 5,6,7 --steps         every step as y[i] = w·x + … = value
  convtui conv "1 2 3; 4 5 6" "1 0; 0 -1" --mode valid --correlate
  echo 1 2 3 | convtui conv - 1,1           X from standard input
arrays: "1,2,3", "1 2 3" or "[1, 2, 3]"; rows split by ";" (quote them).
"""


def build_parser() -> ArgumentParser:
    parser = ArgumentParser(
        prog="convtui conv",
        description="Convolve X with the kernel W and print the result.",
        epilog=EXAMPLES,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("x", metavar="X", help='the input, e.g. "1,2,3,4"; "-" reads stdin')
    parser.add_argument("w", metavar="W", help='the kernel, e.g. "5,6,7"')
    add_setup_arguments(parser)
    parser.add_argument("--steps", action="store_true", help="print every step's sum")
    parser.add_argument(
        "--matrix", action="store_true", help="print the Toeplitz matrix with the weights' taps"
    )
    parser.add_argument(
        "--shape", action="store_true", help="print the output-size formula with the numbers"
    )
    parser.add_argument("--json", action="store_true", help="print machine-readable results")
    return parser


def build_setup(args):
    """The Setup for parsed X, W and options (UsageError naming what is wrong)."""
    if args.w.strip() == "-":
        raise UsageError("W: only X can be read from standard input ('-')")
    return setup_from_args(args, input_text(args.x, "X"), args.w, "X", "W")


def steps_text(result) -> str:
    lines = []
    for step in result.steps:
        equation = step.equation()
        head, _, value = equation.rpartition(" = ")
        lines.append(f"{head} = {colour(value, 'bold')}")
    return "\n".join(lines)


def shape_text(setup) -> str:
    g = setup.geometry
    formulas = g.formula()
    if g.ndim == 1:
        return formulas[0]
    return "\n".join(f"axis {i}: {line}" for i, line in enumerate(formulas))


def matrix_text(result) -> str:
    setup = result.setup
    rows, cols = result.geometry.size, math.prod(result.geometry.input_shape)
    _check_printable(result, "--matrix")
    taps = result.taps
    labels = [f"w{j}" for j in range(setup.kernel.size)]
    cells = [[labels[t] if t >= 0 else "·" for t in row] for row in taps]
    width = max((len(c) for row in cells for c in row), default=1)
    body = "\n".join(" ".join(c.rjust(width) for c in row) for row in cells)
    legend = []
    for j, value in enumerate(setup.kernel.reshape(-1)):
        index = np.unravel_index(j, setup.kernel.shape)
        where = f"w[{','.join(map(str, index))}]" if setup.kernel.ndim > 1 else f"w[{j}]"
        legend.append(f"w{j} = {where} = {format_number(value)}")
    title = f"{rows}×{cols} Toeplitz matrix M, M @ x = y (row i = step i, · = 0):"
    return "\n".join([title, body, ", ".join(legend)])


def _check_printable(result, flag):
    rows, cols = result.geometry.size, math.prod(result.geometry.input_shape)
    if rows * cols > MAX_PRINTED_ENTRIES or not result.matrix_fits():
        raise UsageError(
            f"{flag}: the matrix would be {rows}×{cols} ({rows * cols:,} entries), too large to "
            f"print (at most {MAX_PRINTED_ENTRIES:,}); use a smaller input"
        )


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
    if args.steps:
        document["steps"] = [step.equation() for step in result.steps]
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
    if not sections:
        sections.append(format_array(result.output))
    print("\n\n".join(sections))
    return 0
