"""Grading: every expected answer is computed by the engine, none is stored by hand.

One function per exercise kind, each given the exercise, the learner's text and the
setup to judge it on, returning a :class:`Grade`.  ``check_exercise`` runs at load
time so a lesson whose exercise cannot be answered fails to load.

>>> from convtui.engine.setup import Setup
>>> from convtui.lessons.model import Exercise
>>> ex = Exercise("a", "value", "What is y[2]?", "", Setup([1, 2, 3, 4], [5, 6, 7]),
...               {"index": "2"}, line=1)
>>> grade(ex, "34").correct, grade(ex, "33").correct
(True, False)
>>> grade(ex, "33").worked
'y[2] = 7·1 + 6·2 + 5·3 = 34'
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from fractions import Fraction

import numpy as np

from ..engine.layer import gradient_terms
from ..engine.parse import ParseError, parse_array
from ..engine.setup import Setup
from ..engine.trace import format_number
from ..engine.train import ACTIVATIONS
from .model import Exercise
from .stacks import stack_answer, stack_worked

__all__ = [
    "KINDS",
    "ExerciseProblem",
    "Grade",
    "check_exercise",
    "expected_answer",
    "grade",
    "solve_kernel",
]


@dataclass(frozen=True)
class Grade:
    """The verdict on one answer.

    ``hint`` is shown after a wrong try, ``worked`` (the computation written out)
    when the learner asks; ``setup`` is the setup the answer was judged on, which
    a task answer typed as a kernel changes.
    """

    correct: bool
    message: str
    hint: str
    worked: str
    setup: Setup | None = None


class ExerciseProblem(ValueError):
    """An exercise that cannot be graded; ``key`` is the field at fault (None: the whole)."""

    def __init__(self, message: str, key: str | None = None):
        super().__init__(message)
        self.key = key


# ----------------------------------------------------------------- parsing answers


def _number(text: str) -> float | None:
    """A number a learner types: ``34``, ``-2.5``, ``1/6``, ``0.17``."""
    text = text.strip().rstrip(".").replace("−", "-").replace(" ", "")
    if not text:
        return None
    try:
        return float(Fraction(text)) if "/" in text else float(text)
    except (ValueError, ZeroDivisionError):
        return None


def _fmt_array(a) -> str:
    a = np.asarray(a)
    if a.ndim <= 1:
        return "[" + ", ".join(format_number(v) for v in a.ravel()) + "]"
    return "; ".join(" ".join(format_number(v) for v in row) for row in a.reshape(a.shape[0], -1))


def parse_index(text: str, ndim: int) -> tuple[int, ...]:
    """``"2"`` or ``"1, 2"`` → an index tuple with one entry per axis."""
    parts = [p for p in re.split(r"[,\s]+", text.strip().strip("[]()")) if p]
    try:
        index = tuple(int(p) for p in parts)
    except ValueError:
        raise ValueError(f"index must be whole numbers, got {text!r}") from None
    if len(index) != ndim:
        raise ValueError(f"index needs {ndim} number(s) for a {ndim}-D output, got {text!r}")
    return index


def _shape(text: str) -> tuple[int, ...] | None:
    parts = [p for p in re.split(r"[x×,\s]+", text.strip().strip("[]()")) if p]
    try:
        return tuple(int(p) for p in parts) or None
    except ValueError:
        return None


def _array(text: str, what: str):
    try:
        return parse_array(text), ""
    except ParseError as exc:
        return None, f"That is not a {what}: {exc.reason} (at character {exc.position + 1})."


# ------------------------------------------------------------- computed answers


def _index_name(index) -> str:
    return "y[" + ",".join(str(i) for i in index) + "]"


def _flat(setup: Setup, index) -> int:
    return int(np.ravel_multi_index(index, setup.geometry.output_shape))


def solve_kernel(setup: Setup, target, kernel_shape=None) -> np.ndarray | None:
    """A kernel of ``kernel_shape`` that turns ``setup.input`` into ``target``, or None.

    The output is linear in the kernel, so the engine's output for each unit kernel
    gives one column of a linear system, solved by least squares.

    >>> solve_kernel(Setup([1, 2, 3, 4], [0, 0]), [2, 4, 6, 8, 0]).tolist()
    [2.0, 0.0]
    """
    kernel_shape = tuple(setup.kernel.shape if kernel_shape is None else kernel_shape)
    if math.prod(kernel_shape) > MAX_SOLVED_WEIGHTS:
        return None
    target = np.asarray(target, dtype=float)
    columns = []
    for j in range(math.prod(kernel_shape)):
        unit = np.zeros(kernel_shape)
        unit.flat[j] = 1.0
        out = setup.replace(kernel=unit).compute().output
        if out.shape != target.shape:
            return None
        columns.append(np.real(out).ravel())
    system = np.stack(columns, axis=1)
    kernel, *_ = np.linalg.lstsq(system, target.ravel(), rcond=None)
    kernel = np.round(kernel, 9) + 0.0  # no -0.0
    if not np.allclose(system @ kernel, target.ravel(), atol=1e-6):
        return None
    return kernel.reshape(kernel_shape)


MAX_SOLVED_WEIGHTS = 81  # one convolution per weight: a 9×9 kernel at most

_GOAL = re.compile(r"^\s*(shift|scale|copy)\s*(-?\d+(?:\.\d+)?)?\s*$")


def goal_output(goal: str, x) -> np.ndarray:
    """What a task asks the output to be: ``shift 1``, ``shift -1``, ``scale 2``, ``copy``.

    >>> goal_output("shift 1", [1, 2, 3, 4]).tolist()
    [0, 1, 2, 3]
    """
    match = _GOAL.match(goal)
    if match is None:
        raise ValueError(f"goal must be 'shift N', 'scale C' or 'copy', got {goal!r}")
    what, amount = match.groups()
    x = np.asarray(x)
    if what == "copy":
        return x.copy()
    if what == "scale":
        return x * float(amount or 1)
    n = int(amount or 1)
    out = np.zeros_like(x)
    if n >= 0:
        out[n:] = x[: len(x) - n]
    else:
        out[:n] = x[-n:]
    return out


def _goal_words(goal: str) -> str:
    what, _, amount = goal.strip().partition(" ")
    if what == "shift":
        n = int(amount or 1)
        side = "right" if n >= 0 else "left"
        return f"the input shifted {side} by {abs(n)} (zeros coming in)"
    if what == "scale":
        return f"the input times {amount or 1}"
    return "an exact copy of the input"


# the options gradient_terms takes (a transposed setup has no such lesson)
_GRADIENT_OPTIONS = ("mode", "flip", "stride", "dilation", "padding", "padding_mode", "convention")


def _gradient(setup: Setup, grad_output) -> np.ndarray:
    """dL/dw: each weight collects grad_output × the input it met, over every step."""
    go = np.broadcast_to(np.asarray(grad_output, dtype=float), setup.geometry.output_shape)
    options = {name: getattr(setup, name) for name in _GRADIENT_OPTIONS}
    return gradient_terms(setup.input, setup.kernel.shape, go, **options).sum(axis=0)


def _inputs_met(setup: Setup, weight: int) -> np.ndarray:
    """Which input (flat index) weight ``w.flat[weight]`` multiplies at each step, -1 on a zero."""
    g = setup.geometry
    tap = int(np.flatnonzero(g.kernel_index() == weight)[0])  # where the slide holds it
    return g.tap_positions()[:, tap]


def _grad_output(exercise: Exercise) -> np.ndarray:
    text = exercise.params.get("grad_output", "ones")
    if text.strip() == "ones":
        return np.ones(exercise.setup.geometry.output_shape)
    return np.asarray(parse_array(text), dtype=float)


def expected_answer(exercise: Exercise, setup: Setup | None = None):
    """The right answer, computed: a number, a shape, a kernel or a goal output."""
    setup = exercise.setup if setup is None else setup
    kind = exercise.kind
    if kind == "value":
        index = parse_index(exercise.params["index"], setup.input.ndim)
        value = setup.compute().output[index].item()
        bias = float(exercise.params.get("bias", "0"))
        activation = exercise.params.get("activation", "identity")
        if bias or activation != "identity":
            value = _activate(activation, float(np.real(value)) + bias)
        return value
    if kind == "length":
        return setup.geometry.output_shape
    if kind == "kernel":
        return solve_kernel(setup, parse_array(exercise.params["target"]), _kernel_shape(exercise))
    if kind == "task":
        return solve_kernel(setup, goal_output(exercise.params["goal"], setup.input))
    if kind == "gradient":
        j = parse_index(exercise.params["weight"], setup.kernel.ndim)
        flat = int(np.ravel_multi_index(j, setup.kernel.shape))
        return _gradient(setup, _grad_output(exercise))[flat].item()
    if kind == "stack":
        return stack_answer(exercise.params["layers"], exercise.params["ask"])
    raise ValueError(f"unknown exercise kind {kind!r}")


def _kernel_shape(exercise: Exercise):
    size = exercise.params.get("size")
    return exercise.setup.kernel.shape if size is None else _shape(size)


# ------------------------------------------------------------------ the kinds


def _grade_value(ex: Exercise, text: str, setup: Setup) -> Grade:
    index = parse_index(ex.params["index"], setup.input.ndim)
    name = _index_name(index)
    step = setup.compute().steps[_flat(setup, index)]
    expected = step.value
    oriented = "the kernel flipped" if setup.flip else "the kernel as written"
    covered = [f"x[{p}]" if p >= 0 else "0 (padding)" for p in step.positions.tolist()]
    hint = ex.hint or (
        f"{name} multiplies {oriented} ({_fmt_array(step.weights)}) with the inputs under "
        f"the window, {', '.join(covered)}, and adds the products."
    )
    worked = step.equation()
    bias = float(ex.params.get("bias", "0"))
    activation = ex.params.get("activation", "identity")
    if bias or activation != "identity":
        expected = _activate(activation, float(np.real(expected)) + bias)
        name = f"{activation}({name} {'-' if bias < 0 else '+'} {format_number(abs(bias))})"
        worked += f"\n{name} = {format_number(expected)}"
    answer = _number(text)
    if answer is None:
        return Grade(False, f"Type a number for {name}, like 12 or 0.5.", hint, worked, setup)
    tolerance = float(ex.params.get("tolerance", "1e-6"))
    if abs(answer - float(np.real(expected))) <= max(tolerance, 1e-9 * abs(expected)):
        return Grade(True, f"Right: {name} = {format_number(expected)}.", hint, worked, setup)
    return Grade(False, f"Not {text.strip()}; try again.", hint, worked, setup)


def _activate(name: str, value: float) -> float:
    """One value through the engine's activation ``name``."""
    forward = ACTIVATIONS[name][0]
    return value if forward is None else float(forward(np.float64(value)))


