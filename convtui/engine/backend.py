"""Where arrays live: the array module of the inputs, the default backend, the memory budget.

Every engine function asks :func:`get_array_module` for ``xp`` instead of naming
numpy, so the same numerics run on the GPU through CuPy:

* a cupy array among the inputs: cupy (the result stays on the GPU);
* otherwise a numpy array among them: numpy (numpy arrays stay on the CPU);
* only array-likes (lists, scalars): the default backend, ``"numpy"`` unless
  :func:`use_backend` or the ``CONVTUI_BACKEND`` environment variable (read on
  first use) says ``"cupy"``.

CuPy is recognised by looking in ``sys.modules`` and imported only when the
default backend asks for it, so ``import convtui`` never loads it.
"""

from __future__ import annotations

import os
import sys
from types import ModuleType

import numpy as np

__all__ = [
    "BACKENDS",
    "BackendUnavailable",
    "MemoryLimitError",
    "backend_info",
    "check_memory",
    "get_array_module",
    "get_backend",
    "get_memory_limit",
    "set_memory_limit",
    "to_numpy",
    "use_backend",
]

BACKENDS = ("numpy", "cupy")
INSTALL_HINT = "pip install 'convtui[gpu]'"

_DEFAULT_LIMIT = 512 * 2**20
_memory_limit = _DEFAULT_LIMIT


class MemoryLimitError(ValueError):
    """A result or temporary buffer would be larger than the memory limit."""


class BackendUnavailable(RuntimeError):
    """The cupy backend was asked for, but CuPy is missing or no GPU is visible."""


# None until first asked: then CONVTUI_BACKEND is read (so setting it after
# ``import convtui`` still counts)
_backend: str | None = None
_cupy: ModuleType | None = None


def _checked_name(name, source: str) -> str:
    if not isinstance(name, str) or name.strip().lower() not in BACKENDS:
        raise ValueError(f"{source} must be one of 'numpy', 'cupy'; got {name!r}")
    return name.strip().lower()


def get_backend() -> str:
    """The default backend's name: ``"numpy"`` or ``"cupy"``.

    >>> get_backend()
    'numpy'
    """
    global _backend
    if _backend is None:
        _backend = _checked_name(os.environ.get("CONVTUI_BACKEND") or "numpy", "CONVTUI_BACKEND")
    return _backend


def _import_cupy() -> ModuleType:
    """CuPy, once it is known to import and to see a device; BackendUnavailable if not."""
    global _cupy
    if _cupy is not None:
        return _cupy
    try:
        import cupy
    except ModuleNotFoundError as exc:  # also while sys.modules["cupy"] is None
        if exc.name != "cupy":
            raise BackendUnavailable(f"CuPy is installed but cannot import: {exc}") from exc
        raise BackendUnavailable(
            f"the cupy backend needs CuPy, which is not installed: {INSTALL_HINT} "
            "(the numpy backend keeps working)"
        ) from exc
    except Exception as exc:  # a CuPy built for another CUDA, missing libraries ...
        raise BackendUnavailable(f"CuPy is installed but cannot import: {exc}") from exc
    reason = ""
    try:
        devices = cupy.cuda.runtime.getDeviceCount()
    except Exception as exc:  # no driver, or CUDA refuses: no device either way
        devices, reason = 0, f" ({exc})"
    if devices < 1:
        raise BackendUnavailable(
            f"the cupy backend needs a GPU, but CuPy sees no CUDA device{reason}: check "
            "nvidia-smi and CUDA_VISIBLE_DEVICES; the numpy backend keeps working"
        )
    _cupy = cupy
    return cupy


def get_array_module(*arrays) -> ModuleType:
    """Return the array module of ``arrays``: cupy, numpy, or the default backend's.

    >>> get_array_module([1, 2], np.ones(3)).__name__
    'numpy'
    >>> with use_backend("numpy"):
    ...     get_array_module([1, 2]).__name__
    'numpy'
    """
    cupy = sys.modules.get("cupy")
    if cupy is not None:
        for a in arrays:
            if isinstance(a, cupy.ndarray):
                return cupy
    if _backend == "numpy":  # the common case, kept to one comparison
        return np
    for a in arrays:
        if isinstance(a, np.ndarray):
            return np
    return _import_cupy() if get_backend() == "cupy" else np


class use_backend:  # lower case: called like a function, as numpy.errstate is
    """Make ``name`` the default backend, for good or for a ``with`` block.

    The default decides only for array-likes (lists, scalars): cupy arrays always
    compute on the GPU, numpy arrays always on the CPU.  Asking for ``"cupy"``
    raises :class:`BackendUnavailable` at once when CuPy is missing or sees no GPU,
    and leaves the default as it was.

    Examples
    --------
    >>> with use_backend("numpy"):
    ...     get_backend()
    'numpy'
    """

    def __init__(self, name: str):
        name = _checked_name(name, "backend")
        if name == "cupy":
            _import_cupy()
        global _backend
        self.name = name
        self._restore = _backend  # None (not read yet) is restored as None
        _backend = name

    def __enter__(self) -> use_backend:
        return self

    def __exit__(self, *exc) -> None:
        global _backend
        _backend = self._restore

    def __repr__(self) -> str:
        return f"use_backend({self.name!r})"


def backend_info() -> str:
    """The default backend in words, with the GPU's name: what the app shows.

    >>> with use_backend("numpy"):
    ...     backend_info()
    'numpy (CPU)'
    """
    if get_backend() != "cupy":
        return "numpy (CPU)"
    cupy = _import_cupy()
    device = cupy.cuda.Device()
    name = cupy.cuda.runtime.getDeviceProperties(device.id)["name"]
    if isinstance(name, bytes):
        name = name.decode(errors="replace")
    return f"cupy (GPU {device.id}: {name})"


def to_numpy(a) -> np.ndarray:
    """``a`` as a numpy array, copied from the GPU when it lives there.

    >>> to_numpy([1, 2])
    array([1, 2])
    """
    cupy = sys.modules.get("cupy")
    if cupy is not None and isinstance(a, cupy.ndarray):
        return a.get()
    return np.asarray(a)


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
