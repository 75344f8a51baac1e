"""The image view: a large 2-D input and its output shown as images, with textual-image.

The plot pane shows it in place of its pictures (:mod:`.picture`) when ``I`` is
pressed there, and by itself for an input of at least :data:`IMAGE_VIEW_CELLS` values
when the terminal shows real pixels (Kitty graphics or Sixel; in half blocks the
pictures say more: the padding, the kernel); ``v`` shows the numbers around the
window instead.  It needs textual-image and Pillow.  Each array is drawn in grey,
its smallest value black and its largest white (the label says the range), at the
largest size its half of the pane holds, keeping its proportions.

The kernel's window is outlined on the picture's pixels, not as an overlay: a
Sixel or Kitty image is drawn over whatever text sits in its cells, so a ring of
yellow pixels is drawn into a copy of the picture at the size it is shown, one pixel
outside the cells the geometry names (at least one pixel inside, however small the
window is on a 1024×1024 photo), and the current output value is ringed on the
output.  A picture is scaled once per result and pane size; a step copies it and
draws two rings.

Real pixels need the terminal asked, before Textual owns it, whether it speaks Kitty
graphics or Sixel: :func:`probe_terminal` does that, called before the app runs.
Imported later, textual-image is loaded without a question to the terminal, and the
pictures are half-block cells (as in tmux).
"""

from __future__ import annotations

import importlib.util
import io
import math
import os
import sys
from functools import cache

import numpy as np
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.reactive import reactive
from textual.widget import Widget
from textual.widgets import Static

__all__ = [
    "GRAPHICS_TERMINALS",
    "IMAGE_VIEW_CELLS",
    "ImageView",
    "available",
    "grey_levels",
    "probe_terminal",
    "real_pixels",
    "ring",
    "shown_size",
]

IMAGE_VIEW_CELLS = 48 * 48
"""An input with at least this many values is shown as images where the terminal shows
real pixels (smaller ones, and half-block terminals: as pictures, unless ``I``)."""

RING = (255, 210, 0)  # the window's outline: yellow on grey


@cache
def available() -> bool:
    """Whether textual-image and Pillow are installed (asked once, nothing imported)."""
    return all(importlib.util.find_spec(name) is not None for name in ("textual_image", "PIL"))


def real_pixels() -> bool:
    """Whether the terminal was found, before the app started, to show real pixels."""
    renderable = sys.modules.get("textual_image.renderable")
    if renderable is None:
        return False
    return renderable.Image in (renderable.TGPImage, renderable.SixelImage)


# terminals known to show Kitty graphics or Sixel: only these are asked (asking costs
# textual-image's import, about 50 ms, and a round trip that others may leave to time out)
GRAPHICS_TERMINALS = ("kitty", "wezterm", "ghostty", "iterm", "foot", "mlterm", "contour")


def probe_terminal(environ=None) -> bool:
    """Ask the terminal, before the app starts, which images it shows; whether it was asked.

    textual-image asks at import (Kitty graphics, Sixel, the cell size in pixels); it
    cannot once Textual reads the keyboard.  Only a terminal whose ``TERM`` or
    ``TERM_PROGRAM`` names one of :data:`GRAPHICS_TERMINALS` is asked.

    >>> probe_terminal({"TERM": "xterm-256color"})
    False
    """
    environ = os.environ if environ is None else environ
    names = f"{environ.get('TERM', '')} {environ.get('TERM_PROGRAM', '')}".lower()
    if not available() or not any(name in names for name in GRAPHICS_TERMINALS):
        return False
    import textual_image.widget  # noqa: F401  (asks the terminal, once)

    return True


class _NoTerminal(io.StringIO):
    """A stand-in for ``sys.__stdout__`` while textual-image loads inside a running app."""

    def isatty(self) -> bool:
        return False


def _image_class():
    """textual-image's widget: the best the terminal showed, else half-block cells."""
    if "textual_image.widget" not in sys.modules:
        # Textual owns the terminal: load without asking it anything
        real = sys.__stdout__
        sys.__stdout__ = _NoTerminal()
        try:
            import textual_image.widget  # noqa: F401
        finally:
            sys.__stdout__ = real
    import textual_image.widget

    return textual_image.widget.Image if real_pixels() else textual_image.widget.HalfcellImage


