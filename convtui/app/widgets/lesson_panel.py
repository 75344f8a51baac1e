"""The lesson beside the live playground: the page's text, its exercises, an answer box.

The playground screen mounts the panel beside its panes and hands it the
playground's state with ``data_bind``.  The panel changes the playground only by
posting messages up: turning to a page posts ``ReplaceSetup``, ``StepTo`` and
``ShowPane`` (the pane the page is about); the learner keeps playing, and a key
puts the page's setup back.  Answers are graded by :func:`convtui.lessons.grade`;
the panel only shows what it says.

While an exercise asks for an output value, the panel posts
:class:`LessonPanel.HideAnswer` so that the panes show "?" for it (see
:mod:`convtui.app.hidden`) until it is answered or its worked steps are shown.
"""

from __future__ import annotations

import statistics
import time

import numpy as np
from textual import on, work
from textual.app import ComposeResult
from textual.containers import Vertical, VerticalScroll
from textual.message import Message
from textual.reactive import reactive
from textual.widgets import Input, Markdown, Static

from ...engine.conv import apply, choose_method
from ...engine.setup import Setup
from ...lessons import Exercise, Lesson, Page, Progress, grade
from ...lessons.grader import parse_index
from ..hidden import Hidden
from ..messages import ReplaceSetup, ShowPane, StepTo

__all__ = ["LessonPanel"]

# The panes a solved page sends the keyboard back to (the answer box has it until then).
FOCUS_PANES = ("slide", "matrix", "plot")
KEYS_LINE = "[ ] page   a answer   h hint\nw worked   R reset    L hide"
MEASURE_LIMIT = 50_000_000  # input × kernel elements above which the direct slide is skipped


