"""The layer screen's reducer, without Textual: numbers by hand and against torch."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest

from convtui.app.layer_state import (
    WORKER_THRESHOLD,
    Bump,
    Computed,
    Cycle,
    FocusLayer,
    GoToCell,
    LayerSpec,
    LayerState,
    MoveCell,
    NextFeature,
    Reseed,
    SetDepth,
    SetInput,
    SetWeights,
    ToggleDepthwise,
    cell_sum,
    compute,
    field_rows,
    random_weights,
    reduce,
)
from convtui.layer_presets import LAYER_PRESETS


def one_layer(x, weight, bias, **options) -> LayerState:
    spec = LayerSpec(out_channels=len(weight), kernel=np.shape(weight)[-1], **options)
    return LayerState.start(np.asarray(x), [spec], weights=[np.asarray(weight)], biases=[bias])


def test_two_channels_by_hand():
    # filter 0: channel 0 [1, 0, -1], channel 1 [1, 1, 1]; bias 2
    x = [[1, 2, 3, 4], [0, 1, 0, 1]]
    state = one_layer(x, [[[1, 0, -1], [1, 1, 1]]], np.array([2]), activation="identity")
    # out 0: (1 - 3) + (0 + 1 + 0) + 2 = 1; out 1: (2 - 4) + (1 + 0 + 1) + 2 = 2
    assert state.result.layers[0].z.tolist() == [[1.0, 2.0]]
    s = cell_sum(reduce(state, MoveCell(1)))
    assert [ch.total for ch in s.channels] == [-2.0, 2.0]
    assert (s.bias, s.z, s.a) == (2.0, 2.0, 2.0)
    assert s.channels[1].inputs == (1.0, 0.0, 1.0)


def test_activations_and_pooling_by_hand():
    state = one_layer([[1, -1, 2, -2, 3]], [[[1]]], np.array([0]), activation="relu")
    assert state.result.layers[0].a.tolist() == [[1, 0, 2, 0, 3]]
    state = reduce(state, Cycle("pool"))  # max: [max(1, 0), max(2, 0)], the 5th dropped
    assert state.spec.pool == "max"
    assert state.result.layers[0].out.tolist() == [[1, 2]]
    state = reduce(state, Cycle("pool"))  # avg
    assert state.result.layers[0].out.tolist() == [[0.5, 1.0]]
    state = reduce(reduce(state, Cycle("activation")), Cycle("activation"))  # relu → tanh → sigmoid
    assert state.spec.activation == "sigmoid"
    assert state.result.layers[0].a[0, 0] == pytest.approx(1 / (1 + np.exp(-1)))


def test_padding_taps_read_zero():
    state = one_layer([[5, 6, 7]], [[[1, 1, 1]]], np.array([0]), padding=1)
    s = cell_sum(state)
    assert s.channels[0].inputs == (0.0, 5.0, 6.0)
    assert s.z == 11.0


def test_stack_against_torch():
    torch = pytest.importorskip("torch")
    F = torch.nn.functional
    x = np.random.default_rng(1).integers(-3, 4, size=(3, 11, 10))
    specs = [
        LayerSpec(out_channels=4, kernel=3, padding=1, activation="relu", pool="max"),
        LayerSpec(out_channels=4, kernel=2, stride=2, groups=1, activation="tanh", pool="avg"),
        LayerSpec(out_channels=2, kernel=1, activation="sigmoid"),
    ]
    state = LayerState.start(x, specs, seed=4)
    t = torch.tensor(x, dtype=torch.float64)[None]
    w = [torch.tensor(a, dtype=torch.float64) for a in state.weights]
    b = [torch.tensor(a, dtype=torch.float64) for a in state.biases]
    t = F.max_pool2d(torch.relu(F.conv2d(t, w[0], b[0], padding=1)), 2)
    t = F.avg_pool2d(torch.tanh(F.conv2d(t, w[1], b[1], stride=2)), 2)
    t = torch.sigmoid(F.conv2d(t, w[2], b[2]))
    np.testing.assert_allclose(state.result.layers[-1].out, t[0].numpy(), rtol=1e-12)


def test_depthwise_against_torch():
    torch = pytest.importorskip("torch")
    x = np.random.default_rng(2).integers(0, 4, size=(3, 6, 6))
    state = reduce(LayerState.start(x, [LayerSpec(out_channels=2)]), ToggleDepthwise())
    assert (state.spec.groups, state.spec.out_channels) == (3, 3)
    assert state.weights[0].shape == (3, 1, 3, 3)
    expected = torch.nn.functional.conv2d(
        torch.tensor(x, dtype=torch.float64)[None],
        torch.tensor(state.weights[0], dtype=torch.float64),
        torch.tensor(state.biases[0], dtype=torch.float64),
        groups=3,
    )
    np.testing.assert_allclose(state.result.layers[0].z, expected[0].numpy())
    # filter 2 reads channel 2 only
    s = cell_sum(reduce(state, NextFeature(2)))
    assert [ch.channel for ch in s.channels] == [2]
    assert reduce(state, ToggleDepthwise()).spec.groups == 1


def test_cell_sum_matches_the_layer_everywhere():
    x = np.random.default_rng(3).integers(-2, 3, size=(2, 7, 6))
    state = LayerState.start(x, [LayerSpec(out_channels=3, stride=2, dilation=2, padding=2)])
    z = state.result.layers[0].z
    for f in range(3):
        for cell in np.ndindex(z.shape[1:]):
            moved = replace(state, feature=f, cell=cell)
            assert cell_sum(moved).z == pytest.approx(z[(f, *cell)])


def test_weights_are_seeded_small_integers():
    w, b = random_weights(9, 1, (8, 3, 3, 3))
    again = random_weights(9, 1, (8, 3, 3, 3))
    assert np.array_equal(w, again[0]) and np.array_equal(b, again[1])
    assert w.dtype.kind == "i" and set(np.unique(w)) <= {-2, -1, 0, 1, 2}
    assert set(np.unique(b)) <= {-1, 0, 1}
    state = LayerState.start(np.ones((1, 6)), [LayerSpec()])
    assert not np.array_equal(reduce(state, Reseed(1)).weights[0], state.weights[0])


def test_keys_change_the_chosen_layer():
    state = LayerState.start(np.ones((1, 9, 9)), [LayerSpec(out_channels=2)])
    state = reduce(state, Bump("out_channels", 1))
    assert state.weights[0].shape == (3, 1, 3, 3)
    state = reduce(state, Bump("kernel", 2))
    assert state.result.layers[0].z.shape == (3, 5, 5)  # 9 - 5 + 1
    state = reduce(state, Bump("stride", 1))
    assert state.result.layers[0].z.shape == (3, 3, 3)  # floor((9 - 5) / 2) + 1
    state = reduce(state, Bump("dilation", 1))  # reach 2·4 + 1 = 9
    assert state.result.layers[0].z.shape == (3, 1, 1)
    state = reduce(state, Bump("padding", 1))
    assert state.result.layers[0].z.shape == (3, 2, 2)  # floor((11 - 9) / 2) + 1


def test_a_refused_edit_keeps_the_last_good_state():
    state = LayerState.start(np.ones((1, 4)), [LayerSpec()])
    refused = reduce(state, Bump("kernel", 2))  # 5 > 4
    assert refused.specs == state.specs and refused.result is state.result
    assert "kernel 5 is bigger than the padded input" in refused.error
    assert "1..8" in reduce(reduce(state, Bump("out_channels", -1)), Bump("out_channels", -1)).error
    assert reduce(state, SetDepth(-1)).error == "a stack here has 1 to 3 layers"
    # the next good edit clears the error
    assert reduce(refused, Bump("padding", 1)).error == ""


def test_stack_depth_and_focus():
    state = LayerState.start(np.ones((1, 12)), [LayerSpec(out_channels=2)])
    state = reduce(reduce(state, SetDepth(1)), SetDepth(1))
    assert len(state.specs) == 3
    assert [w.shape for w in state.weights] == [(2, 1, 3), (2, 2, 3), (2, 2, 3)]
    state = reduce(state, FocusLayer(5))
    assert state.layer == 2 and state.result.layers[2].z.shape == (2, 6)
    state = reduce(state, Bump("out_channels", 1))  # the last layer's filters
    assert state.weights[2].shape == (3, 2, 3)
    state = reduce(state, SetDepth(-1))
    assert len(state.specs) == 2 and state.layer == 1


def test_cursor_moves_and_wraps_rows():
    state = LayerState.start(np.ones((1, 5, 5)), [LayerSpec()])  # z is 3×3
    state = reduce(state, MoveCell(4))
    assert state.cell == (1, 1)
    assert reduce(state, MoveCell(1, axis=0)).cell == (2, 1)
    assert reduce(state, MoveCell(100)).cell == (2, 2)
    assert reduce(state, GoToCell(-1)).cell == (2, 2)
    assert reduce(state, NextFeature(1)).feature == 1
    assert reduce(state, NextFeature(2)).feature == 0
    # a smaller output pulls the cursor in
    assert reduce(reduce(state, GoToCell(-1)), Bump("stride", 1)).cell == (1, 1)


def test_three_layer_field_is_the_issues_example():
    # convtui receptive-field 3,3,3 --stride 1,2,1 --dilation 1,1,2: 13 inputs, jump 2
    state = LayerState.start(
        np.zeros((1, 30)),
        [LayerSpec(kernel=3), LayerSpec(kernel=3, stride=2), LayerSpec(kernel=3, dilation=2)],
    )
    rows = field_rows(reduce(state, FocusLayer(2)))
    assert [(r.field, r.jump) for r in rows] == [(3, 1), (5, 2), (13, 2)]
    assert rows[0].cells == ((0, 12),)


def _depends_on(state: LayerState) -> list[tuple[int, int]]:
    """Brute force: the input cells whose change changes the cursor's output."""
    base = compute(state).layers[state.layer].z[(state.feature, *state.cell)]
    changed = []
    for cell in np.ndindex(state.x.shape[1:]):
        x = state.x.astype(float)
        x[(slice(None), *cell)] += 1.0
        moved = replace(state, x=x)
        if compute(moved).layers[state.layer].z[(state.feature, *state.cell)] != base:
            changed.append(cell)
    return [(min(c[a] for c in changed), max(c[a] for c in changed)) for a in range(len(cell))]


