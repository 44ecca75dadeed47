"""Feed-forward convolutional policy/value model for Atari."""
from __future__ import annotations

from typing import Sequence

import torch
import torch.nn.functional as F

from rlpyt.models.conv2d import Conv2dHeadModel
from rlpyt.utils.tensor import infer_leading_dims, restore_leading_dims


def atari_conv_head(image_shape: Sequence[int], fc_sizes: int | Sequence[int], use_maxpool: bool,
        channels, kernel_sizes, strides, paddings) -> Conv2dHeadModel:
    """The conv torso of the Atari models; defaults: 16 8x8 filters stride 4,
    32 4x4 filters stride 2 (padding 1), then ``fc_sizes`` ReLU layers."""
    return Conv2dHeadModel(image_shape=image_shape,
        channels=[16, 32] if channels is None else channels,
        kernel_sizes=[8, 4] if kernel_sizes is None else kernel_sizes,
        strides=[4, 2] if strides is None else strides,
        paddings=[0, 1] if paddings is None else paddings,
        hidden_sizes=fc_sizes, use_maxpool=use_maxpool)


def image_features(conv: Conv2dHeadModel, image: torch.Tensor):
    """``(features [T*B, F], lead_dim, T, B)`` of uint8 images scaled to [0, 1]."""
    lead_dim, T, B, shape = infer_leading_dims(image, 3)
    img = image.reshape((T * B,) + tuple(shape)).to(torch.float32).mul_(1.0 / 255)
    return conv(img), lead_dim, T, B


class AtariFfModel(torch.nn.Module):
    """Conv torso, then linear policy (softmax) and value heads.

    ``forward(image, prev_action, prev_reward)`` takes uint8 images [..., C,
    H, W] and returns ``(pi, value)`` with the images' leading dims.
    """

    uses_prev_action = False  # forward ignores prev_action: agents skip its one-hot (model_reads_prev_action)

    def __init__(self, image_shape: Sequence[int], output_size: int,
            fc_sizes: int | Sequence[int] = 512, use_maxpool: bool = False,
            channels: Sequence[int] | None = None, kernel_sizes: Sequence[int] | None = None,
            strides: Sequence[int] | None = None, paddings: Sequence[int] | None = None) -> None:
        super().__init__()
        self.conv = atari_conv_head(image_shape, fc_sizes, use_maxpool, channels, kernel_sizes,
            strides, paddings)
        self.pi = torch.nn.Linear(self.conv.output_size, output_size)
        self.value = torch.nn.Linear(self.conv.output_size, 1)

    def forward(self, image, prev_action, prev_reward):
        """Action probabilities and state value."""
        features, lead_dim, T, B = image_features(self.conv, image)
        pi = F.softmax(self.pi(features), dim=-1)
        value = self.value(features).squeeze(-1)
        return restore_leading_dims((pi, value), lead_dim, T, B)
