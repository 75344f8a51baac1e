"""The kernel editor takes a named kernel (sobel-x, box 3) as well as numbers."""

from __future__ import annotations

import numpy as np
from scipy import ndimage
from textual.widgets import Input

from convtui.app import make_app
from convtui.engine.setup import Setup
from tests.app.helpers import playground, until

IMAGE = np.arange(25).reshape(5, 5) % 7


async def test_typing_sobel_x_in_the_kernel_editor_applies_it():
    app = make_app(setup=Setup(IMAGE, np.ones((3, 3), int), "valid", flip=False))
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("k")
        editor = app.screen.query_one("#kernel-editor", Input)
        await until(lambda: app.focused is editor)
        editor.value = "sobel-x"
        screen = playground(app)
        await until(
            lambda: (
                screen.state.setup.kernel.shape == (3, 3) and screen.state.setup.kernel[0, 0] == -1
            )
        )
        # the correlation of the sobel-x kernel, as scipy computes it, cropped to valid
        expected = ndimage.correlate(IMAGE, screen.state.setup.kernel, mode="constant")[1:-1, 1:-1]
        assert screen.state.setup.kernel.tolist() == [[-1, 0, 1], [-2, 0, 2], [-1, 0, 1]]
        assert screen.state.result.output.tolist() == expected.tolist()
        assert editor.value == "sobel-x"  # the learner's text is never rewritten


async def test_a_name_in_the_input_editor_is_an_error_that_keeps_the_setup():
    app = make_app(setup=Setup([1, 2, 3, 4], [5, 6, 7]))
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("i")
        editor = app.screen.query_one("#input-editor", Input)
        await until(lambda: app.focused is editor)
        editor.value = "sobel-x"
        error = app.screen.query_one("#input-editor-error")
        await until(lambda: not error.has_class("-empty"))
        assert playground(app).state.setup.input.tolist() == [1, 2, 3, 4]


async def test_an_input_too_big_to_edit_as_text_is_said_in_the_editor_and_typing_replaces_it():
    big = np.arange(200 * 200).reshape(200, 200) % 9
    app = make_app(setup=Setup(big, np.ones((3, 3), int), "valid"))
    async with app.run_test(size=(120, 40)) as pilot:
        editor = app.screen.query_one("#input-editor", Input)
        await until(lambda: playground(app).state.result is not None)
        assert editor.value == ""
        assert editor.placeholder.startswith("200×200 values, too many to edit as text")
        await pilot.press("i")
        await until(lambda: app.focused is editor)
        await pilot.press(*"1 2 3; 4 5 6; 7 8 9")
        screen = playground(app)
        await until(lambda: screen.state.setup.input.shape == (3, 3))
        assert screen.state.result.output.tolist() == [[45]]  # 1 + 2 + ... + 9
        assert editor.value == "1 2 3; 4 5 6; 7 8 9"
        assert editor.placeholder == "1, 2, 3  or  1 2; 3 4"


async def test_after_a_preset_rewrites_the_kernel_ctrl_u_clears_the_whole_editor():
    # the preset's kernel is written into the editor with the cursor at its end, so a
    # learner's ctrl+u (delete to the start) empties it instead of cutting it in two
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        editor = app.screen.query_one("#kernel-editor", Input)
        screen = playground(app)
        first = screen.state.setup
        await pilot.press("n")  # the next preset: another, longer kernel
        await until(lambda: screen.state.setup is not first and editor.value != "5, 6, 7")
        assert editor.cursor_position == len(editor.value)
        await pilot.press("k", "ctrl+u", *"1, 1")
        await until(lambda: screen.state.setup.kernel.tolist() == [1, 1])
        assert editor.value == "1, 1"
