"""The lessons: a guided course through convolution, as data files and their loader.

Lessons import the engine only (numpy, no textual), so ``convtui lessons`` and the
tests can load and grade them without the app.

>>> from convtui.lessons import load_course, grade
>>> lesson = load_course()[1]
>>> lesson.title
'The sliding dot product'
"""

from __future__ import annotations

from typing import NamedTuple

from .grader import Grade, expected_answer, grade
from .loader import LESSON_DIR, load_course, load_lesson, parse_lesson
from .model import Exercise, Lesson, LessonError, Page
from .progress import Progress, data_dir, progress_path

__all__ = [
    "LESSON_DIR",
    "Exercise",
    "Grade",
    "Lesson",
    "LessonError",
    "LessonInfo",
    "Page",
    "Progress",
    "data_dir",
    "expected_answer",
    "grade",
    "list_lessons",
    "load_course",
    "load_lesson",
    "parse_lesson",
    "progress_path",
]


class LessonInfo(NamedTuple):
    """One row of ``convtui lessons``."""

    number: int
    title: str
    pages: int
    done: bool


def list_lessons(progress: Progress | None = None) -> list[LessonInfo]:
    """Every lesson with its page count and whether the learner has finished it.

    >>> import tempfile, pathlib
    >>> rows = list_lessons(Progress.load(pathlib.Path(tempfile.mkdtemp()) / "p.json"))
    >>> rows[0].number, rows[0].done
    (1, False)
    """
    progress = Progress.load() if progress is None else progress
    return [
        LessonInfo(lesson.number, lesson.title, len(lesson.pages), progress.is_done(lesson))
        for lesson in load_course()
    ]
