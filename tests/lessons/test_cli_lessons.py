"""``convtui lessons`` lists the course and validates lesson files."""

import json

from convtui.cli import main
from convtui.lessons import Progress, load_course


def test_lists_twelve_lessons_and_marks_finished_ones(monkeypatch, tmp_path, capsys):
    monkeypatch.setenv("CONVTUI_DATA_DIR", str(tmp_path))
    lesson = load_course()[9]
    progress = Progress.load()
    for page in lesson.pages:
        progress.see(lesson.number, page.number)
    for exercise in lesson.exercises:
        progress.solve(lesson.number, exercise.id)
    progress.save()
    assert main(["lessons"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].split()[:4] == ["1", "A", "weighted", "sum"]
    assert lines[9].startswith("10  Convolution as probability") and lines[9].endswith("done")
    assert not lines[8].endswith("done")
    assert main(["lessons", "--json"]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert [r["number"] for r in rows] == list(range(1, 16)) and rows[9]["done"] is True


def test_a_corrupt_progress_file_is_reported_on_stderr(monkeypatch, tmp_path, capsys):
    monkeypatch.setenv("CONVTUI_DATA_DIR", str(tmp_path))
    (tmp_path / "progress.json").write_text("{")
    assert main(["lessons"]) == 0
    captured = capsys.readouterr()
    assert "unreadable" in captured.err and "12  Conventions" in captured.out


def test_check_reports_file_and_line(tmp_path, capsys):
    bad = tmp_path / "05-bad.md"
    bad.write_text("---\ntitle: x\n---\n## P\n\ntext\n```setup\nkernal: 1\n```\n")
    assert main(["lessons", "--check", str(bad)]) == 2
    assert f"{bad}:8: unknown key 'kernal'" in capsys.readouterr().err
    assert main(["lessons", "--check", str(tmp_path / "nope.md")]) == 2
    assert "does not exist" in capsys.readouterr().err


def test_a_lesson_begun_shows_its_pages_seen_and_exercises_solved(monkeypatch, tmp_path, capsys):
    # what the app's list says as "1/N solved", with lesson 1's page and exercise counts
    lesson = load_course()[0]
    pages, exercises = len(lesson.pages), len(lesson.exercises)
    monkeypatch.setenv("CONVTUI_DATA_DIR", str(tmp_path))
    progress = Progress.load()
    progress.see(1, 1)
    progress.see(1, 2)
    progress.solve(1, lesson.exercises[0].id)
    progress.save()
    assert main(["lessons"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].startswith(" 1  A weighted sum")
    assert lines[0].endswith(f"{pages} pages  2/{pages} pages seen, 1/{exercises} solved")
    assert lines[1].endswith(f"{len(load_course()[1].pages)} pages")  # lesson 2 not begun
    assert main(["lessons", "--json"]) == 0
    first = json.loads(capsys.readouterr().out)[0]
    assert (first["pages_seen"], first["solved"], first["exercises"], first["done"]) == (
        2,
        1,
        exercises,
        False,
    )
