"""Top-level help, and what changes on a terminal: the progress bar and colour."""

import io
import sys

from convtui.commands import colour, format_array, protect_negative_numbers


class FakeTerminal(io.StringIO):
    def isatty(self):
        return True


def test_top_level_help_lists_the_subcommands(cli):
    code, out, _ = cli("--help")
    assert code == 0
    for name in ("conv X W", "compare X W", "code X W", "train", "lessons", "serve"):
        assert f"\n  {name}" in out
    assert "--open FILE" in out and "--fresh" in out


def test_progress_bar_only_on_a_terminal(cli, monkeypatch):
    terminal = FakeTerminal()
    monkeypatch.setattr(sys, "stderr", terminal)
    from convtui.cli import main

    assert main(["train", "--task", "shift", "--steps", "40"]) == 0
    bar = terminal.getvalue()
    assert bar.startswith("\r")
    assert "40/40 loss" in bar and bar.endswith("\n")
    assert "█" * 30 in bar


def test_colour_only_on_a_terminal(monkeypatch):
    monkeypatch.delenv("NO_COLOR", raising=False)
    assert colour("x", "red", io.StringIO()) == "x"
    assert colour("x", "red", FakeTerminal()) == "\x1b[31mx\x1b[0m"
    monkeypatch.setenv("NO_COLOR", "1")
    assert colour("x", "red", FakeTerminal()) == "x"


def test_error_is_red_on_a_terminal(cli, monkeypatch):
    monkeypatch.delenv("NO_COLOR", raising=False)
    terminal = FakeTerminal()
    monkeypatch.setattr(sys, "stderr", terminal)
    from convtui.cli import main

    assert main(["conv", "1", "1", "--stride", "0"]) == 2
    assert terminal.getvalue().startswith("convtui: \x1b[31merror\x1b[0m: ")


def test_helpers():
    assert protect_negative_numbers(["-1", "-x", "--mode", "-inf,2"]) == [
        " -1",
        "-x",
        "--mode",
        " -inf,2",
    ]
    assert format_array([[1.5, -2], [3, 4]]) == "1.5  -2\n  3   4"
