"""The training pane's model: one run of ``train_kernel`` to start, pause, step and reset.

No Textual here: the screen runs :func:`pace` in a worker thread, which drives a
:class:`TrainingRun` at the learner's speed, and draws a :class:`Snapshot` (a copy
of what the run holds at one moment).  A run learns a kernel for a :class:`Problem`, which is a task
preset (``convtui.engine.tasks``) or the playground's own setup, where the
playground's kernel is the hidden target:

>>> problem = Problem.from_setup(Setup([1, 2, 3, 4], [5, 6, 7]))
>>> config = TrainConfig.for_problem(problem)
>>> run = TrainingRun(problem, config)
>>> run.step, run.advance(10), run.step
(0, 10, 10)
>>> run.loss < run.losses[0]
True
"""

from __future__ import annotations

import math
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, replace

import numpy as np

from ..engine.geometry import MODES, plan
from ..engine.setup import Setup
from ..engine.tasks import GEOMETRY, TASKS, make_task
from ..engine.train import ACTIVATIONS, OPTIMIZERS, TrainState, forward, tap_table, train_kernel

__all__ = [
    "LEARNING_RATES",
    "PLAYGROUND",
    "SPEEDS",
    "Snapshot",
    "Problem",
    "TiedView",
    "TrainConfig",
    "TrainingRun",
    "pace",
    "tied_view",
]

PLAYGROUND = "playground"
"""The task name for "learn the playground's kernel from the playground's input"."""

TASK_NAMES = (PLAYGROUND, *TASKS)
LEARNING_RATES = tuple(m * 10.0**e for e in range(-4, 2) for m in (1, 2, 5))[:-1]  # 1e-4 .. 20
SPEEDS = (10, 30, 100, 300, 1000, 0)  # updates per second while training; 0: flat out
MAX_KERNEL = 9  # per axis
CAP = 100_000  # updates a run can make before it stops for good
REPORT_EVERY = 0.05  # seconds between progress reports: at most 20 redraws a second
WAKE_EVERY = 0.02  # seconds the pacing loop sleeps when it is ahead of the chosen speed


@dataclass(frozen=True, eq=False)
class Problem:
    """Inputs, a hidden kernel (and bias) that made the target, and the fixed options.

    ``x`` is a batch (one more leading axis than the kernel); ``options`` holds
    the geometry the target was made with (stride, dilation, padding, padding mode,
    convention, transposed, output padding) and the task's defaults (mode, flip,
    bias, optimizer, lr, steps).
    """

    name: str
    title: str
    x: np.ndarray
    hidden: np.ndarray
    hidden_bias: float
    options: dict
    source: Setup | None = None  # the playground setup it came from

    @classmethod
    def from_task(cls, name: str, seed: int = 0) -> Problem:
        data = make_task(name, seed)
        return cls(name, TASKS[name].title, data.x, data.true_kernel, data.true_bias, data.options)

    @classmethod
    def from_setup(cls, setup: Setup) -> Problem:
        """The playground's input and kernel (real numbers only) as a one-example problem."""
        for what, values in (("input", setup.input), ("kernel", setup.kernel)):
            if np.asarray(values).dtype.kind not in "biuf":
                raise ValueError(f"training needs real numbers, and the playground's {what} is not")
        options = {
            "mode": setup.mode,
            "flip": setup.flip,
            "bias": False,
            "optimizer": "adam",
            "lr": 0.1,
            "steps": 1000,
            **{k: getattr(setup, k) for k in GEOMETRY},
        }
        x = np.asarray(setup.input, dtype=np.float64)[None]
        kernel = np.asarray(setup.kernel, dtype=np.float64)
        return cls(PLAYGROUND, "Learn the playground's kernel", x, kernel, 0.0, options, setup)

    @property
    def geometry(self) -> dict:
        return {k: self.options[k] for k in GEOMETRY if k in self.options}


