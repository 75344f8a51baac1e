"""``convtui lessons``: the course, with what the learner has finished.

$ convtui lessons
 1  A weighted sum           4 pages  done
 2  The sliding dot product  4 pages  2/4 pages seen, 1/4 solved
 3  full, valid and same     4 pages
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

    from ..lessons import LessonError, Progress, list_lessons, load_course

    progress = Progress.load()
    if progress.warning:
        print(f"convtui: {progress.warning}", file=sys.stderr)
    try:
        rows = [
            {**row._asdict(), **_progress_counts(lesson, progress)}
            for row, lesson in zip(list_lessons(progress), load_course())
        ]
    except LessonError as exc:
        print(f"convtui: error: a lesson file is broken: {exc}", file=sys.stderr)
        return 1
    if args.json:
        print(json.dumps(rows, indent=1))
        return 0
    width = max(len(row["title"]) for row in rows)
    for row in rows:
        line = f"{row['number']:2d}  {row['title']:<{width}}  {row['pages']} pages  {_mark(row)}"
        print(line.rstrip())
    print("\nOpen a lesson with: convtui --lesson N")
    return 0


def _progress_counts(lesson, progress) -> dict:
    """How far the learner got: pages seen and exercises solved, of how many."""
    pages = {page.number for page in lesson.pages}
    exercises = {exercise.id for exercise in lesson.exercises}
    return {
        "pages_seen": len(progress.seen(lesson.number) & pages),
        "exercises": len(exercises),
        "solved": len(progress.solved(lesson.number) & exercises),
    }


def _mark(row: dict) -> str:
    """``done``, the progress of a lesson begun (as the app's list says it), or nothing.

    >>> _mark({"done": False, "pages": 4, "pages_seen": 2, "exercises": 5, "solved": 1})
    '2/4 pages seen, 1/5 solved'
    >>> _mark({"done": False, "pages": 4, "pages_seen": 0, "exercises": 5, "solved": 0})
    ''
    """
    if row["done"]:
        return "done"
    if not (row["pages_seen"] or row["solved"]):
        return ""
    seen = f"{row['pages_seen']}/{row['pages']} pages seen"
    return f"{seen}, {row['solved']}/{row['exercises']} solved" if row["exercises"] else seen
