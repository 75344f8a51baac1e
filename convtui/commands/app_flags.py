"""The flags of ``convtui`` with no subcommand (the app's), parsed without textual.

A bad flag raises ``UsageError`` (exit 2, one line naming the flag) before the app
starts; ``convtui serve`` checks the flags it will pass on the same way.  New flags
go in :func:`build_parser` and :func:`app_options`.
"""

from __future__ import annotations

from ..paths import data_dir
from ..presets import SEED, kernel_for
from ..sessions import SessionError, app_session_options
from .args import (
    ArgumentParser,
    UsageError,
    add_layer_arguments,
    add_setup_arguments,
    parse_text_array,
    read_file_array,
    setup_from_args,
)

__all__ = ["WELCOMED", "app_options", "build_parser"]

SCREENS = ("playground", "training", "layer")
"""The app's modes that ``--screen`` can open on."""

WELCOMED = "welcomed"
"""A file in the data folder once the first start's welcome has been shown."""


def build_parser() -> ArgumentParser:
    parser = ArgumentParser(
        prog="convtui",
        description="A terminal tutor and playground for the convolution that CNNs use.",
    )
    inputs = parser.add_mutually_exclusive_group()
    inputs.add_argument(
        "--input", metavar="TEXT", help='e.g. "1, 2, 3" or "1 2; 3 4" (default: 1, 2, 3, 4)'
    )
    inputs.add_argument(
        "--input-file", metavar="PATH", help="an image, .wav, .csv or .npy (or sample:NAME)"
    )
    kernels = parser.add_mutually_exclusive_group()
    kernels.add_argument(
        "--kernel",
        metavar="TEXT",
        help='e.g. "5, 6, 7" or "sobel-x" (default: 5, 6, 7; a 3×3 blur in 2-D)',
    )
    kernels.add_argument("--kernel-file", metavar="PATH", help="the kernel from a file")
    add_setup_arguments(parser)
    add_layer_arguments(parser)
    parser.add_argument(
        "--lesson", type=int, metavar="N", help="open lesson N (see: convtui lessons)"
    )
    parser.add_argument(
        "--screen",
        choices=SCREENS,
        help="the screen to open on (default: playground; y and t switch later)",
    )
    parser.add_argument("--open", metavar="FILE", help="open a session saved with ctrl+s")
    parser.add_argument(
        "--fresh", action="store_true", help="start without offering the last session back"
    )
    return parser


def app_options(argv: list[str]) -> dict:
    """Keyword options for ``make_app`` from the command line; UsageError if bad.

    The last session is offered back only to a bare ``convtui``: a setup, a lesson
    or a file given on the command line is what the learner asked for.  A first
    start (no ``welcomed`` file in the data folder) asks for the welcome line.

    >>> options = app_options(["--input", "1 2 3", "--kernel", "1 1", "--mode", "valid"])
    >>> options["setup"].compute().output
    array([3, 5])
    >>> "restore" in options
    False
    """
    args = build_parser().parse_args(argv)
    x = SEED.input if args.input is None else parse_text_array(args.input, "--input")
    if args.input_file is not None:
        x = read_file_array(args.input_file, "--input-file", "input")
    w = kernel_for(x.ndim)
    if args.kernel is not None:
        w = parse_text_array(args.kernel, "--kernel", kernel=True)
    elif args.kernel_file is not None:
        w = read_file_array(args.kernel_file, "--kernel-file", "kernel")
    options = {"setup": setup_from_args(args, x, w)}
    if args.lesson is not None:
        options["lesson"] = _lesson_number(args.lesson)
    if args.screen is not None:
        options["screen"] = args.screen
    try:
        options.update(app_session_options(args.open, fresh=args.fresh or bool(argv)))
    except SessionError as exc:
        raise UsageError(f"--open: {exc}") from None
    if not (data_dir() / WELCOMED).exists():
        options["welcome"] = data_dir() / WELCOMED
    return options


def _lesson_number(number: int) -> int:
    """``--lesson N`` checked against the course (numpy only: textual is not loaded yet)."""
    from ..lessons import LessonError, load_course

    try:
        numbers = [lesson.number for lesson in load_course()]
    except LessonError as exc:
        raise UsageError(f"--lesson: the lessons could not be loaded: {exc}") from None
    if number not in numbers:
        raise UsageError(f"--lesson must be one of {numbers[0]}..{numbers[-1]}, got {number}")
    return number
