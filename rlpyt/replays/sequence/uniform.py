"""Uniform sampling of replay sequences."""
from __future__ import annotations

import numpy as np

from rlpyt.replays.async_ import AsyncReplayBufferMixin
from rlpyt.replays.sequence.n_step import SequenceNStepReturnBuffer


class UniformSequenceReplay:
    """Mixin: draws ``batch_B`` sequences uniformly among those that can be
    drawn now (``start_candidates``)."""

    def sample_batch(self, batch_B: int):
        """A ``SamplesFromReplay`` batch of ``batch_B`` sequences (torch tensors)."""
        T_idxs, B_idxs = self.sample_idxs(batch_B)
        return self.extract_batch(T_idxs, B_idxs)

    def sample_idxs(self, batch_B: int) -> tuple[np.ndarray, np.ndarray]:
        """``(T_idxs, B_idxs)``: ring rows and environments of sequence starts."""
        rows, envs = self.start_candidates()
        if len(rows) == 0:
            raise ValueError(f"{type(self).__name__}.sample_batch: no whole sequence of batch_T + "
                f"n_step_return = {self.sequence_T} valid steps stored yet; raise the algorithm's "
                f"min_steps_learn")
        pick = np.random.randint(0, len(rows), size=batch_B)
        return rows[pick], envs[pick]


class UniformSequenceReplayBuffer(UniformSequenceReplay, SequenceNStepReturnBuffer):
    """Sequence buffer with uniform sampling (see ``SequenceNStepReturnBuffer``)."""


class AsyncUniformSequenceReplayBuffer(AsyncReplayBufferMixin, UniformSequenceReplayBuffer):
    """``UniformSequenceReplayBuffer`` in shared memory (stored rnn states
    included), for AsyncRl (see ``rlpyt.replays.async_``)."""