class LessonPanel(Vertical):
    """One lesson: page text, exercises and feedback, beside the playground."""

    SCOPED_CSS = False  # one rule reads the playground's narrow class
    DEFAULT_CSS = """
    LessonPanel {
        width: 30%;
        min-width: 36;
        max-width: 60;
        height: 1fr;
        border-left: vkey $accent 50%;
        padding: 0 1;
        background: $surface;
    }
    LessonPanel #lesson-title { text-style: bold; color: $accent; }
    LessonPanel #lesson-page { color: $text-muted; }
    LessonPanel #lesson-body { height: 1fr; scrollbar-size-vertical: 1; }
    LessonPanel #lesson-text { margin: 0; padding: 0; }
    LessonPanel #lesson-measure { color: $warning; }
    LessonPanel #lesson-train { color: $warning; text-style: bold; }
    LessonPanel #lesson-exercises { margin-top: 1; }
    LessonPanel #lesson-answer { margin: 0; }
    LessonPanel #lesson-feedback { max-height: 9; }
    LessonPanel #lesson-feedback.-right { color: $success; }
    LessonPanel #lesson-feedback.-wrong { color: $warning; }
    LessonPanel #lesson-keys { color: $text-muted; }
    LessonPanel .-empty { display: none; }
    PlaygroundScreen.narrow LessonPanel { width: 1fr; border-left: none; }
    """

    state = reactive(None, init=False, always_update=True, repaint=False)
    """The playground's state (bound by the screen): the setup exercises are asked about."""

    class HideAnswer(Message):
        """Hide these output cells on the panes (None: hide nothing); the playground's
        owner puts it in its state (:class:`convtui.app.hidden.Hide`)."""

        def __init__(self, hidden: Hidden | None) -> None:
            super().__init__()
            self.hidden = hidden

    def __init__(self, lesson: Lesson, progress: Progress, page: int = 1, **kwargs):
        super().__init__(id="lesson-panel", **kwargs)
        self.lesson = lesson
        self.progress = progress
        self.page_number = min(max(page, 1), len(lesson.pages))
        self._wrong: dict[str, int] = {}
        self._measured: Setup | None = None

    def compose(self) -> ComposeResult:
        yield Static("", id="lesson-title")
        yield Static("", id="lesson-page")
        with VerticalScroll(id="lesson-body"):
            yield Markdown("", id="lesson-text")
        yield Static("", id="lesson-measure", classes="-empty")
        yield Static("", id="lesson-train", classes="-empty")
        yield Static("", id="lesson-exercises")
        yield Input(placeholder="your answer, then Enter", id="lesson-answer")
        yield Static("", id="lesson-feedback", classes="-empty")
        yield Static(KEYS_LINE, id="lesson-keys", markup=False)

    def on_mount(self) -> None:
        self.show_page(self.page_number)

    def watch_state(self, state) -> None:
        """A page that times the methods times each new playground setup."""
        if state is None or state.setup is self._measured:
            return
        self._measured = state.setup
        if self.page.measure:
            self._measure(state.setup)

    @property
    def playground_setup(self) -> Setup:
        """What the playground shows now (the page's setup until the state arrives)."""
        return self.page.setup if self.state is None else self.state.setup

    # -- pages ---------------------------------------------------------------

    @property
    def page(self) -> Page:
        return self.lesson.pages[self.page_number - 1]

    def open(self, lesson: Lesson, page: int = 1) -> None:
        """Show another lesson in this panel."""
        self.lesson = lesson
        self._wrong.clear()
        self.show_page(min(max(page, 1), len(lesson.pages)))

    def show_page(self, number: int) -> None:
        """Turn to page ``number`` and set the playground as the page says."""
        self.page_number = number
        page = self.page
        self.query_one("#lesson-title", Static).update(
            f"Lesson {self.lesson.number} · {self.lesson.title}"
        )
        self.query_one("#lesson-page", Static).update(
            f"Page {number} of {len(self.lesson.pages)} · {page.title}"
        )
        self.query_one("#lesson-text", Markdown).update(page.text)
        self.query_one("#lesson-body", VerticalScroll).scroll_home(animate=False)
        self._feedback("")
        self.query_one("#lesson-answer", Input).value = ""
        self.restore()
        self._show_exercises()
        self._hide_answer()
        self._measure_or_hide()
        train = self.query_one("#lesson-train", Static)
        train.set_class(page.train is None, "-empty")
        train.update(f"Press T to train the task “{page.train}” (t comes back here).")
        self.progress.see(self.lesson.number, number)
        self._save()

    def next_page(self) -> bool:
        """Turn forward; False on the last page."""
        if self.page_number >= len(self.lesson.pages):
            return False
        self.show_page(self.page_number + 1)
        return True

    def previous_page(self) -> bool:
        if self.page_number <= 1:
            return False
        self.show_page(self.page_number - 1)
        return True

    def restore(self) -> None:
        """Ask the playground for the page's setup, step and pane again."""
        page = self.page
        self.post_message(ReplaceSetup(page.setup))
        if page.step is not None:
            self.post_message(StepTo(page.step % page.setup.geometry.size))
        if page.focus:
            self.post_message(ShowPane(page.focus))

    # -- exercises -----------------------------------------------------------

    @property
    def exercise(self) -> Exercise | None:
        """The exercise the answer box is for: the page's first unsolved one."""
        exercises = self.page.exercises
        if not exercises:
            return None
        solved = self.progress.solved(self.lesson.number)
        return next((e for e in exercises if e.id not in solved), exercises[-1])

    def _show_exercises(self) -> None:
        exercises = self.page.exercises
        box = self.query_one("#lesson-answer", Input)
        listing = self.query_one("#lesson-exercises", Static)
        box.display = bool(exercises)
        if not exercises:
            listing.update("[dim]No exercise on this page: play with the panes, then press ].[/]")
            return
        solved = self.progress.solved(self.lesson.number)
        current = self.exercise
        lines = []
        for n, e in enumerate(exercises, 1):
            mark = "[green]✓[/]" if e.id in solved else ("▸" if e is current else " ")
            lines.append(f"{mark} [b]Exercise {n}[/b]: {_escape(e.prompt)}")
        listing.update("\n".join(lines))
        if current is not None and current.kind == "task":
            box.placeholder = "a kernel, or Enter to check the playground"
        else:
            box.placeholder = "your answer, then Enter"

    def _hide_answer(self) -> None:
        """Tell the panes what the open exercise asks for, so that they show "?"."""
        exercise = self.exercise
        if exercise is not None and exercise.id in self._solved():
            exercise = None
        self.post_message(self.HideAnswer(None if exercise is None else hidden_for(exercise)))

    def _setup_for(self, exercise: Exercise) -> Setup:
        return self.playground_setup if exercise.on_playground else exercise.setup

    @on(Input.Submitted, "#lesson-answer")
    def _submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.answer(event.value)

    def answer(self, text: str) -> None:
        """Grade ``text`` for the current exercise and say what the engine found."""
        exercise = self.exercise
        if exercise is None:
            return
        if not text.strip() and not exercise.on_playground:
            self._feedback("Type an answer first, then press Enter.", "wrong")
            return
        result = grade(exercise, text, self._setup_for(exercise))
        if result.correct:
            self.progress.solve(self.lesson.number, exercise.id)
            self._save()
            if result.setup is not None and exercise.kind in ("kernel", "task"):
                if result.setup != self.playground_setup:
                    self.post_message(ReplaceSetup(result.setup))
            self.query_one("#lesson-answer", Input).value = ""
            self._show_exercises()
            self._hide_answer()
            if self.exercise.id not in self._solved():
                after = "Now the next exercise."
            else:
                # Leave the answer box, so that ] turns the page instead of typing "]".
                pane = self.page.focus if self.page.focus in FOCUS_PANES else "slide"
                self.post_message(ShowPane(pane))
                last = self.page_number == len(self.lesson.pages)
                after = (
                    "That was the last page: ] opens the next lesson."
                    if last
                    else "Press ] for the next page."
                )
            self._feedback(f"✓ {result.message} {after}", "right")
            return
        self.query_one("#lesson-answer", Input).select_all()
        tries = self._wrong[exercise.key] = self._wrong.get(exercise.key, 0) + 1
        lines = [result.message]
        if tries == 1:
            lines.append(f"Hint: {result.hint}")
        else:
            lines.append("Press w to see the worked steps, or h for the hint again.")
        if not exercise.on_playground and self.playground_setup != exercise.setup:
            lines.append("(The question is about the page's setup: R puts it back.)")
        self._feedback("\n".join(lines), "wrong")

    def _solved(self) -> set[str]:
        return self.progress.solved(self.lesson.number)

    def show_hint(self) -> None:
        exercise = self.exercise
        if exercise is None:
            self._feedback("This page has no exercise.")
            return
        self._feedback("Hint: " + grade(exercise, "", self._setup_for(exercise)).hint)

    def show_worked(self) -> None:
        exercise = self.exercise
        if exercise is None:
            self._feedback("This page has no exercise.")
            return
        worked = grade(exercise, "", self._setup_for(exercise)).worked
        self._feedback("Worked steps:\n" + worked)
        self.post_message(self.HideAnswer(None))  # revealed: the panes may show it too

    def scroll_text(self, pages: int) -> None:
        """Scroll the page's text (for short terminals)."""
        body = self.query_one("#lesson-body", VerticalScroll)
        if pages > 0:
            body.scroll_page_down(animate=False)
        else:
            body.scroll_page_up(animate=False)

    def focus_answer(self) -> None:
        box = self.query_one("#lesson-answer", Input)
        if box.display:
            box.focus()
        else:
            self._feedback("This page has no exercise: press ] for the next page.")

    # -- feedback, keys, timing ---------------------------------------------

    def _feedback(self, text: str, tone: str = "") -> None:
        widget = self.query_one("#lesson-feedback", Static)
        widget.update(_escape(text))
        widget.set_class(not text, "-empty")
        widget.set_class(tone == "right", "-right")
        widget.set_class(tone == "wrong", "-wrong")

    def _save(self) -> None:
        problem = self.progress.save()
        if problem:
            self.app.notify(problem, severity="warning", timeout=6)

    def _measure_or_hide(self) -> None:
        widget = self.query_one("#lesson-measure", Static)
        widget.set_class(not self.page.measure, "-empty")
        if self.page.measure:
            widget.update("Timing the direct slide against the FFT …")
            self._measure(self.page.setup)

    @work(thread=True, exclusive=True, exit_on_error=False, group="lesson-measure")
    def _measure(self, setup: Setup) -> None:
        text = _timings(setup)
        self.app.call_from_thread(self.query_one("#lesson-measure", Static).update, text)


