"""A malformed lesson file raises LessonError naming the file and the line."""

import pytest

from convtui.lessons import LessonError, load_course, load_lesson, parse_lesson

GOOD = """---
title: Test
---

## First page

Some text.

```setup
input: 1, 2, 3, 4
kernel: 5, 6, 7
check: output = 5, 16, 34, 52, 45, 28
```

```exercise
kind: value
index: 2
prompt: What is y[2]?
```
"""


def test_the_good_file_loads():
    lesson = parse_lesson(GOOD, "07-test.md")
    assert lesson.number == 7 and lesson.title == "Test"
    (page,) = lesson.pages
    assert page.text == "Some text." and page.exercises[0].id == "p1.1"


def test_a_page_setup_starts_from_the_previous_page():
    text = GOOD + "\n## Second\n\nMore.\n\n```setup\nmode: valid\ncheck: output = 34, 52\n```\n"
    second = parse_lesson(text, "01-x.md").pages[1]
    assert second.setup.kernel.tolist() == [5, 6, 7] and second.setup.mode == "valid"


def _error(text: str, name="03-broken.md") -> LessonError:
    with pytest.raises(LessonError) as info:
        parse_lesson(text, name)
    return info.value


@pytest.mark.parametrize(
    "old, new, line, words",
    [
        ("kernel: 5, 6, 7", "kernal: 5, 6, 7", 11, "unknown key 'kernal'"),
        ("input: 1, 2, 3, 4", "input: 1, 2, x", 10, "input"),
        ("check: output = 5, 16, 34, 52, 45, 28", "check: output = 5, 16, 34", 12, "check failed"),
        ("kernel: 5, 6, 7", "kernel: 5 6; 7 8", 11, "dimensions"),
        ("index: 2", "index: 6", 17, "outside the output"),
        ("kind: value", "kind: essay", 16, "kind must be one of"),
        ("title: Test", "titel: Test", 2, "unknown key 'titel'"),
        ("prompt: What is y[2]?\n", "", 15, "needs 'prompt'"),
        ("```exercise", "```exercise\nmode: sideways", 16, "mode must be one of"),
    ],
)
def test_errors_name_the_file_and_the_line(old, new, line, words):
    assert old in GOOD
    error = _error(GOOD.replace(old, new, 1))
    assert error.path.name == "03-broken.md"
    assert error.line == line, str(error)
    assert words in str(error)
    assert str(error).startswith(f"03-broken.md:{line}: ")


def test_structural_errors():
    assert _error(GOOD.replace("```\n\n```exercise", "\n\n```exercise", 1)).line == 15
    assert "not closed" in str(_error(GOOD.rstrip("`\n") + "\n"))
    assert _error("no header\n").line == 1
    assert _error("---\ntitle: x\n---\nstray text\n").line == 4
    assert "at least one page" in str(_error("---\ntitle: x\n---\n"))
    assert "NN-slug.md" in str(_error(GOOD, name="lesson.md"))


def test_a_setup_the_engine_refuses_names_its_line():
    text = GOOD.replace(
        "kernel: 5, 6, 7", "kernel: 5, 6, 7\nmode: same\nstride: 2\nconvention: torch"
    )
    error = _error(text)
    assert error.line == 14 and "torch" in str(error)  # the key that completes the conflict


def test_files_on_disk_and_duplicate_numbers(tmp_path):
    (tmp_path / "01-a.md").write_text(GOOD)
    (tmp_path / "02-b.md").write_text(GOOD.replace("index: 2", "index: x"))
    with pytest.raises(LessonError) as info:
        load_course(tmp_path)
    assert info.value.path.name == "02-b.md" and info.value.line == 17
    (tmp_path / "02-b.md").write_text(GOOD)
    assert [lesson.number for lesson in load_course(tmp_path)] == [1, 2]
    (tmp_path / "01-c.md").write_text(GOOD)
    with pytest.raises(LessonError, match="lesson 1 is also"):
        load_course(tmp_path)
    with pytest.raises(LessonError, match="cannot read"):
        load_lesson(tmp_path / "09-missing.md")
