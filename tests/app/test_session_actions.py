"""Sessions in the app (ctrl+s, --open, autosave, restore, --fresh) and the lab screen."""

from __future__ import annotations

import json

import pytest

from convtui.app import make_app
from convtui.app.screens.lab import LabScreen
from convtui.app.screens.session_dialogs import RestoreScreen, SaveSessionScreen
from convtui.app.widgets.code_pane import CodePane
from convtui.cli import main
from convtui.codegen import snippet
from convtui.commands.app_flags import app_options
from convtui.engine.setup import Setup
from convtui.sessions import autosave_path, load_session, save_session
from tests.app.helpers import flat_text, output, pane_text, until

SIZE = (130, 42)


@pytest.fixture(autouse=True)
def data_dir(tmp_path, monkeypatch):
    monkeypatch.setenv("CONVTUI_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.chdir(tmp_path)
    return tmp_path / "data"


async def test_ctrl_s_saves_and_open_gives_the_same_setup(tmp_path):
    path = tmp_path / "mine.json"
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("m")  # full → valid
        await pilot.press("ctrl+s")
        assert isinstance(app.screen, SaveSessionScreen)
        dialog_input = app.screen.query_one("#save-path")
        assert dialog_input.value == str(tmp_path / "convtui-session.json")
        dialog_input.value = str(path)
        await pilot.press("enter")
        await pilot.pause()
        assert not isinstance(app.screen, SaveSessionScreen)
    saved = load_session(path)
    assert saved.setup == Setup([1, 2, 3, 4], [5, 6, 7], "valid")

    options = app_options(["--open", str(path)])
    assert options["setup"] == saved.setup
    reopened = make_app(**options)
    async with reopened.run_test(size=SIZE) as pilot:
        assert output(reopened) == [34, 52]
        await pilot.press("ctrl+s")  # offers the opened file again
        assert reopened.screen.query_one("#save-path").value == str(path)


async def test_failed_save_says_why_and_keeps_the_old_file(tmp_path):
    blocker = tmp_path / "blocker"
    blocker.write_text("not a folder")
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("ctrl+s")
        app.screen.query_one("#save-path").value = str(blocker / "s.json")
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, SaveSessionScreen)  # open still, the path as typed
        assert "could not save the session" in flat_text(app, "#save-error")
        assert app.screen.query_one("#save-path").value == str(blocker / "s.json")
    assert blocker.read_text() == "not a folder"


def test_open_refuses_a_corrupt_file_and_leaves_it(tmp_path, capsys):
    path = tmp_path / "broken.json"
    path.write_text('{"format": "convtui-session", "version": 1, "setup": {"input": "x"}}')
    before = path.read_bytes()
    assert main(["--open", str(path)]) == 2
    err = capsys.readouterr().err
    assert err.startswith("convtui: error: --open: ")
    assert "invalid setup" in err
    assert path.read_bytes() == before
    assert main(["--open", str(tmp_path / "missing.json")]) == 2
    assert "could not open" in capsys.readouterr().err


async def test_quit_autosaves_and_next_start_offers_it(data_dir):
    app = make_app(**app_options(["--fresh"]))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("m", "f")  # valid, correlation
        await pilot.press("q")
    saved = load_session(autosave_path())
    assert saved.setup == Setup([1, 2, 3, 4], [5, 6, 7], "valid", flip=False)
    assert autosave_path().parent == data_dir

    options = app_options([])
    assert options["restore"] == autosave_path()
    app = make_app(**options)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, RestoreScreen)
        await pilot.press("y")
        await pilot.pause()
        assert output(app) == [38, 56]  # correlate, valid: 5+12+21, 10+18+28


async def test_declining_the_restore_keeps_the_start(data_dir):
    save_session(autosave_path(), Setup([1, 2, 3], [1, 1], "same"))
    app = make_app(**app_options([]))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, RestoreScreen)
        await pilot.press("n")
        assert output(app) == [5, 16, 34, 52, 45, 28]


def test_fresh_and_open_skip_the_offer(data_dir, tmp_path):
    save_session(autosave_path(), Setup([1, 2, 3], [1, 1], "same"))
    assert "restore" not in app_options(["--fresh"])
    other = tmp_path / "other.json"
    save_session(other, Setup([9], [1]))
    assert "restore" not in app_options(["--open", str(other)])
    assert app_options([])["restore"] == autosave_path()


