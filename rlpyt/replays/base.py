"""The replay buffer interface."""
from __future__ import annotations


class BaseReplayBuffer:
    """Stores [T, B] batches of samples and returns training batches from them."""

    def append_samples(self, samples) -> None:
        """Add a [T, B] batch (a namedarraytuple of numpy arrays or torch tensors)."""
        raise NotImplementedError

    def sample_batch(self, batch_size: int):
        """A training batch of ``batch_size`` transitions (torch tensors)."""
        raise NotImplementedError
