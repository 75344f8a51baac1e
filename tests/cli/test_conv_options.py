"""``convtui conv`` with padding modes, causal mode and transposed convolution.

Every number here is worked out by hand in the comment beside it.
"""

import json

import pytest

SEED = ("conv", "1,2,3,4", "5,6,7")
REFLECT = (*SEED, "--mode", "same", "--padding-mode", "reflect")
# PyTorch's conv_transpose1d([1, 2, 3], [1, 10, 100], stride=2)
TRANSPOSED = ("conv", "1,2,3", "1,10,100", "--transposed", "--correlate", "--stride", "2")


@pytest.mark.parametrize(
    "argv, output",
    [
        # reflect: 2 | 1 2 3 4 | 3 under the flipped kernel 7 6 5: 7·2 + 6·1 + 5·2 = 30 ...
        (REFLECT, "30 34 52 60"),
        # replicate, correlation with 1 0 -1 over 1 | 1 2 3 4 | 4: y[i] = p[i] - p[i+2]
        (("conv", "1,2,3,4", "1,0,-1", "--mode", "same", "--padding-mode", "replicate",
          "--correlate"), "-1 -2 -2 -1"),
        # circular, padding 1: 4 | 1 2 3 4 | 1, correlation with 1 0 0 reads p[i]
        (("conv", "1,2,3,4", "1,0,0", "--mode", "valid", "--padding", "1", "--padding-mode",
          "circular", "--correlate"), "4 1 2 3"),
        # symmetric: 1 | 1 2 3 4 | 4, sums of three: 1+1+2, 1+2+3, 2+3+4, 3+4+4
        (("conv", "1,2,3,4", "1,1,1", "--mode", "same", "--padding-mode", "symmetric"),
         "4 6 9 11"),
        # causal: y[i] = x[i] + x[i-1] + x[i-2]
        (("conv", "1,2,3,4", "1,1,1", "--mode", "causal"), "1 3 6 9"),
        # causal correlation: y[i] = 1·x[i-2] + 2·x[i-1] + 3·x[i]: 3, 2+6, 1+4+9, 2+6+12
        (("conv", "1,2,3,4", "1,2,3", "--mode", "causal", "--correlate"), "3 8 14 20"),
        # scatter 1·w at 0, 2·w at 2, 3·w at 4: 1 10 100+2 20 200+3 30 300
        (TRANSPOSED, "1 10 102 20 203 30 300"),
        # convolution's transpose scatters the flipped kernel 100 10 1
        (("conv", "1,2,3", "1,10,100", "--transposed", "--stride", "2"),
         "100 10 201 20 302 30 3"),
        # conv_transpose1d([1, 2], [1, 2, 3], stride=2, padding=1, output_padding=1):
        # full 1 2 5 4 6, padding 1 crops the first, output_padding keeps the last
        (("conv", "1,2", "1,2,3", "--transposed", "--correlate", "--stride", "2", "--padding",
          "1", "--output-padding", "1"), "2 5 4 6"),
        # 2-D, stride 2 on both axes: each x[i,j] fills its own 2×2 block of ones·x
        (("conv", "1 2; 3 4", "1 1; 1 1", "--transposed", "--stride", "2"),
         " ".join("1 1 2 2 1 1 2 2 3 3 4 4 3 3 4 4".split())),
    ],
)  # fmt: skip
def test_outputs(cli, argv, output):
    code, out, err = cli(*argv)
    assert (code, err) == (0, "")
    assert " ".join(out.split()) == output


def test_reflect_steps_show_the_padded_input_and_mark_padded_taps(cli):
    code, out, _ = cli(*REFLECT, "--steps")
    assert code == 0
    assert out.splitlines() == [
        "padded input (reflect: mirror, edge not repeated, d c b | a b c d | c b a):",
        "cell     -1 |    0    1    2    3 |    4",
        "copies x[1] | x[0] x[1] x[2] x[3] | x[2]",
        "value     2 |    1    2    3    4 |    3",
        "",
        "y[0] = 7·(x[1]=2) + 6·1 + 5·2 = 30",
        "y[1] = 7·1 + 6·2 + 5·3 = 34",
        "y[2] = 7·2 + 6·3 + 5·4 = 52",
        "y[3] = 7·3 + 6·4 + 5·(x[2]=3) = 60",
        "(x[i]=v): the tap sits on a padded cell, which copies x[i] (reflect)",
    ]


