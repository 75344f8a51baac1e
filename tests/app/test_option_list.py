"""SafeOptionList: page keys on a list with no room do nothing.

Textual 8.2's own OptionList raises KeyError here (checked when the guard was written:
swap SafeOptionList for OptionList below and the test fails).
"""

from __future__ import annotations

from textual.app import App, ComposeResult
from textual.widgets import OptionList

from convtui.app.widgets.option_list import SafeOptionList


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


async def test_a_list_squashed_to_one_column_still_draws():
    # one column leaves nothing for the text after the option's padding; Textual's own
    # list divides by that zero width when it wraps the prompts
    app = Squashed(SafeOptionList, css="Screen { layout: horizontal; } OptionList { width: 1; }")
    async with app.run_test(size=(40, 10)) as pilot:
        options = app.query_one(OptionList)
        options.focus()
        await pilot.press("down", "pagedown")
        await pilot.pause()
        assert options.highlighted == 2 and options.outer_size.width >= 12
