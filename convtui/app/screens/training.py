"""The training pane: learn a kernel by gradient descent, live, and see tied weights.

One :class:`~convtui.app.trainer.TrainingRun` at a time.  Training runs in a
thread worker, :func:`~convtui.app.trainer.pace`, which makes updates at the chosen
speed and reports at most 20 times a second; the screen then hands a
:class:`~convtui.app.trainer.Snapshot` (a copy) down to its panes (loss curve,
kernel bars, tied weights).  Pause and one step take the run's lock, so they land
between two updates; reset and every change of option start a new run.

The playground's setup arrives as the app heard it (``app.playground_setup``), and
a learned kernel goes back as a :class:`~convtui.app.messages.ReplaceSetup` posted
up to the app; a lesson's task arrives as a :class:`~convtui.app.messages.TrainTask`.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.message import Message
from textual.reactive import reactive
from textual.screen import Screen
from textual.widget import Widget
from textual.worker import get_current_worker

from ...engine.geometry import MODES
from ...engine.setup import Setup
from ...engine.tasks import TASKS
from ...engine.train import ACTIVATIONS, OPTIMIZERS
from ..formatting import array_text, number
from ..messages import ReplaceSetup, TrainTask
from ..trainer import (
    PLAYGROUND,
    SPEEDS,
    TASK_NAMES,
    Problem,
    Snapshot,
    TrainConfig,
    TrainingRun,
    pace,
    tied_view,
)
from ..widgets.footer import KeyFooter
from ..widgets.training_kernel import KernelBars
from ..widgets.training_plot import LossPlot
from ..widgets.training_tied import TiedWeights
from .views import TabbedViews

__all__ = ["HELP_INTRO", "TrainingProgress", "TrainingScreen"]

VIEWS = ("loss", "kernel", "tied")
HELP_INTRO = """\
convtui training: learn a kernel by gradient descent, and see where each weight's
gradient comes from. The model is y = activation(conv(x, w) + bias) and the loss is
the mean squared error against a target made by a hidden kernel.
  Loss    the loss after every update, on a log scale
  Kernel  each learned weight (bar) against the kernel that made the target (◆)
  Tied    a kernel weight is shared by every output position (the weights are
          tied), so its gradient is a sum of one term per position: the loss
          gradient there times the input the weight met. The pane adds them up
          and shows the engine's gradient beside the sum: they are equal. In a
          transposed convolution (the upsample task) a weight carries each input
          to one output: the terms are Mᵀ's, zero where it meets a stuffed zero.
