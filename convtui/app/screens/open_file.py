"""The open-file dialog (``F``): a file, typed or picked, or a shipped sample, as the
input or the kernel.

The dialog reads the file (:func:`convtui.files.read_array`) and hands the playground
the fields to propose; the playground answers with the engine's refusal, if any.  A
bad file, or one the engine refuses, is said inline under the path as typed, and the
dialog stays open: the playground keeps its last good setup.  An input bigger than
the app shows is downsampled or cropped by :func:`convtui.files.fit_for_app`, and its
message goes with the setup (never silently).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import DirectoryTree, Input, OptionList, RadioButton, RadioSet, Static
from textual.widgets.option_list import Option

from ...engine.setup import Setup
from ...presets import kernel_for
from ..workarounds import DismissOnce, SafeOptionList

__all__ = [
    "LAYER_CELLS",
    "MAX_CELLS",
    "OpenFileScreen",
    "Opened",
    "channel_changes",
    "open_changes",
]

# The most values an input may have in the app (a 1024×1024 photo): the picture and
# the plot panes draw only what is visible, the compute runs in a worker above
# state.WORKER_THRESHOLD.  convtui conv computes any size.
MAX_CELLS = 1024 * 1024

# The most values per channel on the layer screen (a 256×256 picture): its panes work
# out every feature map for every filter.
LAYER_CELLS = 256 * 256

# Ask for the Setup fields, get the engine's refusal ("" once applied).
Apply = Callable[[dict[str, Any]], str]


@dataclass(frozen=True)
class Opened:
    """What a file opened as: the fields to propose and what to tell the learner."""

    changes: dict[str, Any]
    note: str


def open_changes(text: str, role: str, setup: Setup) -> Opened:
    """The fields to propose for the file (or ``sample:NAME``) ``text`` opened as
    ``role`` (``"input"`` or ``"kernel"``) over ``setup``.

    An input too big for the app is fitted, and the note says how; an input with a
    different number of axes than ``setup``'s kernel comes with the blur
    :func:`~convtui.presets.kernel_for` its axes, and the note says so.  Raises
    :class:`convtui.files.FileDataError` (a ``ValueError``) for a bad file.
    """
    from ...files import fit_for_app, read_array

    name = text.strip()
    array = read_array(name, role=role)
    notes = []
    if role == "kernel":
        return Opened({"kernel": array}, f"Kernel {_shape(array)} from {name}.")
    array, fitted = fit_for_app(array, max_cells=MAX_CELLS)
    notes.append(f"Input {_shape(array)} from {name}.")
    if fitted:
        notes.append(fitted)
    changes: dict[str, Any] = {"input": array}
    if array.ndim != setup.kernel.ndim:
        kernel = kernel_for(array.ndim)
        changes["kernel"] = kernel
        notes.append(f"Kernel: the {_shape(kernel)} blur, to match its {array.ndim} axes.")
    return Opened(changes, " ".join(notes))


def channel_changes(text: str) -> Opened:
    """The layer screen's input from the file (or ``sample:NAME``) ``text``: ``(C, *spatial)``.

    A colour image is its red, green and blue planes (three channels); a grey image,
    a table or a recording one channel.  Larger than :data:`LAYER_CELLS` values a
    channel is downsampled, and the note says so.  Raises
    :class:`convtui.files.FileDataError` (a ``ValueError``) for a bad file.

    >>> opened = channel_changes("sample:scene")
    >>> opened.changes["x"].shape, opened.note
    ((3, 256, 256), 'Input 3×256×256 from sample:scene (3 channels).')
    """
    from ...files import fit_for_app, read_array

    name = text.strip()
    array = read_array(name, channels=True)
    if array.ndim < 3:
        array = array[None]  # one channel: a signal, a table, a grey image
    elif array.shape[0] > 3:
        raise ValueError(f"{name}: {_shape(array)} is not 1-3 channels of a picture")
    array, fitted = fit_for_app(array, max_cells=LAYER_CELLS * array.shape[0])
    channels = array.shape[0]
    note = f"Input {_shape(array)} from {name} ({channels} channel{'s' * (channels > 1)})."
    return Opened({"x": array, "name": Path(name).name}, f"{note} {fitted}".strip())


def _shape(array) -> str:
    return "×".join(str(n) for n in array.shape)


def _samples() -> list[tuple[str, str]]:
    """The shipped samples as ``(name, what it holds)``."""
    from ...samples import SAMPLES

    return [(name, about) for name, (_, about) in SAMPLES.items()]


class OpenFileScreen(DismissOnce, ModalScreen[str | None]):
    """Pick or type a file, or pick a sample; Enter opens it as the input or the kernel.

    ``apply(changes)`` proposes the fields to the playground and returns the
    engine's refusal ("" once shown).  The dialog returns the note once a file is
    shown, None when cancelled.  ``channels=True`` (the layer screen) opens the file
    as input channels (:func:`channel_changes`), and there is no input/kernel choice.
    """

    DEFAULT_CSS = """
    OpenFileScreen { align: center middle; }
    OpenFileScreen > Vertical {
        width: 96; max-width: 100%; height: auto; max-height: 100%;
        border: round $accent; background: $surface; padding: 0 1;
    }
    OpenFileScreen #pickers { height: 12; }
    OpenFileScreen DirectoryTree { width: 3fr; height: 100%; }
    OpenFileScreen #samples { width: 2fr; height: 100%; }
    OpenFileScreen RadioSet { layout: horizontal; height: auto; border: none; padding: 0; }
    OpenFileScreen .error { color: $error; }
    """
    BINDINGS = [Binding("escape", "cancel", "Cancel")]

    def __init__(
        self,
        setup: Setup | None,
        apply: Apply,
        folder: Path | None = None,
        *,
        channels: bool = False,
    ):
        super().__init__()
        self.setup = setup
        self.apply = apply
        self.folder = Path.cwd() if folder is None else folder
        self.channels = channels

    def compose(self) -> ComposeResult:
        samples = _samples()
        with Vertical():
            yield Static("[b]Open a file[/b]  .npy .csv .txt .wav .png .jpg .bmp .gif, or a sample")
            with Horizontal(id="pickers"):
                yield DirectoryTree(self.folder, id="tree")
                yield SafeOptionList(
                    *(Option(f"{name}  [dim]{about}[/dim]", id=name) for name, about in samples),
                    id="samples",
                )
            if self.channels:
                yield Static("as the layer's input: a colour image is 3 channels (R, G, B)")
            else:
                with RadioSet(id="role"):
                    yield RadioButton("as the input", value=True, id="as-input")
                    yield RadioButton("as the kernel", id="as-kernel")
            yield Input(placeholder="a path, or sample:NAME", id="file-path")
            yield Static("", classes="error", id="open-error")
            yield Static(
                "[dim]Enter opens · Tab moves · Esc cancels · convtui --input-file PATH[/dim]"
            )

    def on_mount(self) -> None:
        self.query_one("#file-path", Input).focus()
        self.query_one("#samples", OptionList).border_title = "Samples"

    @property
    def role(self) -> str:
        """``"input"`` or ``"kernel"``: what the file becomes."""
        if self.channels:
            return "input"
        return "kernel" if self.query_one("#as-kernel", RadioButton).value else "input"

    # -- the three ways to name a file ----------------------------------------

    @on(Input.Submitted, "#file-path")
    def _typed(self, event: Input.Submitted) -> None:
        self.open(event.value)

    @on(DirectoryTree.FileSelected)
    def _picked(self, event: DirectoryTree.FileSelected) -> None:
        self.query_one("#file-path", Input).value = str(event.path)
        self.open(str(event.path))

    @on(OptionList.OptionSelected, "#samples")
    def _sample(self, event: OptionList.OptionSelected) -> None:
        text = f"sample:{event.option.id}"
        self.query_one("#file-path", Input).value = text
        self.open(text)

    # -- opening ----------------------------------------------------------------

    def open(self, text: str) -> None:
        """Read ``text`` as the chosen role and show it; an error stays in the dialog."""
        if self.dismissed or self.app.screen is not self:  # a late, queued Enter
            return
        if not text.strip():
            self._error("Type a path, pick a file, or pick a sample.")
            return
        try:
            if self.channels:
                opened = channel_changes(text)
            else:
                opened = open_changes(text, self.role, self.setup)
        except (ValueError, OSError) as exc:  # FileDataError names the file (and Pillow)
            self._error(str(exc))
            return
        except MemoryError:
            self._error(f"{text.strip()}: too big for this machine's memory")
            return
        refused = self.apply(opened.changes)
        if refused:
            self._error(f"{text.strip()}: {refused}")
            return
        self.dismiss(opened.note)

    def _error(self, message: str) -> None:
        self.query_one("#open-error", Static).update(Text(f"✗ {message}"))

    def action_cancel(self) -> None:
        if self.app.screen is self:
            self.dismiss(None)
