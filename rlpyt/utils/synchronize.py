"""A reader-writer lock across processes that never leaves a waiter hanging.

Built from a multiprocessing Lock and a shared counter array (no transport
of its own). Every wait polls an ``abort`` flag (:class:`SharedFlag`): when a process
dies while holding the lock (SIGKILL), whoever supervises it sets the flag
and every waiter raises :class:`LockAborted` within one poll instead of
waiting forever.
"""
from __future__ import annotations

import contextlib
import multiprocessing as mp
import multiprocessing.synchronize as mp_synchronize
import multiprocessing.util as mp_util
import time
from typing import Iterator

POLL_S = 0.1
_MAX_SLEEP_S = 0.001
_READERS, _WRITING, _WRITERS_WAITING = 0, 1, 2


def _semaphore_names(obj, seen: set) -> set:
    """Names of the named semaphores inside a multiprocessing lock, condition,
    event or semaphore (and the objects it holds)."""
    if id(obj) in seen:
        return set()
    seen.add(id(obj))
    if isinstance(obj, mp_synchronize.SemLock):
        return {obj._semlock.name} - {None}
    names = set()
    for value in getattr(obj, "__dict__", {}).values():
        if isinstance(value, (mp_synchronize.SemLock, mp_synchronize.Condition, mp_synchronize.Event,
                mp_synchronize.Barrier)):
            names |= _semaphore_names(value, seen)
    return names


def release_semaphores(*objects) -> None:
    """Remove the named semaphores of ``objects`` (multiprocessing locks,
    conditions, events, or objects holding them) from /dev/shm now, by
    running the clean-up multiprocessing registered for their collection:
    whoever holds them keeps using them, and nothing is left behind however
    long the objects live on."""
    names = set()
    for obj in objects:
        names |= _semaphore_names(obj, set())
    for finalizer in list(mp_util._finalizer_registry.values()):
        args = getattr(finalizer, "_args", None)
        if args and args[0] in names and getattr(finalizer, "_callback", None) is mp_synchronize.SemLock._cleanup:
            finalizer()


class SharedFlag:
    """A boolean in shared memory with an Event's ``set`` / ``is_set``, but
    no lock: a process killed while reading or setting it leaves nothing
    held (a multiprocessing Event's condition would stay locked)."""

    def __init__(self, context=None) -> None:
        context = context or mp.get_context("spawn")
        self._value = context.RawValue("b", 0)

    def set(self) -> None:
        """Raise the flag."""
        self._value.value = 1

    def is_set(self) -> bool:
        """Whether the flag is raised."""
        return bool(self._value.value)


class LockAborted(RuntimeError):
    """A wait on a shared lock was given up because the run is aborting."""


class RWLock:
    """Many readers or one writer; a waiting writer goes before new readers
    (so a steady stream of reads cannot starve appends).

    The lock's state (readers, writing, writers waiting) is a shared array
    changed under a multiprocessing Lock; waiters poll it with short sleeps
    (no Condition: a process killed inside a condition's bookkeeping would
    leave the others blocked where no timeout reaches). Picklable only as an
    argument of a starting process (multiprocessing's rule for its locks);
    ``abort`` is a SharedFlag (or an event), or None (waits then never
    give up).
    """

    def __init__(self, context=None, abort=None) -> None:
        context = context or mp.get_context("spawn")
        self._mutex = context.Lock()
        self._state = context.RawArray("q", 3)
        self._abort = abort

    def release(self) -> None:
        """Remove the lock's semaphore from /dev/shm (it keeps working; see
        ``release_semaphores``)."""
        release_semaphores(self._mutex)

    def _check_abort(self) -> None:
        if self._abort is not None and self._abort.is_set():
            raise LockAborted("RWLock: the run is aborting (a process sharing this lock failed)")

    @contextlib.contextmanager
    def _holding(self) -> Iterator[None]:
        while not self._mutex.acquire(timeout=POLL_S):
            self._check_abort()
        try:
            yield
        finally:
            self._mutex.release()

    def _take(self, ready, take) -> None:
        """Poll until ``ready()`` holds under the mutex, then ``take()`` there."""
        sleep_s = 0.0
        while True:
            with self._holding():
                if ready():
                    take()
                    return
            self._check_abort()
            time.sleep(sleep_s)
            sleep_s = min(2 * sleep_s + 5e-5, _MAX_SLEEP_S)

    def _add(self, index: int, delta: int) -> None:
        with self._holding():
            self._state[index] += delta

    @contextlib.contextmanager
    def read_lock(self) -> Iterator[None]:
        """Hold the lock shared with other readers."""
        state = self._state
        self._take(lambda: not state[_WRITING] and not state[_WRITERS_WAITING],
            lambda: state.__setitem__(_READERS, state[_READERS] + 1))
        try:
            yield
        finally:
            self._add(_READERS, -1)

    @contextlib.contextmanager
    def write_lock(self) -> Iterator[None]:
        """Hold the lock alone."""
        state = self._state
        self._add(_WRITERS_WAITING, 1)
        try:
            self._take(lambda: not state[_WRITING] and state[_READERS] == 0,
                lambda: state.__setitem__(_WRITING, 1))
        finally:
            self._add(_WRITERS_WAITING, -1)
        try:
            yield
        finally:
            with self._holding():
                state[_WRITING] = 0
