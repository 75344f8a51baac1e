"""Every CLI argument fuzzed: random flags, values and arrays.  Only exit codes 0 and 2
(with a one-line message) may come out; the app's own flags are checked before it starts."""

import numpy as np
import pytest

from convtui.app.launch import app_options
from convtui.cli import UsageError, main

CLI_CASES = 3000
APP_CASES = 2000

ARRAYS = [
    "1,2,3,4",
    "5,6,7",
    "1 2; 3 4",
    "[[1,2],[3,4]]",
    "1",
    "0.5,-1e3",
    "1+2j,3",
    "nan,inf",
    "",
    "1,,2",
    "x",
    "[1,2",
    "1 2; 3",
    "9" * 30,
    "-1,2",
    "1;2;3",
]
VALUES = [
    "0",
    "1",
    "2",
    "3",
    "-1",
    "1.5",
    "x",
    "",
    "99999999999999999999",
    "full",
    "same",
    "valid",
    "numpy",
    "matlab",
    "torch",
    "tensorflow",
    "julia",
    "--",
    "-",
    "1e3",
]
FLAGS = [
    "--mode",
    "--correlate",
    "--stride",
    "--dilation",
    "--padding",
    "--convention",
    "--steps",
    "--matrix",
    "--shape",
    "--json",
    "--lang",
    "--bogus",
    "-h",
]


def random_argv(rng, subcommand):
    argv = [subcommand] if subcommand else []
    for _ in range(int(rng.integers(0, 3))):
        argv.append(str(rng.choice(ARRAYS)))
    for _ in range(int(rng.integers(0, 5))):
        flag = str(rng.choice(FLAGS))
        argv.append(flag)
        if flag not in ("--correlate", "--steps", "--matrix", "--shape", "--json", "-h"):
            if rng.random() < 0.9:
                argv.append(str(rng.choice(VALUES + ARRAYS)))
    return argv


@pytest.mark.parametrize("subcommand", ["conv", "compare", "code"])
def test_subcommands_answer_0_or_2(subcommand, capsys):
    rng = np.random.default_rng(len(subcommand))
    codes = {0: 0, 2: 0}
    for _ in range(CLI_CASES // 3):
        argv = random_argv(rng, subcommand)
        try:
            code = main(argv)
        except SystemExit as exc:  # only --help may exit, with 0
            code = exc.code
        out, err = capsys.readouterr()
        assert code in (0, 2), (argv, code, err)
        codes[code] += 1
        if code == 2:
            assert err.startswith("convtui: error: ") and err.count("\n") == 1, (argv, err)
            assert "Traceback" not in err
    assert codes[0] > 0 and codes[2] > 0


def test_app_flags_are_checked_before_start(capsys):
    rng = np.random.default_rng(7)
    flags = [
        "--input",
        "--kernel",
        "--mode",
        "--correlate",
        "--stride",
        "--dilation",
        "--padding",
        "--convention",
        "--lesson",
        "--bogus",
    ]
    accepted = refused = 0
    for _ in range(APP_CASES):
        argv = []
        for _ in range(int(rng.integers(0, 5))):
            flag = str(rng.choice(flags))
            argv.append(flag)
            if flag != "--correlate":
                argv.append(str(rng.choice(VALUES + ARRAYS)))
        try:
            options = app_options(argv)
        except UsageError as exc:
            assert str(exc) and "\n" not in str(exc)
            refused += 1
        except SystemExit as exc:
            assert exc.code in (0, 2)
        else:
            assert options["setup"].compute().output.ndim >= 1
            accepted += 1
        capsys.readouterr()
    assert accepted > 0 and refused > 0
