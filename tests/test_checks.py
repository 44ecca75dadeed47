"""Argument checks name the owner, the argument and what was expected."""
import pytest

from rlpyt.utils.checks import check_number


@pytest.mark.parametrize("kwargs,error,message", [
    (dict(value=0, low=1), ValueError, "Algo: n must be >= 1, got 0"),
    (dict(value=2.5, high=1), ValueError, r"Algo: n must be <= 1, got 2.5"),
    (dict(value=-0.5, low=0, high=1), ValueError, r"Algo: n must be in \[0, 1\], got -0.5"),
    (dict(value=2.0, integer=True), TypeError, "Algo: n must be an int, got 2.0"),
    (dict(value=True), TypeError, "Algo: n must be a number, got True"),
    (dict(value="3"), TypeError, "Algo: n must be a number, got '3'"),
])
def test_bad_values_are_named(kwargs, error, message):
    with pytest.raises(error, match=message):
        check_number("Algo", "n", **kwargs)


def test_good_values_pass():
    check_number("Algo", "n", 3, low=1, high=3, integer=True)
    check_number("Algo", "n", 0.5, low=0, high=1)
