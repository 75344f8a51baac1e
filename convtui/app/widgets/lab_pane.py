"""The conventions lab as a pane: the playground's setup through each library.

The rows come from :func:`convtui.lab.compare_setup` (the tables of ``convtui
compare``, with this setup's own result first): each library's convolution, its
padding mode under each library's name, or its transposed call.  Rows that differ
from convtui's are marked ``*``, highlighted, and say why; below them, what each
padding mode fills around this input, in every library's words.
"""

from __future__ import annotations

from rich.console import Console
from rich.table import Table
from rich.text import Text
from textual.reactive import reactive
from textual.widgets import Static

from ...commands import format_array
from ...engine.setup import Setup
from ...lab import AXES_NOTE, LabRow, PaddingName, SetupLab, compare_setup, format_padding

__all__ = ["LabPane", "lab_lines", "lab_table", "names_lines"]

LIBRARIES = (
    ("torch", "torch"),
    ("numpy.pad", "numpy.pad"),
    ("scipy.ndimage", "scipy.ndimage"),
    ("OpenCV", "OpenCV"),
    ("MATLAB padarray", "MATLAB"),
    ("TensorFlow tf.pad", "TensorFlow"),
)

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
        try:
            lab = compare_setup(self.setup)
        except (ValueError, OverflowError) as exc:
            return Text(f"The lab cannot run this setup: {exc}", style="red")
        width = self.content_size.width
        return Group(*setup_lines(lab, self._table(lab.rows), self.setup, width))


def setup_lines(lab: SetupLab, table: list, setup: Setup, width: int = 0) -> list:
    """The lab's lines around ``table`` (the rows drawn to fit): legend, notes, names."""
    notes = [f"{r.library}: {r.note}" for r in lab.rows if r.note and r.output is not None]
    if any(row.differs for row in lab.rows):
        legend = Text("* differs from convtui (this setup): the note says why", style="yellow")
    else:
        legend = Text("Every library's row gives convtui's numbers for this setup.")
    lines = [Text(lab.title, style="bold"), *table, legend]
    lines += [Text(note, style="dim") for note in notes]
    if lab.x_up is not None:
        values = format_array(lab.x_up.reshape(-1)[:MAX_SHOWN])
        more = " …" if lab.x_up.size > MAX_SHOWN else ""
        lines.append(Text(f"x_up (stride-1 zeros between the inputs): {values}{more}"))
        lines.append(
            Text(
                "numpy, scipy and MATLAB have no transposed call: they slide w over x_up "
                "with the padding column's zeros around it (d·(k-1) - padding before; "
                "output_padding more after).",
                style="dim",
            )
        )
    lines.append(Text(f"({AXES_NOTE})", style="dim"))
    if lab.left_out:
        lines.append(
            Text(
                f"Left out here: {', '.join(lab.left_out)}. The rows compare what each "
                "library pads and whether it flips; convtui's row leaves them out too.",
                style="dim",
            )
        )
    if lab.names:
        here = "this x" if setup.input.ndim == 1 else "x's first row"
        lines += ["", *names_lines(lab.names, setup.padding_mode, here, width)]
    return lines


def names_lines(
    names: list[PaddingName], current: str, here: str = "this x", width: int = 0
) -> list[Text]:
    """The padding-mode naming table: what each mode fills, here, and every library's name.

    Three lines a mode: the mode, its words and ``a b c d`` filled; the input
    (``here``) filled; every library's name for it, wrapped under its indent to
    ``width`` (0: not wrapped).  The setup's own mode is marked ``▶``.
    """
    console = Console(width=max(width - 4, 20)) if width else None
    lines = [
        Text("What fills the padding, in each library's words", style="bold"),
        Text("(a b c d: the input; | marks where it starts and ends; — no such mode)", style="dim"),
    ]
    words_w = max(len(n.words) for n in names)
    for name in names:
        mine = name.padding_mode == current
        style = "bold" if mine else ""
        first = (
            f"{'▶' if mine else ' '} {name.padding_mode:<9} {name.words:<{words_w}}  {name.fills}"
        )
        lines.append(Text(first, style=style))
        if name.here is not None:
            lines.append(Text(f"    {here}: {name.here}", style=style))
        called = " · ".join(f"{label} {name.names[key] or '—'}" for key, label in LIBRARIES)
        called = Text(called, style="dim")
        parts = called.wrap(console, console.width) if console else [called]
        lines += [Text("    ") + part for part in parts]
    return lines
