"""What the optimizer process and the sampler process of AsyncRl share:
counters and two flags in shared memory, and the pacing rule both obey.

Pacing keeps ``updates x batch_size / (sampled steps - min_steps_learn)`` at
``replay_ratio`` both ways: the optimizer makes its next ``updates_per_sync``
updates only once the replay buffer holds the steps they are due for, and
the sampler starts its next batch only while the steps already sampled are
no more than those due for the optimizer's next updates. One side always may
go on, so neither waits for the other forever; the sampler leads by at most
``updates_per_sync x batch_size / replay_ratio`` steps plus one batch.
"""
from __future__ import annotations

import math
import multiprocessing as mp

import numpy as np

from rlpyt.utils.shared_array import np_mp_array
from rlpyt.utils.synchronize import SharedFlag

_SAMPLED_ITRS, _SAMPLED_STEPS, _UPDATES, _SAMPLER_DONE, _START_ITR = range(5)


class Pacing:
    """The replay-ratio rule: how many updates ``steps`` sampled steps allow,
    and whether the sampler may start another batch."""

    def __init__(self, replay_ratio: float, batch_size: int, min_steps_learn: int,
            updates_per_sync: int) -> None:
        self.replay_ratio = replay_ratio
        self.batch_size = batch_size
        self.min_steps_learn = min_steps_learn
        self.updates_per_sync = updates_per_sync

    def updates_allowed(self, steps: int) -> int:
        """Updates due once ``steps`` environment steps are in the replay buffer."""
        if self.replay_ratio <= 0 or steps < self.min_steps_learn:
            return 0
        return math.floor(self.replay_ratio * (steps - self.min_steps_learn) / self.batch_size + 1e-9)

    def sampler_may_start(self, steps: int, updates: int) -> bool:
        """Whether a sampler that has sampled ``steps`` may sample more while
        the optimizer has made ``updates`` updates."""
        if self.replay_ratio <= 0:
            return True
        due = self.min_steps_learn + (updates + self.updates_per_sync) * self.batch_size / self.replay_ratio
        return steps <= due


class AsyncControl:
    """Shared counters (sampler iterations and steps appended to the replay
    buffer, optimizer updates, sampler finished, first sampler iteration)
    and the ``quit`` (the optimizer ends the run) and ``abort`` (a process
    failed: every wait gives up) flags (``SharedFlag``: lock-free, so a
    killed process leaves them usable). Passed to the sampler process as a
    ``Process`` argument."""

    def __init__(self, pacing: Pacing) -> None:
        context = mp.get_context("spawn")
        self.pacing = pacing
        self.counters = np_mp_array((5,), np.int64)
        self.quit = SharedFlag(context)
        self.abort = SharedFlag(context)

    def start_at(self, itr: int, steps: int, updates: int) -> None:
        """Before the sampler starts: the run begins (or resumes) at sampler
        iteration ``itr`` with ``steps`` sampled and ``updates`` made."""
        self.counters[_START_ITR] = itr
        self.set_sampled(itrs=itr, steps=steps)
        self.set_updates(updates)

    def _get(self, index: int) -> int:
        return int(self.counters[index])

    @property
    def start_itr(self) -> int:
        """The sampler iteration the run starts (or resumes) at."""
        return self._get(_START_ITR)

    @property
    def sampled_itrs(self) -> int:
        """Sampler batches appended to the replay buffer."""
        return self._get(_SAMPLED_ITRS)

    @property
    def sampled_steps(self) -> int:
        """Environment steps appended to the replay buffer (since the run's start)."""
        return self._get(_SAMPLED_STEPS)

    @property
    def updates(self) -> int:
        """Optimizer updates made (since the run's start)."""
        return self._get(_UPDATES)

    @property
    def sampler_done(self) -> bool:
        """Whether the sampler appended its last batch."""
        return bool(self._get(_SAMPLER_DONE))

    def set_sampled(self, itrs: int, steps: int) -> None:
        """Sampler: ``itrs`` batches, ``steps`` steps are in the replay buffer."""
        self.counters[_SAMPLED_STEPS] = steps
        self.counters[_SAMPLED_ITRS] = itrs

    def set_updates(self, updates: int) -> None:
        """Optimizer: ``updates`` updates made."""
        self.counters[_UPDATES] = updates

    def set_sampler_done(self) -> None:
        """Sampler: the last batch is in the replay buffer."""
        self.counters[_SAMPLER_DONE] = 1

    def stopping(self) -> bool:
        """Whether the run is ending (quit or abort)."""
        return self.quit.is_set() or self.abort.is_set()
