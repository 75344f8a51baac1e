"""A strict stand-in for CuPy, so the GPU code paths run on a machine without a GPU.

Its arrays hold numpy memory but behave like CuPy's where it matters for the engine:

* they refuse to become numpy arrays implicitly (``np.asarray(a)`` raises TypeError,
  as CuPy does): a silent trip to the host inside a computation fails loudly;
* its functions and operators refuse plain numpy arrays (CuPy raises TypeError for
  them too), so a host table used on the device without ``xp.asarray`` fails;
* reductions return 0-d arrays, not scalars; ``.get()``, ``.item()`` and ``.tolist()``
  are the explicit ways back to the host.

It checks plumbing, not speed or CUDA numerics: that needs the real thing on a GPU.
"""

from __future__ import annotations

import types

import numpy as np
from numpy.lib.stride_tricks import as_strided


def _device(value, where: str):
    """Unwrap device arrays (in lists, tuples and dicts too); refuse host arrays."""
    if isinstance(value, ndarray):
        return value._a
    if isinstance(value, np.ndarray) and value.ndim > 0:
        raise TypeError(f"Unsupported type {type(value)} in {where}: a host numpy array")
    if isinstance(value, list | tuple):
        return type(value)(_device(v, where) for v in value)
    if isinstance(value, dict):
        return {k: _device(v, where) for k, v in value.items()}
    return value


def _wrap(value):
    if isinstance(value, np.ndarray | np.generic):
        return ndarray(np.asarray(value))
    if isinstance(value, tuple):
        return tuple(_wrap(v) for v in value)
    return value


def _on_device(function, where: str):
    def call(*args, **kwargs):
        return _wrap(function(*_device(args, where), **_device(kwargs, where)))

    return call


class ndarray:  # noqa: N801 -- the name CuPy's array type has
    """numpy memory posing as device memory."""

    __hash__ = None
    _HOST = ("shape", "dtype", "ndim", "size", "strides", "itemsize", "nbytes", "flags")
    _EXPLICIT = ("item", "tolist")  # the documented ways to read values back

    def __init__(self, a: np.ndarray):
        self._a = a

    def __array__(self, *args, **kwargs):
        raise TypeError("Implicit conversion to a NumPy array is not allowed (call .get())")

    def __array_ufunc__(self, ufunc, method, *inputs, **kwargs):
        return _wrap(
            getattr(ufunc, method)(*_device(inputs, ufunc.__name__), **_device(kwargs, "out"))
        )

    def __array_function__(self, func, types, args, kwargs):
        raise TypeError(f"numpy.{func.__name__} on a device array: use the array module")

    def get(self) -> np.ndarray:
        return self._a.copy()

    def __getattr__(self, name):
        if name.startswith("__"):  # no __array_interface__ and the like: no way to the host
            raise AttributeError(name)
        value = getattr(self._a, name)
        if name in self._HOST or name in self._EXPLICIT:
            return value
        return _on_device(value, name) if callable(value) else _wrap(value)

    def __getitem__(self, index):
        return _wrap(self._a[_device(index, "an index")])

    def __setitem__(self, index, value):
        self._a[_device(index, "an index")] = _device(value, "an assignment")

    def __len__(self) -> int:
        return len(self._a)

    def __bool__(self) -> bool:
        return bool(self._a)

    def __int__(self) -> int:
        return int(self._a)

    def __float__(self) -> float:
        return float(self._a)

    def __complex__(self) -> complex:
        return complex(self._a)

    def __repr__(self) -> str:
        return "fake_cupy." + repr(self._a)


def _operator(name: str):
    def op(self, *others):
        return _wrap(getattr(self._a, name)(*_device(others, name)))

    return op


for _name in (
    "add radd sub rsub mul rmul truediv rtruediv floordiv mod pow rpow matmul rmatmul "
    "iadd isub imul itruediv neg pos abs invert and or xor eq ne lt le gt ge"
).split():
    setattr(ndarray, f"__{_name}__", _operator(f"__{_name}__"))


def asarray(a, dtype=None):
    """The one entrance from the host (an explicit copy, as cupy.asarray makes)."""
    if isinstance(a, ndarray):
        return a if dtype is None else a.astype(dtype, copy=False)
    return ndarray(np.array(a, dtype=dtype))


class _Namespace(types.ModuleType):
    """Every other function: numpy's, on device arrays only."""

    def __init__(self, name: str, host):
        super().__init__(name)
        self._host = host

    def __getattr__(self, name):
        value = getattr(self._host, name)
        return _on_device(value, f"{self.__name__}.{name}") if callable(value) else value


def _as_strided(x, shape=None, strides=None):
    return ndarray(as_strided(x._a, shape=shape, strides=strides))


def make(device_name: str = "Fake GPU") -> types.ModuleType:
    """A fresh module to put in ``sys.modules["cupy"]``."""
    cupy = _Namespace("cupy", np)
    cupy.ndarray = ndarray
    cupy.asarray = asarray
    cupy.array = asarray
    cupy.fft = _Namespace("cupy.fft", np.fft)
    cupy.lib = types.SimpleNamespace(stride_tricks=types.SimpleNamespace(as_strided=_as_strided))
    cupy.cuda = types.SimpleNamespace(
        runtime=types.SimpleNamespace(
            getDeviceCount=lambda: 1,
            getDeviceProperties=lambda i: {"name": device_name.encode()},
        ),
        Device=lambda: types.SimpleNamespace(id=0),
    )
    return cupy
