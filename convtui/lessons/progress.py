"""The learner's progress: pages seen and exercises solved, kept in one JSON file.

The file lives in the user's data directory (``CONVTUI_DATA_DIR``, else
``$XDG_DATA_HOME/convtui``, else ``~/.local/share/convtui``).  Writes are atomic
(a temporary file, then ``os.replace``).  A file that cannot be read is renamed
aside and reported in :attr:`Progress.warning`; it never stops the app.

>>> import tempfile
>>> p = Progress.load(Path(tempfile.mkdtemp()) / "progress.json")
>>> p.solve(1, "p2.1"); p.solved(1)
{'p2.1'}
"""

from __future__ import annotations

import json
import os
import tempfile
import time
from pathlib import Path

from ..paths import data_dir

__all__ = ["VERSION", "Progress", "carried_over", "data_dir", "progress_path"]

VERSION = 2
"""1: the first course.  2: lessons 1-12 corrected and 13-15 added (issue 18): some
pages now ask another question under the same exercise id."""

CHANGED_IN_2 = {
    1: ("p1.1", "p2.1", "p3.1", "p4.1", "p4.2"),
    2: ("p2.1",),
    3: ("p1.1", "p2.1", "p3.1", "p4.1"),
    4: ("p1.1", "p2.1", "p3.1", "p4.1", "p5.1"),
    5: ("p1.1", "p3.1", "p4.1"),
    6: ("p1.1", "p2.1", "p3.1", "p4.1"),
    7: ("p2.1", "p3.1"),
    8: ("p4.1",),
    9: ("p3.1", "p4.1"),
    10: ("p1.1", "p2.1", "p3.1", "p4.1"),
    11: ("p1.1", "p2.1", "p3.1", "p4.1"),
    12: ("p1.1",),
}
"""The exercises of course 1 whose question (kind, prompt, setup or parameters) is not
the same in course 2: 36 of 51, found by loading both courses (git show cfd66fd^)."""


def carried_over(lessons: dict, version) -> dict:
    """A progress table written by course ``version``, read by this course.

    A solved mark is kept only where the exercise still asks the same question; pages
    seen and the page to reopen are kept as they are.

    >>> carried_over({"2": {"seen": [1, 2], "solved": ["p1.1", "p2.1"], "page": 2}}, 1)
    {'2': {'seen': [1, 2], 'solved': ['p1.1'], 'page': 2}}
    """
    if not isinstance(version, int) or version >= 2:
        return lessons
    kept = {}
    for number, entry in lessons.items():
        changed = CHANGED_IN_2.get(int(number), ()) if str(number).isdigit() else ()
        if isinstance(entry, dict) and isinstance(entry.get("solved"), list):
            solved = [e for e in entry["solved"] if e not in changed]
            entry = {**entry, "solved": solved}
        kept[number] = entry
    return kept


def progress_path() -> Path:
    return data_dir() / "progress.json"


def _valid(data) -> bool:
    if not isinstance(data, dict) or not isinstance(data.get("lessons"), dict):
        return False
    for entry in data["lessons"].values():
        if not isinstance(entry, dict):
            return False
        if not isinstance(entry.get("seen", []), list) or not all(
            isinstance(v, int) for v in entry.get("seen", [])
        ):
            return False
        if not isinstance(entry.get("solved", []), list) or not all(
            isinstance(v, str) for v in entry.get("solved", [])
        ):
            return False
        if not isinstance(entry.get("page", 1), int):
            return False
    return True


class Progress:
    """Pages seen, exercises solved and the last page open, per lesson number."""

    def __init__(self, path: Path, lessons: dict | None = None, warning: str | None = None):
        self.path = Path(path)
        self.lessons: dict[str, dict] = lessons or {}
        self.warning = warning

    @classmethod
    def load(cls, path=None) -> Progress:
        """Read the progress file; a missing file is a fresh start, a bad one is set aside."""
        path = progress_path() if path is None else Path(path)
        try:
            text = path.read_text(encoding="utf-8")
        except FileNotFoundError:
            return cls(path)
        except (OSError, UnicodeDecodeError) as exc:
            return cls(path, warning=f"Could not read {path}: {exc}; progress starts afresh.")
        try:
            data = json.loads(text)
        except ValueError:
            data = None
        if _valid(data):
            return cls(path, carried_over(data["lessons"], data.get("version", 1)))
        aside = path.with_name(f"{path.name}.corrupt-{time.strftime('%Y%m%d-%H%M%S')}")
        try:
            os.replace(path, aside)
            where = f"it was moved to {aside}"
        except OSError as exc:
            where = f"it could not be moved aside ({exc})"
        return cls(path, warning=f"The progress file was unreadable; {where}. Starting afresh.")

    def _entry(self, lesson: int) -> dict:
        return self.lessons.setdefault(str(lesson), {"seen": [], "solved": [], "page": 1})

    def see(self, lesson: int, page: int) -> None:
        """Record that a page was shown (and is the one to reopen)."""
        entry = self._entry(lesson)
        if page not in entry["seen"]:
            entry["seen"] = sorted(entry["seen"] + [page])
        entry["page"] = page

    def solve(self, lesson: int, exercise_id: str) -> None:
        entry = self._entry(lesson)
        if exercise_id not in entry["solved"]:
            entry["solved"] = sorted(entry["solved"] + [exercise_id])

    def solved(self, lesson: int) -> set[str]:
        return set(self.lessons.get(str(lesson), {}).get("solved", []))

    def seen(self, lesson: int) -> set[int]:
        return set(self.lessons.get(str(lesson), {}).get("seen", []))

    def last_page(self, lesson: int) -> int:
        return int(self.lessons.get(str(lesson), {}).get("page", 1))

    def is_done(self, lesson) -> bool:
        """A lesson is done when every page was seen and every exercise solved."""
        seen, solved = self.seen(lesson.number), self.solved(lesson.number)
        return all(p.number in seen for p in lesson.pages) and all(
            e.id in solved for e in lesson.exercises
        )

    def save(self) -> str | None:
        """Write atomically; returns an error message instead of raising."""
        data = {"version": VERSION, "lessons": self.lessons}
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            fd, temp = tempfile.mkstemp(prefix=".progress-", dir=self.path.parent)
            try:
                with os.fdopen(fd, "w", encoding="utf-8") as handle:
                    json.dump(data, handle, indent=1, sort_keys=True)
                os.replace(temp, self.path)
            except BaseException:
                Path(temp).unlink(missing_ok=True)
                raise
        except OSError as exc:
            return f"Could not save progress to {self.path}: {exc}"
        return None
