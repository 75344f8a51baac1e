"""The ``convtui`` command: the app (no subcommand) and the headless subcommands.

Exit codes: 0 success, 2 bad usage or bad input (one line naming the argument and
what is wrong), 1 an unexpected failure.  Subcommands live in ``convtui.commands``,
one module each with ``run(argv) -> int``; they are imported only when used, so
``convtui conv`` never loads textual.
"""

from __future__ import annotations

import argparse
import importlib
import os
import sys

from .engine.geometry import CONVENTIONS, MODES, PADDING_MODES

__all__ = [
    "SUBCOMMANDS",
    "UsageError",
    "add_layer_arguments",
    "add_setup_arguments",
    "main",
    "setup_from_args",
]

SUBCOMMANDS = {
    "conv": "convtui.commands.conv",
    "compare": "convtui.commands.compare",
    "code": "convtui.commands.code",
    "train": "convtui.commands.train",
    "lessons": "convtui.commands.lessons",
    "serve": "convtui.commands.serve",
}


class UsageError(Exception):
    """Bad usage or input: printed as one line, exit code 2."""


class ArgumentParser(argparse.ArgumentParser):
    """argparse that raises UsageError instead of printing usage and exiting."""

    def error(self, message: str):  # type: ignore[override]
        raise UsageError(message)


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


def _flag_message(message: str) -> str:
    """The engine's message, led by the flag when it starts with an option's name."""
    for name, flag in _FLAGS.items():
        if message.startswith(name + " "):
            return f"{flag}: {message}"
    return message


def parse_text_array(text: str, flag: str):
    """parse_array, with a ParseError turned into a UsageError naming the flag."""
    from .engine.parse import ParseError, parse_array

    try:
        return parse_array(text)
    except ParseError as exc:
        raise UsageError(f"{flag}: {exc}") from None


def setup_from_args(args, input_text: str, kernel_text: str, input_flag: str, kernel_flag: str):
    """Build and validate a Setup from parsed arguments; UsageError if it is invalid."""
    from .engine.setup import Setup

    x = parse_text_array(input_text, input_flag)
    w = parse_text_array(kernel_text, kernel_flag)
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
        raise UsageError(_flag_message(str(exc))) from None
    return setup


def _run_app(argv: list[str]) -> int:
    from .app.launch import run as run_app  # the app's own flags and start-up

    return run_app(argv)


SUBCOMMAND_HELP = """\
subcommands (each has --help):
  conv X W      convolve X with W: the output, --steps, --matrix, --shape, --json
  compare X W   the conventions lab: numpy, scipy, MATLAB, PyTorch, TensorFlow side by side
  code X W      a snippet that gives the same numbers in numpy, scipy, torch, matlab, tensorflow
  train         learn a kernel on a generated task (--task NAME), headless
  lessons       list the lessons and your progress
  serve         serve the app to a web browser (needs the 'web' extra)

--backend {numpy,cupy}, before or after the subcommand: where the engine computes
(default numpy, or $CONVTUI_BACKEND); cupy needs a GPU and pip install 'convtui[gpu]'
"""


def _help() -> str:
    from .app.launch import build_parser

    return build_parser().format_help() + "\n" + SUBCOMMAND_HELP


def _error_line(prefix: str, message: str) -> str:
    if sys.stderr.isatty() and not os.environ.get("NO_COLOR"):
        prefix = f"\x1b[31m{prefix}\x1b[0m"
    return f"convtui: {prefix}: {message}"


def _take_backend(argv: list[str]) -> list[str]:
    """Apply ``--backend NAME`` (anywhere before ``--``) and return argv without it."""
    from .engine.backend import BACKENDS, BackendUnavailable, get_backend, use_backend

    rest, names, i = [], [], 0
    while i < len(argv):
        arg = argv[i]
        if arg == "--":
            rest += argv[i:]
            break
        if arg == "--backend":
            if i + 1 == len(argv):
                raise UsageError("--backend needs a value: numpy or cupy")
            names.append(argv[i + 1])
            i += 2
            continue
        if arg.startswith("--backend="):
            names.append(arg.partition("=")[2])
        else:
            rest.append(arg)
        i += 1
    for name in names:
        if name not in BACKENDS:
            raise UsageError(f"--backend must be numpy or cupy, got {name!r}")
    try:
        if names:
            use_backend(names[-1])
        elif get_backend() == "cupy":  # CONVTUI_BACKEND: checked now, not mid-command
            use_backend("cupy")
    except ValueError as exc:  # a CONVTUI_BACKEND that names no backend
        raise UsageError(str(exc)) from None
    except BackendUnavailable as exc:
        source = f"--backend {names[-1]}" if names else "CONVTUI_BACKEND=cupy"
        raise UsageError(f"{source}: {exc}") from None
    return rest


def main(argv: list[str] | None = None) -> int:
    """Entry point of the ``convtui`` command; returns the exit code."""
    argv = list(sys.argv[1:] if argv is None else argv)
    try:
        argv = _take_backend(argv)
        if argv and argv[0] in ("-h", "--help"):
            print(_help())
            return 0
        if argv and argv[0] in SUBCOMMANDS:
            module = importlib.import_module(SUBCOMMANDS[argv[0]])
            return module.run(argv[1:])
        return _run_app(argv)
    except UsageError as exc:
        print(_error_line("error", str(exc)), file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        return 0
    except Exception as exc:  # one line instead of a traceback
        if os.environ.get("CONVTUI_DEBUG"):
            raise
        reason = " ".join(str(exc).split()) or "no details"
        print(
            _error_line(
                "unexpected error",
                f"{type(exc).__name__}: {reason} (set CONVTUI_DEBUG=1 for the traceback)",
            ),
            file=sys.stderr,
        )
        return 1
