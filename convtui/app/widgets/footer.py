"""The key footer: the essential keys on one line, drawn by one widget.

Textual's ``Footer`` mounts a widget per key and mounts them all again whenever the
focused widget changes; at start-up that was four rounds of ten keys, a fifth of the
time to the first frame, and every focus change (Tab, an editor, a dialog) paid it
again.  :class:`KeyFooter` keeps the look (the same theme variables, the command
palette key on the right) but draws the line itself, redraws only when the keys it
shows change, and works out which key a click or the pointer is on from its column.

The keys come in the order a newcomer needs them, so a narrow footer leaves out the
least needed: the screen's own keys, then the app's essentials (:data:`APP_FIRST`:
lessons, help, lab, code, save, quit), then the keys a pane already shows
(:data:`SHOWN_ELSEWHERE`: the options' keys are in the mode panel), then the rest.
``?`` lists every key.
"""

from __future__ import annotations

from dataclasses import dataclass

from rich.cells import cell_len
from rich.style import Style
from rich.text import Text
from textual import events
from textual.screen import Screen
from textual.widget import Widget

__all__ = ["APP_FIRST", "SHOWN_ELSEWHERE", "FooterEntry", "KeyFooter", "footer_entries"]

APP_FIRST = (
    "lesson('next')",
    "lesson('answer')",
    "lessons",
    "help",
    "lab('lab')",
    "lab('numpy')",
    "save_session",
    "quit",
)
"""The app's keys a newcomer needs, in order: after the screen's own, before the rest."""

SHOWN_ELSEWHERE = frozenset({"play", "cycle('mode')", "cycle('flip')"})
"""Actions whose keys a pane already shows (the mode panel's options, the slide's
``space play``): the footer gives them what room is left after the app's."""

SHORT = {"Conventions lab": "Lab", "Export code": "Code", "Train a kernel": "Train"}
"""Footer words for descriptions that the palette and the help screen keep longer."""


@dataclass(frozen=True)
class FooterEntry:
    """One key as the footer shows it."""

    key: str
    display: str
    description: str
    enabled: bool
    tooltip: str


def footer_entries(screen: Screen) -> tuple[list[FooterEntry], FooterEntry | None]:
    """The keys ``screen`` shows now (one per action, first binding wins), and the palette key."""
    app = screen.app
    entries: list[tuple[tuple[int, int], FooterEntry]] = []
    seen: set[str] = set()
    palette: FooterEntry | None = None
    for node, binding, enabled, tooltip in screen.active_bindings.values():
        entry = FooterEntry(
            binding.key,
            app.get_key_display(binding),
            SHORT.get(binding.description, binding.description),
            enabled,
            tooltip or binding.tooltip or binding.description,
        )
        if binding.key == app.COMMAND_PALETTE_BINDING:
            if app.ENABLE_COMMAND_PALETTE:
                palette = entry
            continue
        if not binding.show or binding.action in seen:
            continue
        seen.add(binding.action)
        entries.append((_rank(binding.action, node is app), entry))
    entries.sort(key=lambda pair: pair[0])  # stable: within a rank, the bindings' order
    return [entry for _, entry in entries], palette


def _rank(action: str, of_app: bool) -> tuple[int, int]:
    """Where a key goes in the footer: see the module's docstring."""
    if action in SHOWN_ELSEWHERE:
        return (2, 0)
    if of_app:
        return (1, APP_FIRST.index(action)) if action in APP_FIRST else (3, 0)
    return (0, 0)


