"""Recurrent convolutional policy/value model for Atari."""
from __future__ import annotations

from typing import Sequence

import torch
import torch.nn.functional as F

from rlpyt.models.pg.atari_ff_model import atari_conv_head, image_features
from rlpyt.models.pg.lstm import RnnState, lstm_step_inputs, run_lstm
from rlpyt.utils.tensor import restore_leading_dims

__all__ = ["AtariLstmModel", "RnnState"]


class AtariLstmModel(torch.nn.Module):
    """Conv torso, an LSTM over its features with the one-hot previous action
    and the previous reward, then linear policy (softmax) and value heads.

    ``forward(image, prev_action, prev_reward, init_rnn_state)`` takes uint8
    images [..., C, H, W] and returns ``(pi, value, next_rnn_state)``;
    ``init_rnn_state`` is ``RnnState(h, c)`` with leaves [1, B, lstm_size]
    (None: zeros).
    """

    def __init__(self, image_shape: Sequence[int], output_size: int,
            fc_sizes: int | Sequence[int] = 512, lstm_size: int = 512, use_maxpool: bool = False,
            channels: Sequence[int] | None = None, kernel_sizes: Sequence[int] | None = None,
            strides: Sequence[int] | None = None, paddings: Sequence[int] | None = None) -> None:
        super().__init__()
        self.conv = atari_conv_head(image_shape, fc_sizes, use_maxpool, channels, kernel_sizes,
            strides, paddings)
        self.lstm = torch.nn.LSTM(self.conv.output_size + output_size + 1, lstm_size)
        self.pi = torch.nn.Linear(lstm_size, output_size)
        self.value = torch.nn.Linear(lstm_size, 1)

    def forward(self, image, prev_action, prev_reward, init_rnn_state):
        """Action probabilities, state value and next rnn state."""
        features, lead_dim, T, B = image_features(self.conv, image)
        out, next_rnn_state = run_lstm(self.lstm,
            lstm_step_inputs(features, prev_action, prev_reward, T, B), init_rnn_state)
        pi = F.softmax(self.pi(out), dim=-1)
        value = self.value(out).squeeze(-1)
        pi, value = restore_leading_dims((pi, value), lead_dim, T, B)
        return pi, value, next_rnn_state
