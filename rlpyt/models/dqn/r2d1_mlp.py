"""A recurrent Q-model for vector observations (the default of ``R2d1Agent``)."""
from __future__ import annotations

from typing import Sequence

import torch

from rlpyt.models.dqn.dueling import DuelingHeadModel
from rlpyt.models.pg.lstm import MlpLstmBase
from rlpyt.utils.tensor import restore_leading_dims


class R2d1MlpModel(MlpLstmBase):
    """Flattened observation -> MLP (``hidden_sizes``, ReLU) -> LSTM (which
    also sees the one-hot previous action and the previous reward) -> linear
    or dueling Q-value head.

    ``forward(observation, prev_action, prev_reward, init_rnn_state)``
    returns ``(q [..., action_size], next_rnn_state)``; leading dims [], [B]
    or [T, B] are kept; rnn states are ``RnnState(h, c)`` with leaves
    [1, B, lstm_size] (None: zeros).
    """

    def __init__(self, observation_shape: Sequence[int], action_size: int,
            hidden_sizes: int | Sequence[int] | None = (64,), lstm_size: int = 64, dueling: bool = False) -> None:
        super().__init__(observation_shape, action_size, hidden_sizes, lstm_size, torch.nn.ReLU)
        self.head = DuelingHeadModel(lstm_size, [], action_size) if dueling else torch.nn.Linear(lstm_size, action_size)

    def forward(self, observation, prev_action, prev_reward, init_rnn_state):
        """Q-values for every action, and the next rnn state."""
        out, next_rnn_state, lead_dim, T, B = self.lstm_features(observation, prev_action, prev_reward,
            init_rnn_state)
        return restore_leading_dims(self.head(out), lead_dim, T, B), next_rnn_state
