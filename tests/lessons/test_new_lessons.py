"""Lessons 13-15 (issue 18, part 3): transposed convolution, padding modes and circular
convolution, stacked layers.

The numbers the pages and exercises rest on are checked here against numpy, scipy,
OpenCV and torch (the peers the course-wide test in test_course.py skips: padding
modes, causal mode, transposed convolution), the ``stack`` exercise kind against
torch's layers and gradients, and old progress against the longer course.
"""

from __future__ import annotations

import json
import re

import numpy as np
import pytest

from convtui.engine.geometry import PADDING_NAMES
from convtui.lessons import LessonError, Progress, expected_answer, grade, load_course
from convtui.lessons.loader import parse_lesson
from convtui.lessons.stacks import parse_layers, stack_answer, stack_worked

COURSE = load_course()
NEW = COURSE[12:]


def page(lesson: int, number: int):
    return COURSE[lesson - 1].pages[number - 1]


def exercise(lesson: int, key: str):
    return next(e for e in COURSE[lesson - 1].exercises if e.id == key)


def out(setup) -> list:
    return setup.compute().output.tolist()


# ------------------------------------------------------------------ the course


def test_the_new_lessons_come_last_so_old_numbers_keep_their_lessons():
    assert [lesson.number for lesson in NEW] == [13, 14, 15]
    assert [lesson.path.name for lesson in NEW] == [
        "13-transposed-convolution.md",
        "14-padding-modes.md",
        "15-stacked-layers.md",
    ]


@pytest.mark.parametrize("lesson", NEW, ids=lambda lesson: str(lesson.number))
def test_the_new_lessons_refer_only_to_earlier_lessons(lesson):
    text = "\n".join(p.text for p in lesson.pages)
    cited = [
        int(n) for m in re.findall(r"[Ll]essons? ([\d, and]+)", text) for n in re.findall(r"\d+", m)
    ]
    assert cited and all(n < lesson.number for n in cited), cited


def test_old_progress_keeps_its_lessons_and_the_new_ones_start_unsolved(tmp_path):
    """Progress is keyed by lesson number: a file with lessons 1-12 finished reads as
    12 finished lessons, and 13-15 as new.  (A file written by course 1 keeps only
    the marks of unchanged questions: tests/lessons/test_progress.py.)"""
    path = tmp_path / "progress.json"
    old = {
        "version": 2,
        "lessons": {
            str(lesson.number): {
                "seen": [p.number for p in lesson.pages],
                "solved": sorted(e.id for e in lesson.exercises),
                "page": len(lesson.pages),
            }
            for lesson in COURSE[:12]
        },
    }
    path.write_text(json.dumps(old))
    progress = Progress.load(path)
    assert progress.warning is None
    assert [progress.is_done(lesson) for lesson in COURSE] == [True] * 12 + [False] * 3
    assert progress.last_page(13) == 1 and progress.solved(13) == set()
    assert progress.save() is None and json.loads(path.read_text())["lessons"] == old["lessons"]


