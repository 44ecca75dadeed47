"""Sequence buffers for stacked frame observations that store each frame once."""
from __future__ import annotations

from rlpyt.replays.async_ import AsyncReplayBufferMixin
from rlpyt.replays.non_sequence.frame import NStepFrameBuffer
from rlpyt.replays.sequence.n_step import SequenceNStepReturnBuffer
from rlpyt.replays.sequence.prioritized import PrioritizedSequenceReplay
from rlpyt.replays.sequence.uniform import UniformSequenceReplay


class SequenceNStepFrameBuffer(SequenceNStepReturnBuffer, NStepFrameBuffer):
    """``SequenceNStepReturnBuffer`` that stores one frame per step and
    rebuilds the stacks when sampling, as ``NStepFrameBuffer`` does."""


class UniformSequenceReplayFrameBuffer(UniformSequenceReplay, SequenceNStepFrameBuffer):
    """Frame sequence buffer with uniform sampling."""


class PrioritizedSequenceReplayFrameBuffer(PrioritizedSequenceReplay, SequenceNStepFrameBuffer):
    """Frame sequence buffer with prioritized sampling."""


class AsyncUniformSequenceReplayFrameBuffer(AsyncReplayBufferMixin, UniformSequenceReplayFrameBuffer):
    """``UniformSequenceReplayFrameBuffer`` in shared memory, for AsyncRl."""


class AsyncPrioritizedSequenceReplayFrameBuffer(AsyncReplayBufferMixin, PrioritizedSequenceReplayFrameBuffer):
    """``PrioritizedSequenceReplayFrameBuffer`` in shared memory, for AsyncRl."""
