"""line_segments draws a line as Rich's own Text.render would, in fewer pieces."""

from __future__ import annotations

import random

import pytest
from rich.console import Console
from rich.segment import Segment
from rich.style import Style
from rich.text import Text

from convtui.app.widgets.lines import line_segments

STYLES = ["", "dim", "bold", "cyan", "bold reverse magenta", Style(italic=True), "on red"]
BASE = Style(color="white", bgcolor="black")


def rich_reference(text: Text, console: Console) -> list[tuple[str, Style]]:
    line = console.get_style(text.style) if text.style else Style()
    segments = Segment.apply_style(text.render(console), BASE + line)
    return [(s.text, s.style) for s in Segment.simplify(segments) if s.text]


def ours(text: Text, console: Console, cache: dict) -> list[tuple[str, Style]]:
    return [(s.text, s.style) for s in Segment.simplify(line_segments(text, BASE, console, cache))]


@pytest.mark.parametrize("seed", range(40))
def test_appended_lines_render_as_rich_renders_them(seed):
    rng = random.Random(seed)
    console = Console(width=200)
    cache: dict = {}
    for _ in range(5):
        text = Text(rng.choice(["", "x → ", "y[3] "]), style=rng.choice(STYLES))
        for _ in range(rng.randrange(0, 12)):
            text.append(
                "".join(rng.choice("0123 ab·‹") for _ in range(rng.randrange(0, 4))),
                style=rng.choice(STYLES),
            )
        if rng.random() < 0.3:
            text = text + Text(" tail", style=rng.choice(STYLES))
        assert ours(text, console, cache) == rich_reference(text, console)


def test_overlapping_spans_fall_back_to_rich():
    console = Console(width=80)
    text = Text("abcdef", style="dim")
    text.stylize("bold", 1, 4)
    text.stylize("cyan", 2, 6)
    assert ours(text, console, {}) == rich_reference(text, console)


def test_neighbouring_pieces_of_one_style_are_joined():
    console = Console(width=80)
    text = Text("y ")
    for cell in ("0", "0", "5", "0"):
        text.append(cell.rjust(3), style="dim" if cell == "0" else "cyan")
    pieces = [s.text for s in line_segments(text, BASE, console)]
    assert pieces == ["y ", "  0  0", "  5", "  0"]


async def test_steps_repaint_only_changed_lines_and_the_screen_matches_a_full_redraw():
    # A step repaints the lines that changed; what is on screen after each key must be
    # what drawing every pane from scratch gives.
    import numpy as np

    from convtui.app import make_app
    from convtui.app.widgets.lines import LinesPane
    from convtui.engine.setup import Setup

    def screen_text(app) -> list[str]:
        return [strip.text for strip in app.screen._compositor.render_strips()]

    rng = np.random.default_rng(3)
    setups = [
        Setup(rng.integers(-9, 9, 64), [1, 2, 3, 2, 1]),
        Setup(rng.integers(0, 9, (12, 12)), np.ones((3, 3), dtype=int), "same"),
    ]
    for setup in setups:
        app = make_app(setup=setup)
        async with app.run_test(size=(160, 50)) as pilot:
            await pilot.pause()
            for key in ["right"] * 25 + ["down", "left", "end", "home", "m", "right", "f"]:
                await pilot.press(key)
                await pilot.pause()
                shown = screen_text(app)
                for pane in app.screen.query(LinesPane):
                    pane._strips = None
                    pane.refresh()
                await pilot.pause()
                assert shown == screen_text(app), key
