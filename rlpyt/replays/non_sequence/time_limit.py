"""Replay buffers that require time-limit information.

Every n-step buffer handles time limits when its samples carry ``timeout``
(see ``BaseNStepReturnBuffer``); these variants make it a requirement, so that
a configuration which forgot the field fails at construction instead of
silently treating truncations as terminal.
"""
from __future__ import annotations

from rlpyt.replays.async_ import AsyncReplayBufferMixin
from rlpyt.replays.non_sequence.prioritized import PrioritizedReplayBuffer
from rlpyt.replays.non_sequence.uniform import UniformReplayBuffer


class TimeLimitRequired:
    """Mixin: the example must have a ``timeout`` field."""

    def __init__(self, example, **kwargs) -> None:
        if getattr(example, "timeout", None) is None:
            raise ValueError(f"{type(self).__name__}: example must have a 'timeout' field "
                f"(e.g. SamplesToBufferTl), got {type(example).__name__}")
        super().__init__(example=example, **kwargs)


class TlUniformReplayBuffer(TimeLimitRequired, UniformReplayBuffer):
    """Uniform n-step buffer that bootstraps through time-limit truncations."""


class TlPrioritizedReplayBuffer(TimeLimitRequired, PrioritizedReplayBuffer):
    """Prioritized n-step buffer that bootstraps through time-limit truncations."""


class AsyncTlUniformReplayBuffer(AsyncReplayBufferMixin, TlUniformReplayBuffer):
    """``TlUniformReplayBuffer`` in shared memory, for AsyncRl."""


class AsyncTlPrioritizedReplayBuffer(AsyncReplayBufferMixin, TlPrioritizedReplayBuffer):
    """``TlPrioritizedReplayBuffer`` in shared memory, for AsyncRl."""
