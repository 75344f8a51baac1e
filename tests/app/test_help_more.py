"""The help screen: the panes' own keys and the named kernels with their values."""

from __future__ import annotations

from convtui.app import make_app
from convtui.app.screens.help import HelpScreen
from tests.app.helpers import flat_text, until


async def test_help_lists_the_plot_panes_keys_and_the_named_kernels():
    app = make_app()
    async with app.run_test(size=(120, 60)) as pilot:
        await pilot.press("question_mark")
        await until(lambda: isinstance(app.screen, HelpScreen))
        keys = flat_text(app, "#keys")
        assert "I 2-D: the input and output as images" in keys
        assert "(when the Plot pane has the focus)" in keys
        assert "Select" not in keys  # the presets list's own keys are not a pane's
        more = flat_text(app, "#help-more")
        assert "sobel-x -1 0 1; -2 0 2; -1 0 1" in more  # the textbook Sobel, as typed
        assert "laplacian 0 1 0; 1 -4 1; 0 1 0" in more
