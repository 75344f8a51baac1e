"""One immutable ``Setup`` (what the learner chose) and its ``Result`` (what it gives).

The app, the lessons, sessions and the command line all pass a ``Setup`` around;
a ``Result`` is computed once per setup and every view reads from it.
"""

from __future__ import annotations

import dataclasses
import math
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

import numpy as np

from .backend import check_memory, get_array_module, get_backend, get_memory_limit, to_numpy
from .conv import convolve, correlate
from .geometry import Geometry, plan
from .matrix import toeplitz_taps, weights_at
from .trace import Steps, steps

__all__ = ["Result", "Setup"]


def _frozen(a, name: str) -> np.ndarray:
    arr = np.array(a)
    if arr.dtype.kind not in "biufc":
        raise ValueError(f"{name} must hold numbers, got dtype {arr.dtype}")
    if arr.dtype.kind == "b":
        arr = arr.astype(np.int64)
    arr.setflags(write=False)
    return arr


def _jsonable(value):
    if isinstance(value, tuple | list):
        return [_jsonable(v) for v in value]
    if isinstance(value, np.integer):
        return int(value)
    return value


@dataclass(frozen=True, eq=False)
class Setup:
    """The playground's whole state: input, kernel and the options of the slide.

    >>> s = Setup([1, 2, 3, 4], [5, 6, 7])
    >>> s.compute().output
    array([ 5, 16, 34, 52, 45, 28])
    >>> s.replace(mode="valid").compute().output
    array([34, 52])
    """

    input: Any
    kernel: Any
    mode: str = "full"
    flip: bool = True
    stride: Any = 1
    dilation: Any = 1
    padding: Any = 0
    convention: str = "numpy"
    geometry: Geometry = field(init=False, repr=False, compare=False)

    def __post_init__(self):
        object.__setattr__(self, "input", _frozen(self.input, "input"))
        object.__setattr__(self, "kernel", _frozen(self.kernel, "kernel"))
        object.__setattr__(self, "flip", bool(self.flip))
        for name in ("stride", "dilation", "padding"):
            value = getattr(self, name)
            if isinstance(value, list):
                object.__setattr__(
                    self, name, tuple(tuple(v) if isinstance(v, list) else v for v in value)
                )
        if self.input.ndim != self.kernel.ndim:
            raise ValueError(
                "input and kernel must have the same number of dimensions, got "
                f"input shape {self.input.shape} and kernel shape {self.kernel.shape}"
            )
        object.__setattr__(
            self,
            "geometry",
            plan(self.input.shape, self.kernel.shape, **self.options(), flip=self.flip),
        )

    def check_size(self) -> None:
        """Raise MemoryLimitError if computing this setup would pass the memory limit."""
        g = self.geometry
        check_memory(math.prod(g.padded_shape) * 16 + g.size * 16, "the padded input and output")

    def options(self) -> dict:
        """Keyword arguments for ``convolve``/``correlate`` and the geometry functions."""
        return {
            "mode": self.mode,
            "stride": self.stride,
            "dilation": self.dilation,
            "padding": self.padding,
            "convention": self.convention,
        }

    def replace(self, **changes) -> Setup:
        """A new setup with some fields changed (validated again)."""
        fields = {f.name: getattr(self, f.name) for f in dataclasses.fields(self) if f.init}
        fields.update(changes)
        return Setup(**fields)

    def __eq__(self, other) -> bool:
        if not isinstance(other, Setup):
            return NotImplemented
        return (
            np.array_equal(self.input, other.input, equal_nan=True)
            and self.input.dtype == other.input.dtype
            and np.array_equal(self.kernel, other.kernel, equal_nan=True)
            and self.kernel.dtype == other.kernel.dtype
            and self.geometry == other.geometry
        )

    __hash__ = None  # type: ignore[assignment]

    def to_dict(self) -> dict:
        """Plain JSON-able data; complex numbers are stored as ``[re, im]`` pairs."""

        def array(a):
            if a.dtype.kind == "c":
                return {"re": a.real.tolist(), "im": a.imag.tolist()}
            return a.tolist()

        return {
            "input": array(self.input),
            "kernel": array(self.kernel),
            "mode": self.mode,
            "flip": self.flip,
            "stride": _jsonable(self.stride),
            "dilation": _jsonable(self.dilation),
            "padding": _jsonable(self.padding),
            "convention": self.convention,
        }

    @classmethod
    def from_dict(cls, data: dict) -> Setup:
        """Inverse of :meth:`to_dict`; raises ValueError on anything malformed."""
        if not isinstance(data, dict):
            raise ValueError(f"a setup must be a JSON object, got {type(data).__name__}")
        known = {"input", "kernel", "mode", "flip", "stride", "dilation", "padding", "convention"}
        unknown = set(data) - known
        if unknown:
            raise ValueError(f"unknown setup fields: {', '.join(sorted(unknown))}")
        for required in ("input", "kernel"):
            if required not in data:
                raise ValueError(f"a setup needs {required!r}")

        def array(v, name):
            if isinstance(v, dict):
                if set(v) != {"re", "im"}:
                    raise ValueError(f"{name} must be a list of numbers or {{re, im}}")
                return np.array(v["re"], dtype=float) + 1j * np.array(v["im"], dtype=float)
            try:
                arr = np.array(v)
            except ValueError as exc:
                raise ValueError(f"{name} is not a rectangular array of numbers") from exc
            if arr.dtype.kind not in "biuf":
                raise ValueError(f"{name} must be an array of numbers")
            return arr

        fields = dict(data)
        fields["input"] = array(data["input"], "input")
        fields["kernel"] = array(data["kernel"], "kernel")
        if "flip" in fields and not isinstance(fields["flip"], bool):
            raise ValueError("flip must be true or false")
        return cls(**fields)

    def compute(self) -> Result:
        return Result(self)


class Result:
    """Everything one setup gives, computed once; the costly parts on first use."""

    def __init__(self, setup: Setup):
        self.setup = setup
        self.geometry = setup.geometry
        run = convolve if setup.flip else correlate
        x, w = setup.input, setup.kernel
        if get_backend() == "cupy":
            # on the GPU, read back once; steps and the matrix show a few numbers at
            # a time and stay on the host
            xp = get_array_module()
            x, w = xp.asarray(x), xp.asarray(w)
        self.output = to_numpy(run(x, w, **setup.options()))

    @cached_property
    def steps(self) -> Steps:
        s = self.setup
        return steps(s.input, s.kernel, flip=s.flip, **s.options())

    def matrix_fits(self) -> bool:
        """Whether the dense Toeplitz matrix fits in the memory limit."""
        return self.geometry.size * math.prod(self.geometry.input_shape) * 8 <= get_memory_limit()

    @cached_property
    def taps(self) -> np.ndarray:
        """Toeplitz taps (raises MemoryLimitError when the matrix is too large)."""
        s = self.setup
        return toeplitz_taps(s.kernel.shape, s.input.shape, flip=s.flip, **s.options())

    @cached_property
    def matrix(self) -> np.ndarray:
        return weights_at(self.setup.kernel, self.taps, flip=self.setup.flip)
