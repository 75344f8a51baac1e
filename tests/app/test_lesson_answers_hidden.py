"""Issue 18, part 2: no exercise can be answered from the screen before it is asked.

One app walks EVERY exercise of the course, page by page, as a learner would.  For
each, before it is answered:

- the whole screen (every pane and the lesson panel, as drawn at 160×48) has no
  ``y[i] = … = v`` (the slide's equation, the pictures' step line) and no matrix
  row ``y[i]  …  = v`` for the asked output ``y[i] = v``;
- where the panes show the exercise's own setup, the slide's output row shows "?"
  in the asked cell, and the plot's axis labels do not show the value where it is
  the output's largest or smallest (where a label would sit on it);
- the lesson panel's text (page, prompts, feedback) does not write the answer down,
  by the rules of tests/lessons/test_no_answer_in_text.py (a small number such as
  0 or 6 only in the forms ``y[2] = 6``, ``y[2] is 6``).

Then the right answer is typed, and the asked cell is shown again.
"""

from __future__ import annotations

import re

import numpy as np
import pytest

from convtui.app import make_app
from convtui.app.formatting import number
from convtui.lessons import expected_answer, load_course
from convtui.lessons.grader import parse_index
from tests.app.helpers import drawn_text, pane_text, playground, typed_answer, until
from tests.lessons.test_no_answer_in_text import giveaways

SIZE = (160, 48)
COURSE = load_course()


@pytest.fixture(autouse=True)
def data_dir(monkeypatch, tmp_path):
    monkeypatch.setenv("CONVTUI_DATA_DIR", str(tmp_path))
    return tmp_path


def screen_lines(app) -> list[str]:
    return [strip.text for strip in app.screen._compositor.render_strips()]


def panel_text(app) -> str:
    """The lesson panel as drawn."""
    return drawn_text(playground(app).lesson_panel)


def y_row_cells(slide: str) -> dict[int, str]:
    """The slide's output row(s) in 1-D: ``{index: text}`` for the cells drawn."""
    cells = {}
    for line in slide.splitlines():
        match = re.match(r"[│\s]*y(?:\[(\d+):\])?\s{2,}(.*?)[│\s]*$", line)
        if match is None or "=" in line:
            continue
        first = int(match.group(1) or 0)
        tokens = [t for t in match.group(2).split() if t not in ("…", "...")]
        cells.update({first + k: t for k, t in enumerate(tokens)})
    return cells


def shown_value_forms(lines: list[str], name: str, value: str) -> list[str]:
    """Lines that state ``name`` = value: an equation, a step line or a matrix row."""
    name = re.escape(name)
    v = re.escape(value)
    patterns = [
        rf"{name} = (?:[^=│]*= )?{v}(?![\d.])",  # y[2] = 7·1 + … = 34, y[2,2] = 36
        rf"{name}\s+[-\d.\s]+= {v}(?![\d.])",  # the matrix row of y[2]
    ]
    return [line for line in lines for p in patterns if re.search(p, line)]


CASES = [(lesson, page, e) for lesson in COURSE for page in lesson.pages for e in page.exercises]


async def open_page(app, pilot, lesson, page) -> None:
    app.open_lesson(lesson.number, page.number)
    await until(lambda: playground(app).lesson_panel is not None)
    panel = playground(app).lesson_panel
    await until(
        lambda: (
            panel.lesson is lesson
            and panel.page_number == page.number
            and playground(app).setup == page.setup
            and playground(app).state.result is not None
        )
    )


async def check_before_answering(app, pilot, exercise) -> None:
    screen = playground(app)
    value_asked = exercise.kind == "value" and not (
        "bias" in exercise.params or "activation" in exercise.params
    )
    shows_it = value_asked and screen.setup == exercise.setup
    if shows_it:  # the panes draw the asked value's setup: they must hide it
        await until(lambda: getattr(screen.state, "hidden", None) is not None)
        if exercise.setup.input.ndim == 1 and not exercise.setup.transposed:
            await until(lambda: "?" in pane_text(app, "#slide"))  # the output row shows "?"
    await pilot.pause()
    lines = screen_lines(app)
    if value_asked:
        index = parse_index(exercise.params["index"], exercise.setup.input.ndim)
        value = number(float(np.real(expected_answer(exercise))))
        name = "y[" + ",".join(map(str, index)) + "]"
        assert shown_value_forms(lines, name, value) == [], f"{name} = {value} on screen"
        if shows_it and exercise.setup.input.ndim == 1:
            cells = y_row_cells(pane_text(app, "#slide"))
            if index[0] in cells:
                assert cells[index[0]] == "?", (exercise.key, pane_text(app, "#slide"))
            output = np.real(screen.state.result.output)
            if output.size > 1 and float(expected_answer(exercise)) in (output.max(), output.min()):
                plot = pane_text(app, "#plot")
                labels = {float(t) for t in re.findall(r"-?\d+\.\d+", plot)}
                assert not any(np.isclose(v, float(value)) for v in labels), plot
    assert giveaways(exercise, panel_text(app)) == []


async def walk(app, pilot, cases) -> int:
    checked = 0
    for lesson, page, exercise in cases:
        panel = playground(app).lesson_panel
        if panel is None or panel.lesson is not lesson or panel.page_number != page.number:
            await open_page(app, pilot, lesson, page)
            panel = playground(app).lesson_panel
        await until(lambda p=panel, e=exercise: p.exercise is e)
        await check_before_answering(app, pilot, exercise)
        checked += 1
        await pilot.press("a")
        await pilot.press("ctrl+u", *typed_answer(exercise), "enter")
        feedback = panel.query_one("#lesson-feedback")
        await until(lambda f=feedback: str(f.render()).startswith("✓"))
        if exercise is page.exercises[-1]:  # answered: nothing is hidden any more
            await until(lambda: getattr(playground(app).state, "hidden", 0) is None)
    return checked


async def test_every_exercise_is_hidden_until_it_is_answered():
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert await walk(app, pilot, CASES) == len(CASES)


async def test_the_issue_example_lesson_1_shows_a_question_mark_then_the_value():
    """Lesson 1 asked "Predict y[2]" while the slide said y[2] = 2·3 = 6; now the page
    asks y[1] of x = 1, 2, 3, 4 and w = 5, 6, 7 (56), and the slide draws "?" there."""
    lesson = COURSE[0]
    page = lesson.pages[2]
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await open_page(app, pilot, lesson, page)
        await until(lambda: y_row_cells(pane_text(app, "#slide")).get(1) == "?")
        assert y_row_cells(pane_text(app, "#slide"))[0] == "38"  # the others show
        await pilot.press("right")  # step to y[1]: its equation ends in "?"
        await until(lambda: "y[1] = 5·2 + 6·3 + 7·4 = ?" in pane_text(app, "#slide"))
        assert "= ?" in pane_text(app, "#matrix") and "= 56" not in pane_text(app, "#matrix")
        await pilot.press("w")  # the worked steps reveal it: the panes show it again
        await until(lambda: y_row_cells(pane_text(app, "#slide")).get(1) == "56")
        assert "y[1] = 5·2 + 6·3 + 7·4 = 56" in pane_text(app, "#slide")
