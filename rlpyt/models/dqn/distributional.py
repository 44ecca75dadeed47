"""A head that outputs one value distribution per action."""
from __future__ import annotations

from typing import Sequence

import torch

from rlpyt.models.mlp import MlpModel


class DistributionalHeadModel(torch.nn.Module):
    """MLP from features [N, input_size] to logits [N, output_size, n_atoms]."""

    def __init__(self, input_size: int, hidden_sizes: int | Sequence[int], output_size: int,
            n_atoms: int) -> None:
        super().__init__()
        self.mlp = MlpModel(input_size, hidden_sizes, output_size * n_atoms)
        self._output_size, self._n_atoms = output_size, n_atoms

    def forward(self, features: torch.Tensor) -> torch.Tensor:
        """Logits of each action's value distribution."""
        return self.mlp(features).view(-1, self._output_size, self._n_atoms)