@pytest.mark.parametrize("seed", range(6))
def test_field_against_brute_force(seed):
    rng = np.random.default_rng(seed)
    ndim = 1 + seed % 2
    specs = []
    for _ in range(rng.integers(1, 4)):
        specs.append(
            LayerSpec(
                kernel=int(rng.integers(1, 4)),
                stride=int(rng.integers(1, 3)),
                dilation=int(rng.integers(1, 3)),
                padding=int(rng.integers(0, 2)),
                activation="identity",  # every input reaches the output (no ReLU zeroes)
                pool=str(rng.choice(["none", "avg"])),
                out_channels=1,
            )
        )
    size = (90,) if ndim == 1 else (37, 34)  # big enough for any drawn stack
    ones = [np.ones((1, 1) + (s.kernel,) * ndim) for s in specs]
    zeros = [np.zeros(1) for _ in specs]
    state = LayerState.start(np.zeros((1, *size)), specs, weights=ones, biases=zeros)
    state = reduce(state, FocusLayer(len(specs) - 1))
    shape = state.geometry(state.layer).output_shape
    state = replace(state, cell=tuple(int(rng.integers(0, n)) for n in shape))
    assert list(field_rows(state)[0].cells) == _depends_on(state)


def test_big_layers_go_to_a_worker():
    x = np.ones((3, 200, 200))
    state = LayerState.start(x, [LayerSpec(out_channels=8, kernel=5)])
    assert state.work > WORKER_THRESHOLD and state.result is None
    result = compute(state)
    moved = reduce(state, MoveCell(1))  # the cursor moves while the worker computes
    assert reduce(moved, Computed(state, result)).result is result
    stale = reduce(moved, Bump("kernel", -1))
    assert reduce(stale, Computed(state, result)).result is None


