"""Read lesson files, check every page and exercise against the engine, or say where not.

A lesson is one Markdown file in this folder named ``NN-slug.md`` (``NN`` is its
number).  Adding a lesson is adding a file; nothing else changes.

- A header between ``---`` lines: ``title:`` (required) and ``summary:``.
- Pages, each starting with ``## Title``; the page's text is Markdown.
- At most one fenced ``setup`` block per page, of ``key: value`` lines.  A page's
  setup starts from the previous page's (the first from x = 1, 2, 3, 4 and
  w = 5, 6, 7), so a page names only what changes.  Keys: ``input``, ``kernel``
  (array text like ``1 2; 3 4``, or ``sine(64)``, ``step(12)``, ``box(5)``,
  ``ramp(8)``, ``noise(64)``, ``noisy(64)``, ``image(10)``, ``volume(4)``; a 3-D
  array as nested brackets) and every other ``Setup`` option:
  ``mode``, ``flip`` (true/false), ``stride``, ``dilation``, ``padding``,
  ``padding_mode``, ``convention``, ``transposed`` (true/false),
  ``output_padding``; the view: ``focus`` (a
  pane), ``step`` (the step to show), ``measure`` (time the methods live),
  ``train`` (a training preset); and any number of ``check:`` lines, which make
  the numbers quoted in the text the engine's: ``check: [field = value | …]
  what = expected`` with ``what`` one of ``output``, ``length`` (``6`` or
  ``8x8``), ``matrix``, ``nonzero``, ``sum``, ``equation``, ``y[i]``.
- Any number of fenced ``exercise`` blocks: ``kind``, ``prompt``, optional
  ``hint`` and ``id``, setup keys that change the page's setup for this question
  only, and the kind's own keys: ``value`` (``index``; ``tolerance``, ``bias``,
  ``activation``), ``length``, ``kernel`` (``target``; ``size``), ``task``
  (``goal``: ``shift N``, ``scale C``, ``copy``; judged on the live playground),
  ``gradient`` (``weight``; ``grad_output``, ``tolerance``) and ``stack``
  (``layers``, ``ask``: a stack's receptive field, jump or parameter count, see
  :mod:`convtui.lessons.stacks`).  No answer is written
  down: the grader computes it, and a question without one fails to load.

Every problem raises :class:`LessonError` naming the file and the line.

>>> course = load_course()
>>> course[0].number, course[0].pages[0].setup.compute().output.tolist()[:3]
(1, [2, 4, 6])
"""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

import numpy as np

from ..engine.geometry import OPTION_NAMES
from ..engine.parse import ParseError, parse_array
from ..engine.setup import Setup
from ..engine.trace import steps as trace_steps
from ..presets import SEED
from .grader import KINDS, ExerciseProblem, check_exercise, parse_index
from .model import FOCUS_PANES, Exercise, Lesson, LessonError, Page
from .signals import generate

__all__ = ["LESSON_DIR", "load_course", "load_lesson", "parse_lesson"]

LESSON_DIR = Path(__file__).resolve().parent
FILE_NAME = re.compile(r"^(\d+)-[\w-]+\.md$")

SETUP_FIELDS = ("input", "kernel", *OPTION_NAMES)  # every Setup field, by the engine's list
VIEW_KEYS = ("focus", "step", "measure", "train")
HEADER_KEYS = ("title", "summary")
EXERCISE_KEYS = ("id", "kind", "prompt", "hint")
DEFAULT_SETUP = SEED


class _Block:
    """``key: value`` lines of one fenced block, each with its line number."""

    def __init__(self, kind: str, line: int):
        self.kind = kind
        self.line = line
        self.items: list[tuple[str, str, int]] = []

    def first(self, key: str):
        return next(((v, n) for k, v, n in self.items if k == key), (None, self.line))

    def values(self) -> dict[str, str]:
        return {k: v for k, v, _ in self.items if k != "check"}

    def line_of(self, key: str) -> int:
        return self.first(key)[1]


def _bool(text: str) -> bool:
    lowered = text.strip().lower()
    if lowered in ("true", "yes", "on"):
        return True
    if lowered in ("false", "no", "off"):
        return False
    raise ValueError(f"expected true or false, got {text!r}")


