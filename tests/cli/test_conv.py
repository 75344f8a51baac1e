"""``convtui conv``: outputs checked by hand, every bad argument's exit code and message."""

import io
import json
import subprocess
import sys

import pytest

SEED = ("conv", "1,2,3,4", "5,6,7")
X2 = "1 2 3; 4 5 6"
W2 = "1 0; 0 -1"


def test_seed_output(cli):
    assert cli(*SEED) == (0, "5 16 34 52 45 28\n", "")


def test_modes_and_options(cli):
    assert cli(*SEED, "--mode", "valid")[1] == "34 52\n"
    assert cli(*SEED, "--mode", "same")[1] == "16 34 52 45\n"
    # correlation: 5·1 + 6·2 + 7·3 = 38, 5·2 + 6·3 + 7·4 = 56
    assert cli(*SEED, "--mode", "valid", "--correlate")[1] == "38 56\n"
    # torch conv1d(padding=1, stride=2): windows [0 1 2], [2 3 4] → 6+14, 10+18+28
    assert cli(*SEED, "--correlate", "--mode", "valid", "--padding", "1", "--stride", "2")[1] == (
        "20 56\n"
    )
    # dilation 2 on [1..6] with [1, 10] valid: 1·10 + 3·1 ... (flipped: x[i]·10 + x[i+2]·1)
    assert cli("conv", "1,2,3,4,5,6", "1,10", "--mode", "valid", "--dilation", "2")[1] == (
        "13 24 35 46\n"
    )
    assert cli("conv", "1,2,3,4,5,6", "1,10", "--mode", "same", "--convention", "matlab")[1] == (
        "12 23 34 45 56 60\n"
    )
    assert cli("conv", "0.5,1", "2")[1] == "1 2\n"


def test_two_dimensional_output_is_rows(cli):
    # flipped kernel [[-1, 0], [0, 1]]: y[0,0] = -1 + 5 = 4, y[0,1] = -2 + 6 = 4
    assert cli("conv", X2, W2, "--mode", "valid") == (0, "4 4\n", "")
    code, out, _ = cli("conv", X2, W2)
    assert code == 0
    assert out.splitlines() == [
        " 1  2  3  0",
        " 4  4  4 -3",
        " 0 -4 -5 -6",
    ]


def test_steps(cli):
    code, out, _ = cli(*SEED, "--steps")
    assert code == 0
    lines = out.splitlines()
    assert len(lines) == 6
    assert lines[2] == "y[2] = 7·1 + 6·2 + 5·3 = 34"
    assert lines[0] == "y[0] = 7·0 + 6·0 + 5·1 = 5"
    code, out, _ = cli("conv", X2, W2, "--mode", "valid", "--steps")
    assert out.splitlines()[1] == "y[0,1] = -1·2 + 0·3 + 0·5 + 1·6 = 4"


def test_matrix(cli):
    code, out, _ = cli(*SEED, "--mode", "valid", "--matrix")
    assert code == 0
    lines = out.splitlines()
    assert "2×4" in lines[0]
    # row i = step i: y[0] = w2·x0 + w1·x1 + w0·x2
    assert lines[1].split() == ["w2", "w1", "w0", "·"]
    assert lines[2].split() == ["·", "w2", "w1", "w0"]
    assert lines[3] == "w0 = w[0] = 5, w1 = w[1] = 6, w2 = w[2] = 7"


def test_matrix_2d_legend_names_the_kernel_index(cli):
    code, out, _ = cli("conv", X2, W2, "--mode", "valid", "--matrix")
    assert code == 0
    assert out.splitlines()[-1] == (
        "w0 = w[0,0] = 1, w1 = w[0,1] = 0, w2 = w[1,0] = 0, w3 = w[1,1] = -1"
    )
    # y[0,0] covers x[0,0], x[0,1], x[1,0], x[1,1] (flat 0, 1, 3, 4) with w3, w2, w1, w0
    assert out.splitlines()[1].split() == ["w3", "w2", "·", "w1", "w0", "·"]


def test_matrix_too_large_is_refused(cli):
    code, _, err = cli("conv", ",".join(["1"] * 1000), "1,1", "--matrix")
    assert code == 2
    assert err.startswith("convtui: error: --matrix: the matrix would be 1001×1000")


def test_shape(cli):
    code, out, _ = cli(*SEED, "--shape")
    assert out.strip().endswith("floor((4 + 2 + 2 - 1·(3-1) - 1) / 1) + 1 = 6")
    code, out, _ = cli("conv", X2, W2, "--mode", "valid", "--stride", "2", "--shape")
    lines = out.splitlines()
    assert lines[0].startswith("axis 0: ") and lines[0].endswith("/ 2) + 1 = 1")
    assert lines[1].endswith("floor((3 + 0 + 0 - 1·(2-1) - 1) / 2) + 1 = 1")


def test_sections_combine(cli):
    code, out, _ = cli(*SEED, "--shape", "--steps")
    assert code == 0
    shape, steps = out.split("\n\n")
    assert shape.endswith("= 6")
    assert len(steps.splitlines()) == 6


