"""AsyncAlternatingSampler and AsyncNoOverlapAlternatingSampler: the
alternating GPU samplers in AsyncRl's sampler process."""
from __future__ import annotations

from rlpyt.samplers.async_.base import AsyncSamplerMixin
from rlpyt.samplers.parallel.gpu.alternating_sampler import AlternatingSampler, NoOverlapAlternatingSampler


class AsyncAlternatingSampler(AsyncSamplerMixin, AlternatingSampler):
    """Two halves of the environments alternate: one steps while the agent
    selects actions for the other, on the sampler affinity's GPU."""

    acts_on_device = True


class AsyncNoOverlapAlternatingSampler(AsyncSamplerMixin, NoOverlapAlternatingSampler):
    """The alternating sampler without overlap of the two halves (for an
    agent whose action selection must see each half's latest step)."""

    acts_on_device = True
