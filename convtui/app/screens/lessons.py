"""The lessons in the app: the lesson list, and the app's lesson keys.

:class:`LessonListScreen` lists the course with the learner's progress.
:class:`LessonActions` is mixed into the App: it loads the course and the
progress file just after the first frame (in a thread; :mod:`convtui.lessons` is
imported there too, so start-up waits for neither), or at once when a lesson key
needs them first.  It owns the lesson keys (they work from every pane of the
playground but the text boxes) and tells the playground by message: it opens a
lesson with :class:`~convtui.app.messages.OpenLesson` (the playground shows it in
its :class:`~convtui.app.widgets.lesson_panel.LessonPanel`) and passes each key on
as a :class:`~convtui.app.messages.LessonKey`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, OptionList, Static
from textual.widgets.option_list import Option

from ..messages import LessonEnded, LessonKey, OpenLesson, TrainTask
from ..workarounds import SafeOptionList
from .playground import PlaygroundScreen

if TYPE_CHECKING:  # the lessons package, the panel and markdown-it load on first use
    from ...lessons import Lesson, Progress

__all__ = ["LESSON_BINDINGS", "LessonActions", "LessonListScreen"]

LESSON_BINDINGS = [
    Binding("l", "lessons", "Lessons", tooltip="Open the list of lessons"),
    Binding("right_square_bracket", "lesson('next')", "Next page", key_display="]"),
    Binding(
        "left_square_bracket", "lesson('previous')", "Previous page", key_display="[", show=False
    ),
    Binding("a", "lesson('answer')", "Answer", tooltip="Type the answer to the exercise"),
    Binding("h", "lesson('hint')", "Hint", show=False),
    Binding("w", "lesson('worked')", "Worked steps", show=False),
    Binding("R", "lesson('restore')", "Restore the page's setup", show=False),
    Binding("L", "lesson('toggle')", "Hide or show the lesson", show=False),
    Binding("T", "lesson('train')", "Train this page's task", show=False),
    Binding("pagedown", "lesson('scroll_down')", "Scroll the lesson text down", show=False),
    Binding("pageup", "lesson('scroll_up')", "Scroll the lesson text up", show=False),
]


class LessonListScreen(ModalScreen[int | None]):
    """Pick a lesson: number, title, pages and how far the learner got."""

    DEFAULT_CSS = """
    LessonListScreen { align: center middle; }
    LessonListScreen > Vertical {
        width: 76; max-width: 100%; height: auto; max-height: 90%;
        border: round $accent; background: $surface; padding: 0 1;
    }
    LessonListScreen #lesson-list { height: auto; max-height: 16; }
    LessonListScreen #lesson-summary { color: $text-muted; height: 3; }
    """

    BINDINGS = [Binding("escape,l", "close", "Close")]

    def __init__(self, course: tuple[Lesson, ...], progress: Progress, current: int | None):
        super().__init__()
        self.course = course
        self.progress = progress
        self.current = current
        self._answered = False

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static("[b]Lessons[/b]  ↑↓ choose · Enter open · Esc close")
            yield SafeOptionList(
                *(self._option(lesson) for lesson in self.course), id="lesson-list"
            )
            yield Static("", id="lesson-summary")

    def _solved(self, lesson: Lesson) -> int:
        return len(self.progress.solved(lesson.number) & {e.id for e in lesson.exercises})

    def _option(self, lesson: Lesson) -> Option:
        mark = "[green]✓[/]" if self.progress.is_done(lesson) else " "
        count = f"[dim]{self._solved(lesson)}/{len(lesson.exercises)} solved[/]"
        return Option(
            f"{mark} {lesson.number:2d}. {lesson.title:<42} {count}", id=str(lesson.number)
        )

    def on_mount(self) -> None:
        options = self.query_one(OptionList)
        numbers = [lesson.number for lesson in self.course]
        if self.current in numbers:
            options.highlighted = numbers.index(self.current)
        else:
            first_open = next(
                (i for i, lesson in enumerate(self.course) if not self.progress.is_done(lesson)), 0
            )
            options.highlighted = first_open
        options.focus()

    @on(OptionList.OptionHighlighted)
    def _highlighted(self, event: OptionList.OptionHighlighted) -> None:
        lesson = next(x for x in self.course if str(x.number) == event.option.id)
        pages, exercises = len(lesson.pages), len(lesson.exercises)
        self.query_one("#lesson-summary", Static).update(
            f"{lesson.summary}\n[dim]{pages} pages, {exercises} exercises[/]"
        )

    @on(OptionList.OptionSelected)
    def _selected(self, event: OptionList.OptionSelected) -> None:
        self._close(int(event.option.id))

    def action_close(self) -> None:
        self._close(None)

    def _close(self, number: int | None) -> None:
        # Keys typed fast can select twice before the screen is gone, or reach it
        # while another screen is going up above it: answer once, and only on top
        # (dismiss pops whatever screen is on top).
        if not self._answered and self.app.screen is self:
            self._answered = True
            self.dismiss(number)


class LessonActions:
    """Mixed into the App: the course, the progress file, and the lesson keys."""

    lesson_course: tuple[Lesson, ...] | None = None
    lesson_progress: Progress | None = None
    lesson_number: int | None = None
    """The lesson the playground shows (or hides), once one has been opened."""

    def on_mount(self) -> None:
        self.call_after_refresh(self._load_lessons)  # after the first frame
        number = self.options.get("lesson")
        if number is not None:
            self.call_after_refresh(self.open_lesson, int(number))

    @work(thread=True, exclusive=True, exit_on_error=False, group="lessons")
    def _load_lessons(self) -> None:
        self.call_from_thread(self._lessons_ready, *self._read_lessons())

    def _read_lessons(self):
        from ...lessons import LessonError, Progress, load_course

        try:
            course, error = load_course(), None
        except LessonError as exc:
            course, error = (), f"A lesson file is broken, so the lessons are off: {exc}"
        return course, Progress.load(), error

    def _lessons_ready(self, course, progress, error) -> None:
        if self.lesson_course is not None:
            return  # already loaded on demand
        self.lesson_course, self.lesson_progress = course, progress
        if error:
            self.notify(error, severity="error", timeout=10)
        if progress.warning:
            self.notify(progress.warning, severity="warning", timeout=10)

    def _ensure_lessons(self) -> tuple[Lesson, ...]:
        if self.lesson_course is None:
            self._lessons_ready(*self._read_lessons())
        return self.lesson_course

    def open_lesson(self, number: int, page: int | None = None) -> bool:
        """Open lesson ``number`` beside the playground (at the page last read)."""
        course = self._ensure_lessons()
        lesson = next((x for x in course if x.number == number), None)
        if lesson is None:
            self.notify(f"There is no lesson {number}.", severity="error")
            return False
        if page is None:
            last = self.lesson_progress.last_page(number)
            page = 1 if last >= len(lesson.pages) else last  # a finished lesson starts over
        self.lesson_number = number
        self.tell_playground(OpenLesson(lesson, self.lesson_progress, page))
        return True

    def action_lessons(self) -> None:
        if any(isinstance(screen, LessonListScreen) for screen in self.screen_stack):
            return
        course = self._ensure_lessons()
        if not course:
            self.notify("No lessons could be loaded.", severity="error")
            return

        def chosen(number: int | None) -> None:
            if number is not None:
                self.open_lesson(number)

        self.push_screen(LessonListScreen(course, self.lesson_progress, self.lesson_number), chosen)

    def action_lesson(self, what: str) -> None:
        if self.lesson_number is not None:
            self.tell_playground(LessonKey(what))

    def on_lesson_ended(self, message: LessonEnded) -> None:
        """Past the last page: the next lesson, or the list after the last one."""
        message.stop()
        later = [x.number for x in self.lesson_course or () if x.number > message.number]
        if later:
            self.open_lesson(later[0], 1)
        else:
            self.notify("That was the last lesson. Press l for the list.")

    def on_train_task(self, message: TrainTask) -> None:
        """Open the training pane on a lesson page's task (``train:`` in the lesson file)."""
        message.stop()
        try:
            self.switch_mode("training")
        except Exception:  # an app built without the training pane
            self.notify("The training pane is not available here.", severity="warning")
            return
        self.get_screen_stack("training")[0].post_message(TrainTask(message.task))

    def check_action(self, action: str, parameters: tuple) -> bool | None:
        if action == "lesson":
            if isinstance(self.focused, Input):
                return False  # typing an answer never turns a page
            # a lesson is open and the playground is up (no dialog above it)
            return self.lesson_number is not None and isinstance(self.screen, PlaygroundScreen)
        return super().check_action(action, parameters)
