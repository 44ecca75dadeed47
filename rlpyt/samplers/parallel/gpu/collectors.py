"""rlpyt's names for the GpuSampler's collectors.

``GpuResetCollector`` is ``rlpyt.samplers.collectors.ResetCollector`` and
``GpuWaitResetCollector`` is ``rlpyt.samplers.collectors.WaitResetCollector``
(the same classes, not subclasses), which every sampler uses.
"""
from rlpyt.samplers.collectors import ResetCollector, WaitResetCollector

GpuResetCollector = ResetCollector
GpuWaitResetCollector = WaitResetCollector
