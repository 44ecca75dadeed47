"""Model helpers."""
from __future__ import annotations

import math

import torch


def orthogonal_init(module: torch.nn.Module, gain: float = math.sqrt(2)) -> None:
    """Orthogonal weights with ``gain`` and zero biases for every Linear in ``module``."""
    for layer in module.modules():
        if isinstance(layer, torch.nn.Linear):
            torch.nn.init.orthogonal_(layer.weight, gain=gain)
            torch.nn.init.zeros_(layer.bias)


def last_linear(module: torch.nn.Module) -> torch.nn.Linear:
    """The last Linear layer of ``module``."""
    linears = [m for m in module.modules() if isinstance(m, torch.nn.Linear)]
    if not linears:
        raise ValueError(f"last_linear: {type(module).__name__} has no Linear layer")
    return linears[-1]
