"""rlpyt's double-buffer collector names for the asynchronous samplers.

rlpyt's async sampler wrote each batch into one of two buffers while a
copier process moved the other into the replay buffer. Here the sampler
process appends its batch to the shared replay buffer itself, a copy that
takes a small fraction of the time to sample the batch, so one buffer
suffices: these names are the shared collectors under rlpyt's names.
"""
from rlpyt.samplers.collectors import ResetCollector, WaitResetCollector

DbCpuResetCollector = ResetCollector
DbCpuWaitResetCollector = WaitResetCollector
DbGpuResetCollector = ResetCollector
DbGpuWaitResetCollector = WaitResetCollector

__all__ = ["DbCpuResetCollector", "DbCpuWaitResetCollector", "DbGpuResetCollector", "DbGpuWaitResetCollector"]
