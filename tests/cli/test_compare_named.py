"""``convtui compare`` takes a named kernel for W, as ``conv`` and ``code`` do."""

from scipy import signal


def test_compare_with_sobel_x_matches_scipy_correlate2d(cli):
    code, out, err = cli("compare", "1 2 3; 4 5 6; 7 8 9", "sobel-x")
    assert code == 0 and err == ""
    sobel_x = [[-1, 0, 1], [-2, 0, 2], [-1, 0, 1]]
    x = [[1, 2, 3], [4, 5, 6], [7, 8, 9]]
    expected = signal.correlate2d(x, sobel_x, mode="same")  # first row 9 6 -9
    row = next(line for line in out.splitlines() if "F.conv2d" in line)
    printed = " / ".join(" ".join(str(v) for v in r) for r in expected.tolist())
    assert " ".join(row.split()).endswith(" ".join(printed.split()))


def test_compare_with_an_unknown_name_exits_2_naming_w(cli):
    code, out, err = cli("compare", "1 2 3", "sobel-q")
    assert code == 2 and out == ""
    assert err.startswith("convtui: error: W:") and len(err.strip().splitlines()) == 1