# choose_method's names that need words for a learner ("direct" and "fft" say it already)
PICKED = {"overlap_save": "fft in blocks (overlap-save)"}


def _timings(setup: Setup) -> str:
    """Medians of a few runs of each method on ``setup``, as one line."""
    times = {}
    for method in ("direct", "fft"):
        if method == "direct" and setup.input.size * setup.kernel.size > MEASURE_LIMIT:
            continue
        samples = []
        for _ in range(5):
            start = time.perf_counter()
            apply(setup.input, setup.kernel, setup.spec, method)
            samples.append(time.perf_counter() - start)
        times[method] = statistics.median(samples)
    picked = choose_method(setup.input, setup.kernel, flip=setup.flip, **setup.options())
    parts = [f"{m} {t * 1e3:.2f} ms" for m, t in times.items()]
    line = "Measured now: " + ", ".join(parts)
    if len(times) == 2:
        ratio = times["direct"] / max(times["fft"], 1e-9)
        line += (
            f" (FFT {ratio:.1f}× faster)" if ratio >= 1 else f" (direct {1 / ratio:.1f}× faster)"
        )
    return f"{line}; the engine would pick {PICKED.get(picked, picked)}."


def hidden_for(exercise: Exercise) -> Hidden | None:
    """The output cell an exercise asks for, on its own setup (None: it asks for none).

    A value through a bias or an activation is not an output cell: the panes may
    show ``y[i]``, which the learner needs to compute it.
    """
    params = exercise.params
    if exercise.kind != "value" or "bias" in params or "activation" in params:
        return None
    setup = exercise.setup
    index = parse_index(params["index"], setup.input.ndim)
    flat = int(np.ravel_multi_index(index, setup.geometry.output_shape))
    return Hidden(setup, frozenset({flat}))


def _escape(text: str) -> str:
    return text.replace("[", r"\[")