def _grade_length(ex: Exercise, text: str, setup: Setup) -> Grade:
    g = setup.geometry
    expected = g.output_shape
    n, k = g.input_shape[0], g.kernel_shape[0]
    # lesson 03's rules in its words (N input, n kernel), where no option changes them
    rules = {
        "full": f"In 'full' mode the length is N + n − 1 = {n} + {k} − 1 (per axis).",
        "valid": f"In 'valid' mode the length is N − n + 1 = {n} − {k} + 1 (per axis).",
        "same": "In 'same' mode the output is as long as the input.",
    }
    plain = all(s == 1 for s in g.stride) and all(d == 1 for d in g.dilation)
    plain = plain and not g.transposed and not any(sum(p) for p in g.explicit)
    formula = g.formula()
    if ex.hint:
        hint = ex.hint
    elif plain and g.mode in rules:
        hint = rules[g.mode]
    else:  # the engine's own formula, without this setup's numbers
        hint = "Use " + " = ".join(formula[0].split(" = ")[:2]) + " on each axis."
    worked = "\n".join(formula)
    shape = _shape(text)
    words = " × ".join(str(v) for v in expected)
    if shape is None:
        return Grade(False, "Type a length, like 5 (or 3x3 in 2-D).", hint, worked, setup)
    if shape == expected or (len(shape) == 1 and len(expected) > 1 and shape * 2 == expected):
        return Grade(True, f"Right: the output is {words}.", hint, worked, setup)
    return Grade(False, f"Not {text.strip()}; try again.", hint, worked, setup)


