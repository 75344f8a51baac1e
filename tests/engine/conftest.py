"""The engine's array modules: numpy, CuPy with a GPU, and a fake CuPy without one."""

import sys

import numpy as np
import pytest

from convtui.engine import backend

from ..conftest import _cupy_or_reason
from . import fake_cupy


@pytest.fixture(params=["numpy", "cupy", "fake-cupy"])
def xp(request, monkeypatch):
    """numpy, cupy (skipped without a GPU) and fake_cupy.

    The fake runs the GPU code paths here, without a GPU: a silent host round trip
    or a host array used on the device raises TypeError there, as with CuPy.
    """
    if request.param == "numpy":
        return np
    if request.param == "cupy":
        cupy = _cupy_or_reason()
        if isinstance(cupy, str):
            pytest.skip(cupy)
        return cupy
    fake = fake_cupy.make()
    monkeypatch.setitem(sys.modules, "cupy", fake)
    monkeypatch.setattr(backend, "_cupy", None)
    return fake
