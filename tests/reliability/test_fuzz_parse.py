"""Parser fuzzing: random bytes, random text built from the parser's own alphabet, and
hypothesis text.  Only ParseError may come out; time stays linear in the length."""

import time

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from convtui import ParseError, parse_array

RANDOM_BYTES = 40_000
RANDOM_ALPHABET = 40_000
HYPOTHESIS_EXAMPLES = 20_000
# the fuzz counts reported in the README's reliability table add up from these
ALPHABET = list("0123456789+-.eEjJ,; \t\n[]") + ["nan", "inf", "1e5", "-3.5", "2j", "1+2j"]


def check(text: str) -> bool:
    """Parse; True when it parsed, False on ParseError; anything else fails the test."""
    try:
        out = parse_array(text)
    except ParseError as exc:
        assert 0 <= exc.position <= len(text)
        assert str(exc)
        return False
    assert isinstance(out, np.ndarray) and 1 <= out.ndim <= 3 and out.size >= 1
    assert out.dtype.kind in "ifc"
    return True


def test_random_bytes_decoded_as_text():
    rng = np.random.default_rng(1)
    for _ in range(RANDOM_BYTES):
        raw = rng.integers(0, 256, int(rng.integers(0, 40)), dtype=np.uint8).tobytes()
        check(raw.decode("utf-8", errors="replace"))
        check(raw.decode("latin-1"))


def test_random_text_from_the_parser_alphabet():
    rng = np.random.default_rng(2)
    parsed = 0
    for _ in range(RANDOM_ALPHABET):
        pieces = rng.choice(ALPHABET, int(rng.integers(0, 30)))
        parsed += check("".join(pieces))
    assert parsed > 100  # the alphabet reaches valid arrays too, not only errors


@settings(max_examples=HYPOTHESIS_EXAMPLES // 2, deadline=None)
@given(st.text(max_size=60))
def test_hypothesis_any_unicode(text):
    check(text)


@settings(max_examples=HYPOTHESIS_EXAMPLES // 2, deadline=None)
@given(st.lists(st.sampled_from(ALPHABET), max_size=40).map("".join))
def test_hypothesis_parser_alphabet(text):
    check(text)


@pytest.mark.parametrize(
    "unit",
    ["1, ", "[", "1 2; ", "-", "[[1],", "1e", ",", "nan ", "\n", "]"],
)
def test_no_input_takes_more_than_linear_time(unit):
    def seconds(n):
        text = unit * n
        start = time.perf_counter()
        check(text)
        return time.perf_counter() - start

    seconds(100)
    small = min(seconds(10_000) for _ in range(5))
    large = min(seconds(80_000) for _ in range(5))
    # 8x the input: linear is about 8x the time; allow a noisy shared machine, and
    # still catch quadratic behaviour (64x)
    assert large < 30 * max(small, 2e-4)
