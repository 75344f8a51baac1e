"""``convtui`` with no subcommand: parse the app's flags, then start the app.

A bad flag raises ``UsageError`` (exit 2, one line naming the flag) before the
app starts.  New flags go in :func:`build_parser` and :func:`app_options`.
"""

from __future__ import annotations

from ..cli import ArgumentParser, UsageError, add_setup_arguments, setup_from_args
from ..sessions import SessionError, app_session_options

__all__ = ["app_options", "build_parser", "run"]

SEED_INPUT, SEED_KERNEL = "1, 2, 3, 4", "5, 6, 7"


def build_parser() -> ArgumentParser:
    parser = ArgumentParser(
        prog="convtui",
        description="A terminal tutor and playground for the convolution that CNNs use.",
    )
    parser.add_argument(
        "--input", default=SEED_INPUT, metavar="TEXT", help='e.g. "1, 2, 3" or "1 2; 3 4"'
    )
    parser.add_argument("--kernel", default=SEED_KERNEL, metavar="TEXT", help='e.g. "5, 6, 7"')
    add_setup_arguments(parser)
    parser.add_argument(
        "--lesson", type=int, metavar="N", help="open lesson N (see: convtui lessons)"
    )
    parser.add_argument("--open", metavar="FILE", help="open a session saved with ctrl+s")
    parser.add_argument(
        "--fresh", action="store_true", help="start without offering the last session back"
    )
    return parser


def app_options(argv: list[str]) -> dict:
    """Keyword options for ``make_app`` from the command line; UsageError if bad.

    >>> options = app_options(["--input", "1 2 3", "--kernel", "1 1", "--mode", "valid"])
    >>> options["setup"].compute().output
    array([3, 5])
    """
    args = build_parser().parse_args(argv)
    options = {"setup": setup_from_args(args, args.input, args.kernel, "--input", "--kernel")}
    if args.lesson is not None:
        options["lesson"] = _lesson_number(args.lesson)
    try:
        options.update(app_session_options(args.open, args.fresh))
    except SessionError as exc:
        raise UsageError(f"--open: {exc}") from None
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


def run(argv: list[str]) -> int:
    """Start the app; the exit code."""
    options = app_options(argv)
    from .app import make_app  # textual loads only once the flags are good

    app = make_app(**options)
    app.run()
    return app.return_code or 0
