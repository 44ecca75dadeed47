"""Gymnasium spaces as rlpyt spaces, and Gymnasium values as rlpyt values.

Gymnasium speaks in ints, arrays, dicts and tuples; rlpyt's buffers want
arrays of fixed dtype and namedtuples. ``GymSpaceWrapper`` holds both views of
one space and the two functions that translate values between them, built once
at construction so that translating a value per step costs no type dispatch.

    Discrete(n, start)        -> IntBox(start, start + n), shape ()
    Box, floating dtype       -> FloatBox (float64 -> float32 with force_float32)
    Box, integer dtype        -> IntBox(low, high + 1)
    MultiDiscrete(nvec, start)-> IntBox(start, start + nvec)
    MultiBinary(n)            -> IntBox(0, 2, shape)
    Dict                      -> Composite of a namedtuple of the keys (made identifiers)
    Tuple                     -> Composite of a namedtuple (tuple_0, tuple_1, ...)

Namedtuple classes are made with ``picklable_namedtuple``: no module globals
are created, and values and spaces pickle by their fields.
"""
from __future__ import annotations

import functools
import keyword
import re
from typing import Any, Callable, Iterable

import gymnasium
import numpy as np

from rlpyt.spaces.base import Space
from rlpyt.spaces.composite import Composite
from rlpyt.spaces.float_box import FloatBox
from rlpyt.spaces.int_box import IntBox
from rlpyt.utils.collections import picklable_namedtuple

SUPPORTED = "Discrete, Box, MultiDiscrete, MultiBinary, Dict, Tuple"


def sanitize_field_names(keys: Iterable[Any], reserved: Iterable[str] = ()) -> tuple[str, ...]:
    """Namedtuple field names made from arbitrary keys, in the same order.

    Characters that cannot appear in an identifier become ``_`` ("a.b" ->
    "a_b"), leading underscores are dropped, names that start with a digit,
    are empty or are Python keywords get an ``f_`` prefix, and a name already
    taken (by an earlier key or by ``reserved``) gets the first free suffix
    ``_1``, ``_2``, ...
    """
    taken = set(reserved)
    names = []
    for key in keys:
        name = re.sub(r"\W", "_", str(key)).lstrip("_")
        if not name or name[0].isdigit() or keyword.iskeyword(name) or not name.isidentifier():
            name = f"f_{name}"
        unique, suffix = name, 1
        while unique in taken:
            unique, suffix = f"{name}_{suffix}", suffix + 1
        taken.add(unique)
        names.append(unique)
    return tuple(names)


class _ToNamedTuple:
    """Gymnasium dict or tuple value -> namedtuple of converted elements."""

    def __init__(self, cls: type, keys: tuple, converts: tuple) -> None:
        self._cls = cls
        self._items = tuple(zip(keys, converts))

    def __call__(self, value: Any) -> tuple:
        return self._cls(*[convert(value[key]) for key, convert in self._items])

    def __reduce__(self):
        keys, converts = zip(*self._items)
        return (_to_namedtuple, (self._cls.__name__, self._cls._fields, keys, converts))


def _to_namedtuple(typename: str, fields: tuple, keys: tuple, converts: tuple) -> _ToNamedTuple:
    return _ToNamedTuple(picklable_namedtuple(typename, fields), keys, converts)


class _ToDict:
    """Namedtuple -> Gymnasium dict of reverted elements, under the original keys."""

    def __init__(self, keys: tuple, reverts: tuple) -> None:
        self._items = tuple(zip(keys, reverts))

    def __call__(self, value: tuple) -> dict:
        return {key: revert(v) for (key, revert), v in zip(self._items, value)}


class _ToTuple:
    """Namedtuple -> Gymnasium tuple of reverted elements."""

    def __init__(self, reverts: tuple) -> None:
        self._reverts = reverts

    def __call__(self, value: tuple) -> tuple:
        return tuple(revert(v) for revert, v in zip(self._reverts, value))


def _as_array(dtype: np.dtype) -> Callable[[Any], np.ndarray]:
    """Value -> array of ``dtype`` (no copy when it already is one)."""
    return functools.partial(np.asarray, dtype=dtype)


