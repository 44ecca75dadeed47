"""The DQN Nature network with distributional (C51) outputs."""
from __future__ import annotations

from typing import Sequence

import torch.nn.functional as F

from rlpyt.models.dqn.atari_dqn_model import AtariConvTrunk
from rlpyt.models.dqn.distributional import DistributionalHeadModel
from rlpyt.models.dqn.dueling import DistributionalDuelingHeadModel
from rlpyt.utils.tensor import restore_leading_dims


class AtariCatDqnModel(AtariConvTrunk):
    """``forward`` returns probabilities [..., output_size, n_atoms] of each
    action's value distribution, from frames [..., C, H, W]."""

    uses_prev_action = False  # forward ignores prev_action: agents skip its one-hot (model_reads_prev_action)

    def __init__(self, image_shape: Sequence[int], output_size: int, n_atoms: int = 51,
            fc_sizes: int | Sequence[int] = 512, dueling: bool = False, use_maxpool: bool = False,
            channels: Sequence[int] | None = None, kernel_sizes: Sequence[int] | None = None,
            strides: Sequence[int] | None = None, paddings: Sequence[int] | None = None) -> None:
        super().__init__(image_shape, use_maxpool, channels, kernel_sizes, strides, paddings)
        HeadCls = DistributionalDuelingHeadModel if dueling else DistributionalHeadModel
        self.head = HeadCls(self.conv_out_size, fc_sizes, output_size, n_atoms)

    def forward(self, observation, prev_action, prev_reward):
        """Value-distribution probabilities for every action."""
        features, lead_dim, T, B = self.features(observation)
        return restore_leading_dims(F.softmax(self.head(features), dim=-1), lead_dim, T, B)
