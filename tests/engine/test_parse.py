"""parse_array: the forms it reads, and the errors a learner sees."""

import time

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from convtui import ParseError, parse_array
from convtui.engine import parse as parse_module


@pytest.mark.parametrize(
    "text,want",
    [
        ("1, 2, 3", [1, 2, 3]),
        ("1 2 3", [1, 2, 3]),
        ("[1, 2, 3]", [1, 2, 3]),
        ("  -1,+2 ,3  ", [-1, 2, 3]),
        ("1 2; 3 4", [[1, 2], [3, 4]]),
        ("1 2\n3 4", [[1, 2], [3, 4]]),
        ("[[1, 2], [3, 4]]", [[1, 2], [3, 4]]),
        ("[1 2; 3 4]", [[1, 2], [3, 4]]),
        ("[[[1], [2]], [[3], [4]]]", [[[1], [2]], [[3], [4]]]),
    ],
)
def test_reads_ints(text, want):
    got = parse_array(text)
    assert got.dtype == np.int64
    assert got.tolist() == want


def test_floats_and_complex():
    assert parse_array("0.5, 1e3, .25, -2.").tolist() == [0.5, 1000.0, 0.25, -2.0]
    assert parse_array("1+2j, 3j").tolist() == [1 + 2j, 3j]
    got = parse_array("nan, inf, -inf")
    assert np.isnan(got[0]) and got[1] == np.inf and got[2] == -np.inf


@pytest.mark.parametrize(
    "text,position,words",
    [
        ("", 0, "nothing to read"),
        ("   \n ", 0, "nothing to read"),
        ("1,,2", 2, "empty field"),
        (",1", 0, "empty field"),
        ("1,2,", 3, "empty field"),
        ("1, x, 3", 3, "unexpected character 'x'"),
        ("1 2a", 3, "after the number"),
        ("1 2; 3", 5, "ragged rows"),
        ("[[1, 2], [3]]", 9, "ragged rows"),
        ("[1, 2", 5, "never closed"),
        ("1, 2]", 4, "unmatched ']'"),
        ("[]", 0, "empty brackets"),
        ("[[[[1]]]]", 3, "too deeply nested"),
        ("__import__('os')", 0, "unexpected character"),
        ("99999999999999999999", 0, "too large"),
        ("1+2jJ", 4, "after the number"),
        ("1-2", 1, "separate numbers with a comma or a space"),
    ],
)
def test_errors_say_what_and_where(text, position, words):
    with pytest.raises(ParseError) as info:
        parse_array(text)
    assert info.value.position == position
    assert words in str(info.value)
    assert isinstance(info.value, ValueError)


def test_pointer_marks_the_character():
    with pytest.raises(ParseError) as info:
        parse_array("1, 2, x")
    assert info.value.pointer() == "1, 2, x\n      ^"


def test_too_many_elements(monkeypatch):
    monkeypatch.setattr(parse_module, "MAX_ELEMENTS", 10)
    assert parse_array(",".join(["1"] * 10)).size == 10
    with pytest.raises(ParseError, match="too many elements"):
        parse_array(",".join(["1"] * 11))


@given(st.lists(st.integers(-(10**6), 10**6), min_size=1, max_size=50))
def test_round_trip_of_printed_lists(values):
    assert parse_array(", ".join(map(str, values))).tolist() == values
    assert parse_array(str(values)).tolist() == values


@given(st.text(max_size=40))
def test_any_text_parses_or_raises_parse_error(text):
    try:
        out = parse_array(text)
    except ParseError as exc:
        assert 0 <= exc.position <= len(text)
    else:
        assert out.size >= 1


def test_time_is_linear_in_the_length():
    def seconds(n):
        text = ", ".join(["12"] * n)
        start = time.perf_counter()
        parse_array(text)
        return time.perf_counter() - start

    seconds(1000)  # warm up
    small, large = min(seconds(20_000) for _ in range(3)), min(seconds(80_000) for _ in range(3))
    # 4x the text: linear means about 4x the time; quadratic would be 16x
    assert large < 10 * small
