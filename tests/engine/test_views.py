"""steps, toeplitz and output_shape on examples a person can check by hand."""

import numpy as np
import pytest

import convtui
from convtui import output_shape, steps, toeplitz, toeplitz_taps


def test_seed_steps_by_hand():
    trace = steps([1, 2, 3, 4], [5, 6, 7])
    # step 0: only the last applied weight (5) sits on x[0]; the rest on padding
    first = trace[0]
    assert first.index == (0,)
    assert first.positions.tolist() == [-1, -1, 0]
    assert first.weights.tolist() == [7, 6, 5]  # flipped, as applied
    assert first.products.tolist() == [0, 0, 5]
    assert first.value == 5
    assert trace[3].equation() == "y[3] = 7·2 + 6·3 + 5·4 = 52"
    assert [s.value for s in trace] == [5, 16, 34, 52, 45, 28]
    assert trace[-1].index == (5,)
    with pytest.raises(IndexError):
        trace[6]


def test_correlate_steps_do_not_flip():
    trace = steps([1, 2, 3, 4], [5, 6, 7], "valid", flip=False)
    assert trace[0].weights.tolist() == [5, 6, 7]
    assert trace[0].equation() == "y[0] = 5·1 + 6·2 + 7·3 = 38"


def test_2d_steps_in_c_order():
    x = np.arange(9).reshape(3, 3)
    trace = steps(x, np.ones((2, 2), dtype=int), "valid")
    assert [s.index for s in trace] == [(0, 0), (0, 1), (1, 0), (1, 1)]
    assert trace[1].positions.tolist() == [1, 2, 4, 5]
    assert trace[1].value == 1 + 2 + 4 + 5
    assert trace[1].equation().startswith("y[0,1] = ")


def test_seed_toeplitz_by_hand():
    M = toeplitz([5, 6, 7], (4,), "full")
    assert M.tolist() == [
        [5, 0, 0, 0],
        [6, 5, 0, 0],
        [7, 6, 5, 0],
        [0, 7, 6, 5],
        [0, 0, 7, 6],
        [0, 0, 0, 7],
    ]
    assert (M @ np.array([1, 2, 3, 4])).tolist() == [5, 16, 34, 52, 45, 28]


def test_taps_show_weight_sharing():
    taps = toeplitz_taps((3,), (6,), "valid")
    # every row holds each weight once; each weight index appears out_len times
    assert [int((taps == j).sum()) for j in range(3)] == [4, 4, 4]
    assert int((taps == -1).sum()) == 4 * 6 - 12


def test_doubly_block_toeplitz_2d():
    w = np.array([[1, 2], [3, 4]])
    M = toeplitz(w, (3, 3), "valid", flip=False)
    # row 0 = window at (0,0): weights at flat input 0,1,3,4
    assert M[0].tolist() == [1, 2, 0, 3, 4, 0, 0, 0, 0]
    assert M[3].tolist() == [0, 0, 0, 0, 1, 2, 0, 3, 4]
    x = np.arange(9).reshape(3, 3)
    assert np.array_equal(M @ x.ravel(), convtui.correlate(x, w, "valid").ravel())


def test_complex_correlate_matrix_conjugates():
    w = np.array([1 + 1j, 2])
    x = np.array([1.0, 2, 3])
    M = toeplitz(w, (3,), "valid", flip=False)
    np.testing.assert_allclose(M @ x, convtui.correlate(x, w, "valid"))


@pytest.mark.parametrize(
    "n,k,mode,s,d,p,want",
    [
        (4, 3, "full", 1, 1, 0, 6),
        (4, 3, "valid", 1, 1, 0, 2),
        (28, 3, "valid", 2, 1, 0, 13),  # floor((28-3)/2)+1
        (28, 3, "valid", 1, 2, 1, 26),  # floor((28+2-5)/1)+1
        (10, 4, "valid", 3, 1, 2, 4),  # floor((10+4-4)/3)+1
        (5, 3, "same", 2, 1, 0, 3),  # ceil(5/2)
        (2, 5, "valid", 1, 1, 0, 0),
    ],
)
def test_output_shape_formula(n, k, mode, s, d, p, want):
    assert output_shape((n,), (k,), mode, stride=s, dilation=d, padding=p) == (want,)
    g = convtui.plan((n,), (k,), mode, stride=s, dilation=d, padding=p)
    assert g.formula()[0].endswith(f"= {want}")


def test_padding_pairs_and_per_axis():
    assert convtui.padding_for((5, 5), (3, 3), "valid", padding=[(1, 2), 0]) == ((1, 2), (0, 0))
    assert output_shape((5, 5), (3, 3), "valid", padding=[(1, 2), 0]) == (6, 3)