def _grade_kernel(ex: Exercise, text: str, setup: Setup) -> Grade:
    target = parse_array(ex.params["target"])
    solution = solve_kernel(setup, target, _kernel_shape(ex))
    hint = ex.hint or (
        f"Each output value is a weighted sum of {math.prod(_kernel_shape(ex))} inputs; "
        "find the weights that make y[0] right, then check the others."
    )
    if solution is None:
        worked = "No kernel of that size turns this input into the target."
    else:
        trial = setup.replace(kernel=solution).compute()
        worked = f"One kernel that works: {_fmt_array(solution)}\n{trial.steps[0].equation()}"
    kernel, error = _array(text, "kernel")
    if kernel is None:
        return Grade(False, error, hint, worked, setup)
    try:
        tried = setup.replace(kernel=kernel)
        output = tried.compute().output
    except ValueError as exc:
        return Grade(False, f"That kernel does not fit this setup: {exc}.", hint, worked, setup)
    if output.shape == target.shape and np.allclose(output, target, atol=1e-6):
        return Grade(
            True, f"Right: {_fmt_array(kernel)} gives {_fmt_array(target)}.", hint, worked, tried
        )
    return Grade(
        False,
        f"That kernel gives {_fmt_array(output)}, not {_fmt_array(target)}.",
        hint,
        worked,
        setup,
    )


