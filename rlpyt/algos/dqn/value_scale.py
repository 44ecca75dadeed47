"""The invertible value rescaling of R2D2 (Kapturowski et al., 2019; from
Pohlen et al., 2018): Q-networks learn h(Q), so that returns of very
different sizes across games fit one network without clipping rewards."""
from __future__ import annotations

import torch


def value_rescale(x: torch.Tensor, eps: float) -> torch.Tensor:
    """h(x) = sign(x) (sqrt(|x| + 1) - 1) + eps x."""
    return torch.sign(x) * (torch.sqrt(x.abs() + 1) - 1) + eps * x


def inv_value_rescale(z: torch.Tensor, eps: float) -> torch.Tensor:
    """h^-1(z): the x with h(x) = z (for eps > 0; z itself squared-plus-sign for eps = 0)."""
    if eps == 0:
        return torch.sign(z) * ((z.abs() + 1) ** 2 - 1)
    root = (torch.sqrt(1 + 4 * eps * (z.abs() + 1 + eps)) - 1) / (2 * eps)
    return torch.sign(z) * (root ** 2 - 1)
