"""No eval/exec/pickle on anything the user provides; the web server binds to localhost."""

import ast
import pathlib

from convtui.commands import serve

PACKAGE = pathlib.Path(__file__).resolve().parents[2] / "convtui"
FORBIDDEN_CALLS = {"eval", "exec", "compile", "__import__"}
FORBIDDEN_MODULES = {"pickle", "cPickle", "dill", "shelve", "marshal", "cloudpickle"}


def python_files():
    files = sorted(PACKAGE.rglob("*.py"))
    assert len(files) > 20  # the walk really found the package
    return files


def test_no_eval_exec_or_dynamic_import_calls():
    offenders = []
    for path in python_files():
        for node in ast.walk(ast.parse(path.read_text(), str(path))):
            if isinstance(node, ast.Call):
                func = node.func
                if isinstance(func, ast.Name):
                    name = func.id
                elif isinstance(func, ast.Attribute) and getattr(func.value, "id", "") in (
                    "builtins",
                    "__builtins__",
                ):
                    name = func.attr
                else:
                    continue  # re.compile and friends are fine
                if name in FORBIDDEN_CALLS:
                    offenders.append(f"{path.relative_to(PACKAGE)}:{node.lineno} {name}()")
    assert offenders == []


def test_no_pickle_like_modules_and_no_allow_pickle():
    offenders = []
    for path in python_files():
        text = path.read_text()
        if "allow_pickle=True" in text:
            offenders.append(f"{path.name}: allow_pickle=True")
        for node in ast.walk(ast.parse(text, str(path))):
            names = []
            if isinstance(node, ast.Import):
                names = [a.name.split(".")[0] for a in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module.split(".")[0]]
            offenders += [f"{path.name}: import {n}" for n in names if n in FORBIDDEN_MODULES]
    assert offenders == []


def test_numpy_loads_never_unpickle():
    # np.load would unpickle object arrays unless told not to; the package never calls it
    calls = [
        f"{p.name}"
        for p in python_files()
        if "np.load(" in p.read_text() or "numpy.load(" in p.read_text()
    ]
    assert calls == []


def test_serve_binds_to_localhost_by_default():
    args = serve.build_parser().parse_args([])
    assert args.host == "127.0.0.1"
