"""Recurrent policy-gradient models for vector observations.

Recurrent models take ``(observation, prev_action, prev_reward,
init_rnn_state)`` with leading dims [], [B] or [T, B] and return their
outputs with the same leading dims, plus the next rnn state. The LSTM sees
the observation features, the previous action (one-hot for discrete
actions) and the previous reward. Rnn states are ``RnnState(h, c)`` with
leaves [num_layers, B, lstm_size]; ``init_rnn_state`` None means zeros.
"""
from __future__ import annotations

from typing import Sequence

import numpy as np
import torch
import torch.nn.functional as F

from rlpyt.models.mlp import MlpModel
from rlpyt.models.running_mean_std import RunningMeanStdModel
from rlpyt.utils.collections import namedarraytuple
from rlpyt.utils.tensor import infer_leading_dims, restore_leading_dims

RnnState = namedarraytuple("RnnState", ["h", "c"])


def lstm_step_inputs(features: torch.Tensor, prev_action: torch.Tensor, prev_reward: torch.Tensor,
        T: int, B: int) -> torch.Tensor:
    """The LSTM's [T, B, F + A + 1] input: features [T*B, F], the previous
    action [..., A] (or [...] for a scalar action) and previous reward."""
    dtype = features.dtype
    return torch.cat([features.reshape(T, B, -1), prev_action.reshape(T, B, -1).to(dtype),
        prev_reward.reshape(T, B, 1).to(dtype)], dim=2)


def run_lstm(lstm: torch.nn.LSTM, lstm_input: torch.Tensor, init_rnn_state) -> tuple:
    """``(output [T*B, H], RnnState)`` of ``lstm`` over [T, B, F] input."""
    state = None if init_rnn_state is None else tuple(s.contiguous() for s in init_rnn_state)
    out, (h, c) = lstm(lstm_input, state)
    return out.reshape(-1, out.shape[-1]), RnnState(h=h, c=c)


class MlpLstmBase(torch.nn.Module):
    """Flattened observation -> optional normalisation -> MLP -> LSTM.

    ``normalize_observation`` keeps a ``RunningMeanStdModel`` of the
    observations (updated through ``update_obs_rms``) and feeds the LSTM
    ``(obs - mean) / std`` clipped to ``norm_obs_clip``.
    """

    def __init__(self, observation_shape: Sequence[int], action_size: int,
            hidden_sizes: int | Sequence[int] | None, lstm_size: int, nonlinearity,
            normalize_observation: bool = False, norm_obs_clip: float = 10.0,
            norm_obs_var_clip: float = 1e-6) -> None:
        super().__init__()
        self._obs_ndim = len(observation_shape)
        input_size = int(np.prod(observation_shape))
        self.mlp = MlpModel(input_size, hidden_sizes, nonlinearity=nonlinearity)
        self.lstm = torch.nn.LSTM(self.mlp.output_size + action_size + 1, lstm_size)
        self.obs_rms = RunningMeanStdModel((input_size,)) if normalize_observation else None
        self.norm_obs_clip = norm_obs_clip
        self.norm_obs_var_clip = norm_obs_var_clip

    def update_obs_rms(self, observation: torch.Tensor) -> None:
        """Fold observations into the normalisation statistics (no-op without them)."""
        if self.obs_rms is not None:
            self.obs_rms.update(observation.reshape(-1, self.obs_rms.shape[0]))

    def lstm_features(self, observation, prev_action, prev_reward, init_rnn_state):
        """``(lstm_output [T*B, H], next_rnn_state, lead_dim, T, B)``."""
        lead_dim, T, B, _ = infer_leading_dims(observation, self._obs_ndim)
        obs = observation.reshape(T * B, -1).float()
        if self.obs_rms is not None:
            obs = self.obs_rms.normalize(obs, self.norm_obs_clip, self.norm_obs_var_clip)
        lstm_input = lstm_step_inputs(self.mlp(obs), prev_action, prev_reward, T, B)
        out, next_rnn_state = run_lstm(self.lstm, lstm_input, init_rnn_state)
        return out, next_rnn_state, lead_dim, T, B


class CategoricalPgLstmModel(MlpLstmBase):
    """Discrete-action recurrent model, the default of
    ``RecurrentCategoricalPgAgent``: ``forward`` returns ``(pi, value,
    next_rnn_state)``."""

    def __init__(self, observation_shape: Sequence[int], action_size: int,
            hidden_sizes: int | Sequence[int] | None = (64,), lstm_size: int = 64,
            nonlinearity=torch.nn.Tanh, normalize_observation: bool = False,
            norm_obs_clip: float = 10.0, norm_obs_var_clip: float = 1e-6) -> None:
        super().__init__(observation_shape, action_size, hidden_sizes, lstm_size, nonlinearity,
            normalize_observation, norm_obs_clip, norm_obs_var_clip)
        self.pi = torch.nn.Linear(lstm_size, action_size)
        self.value = torch.nn.Linear(lstm_size, 1)

    def forward(self, observation, prev_action, prev_reward, init_rnn_state):
        """Action probabilities, state value and next rnn state."""
        out, next_rnn_state, lead_dim, T, B = self.lstm_features(
            observation, prev_action, prev_reward, init_rnn_state)
        pi = F.softmax(self.pi(out), dim=-1)
        value = self.value(out).squeeze(-1)
        pi, value = restore_leading_dims((pi, value), lead_dim, T, B)
        return pi, value, next_rnn_state
