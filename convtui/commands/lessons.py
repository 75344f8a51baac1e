"""``convtui lessons``: the course, with what the learner has finished.

$ convtui lessons
 1  A weighted sum                               4 pages
 …

``--check PATH…`` validates lesson files (or folders of them) the way the app loads
them, printing ``file:line: reason`` for the first problem in each, exit code 2.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from .args import ArgumentParser, UsageError

__all__ = ["build_parser", "run"]


def build_parser() -> ArgumentParser:
    parser = ArgumentParser(
        prog="convtui lessons",
        description="List the lessons (open one with: convtui --lesson N).",
    )
    parser.add_argument("--json", action="store_true", help="print machine-readable rows")
    parser.add_argument(
        "--check",
        nargs="+",
        metavar="PATH",
        help="validate lesson files or folders instead of listing the course",
    )
    return parser


def _check(paths: list[str]) -> int:
    from ..lessons import LessonError, load_course, load_lesson

    failed = 0
    for name in paths:
        path = Path(name)
        if not path.exists():
            raise UsageError(f"--check: {name} does not exist")
        try:
            lessons = load_course(path) if path.is_dir() else (load_lesson(path),)
        except LessonError as exc:
            print(exc, file=sys.stderr)
            failed += 1
            continue
        for lesson in lessons:
            exercises = len(lesson.exercises)
            print(f"{lesson.path}: ok, {len(lesson.pages)} pages, {exercises} exercises")
    return 2 if failed else 0


def run(argv: list[str]) -> int:
    try:
        args = build_parser().parse_args(argv)
    except SystemExit as exit_:  # --help
        return int(exit_.code or 0)
    if args.check:
        return _check(args.check)

    from ..lessons import LessonError, Progress, list_lessons

    progress = Progress.load()
    if progress.warning:
        print(f"convtui: {progress.warning}", file=sys.stderr)
    try:
        rows = list_lessons(progress)
    except LessonError as exc:
        print(f"convtui: error: a lesson file is broken: {exc}", file=sys.stderr)
        return 1
    if args.json:
        print(json.dumps([row._asdict() for row in rows], indent=1))
        return 0
    width = max(len(row.title) for row in rows)
    for row in rows:
        mark = "done" if row.done else ""
        print(f"{row.number:2d}  {row.title:<{width}}  {row.pages} pages  {mark}".rstrip())
    print("\nOpen a lesson with: convtui --lesson N")
    return 0
