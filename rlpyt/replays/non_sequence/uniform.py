"""Uniform sampling over the valid transitions of a replay buffer."""
from __future__ import annotations

from typing import Iterator

import numpy as np

from rlpyt.replays.async_ import AsyncReplayBufferMixin
from rlpyt.replays.non_sequence.n_step import NStepReturnBuffer
from rlpyt.utils.buffer import numpify_buffer, torchify_buffer


class UniformReplay:
    """Mixin: draws ``batch_size`` (time, env) indexes uniformly among the
    transitions whose n-step window and next observation are stored and
    that are ``samplable`` (no waiting environment's idle step).

    Draws from the valid range and redraws the entries that are not
    samplable, up to ``max_redraws`` rounds, then draws the rest from the
    list of samplable entries; with every step valid the first draw is kept,
    so the random numbers are those of plain uniform sampling.
    """

    max_redraws = 8
    extract_group = 8
    """Batches ``iter_batches`` extracts at once."""

    def sample_batch(self, batch_size: int):
        """A uniformly drawn ``SamplesFromReplay`` batch (torch tensors)."""
        T_idxs, B_idxs = self.sample_idxs(batch_size)
        return self.extract_batch(T_idxs, B_idxs)

    def iter_batches(self, batch_size: int, n: int) -> Iterator:
        """The batches of ``n`` successive ``sample_batch`` calls, equal to
        them (the same draws in the same order: a uniform draw does not
        depend on the updates between two batches), extracted
        ``extract_group`` at a time and handed out as views. Between two
        gradient updates, whose memory traffic leaves this code and the
        buffer's arrays out of the CPU's caches, one gather of a group costs
        about what one batch's did (benchmarks/update_speed.py). Each
        batch's tensors start their own storage (views made in numpy, then
        wrapped), as ``sample_batch``'s do: a compiled update specializes
        on a storage offset of zero and would compile a second graph for
        the other batches of a group."""
        for start in range(0, n, self.extract_group):
            k = min(self.extract_group, n - start)
            idxs = [self.sample_idxs(batch_size) for _ in range(k)]
            group = numpify_buffer(self.extract_batch(np.concatenate([T for T, _ in idxs]),
                np.concatenate([B for _, B in idxs])))
            for i in range(k):
                yield torchify_buffer(group[i * batch_size:(i + 1) * batch_size])

    def sample_idxs(self, batch_size: int) -> tuple[np.ndarray, np.ndarray]:
        """``(T_idxs, B_idxs)`` drawn uniformly from the samplable entries of
        the valid range."""
        low, high = self.valid_range()
        if high <= low:
            raise ValueError(f"{type(self).__name__}.sample_batch: not enough samples stored yet "
                f"(need more than n_step_return={self.n_step_return} time steps); "
                f"raise the algorithm's min_steps_learn")
        T_idxs = np.random.randint(low, high, size=batch_size) % self.T
        B_idxs = np.random.randint(0, self.B, size=batch_size)
        redraw = ~self.samplable(T_idxs, B_idxs)
        for _ in range(self.max_redraws):
            if not redraw.any():
                return T_idxs, B_idxs
            k = int(redraw.sum())
            T_idxs[redraw] = np.random.randint(low, high, size=k) % self.T
            B_idxs[redraw] = np.random.randint(0, self.B, size=k)
            redraw[redraw] = ~self.samplable(T_idxs[redraw], B_idxs[redraw])
        if redraw.any():
            T_all, B_all = self.samplable_idxs()
            if len(T_all) == 0:
                raise ValueError(f"{type(self).__name__}.sample_batch: no samplable transitions "
                    f"stored yet (every stored step is invalid or lacks its n-step window); "
                    f"raise the algorithm's min_steps_learn")
            pick = np.random.randint(0, len(T_all), size=int(redraw.sum()))
            T_idxs[redraw], B_idxs[redraw] = T_all[pick], B_all[pick]
        return T_idxs, B_idxs


class UniformReplayBuffer(UniformReplay, NStepReturnBuffer):
    """n-step replay buffer with uniform sampling (see ``BaseNStepReturnBuffer``)."""


class AsyncUniformReplayBuffer(AsyncReplayBufferMixin, UniformReplayBuffer):
    """``UniformReplayBuffer`` in shared memory, for AsyncRl (see ``rlpyt.replays.async_``)."""
