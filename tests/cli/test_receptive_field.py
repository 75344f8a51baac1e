"""``convtui receptive-field``: the table, the total, and one line for bad lists."""

import pytest


def test_the_issue_example(cli):
    code, out, err = cli("receptive-field", "3,3,3", "--stride", "1,2,1", "--dilation", "1,1,2")
    assert (code, err) == (0, "")
    lines = out.splitlines()
    assert lines[0].split() == [
        "layer",
        "kind",
        "kernel",
        "stride",
        "dilation",
        "receptive",
        "field",
        "jump",
    ]
    # r: 1+2 = 3, 3+2·1 = 5, 5+2·2·2 = 13; j: 1, 2, 2
    assert [line.split() for line in lines[1:4]] == [
        ["1", "conv", "3", "1", "1", "3", "1"],
        ["2", "conv", "3", "2", "1", "5", "2"],
        ["3", "conv", "3", "1", "2", "13", "2"],
    ]
    assert lines[4] == "receptive field: 1 + (3-1)·1·1 + (3-1)·1·1 + (3-1)·2·2 = 13"
    assert lines[-1] == "13 inputs, jump 2"


def test_pool_marks_a_layer_and_padding_shows_a_column(cli):
    code, out, _ = cli(
        "receptive-field", "3,2,3", "--stride", "1,2,1", "--pool", "2", "--padding", "1,0,1"
    )
    assert code == 0
    lines = out.splitlines()
    assert "padding" in lines[0].split()
    # conv 3: 3; pool 2 (stride 2): 3 + 1 = 4, jump 2; conv 3: 4 + 2·2 = 8
    assert lines[2].split() == ["2", "pool", "2", "2", "1", "0", "4", "2"]
    assert lines[-1] == "8 inputs, jump 2"


def test_defaults_are_stride_and_dilation_one(cli):
    code, out, _ = cli("receptive-field", "5")
    assert code == 0
    assert out.splitlines()[-1] == "5 inputs, jump 1"


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["3,0"], "KERNELS: entries must be at least 1, got '3,0'"),
        (["-3,3"], "KERNELS: entries must be at least 1, got '-3,3'"),
        (["3,x"], "KERNELS must be whole numbers separated by commas, got '3,x'"),
        (["3,3", "--stride", "1"], "--stride has 1 entry but KERNELS has 2: one per layer"),
        (["3,3", "--dilation", "1,0"], "--dilation: entries must be at least 1"),
        (["3,3", "--padding", "1,-1"], "--padding: entries must not be negative"),
        (["3,3", "--pool", "3"], "--pool must be a layer number from 1 to 2, got 3"),
        (["3,3", "--pool", "two"], "--pool must be a layer number, got 'two'"),
        (["3", "--stride", "1.5"], "--stride must be whole numbers separated by commas"),
    ],
)
def test_bad_lists_exit_2_with_one_line_naming_the_flag(cli, argv, message):
    code, out, err = cli("receptive-field", *argv)
    assert code == 2
    assert out == ""
    assert len(err.strip().splitlines()) == 1
    assert message in err


def test_help_lists_the_subcommand(cli):
    code, out, _ = cli("--help")
    assert code == 0
    assert "receptive-field" in out
