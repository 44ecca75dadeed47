"""Argument checks whose errors name the argument and what was expected.

``check_count`` is the one gate for integer counts (steps, sizes, intervals,
batch dims): rlpyt's scripts write them as ``1e4`` or ``5e3``, so an integral
float is accepted and returned as an int, while ``2.5`` or a bool is refused.
"""
from __future__ import annotations

import numbers

import numpy as np


def _check_bounds(owner: str, name: str, value, low, high) -> None:
    if (low is not None and value < low) or (high is not None and value > high):
        expected = (f"in [{low}, {high}]" if low is not None and high is not None
            else f">= {low}" if low is not None else f"<= {high}")
        raise ValueError(f"{owner}: {name} must be {expected}, got {value!r}")


def check_number(owner: str, name: str, value, low=None, high=None) -> None:
    """Raise naming ``owner`` and ``name`` unless ``value`` is a real number
    (never a bool) within [low, high]."""
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise TypeError(f"{owner}: {name} must be a number, got {value!r}")
    _check_bounds(owner, name, value, low, high)


def check_count(owner: str, name: str, value, low: int | None = 0, high: int | None = None,
        allow_none: bool = False) -> int | None:
    """``value`` as an int: an int, a numpy integer or an integral float such
    as ``1e4`` (how rlpyt's scripts write counts), within [low, high].

    Raises TypeError naming ``owner`` and ``name`` for a bool, a non-number or
    a non-integral float (``2.5``), ValueError when out of bounds. With
    ``allow_none``, None passes through (an optional count).
    """
    if value is None and allow_none:
        return None
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise TypeError(f"{owner}: {name} must be a whole number (an int, or a float such as 1e4), "
            f"got {value!r}")
    if not isinstance(value, numbers.Integral):
        if not float(value).is_integer():
            raise TypeError(f"{owner}: {name} must be a whole number (an int, or a float such as 1e4), "
                f"got {value!r}")
    count = int(value)
    _check_bounds(owner, name, count, low, high)
    return count


def check_flag(owner: str, name: str, value) -> bool:
    """``value`` if it is a bool (numpy's included), else a TypeError naming
    ``owner`` and ``name``: a switch given as a string or a number is a
    mistake, not a truthy value."""
    if not isinstance(value, (bool, np.bool_)):
        raise TypeError(f"{owner}: {name} must be True or False, got {value!r}")
    return bool(value)
