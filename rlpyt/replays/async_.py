"""Replay buffers in shared memory, appended by the sampler process while the
optimizer process samples from them (the asynchronous runner, AsyncRl).

One mechanism makes any replay buffer shareable: after the buffer is built,
every array it declares in ``_checkpoint_arrays()`` (the contract by which a
buffer lists all its arrays, for checkpoints) is moved into shared memory,
so arrays that a buffer adds later become shared without changes here; an
array attribute left out of that list is refused by name. The ring cursor
and counters (``t``, ``_total_T``, prioritized replay's ``_valid_high``) live
in a shared int64 array, the truncations' final observations in a shared
table. A reader-writer lock (``rlpyt.utils.synchronize.RWLock``) puts appends
and priority updates (writers) apart from sampling (readers), so a batch
never mixes two appends: every transition's observation, action, reward and
next observation belong together, and no index beyond the written steps is
drawn. A checkpoint of the buffer must be taken holding ``rw_lock.write_lock()``
until its arrays are written (the runner does), so that no append runs in
between.

Each appended batch carries the parameter version it was sampled with; the
buffer keeps it per ring row (``samples_version``) and records, per sampled
batch, the mean version of its transitions (``pop_sampled_versions``), from
which the runner logs the policy lag.
"""
from __future__ import annotations

import sys
from typing import Iterator

import numpy as np

from rlpyt.replays.base import BaseReplayBuffer
from rlpyt.replays.shared_final_observations import SharedFinalObservations
from rlpyt.utils.collections import is_namedtuple
from rlpyt.utils.shared_array import SharedArray, np_mp_array
from rlpyt.utils.synchronize import RWLock

_COUNTERS = ("t", "_total_T", "_valid_high")


class _SharedCounter:
    """A buffer's integer attribute stored in its shared counter array."""

    def __init__(self, index: int) -> None:
        self.index = index

    def __get__(self, obj, objtype=None):
        if obj is None:
            return self
        return int(_counters(obj)[self.index])

    def __set__(self, obj, value: int) -> None:
        _counters(obj)[self.index] = value


def _counters(buffer_) -> np.ndarray:
    counters = buffer_.__dict__.get("_shared_counters")
    if counters is None:
        counters = buffer_.__dict__["_shared_counters"] = np_mp_array((len(_COUNTERS),), np.int64)
    return counters


def _shared_copy(array: np.ndarray) -> SharedArray:
    shared = np_mp_array(array.shape, array.dtype)
    np.copyto(shared, array)
    return shared


def _replace_path(owner, path: list[str], value):
    """``owner`` with the attribute (or namedtuple field) at ``path`` set to
    ``value``; namedtuples are rebuilt, other objects changed in place."""
    name = path[0]
    if len(path) > 1:
        value = _replace_path(getattr(owner, name) if not name.isdigit() else owner[int(name)], path[1:], value)
    if is_namedtuple(owner):
        return owner._replace(**{name: value})
    if isinstance(owner, tuple):
        return tuple(value if i == int(name) else v for i, v in enumerate(owner))
    setattr(owner, name, value)
    return owner


