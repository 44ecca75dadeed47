"""Argument checks whose errors name the argument and what was expected."""
from __future__ import annotations


def check_number(owner: str, name: str, value, low=None, high=None, integer: bool = False) -> None:
    """Raise naming ``owner`` and ``name`` unless ``value`` is a number (an int
    when ``integer``; never a bool) within [low, high]."""
    kind = int if integer else (int, float)
    if isinstance(value, bool) or not isinstance(value, kind):
        raise TypeError(f"{owner}: {name} must be {'an int' if integer else 'a number'}, got {value!r}")
    if (low is not None and value < low) or (high is not None and value > high):
        expected = (f"in [{low}, {high}]" if low is not None and high is not None
            else f">= {low}" if low is not None else f"<= {high}")
        raise ValueError(f"{owner}: {name} must be {expected}, got {value!r}")