@pytest.mark.parametrize(
    "argv",
    [
        ["--input", "1 2 3", "--kernel", "4 5"],
        ["--input", "1 2 3"],
        ["--mode", "same"],
        ["--lesson", "1"],
    ],
)
def test_a_setup_on_the_command_line_is_used_without_the_offer(data_dir, argv):
    # the question "Restore the playground you left?" once threw --input and --kernel away
    save_session(autosave_path(), Setup([1, 2, 3], [1, 1], "same"))
    options = app_options(argv)
    assert "restore" not in options and options["autosave"]


async def test_convtui_with_input_and_kernel_starts_on_them(data_dir):
    save_session(autosave_path(), Setup([9, 9], [1], "same"))
    app = make_app(**app_options(["--input", "1 2 3", "--kernel", "4 5"]))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert not isinstance(app.screen, RestoreScreen)
        assert output(app) == [4, 13, 22, 15]  # np.convolve([1, 2, 3], [4, 5])


async def test_corrupt_autosave_is_reported_not_fatal(data_dir):
    autosave_path().parent.mkdir(parents=True)
    autosave_path().write_text("{not json")
    app = make_app(**app_options([]))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert not isinstance(app.screen, RestoreScreen)
        assert any("was not restored" in n.message for n in app._notifications)
        assert output(app) == [5, 16, 34, 52, 45, 28]
    assert autosave_path().read_text() == "{not json"  # quitting without autosave=True


async def test_session_progress_is_merged_not_replaced(tmp_path):
    path = tmp_path / "s.json"
    save_session(
        path,
        Setup([1, 2], [1]),
        {"version": 2, "lessons": {"2": {"seen": [1, 2], "solved": ["p2.1"], "page": 2}}},
    )
    app = make_app(**app_options(["--open", str(path)]))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert app.lesson_progress.seen(2) >= {1, 2}
        assert "p2.1" in app.lesson_progress.solved(2)
    written = json.loads(app.lesson_progress.path.read_text())
    assert "p2.1" in written["lessons"]["2"]["solved"]


async def test_a_session_from_before_the_corrected_course_keeps_only_unchanged_marks(tmp_path):
    # course 1's lesson 2 asked p1.1 (the same question now) and p2.1 (rewritten since)
    path = tmp_path / "s.json"
    save_session(
        path,
        Setup([1, 2], [1]),
        {"lessons": {"2": {"seen": [1, 2], "solved": ["p1.1", "p2.1"], "page": 2}}},
    )
    app = make_app(**app_options(["--open", str(path)]))
    async with app.run_test(size=SIZE):
        await until(
            lambda: (
                getattr(app, "lesson_progress", None) is not None
                and app.lesson_progress.seen(2) >= {1, 2}
            )
        )
        assert app.lesson_progress.solved(2) == {"p1.1"}


async def test_lab_screen_shows_the_libraries_for_the_setup():
    app = make_app(setup=Setup([1, 2, 3, 4, 5, 6], [1, 10], "same"))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("x")
        assert isinstance(app.screen, LabScreen)
        text = " ".join(pane_text(app, "#lab-pane").split())
        assert "numpy.convolve" in text and "1 12 23 34 45 56" in text
        assert "MATLAB conv" in text and "12 23 34 45 56 60" in text
        assert "* differs from convtui (this setup)" in text
        await pilot.press("escape")
        assert not isinstance(app.screen, LabScreen)


async def test_code_tab_shows_the_snippet_and_copies_it():
    setup = Setup([1, 2, 3, 4], [5, 6, 7], "same")
    app = make_app(setup=setup)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("e")
        assert isinstance(app.screen, LabScreen)
        assert app.screen.code == snippet(setup, "numpy")
        app.screen.action_show("torch")
        await pilot.pause()
        assert app.screen.code == snippet(setup, "torch")
        assert app.screen.query_one("#code-torch", CodePane).read_only
        await pilot.press("y")
        assert app.clipboard == snippet(setup, "torch")
