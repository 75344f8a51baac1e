"""The image view (I on the plot pane): the input and the output as images, the
kernel's window ringed in yellow as the steps move, v for the numbers.

The pictures are read back as the pixels handed to textual-image: grey levels a
person can work out from the input (smallest black, largest white), and the ring
where the window is.
"""

from __future__ import annotations

import numpy as np
import pytest

from convtui.app import make_app
from convtui.engine.setup import Setup
from tests.app.helpers import pane_text, playground, until

pytest.importorskip("PIL")
pytest.importorskip("textual_image")

from convtui.app.widgets.image_view import RING, ImageView  # noqa: E402
from convtui.app.widgets.picture import PicturePane  # noqa: E402

# 64×64: the left half 0, the right half 200 (a vertical edge at column 32)
EDGE = np.zeros((64, 64), dtype=np.int64)
EDGE[:, 32:] = 200
SOBEL_X = [[1, 0, -1], [2, 0, -2], [1, 0, -1]]


def pixels(view: ImageView, name: str) -> np.ndarray:
    """The RGB pixels the view hands textual-image for picture ``name`` (x or y)."""
    return np.asarray(view.query_one(f"#{name}-image").image)


def ring_columns(picture: np.ndarray) -> np.ndarray:
    """The columns that hold a yellow ring pixel."""
    return np.nonzero((picture == RING).all(axis=2).any(axis=0))[0]


async def shown_view(app, pilot) -> ImageView:
    await pilot.press("4", "I")
    await until(lambda: bool(app.screen.query(ImageView)))
    view = app.screen.query_one(ImageView)
    await until(lambda: view.display and view.query_one("#y-image").image is not None)
    return view


async def test_the_input_shows_in_grey_with_the_window_ringed_and_the_ring_follows_the_steps():
    app = make_app(setup=Setup(EDGE, SOBEL_X, "same"))
    async with app.run_test(size=(160, 48)) as pilot:
        view = await shown_view(app, pilot)
        image = view.query_one("#x-image")

        def laid_out() -> bool:  # the widget has taken the size its picture was made for
            height, width, _ = pixels(view, "x").shape
            return (width, height) == (image.size.width, 2 * image.size.height)

        # half blocks: one pixel per column, two per row, the image square
        await until(laid_out)
        x = pixels(view, "x")
        height, width, _ = x.shape
        assert width == height
        # the left half black, the right half white (0 and 200 are the extremes)
        bottom = x[-1]
        assert bottom[: width // 2 - 1].tolist() == [[0, 0, 0]] * (width // 2 - 1)
        assert bottom[width // 2 + 1 :].tolist() == [[255, 255, 255]] * (width - width // 2 - 1)
        # step 0 of "same": the window is on the top-left corner
        assert ring_columns(x).max() <= 2
        for _ in range(40):
            await pilot.press("right")
        await until(lambda: playground(app).step == 40)
        await until(lambda: ring_columns(pixels(view, "x")).min() > 0)
        x, y = pixels(view, "x"), pixels(view, "y")
        # output 40's window is on input columns 39..41: about 40/64 across
        assert abs(ring_columns(x).mean() - 40.5 * x.shape[1] / 64) <= 1.5
        # the output's ring is on its value 40
        assert abs(ring_columns(y).mean() - 40.5 * y.shape[1] / 64) <= 1.5


async def test_the_output_picture_is_brightest_where_scipy_puts_the_largest_value():
    scipy_signal = pytest.importorskip("scipy.signal")
    expected = scipy_signal.convolve2d(EDGE, SOBEL_X, mode="same")
    app = make_app(setup=Setup(EDGE, SOBEL_X, "same"))
    async with app.run_test(size=(160, 48)) as pilot:
        await pilot.press("end")  # the ring on the last output, away from the edge
        view = await shown_view(app, pilot)
        y = pixels(view, "y")[..., 0].astype(float)
        width = y.shape[1]
        # the edge's columns (31 and 32 in the output) are scipy's extremes
        brightest = int(np.argmax(y[y.shape[0] // 2]))
        assert expected.max() == 800 and set(np.nonzero(expected[32] == 800)[0]) == {31, 32}
        assert abs(brightest - 32 * width / 64) <= 2
        label = str(view.query_one("#y-label").render())
        assert f"{expected.min()} black" in label and f"{expected.max()} white" in label


async def test_v_shows_the_numbers_and_back_to_the_images():
    app = make_app(setup=Setup(EDGE, SOBEL_X, "same"))
    async with app.run_test(size=(160, 48)) as pilot:
        view = await shown_view(app, pilot)
        assert "▀" in pane_text(app, "#x-image")  # no Kitty or Sixel here: half blocks
        await pilot.press("v")
        pictures = app.screen.query_one(PicturePane)
        await until(lambda: pictures.display and not view.display)
        assert pictures.numbers
        await pilot.press("v")
        await until(lambda: view.display and not pictures.display)
        plot = app.screen.query_one("#plot")
        assert plot.border_subtitle == "v numbers · I pictures"
        await pilot.press("I")
        await until(lambda: pictures.display and not view.display)
        assert not pictures.numbers
        assert plot.border_subtitle == "v numbers · I images"  # a 64×64 input: worth a look


async def test_where_the_terminal_shows_real_pixels_a_large_input_opens_as_images(monkeypatch):
    import textual_image.widget

    from convtui.app.widgets import image_view, plot

    # as if probe_terminal had found Kitty graphics or Sixel before the app started
    monkeypatch.setattr(image_view, "real_pixels", lambda: True)
    monkeypatch.setattr(plot, "real_pixels", lambda: True)
    app = make_app(setup=Setup(EDGE, SOBEL_X, "same"))
    async with app.run_test(size=(160, 48)) as pilot:
        await pilot.press("4")  # no I: shown by itself for a 64×64 input
        await until(lambda: bool(app.screen.query(ImageView)))
        view = app.screen.query_one(ImageView)
        image = view.query_one("#x-image")
        assert isinstance(image, textual_image.widget.Image)
        width, height = textual_image.widget.get_cell_size()

        def laid_out() -> bool:  # a picture pixel per terminal pixel
            shape = pixels(view, "x").shape
            return shape[:2] == (image.size.height * height, image.size.width * width)

        await until(lambda: image.image is not None and laid_out())
