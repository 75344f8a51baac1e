"""The ``stack`` exercise kind: a question about a stack of layers, answered by the engine.

A lesson names the layers as the engine's :class:`~convtui.engine.stack.Conv` and
:class:`~convtui.engine.stack.Pool` are called, separated by ``;``::

    layers: conv(3, 16, 3); pool(2); conv(16, 32, 3, dilation=2, groups=16)
    ask: field

``conv(C_in, C_out, k, stride=, dilation=, padding=, groups=, bias=)`` and
``pool(size, stride=, padding=)`` on images (two spatial axes; a kernel ``k`` is
``k × k``).  ``ask`` is ``field`` (how many input cells per axis one output of the
last layer sees, :func:`~convtui.engine.receptive.receptive_field`), ``jump`` (how
far apart neighbouring outputs' fields start) or ``parameters`` (weights and biases,
:meth:`~convtui.engine.stack.Stack.parameters`).

>>> stack_answer("conv(1, 1, 3); conv(1, 1, 3)", "field")
5
>>> stack_answer("conv(3, 8, 3)", "parameters")     # 8 filters of 3×3×3, 8 biases
224
>>> print(stack_worked("conv(1, 1, 3, stride=2); pool(2)", "jump"))
layer 1 conv k=3 s=2 d=1: field 1 + (3−1)·1·1 = 3, jump 1·2 = 2
layer 2 pool k=2 s=2 d=1: field 3 + (2−1)·1·2 = 5, jump 2·2 = 4
"""

from __future__ import annotations

import re

from ..engine.stack import Conv, Pool, Stack

__all__ = ["ASKS", "parse_layers", "stack_answer", "stack_worked"]

ASKS = ("field", "jump", "parameters")

_CALL = re.compile(r"^\s*(conv|pool)\s*\(([^()]*)\)\s*$")
_POSITIONAL = {"conv": ("in_channels", "out_channels", "kernel_size"), "pool": ("size",)}
_KEYWORDS = {
    "conv": ("stride", "dilation", "padding", "groups", "bias"),
    "pool": ("stride", "padding"),
}


def _value(text: str, what: str):
    lowered = text.strip().lower()
    if lowered in ("true", "false"):
        return lowered == "true"
    try:
        return int(lowered)
    except ValueError:
        raise ValueError(
            f"{what} must be a whole number (or true/false), got {text.strip()!r}"
        ) from None


def parse_layers(text: str) -> list[Conv | Pool]:
    """``conv(3, 8, 3); pool(2)`` → the engine's layers; ValueError naming the part at fault.

    >>> parse_layers("pool(2, stride=1)")
    [Pool(size=2, stride=1, padding=0, kind='max', count_include_pad=True)]
    """
    layers = []
    for number, part in enumerate(text.split(";"), start=1):
        match = _CALL.match(part)
        if match is None:
            raise ValueError(
                f"layers: layer {number} must be conv(C_in, C_out, k, …) or pool(size, …), "
                f"got {part.strip()!r}"
            )
        name, inside = match.groups()
        args, options = [], {}
        for item in filter(None, (a.strip() for a in inside.split(","))):
            key, sep, value = item.partition("=")
            if not sep:
                if options:
                    raise ValueError(f"layers: layer {number}: {item!r} comes after a key=value")
                args.append(_value(item, f"layers: layer {number}"))
            elif key.strip() in _KEYWORDS[name]:
                options[key.strip()] = _value(value, f"layers: layer {number}: {key.strip()}")
            else:
                raise ValueError(
                    f"layers: layer {number}: {name}() takes {', '.join(_KEYWORDS[name])}; "
                    f"got {key.strip()!r}"
                )
        if len(args) != len(_POSITIONAL[name]):
            raise ValueError(
                f"layers: layer {number}: {name}() needs {', '.join(_POSITIONAL[name])}, "
                f"got {part.strip()!r}"
            )
        try:
            layer = (Conv if name == "conv" else Pool)(*args, **options)
        except ValueError as exc:
            raise ValueError(f"layers: layer {number}: {exc}") from None
        layers.append(layer)
    return layers


def _stack(text: str) -> Stack:
    try:
        return Stack(parse_layers(text), ndim=2)
    except ValueError as exc:
        message = str(exc)
        raise ValueError(
            message if message.startswith("layers") else f"layers: {message}"
        ) from None


def _check_ask(ask: str) -> str:
    if ask.strip() not in ASKS:
        raise ValueError(f"ask must be one of {', '.join(ASKS)}; got {ask.strip()!r}")
    return ask.strip()


def stack_answer(layers: str, ask: str) -> int:
    """The engine's answer: the last layer's field or jump, or the stack's parameters."""
    ask = _check_ask(ask)
    stack = _stack(layers)
    if ask == "parameters":
        return stack.parameters()
    return getattr(stack.receptive_field(), ask)


def stack_worked(layers: str, ask: str) -> str:
    """The answer written out layer by layer."""
    ask = _check_ask(ask)
    stack = _stack(layers)
    lines = []
    if ask == "parameters":
        for number, (weight, bias) in enumerate(stack.weights, 1):
            if weight is None:
                lines.append(f"layer {number} pool: no parameters")
                continue
            shape = " × ".join(str(v) for v in weight.shape)
            count = weight.size + (0 if bias is None else bias.size)
            biases = "" if bias is None else f" + {bias.size} biases"
            lines.append(f"layer {number} conv: {shape} weights{biases} = {count}")
        lines.append(f"total: {stack.parameters()}")
        return "\n".join(lines)
    field, jump = 1, 1
    rf = stack.receptive_field()
    for number, (row, kind) in enumerate(zip(rf.layers, rf.kinds), start=1):
        lines.append(
            f"layer {number} {kind} k={row.kernel} s={row.stride} d={row.dilation}: "
            f"field {field} + ({row.kernel}−1)·{row.dilation}·{jump} = {row.field}, "
            f"jump {jump}·{row.stride} = {row.jump}"
        )
        field, jump = row.field, row.jump
    return "\n".join(lines)