def test_presets_load_and_compute():
    for preset in LAYER_PRESETS:
        state = LayerState.start(np.zeros((1, 4)), [LayerSpec(kernel=1)])
        specs = tuple(LayerSpec(**layer) for layer in preset.layers)
        state = reduce(state, SetInput(preset.x, preset.name, specs, preset.weights, preset.biases))
        assert state.error == "" and state.name == preset.name
        result = state.result or compute(state)  # the RGB picture is a worker's
        assert len(result.layers) == len(specs)


def test_edge_bank_by_hand():
    p = LAYER_PRESETS[0]
    state = LayerState.start(p.x, [LayerSpec(**p.layers[0])], weights=p.weights, biases=p.biases)
    a = state.result.layers[0].a
    # the square is 9 in rows/cols 2..5; the vertical-edge filter (left minus right)
    # at (3, 1) sees 0 on its left and 9 on its right: 3·(0 - 9) = -27 → ReLU 0;
    # at (3, 6) it sees 9 on the left: 3·9 = 27
    assert a[0, 3, 1] == 0 and a[0, 3, 6] == 27
    assert a[3].tolist() == p.x[0].tolist()  # identity filter


def test_set_weights_checks_the_shape():
    state = LayerState.start(np.ones((1, 5)), [LayerSpec(out_channels=1)])
    bad = reduce(state, SetWeights(0, np.ones((2, 1, 3)), np.zeros(2)))
    assert "layer 1's weight must be (1, 1, 3)" in bad.error


