"""The R2D1 network for Atari: conv torso, LSTM, Q-value head."""
from __future__ import annotations

from typing import Sequence

import torch

from rlpyt.models.conv2d import Conv2dHeadModel
from rlpyt.models.dqn.dueling import DuelingHeadModel
from rlpyt.models.mlp import MlpModel
from rlpyt.models.pg.atari_ff_model import image_features
from rlpyt.models.pg.lstm import RnnState, lstm_step_inputs, run_lstm
from rlpyt.utils.tensor import restore_leading_dims

__all__ = ["AtariR2d1Model", "RnnState"]


class AtariR2d1Model(torch.nn.Module):
    """Conv layers (the DQN Nature network's by default) and ``fc_size``
    ReLU units feed an LSTM that also sees the one-hot previous action and
    the previous reward; a ``head_size`` MLP (dueling with ``dueling``) gives
    the Q-values.

    ``forward(observation, prev_action, prev_reward, init_rnn_state)`` takes
    uint8 frames [..., C, H, W] and returns ``(q, next_rnn_state)``;
    ``init_rnn_state`` is ``RnnState(h, c)`` with leaves [1, B, lstm_size]
    (None: zeros).
    """

    def __init__(self, image_shape: Sequence[int], output_size: int, fc_size: int = 512,
            lstm_size: int = 512, head_size: int = 512, dueling: bool = False, use_maxpool: bool = False,
            channels: Sequence[int] | None = None, kernel_sizes: Sequence[int] | None = None,
            strides: Sequence[int] | None = None, paddings: Sequence[int] | None = None) -> None:
        super().__init__()
        self.conv = Conv2dHeadModel(image_shape=image_shape, channels=channels or [32, 64, 64],
            kernel_sizes=kernel_sizes or [8, 4, 3], strides=strides or [4, 2, 1],
            paddings=paddings or [0, 1, 1], hidden_sizes=fc_size, use_maxpool=use_maxpool)
        self.lstm = torch.nn.LSTM(self.conv.output_size + output_size + 1, lstm_size)
        if dueling:
            self.head = DuelingHeadModel(lstm_size, head_size, output_size)
        else:
            self.head = MlpModel(lstm_size, head_size, output_size)

    def forward(self, observation, prev_action, prev_reward, init_rnn_state):
        """Q-values with the observation's leading dims, and the next rnn state."""
        features, lead_dim, T, B = image_features(self.conv, observation)
        out, next_rnn_state = run_lstm(self.lstm, lstm_step_inputs(features, prev_action, prev_reward, T, B),
            init_rnn_state)
        return restore_leading_dims(self.head(out), lead_dim, T, B), next_rnn_state