class KeyFooter(Widget, can_focus=False):
    """The screen's shown bindings as ``key description`` pairs; click one to press it."""

    ALLOW_SELECT = False
    COMPONENT_CLASSES = {
        "key-footer--key",
        "key-footer--description",
        "key-footer--hover",
        "key-footer--edge",
    }
    DEFAULT_CSS = """
    KeyFooter {
        dock: bottom;
        height: 1;
        color: $footer-foreground;
        background: $footer-background;
        .key-footer--key {
            color: $footer-key-foreground;
            background: $footer-key-background;
            text-style: bold;
        }
        .key-footer--description {
            color: $footer-description-foreground;
            background: $footer-description-background;
        }
        .key-footer--hover { background: $block-hover-background; }
        .key-footer--edge { color: $foreground 20%; }
    }
    """

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._entries: list[FooterEntry] = []
        self._palette: FooterEntry | None = None
        self._columns: list[tuple[int, int, FooterEntry]] = []  # [start, end) per key drawn
        self._hover: FooterEntry | None = None

    @property
    def entries(self) -> list[FooterEntry]:
        """The screen's footer keys, most needed first (the palette key not included)."""
        return list(self._entries)

    @property
    def shown(self) -> list[FooterEntry]:
        """The keys drawn now, left to right: as many of :attr:`entries` as fit."""
        return [entry for _, _, entry in self._columns if entry is not self._palette]

    def on_mount(self) -> None:
        self.screen.bindings_updated_signal.subscribe(self, self._bindings_changed)
        self._bindings_changed(self.screen)

    def on_unmount(self) -> None:
        self.screen.bindings_updated_signal.unsubscribe(self)

    def _bindings_changed(self, screen: Screen) -> None:
        if not self.is_attached or screen is not self.screen:
            return
        entries, palette = footer_entries(screen)
        if entries != self._entries or palette != self._palette:
            self._entries, self._palette = entries, palette
            self.refresh()

    def render(self) -> Text:
        key_style = self.get_component_rich_style("key-footer--key")
        description_style = self.get_component_rich_style("key-footer--description")
        hover_style = self.get_component_rich_style("key-footer--hover", partial=True)
        edge = self.background_colors[1] + self.get_component_styles("key-footer--edge").color
        edge_style = Style(color=edge.rich_color)
        width = self.size.width
        tail = Text(no_wrap=True, end="")
        if self._palette is not None:
            tail.append("▏", edge_style)
            tail.append(self._palette.display, key_style)
            tail.append(f" {self._palette.description} ", description_style)
        palette = self._palette is not None and tail.cell_len <= width
        room = width - tail.cell_len if palette else width

        text = Text(no_wrap=True, end="")
        columns: list[tuple[int, int, FooterEntry]] = []
        for entry in self._entries:
            start = text.cell_len
            if start + cell_len(f" {entry.display} {entry.description} ") > room:
                break  # whole keys only: the rest are the least needed
            dim = Style(dim=True) if not entry.enabled else Style()
            text.append(f" {entry.display} ", key_style + dim)
            text.append(f"{entry.description} ", description_style + dim)
            columns.append((start, text.cell_len, entry))
        text.truncate(room, pad=True)
        if palette:
            columns.append((room, width, self._palette))
            text.append_text(tail)
        for start, end, entry in columns:
            if entry == self._hover:
                text.stylize(hover_style, start, end)
        self._columns = columns
        text.stylize_before(self.rich_style)
        return text

    def entry_at(self, x: int) -> FooterEntry | None:
        """The key drawn at column ``x`` of the footer, if any."""
        return next((entry for start, end, entry in self._columns if start <= x < end), None)

    def on_mouse_down(self, event: events.MouseDown) -> None:
        entry = self.entry_at(event.x)
        if entry is None:
            return
        event.stop()
        if entry.enabled:
            self.app.simulate_key(entry.key)
        else:
            self.app.bell()

    def on_mouse_move(self, event: events.MouseMove) -> None:
        entry = self.entry_at(event.x)
        if entry != self._hover:
            self._hover = entry
            self.tooltip = entry.tooltip if entry is not None else None
            self.refresh()

    def on_leave(self, event: events.Leave) -> None:
        if self._hover is not None:
            self._hover = None
            self.tooltip = None
            self.refresh()
