"""A save killed half-way (the process dies mid-write) leaves the previous file intact."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from convtui.engine.setup import Setup
from convtui.sessions import load_session, save_session

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize("moment", ["write", "fsync", "replace"])
def test_kill_during_save_keeps_the_old_session(tmp_path, moment):
    path = tmp_path / "work.json"
    save_session(path, Setup([1, 2, 3, 4], [5, 6, 7]))
    before = path.read_bytes()
    # a child process starts saving a much larger setup and is killed (SIGKILL: no
    # cleanup, no finally) at the chosen moment of the write
    child = textwrap.dedent(
        f"""
        import os, signal, sys
        sys.path.insert(0, {str(ROOT)!r})
        import numpy as np
        from convtui.engine.setup import Setup
        from convtui import sessions

        def die(*args, **kwargs):
            os.kill(os.getpid(), signal.SIGKILL)

        moment = {moment!r}
        if moment == "write":
            real_fdopen = os.fdopen
            class Dying:
                def __init__(self, f): self.f = f
                def __enter__(self): return self
                def __exit__(self, *exc): return False
                def write(self, text):
                    self.f.write(text[: len(text) // 2]); self.f.flush(); die()
            sessions.os.fdopen = lambda *a, **k: Dying(real_fdopen(*a, **k))
        elif moment == "fsync":
            sessions.os.fsync = die
        else:
            sessions.os.replace = die
        sessions.save_session({str(path)!r}, Setup(np.arange(100_000), [1, 2]))
        """
    )
    result = subprocess.run([sys.executable, "-c", child], capture_output=True, timeout=60)
    assert result.returncode == -signal.SIGKILL, result.stderr.decode()
    assert path.read_bytes() == before
    assert load_session(path).setup == Setup([1, 2, 3, 4], [5, 6, 7])
    # what the dead process left is only a hidden temporary file beside it
    leftovers = [p.name for p in tmp_path.iterdir() if p != path]
    assert all(name.startswith(".work.json.") and name.endswith(".tmp") for name in leftovers)
    json.loads(before)  # the old file is still whole JSON
    assert os.access(path, os.R_OK)
