"""The 2-D numbers view (v on the plot) hides what a lesson's exercise asks, as "?"."""

from __future__ import annotations

import numpy as np

from convtui.app import make_app
from convtui.app.hidden import Hidden
from convtui.app.widgets.lesson_panel import LessonPanel
from convtui.app.widgets.picture import PicturePane
from convtui.engine.setup import Setup
from tests.app.helpers import playground, until

X = np.arange(16).reshape(4, 4)  # rows 0 1 2 3 / 4 5 6 7 / 8 9 10 11 / 12 13 14 15


def picture_lines(app) -> list[str]:
    pane = app.screen.query_one(PicturePane)
    return [line.text.rstrip() for line in pane.render_lines(pane.content_region.reset_offset)]


def y_block(app) -> list[list[str]]:
    lines = picture_lines(app)
    start = next(i for i, line in enumerate(lines) if "y rows" in line)
    rows = []
    for line in lines[start + 1 :]:
        cells = line.replace("┃", " ").split()
        if not cells or not all(c == "?" or c.lstrip("-").isdigit() for c in cells):
            break
        rows.append(cells)
    return rows


async def test_the_asked_cell_is_a_question_mark_in_the_numbers_view():
    setup = Setup(X, np.ones((2, 2), int), "valid", flip=False)
    app = make_app(setup=setup)
    async with app.run_test(size=(160, 48)) as pilot:
        screen = playground(app)
        await pilot.press("4", "v")
        await until(lambda: any("y rows" in line for line in picture_lines(app)))
        # y[1, 1] = 5 + 6 + 9 + 10 = 30; y[0, 0] = 0 + 1 + 4 + 5 = 10
        assert y_block(app)[1][1] == "30" and y_block(app)[0][0] == "10"
        screen.post_message(LessonPanel.HideAnswer(Hidden(screen.state.setup, frozenset({4}))))
        await until(lambda: screen.state.hidden is not None)
        await until(lambda: y_block(app)[1][1] == "?")
        assert y_block(app)[0][0] == "10"  # only the asked cell
        assert "30" not in " ".join(" ".join(row) for row in y_block(app))
        screen.post_message(LessonPanel.HideAnswer(None))  # answered: shown again
        await until(lambda: y_block(app)[1][1] == "30")