def _grade_task(ex: Exercise, text: str, setup: Setup) -> Grade:
    goal = ex.params["goal"]
    if text.strip():
        kernel, error = _array(text, "kernel")
        if kernel is None:
            return Grade(False, error, ex.hint, "", setup)
        try:
            setup = setup.replace(kernel=kernel)
        except ValueError as exc:
            return Grade(False, f"That kernel does not fit this setup: {exc}.", ex.hint, "", setup)
    want = goal_output(goal, setup.input)
    solution = solve_kernel(setup, want)
    flip = "convolution flips the kernel" if setup.flip else "correlation does not flip it"
    hint = ex.hint or (
        f"Only one weight needs to be non-zero. Remember that {flip}; step through the "
        "slide and see which input each weight meets."
    )
    worked = (
        f"With this mode and a {setup.kernel.size}-tap kernel, {_fmt_array(solution)} works:\n"
        + setup.replace(kernel=solution).compute().steps[min(1, setup.geometry.size - 1)].equation()
        if solution is not None
        else "No kernel of this length does it in this mode; try mode 'same' and 3 taps."
    )
    output = setup.compute().output
    if output.shape != want.shape:
        return Grade(
            False,
            f"The output has {output.size} values but the input has {want.size}: "
            "use mode 'same' so they line up.",
            hint,
            worked,
            setup,
        )
    if np.allclose(output, want, atol=1e-6):
        return Grade(True, f"Right: the output is {_goal_words(goal)}.", hint, worked, setup)
    return Grade(
        False,
        f"The output is {_fmt_array(output)}; {_goal_words(goal)} is {_fmt_array(want)}.",
        hint,
        worked,
        setup,
    )


def _grade_gradient(ex: Exercise, text: str, setup: Setup) -> Grade:
    j = parse_index(ex.params["weight"], setup.kernel.ndim)
    flat = int(np.ravel_multi_index(j, setup.kernel.shape))
    grad_out = np.broadcast_to(_grad_output(ex), setup.geometry.output_shape)
    expected = _gradient(setup, grad_out)[flat]
    grad_out = grad_out.ravel()  # one per step
    name = "w[" + ",".join(str(i) for i in j) + "]"
    terms = [
        f"{format_number(grad_out[r])}·{format_number(setup.input.flat[c])}"
        for r, c in enumerate(_inputs_met(setup, flat).tolist())
        if c >= 0
    ]
    hint = ex.hint or (
        f"{name} is used at every step. Its gradient is the sum, over the steps, of "
        "dL/dy at that step times the input it multiplied there."
    )
    worked = f"dL/d{name} = " + (" + ".join(terms) or "0") + f" = {format_number(expected)}"
    answer = _number(text)
    if answer is None:
        return Grade(False, "Type a number.", hint, worked, setup)
    if abs(answer - expected) <= max(
        float(ex.params.get("tolerance", "1e-6")), 1e-9 * abs(expected)
    ):
        return Grade(True, f"Right: dL/d{name} = {format_number(expected)}.", hint, worked, setup)
    return Grade(False, f"Not {text.strip()}; try again.", hint, worked, setup)


