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


@torch.no_grad()
def update_state_dict(model: torch.nn.Module, state_dict: dict, tau: float = 1.0) -> None:
    """Move ``model``'s parameters and buffers toward ``state_dict``:
    ``tau * new + (1 - tau) * old`` (tau = 1 copies; a target network's soft update)."""
    if not 0 < tau <= 1:
        raise ValueError(f"update_state_dict: tau must be in (0, 1], got {tau}")
    if tau == 1:
        model.load_state_dict(state_dict)
        return
    for name, value in model.state_dict().items():
        new = state_dict[name]
        if value.is_floating_point():
            value.mul_(1 - tau).add_(new, alpha=tau)
        else:
            value.copy_(new)
