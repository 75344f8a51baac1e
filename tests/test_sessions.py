"""Saved sessions: round trip, refusal of bad files, atomic writes."""

import json
import os

import numpy as np
import pytest

from convtui import sessions
from convtui.engine.setup import Setup
from convtui.sessions import SessionError, autosave_path, data_dir, load_session, save_session

SETUPS = [
    Setup([1, 2, 3, 4], [5, 6, 7]),
    Setup([[1, 2, 3], [4, 5, 6]], [[1, 0], [0, -1]], "same", flip=False, convention="torch"),
    Setup([0.5, -1.25, 3.0, 2.0, 1.0], [1, 2], "valid", stride=2, dilation=2, padding=((2, 1),)),
    Setup([1 + 2j, 3, -1j], [1j, 2], "full"),
    Setup([1.0, float("nan"), float("inf")], [1.0], "same", convention="tensorflow"),
]


@pytest.mark.parametrize("setup", SETUPS, ids=range(len(SETUPS)))
def test_round_trip_gives_the_same_setup(tmp_path, setup):
    path = tmp_path / "s.json"
    save_session(path, setup, {"lesson": "padding", "step": 3})
    session = load_session(path)
    # Setup's == treats NaN as unequal to itself, so compare the parts
    np.testing.assert_array_equal(session.setup.input, setup.input)
    np.testing.assert_array_equal(session.setup.kernel, setup.kernel)
    assert session.setup.input.dtype == setup.input.dtype
    assert session.setup.geometry == setup.geometry
    np.testing.assert_array_equal(session.setup.compute().output, setup.compute().output)
    assert session.progress == {"lesson": "padding", "step": 3}


def test_file_is_plain_json_with_format_and_version(tmp_path):
    path = tmp_path / "s.json"
    save_session(path, Setup([1, 2, 3, 4], [5, 6, 7], "same"))
    document = json.loads(path.read_text())
    assert document["format"] == "convtui-session"
    assert document["version"] == 1
    assert document["setup"]["input"] == [1, 2, 3, 4]
    assert document["setup"]["kernel"] == [5, 6, 7]
    assert document["setup"]["mode"] == "same"
    assert document["progress"] == {}


def test_save_creates_folders_and_overwrites(tmp_path):
    path = tmp_path / "a" / "b" / "s.json"
    save_session(path, Setup([1], [1]))
    save_session(path, Setup([1, 2], [3]))
    assert load_session(path).setup == Setup([1, 2], [3])
    assert os.listdir(path.parent) == ["s.json"]  # no temporary file left behind


BAD_FILES = {
    "not json": (b"{this is not json", "not valid JSON"),
    "binary": (b"\x80\x81\x82", "not valid JSON"),
    "foreign json": (b'{"name": "something else"}', "is not a convtui session"),
    "a list": (b"[1, 2, 3]", "is not a convtui session"),
    "newer": (
        json.dumps({"format": "convtui-session", "version": 99, "setup": {}}).encode(),
        r"newer convtui \(format version 99",
    ),
    "bad version": (
        json.dumps({"format": "convtui-session", "version": "one"}).encode(),
        "no valid format version",
    ),
    "bad setup": (
        json.dumps(
            {"format": "convtui-session", "version": 1, "setup": {"input": [1, 2], "kernel": []}}
        ).encode(),
        "invalid setup",
    ),
    "ragged": (
        json.dumps(
            {
                "format": "convtui-session",
                "version": 1,
                "setup": {"input": [[1], [1, 2]], "kernel": [1]},
            }
        ).encode(),
        "invalid setup",
    ),
    "missing setup": (
        json.dumps({"format": "convtui-session", "version": 1}).encode(),
        "invalid setup",
    ),
    "bad progress": (
        json.dumps(
            {
                "format": "convtui-session",
                "version": 1,
                "setup": Setup([1], [1]).to_dict(),
                "progress": [1],
            }
        ).encode(),
        '"progress" must be an object',
    ),
}


