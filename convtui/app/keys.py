"""Every key of a screen and of the app, for the help screen and the command palette."""

from __future__ import annotations

from collections.abc import Iterator

from textual.binding import Binding
from textual.dom import DOMNode

__all__ = ["bindings_of", "key_label"]

SYSTEM = {"app.focus_next", "app.focus_previous", "screen.copy_text", "help_quit"}


def bindings_of(node: DOMNode) -> Iterator[Binding]:
    """The bindings declared on ``node``'s class and its bases (nearest first)."""
    seen = set()
    for cls in type(node).__mro__:
        for binding in Binding.make_bindings(cls.__dict__.get("BINDINGS", [])):
            if binding.action in SYSTEM or not binding.description:
                continue
            if (binding.key, binding.action) in seen:
                continue
            seen.add((binding.key, binding.action))
            yield binding


def key_label(node: DOMNode, binding: Binding) -> str:
    """How a key is written for a person: ``→``, ``ctrl+q``, ``?``."""
    if binding.key_display:
        return binding.key_display
    return node.app.get_key_display(binding)
