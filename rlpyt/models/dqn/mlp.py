"""Q-models for vector observations: an MLP trunk with a plain or dueling head,
returning Q-values (``DqnMlpModel``) or value distributions (``CatDqnMlpModel``)."""
from __future__ import annotations

from typing import Sequence

import numpy as np
import torch
import torch.nn.functional as F

from rlpyt.models.dqn.distributional import DistributionalHeadModel
from rlpyt.models.dqn.dueling import DistributionalDuelingHeadModel, DuelingHeadModel
from rlpyt.models.mlp import MlpModel
from rlpyt.utils.tensor import infer_leading_dims, restore_leading_dims


class _MlpTrunk(torch.nn.Module):
    def __init__(self, observation_shape: Sequence[int], hidden_sizes: Sequence[int]) -> None:
        super().__init__()
        self._obs_ndim = len(observation_shape)
        self.trunk = MlpModel(int(np.prod(observation_shape)), hidden_sizes)

    def features(self, observation: torch.Tensor):
        lead_dim, T, B, _ = infer_leading_dims(observation, self._obs_ndim)
        return self.trunk(observation.reshape(T * B, -1).float()), lead_dim, T, B


class DqnMlpModel(_MlpTrunk):
    """``forward(observation, prev_action, prev_reward)`` returns Q-values
    [..., action_size], keeping the observation's leading dims. The last
    hidden layer feeds a linear head, or a dueling head with ``dueling``."""

    uses_prev_action = False  # forward ignores prev_action: agents skip its one-hot (model_reads_prev_action)

    def __init__(self, observation_shape: Sequence[int], action_size: int,
            hidden_sizes: Sequence[int] = (64, 64), dueling: bool = False) -> None:
        super().__init__(observation_shape, hidden_sizes)
        width = self.trunk.output_size
        self.head = DuelingHeadModel(width, [], action_size) if dueling else torch.nn.Linear(width, action_size)

    def forward(self, observation, prev_action, prev_reward):
        """Q-values for every action."""
        features, lead_dim, T, B = self.features(observation)
        return restore_leading_dims(self.head(features), lead_dim, T, B)


class CatDqnMlpModel(_MlpTrunk):
    """``forward`` returns probabilities [..., action_size, n_atoms] of each
    action's value distribution on a fixed support (C51)."""

    uses_prev_action = False  # forward ignores prev_action: agents skip its one-hot (model_reads_prev_action)

    def __init__(self, observation_shape: Sequence[int], action_size: int, n_atoms: int = 51,
            hidden_sizes: Sequence[int] = (64, 64), dueling: bool = False) -> None:
        super().__init__(observation_shape, hidden_sizes)
        width = self.trunk.output_size
        HeadCls = DistributionalDuelingHeadModel if dueling else DistributionalHeadModel
        self.head = HeadCls(width, [], action_size, n_atoms)

    def forward(self, observation, prev_action, prev_reward):
        """Value-distribution probabilities for every action."""
        features, lead_dim, T, B = self.features(observation)
        return restore_leading_dims(F.softmax(self.head(features), dim=-1), lead_dim, T, B)
