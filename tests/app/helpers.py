"""Shared helpers for the app tests: the playground, its panes, their text."""

from __future__ import annotations

from convtui.app.screens.playground import PlaygroundScreen


def playground(app) -> PlaygroundScreen:
    return app.playground


def pane_text(app, selector: str) -> str:
    """What a pane draws now, as plain text (one line per terminal row)."""
    widget = app.screen.query_one(selector)
    lines = widget.render_lines(widget.content_region.reset_offset)
    return "\n".join("".join(seg.text for seg in line).rstrip() for line in lines)


def output(app):
    return playground(app).state.result.output.tolist()


def equation(app) -> str:
    screen = playground(app)
    step = screen.state.result.steps[screen.step]
    from convtui.app.widgets.slide import equation as eq

    return eq(step, 200)


def flat_text(app, selector: str) -> str:
    """A pane's text with line breaks and runs of spaces collapsed (wrapping-proof)."""
    return " ".join(pane_text(app, selector).split())
