"""The layer screen: channels, several filters, bias, activation, pooling, stacked layers.

One :class:`~convtui.app.layer_state.LayerState` is this screen's state: keys become
edits, :func:`~convtui.app.layer_state.reduce` gives the next state, and the panes
(maps, one output by hand, the layer as one matrix, the receptive field) receive it
with ``data_bind``.  A big stack is computed in a worker so keys never wait.  The
playground's input arrives as the app last heard it (``app.playground_setup``).
"""

from __future__ import annotations

from dataclasses import dataclass

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.message import Message
from textual.reactive import reactive
from textual.screen import Screen
from textual.widget import Widget

from ...layer_presets import LAYER_PRESETS
from ..layer_state import (
    ACTIVATION_NAMES,
    POOLS,
    Bump,
    Computed,
    Cycle,
    Edit,
    FocusLayer,
    GoToCell,
    LayerResult,
    LayerSpec,
    LayerState,
    MoveCell,
    NextFeature,
    Pick,
    Reseed,
    SetDepth,
    SetInput,
    ToggleDepthwise,
    compute,
    reduce,
    same_numbers,
)
from ..widgets.footer import KeyFooter
from ..widgets.layer_field import LayerField
from ..widgets.layer_maps import LayerMaps, PickCell
from ..widgets.layer_matrix import LayerMatrix
from ..widgets.layer_sum import LayerSum
from .views import TabbedViews

__all__ = ["HELP_INTRO", "LayerScreen", "playground_state"]

VIEWS = ("maps", "sum", "matrix", "field")
HELP_INTRO = """\
convtui layer: what a convolutional layer computes. Each of C_out filters has
C_in × k (× k) weights and a bias: z = Σ_channels (weights · inputs) + b, then
a = activation(z), then optional 2-wide pooling. The weights are seeded random
whole numbers (-2..2, biases -1..1: r draws new ones), so every sum can be checked
by hand.
  Maps    the layer's input channels and its feature maps around the cursor
  By hand the cursor's output: each channel's products and sum, the bias, z, a
  Matrix  the layer as one matrix: C_out × C_in Toeplitz blocks, tied weights
  Field   the input cells the cursor's output depends on, stage by stage
"""


@dataclass
class LayerComputed(Message):
    """A worker computed ``state``'s result."""

    state: LayerState
    result: LayerResult


def playground_state(app) -> LayerState:
    """A start from the playground's input (one channel), else the first preset."""
    setup = getattr(app, "playground_setup", None)
    if setup is not None and setup.input.dtype.kind in "biuf" and setup.input.ndim <= 2:
        for kernel in (3, 1):
            try:
                return LayerState.start(setup.input[None], [LayerSpec(kernel=kernel)])
            except ValueError:
                continue
    return preset_state(0)


def preset_state(number: int) -> LayerState:
    """Preset ``number`` as a state, on its last layer (as ``n`` shows it)."""
    preset = LAYER_PRESETS[number]
    state = LayerState.start(
        preset.x,
        [LayerSpec(**layer) for layer in preset.layers],
        weights=preset.weights,
        biases=preset.biases,
        name=preset.name,
    )
    return reduce(state, FocusLayer(len(preset.layers) - 1))


class LayerStatus(Widget):
    """The input, the chosen layer's options with their keys, and a note (three lines)."""

    DEFAULT_CSS = "LayerStatus { height: auto; max-height: 5; padding: 0 1; }"

    state = reactive(None, init=False, always_update=True, layout=True)  # an error adds a line

    def render(self) -> Content:
        state: LayerState | None = self.state
        if state is None:
            return Content("")
        spec = state.spec
        shape = "×".join(map(str, state.x.shape))

        def option(text: str, keys: str, end: str = " · ") -> list:
            return [text, (f" {keys}", "dim"), end]

        groups = "depthwise" if spec.groups > 1 else "groups 1"
        parts = [
            ("Input ", "bold $accent"),
            (f"{shape} ({state.name})", "bold"),
            ("  n/i", "dim"),
            ("   Layer ", "bold $accent"),
            f"{state.layer + 1} of {len(state.specs)}",
            (" ,/. +/-\n", "dim"),
            *option(f"{spec.out_channels} filters", "c/C"),
            *option(f"kernel {spec.kernel}", "k/K"),
            *option(f"stride {spec.stride}", "s/S"),
            *option(f"dilation {spec.dilation}", "d/D"),
            *option(f"padding {spec.padding}", "p/P"),
            *option(spec.label, "a"),
            *option(f"pool {spec.pool}", "o"),
            *option(groups, "g", "\n"),
        ]
        if state.error:
            parts.append((f"✗ {state.error}", "$error"))
        else:
            parts.append(("←→↑↓ move the output · f/F next map · r new weights", "dim"))
        return Content.assemble(*parts)