def test_zero_padding_steps_are_unchanged(cli):
    code, out, _ = cli(*SEED, "--mode", "causal", "--steps")
    assert out.splitlines()[0] == "y[0] = 7·0 + 6·0 + 5·1 = 5"
    assert "padded input" not in out


def test_2d_padded_input_names_every_copied_cell(cli):
    code, out, _ = cli(
        "conv", "1 2 3; 4 5 6", "1 1; 1 1", "--mode", "same", "--padding-mode", "symmetric",
        "--steps",
    )  # fmt: skip
    assert code == 0
    lines = out.splitlines()
    # numpy's 'same' with a 2×2 kernel pads one row above and one column before
    assert lines[1:9] == [
        "values:",
        "1 1 2 3",
        "1 1 2 3",
        "4 4 5 6",
        "copies (· = the input's own cell):",
        "x[0,0] x[0,0] x[0,1] x[0,2]",
        "x[0,0]      ·      ·      ·",
        "x[1,0]      ·      ·      ·",
    ]
    # y[0,0]: three padded cells copying x[0,0] = 1, and x[0,0] itself
    assert "y[0,0] = 1·(x[0,0]=1) + 1·(x[0,0]=1) + 1·(x[0,0]=1) + 1·1 = 4" in lines


def test_transposed_steps_read_scatter_and_gather(cli):
    code, out, _ = cli(*TRANSPOSED, "--steps")
    assert code == 0
    assert out.splitlines() == [
        "scatter: each input x[i] adds x[i]·w into the outputs",
        "x[0] = 1 adds 1·w: y[0] += 1·1 = 1, y[1] += 1·10 = 10, y[2] += 1·100 = 100",
        "x[1] = 2 adds 2·w: y[2] += 2·1 = 2, y[3] += 2·10 = 20, y[4] += 2·100 = 200",
        "x[2] = 3 adds 3·w: y[4] += 3·1 = 3, y[5] += 3·10 = 30, y[6] += 3·100 = 300",
        "",
        "gather: each output sums the products that land on it",
        "y[0] = w0·x[0] = 1·1 = 1  (1 lands here)",
        "y[1] = w1·x[0] = 10·1 = 10  (1 lands here)",
        "y[2] = w0·x[1] + w2·x[0] = 1·2 + 100·1 = 102  (2 land here)",
        "y[3] = w1·x[1] = 10·2 = 20  (1 lands here)",
        "y[4] = w0·x[2] + w2·x[1] = 1·3 + 100·2 = 203  (2 land here)",
        "y[5] = w1·x[2] = 10·3 = 30  (1 lands here)",
        "y[6] = w2·x[2] = 100·3 = 300  (1 lands here)",
        "",
        "overlap (how many products each output sums): 1 1 2 1 2 1 1",
        "uneven counts: the checkerboard of a strided transposed convolution",
    ]


def test_transposed_steps_count_what_padding_crops(cli):
    code, out, _ = cli(
        "conv", "1,2", "1,2,3", "--transposed", "--correlate", "--stride", "2", "--padding", "1",
        "--output-padding", "1", "--steps",
    )  # fmt: skip
    lines = out.splitlines()
    # x[0]·w lands on -1, 0, 1: padding 1 crops the product at -1
    assert (
        lines[1]
        == "x[0] = 1 adds 1·w: y[0] += 1·2 = 2, y[1] += 1·3 = 3 (1 product cropped by --padding)"
    )
    assert "y[1] = w0·x[1] + w2·x[0] = 1·2 + 3·1 = 5  (2 land here)" in lines


