"""What a newcomer trips on (issue 14, part 2), each pinned by a test that failed before its fix.

Every wait here is for the condition the test checks (``until``), never a fixed sleep.
"""

from __future__ import annotations

import asyncio
import math

import numpy as np
import pytest
from textual import events

from convtui.app import make_app
from convtui.engine.setup import Setup
from tests.app.helpers import drained, flat_text, playground, queue_keys


async def until(condition, timeout: float = 10.0) -> None:
    """Return once ``condition()`` holds; fail the test after ``timeout`` seconds."""

    async def poll() -> None:
        while not condition():
            await asyncio.sleep(0.01)

    await asyncio.wait_for(poll(), timeout)


def _input(app):
    return playground(app).setup.input.tolist()


async def _empty_input_editor(pilot):
    await pilot.press("i", "end", "ctrl+u")
    editor = pilot.app.screen.query_one("#input-editor")
    await until(lambda: editor.value == "")
    return editor


# -- 1. editors: the learner's text is never rewritten under the cursor ---------------


async def test_typing_nan_1_2_key_by_key_keeps_the_text_as_typed():
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        editor = await _empty_input_editor(pilot)
        for key in "nan 1 2":
            await pilot.press(key)
        await until(lambda: len(_input(app)) == 3)
        assert editor.value == "nan 1 2"  # was "nan, 21": the nan never matched itself
        x = _input(app)
        assert math.isnan(x[0]) and x[1:] == [1, 2]
        await pilot.press("enter", "escape")  # leaving the editor keeps the text too
        assert editor.value == "nan 1 2"


async def test_a_fast_burst_of_keys_is_not_reformatted_mid_typing():
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        editor = await _empty_input_editor(pilot)
        queue_keys(app, list("10, 20, 30, 40"))
        await asyncio.wait_for(drained(app), 10)
        await until(lambda: _input(app) == [10, 20, 30, 40])
        assert editor.value == "10, 20, 30, 40"
        assert editor.cursor_position == len("10, 20, 30, 40")


async def test_a_paste_followed_by_keys_lands_where_the_cursor_is():
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        editor = await _empty_input_editor(pilot)
        app.post_message(events.Paste("10 20 30"))
        queue_keys(app, list(" 40"))
        await asyncio.wait_for(drained(app), 10)
        await until(lambda: _input(app) == [10, 20, 30, 40])
        assert editor.value == "10 20 30 40"
        assert editor.cursor_position == len(editor.value)


async def test_invalid_text_stays_with_its_error_and_the_last_good_setup_is_kept():
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        editor = await _empty_input_editor(pilot)
        queue_keys(app, list("1 2 ,"))
        await asyncio.wait_for(drained(app), 10)
        await until(lambda: "empty field" in flat_text(app, "#input-editor-error"))
        assert editor.value == "1 2 ,"
        assert _input(app) == [1, 2]
        await pilot.press("escape")  # leaving does not throw the text away either
        assert editor.value == "1 2 ,"


async def test_a_preset_still_replaces_the_editor_text():
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        editor = await _empty_input_editor(pilot)
        await pilot.press(*"7 8", "escape", "n")  # n: the next preset, sine + smoothing
        await until(lambda: len(_input(app)) > 2)
        assert editor.value.startswith("0.3, 0.12, 0.92")


async def test_1e999_says_it_became_inf():
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await _empty_input_editor(pilot)
        await pilot.press(*"1 1e999")
        await until(lambda: len(_input(app)) == 2)
        assert _input(app) == [1, math.inf]
        note = flat_text(app, "#input-editor-error")
        assert "1e999 is too large for a float: it became inf" in note
        await pilot.press("backspace", "backspace")  # "1 1e9": an ordinary number again
        await until(lambda: _input(app) == [1, 1e9])
        assert "inf" not in flat_text(app, "#input-editor-error")


# -- 2. slide pane: numbers apart, the legend in words, the whole output marked -------


