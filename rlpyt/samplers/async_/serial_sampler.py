"""AsyncSerialSampler: the serial sampler in AsyncRl's sampler process."""
from __future__ import annotations

from rlpyt.samplers.async_.base import AsyncSamplerMixin
from rlpyt.samplers.serial.sampler import SerialSampler


class AsyncSerialSampler(AsyncSamplerMixin, SerialSampler):
    """Steps ``batch_B`` environments and the agent in the sampler process,
    while the optimizer trains in the training process."""
