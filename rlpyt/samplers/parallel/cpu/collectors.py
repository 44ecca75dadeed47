"""rlpyt's names for the CpuSampler's collectors.

``CpuResetCollector`` is ``rlpyt.samplers.collectors.ResetCollector`` and
``CpuWaitResetCollector`` is ``rlpyt.samplers.collectors.WaitResetCollector``
(the same classes, not subclasses), which every sampler uses.
"""
from rlpyt.samplers.collectors import ResetCollector, WaitResetCollector

CpuResetCollector = ResetCollector
CpuWaitResetCollector = WaitResetCollector
