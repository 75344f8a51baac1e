"""The key footer: what it shows for the focused widget, and that a click presses the key."""

from __future__ import annotations

from convtui.app import make_app
from convtui.app.widgets.footer import KeyFooter
from tests.app.helpers import pane_text, playground

PLAYGROUND_KEYS = [
    *("Step", "Back", "Lessons", "Help", "Lab", "Code", "Save", "Quit"),
    *("Play", "Mode", "Flip", "Train"),
]


async def test_the_footer_shows_the_playground_keys_and_the_palette_on_the_right():
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        footer = app.screen.query_one(KeyFooter)
        assert [entry.description for entry in footer.entries] == PLAYGROUND_KEYS
        line = pane_text(app, "KeyFooter")
        assert line.startswith(" → Step  ← Back  l Lessons  ? Help  x Lab  e Code  ^s Save  q Quit")
        assert "  space Play  m Mode  f Flip  t Train" in line
        assert line.endswith("▏^p palette")
        assert len(line) == 120 - 1  # the trailing space of " palette " is stripped


async def test_a_narrow_footer_leaves_out_the_least_needed_keys_and_keeps_the_palette_key():
    app = make_app()
    async with app.run_test(size=(50, 24)) as pilot:
        await pilot.pause()
        line = pane_text(app, "KeyFooter")
        assert line.startswith(" → Step  ← Back  l Lessons  ? Help ")
        assert line.endswith("▏^p palette")
        assert len(line) == 50 - 1


async def test_clicking_a_key_in_the_footer_presses_it():
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        line = pane_text(app, "KeyFooter")
        column = line.index("m Mode")
        assert await pilot.click(KeyFooter, offset=(column, 0))
        await pilot.pause()
        assert playground(app).setup.mode == "valid"  # full → valid, as the m key does
        # A click after the last key presses nothing.
        assert await pilot.click(KeyFooter, offset=(line.index("Train") + 10, 0))
        await pilot.pause()
        assert playground(app).setup.mode == "valid"


async def test_the_footer_follows_the_focus():
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("k")  # into the kernel editor: no playground shortcut applies
        await pilot.pause()
        footer = app.screen.query_one(KeyFooter)
        assert "Step" not in [entry.description for entry in footer.entries]
        await pilot.press("escape")
        await pilot.pause()
        assert [entry.description for entry in footer.entries] == PLAYGROUND_KEYS


async def test_hovering_a_key_gives_its_tooltip():
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        line = pane_text(app, "KeyFooter")
        await pilot.hover(KeyFooter, offset=(line.index("m Mode"), 0))
        await pilot.pause()
        assert app.screen.query_one(KeyFooter).tooltip.startswith("Mode: full → valid → same")


async def test_a_click_on_the_palette_key_of_a_narrow_footer_opens_the_palette():
    # the keys cut off by the palette key must not answer under it
    app = make_app()
    async with app.run_test(size=(50, 24)) as pilot:
        await pilot.pause()
        line = pane_text(app, "KeyFooter")
        assert await pilot.click(KeyFooter, offset=(line.index("palette"), 0))
        await pilot.pause()
        assert type(app.screen).__name__ == "SafeCommandPalette"
        assert playground(app).setup.mode == "full"
