"""Shared fixtures: deterministic hypothesis settings and optional peers."""

import os

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
