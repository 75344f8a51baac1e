"""The packaged course: every lesson loads, every setup is valid, every exercise is
answerable, and the page setups agree with numpy and scipy (not only with us)."""

import math

import numpy as np
import pytest

from convtui.engine.setup import Setup
from convtui.lessons import expected_answer, grade, load_course
from convtui.lessons.loader import LESSON_DIR

COURSE = load_course()
EXERCISES = [e for lesson in COURSE for e in lesson.exercises]


def test_twelve_lessons_in_the_order_of_the_issue():
    titles = [lesson.title.lower() for lesson in COURSE]
    keywords = [
        "weighted sum",
        "sliding dot product",
        "full, valid",
        "cross-correlation",
        "matrix",
        "filters",
        "stride",
        "two dimensions",
        "backprop",
        "probability",
        "fast",
        "conventions",
        "transposed",
        "padding modes",
        "stacked",
    ]
    assert [lesson.number for lesson in COURSE] == list(range(1, 16))
    assert all(k in t for k, t in zip(keywords, titles, strict=True)), titles


@pytest.mark.parametrize("lesson", COURSE, ids=lambda lesson: lesson.path.name)
def test_each_lesson_has_three_to_eight_short_pages(lesson):
    assert 3 <= len(lesson.pages) <= 8
    for page in lesson.pages:
        assert isinstance(page.setup, Setup)
        assert page.text.count("\n") <= 22, f"{lesson.path.name} page {page.number} is long"


def test_every_file_in_the_folder_is_a_lesson():
    assert len(list(LESSON_DIR.glob("*.md"))) == len(COURSE)


def test_the_seed_example_is_taught_unflipped_first_and_flipped_in_lesson_4():
    """Lessons 1-3 slide the kernel as written (what CNN libraries compute); lesson 4
    introduces the flip with the seed thread's 5, 16, 34, 52, 45, 28 (numpy.convolve)."""
    x, w = [1, 2, 3, 4], [5, 6, 7]
    for lesson in COURSE[:3]:
        for page in lesson.pages:
            assert not page.setup.flip, f"lesson {lesson.number} page {page.number} flips"
            assert all(not e.setup.flip for e in page.exercises)
    lesson3, lesson4 = COURSE[2], COURSE[3]
    assert lesson3.pages[0].setup.compute().output.tolist() == np.correlate(x, w).tolist()
    first = lesson4.pages[0].setup
    assert first.flip and first.compute().output.tolist() == np.convolve(x, w).tolist()


def _peer_output(setup: Setup):
    """numpy or scipy's answer for a plain setup (None when no peer covers it)."""
    plain = (
        setup.stride in (1, (1,), (1, 1))
        and setup.dilation in (1, (1,), (1, 1))
        and setup.padding in (0, None)
        and setup.padding_mode == "zeros"
        and not setup.transposed
        and setup.mode != "causal"
    )  # the other options: tests/lessons/test_new_lessons.py
    if not plain or (setup.mode == "same" and setup.convention != "numpy"):
        return None
    if setup.input.ndim == 1:
        run = np.convolve if setup.flip else np.correlate
        if setup.mode == "same" and setup.kernel.size % 2 == 0 and not setup.flip:
            return None  # np.correlate centres an even kernel differently
        return run(setup.input, setup.kernel, setup.mode)
    signal = pytest.importorskip("scipy.signal")
    if setup.input.ndim == 3:  # scipy's n-d functions, direct so that integers stay exact
        run = signal.convolve if setup.flip else signal.correlate
        return run(setup.input, setup.kernel, setup.mode, method="direct")
    run = signal.convolve2d if setup.flip else signal.correlate2d
    return run(setup.input, setup.kernel, setup.mode)


PAGES = [(lesson, page) for lesson in COURSE for page in lesson.pages]


@pytest.mark.parametrize(
    "lesson, page", PAGES, ids=[f"{lesson.number}.{page.number}" for lesson, page in PAGES]
)
def test_page_setups_agree_with_numpy_or_scipy(lesson, page):
    setup = page.setup
    assert setup.geometry.size > 0
    if setup.input.size > 512:
        return  # timing pages: checked by length only (loader `check:` lines)
    peer = _peer_output(setup)
    if peer is not None:
        np.testing.assert_allclose(setup.compute().output, peer, atol=1e-9)


def _right_text(exercise) -> str:
    answer = expected_answer(exercise)
    if exercise.kind == "length":
        return "x".join(str(v) for v in answer)
    if exercise.kind in ("kernel", "task"):
        return (
            ", ".join(repr(float(v)) for v in np.ravel(answer))
            if answer.ndim == 1
            else "; ".join(" ".join(repr(float(v)) for v in row) for row in answer)
        )
    return repr(float(np.real(answer)))


def _wrong_text(exercise) -> str:
    answer = expected_answer(exercise)
    if exercise.kind == "length":
        return "x".join(str(v + 1) for v in answer)
    if exercise.kind in ("kernel", "task"):
        return ", ".join(str(float(v) + 1) for v in np.ravel(answer))
    return repr(float(np.real(answer)) + 1)


@pytest.mark.parametrize("exercise", EXERCISES, ids=lambda e: e.key)
def test_every_exercise_accepts_the_computed_answer_and_refuses_a_wrong_one(exercise):
    right = grade(exercise, _right_text(exercise))
    assert right.correct, right.message
    wrong = grade(exercise, _wrong_text(exercise))
    assert not wrong.correct
    assert wrong.hint and wrong.worked
    assert not grade(exercise, "banana").correct


def _output_for(exercise):
    return exercise.setup.compute().output


@pytest.mark.parametrize(
    "exercise", [e for e in EXERCISES if e.kind == "value"], ids=lambda e: e.key
)
def test_value_answers_are_the_engine_output_or_its_activation(exercise):
    index = tuple(int(v) for v in exercise.params["index"].replace(",", " ").split())
    y = float(np.real(_output_for(exercise)[index]))
    bias = float(exercise.params.get("bias", 0))
    f = {"identity": lambda v: v, "relu": lambda v: max(v, 0.0), "tanh": math.tanh}
    assert expected_answer(exercise) == pytest.approx(
        f[exercise.params.get("activation", "identity")](y + bias)
    )
