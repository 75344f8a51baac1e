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
from .engine.conv import choose_method, convolve, correlate, next_fast_len
from .engine.geometry import CONVENTIONS, Geometry, output_shape, padding_for, plan
from .engine.layer import conv_backward, conv_forward, gradient_terms
from .engine.matrix import toeplitz, toeplitz_taps
from .engine.parse import ParseError, parse_array
from .engine.setup import Result, Setup
from .engine.tasks import TASKS, Task, TaskData, make_task
from .engine.trace import Step, Steps, steps
from .engine.train import TrainState, train_kernel

__version__ = "0.1.0"

__all__ = [
    "BackendUnavailable",
    "CONVENTIONS",
    "Geometry",
    "MemoryLimitError",
    "ParseError",
    "Result",
    "Setup",
    "Step",
    "Steps",
    "TASKS",
    "Task",
    "TaskData",
    "TrainState",
    "backend_info",
    "choose_method",
    "conv_backward",
    "conv_forward",
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
    "set_memory_limit",
    "steps",
    "toeplitz",
    "toeplitz_taps",
    "to_numpy",
    "train_kernel",
    "use_backend",
]
