"""Argument checks name the owner, the argument and what was expected; counts
accept rlpyt's integral floats (``1e4``) and come back as ints."""
import numpy as np
import pytest

from rlpyt.utils.checks import check_count, check_number


@pytest.mark.parametrize("kwargs,error,message", [
    (dict(value=0, low=1), ValueError, "Algo: n must be >= 1, got 0"),
    (dict(value=2.5, high=1), ValueError, r"Algo: n must be <= 1, got 2.5"),
    (dict(value=-0.5, low=0, high=1), ValueError, r"Algo: n must be in \[0, 1\], got -0.5"),
    (dict(value=True), TypeError, "Algo: n must be a number, got True"),
    (dict(value="3"), TypeError, "Algo: n must be a number, got '3'"),
])
def test_bad_numbers_are_named(kwargs, error, message):
    with pytest.raises(error, match=message):
        check_number("Algo", "n", **kwargs)


def test_good_numbers_pass():
    check_number("Algo", "n", 3, low=1, high=3)
    check_number("Algo", "n", 0.5, low=0, high=1)


@pytest.mark.parametrize("value,expected", [(1e4, 10000), (5e3, 5000), (7, 7), (np.int64(3), 3),
    (np.float32(2.0), 2), (50e6, 50_000_000)])
def test_counts_accept_integral_values_and_return_ints(value, expected):
    count = check_count("Algo", "n", value)
    assert count == expected and type(count) is int


@pytest.mark.parametrize("value,error,message", [
    (2.5, TypeError, r"Algo: n must be a whole number \(an int, or a float such as 1e4\), got 2.5"),
    (True, TypeError, "Algo: n must be a whole number .*got True"),
    ("10", TypeError, "Algo: n must be a whole number .*got '10'"),
    (float("inf"), TypeError, "Algo: n must be a whole number .*got inf"),
    (None, TypeError, "Algo: n must be a whole number .*got None"),
    (-1.0, ValueError, "Algo: n must be >= 0, got -1"),
])
def test_bad_counts_are_named(value, error, message):
    with pytest.raises(error, match=message):
        check_count("Algo", "n", value)


def test_optional_count_lets_none_through():
    assert check_count("Algo", "n", None, allow_none=True) is None
    assert check_count("Algo", "n", 3e2, allow_none=True) == 300