@pytest.mark.parametrize("name", list(BAD_FILES))
def test_bad_file_is_refused_and_left_untouched(tmp_path, name):
    content, message = BAD_FILES[name]
    path = tmp_path / "s.json"
    path.write_bytes(content)
    with pytest.raises(SessionError, match=message):
        load_session(path)
    assert path.read_bytes() == content
    assert os.listdir(tmp_path) == ["s.json"]


def test_missing_file_is_a_clear_error(tmp_path):
    with pytest.raises(SessionError, match="could not open"):
        load_session(tmp_path / "nope.json")
    assert issubclass(SessionError, ValueError)


def test_failed_rename_leaves_the_old_file_intact(tmp_path, monkeypatch):
    path = tmp_path / "s.json"
    save_session(path, Setup([1, 2, 3], [1]))
    before = path.read_bytes()

    def refuse(src, dst):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(sessions.os, "replace", refuse)
    with pytest.raises(SessionError, match="No space left on device.*unchanged"):
        save_session(path, Setup([9, 9, 9], [9]))
    assert path.read_bytes() == before
    assert os.listdir(tmp_path) == ["s.json"]  # the temporary file is removed


def test_failed_fsync_leaves_the_old_file_intact(tmp_path, monkeypatch):
    path = tmp_path / "s.json"
    save_session(path, Setup([1, 2, 3], [1]))
    before = path.read_bytes()

    def fail(fd):
        raise OSError(5, "Input/output error")

    monkeypatch.setattr(sessions.os, "fsync", fail)
    with pytest.raises(SessionError, match="Input/output error"):
        save_session(path, Setup([9, 9, 9], [9]))
    assert path.read_bytes() == before


def test_unwritable_folder_is_a_clear_error(tmp_path):
    # tests may run as root, so make the folder impossible rather than read-only:
    # the "folder" the file should go in is a regular file
    blocker = tmp_path / "blocker"
    blocker.write_text("I am a file")
    with pytest.raises(SessionError, match="could not save the session"):
        save_session(blocker / "s.json", Setup([1], [1]))
    assert blocker.read_text() == "I am a file"


def test_saving_a_path_that_is_a_folder_leaves_it(tmp_path):
    folder = tmp_path / "s.json"
    folder.mkdir()
    (folder / "inside").write_text("keep")
    with pytest.raises(SessionError):
        save_session(folder, Setup([1], [1]))
    assert (folder / "inside").read_text() == "keep"


def test_bad_arguments_to_save(tmp_path):
    with pytest.raises(TypeError, match="setup must be a Setup"):
        save_session(tmp_path / "s.json", {"input": [1]})
    with pytest.raises(TypeError, match="progress must hold only JSON data"):
        save_session(tmp_path / "s.json", Setup([1], [1]), {"f": object()})
    assert not (tmp_path / "s.json").exists()


def test_data_dir_order(monkeypatch, tmp_path):
    monkeypatch.delenv("CONVTUI_DATA_DIR", raising=False)
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg"))
    assert data_dir() == tmp_path / "xdg" / "convtui"
    monkeypatch.setenv("XDG_DATA_HOME", "relative/is/ignored")
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    assert data_dir() == tmp_path / "home" / ".local" / "share" / "convtui"
    monkeypatch.setenv("CONVTUI_DATA_DIR", str(tmp_path / "override"))
    assert data_dir() == tmp_path / "override"
    assert autosave_path() == tmp_path / "override" / "autosave.json"


# ------------------------------------------------ the fields of issue 15, and older files

