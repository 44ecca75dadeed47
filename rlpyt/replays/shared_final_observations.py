"""The true final observations of truncated steps, kept in shared memory.

A replay buffer keeps the final observation of each time-limit truncation it
stores in a dict from flat index (``t * B + b``) to observation. Truncations
are rare (one per episode at most), so the shared version is a fixed table of
``capacity`` slots: a key array (-1 for a free slot) and a value array, both
in shared memory, that the appending process and the sampling process read
under the buffer's lock.
"""
from __future__ import annotations

from typing import Iterator, Mapping

import numpy as np

from rlpyt.utils.checks import check_count
from rlpyt.utils.shared_array import np_mp_array

_FREE = -1


class SharedFinalObservations:
    """A dict-like table int -> observation of fixed ``capacity`` in shared memory."""

    def __init__(self, capacity: int, shape: tuple, dtype) -> None:
        capacity = check_count("SharedFinalObservations", "capacity", capacity, 1)
        self.keys = np_mp_array((capacity,), np.int64)
        self.keys[:] = _FREE
        self.values = np_mp_array((capacity,) + tuple(shape), dtype)

    def _slot(self, key: int) -> int | None:
        hits = np.flatnonzero(self.keys == key)
        return int(hits[0]) if len(hits) else None

    def __setitem__(self, key: int, value: np.ndarray) -> None:
        slot = self._slot(key)
        if slot is None:
            free = np.flatnonzero(self.keys == _FREE)
            if not len(free):
                raise RuntimeError(f"SharedFinalObservations: all {len(self.keys)} slots hold "
                    f"truncated steps' final observations; build the buffer with a larger "
                    f"final_observation_capacity")
            slot = int(free[0])
        self.values[slot] = value
        self.keys[slot] = key

    def __getitem__(self, key: int) -> np.ndarray:
        slot = self._slot(key)
        if slot is None:
            raise KeyError(key)
        return self.values[slot].copy()

    def __contains__(self, key: int) -> bool:
        return self._slot(key) is not None

    def pop(self, key: int, default=None):
        """Remove ``key``; its observation (a copy), or ``default`` if absent."""
        slot = self._slot(key)
        if slot is None:
            return default
        value = self.values[slot].copy()
        self.keys[slot] = _FREE
        return value

    def __iter__(self) -> Iterator[int]:
        return iter(int(k) for k in self.keys[self.keys != _FREE])

    def __len__(self) -> int:
        return int(np.count_nonzero(self.keys != _FREE))

    def replace_all(self, mapping: Mapping[int, np.ndarray]) -> None:
        """Hold exactly ``mapping``'s entries."""
        self.keys[:] = _FREE
        for key, value in mapping.items():
            self[int(key)] = value