def _slide_lines(app) -> list[tuple[str, list[str]]]:
    """The slide pane's lines as (text, [the text of each highlighted piece])."""
    slide = app.screen.query_one("#slide")
    lines = []
    for y in range(slide.size.height):
        strip = slide.render_line(y)
        text = "".join(segment.text for segment in strip)
        marked = [s.text.strip() for s in strip if s.style is not None and s.style.reverse]
        lines.append((text.rstrip(), marked))
    return lines


def _slide_text(app) -> str:
    return "\n".join(text for text, _ in _slide_lines(app))


async def test_2d_products_never_run_together():
    # 0.01 × 0.125 = 0.00125 next to 0 drew as "00.00125" (and 0.000625 -0.0010.00125)
    x = "0.01 0.02 0.03; 0.04 0.05 0.06; 0.07 0.08 0.09"
    app = make_app(input=x, kernel="0.0625 -0.1; 0.125 0.2")
    async with app.run_test(size=(120, 40)) as pilot:
        for step in range(16):
            assert playground(app).step == step
            for text, _ in _slide_lines(app)[2:]:
                if any(c.isalpha() for c in text):
                    continue  # a title, the legend, the equation
                for token in text.replace("‹", " ").replace("›", " ").split():
                    float(token)  # one number per token: never two run together
            await pilot.press("right")


async def test_the_legend_says_in_words_what_faint_and_highlighted_mean():
    app = make_app()
    async with app.run_test(size=(80, 24)):
        text = " ".join(_slide_text(app).split())
        assert "faint 0 = a zero the padding added" in text
        assert "highlighted = under the kernel now, and the y they make" in text
        assert "dim 0" not in text and "reversed" not in text


@pytest.mark.parametrize("size", [(80, 24), (160, 48)])
async def test_the_whole_1d_output_shows_from_the_first_step_with_this_step_marked(size):
    app = make_app()  # x = 1 2 3 4, w = 5 6 7, full: y = 5 16 34 52 45 28
    async with app.run_test(size=size) as pilot:
        ((y_line, marked),) = [(t, m) for t, m in _slide_lines(app) if t.split()[:1] == ["y"]]
        assert y_line.split() == ["y", "5", "16", "34", "52", "45", "28"]
        assert marked == ["5"]
        await pilot.press("right", "right")
        ((y_line, marked),) = [(t, m) for t, m in _slide_lines(app) if t.split()[:1] == ["y"]]
        assert marked == ["34"]


@pytest.mark.parametrize("size", [(80, 24), (160, 48)])
async def test_the_whole_2d_output_shows_from_the_first_step_with_this_step_marked(size):
    signal = pytest.importorskip("scipy.signal")
    x = np.arange(49).reshape(7, 7)
    w = np.array([[1, 2, 1], [2, 4, 2], [1, 2, 1]])
    y = signal.convolve2d(x, w, "full")  # 9×9
    app = make_app(setup=Setup(x, w, "full"))
    async with app.run_test(size=size) as pilot:
        text = _slide_text(app)
        for row in y.tolist():
            assert " ".join(str(v) for v in row) in " ".join(text.split()), row
        await pilot.press("down", "right")  # y[1, 1] = 24
        marked = [m for _, line in _slide_lines(app) for m in line]
        assert str(y[1, 1]) == "24" and "24" in marked


# -- 3. matrix pane: a click on a row goes to that step --------------------------------


def _line_of(widget, words: str) -> int:
    """The content line of a lines pane that starts (after spaces and ▶) with ``words``."""
    for y in range(widget.size.height):
        text = "".join(segment.text for segment in widget.render_line(y))
        if text.lstrip(" ▶").startswith(words):
            return y
    raise AssertionError(f"{words!r} is not on the pane")


