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


def test_compare_causal(cli):
    code, out, _ = cli("compare", "1,2,3,4", "1,1,0", "--mode", "causal")
    assert code == 0
    lines = out.splitlines()
    # convolution: y[i] = x[i] + x[i-1]; PyTorch correlates: y[i] = x[i-2] + x[i-1]
    assert lines[1].split() == ["numpy.convolve", "np.convolve(x,", "w)[:4]", "(2,", "0)", "yes",
                                "1", "3", "5", "7"]  # fmt: skip
    torch_row = next(line for line in lines if "PyTorch" in line)
    assert torch_row.startswith("*") and torch_row.endswith("0 1 3 5")
    assert "F.conv1d(F.pad(x, (2, 0)), w)" in torch_row
    assert "scipy.signal.lfilter(w, 1.0, x)" in out and "filter(w, 1, x)" in out


def test_compare_padding_mode(cli):
    code, out, _ = cli("compare", "1,2,3,4", "1,0,0", "--padding-mode", "reflect")
    assert code == 0
    lines = out.splitlines()
    assert lines[0] == (
        "reflect (mirror, edge not repeated) fills d c b | a b c d | c b a; "
        "in mode 'same' x becomes 2 | 1 2 3 4 | 3"
    )
    rows = {line.lstrip("* ").split()[0]: line for line in lines[2:9]}
    # convolve reads 2 | 1 2 3 4 | 3 at i+2 (w flipped: 0 0 1), correlate at i
    assert rows["numpy.pad"].endswith("2 3 4 3")
    assert "np.convolve(np.pad(x, (1, 1), mode='reflect'), w, mode='valid')" in rows["numpy.pad"]
    assert rows["scipy.ndimage.convolve"].endswith("2 3 4 3")
    assert "mode='mirror'" in rows["scipy.ndimage.convolve"]
    assert rows["OpenCV"].endswith("2 1 2 3") and "BORDER_REFLECT_101" in rows["OpenCV"]
    assert rows["MATLAB"].endswith("padarray has no such mode (mirror, edge not repeated)")
    assert "tf.pad(x, [[1, 1]], 'REFLECT')" in rows["TensorFlow"]
    names = lines[lines.index("every padding mode by name:") + 1 :]
    assert names[0].split()[:3] == ["mode", "fills", "here"]
    assert names[2].split() == [
        "reflect", "d", "c", "b", "|", "a", "b", "c", "d", "|", "c", "b", "a",
        "2", "|", "1", "2", "3", "4", "|", "3",
        "reflect", "reflect", "mirror", "BORDER_REFLECT_101", "—", "REFLECT",
    ]  # fmt: skip
    assert names[5].split()[0] == "symmetric" and names[5].split()[-5:] == [
        "symmetric",
        "reflect",
        "BORDER_REFLECT",
        "'symmetric'",
        "SYMMETRIC",
    ]


def test_compare_padding_mode_json(cli):
    code, out, _ = cli("compare", "1,2,3,4", "1,0,0", "--padding-mode", "circular", "--json")
    data = json.loads(out)
    assert data["fills"] == "b c d | a b c d | a b c"
    assert data["here"] == "4 | 1 2 3 4 | 1"
    assert data["rows"][0]["output"] == [2, 3, 4, 1]  # 4 | 1 2 3 4 | 1 read at i+2
    assert [n["padding_mode"] for n in data["names"]] == [
        "zeros", "reflect", "replicate", "circular", "symmetric"
    ]  # fmt: skip
    assert data["names"][3]["scipy.ndimage"] == "wrap"


def test_compare_transposed(cli):
    code, out, _ = cli("compare", "1,2", "1,2,3", "--transposed", "--stride", "2", "--padding",
                       "1", "--output-padding", "1")  # fmt: skip
    assert code == 0
    lines = out.splitlines()
    assert lines[0] == (
        "transposed convolution: out = (n-1)·s - pb - pa + d·(k-1) + op + 1 = "
        "(2-1)·2 - 1 - 1 + 1·(3-1) + 1 + 1 = 4"
    )
    assert lines[1] == "x_up = x with 1 zero between its elements: 1 0 2"
    body = lines[4:9]
    # full scatter 1 2 3 + 0 0 2 4 6 = 1 2 5 4 6; padding 1 crops y[0], output_padding keeps 6
    assert all(line.endswith("2 5 4 6") for line in body)
    assert "F.conv_transpose1d(x, w, stride=2, padding=1, output_padding=1)" in body[0]
    assert "tf.nn.conv1d_transpose(x, w, [1, 6, 1], 2, 'VALID')[:, 1:5, :]" in body[1]
    assert "np.convolve(np.pad(x_up, (1, 2)), w, mode='valid')" in body[2]
    data = json.loads(cli("compare", "1,2,3", "1,1,1", "--transposed", "--stride", "2",
                          "--json")[1])  # fmt: skip
    assert data["x_up"] == [1, 0, 2, 0, 3]
    assert data["rows"][0]["output"] == [1, 1, 3, 2, 5, 3, 3]


@pytest.mark.parametrize(
    "argv, message",
    [
        (("--stride", "2"), "--stride applies to compare only with --transposed"),
        (("--output-padding", "1"), "--output-padding applies to compare only with --transposed"),
        (("--transposed", "--mode", "same"), "--mode: a transposed convolution takes no mode"),
        (("--transposed", "--padding-mode", "reflect"), "--padding-mode: a transposed"),
        (("--transposed", "--output-padding", "1"),
         "--output-padding: output_padding must be smaller than either stride or dilation"),
        (("--transposed", "--padding", "9"), "--padding: padding ((9, 9),) is too wide"),
        (("--padding-mode", "wrap"), "got 'wrap' (numpy.pad's and scipy.ndimage's name for 'circ"),
    ],
)  # fmt: skip
def test_compare_bad_new_flags(cli, argv, message):
    code, out, err = cli("compare", "1,2,3", "1,1", *argv)
    assert (code, out) == (2, "")
    assert err.startswith("convtui: error: ") and err.count("\n") == 1
    assert message in err


def test_code_new_options_run(cli):
    code, out, _ = cli("code", "1,2,3,4", "5,6,7", "--mode", "same", "--padding-mode", "reflect")
    assert 'np.pad(x, (1, 1), mode="reflect")' in out
    assert execute(out).tolist() == [30, 34, 52, 60]  # 2 | 1 2 3 4 | 3 under 7 6 5
    code, out, _ = cli("code", "1,2,3", "1,10,100", "--transposed", "--correlate", "--stride", "2")
    assert "x_up[::2] = x" in out
    assert execute(out).tolist() == [1, 10, 102, 20, 203, 30, 300]
    code, out, _ = cli("code", "1,2,3", "1,10,100", "--transposed", "--correlate", "--stride",
                       "2", "--lang", "tensorflow")  # fmt: skip
    assert "tf.nn.conv1d_transpose(" in out
    code, out, err = cli("code", "1,2", "1", "--transposed", "--mode", "full")
    assert code == 2 and "--mode: a transposed convolution takes no mode" in err
