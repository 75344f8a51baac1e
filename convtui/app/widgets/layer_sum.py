"""The layer screen's sum pane: one output of one feature map, as numbers to check by hand.

    z = Σ over the input channels the filter reads (Σ weight·input) + bias,   a = f(z)

Each channel's products are written out, then the channel sums, the bias, ``z`` and
the activation, from :func:`convtui.app.layer_state.cell_sum`.  A tap on padding
reads 0.
"""

from __future__ import annotations

from rich.text import Text

from ..formatting import number
from ..layer_state import LayerState, cell_sum
from .grid import KERNEL, OUTPUT
from .lines import LinesPane

__all__ = ["LayerSum"]


def _signed(value: float) -> str:
    return f"({number(value)})" if value < 0 else number(value)


class LayerSum(LinesPane, can_focus=True):
    """How the cursor's output is made: per-channel sums, bias, activation."""

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.border_title = "One output, by hand [2]"

    def lines(self, width: int, height: int) -> list[Text]:
        state: LayerState | None = self.state
        if state is None or state.result is None:
            return [Text("Computing the layer…", style="italic")] if state else []
        s = cell_sum(state)
        where = ", ".join(map(str, state.cell))
        lines = [
            Text.assemble(
                ("z", "bold"),
                f"[map {state.feature}, at {where}] of layer {state.layer + 1}",
                " = Σ channels + bias",
            )
        ]
        for ch in s.channels:
            line = Text(f"ch {ch.channel}: ", style="bold")
            for i, (w, x) in enumerate(zip(ch.weights, ch.inputs)):
                if i:
                    line.append(" + ")
                line.append(_signed(w), style=KERNEL)
                line.append("·")
                line.append(_signed(x))
            line.append(" = ")
            line.append(number(ch.total), style="bold")
            lines.append(line)
        sums = " + ".join(_signed(ch.total) for ch in s.channels)
        lines.append(Text.assemble(("bias", "bold"), f" = {number(s.bias)}"))
        lines.append(
            Text.assemble(("z", "bold"), f" = {sums} + {_signed(s.bias)} = ", (number(s.z), "bold"))
        )
        if s.activation == "none":
            lines.append(Text("a = z (no activation)", style=OUTPUT))
        else:
            lines.append(Text(f"a = {s.activation}({number(s.z)}) = {number(s.a)}", style=OUTPUT))
        if state.spec.pool != "none":
            pooled = tuple(c // 2 for c in state.cell)
            out = state.result.layers[state.layer].out[state.feature]
            if all(p < n for p, n in zip(pooled, out.shape)):
                lines.append(
                    Text(
                        f"{state.spec.pool} pooling: this cell is in pooled cell "
                        f"{', '.join(map(str, pooled))} = {number(out[pooled])}",
                        style="dim",
                    )
                )
            else:
                lines.append(Text("pooling drops this cell (the ragged edge)", style="dim"))
        return lines
