"""The lessons in the app, driven by the keyboard under Pilot."""

from __future__ import annotations

import numpy as np
import pytest

from convtui.app import make_app
from convtui.app.screens.lessons import LessonListScreen
from convtui.cli import main
from convtui.commands.app_flags import app_options
from convtui.commands.args import UsageError
from convtui.lessons import Progress, expected_answer, load_course
from tests.app.helpers import playground, until

SIZE = (140, 42)


@pytest.fixture(autouse=True)
def data_dir(monkeypatch, tmp_path):
    monkeypatch.setenv("CONVTUI_DATA_DIR", str(tmp_path))
    return tmp_path


def answer_text(exercise) -> str:
    """What a learner who knows the answer types (computed, not stored)."""
    answer = expected_answer(exercise)
    if exercise.kind == "length":
        return "x".join(str(v) for v in answer)
    if exercise.kind in ("kernel", "task"):
        return ", ".join(f"{v:g}" for v in np.ravel(answer))
    return f"{float(np.real(answer)):g}"


def feedback(app) -> str:
    return str(playground(app).lesson_panel.query_one("#lesson-feedback").render())


async def type_answer(pilot, text: str) -> None:
    await pilot.press("a")
    await pilot.pause()
    await pilot.press("ctrl+u", *text, "enter")
    await pilot.pause()


@pytest.mark.parametrize("number", [1, 4])
async def test_walk_a_whole_lesson_by_keyboard(number, data_dir):
    lesson = load_course()[number - 1]
    app = make_app(lesson=number)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        panel = playground(app).lesson_panel
        for page in lesson.pages:
            assert panel.page_number == page.number
            assert playground(app).setup == page.setup  # the page set the playground
            if page.step is not None:
                assert playground(app).step == page.step
            for exercise in page.exercises:
                if exercise is page.exercises[0]:  # one wrong try first: the hint appears
                    await type_answer(pilot, "999")
                    assert "Hint:" in feedback(app)
                await type_answer(pilot, answer_text(exercise))
                assert feedback(app).startswith("✓"), feedback(app)
            await pilot.press("right_square_bracket")
            await pilot.pause()
        assert (
            playground(app).lesson_panel.lesson.number == number + 1
        )  # ] on the last page: next lesson
    saved = Progress.load(data_dir / "progress.json")
    assert saved.is_done(lesson) and saved.warning is None


async def test_the_task_is_graded_on_the_live_playground():
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert app.open_lesson(4, 7)
        await pilot.pause()
        assert playground(app).lesson_panel.exercise.kind == "task"
        await type_answer(pilot, "")  # kernel 0, 1, 0 copies: not yet shifted
        assert "✓" not in feedback(app) and "0, 1, 2, 3" in feedback(app)
        await pilot.press("escape", "k")  # edit the playground's kernel
        await pilot.press("ctrl+u", *"0, 0, 1", "escape")
        await pilot.pause()
        assert playground(app).setup.kernel.tolist() == [0, 0, 1]
        await type_answer(pilot, "")
        assert feedback(app).startswith("✓ Right: the output is the input shifted right")


async def test_restore_hint_and_worked_steps():
    app = make_app(lesson=3)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        page = playground(app).lesson_panel.page
        await pilot.press("m", "f")  # change the mode and the flip
        assert playground(app).setup != page.setup
        await type_answer(pilot, "5")  # wrong, and the playground is not the page's
        assert "R puts it back" in feedback(app)
        await pilot.press("escape", "R")
        await pilot.pause()
        assert playground(app).setup == page.setup
        await pilot.press("w")
        assert "= floor((10 + 0 + 0 - 1·(3-1) - 1) / 1) + 1 = 8" in feedback(app)
        await pilot.press("h")
        assert feedback(app).startswith("Hint:")
        await pilot.press("left_square_bracket")  # on page 1 already: stays
        assert playground(app).lesson_panel.page_number == 1


