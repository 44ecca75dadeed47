"""AsyncCpuSampler: the CpuSampler in AsyncRl's sampler process."""
from __future__ import annotations

from rlpyt.samplers.async_.base import AsyncSamplerMixin
from rlpyt.samplers.parallel.cpu.sampler import CpuSampler


class AsyncCpuSampler(AsyncSamplerMixin, CpuSampler):
    """The sampler process starts CPU worker processes (spawned), each
    stepping its environments with the sampler's agent, whose model is in
    shared memory and takes the optimizer's parameters between batches."""
