"""The argument helpers the ``convtui`` command, its subcommands and the app's launcher share.

``UsageError`` is bad usage or bad input (one line, exit code 2);
:class:`ArgumentParser` raises it instead of printing usage and exiting.  The
option flags every setup-taking command shares, and building a validated
``Setup`` from them, live here so that ``convtui.cli`` (the dispatcher) and
``convtui.app`` both import them and neither imports the other.
"""

from __future__ import annotations

import argparse

from ..engine.geometry import CONVENTIONS, MODES, PADDING_MODES, check_padding_mode

__all__ = [
    "ArgumentParser",
    "UsageError",
    "add_layer_arguments",
    "add_setup_arguments",
    "flag_message",
    "parse_text_array",
    "per_axis_number",
    "read_file_array",
    "setup_from_args",
    "whole_number",
]


class UsageError(Exception):
    """Bad usage or input: printed as one line, exit code 2."""


class ArgumentParser(argparse.ArgumentParser):
    """argparse that raises UsageError instead of printing usage and exiting."""

    def error(self, message: str):  # type: ignore[override]
        raise UsageError(message)


def padding_mode_arg(text: str) -> str:
    """An argparse type for --padding-mode: another library's word is answered with ours."""
    try:
        return check_padding_mode(text)
    except ValueError as exc:
        message = f"--{exc}".replace("--padding_mode", "--padding-mode")
        raise argparse.ArgumentTypeError(message) from None


def whole_number(name: str, minimum: int):
    """An argparse type: an int >= minimum, with a message naming the flag."""

    def convert(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(
                f"{name} must be a whole number, got {text!r}"
            ) from None
        if value < minimum:
            wanted = "must not be negative" if minimum == 0 else f"must be at least {minimum}"
            raise argparse.ArgumentTypeError(f"{name} {wanted}, got {value}")
        return value

    return convert


def per_axis_number(name: str, minimum: int):
    """An argparse type: ``N`` for every axis or ``N,M[,K]`` one per axis, each >= minimum.

    >>> per_axis_number("--output-padding", 0)("1"), per_axis_number("--output-padding", 0)("1,0")
    (1, (1, 0))
    """
    whole = whole_number(name, minimum)

    def convert(text: str):
        parts = text.split(",")
        if len(parts) == 1:
            return whole(text.strip())
        if not 2 <= len(parts) <= 3:
            raise argparse.ArgumentTypeError(
                f"{name} must be N or one whole number per axis (N,M or N,M,K), got {text!r}"
            )
        return tuple(whole(part.strip()) for part in parts)

    return convert


def add_setup_arguments(parser: argparse.ArgumentParser) -> None:
    """The options every setup-taking command shares (the app's flags too)."""
    parser.add_argument(
        "--mode",
        choices=MODES,
        default=None,
        help="full (default), valid, same or causal; a transposed convolution is valid",
    )
    parser.add_argument(
        "--correlate",
        action="store_true",
        help="cross-correlation (no flip) instead of convolution",
    )
    parser.add_argument("--stride", type=whole_number("--stride", 1), default=1, metavar="N")
    parser.add_argument("--dilation", type=whole_number("--dilation", 1), default=1, metavar="N")
    parser.add_argument("--padding", type=whole_number("--padding", 0), default=0, metavar="N")
    parser.add_argument("--convention", choices=tuple(CONVENTIONS), default="numpy")


def add_layer_arguments(parser: argparse.ArgumentParser) -> None:
    """What fills the padding, and the transposed layer (``conv`` and ``code``)."""
    parser.add_argument(
        "--padding-mode",
        choices=PADDING_MODES,
        type=padding_mode_arg,
        default="zeros",
        help="what fills the padded cells: zeros (default) or copies of the input",
    )
    parser.add_argument(
        "--transposed",
        action="store_true",
        help="the transposed convolution (x spreads x[i]·w into the output; PyTorch's "
        "conv_transpose with --correlate)",
    )
    parser.add_argument(
        "--output-padding",
        type=per_axis_number("--output-padding", 0),
        default=0,
        metavar="N",
        help="cells added at the end of a transposed output (N, or N,M per axis)",
    )


# the flag that names each option, for the engine's messages that start with the option
_FLAGS = {
    "output_padding": "--output-padding",
    "padding_mode": "--padding-mode",
    "padding": "--padding",
    "stride": "--stride",
    "dilation": "--dilation",
    "mode": "--mode",
}


def _layer_options(args) -> dict:
    """Mode, padding mode and the transposed options, checked together (UsageError).

    Parsers without :func:`add_layer_arguments` (the app's) get the defaults.
    """
    padding_mode = getattr(args, "padding_mode", "zeros")
    transposed = getattr(args, "transposed", False)
    output_padding = getattr(args, "output_padding", 0)
    mode = args.mode
    if transposed:
        if mode not in (None, "valid"):
            raise UsageError(
                "--mode: a transposed convolution takes no mode (its --padding crops the "
                f"output, as in PyTorch's conv_transpose); got --mode {mode}"
            )
        if padding_mode != "zeros":
            raise UsageError(
                "--padding-mode: a transposed convolution pads with zeros only (PyTorch "
                f"accepts no other); got --padding-mode {padding_mode}"
            )
        mode = "valid"
    elif output_padding != 0:
        raise UsageError(
            "--output-padding lengthens a transposed convolution's output: add --transposed"
        )
    options = {"mode": mode or "full"}
    if padding_mode != "zeros":
        options["padding_mode"] = padding_mode
    if transposed:
        options.update(transposed=True, output_padding=output_padding)
    return options


def flag_message(message: str) -> str:
    """The engine's message, led by the flag when it starts with an option's name."""
    for name, flag in _FLAGS.items():
        if message.startswith(name + " "):
            return f"{flag}: {message}"
    return message


def parse_text_array(text: str, flag: str, *, kernel: bool = False):
    """parse_array, with a ParseError turned into a UsageError naming the flag.

    ``kernel=True`` takes a named kernel too (``sobel-x``, ``box 5``).
    """
    from ..engine.parse import ParseError, parse_array

    try:
        return parse_array(text, kernel=kernel)
    except ParseError as exc:
        raise UsageError(f"{flag}: {exc}") from None


def read_file_array(path: str, flag: str, role: str = "input"):
    """read_array, with a FileDataError turned into a UsageError naming the flag and file."""
    from ..files import FileDataError, read_array

    try:
        return read_array(path, role=role)
    except FileDataError as exc:
        raise UsageError(f"{flag}: {exc}") from None


def setup_from_args(args, x, w, input_flag: str = "X", kernel_flag: str = "W"):
    """Build and validate a Setup from parsed arguments; UsageError if it is invalid.

    ``x`` and ``w`` are text (parsed here, errors naming ``input_flag`` and
    ``kernel_flag``) or arrays.
    """
    from ..engine.setup import Setup

    if isinstance(x, str):
        x = parse_text_array(x, input_flag)
    if isinstance(w, str):
        w = parse_text_array(w, kernel_flag, kernel=True)
    try:
        setup = Setup(
            x,
            w,
            flip=not args.correlate,
            stride=args.stride,
            dilation=args.dilation,
            padding=args.padding,
            convention=args.convention,
            **_layer_options(args),
        )
        setup.check_size()  # refuse what would exhaust memory before anything starts
    except ValueError as exc:
        raise UsageError(flag_message(str(exc))) from None
    return setup
