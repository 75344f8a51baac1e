"""The playground's state and its edits: a pure reducer, no Textual.

Everything the playground shows is one frozen :class:`PlaygroundState`.  Each edit a
learner (or a lesson, a preset, a saved session) makes is a small frozen value, and
:func:`reduce` turns a state and an edit into the next state; the playground screen
only holds the result and hands it down to its panes.

>>> state = PlaygroundState.start(Setup([1, 2, 3, 4], [5, 6, 7]))
>>> state.result.output
array([ 5, 16, 34, 52, 45, 28])
>>> state = reduce(state, Propose({"mode": "valid"}))
>>> state.setup.mode, state.result.output
('valid', array([34, 52]))

An edit the engine refuses keeps the last valid setup, says why, and keeps the
change in the draft, so that a second edit can complete it:

>>> state = reduce(state, Propose({"input": [[1, 2], [3, 4]]}))
>>> state.setup.input.shape, state.error.split(",")[0]
((4,), 'input and kernel must have the same number of dimensions')
>>> state = reduce(state, Propose({"kernel": [[1, 0], [0, 1]]}))
>>> state.result.output, state.error
(array([[5]]), '')

A transposed convolution (``u``) is stepped two ways: ``gather`` (step ``j`` is
output ``j``, the sum of what lands on it) and ``scatter`` (step ``i`` is input
``i``, spreading ``x[i]·w``); :class:`ToggleReading` switches, and the step range
follows (as many inputs, or as many outputs):

>>> state = reduce(PlaygroundState.start(Setup([1, 2, 3], [1, 1, 1])), ToggleTransposed())
>>> state.setup.mode, state.setup.transposed, state.result.output, state.size
('valid', True, array([1, 3, 6, 5, 3]), 5)
>>> reduce(state, ToggleReading()).size
3
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from types import MappingProxyType
from typing import Any

import numpy as np

from ..engine.geometry import CONVENTIONS, MODES, PADDING_MODES
from ..engine.setup import Result, Setup
from .hidden import Hidden, Hide

__all__ = [
    "SPEEDS",
    "WORKER_THRESHOLD",
    "Bump",
    "ChangeSpeed",
    "ComputeFailed",
    "Computed",
    "Cycle",
    "Edit",
    "GoTo",
    "MoveRow",
    "PlaygroundState",
    "Propose",
    "READINGS",
    "Replace",
    "Tick",
    "TogglePlay",
    "ToggleReading",
    "ToggleTransposed",
    "reduce",
]

# Above this much work (input elements × kernel elements) the result is computed
# in a worker thread, so typing and stepping never wait for it.
WORKER_THRESHOLD = 2_000_000
SPEEDS = (2.0, 1.0, 0.5, 0.25, 0.1, 0.05)  # seconds per step while playing
CYCLES = {
    "mode": MODES,
    "convention": tuple(CONVENTIONS),
    "flip": (True, False),
    "padding_mode": PADDING_MODES,
}
MINIMUM = {"stride": 1, "dilation": 1, "padding": 0, "output_padding": 0}
# the two ways to step a transposed convolution: by output (gather) or by input (scatter)
READINGS = ("gather", "scatter")


def _frozen_fields(fields: Mapping[str, Any]) -> Mapping[str, Any]:
    return MappingProxyType(dict(fields))


@dataclass(frozen=True, eq=False)
class PlaygroundState:
    """What every pane draws from: the setup, its result, the step, and the status.

    ``setup`` is always valid: it is what the panes show.  ``draft`` holds the
    fields as the learner last set them, valid or not (a 2-D input typed before
    its 2-D kernel); ``error`` says why the draft is not the setup.  ``result`` is
    None while a worker computes it, and ``fallback`` is the state to go back to
    if that fails.

    ``reading`` says how a transposed setup is stepped: ``"gather"`` (step ``j`` is
    output ``j``, as for every other setup) or ``"scatter"`` (step ``i`` is input
    ``i``); it is kept for the next transposed setup when the setup is not one.
    """

    setup: Setup
    result: Result | None
    step: int = 0
    error: str = ""
    playing: bool = False
    speed: float = 0.5
    draft: Mapping[str, Any] = field(default_factory=lambda: MappingProxyType({}))
    fallback: PlaygroundState | None = None
    reading: str = "gather"
    hidden: Hidden | None = None  # output cells a lesson's exercise asks for (app/hidden.py)

    @classmethod
    def start(cls, setup: Setup) -> PlaygroundState:
        """The first state for ``setup`` (ValueError if the engine refuses it).

        A large setup starts with ``result=None``: its owner computes it in a worker
        and sends :class:`Computed`.
        """
        setup.check_size()  # what would exhaust memory is refused, not attempted
        result = None if _large(setup) else setup.compute()
        return cls(setup, result, draft=_frozen_fields(setup.fields()))

    @property
    def scattering(self) -> bool:
        """Whether each step is an input spreading into the output (a transposed scatter)."""
        return self.setup.transposed and self.reading == "scatter"

    @property
    def step_shape(self) -> tuple[int, ...]:
        """The shape the steps run over in C order: the output's, or the input's when scattering."""
        return _step_shape(self.setup, self.reading)

    @property
    def size(self) -> int:
        """How many steps there are (outputs; inputs when scattering)."""
        return math.prod(self.step_shape)

    @property
    def last_step(self) -> int:
        return max(self.size - 1, 0)


# ---------------------------------------------------------------- the edits


@dataclass(frozen=True)
class Propose:
    """New values for some ``Setup`` fields (an editor, a key, a click on the mode panel)."""

    changes: Mapping[str, Any]


@dataclass(frozen=True)
class Replace:
    """A whole new setup (a preset, a lesson page, a saved session, a learned kernel)."""

    setup: Setup


@dataclass(frozen=True)
class Cycle:
    """The next ``mode``, ``convention``, ``flip`` or ``padding_mode`` after the draft's."""

    name: str


