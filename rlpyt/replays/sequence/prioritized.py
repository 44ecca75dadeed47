"""Prioritized replay of sequences (R2D2): one priority per sequence start."""
from __future__ import annotations

import numpy as np

from rlpyt.replays.async_ import AsyncReplayBufferMixin
from rlpyt.replays.non_sequence.prioritized import PrioritizedReplay
from rlpyt.replays.sequence.n_step import (PrioritiesSamplesToBuffer, SamplesFromReplay, SamplesFromReplayTl,
    SequenceNStepReturnBuffer)
from rlpyt.replays.sum_tree import SumTree
from rlpyt.utils.checks import check_count, check_number
from rlpyt.utils.collections import namedarraytuple

SamplesFromReplayPri = namedarraytuple("SamplesFromReplayPri", SamplesFromReplay._fields + ("is_weights",))
SamplesFromReplayPriTl = namedarraytuple("SamplesFromReplayPriTl", SamplesFromReplayTl._fields + ("is_weights",))


class PrioritizedSequenceReplay(PrioritizedReplay):
    """Mixin: draws sequence starts with probability p_i / sum p over a sum
    tree with one leaf per possible start (every ``rnn_state_interval``
    steps of each environment), p = priority ** ``alpha``.

    A start gets its priority when its whole sequence is stored: the default
    priority, or with ``input_priorities`` one made from the per-step
    priorities appended with the samples (``PrioritiesSamplesToBuffer``;
    e.g. sampling-time |TD errors|, nan where unknown) as
    ``input_priority_eta * max + (1 - input_priority_eta) * mean`` over the
    sequence's steps from ``input_priority_shift`` intervals on (the steps
    after the warmup), valid and known ones only. Starts that cannot be drawn
    (incomplete, overwritten, invalid) hold priority zero.
    ``update_batch_priorities`` takes one priority per sequence of the last
    batch. Checkpoints add ``samples_input_priority`` with input priorities.
    """

    batch_classes = (SamplesFromReplayPri, SamplesFromReplayPriTl)

    def __init__(self, alpha: float = 0.6, beta: float = 0.4, default_priority: float = 1.0,
            input_priorities: bool = False, input_priority_shift: int = 0, input_priority_eta: float = 0.9,
            **kwargs) -> None:
        super().__init__(alpha=alpha, beta=beta, default_priority=default_priority, **kwargs)
        owner = type(self).__name__
        self.input_priorities = bool(input_priorities)
        self.input_priority_shift = check_count(owner, "input_priority_shift", input_priority_shift, 0)
        check_number(owner, "input_priority_eta", input_priority_eta, 0, 1)
        self.input_priority_eta = input_priority_eta
        self.priority_tree = SumTree((self.T // self.start_interval) * self.B)
        if self.input_priorities:
            self.samples_input_priority = np.full((self.T, self.B), np.nan, dtype=np.float32)

    def append_samples(self, samples) -> None:
        """Store the batch (and its input priorities); give the starts whose
        sequences it completes their priority, and zero the starts that
        cannot be drawn."""
        if self.input_priorities:
            self._store_input_priorities(samples)
        SequenceNStepReturnBuffer.append_samples(self, samples)
        low, high = self.start_range()
        r = self.start_interval
        if high > self._valid_high:
            starts = np.arange(-(-self._valid_high // r) * r, high, r)
            starts = starts[starts >= 0]
            rows = np.repeat(starts % self.T, self.B)
            envs = np.tile(np.arange(self.B), len(starts))
            priority = np.where(self.valid_at(rows, envs), self._start_priorities(rows, envs) ** self.alpha, 0.0)
            self.priority_tree.update(self._leaves(rows, envs), priority)
            self._valid_high = high
        stale = np.arange(-(-max(high, 0) // r) * r, self._total_T + self.off_forward, r) % self.T
        self.priority_tree.update(self._leaves(np.repeat(stale, self.B), np.tile(np.arange(self.B), len(stale))), 0.0)

    def _leaves(self, rows: np.ndarray, envs: np.ndarray) -> np.ndarray:
        """Sum-tree leaves of the starts at ring rows ``rows`` of environments ``envs``."""
        return (rows // self.start_interval) * self.B + envs

    def _store_input_priorities(self, samples) -> None:
        if not isinstance(samples, PrioritiesSamplesToBuffer):
            raise ValueError(f"{type(self).__name__}.append_samples: input_priorities=True needs samples "
                f"wrapped as PrioritiesSamplesToBuffer(priorities=[T, B], samples=...)")
        priorities = np.asarray(samples.priorities, dtype=np.float32)
        T = len(samples.samples.reward)
        if priorities.shape != (T, self.B):
            raise ValueError(f"{type(self).__name__}.append_samples: priorities must be [T, B] = "
                f"{(T, self.B)}, got {priorities.shape}")
        self.samples_input_priority[(self.t + np.arange(T)) % self.T] = priorities

    def _start_priorities(self, rows: np.ndarray, envs: np.ndarray) -> np.ndarray:
        """The priority (before ``alpha``) of each start."""
        if not self.input_priorities:
            return np.full(len(rows), self.default_priority)
        offsets = np.arange(self.input_priority_shift * self.start_interval, self.batch_T)
        steps = (rows[None, :] + offsets[:, None]) % self.T
        priority = self.samples_input_priority[steps, envs]
        priority = np.where(self.valid_at(steps, envs), priority, np.nan)
        known = np.isfinite(priority)
        count = known.sum(axis=0)
        filled = np.where(known, priority, 0.0)
        mixed = (self.input_priority_eta * filled.max(axis=0, initial=0.0)
            + (1 - self.input_priority_eta) * filled.sum(axis=0) / np.maximum(count, 1))
        return np.where(count > 0, mixed, self.default_priority)

    def nothing_to_sample(self) -> str:
        """Why no batch of sequences can be drawn yet (for the error message)."""
        return (f"no whole sequence of batch_T + n_step_return = {self.sequence_T} valid steps stored "
            f"yet")

    def leaf_steps(self, leaves: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """``(T_idxs, B_idxs)`` of the sequence starts that ``leaves`` stand for."""
        start_rows, B_idxs = np.divmod(leaves, self.B)
        return start_rows * self.start_interval, B_idxs

    def n_samplable(self) -> int:
        """The sequence starts that may be drawn (nonzero leaves)."""
        return np.count_nonzero(self.priority_tree.get(np.arange(self.priority_tree.size)))

    def _checkpoint_config(self) -> dict:
        """The base settings and whether input priorities are kept."""
        return dict(super()._checkpoint_config(), input_priorities=self.input_priorities)

    def _checkpoint_arrays(self) -> dict[str, np.ndarray]:
        """The base arrays and, with input priorities, the per-step ones."""
        arrays = super()._checkpoint_arrays()
        if self.input_priorities:
            arrays["samples_input_priority"] = self.samples_input_priority
        return arrays


class PrioritizedSequenceReplayBuffer(PrioritizedSequenceReplay, SequenceNStepReturnBuffer):
    """Sequence buffer with prioritized sampling."""


class AsyncPrioritizedSequenceReplayBuffer(AsyncReplayBufferMixin, PrioritizedSequenceReplayBuffer):
    """``PrioritizedSequenceReplayBuffer`` in shared memory (sum tree, stored
    rnn states and input priorities included), for AsyncRl."""