@dataclass(frozen=True)
class TrainConfig:
    """The learner's choices; changing any of them starts a new run."""

    activation: str = "identity"
    optimizer: str = "adam"
    lr: float = 0.01
    kernel_shape: tuple[int, ...] = (5,)
    mode: str = "valid"
    flip: bool = False
    steps: int = 1000  # a run pauses after this many updates (start again to go on)
    seed: int = 0

    @classmethod
    def for_problem(cls, problem: Problem) -> TrainConfig:
        """The task's own settings, with a kernel of the hidden kernel's shape."""
        o = problem.options
        optimizer = o.get("optimizer", "adam")
        return cls(
            optimizer=optimizer,
            lr=float(o.get("lr") or OPTIMIZERS[optimizer].default_lr),
            kernel_shape=problem.hidden.shape,
            mode=o.get("mode", "valid"),
            flip=bool(o.get("flip", False)),
            steps=int(o.get("steps", 1000)),
        )

    def cycle(self, name: str, by: int = 1) -> TrainConfig:
        """The next activation, optimizer or mode (a new optimizer brings its own rate)."""
        options = {"activation": tuple(ACTIVATIONS), "optimizer": tuple(OPTIMIZERS)}
        options["mode"] = MODES
        values = options[name]
        value = values[(values.index(getattr(self, name)) + by) % len(values)]
        if name == "optimizer":
            return replace(self, optimizer=value, lr=OPTIMIZERS[value].default_lr)
        return replace(self, **{name: value})

    def rate(self, by: int) -> TrainConfig:
        """One notch up or down the 1-2-5 ladder of learning rates."""
        i = min(
            range(len(LEARNING_RATES)), key=lambda j: abs(math.log(LEARNING_RATES[j] / self.lr))
        )
        i = min(max(i + by, 0), len(LEARNING_RATES) - 1)
        return replace(self, lr=LEARNING_RATES[i])

    def resize(self, by: int) -> TrainConfig:
        """One more (or one fewer) weight along every axis of the kernel."""
        shape = tuple(min(max(n + by, 1), MAX_KERNEL) for n in self.kernel_shape)
        return replace(self, kernel_shape=shape)


def _equations(problem: Problem, config: TrainConfig, bias: bool) -> tuple[int, int]:
    """The unknowns (weights, and the bias) and the rank of the outputs' equations in them.

    Output ``i`` of example ``n`` is ``Σⱼ w[j]·rows[j, n, i] (+ bias)``: one linear
    equation per output (before the activation), whose coefficients are the input
    values each weight meets (the engine's tap table).
    """
    x = np.asarray(problem.x, dtype=np.float64)
    g = plan(x.shape[1:], config.kernel_shape, config.mode, flip=config.flip, **problem.geometry)
    rows = tap_table(x, g).reshape(math.prod(config.kernel_shape), -1)
    if bias:
        rows = np.vstack([rows, np.ones(rows.shape[1])])
    return len(rows), int(np.linalg.matrix_rank(rows))


def fit_kernel(kernel: np.ndarray, shape: tuple[int, ...]) -> np.ndarray:
    """``kernel`` centred in ``shape``: zero-padded when larger, its middle when smaller.

    >>> fit_kernel(np.array([1.0, 2.0, 3.0]), (5,))
    array([0., 1., 2., 3., 0.])
    >>> fit_kernel(np.array([1.0, 2.0, 3.0, 4.0, 5.0]), (3,))
    array([2., 3., 4.])
    """
    out = np.zeros(shape)
    source, target = [], []
    for old, new in zip(kernel.shape, shape):
        if new >= old:
            start = (new - old) // 2
            source.append(slice(None))
            target.append(slice(start, start + old))
        else:
            start = (old - new) // 2
            source.append(slice(start, start + new))
            target.append(slice(None))
    out[tuple(target)] = kernel[tuple(source)]
    return out


