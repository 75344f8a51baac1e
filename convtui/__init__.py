"""convtui: a terminal tutor and playground for the convolution that CNNs use.

``import convtui`` gives the headless engine (numpy only): every convolution is
pad → orient → slide, and every view of it is computed here.

>>> import convtui
>>> convtui.convolve([1, 2, 3, 4], [5, 6, 7])
array([ 5, 16, 34, 52, 45, 28])
"""

from .engine.backend import (
    BackendUnavailable,
    MemoryLimitError,
    backend_info,
    get_backend,
    get_memory_limit,
    set_memory_limit,
    to_numpy,
    use_backend,
)
from .engine.conv import choose_method, conv_transpose, convolve, correlate, next_fast_len
from .engine.geometry import (
    CONVENTIONS,
    PADDING_MODES,
    PADDING_NAMES,
    ConvSpec,
    Geometry,
    output_shape,
    padding_for,
    plan,
)
from .engine.matrix import toeplitz, toeplitz_taps
from .engine.parse import ParseError, parse_array
from .engine.setup import Result, Setup
from .engine.trace import Step, Steps, steps

__version__ = "0.1.0"

# The layer, its training and the training tasks load when first asked for: the app's
# first frame needs none of them (bench/tui.py), and ``import convtui`` stays quick.
_LAZY = {
    **dict.fromkeys(
        (
            "conv_backward",
            "conv_forward",
            "conv_transpose_backward",
            "conv_transpose_forward",
            "gradient_terms",
        ),
        ".engine.layer",
    ),
    **dict.fromkeys(("POOL_KINDS", "pool", "pool_backward"), ".engine.pool"),
    **dict.fromkeys(("FieldRow", "ReceptiveField", "receptive_field"), ".engine.receptive"),
    **dict.fromkeys(("ACTIVATIONS", "Conv", "Counts", "Pool", "Stack"), ".engine.stack"),
    **dict.fromkeys(("TASKS", "Task", "TaskData", "make_task"), ".engine.tasks"),
    **dict.fromkeys(("TrainState", "train_kernel"), ".engine.train"),
}


def __getattr__(name: str):
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'convtui' has no attribute {name!r}")
    import importlib

    value = getattr(importlib.import_module(module, __name__), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *_LAZY})


__all__ = [
    "ACTIVATIONS",
    "BackendUnavailable",
    "CONVENTIONS",
    "Conv",
    "ConvSpec",
    "Counts",
    "FieldRow",
    "Geometry",
    "MemoryLimitError",
    "PADDING_MODES",
    "PADDING_NAMES",
    "POOL_KINDS",
    "ParseError",
    "Pool",
    "ReceptiveField",
    "Result",
    "Setup",
    "Stack",
    "Step",
    "Steps",
    "TASKS",
    "Task",
    "TaskData",
    "TrainState",
    "backend_info",
    "choose_method",
    "conv_transpose",
    "conv_backward",
    "conv_forward",
    "conv_transpose_backward",
    "conv_transpose_forward",
    "convolve",
    "correlate",
    "get_backend",
    "get_memory_limit",
    "gradient_terms",
    "make_task",
    "next_fast_len",
    "output_shape",
    "padding_for",
    "parse_array",
    "plan",
    "pool",
    "pool_backward",
    "receptive_field",
    "set_memory_limit",
    "steps",
    "toeplitz",
    "toeplitz_taps",
    "to_numpy",
    "train_kernel",
    "use_backend",
]
