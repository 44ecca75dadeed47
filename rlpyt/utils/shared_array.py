"""Numpy arrays in shared memory that cross process boundaries under fork and spawn.

Memory comes from ``multiprocessing.RawArray``: its backing file is unlinked
as soon as it is mapped, so nothing is left in /dev/shm even when a process is
killed. A forked child inherits the mapping; a spawned child receives it when
the array is passed as a ``Process`` argument (pickling goes through the
multiprocessing heap's file-descriptor hand-over).
"""
from __future__ import annotations

import multiprocessing as mp

import numpy as np


def _attach(raw, dtype: str, shape: tuple, strides: tuple, offset: int) -> "SharedArray":
    base = np.frombuffer(raw, dtype=np.uint8)
    arr = np.ndarray(shape, dtype=dtype, buffer=base, offset=offset, strides=strides)
    return _as_shared(arr, raw)


def _as_shared(arr: np.ndarray, raw) -> "SharedArray":
    out = arr.view(SharedArray)
    out._raw = raw
    return out


class SharedArray(np.ndarray):
    """An ndarray view of shared memory; views of it stay shared when pickled."""

    _raw = None

    def __array_finalize__(self, obj) -> None:
        self._raw = getattr(obj, "_raw", None)

    def __reduce__(self):
        raw = self._raw
        if raw is None:
            return np.asarray(self).__reduce__()
        start = np.frombuffer(raw, dtype=np.uint8).ctypes.data
        offset = self.ctypes.data - start
        if not 0 <= offset <= len(raw):
            return np.array(self).__reduce__()
        return (_attach, (raw, self.dtype.str, self.shape, self.strides, offset))


def np_mp_array(shape: tuple, dtype) -> SharedArray:
    """A zero-filled array of ``shape`` and ``dtype`` in shared memory."""
    dtype = np.dtype(dtype)
    nbytes = max(int(np.prod(shape, dtype=np.int64)) * dtype.itemsize, 1)
    raw = mp.RawArray("B", nbytes)
    arr = np.frombuffer(raw, dtype=np.uint8)[:int(np.prod(shape, dtype=np.int64)) * dtype.itemsize]
    return _as_shared(arr.view(dtype).reshape(shape), raw)
