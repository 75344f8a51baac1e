"""Tied weights: one kernel weight, used at every position, sums its gradient terms.

For the selected weight the pane lists, position by position, the loss gradient
at that output, the input value the weight met there, and their product (the
engine's ``gradient_terms``); above the list, their sum over the example, over
every example, and the gradient the engine reported for the weight.  When the
positions do not fit, it lists the largest terms and says what the others add.
"""

from __future__ import annotations

import numpy as np
from textual.content import Content
from textual.reactive import reactive
from textual.widget import Widget

from .training_kernel import weight_name

__all__ = ["TiedWeights", "figure"]


def figure(value: float) -> str:
    """A gradient-sized number in at most 10 characters, sign always shown.

    >>> figure(0.000123456), figure(-12.5), figure(0.0), figure(3e-12)
    ('+0.0001235', '-12.5', '+0', '+3e-12')
    """
    return f"{value + 0.0:+.4g}"  # + 0.0: no "-0"


def _position(index: int, shape: tuple[int, ...]) -> str:
    if len(shape) <= 1:
        return f"y[{index}]"
    return "y[" + ",".join(str(i) for i in np.unravel_index(index, shape)) + "]"


def _dim_rows(view, name: str) -> str:
    """What the dim rows (a term of 0, from a 0 met) mean here, in words that are true.

    One line of the pane (at most 60 characters with a 9×9 kernel's weight names).

    >>> from types import SimpleNamespace as View
    >>> met, padded = np.array([0.0, 2.0, 0.0]), np.array([True, False, False])
    >>> _dim_rows(View(inputs=met, padded=padded, padding_mode="zeros"), "w[0]")
    'Dim rows: w[0] met a padding zero or a 0 input, adding 0.'
    >>> _dim_rows(View(inputs=met, padded=~padded & False, padding_mode="zeros"), "w[0]")
    'Dim rows: w[0] met an input of 0 there, adding 0.'
    >>> _dim_rows(View(inputs=met, padded=padded, padding_mode="zeros", transposed=True), "w[0]")
    'Dim rows: w[0] met a stuffed zero or a 0 input, adding 0.'
    """
    zero = view.inputs == 0
    padding_zero = view.padded & (view.padding_mode == "zeros")
    on_padding, on_input = bool((zero & padding_zero).any()), bool((zero & ~padding_zero).any())
    if getattr(view, "transposed", False) and on_padding:
        also = " or a 0 input" if on_input else ""
        return f"Dim rows: {name} met a stuffed zero{also}, adding 0."
    if on_padding and on_input:
        return f"Dim rows: {name} met a padding zero or a 0 input, adding 0."
    if on_padding:
        return f"Dim rows: {name} met a padding zero there, adding 0."
    if on_input:
        return f"Dim rows: {name} met an input of 0 there, adding 0."
    return f"No term is 0: {name} met no zero at any position."


class TiedWeights(Widget):
    """The selected weight's gradient terms and their sum, next to the engine's gradient."""

    snapshot = reactive(None, init=False, always_update=True, repaint=False)

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.border_title = "Tied weights: one weight, many uses, one summed gradient"

    def watch_snapshot(self, snapshot) -> None:
        several = snapshot is not None and len(snapshot.run.problem.x) > 1
        self.border_subtitle = "←/→ weight" + (" · X example" if several else "")
        self.refresh()

    def render(self) -> Content:
        snapshot = self.snapshot
        view = None if snapshot is None else snapshot.tied
        if view is None:
            return Content("")
        name = weight_name(view.weight)
        example = f"example {view.example + 1} of {view.examples}"
        positions = view.terms.size
        if view.transposed:
            used_at = f"{name} carries each input to one of the {positions} outputs"
        else:
            used_at = f"{name} is used at every output position ({positions} of them)"
        lines: list = [
            f"{used_at},\n",
            f"so dL/d{name} = Σᵢ dL/dy[i] × (input {name} met at i)\n",
        ]
        if snapshot.run.config.activation != "identity":
            lines.append(("(y: the output before the activation)\n", "dim"))
        if view.examples > 1:
            lines += [
                f"  {'Σ ' + example + f' ({positions} terms)':<30}= ",
                (f"{figure(view.example_sum)}\n", "bold"),
                f"  {f'Σ all {view.examples} examples':<30}= ",
            ]
        else:
            lines.append(f"  {f'Σ over the {positions} positions':<30}= ")
        lines.append((f"{figure(view.total)}\n", "bold"))
        lines.append(f"  {f'engine: dL/d{name}':<30}= ")
        lines.append((f"{figure(view.engine)}", "bold"))
        lines.append(("  ✓ same\n", "$success") if view.agrees else ("  ✗ differs\n", "$error"))
        header = f"  {'position':<10}{'dL/dy[i]':>11} × {'input':>10} = {'term':>11}"
        lines.append((header + "\n", "dim"))
        used = sum((part if isinstance(part, str) else part[0]).count("\n") for part in lines)
        room = max(self.size.height - used, 3) if self.size.height else 12
        if positions <= room:
            rows = range(positions)
        else:  # the largest terms, in order of position; one line says what the rest add
            rows = sorted(np.argsort(-np.abs(view.terms), kind="stable")[: room - 1])
        for i in rows:
            met = view.inputs[i]
            row = (
                f"  {_position(i, view.output_shape):<10}{figure(view.grad_output[i]):>11}"
                f" × {figure(met):>10} = {figure(view.terms[i]):>11}\n"
            )
            lines.append((row, "dim" if met == 0 else ""))
        shown = len(rows)
        if shown < positions:
            rest = view.example_sum - float(view.terms[list(rows)].sum())
            lines.append((f"  the other {positions - shown} positions add {figure(rest)}", "dim"))
        elif shown + used + 3 <= self.size.height:
            lines.append((f"\n{_dim_rows(view, name)}\n", "dim"))
            if view.transposed:
                lines.append((f"In Mᵀ, {name} sits at most once in a column (an input),\n", "dim"))
                lines.append(("so its gradient collects at most one term per input.", "dim"))
            else:
                lines.append((f"One {name} sits in every row of the layer's matrix,\n", "dim"))
                lines.append(("so its gradient collects a term from every row.", "dim"))
        return Content.assemble(*lines)
