"""Epsilon-greedy action selection over Q-values (or value distributions)."""
from __future__ import annotations

import torch

from rlpyt.distributions.base import Distribution
from rlpyt.utils.tensor import from_onehot


class EpsilonGreedy(Distribution):
    """The greedy action, replaced by a uniformly random one with probability
    ``epsilon``; ``epsilon`` is a number or a tensor broadcasting against the
    leading dims of the Q-values (one epsilon per environment)."""

    def __init__(self, dim: int, epsilon: float | torch.Tensor = 1.0, dtype: torch.dtype = torch.long) -> None:
        if isinstance(dim, bool) or not isinstance(dim, int) or dim < 1:
            raise ValueError(f"EpsilonGreedy: dim must be a positive int, got {dim!r}")
        self._dim = dim
        self.dtype = dtype
        self._eye = torch.eye(dim)
        self.set_epsilon(epsilon)

    def set_epsilon(self, epsilon: float | torch.Tensor) -> None:
        """Exploration probability (a number or one per environment), in [0, 1]."""
        epsilon = torch.as_tensor(epsilon, dtype=torch.float32)
        if torch.any((epsilon < 0) | (epsilon > 1)):
            raise ValueError(f"{type(self).__name__}: epsilon must be in [0, 1], got {epsilon}")
        self.epsilon = epsilon

    def sample(self, q: torch.Tensor) -> torch.Tensor:
        """Actions [...] from Q-values [..., dim]."""
        action = torch.argmax(q, dim=-1)
        explore = torch.rand(action.shape) < self.epsilon
        if torch.any(explore):
            random_action = torch.randint(0, self._dim, action.shape)
            action = torch.where(explore.to(action.device), random_action.to(action.device), action)
        return action.to(self.dtype)

    def to_onehot(self, indexes: torch.Tensor) -> torch.Tensor:
        """One-hot vectors of length ``dim`` (model inputs for the previous action)."""
        if self._eye.device != indexes.device:
            self._eye = self._eye.to(indexes.device)
        return self._eye[indexes.long()]

    def from_onehot(self, onehot: torch.Tensor) -> torch.Tensor:
        """Indexes of one-hot vectors."""
        return from_onehot(onehot, dtype=self.dtype)


class CategoricalEpsilonGreedy(EpsilonGreedy):
    """Epsilon-greedy over value distributions: ``p`` [..., dim, n_atoms] are
    probabilities on the support ``z`` [n_atoms]; the greedy action maximises
    the expected value ``p @ z``."""

    def __init__(self, dim: int, z: torch.Tensor | None = None, epsilon: float | torch.Tensor = 1.0,
            dtype: torch.dtype = torch.long) -> None:
        super().__init__(dim=dim, epsilon=epsilon, dtype=dtype)
        self.z = z

    def set_z(self, z: torch.Tensor) -> None:
        """The support of the value distribution."""
        self.z = z

    def sample(self, p: torch.Tensor) -> torch.Tensor:
        """Actions [...] from value distributions [..., dim, n_atoms]."""
        if self.z is None:
            raise RuntimeError("CategoricalEpsilonGreedy.sample: set the support with set_z first")
        return super().sample(p @ self.z.to(p.device))