def _int_null(null_value: Any, low: Any, high: Any) -> Any:
    """The wrapper's null value where the integer range holds it, else None
    (the IntBox default: 0 where in range, else low)."""
    if null_value is None or not np.all((low <= null_value) & (null_value < high)):
        return None
    return null_value


def _int_box(low: Any, high: Any, shape: tuple, dtype: Any, null_value: Any) -> tuple:
    space = IntBox(low, high, shape=shape, dtype=dtype,
        null_value=_int_null(null_value, np.asarray(low), np.asarray(high)))
    return space, _as_array(space.dtype), _as_array(np.dtype(dtype))


def _from_discrete(space: gymnasium.spaces.Discrete, name, null_value, force_float32) -> tuple:
    start, n = int(space.start), int(space.n)
    rlpyt_space = IntBox(start, start + n, shape=(), dtype=space.dtype,
        null_value=_int_null(null_value, start, start + n))
    return rlpyt_space, _as_array(rlpyt_space.dtype), int


def _from_box(space: gymnasium.spaces.Box, name, null_value, force_float32) -> tuple:
    kind = space.dtype.kind
    if kind == "f":
        dtype = np.dtype(np.float32) if force_float32 and space.dtype == np.float64 else space.dtype
        rlpyt_space = FloatBox(space.low, space.high, shape=space.shape, dtype=dtype,
            null_value=null_value)
        return rlpyt_space, _as_array(dtype), _as_array(space.dtype)
    if kind in "iu":
        return _int_box(space.low, space.high.astype(np.int64) + 1, space.shape, space.dtype,
            null_value)
    raise TypeError(f"Gymnasium Box of dtype {space.dtype} is not supported: "
        f"use an integer or floating dtype")


def _from_multi_discrete(space: gymnasium.spaces.MultiDiscrete, name, null_value,
        force_float32) -> tuple:
    start = space.start.astype(np.int64)
    return _int_box(start, start + space.nvec, space.shape, space.dtype, null_value)


def _from_multi_binary(space: gymnasium.spaces.MultiBinary, name, null_value,
        force_float32) -> tuple:
    return _int_box(0, 2, space.shape, space.dtype, null_value)


def _from_dict(space: gymnasium.spaces.Dict, name, null_value, force_float32) -> tuple:
    keys = tuple(space.spaces.keys())
    fields = sanitize_field_names(keys)
    parts = [_build(sub, f"{name}_{field}", null_value, force_float32)
        for field, sub in zip(fields, space.spaces.values())]
    cls = picklable_namedtuple(name, fields)
    rlpyt_space = Composite([p[0] for p in parts], cls)
    convert = _ToNamedTuple(cls, keys, tuple(p[1] for p in parts))
    return rlpyt_space, convert, _ToDict(keys, tuple(p[2] for p in parts))


def _from_tuple(space: gymnasium.spaces.Tuple, name, null_value, force_float32) -> tuple:
    fields = tuple(f"tuple_{i}" for i in range(len(space.spaces)))
    parts = [_build(sub, f"{name}_{field}", null_value, force_float32)
        for field, sub in zip(fields, space.spaces)]
    cls = picklable_namedtuple(name, fields)
    rlpyt_space = Composite([p[0] for p in parts], cls)
    convert = _ToNamedTuple(cls, tuple(range(len(fields))), tuple(p[1] for p in parts))
    return rlpyt_space, convert, _ToTuple(tuple(p[2] for p in parts))


_BUILDERS = (
    (gymnasium.spaces.Discrete, _from_discrete),
    (gymnasium.spaces.Box, _from_box),
    (gymnasium.spaces.MultiDiscrete, _from_multi_discrete),
    (gymnasium.spaces.MultiBinary, _from_multi_binary),
    (gymnasium.spaces.Dict, _from_dict),
    (gymnasium.spaces.Tuple, _from_tuple),
)


def _build(space: Any, name: str, null_value: Any, force_float32: bool) -> tuple:
    """(rlpyt space, convert, revert) for a Gymnasium space."""
    for gym_type, builder in _BUILDERS:
        if isinstance(space, gym_type):
            return builder(space, name, null_value, force_float32)
    raise TypeError(f"Unsupported Gymnasium space {type(space).__name__} ({space!r}); "
        f"supported spaces: {SUPPORTED}")


def _typename(name: str) -> str:
    return sanitize_field_names([name])[0]


