"""M from anywhere on the playground: the matrix pane shows Mᵀ, the input gradient."""

from __future__ import annotations

from convtui.app import make_app
from convtui.app.widgets.matrix import MatrixPane
from convtui.engine.setup import Setup
from tests.app.helpers import drained, flat_text, pane_text, queue_keys, until


async def test_m_with_the_slide_focused_shows_the_transpose_even_in_a_fast_burst():
    app = make_app(setup=Setup([1, 2, 3, 4], [5, 6, 7], "valid"))
    async with app.run_test(size=(80, 24)) as pilot:  # narrow: one view at a time
        pane = app.screen.query_one(MatrixPane)
        queue_keys(app, ["right", "M"])  # as a terminal delivers them: both before one is handled
        await until(lambda: pane.other and app.screen.view == "matrix")
        assert app.focused is pane
        await drained(app)
        # M for valid x=1..4, w=5,6,7 is 2×4: rows 7 6 5 0 / 0 7 6 5; the pane shows its 4×2 Mᵀ
        title = pane.border_title
        assert "Mᵀ" in title and "dL/dx" in title
        text = flat_text(app, "#matrix")
        assert "Mᵀ is 4×2" in text
        # dL/dx for L = sum(y): the column sums of M, by hand 7, 13, 11, 5
        assert [
            line.split()[-1]
            for line in pane_text(app, "#matrix").splitlines()
            if line.lstrip("│ ").startswith("dx[")
        ] == ["7", "13", "11", "5"]
        await pilot.press("M")  # the pane's own key now (it has the focus): back to M
        await until(lambda: not pane.other)


async def test_go_to_while_scattering_asks_for_an_input_index():
    from convtui.app.screens.goto import GotoScreen

    # x = 1..5 scattered with w = 1,1,1 at stride 2: 5 inputs, 11 outputs
    app = make_app(setup=Setup([1, 2, 3, 4, 5], [1, 1, 1], "valid", transposed=True, stride=2))
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("z", "g")
        await until(lambda: isinstance(app.screen, GotoScreen))
        assert "Type an input index, 0 to 4 (now at 0)." in flat_text(app, "#goto-hint")
        await pilot.press(*"3", "enter")
        screen = app.get_screen_stack("playground")[0]
        await until(lambda: screen.step == 3)
        await pilot.press("z", "g")  # gather: the steps are the 11 outputs again
        await until(lambda: isinstance(app.screen, GotoScreen))
        assert "Type an output index, 0 to 10" in flat_text(app, "#goto-hint")
