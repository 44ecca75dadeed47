"""What off-policy algorithms store in replay buffers, built from the sampler's samples."""
from __future__ import annotations

from rlpyt.utils.collections import namedarraytuple

SamplesToBuffer = namedarraytuple("SamplesToBuffer", ["observation", "action", "reward", "done"])
SamplesToBufferTl = namedarraytuple("SamplesToBufferTl",
    ["observation", "action", "reward", "done", "timeout", "final_observation"])
"""With time limits: ``timeout`` marks truncations and ``final_observation``
(valid where done) holds the observation returned at them."""


def buffer_example(examples):
    """One step of what the buffer stores, from the sampler's ``examples``
    (an AttrDict with observation, action, reward, done, env_info); time-limit
    aware when ``env_info`` has ``timeout``."""
    fields = dict(observation=examples.observation, action=examples.action,
        reward=examples.reward, done=examples.done)
    timeout = getattr(examples.env_info, "timeout", None)
    if timeout is None:
        return SamplesToBuffer(**fields)
    return SamplesToBufferTl(**fields, timeout=timeout, final_observation=None)


def samples_to_buffer(samples):
    """The [T, B] fields to append, from the sampler's ``Samples``."""
    env = samples.env
    fields = dict(observation=env.observation, action=samples.agent.action, reward=env.reward, done=env.done)
    timeout = getattr(env.env_info, "timeout", None)
    if timeout is None:
        return SamplesToBuffer(**fields)
    return SamplesToBufferTl(**fields, timeout=timeout, final_observation=env.final_observation)