def test_transposed_gather_where_nothing_lands(cli):
    # stride 3 with a 1-long kernel: y[1] and y[2] receive nothing
    code, out, _ = cli("conv", "1,2", "5", "--transposed", "--stride", "3", "--steps")
    assert "y[1] = 0  (nothing lands here)" in out.splitlines()
    assert out.splitlines()[-2] == "overlap (how many products each output sums): 1 0 0 1"


def test_transposed_matrix_is_the_forward_matrix_transposed(cli):
    code, out, _ = cli(*TRANSPOSED, "--matrix")
    assert code == 0
    lines = out.splitlines()
    assert lines[0].startswith("7×3 matrix Mᵀ, Mᵀ @ x = y")
    # column i is x[i]'s scatter: w0 w1 w2 starting at row 2·i
    assert [line.split() for line in lines[2:9]] == [
        ["w0", "·", "·"],
        ["w1", "·", "·"],
        ["w2", "w0", "·"],
        ["·", "w1", "·"],
        ["·", "w2", "w0"],
        ["·", "·", "w1"],
        ["·", "·", "w2"],
    ]
    assert lines[9] == "w0 = w[0] = 1, w1 = w[1] = 10, w2 = w[2] = 100"


def test_padding_mode_matrix_sums_the_weights_of_one_entry(cli):
    code, out, _ = cli(*REFLECT, "--matrix")
    assert code == 0
    lines = out.splitlines()
    # row 0: the padded cell before x[0] copies x[1], so w2 (on it) and w0 both land on x[1]
    assert lines[1].split() == ["w1", "w2+w0", "·", "·"]
    assert lines[4].split() == ["·", "·", "w2+w0", "w1"]
    assert lines[-1] == "w2+w0 = 7 + 5 = 12"
    # M @ x: 6·1 + 12·2 = 30, the first output
    code, out, _ = cli(*REFLECT, "--matrix", "--json")
    data = json.loads(out)
    assert data["matrix"][0] == [6, 12, 0, 0]
    assert data["taps"][0] == [[1, -1], [2, 0], [-1, -1], [-1, -1]]


def test_circular_matrix_is_circulant(cli):
    code, out, _ = cli(
        "conv", "1,2,3", "1,2,3,4,5", "--mode", "same", "--padding-mode", "circular", "--matrix"
    )
    lines = out.splitlines()
    assert [line.split() for line in lines[1:4]] == [
        ["w2", "w4+w1", "w3+w0"],
        ["w3+w0", "w2", "w4+w1"],
        ["w4+w1", "w3+w0", "w2"],
    ]
    assert lines[-2:] == ["w3+w0 = 4 + 1 = 5", "w4+w1 = 5 + 2 = 7"]


def test_empty_output_says_why(cli):
    message = (
        "the output is empty: the kernel spans 3 cells but the padded input has only 2 "
        "(2 + 0 before + 0 after), so the kernel fits nowhere\n"
    )
    assert cli("conv", "1,2", "1,2,3", "--mode", "valid") == (0, message, "")
    assert cli("conv", "1,2", "1,2,3", "--mode", "valid", "--steps")[1] == message
    assert cli("conv", "1,2", "1,2,3", "--mode", "valid", "--matrix")[1] == message
    # dilation 2 spreads a 2×2 kernel over 3×3 cells: padding 1 makes room for 2×2 outputs,
    # and the taps of y[0,0] sit on padded zeros but for the last, on x[1,1] = 4
    code, out, _ = cli(
        "conv", "1 2; 3 4", "1 1; 1 1", "--mode", "valid", "--dilation", "2", "--padding", "1"
    )
    assert out == "4 3\n2 1\n"
    code, out, _ = cli("conv", "[[1, 2, 3]]", "1; 1; 1", "--mode", "valid")
    assert out == (
        "the output is empty: the kernel spans 3 cells on axis 0 but the padded input has "
        "only 1 (1 + 0 before + 0 after), so the kernel fits nowhere\n"
    )
    data = json.loads(cli("conv", "1,2", "1,2,3", "--mode", "valid", "--json")[1])
    assert data["output"] == [] and data["empty"] == message.strip()


