"""Collectors in which the agent acts in the same process as its environments
(serial sampler, CPU-parallel workers)."""
from __future__ import annotations

from rlpyt.samplers.collectors import StepCollector


class CpuResetCollector(StepCollector):
    """Resets an environment as soon as its trajectory ends (mid-batch)."""

    mid_batch_reset = True


class CpuWaitResetCollector(StepCollector):
    """Leaves a finished environment idle until the end of the batch, then
    resets it; the algorithm masks the idle steps (``valid_from_done``)."""

    mid_batch_reset = False
