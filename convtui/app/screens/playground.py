"""The playground: one screen, every pane live, one ``Setup`` as its state.

Editors and the mode panel post messages up; this screen replaces the ``Setup``
whole, computes one ``Result`` (in a worker when large) and hands a
:class:`PlaygroundState` down to every pane.  Panes never recompute.

Hooks for other parts of the app: :meth:`PlaygroundScreen.set_setup` (or post a
:class:`~convtui.app.messages.ReplaceSetup`), the ``setup`` reactive (watch it),
and :class:`~convtui.app.messages.SetupApplied`, which bubbles to the app after
every change.
"""

from __future__ import annotations

import dataclasses
import math
from dataclasses import dataclass

import numpy as np
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.reactive import reactive
from textual.screen import Screen
from textual.widgets import Input

from ...engine.geometry import CONVENTIONS, MODES
from ...engine.setup import Result, Setup
from ...presets import PRESETS, SEED
from ..messages import ReplaceSetup, ResultReady, SetupApplied, SetupChange, StepTo
from ..widgets.editors import Editors
from ..widgets.footer import KeyFooter
from ..widgets.matrix import MatrixPane
from ..widgets.mode_panel import ModePanel
from ..widgets.plot import PlotPane
from ..widgets.slide import SlidePane
from .views import TabbedViews

__all__ = ["PlaygroundScreen", "PlaygroundState"]

# Above this much work (input elements × kernel elements) the result is computed
# in a worker thread, so typing and stepping never wait for it.
WORKER_THRESHOLD = 2_000_000
SPEEDS = (2.0, 1.0, 0.5, 0.25, 0.1, 0.05)  # seconds per step while playing
VIEWS = ("setup", "slide", "matrix", "plot")


@dataclass(frozen=True, eq=False)
class PlaygroundState:
    """What every pane draws from: the setup, its result, the step, and the status."""

    setup: Setup
    result: Result | None  # None while a worker computes it
    step: int = 0
    error: str = ""
    playing: bool = False
    speed: float = 0.5

    @property
    def size(self) -> int:
        return self.setup.geometry.size


