"""Where arrays live: the array module of the inputs, and the memory budget.

Every engine function asks :func:`get_array_module` for ``xp`` instead of naming
numpy, so a GPU backend can slot in without rewriting the numerics.  CuPy is
recognised by looking in ``sys.modules``; it is never imported here.
"""

from __future__ import annotations

import sys
from types import ModuleType

import numpy as np

__all__ = [
    "MemoryLimitError",
    "check_memory",
    "get_array_module",
    "get_memory_limit",
    "set_memory_limit",
]

_DEFAULT_LIMIT = 512 * 2**20
_memory_limit = _DEFAULT_LIMIT


class MemoryLimitError(ValueError):
    """A result or temporary buffer would be larger than the memory limit."""


def get_array_module(*arrays) -> ModuleType:
    """Return the array module (numpy, or cupy for cupy arrays) of ``arrays``.

    >>> get_array_module([1, 2], np.ones(3)).__name__
    'numpy'
    """
    cupy = sys.modules.get("cupy")
    if cupy is not None:
        for a in arrays:
            if isinstance(a, cupy.ndarray):
                return cupy
    return np


def get_memory_limit() -> int:
    """The largest buffer, in bytes, the engine will allocate (default 512 MiB)."""
    return _memory_limit


def set_memory_limit(nbytes: int | None) -> int:
    """Set the memory limit in bytes (``None`` restores 512 MiB); returns the old one.

    >>> old = set_memory_limit(2**30)
    >>> get_memory_limit()
    1073741824
    >>> _ = set_memory_limit(old)
    """
    global _memory_limit
    if nbytes is not None and (not isinstance(nbytes, int) or nbytes <= 0):
        raise ValueError(f"memory limit must be a positive number of bytes, got {nbytes!r}")
    old = _memory_limit
    _memory_limit = _DEFAULT_LIMIT if nbytes is None else nbytes
    return old


def _human(nbytes: float) -> str:
    for unit in ("bytes", "KiB", "MiB", "GiB", "TiB"):
        if nbytes < 1024 or unit == "TiB":
            return f"{nbytes:.0f} {unit}" if unit == "bytes" else f"{nbytes:.1f} {unit}"
        nbytes /= 1024
    raise AssertionError("unreachable")


def check_memory(nbytes: float, what: str) -> None:
    """Refuse up front to build ``what`` if it needs more than the memory limit."""
    if nbytes > _memory_limit:
        raise MemoryLimitError(
            f"{what} would need {_human(nbytes)}, more than the memory limit of "
            f"{_human(_memory_limit)} (raise it with convtui.set_memory_limit)"
        )
