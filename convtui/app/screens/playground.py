"""The playground: one screen, every pane live, one ``PlaygroundState`` as its state.

This screen is the one owner of the playground's state.  Editors, the mode panel,
the lesson panel and the keys post messages (or run actions); each becomes an edit
of :mod:`convtui.app.state`, whose pure ``reduce`` gives the next state; the screen
holds it whole and every pane receives it with ``data_bind``.  Panes never recompute.

Other screens and the app talk to it by message: post it a
:class:`~convtui.app.messages.ReplaceSetup` (through the app, from another screen),
:class:`~convtui.app.messages.OpenLesson` or :class:`~convtui.app.messages.LessonKey`;
it posts :class:`~convtui.app.messages.SetupApplied` up after every new setup.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.reactive import reactive
from textual.screen import Screen
from textual.widgets import Input

from ...engine.geometry import MODES, PADDING_MODES
from ...engine.setup import Setup
from ...presets import PRESETS, SEED
from ..hidden import Hide
from ..messages import (
    LessonEnded,
    LessonKey,
    OpenLesson,
    ReplaceSetup,
    ResultReady,
    SetupApplied,
    SetupChange,
    ShowPane,
    StepTo,
    TrainTask,
)
from ..state import (
    Bump,
    ChangeSpeed,
    Computed,
    ComputeFailed,
    Cycle,
    Edit,
    GoTo,
    MoveRow,
    PlaygroundState,
    Propose,
    Replace,
    Tick,
    TogglePlay,
    ToggleReading,
    ToggleTransposed,
    reduce,
)
from ..widgets.editors import Editors
from ..widgets.footer import KeyFooter
from ..widgets.matrix import MatrixPane
from ..widgets.mode_panel import ModePanel
from ..widgets.plot import PlotPane
from ..widgets.slide import SlidePane
from .views import TabbedViews

if TYPE_CHECKING:  # the panel (and markdown-it) load with the first lesson
    from ..widgets.lesson_panel import LessonPanel

__all__ = ["PlaygroundScreen"]

VIEWS = ("setup", "slide", "matrix", "plot")
PANES = {"slide": "#slide", "matrix": "#matrix", "plot": "#plot"}
SETUP_PANES = ("input", "kernel", "mode")  # shown, not focused: the lesson keys keep working


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
        Binding("m", "cycle('mode')", "Mode", tooltip="Mode: " + " → ".join(MODES)),
        Binding(
            "f", "cycle('flip')", "Flip", tooltip="Convolution (flipped kernel) ↔ cross-correlation"
        ),
        Binding("s", "increase('stride')", "Stride +1", show=False),
        Binding("S", "decrease('stride')", "Stride -1", show=False),
        Binding("d", "increase('dilation')", "Dilation +1", show=False),
        Binding("D", "decrease('dilation')", "Dilation -1", show=False),
        Binding("p", "increase('padding')", "Padding +1", show=False),
        Binding("P", "decrease('padding')", "Padding -1", show=False),
        Binding(
            "b",
            "cycle('padding_mode')",
            "Padding mode",
            tooltip="What fills the padding: " + " → ".join(PADDING_MODES),
            show=False,
        ),
        Binding(
            "u",
            "toggle_transposed",
            "Transposed",
            tooltip="Transposed convolution on/off (mode valid, zeros padding)",
            show=False,
        ),
        Binding("o", "increase('output_padding')", "Output padding +1", show=False),
        Binding("O", "decrease('output_padding')", "Output padding -1", show=False),
        Binding(
            "z",
            "toggle_reading",
            "Scatter ↔ gather",
            tooltip="Step a transposed convolution by input (scatter) or by output (gather)",
            show=False,
        ),
        Binding(
            "M",
            "matrix_transpose",
            "Mᵀ / input gradient",
            tooltip="The matrix pane shows the transpose of M: also the input gradient, "
            "dL/dx = Mᵀ·dL/dy",
            show=False,
        ),
        Binding(
            "c",
            "cycle('convention')",
            "Convention",
            tooltip="Library convention: numpy → MATLAB → PyTorch → TensorFlow",
            show=False,
        ),
        Binding("i", "edit('input')", "Edit input", show=False),
        Binding("k", "edit('kernel')", "Edit kernel", show=False),
        Binding("r", "edit('presets')", "Presets list", show=False),
        Binding("n", "next_preset", "Next preset", show=False),
        Binding(
            "F",
            "open_file",
            "Open a file",
            tooltip="Open a file or a shipped sample as the input or the kernel",
            show=False,
        ),
        Binding(
            "W",
            "save_output",
            "Save output",
            tooltip="Save the output as .npy, .csv, .wav or an image",
            show=False,
        ),
        Binding("1", "view('setup')", "Show setup", show=False),
        Binding("2", "view('slide')", "Show slide", show=False),
        Binding("3", "view('matrix')", "Show matrix", show=False),
        Binding("4", "view('plot')", "Show plot", show=False),
        Binding("escape", "leave_editor", "Leave editor", show=False),
    ]

    AUTO_FOCUS = "#slide"

    state: reactive[PlaygroundState | None] = reactive(
        None, init=False, always_update=True, repaint=False
    )
    """What the panes draw: the setup, its result, the step; replaced whole by each edit."""

    view: reactive[str] = reactive("slide", init=False)
    """Which pane shows when the terminal is too small for all of them."""

    def __init__(self, setup: Setup | None = None, **kwargs):
        super().__init__(**kwargs)
        self.add_class("view-slide")
        self._first = SEED if setup is None else setup
        self._preset = 0
        self._timer = None
        self._lesson_panel: LessonPanel | None = None

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
        self.state = PlaygroundState.start(self._first)
        self.post_message(SetupApplied(self.state.setup))
        if self.state.result is None:
            self._compute(self.state.setup)

    # -- the state ------------------------------------------------------------

    @property
    def setup(self) -> Setup:
        """The setup every pane shows (read-only: post a message to change it)."""
        return self._first if self.state is None else self.state.setup

    @property
    def step(self) -> int:
        """The current output step (flat index in C order)."""
        return 0 if self.state is None else self.state.step

    def _edit(self, edit: Edit) -> None:
        """Replace the state by ``reduce(state, edit)``, then do what the change needs."""
        old = self.state
        if old is None:
            return
        new = reduce(old, edit)
        if new is old:
            return
        self.state = new
        if new.setup is not old.setup:
            self.post_message(SetupApplied(new.setup))
            if new.result is None:
                self._compute(new.setup)
        if (new.playing, new.speed) != (old.playing, old.speed):
            self._restart_timer()

    @work(thread=True, exclusive=True, exit_on_error=False, group="compute")
    def _compute(self, setup: Setup) -> None:
        try:
            result = setup.compute()
        except Exception as exc:  # the memory limit, or a fault: shown, never fatal
            text = str(exc) if isinstance(exc, ValueError) else f"{type(exc).__name__}: {exc}"
            self.app.call_from_thread(self._edit, ComputeFailed(setup, text))
            return
        self.post_message(ResultReady(setup, result))

    def on_result_ready(self, message: ResultReady) -> None:
        message.stop()
        self._edit(Computed(message.setup, message.result))

    def on_setup_change(self, message: SetupChange) -> None:
        message.stop()
        self._edit(Propose(message.changes))

    def on_replace_setup(self, message: ReplaceSetup) -> None:
        message.stop()
        self._edit(Replace(message.setup))

    def on_step_to(self, message: StepTo) -> None:
        message.stop()
        self._edit(GoTo(message.index))

    # -- stepping -----------------------------------------------------------

    def action_next_step(self) -> None:
        self._edit(GoTo(self.step + 1))

    def action_previous_step(self) -> None:
        self._edit(GoTo(self.step - 1))

    def action_first_step(self) -> None:
        self._edit(GoTo(0))

    def action_last_step(self) -> None:
        if self.state is not None:
            self._edit(GoTo(self.state.last_step))

    def action_next_row(self) -> None:
        self._edit(MoveRow(1))

    def action_previous_row(self) -> None:
        self._edit(MoveRow(-1))

    def action_play(self) -> None:
        self._edit(TogglePlay())

    def _restart_timer(self) -> None:
        if self._timer is not None:
            self._timer.stop()
            self._timer = None
        if self.state is not None and self.state.playing:
            self._timer = self.set_interval(self.state.speed, self._tick)

    def _tick(self) -> None:
        self._edit(Tick())

    def action_faster(self) -> None:
        self._edit(ChangeSpeed(1))

    def action_slower(self) -> None:
        self._edit(ChangeSpeed(-1))

    def action_goto(self) -> None:
        from .goto import GotoScreen

        shape = self.state.step_shape if self.state is not None else (0,)
        if self.state is None or self.state.size == 0:
            self.notify("The output is empty: there is no step to go to.", severity="warning")
            return

        def done(index: int | None) -> None:
            if index is not None:
                self._edit(GoTo(index))

        what = "input" if self.state.scattering else "output"
        self.app.push_screen(GotoScreen(shape, self.step, what), done)

    # -- options ------------------------------------------------------------

    def action_cycle(self, name: str) -> None:
        """The next mode, convention, or the other orientation (``flip``)."""
        self._edit(Cycle(name))

    def action_set_mode(self, mode: str) -> None:
        self._edit(Propose({"mode": mode}))

    def action_set_flip(self, flip: bool) -> None:
        self._edit(Propose({"flip": bool(flip)}))

    def action_set_convention(self, name: str) -> None:
        self._edit(Propose({"convention": name}))

    def action_set_padding_mode(self, name: str) -> None:
        self._edit(Propose({"padding_mode": name}))

    def action_toggle_transposed(self) -> None:
        """Transposed convolution on (mode valid, zeros padding) or off."""
        self._edit(ToggleTransposed())

    def action_toggle_reading(self) -> None:
        """Step a transposed convolution by input (scatter) or by output (gather)."""
        if not self.setup.transposed:
            self.notify(
                "Scatter and gather are the two readings of a transposed convolution: "
                "press u to turn it on.",
                timeout=4,
            )
            return
        self._edit(ToggleReading())

    def action_increase(self, name: str) -> None:
        """One more stride, dilation, padding or output padding."""
        self._edit(Bump(name, 1))

    def action_decrease(self, name: str) -> None:
        """One less stride, dilation, padding or output padding (never below what is allowed)."""
        self._edit(Bump(name, -1))

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
        pane = {"setup": "#presets", **PANES}
        self.query_one(pane[name]).focus()

    def help_more(self) -> str:
        """What the help screen adds below the keys: the kernels a name gives."""
        from ...engine.kernels import kernel_help

        return kernel_help() + "\nA name works in the kernel editor (k) and in --kernel."

    def action_matrix_transpose(self) -> None:
        """Show the matrix pane with the transpose of its matrix (or back to M)."""
        self.action_view("matrix")
        self.query_one(MatrixPane).action_toggle_other()

    def _show_view(self, name: str) -> None:
        if self.has_class("narrow"):
            self.view = name

    def on_show_pane(self, message: ShowPane) -> None:
        """A lesson page's pane: shown (and focused, unless it is the setup column)."""
        message.stop()
        if message.pane in SETUP_PANES:
            self._show_view("setup")
        elif message.pane in PANES:
            self._show_view(message.pane)
            self.query_one(PANES[message.pane]).focus()

    def action_next_preset(self) -> None:
        self._preset = (self._preset + 1) % len(PRESETS)
        preset = PRESETS[self._preset]
        self._edit(Replace(preset.setup))
        self.notify(f"{preset.name}: {preset.note}", timeout=3)

    def action_open_file(self) -> None:
        """A file, or a shipped sample, as the input or the kernel (a dialog)."""
        from .open_file import OpenFileScreen

        def shown(note: str | None) -> None:
            if note:  # what was opened, and any downsampling or cropping: never silent
                self.notify(note, title="Opened", timeout=8)

        self.app.push_screen(OpenFileScreen(self.setup, self._propose_or_refuse), shown)

    def _propose_or_refuse(self, changes: dict) -> str:
        """Show ``changes`` if the engine accepts them; else the reason, nothing changed."""
        old = self.state
        if old is None:
            return "the playground is still starting"
        try:
            setup = old.setup.replace(**changes)
        except ValueError as exc:
            return str(exc)
        self._edit(Replace(setup))
        if self.state.setup is not setup:  # refused: back to the state as it was
            refused, self.state = self.state.error, old
            return refused
        return ""

    def action_save_output(self) -> None:
        """The output to a file (a dialog); the image scale, if any, is shown."""
        from .save_output import SaveOutputScreen

        if self.state is None or self.state.result is None:
            self.notify("The output is still being computed: save it in a moment.")
            return

        def saved(line: str | None) -> None:
            if line:
                self.notify(line, title="Saved", timeout=8)

        self.app.push_screen(SaveOutputScreen(self.state.result.output), saved)

    def check_action(self, action: str, parameters: tuple) -> bool | None:
        if action in ("next_row", "previous_row"):
            return self.setup.input.ndim > 1
        return True

    # -- the lesson panel ----------------------------------------------------

    @property
    def lesson_panel(self) -> LessonPanel | None:
        """The lesson panel, once a lesson has been opened (then only ever hidden)."""
        return self._lesson_panel

    def on_open_lesson(self, message: OpenLesson) -> None:
        message.stop()
        panel = self._lesson_panel
        if panel is None:
            from ..widgets.lesson_panel import LessonPanel

            # beside the panes, inside the board, so the footer keeps the full width
            panel = LessonPanel(message.lesson, message.progress, message.page)
            self._lesson_panel = panel.data_bind(PlaygroundScreen.state)
            self.query_one("#board").mount(panel)
        else:
            panel.display = True
            panel.open(message.lesson, message.page)

    def on_lesson_panel_hide_answer(self, message) -> None:
        """The lesson's open exercise asks for these output cells: the panes show "?"."""
        message.stop()
        self._edit(Hide(message.hidden))

    def on_lesson_key(self, message: LessonKey) -> None:
        """A lesson key from the app: the panel turns, answers, hints, or hides."""
        message.stop()
        panel, what = self._lesson_panel, message.what
        if panel is None:
            return
        if what == "toggle":
            panel.display = not panel.display
        elif what == "train":  # the training pane opens; a hidden panel stays hidden
            task = panel.page.train
            if task is None:
                self.notify("This page has no training task; t opens the training pane.")
            else:
                self.post_message(TrainTask(task))
        else:
            panel.display = True
            if what == "next":
                if not panel.next_page():
                    self.post_message(LessonEnded(panel.lesson.number))
            elif what == "previous":
                panel.previous_page()
            elif what == "restore":
                panel.restore()
            elif what == "answer":
                panel.focus_answer()
            elif what == "hint":
                panel.show_hint()
            elif what == "worked":
                panel.show_worked()
            elif what in ("scroll_down", "scroll_up"):
                panel.scroll_text(1 if what == "scroll_down" else -1)
