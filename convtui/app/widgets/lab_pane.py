"""The conventions lab as a pane: the playground's x, w and mode through each library.

The rows come from :func:`convtui.lab.compare` (the same table as ``convtui
compare``); this pane only draws them.  Rows that differ from the first are
marked ``*`` and highlighted.
"""

from __future__ import annotations

from rich.console import Console
from rich.table import Table
from rich.text import Text
from textual.reactive import reactive
from textual.widgets import Static

from ...commands import format_array
from ...engine.setup import Setup
from ...lab import AXES_NOTE, LabRow, compare, format_padding

__all__ = ["LabPane", "lab_lines", "lab_table"]

MAX_SHOWN = 16  # output values per row before "…"


def _output(row: LabRow) -> Text:
    if row.output is None:
        return Text(row.note, style="dim italic")
    values = format_array(row.output.reshape(-1)[:MAX_SHOWN]).split()
    if row.output.ndim > 1:
        width = row.output.shape[-1]
        rows = [" ".join(values[i : i + width]) for i in range(0, len(values), width)]
        text = " / ".join(rows)
    else:
        text = " ".join(values)
    if row.output.size > MAX_SHOWN:
        text += " …"
    return Text(text or "(empty)")


def lab_table(rows: list[LabRow]) -> Table:
    """A Rich table of the lab's rows, one line each."""
    table = Table(expand=True, show_edge=False, pad_edge=False, header_style="bold")
    table.add_column("", width=1, no_wrap=True)
    table.add_column("library", no_wrap=True)
    table.add_column("call", overflow="fold", min_width=min(_longest_call(rows), 46))
    table.add_column("padding", no_wrap=True)
    table.add_column("flips", no_wrap=True)
    table.add_column("output", overflow="fold", ratio=1)
    for row in rows:
        style = "yellow" if row.differs else ""
        table.add_row(
            "*" if row.differs else "",
            row.library,
            Text(row.call, style="dim"),
            format_padding(row.padding),
            "yes" if row.flips else "no",
            _output(row),
            style=style,
        )
    return table


def lab_lines(rows: list[LabRow], width: int) -> list[Text]:
    """The lab's rows for a narrow pane: the results on the library's line, the call below.

    Every column but the output keeps its width; the output and the call wrap.
    """
    library_w = max(len("library"), *(len(row.library) for row in rows))
    padding_w = max(len("padding"), *(len(format_padding(row.padding)) for row in rows))
    output_at = 2 + library_w + 2 + padding_w + 2 + len("flips") + 2
    output_w = max(width - output_at, 12)
    head = f"  {'library':<{library_w}}  {'padding':<{padding_w}}  flips  output"
    lines = [Text(head, style="bold")]
    console = Console(width=width)
    for row in rows:
        style = "yellow" if row.differs else ""
        flips = "yes" if row.flips else "no"
        first = Text(
            f"{'*' if row.differs else ' '} {row.library:<{library_w}}  "
            f"{format_padding(row.padding):<{padding_w}}  {flips:<5}  ",
            style=style,
        )
        output = _output(row).wrap(console, output_w)
        for k, part in enumerate(output):
            part.stylize(style)
            lines.append((first if k == 0 else Text(" " * output_at)) + part)
        for part in Text(row.call, style="dim").wrap(console, width - 4):
            lines.append(Text("    ") + part)
    return lines


def _longest_call(rows: list[LabRow]) -> int:
    return max((len(row.call) for row in rows), default=10)


def _fits_one_line(rows: list[LabRow], width: int) -> bool:
    """Whether a one-line row (library, call, padding, flips, some output) fits ``width``."""
    library_w = max((len(row.library) for row in rows), default=10)
    return width >= 1 + library_w + _longest_call(rows) + len("padding") + len("flips") + 31


class LabPane(Static):
    """Where numpy, scipy, MATLAB, PyTorch and TensorFlow agree on this setup, and where not."""

    DEFAULT_CSS = """
    LabPane { width: 100%; height: auto; padding: 0 1; }
    """

    setup: reactive[Setup | None] = reactive(None)
    """The setup whose input, kernel and mode go through every library."""

    def _table(self, rows: list[LabRow]) -> list:
        """One line a row where it fits; else the call under the library, results kept."""
        width = self.content_size.width
        if not width or _fits_one_line(rows, width):
            return [lab_table(rows)]
        return lab_lines(rows, width)

    def render(self):
        from rich.console import Group

        if self.setup is None:
            return Text("No setup yet.", style="dim")
        x, w, mode = self.setup.input, self.setup.kernel, self.setup.mode
        try:
            rows = compare(x, w, mode)
        except (ValueError, OverflowError) as exc:
            return Text(f"The lab cannot run this setup: {exc}", style="red")
        reference = next((r.library for r in rows if r.output is not None), "the first row")
        notes = [f"{r.library}: {r.note}" for r in rows if r.note and r.output is not None]
        lines = [
            Text(f"x and w through each library's convolution, mode '{mode}'", style="bold"),
            *self._table(rows),
            Text(f"* differs from {reference}", style="yellow"),
            *(Text(note, style="dim") for note in notes),
            Text(f"({AXES_NOTE})", style="dim"),
        ]
        g = self.setup.geometry
        if any(v != 1 for v in g.stride + g.dilation) or any(b or a for b, a in g.explicit):
            lines.append(
                Text(
                    "Stride, dilation and padding are left out here: the libraries "
                    "differ in 'same' and in the flip.",
                    style="dim",
                )
            )
        return Group(*lines)
