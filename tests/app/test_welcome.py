"""A first start says where to begin, once, and any key puts the note away."""

from __future__ import annotations

from convtui.app import make_app
from convtui.commands.app_flags import WELCOMED, app_options
from convtui.paths import data_dir
from tests.app.helpers import playground, until


def toasts(app) -> list[str]:
    return [str(toast.render()) for toast in app.screen.query("Toast")]


async def test_the_first_start_says_where_to_begin_and_a_key_puts_it_away():
    options = app_options([])
    assert options["welcome"] == data_dir() / WELCOMED  # nothing there yet: a first start
    app = make_app(**options)
    async with app.run_test(size=(120, 40), notifications=True) as pilot:
        await until(lambda: any("lessons" in text for text in toasts(app)))
        text = " ".join(toasts(app))
        assert "→ and ← step the kernel" in text and "l opens the lessons" in text
        await pilot.press("right")  # the key acts, and the note goes
        await until(lambda: not toasts(app))
        assert playground(app).step == 1
    assert (data_dir() / WELCOMED).exists()
    assert "welcome" not in app_options([])  # once only
    assert "welcome" not in app_options(["--mode", "same"])


async def test_an_app_made_without_the_welcome_shows_none():
    app = make_app()  # the tests' and the snapshots' app
    async with app.run_test(size=(120, 40), notifications=True) as pilot:
        await pilot.pause()
        assert toasts(app) == []
