"""The matrix pane for transposed convolutions and padding modes (issue 15).

The pane works out only the entries on screen (``entry_taps``); every block is checked
against the engine's whole matrix (``convtui.toeplitz``), and the input gradient it
shows against ``conv_backward`` and torch's autograd.
"""

from __future__ import annotations

import re

import numpy as np
import pytest

from convtui import Setup, toeplitz
from convtui.app import make_app
from convtui.app.widgets.matrix import View, entry_taps, input_gradient
from convtui.engine.layer import conv_backward
from convtui.engine.matrix import weights_at

from .helpers import playground, until

W = np.array([1, 2, 3])

SETUPS = {
    "full": Setup([1, 2, 3, 4], W),
    "reflect": Setup([1, 2, 3, 4, 5], W, "same", flip=False, padding_mode="reflect"),
    "circular": Setup([1, 2, 3, 4], W, "same", padding_mode="circular"),
    "replicate wide": Setup([4, 1, 2], W, "valid", padding=3, padding_mode="replicate"),
    "symmetric strided": Setup(
        np.arange(7), [1, -2, 5, 7], "valid", padding=[(2, 3)], stride=2, padding_mode="symmetric"
    ),
    "causal dilated": Setup(np.arange(6), W, "causal", dilation=2, flip=False),
    "2-D reflect": Setup(
        np.arange(12).reshape(3, 4), [[1, 2], [3, 5]], "same", padding_mode="reflect"
    ),
    # correlate conjugates a complex kernel: M holds conj(w), and dL/dx sums them
    "complex reflect": Setup(
        [1, 2, 3, 4], [1 + 2j, 3, -1j], "same", flip=False, padding_mode="reflect"
    ),
    "transposed": Setup([1, 2, 3], W, "valid", flip=False, stride=2, transposed=True),
    "transposed cropped": Setup(
        [1, 2, 3, 4], W, "valid", stride=2, padding=1, output_padding=1, transposed=True
    ),
    # output_padding >= stride: the forward convolution has a step no input feeds
    "transposed op past stride": Setup(
        [1, 2, 3], W, "valid", dilation=3, output_padding=2, transposed=True
    ),
    "transposed 2-D": Setup(
        np.arange(6).reshape(2, 3), [[1, 2], [3, 4]], "valid", stride=2, transposed=True
    ),
}


def matrix_of(setup: Setup) -> np.ndarray:
    """The layer's own matrix from the engine: M (convolution) or Mᵀ (transposed)."""
    return toeplitz(setup.kernel, setup.input.shape, flip=setup.flip, **setup.options())


@pytest.mark.parametrize("name", SETUPS)
@pytest.mark.parametrize("other", [False, True], ids=["own", "other"])
def test_every_block_the_pane_draws_is_the_engines_matrix(name, other):
    setup = SETUPS[name]
    expected = matrix_of(setup)
    if other:
        expected = expected.T
    view = View(setup, other)
    assert view.shape == expected.shape
    whole = entry_taps(view, range(expected.shape[0]), range(expected.shape[1]))
    assert np.array_equal(weights_at(setup.kernel, whole, flip=setup.flip), expected)
    rows, cols = range(1, expected.shape[0] - 1), range(2, expected.shape[1])
    block = entry_taps(view, rows, cols)
    assert np.array_equal(
        weights_at(setup.kernel, block, flip=setup.flip),
        expected[rows.start : rows.stop, cols.start : cols.stop],
    )


def test_a_transposed_setups_matrix_is_the_forward_m_transposed():
    setup = SETUPS["transposed cropped"]
    forward = toeplitz(setup.kernel, (8,), "valid", stride=2, padding=1)  # 8 → 4 inputs
    assert View(setup).name == "Mᵀ" and View(setup, other=True).name == "M"
    assert np.allclose(matrix_of(setup), forward.T)
    shown = entry_taps(View(setup), range(8), range(4))
    assert np.allclose(weights_at(setup.kernel, shown), forward.T)


def test_reflect_entries_name_their_weights():
    # x = 1..5 padded by reflect: 2 | 1 2 3 4 5 | 4; y[0] = w0·2 + w1·1 + w2·2, so
    # M[0,1] holds w0 and w2 (4), M[0,0] holds w1 (2)
    taps = entry_taps(View(SETUPS["reflect"]), range(1), range(5))[0]
    assert taps[:, :2].tolist() == [[1, -1], [0, 2], [-1, -1], [-1, -1], [-1, -1]]