async def test_the_lesson_list_shows_progress_and_opens_a_lesson(data_dir):
    progress = Progress.load(data_dir / "progress.json")
    lesson = load_course()[1]
    for page in lesson.pages:
        progress.see(2, page.number)
    for exercise in lesson.exercises:
        progress.solve(2, exercise.id)
    progress.save()
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert playground(app).lesson_panel is None
        await pilot.press("l")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, LessonListScreen)
        options = screen.query_one("#lesson-list")
        assert "✓" in str(options.get_option_at_index(1).prompt)
        assert "✓" not in str(options.get_option_at_index(0).prompt)
        assert options.highlighted == 0  # the first lesson not yet done
        await pilot.press("down", "down", "enter")
        await pilot.pause()
        assert playground(app).lesson_panel.lesson.number == 3
        assert playground(app).setup.compute().output.tolist() == [38, 56]  # np.correlate


async def test_a_corrupt_progress_file_is_reported_not_fatal(data_dir):
    (data_dir / "progress.json").write_text("{oops")
    app = make_app(lesson=1)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.pause(0.2)
        messages = [n.message for n in app._notifications]
        assert any("unreadable" in m for m in messages), messages
        assert playground(app).lesson_panel.lesson.number == 1
    assert any(p.name.startswith("progress.json.corrupt-") for p in data_dir.iterdir())


async def test_narrow_terminal_and_hiding_the_lesson():
    app = make_app(lesson=8)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        panel = playground(app).lesson_panel
        assert panel.region.width >= 38  # shares the width with the playground's view
        await pilot.press("L")
        assert not panel.display
        await pilot.press("right_square_bracket")  # turning a page shows it again
        assert panel.display and panel.page_number == 2


def test_lesson_flag():
    assert app_options(["--lesson", "3"])["lesson"] == 3
    with pytest.raises(UsageError, match="--lesson must be one of 1..15"):
        app_options(["--lesson", "16"])
    assert main(["--lesson", "x"]) == 2


async def test_T_opens_the_training_pane_on_the_page_task():
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        app.open_lesson(9, 4)
        await pilot.pause()
        assert "“shift”" in str(playground(app).lesson_panel.query_one("#lesson-train").render())
        await pilot.press("T")
        await pilot.pause(0.2)
        if app.current_mode == "training":
            # the task's hidden kernel: the target is the input delayed by one sample
            assert app.screen.run.problem.hidden.tolist() == [1.0, 0.0, 0.0]
            await pilot.press("a")  # lesson keys are off outside the playground
            assert playground(app).lesson_panel.query_one("#lesson-answer") is not app.focused
            await pilot.press("t")
            await pilot.pause()
        else:  # an app without the training pane says so
            assert any("not available" in n.message for n in app._notifications)


async def test_a_lesson_hidden_with_L_stays_hidden_after_T_then_t():
    app = make_app(lesson=9)
    async with app.run_test(size=SIZE) as pilot:
        await until(lambda: playground(app).lesson_panel is not None)
        app.open_lesson(9, 4)  # the page with a training task
        panel = playground(app).lesson_panel
        await until(lambda: panel.page_number == 4)
        await pilot.press("L")
        assert not panel.display
        await pilot.press("T")
        await until(lambda: app.current_mode == "training")
        await pilot.press("t")
        await until(lambda: app.current_mode == "playground")
        assert not panel.display  # T once showed the panel again on its way out
        await pilot.press("L")
        assert panel.display
        assert app.current_mode == "playground" and playground(app).lesson_panel.page_number == 4


def panel_words(app) -> str:
    """The lesson text as drawn, lines joined by one space."""
    lines, panel = [], playground(app).lesson_panel
    for paragraph in panel.query("MarkdownParagraph") if panel is not None else ():
        for strip in paragraph.render_lines(paragraph.content_region.reset_offset):
            lines.append("".join(segment.text for segment in strip).strip())
    return " ".join(line for line in lines if line)


@pytest.mark.parametrize("size", [(80, 24), (120, 40), (160, 48)], ids=str)
async def test_the_lesson_text_keeps_the_space_after_styled_words(size):
    # "A *weighted sum* is" and "`x = 1, 2, 3, 4` by" were reported drawn as
    # "weighted sumis" and "4by"; Textual 8's Markdown (pinned) keeps the space
    app = make_app(lesson=1)
    async with app.run_test(size=size):
        await until(lambda: "oldest" in panel_words(app))
        words = panel_words(app)
        assert "A weighted sum is the oldest" in words
        assert "each of x = 1, 2, 3, 4 by the single weight" in words
