"""What a loaded lesson is: lessons hold pages, pages hold a setup and exercises."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from ..engine.setup import Setup

__all__ = ["FOCUS_PANES", "Exercise", "Lesson", "LessonError", "Page"]

# The playground panes a page may put the focus on.
FOCUS_PANES = ("input", "kernel", "mode", "slide", "matrix", "plot")


class LessonError(ValueError):
    """A malformed lesson file: names the file and the line.

    >>> print(LessonError("01-weighted-sum.md", 7, "unknown key 'kernal'"))
    01-weighted-sum.md:7: unknown key 'kernal'
    """

    def __init__(self, path, line: int, reason: str):
        self.path = Path(path)
        self.line = line
        self.reason = reason
        super().__init__(f"{path}:{line}: {reason}")


@dataclass(frozen=True, eq=False)
class Exercise:
    """One question the engine grades.

    ``setup`` is the page's setup with the exercise's own changes; question kinds
    (``value``, ``length``, ``kernel``, ``gradient``) are graded on it, the ``task``
    kind on the live playground.  ``params`` holds the kind's own keys as text.
    """

    id: str
    kind: str
    prompt: str
    hint: str
    setup: Setup
    params: dict
    line: int
    lesson: int = 0
    page: int = 0

    @property
    def on_playground(self) -> bool:
        """Whether the answer is judged on the learner's live setup (a task)."""
        return self.kind == "task"

    @property
    def key(self) -> str:
        """The id progress is saved under: ``lesson/exercise``."""
        return f"{self.lesson}/{self.id}"


@dataclass(frozen=True, eq=False)
class Page:
    """One short page: Markdown text, the playground it sets up, its exercises.

    ``focus`` names a pane (or None to leave the focus alone), ``step`` the slide
    step to show, ``measure`` whether the page times the methods live.
    """

    number: int
    title: str
    text: str
    setup: Setup
    line: int
    focus: str | None = None
    step: int | None = None
    measure: bool = False
    train: str | None = None
    exercises: tuple[Exercise, ...] = field(default_factory=tuple)


@dataclass(frozen=True, eq=False)
class Lesson:
    """A lesson file, loaded and validated."""

    number: int
    title: str
    summary: str
    path: Path
    pages: tuple[Page, ...]

    @property
    def exercises(self) -> tuple[Exercise, ...]:
        return tuple(e for p in self.pages for e in p.exercises)

    def __repr__(self) -> str:
        return f"<Lesson {self.number}: {self.title!r}, {len(self.pages)} pages>"