def _ints(text: str):
    """``2`` → 2, ``1, 2`` → (1, 2), ``[[1, 0]]`` → ((1, 0),)."""
    arr = parse_array(text)
    if arr.dtype.kind not in "iu":
        raise ValueError(f"expected whole numbers, got {text!r}")
    if arr.ndim == 1 and arr.size == 1:
        return int(arr[0])
    return (
        tuple(tuple(int(v) for v in row) for row in arr)
        if arr.ndim == 2
        else tuple(int(v) for v in arr)
    )


def _array(text: str) -> np.ndarray:
    generated = generate(text)
    if generated is not None:
        return generated
    try:
        return parse_array(text)
    except ParseError as exc:
        raise ValueError(f"{exc.reason} (at character {exc.position + 1} of {text!r})") from None


def _convert(key: str, text: str):
    if key in ("input", "kernel"):
        return _array(text)
    if key in ("stride", "dilation", "padding", "output_padding"):
        return _ints(text)
    if key in ("flip", "transposed"):
        return _bool(text)
    return text.strip()


class _Reader:
    """One pass over a lesson file's lines."""

    def __init__(self, path: Path, text: str):
        self.path = path
        self.lines = text.splitlines()

    def error(self, line: int, reason: str) -> LessonError:
        return LessonError(self.path, line, reason)

    def header(self) -> tuple[dict[str, str], int]:
        i = 0
        while i < len(self.lines) and not self.lines[i].strip():
            i += 1
        if i >= len(self.lines) or self.lines[i].strip() != "---":
            raise self.error(i + 1, "a lesson starts with a '---' header (title: …)")
        fields: dict[str, str] = {}
        for j in range(i + 1, len(self.lines)):
            line = self.lines[j]
            if line.strip() == "---":
                if "title" not in fields:
                    raise self.error(i + 1, "the header needs a 'title:'")
                return fields, j + 1
            if not line.strip():
                continue
            key, value = self.key_value(line, j + 1, HEADER_KEYS)
            fields[key] = value
        raise self.error(i + 1, "the header's closing '---' is missing")

    def key_value(self, line: str, number: int, allowed) -> tuple[str, str]:
        key, sep, value = line.partition(":")
        key = key.strip()
        if not sep or not re.fullmatch(r"[a-z_]+", key):
            raise self.error(number, f"expected 'key: value', got {line.strip()!r}")
        if key not in allowed:
            raise self.error(number, f"unknown key {key!r}; expected one of {', '.join(allowed)}")
        if not value.strip():
            raise self.error(number, f"{key!r} has no value")
        return key, value.strip()

    def pages(self, start: int):
        """Yield (title, line, text lines, blocks) per page."""
        page = None
        block = None
        fence = None  # an ordinary fenced code block kept as text
        for index in range(start, len(self.lines)):
            number, line = index + 1, self.lines[index]
            stripped = line.strip()
            if block is not None:
                if stripped == "```":
                    page[3].append(block)
                    block = None
                elif stripped:
                    allowed = self.block_keys(block.kind)
                    key, value = self.key_value(line, number, allowed)
                    if key != "check" and any(k == key for k, _, _ in block.items):
                        raise self.error(number, f"{key!r} is given twice in this block")
                    block.items.append((key, value, number))
                continue
            if fence is not None:
                if stripped.startswith(fence):
                    fence = None
                page[2].append(line)
                continue
            if line.startswith("## "):
                if page is not None:
                    yield page
                page = (line[3:].strip(), number, [], [])
                continue
            if page is None:
                if stripped:
                    raise self.error(number, "text before the first page ('## Title')")
                continue
            if stripped in ("```setup", "```exercise"):
                block = _Block(stripped[3:], number)
            elif stripped.startswith("```"):
                fence = stripped[: len(stripped) - len(stripped.lstrip("`"))]
                page[2].append(line)
            else:
                page[2].append(line)
        if block is not None:
            raise self.error(block.line, f"the {block.kind} block is not closed with ```")
        if fence is not None:
            raise self.error(len(self.lines), "a ``` code block is not closed")
        if page is not None:
            yield page

    @staticmethod
    def block_keys(kind: str):
        if kind == "setup":
            return SETUP_FIELDS + VIEW_KEYS + ("check",)
        extra = tuple(k for required, optional, _ in KINDS.values() for k in required + optional)
        return EXERCISE_KEYS + SETUP_FIELDS + tuple(dict.fromkeys(extra))