def _pixels_per_cell(image_class) -> tuple[int, int]:
    """How many picture pixels one cell shows: 1×2 for half blocks, else the cell's size."""
    import textual_image.widget

    if image_class is textual_image.widget.HalfcellImage:
        return 1, 2
    cell = textual_image.widget.get_cell_size()  # asked once, when it was imported
    return cell.width, cell.height


def grey_levels(values: np.ndarray) -> tuple[np.ndarray, float, float]:
    """``values`` as 0-255 grey levels, smallest black, largest white; and the two.

    NaN is black; a constant array is mid-grey.

    >>> grey_levels(np.array([[0, 5], [10, 5]]))[0]
    array([[  0, 128],
           [255, 128]], dtype=uint8)
    """
    real = np.real(values).astype(float)
    finite = np.isfinite(real)
    if not finite.any():
        return np.zeros(real.shape, np.uint8), math.nan, math.nan
    lo, hi = float(real[finite].min()), float(real[finite].max())
    if hi == lo:
        grey = np.full(real.shape, 128.0)
    else:
        grey = (np.where(finite, real, lo) - lo) * (255 / (hi - lo))
    return np.round(grey).astype(np.uint8), lo, hi


def shown_size(shape: tuple[int, int], cells: tuple[int, int], per_cell: tuple[int, int]):
    """The cells ``(width, height)`` a picture of ``shape`` takes in ``cells``, proportions kept.

    A pixel is ``per_cell`` = (columns, rows) of picture pixels per cell.

    >>> shown_size((1024, 1024), (40, 30), (1, 2))  # half blocks: 40 wide, 20 high
    (40, 20)
    >>> shown_size((100, 400), (40, 30), (1, 2))
    (40, 5)
    """
    rows, cols = shape
    width, height = cells
    pw, ph = per_cell
    scale = min(width * pw / max(cols, 1), height * ph / max(rows, 1))
    return max(1, min(width, round(cols * scale / pw))), max(
        1, min(height, round(rows * scale / ph))
    )


def ring(shape: tuple[int, int], size: tuple[int, int], rows: range, cols: range):
    """The box ``(left, top, right, bottom)`` in a picture of ``size`` pixels (width,
    height) showing an array of ``shape``, one pixel outside ``rows``×``cols`` and at
    least one pixel inside; None when the window is wholly outside the array.

    >>> ring((10, 10), (100, 100), range(2, 5), range(0, 3))  # 10 pixels a value
    (-1, 19, 30, 50)
    >>> ring((1024, 1024), (40, 40), range(100, 105), range(0, 5))  # under a pixel
    (-1, 2, 1, 5)
    """
    n_rows, n_cols = shape
    width, height = size
    r0, r1 = max(rows[0], 0), min(rows[-1] + 1, n_rows)
    c0, c1 = max(cols[0], 0), min(cols[-1] + 1, n_cols)
    if r0 >= r1 or c0 >= c1:
        return None
    sy, sx = height / n_rows, width / n_cols
    top, bottom = math.floor(r0 * sy), max(math.ceil(r1 * sy), math.floor(r0 * sy) + 1)
    left, right = math.floor(c0 * sx), max(math.ceil(c1 * sx), math.floor(c0 * sx) + 1)
    return left - 1, top - 1, right, bottom


