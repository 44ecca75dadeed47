"""The interface of action distributions used by agents and algorithms."""
from __future__ import annotations

import torch

from rlpyt.utils.tensor import valid_mean


class Distribution:
    """An action distribution parameterised by a ``dist_info`` namedarraytuple.

    Subclasses implement ``sample``, ``log_likelihood``, ``kl`` and
    ``entropy``; the means and ratios below derive from those.
    """

    @property
    def dim(self) -> int:
        """Size of the action (number of categories or action dimensions)."""
        return self._dim

    def sample(self, dist_info) -> torch.Tensor:
        """Draw an action."""
        raise NotImplementedError

    def log_likelihood(self, x: torch.Tensor, dist_info) -> torch.Tensor:
        """Log-probability (density) of ``x``."""
        raise NotImplementedError

    def kl(self, old_dist_info, new_dist_info) -> torch.Tensor:
        """KL(old || new), per sample."""
        raise NotImplementedError

    def entropy(self, dist_info) -> torch.Tensor:
        """Entropy, per sample."""
        raise NotImplementedError

    def likelihood_ratio(self, x: torch.Tensor, old_dist_info, new_dist_info) -> torch.Tensor:
        """p_new(x) / p_old(x), computed in log space for stability."""
        return torch.exp(self.log_likelihood(x, new_dist_info) - self.log_likelihood(x, old_dist_info))

    def mean_kl(self, old_dist_info, new_dist_info, valid=None) -> torch.Tensor:
        """Mean KL over valid samples."""
        return valid_mean(self.kl(old_dist_info, new_dist_info), valid)

    def perplexity(self, dist_info) -> torch.Tensor:
        """exp(entropy), per sample."""
        return torch.exp(self.entropy(dist_info))

    def mean_entropy(self, dist_info, valid=None) -> torch.Tensor:
        """Mean entropy over valid samples."""
        return valid_mean(self.entropy(dist_info), valid)

    def mean_perplexity(self, dist_info, valid=None) -> torch.Tensor:
        """Mean perplexity over valid samples."""
        return valid_mean(self.perplexity(dist_info), valid)