@pytest.mark.parametrize("name", SETUPS)
def test_the_input_gradient_shown_is_the_other_matrix_times_ones(name):
    setup = SETUPS[name]
    expected = matrix_of(setup).T @ np.ones(setup.geometry.size)
    assert np.allclose(input_gradient(setup).ravel(), expected)


@pytest.mark.parametrize("name", ["full", "reflect", "circular", "replicate wide", "2-D reflect"])
def test_m_transposed_times_g_is_conv_backwards_input_gradient(name):
    setup = SETUPS[name]
    g = setup.geometry
    grad_y = np.random.default_rng(0).normal(size=g.output_shape)
    oriented = setup.kernel[(slice(None, None, -1),) * g.ndim] if setup.flip else setup.kernel
    grad_x, _, _ = conv_backward(
        grad_y[None, None],
        np.zeros((1, 1, *g.input_shape)),
        oriented[None, None].astype(float),
        stride=g.stride,
        padding=g.pad,
        dilation=g.dilation,
        padding_mode=g.padding_mode,
    )
    assert np.allclose(matrix_of(setup).T @ grad_y.ravel(), grad_x.ravel())


@pytest.mark.parametrize("mode", ["zeros", "reflect", "replicate", "circular"])
def test_the_input_gradient_is_torchs(mode):
    torch = pytest.importorskip("torch")
    F = torch.nn.functional
    x = torch.tensor([[[3.0, -1, 4, 1, 5, 9]]], dtype=torch.float64, requires_grad=True)
    w = torch.tensor([[[2.0, -3, 7]]], dtype=torch.float64)
    padded = F.pad(x, (2, 2), mode="constant" if mode == "zeros" else mode)
    F.conv1d(padded, w, stride=2).sum().backward()
    setup = Setup(
        x.detach().numpy()[0, 0], w.numpy()[0, 0], "valid", flip=False, stride=2,
        padding=2, padding_mode=mode,
    )  # fmt: skip
    assert np.allclose(input_gradient(setup), x.grad.numpy()[0, 0])


def test_a_transposed_layers_input_gradient_is_torchs():
    torch = pytest.importorskip("torch")
    x = torch.tensor([[[3.0, -1, 4, 1]]], dtype=torch.float64, requires_grad=True)
    w = torch.tensor([[[2.0, -3, 7]]], dtype=torch.float64)
    y = torch.nn.functional.conv_transpose1d(x, w, stride=2, padding=1, output_padding=1)
    y.sum().backward()
    setup = Setup(
        x.detach().numpy()[0, 0], w.numpy()[0, 0], "valid", flip=False, stride=2,
        padding=1, output_padding=1, transposed=True,
    )  # fmt: skip
    assert setup.geometry.output_shape == tuple(y.shape[2:])
    assert np.allclose(input_gradient(setup), x.grad.numpy()[0, 0])


# ---------------------------------------------------------------- in the app


def numbers_of(line: str) -> list[float]:
    """The numbers on a matrix row after its label: the entries, then the value."""
    return [float(v) for v in re.findall(r"-?\d+(?:\.\d+)?", line.split("]", 1)[1])]


def matrix_text(app) -> str:
    """What the matrix pane draws inside its border, one line per row."""
    pane = app.screen.query_one("#matrix")
    lines = pane.render_lines(pane.region.reset_offset)[1:-1]
    return "\n".join("".join(s.text for s in line)[2:-2].rstrip() for line in lines)


def flowing(app) -> str:
    """The pane's text as one line, its wrapping taken out."""
    return " ".join(matrix_text(app).split())


def current_row(text: str) -> str:
    return next(line for line in text.splitlines() if "▶" in line)


async def test_a_transposed_setup_shows_m_transposed_row_j_is_output_j():
    setup = SETUPS["transposed"]  # x = 1 2 3, w = 1 2 3, stride 2: y has 7 outputs
    app = make_app(setup=setup)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("3", "right", "right", "right")
        await until(lambda: "▶ y[3]" in matrix_text(app))
        text = matrix_text(app)
        assert "Mᵀ is 7×3: the forward convolution's M (3×7) transposed" in flowing(app)
        assert "row j is output j (gather)" in flowing(app)
        assert "Mᵀ · x = y" in app.screen.query_one("#matrix").border_title
        *entries, value = numbers_of(current_row(text))
        assert entries == matrix_of(setup)[3].tolist() == [0, 2, 0]  # only x[1]·w[1] lands
        assert value == playground(app).state.result.output[3] == 4


