"""Diagonal Gaussian distribution over continuous actions, optionally
squashed through tanh (as SAC's policy)."""
from __future__ import annotations

import math

import torch
import torch.nn.functional as F

from rlpyt.distributions.base import Distribution
from rlpyt.utils.collections import namedarraytuple

DistInfo = namedarraytuple("DistInfo", ["mean"])
DistInfoStd = namedarraytuple("DistInfoStd", ["mean", "log_std"])

_LOG_2PI = math.log(2 * math.pi)
_LOG_2 = math.log(2)


def _check_positive_or_none(name: str, value) -> None:
    if value is not None and not value > 0:
        raise ValueError(f"Gaussian: {name} must be > 0 or None, got {value!r}")


class Gaussian(Distribution):
    """Diagonal Gaussian over ``dim`` action dimensions.

    The standard deviation comes from ``DistInfoStd.log_std``, or is the fixed
    ``std`` when given (then ``DistInfo(mean)`` suffices). ``min_std`` /
    ``max_std`` bound it; ``clip`` clamps sampled actions to [-clip, clip];
    ``noise_clip`` clamps the sampled noise (std * N(0, 1)) to
    [-noise_clip, noise_clip] before it is added to the mean (TD3's target
    policy smoothing).

    With ``squash`` the variable is ``squash * tanh(z)`` for the Gaussian
    ``z``: samples are squashed and ``log_likelihood`` includes the exact
    change-of-variables term ``-sum log(squash * (1 - tanh(z) ** 2))``. The KL
    divergence is that of the underlying Gaussians (a bijection leaves it
    unchanged); the entropy of a squashed Gaussian has no closed form.
    """

    def __init__(self, dim: int, std: float | None = None, clip: float | None = None,
            noise_clip: float | None = None, min_std: float | None = None, max_std: float | None = None,
            squash: float | None = None) -> None:
        if isinstance(dim, bool) or not isinstance(dim, int) or dim < 1:
            raise ValueError(f"Gaussian: dim must be a positive int, got {dim!r}")
        for name, value in (("min_std", min_std), ("max_std", max_std)):
            _check_positive_or_none(name, value)
        if min_std is not None and max_std is not None and min_std > max_std:
            raise ValueError(f"Gaussian: min_std ({min_std}) must not exceed max_std ({max_std})")
        self._dim = dim
        self.set_std(std)
        self.set_clip(clip)
        self.set_noise_clip(noise_clip)
        self.set_squash(squash)
        self.min_log_std = None if min_std is None else math.log(min_std)
        self.max_log_std = None if max_std is None else math.log(max_std)

    def set_std(self, std: float | None) -> None:
        """Use the fixed standard deviation ``std`` from now on, or, with
        None, the ``log_std`` field of the dist info (rlpyt's setter, kept for
        users changing exploration noise during a run)."""
        _check_positive_or_none("std", std)
        self.std = std

    def set_clip(self, clip: float | None) -> None:
        """Clamp sampled actions to [-clip, clip] from now on (None: no clamp)."""
        _check_positive_or_none("clip", clip)
        self.clip = clip

    def set_noise_clip(self, noise_clip: float | None) -> None:
        """Clamp the sampled noise to [-noise_clip, noise_clip] from now on
        (None: no clamp)."""
        _check_positive_or_none("noise_clip", noise_clip)
        self.noise_clip = noise_clip

    def set_squash(self, squash: float | None) -> None:
        """Squash samples as ``squash * tanh(z)`` from now on (None: no squash)."""
        _check_positive_or_none("squash", squash)
        self.squash = squash

    def log_std(self, dist_info) -> torch.Tensor:
        """The (bounded) log standard deviation, shaped like the mean."""
        if self.std is not None:
            return torch.full_like(dist_info.mean, math.log(self.std))
        log_std = dist_info.log_std
        if self.min_log_std is not None or self.max_log_std is not None:
            log_std = torch.clamp(log_std, min=self.min_log_std, max=self.max_log_std)
        return log_std

    def _noise(self, log_std: torch.Tensor) -> torch.Tensor:
        noise = torch.exp(log_std) * torch.randn_like(log_std)
        if self.noise_clip is not None:
            noise = torch.clamp(noise, -self.noise_clip, self.noise_clip)
        return noise

    def _finish(self, z: torch.Tensor) -> torch.Tensor:
        if self.squash is None:
            action = z
        else:  # squash 1 (SAC's) needs no product: one op less forward and backward
            action = torch.tanh(z) if self.squash == 1 else self.squash * torch.tanh(z)
        if self.clip is not None:
            action = torch.clamp(action, -self.clip, self.clip)
        return action

    def sample(self, dist_info) -> torch.Tensor:
        """mean + std * noise (noise clipped by ``noise_clip``), then squashed
        and clipped when asked."""
        z = dist_info.mean + self._noise(self.log_std(dist_info))
        return self._finish(z)

    def sample_loglikelihood(self, dist_info, reparameterize: bool = True) -> tuple[torch.Tensor, torch.Tensor]:
        """``(action, log_likelihood)`` of one sample. With ``reparameterize``
        gradients flow through the action into the mean and std; without, the
        action is a constant and only the log-likelihood carries gradients
        (for score-function estimators)."""
        log_std = self.log_std(dist_info)
        noise = self._noise(log_std)
        z = dist_info.mean + noise
        if not reparameterize:
            z = z.detach()
            noise = z - dist_info.mean
        logli = self._gaussian_log_likelihood(noise * torch.exp(-log_std), log_std)
        if self.squash is not None:
            logli = logli - self._squash_log_det(z)
        return self._finish(z), logli

    def _gaussian_log_likelihood(self, standardized: torch.Tensor, log_std: torch.Tensor) -> torch.Tensor:
        return (-0.5 * torch.sum(standardized ** 2, dim=-1) - torch.sum(log_std, dim=-1)
            - 0.5 * self._dim * _LOG_2PI)

    def _squash_log_det(self, z: torch.Tensor) -> torch.Tensor:
        """sum log |d(squash * tanh(z)) / dz|, with the stable identity
        log(1 - tanh(z)^2) = 2 (log 2 - z - softplus(-2 z))."""
        log_det = 2 * (_LOG_2 - z - F.softplus(-2 * z))
        if self.squash != 1:  # log(1) = 0 adds nothing
            log_det = log_det + math.log(self.squash)
        return torch.sum(log_det, dim=-1)

    def log_likelihood(self, x: torch.Tensor, dist_info) -> torch.Tensor:
        """Log density of ``x``, summed over action dimensions (with
        ``squash``, ``x`` is a squashed value strictly inside (-squash, squash))."""
        log_std = self.log_std(dist_info)
        if self.squash is None:
            return self._gaussian_log_likelihood((x - dist_info.mean) * torch.exp(-log_std), log_std)
        z = torch.atanh(x / self.squash)
        return (self._gaussian_log_likelihood((z - dist_info.mean) * torch.exp(-log_std), log_std)
            - self._squash_log_det(z))

    def kl(self, old_dist_info, new_dist_info) -> torch.Tensor:
        """KL(old || new) per sample (unchanged by squashing)."""
        old_log_std, new_log_std = self.log_std(old_dist_info), self.log_std(new_dist_info)
        old_var, new_var = torch.exp(2 * old_log_std), torch.exp(2 * new_log_std)
        num = (old_dist_info.mean - new_dist_info.mean) ** 2 + old_var - new_var
        return torch.sum(num / (2 * new_var) + new_log_std - old_log_std, dim=-1)

    def entropy(self, dist_info) -> torch.Tensor:
        """Entropy per sample (unsquashed only: a squashed Gaussian's entropy
        has no closed form; estimate it as ``-sample_loglikelihood(...)[1]``)."""
        if self.squash is not None:
            raise NotImplementedError("Gaussian.entropy: no closed form with squash set; use "
                "-sample_loglikelihood(dist_info)[1] as a one-sample estimate")
        return torch.sum(self.log_std(dist_info) + 0.5 * (_LOG_2PI + 1), dim=-1)
