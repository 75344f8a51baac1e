"""The mode panel: every option of the slide, its key, and the output-length formula.

Each value is clickable (the mouse works too); the keys are the screen's.  A setup
the engine refuses (say stride 2 with ``same`` under PyTorch's rules) shows its
message here while every pane keeps the last valid setup.  The formula is the
geometry's (``Geometry.formula``) with this setup's numbers filled in, for every
operation: the padding modes, causal, and a transposed convolution with its output
padding.
"""

from __future__ import annotations

from textual.content import Content
from textual.markup import escape
from textual.reactive import reactive
from textual.widgets import Static

from ...engine.backend import backend_info, get_backend
from ...engine.geometry import CONVENTIONS, MODES, PADDING_MODES, plan

__all__ = ["ModePanel"]

AXES = {1: ("",), 2: ("rows ", "cols "), 3: ("axis 0 ", "axis 1 ", "axis 2 ")}


def _value(v) -> str:
    if isinstance(v, tuple):
        return "×".join(str(x if not isinstance(x, tuple) else x[0]) for x in v)
    return str(v)


def fill_picture(padding_mode: str) -> str:
    """What ``padding_mode`` puts around ``a b c d``, two cells a side (from the geometry).

    >>> fill_picture("reflect"), fill_picture("circular")
    ('c b | a b c d | c b', 'c d | a b c d | a b')
    """
    sources = plan((4,), (3,), "full", padding_mode=padding_mode).source_index(0).tolist()
    cells = ["0" if i < 0 else "abcd"[i] for i in sources]
    return f"{' '.join(cells[:2])} | {' '.join(cells[2:6])} | {' '.join(cells[6:])}"


def _tight(formula: str) -> str:
    """A formula without its spaces, but for those around ``=``."""
    return formula.replace(" ", "").replace("=", " = ")


class ModePanel(Static):
    """Mode, flip, stride, dilation, padding, convention and the formula."""

    DEFAULT_CSS = """
    ModePanel { height: auto; padding: 0 0 1 0; }
    """

    state = reactive(None, init=False, always_update=True, repaint=False)

    def __init__(self, **kwargs):
        super().__init__("", **kwargs)
        self._shown = None
        # set before the app starts (convtui --backend, CONVTUI_BACKEND); shown for the GPU only
        self._backend = "" if get_backend() == "numpy" else backend_info()

    def watch_state(self, state) -> None:
        if state is None:
            return
        key = (state.setup, state.error, state.reading)
        if self._shown is not None and key[0] is self._shown[0] and key[1:] == self._shown[1:]:
            return
        self._shown = key
        self.update(self._content(state))

    def _content(self, state) -> Content:
        s = state.setup
        g = s.geometry
        # each line of the geometry's formula reads "out = rule = numbers = length"
        formula = [line.split(" = ", 2) for line in g.formula()]
        modes = "  ".join(
            f"[b reverse]{m}[/]" if m == s.mode else f"[@click=screen.set_mode('{m}')]{m}[/]"
            for m in MODES
        )
        fills = [
            f"[b reverse]{m}[/]"
            if m == s.padding_mode
            else f"[@click=screen.set_padding_mode('{m}')]{m}[/]"
            for m in PADDING_MODES
        ]
        layers = "  ".join(
            f"[b reverse]{name}[/]"
            if on == s.transposed
            else f"[@click=screen.toggle_transposed()]{name}[/]"
            for name, on in (("forward", False), ("transposed", True))
        )
        flip = "[b]convolution[/]: kernel flipped" if s.flip else "[b]cross-correlation[/]: no flip"
        # the first six are the ones a newcomer needs, above the fold at 80×24
        lines = [
            "[b $accent]Options[/]",
            f"mode     {modes}  [dim]m[/]",
            f"kernel   [@click=screen.cycle('flip')]{flip}[/]  [dim]f[/]",
            self._number("stride", s.stride, "stride", "s/S"),
            self._number("dilation", s.dilation, "dilation", "d/D"),
            self._number("padding", s.padding, "padding", "p/P"),
            f"library  [@click=screen.cycle('convention')]{CONVENTIONS[s.convention].label}[/]  "
            "[dim]c[/]",
            f"pad mode {'  '.join(fills[:3])}",
            f"         {'  '.join(fills[3:])}  [dim]b[/]",
            f"layer    {layers}  [dim]u[/]",
        ]
        if s.transposed:
            readings = "  ".join(
                f"[b reverse]{r}[/]"
                if r == state.reading
                else f"[@click=screen.toggle_reading()]{r}[/]"
                for r in ("gather", "scatter")
            )
            lines += [
                self._number("out pad", s.output_padding, "output_padding", "o/O"),
                f"reading  {readings}  [dim]z[/]",
            ]
        lines += [
            "",
            "[b $accent]Output length[/] [dim](per axis)[/]",
            "out = " + _tight(formula[0][1]),
        ]
        if g.transposed:
            lines.append(
                "[dim]n input, s stride, pb/pa padding cropped off before/after, "
                "d dilation, k kernel, op output padding[/]"
            )
        else:
            lines.append(
                "[dim]n input, k kernel, pb/pa padded before/after, d dilation, s stride[/]"
            )
        for axis, (_, _, numbers) in zip(AXES[g.ndim], formula):
            lines.append(f"{axis}= {_tight(numbers)}")
        lines += self._notes(s, g)
        if self._backend:
            lines.append(f"[dim]computed with {escape(self._backend)}[/]")
        if g.size == 0:
            lines.append("[b $warning]the output is empty: the kernel is longer than the input[/]")
        if state.error:
            lines += [
                "",
                f"[b $error]✗ {escape(state.error)}[/]",
                "[dim]showing the last valid setup[/]",
            ]
        return Content.from_markup("\n".join(lines))

    @staticmethod
    def _notes(s, g) -> list[str]:
        """Where the padded cells go and what fills them (the geometry's numbers)."""
        axes = AXES[g.ndim]
        if g.transposed:
            notes = [
                f"[dim]{axis}padding crops {b} before, {a} after; output padding adds {op}[/]"
                for axis, (b, a), op in zip(axes, g.pad, g.output_padding)
            ]
            return [
                *notes,
                "[dim]transposed: the forward convolution read backwards (mode valid, "
                "zeros padding)[/]",
            ]
        pads = ", ".join(f"{axis}{b} before, {a} after" for axis, (b, a) in zip(axes, g.pad))
        notes = [f"[dim]padded cells: {pads}[/]"]
        if s.padding_mode != "zeros":
            notes.append(f"[dim]filled by {s.padding_mode}: {fill_picture(s.padding_mode)}[/]")
        if s.mode == "same" and any(b != a for b, a in g.mode_pad):
            notes.append(f"[dim]odd padded cell at the {CONVENTIONS[s.convention].extra_at}[/]")
        if s.mode == "causal":
            notes.append(
                "[dim]causal: the mode's cells all before, none after: "
                "y\\[i] never sees x after i·s[/]"
            )
        return notes

    @staticmethod
    def _number(label: str, value, action: str, keys: str) -> str:
        return (
            f"{label:<8} [@click=screen.decrease('{action}')] − [/] [b]{_value(value)}[/] "
            f"[@click=screen.increase('{action}')] + [/]  [dim]{keys}[/]"
        )