async def test_scatter_lights_the_inputs_column():
    setup = SETUPS["transposed"]
    app = make_app(setup=setup)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("3", "z")
        await until(lambda: playground(app).state.reading == "scatter")
        await pilot.press("right")  # input 1
        await until(lambda: "▼2" in matrix_text(app))
        text = matrix_text(app)
        assert "column i is input i (scatter)" in flowing(app)
        header = next(line for line in text.splitlines() if "x →" in line)
        assert header.split("→")[1].split() == ["1", "▼2", "3"]  # x[1] = 2 is column 1


async def test_m_shows_the_transpose_as_the_input_gradient():
    setup = SETUPS["reflect"]
    app = make_app(setup=setup)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("3", "M")
        await until(lambda: "input gradient" in flowing(app))
        text = matrix_text(app)
        assert "Mᵀ is 5×5: M transposed, the same tied weights; column r is step r" in flowing(app)
        assert "Mᵀ · dL/dy = dL/dx" in app.screen.query_one("#matrix").border_title
        rows = [line for line in text.splitlines() if line.strip().startswith("dx[")]
        shown = np.array([numbers_of(line) for line in rows])
        M = matrix_of(setup)
        assert np.array_equal(shown[:, :-1], M.T)
        # dL/dx for L = sum(y): column sums of M, here by hand 3 7 6 9 5
        assert shown[:, -1].tolist() == M.sum(axis=0).tolist() == [3, 7, 6, 9, 5]
        await pilot.press("M")
        await until(lambda: "M is 5×5: row r is step r" in flowing(app))


async def test_reflect_cells_show_the_sum_and_name_the_weights():
    app = make_app(setup=SETUPS["reflect"])
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("3")
        text = matrix_text(app)
        assert "sums: M[0,1] = w[0]+w[2] = 4" in flowing(app)
        assert numbers_of(current_row(text)) == [2, 4, 0, 0, 0, 10]  # y[0] = 2·1 + 4·2


async def test_circular_padding_shows_a_circulant_matrix():
    setup = SETUPS["circular"]
    app = make_app(setup=setup)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("3")
        text = matrix_text(app)
        assert "M is circulant" in flowing(app)
        rows = [numbers_of(line)[:-1] for line in text.splitlines() if line[2:4] == "y["]
        assert rows == matrix_of(setup).tolist()
        for above, row in zip(rows, rows[1:]):  # each row is the one above, shifted round
            assert row == above[-1:] + above[:-1]


async def test_a_click_on_a_row_of_m_transposed_goes_to_that_output():
    app = make_app(setup=SETUPS["transposed"])
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("3")
        lines = matrix_text(app).splitlines()
        y = next(i for i, line in enumerate(lines) if "y[5]" in line)
        await pilot.click("#matrix", offset=(4, y + 1))  # below the border
        await until(lambda: playground(app).step == 5)


async def test_wide_weights_are_letters_and_a_cell_holding_two_names_both():
    # weights 0.125, 0.25, 0.375 are wide: a, b, c; reflect puts a and c in M[0,1]
    setup = Setup([1, 2, 3, 4, 5], [0.125, 0.25, 0.375], "same", flip=False, padding_mode="reflect")
    app = make_app(setup=setup)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("3")
        await until(lambda: "▶ y[0]" in matrix_text(app))
        assert current_row(matrix_text(app)).split()[2:5] == ["b", "a+c", "0"]
        assert "sums: M[0,1] = w[0]+w[2] = 0.5" in flowing(app)


async def test_a_large_setups_transpose_draws_a_window_and_leaves_dx_out():
    x = np.arange(4096) % 7
    app = make_app(input=x, kernel=np.ones(600))  # 4096 × 600: computed in a worker
    async with app.run_test(size=(120, 40)) as pilot:
        await until(lambda: playground(app).state.result is not None)
        await pilot.press("3", "M")
        await until(lambda: "Mᵀ is 4096×4695" in flowing(app))
        assert "dx is left out" in flowing(app)
        assert "▼1" in matrix_text(app)  # step 0 is column 0, on the dy line
        result = playground(app).state.result
        assert "matrix" not in vars(result) and "taps" not in vars(result)
