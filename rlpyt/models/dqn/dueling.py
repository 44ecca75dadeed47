"""Dueling heads: Q = V + A - mean(A), for Q-values and for value distributions."""
from __future__ import annotations

from typing import Sequence

import torch

from rlpyt.models.mlp import MlpModel


def scale_grad(x: torch.Tensor, scale: float) -> torch.Tensor:
    """Identity in the forward pass; multiplies the gradient by ``scale``."""
    return x * scale + x.detach() * (1 - scale)


class DuelingHeadModel(torch.nn.Module):
    """Separate value and advantage MLPs over the same features [N, input_size];
    returns Q-values [N, output_size]. The gradient into the shared features
    is scaled by ``grad_scale`` (1/sqrt(2) as in Wang et al., 2016)."""

    def __init__(self, input_size: int, hidden_sizes: int | Sequence[int], output_size: int,
            grad_scale: float = 2 ** (-1 / 2)) -> None:
        super().__init__()
        self.advantage = MlpModel(input_size, hidden_sizes, output_size)
        self.value = MlpModel(input_size, hidden_sizes, 1)
        self.grad_scale = grad_scale

    def forward(self, features: torch.Tensor) -> torch.Tensor:
        """Q = V + A - mean over actions of A."""
        features = scale_grad(features, self.grad_scale)
        advantage = self.advantage(features)
        return self.value(features) + advantage - advantage.mean(dim=-1, keepdim=True)


class DistributionalDuelingHeadModel(torch.nn.Module):
    """Dueling over the logits of value distributions: returns logits
    [N, output_size, n_atoms] (softmax over the last dim gives probabilities)."""

    def __init__(self, input_size: int, hidden_sizes: int | Sequence[int], output_size: int,
            n_atoms: int, grad_scale: float = 2 ** (-1 / 2)) -> None:
        super().__init__()
        self.advantage = MlpModel(input_size, hidden_sizes, output_size * n_atoms)
        self.value = MlpModel(input_size, hidden_sizes, n_atoms)
        self._output_size, self._n_atoms = output_size, n_atoms
        self.grad_scale = grad_scale

    def forward(self, features: torch.Tensor) -> torch.Tensor:
        """Logits = V + A - mean over actions of A, per atom."""
        features = scale_grad(features, self.grad_scale)
        advantage = self.advantage(features).view(-1, self._output_size, self._n_atoms)
        value = self.value(features).view(-1, 1, self._n_atoms)
        return value + advantage - advantage.mean(dim=1, keepdim=True)