class AsyncReplayBufferMixin:
    """Mixin (first among the bases) that puts a replay buffer in shared
    memory with a reader-writer lock; see the module docstring.

    ``lock_abort`` is a flag (``rlpyt.utils.synchronize.SharedFlag``) that the run's
    supervisor sets when a process fails, so no wait on the lock outlives
    the run; ``final_observation_capacity`` bounds the truncations held at
    once (default: one per 8 stored steps).
    """

    t = _SharedCounter(0)
    _total_T = _SharedCounter(1)
    _valid_high = _SharedCounter(2)

    def __init__(self, *args, lock_abort=None, final_observation_capacity: int | None = None,
            **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.samples_version = np.zeros(self.T, dtype=np.int64)
        self.share_arrays()
        if self.time_limit:
            shape, dtype = self._final_observation_layout()
            capacity = final_observation_capacity or max(self.B, self.size // 8)
            pending = self.__dict__.pop("_final_pending", {})
            self.__dict__["_final_table"] = SharedFinalObservations(capacity, shape, dtype)
            self._final_table.replace_all(pending)
        self.rw_lock = RWLock(abort=lock_abort)
        self._sampled_versions = []

    def share_arrays(self) -> None:
        """Move every array of ``_checkpoint_arrays()`` into shared memory;
        raise naming an array attribute that the list leaves out."""
        for name, array in self._checkpoint_arrays().items():
            if not isinstance(array, SharedArray):
                path = name.split(".")
                _replace_path(self, path, _shared_copy(array))
        for name, value in vars(self).items():
            if isinstance(value, np.ndarray) and not isinstance(value, SharedArray):
                raise TypeError(f"{type(self).__name__}: array attribute {name!r} is not in "
                    f"_checkpoint_arrays(), so it cannot be shared between processes; add it there")

    @property
    def _final_observation(self):
        table = self.__dict__.get("_final_table")
        return self.__dict__.setdefault("_final_pending", {}) if table is None else table

    @_final_observation.setter
    def _final_observation(self, mapping) -> None:
        table = self.__dict__.get("_final_table")
        if table is None:
            self.__dict__["_final_pending"] = dict(mapping)
        elif mapping is not table:
            table.replace_all(mapping)

    def append_samples(self, samples, version: int = 0) -> None:
        """Append under the write lock, recording the rows' parameter ``version``."""
        with self.rw_lock.write_lock():
            before = self._total_T
            super().append_samples(samples)
            T = self._total_T - before  # (samples may be wrapped, e.g. with input priorities)
            self.samples_version[(self.t - T + np.arange(T)) % self.T] = version

    def sample_batch(self, batch_size: int):
        """Sample under the read lock."""
        with self.rw_lock.read_lock():
            return super().sample_batch(batch_size)

    def iter_batches(self, batch_size: int, n: int) -> Iterator:
        """One ``sample_batch`` (under its read lock) each time the loop asks:
        the sampler process appends between two batches."""
        return BaseReplayBuffer.iter_batches(self, batch_size, n)

    def update_batch_priorities(self, priorities) -> None:
        """Write the priorities under the write lock (appends write the tree too)."""
        with self.rw_lock.write_lock():
            super().update_batch_priorities(priorities)

    def extract_batch(self, T_idxs, B_idxs):
        """Also record the mean parameter version of the batch's transitions."""
        rows = np.asarray(T_idxs) % self.T
        self._sampled_versions.append(float(self.samples_version[rows].mean()))
        return super().extract_batch(T_idxs, B_idxs)

    def release(self) -> None:
        """Remove the lock's semaphores from /dev/shm (it keeps working; see
        ``rlpyt.utils.synchronize.release_semaphores``)."""
        self.rw_lock.release()

    def pop_sampled_versions(self) -> list[float]:
        """Mean parameter version of each batch sampled since the last call."""
        versions, self._sampled_versions = self._sampled_versions, []
        return versions

    def _checkpoint_arrays(self) -> dict[str, np.ndarray]:
        """The buffer's arrays and ``samples_version``."""
        arrays = super()._checkpoint_arrays()
        if "samples_version" in self.__dict__:
            arrays["samples_version"] = self.samples_version
        return arrays

    def __getstate__(self) -> dict:
        state = dict(self.__dict__)
        state["_sampled_versions"] = []
        return state


def async_replay_class(cls: type) -> type:
    """The shared-memory version of replay buffer class ``cls``: ``cls``
    itself if it is one, else ``Async<name>`` from ``cls``'s module (rlpyt's
    names, e.g. ``AsyncUniformReplayBuffer``)."""
    if issubclass(cls, AsyncReplayBufferMixin):
        return cls
    async_cls = getattr(sys.modules[cls.__module__], "Async" + cls.__name__, None)
    if async_cls is None or not issubclass(async_cls, AsyncReplayBufferMixin):
        raise TypeError(f"{cls.__name__} has no shared-memory version Async{cls.__name__} in "
            f"{cls.__module__}; give the algorithm a ReplayBufferCls built on AsyncReplayBufferMixin")
    return async_cls
