"""Diagonal Gaussian distribution over continuous actions."""
from __future__ import annotations

import math

import torch

from rlpyt.distributions.base import Distribution
from rlpyt.utils.collections import namedarraytuple

DistInfo = namedarraytuple("DistInfo", ["mean"])
DistInfoStd = namedarraytuple("DistInfoStd", ["mean", "log_std"])

_LOG_2PI = math.log(2 * math.pi)


class Gaussian(Distribution):
    """Diagonal Gaussian over ``dim`` action dimensions.

    The standard deviation comes from ``DistInfoStd.log_std``, or is the fixed
    ``std`` when given (then ``DistInfo(mean)`` suffices). ``min_std`` /
    ``max_std`` bound it; ``clip`` clamps sampled actions to [-clip, clip].
    """

    def __init__(self, dim: int, std: float | None = None, clip: float | None = None,
            min_std: float | None = None, max_std: float | None = None) -> None:
        if isinstance(dim, bool) or not isinstance(dim, int) or dim < 1:
            raise ValueError(f"Gaussian: dim must be a positive int, got {dim!r}")
        for name, value in (("std", std), ("clip", clip), ("min_std", min_std), ("max_std", max_std)):
            if value is not None and not value > 0:
                raise ValueError(f"Gaussian: {name} must be > 0 or None, got {value!r}")
        if min_std is not None and max_std is not None and min_std > max_std:
            raise ValueError(f"Gaussian: min_std ({min_std}) must not exceed max_std ({max_std})")
        self._dim = dim
        self.std = std
        self.clip = clip
        self.min_log_std = None if min_std is None else math.log(min_std)
        self.max_log_std = None if max_std is None else math.log(max_std)

    def log_std(self, dist_info) -> torch.Tensor:
        """The (bounded) log standard deviation, shaped like the mean."""
        if self.std is not None:
            return torch.full_like(dist_info.mean, math.log(self.std))
        log_std = dist_info.log_std
        if self.min_log_std is not None or self.max_log_std is not None:
            log_std = torch.clamp(log_std, min=self.min_log_std, max=self.max_log_std)
        return log_std

    def sample(self, dist_info) -> torch.Tensor:
        """mean + std * noise, clipped when ``clip`` is set."""
        mean = dist_info.mean
        action = mean + torch.exp(self.log_std(dist_info)) * torch.randn_like(mean)
        if self.clip is not None:
            action = torch.clamp(action, -self.clip, self.clip)
        return action

    def log_likelihood(self, x: torch.Tensor, dist_info) -> torch.Tensor:
        """Log density of ``x``, summed over action dimensions."""
        log_std = self.log_std(dist_info)
        z = (x - dist_info.mean) * torch.exp(-log_std)
        return -0.5 * torch.sum(z ** 2, dim=-1) - torch.sum(log_std, dim=-1) - 0.5 * self._dim * _LOG_2PI

    def kl(self, old_dist_info, new_dist_info) -> torch.Tensor:
        """KL(old || new) per sample."""
        old_log_std, new_log_std = self.log_std(old_dist_info), self.log_std(new_dist_info)
        old_var, new_var = torch.exp(2 * old_log_std), torch.exp(2 * new_log_std)
        num = (old_dist_info.mean - new_dist_info.mean) ** 2 + old_var - new_var
        return torch.sum(num / (2 * new_var) + new_log_std - old_log_std, dim=-1)

    def entropy(self, dist_info) -> torch.Tensor:
        """Entropy per sample."""
        return torch.sum(self.log_std(dist_info) + 0.5 * (_LOG_2PI + 1), dim=-1)