class LayerScreen(TabbedViews, Screen):
    """A convolutional layer (or a small stack) with the learner's own numbers."""

    VIEWS = VIEWS
    VIEWS_TABS = "layer-views"
    VIEWS_TABS_BEFORE = "#layer-board"
    VIEWS_TABS_FOCUS = False  # the arrows move the output cell; 1-4 (or a click) a view
    VIEW_PANES = {"maps": "#maps", "sum": "#sum", "matrix": "#layer-matrix", "field": "#field"}
    BINDINGS = [
        Binding("right", "move(1)", "Next output", tooltip="The next output cell", key_display="→"),
        Binding("left", "move(-1)", "Previous output", key_display="←"),
        Binding("down", "move_row(1)", "Output below (2-D)", show=False, key_display="↓"),
        Binding("up", "move_row(-1)", "Output above (2-D)", show=False, key_display="↑"),
        Binding("home", "go(0)", "First output", show=False),
        Binding("end", "go(-1)", "Last output", show=False),
        Binding("f", "feature(1)", "Next map", tooltip="The next feature map (filter)"),
        Binding("F", "feature(-1)", "Previous map", show=False),
        Binding("c", "bump('out_channels', 1)", "More filters", show=False),
        Binding("C", "bump('out_channels', -1)", "Fewer filters", show=False),
        Binding("k", "bump('kernel', 1)", "Bigger kernel", show=False),
        Binding("K", "bump('kernel', -1)", "Smaller kernel", show=False),
        Binding("s", "bump('stride', 1)", "Stride +1", show=False),
        Binding("S", "bump('stride', -1)", "Stride -1", show=False),
        Binding("d", "bump('dilation', 1)", "Dilation +1", show=False),
        Binding("D", "bump('dilation', -1)", "Dilation -1", show=False),
        Binding("p", "bump('padding', 1)", "Padding +1", show=False),
        Binding("P", "bump('padding', -1)", "Padding -1", show=False),
        Binding(
            "a",
            "cycle('activation')",
            "Activation",
            show=False,
            tooltip=" → ".join(ACTIVATION_NAMES),
        ),
        Binding("o", "cycle('pool')", "Pooling", show=False, tooltip=" → ".join(POOLS)),
        Binding("g", "depthwise", "Depthwise", show=False, tooltip="groups = C_in ↔ groups = 1"),
        Binding("plus,equals_sign", "depth(1)", "Add a layer", show=False, key_display="+"),
        Binding("minus", "depth(-1)", "Remove a layer", show=False, key_display="-"),
        Binding("full_stop", "layer(1)", "Next layer", show=False, key_display="."),
        Binding("comma", "layer(-1)", "Previous layer", show=False, key_display=","),
        Binding("r", "reseed", "New weights", show=False, tooltip="New seeded random weights"),
        Binding(
            "n", "preset(1)", "Next preset", tooltip="Edge bank, 1×1 mixing, depthwise, stacks"
        ),
        Binding("N", "preset(-1)", "Previous preset", show=False),
        Binding("i", "from_playground", "Playground input", show=False),
        Binding(
            "O",
            "open_file",
            "Open a file",
            tooltip="A file or a sample as the input channels (a colour image: R, G, B)",
            show=False,
        ),
        Binding(
            "y,escape",
            "app.switch_mode('playground')",
            "Playground",
            tooltip="Back to the playground",
            key_display="y",
        ),
        Binding("1", "view('maps')", "Show the maps", show=False),
        Binding("2", "view('sum')", "Show one output by hand", show=False),
        Binding("3", "view('matrix')", "Show the matrix", show=False),
        Binding("4", "view('field')", "Show the receptive field", show=False),
    ]

    AUTO_FOCUS = None
    HELP_INTRO = HELP_INTRO

    DEFAULT_CSS = """
    LayerScreen #layer-views { display: none; }
    LayerScreen #layer-board { height: 1fr; }
    LayerScreen #layer-left, LayerScreen #layer-right { width: 1fr; }
    LayerScreen LayerMaps, LayerScreen LayerSum, LayerScreen LayerMatrix,
    LayerScreen LayerField { height: 1fr; border: round $primary 50%; padding: 0 1; }
    LayerScreen LayerMaps { height: 2fr; }
    LayerScreen LayerMatrix { height: 3fr; }
    LayerScreen LayerField { height: 2fr; }
    LayerScreen.narrow #layer-views { display: block; }
    LayerScreen.narrow LayerMaps, LayerScreen.narrow LayerSum, LayerScreen.narrow LayerMatrix,
    LayerScreen.narrow LayerField { display: none; height: 1fr; }
    LayerScreen.narrow.view-maps LayerMaps { display: block; }
    LayerScreen.narrow.view-sum LayerSum { display: block; }
    LayerScreen.narrow.view-matrix LayerMatrix { display: block; }
    LayerScreen.narrow.view-field LayerField { display: block; }
    LayerScreen.narrow.view-maps #layer-right, LayerScreen.narrow.view-sum #layer-right,
    LayerScreen.narrow.view-matrix #layer-left,
    LayerScreen.narrow.view-field #layer-left { display: none; }
    """

    state: reactive[LayerState | None] = reactive(
        None, init=False, always_update=True, repaint=False
    )
    """What the panes draw; replaced whole by each edit."""

    view: reactive[str] = reactive("maps", init=False)
    """Which pane shows when the terminal is too small for all of them."""

    def __init__(self, state: LayerState | None = None, **kwargs):
        super().__init__(**kwargs)
        self.add_class("view-maps")
        self._first = state
        self._preset: int | None = None  # the playground's input: n goes to the first preset

    def compose(self) -> ComposeResult:
        yield LayerStatus(id="layer-status").data_bind(LayerScreen.state)
        with Horizontal(id="layer-board"):
            with Vertical(id="layer-left"):
                yield LayerMaps(id="maps").data_bind(LayerScreen.state)
                yield LayerSum(id="sum").data_bind(LayerScreen.state)
            with Vertical(id="layer-right"):
                yield LayerMatrix(id="layer-matrix").data_bind(LayerScreen.state)
                yield LayerField(id="field").data_bind(LayerScreen.state)
        yield KeyFooter()

    def on_mount(self) -> None:
        first = self._first
        saved = getattr(self.app, "options", {}).get("layer")  # a session file's (--open)
        if first is None and saved is not None:
            try:
                first = LayerState.from_dict(saved)
            except ValueError as exc:
                text = f"The session's layer screen was not restored: {exc}"
                self.notify(text, severity="error", timeout=10)
        self.replace_state(first or playground_state(self.app))

    # -- the state ------------------------------------------------------------

    def replace_state(self, state: LayerState) -> None:
        """Show ``state`` whole (a session's, a test's); a worker computes it if big."""
        self.state = state
        if state.result is None:
            self._compute(state)

    def _edit(self, edit: Edit) -> None:
        old = self.state
        if old is None:
            return
        new = reduce(old, edit)
        if new is old:
            return
        self.state = new
        if new.result is None and (old.result is not None or not same_numbers(old, new)):
            self._compute(new)

    @work(thread=True, exclusive=True, exit_on_error=False, group="layer")
    def _compute(self, state: LayerState) -> None:
        try:
            result = compute(state)
        except Exception as exc:  # a fault is shown, never fatal
            self.app.call_from_thread(self.notify, f"The layer failed: {exc}", severity="error")
            return
        self.post_message(LayerComputed(state, result))

    def on_layer_computed(self, message: LayerComputed) -> None:
        message.stop()
        self._edit(Computed(message.state, message.result))

    def on_pick_cell(self, message: PickCell) -> None:
        message.stop()
        self._edit(Pick(message.feature, message.cell))

    # -- actions ------------------------------------------------------------

    def action_move(self, by: int) -> None:
        self._edit(MoveCell(by))

    def action_move_row(self, by: int) -> None:
        self._edit(MoveCell(by, axis=0))

    def action_go(self, where: int) -> None:
        self._edit(GoToCell(where))

    def action_feature(self, by: int) -> None:
        self._edit(NextFeature(by))

    def action_bump(self, name: str, by: int) -> None:
        self._edit(Bump(name, by))

    def action_cycle(self, name: str) -> None:
        self._edit(Cycle(name))

    def action_depthwise(self) -> None:
        self._edit(ToggleDepthwise())

    def action_depth(self, by: int) -> None:
        self._edit(SetDepth(by))

    def action_layer(self, by: int) -> None:
        self._edit(FocusLayer(by))

    def action_reseed(self) -> None:
        if self.state is not None:
            self._edit(Reseed(self.state.seed + 1))

    def action_preset(self, by: int) -> None:
        at = (0 if by > 0 else -1) if self._preset is None else self._preset + by
        self._preset = at % len(LAYER_PRESETS)
        preset = LAYER_PRESETS[self._preset]
        self._edit(
            SetInput(
                preset.x,
                preset.name,
                tuple(LayerSpec(**layer) for layer in preset.layers),
                preset.weights,
                preset.biases,
            )
        )
        self.notify(f"{preset.name}: {preset.note}", timeout=4)

    def action_from_playground(self) -> None:
        fresh = playground_state(self.app)
        self._preset = None
        self._edit(SetInput(fresh.x, fresh.name, fresh.specs))

    def action_open_file(self) -> None:
        """A file, or a shipped sample, as the layer's input channels (a dialog)."""
        from .open_file import OpenFileScreen

        def shown(note: str | None) -> None:
            if note:  # what was opened, and any downsampling: never silent
                self.notify(note, title="Opened", timeout=8)

        self.app.push_screen(OpenFileScreen(None, self._open_channels, channels=True), shown)

    def _open_channels(self, changes: dict) -> str:
        """Show the file's channels under the layers as they are; else the reason."""
        old = self.state
        if old is None:
            return "the layer screen is still starting"
        self._preset = None
        self._edit(SetInput(changes["x"], changes["name"]))
        if self.state is old or self.state.error:  # refused: back to the state as it was
            refused, self.state = self.state.error or "not changed", old
            return refused
        return ""

    def action_view(self, name: str) -> None:
        if self.has_class("narrow"):
            self.view = name

    def check_action(self, action: str, parameters: tuple) -> bool | None:
        if action == "move_row":
            return self.state is None or self.state.x.ndim > 2
        return True
