"""Messages between the panes, the screens and the app: small dataclasses.

Attributes go down (every pane receives the playground's state with ``data_bind``),
messages come up (a pane to its screen, a screen to the app).  The app tells a
screen something by posting it one of these too; no screen reaches into another.
Frequent ones (step requests while scrubbing) override ``can_replace`` so a burst
of them collapses into one.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from textual.message import Message

from ..engine.setup import Result, Setup

if TYPE_CHECKING:
    from ..lessons import Lesson, Progress

__all__ = [
    "LessonEnded",
    "LessonKey",
    "OpenLesson",
    "ReplaceSetup",
    "ResultReady",
    "SetupApplied",
    "SetupChange",
    "ShowPane",
    "StepTo",
    "TrainTask",
]


# -- panes → the playground ------------------------------------------------------


@dataclass
class SetupChange(Message):
    """An editor or panel proposes new values for some ``Setup`` fields.

    ``changes`` maps field names (``input``, ``kernel``, ``mode`` ...) to values; the
    screen merges them into its draft and keeps the last valid ``Setup`` if they fail.
    """

    changes: dict[str, Any] = field(default_factory=dict)


@dataclass
class ReplaceSetup(Message):
    """Replace the whole setup (a preset, a lesson, a saved session, a learned kernel).

    Posted by a pane it reaches the playground; posted by another screen it reaches
    the app, which passes it on to the playground.
    """

    setup: Setup


@dataclass
class StepTo(Message):
    """Go to output step ``index`` (flat, C order)."""

    index: int

    def can_replace(self, message: Message) -> bool:
        return isinstance(message, StepTo)


@dataclass
class ShowPane(Message):
    """Show (and focus) a pane of the playground: ``slide``, ``matrix``, ``plot`` or ``setup``.

    The lesson panel asks for the pane its page is about; the screen decides how
    (on a small terminal, by switching its view).
    """

    pane: str


@dataclass
class ResultReady(Message):
    """A worker finished computing ``result`` for ``setup``."""

    setup: Setup
    result: Result


# -- the playground → the app ----------------------------------------------------


@dataclass
class SetupApplied(Message):
    """The playground now shows ``setup``: the app keeps it for saving, the lab and training."""

    setup: Setup


@dataclass
class LessonEnded(Message):
    """The learner turned past the last page of lesson ``number``."""

    number: int


@dataclass
class TrainTask(Message):
    """Open the training pane on ``task`` (a lesson page's ``train:``)."""

    task: str


# -- the app → the playground ----------------------------------------------------


@dataclass
class OpenLesson(Message):
    """Show ``lesson`` at ``page`` in the playground's lesson panel."""

    lesson: Lesson
    progress: Progress
    page: int


@dataclass
class LessonKey(Message):
    """A lesson key: ``next``, ``previous``, ``answer``, ``hint``, ``worked``, ``restore``,
    ``toggle``, ``train``, ``scroll_down`` or ``scroll_up``."""

    what: str