def _grade_stack(ex: Exercise, text: str, setup: Setup) -> Grade:
    expected = stack_answer(ex.params["layers"], ex.params["ask"])
    worked = stack_worked(ex.params["layers"], ex.params["ask"])
    hint = (
        ex.hint
        or {
            "field": "Each layer adds (k − 1)·d input cells per step of its input, and a step "
            "of its input is the product of the strides before it.",
            "jump": "Neighbouring outputs are as far apart as the strides multiplied together.",
            "parameters": "A filter has C_in/groups × k × k weights; C_out filters, one bias each.",
        }[ex.params["ask"].strip()]
    )
    answer = _number(text)
    if answer is None:
        return Grade(False, "Type a whole number.", hint, worked, setup)
    if answer == expected:
        return Grade(True, f"Right: {expected}.", hint, worked, setup)
    return Grade(False, f"Not {text.strip()}; try again.", hint, worked, setup)


# kind → (its own required keys, its optional keys, grader)
KINDS = {
    "value": (("index",), ("tolerance", "bias", "activation"), _grade_value),
    "length": ((), (), _grade_length),
    "kernel": (("target",), ("size",), _grade_kernel),
    "task": (("goal",), (), _grade_task),
    "gradient": (("weight",), ("grad_output", "tolerance"), _grade_gradient),
    "stack": (("layers", "ask"), (), _grade_stack),
}


def grade(exercise: Exercise, answer: str, setup: Setup | None = None) -> Grade:
    """Judge ``answer`` (the learner's text) on ``setup`` (default: the exercise's own).

    Pass the live playground's setup for a ``task``; question kinds are normally
    judged on ``exercise.setup``, the setup the page shows.
    """
    setup = exercise.setup if setup is None else setup
    return KINDS[exercise.kind][2](exercise, answer, setup)


def check_exercise(exercise: Exercise) -> None:
    """Raise :class:`ExerciseProblem` unless the exercise has a computable right answer."""
    for key in ("tolerance", "bias"):
        if key in exercise.params and _number(exercise.params[key]) is None:
            raise ExerciseProblem(f"{key} must be a number", key)
    if exercise.params.get("activation", "identity") not in ACTIVATIONS:
        raise ExerciseProblem(f"activation must be one of {', '.join(ACTIVATIONS)}", "activation")
    try:
        _check(exercise)
    except ExerciseProblem:
        raise
    except ValueError as exc:  # a parse error inside a field: blame the kind's first key
        required = KINDS[exercise.kind][0]
        raise ExerciseProblem(str(exc), required[0] if required else None) from None


def _check(exercise: Exercise) -> None:
    kind, setup, params = exercise.kind, exercise.setup, exercise.params
    if kind == "value":
        index = parse_index(params["index"], setup.input.ndim)
        shape = setup.geometry.output_shape
        if any(not 0 <= i < n for i, n in zip(index, shape)):
            raise ExerciseProblem(f"index {params['index']} is outside the output {shape}", "index")
    elif kind == "kernel":
        target, error = _array(params["target"], "target")
        if target is None:
            raise ExerciseProblem(error, "target")
        if _kernel_shape(exercise) is None:
            raise ExerciseProblem(
                f"size must be a shape like 3 or 3x3, not {params['size']!r}", "size"
            )
        if expected_answer(exercise) is None:
            raise ExerciseProblem("no kernel of that size turns this input into target", "target")
    elif kind == "task":
        want = goal_output(params["goal"], setup.input)
        if setup.geometry.output_shape != want.shape:
            raise ExerciseProblem("a task's setup must give an output as long as its input")
        if expected_answer(exercise) is None:
            raise ExerciseProblem(f"no kernel of this length reaches {params['goal']!r}", "goal")
    elif kind == "gradient":
        j = parse_index(params["weight"], setup.kernel.ndim)
        if any(not 0 <= i < n for i, n in zip(j, setup.kernel.shape)):
            raise ExerciseProblem(f"weight {params['weight']} is outside the kernel", "weight")
        try:
            _grad_output(exercise)
        except ValueError as exc:
            raise ExerciseProblem(f"grad_output: {exc}", "grad_output") from None
    elif kind == "stack":
        try:
            stack_answer(params["layers"], params["ask"])
        except ValueError as exc:
            raise ExerciseProblem(str(exc), str(exc).split(":")[0].split()[0]) from None
