"""Shared fixtures: deterministic hypothesis settings and optional peers."""

import functools
import os

import numpy as np
import pytest
from hypothesis import HealthCheck, settings

settings.register_profile(
    "default", deadline=None, suppress_health_check=[HealthCheck.too_slow], max_examples=100
)
settings.register_profile("ci", parent=settings.get_profile("default"), derandomize=True)
settings.load_profile("ci" if os.environ.get("CI") else "default")


@pytest.fixture(autouse=True)
def _private_data_dir(tmp_path_factory, monkeypatch):
    """No test reads or writes the real user's data (lesson progress, sessions)."""
    monkeypatch.setenv("CONVTUI_DATA_DIR", str(tmp_path_factory.mktemp("data")))


@functools.cache
def _cupy_or_reason():
    """CuPy when it imports and sees a GPU, else the reason it cannot be used."""
    from convtui.engine.backend import BackendUnavailable, _import_cupy

    try:
        return _import_cupy()
    except BackendUnavailable as exc:
        return str(exc)


@pytest.fixture(params=["numpy", "cupy"])
def xp(request):
    """The array module of each available backend: numpy always, cupy only with a GPU."""
    if request.param == "numpy":
        return np
    cupy = _cupy_or_reason()
    if isinstance(cupy, str):
        pytest.skip(cupy)
    return cupy
