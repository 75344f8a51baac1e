"""``convtui`` asks a graphics terminal which images it shows before the app starts."""

from __future__ import annotations

from convtui.app import launch
from convtui.app.widgets import image_view


def test_the_terminal_is_asked_before_the_app_runs(monkeypatch, tmp_path):
    monkeypatch.setenv("CONVTUI_DATA_DIR", str(tmp_path))
    events = []

    class FakeApp:
        return_code = 0

        def run(self):
            events.append("run")

    monkeypatch.setattr("convtui.app.app.make_app", lambda **options: FakeApp())
    monkeypatch.setattr(image_view, "probe_terminal", lambda: events.append("probe"))
    assert launch.run(["--input", "1 2 3", "--kernel", "1 1"]) == 0
    assert events == ["probe", "run"]


def test_only_terminals_known_for_graphics_are_asked():
    assert image_view.probe_terminal({"TERM": "xterm-256color"}) is False
    assert image_view.probe_terminal({"TERM": "tmux-256color", "TERM_PROGRAM": "tmux"}) is False
