"""``convtui receptive-field 3,3,3 --stride 1,2,1``: the receptive field of a stack, layer by layer.

One row per layer (kind, kernel, stride, dilation, receptive field, jump), the formula
filled in, and a last line with the total: how many input cells one output of the
last layer sees, and how far apart neighbouring outputs' fields are.
"""

from __future__ import annotations

import argparse

from . import colour, parse_args
from .args import ArgumentParser, UsageError

__all__ = ["build_parser", "run"]


def build_parser() -> ArgumentParser:
    parser = ArgumentParser(
        prog="convtui receptive-field",
        description="The receptive field and jump of a stack of convolution and pooling\n"
        "layers: r_l = r_(l-1) + (k_l - 1)·d_l·j_(l-1), j_l = j_(l-1)·s_l.",
        epilog="example:\n  convtui receptive-field 3,3,3 --stride 1,2,1 --dilation 1,1,2\n"
        "  convtui receptive-field 3,2,3 --stride 1,2,1 --pool 2",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("kernels", metavar="KERNELS", help="one kernel size per layer: 3,3,3")
    parser.add_argument("--stride", metavar="LIST", help="one stride per layer (default 1 each)")
    parser.add_argument(
        "--dilation", metavar="LIST", help="one dilation per layer (default 1 each)"
    )
    parser.add_argument(
        "--padding",
        metavar="LIST",
        help="one padding per layer (default 0 each): it moves a field, not its size",
    )
    parser.add_argument(
        "--pool",
        action="append",
        default=[],
        metavar="N",
        help="layer N (1-based, repeatable) is a pooling layer: its size is its kernel",
    )
    return parser


def _numbers(text: str | None, flag: str, count: int | None, minimum: int) -> list[int] | None:
    """A comma-separated list of whole numbers >= minimum; UsageError naming the flag."""
    if text is None:
        return None
    parts = [part.strip() for part in text.split(",")]
    try:
        values = [int(part) for part in parts]
    except ValueError:
        raise UsageError(
            f"{flag} must be whole numbers separated by commas, got {text.strip()!r}"
        ) from None
    if any(v < minimum for v in values):
        wanted = "must not be negative" if minimum == 0 else f"must be at least {minimum}"
        raise UsageError(f"{flag}: entries {wanted}, got {text.strip()!r}")
    if count is not None and len(values) != count:
        raise UsageError(
            f"{flag} has {len(values)} {'entry' if len(values) == 1 else 'entries'} but "
            f"KERNELS has {count}: one per layer"
        )
    return values


def _pool_layers(texts: list[str], count: int) -> set[int]:
    layers = set()
    for text in texts:
        try:
            number = int(text.strip())
        except ValueError:
            raise UsageError(f"--pool must be a layer number, got {text.strip()!r}") from None
        if not 1 <= number <= count:
            raise UsageError(f"--pool must be a layer number from 1 to {count}, got {number}")
        layers.add(number)
    return layers


def _table(rf, show_padding: bool) -> list[str]:
    headers = ["layer", "kind", "kernel", "stride", "dilation"]
    headers += ["padding"] if show_padding else []
    headers += ["receptive field", "jump"]
    rows = []
    for number, (row, kind) in enumerate(zip(rf.layers, rf.kinds), start=1):
        cells = [number, kind, row.kernel, row.stride, row.dilation]
        cells += [row.padding] if show_padding else []
        cells += [row.field, row.jump]
        rows.append([str(c) for c in cells])
    widths = [max(len(h), *(len(r[i]) for r in rows)) for i, h in enumerate(headers)]
    lines = ["  ".join(h.rjust(w) for h, w in zip(headers, widths))]
    lines += ["  ".join(c.rjust(w) for c, w in zip(r, widths)) for r in rows]
    return lines


def _formula(rf) -> str:
    """r = 1 + (k-1)·d·j for every layer, with the numbers in."""
    terms, jump = [], 1
    for row in rf.layers:
        terms.append(f"({row.kernel}-1)·{row.dilation}·{jump}")
        jump = row.jump
    return f"receptive field: 1 + {' + '.join(terms)} = {rf.field}"


def run(argv: list[str]) -> int:
    from ..engine.receptive import receptive_field

    args = parse_args(build_parser(), argv)
    if isinstance(args, int):  # --help was printed
        return args
    kernels = _numbers(args.kernels, "KERNELS", None, 1)
    count = len(kernels)
    strides = _numbers(args.stride, "--stride", count, 1)
    dilations = _numbers(args.dilation, "--dilation", count, 1)
    paddings = _numbers(args.padding, "--padding", count, 0)
    pools = _pool_layers(args.pool, count)
    kinds = ["pool" if number in pools else "conv" for number in range(1, count + 1)]
    rf = receptive_field(kernels, strides, dilations, paddings, kinds=kinds)
    for line in _table(rf, paddings is not None):
        print(line)
    print(_formula(rf))
    total = f"{rf.field} input{'s' if rf.field != 1 else ''}, jump {rf.jump}"
    print(colour(total, "bold"))
    return 0
