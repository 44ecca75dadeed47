"""rlpyt's name for the evaluation collector of the serial sampler.

``SerialEvalCollector`` is ``rlpyt.samplers.collectors.EvalCollector`` (the
same class, not a subclass), which every sampler uses.
"""
from rlpyt.samplers.collectors import EvalCollector

SerialEvalCollector = EvalCollector
