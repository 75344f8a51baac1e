"""Messages between the playground's panes and its screen: small dataclasses.

Attributes go down (the screen sets each pane's ``state``), messages come up.
Frequent ones (step requests while scrubbing) override ``can_replace`` so a burst
of them collapses into one.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from textual.message import Message

from ..engine.setup import Result, Setup

__all__ = ["ReplaceSetup", "ResultReady", "SetupApplied", "SetupChange", "StepTo"]


@dataclass
class SetupChange(Message):
    """An editor or panel proposes new values for some ``Setup`` fields.

    ``changes`` maps field names (``input``, ``kernel``, ``mode`` ...) to values; the
    screen merges them into its draft and keeps the last valid ``Setup`` if they fail.
    """

    changes: dict[str, Any] = field(default_factory=dict)


@dataclass
class ReplaceSetup(Message):
    """Replace the whole setup (a preset, a lesson, a saved session)."""

    setup: Setup


@dataclass
class StepTo(Message):
    """Go to output step ``index`` (flat, C order)."""

    index: int

    def can_replace(self, message: Message) -> bool:
        return isinstance(message, StepTo)


@dataclass
class ResultReady(Message):
    """A worker finished computing ``result`` for ``setup``."""

    setup: Setup
    result: Result


@dataclass
class SetupApplied(Message):
    """The playground now shows ``setup``: bubbles to the app (autosave hooks here)."""

    setup: Setup
