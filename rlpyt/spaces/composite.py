"""Composite: a space whose values are namedtuples of values of other spaces."""
from __future__ import annotations

from typing import Any, Sequence

import numpy as np

from rlpyt.spaces.base import Space
from rlpyt.utils.collections import is_namedtuple_class, picklable_namedtuple


class Composite(Space):
    """A namedtuple of sub-spaces: ``sample()`` and ``null_value()`` return
    ``NamedTupleCls`` instances of the sub-spaces' values, so that structured
    observations (Gymnasium Dict and Tuple) flow through buffers as one nested
    namedarraytuple. ``shape`` and ``dtype`` are the tuples of the sub-spaces'
    shapes and dtypes; ``names`` are the field names.
    """

    def __init__(self, spaces: Sequence[Space], NamedTupleCls: type) -> None:
        if not is_namedtuple_class(NamedTupleCls):
            raise ValueError(f"Composite: NamedTupleCls must be a namedtuple class, "
                f"got {NamedTupleCls!r}")
        spaces = tuple(spaces)
        if len(spaces) != len(NamedTupleCls._fields):
            raise ValueError(f"Composite: {len(spaces)} spaces for the "
                f"{len(NamedTupleCls._fields)} fields {NamedTupleCls._fields} of NamedTupleCls")
        for name, space in zip(NamedTupleCls._fields, spaces):
            if not isinstance(space, Space):
                raise ValueError(f"Composite: spaces must be rlpyt spaces, got "
                    f"{type(space).__name__} for field '{name}'")
        self._spaces = spaces
        self._cls = NamedTupleCls

    @property
    def spaces(self) -> tuple:
        """The sub-spaces, in field order."""
        return self._spaces

    @property
    def names(self) -> tuple:
        """The field names."""
        return self._cls._fields

    @property
    def NamedTupleCls(self) -> type:
        """The namedtuple class of the values."""
        return self._cls

    @property
    def shape(self) -> tuple:
        """The tuple of the sub-spaces' shapes."""
        return tuple(space.shape for space in self._spaces)

    @property
    def dtype(self) -> tuple:
        """The tuple of the sub-spaces' dtypes."""
        return tuple(space.dtype for space in self._spaces)

    def sample(self) -> tuple:
        """A namedtuple of a sample of every sub-space."""
        return self._cls(*(space.sample() for space in self._spaces))

    def null_value(self) -> tuple:
        """A namedtuple of the null value of every sub-space."""
        return self._cls(*(space.null_value() for space in self._spaces))

    def contains(self, x: Any) -> bool:
        """True for a tuple whose every element lies in its sub-space."""
        return (isinstance(x, tuple) and len(x) == len(self._spaces)
            and all(space.contains(v) for space, v in zip(self._spaces, x)))

    def seed(self, seed: int | None) -> None:
        """Seed every sub-space with its own seed derived from ``seed``."""
        if seed is None:
            seeds = [None] * len(self._spaces)
        else:
            seeds = np.random.SeedSequence(seed).generate_state(len(self._spaces)).tolist()
        for space, sub_seed in zip(self._spaces, seeds):
            space.seed(sub_seed)

    def __getstate__(self) -> dict:
        # Namedtuple classes made at run time are not importable by name:
        # send their name and fields instead and remake them on load.
        state = self.__dict__.copy()
        cls = self._cls
        if cls is picklable_namedtuple(cls.__name__, cls._fields):
            state["_cls"] = (cls.__name__, cls._fields)
        return state

    def __setstate__(self, state: dict) -> None:
        if not isinstance(state["_cls"], type):
            state["_cls"] = picklable_namedtuple(*state["_cls"])
        self.__dict__.update(state)

    def __repr__(self) -> str:
        fields = ", ".join(f"{n}={s!r}" for n, s in zip(self.names, self._spaces))
        return f"Composite({self._cls.__name__}: {fields})"