The playground's padding mode and transposed options train as they are set there.
Changing an option (task, mode, flip, kernel size, activation, optimizer, learning
rate) starts over from update 0. If the loss blows up, the learning rate is too
high: lower it with -.
"""
SUMMARIES = {
    PLAYGROUND: "The target is x through w; training starts from a random kernel to find w."
}


@dataclass
class TrainingProgress(Message):
    """The worker made updates on ``run`` (or stopped: ``error`` says why if it failed)."""

    run: TrainingRun
    error: str = ""

    def can_replace(self, message: Message) -> bool:
        return isinstance(message, TrainingProgress) and not message.error and not self.error


class TrainingStatus(Widget):
    """The task, the model's options with their keys, and where the run stands.

    A fixed five lines, so a new status repaints this widget only (no new layout).
    """

    DEFAULT_CSS = """
    TrainingStatus { height: 5; padding: 0 1; }
    """

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.content = Content("")

    def update(self, content: Content) -> None:
        self.content = content
        self.refresh()

    def render(self) -> Content:
        return self.content


class TrainingScreen(TabbedViews, Screen):
    """Train a kernel with backprop and watch each shared weight sum its gradient."""

    VIEWS = VIEWS
    VIEWS_TABS = "train-views"
    VIEWS_TABS_BEFORE = "#train-board"
    VIEWS_TABS_FOCUS = False  # the arrow keys choose a weight; 1 2 3 (or a click) a view
    VIEW_PANES = {"loss": "#loss", "kernel": "#bars", "tied": "#tied"}
    BINDINGS = [
        Binding("space", "start_pause", "Start/Pause", tooltip="Start or pause training"),
        Binding("s", "one_step", "One step", tooltip="Make exactly one update"),
        Binding("r", "reset", "Reset", tooltip="Back to the starting kernel (update 0)"),
        Binding(
            "t,escape",
            "app.switch_mode('playground')",
            "Playground",
            tooltip="Back to the playground (training goes on behind it)",
            key_display="t",
        ),
        Binding(
            "u", "use_kernel", "Use kernel", tooltip="Use the learned kernel in the playground"
        ),
        Binding("n", "task(1)", "Next task", tooltip="Next task (the playground's kernel first)"),
        Binding("N", "task(-1)", "Previous task", show=False),
        Binding("minus", "rate(-1)", "Lower the learning rate", show=False, key_display="-"),
        Binding(
            "plus,equals_sign", "rate(1)", "Raise the learning rate", show=False, key_display="+"
        ),
        Binding("o", "cycle('optimizer')", "Optimizer", show=False, tooltip=" → ".join(OPTIMIZERS)),
        Binding(
            "v",
            "cycle('activation')",
            "Activation",
            show=False,
            tooltip=" → ".join(ACTIVATIONS),
        ),
        Binding("m", "cycle('mode')", "Mode", show=False, tooltip=" → ".join(MODES)),
        Binding("f", "flip", "Flip", show=False, tooltip="Convolution ↔ cross-correlation"),
        Binding("k", "resize(1)", "Bigger kernel", show=False),
        Binding("K", "resize(-1)", "Smaller kernel", show=False),
        Binding("right", "weight(1)", "Next weight", show=False, key_display="→"),
        Binding("left", "weight(-1)", "Previous weight", show=False, key_display="←"),
        Binding("down", "weight_row(1)", "Weight below (2-D)", show=False, key_display="↓"),
        Binding("up", "weight_row(-1)", "Weight above (2-D)", show=False, key_display="↑"),
        Binding("X", "example", "Next example", show=False),
        Binding("greater_than_sign", "speed(1)", "Train faster", show=False, key_display=">"),
        Binding("less_than_sign", "speed(-1)", "Train slower", show=False, key_display="<"),
        Binding("1", "view('loss')", "Show the loss", show=False),
        Binding("2", "view('kernel')", "Show the kernel", show=False),
        Binding("3", "view('tied')", "Show the tied weights", show=False),
    ]

    AUTO_FOCUS = None
    HELP_INTRO = HELP_INTRO  # the help screen's first paragraph

    DEFAULT_CSS = """
    TrainingScreen #train-views { display: none; }
    TrainingScreen #train-board { height: 1fr; }
    TrainingScreen #train-left { width: 1fr; }
    TrainingScreen LossPlot { height: 1fr; min-height: 8; border: round $primary 50%; }
    TrainingScreen KernelBars { border: round $primary 50%; padding: 0 1; }
    TrainingScreen TiedWeights { width: 64; border: round $primary 50%; padding: 0 1; }
    TrainingScreen.narrow #train-views { display: block; }
    TrainingScreen.narrow LossPlot, TrainingScreen.narrow KernelBars,
    TrainingScreen.narrow TiedWeights { display: none; width: 1fr; height: 1fr; }
    TrainingScreen.narrow.view-loss LossPlot { display: block; }
    TrainingScreen.narrow.view-kernel KernelBars { display: block; }
    TrainingScreen.narrow.view-kernel #train-left { height: 1fr; }
    TrainingScreen.narrow.view-tied TiedWeights { display: block; }
    TrainingScreen.narrow.view-tied #train-left { display: none; }
    """

    snapshot: reactive[Snapshot | None] = reactive(
        None, init=False, always_update=True, repaint=False
    )
    """What the panes draw: the run, its latest state and the selections."""

    view: reactive[str] = reactive("loss", init=False)
    """Which pane shows when the terminal is too small for all of them."""

    def __init__(self, task: str = PLAYGROUND, **kwargs):
        super().__init__(**kwargs)
        self.add_class("view-loss")
        self.task_name = task
        self.run: TrainingRun | None = None
        self.config: TrainConfig | None = None
        self.weight = 0
        self.example = 0
        self.speed = 100
        self.goal = 0
        self.note = ""

    def compose(self) -> ComposeResult:
        yield TrainingStatus(id="train-status")
        with Horizontal(id="train-board"):
            with Vertical(id="train-left"):
                yield LossPlot(id="loss").data_bind(TrainingScreen.snapshot)
                yield KernelBars(id="bars").data_bind(TrainingScreen.snapshot)
            yield TiedWeights(id="tied").data_bind(TrainingScreen.snapshot)
        yield KeyFooter()

    def on_mount(self) -> None:
        self.choose_task(self.task_name)

    def on_screen_resume(self) -> None:
        # the playground may have changed while we were away
        run = self.run
        if self.task_name == PLAYGROUND and run is not None and not run.running:
            source = run.problem.source
            current = self._playground_setup()
            if current is not None and source is not None and not current == source:
                if run.step == 0:
                    self.choose_task(PLAYGROUND)
                else:
                    self.note = "The playground changed: r starts over with its kernel."
        self._publish()

    # -- building runs --------------------------------------------------------

    def _playground_setup(self) -> Setup | None:
        """The playground's setup, as the app last heard it (None in an app without one)."""
        return getattr(self.app, "playground_setup", None)

    def on_train_task(self, message: TrainTask) -> None:
        message.stop()
        self.choose_task(message.task)

    def choose_task(self, task: str) -> bool:
        """Switch to ``task`` (a preset name or ``"playground"``) with its own settings.

        A task that cannot be trained on (say the playground's output is empty) shows
        why and keeps the current run.
        """
        what = "Cannot learn the playground's kernel" if task == PLAYGROUND else f"Task {task!r}"
        try:
            if task == PLAYGROUND:
                setup = self._playground_setup()
                if setup is None:
                    raise ValueError("the playground has not started yet")
                problem = Problem.from_setup(setup)
            else:
                problem = Problem.from_task(task)
        except ValueError as exc:
            self._refuse(f"{what}: {exc}")
            return False
        if not self._start_over(problem, TrainConfig.for_problem(problem), what):
            return False
        self.task_name = task
        return True

    def configure(self, **changes) -> bool:
        """Change the model's options (``lr=0.5``, ``optimizer="sgd"`` ...); starts over.

        Options ``train_kernel`` refuses show their reason and keep the last run.
        """
        if self.run is None or self.config is None:
            return False
        return self._start_over(self.run.problem, replace(self.config, **changes))

    def _start_over(self, problem: Problem, config: TrainConfig, what: str = "") -> bool:
        try:
            run = TrainingRun(problem, config)
        except ValueError as exc:
            self._refuse(f"{what}: {exc}" if what else str(exc))
            return False
        self._stop()
        self.run, self.config = run, config
        size = run.state.kernel.size
        self.weight = min(self.weight, size - 1)
        self.example %= len(problem.x)
        self.note = ""
        self.goal = config.steps
        self._publish()
        return True

    def _refuse(self, text: str) -> None:
        self.note = f"✗ {text}"
        self._publish()

    # -- the worker -------------------------------------------------------------

    def _stop(self) -> None:
        if self.run is not None:
            self.run.set_running(False)
        self.workers.cancel_group(self, "training")

    @work(thread=True, exclusive=True, group="training", exit_on_error=False)
    def _train(self, run: TrainingRun, goal: int) -> None:
        worker = get_current_worker()

        def report() -> None:
            if self.is_current:  # behind the playground the UI is left alone
                self.post_message(TrainingProgress(run))

        pace(
            run,
            goal,
            speed=lambda: self.speed,
            report=report,
            cancelled=lambda: worker.is_cancelled,
        )
        self.post_message(TrainingProgress(run, run.error))

    def on_training_progress(self, message: TrainingProgress) -> None:
        message.stop()
        # behind the playground nothing is drawn: catch up when the pane shows again
        if message.run is self.run and self.is_current:
            self._publish()

    # -- actions ---------------------------------------------------------------

    def action_start_pause(self) -> None:
        run = self.run
        if run is None:
            return
        if run.running:
            run.set_running(False)
            self._publish()
            return
        if run.finished:
            self.notify(self._finished_text(run), severity="warning")
            return
        steps = self.config.steps
        self.goal = steps * (run.step // steps + 1)  # the next multiple of the task's steps
        run.set_running(True)
        self.note = ""
        self._train(run, self.goal)
        self._publish()

    def action_one_step(self) -> None:
        if self.run is None:
            return
        self.run.set_running(False)
        self.note = ""
        if self.run.advance(1) == 0 and self.run.finished:
            self.notify(self._finished_text(self.run), severity="warning")
        self._publish()

    def action_reset(self) -> None:
        if self.task_name == PLAYGROUND:
            self.choose_task(PLAYGROUND)  # re-reads the playground
        elif self.run is not None:
            self._start_over(self.run.problem, self.config)

    def action_task(self, by: int) -> None:
        names = TASK_NAMES
        start = names.index(self.task_name)
        for step in range(1, len(names)):  # past any task that cannot be trained on now
            if self.choose_task(names[(start + by * step) % len(names)]):
                return

    def _change(self, config: TrainConfig, what: str) -> None:
        if self._start_over(self.run.problem, config, what):
            self.note = f"{what}: starting over from update 0."
            self._publish()

    def action_cycle(self, name: str) -> None:
        if self.config is not None:
            config = self.config.cycle(name)
            self._change(config, f"{name} {getattr(config, name)}")

    def action_flip(self) -> None:
        if self.config is not None:
            flip = not self.config.flip
            what = "convolution (flipped kernel)" if flip else "cross-correlation (no flip)"
            self._change(replace(self.config, flip=flip), what)

    def action_rate(self, by: int) -> None:
        if self.config is not None:
            config = self.config.rate(by)
            self._change(config, f"learning rate {number(config.lr)}")

    def action_resize(self, by: int) -> None:
        if self.config is not None:
            config = self.config.resize(by)
            self._change(config, f"kernel {'×'.join(map(str, config.kernel_shape))}")

    def action_weight(self, by: int) -> None:
        if self.run is not None:
            self.weight = (self.weight + by) % self.run.state.kernel.size
            self._publish()

    def action_weight_row(self, by: int) -> None:
        if self.run is not None and self.run.state.kernel.ndim == 2:
            self.action_weight(by * self.run.state.kernel.shape[1])

    def action_example(self) -> None:
        if self.run is not None:
            self.example = (self.example + 1) % len(self.run.problem.x)
            self._publish()

    def action_speed(self, by: int) -> None:
        i = min(max(SPEEDS.index(self.speed) + by, 0), len(SPEEDS) - 1)
        self.speed = SPEEDS[i]
        self._publish()

    def action_view(self, name: str) -> None:
        if self.has_class("narrow"):
            self.view = name

    def action_use_kernel(self) -> None:
        """Put the learned kernel (rounded to 4 decimals) into the playground."""
        run = self.run
        if run is None or run.diverged:
            why = "nothing has been trained" if run is None else "the run diverged"
            self.notify(f"There is no kernel to use: {why}.", severity="error")
            return
        kernel = run.state.kernel.round(4) + 0.0  # + 0.0 turns -0.0 into 0.0
        # the kernel goes with the mode and orientation it was trained for
        changes = {"kernel": kernel, "mode": self.config.mode, "flip": self.config.flip}
        if run.problem.source is None:  # a task: show the kernel on the task's first example
            plain = {"stride": 1, "dilation": 1, "padding": 0, "convention": "numpy"}
            plain |= {"padding_mode": "zeros", "transposed": False, "output_padding": 0}
            changes.update(input=run.problem.x[0].round(3), **{**plain, **run.problem.geometry})
        base = run.problem.source or self._playground_setup()
        try:
            if base is None:
                raise ValueError("there is no playground")
            setup = base.replace(**changes)
        except ValueError as exc:
            self.notify(f"The playground refused the kernel: {exc}", severity="error")
            return
        self.post_message(ReplaceSetup(setup))  # the app shows the playground with it
        self.notify(f"The playground's kernel is now the learned one: {array_text(kernel)}")

    # -- drawing -----------------------------------------------------------------

    def _publish(self) -> None:
        """Hand a fresh snapshot to the panes and rewrite the status lines."""
        run = self.run
        if run is None:
            self.query_one(TrainingStatus).update(Content(self.note))
            return
        snapshot = Snapshot.take(run, weight=self.weight, example=self.example, speed=self.speed)
        try:
            tied = tied_view(run, snapshot.state, self.weight, self.example)
        except (ValueError, FloatingPointError) as exc:
            tied, self.note = None, f"✗ {exc}"
        self.snapshot = replace(snapshot, tied=tied, note=self.note)
        self.query_one(TrainingStatus).update(self._status(run, snapshot.state, snapshot.running))

    def _finished_text(self, run: TrainingRun) -> str:
        if run.diverged:
            return (
                f"The loss blew up: learning rate {number(self.config.lr)} is too high; "
                "press - to lower it."
            )
        if run.error:
            return f"Training stopped: {run.error}"
        return "This run has made all the updates it can; r starts over."

    def _status(self, run: TrainingRun, state, running: bool) -> Content:
        """Five lines of at most 78 characters: task, model (two), progress, a note."""
        c, problem = self.config, run.problem
        title = problem.title
        if problem.name == PLAYGROUND:
            hidden, x = _short(array_text(problem.hidden)), _short(array_text(problem.x[0]))
            title = f"Find the playground's kernel w = {hidden} from x = {x}"
        conv = "convolution" if c.flip else "cross-correlation"
        shape = "×".join(map(str, c.kernel_shape))
        speed = f"{self.speed}/s" if self.speed else "max"
        if run.diverged or run.error:
            where = ("✗ diverged" if run.diverged else "✗ stopped", "bold $error")
        elif running:
            where = ("● training", "bold $success")
        elif state.step and state.step >= self.goal:
            where = ("✓ done", "bold $success")  # space makes as many updates again
        else:
            where = ("‖ paused" if state.step else "■ ready", "bold")

        def option(text: str, keys: str, end: str = " · ") -> list:
            return [text, (f" {keys}", "dim"), end]

        geometry = problem.geometry
        # a transposed convolution is always mode valid (m is refused): say what it is instead
        mode = (
            ["transposed", " · "] if geometry.get("transposed") else option(f"mode {c.mode}", "m")
        )
        padding_mode = geometry.get("padding_mode", "zeros")
        filled = [f" · {padding_mode} padding"] if padding_mode != "zeros" else []

        parts = [
            ("Task  ", "bold $accent"),
            (title, "bold"),
            ("  n\n", "dim"),
            ("Model ", "bold $accent"),
            *option(conv, "f"),
            *mode,
            *option(f"kernel {shape}", "k/K"),
            *option(c.activation, "v", "\n      "),
            *option(c.optimizer, "o"),
            *option(f"learning rate {number(c.lr)}", "-/+"),
            *option(f"speed {speed}", "</>", ""),
            *filled,
            "\n",
            where,
            f"  update {state.step:,} of {max(self.goal, state.step):,}  ·  loss ",
            (_loss(state.loss), "bold"),
            "\n",
        ]
        if run.diverged or run.error:
            parts.append((self._finished_text(run), "$error"))
        elif self.note.startswith("✗"):
            parts.append((self.note, "$error"))
        elif not run.determined:  # training "finishes" all the same, on some kernel
            parts.append(
                (
                    f"The data cannot determine the kernel: {run.unknowns} unknowns, "
                    f"only {run.rank} independent outputs.",
                    "$warning",
                )
            )
        elif self.note:
            parts.append((self.note, "$warning"))
        else:
            parts.append((SUMMARIES.get(problem.name) or TASKS[problem.name].summary, "dim"))
        return Content.assemble(*parts)


def _short(text: str, limit: int = 16) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _loss(value: float) -> str:
    return f"{value:.4g}" if value == value and abs(value) != float("inf") else str(value)
