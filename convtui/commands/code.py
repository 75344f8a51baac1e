"""``convtui code X W --lang torch``: a snippet that reproduces the numbers elsewhere."""

from __future__ import annotations

import argparse

from . import parse_args
from .args import ArgumentParser, add_layer_arguments, add_setup_arguments
from .conv import build_setup

__all__ = ["build_parser", "run"]


def build_parser() -> ArgumentParser:
    from ..codegen import LANGS

    parser = ArgumentParser(
        prog="convtui code",
        description=(
            "Print code that computes the same output in another library, with the "
            "padding and the kernel's flip spelled out."
        ),
        epilog=(
            "examples:\n"
            "  convtui code 1,2,3,4 5,6,7 --mode same --lang torch\n"
            "  convtui code 1,2,3,4 5,6,7 --mode same --padding-mode reflect --lang numpy\n"
            "  convtui code 1,2,3 1,1,1 --transposed --correlate --stride 2 --lang tensorflow"
        ),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("x", metavar="X", help='the input, e.g. "1,2,3,4"; "-" reads stdin')
    parser.add_argument("w", metavar="W", help='the kernel, e.g. "5,6,7"')
    add_setup_arguments(parser)
    add_layer_arguments(parser)
    parser.add_argument("--lang", choices=LANGS, default="numpy", help="default: numpy")
    return parser


def run(argv: list[str]) -> int:
    from ..codegen import snippet

    args = parse_args(build_parser(), argv)
    if isinstance(args, int):  # --help was printed
        return args
    print(snippet(build_setup(args), args.lang))
    return 0
