"""``convtui compare`` and ``convtui code``."""

import contextlib
import io
import json

import numpy as np
import pytest


def test_compare_design_example(cli):
    code, out, err = cli("compare", "1,2,3,4,5,6", "1,10")
    assert code == 0 and err == ""
    lines = out.splitlines()
    assert lines[0].split() == ["library", "call", "padding", "flips", "output"]
    rows = {
        line.split()[0] if not line.startswith("*") else line.split()[1]: line
        for line in lines[1:8]
    }
    assert rows["numpy.convolve"].endswith("(1, 0)   yes    1 12 23 34 45 56")
    assert rows["MATLAB"].startswith("*")
    assert rows["MATLAB"].endswith("(0, 1)   yes    12 23 34 45 56 60")
    # PyTorch: cross-correlation with the extra zero at the end: 1·1 + 10·2 = 21 ... 6·1 + 0 = 6
    assert rows["PyTorch"].endswith("21 32 43 54 65 6")
    assert "F.conv1d(x, w, padding='same')" in rows["PyTorch"]
    assert not rows["scipy.signal.convolve"].startswith("*")
    assert rows["scipy.signal.correlate2d"].rstrip().endswith("2-D only")
    assert lines[8] == "* differs from numpy.convolve"


def test_compare_2d(cli):
    code, out, _ = cli("compare", "1 2 3; 4 5 6; 7 8 9", "1 2; 3 4")
    assert code == 0
    row = next(line for line in out.splitlines() if "scipy.signal.correlate2d" in line)
    # correlate2d 'same' pads at the end: y[0,0] = 1·1 + 2·2 + 3·4 + 4·5 = 37
    assert row.startswith("*")
    assert row.endswith("37 47 21 / 67 77 33 / 23 26  9")
    assert "scipy.signal.correlate2d: 'same' puts the extra zero at the end" in out


def test_compare_json(cli):
    code, out, _ = cli("compare", "1,2,3,4", "5,6,7", "--mode", "full", "--json")
    rows = json.loads(out)
    assert [r["library"] for r in rows][:2] == ["numpy.convolve", "scipy.signal.convolve"]
    assert rows[0]["output"] == [5, 16, 34, 52, 45, 28]
    assert rows[0]["padding"] == [[2, 2]]
    assert rows[3]["output"] is None and rows[3]["note"] == "2-D only"
    assert rows[5]["flips"] is False and rows[5]["differs"] is True


@pytest.mark.parametrize(
    "argv, message",
    [
        (("compare", "1,2", "1", "--mode", "middle"), "argument --mode: invalid choice"),
        (("compare", "1,2", "1 2; 3 4"), "same number of dimensions"),
        (("compare", "1,,2", "1"), "X: "),
        (("compare", "1,2"), "required: W"),
    ],
)
def test_compare_bad_arguments(cli, argv, message):
    code, out, err = cli(*argv)
    assert code == 2 and out == ""
    assert err.startswith("convtui: error: ") and message in err


def execute(code_text):
    namespace = {}
    with contextlib.redirect_stdout(io.StringIO()):
        exec(code_text, namespace)
    return namespace["y"]


def test_code_numpy_seed_runs_and_gives_the_seed(cli):
    code, out, _ = cli("code", "1,2,3,4", "5,6,7")
    assert code == 0
    assert 'np.convolve(x_padded, w, mode="valid")' in out
    assert execute(out).tolist() == [5, 16, 34, 52, 45, 28]


def test_code_2d_scipy_and_torch(cli):
    args = ("code", "1 2 3; 4 5 6; 7 8 9", "1 2; 3 4", "--mode", "same", "--correlate")
    code, out, _ = cli(*args, "--lang", "scipy")
    assert code == 0
    # scipy 'same' correlation, numpy convention (extra zero first): y[0,0] = 4·1 = 4
    assert execute(out)[0, 0] == 4
    torch = pytest.importorskip("torch")
    code, out, _ = cli(*args, "--lang", "torch", "--convention", "torch")
    y = execute(out)
    assert isinstance(y, torch.Tensor)
    assert y[0, 0].item() == 37  # 1·1 + 2·2 + 4·3 + 5·4
    np.testing.assert_array_equal(y.numpy(), [[37, 47, 21], [67, 77, 33], [23, 26, 9]])


def test_code_matlab_and_tensorflow_print(cli):
    code, out, _ = cli("code", "1,2,3,4", "5,6,7", "--lang", "matlab", "--mode", "valid")
    assert code == 0
    assert out.splitlines() == [
        "x = [1 2 3 4];",
        "w = [5 6 7];",
        "y = conv(x, w, 'valid');  % conv flips w; 'valid' adds no zeros",
        "disp(y)  % [34 52]",
    ]
    code, out, _ = cli("code", "1,2,3,4", "5,6,7", "--lang", "tensorflow")
    assert "tf.nn.conv1d(" in out and "tf.reverse(w, axis=[0])" in out


def test_code_bad_lang(cli):
    code, out, err = cli("code", "1,2", "1", "--lang", "julia")
    assert code == 2
    assert "argument --lang: invalid choice: 'julia'" in err