@pytest.mark.parametrize("size", [(120, 40), (80, 24)])
async def test_clicking_a_row_of_the_matrix_goes_to_that_step(size):
    app = make_app()  # y = 5 16 34 52 45 28
    async with app.run_test(size=size) as pilot:
        await pilot.press("3")  # the matrix view (on a narrow terminal the only pane shown)
        matrix = app.screen.query_one("#matrix")
        top, left = matrix.styles.gutter.top, matrix.styles.gutter.left
        y = _line_of(matrix, "y[4]")
        assert await pilot.click(matrix, offset=(left + 2, top + y))
        await until(lambda: playground(app).step == 4)
        assert playground(app).state.result.steps[4].value == 45
        # the x line and the head are not rows: a click there changes nothing
        assert await pilot.click(matrix, offset=(left + 2, top + _line_of(matrix, "x →")))
        assert await pilot.click(matrix, offset=(left + 2, top))
        await asyncio.wait_for(drained(app), 10)
        assert playground(app).step == 4
        assert await pilot.click(matrix, offset=(left + 2, top + _line_of(matrix, "y[0]")))
        await until(lambda: playground(app).step == 0)


# -- 4. the conventions lab: the results show at 80×24 too -----------------------------


@pytest.mark.parametrize("size", [(80, 24), (120, 40), (160, 48)])
async def test_the_conventions_lab_shows_every_librarys_results_without_scrolling(size):
    from textual.geometry import Region

    from convtui.app.widgets.lab_pane import LabPane

    app = make_app()  # x = 1 2 3 4, w = 5 6 7, mode full
    async with app.run_test(size=size) as pilot:
        await pilot.press("x")
        await until(lambda: bool(app.screen.query(LabPane)))
        lab = app.screen.query_one(LabPane)
        await until(lambda: lab.size.width > 0)
        shown = lab.parent.scrollable_content_region.height  # the rows on screen
        strips = lab.render_lines(Region(0, 0, lab.size.width, shown))
        lines = ["".join(segment.text for segment in strip) for strip in strips]
        convolve = "5 16 34 52 45 28".split()  # numpy.convolve([1, 2, 3, 4], [5, 6, 7])
        correlate = "7 20 38 56 39 20".split()  # the same without the flip
        rows = {"numpy.convolve": convolve, "MATLAB conv": convolve, "PyTorch conv1d": correlate}
        cells = [line.replace("│", " ").replace("*", " ").split() for line in lines]
        for library, values in rows.items():
            name = library.split()
            (row,) = [words for words in cells if words[: len(name)] == name]
            assert row[-6:] == values, row


# -- 5. the footer: the keys a learner needs first; the options above the fold ---------


async def test_at_80x24_the_footer_shows_lessons_lab_code_save_and_only_whole_keys():
    from convtui.app.widgets.footer import KeyFooter

    app = make_app()
    async with app.run_test(size=(80, 24)):
        footer = app.screen.query_one(KeyFooter)
        await until(lambda: bool(footer.shown))
        shown = [entry.description for entry in footer.shown]
        assert shown == ["Step", "Back", "Lessons", "Help", "Lab", "Code", "Save", "Quit"]
        line = "".join(segment.text for segment in footer.render_line(0))
        for words in ("→ Step", "l Lessons", "? Help", "x Lab", "e Code", "^s Save", "q Quit"):
            assert f" {words} " in line
        assert line.rstrip().endswith("^p palette")


async def test_at_160x48_the_footer_shows_every_key():
    from convtui.app.widgets.footer import KeyFooter

    app = make_app()
    async with app.run_test(size=(160, 48)):
        footer = app.screen.query_one(KeyFooter)
        await until(lambda: bool(footer.shown))
        assert footer.shown == footer.entries
        assert [entry.description for entry in footer.shown][-4:] == [
            "Play",
            "Mode",
            "Flip",
            "Train",
        ]


