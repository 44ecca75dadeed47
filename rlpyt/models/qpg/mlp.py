"""MLP models for Q-function policy-gradient agents: a deterministic policy
(``MuMlpModel``), a Gaussian policy (``PiMlpModel``) and a Q-function of an
observation and an action (``QofMuMlpModel``).

Actions seen by these models are normalized to [-1, 1] (the agents scale
them to the environment's bounds)."""
from __future__ import annotations

from typing import Sequence

import numpy as np
import torch

from rlpyt.models.mlp import MlpModel, run_layers
from rlpyt.utils.tensor import infer_leading_dims, restore_leading_dims


class _ObservationMlp(torch.nn.Module):
    """An MLP on the flattened observation, keeping its leading dims."""

    def __init__(self, observation_shape: Sequence[int], hidden_sizes: Sequence[int], output_size: int,
            extra_input_size: int = 0) -> None:
        super().__init__()
        self._obs_ndim = len(observation_shape)
        self.mlp = MlpModel(int(np.prod(observation_shape)) + extra_input_size, hidden_sizes, output_size)

    def _mlp_forward(self, observation: torch.Tensor, extra: torch.Tensor | None = None):
        if self._is_flat_batch(observation, extra):
            x = observation if extra is None else torch.cat([observation, extra], dim=-1)
            return self._layers(x), 1, 1, observation.shape[0]
        lead_dim, T, B, _ = infer_leading_dims(observation, self._obs_ndim)
        x = observation.reshape(T * B, -1).float()
        if extra is not None:
            x = torch.cat([x, extra.reshape(T * B, -1).to(x.dtype)], dim=-1)
        return self._layers(x), lead_dim, T, B

    def _layers(self, x: torch.Tensor) -> torch.Tensor:
        """The MLP on ``x``, running its layers directly (one module call
        less per forward; ``MlpModel.forward`` adds nothing)."""
        return run_layers(self.mlp.model, x)

    def _is_flat_batch(self, observation: torch.Tensor, extra: torch.Tensor | None) -> bool:
        """Whether the inputs are already the MLP's: float32 [B, features]
        (a replay batch of vector observations), so that the reshapes and
        casts of the general path, no-ops here, are skipped (each costs a
        dispatched op in an update of a few hundred)."""
        return (self._obs_ndim == 1 and observation.dim() == 2 and observation.dtype == torch.float32
            and (extra is None or (extra.dim() == 2 and extra.dtype == torch.float32)))


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
        mu = torch.tanh(out) if self.output_max == 1 else self.output_max * torch.tanh(out)
        return restore_leading_dims(mu, lead_dim, T, B)


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
        mu, log_std = out.split(self.action_size, dim=-1)
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


def q_values(models: Sequence[torch.nn.Module], observation, prev_action, prev_reward, action) -> list:
    """Every Q model's values at the same inputs. ``QofMuMlpModel``s on a
    flat batch share one concatenation of observation and action (each
    would make its own: one op and its backward less per extra model) and
    run their layers directly (the module hooks of such a model are not
    called); other models run their own forward."""
    if all(type(m) is QofMuMlpModel for m in models) and models[0]._is_flat_batch(observation, action):
        x = torch.cat([observation, action], dim=-1)
        return [m._layers(x).squeeze(-1) for m in models]
    return [m(observation, prev_action, prev_reward, action) for m in models]