@dataclass(frozen=True)
class Bump:
    """One more (``by=1``) or one less (``by=-1``) stride, dilation, padding or output padding."""

    name: str
    by: int


@dataclass(frozen=True)
class ToggleTransposed:
    """Transposed convolution on or off.

    On, the mode becomes ``valid`` and the padding ``zeros`` (a transposed
    convolution takes no other, as PyTorch's ``conv_transpose``; its padding crops
    the output); off, the output padding goes back to 0.
    """


@dataclass(frozen=True)
class ToggleReading:
    """Step a transposed convolution the other way: gather (by output) ↔ scatter (by input).

    The step moves to where the one it leaves shows: the first output an input
    lands on, or the first input that lands on an output.
    """


@dataclass(frozen=True)
class GoTo:
    """Show step ``index`` (flat, C order; an input when scattering), clamped to the steps."""

    index: int


@dataclass(frozen=True)
class MoveRow:
    """Move ``by`` rows of a 2-D (or n-D) output; nothing past its first or last row."""

    by: int


@dataclass(frozen=True)
class TogglePlay:
    """Play from here (from the start when at the end), or pause."""


@dataclass(frozen=True)
class Tick:
    """One beat of the play timer: the next step, or stop at the last."""


@dataclass(frozen=True)
class ChangeSpeed:
    """Play faster (``by=1``) or slower (``by=-1``), along :data:`SPEEDS`."""

    by: int


@dataclass(frozen=True)
class Computed:
    """A worker finished ``setup``'s result."""

    setup: Setup
    result: Result


@dataclass(frozen=True)
class ComputeFailed:
    """A worker could not compute ``setup``; ``reason`` says why."""

    setup: Setup
    reason: str


Edit = (
    Propose
    | Replace
    | Cycle
    | Bump
    | GoTo
    | MoveRow
    | TogglePlay
    | Tick
    | ChangeSpeed
    | ToggleTransposed
    | ToggleReading
    | Computed
    | ComputeFailed
    | Hide
)


# ---------------------------------------------------------------- the reducer


