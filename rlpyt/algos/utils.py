"""Returns, advantages and masks over [T, B] batches (numpy arrays or torch tensors).

A time-limit truncation is not a terminal state. Where ``timeout`` is True the
step is also ``done`` (the environment resets), but the return continues past
it through the value of the true final observation, ``timeout_value``: the
reward there becomes ``reward + discount * timeout_value``. Without those
arguments every ``done`` is treated as terminal.
"""
from __future__ import annotations

import numpy as np
import torch


def _as_float(x, like):
    if isinstance(like, torch.Tensor):
        return x.to(like.dtype)
    return np.asarray(x).astype(like.dtype)


def _zeros_like(x):
    return torch.zeros_like(x) if isinstance(x, torch.Tensor) else np.zeros_like(x)


def _bootstrap_row(bootstrap_value, like_row):
    return bootstrap_value.reshape(like_row.shape)


def bootstrapped_reward(reward, discount: float, timeout=None, timeout_value=None):
    """The reward with ``discount * timeout_value`` added at truncations."""
    if timeout is None:
        return reward
    if timeout_value is None:
        raise ValueError("bootstrapped_reward: timeout given without timeout_value")
    return reward + discount * _as_float(timeout, reward) * timeout_value


def discount_return(reward, done, bootstrap_value, discount: float, return_dest=None,
        timeout=None, timeout_value=None):
    """Discounted return at every step of [T, B] data, bootstrapping with the
    value after the batch ([B] or [1, B]) where the last step is not done."""
    reward = bootstrapped_reward(reward, discount, timeout, timeout_value)
    not_done = 1 - _as_float(done, reward)
    return_ = _zeros_like(reward) if return_dest is None else return_dest
    running = _bootstrap_row(bootstrap_value, reward[-1])
    for t in reversed(range(len(reward))):
        running = reward[t] + discount * not_done[t] * running
        return_[t] = running
    return return_


def generalized_advantage_estimation(reward, value, done, bootstrap_value, discount: float,
        gae_lambda: float, advantage_dest=None, return_dest=None, timeout=None, timeout_value=None):
    """GAE(lambda) advantages and the returns ``advantage + value`` over [T, B]."""
    reward = bootstrapped_reward(reward, discount, timeout, timeout_value)
    not_done = 1 - _as_float(done, reward)
    advantage = _zeros_like(reward) if advantage_dest is None else advantage_dest
    next_value = _bootstrap_row(bootstrap_value, reward[-1])
    running = _zeros_like(reward[-1])
    for t in reversed(range(len(reward))):
        delta = reward[t] + discount * not_done[t] * next_value - value[t]
        running = delta + discount * gae_lambda * not_done[t] * running
        advantage[t] = running
        next_value = value[t]
    return_ = advantage + value
    if return_dest is not None:
        return_dest[:] = return_
        return_ = return_dest
    return advantage, return_


def valid_from_done(done):
    """1 up to and including each column's first done, 0 after it: masks the
    idle steps of environments waiting for reset at the end of a batch."""
    if isinstance(done, torch.Tensor):
        done = done.float()
        valid = torch.ones_like(done)
        valid[1:] = 1 - torch.clamp(torch.cumsum(done[:-1], dim=0), max=1)
        return valid
    done = np.asarray(done, dtype=np.float32)
    valid = np.ones_like(done)
    valid[1:] = 1 - np.clip(np.cumsum(done[:-1], axis=0), None, 1)
    return valid