def _apply(reader: _Reader, setup: Setup, block: _Block) -> Setup:
    """The setup with a block's setup fields changed; errors name the line."""
    changes = {}
    for key, value, line in block.items:
        if key in SETUP_FIELDS:
            try:
                changes[key] = _convert(key, value)
            except ValueError as exc:
                raise reader.error(line, f"{key}: {exc}") from None
    if not changes:
        return setup
    try:
        return setup.replace(**changes)
    except ValueError as exc:
        raise reader.error(_culprit(setup, block, changes), f"not a valid setup: {exc}") from None


def _culprit(setup: Setup, block: _Block, changes: dict) -> int:
    """The line of the last change without which the setup would be valid."""
    lines = {key: line for key, _, line in block.items if key in changes}
    implicated = []
    for key in changes:
        try:
            setup.replace(**{k: v for k, v in changes.items() if k != key})
            implicated.append(key)
        except ValueError:
            pass
    keys = implicated or list(changes)
    return max(lines[k] for k in keys) if implicated else min(lines[k] for k in keys)


def _check(reader: _Reader, setup: Setup, text: str, line: int) -> None:
    """A ``check:`` line: ``[key=value | …] what = expected``, judged by the engine."""
    *overrides, claim = [part.strip() for part in text.split("|")]
    block = _Block("setup", line)
    for part in overrides:
        key, sep, value = part.partition("=")
        if not sep or key.strip() not in SETUP_FIELDS:
            raise reader.error(line, f"check: expected 'field = value', got {part!r}")
        block.items.append((key.strip(), value.strip(), line))
    setup = _apply(reader, setup, block)
    what, sep, expected = claim.partition("=")
    what, expected = what.strip(), expected.strip()
    if not sep:
        raise reader.error(line, f"check: expected 'what = value', got {claim!r}")
    result = setup.compute()
    try:
        if what == "output":
            got, want = result.output, _array(expected)
            ok = got.shape == want.shape and np.allclose(got, want, atol=5e-4)
        elif what == "length":
            got = result.geometry.output_shape
            want = _ints(expected.replace("x", ","))
            ok = got == (want if isinstance(want, tuple) else (want,))
        elif what == "matrix":
            got, want = result.matrix, _array(expected)
            ok = got.shape == want.shape and np.allclose(got, want)
        elif what == "nonzero":
            got, want = int(np.count_nonzero(result.matrix)), int(expected)
            ok = got == want
        elif what == "sum":
            got, want = result.output.sum(), float(expected)
            ok = np.isclose(got, want)
        elif what == "equation":
            index = parse_index(expected.split("]")[0].partition("[")[2], setup.input.ndim)
            flat = int(np.ravel_multi_index(index, result.geometry.output_shape))
            s = setup
            got = trace_steps(s.input, s.kernel, flip=s.flip, **s.options())[flat].equation()
            ok = got == (want := expected)
        elif re.fullmatch(r"y\[[\d, ]+\]", what):
            index = parse_index(what[2:-1], setup.input.ndim)
            got, want = result.output[index], float(expected)
            ok = np.isclose(got, want, atol=5e-4)
        else:
            raise ValueError(
                "check: what is one of output, length, matrix, nonzero, sum, equation, y[i]"
            )
    except (ValueError, IndexError) as exc:
        raise reader.error(line, f"check: {exc}") from None
    if not ok:
        raise reader.error(line, f"check failed: {what} is {got!s}, the page says {expected}")


def _exercise(reader, lesson, page_number, count, setup, block) -> Exercise:
    values = block.values()
    kind = values.get("kind")
    if kind not in KINDS:
        raise reader.error(
            block.line_of("kind"), f"kind must be one of {', '.join(KINDS)}; got {kind!r}"
        )
    required, optional, _ = KINDS[kind]
    for key in ("prompt",) + required:
        if key not in values:
            raise reader.error(block.line, f"a {kind!r} exercise needs {key!r}")
    for key, _, line in block.items:
        if key not in EXERCISE_KEYS + SETUP_FIELDS + required + optional:
            raise reader.error(line, f"{key!r} does not apply to a {kind!r} exercise")
    params = {k: v for k, v in values.items() if k in required + optional}
    exercise = Exercise(
        id=values.get("id", f"p{page_number}.{count}"),
        kind=kind,
        prompt=values["prompt"],
        hint=values.get("hint", ""),
        setup=_apply(reader, setup, block),
        params=params,
        line=block.line,
        lesson=lesson,
        page=page_number,
    )
    try:
        check_exercise(exercise)
    except ExerciseProblem as exc:
        line = block.line_of(exc.key) if exc.key else block.line
        raise reader.error(line, f"exercise: {exc}") from None
    return exercise


