"""The ``convtui`` command: the app (no subcommand) and the headless subcommands.

Exit codes: 0 success, 2 bad usage or bad input (one line naming the argument and
what is wrong), 1 an unexpected failure.  Subcommands live in ``convtui.commands``,
one module each with ``run(argv) -> int``; they are imported only when used, so
``convtui conv`` never loads textual.  Nothing imports this module: the argument
helpers it shares with the app live in :mod:`convtui.commands.args`.
"""

from __future__ import annotations

import importlib
import os
import sys

from .commands.args import UsageError

__all__ = ["SUBCOMMANDS", "main"]

SUBCOMMANDS = {
    "conv": "convtui.commands.conv",
    "compare": "convtui.commands.compare",
    "code": "convtui.commands.code",
    "train": "convtui.commands.train",
    "receptive-field": "convtui.commands.receptive_field",
    "lessons": "convtui.commands.lessons",
    "serve": "convtui.commands.serve",
}


def _run_app(argv: list[str]) -> int:
    from .app.launch import run as run_app  # the app's own flags and start-up

    return run_app(argv)


SUBCOMMAND_HELP = """\
subcommands (each has --help):
  conv X W      convolve X with W: the output, --steps, --matrix, --shape, --json
  compare X W   the conventions lab: numpy, scipy, MATLAB, PyTorch, TensorFlow side by side
  code X W      a snippet that gives the same numbers in numpy, scipy, torch, matlab, tensorflow
  train         learn a kernel on a generated task (--task NAME), headless
  receptive-field  the receptive field and jump of stacked layers: 3,3,3 --stride 1,2,1
  lessons       list the lessons and your progress
  serve         serve the app to a web browser (needs the 'web' extra)

--backend {numpy,cupy}, before or after the subcommand: where the engine computes
(default numpy, or $CONVTUI_BACKEND); cupy needs a GPU and pip install 'convtui[gpu]'
"""


def _help() -> str:
    from .commands.app_flags import build_parser

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