def test_json_readings(cli):
    data = json.loads(cli(*REFLECT, "--steps", "--json")[1])
    assert data["padding_mode"] == "reflect"
    assert data["sources"] == [1, 0, 1, 2, 3, 2]
    assert data["padded_taps"][0] == [True, False, False]
    data = json.loads(cli(*TRANSPOSED, "--steps", "--json")[1])
    assert data["transposed"] is True
    assert data["output"] == [1, 10, 102, 20, 203, 30, 300]
    assert data["overlap"] == [1, 1, 2, 1, 2, 1, 1]
    assert data["scatter"][1].startswith("x[1] = 2 adds 2·w: y[2] += 2·1 = 2")
    assert data["steps"][2] == "y[2] = 1·2 + 100·1 = 102"


def test_shape_of_a_transposed_output(cli):
    code, out, _ = cli(*TRANSPOSED, "--shape")
    assert out.strip() == (
        "out = (n-1)·s - pb - pa + d·(k-1) + op + 1 = (3-1)·2 - 0 - 0 + 1·(3-1) + 0 + 1 = 7"
    )


def test_per_axis_output_padding(cli):
    # 2×2 input, stride 2, 1×1 kernel: 3×3 output; output_padding (1, 0) adds a zero row
    code, out, _ = cli(
        "conv", "1 2; 3 4", "[[1]]", "--transposed", "--stride", "2", "--output-padding", "1,0"
    )
    assert out.splitlines() == ["1 0 2", "0 0 0", "3 0 4", "0 0 0"]


BAD = [
    (("--padding-mode", "wrap"), "got 'wrap' (numpy.pad's and scipy.ndimage's name for 'circ"),
    (("--output-padding", "1"), "--output-padding lengthens a transposed convolution's output"),
    (("--output-padding", "-1"), "--output-padding must not be negative, got -1"),
    (("--output-padding", "x"), "--output-padding must be a whole number, got 'x'"),
    (("--output-padding", "1,2,3,4"), "--output-padding must be N or one whole number per axis"),
    (("--transposed", "--output-padding", "1"),
     "--output-padding: output_padding must be smaller than either stride or dilation"),
    (("--transposed", "--output-padding", "1,1"),
     "--output-padding: output_padding must be an int or a tuple of 1 ints"),
    (("--transposed", "--mode", "same"), "--mode: a transposed convolution takes no mode"),
    (("--transposed", "--padding-mode", "reflect"),
     "--padding-mode: a transposed convolution pads with zeros only"),
    (("--transposed", "--padding", "5"), "--padding: padding ((5, 5),) is too wide"),
    (("--mode", "causal", "--stride", "0"), "--stride must be at least 1, got 0"),
]  # fmt: skip


@pytest.mark.parametrize("flags, message", BAD, ids=[" ".join(f) for f, _ in BAD])
def test_bad_flags_exit_2_with_one_line_naming_the_flag(cli, flags, message):
    code, out, err = cli(*SEED, *flags)
    assert (code, out) == (2, "")
    assert err.startswith("convtui: error: ") and err.count("\n") == 1
    assert message in err


def test_help_lists_the_new_flags(cli):
    code, out, _ = cli("conv", "--help")
    assert code == 0
    for flag in ("--padding-mode", "--transposed", "--output-padding", "causal"):
        assert flag in out


@pytest.mark.parametrize("command", ["conv", "compare"])
def test_a_padding_mode_in_another_librarys_words_exits_2_naming_ours(cli, command):
    code, out, err = cli(command, "1,2,3", "1,1", "--padding-mode", "mirror")
    assert code == 2 and out == ""
    assert "--padding-mode" in err and "scipy.ndimage's name for 'reflect'" in err
    assert len(err.strip().splitlines()) == 1