class TrainingRun:
    """One training run: the problem's data, the states so far, and a lock.

    The target is made by the hidden kernel, fitted to the learner's kernel shape
    (and mirrored when the learner's flip differs from the data's), under the
    learner's mode and activation, so :attr:`target_kernel` is always a kernel the
    model can reach.  Raises ValueError for a setup ``train_kernel`` refuses.
    """

    def __init__(self, problem: Problem, config: TrainConfig):
        self.problem, self.config = problem, config
        fitted = fit_kernel(problem.hidden, config.kernel_shape)
        if config.flip != bool(problem.options.get("flip", False)):
            fitted = np.flip(fitted)
        self.target_kernel = fitted
        self.bias = bool(problem.options.get("bias", True))
        self.target_bias = problem.hidden_bias if self.bias else 0.0
        self.lock = threading.Lock()
        self.running = False
        self.error = ""
        self.target = self.forward(fitted, self.target_bias)[1]
        self._states = train_kernel(
            problem.x,
            self.target,
            config.kernel_shape,
            mode=config.mode,
            flip=config.flip,
            activation=config.activation,
            bias=self.bias,
            optimizer=config.optimizer,
            lr=config.lr,
            steps=CAP,
            seed=config.seed,
            **problem.geometry,
        )
        self.state: TrainState = next(self._states)
        self.losses: list[float] = [self.state.loss]
        self.finished = self.state.diverged
        self.unknowns, self.rank = _equations(problem, config, self.bias)

    @property
    def determined(self) -> bool:
        """Whether the data pin the kernel down: as many independent outputs as unknowns.

        With fewer (a valid convolution with more weights than outputs, or an input
        that is zero where a weight would read), many kernels give the very same
        outputs, and training finds one of them, not necessarily the hidden one.

        >>> problem = Problem.from_setup(Setup([1, 2, 3, 4], [5, 6, 7], "valid"))
        >>> run = TrainingRun(problem, TrainConfig.for_problem(problem))
        >>> run.unknowns, run.rank, run.determined
        (3, 2, False)
        """
        return self.rank == self.unknowns

    def forward(self, kernel, bias: float) -> tuple[np.ndarray, np.ndarray]:
        """The model on every example: ``(z, y)``, before and after the activation."""
        c = self.config
        return forward(
            self.problem.x,
            kernel,
            bias,
            mode=c.mode,
            flip=c.flip,
            activation=c.activation,
            **self.problem.geometry,
        )

    # -- progress (called from the worker thread, or the UI when paused) ----

    @property
    def step(self) -> int:
        return self.state.step

    @property
    def loss(self) -> float:
        return self.state.loss

    @property
    def diverged(self) -> bool:
        return self.state.diverged

    def advance(self, count: int = 1, *, only_while_running: bool = False) -> int:
        """Make up to ``count`` updates; how many were made.

        With ``only_while_running`` it makes none once :attr:`running` is False, so
        a pause takes effect between two updates, never in the middle of one.
        """
        made = 0
        with self.lock:
            for _ in range(count):
                if self.finished or (only_while_running and not self.running):
                    break
                state = next(self._states, None)
                if state is None:
                    self.finished = True
                    break
                self.state = state
                self.losses.append(state.loss)
                made += 1
                if state.diverged:
                    self.finished = True
        return made

    def set_running(self, running: bool) -> None:
        with self.lock:
            self.running = running and not self.finished


@dataclass(frozen=True, eq=False)
class TiedView:
    """One weight's gradient as a sum of its terms, one per output position.

    ``terms[i] = grad_output[i] * inputs[i]`` for the chosen example; ``example_sum``
    adds them, ``total`` adds every example's, and ``engine`` is the gradient the
    engine reported for that weight (they agree).  In a transposed convolution
    (``transposed``) the weight carries ``x[j]`` to output ``j*stride + tap*dilation
    - padding``, once per input (its entries in Mᵀ), and meets a stuffed zero at the
    other outputs (``padded`` there).
    """

    weight: tuple[int, ...]
    example: int
    examples: int
    output_shape: tuple[int, ...]
    grad_output: np.ndarray  # dL/dz at each position of the example (before the bias)
    inputs: np.ndarray  # the input value the weight met at each position (0 on padding)
    padded: np.ndarray  # True where the weight sat on a cell the padding (or stuffing) added
    padding_mode: str  # what fills those cells: "zeros", or copies of the input
    terms: np.ndarray
    example_sum: float
    total: float
    engine: float
    scale: float  # the size rounding errors are measured against (see ``agrees``)
    transposed: bool = False

    @property
    def agrees(self) -> bool:
        """The sum equals the engine's gradient up to rounding.

        Both add the same products in a different order, and near a perfect fit each
        loss gradient is a difference of two nearly equal numbers (output minus
        target), so rounding is relative to ``scale``: the sum of the sizes of
        those outputs and targets times the inputs, not to the tiny gradient.
        """
        return abs(self.total - self.engine) <= 1e-9 * self.scale + 1e-300


