"""The app's command line: bad flags exit 2 before the app starts."""

from __future__ import annotations

import pytest

from convtui.cli import main
from convtui.commands.app_flags import app_options
from convtui.commands.args import UsageError


def test_bad_input_text_names_the_flag_and_exits_2(capsys):
    assert main(["--input", "1,2,x"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("convtui: error: --input:")
    assert "'x'" in err and "character 5" in err


@pytest.mark.parametrize(
    "argv, words",
    [
        (["--stride", "0"], "--stride"),
        (["--mode", "wide"], "--mode"),
        (["--kernel", ""], "--kernel"),
        (["--mode", "same", "--stride", "2", "--convention", "torch"], "torch"),
    ],
)
def test_bad_values_raise_usage_errors(argv, words):
    with pytest.raises(UsageError, match=words):
        app_options(argv)


def test_flags_make_the_setup():
    setup = app_options(["--input", "1 2 3 4", "--kernel", "5 6 7", "--correlate"])["setup"]
    assert setup.flip is False
    assert setup.compute().output.tolist() == [7, 20, 38, 56, 39, 20]  # np.correlate(x, w, "full")


def test_a_session_holding_a_transposed_setup_opens_it(tmp_path):
    from convtui.engine.setup import Setup
    from convtui.sessions import save_session

    path = tmp_path / "up.json"
    saved = Setup([1, 2, 3], [1, 1, 1], "valid", flip=False, stride=2, transposed=True)
    save_session(path, saved)
    assert app_options(["--open", str(path)])["setup"] == saved
