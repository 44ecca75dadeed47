"""Uniform sampling over the valid transitions of a replay buffer."""
from __future__ import annotations

import numpy as np

from rlpyt.replays.non_sequence.n_step import NStepReturnBuffer


class UniformReplay:
    """Mixin: draws ``batch_size`` (time, env) indexes uniformly among the
    transitions whose n-step window and next observation are stored."""

    def sample_batch(self, batch_size: int):
        """A uniformly drawn ``SamplesFromReplay`` batch (torch tensors)."""
        T_idxs, B_idxs = self.sample_idxs(batch_size)
        return self.extract_batch(T_idxs, B_idxs)

    def sample_idxs(self, batch_size: int) -> tuple[np.ndarray, np.ndarray]:
        """``(T_idxs, B_idxs)`` drawn uniformly from the valid range."""
        low, high = self.valid_range()
        if high <= low:
            raise ValueError(f"{type(self).__name__}.sample_batch: not enough samples stored yet "
                f"(need more than n_step_return={self.n_step_return} time steps); "
                f"raise the algorithm's min_steps_learn")
        T_idxs = np.random.randint(low, high, size=batch_size) % self.T
        B_idxs = np.random.randint(0, self.B, size=batch_size)
        return T_idxs, B_idxs


class UniformReplayBuffer(UniformReplay, NStepReturnBuffer):
    """n-step replay buffer with uniform sampling (see ``BaseNStepReturnBuffer``)."""
