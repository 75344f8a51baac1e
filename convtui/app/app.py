"""The convtui App: one place that builds the screens, keys and command palette.

Extend it here: register a screen as a *mode* in ``ConvApp.__init__`` (the
playground is the mode ``"playground"``; a training or lessons screen is one
``self.add_mode(name, factory)`` plus a key in ``BINDINGS``), and options the app
does not know yet (``open=``, ``autosave=``) arrive in ``app.options``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
from textual import events
from textual.app import App
from textual.binding import Binding
from textual.message import Message

from ..engine.geometry import OPTION_NAMES
from ..engine.parse import parse_array
from ..engine.setup import Setup
from ..presets import SEED, kernel_for
from .commands import ActionCommands
from .messages import ReplaceSetup, SetupApplied
from .screens.help import HelpScreen
from .screens.lessons import LESSON_BINDINGS, LessonActions
from .screens.playground import PlaygroundScreen
from .session_actions import SESSION_BINDINGS, SessionActions
from .workarounds import DropStaleClicks, SafeCommandPalette

__all__ = ["ConvApp", "make_app", "setup_from_options"]

SETUP_OPTIONS = ("input", "kernel", *OPTION_NAMES)
WELCOME = (
    "→ and ← step the kernel along the input (space plays it); "
    "l opens the lessons, 1 is the place to start; ? lists every key."
)


class ConvApp(LessonActions, SessionActions, DropStaleClicks, App):
    """A terminal tutor and playground for the convolution that CNNs use."""

    TITLE = "convtui"
    CSS_PATH = "app.tcss"
    COMMANDS = App.COMMANDS | {ActionCommands}
    BINDINGS = [
        Binding("q", "quit", "Quit"),
        Binding("question_mark", "help", "Help", key_display="?"),
        Binding(
            "t",
            "switch_mode('training')",
            "Train a kernel",
            tooltip="Learn a kernel by backprop, live (the training pane)",
        ),
        Binding(
            "y",
            "switch_mode('layer')",
            "Layer screen",
            show=False,  # in the help and the palette; the footer keeps its first keys
            tooltip="A conv layer: channels, filters, bias, activation, pooling, stacks",
        ),
        *LESSON_BINDINGS,
        *SESSION_BINDINGS,
    ]

    def action_command_palette(self) -> None:
        """Show the command palette (one at a time; see workarounds.SafeCommandPalette)."""
        if self.use_command_palette and not SafeCommandPalette.is_open(self):
            self.push_screen(SafeCommandPalette(id="--command-palette"))

    _welcoming = False  # the first start's welcome is up (any key puts it away)

    def __init__(self, setup: Setup | None = None, **options: Any):
        super().__init__()
        self.initial_setup = SEED if setup is None else setup
        self.playground_setup = self.initial_setup
        """The playground's setup, as its last ``SetupApplied`` said (saving, lab, training)."""
        self.options: dict[str, Any] = dict(options)
        """Options for parts of the app that read them (sessions, lessons ...)."""
        self.add_mode("playground", lambda: PlaygroundScreen(self.initial_setup))
        self.add_mode("training", _training_screen)
        self.add_mode("layer", _layer_screen)

    def on_mount(self) -> None:
        self.switch_mode(self.options.get("screen", "playground"))  # --screen
        welcome = self.options.get("welcome")
        if welcome is not None:
            self.call_after_refresh(self._welcome, Path(welcome))

    def _welcome(self, marker: Path) -> None:
        """Where to begin, once: a note that any key puts away (the key still acts)."""
        self.notify(WELCOME, title="Welcome to convtui", timeout=60)
        self._welcoming = True
        try:  # shown once; if the folder cannot be written, it shows again next time
            marker.parent.mkdir(parents=True, exist_ok=True)
            marker.touch()
        except OSError:
            pass

    async def on_event(self, event: events.Event) -> None:
        # Once quitting (exit() sets the return code), keys and clicks still queued
        # (typed right after q, or a paste holding one) are dropped: acting on them
        # would open screens while the app closes them, and end the session with a
        # traceback instead of a clean exit.
        if self.return_code is not None and isinstance(event, events.InputEvent):
            return
        if isinstance(event, events.Key) and self._welcoming:
            self._welcoming = False
            self.clear_notifications()
        await super().on_event(event)

    # -- the playground, by message ---------------------------------------------

    def tell_playground(self, message: Message) -> None:
        """Show the playground and post ``message`` to it."""
        if self.current_mode != "playground":
            self.switch_mode("playground")
        self.get_screen_stack("playground")[0].post_message(message)

    def on_setup_applied(self, message: SetupApplied) -> None:
        self.playground_setup = message.setup

    def on_replace_setup(self, message: ReplaceSetup) -> None:
        """Another screen's setup (a learned kernel) goes to the playground."""
        message.stop()
        self.tell_playground(ReplaceSetup(message.setup))

    def action_help(self) -> None:
        if not isinstance(self.screen, HelpScreen):
            self.push_screen(HelpScreen(self.screen))


def _training_screen():
    from .screens.training import TrainingScreen  # imported on first use, not at start-up

    return TrainingScreen()


def _layer_screen():
    from .screens.layer import LayerScreen  # imported on first use, not at start-up

    return LayerScreen()


def setup_from_options(options: dict[str, Any]) -> Setup:
    """A ``Setup`` from keyword options (text or arrays); ValueError if invalid.

    ``correlate=True`` is the same as ``flip=False``.

    >>> setup = setup_from_options({"input": "1, 2, 3, 4", "kernel": [5, 6, 7], "mode": "valid"})
    >>> setup.compute().output
    array([34, 52])
    """
    fields = {}
    for name in SETUP_OPTIONS:
        if name in options:
            value = options[name]
            if name in ("input", "kernel") and isinstance(value, str):
                value = parse_array(value)
            fields[name] = value
    if "correlate" in options:
        fields["flip"] = not options["correlate"]
    base = {"input": SEED.input, "kernel": SEED.kernel}
    if "input" in fields and "kernel" not in fields:
        base["kernel"] = kernel_for(np.ndim(fields["input"]))
    return Setup(**{**base, **fields})


def make_app(**options: Any) -> ConvApp:
    """The app with the same options as the command line.

    Setup options: ``setup`` (a ``Setup``), or ``input``, ``kernel`` (text like
    ``"1, 2, 3"`` or arrays), ``mode``, ``flip`` / ``correlate``, ``stride``,
    ``dilation``, ``padding``, ``convention``.  Anything else is kept, unread, in
    ``app.options`` for the parts of the app that want it.

    >>> make_app(input="1 2 3", kernel="1 1").initial_setup.compute().output
    array([1, 3, 5, 3])
    >>> make_app(theme="x").options
    {'theme': 'x'}
    """
    setup = options.pop("setup", None)
    setup_keys = set(SETUP_OPTIONS) | {"correlate"}
    chosen = {k: options.pop(k) for k in list(options) if k in setup_keys}
    if setup is None:
        setup = setup_from_options(chosen) if chosen else SEED
    elif chosen:
        setup = setup.replace(**setup_from_options({**setup.to_dict(), **chosen}).to_dict())
    return ConvApp(setup, **options)