def gym_space_to_rlpyt(space: gymnasium.Space, force_float32: bool = True, *,
        name: str = "obs") -> Space:
    """The rlpyt space of a Gymnasium space (see the module docstring for the
    mapping); ``name`` is the typename of the namedtuples of Dict and Tuple
    spaces (nested ones get ``name_field``)."""
    return _build(space, _typename(name), None, force_float32)[0]


def rlpyt_space_to_gym(space: Space) -> gymnasium.Space:
    """The Gymnasium space of an rlpyt space: IntBox -> Discrete when its
    shape is (), else MultiDiscrete; FloatBox -> Box; Composite -> Dict keyed
    by the field names."""
    if isinstance(space, GymSpaceWrapper):
        return rlpyt_space_to_gym(space.space)
    if isinstance(space, IntBox):
        if space.shape == ():
            return gymnasium.spaces.Discrete(int(space.high - space.low), start=int(space.low))
        return gymnasium.spaces.MultiDiscrete(space.high - space.low, dtype=space.dtype,
            start=space.low)
    if isinstance(space, FloatBox):
        return gymnasium.spaces.Box(space.low, space.high, shape=space.shape, dtype=space.dtype)
    if isinstance(space, Composite):
        return gymnasium.spaces.Dict({name: rlpyt_space_to_gym(sub)
            for name, sub in zip(space.names, space.spaces)})
    raise TypeError(f"rlpyt_space_to_gym: unsupported space {type(space).__name__}; "
        f"supported: IntBox, FloatBox, Composite")


class GymSpaceWrapper(Space):
    """A Gymnasium space seen as an rlpyt space, with value translation.

    ``space`` is the rlpyt space (``IntBox``, ``FloatBox`` or ``Composite``),
    ``gym_space`` the original. ``sample``, ``null_value``, ``shape``,
    ``dtype``, ``n`` and ``contains`` are the rlpyt space's. ``convert`` turns
    a Gymnasium value into an rlpyt value (dicts and tuples into namedtuples,
    float64 arrays into float32 with ``force_float32``), ``revert`` does the
    opposite (namedtuples into dicts and tuples, arrays into the Gymnasium
    dtype, Discrete values into Python ints).

    ``null_value`` is the null value of every leaf space; an integer space
    whose range excludes it uses the IntBox default (its low end). ``name`` is
    the typename of the namedtuples made for Dict and Tuple spaces.
    """

    def __init__(self, space: gymnasium.Space, null_value: Any = 0, name: str = "obs",
            force_float32: bool = True) -> None:
        self.gym_space = space
        self.space, self._convert, self._revert = _build(space, _typename(name), null_value,
            force_float32)

    def convert(self, value: Any) -> Any:
        """A Gymnasium value as an rlpyt value."""
        return self._convert(value)

    def revert(self, value: Any) -> Any:
        """An rlpyt value as a Gymnasium value."""
        return self._revert(value)

    @property
    def converter(self) -> Callable[[Any], Any]:
        """The function ``convert`` applies (for per-step callers)."""
        return self._convert

    @property
    def reverter(self) -> Callable[[Any], Any]:
        """The function ``revert`` applies (for per-step callers)."""
        return self._revert

    def sample(self) -> Any:
        """A random rlpyt value of the space."""
        return self.space.sample()

    def null_value(self) -> Any:
        """The rlpyt null value of the space."""
        return self.space.null_value()

    def contains(self, x: Any) -> bool:
        """True when the rlpyt value ``x`` lies in the space."""
        return self.space.contains(x)

    def seed(self, seed: int | None) -> None:
        """Seed the rlpyt space's sampling."""
        self.space.seed(seed)

    @property
    def shape(self) -> tuple:
        """The rlpyt space's shape."""
        return self.space.shape

    @property
    def dtype(self) -> Any:
        """The rlpyt space's dtype."""
        return self.space.dtype

    @property
    def n(self) -> int:
        """The number of choices of an integer space with uniform bounds."""
        try:
            return self.space.n
        except AttributeError:
            raise AttributeError(f"GymSpaceWrapper.n is undefined for {self.space!r}") from None

    def __repr__(self) -> str:
        return f"GymSpaceWrapper({self.gym_space!r} -> {self.space!r})"
