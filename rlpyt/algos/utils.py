"""Returns, advantages and masks over [T, B] batches (numpy arrays or torch tensors).

A time-limit truncation is not a terminal state. Where ``timeout`` is True the
step is also ``done`` (the environment resets), but the return continues past
it through the value of the true final observation, ``timeout_value``: the
reward there becomes ``reward + discount * timeout_value``. Without those
arguments every ``done`` is treated as terminal.

For users' code written against rlpyt (compatibility) the module also keeps
``discount_return_n_step`` and rlpyt's time-limit variants
``discount_return_tl`` / ``generalized_advantage_estimation_tl``, which know
no final observation: they cut the return one step before the timeout and
bootstrap there with the value at the timeout step, through the same
``timeout`` mechanism.
"""
from __future__ import annotations

import numpy as np
import torch

from rlpyt.utils.checks import check_count


def _astype_like(x, like):
    if isinstance(like, torch.Tensor):
        return x.to(like.dtype)
    return np.asarray(x).astype(like.dtype)


def _zeros_like(x):
    return torch.zeros_like(x) if isinstance(x, torch.Tensor) else np.zeros_like(x)


def _as_bool(x):
    return x.bool() if isinstance(x, torch.Tensor) else np.asarray(x, dtype=bool)


def _concatenate(arrays: list):
    if isinstance(arrays[0], torch.Tensor):
        return torch.cat(arrays)
    return np.concatenate(arrays)


def _backward_sum(x, decay, last, dest=None):
    """``out[t] = x[t] + decay[t] * out[t + 1]`` for t = T - 1 .. 0, with
    ``out[T] = last``; written into ``dest`` (or a new array like ``x``)."""
    out = _zeros_like(x) if dest is None else dest
    running = last
    for t in reversed(range(len(x))):
        running = x[t] + decay[t] * running
        out[t] = running
    return out


def _bootstrap_row(bootstrap_value, like_row):
    return bootstrap_value.reshape(like_row.shape)


def bootstrapped_reward(reward, discount: float, timeout=None, timeout_value=None):
    """The reward with ``discount * timeout_value`` added at truncations."""
    if timeout is None:
        return reward
    if timeout_value is None:
        raise ValueError("bootstrapped_reward: timeout given without timeout_value")
    return reward + discount * _astype_like(timeout, reward) * timeout_value


def discount_return(reward, done, bootstrap_value, discount: float, return_dest=None,
        timeout=None, timeout_value=None):
    """Discounted return at every step of [T, B] data, bootstrapping with the
    value after the batch ([B] or [1, B]) where the last step is not done."""
    reward = bootstrapped_reward(reward, discount, timeout, timeout_value)
    decay = discount * (1 - _astype_like(done, reward))
    return _backward_sum(reward, decay, _bootstrap_row(bootstrap_value, reward[-1]), return_dest)


def generalized_advantage_estimation(reward, value, done, bootstrap_value, discount: float,
        gae_lambda: float, advantage_dest=None, return_dest=None, timeout=None, timeout_value=None):
    """GAE(lambda) advantages and the returns ``advantage + value`` over [T, B]."""
    reward = bootstrapped_reward(reward, discount, timeout, timeout_value)
    not_done = 1 - _astype_like(done, reward)
    next_value = _concatenate([value[1:], _bootstrap_row(bootstrap_value, reward[-1])[None]])
    delta = reward + discount * not_done * next_value - value
    decay = discount * gae_lambda * not_done
    advantage = _backward_sum(delta, decay, _zeros_like(reward[-1]), advantage_dest)
    return_ = advantage + value
    if return_dest is not None:
        return_dest[:] = return_
        return_ = return_dest
    return advantage, return_


def discount_return_n_step(reward, done, n_step: int, discount: float, return_dest=None,
        done_n_dest=None, do_truncated: bool = False):
    """n-step discounted returns over [T, B] data, as rlpyt's n-step algorithms
    used them (compatibility): ``(return_, done_n)``.

    ``return_[t]`` sums ``discount ** k * reward[t + k]`` for k < ``n_step``,
    stopping after the first done; ``done_n[t]`` (``done``'s dtype) is True
    when any of ``done[t:t + n_step]`` is, i.e. the caller must not bootstrap.
    Without ``do_truncated`` only the T - n_step + 1 steps with a full window
    are returned; with it all T, the windows cut at the end of the batch.
    """
    n_step = check_count("discount_return_n_step", "n_step", n_step, low=1)
    length = len(reward) if do_truncated else max(len(reward) - n_step + 1, 0)
    not_done = 1 - _astype_like(done, reward)
    return_ = _zeros_like(reward[:length]) if return_dest is None else return_dest
    return_[:] = reward[:length]
    alive = _zeros_like(return_)
    alive[:] = not_done[:length]
    for k in range(1, n_step):
        rows = min(length, len(reward) - k)
        return_[:rows] += discount ** k * reward[k:k + rows] * alive[:rows]
        alive[:rows] = alive[:rows] * not_done[k:k + rows]
    done_n = _zeros_like(done[:length]) if done_n_dest is None else done_n_dest
    done_n[:] = _astype_like(1 - alive, done)
    return return_, done_n


def _cut_before_timeouts(done, timeout, value):
    """rlpyt's time-limit convention in this module's terms: where step t + 1
    is a timeout, step t becomes a truncation (``done`` and ``timeout``) whose
    final value is ``value[t + 1]``. Returns ``(done, timeout, timeout_value)``.

    A timeout right after a termination (a new episode cut after one step)
    moves nothing: the terminated step stays terminal.
    """
    done, timeout = _as_bool(done), _as_bool(timeout)
    if (timeout & ~done).any():
        raise ValueError("time-limit returns: every timeout step must also be done")
    cut = _zeros_like(timeout)
    cut[:-1] = timeout[1:] & ~done[:-1]
    value_after = _zeros_like(value)
    value_after[:-1] = value[1:]
    return done | cut, cut, value_after


def discount_return_tl(reward, done, bootstrap_value, discount: float, timeout, value,
        return_dest=None):
    """rlpyt's ``discount_return_tl`` (compatibility): discounted returns whose
    sum stops before each ``timeout`` step and bootstraps with ``value`` there.

    The timeout step itself has no next state, so it is returned as terminal
    and must be masked out of training (``valid *= 1 - timeout``), as rlpyt
    advised; rlpyt wrote ``value`` there instead. Samplers of this project
    give the true final observation; ``discount_return`` with
    ``timeout_value`` uses it and needs no masking.
    """
    done, cut, value_after = _cut_before_timeouts(done, timeout, value)
    return discount_return(reward, done, bootstrap_value, discount, return_dest=return_dest,
        timeout=cut, timeout_value=value_after)


def generalized_advantage_estimation_tl(reward, value, done, bootstrap_value, discount: float,
        gae_lambda: float, timeout, advantage_dest=None, return_dest=None):
    """rlpyt's ``generalized_advantage_estimation_tl`` (compatibility): GAE
    advantages and returns whose sums stop before each ``timeout`` step and
    bootstrap with ``value`` there; the timeout step itself is terminal and
    must be masked out of training, as in ``discount_return_tl``."""
    done, cut, value_after = _cut_before_timeouts(done, timeout, value)
    return generalized_advantage_estimation(reward, value, done, bootstrap_value, discount,
        gae_lambda, advantage_dest=advantage_dest, return_dest=return_dest, timeout=cut,
        timeout_value=value_after)


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
