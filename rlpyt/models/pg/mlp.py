"""Policy-gradient models for vector observations: separate policy and value MLPs."""
from __future__ import annotations

import math
from typing import Sequence

import numpy as np
import torch
import torch.nn.functional as F

from rlpyt.models.mlp import MlpModel
from rlpyt.models.utils import last_linear, orthogonal_init
from rlpyt.utils.tensor import infer_leading_dims, restore_leading_dims


class _PgMlpBase(torch.nn.Module):
    """Flattens the observation and runs a policy MLP and a value MLP on it.

    Orthogonal initialisation (small policy output gain) is the choice that
    PPO implementations settled on; it matters for stable early learning.
    """

    def __init__(self, observation_shape: Sequence[int], policy_output_size: int,
            hidden_sizes: Sequence[int], hidden_nonlinearity) -> None:
        super().__init__()
        self._obs_ndim = len(observation_shape)
        input_size = int(np.prod(observation_shape))
        self.pi = MlpModel(input_size, hidden_sizes, policy_output_size, hidden_nonlinearity)
        self.v = MlpModel(input_size, hidden_sizes, 1, hidden_nonlinearity)
        orthogonal_init(self)
        orthogonal_init(last_linear(self.pi), gain=0.01)
        orthogonal_init(last_linear(self.v), gain=1.0)

    def _flat(self, observation: torch.Tensor):
        lead_dim, T, B, _ = infer_leading_dims(observation, self._obs_ndim)
        return observation.reshape(T * B, -1).float(), lead_dim, T, B


class CategoricalPgMlpModel(_PgMlpBase):
    """``forward`` returns ``(pi, value)``: action probabilities and state value."""

    uses_prev_action = False  # forward ignores prev_action: agents skip its one-hot (model_reads_prev_action)

    def __init__(self, observation_shape: Sequence[int], action_size: int,
            hidden_sizes: Sequence[int] = (64, 64), hidden_nonlinearity=torch.nn.Tanh) -> None:
        super().__init__(observation_shape, action_size, hidden_sizes, hidden_nonlinearity)

    def forward(self, observation, prev_action, prev_reward):
        """Leading dims [], [B] or [T, B] of the observation are kept."""
        obs, lead_dim, T, B = self._flat(observation)
        pi = F.softmax(self.pi(obs), dim=-1)
        value = self.v(obs).squeeze(-1)
        return restore_leading_dims((pi, value), lead_dim, T, B)


class GaussianPgMlpModel(_PgMlpBase):
    """``forward`` returns ``(mu, log_std, value)``; log_std is a learned
    state-independent parameter."""

    def __init__(self, observation_shape: Sequence[int], action_size: int,
            hidden_sizes: Sequence[int] = (64, 64), hidden_nonlinearity=torch.nn.Tanh,
            init_log_std: float = 0.0) -> None:
        super().__init__(observation_shape, action_size, hidden_sizes, hidden_nonlinearity)
        if not math.isfinite(init_log_std):
            raise ValueError(f"GaussianPgMlpModel: init_log_std must be finite, got {init_log_std}")
        self.log_std = torch.nn.Parameter(torch.full((action_size,), float(init_log_std)))

    def forward(self, observation, prev_action, prev_reward):
        """Leading dims [], [B] or [T, B] of the observation are kept."""
        obs, lead_dim, T, B = self._flat(observation)
        mu = self.pi(obs)
        value = self.v(obs).squeeze(-1)
        return restore_leading_dims((mu, self.log_std_rows(len(mu)), value), lead_dim, T, B)

    def log_std_rows(self, n: int) -> torch.Tensor:
        """``log_std`` for ``n`` rows, as a copy (a view would require grad
        under no_grad), expanded then copied: fewer operations than ``repeat``."""
        return self.log_std.expand(n, -1).clone()
