"""convtui/app/workarounds.py: each workaround holds, and Textual's own class still fails.

The ``test_textual_still_*`` tests pin the bugs in the Textual version pyproject.toml
allows (8.x).  When one of them fails after an upgrade, Textual has fixed that bug:
delete the workaround it names (and its test here).
"""

from __future__ import annotations

import asyncio

import pytest
from textual.app import App, ComposeResult, ScreenStackError
from textual.command import CommandPalette
from textual.screen import ModalScreen
from textual.widgets import Input, OptionList, Static

from convtui.app.workarounds import (
    DismissOnce,
    DropStaleClicks,
    SafeCommandPalette,
    SafeOptionList,
)
from tests.app.helpers import drained, queue_click, queue_keys

# ---------------------------------------------------------------- option list


class Squashed(App):
    CSS = "OptionList { height: 0; }"

    def __init__(self, kind, css: str = ""):
        super().__init__()
        self.kind = kind
        if css:
            self.CSS = css

    def compose(self) -> ComposeResult:
        yield self.kind("one", "two", "three")


async def press_pages(kind) -> int | None:
    app = Squashed(kind)
    async with app.run_test(size=(40, 10)) as pilot:
        options = app.query_one(OptionList)
        options.focus()
        options.highlighted = 1
        await pilot.press("pageup", "pagedown", "down")
        return options.highlighted


async def test_page_keys_on_a_squashed_list_keep_the_highlight():
    assert await press_pages(SafeOptionList) == 2  # page keys did nothing; down moved


async def test_textual_still_fails_page_keys_on_a_squashed_list():
    # remove SafeOptionList.action_page_up/down when this fails
    with pytest.raises(KeyError):
        await press_pages(OptionList)


NARROW = "Screen { layout: horizontal; } OptionList { width: 1; }"


async def test_a_list_squashed_to_one_column_still_draws():
    app = Squashed(SafeOptionList, css=NARROW)
    async with app.run_test(size=(40, 10)) as pilot:
        options = app.query_one(OptionList)
        options.focus()
        await pilot.press("down", "pagedown")
        await pilot.pause()
        assert options.highlighted == 2 and options.outer_size.width >= 12


async def test_textual_still_fails_a_list_one_column_wide():
    # remove SafeOptionList's min-width when this fails
    app = Squashed(OptionList, css=NARROW)
    with pytest.raises(ValueError):
        async with app.run_test(size=(40, 10)) as pilot:
            app.query_one(OptionList).focus()
            await pilot.press("down", "pagedown")
            await pilot.pause()


# ---------------------------------------------------------------- dialogs


class Dialog(ModalScreen[str]):
    """A dialog like the go-to-step one: type, then Enter answers."""

    def compose(self) -> ComposeResult:
        yield Input()

    def on_input_submitted(self) -> None:
        self.dismiss("yes")


class OnceDialog(DismissOnce, Dialog):
    pass


class Base(App):
    def __init__(self, dialog):
        super().__init__()
        self.dialog, self.answers = dialog, []

    def compose(self) -> ComposeResult:
        yield Static("the base screen")

    def on_mount(self) -> None:
        self.push_screen(self.dialog(), self.answers.append)


async def enter_twice(dialog) -> list:
    app = Base(dialog)
    async with app.run_test(size=(40, 10)) as pilot:
        await pilot.pause()
        queue_keys(app, ["enter"] * 3)  # all queued before the first is handled
        await asyncio.wait_for(drained(app), 5)
        await pilot.pause()
        assert len(app.screen_stack) == 1
    return app.answers


async def test_a_dialog_answers_once():
    assert await enter_twice(OnceDialog) == ["yes"]


async def test_textual_still_pops_the_screen_below_on_a_second_dismiss():
    # the second Enter reaches the dialog after its dismiss; Textual then pops the
    # screen below it (remove DismissOnce when this fails)
    with pytest.raises(ScreenStackError):
        await enter_twice(Dialog)


# ---------------------------------------------------------------- the command palette


class WithPalette(App):
    def __init__(self, palette):
        super().__init__()
        self.palette = palette

    def compose(self) -> ComposeResult:
        yield Static("the base screen")

    def action_command_palette(self) -> None:
        if not CommandPalette.is_open(self):
            self.push_screen(self.palette(id="--command-palette"))


async def keys_to_the_palette(palette, keys: list[str], screens: int) -> None:
    app = WithPalette(palette)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        queue_keys(app, keys)
        await asyncio.wait_for(drained(app), 5)
        await pilot.pause(0.3)  # the palette's own timers (searching, busy) run out
        assert app.is_running and len(app.screen_stack) == screens


PAGING = ["ctrl+p", "pagedown", "pageup", "pagedown"]
SECOND_ENTER = ["ctrl+p", *"keys", "enter", "enter", "enter"]  # "Keys": show the key panel


@pytest.mark.parametrize(
    "keys, screens", [(PAGING, 2), (SECOND_ENTER, 1)], ids=["paging", "second-enter"]
)
async def test_the_palette_takes_keys_faster_than_it_settles(keys, screens):
    await keys_to_the_palette(SafeCommandPalette, keys, screens)


async def test_textual_still_fails_a_second_enter_in_its_palette():
    # remove SafeCommandPalette._late when this fails.  (Its page-key guard is the
    # option list's: the palette's list is an OptionList, and
    # test_textual_still_fails_page_keys_on_a_squashed_list pins that bug.)
    with pytest.raises(ScreenStackError):
        await keys_to_the_palette(CommandPalette, SECOND_ENTER, 1)


# ---------------------------------------------------------------- clicks on removed widgets


class Panes(App):
    def compose(self) -> ComposeResult:
        yield Static("one two three", id="gone")
        yield Static("four five")


class SafePanes(DropStaleClicks, Panes):
    pass


async def click_where_a_pane_was(kind) -> None:
    app = kind()
    async with app.run_test(size=(40, 10)) as pilot:
        pane = app.query_one("#gone")
        x, y = pane.region.x + 2, pane.region.y
        await pane.remove()
        assert app.screen.get_widget_at(x, y)[0] is pane  # the map is a frame behind
        queue_click(app, x, y)
        await pilot.pause()
        await pilot.click(offset=(x, y))  # a frame later: what is really there
        assert app.is_running


async def test_a_click_on_a_widget_removed_since_the_last_layout_is_dropped():
    await click_where_a_pane_was(SafePanes)


async def test_textual_still_fails_a_click_on_a_widget_removed_since_the_last_layout():
    # remove DropStaleClicks when this fails
    with pytest.raises(AttributeError):
        await click_where_a_pane_was(Panes)