def reduce(state: PlaygroundState, edit: Edit) -> PlaygroundState:
    """The state after ``edit``; ``state`` itself when nothing changes.

    >>> state = PlaygroundState.start(Setup([1, 2, 3, 4], [5, 6, 7]))
    >>> reduce(state, GoTo(99)).step, reduce(state, GoTo(-3)).step
    (5, 0)
    >>> reduce(state, Bump("stride", 1)).result.output
    array([ 5, 34, 45])
    >>> reduce(state, Bump("stride", -1)) is state  # stride is at least 1
    True
    >>> reduce(state, Cycle("flip")).setup.flip
    False
    """
    match edit:
        case Propose(changes):
            draft = {**state.draft, **changes}
            try:
                setup = Setup(**draft)
            except ValueError as exc:
                return replace(state, error=str(exc), draft=_frozen_fields(draft))
            if setup == state.setup:  # what is shown already: keep it, and its result
                if not changes and not state.error:
                    return state
                return replace(state, error="", draft=_frozen_fields(draft))
            return _show(state, setup, draft)
        case Replace(setup):
            if setup is state.setup and not state.error:
                return state
            return _show(state, setup, setup.fields())
        case Cycle(name):
            values = CYCLES[name]
            current = state.draft.get(name, getattr(state.setup, name))
            at = values.index(current) if current in values else -1
            following = values[(at + 1) % len(values)]
            return reduce(state, Propose({name: following}))
        case Bump(name, by):
            value = state.draft.get(name, getattr(state.setup, name))
            value = value if isinstance(value, int) else max(np.ravel(value).tolist())
            bumped = max(value + by, MINIMUM[name])
            if bumped == value and not state.error:
                return state
            return reduce(state, Propose({name: bumped}))
        case GoTo(index):
            step = min(max(int(index), 0), state.last_step)
            return state if step == state.step else replace(state, step=step)
        case ToggleTransposed():
            transposed = state.draft.get("transposed", state.setup.transposed)
            if transposed:
                return reduce(state, Propose({"transposed": False, "output_padding": 0}))
            return reduce(
                state, Propose({"transposed": True, "mode": "valid", "padding_mode": "zeros"})
            )
        case ToggleReading():
            reading = READINGS[1 - READINGS.index(state.reading)]
            turned = replace(state, reading=reading)
            return replace(turned, step=_matching_step(state, turned))
        case MoveRow(by):
            shape = state.step_shape
            row = math.prod(shape[1:]) if len(shape) > 1 else 1
            step = state.step + by * row
            return replace(state, step=step) if 0 <= step < state.size else state
        case TogglePlay():
            if state.playing:
                return replace(state, playing=False)
            step = 0 if state.step >= state.last_step else state.step
            return replace(state, playing=True, step=step)
        case Tick():
            if not state.playing:
                return state
            if state.step >= state.last_step:
                return replace(state, playing=False)
            return replace(state, step=state.step + 1)
        case ChangeSpeed(by):
            nearest = min(range(len(SPEEDS)), key=lambda i: abs(SPEEDS[i] - state.speed))
            speed = SPEEDS[min(max(nearest + by, 0), len(SPEEDS) - 1)]
            return state if speed == state.speed else replace(state, speed=speed)
        case Computed(setup, result):
            if setup is not state.setup or state.result is not None:
                return state  # a result for a setup since replaced
            return replace(state, result=result, fallback=None)
        case ComputeFailed(setup, reason):
            if setup is not state.setup or state.fallback is None:
                return state
            last = state.fallback
            return replace(last, error=reason, playing=False)
        case Hide(hidden):
            return state if hidden is state.hidden else replace(state, hidden=hidden)
    raise TypeError(f"not a playground edit: {edit!r}")


def _large(setup: Setup) -> bool:
    return setup.input.size * setup.kernel.size > WORKER_THRESHOLD


def _step_shape(setup: Setup, reading: str) -> tuple[int, ...]:
    g = setup.geometry
    return g.input_shape if setup.transposed and reading == "scatter" else g.output_shape


def _matching_step(old: PlaygroundState, new: PlaygroundState) -> int:
    """The step of ``new`` (the other reading) that shows what ``old``'s step showed.

    >>> s = PlaygroundState.start(Setup([1, 2, 3], [1, 1, 1], "valid", stride=2, transposed=True))
    >>> s = reduce(reduce(s, GoTo(3)), ToggleReading())  # output 3: only x[1] lands there
    >>> s.reading, s.step
    ('scatter', 1)
    >>> reduce(s, ToggleReading()).step  # x[1] spreads into outputs 2, 3, 4
    2
    """
    last = max(new.size - 1, 0)
    if not old.setup.transposed or old.result is None or old.size == 0:
        return min(old.step, last)
    steps = old.result.steps
    if old.scattering:  # input i → the first output it lands on
        landed = steps.scatter(old.step).outputs
        landed = landed[landed >= 0]
    else:  # output j → the first input that lands on it
        landed = steps[old.step].positions
    return min(int(landed.min()), last) if landed.size else min(old.step, last)


def _show(state: PlaygroundState, setup: Setup, draft: Mapping[str, Any]) -> PlaygroundState:
    """``setup`` on every pane, computed now or left to a worker; refused: say why."""
    draft = _frozen_fields(draft)
    try:
        setup.check_size()  # what would exhaust memory is refused, not attempted
        result = None if _large(setup) else setup.compute()
    except ValueError as exc:
        return replace(state, error=str(exc), draft=draft)
    # while a worker computes, a failure goes back to the last state that had a result
    fallback = (
        None if result is not None else (state if state.result is not None else state.fallback)
    )
    step = min(state.step, max(math.prod(_step_shape(setup, state.reading)) - 1, 0))
    return replace(
        state, setup=setup, result=result, step=step, error="", draft=draft, fallback=fallback
    )
