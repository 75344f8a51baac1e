"""Run ``convtui`` in-process: ``cli(...)`` gives (exit code, stdout, stderr)."""

import pytest

from convtui.cli import main


@pytest.fixture
def cli(capsys, monkeypatch, tmp_path):
    monkeypatch.setenv("CONVTUI_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.delenv("CONVTUI_DEBUG", raising=False)

    def run(*argv):
        code = main(list(argv))
        out, err = capsys.readouterr()
        return code, out, err

    return run
