"""Running a recurrent Q-model over replayed [T, B] sequences that cross
episode boundaries."""
from __future__ import annotations

import torch

from rlpyt.utils.buffer import buffer_func


def zero_where(rnn_state, reset: torch.Tensor):
    """``rnn_state`` (leaves [N, B, H]) with environment b's part zeroed
    where ``reset[b]``; None (zeros) stays None."""
    if rnn_state is None:
        return None
    keep = torch.logical_not(reset)
    return buffer_func(rnn_state, lambda s: s * keep.to(device=s.device, dtype=s.dtype).view(1, -1, *([1] * (s.dim() - 2))))


def q_over_sequence(model, inputs: tuple, init_rnn_state, reset: torch.Tensor, final=None) -> tuple:
    """``(q [T, B, A], final_q [K, A] or None, next_rnn_state)`` of ``model``
    over [T, B] ``inputs`` (observation, prev_action, prev_reward) from
    ``init_rnn_state``.

    Environment b's state is zeroed before step t where ``reset[t, b]`` (the
    environment restarted after step t - 1), as the sampler's ``reset_one``
    did; the model runs once per stretch between such steps. ``final``
    ``(step, env, observation, prev_action, prev_reward)``, with [K] leading
    dims, asks for the Q-values of K true final observations of time-limit
    truncations: entry k is evaluated one step on from the state after step
    ``step[k]`` of environment ``env[k]``, before the reset that follows it.
    """
    T = reset.shape[0]
    splits = (torch.nonzero(reset[1:].flatten(1).any(dim=1)).flatten() + 1).tolist()
    bounds = [0, *splits, T]
    final_q = None
    pieces, state = [], zero_where(init_rnn_state, reset[0])
    for t0, t1 in zip(bounds[:-1], bounds[1:]):
        if t0 > 0:
            final_q = _final_q(model, final, final_q, t0 - 1, state)
            state = zero_where(state, reset[t0])
        q, state = model(*[x[t0:t1] for x in inputs], state)
        pieces.append(q)
    final_q = _final_q(model, final, final_q, T - 1, state)
    return torch.cat(pieces, dim=0), final_q, state


def _final_q(model, final, final_q, t: int, state):
    """Fill the entries of ``final`` at step ``t`` from ``state`` (the state after step t)."""
    if final is None:
        return None
    step, env, *final_inputs = final
    at = torch.nonzero(step == t).flatten()
    if len(at) == 0:
        return final_q
    env_at = env[at]
    q, _ = model(*[x[at] for x in final_inputs], buffer_func(state, lambda s: s[:, env_at]))
    if final_q is None:
        final_q = q.new_zeros((len(step),) + q.shape[1:])
    final_q = final_q.index_copy(0, at, q)
    return final_q
