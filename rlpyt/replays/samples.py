"""What off-policy algorithms store in replay buffers, built from the sampler's samples.

**Waiting environments.** With a wait-reset collector (``mid_batch_reset``
False) an environment that is done idles until the end of the batch; its
steps after the first ``done`` of its column hold no transition. The mask of
the steps that do is made here, once, where the sampler's samples become
replay samples: ``samples_to_buffer(samples, mid_batch_reset=False)`` adds the
field ``valid`` (bool [T, B], ``valid_from_done`` of the batch's ``done``),
which every replay buffer stores as ``samples_valid`` (see
``BaseNStepReturnBuffer``). Without the field every step is valid.
"""
from __future__ import annotations

from rlpyt.algos.utils import valid_from_done
from rlpyt.utils.collections import namedarraytuple, namedarraytuple_like, picklable_namedtuple

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


def wait_valid(done, mid_batch_reset: bool):
    """Which steps of a [T, B] batch hold transitions: ``None`` (all of them)
    when the environments reset mid-batch, otherwise bool [T, B], True up to
    and including each column's first ``done`` (``valid_from_done``)."""
    if mid_batch_reset:
        return None
    return valid_from_done(done) > 0


def with_valid(samples, valid):
    """``samples`` (a namedarraytuple) with the field ``valid`` set to
    ``valid``, added (the type's name gets the suffix ``Valid``) when the type
    lacks it; ``samples`` itself when ``valid`` is None. Any replay sample
    type (R2D1's with rnn states too) carries the mask this way."""
    if valid is None:
        return samples
    if "valid" in samples._fields:
        return samples._replace(valid=valid)
    fields = samples._fields + ("valid",)
    SamplesCls = namedarraytuple_like(picklable_namedtuple(f"{type(samples).__name__}Valid", fields))
    return SamplesCls(*samples, valid)


def samples_to_buffer(samples, mid_batch_reset: bool = True):
    """The [T, B] fields to append, from the sampler's ``Samples``; with
    ``mid_batch_reset`` False (a wait-reset collector) also ``valid``, the
    mask of the steps before each waiting environment's idle ones."""
    env = samples.env
    fields = dict(observation=env.observation, action=samples.agent.action, reward=env.reward, done=env.done)
    timeout = getattr(env.env_info, "timeout", None)
    if timeout is None:
        buffer_samples = SamplesToBuffer(**fields)
    else:
        buffer_samples = SamplesToBufferTl(**fields, timeout=timeout, final_observation=env.final_observation)
    return with_valid(buffer_samples, wait_valid(env.done, mid_batch_reset))