class PlaygroundScreen(TabbedViews, Screen):
    """Edit an input and a kernel, pick the options, watch the kernel slide."""

    VIEWS = VIEWS
    VIEWS_TABS = "views"
    VIEWS_TABS_BEFORE = "#board"
    VIEW_PANES = {"setup": "#setup-column", "slide": "#slide", "matrix": "#matrix", "plot": "#plot"}
    BINDINGS = [
        Binding("right", "next_step", "Step", tooltip="Next step of the slide", key_display="→"),
        Binding(
            "left", "previous_step", "Back", tooltip="Previous step of the slide", key_display="←"
        ),
        Binding("home", "first_step", "First step", show=False),
        Binding("end", "last_step", "Last step", show=False),
        Binding("down", "next_row", "Next row (2-D)", show=False),
        Binding("up", "previous_row", "Previous row (2-D)", show=False),
        Binding("space", "play", "Play", tooltip="Play or pause the slide (+/- for speed)"),
        Binding("plus,equals_sign", "faster", "Play faster", show=False, key_display="+"),
        Binding("minus", "slower", "Play slower", show=False, key_display="-"),
        Binding("g", "goto", "Go to step", show=False),
        Binding("m", "cycle_mode", "Mode", tooltip="Mode: full → valid → same → causal"),
        Binding(
            "f", "toggle_flip", "Flip", tooltip="Convolution (flipped kernel) ↔ cross-correlation"
        ),
        Binding("s", "increase('stride')", "Stride +1", show=False),
        Binding("S", "decrease('stride')", "Stride -1", show=False),
        Binding("d", "increase('dilation')", "Dilation +1", show=False),
        Binding("D", "decrease('dilation')", "Dilation -1", show=False),
        Binding("p", "increase('padding')", "Padding +1", show=False),
        Binding("P", "decrease('padding')", "Padding -1", show=False),
        Binding(
            "c",
            "cycle_convention",
            "Convention",
            tooltip="Library convention: numpy → MATLAB → PyTorch → TensorFlow",
            show=False,
        ),
        Binding("i", "edit('input')", "Edit input", show=False),
        Binding("k", "edit('kernel')", "Edit kernel", show=False),
        Binding("r", "edit('presets')", "Presets list", show=False),
        Binding("n", "next_preset", "Next preset", show=False),
        Binding("1", "view('setup')", "Show setup", show=False),
        Binding("2", "view('slide')", "Show slide", show=False),
        Binding("3", "view('matrix')", "Show matrix", show=False),
        Binding("4", "view('plot')", "Show plot", show=False),
        Binding("escape", "leave_editor", "Leave editor", show=False),
    ]

    AUTO_FOCUS = "#slide"

    setup: reactive[Setup] = reactive(SEED, init=False, always_update=True, repaint=False)
    """The playground's whole state; assign it (or call ``set_setup``) to replace it."""

    state: reactive[PlaygroundState | None] = reactive(
        None, init=False, always_update=True, repaint=False
    )
    """What the panes draw; derived from ``setup``, its result and the step."""

    view: reactive[str] = reactive("slide", init=False)
    """Which pane shows when the terminal is too small for all of them."""

    def __init__(self, setup: Setup | None = None, **kwargs):
        super().__init__(**kwargs)
        self.add_class("view-slide")
        initial = SEED if setup is None else setup
        self._draft = _fields(initial)
        self._preset = 0
        self._timer = None
        self.set_reactive(PlaygroundScreen.setup, initial)

    # -- layout -------------------------------------------------------------

    def compose(self) -> ComposeResult:
        with Horizontal(id="board"):
            with VerticalScroll(id="setup-column"):
                yield Editors(id="editors").data_bind(PlaygroundScreen.state)
                yield ModePanel(id="mode").data_bind(PlaygroundScreen.state)
            with Vertical(id="view-column"):
                yield SlidePane(id="slide").data_bind(PlaygroundScreen.state)
                with Horizontal(id="lower"):
                    yield MatrixPane(id="matrix").data_bind(PlaygroundScreen.state)
                    yield PlotPane(id="plot").data_bind(PlaygroundScreen.state)
        yield KeyFooter()

    def on_mount(self) -> None:
        self._apply(self.setup)

    # -- the setup ----------------------------------------------------------

    def set_setup(self, setup: Setup) -> None:
        """Replace the whole setup (presets, lessons, sessions); editors follow."""
        self._draft = _fields(setup)
        self.setup = setup

    def propose(self, **changes) -> bool:
        """Merge ``changes`` into the draft; apply it if it makes a valid ``Setup``.

        On a ValueError the message shows in the mode panel and the last valid
        setup stays; the draft keeps the change, so a second edit can complete it
        (a 2-D input, then a 2-D kernel).
        """
        self._draft.update(changes)
        try:
            setup = Setup(**self._draft)
        except ValueError as exc:
            self._show_error(str(exc))
            return False
        if setup == self.setup and self.state is not None and not self.state.error:
            return True
        self.setup = setup
        return True

    def watch_setup(self, setup: Setup) -> None:
        if self.is_mounted:
            self._apply(setup)

    def _apply(self, setup: Setup) -> None:
        step = 0 if self.state is None else self.state.step
        step = min(step, max(setup.geometry.size - 1, 0))
        old = self.state
        playing, speed = (False, 0.5) if old is None else (old.playing, old.speed)
        big = setup.input.size * setup.kernel.size > WORKER_THRESHOLD
        try:
            setup.check_size()  # what would exhaust memory is refused, not attempted
            result = None if big else setup.compute()
        except ValueError as exc:
            if old is not None:  # keep the last good setup and say why
                self.set_reactive(PlaygroundScreen.setup, old.setup)
                self._show_error(str(exc))
                return
            raise
        if big:
            self._last_good = old
        self.state = PlaygroundState(setup, result, step, "", playing, speed)
        if big:
            self._compute(setup)
        self.post_message(SetupApplied(setup))

    @work(thread=True, exclusive=True, exit_on_error=False, group="compute")
    def _compute(self, setup: Setup) -> None:
        try:
            result = setup.compute()
        except Exception as exc:  # the memory limit, or a fault: shown, never fatal
            text = str(exc) if isinstance(exc, ValueError) else f"{type(exc).__name__}: {exc}"
            self.app.call_from_thread(self._computation_failed, setup, text)
            return
        self.post_message(ResultReady(setup, result))

    def on_result_ready(self, message: ResultReady) -> None:
        if message.setup is self.setup and self.state is not None:
            self.state = dataclasses.replace(self.state, result=message.result)

    def _computation_failed(self, setup: Setup, text: str) -> None:
        """A worker could not compute ``setup``: go back to the last good state."""
        last = getattr(self, "_last_good", None)
        if setup is self.setup and last is not None:
            self.set_reactive(PlaygroundScreen.setup, last.setup)
            self.state = last
        self._show_error(text)

    def _show_error(self, text: str) -> None:
        if self.state is not None:
            self.state = dataclasses.replace(self.state, error=text)

    def on_setup_change(self, message: SetupChange) -> None:
        message.stop()
        self.propose(**message.changes)

    def on_replace_setup(self, message: ReplaceSetup) -> None:
        message.stop()
        self.set_setup(message.setup)

    def on_step_to(self, message: StepTo) -> None:
        message.stop()
        self.go_to(message.index)

    # -- stepping -----------------------------------------------------------

    @property
    def step(self) -> int:
        """The current output step (flat index in C order)."""
        return 0 if self.state is None else self.state.step

    def go_to(self, index: int) -> None:
        """Show step ``index``, clamped to the output."""
        if self.state is None:
            return
        last = max(self.state.size - 1, 0)
        index = min(max(int(index), 0), last)
        if index != self.state.step:
            self.state = dataclasses.replace(self.state, step=index)

    def action_next_step(self) -> None:
        self.go_to(self.step + 1)

    def action_previous_step(self) -> None:
        self.go_to(self.step - 1)

    def action_first_step(self) -> None:
        self.go_to(0)

    def action_last_step(self) -> None:
        self.go_to(self.state.size - 1 if self.state else 0)

    def _row_length(self) -> int:
        shape = self.setup.geometry.output_shape
        return math.prod(shape[1:]) if len(shape) > 1 else 1

    def action_next_row(self) -> None:
        if self.step + self._row_length() < self.state.size:
            self.go_to(self.step + self._row_length())

    def action_previous_row(self) -> None:
        if self.step - self._row_length() >= 0:
            self.go_to(self.step - self._row_length())

    def action_play(self) -> None:
        if self.state is None:
            return
        playing = not self.state.playing
        if playing and self.step >= self.state.size - 1:
            self.go_to(0)  # play from the start when at the end
        self.state = dataclasses.replace(self.state, playing=playing)
        self._restart_timer()

    def _restart_timer(self) -> None:
        if self._timer is not None:
            self._timer.stop()
            self._timer = None
        if self.state is not None and self.state.playing:
            self._timer = self.set_interval(self.state.speed, self._tick)

    def _tick(self) -> None:
        if self.state is None or self.step >= self.state.size - 1:
            if self.state is not None:
                self.state = dataclasses.replace(self.state, playing=False)
            self._restart_timer()
            return
        self.go_to(self.step + 1)

    def _change_speed(self, faster: bool) -> None:
        if self.state is None:
            return
        i = min(range(len(SPEEDS)), key=lambda j: abs(SPEEDS[j] - self.state.speed))
        i = min(max(i + (1 if faster else -1), 0), len(SPEEDS) - 1)
        self.state = dataclasses.replace(self.state, speed=SPEEDS[i])
        self._restart_timer()

    def action_faster(self) -> None:
        self._change_speed(True)

    def action_slower(self) -> None:
        self._change_speed(False)

    def action_goto(self) -> None:
        from .goto import GotoScreen

        shape = self.setup.geometry.output_shape
        if math.prod(shape) == 0:
            self.notify("The output is empty: there is no step to go to.", severity="warning")
            return

        def done(index: int | None) -> None:
            if index is not None:
                self.go_to(index)

        self.app.push_screen(GotoScreen(shape, self.step), done)

    # -- options ------------------------------------------------------------

    def action_cycle_mode(self) -> None:
        self.action_set_mode(MODES[(MODES.index(self._draft["mode"]) + 1) % len(MODES)])

    def action_set_mode(self, mode: str) -> None:
        self.propose(mode=mode)

    def action_toggle_flip(self) -> None:
        self.propose(flip=not self._draft["flip"])

    def action_set_flip(self, flip: bool) -> None:
        self.propose(flip=bool(flip))

    def action_cycle_convention(self) -> None:
        names = tuple(CONVENTIONS)
        self.action_set_convention(names[(names.index(self._draft["convention"]) + 1) % len(names)])

    def action_set_convention(self, name: str) -> None:
        self.propose(convention=name)

    def _bump(self, name: str, by: int, minimum: int) -> None:
        value = self._draft[name]
        value = value if isinstance(value, int) else max(np.ravel(value).tolist())
        self.propose(**{name: max(value + by, minimum)})

    def action_increase(self, name: str) -> None:
        """One more stride, dilation or padding."""
        self._bump(name, 1, 0 if name == "padding" else 1)

    def action_decrease(self, name: str) -> None:
        """One less stride, dilation or padding (never below what is allowed)."""
        self._bump(name, -1, 0 if name == "padding" else 1)

    # -- focus, views and presets ------------------------------------------

    def action_edit(self, what: str) -> None:
        self._show_view("setup")
        target = {"input": "#input-editor", "kernel": "#kernel-editor", "presets": "#presets"}
        self.query_one(target[what]).focus()

    def action_leave_editor(self) -> None:
        if isinstance(self.focused, Input) or self.view == "setup":
            self._show_view("slide")
        self.query_one("#slide").focus()

    def action_view(self, name: str) -> None:
        self._show_view(name)
        pane = {"setup": "#presets", "slide": "#slide", "matrix": "#matrix", "plot": "#plot"}
        self.query_one(pane[name]).focus()

    def _show_view(self, name: str) -> None:
        if self.has_class("narrow"):
            self.view = name

    def action_next_preset(self) -> None:
        self._preset = (self._preset + 1) % len(PRESETS)
        self.set_setup(PRESETS[self._preset].setup)
        self.notify(f"{PRESETS[self._preset].name}: {PRESETS[self._preset].note}", timeout=3)

    def check_action(self, action: str, parameters: tuple) -> bool | None:
        if action in ("next_row", "previous_row"):
            return self.setup.input.ndim > 1
        return True


def _fields(setup: Setup) -> dict:
    return setup.fields()