def test_json(cli):
    code, out, _ = cli(*SEED, "--json", "--steps", "--matrix")
    assert code == 0
    data = json.loads(out)
    assert data["output"] == [5, 16, 34, 52, 45, 28]
    assert data["output_shape"] == [6]
    assert data["total_padding"] == [[2, 2]]
    assert data["mode"] == "full" and data["flip"] is True
    assert data["steps"][2] == "y[2] = 7·1 + 6·2 + 5·3 = 34"
    assert data["matrix"][0] == [5, 0, 0, 0]
    assert data["taps"][0] == [0, -1, -1, -1]


def test_json_is_strict_with_nan(cli):
    code, out, _ = cli("conv", "1, nan, 3", "1", "--json")
    data = json.loads(out)  # would still parse NaN; check the text is strict JSON
    assert "NaN" not in out
    assert data["output"] == [1.0, "nan", 3.0]


def test_stdin(cli, monkeypatch):
    monkeypatch.setattr(sys, "stdin", io.StringIO("1 2 3 4\n"))
    assert cli("conv", "-", "5,6,7")[1] == "5 16 34 52 45 28\n"
    monkeypatch.setattr(sys, "stdin", io.StringIO("1 2 3\n4 5 6\n"))
    assert cli("conv", "-", W2, "--mode", "valid")[1] == "4 4\n"


def test_negative_numbers_are_arrays_not_options(cli):
    assert cli("conv", "-1,2,3", "1,1")[1] == "-1 1 5 3\n"
    assert cli("conv", "--mode", "valid", "-1,2,3", "-1,1")[1] == "-3 -1\n"
    assert cli("conv", "-1 2; 3 4", "[[2]]")[1] == "-2  4\n 6  8\n"
    assert cli("conv", "-.5,1", "2")[1] == "-1 2\n"
    assert cli("conv", "--", "-1,2", "1")[1] == "-1 2\n"


BAD = [
    (("conv", "1,2,3"), "the following arguments are required: W"),
    (("conv",), "the following arguments are required: X, W"),
    (("conv", "1,2", "1", "--stride", "0"), "--stride must be at least 1, got 0"),
    (("conv", "1,2", "1", "--stride", "two"), "--stride must be a whole number, got 'two'"),
    (("conv", "1,2", "1", "--dilation", "-1"), "--dilation must be at least 1, got -1"),
    (("conv", "1,2", "1", "--padding", "-1"), "--padding must not be negative, got -1"),
    (("conv", "1,2", "1", "--mode", "middle"), "argument --mode: invalid choice: 'middle'"),
    (("conv", "1,2", "1", "--convention", "julia"), "argument --convention: invalid choice"),
    (("conv", "1,2,x", "1"), "X: unexpected character 'x'"),
    (("conv", "1,2", "[1, 2"), "W: "),
    (("conv", "", "1"), "X: "),
    (("conv", X2, "1,2"), "same number of dimensions"),
    (("conv", "1,2", "1", "--bogus"), "unrecognized arguments: --bogus"),
    (("conv", "1,2", "-"), "W: only X can be read from standard input"),
    (
        ("conv", "1,2,3", "1,1", "--mode", "same", "--stride", "2", "--convention", "torch"),
        "refused under convention 'torch'",
    ),
]


@pytest.mark.parametrize("argv, message", BAD, ids=[" ".join(a) for a, _ in BAD])
def test_bad_arguments_exit_2_with_one_line(cli, argv, message):
    code, out, err = cli(*argv)
    assert code == 2
    assert out == ""
    assert err.startswith("convtui: error: ")
    assert message in err
    assert err.count("\n") == 1


def test_stdin_from_a_terminal_or_empty_is_refused(cli, monkeypatch):
    monkeypatch.setattr(sys, "stdin", io.StringIO(""))
    code, _, err = cli("conv", "-", "1")
    assert code == 2 and "X: standard input is empty" in err


def test_help_exits_0(cli):
    code, out, _ = cli("conv", "--help")
    assert code == 0
    assert "--steps" in out and "convtui conv 1,2,3,4 5,6,7" in out


def test_unexpected_failure_exits_1_with_one_line(cli, monkeypatch):
    from convtui.engine import setup

    def broken(self):
        raise RuntimeError("something\nbroke")

    monkeypatch.setattr(setup.Setup, "compute", broken)
    code, out, err = cli(*SEED)
    assert code == 1
    assert err == (
        "convtui: unexpected error: RuntimeError: something broke "
        "(set CONVTUI_DEBUG=1 for the traceback)\n"
    )


def run_module(*argv, stdin=None):
    return subprocess.run(
        [sys.executable, "-m", "convtui", *argv],
        input=stdin,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_subprocess_seed_and_stdin():
    done = run_module(*SEED)
    assert (done.returncode, done.stdout, done.stderr) == (0, "5 16 34 52 45 28\n", "")
    done = run_module("conv", "-", "5,6,7", "--mode", "valid", stdin="1 2 3 4")
    assert (done.returncode, done.stdout) == (0, "34 52\n")


def test_subprocess_bad_stride_has_no_colour_off_a_terminal():
    done = run_module(*SEED, "--stride", "0")
    assert done.returncode == 2
    assert done.stdout == ""
    assert done.stderr == (
        "convtui: error: argument --stride: --stride must be at least 1, got 0\n"
    )
