"""No exercise is answered by its own page before it is asked (issue 18, part 2).

The lesson panel shows the page's text and every exercise's prompt at once; none
of them may write the expected answer down.  What counts as "writing it down":

- a value or gradient answer that is distinctive (not a whole number from −9 to
  9) must not appear anywhere as a number; a small one (they turn up everywhere,
  in the kernel and the input) must not appear in the forms a page would state
  it: ``y[2] = 6``, ``y[2] is 6``, ``dL/dw[1] = 6``; and no page lists three
  consecutive outputs around the asked one (``12, 18, 24``) unless all three
  are small;
- a length must not appear as ``8 × 8``/``8x8`` (or bare, from 10 up), and a
  length question is always asked about another setup than the page shows, so
  the panes (whose steps and rows count the outputs) cannot answer it either;
- a kernel or task answer must not appear written out (``0, 0, 1``).

The live panes are checked in tests/app/test_lesson_answers_hidden.py.
"""

from __future__ import annotations

import re

import numpy as np
import pytest

from convtui.engine.trace import format_number
from convtui.lessons import expected_answer, load_course
from convtui.lessons.grader import parse_index

COURSE = load_course()
CASES = [(lesson, page, e) for lesson in COURSE for page in lesson.pages for e in page.exercises]


def _spellings(value: float) -> set[str]:
    """How the text could write a number: 6, 6.0, 0.375, −7 (with either minus)."""
    forms = {format_number(value), f"{value:g}"}
    forms |= {f.replace("-", "−") for f in forms}
    return forms


def _number_in(text: str, spelling: str) -> bool:
    return re.search(rf"(?<![\w.·]){re.escape(spelling)}(?![\w]|\.\d)", text) is not None


def _small(value: float) -> bool:
    return float(value).is_integer() and abs(value) <= 9


def _index_names(index: tuple[int, ...]) -> list[str]:
    return [sep.join(str(i) for i in index) for sep in (",", ", ")]


def giveaways(exercise, text: str) -> list[str]:
    """What in ``text`` gives the exercise's answer away (empty: nothing)."""
    found = []
    answer = expected_answer(exercise)
    if exercise.kind in ("value", "gradient", "stack"):  # stack: a count, no name
        value = float(np.real(answer))
        spellings = _spellings(value)
        if exercise.kind == "value":
            index = parse_index(exercise.params["index"], exercise.setup.input.ndim)
            names = [f"y[{i}]" for i in _index_names(index)]
            output = exercise.setup.compute().output
            if output.ndim == 1 and not exercise.params.get("activation"):
                i = index[0]
                window = output[max(i - 1, 0) : i + 2]
                if window.size == 3 and not all(_small(v) for v in window):
                    spellings_of = [sorted(_spellings(float(v)), key=len)[0] for v in window]
                    found += [", ".join(spellings_of)] if ", ".join(spellings_of) in text else []
        elif exercise.kind == "gradient":
            names = [f"dL/dw[{i}]" for i in _index_names(parse_index(exercise.params["weight"], 1))]
        else:
            names = []
        for s in spellings:
            if not _small(value) and _number_in(text, s):
                found.append(s)
            found += [
                f"{n} {verb} {s}"
                for n in names
                for verb in ("=", "is")
                if f"{n} {verb} {s}" in text
            ]
    elif exercise.kind == "length":
        shape = tuple(answer)
        forms = [" × ".join(map(str, shape)), "x".join(map(str, shape))] if len(shape) > 1 else []
        found += [f for f in forms if f in text]
        if len(shape) == 1:
            n = shape[0]
            if n >= 10 and _number_in(text, str(n)):
                found.append(str(n))
            for noun in ("outputs", "numbers", "places", "values"):
                found += [f"{n} {noun}"] if f"{n} {noun}" in text else []
    else:  # kernel, task
        kernel = np.ravel(answer)
        written = ", ".join(sorted(_spellings(float(v)), key=len)[0] for v in kernel)
        found += [written] if written in text else []
    return sorted(set(found))


@pytest.mark.parametrize("lesson, page, exercise", CASES, ids=[e.key for _, _, e in CASES])
def test_the_page_does_not_write_the_answer_down(lesson, page, exercise):
    shown = "\n".join([page.text, *(e.prompt for e in page.exercises)])
    assert giveaways(exercise, shown) == [], f"lesson {lesson.number} page {page.number}"


@pytest.mark.parametrize(
    "exercise", [e for _, _, e in CASES if e.kind == "length"], ids=lambda e: e.key
)
def test_a_length_question_is_about_another_setup_than_the_panes_show(exercise):
    page = COURSE[exercise.lesson - 1].pages[exercise.page - 1]
    assert exercise.setup.geometry.output_shape != page.setup.geometry.output_shape


def test_the_check_catches_what_the_old_course_gave_away():
    """The rules above flag the issue's examples, written as the old pages had them."""
    lesson1 = COURSE[0]
    e = lesson1.pages[2].exercises[0]  # y[1] = 56 of x = 1, 2, 3, 4 and w = 5, 6, 7
    assert giveaways(e, "moved one place to the right, `5·2 + 6·3 + 7·4 = 56`.") == ["56"]
    small = lesson1.pages[4].exercises[0]  # a small answer: 1
    assert giveaways(small, "a kernel of 1, 1, 1") == []
    assert giveaways(small, "so y[1] = 1 there") == ["y[1] = 1"]
    length = COURSE[2].pages[0].exercises[0]  # 10 inputs, 3 weights, valid: 8
    assert giveaways(length, "it fits in 8 places") == ["8 places"]


def test_few_length_questions():
    lengths = [e for _, _, e in CASES if e.kind == "length"]
    assert len(lengths) <= len(CASES) // 6  # the issue: 13 of them were too many
