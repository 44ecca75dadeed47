"""Collectors for the GPU sampler: the agent acts in the main process on all
B environments at once; the environments step in worker processes."""
from __future__ import annotations

from rlpyt.samplers.collectors import StepCollector


class GpuResetCollector(StepCollector):
    """Resets an environment as soon as its trajectory ends (mid-batch)."""

    mid_batch_reset = True


class GpuWaitResetCollector(StepCollector):
    """Leaves a finished environment idle until the end of the batch, then
    resets it; the algorithm masks the idle steps (``valid_from_done``)."""

    mid_batch_reset = False
