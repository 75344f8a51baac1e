"""The engine stays headless, and imports point one way (DESIGN.md's layers).

engine ← lab, codegen, sessions, lessons, presets, commands ← app; ``cli.py`` imports
what it dispatches to and nothing imports it; no cycles.  Imports inside functions
count: a cycle must fail here, not hide behind a late import.
"""

import ast
import pathlib
import subprocess
import sys

import pytest

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
        "convtui.app.widgets.slide_transposed",  # with the first transposed setup
        "convtui.app.layer_state",  # the layer screen's, when it first opens
        "convtui.files",  # F, W and --input-file read and write files on first use
    )
    assert loaded_after("convtui.app.app", early) == []


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


# ---------------------------------------------------------------- the layers


def module_name(path: pathlib.Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


MODULES = {module_name(path): path for path in PACKAGE.rglob("*.py")}


def imports_of(name: str) -> set[str]:
    """The modules of ours that ``name`` imports anywhere in its text (functions too)."""
    path = MODULES[name]
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = package
            for _ in range(node.level - 1):
                base = base.rpartition(".")[0]
            module = node.module or ""
            if node.level:
                module = f"{base}.{module}" if module else base
            # ``from . import conv`` imports the module convtui.commands.conv
            targets = [module, *(f"{module}.{alias.name}" for alias in node.names)]
        else:
            continue
        found.update(t for t in targets if t in MODULES and t != name)
    return found


GRAPH = {name: imports_of(name) for name in MODULES}


def layer(name: str) -> str:
    """``engine``, ``app``, ``cli``, the top package, or the middle layer."""
    parts = name.split(".")
    if len(parts) == 1:
        return "package"
    if parts[1] in ("engine", "app", "cli", "__main__"):
        return parts[1]
    return "middle"  # lab, codegen, sessions, lessons, presets, commands, paths


ALLOWED = {
    "engine": {"engine"},
    "middle": {"engine", "middle"},
    "app": {"engine", "middle", "app"},
    "cli": {"engine", "middle"},  # and convtui.app.launch, which it dispatches to (below)
    "__main__": {"cli"},
    "package": {"engine"},
}


def test_each_layer_imports_only_the_layers_below_it():
    wrong = [
        f"{name} imports {target}"
        for name, targets in sorted(GRAPH.items())
        for target in sorted(targets)
        if layer(target) not in ALLOWED[layer(name)]
        and not (name == "convtui.cli" and target in ("convtui.app", "convtui.app.launch"))
    ]
    assert wrong == []


def test_nothing_imports_the_command_line_dispatcher():
    importers = sorted(name for name, targets in GRAPH.items() if "convtui.cli" in targets)
    assert importers == ["convtui.__main__"]


def test_there_are_no_import_cycles():
    cycles, state = [], {}

    def visit(name: str, path: list[str]) -> None:
        state[name] = "open"
        for target in sorted(GRAPH[name]):
            if state.get(target) == "open":
                cycles.append(" → ".join(path[path.index(target) :] + [target]))
            elif target not in state:
                visit(target, path + [target])
        state[name] = "done"

    for name in sorted(GRAPH):
        if name not in state:
            visit(name, [name])
    assert cycles == []


@pytest.mark.parametrize(
    "name, expected",
    [
        ("convtui.commands.conv", {"convtui.commands", "convtui.commands.args"}),
        ("convtui.app.launch", {"convtui.commands.app_flags"}),
    ],
)
def test_the_import_graph_reads_relative_imports(name, expected):
    assert expected <= GRAPH[name]
