"""``convtui train --task NAME``: learn a kernel by gradient descent, headless.

Prints the learned kernel next to the one that made the target; ``--plot`` draws
the loss curve.  A progress bar goes to standard error, only on a terminal.
"""

from __future__ import annotations

import argparse
import math
import re
import sys

import numpy as np

from . import colour, parse_args
from .args import ArgumentParser, UsageError

__all__ = ["build_parser", "run"]


def _positive(kind, name):
    def convert(text: str):
        try:
            value = kind(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"{name} must be a number, got {text!r}") from None
        if not (isinstance(value, int) or math.isfinite(value)) or value <= 0:
            raise argparse.ArgumentTypeError(f"{name} must be more than 0, got {text}")
        return value

    return convert


def build_parser() -> ArgumentParser:
    from ..engine.tasks import TASKS
    from ..engine.train import OPTIMIZERS

    listing = "\n".join(f"  {name:<8} {task.title}" for name, task in TASKS.items())
    parser = ArgumentParser(
        prog="convtui train",
        description="Train a kernel on a generated task and compare it with the true one.",
        epilog=f"tasks:\n{listing}\nexample:\n  convtui train --task shift --plot",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--task", metavar="NAME", help="which task (see the list below)")
    parser.add_argument("--steps", type=_positive(int, "--steps"), metavar="N")
    parser.add_argument("--lr", type=_positive(float, "--lr"), metavar="RATE")
    parser.add_argument("--optimizer", choices=tuple(OPTIMIZERS))
    parser.add_argument("--seed", type=int, default=0, help="makes the data and the start")
    parser.add_argument("--plot", action="store_true", help="draw the loss curve")
    return parser


def _progress(stream, step: int, total: int, loss: float) -> None:
    width = 30
    done = width * step // max(total, 1)
    bar = "█" * done + "·" * (width - done)
    stream.write(f"\r{bar} {step}/{total} loss {loss:.3g}")
    stream.flush()


def _train(data, overrides, show_progress: bool):
    total = overrides.get("steps", data.options.get("steps", 500))
    states = []
    every = max(total // 100, 1)
    for state in data.train(**overrides):
        states.append(state)
        if show_progress and (state.step % every == 0 or state.step == total):
            _progress(sys.stderr, state.step, total, state.loss)
    if show_progress:
        sys.stderr.write("\n")
    return states


def _kernel_table(learned: np.ndarray, target: np.ndarray) -> str:
    learned = np.round(learned, 4) + 0.0  # no "-0.0000"
    target = np.round(target, 4) + 0.0
    if learned.ndim == 1:
        lines = [f"{'':8}{'learned':>10}{'target':>10}"]
        for j, (a, b) in enumerate(zip(learned, target)):
            lines.append(f"{f'w[{j}]':8}{a:>10.4f}{b:>10.4f}")
        return "\n".join(lines)

    def block(a):
        return [" ".join(f"{v:8.4f}" for v in row) for row in a]

    left, right = block(learned), block(target)
    width = max(len(line) for line in left)
    lines = [f"{'learned':<{width}}   target"]
    lines += [f"{a:<{width}}   {b}" for a, b in zip(left, right)]
    return "\n".join(lines)


def _plot(states) -> str:
    """The loss per step on a log scale (plotext's own log axis labels poorly)."""
    import plotext as plt

    steps = [s.step for s in states]
    logs = [math.log10(max(s.loss, 1e-300)) for s in states]
    low, high = math.floor(min(logs)), math.ceil(max(logs))
    every = max(1, math.ceil((high - low) / 6))
    decades = list(range(low, high + 1, every))
    plt.clear_figure()
    plt.plot(steps, logs)
    plt.yticks(decades, [f"1e{k}" for k in decades])
    plt.title("loss (mean squared error, log scale)")
    plt.xlabel("step")
    plt.theme("clear")
    plt.plotsize(70, 18)
    text = plt.build()
    if not sys.stdout.isatty():
        text = re.sub(r"\x1b\[[0-9;]*m", "", text)
    return text


def run(argv: list[str]) -> int:
    from ..engine.tasks import TASKS, make_task

    args = parse_args(build_parser(), argv)
    if isinstance(args, int):  # --help was printed
        return args
    if args.task not in TASKS:
        listed = ", ".join(TASKS)
        got = "is required" if args.task is None else f"got {args.task!r}"
        raise UsageError(f"--task {got}; choose one of: {listed}")
    data = make_task(args.task, seed=args.seed)
    overrides = {
        key: value
        for key, value in (("steps", args.steps), ("lr", args.lr), ("optimizer", args.optimizer))
        if value is not None
    }
    states = _train(data, overrides, sys.stderr.isatty())
    first, last = states[0], states[-1]
    task = TASKS[args.task]
    optimizer = overrides.get("optimizer", data.options.get("optimizer", "adam"))
    print(f"{colour(task.title, 'bold')} (task {args.task}, seed {args.seed}, {optimizer})")
    print(f"loss {first.loss:.4g} → {last.loss:.4g} after {last.step} steps")
    if last.diverged:
        print(
            f"convtui: training diverged at step {last.step}: the loss stopped being finite; "
            "try a smaller --lr",
            file=sys.stderr,
        )
        return 2
    print(_kernel_table(np.asarray(last.kernel), np.asarray(data.true_kernel)))
    if data.options.get("bias", True):
        bias, true_bias = (round(b, 4) + 0.0 for b in (last.bias, data.true_bias))
        print(f"{'bias':8}{bias:>10.4f}{true_bias:>10.4f}")
    if args.plot:
        print(_plot(states))
    return 0
