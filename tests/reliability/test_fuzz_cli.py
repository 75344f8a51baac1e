"""Every CLI argument fuzzed: random flags, values and arrays.  Only exit codes 0 and 2
(with a one-line message) may come out; the app's own flags are checked before it starts.

The subcommands draw the padding modes, causal mode and the transposed flags too
(``--padding-mode``, ``--transposed``, ``--output-padding``, per-axis values)."""

import numpy as np
import pytest

from convtui.cli import main
from convtui.commands.app_flags import app_options
from convtui.commands.args import UsageError

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
    "causal",
    "zeros",
    "reflect",
    "replicate",
    "circular",
    "symmetric",
    "wrap",
    "1,0",
    "2,1",
    "0,0,0",
    "1,",
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
    "--padding-mode",
    "--transposed",
    "--output-padding",
    "--bogus",
    "-h",
]
SWITCHES = ("--correlate", "--steps", "--matrix", "--shape", "--json", "--transposed", "-h")


def random_argv(rng, subcommand):
    argv = [subcommand] if subcommand else []
    for _ in range(int(rng.integers(0, 3))):
        argv.append(str(rng.choice(ARRAYS)))
    for _ in range(int(rng.integers(0, 5))):
        flag = str(rng.choice(FLAGS))
        argv.append(flag)
        if flag not in SWITCHES:
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


LAYER_CASES = 1500
GOOD_PAIRS = [
    ("1,2,3,4", "5,6,7"),
    ("1,2", "1,2,3"),
    ("1", "1,1,1,1"),
    ("0.5,-1,2", "1,-1"),
    ("1 2 3; 4 5 6", "1 0; 0 -1"),
    ("[[1, 2], [3, 4]]", "[[1]]"),
    ("1 2; 3 4", "1 1 1; 1 1 1; 1 1 1"),
    ("[[[1, 2], [3, 4]], [[5, 6], [7, 8]]]", "[[[1, 1], [1, 1]]]"),
]
LAYER_FLAGS = {
    "--mode": ["full", "valid", "same", "causal"],
    "--padding-mode": ["zeros", "reflect", "replicate", "circular", "symmetric"],
    "--stride": ["1", "2", "3"],
    "--dilation": ["1", "2"],
    "--padding": ["0", "1", "4"],
    "--output-padding": ["0", "1", "2", "1,0", "0,1,0"],
    "--convention": ["numpy", "matlab", "torch", "tensorflow"],
    "--lang": ["numpy", "scipy", "torch", "matlab", "tensorflow"],
}
LAYER_SWITCHES = ["--transposed", "--correlate", "--steps", "--matrix", "--shape", "--json"]
# what each subcommand takes; a few foreign flags stay in to draw refusals
TAKES = {
    "conv": (set(LAYER_FLAGS) - {"--lang"}, set(LAYER_SWITCHES)),
    "compare": (
        {"--mode", "--padding-mode", "--stride", "--dilation", "--padding", "--output-padding"},
        {"--transposed", "--json"},
    ),
    "code": (set(LAYER_FLAGS), {"--transposed", "--correlate"}),
}


@pytest.mark.parametrize("subcommand", ["conv", "compare", "code"])
def test_padding_modes_and_transposed_readings_answer_0_or_2(subcommand, capsys):
    """Good arrays and plausible values, so most lines reach the new readings."""
    rng = np.random.default_rng(100 + len(subcommand))
    codes = {0: 0, 2: 0}
    flags, switches = TAKES[subcommand]
    names = sorted(flags) + ["--convention"]  # compare takes no --convention
    for _ in range(LAYER_CASES // 3):
        x, w = GOOD_PAIRS[int(rng.integers(len(GOOD_PAIRS)))]
        argv = [subcommand, x, w]
        for _ in range(int(rng.integers(0, 4))):
            name = names[int(rng.integers(len(names)))]
            argv += [name, str(rng.choice(LAYER_FLAGS[name]))]
        for switch in sorted(switches):
            if rng.random() < 0.3:
                argv.append(switch)
        code = main(argv)
        out, err = capsys.readouterr()
        assert code in (0, 2), (argv, code, err)
        codes[code] += 1
        if code == 2:
            assert err.startswith("convtui: error: ") and err.count("\n") == 1, (argv, err)
        else:
            assert out.strip(), argv
    assert codes[0] > LAYER_CASES // 12 and codes[2] > 0, codes
