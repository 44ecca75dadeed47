"""The replay buffer interface."""
from __future__ import annotations

from typing import Iterator

import numpy as np


class BaseReplayBuffer:
    """Stores [T, B] batches of samples and returns training batches from them."""

    def append_samples(self, samples) -> None:
        """Add a [T, B] batch (a namedarraytuple of numpy arrays or torch tensors)."""
        raise NotImplementedError

    def sample_batch(self, batch_size: int):
        """A training batch of ``batch_size`` transitions (torch tensors)."""
        raise NotImplementedError

    def iter_batches(self, batch_size: int, n: int) -> Iterator:
        """The batches of ``n`` successive ``sample_batch`` calls, each drawn
        when the loop asks for it, so that what an update changes (the
        priorities it writes) shapes the next draw."""
        for _ in range(n):
            yield self.sample_batch(batch_size)

    def checkpoint_state(self) -> tuple[dict, dict[str, np.ndarray]]:
        """What a checkpoint needs to rebuild this buffer's contents exactly:
        ``(small, arrays)``, ``small`` a dict of Python values (cursor,
        counters, settings to check on load), ``arrays`` the buffer's own
        numpy arrays by dotted name (not copies: write them out before the
        buffer changes)."""
        raise NotImplementedError(f"{type(self).__name__} cannot be checkpointed")

    def load_checkpoint_state(self, small: dict, arrays: dict[str, np.ndarray]) -> None:
        """Restore what ``checkpoint_state`` returned into this buffer (built
        with the same settings), copying the arrays into its own in place;
        the arrays may be read-only memory maps."""
        raise NotImplementedError(f"{type(self).__name__} cannot be checkpointed")
