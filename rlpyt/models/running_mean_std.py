"""Running mean and variance of observations, for input normalisation."""
from __future__ import annotations

from typing import Sequence

import torch


class RunningMeanStdModel(torch.nn.Module):
    """Mean and variance over every observation seen by ``update``.

    The statistics are buffers, so they travel with the model's
    ``state_dict`` (snapshots) and its device. Batches are merged with the
    parallel-variance formula (Chan et al.), exact for any batch sizes.
    """

    def __init__(self, shape: Sequence[int]) -> None:
        super().__init__()
        self.shape = tuple(shape)
        self.register_buffer("mean", torch.zeros(self.shape))
        self.register_buffer("var", torch.ones(self.shape))
        self.register_buffer("count", torch.zeros((), dtype=torch.float64))

    @torch.no_grad()
    def update(self, x: torch.Tensor) -> None:
        """Fold the observations ``x`` [..., *shape] into the statistics."""
        x = x.reshape((-1,) + self.shape).to(self.mean.dtype)
        n = x.shape[0]
        if n == 0:
            return
        batch_mean = x.mean(dim=0)
        batch_var = x.var(dim=0, unbiased=False)
        total = self.count + n
        delta = batch_mean - self.mean
        old_weight, new_weight = (self.count / total).float(), float(n) / total.float()
        self.var.copy_(old_weight * self.var + new_weight * batch_var + delta ** 2 * old_weight * new_weight)
        self.mean.add_(delta * new_weight)
        self.count.copy_(total)

    def normalize(self, x: torch.Tensor, clip: float | None = None, var_clip: float = 1e-6) -> torch.Tensor:
        """``(x - mean) / sqrt(max(var, var_clip))``, clamped to [-clip, clip]."""
        x = (x - self.mean) / torch.sqrt(torch.clamp(self.var, min=var_clip))
        return x if clip is None else torch.clamp(x, -clip, clip)


RunningMeanStd = RunningMeanStdModel
"""The name the design notes use for ``RunningMeanStdModel``."""
