"""IntBox: arrays of integers in [low, high), the space of discrete actions."""
from __future__ import annotations

from typing import Any

import numpy as np

from rlpyt.spaces.base import Space


def _integer_dtype(dtype: Any) -> np.dtype:
    try:
        dtype = np.dtype(dtype)
    except TypeError as err:
        raise ValueError(f"IntBox: dtype must be an integer numpy dtype, got {dtype!r}") from err
    if not np.issubdtype(dtype, np.integer):
        raise ValueError(f"IntBox: dtype must be an integer numpy dtype, got {dtype}")
    return dtype


def _integer_bound(name: str, value: Any) -> np.ndarray:
    array = np.asarray(value)
    if array.dtype.kind in "iu":
        return array.astype(np.int64)
    if array.dtype.kind == "f" and np.all(np.isfinite(array)) and np.all(array == np.floor(array)):
        return array.astype(np.int64)
    raise ValueError(f"IntBox: {name} must be integer-valued, got {value!r}")


class IntBox(Space):
    """Integer arrays of ``shape`` whose elements lie in ``[low, high)``.

    ``high`` is exclusive, as in Python's ``range``, so that a categorical
    action with ``n`` choices is ``IntBox(0, n)`` and ``n = high - low``.
    ``low`` and ``high`` may be scalars or arrays broadcast to ``shape``
    (``shape`` defaults to their broadcast shape). ``sample`` returns an array
    of ``shape`` (0-d for shape ``()``). ``null_value`` is the given value,
    else 0 where ``low <= 0 < high``, else ``low``.
    """

    def __init__(self, low: Any, high: Any, shape: tuple | int | None = None,
            dtype: Any = "int64", null_value: Any = None) -> None:
        super().__init__()
        self._dtype = _integer_dtype(dtype)
        low = _integer_bound("low", low)
        high = _integer_bound("high", high)
        if shape is None:
            try:
                shape = np.broadcast_shapes(low.shape, high.shape)
            except ValueError as err:
                raise ValueError(f"IntBox: low of shape {low.shape} and high of shape "
                    f"{high.shape} do not broadcast together") from err
        self._shape = (shape,) if isinstance(shape, (int, np.integer)) else tuple(int(s) for s in shape)
        self.low = self._broadcast("low", low)
        self.high = self._broadcast("high", high)
        if not np.all(self.high > self.low):
            raise ValueError(f"IntBox: high must be greater than low everywhere "
                f"(high is exclusive), got low={low.tolist()}, high={high.tolist()}")
        info = np.iinfo(self._dtype)
        if self.low.min() < info.min or self.high.max() - 1 > info.max:
            raise ValueError(f"IntBox: [low, high) = [{self.low.min()}, {self.high.max()}) "
                f"does not fit dtype {self._dtype}")
        uniform = np.all(self.low == self.low.flat[0]) and np.all(self.high == self.high.flat[0])
        self._n = int(self.high.flat[0] - self.low.flat[0]) if uniform else None
        self._sample_low = int(self.low.flat[0]) if uniform else self.low
        self._sample_high = int(self.high.flat[0]) if uniform else self.high
        if null_value is None:
            null_value = np.where((self.low <= 0) & (0 < self.high), 0, self.low)
        self._null = self._broadcast("null_value", np.asarray(null_value)).astype(self._dtype)

    @property
    def shape(self) -> tuple:
        """The shape of one value."""
        return self._shape

    @property
    def dtype(self) -> np.dtype:
        """The integer dtype of the values."""
        return self._dtype

    @property
    def n(self) -> int:
        """The number of choices per element, ``high - low``; defined only
        when every element has the same bounds."""
        if self._n is None:
            raise AttributeError("IntBox.n is undefined: the elements have different bounds "
                "(use .low and .high)")
        return self._n

    def sample(self) -> np.ndarray:
        """A uniformly random array of ``shape`` in [low, high)."""
        return self._rng.integers(self._sample_low, self._sample_high, size=self._shape,
            dtype=self._dtype)

    def null_value(self) -> np.ndarray:
        """A fresh copy of the null value (an array of ``shape`` and ``dtype``)."""
        return self._null.copy()

    def contains(self, x: Any) -> bool:
        """True for an integer array (or int) of ``shape`` within [low, high)."""
        x = np.asarray(x)
        return (x.shape == self._shape and x.dtype.kind in "iu"
            and bool(np.all((x >= self.low) & (x < self.high))))

    def __repr__(self) -> str:
        low = self.low.flat[0] if self._n is not None else self.low.tolist()
        high = self.high.flat[0] if self._n is not None else self.high.tolist()
        return f"IntBox(low={low}, high={high}, shape={self._shape}, dtype={self._dtype})"