def test_convtui_lessons_lists_the_new_lessons(monkeypatch, tmp_path, capsys):
    from convtui.cli import main

    monkeypatch.setenv("CONVTUI_DATA_DIR", str(tmp_path))
    assert main(["lessons"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[12].split()[:3] == ["13", "Transposed", "convolution"]
    assert lines[13].split()[:4] == ["14", "Padding", "modes", "and"]
    assert lines[14].split()[:3] == ["15", "Stacked", "layers"]


# -------------------------------------------------------------- the stack kind


def _torch_stack(layers_text: str, ndim: int = 2):
    """The same layers as torch modules (2-D by default)."""
    torch = pytest.importorskip("torch")
    modules = []
    for layer in parse_layers(layers_text):
        if hasattr(layer, "in_channels"):
            conv = (torch.nn.Conv1d, torch.nn.Conv2d)[ndim - 1]
            modules.append(
                conv(
                    layer.in_channels,
                    layer.out_channels,
                    layer.kernel_size,
                    stride=layer.stride,
                    padding=layer.padding,
                    dilation=layer.dilation,
                    groups=layer.groups,
                    bias=layer.bias,
                )
            )
        else:
            pool = (torch.nn.AvgPool1d, torch.nn.AvgPool2d)[ndim - 1]
            modules.append(pool(layer.size, stride=layer.stride, padding=layer.padding))
    return torch.nn.Sequential(*modules)


STACK_EXERCISES = [e for lesson in NEW for e in lesson.exercises if e.kind == "stack"]


@pytest.mark.parametrize("ex", STACK_EXERCISES, ids=lambda e: e.key)
def test_stack_answers_are_torch_counts_and_gradient_footprints(ex):
    torch = pytest.importorskip("torch")
    layers, ask = ex.params["layers"], ex.params["ask"]
    if ask == "parameters":
        model = _torch_stack(layers)
        assert expected_answer(ex) == sum(p.numel() for p in model.parameters())
        return
    # field and jump: which inputs reach an output, found by backprop through a 1-D
    # copy of the stack with positive weights (average pooling reaches what max can)
    one_channel = re.sub(r"conv\(\s*\d+\s*,\s*\d+\s*,", "conv(1, 1,", layers)
    model = _torch_stack(one_channel, ndim=1).double()
    for p in model.parameters():
        torch.nn.init.constant_(p, 1.0)
    x = torch.zeros(1, 1, 400, dtype=torch.float64, requires_grad=True)
    y = model(x)
    reached = []
    for index in (1, 2):
        x.grad = None
        y[0, 0, index].backward(retain_graph=True)
        cells = torch.nonzero(x.grad[0, 0]).flatten()
        reached.append((int(cells.min()), int(cells.max())))
    field = reached[0][1] - reached[0][0] + 1
    jump = reached[1][0] - reached[0][0]
    assert expected_answer(ex) == {"field": field, "jump": jump}[ask]


def test_receptive_field_of_the_lessons_text_against_torch():
    """Page 2: dilations 1, 2, 4 give fields 3, 7, 15; page 6: 8·3·3·3 + 8 = 224."""
    assert [
        stack_answer("; ".join(f"conv(1, 1, 3, dilation={d})" for d in (1, 2, 4)[:n]), "field")
        for n in (1, 2, 3)
    ] == [3, 7, 15]
    assert "fields of 3, 7, 15" in page(15, 2).text
    torch = pytest.importorskip("torch")
    assert sum(p.numel() for p in torch.nn.Conv2d(3, 8, 3).parameters()) == 224
    assert "`8·3·3·3 + 8 = 224`" in page(15, 5).text
    dense = (32 * 32 * 3) * (32 * 32 * 8)
    assert dense > 25_000_000 and "over 25 million" in page(15, 5).text


def test_stack_kind_grades_the_engine_count_and_refuses_another():
    ex = exercise(15, "p5.1")
    assert grade(ex, "4640").correct and not grade(ex, "4641").correct
    assert not grade(ex, "many").correct
    assert "32 × 16 × 3 × 3 weights + 32 biases = 4640" in grade(ex, "1").worked
    depthwise = exercise(15, "p6.2")
    assert grade(depthwise, str(64 * 3 * 3 + 64 * 128)).correct


def test_stack_worked_steps_follow_the_recurrence():
    lines = stack_worked("conv(1, 1, 3); pool(2); conv(1, 1, 3)", "field").splitlines()
    assert lines == [
        "layer 1 conv k=3 s=1 d=1: field 1 + (3−1)·1·1 = 3, jump 1·1 = 1",
        "layer 2 pool k=2 s=2 d=1: field 3 + (2−1)·1·1 = 4, jump 1·2 = 2",
        "layer 3 conv k=3 s=1 d=1: field 4 + (3−1)·1·2 = 8, jump 2·1 = 2",
    ]


@pytest.mark.parametrize(
    "layers, ask, line, reason",
    [
        ("conv(1, 1)", "field", 10, "conv() needs in_channels, out_channels, kernel_size"),
        ("dense(3)", "field", 10, "must be conv(C_in, C_out, k, …) or pool(size, …)"),
        ("conv(1, 1, 3, strides=2)", "field", 10, "takes stride, dilation, padding"),
        ("conv(2, 3, 3, groups=2)", "parameters", 10, "groups must divide"),
        ("conv(1, 2, 3); conv(1, 1, 3)", "field", 10, "layer 2 takes 1 channels"),
        ("conv(1, 1, 3)", "area", 11, "ask must be one of field, jump, parameters"),
    ],
)
def test_a_bad_stack_exercise_fails_to_load_naming_its_line(layers, ask, line, reason):
    text = (
        "---\ntitle: t\n---\n## P\n\ntext\n\n```exercise\nkind: stack\n"
        f"layers: {layers}\nask: {ask}\nprompt: how wide?\n```\n"
    )
    with pytest.raises(LessonError) as caught:
        parse_lesson(text, "15-x.md")
    assert caught.value.line == line and reason in caught.value.reason


# ------------------------------------------------------ lesson 13: transposed


def _conv_transpose(setup):
    torch = pytest.importorskip("torch")
    x = torch.tensor(np.asarray(setup.input, dtype=float)).reshape(1, 1, -1)
    w = torch.tensor(np.asarray(setup.kernel, dtype=float)).reshape(1, 1, -1)
    y = torch.nn.functional.conv_transpose1d(
        x,
        w,
        stride=setup.stride[0] if isinstance(setup.stride, tuple) else setup.stride,
        padding=setup.geometry.explicit[0][0],
        output_padding=setup.geometry.output_padding[0],
        dilation=setup.geometry.dilation[0],
    )
    return y.flatten().tolist()


LESSON_13_SETUPS = [p.setup for p in COURSE[12].pages] + [e.setup for e in COURSE[12].exercises]


@pytest.mark.parametrize("setup", LESSON_13_SETUPS, ids=lambda s: repr(s)[:60])
def test_lesson_13_every_setup_is_torchs_conv_transpose1d(setup):
    assert setup.transposed and not setup.flip
    assert out(setup) == pytest.approx(_conv_transpose(setup))


def test_lesson_13_the_matrix_is_the_forward_layers_transposed():
    forward = page(13, 1).setup.replace(input=[1, 2, 3, 4], transposed=False)
    np.testing.assert_array_equal(page(13, 1).setup.compute().matrix, forward.compute().matrix.T)
    strided = page(13, 5).setup
    np.testing.assert_array_equal(
        strided.compute().matrix,
        strided.replace(input=np.arange(7), transposed=False).compute().matrix.T,
    )


def test_lesson_13_output_padding_picks_one_of_the_lengths_a_strided_layer_maps_to_three():
    torch = pytest.importorskip("torch")
    w = torch.ones(1, 1, 3)
    lengths = {
        n: torch.nn.functional.conv1d(torch.ones(1, 1, n), w, stride=2).shape[-1]
        for n in (6, 7, 8, 9)
    }
    assert lengths == {6: 2, 7: 3, 8: 3, 9: 4}
    three = torch.ones(1, 1, 3)
    assert torch.nn.functional.conv_transpose1d(three, w, stride=2).shape[-1] == 7
    assert torch.nn.functional.conv_transpose1d(three, w, stride=2, output_padding=1).shape[-1] == 8
    with pytest.raises(RuntimeError):  # not below the stride: torch refuses it too
        torch.nn.functional.conv_transpose1d(three, w, stride=2, output_padding=2)
    sixteen = torch.ones(1, 1, 16)
    doubled = torch.nn.functional.conv_transpose1d(
        sixteen, w, stride=2, padding=1, output_padding=1
    )
    assert expected_answer(exercise(13, "p3.1")) == (doubled.shape[-1],)


def test_lesson_13_the_checkerboard_and_its_cures():
    torch = pytest.importorskip("torch")
    ones = torch.ones(1, 1, 6)

    def counts(k):
        return torch.nn.functional.conv_transpose1d(ones, torch.ones(1, 1, k), stride=2)[0, 0]

    three, four, five = counts(3), counts(4), counts(5)
    assert set(three[2:-2].tolist()) == {1.0, 2.0}  # uneven: alternates
    assert set(four[2:-2].tolist()) == {2.0}  # 4 divisible by 2: even
    assert set(five[2:-2].tolist()) == {2.0, 3.0}  # 5 is no cure
    assert expected_answer(exercise(13, "p4.1")) == five[7].item()
    # resize then convolve: nearest-neighbour upsampling, then a stride-1 layer, is flat inside
    resized = torch.nn.functional.interpolate(ones, scale_factor=2, mode="nearest")
    flat = torch.nn.functional.conv1d(resized, torch.ones(1, 1, 3))[0, 0]
    assert set(flat.tolist()) == {3.0}
    # the averaging kernel fills each gap with the mean of its neighbours
    kernel = torch.tensor(expected_answer(exercise(13, "p4.2")), dtype=torch.float64)
    filled = torch.nn.functional.conv_transpose1d(
        torch.tensor([[[2.0, 4.0, 6.0]]], dtype=torch.float64), kernel.reshape(1, 1, 3), stride=2
    )
    assert filled.flatten().tolist() == [1, 2, 3, 4, 5, 6, 3]


def test_lesson_13_the_transposed_layer_is_the_strided_layers_input_gradient():
    torch = pytest.importorskip("torch")
    x = torch.arange(7.0).reshape(1, 1, 7).requires_grad_()
    w = torch.tensor([[[5.0, 6.0, 7.0]]])
    y = torch.nn.functional.conv1d(x, w, stride=2)
    y.backward(torch.tensor([[[2.0, -1.0, 3.0]]]))
    assert out(page(13, 5).setup) == x.grad.flatten().tolist()
    assert expected_answer(exercise(13, "p5.1")) == x.grad[0, 0, 4].item()


# --------------------------------------------------- lesson 14: padding modes

_NUMPY = {"zeros": "constant", "reflect": "reflect", "replicate": "edge", "circular": "wrap",
          "symmetric": "symmetric"}  # fmt: skip


def _numpy_peer(setup):
    """numpy.pad by the mode's numpy name, then numpy's correlate (valid) on it."""
    g = setup.geometry
    padded = np.pad(np.asarray(setup.input, dtype=float), g.pad[0], mode=_NUMPY[setup.padding_mode])
    kernel = np.asarray(setup.kernel, dtype=float)
    kernel = kernel[::-1] if setup.flip else kernel
    dense = np.correlate(
        padded, kernel[::1] if g.dilation[0] == 1 else _dilate(kernel, g.dilation[0])
    )
    return dense[:: g.stride[0]].tolist()


def _dilate(kernel, d):
    spread = np.zeros(d * (kernel.size - 1) + 1)
    spread[::d] = kernel
    return spread


LESSON_14_SETUPS = [p.setup for p in COURSE[13].pages] + [e.setup for e in COURSE[13].exercises]


@pytest.mark.parametrize("setup", LESSON_14_SETUPS, ids=lambda s: repr(s)[:70])
def test_lesson_14_every_setup_is_numpy_pad_then_correlate(setup):
    assert out(setup) == pytest.approx(_numpy_peer(setup))


def test_lesson_14_the_fills_written_on_page_1_are_numpy_pads():
    row = np.array(list("abcd"))
    text = page(14, 1).text
    for mode, numpy_name in _NUMPY.items():
        if mode == "zeros":
            continue
        padded = np.pad(row, 2, mode=numpy_name)
        written = f"`{' '.join(padded[:2])} | a b c d | {' '.join(padded[-2:])}`"
        assert f"**{mode}**: " in text and written in text, (mode, written)


def test_lesson_14_the_libraries_names_are_the_engines_table_and_the_libraries_own():
    text = " ".join(page(14, 2).text.split())
    for mode in ("reflect", "symmetric", "replicate", "circular"):
        line = text.split(f"- {mode}: ")[1].split(" - ")[0]
        names = PADDING_NAMES[mode]
        for library in ("torch", "numpy.pad", "scipy.ndimage", "OpenCV"):
            if names[library] is None:
                assert f"{library} has none" in line
            else:
                assert f"`{names[library]}`" in line and library in line, (mode, library)
    # what the libraries do under those names, on the page's input (pad 1 each side)
    ndimage = pytest.importorskip("scipy.ndimage")
    cv2 = pytest.importorskip("cv2")
    x = np.array([4, 1, 3, 5, 2], dtype=float)
    w = np.array([1, 2, 3], dtype=float)
    for mode in ("reflect", "symmetric", "replicate", "circular"):
        ours = out(page(14, 2).setup.replace(padding_mode=mode))
        scipy_name = PADDING_NAMES[mode]["scipy.ndimage"]
        assert ndimage.correlate1d(x, w, mode=scipy_name).tolist() == ours
        border = getattr(cv2, PADDING_NAMES[mode]["OpenCV"])
        padded = cv2.copyMakeBorder(x.reshape(1, -1), 0, 0, 1, 1, border)[0]
        assert np.correlate(padded, w).tolist() == ours


def test_lesson_14_torch_reflect_and_causal_padding():
    torch = pytest.importorskip("torch")
    conv = torch.nn.Conv1d(1, 1, 3, padding=1, padding_mode="reflect", bias=False)
    with torch.no_grad():
        conv.weight.copy_(torch.tensor([[[1.0, 2.0, 3.0]]]))
        y = conv(torch.tensor([[[4.0, 1.0, 3.0, 5.0, 2.0]]]))
    assert expected_answer(exercise(14, "p2.1")) == y[0, 0, 4].item()
    # causal: pad d·(k-1) on the left yourself, then a plain conv1d
    x = torch.tensor([[[3.0, 1.0, 4.0, 1.0, 5.0, 9.0]]])
    padded = torch.nn.functional.pad(x, (2, 0))
    assert (
        out(page(14, 3).setup)
        == torch.nn.functional.conv1d(padded, torch.ones(1, 1, 3)).flatten().tolist()
    )
    assert "`y[2] = 3 + 1 + 4 = 8`" in page(14, 3).text
    dilated = torch.nn.functional.conv1d(
        torch.nn.functional.pad(x, (4, 0)), torch.tensor([[[1.0, 2.0, 3.0]]]), dilation=2
    )
    assert expected_answer(exercise(14, "p3.1")) == dilated[0, 0, 5].item()


def test_lesson_14_the_circulant_matrix_and_the_dft():
    linalg = pytest.importorskip("scipy.linalg")
    w = np.array([5, 6, 7, 0])  # the kernel, zero-padded to the input's length
    circulant = linalg.circulant(w)
    np.testing.assert_array_equal(page(14, 4).setup.compute().matrix, circulant)
    x = np.array([2, 0, 1, 3])
    assert expected_answer(exercise(14, "p4.1")) == (circulant @ x)[1]
    # the DFT diagonalises it: circulant = F⁻¹ diag(DFT w) F, its eigenvalues the DFT of w
    eigen = np.fft.fft(w)
    for f in range(4):
        wave = np.exp(2j * np.pi * f * np.arange(4) / 4)
        np.testing.assert_allclose(circulant @ wave, eigen[f] * wave, atol=1e-12)
    assert expected_answer(exercise(14, "p5.1")) == pytest.approx(3 * eigen[0].real)
    assert expected_answer(exercise(14, "p5.2")) == pytest.approx(-eigen[2].real)
    # a sine in, a sine of the same frequency out: the DFT of y is the DFT of x times
    # that of w, and (but for the input's rounding to 3 decimals) all at f = 1 and 7
    setup = page(14, 5).setup
    y = np.asarray(out(setup))
    x = np.asarray(setup.input, dtype=float)
    np.testing.assert_allclose(np.fft.fft(y), np.fft.fft(x) * np.fft.fft([5, 6, 7], 8), atol=1e-9)
    spectrum = np.abs(np.fft.fft(y))
    assert spectrum[[0, 2, 3, 4, 5, 6]].max() < 1e-4 * spectrum[1]


# -------------------------------------------------- lesson 15: stacked layers


def test_lesson_15_two_kernels_act_as_their_convolution():
    a, b = [1, 1, 1], [1, 1, 1]
    assert np.convolve(a, b).tolist() == page(15, 1).setup.kernel.tolist() == [1, 2, 3, 2, 1]
    ex = exercise(15, "p1.1")
    x = np.asarray(ex.setup.input)
    target = np.correlate(np.correlate(x, [1, -1]), [1, 1, 1])
    assert ex.params["target"].replace(" ", "") == ",".join(str(v) for v in target)
    combined = np.convolve([1, -1], [1, 1, 1])
    assert np.ravel(expected_answer(ex)).tolist() == combined.tolist()
    # the answer is the only kernel: the 7 × 4 system has rank 4
    windows = np.lib.stride_tricks.sliding_window_view(x, 4)
    assert np.linalg.matrix_rank(windows) == 4


def test_lesson_15_a_strided_layer_is_equivariant_only_to_shifts_by_its_stride():
    torch = pytest.importorskip("torch")
    w = torch.tensor([[[5.0, 6.0, 7.0]]])

    def layer(at):
        x = torch.zeros(1, 1, 10)
        x[0, 0, at : at + 2] = torch.tensor([1.0, 2.0])
        return torch.nn.functional.conv1d(x, w, stride=2).flatten().tolist()

    assert out(page(15, 4).setup) == layer(2)
    assert layer(4) == [0.0] + layer(2)[:-1]  # two places in, one place out
    assert layer(3) not in ([0.0] + layer(2)[:-1], layer(2))
    assert expected_answer(exercise(15, "p4.1")) == layer(3)[1]


def test_lesson_15_average_pooling_is_a_strided_convolution():
    torch = pytest.importorskip("torch")
    x = torch.tensor([[[3.0, 1.0, 4.0, 1.0, 5.0, 9.0, 2.0, 6.0]]])
    assert out(page(15, 3).setup) == torch.nn.functional.avg_pool1d(x, 2).flatten().tolist()


def test_lesson_15_a_1x1_convolution_mixes_channels_at_each_position():
    torch = pytest.importorskip("torch")
    x = torch.tensor([[[1.0, 2.0, 3.0, 4.0], [0.0, 1.0, 0.0, 1.0]]])  # 2 channels
    for setup in (page(15, 6).setup, exercise(15, "p6.1").setup):
        w = torch.tensor(np.asarray(setup.kernel, dtype=float), dtype=torch.float32)
        y = torch.nn.functional.conv1d(x, w.reshape(1, 2, 1))
        assert out(setup) == [y.flatten().tolist()]


# ------------------------------------------------------------------ in the app


@pytest.mark.parametrize("number", [13, 14, 15])
async def test_walk_a_new_lesson_by_keyboard(number, monkeypatch, tmp_path):
    """At 160×48: each page sets the playground (transposed, padding modes and all);
    the lesson panel never writes an exercise's answer down before it is answered
    (the rules of test_no_answer_in_text.py, on the panel as drawn); a wrong answer
    gets the hint, the engine's answer is right; ] at the end opens the next lesson
    and the lesson is saved as done.  (The panes' "?" for the asked cell: H7's walk
    over every lesson, tests/app/test_lesson_answers_hidden.py.)"""
    from convtui.app import make_app
    from tests.app.helpers import drawn_text, playground, typed_answer, until
    from tests.lessons.test_no_answer_in_text import giveaways

    monkeypatch.setenv("CONVTUI_DATA_DIR", str(tmp_path))
    lesson = COURSE[number - 1]
    app = make_app(lesson=number)
    async with app.run_test(size=(160, 48)) as pilot:
        screen = playground(app)
        await until(lambda: screen.lesson_panel is not None)
        panel = screen.lesson_panel
        feedback = panel.query_one("#lesson-feedback")
        for p in lesson.pages:
            await until(lambda p=p: panel.page_number == p.number and screen.setup == p.setup)
            for ex in p.exercises:
                await until(lambda ex=ex: panel.exercise is ex)
                assert giveaways(ex, drawn_text(panel)) == [], ex.key
                await pilot.press("a", "ctrl+u", *_wrong(ex), "enter")
                await until(lambda: "Hint:" in str(feedback.render()))
                await pilot.press("a", "ctrl+u", *typed_answer(ex), "enter")
                await until(lambda: str(feedback.render()).startswith("✓"))
            await pilot.press("right_square_bracket")
        if number < len(COURSE):
            await until(lambda: panel.lesson.number == number + 1)
    saved = Progress.load(tmp_path / "progress.json")
    assert saved.is_done(lesson) and saved.warning is None


def _wrong(ex) -> str:
    return "999" if ex.kind != "kernel" else "9, 9, 9"
