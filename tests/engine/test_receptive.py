"""receptive_field against the formula by hand and a brute-force dependency check."""

import numpy as np
import pytest

from convtui import conv_forward, receptive_field


def test_the_issue_example_by_hand():
    # r: 1 + 2·1·1 = 3, 3 + 2·1·1 = 5, 5 + 2·2·2 = 13; j: 1, 2, 2
    rf = receptive_field([3, 3, 3], strides=[1, 2, 1], dilations=[1, 1, 2])
    assert [tuple(row) for row in rf.layers] == [
        (3, 1, 1, 0, 3, 1),
        (3, 2, 1, 0, 5, 2),
        (3, 1, 2, 0, 13, 2),
    ]
    assert (rf.field, rf.jump) == (13, 2)
    assert rf.inputs_of(0) == (0, 13)
    assert rf.inputs_of(3) == (6, 19)


def test_padding_moves_the_range_and_the_length_clips_it():
    rf = receptive_field([3, 3], paddings=[1, 1])
    assert rf.field == 5
    assert rf.inputs_of(0) == (-2, 3)  # two padded cells on the left
    assert rf.inputs_of(0, input_length=6) == (0, 3)
    assert rf.inputs_of(5, input_length=6) == (3, 6)
    assert rf.lengths(6) == (6, 6, 6)


def test_pooling_counts_like_a_kernel():
    # conv 3, then pool 2 stride 2, then conv 3: 1+2 = 3, 3+1 = 4 (jump 2), 4+2·2 = 8
    rf = receptive_field([3, 2, 3], strides=[1, 2, 1], kinds=["conv", "pool", "conv"])
    assert [row.field for row in rf.layers] == [3, 4, 8]
    assert rf.jump == 2
    assert rf.kinds == ("conv", "pool", "conv")


def test_per_axis_kernels():
    rf = receptive_field([(3, 1), (3, 3)], strides=[(2, 1), 1])
    assert rf.field == (7, 3)  # rows: 3 then 3 + 2·2; columns: 1 then 1 + 2
    assert rf.jump == (2, 1)
    assert rf.inputs_of((1, 2)) == ((2, 9), (2, 5))


def test_dilation_leaves_holes_in_the_range():
    rf = receptive_field([3], dilations=[2])
    assert rf.inputs_of(0) == (0, 5)
    assert rf.cells_of(0) == (0, 2, 4)


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (([3, 0],), "kernels must be at least 1"),
        (([3, 3], [1]), "strides must have one entry per layer"),
        (([3, 3], None, [1, -1]), "dilations must be at least 1"),
        (([3], None, None, [-1]), "paddings must not be negative"),
        (([],), "kernels must name at least one layer"),
        ((["3"],), "kernels must hold ints"),
        (([(3, 3), (3, 3, 3)],), "same number of axes"),
    ],
)
def test_bad_lists_name_the_argument(arguments, message):
    with pytest.raises(ValueError, match=message):
        receptive_field(*arguments)


def test_an_index_past_the_output_is_refused():
    rf = receptive_field([3])
    with pytest.raises(ValueError, match="index must be an output cell, 0 to 3"):
        rf.inputs_of(4, input_length=6)
    with pytest.raises(ValueError, match="index must be an int"):
        rf.inputs_of(1.5)
    with pytest.raises(ValueError, match="input_length must be a positive int"):
        receptive_field([(3, 3)]).inputs_of((0, 0), input_length=2.5)


# ------------------------------------------------------------------ brute force


def _random_stack(seed):
    rng = np.random.default_rng(seed)
    layers = []
    for _ in range(int(rng.integers(1, 4))):
        kind = "pool" if rng.random() < 0.3 else "conv"
        if kind == "pool":
            size = int(rng.integers(1, 4))
            layers.append(
                ("pool", size, int(rng.integers(1, 3)), 1, int(rng.integers(0, size // 2 + 1)))
            )
        else:
            layers.append(
                (
                    "conv",
                    int(rng.integers(1, 5)),
                    int(rng.integers(1, 3)),
                    int(rng.integers(1, 3)),
                    int(rng.integers(0, 3)),
                )
            )
    return rng, layers


def _fits(rf, n):
    try:
        rf.lengths(n)
    except ValueError:
        return False
    return True


def _run(layers, x, weights):
    from convtui import pool

    for (kind, k, s, d, p), w in zip(layers, weights):
        if kind == "conv":
            x = conv_forward(x, w, stride=s, dilation=d, padding=p)
        else:
            x = pool(x, k, stride=s, padding=p, kind="avg")
    return x


@pytest.mark.parametrize("seed", range(40))
def test_inputs_of_equals_a_brute_force_dependency_check(seed):
    rng, layers = _random_stack(seed)
    rf = receptive_field(
        [layer[1] for layer in layers],
        strides=[layer[2] for layer in layers],
        dilations=[layer[3] for layer in layers],
        paddings=[layer[4] for layer in layers],
        kinds=[layer[0] for layer in layers],
    )
    shortest = next(n for n in range(1, 200) if _fits(rf, n))
    n = max(shortest, rf.field) + int(rng.integers(0, 12))
    weights = [rng.uniform(0.5, 1.5, (1, 1, layer[1])) for layer in layers]
    x = rng.uniform(0.5, 1.5, (1, 1, n))
    base = _run(layers, x, weights)[0, 0]
    assert rf.lengths(n)[-1] == base.size
    # changed[c, i]: perturbing input c changes output i (positive weights: no cancelling)
    changed = np.empty((n, base.size), dtype=bool)
    for c in range(n):
        nudged = x.copy()
        nudged[0, 0, c] += 1.0
        changed[c] = np.abs(_run(layers, nudged, weights)[0, 0] - base) > 1e-12
    for i in range(base.size):
        cells = tuple(int(c) for c in np.flatnonzero(changed[:, i]))
        assert rf.cells_of(i, input_length=n) == cells
        span = (cells[0], cells[-1] + 1) if cells else (0, 0)  # (0, 0): only padding read
        assert rf.inputs_of(i, input_length=n) == span
        start, stop = rf.inputs_of(i)  # unclipped: exactly the field, jump apart
        assert stop - start == rf.field
        assert start == rf.inputs_of(0)[0] + i * rf.jump


def test_per_axis_brute_force_on_an_image():
    rng = np.random.default_rng(7)
    rf = receptive_field([(3, 2), (2, 3)], strides=[(1, 2), (2, 1)], paddings=[(1, 0), (0, 1)])
    x = rng.uniform(0.5, 1.5, (1, 1, 9, 10))
    w1, w2 = rng.uniform(0.5, 1.5, (1, 1, 3, 2)), rng.uniform(0.5, 1.5, (1, 1, 2, 3))

    def run(a):
        a = conv_forward(a, w1, stride=(1, 2), padding=(1, 0))
        return conv_forward(a, w2, stride=(2, 1), padding=(0, 1))[0, 0]

    base = run(x)
    out = (2, 1)
    rows, cols = [], []
    for r in range(9):
        for c in range(10):
            nudged = x.copy()
            nudged[0, 0, r, c] += 1
            if abs(run(nudged)[out] - base[out]) > 1e-12:
                rows.append(r)
                cols.append(c)
    assert rf.cells_of(out, input_length=(9, 10)) == (
        tuple(sorted(set(rows))),
        tuple(sorted(set(cols))),
    )
    assert rf.inputs_of(out, input_length=(9, 10)) == (
        (min(rows), max(rows) + 1),
        (min(cols), max(cols) + 1),
    )
