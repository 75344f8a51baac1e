"""``convtui serve``: the app in a web browser, through textual-serve (extra ``web``).

Each browser tab runs its own ``python -m convtui``.  The server listens on
127.0.0.1 unless ``--host`` says otherwise: anyone who can reach the port can use
the app, so opening it to a network is a choice to make on purpose.
"""

from __future__ import annotations

import argparse
import shlex
import sys

from . import parse_args
from .args import ArgumentParser, UsageError

__all__ = ["INSTALL_HINT", "app_command", "build_parser", "run"]

INSTALL_HINT = (
    "convtui serve needs textual-serve, which is not installed; install it with:\n"
    "    python -m pip install 'convtui[web]'"
)


def _port(text: str) -> int:
    try:
        port = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"--port must be a whole number, got {text!r}") from None
    if not 0 < port < 65536:
        raise argparse.ArgumentTypeError(f"--port must be between 1 and 65535, got {port}")
    return port


def build_parser() -> ArgumentParser:
    parser = ArgumentParser(
        prog="convtui serve",
        description="Serve the app to a web browser (needs the 'web' extra: textual-serve).",
        epilog=(
            "example:\n  convtui serve --port 8000     then open http://127.0.0.1:8000\n"
            "Arguments after -- go to the app, e.g. convtui serve -- --mode same"
        ),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument(
        "--host", default="127.0.0.1", help="address to listen on (default: 127.0.0.1)"
    )
    parser.add_argument("--port", type=_port, default=8000, help="default: 8000")
    return parser


def app_command(app_args: list[str]) -> str:
    """The shell command each browser session runs.

    >>> app_command(["--mode", "same"]).endswith("-m convtui --mode same")
    True
    """
    return shlex.join([sys.executable, "-m", "convtui", *app_args])


def run(argv: list[str]) -> int:
    argv = list(argv)
    app_args: list[str] = []
    if "--" in argv:
        cut = argv.index("--")
        argv, app_args = argv[:cut], argv[cut + 1 :]
    args = parse_args(build_parser(), argv)
    if isinstance(args, int):  # --help was printed
        return args
    if app_args:
        from .app_flags import app_options

        app_options(app_args)  # a bad app flag is refused here, not in every browser tab
    try:
        from textual_serve.server import Server
    except ImportError:
        print(INSTALL_HINT, file=sys.stderr)
        return 2
    url = f"http://{args.host}:{args.port}"
    print(f"convtui: serving the app at {url} (ctrl+c stops)", file=sys.stderr)
    if args.host not in ("127.0.0.1", "localhost", "::1"):
        print(
            f"convtui: note: listening on {args.host}: anyone who can reach this port can use "
            "the app (and run it as you)",
            file=sys.stderr,
        )
    try:
        Server(app_command(app_args), host=args.host, port=args.port, title="convtui").serve()
    except OSError as exc:  # the port is taken, or the address is not this machine's
        where = f"{args.host}:{args.port}"
        raise UsageError(f"--host/--port: cannot listen on {where}: {exc}") from None
    return 0