def test_a_session_keeps_the_layer_screen(tmp_path):
    from convtui.engine.setup import Setup
    from convtui.sessions import load_session, save_session

    p = LAYER_PRESETS[4]  # the two-layer stack
    state = LayerState.start(p.x, [LayerSpec(**layer) for layer in p.layers], seed=3)
    state = reduce(reduce(state, FocusLayer(1)), MoveCell(3))
    save_session(tmp_path / "s.json", Setup([1, 2], [1]), layer=state.to_dict())
    again = LayerState.from_dict(load_session(tmp_path / "s.json").layer)
    assert again.specs == state.specs and (again.layer, again.cell) == (1, state.cell)
    assert all(np.array_equal(a, b) for a, b in zip(again.weights, state.weights))
    np.testing.assert_array_equal(again.result.layers[-1].out, state.result.layers[-1].out)


def test_a_session_written_before_the_layer_screen_still_opens(tmp_path):
    import json

    from convtui.sessions import load_session

    old = {
        "format": "convtui-session",
        "version": 1,
        "setup": {"input": [1, 2, 3, 4], "kernel": [5, 6, 7]},
        "progress": {},
    }
    (tmp_path / "old.json").write_text(json.dumps(old))
    session = load_session(tmp_path / "old.json")
    assert session.layer is None and session.setup.compute().output.tolist() == [
        5,
        16,
        34,
        52,
        45,
        28,
    ]


@pytest.mark.parametrize(
    "layer, words",
    [
        ({"x": [[1, 2, 3]], "layers": []}, "layers must be a list of 1 to 3"),
        ({"x": [[1, 2, 3]], "layers": [{"kernel": 9}]}, "layer 1's kernel must be within 1..7"),
        ({"x": [[1, 2, 3]], "layers": [{"pool": "min"}]}, "layer 1's pool must be one of"),
        ({"x": [[1, 2, 3]], "layers": [{"size": 2}]}, "layer 1 has unknown options ['size']"),
        ({"x": "abc", "layers": [{}]}, "x must be"),
        ({"x": [[1, 2, 3]], "layers": [{}], "weights": [[1]], "biases": [[1]]}, "weight must be"),
    ],
)
def test_a_bad_layer_section_is_refused_by_name(layer, words):
    with pytest.raises(ValueError) as info:
        LayerState.from_dict(layer)
    assert words in str(info.value)


def test_pick_moves_the_cursor_and_ignores_cells_off_the_map():
    from convtui.app.layer_state import Pick

    state = LayerState.start(np.ones((1, 5, 5)), [LayerSpec(out_channels=2)])  # z: 2×3×3
    assert (reduce(state, Pick(1, (2, 0))).feature, reduce(state, Pick(1, (2, 0))).cell) == (
        1,
        (2, 0),
    )
    assert reduce(state, Pick(1, (3, 0))) is state
    assert reduce(state, Pick(2, (0, 0))) is state


def test_depthwise_filters_come_in_whole_groups():
    state = reduce(LayerState.start(np.ones((3, 6, 6)), [LayerSpec()]), ToggleDepthwise())
    assert (state.spec.groups, state.spec.out_channels) == (3, 3)
    state = reduce(state, Bump("out_channels", 1))  # two filters per channel
    assert state.spec.out_channels == 6 and state.weights[0].shape == (6, 1, 3, 3)
    assert "1..8" in reduce(state, Bump("out_channels", 1)).error  # 9 > 8
    assert "1..8" in reduce(reduce(state, Bump("out_channels", -1)), Bump("out_channels", -1)).error


def test_rgb_picture_preset_splits_the_channels():
    from PIL import Image

    from convtui.samples import sample_path

    p = LAYER_PRESETS[3]
    rgb = np.asarray(Image.open(sample_path("scene")).convert("RGB"))  # H, W, 3
    assert np.array_equal(p.x, np.moveaxis(rgb, -1, 0))
    state = LayerState.start(p.x, [LayerSpec(**p.layers[0])], weights=p.weights, biases=p.biases)
    assert state.result is None  # 3×256×256 → 4 maps: computed in a worker
    z = compute(state).layers[0].z
    r, g, b = (rgb[..., c].astype(float) for c in range(3))
    np.testing.assert_array_equal(z[2], r - b)  # red − blue: one centre tap on each
    np.testing.assert_array_equal(
        z[3, 1:-1, 1:-1],
        sum(  # the 3×3 box on green
            g[i : i + 254, j : j + 254] for i in range(3) for j in range(3)
        ),
    )