NEW_FIELDS = [
    Setup([1, 2, 3, 4, 5], [1, 2, 3], "valid", flip=False, padding=1, padding_mode="circular"),
    Setup([[1, 2, 3], [4, 5, 6]], [[1, 1], [0, 2]], "same", padding_mode="symmetric"),
    Setup([3, -1, 2, 5], [1, 0, -1], "causal", padding_mode="replicate"),
    Setup([1.0, 2.0, 3.0], [0.5, 1, 0.5], "valid", flip=False, stride=2, padding=1,
          output_padding=1, transposed=True),
    Setup([[1, 2], [3, 4]], [[1, 2], [0, 1]], "valid", stride=(2, 3), padding=((1, 0), (0, 2)),
          output_padding=(1, 0), transposed=True),
]  # fmt: skip


@pytest.mark.parametrize("setup", NEW_FIELDS, ids=range(len(NEW_FIELDS)))
def test_padding_mode_causal_transposed_and_output_padding_are_saved_and_restored(tmp_path, setup):
    path = tmp_path / "s.json"
    save_session(path, setup)
    restored = load_session(path).setup
    for name in ("mode", "padding_mode", "transposed", "output_padding", "stride", "padding"):
        assert getattr(restored, name) == getattr(setup, name), name
    assert restored == setup
    np.testing.assert_array_equal(restored.compute().output, setup.compute().output)
    written = json.loads(path.read_text())["setup"]
    if setup.transposed:
        assert written["transposed"] is True
    if setup.padding_mode != "zeros":
        assert written["padding_mode"] == setup.padding_mode


def test_a_transposed_session_gives_torchs_numbers(tmp_path):
    torch = pytest.importorskip("torch")
    path = tmp_path / "s.json"
    save_session(path, NEW_FIELDS[3])
    restored = load_session(path).setup
    expected = torch.nn.functional.conv_transpose1d(
        torch.tensor([[[1.0, 2.0, 3.0]]], dtype=torch.float64),
        torch.tensor([[[0.5, 1.0, 0.5]]], dtype=torch.float64),
        stride=2,
        padding=1,
        output_padding=1,
    )
    np.testing.assert_allclose(restored.compute().output, expected[0, 0].numpy())


def test_a_plain_setup_is_written_as_the_first_format_was():
    """Options newer than the first files are left out at their defaults."""
    text = sessions._document(Setup([1, 2, 3, 4], [5, 6, 7]), {})
    assert set(json.loads(text)["setup"]) == {
        "input", "kernel", "mode", "flip", "stride", "dilation", "padding", "convention"
    }  # fmt: skip


BEFORE = os.path.join(os.path.dirname(__file__), "sessions_before_15")
# Written by convtui's first session format (commit b80e2b1: `git archive b80e2b1 convtui`,
# then its save_session), before padding modes, causal and transposed existed.
WRITTEN_BEFORE = {
    "plain.json": (Setup([1, 2, 3, 4], [5, 6, 7]), {}),
    "torch-2d.json": (
        Setup([[1, 2, 3], [4, 5, 6]], [[1, 0], [0, -1]], "same", flip=False, convention="torch"),
        {"lesson-2": 3},
    ),
    "strided-padded.json": (
        Setup(
            [0.5, -1.25, 3.0, 2.0, 1.0], [1, 2], "valid", stride=2, dilation=2, padding=((2, 1),)
        ),
        {},
    ),  # fmt: skip
    "complex.json": (Setup([1 + 2j, 3, -1j], [1j, 2], "full"), {}),
}


@pytest.mark.parametrize("name", sorted(WRITTEN_BEFORE))
def test_session_files_written_before_the_new_fields_still_open_identical(tmp_path, name):
    expected, progress = WRITTEN_BEFORE[name]
    session = load_session(os.path.join(BEFORE, name))
    assert session.setup == expected and session.progress == progress
    assert session.setup.padding_mode == "zeros" and not session.setup.transposed
    np.testing.assert_array_equal(session.setup.compute().output, expected.compute().output)
    # saved again, it is the same file: nothing new is written for the defaults
    path = tmp_path / name
    save_session(path, session.setup, session.progress)
    with open(os.path.join(BEFORE, name)) as before:
        assert json.loads(path.read_text()) == json.load(before)
