"""Prioritized experience replay (Schaul et al., 2016) over a sum tree."""
from __future__ import annotations

import numpy as np
import torch

from rlpyt.replays.async_ import AsyncReplayBufferMixin
from rlpyt.replays.non_sequence.n_step import NStepReturnBuffer
from rlpyt.replays.sum_tree import SumTree
from rlpyt.utils.collections import namedarraytuple

SamplesFromReplayPri = namedarraytuple("SamplesFromReplayPri",
    ["agent_inputs", "action", "return_", "done", "done_n", "target_inputs", "is_weights"])
SamplesFromReplayPriTl = namedarraytuple("SamplesFromReplayPriTl",
    ["agent_inputs", "action", "return_", "done", "done_n", "target_inputs",
     "timeout", "timeout_n", "bootstrap_steps", "is_weights"])


class PrioritizedReplay:
    """Mixin: samples transition i with probability p_i / sum p, where
    p = priority ** ``alpha``; new transitions get ``default_priority ** alpha``.

    Importance-sampling weights (N * P(i)) ** -beta are divided by the batch's
    largest. Transitions that cannot be sampled yet (their n-step window is
    incomplete), no longer (just overwritten history) or ever (not
    ``samplable``: a waiting environment's idle steps) hold priority zero.
    Call ``update_batch_priorities`` with the new priorities (e.g. absolute
    TD errors) of the last sampled batch.

    Checkpoints add the array ``priority_tree.tree``, ``beta``, the
    bookkeeping of sampleable steps and the last sampled leaves, and are
    loaded only into a buffer of the same ``alpha``.
    """

    batch_classes = (SamplesFromReplayPri, SamplesFromReplayPriTl)  # without, with time limits

    def __init__(self, alpha: float = 0.6, beta: float = 0.4, default_priority: float = 1.0,
            **kwargs) -> None:
        super().__init__(**kwargs)
        owner = type(self).__name__
        if not alpha >= 0:
            raise ValueError(f"{owner}: alpha must be >= 0, got {alpha}")
        if not default_priority > 0:
            raise ValueError(f"{owner}: default_priority must be > 0, got {default_priority}")
        self.alpha = alpha
        self.set_beta(beta)
        self.default_priority = default_priority
        self.priority_tree = SumTree(self.size)
        self._valid_high = 0  # time steps since the start below which priorities were set
        self._last_leaves = None

    def set_beta(self, beta: float) -> None:
        """Set the importance-sampling exponent (annealed by the algorithm)."""
        if not 0 <= beta <= 1:
            raise ValueError(f"{type(self).__name__}: beta must be in [0, 1], got {beta}")
        self.beta = beta

    def append_samples(self, samples) -> None:
        """Store the batch; give the newly sampleable steps the default
        priority (zero where not ``samplable``) and zero the steps that are
        not sampleable."""
        super().append_samples(samples)
        n, total = self.n_step_return, self._total_T
        new_high = total - n
        if new_high > self._valid_high:
            leaves = self._row_leaves(np.arange(self._valid_high, new_high))
            samplable = self.samplable(*np.divmod(leaves, self.B))
            self.priority_tree.update(leaves, np.where(samplable, self.default_priority ** self.alpha, 0.0))
            self._valid_high = new_high
        self.priority_tree.update(self._row_leaves(np.arange(new_high, total + self.off_forward)), 0.0)

    def _row_leaves(self, steps: np.ndarray) -> np.ndarray:
        """The leaves of every environment at the ring rows of ``steps`` (steps
        since the start; negative ones skipped)."""
        rows = np.unique(steps[steps >= 0] % self.T)
        return (rows[:, None] * self.B + np.arange(self.B)).reshape(-1)

    def sample_batch(self, batch_size: int):
        """A batch drawn by priority, with ``is_weights``."""
        if not self.priority_tree.total > 0:
            raise ValueError(f"{type(self).__name__}.sample_batch: {self.nothing_to_sample()}; raise the "
                f"algorithm's min_steps_learn")
        leaves, priorities = self.priority_tree.sample(batch_size)
        self._last_leaves = leaves
        batch = self.extract_batch(*self.leaf_steps(leaves))
        weights = (self.n_samplable() * priorities / self.priority_tree.total) ** -self.beta
        is_weights = torch.from_numpy((weights / weights.max()).astype(np.float32))
        PriCls = self.batch_classes[1] if self.time_limit else self.batch_classes[0]
        return PriCls(*batch, is_weights=is_weights)

    def nothing_to_sample(self) -> str:
        """Why no batch can be drawn yet (for the error message)."""
        return f"no sampleable transitions yet (need more than n_step_return={self.n_step_return} time steps)"

    def leaf_steps(self, leaves: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """``(T_idxs, B_idxs)`` of the stored steps that sum-tree ``leaves`` stand for."""
        return np.divmod(leaves, self.B)

    def n_samplable(self) -> int:
        """N of the importance weights (N p_i / total) ** -beta: the entries that may be drawn."""
        low, high = self.valid_range()
        return (high - low) * self.B

    def update_batch_priorities(self, priorities) -> None:
        """New priorities (before ``alpha``) for the last sampled batch."""
        if self._last_leaves is None:
            raise RuntimeError(f"{type(self).__name__}.update_batch_priorities: no batch sampled yet")
        priorities = np.asarray(priorities.detach().cpu() if isinstance(priorities, torch.Tensor)
            else priorities, dtype=np.float64)
        if priorities.shape != self._last_leaves.shape:
            raise ValueError(f"{type(self).__name__}.update_batch_priorities: got "
                f"{priorities.shape} priorities for a batch of {self._last_leaves.shape}")
        current = self.priority_tree.get(self._last_leaves)
        # a leaf made unsampleable since (overwritten) keeps priority zero
        self.priority_tree.update(self._last_leaves, np.where(current > 0, priorities ** self.alpha, 0.0))

    def _checkpoint_config(self) -> dict:
        """The base settings and ``alpha`` (the stored priorities are raised to it)."""
        return dict(super()._checkpoint_config(), alpha=float(self.alpha))

    def _checkpoint_scalars(self) -> dict:
        """The base counters, ``beta`` and the priority bookkeeping."""
        last_leaves = None if self._last_leaves is None else self._last_leaves.tolist()
        return dict(super()._checkpoint_scalars(), beta=float(self.beta), valid_high=int(self._valid_high),
            last_leaves=last_leaves)

    def _load_checkpoint_scalars(self, small: dict) -> None:
        """Restore the base counters, ``beta`` and the priority bookkeeping."""
        super()._load_checkpoint_scalars(small)
        self.set_beta(small["beta"])
        self._valid_high = int(small["valid_high"])
        last_leaves = small["last_leaves"]
        self._last_leaves = None if last_leaves is None else np.asarray(last_leaves, dtype=np.int64)

    def _checkpoint_arrays(self) -> dict[str, np.ndarray]:
        """The base buffer's arrays and the sum tree's."""
        arrays = super()._checkpoint_arrays()
        arrays["priority_tree.tree"] = self.priority_tree.tree
        return arrays


class PrioritizedReplayBuffer(PrioritizedReplay, NStepReturnBuffer):
    """n-step replay buffer with prioritized sampling."""


class AsyncPrioritizedReplayBuffer(AsyncReplayBufferMixin, PrioritizedReplayBuffer):
    """``PrioritizedReplayBuffer`` in shared memory (sum tree included), for AsyncRl."""
