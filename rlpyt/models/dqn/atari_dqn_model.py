"""The DQN Nature network for stacked Atari frames, with an optional dueling head."""
from __future__ import annotations

from typing import Sequence

import torch

from rlpyt.models.conv2d import Conv2dModel
from rlpyt.models.dqn.dueling import DuelingHeadModel
from rlpyt.models.mlp import MlpModel
from rlpyt.utils.tensor import infer_leading_dims, restore_leading_dims


class AtariConvTrunk(torch.nn.Module):
    """Convolutions over uint8 frames [..., C, H, W] scaled to [0, 1]; the
    defaults are the DQN Nature network's (32x8x8/4, 64x4x4/2, 64x3x3/1)."""

    def __init__(self, image_shape: Sequence[int], use_maxpool: bool = False,
            channels: Sequence[int] | None = None, kernel_sizes: Sequence[int] | None = None,
            strides: Sequence[int] | None = None, paddings: Sequence[int] | None = None) -> None:
        super().__init__()
        c, h, w = image_shape
        self.conv = Conv2dModel(in_channels=c, channels=channels or [32, 64, 64],
            kernel_sizes=kernel_sizes or [8, 4, 3], strides=strides or [4, 2, 1],
            paddings=paddings or [0, 1, 1], use_maxpool=use_maxpool)
        self.conv_out_size = self.conv.conv_out_size(h, w)

    def features(self, observation: torch.Tensor):
        """``(features [T*B, conv_out_size], lead_dim, T, B)``."""
        lead_dim, T, B, img_shape = infer_leading_dims(observation, 3)
        img = observation.reshape(T * B, *img_shape).float().mul_(1.0 / 255)
        return self.conv(img).reshape(T * B, -1), lead_dim, T, B


class AtariDqnModel(AtariConvTrunk):
    """``forward(observation, prev_action, prev_reward)`` returns Q-values
    [..., output_size] from frames [..., C, H, W]; ``fc_sizes`` hidden units
    before the (optionally dueling) output layer."""

    uses_prev_action = False  # forward ignores prev_action: agents skip its one-hot (model_reads_prev_action)

    def __init__(self, image_shape: Sequence[int], output_size: int, fc_sizes: int | Sequence[int] = 512,
            dueling: bool = False, use_maxpool: bool = False, channels: Sequence[int] | None = None,
            kernel_sizes: Sequence[int] | None = None, strides: Sequence[int] | None = None,
            paddings: Sequence[int] | None = None) -> None:
        super().__init__(image_shape, use_maxpool, channels, kernel_sizes, strides, paddings)
        if dueling:
            self.head = DuelingHeadModel(self.conv_out_size, fc_sizes, output_size)
        else:
            self.head = MlpModel(self.conv_out_size, fc_sizes, output_size)

    def forward(self, observation, prev_action, prev_reward):
        """Q-values for every action, with the observation's leading dims."""
        features, lead_dim, T, B = self.features(observation)
        return restore_leading_dims(self.head(features), lead_dim, T, B)
