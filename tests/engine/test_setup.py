"""Setup: validation, replace, equality and its JSON form."""

import numpy as np
import pytest

from convtui import Setup


def test_seed_setup_computes_the_seed_output():
    setup = Setup([1, 2, 3, 4], [5, 6, 7])
    assert setup.compute().output.tolist() == [5, 16, 34, 52, 45, 28]
    assert setup.replace(flip=False, mode="valid").compute().output.tolist() == [38, 56]


def test_setup_is_immutable_and_copies_its_arrays():
    x = np.array([1, 2, 3])
    setup = Setup(x, [1])
    x[0] = 100
    assert setup.input.tolist() == [1, 2, 3]
    with pytest.raises(ValueError):
        setup.input[0] = 5


def test_invalid_setups_raise_value_error():
    with pytest.raises(ValueError, match="same number of dimensions"):
        Setup([1, 2], [[1]])
    with pytest.raises(ValueError, match="stride"):
        Setup([1, 2], [1], stride=0)
    with pytest.raises(ValueError, match="torch"):
        Setup([1, 2, 3], [1, 1], mode="same", stride=2, convention="torch")


def test_equality_and_round_trip_with_nan_and_complex():
    setup = Setup([1.0, np.nan, 3.0], [1 + 2j, 3], mode="same", padding=[(1, 2)])
    assert setup == Setup.from_dict(setup.to_dict())
    assert setup != setup.replace(mode="full")
    assert Setup([1, 2], [1]) != Setup([1.0, 2.0], [1])  # the dtype is part of the setup


def test_from_dict_refuses_malformed_data():
    with pytest.raises(ValueError, match="unknown setup fields"):
        Setup.from_dict({"input": [1], "kernel": [1], "colour": "red"})
    with pytest.raises(ValueError, match="needs 'kernel'"):
        Setup.from_dict({"input": [1]})
    with pytest.raises(ValueError, match="rectangular"):
        Setup.from_dict({"input": [[1, 2], [3]], "kernel": [[1]]})


def test_check_size_refuses_what_would_exhaust_memory():
    with pytest.raises(ValueError, match="memory limit"):
        Setup([1, 2], [1], padding=10**12).check_size()
