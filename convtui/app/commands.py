"""The command palette (ctrl+p): every action of the current screen and the app, by name."""

from __future__ import annotations

from functools import partial

from textual.command import DiscoveryHit, Hit, Hits, Provider

from .keys import bindings_of, key_label

__all__ = ["ActionCommands"]


class ActionCommands(Provider):
    """Lists each key binding's action by its description, with the key beside it."""

    def _commands(self):
        seen = set()
        for node in (self.screen, self.app):
            for binding in bindings_of(node):
                if binding.description in seen:
                    continue
                seen.add(binding.description)
                help_text = f"key: {key_label(node, binding)}"
                if binding.tooltip:
                    help_text += f" — {binding.tooltip}"
                yield binding.description, help_text, partial(self._run, binding.action, node)

    async def _run(self, action: str, node) -> None:
        await self.app.run_action(action, node)

    async def discover(self) -> Hits:
        for name, help_text, run in self._commands():
            yield DiscoveryHit(name, run, help=help_text)

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for name, help_text, run in self._commands():
            score = matcher.match(name)
            if score > 0:
                yield Hit(score, matcher.highlight(name), run, help=help_text)
