"""Progress is saved atomically, and a corrupt file is set aside, never a crash."""

import json

import pytest

from convtui.lessons import Progress, data_dir, list_lessons, load_course


@pytest.fixture
def path(tmp_path):
    return tmp_path / "convtui" / "progress.json"


def test_a_missing_file_is_a_fresh_start(path):
    progress = Progress.load(path)
    assert progress.lessons == {} and progress.warning is None


def test_save_and_load_round_trip(path):
    progress = Progress.load(path)
    progress.see(3, 1)
    progress.see(3, 2)
    progress.solve(3, "p1.1")
    assert progress.save() is None
    again = Progress.load(path)
    assert again.seen(3) == {1, 2} and again.solved(3) == {"p1.1"} and again.last_page(3) == 2
    assert json.loads(path.read_text())["version"] == 2
    assert [p.name for p in path.parent.iterdir()] == ["progress.json"]  # no temp file left


@pytest.mark.parametrize(
    "content",
    ["{not json", '{"lessons": []}', '{"lessons": {"1": {"seen": ["a"]}}}', "[]", "\x00\x01"],
)
def test_a_corrupt_file_is_reported_and_set_aside(path, content):
    path.parent.mkdir(parents=True)
    path.write_text(content)
    progress = Progress.load(path)
    assert progress.lessons == {}
    assert "unreadable" in progress.warning
    aside = [p for p in path.parent.iterdir() if p.name.startswith("progress.json.corrupt-")]
    assert len(aside) == 1 and aside[0].read_text() == content
    assert not path.exists()
    progress.solve(1, "p1.1")
    assert progress.save() is None and Progress.load(path).solved(1) == {"p1.1"}


def test_an_unwritable_place_gives_a_message_not_an_exception(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("")
    assert "Could not save" in Progress.load(blocker / "progress.json").save()


def test_data_dir_precedence(monkeypatch, tmp_path):
    monkeypatch.setenv("CONVTUI_DATA_DIR", str(tmp_path / "mine"))
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg"))
    assert data_dir() == tmp_path / "mine"
    monkeypatch.delenv("CONVTUI_DATA_DIR")
    assert data_dir() == tmp_path / "xdg" / "convtui"
    monkeypatch.delenv("XDG_DATA_HOME")
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    assert data_dir() == tmp_path / "home" / ".local" / "share" / "convtui"


def test_a_lesson_is_done_when_every_page_is_seen_and_every_exercise_solved(path):
    lesson = load_course()[0]
    progress = Progress.load(path)
    for page in lesson.pages:
        progress.see(lesson.number, page.number)
    assert not progress.is_done(lesson)
    for exercise in lesson.exercises:
        progress.solve(lesson.number, exercise.id)
    assert progress.is_done(lesson)
    rows = list_lessons(progress)
    assert rows[0] == (1, lesson.title, len(lesson.pages), True)
    assert [row.done for row in rows[1:]] == [False] * (len(rows) - 1)


def test_list_lessons_reads_the_data_dir(monkeypatch, tmp_path):
    monkeypatch.setenv("CONVTUI_DATA_DIR", str(tmp_path))
    (tmp_path / "progress.json").write_text("garbage")
    rows = list_lessons()
    assert len(rows) == 15 and not any(row.done for row in rows)


def test_sessions_and_progress_share_one_data_dir(monkeypatch, tmp_path):
    from convtui.sessions import autosave_path

    monkeypatch.delenv("CONVTUI_DATA_DIR", raising=False)
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    monkeypatch.setenv("XDG_DATA_HOME", "relative/xdg")  # ignored, as the XDG spec says
    assert (
        autosave_path().parent == data_dir() == tmp_path / "home" / ".local" / "share" / "convtui"
    )
    monkeypatch.setenv("CONVTUI_DATA_DIR", "~/mine")
    assert autosave_path().parent == data_dir() == tmp_path / "home" / "mine"


def test_progress_saved_before_the_course_was_corrected_still_loads(path):
    """A file from the course of 12 lessons before issue 18 (version 1).  Its pages seen
    and the page to reopen load as they are; a solved mark stays only where the
    exercise still asks the same question: lesson 2's p1.1 does, lesson 1's five and
    lesson 11's p4.1 were rewritten, lesson 5's page 1 asks nothing now."""
    old = {
        "version": 1,
        "lessons": {
            "1": {
                "seen": [1, 2, 3, 4],
                "solved": ["p1.1", "p2.1", "p3.1", "p4.1", "p4.2"],
                "page": 4,
            },
            "2": {"seen": [1, 2], "solved": ["p1.1", "p2.1"], "page": 2},
            "5": {"seen": [1], "solved": ["p1.1"], "page": 1},
            "11": {"seen": [1, 2, 3, 4], "solved": ["p4.1"], "page": 4},
        },
    }
    path.parent.mkdir(parents=True)
    path.write_text(json.dumps(old))
    progress = Progress.load(path)
    assert progress.warning is None
    assert progress.solved(1) == set() and progress.solved(5) == set()
    assert progress.solved(2) == {"p1.1"} and progress.solved(11) == set()
    assert progress.seen(1) == {1, 2, 3, 4} and progress.last_page(1) == 4
    course = load_course()
    lesson5 = course[4]
    assert "p1.1" not in {e.id for e in lesson5.exercises}  # page 1 has no exercise now
    assert not progress.is_done(lesson5)
    rows = list_lessons(progress)
    assert len(rows) == len(course) and not any(row.done for row in rows)
    assert progress.save() is None
    saved = json.loads(path.read_text())
    assert saved["version"] == 2 and saved["lessons"]["2"]["solved"] == ["p1.1"]
    assert Progress.load(path).lessons == progress.lessons  # version 2: read as written
