"""The engine stays headless, and imports point one way: app and lessons → engine."""

import ast
import pathlib
import subprocess
import sys

PACKAGE = pathlib.Path(__file__).resolve().parents[1] / "convtui"


def loaded_after(module: str, candidates: tuple[str, ...]) -> list[str]:
    """Which of ``candidates`` a fresh interpreter has loaded after importing ``module``."""
    code = f"import sys, {module}; print(','.join(m for m in {candidates!r} if m in sys.modules))"
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout.strip()
    return out.split(",") if out else []


def test_import_convtui_loads_numpy_only():
    heavy = ("textual", "scipy", "torch", "cupy", "plotext", "rich")
    assert loaded_after("convtui", heavy) == []


def test_engine_imports_neither_app_nor_lessons():
    offenders = []
    for path in (PACKAGE / "engine").rglob("*.py"):
        tree = ast.parse(path.read_text())
        for node in ast.walk(tree):
            names = []
            if isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom):
                prefix = "." * node.level
                names = [prefix + (node.module or "")]
            for name in names:
                if any(part in name.split(".") for part in ("app", "lessons", "textual")):
                    offenders.append(f"{path.name}: {name}")
                if name.startswith("..") and not name.startswith("..engine"):
                    offenders.append(f"{path.name}: {name}")
    assert offenders == []


def test_the_app_loads_lessons_and_the_lab_on_first_use():
    # start-up speed (bench/tui.py): markdown-it, the lesson panel and the lab screen
    # are not needed for the first frame; nor is the course (read just after it)
    early = (
        "convtui.lessons",
        "convtui.engine.layer",  # the training pane's engine: imported when first opened
        "convtui.engine.tasks",
        "convtui.engine.train",
        "convtui.sessions",  # ctrl+s, --open and the restore offer import it
        "json",
        "markdown_it",
        "convtui.app.widgets.lesson_panel",
        "convtui.app.screens.lab",
        "convtui.lab",
        "convtui.codegen",
    )
    assert loaded_after("convtui.app", early) == []


def test_every_public_name_is_there_loaded_on_first_use_or_not():
    import convtui

    for name in convtui.__all__:
        assert getattr(convtui, name) is not None, name
    assert set(convtui.__all__) <= set(dir(convtui))
    assert convtui.train_kernel.__module__ == "convtui.engine.train"
    try:
        convtui.no_such_name  # noqa: B018
    except AttributeError as exc:
        assert "no_such_name" in str(exc)
    else:
        raise AssertionError("an unknown name must raise AttributeError")