def tied_view(run: TrainingRun, state: TrainState, weight: int, example: int = 0) -> TiedView:
    """The tied-weights picture for weight ``weight`` (flat index) at ``state``.

    Each term is the loss gradient at an output, ``2/count · (y - target) ·
    activation'(z)``, times the input the weight met there (the terms of the engine's
    :func:`~convtui.gradient_terms`), read from the tap table training itself uses
    (:func:`~convtui.engine.train.tap_table`, which a transposed convolution has too).

    >>> run = TrainingRun(Problem.from_setup(Setup([1, 2, 3, 4], [5, 6, 7])), TrainConfig(
    ...     kernel_shape=(3,), mode="full", flip=True, lr=0.1))
    >>> view = tied_view(run, run.state, 0)
    >>> bool(np.isclose(view.total, run.state.grad_kernel[0])), view.agrees
    (True, True)
    """
    config, problem = run.config, run.problem
    derivative = ACTIVATIONS[config.activation][1]
    z, y = run.forward(state.kernel, state.bias if run.bias else 0.0)
    with np.errstate(all="ignore"):
        back = (y - run.target) * (2.0 / run.target.size)
        if derivative is not None:
            back = back * derivative(z, y)
    options = dict(mode=config.mode, flip=config.flip, **problem.geometry)
    shape = config.kernel_shape
    g = plan(problem.x.shape[1:], shape, **options)
    x = np.asarray(problem.x, dtype=np.float64)
    met = tap_table(x, g)[weight]  # (examples, outputs): the input the weight met at each
    columns = back.reshape(len(x), -1) * met
    sizes = (np.abs(y) + np.abs(run.target)) * (2.0 / run.target.size)
    scale = float((sizes.reshape(len(x), -1) * np.abs(met)).sum())
    example = example % len(problem.x)
    inputs = met[example]
    terms = columns[example]
    if g.transposed:  # no input reaches these outputs through this weight
        padded = tap_table(np.ones_like(x[:1]), g)[weight, 0] == 0
    else:
        tap = int(np.flatnonzero(g.kernel_index() == weight)[0])  # in the oriented kernel
        padded = g.on_padding()[:, tap]
    return TiedView(
        weight=tuple(int(i) for i in np.unravel_index(weight, shape)),
        example=example,
        examples=len(problem.x),
        output_shape=back.shape[1:],
        grad_output=back[example].ravel(),
        inputs=inputs,
        padded=padded,
        padding_mode=g.padding_mode,
        terms=terms,
        example_sum=float(terms.sum()),
        total=float(sum(column.sum() for column in columns)),
        engine=float(state.grad_kernel.flat[weight]),
        scale=scale if math.isfinite(scale) else math.inf,
        transposed=g.transposed,
    )


@dataclass(frozen=True, eq=False)
class Snapshot:
    """What the training pane draws at one moment; the screen hands it down.

    Made by :meth:`take`, under the run's lock: ``losses`` is a copy of the run's
    losses at that moment, so the worker thread can go on training while the panes
    draw it.
    """

    run: TrainingRun
    state: TrainState
    losses: tuple[float, ...]
    running: bool = False
    weight: int = 0
    example: int = 0
    speed: int = 300
    tied: TiedView | None = None
    note: str = ""

    @classmethod
    def take(cls, run: TrainingRun, **choices) -> Snapshot:
        """The run as it stands now (``choices``: weight, example, speed, note)."""
        with run.lock:
            state, losses, running = run.state, tuple(run.losses), run.running
        return cls(run, state, losses, running, **choices)

    @property
    def count(self) -> int:
        """How many losses there are: one per update, and the start's."""
        return len(self.losses)


def pace(
    run: TrainingRun,
    goal: int,
    *,
    speed: Callable[[], int],
    report: Callable[[], None],
    cancelled: Callable[[], bool] = lambda: False,
    clock: Callable[[], float] = time.perf_counter,
    sleep: Callable[[float], None] = time.sleep,
) -> None:
    """Train ``run`` up to update ``goal`` at ``speed()`` updates a second (0: flat out).

    Meant for a worker thread: it stops when ``cancelled()``, when the run is paused
    (:meth:`TrainingRun.set_running`), finished or at ``goal``, and calls ``report()``
    at most every :data:`REPORT_EVERY` seconds.  A change of speed takes effect at
    once, measured from then.  An error while training is kept in ``run.error``;
    either way the run is not running when this returns.

    >>> problem = Problem.from_setup(Setup([1, 2, 3, 4], [5, 6, 7]))
    >>> run = TrainingRun(problem, TrainConfig.for_problem(problem))
    >>> run.set_running(True)
    >>> pace(run, 120, speed=lambda: 0, report=lambda: None)
    >>> run.step, run.running
    (120, False)
    """
    started, made, current = clock(), 0, None
    last_report = -math.inf
    try:
        while not cancelled() and run.running and run.step < goal:
            now = clock()
            if speed() != current:  # measure from here when the speed changes
                current, started, made = speed(), now, 0
            if current:
                due = int((now - started) * current) - made
                if due <= 0:
                    sleep(WAKE_EVERY)  # a few updates at a time, not one per wake-up
                    continue
                batch = min(due, goal - run.step, 500)
            else:
                batch = min(50, goal - run.step)
            made += run.advance(batch, only_while_running=True)
            if run.finished:
                break
            if now - last_report >= REPORT_EVERY:
                last_report = now
                report()
            sleep(0)  # let the UI thread in between batches
    except Exception as exc:  # shown in the pane; the app keeps running
        run.error = f"{type(exc).__name__}: {exc}"
    run.set_running(False)
