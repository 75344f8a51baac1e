"""One immutable ``Setup`` (what the learner chose) and its ``Result`` (what it gives).

The app, the lessons, sessions and the command line all pass a ``Setup`` around;
a ``Result`` is computed once per setup and every view reads from it.
"""

from __future__ import annotations

from functools import cached_property

import numpy as np

from .backend import check_memory, get_array_module, get_backend, get_memory_limit, to_numpy
from .conv import apply
from .geometry import OPTION_NAMES, ConvSpec, Geometry
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


_DEFAULTS = ConvSpec().options() | {"padding": 0}
_FIRST_OPTIONS = ("mode", "flip", "stride", "dilation", "padding", "convention")


def _jsonable(value):
    if isinstance(value, tuple | list):
        return [_jsonable(v) for v in value]
    if isinstance(value, np.integer):
        return int(value)
    return value


class Setup:
    """The playground's whole state: an input, a kernel and one :class:`ConvSpec`.

    Immutable: :meth:`replace` gives a new setup.  Each option reads as an
    attribute (``setup.mode``, ``setup.padding_mode``, ...).

    >>> s = Setup([1, 2, 3, 4], [5, 6, 7])
    >>> s.compute().output
    array([ 5, 16, 34, 52, 45, 28])
    >>> s.replace(mode="valid").compute().output
    array([34, 52])
    >>> s.replace(flip=False, mode="valid", padding=1, padding_mode="circular").compute().output
    array([40, 38, 56, 46])
    >>> Setup([1, 2, 3], [1, 1, 1], "valid", flip=False, stride=2, transposed=True).compute().output
    array([1, 1, 3, 2, 5, 3, 3])
    """

    __slots__ = ("input", "kernel", "spec", "geometry")

    input: np.ndarray
    kernel: np.ndarray
    spec: ConvSpec
    geometry: Geometry

    def __init__(
        self, input, kernel, mode: str = "full", *, spec: ConvSpec | None = None, **options
    ):
        if spec is not None and (options or mode != "full"):
            raise ValueError("give either spec= or the options, not both")
        if spec is None:
            unknown = set(options) - set(OPTION_NAMES)
            if unknown:
                raise ValueError(f"unknown setup options: {', '.join(sorted(unknown))}")
            spec = ConvSpec(mode, **{"padding": 0, **options})
        x, w = _frozen(input, "input"), _frozen(kernel, "kernel")
        if x.ndim != w.ndim:
            raise ValueError(
                "input and kernel must have the same number of dimensions, got "
                f"input shape {x.shape} and kernel shape {w.shape}"
            )
        for name, value in (("input", x), ("kernel", w), ("spec", spec)):
            object.__setattr__(self, name, value)
        object.__setattr__(self, "geometry", spec.plan(x.shape, w.shape))

    def __setattr__(self, name, value):
        raise AttributeError(f"a Setup is immutable: use replace({name}=...)")

    def __getattr__(self, name):
        # the options, read from the spec: setup.mode, setup.padding_mode, ...
        if name in OPTION_NAMES:
            return getattr(self.spec, name)
        raise AttributeError(f"'Setup' object has no attribute {name!r}")

    def __repr__(self) -> str:
        changed = {k: v for k, v in self.spec.options().items() if v != _DEFAULTS[k]}
        options = "".join(f", {k}={v!r}" for k, v in changed.items())
        return f"Setup({self.input.tolist()!r}, {self.kernel.tolist()!r}{options})"

    def check_size(self) -> None:
        """Raise MemoryLimitError if computing this setup would pass the memory limit."""
        check_memory(self.geometry.memory("padded", 16), "the padded input and output")

    def options(self) -> dict:
        """Keyword arguments for the geometry, ``steps`` and ``toeplitz`` (all but ``flip``)."""
        options = self.spec.options()
        del options["flip"]
        return options

    def fields(self) -> dict:
        """Input, kernel and every option by name: ``Setup(**setup.fields())`` is equal."""
        return {"input": self.input, "kernel": self.kernel, **self.spec.options()}

    def replace(self, **changes) -> Setup:
        """A new setup with some fields changed (validated again)."""
        return Setup(**{**self.fields(), **changes})

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

        data = {"input": array(self.input), "kernel": array(self.kernel)}
        for name, value in self.spec.options().items():
            # options newer than the first session files are written only when set,
            # so a file of a plain setup reads the same in every version
            if name not in _FIRST_OPTIONS and value == _DEFAULTS[name]:
                continue
            data[name] = _jsonable(value)
        return data

    @classmethod
    def from_dict(cls, data: dict) -> Setup:
        """Inverse of :meth:`to_dict`; raises ValueError on anything malformed."""
        if not isinstance(data, dict):
            raise ValueError(f"a setup must be a JSON object, got {type(data).__name__}")
        known = {"input", "kernel", *OPTION_NAMES}
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
        for flag in ("flip", "transposed"):
            if flag in fields and not isinstance(fields[flag], bool):
                raise ValueError(f"{flag} must be true or false")
        return cls(**fields)

    def compute(self) -> Result:
        return Result(self)


class Result:
    """Everything one setup gives, computed once; the costly parts on first use."""

    def __init__(self, setup: Setup):
        self.setup = setup
        self.geometry = setup.geometry
        x, w = setup.input, setup.kernel
        if get_backend() == "cupy":
            # on the GPU, read back once; steps and the matrix show a few numbers at
            # a time and stay on the host
            xp = get_array_module()
            x, w = xp.asarray(x), xp.asarray(w)
        self.output = to_numpy(apply(x, w, setup.spec))

    @cached_property
    def steps(self) -> Steps:
        s = self.setup
        return steps(s.input, s.kernel, flip=s.flip, **s.options())

    def matrix_fits(self) -> bool:
        """Whether the dense Toeplitz matrix fits in the memory limit."""
        return self.geometry.memory("matrix") <= get_memory_limit()

    @cached_property
    def taps(self) -> np.ndarray:
        """Toeplitz taps (raises MemoryLimitError when the matrix is too large)."""
        s = self.setup
        return toeplitz_taps(s.kernel.shape, s.input.shape, flip=s.flip, **s.options())

    @cached_property
    def matrix(self) -> np.ndarray:
        return weights_at(self.setup.kernel, self.taps, flip=self.setup.flip)
