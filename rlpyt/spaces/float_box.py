"""FloatBox: arrays of floats in [low, high], the space of continuous values."""
from __future__ import annotations

from typing import Any

import numpy as np

from rlpyt.spaces.base import Space


def _float_dtype(dtype: Any) -> np.dtype:
    try:
        dtype = np.dtype(dtype)
    except TypeError as err:
        raise ValueError(f"FloatBox: dtype must be a floating numpy dtype, got {dtype!r}") from err
    if not np.issubdtype(dtype, np.floating):
        raise ValueError(f"FloatBox: dtype must be a floating numpy dtype, got {dtype}")
    return dtype


def _float_bound(name: str, value: Any, dtype: np.dtype) -> np.ndarray:
    try:
        array = np.asarray(value, dtype=np.float64)
    except (TypeError, ValueError) as err:
        raise ValueError(f"FloatBox: {name} must be numeric, got {value!r}") from err
    if np.any(np.isnan(array)):
        raise ValueError(f"FloatBox: {name} must not contain NaN, got {value!r}")
    with np.errstate(over="ignore"):
        return array.astype(dtype)


class FloatBox(Space):
    """Float arrays of ``shape`` whose elements lie in ``[low, high]``.

    Bounds may be scalars or arrays broadcast to ``shape`` (which defaults to
    their broadcast shape) and may be infinite. ``sample`` draws each element
    as Gymnasium's Box does: uniform where both sides are bounded, a shifted
    exponential where one side is, a standard normal where neither is.
    ``null_value`` is zeros, or the given value broadcast to ``shape``.
    """

    def __init__(self, low: Any, high: Any, shape: tuple | int | None = None,
            dtype: Any = "float32", null_value: Any = None) -> None:
        super().__init__()
        self._dtype = _float_dtype(dtype)
        low = _float_bound("low", low, self._dtype)
        high = _float_bound("high", high, self._dtype)
        if shape is None:
            try:
                shape = np.broadcast_shapes(low.shape, high.shape)
            except ValueError as err:
                raise ValueError(f"FloatBox: low of shape {low.shape} and high of shape "
                    f"{high.shape} do not broadcast together") from err
        self._shape = (shape,) if isinstance(shape, (int, np.integer)) else tuple(int(s) for s in shape)
        self.low = self._broadcast("low", low)
        self.high = self._broadcast("high", high)
        if not np.all(self.low <= self.high):
            raise ValueError(f"FloatBox: low must be <= high everywhere, got "
                f"low={low.tolist()}, high={high.tolist()}")
        below, above = np.isfinite(self.low), np.isfinite(self.high)
        self._both = below & above
        self._only_below = below & ~above
        self._only_above = ~below & above
        self._neither = ~below & ~above
        self._bounded = bool(np.all(self._both))
        null = np.zeros(self._shape) if null_value is None else np.asarray(null_value)
        self._null = self._broadcast("null_value", null).astype(self._dtype)

    @property
    def shape(self) -> tuple:
        """The shape of one value."""
        return self._shape

    @property
    def dtype(self) -> np.dtype:
        """The floating dtype of the values."""
        return self._dtype

    @property
    def bounded(self) -> bool:
        """True when every element has finite low and high bounds."""
        return self._bounded

    def sample(self) -> np.ndarray:
        """A random array of ``shape`` and ``dtype`` within the bounds."""
        rng = self._rng
        if self._bounded:
            return rng.uniform(self.low, self.high, size=self._shape).astype(self._dtype)
        sample = np.empty(self._shape)
        sample[self._neither] = rng.normal(size=int(self._neither.sum()))
        sample[self._only_below] = (self.low[self._only_below]
            + rng.exponential(size=int(self._only_below.sum())))
        sample[self._only_above] = (self.high[self._only_above]
            - rng.exponential(size=int(self._only_above.sum())))
        sample[self._both] = rng.uniform(self.low[self._both], self.high[self._both])
        return sample.astype(self._dtype)

    def null_value(self) -> np.ndarray:
        """A fresh copy of the null value (zeros unless given)."""
        return self._null.copy()

    def contains(self, x: Any) -> bool:
        """True for a real-valued array of ``shape`` within [low, high]."""
        x = np.asarray(x)
        return (x.shape == self._shape and x.dtype.kind in "iuf"
            and bool(np.all((x >= self.low) & (x <= self.high))))

    def __repr__(self) -> str:
        return f"FloatBox(shape={self._shape}, dtype={self._dtype}, bounded={self._bounded})"