class _Side:
    """One picture: its grey levels, and the scaled copy for the size it is shown at."""

    def __init__(self, values: np.ndarray):
        self.grey, self.lo, self.hi = grey_levels(values)
        self.shape = self.grey.shape
        self._scaled = None
        self._size = (0, 0)

    def scaled(self, size: tuple[int, int]):
        from PIL import Image

        if self._scaled is None or self._size != size:
            picture = Image.fromarray(self.grey, "L")
            self._scaled = picture.resize(size, Image.Resampling.BOX).convert("RGB")
            self._size = size
        return self._scaled

    def with_ring(self, size: tuple[int, int], rows: range | None, cols: range | None):
        """The picture at ``size`` with the ring around ``rows``×``cols`` drawn in."""
        picture = self.scaled(size)
        box = None if rows is None else ring(self.shape, size, rows, cols)
        if box is None:
            return picture
        from PIL import ImageDraw

        picture = picture.copy()
        ImageDraw.Draw(picture).rectangle(box, outline=RING)
        return picture

    def label(self, name: str) -> str:
        shape = "×".join(str(n) for n in self.shape)
        if math.isnan(self.lo):
            return f"{name} {shape}"
        return f"{name} {shape}  {self.lo:.4g} black … {self.hi:.4g} white"


class ImageView(Widget):
    """The input and the output as images, the window ringed on both."""

    DEFAULT_CSS = """
    ImageView { height: 1fr; }
    ImageView > #images { height: 1fr; }
    ImageView > #images.stacked { layout: vertical; }
    ImageView .side { width: 1fr; height: 1fr; }
    ImageView .stacked .side { width: 100%; }
    ImageView .label { height: 1; color: $text-muted; }
    """

    state = reactive(None, init=False, always_update=True, repaint=False)
    """The playground's state: its setup, result and step."""

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self._image_class = _image_class()
        self._per_cell = _pixels_per_cell(self._image_class)
        self._sides: dict[str, _Side] = {}
        self._for = None  # the (setup, result) the sides were made from

    def compose(self) -> ComposeResult:
        with Horizontal(id="images"):
            for name in ("x", "y"):
                with Vertical(classes="side", id=f"{name}-side"):
                    yield Static("", classes="label", id=f"{name}-label")
                    yield self._image_class(None, id=f"{name}-image")

    def watch_state(self, state) -> None:
        self._draw()

    def on_resize(self) -> None:
        self.call_after_refresh(self._draw)

    def _draw(self) -> None:
        state = self.state
        if state is None or not self.is_mounted:
            return
        key = (state.setup, state.result)
        if self._for is None or any(a is not b for a, b in zip(key, self._for)):
            self._for = key
            self._sides = {"x": _Side(state.setup.input)}
            if state.result is not None:
                self._sides["y"] = _Side(state.result.output)
        if self._arrange():  # the sides change size once laid out: draw again then
            self.call_after_refresh(self._draw)
        rows = cols = out_rows = out_cols = None
        g = state.setup.geometry
        if state.result is not None and g.size and not state.setup.transposed:
            index = np.unravel_index(min(state.step, g.size - 1), g.output_shape)
            rows, cols = g.window(tuple(int(i) for i in index))
            out_rows, out_cols = range(index[0], index[0] + 1), range(index[1], index[1] + 1)
        self._show("x", "input x", rows, cols)
        self._show("y", "output y", out_rows, out_cols)

    def _arrange(self) -> bool:
        """Side by side when that shows the pictures bigger, else one over the other;
        whether that changed."""
        width, height = self.content_size
        x = self._sides["x"].shape
        beside = shown_size(x, (max(width // 2 - 1, 1), max(height - 1, 1)), self._per_cell)
        over = shown_size(x, (max(width, 1), max(height // 2 - 1, 1)), self._per_cell)
        stacked = over[0] * over[1] > beside[0] * beside[1]
        images = self.query_one("#images")
        changed = images.has_class("stacked") != stacked
        images.set_class(stacked, "stacked")
        return changed

    def _show(self, name: str, title: str, rows, cols) -> None:
        side = self._sides.get(name)
        label = self.query_one(f"#{name}-label", Static)
        image = self.query_one(f"#{name}-image")
        if side is None:
            label.update(f"{title}: computing …")
            image.image = None
            return
        box = self.query_one(f"#{name}-side")
        cells = (max(box.content_size.width, 1), max(box.content_size.height - 1, 1))
        width, height = shown_size(side.shape, cells, self._per_cell)
        image.styles.width, image.styles.height = width, height
        pixels = (width * self._per_cell[0], height * self._per_cell[1])
        label.update(side.label(title))
        image.image = side.with_ring(pixels, rows, cols)
