"""What R2D1 stores of a sampler batch: the replay samples with the agent's
recurrent state and, with input priorities, per-step |TD errors| from the
Q-values the agent acted on.

Module-level functions, so that AsyncRl's sampler process (which has no
algorithm) does the same conversion as the synchronous runners
(``R2D1.samples_to_buffer_function``).
"""
from __future__ import annotations

import torch

from rlpyt.algos.dqn.value_scale import inv_value_rescale, value_rescale
from rlpyt.algos.utils import discount_return_n_step
from rlpyt.replays.samples import SamplesToBuffer, SamplesToBufferTl, wait_valid, with_valid
from rlpyt.replays.samples import samples_to_buffer as plain_samples_to_buffer
from rlpyt.replays.sequence.n_step import PrioritiesSamplesToBuffer
from rlpyt.utils.buffer import torchify_buffer
from rlpyt.utils.collections import namedarraytuple
from rlpyt.utils.tensor import select_at_indexes

SamplesToBufferRnn = namedarraytuple("SamplesToBufferRnn", SamplesToBuffer._fields + ("prev_rnn_state",))
SamplesToBufferRnnTl = namedarraytuple("SamplesToBufferRnnTl", SamplesToBufferTl._fields + ("prev_rnn_state",))


def with_rnn_state(samples, prev_rnn_state):
    """``samples`` (``SamplesToBuffer[Tl]``) with the field ``prev_rnn_state``."""
    RnnCls = SamplesToBufferRnnTl if isinstance(samples, SamplesToBufferTl) else SamplesToBufferRnn
    return RnnCls(*samples, prev_rnn_state=prev_rnn_state)


@torch.no_grad()
def sampling_td_errors(samples, n_step_return: int, discount: float, value_scale_eps: float,
        delta_clip: float | None) -> torch.Tensor:
    """Per-step |TD errors| [T, B] of a sampler batch from the Q-values the
    agent acted on (``agent_info.q``): n-step targets inside the batch under
    the value rescaling, a done ends a window; nan for the last
    ``n_step_return`` steps, whose targets lie beyond the batch."""
    samples = torchify_buffer(samples)
    q = samples.agent.agent_info.q.float()
    reward, done, n = samples.env.reward.float(), samples.env.done, n_step_return
    td = torch.full(reward.shape, float("nan"))
    m = len(reward) - n
    if m > 0:
        return_, done_n = discount_return_n_step(reward, done, n, discount)
        bootstrap = (1 - done_n[:m].float()) * discount ** n
        next_value = inv_value_rescale(q[n:].max(dim=-1).values, value_scale_eps)
        y = value_rescale(return_[:m] + bootstrap * next_value, value_scale_eps)
        delta = (y - select_at_indexes(samples.agent.action[:m], q[:m])).abs()
        td[:m] = delta if delta_clip is None else delta.clamp(max=delta_clip)
    return td


def r2d1_samples_to_buffer(samples, mid_batch_reset: bool, store_rnn_state: bool,
        input_priorities: dict | None = None):
    """The replay samples of a sampler batch: with ``store_rnn_state`` the
    agent's ``prev_rnn_state``, the validity mask of waiting environments
    (``mid_batch_reset`` False) and, given ``input_priorities`` (the keyword
    arguments of ``sampling_td_errors`` but ``samples``), wrapped with the
    per-step priorities in ``PrioritiesSamplesToBuffer``."""
    stored = plain_samples_to_buffer(samples)
    if store_rnn_state:
        stored = with_rnn_state(stored, samples.agent.agent_info.prev_rnn_state)
    stored = with_valid(stored, wait_valid(samples.env.done, mid_batch_reset))
    if input_priorities is None:
        return stored
    return PrioritiesSamplesToBuffer(priorities=sampling_td_errors(samples, **input_priorities), samples=stored)