def _training_tasks():
    """The engine's training presets, or None while the engine has none."""
    try:
        from ..engine.tasks import TASKS
    except ImportError:
        return None
    return tuple(TASKS)


def _view(reader: _Reader, block: _Block | None) -> dict:
    view = {}
    if block is None:
        return view
    for key, value, line in block.items:
        if key == "focus":
            if value not in FOCUS_PANES:
                raise reader.error(line, f"focus must be one of {', '.join(FOCUS_PANES)}")
            view["focus"] = value
        elif key == "step":
            if not re.fullmatch(r"-?\d+", value):
                raise reader.error(line, f"step must be a whole number, got {value!r}")
            view["step"] = int(value)
        elif key == "measure":
            try:
                view["measure"] = _bool(value)
            except ValueError as exc:
                raise reader.error(line, f"measure: {exc}") from None
        elif key == "train":
            tasks = _training_tasks()
            if tasks is not None and value not in tasks:
                raise reader.error(line, f"train must be one of {', '.join(tasks)}")
            view["train"] = value
    return view


def parse_lesson(text: str, path) -> Lesson:
    """Parse and validate one lesson's text; ``path`` names it in errors."""
    path = Path(path)
    match = FILE_NAME.match(path.name)
    if match is None:
        raise LessonError(path, 1, "a lesson file is named 'NN-slug.md', like 01-weighted-sum.md")
    number = int(match.group(1))
    reader = _Reader(path, text)
    header, start = reader.header()
    pages = []
    setup = DEFAULT_SETUP
    seen_ids: set[str] = set()
    for page_number, (title, line, text_lines, blocks) in enumerate(reader.pages(start), 1):
        setups = [b for b in blocks if b.kind == "setup"]
        if len(setups) > 1:
            raise reader.error(setups[1].line, "a page has at most one setup block")
        setup_block = setups[0] if setups else None
        if setup_block is not None:
            setup = _apply(reader, setup, setup_block)
            for key, value, check_line in setup_block.items:
                if key == "check":
                    _check(reader, setup, value, check_line)
        view = _view(reader, setup_block)
        if "step" in view and not -setup.geometry.size <= view["step"] < setup.geometry.size:
            raise reader.error(
                setup_block.line_of("step"), f"step {view['step']} is past the last step"
            )
        exercises = []
        for block in (b for b in blocks if b.kind == "exercise"):
            exercise = _exercise(reader, number, page_number, len(exercises) + 1, setup, block)
            if exercise.id in seen_ids:
                raise reader.error(block.line, f"exercise id {exercise.id!r} is used twice")
            seen_ids.add(exercise.id)
            exercises.append(exercise)
        body = "\n".join(text_lines).strip()
        if not title or not body:
            raise reader.error(line, "a page needs a title and some text")
        pages.append(
            Page(page_number, title, body, setup, line, exercises=tuple(exercises), **view)
        )
    if not pages:
        raise reader.error(start, "a lesson needs at least one page ('## Title')")
    return Lesson(number, header["title"], header.get("summary", ""), path, tuple(pages))


def load_lesson(path) -> Lesson:
    """Load one lesson file (see :func:`parse_lesson`)."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise LessonError(path, 1, f"cannot read the file: {exc}") from None
    return parse_lesson(text, path)


def load_course(directory=None) -> tuple[Lesson, ...]:
    """Every lesson in ``directory`` (the package's own by default), in order.

    Raises :class:`LessonError` for the first malformed file or a repeated number.
    """
    if directory is None:
        return _packaged_course()
    lessons = [load_lesson(p) for p in sorted(Path(directory).glob("*.md"))]
    seen: dict[int, Path] = {}
    for lesson in lessons:
        if lesson.number in seen:
            raise LessonError(
                lesson.path, 1, f"lesson {lesson.number} is also {seen[lesson.number].name}"
            )
        seen[lesson.number] = lesson.path
    return tuple(sorted(lessons, key=lambda lesson: lesson.number))


@lru_cache(maxsize=1)
def _packaged_course() -> tuple[Lesson, ...]:
    return load_course(LESSON_DIR)
