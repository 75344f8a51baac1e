"""Shared helpers for the app tests: the playground, its panes, their text."""

from __future__ import annotations

from convtui.app.screens.playground import PlaygroundScreen


def playground(app) -> PlaygroundScreen:
    """The playground screen (the base of the app's ``playground`` mode)."""
    return app.get_screen_stack("playground")[0]


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


def queue_keys(app, keys) -> None:
    """Queue keys as a terminal delivers a fast burst: all before the app handles one.

    ``Pilot.press`` waits for the app after every key; this does not.  A key is a
    Textual key name ("right", "comma", "ctrl+s") or one character ("<", "7").  The
    keys are in the app's queue when this returns (the driver's own ``send_message``
    would post them on a later turn of the event loop, after a ``drained`` check).
    """
    from textual import events
    from textual.keys import _character_to_key, key_to_character

    for key in keys:
        name = _character_to_key(key) if len(key) == 1 else key
        event = events.Key(name, key_to_character(name))
        event.set_sender(app)
        app.post_message(event)


def queue_click(app, x: int, y: int) -> None:
    """Queue a mouse press and release at screen cell (x, y), as a terminal sends them.

    The app turns the pair into a Click on the widget under the pointer (App.on_event),
    unlike ``Pilot.click``, which waits for an idle CPU before each of its events.
    """
    from textual import events

    for kind in (events.MouseDown, events.MouseUp):
        event = kind(None, x, y, 0, 0, 1, False, False, False, screen_x=x, screen_y=y)
        event.set_sender(app)
        app.post_message(event)


async def drained(app, rounds: int = 3) -> None:
    """Return once the app and its current screen have handled every queued message.

    Each of them gets a callback at the end of its queue, ``rounds`` times over: a key
    a widget does not use bubbles back up to the app behind the first callback.
    ``Pilot.pause()`` waits for an idle CPU instead, which a playing slide or a
    training run never gives.  Wrap this in a timeout: a queue that never drains
    (messages answering messages) never returns.
    """
    import asyncio

    for _ in range(rounds):
        waiting = set()

        def handled(node, waiting=waiting) -> None:
            waiting.discard(node)

        for node in [app, *app.screen.walk_children(with_self=True)]:
            if node.call_later(handled, node):
                waiting.add(node)
        while waiting:
            await asyncio.sleep(0.005)


async def until(condition, timeout: float = 10.0) -> None:
    """Return once ``condition()`` holds; fail the test after ``timeout`` seconds."""
    import asyncio

    async def poll() -> None:
        while not condition():
            await asyncio.sleep(0.01)

    await asyncio.wait_for(poll(), timeout)


def drawn_text(widget) -> str:
    """What ``widget`` draws: every visible leaf widget's lines, joined by single spaces."""
    words = []
    for leaf in widget.walk_children():
        if leaf.children or not leaf.display or not leaf.region.area:
            continue
        for strip in leaf.render_lines(leaf.content_region.reset_offset):
            words.append("".join(segment.text for segment in strip).strip())
    return " ".join(" ".join(words).split())


def typed_answer(exercise) -> str:
    """The right answer to a lesson exercise, as a learner types it."""
    import numpy as np

    from convtui.lessons import expected_answer

    answer = expected_answer(exercise)
    if exercise.kind == "length":
        return "x".join(str(v) for v in answer)
    if exercise.kind in ("kernel", "task"):
        return ", ".join(f"{v:g}" for v in np.ravel(answer))
    return f"{float(np.real(answer)):g}"
