"""Multi-layer perceptron."""
from __future__ import annotations

from typing import Sequence

import torch


class MlpModel(torch.nn.Module):
    """Fully connected layers with a nonlinearity after each hidden layer.

    ``hidden_sizes`` may be an int or a sequence (empty for a linear model);
    without ``output_size`` the last hidden layer is the output (and
    ``output_size`` reports its width).
    """

    def __init__(self, input_size: int, hidden_sizes: int | Sequence[int] | None,
            output_size: int | None = None, nonlinearity=torch.nn.ReLU) -> None:
        super().__init__()
        if isinstance(hidden_sizes, int):
            hidden_sizes = [hidden_sizes]
        hidden_sizes = list(hidden_sizes or [])
        for name, size in [("input_size", input_size), ("output_size", output_size)] + [
                ("hidden_sizes", h) for h in hidden_sizes]:
            if size is not None and (isinstance(size, bool) or not isinstance(size, int) or size < 1):
                raise ValueError(f"MlpModel: {name} must hold positive ints, got {size!r}")
        layers = []
        last = input_size
        for size in hidden_sizes:
            layers += [torch.nn.Linear(last, size), nonlinearity()]
            last = size
        if output_size is not None:
            layers.append(torch.nn.Linear(last, output_size))
            last = output_size
        self.model = torch.nn.Sequential(*layers)
        self._output_size = last

    def forward(self, input: torch.Tensor) -> torch.Tensor:
        """Apply the layers to the last dim of ``input``."""
        return self.model(input)

    @property
    def output_size(self) -> int:
        """Width of the output."""
        return self._output_size