@pytest.mark.parametrize("size", [(80, 24), (120, 40), (160, 48)])
async def test_every_setup_option_is_above_the_fold(size):
    from convtui.app.widgets.mode_panel import ModePanel

    app = make_app()
    async with app.run_test(size=size) as pilot:
        await pilot.press("1")  # the setup view (all views at once when wide)
        panel = app.screen.query_one(ModePanel)
        column = app.screen.query_one("#setup-column")
        await until(lambda: panel.region.height > 0)
        assert column.scroll_y == 0
        lines = [
            "".join(segment.text for segment in strip).strip()
            for strip in panel.render_lines(panel.region.reset_offset)
        ]
        last = next(i for i, line in enumerate(lines) if line.startswith("library"))
        assert [line.split()[0] for line in lines[1 : last + 1]] == [
            *("mode", "kernel", "stride", "dilation", "padding", "library"),
        ]
        assert panel.region.y + last < column.region.bottom  # the library line is on screen


async def test_the_steps_to_come_are_plain_the_steps_done_green():
    app = make_app()  # y = 5 16 34 52 45 28, at step 2 (34)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("right", "right")
        slide = app.screen.query_one("#slide")
        for y in range(slide.size.height):
            strip = slide.render_line(y)
            if "".join(segment.text for segment in strip).split()[:1] == ["y"]:
                break
        colours = {}
        for segment in strip:
            for word in segment.text.split():
                colours[word] = segment.style.color.name if segment.style.color else None
        assert colours["5"] == colours["16"] == "green"
        assert colours["52"] != "green" and colours["28"] != "green"


# -- 6. the go-to dialog says all it has to say (`convtui lessons`: tests/lessons) ------


@pytest.mark.parametrize("size", [(60, 20), (80, 24), (160, 48)])
@pytest.mark.parametrize("setup", ["1-D", "2-D"])
async def test_the_goto_dialog_text_fits_inside_it(size, setup):
    from textual.widgets import Static

    from convtui.app.screens.goto import GotoScreen

    x = [1, 2, 3, 4] if setup == "1-D" else np.arange(64).reshape(8, 8)
    w = [5, 6, 7] if setup == "1-D" else np.ones((3, 3))
    app = make_app(setup=Setup(x, w, "full"))
    async with app.run_test(size=size) as pilot:
        await pilot.press("right", "g")
        await until(lambda: isinstance(app.screen, GotoScreen))
        dialog = app.screen.query_one("GotoScreen > Vertical")
        await until(lambda: dialog.region.width > 0)
        inside = dialog.content_region
        for widget in app.screen.query(Static):  # Labels too: the label was cut at every size
            assert inside.contains_region(widget.region), (widget, widget.region, inside)
        hint = app.screen.query_one("#goto-hint", Static)
        lines = hint.render_lines(hint.region.reset_offset)
        shown = " ".join("".join(segment.text for segment in line) for line in lines)
        assert " ".join(shown.split()) == app.screen.hint
        now = "now at 1" if setup == "1-D" else "now at 0, 1"  # one step right of the first
        assert now in app.screen.hint


# -- 7. saving into a folder that does not exist says so, in place ---------------------


async def test_saving_into_a_missing_folder_says_so_and_makes_no_folder(tmp_path, monkeypatch):
    from convtui.app.screens.session_dialogs import SaveSessionScreen
    from convtui.sessions import load_session

    monkeypatch.chdir(tmp_path)
    typo = tmp_path / "no-such-folder" / "mine.json"
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("m", "ctrl+s")  # mode valid, then save
        await until(lambda: isinstance(app.screen, SaveSessionScreen))
        path_input = app.screen.query_one("#save-path")
        path_input.value = str(typo)
        await pilot.press("enter")
        await until(lambda: "does not exist" in flat_text(app, "#save-error"))
        assert isinstance(app.screen, SaveSessionScreen)  # still open: nothing lost
        assert path_input.value == str(typo)
        said = "".join(flat_text(app, "#save-error").split())  # a long path wraps anywhere
        assert "".join(f"{typo.parent} does not exist".split()) in said
        assert not typo.parent.exists()
        path_input.value = str(tmp_path / "mine.json")  # the folder that is there
        await pilot.press("enter")
        await until(lambda: not isinstance(app.screen, SaveSessionScreen))
    assert load_session(tmp_path / "mine.json").setup == Setup([1, 2, 3, 4], [5, 6, 7], "valid")
