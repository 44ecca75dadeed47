"""MLP models for Q-function policy-gradient agents: a deterministic policy
(``MuMlpModel``), a Gaussian policy (``PiMlpModel``) and a Q-function of an
observation and an action (``QofMuMlpModel``).

Actions seen by these models are normalized to [-1, 1] (the agents scale
them to the environment's bounds)."""
from __future__ import annotations

from typing import Sequence

import numpy as np
import torch

from rlpyt.models.mlp import MlpModel
from rlpyt.utils.tensor import infer_leading_dims, restore_leading_dims


class _ObservationMlp(torch.nn.Module):
    """An MLP on the flattened observation, keeping its leading dims."""

    def __init__(self, observation_shape: Sequence[int], hidden_sizes: Sequence[int], output_size: int,
            extra_input_size: int = 0) -> None:
        super().__init__()
        self._obs_ndim = len(observation_shape)
        self.mlp = MlpModel(int(np.prod(observation_shape)) + extra_input_size, hidden_sizes, output_size)

    def _mlp_forward(self, observation: torch.Tensor, extra: torch.Tensor | None = None):
        lead_dim, T, B, _ = infer_leading_dims(observation, self._obs_ndim)
        x = observation.reshape(T * B, -1).float()
        if extra is not None:
            x = torch.cat([x, extra.reshape(T * B, -1).to(x.dtype)], dim=-1)
        return self.mlp(x), lead_dim, T, B


class MuMlpModel(_ObservationMlp):
    """Deterministic policy: ``forward(observation, prev_action, prev_reward)``
    returns ``output_max * tanh(mlp(observation))`` of width ``action_size``."""

    def __init__(self, observation_shape: Sequence[int], hidden_sizes: Sequence[int], action_size: int,
            output_max: float = 1.0) -> None:
        super().__init__(observation_shape, hidden_sizes, action_size)
        self.output_max = output_max

    def forward(self, observation, prev_action, prev_reward) -> torch.Tensor:
        """The action mu [..., action_size]."""
        out, lead_dim, T, B = self._mlp_forward(observation)
        return restore_leading_dims(self.output_max * torch.tanh(out), lead_dim, T, B)


class PiMlpModel(_ObservationMlp):
    """Gaussian policy: ``forward(observation, prev_action, prev_reward)``
    returns ``(mu, log_std)``, each [..., action_size] (SAC squashes the
    Gaussian through tanh in its distribution)."""

    def __init__(self, observation_shape: Sequence[int], hidden_sizes: Sequence[int], action_size: int) -> None:
        super().__init__(observation_shape, hidden_sizes, 2 * action_size)
        self.action_size = action_size

    def forward(self, observation, prev_action, prev_reward) -> tuple[torch.Tensor, torch.Tensor]:
        """Mean and log standard deviation of the pre-squash Gaussian."""
        out, lead_dim, T, B = self._mlp_forward(observation)
        mu, log_std = out[:, :self.action_size], out[:, self.action_size:]
        return restore_leading_dims((mu, log_std), lead_dim, T, B)


class QofMuMlpModel(_ObservationMlp):
    """Q-function: ``forward(observation, prev_action, prev_reward, action)``
    returns Q [...] of the observation concatenated with the action."""

    def __init__(self, observation_shape: Sequence[int], hidden_sizes: Sequence[int], action_size: int) -> None:
        super().__init__(observation_shape, hidden_sizes, 1, extra_input_size=action_size)

    def forward(self, observation, prev_action, prev_reward, action) -> torch.Tensor:
        """Q(observation, action)."""
        out, lead_dim, T, B = self._mlp_forward(observation, action)
        return restore_leading_dims(out.squeeze(-1), lead_dim, T, B)
