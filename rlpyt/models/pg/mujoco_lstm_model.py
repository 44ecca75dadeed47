"""Recurrent Gaussian-policy model for continuous control (MuJoCo)."""
from __future__ import annotations

from typing import Sequence

import torch

from rlpyt.models.pg.lstm import MlpLstmBase
from rlpyt.utils.tensor import restore_leading_dims


class MujocoLstmModel(MlpLstmBase):
    """MLP features, an LSTM over them with the previous action and reward,
    and one linear head giving mean, log_std and value.

    ``forward(observation, prev_action, prev_reward, init_rnn_state)``
    returns ``(mu, log_std, value, next_rnn_state)``; see
    ``rlpyt.models.pg.lstm`` for shapes and observation normalisation.
    """

    def __init__(self, observation_shape: Sequence[int], action_size: int,
            hidden_sizes: int | Sequence[int] | None = None, lstm_size: int = 256,
            nonlinearity=torch.nn.ReLU, normalize_observation: bool = False,
            norm_obs_clip: float = 10.0, norm_obs_var_clip: float = 1e-6) -> None:
        super().__init__(observation_shape, action_size,
            [256, 256] if hidden_sizes is None else hidden_sizes, lstm_size, nonlinearity,
            normalize_observation, norm_obs_clip, norm_obs_var_clip)
        self._action_size = action_size
        self.head = torch.nn.Linear(lstm_size, 2 * action_size + 1)

    def forward(self, observation, prev_action, prev_reward, init_rnn_state):
        """Mean, log_std and value with the input's leading dims, and the next rnn state."""
        out, next_rnn_state, lead_dim, T, B = self.lstm_features(
            observation, prev_action, prev_reward, init_rnn_state)
        head = self.head(out)
        A = self._action_size
        mu, log_std, value = head[:, :A], head[:, A:2 * A], head[:, -1]
        mu, log_std, value = restore_leading_dims((mu, log_std, value), lead_dim, T, B)
        return mu, log_std, value, next_rnn_state
