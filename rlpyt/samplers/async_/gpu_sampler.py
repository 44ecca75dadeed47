"""AsyncGpuSampler: the GpuSampler in AsyncRl's sampler process."""
from __future__ import annotations

from rlpyt.samplers.async_.base import AsyncSamplerMixin
from rlpyt.samplers.parallel.gpu.sampler import GpuSampler


class AsyncGpuSampler(AsyncSamplerMixin, GpuSampler):
    """The sampler process selects actions for all environments at once, on
    the sampler affinity's GPU (``cuda_idx``; the CPU without one), while
    worker processes step the environments."""

    acts_on_device = True
