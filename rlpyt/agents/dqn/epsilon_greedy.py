"""Epsilon schedules for agents that act epsilon-greedily."""
from __future__ import annotations

import numpy as np
import torch


class EpsilonGreedyAgentMixin:
    """Epsilon decays linearly from ``eps_init`` to ``eps_final`` between
    sampling iterations ``eps_itr_min`` and ``eps_itr_max`` (the algorithm sets
    them from its step counts with ``set_epsilon_itr_min_max``); ``eps_eval``
    applies in eval mode.

    With ``eps_final_min`` each environment gets its own final epsilon,
    spaced log-uniformly from ``eps_final_min`` to ``eps_final`` across the
    ``global_B`` environments of all samplers (Ape-X style); this agent's
    environments take their share by ``env_ranks``.
    """

    def __init__(self, *args, eps_init: float = 1.0, eps_final: float = 0.01,
            eps_final_min: float | None = None, eps_itr_min: int = 50, eps_itr_max: int = 1000,
            eps_eval: float = 0.001, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        owner = type(self).__name__
        for name, value in (("eps_init", eps_init), ("eps_final", eps_final), ("eps_eval", eps_eval),
                ("eps_final_min", eps_final_min)):
            if value is not None and not 0 <= value <= 1:
                raise ValueError(f"{owner}: {name} must be in [0, 1], got {value!r}")
        self.eps_init = eps_init
        self.eps_final = eps_final
        self.eps_final_min = eps_final_min
        self.eps_eval = eps_eval
        self.set_epsilon_itr_min_max(eps_itr_min, eps_itr_max)
        self._eps_init_vec = self._eps_final_vec = None

    def set_epsilon_itr_min_max(self, eps_itr_min: int, eps_itr_max: int) -> None:
        """The iterations between which epsilon decays."""
        if eps_itr_max < eps_itr_min:
            raise ValueError(f"{type(self).__name__}: eps_itr_max ({eps_itr_max}) must be >= "
                f"eps_itr_min ({eps_itr_min})")
        self.eps_itr_min = eps_itr_min
        self.eps_itr_max = eps_itr_max

    def sample_mode_state(self) -> dict:
        """The epsilon schedule's iterations (set by the algorithm)."""
        return dict(super().sample_mode_state(), eps_itr_min=self.eps_itr_min, eps_itr_max=self.eps_itr_max)

    def load_sample_mode_state(self, state: dict) -> None:
        """Follow the trained agent's epsilon schedule."""
        super().load_sample_mode_state(state)
        self.set_epsilon_itr_min_max(state["eps_itr_min"], state["eps_itr_max"])

    def make_vec_eps(self, global_B: int, env_ranks: list | None) -> None:
        """One initial and one final epsilon per environment of this agent."""
        ranks = np.arange(global_B) if env_ranks is None else np.asarray(env_ranks)
        if self.eps_final_min is not None and self.eps_final_min != self.eps_final:
            finals = np.logspace(np.log10(self.eps_final_min), np.log10(self.eps_final), max(global_B, 1))
            self._eps_final_vec = torch.tensor(finals[ranks], dtype=torch.float32)
            self._eps_init_vec = torch.full_like(self._eps_final_vec, self.eps_init)
        else:
            self._eps_init_vec, self._eps_final_vec = self.eps_init, self.eps_final

    def collector_initialize(self, global_B: int = 1, env_ranks: list | None = None) -> None:
        """In a sampler worker: take the epsilons of this worker's environments."""
        super().collector_initialize(global_B=global_B, env_ranks=env_ranks)
        self.make_vec_eps(global_B, env_ranks)

    def sample_epsilon(self, itr: int):
        """The sampling epsilon (number or per-environment tensor) at ``itr``."""
        span = max(self.eps_itr_max - self.eps_itr_min, 1)
        progress = min(max(itr - self.eps_itr_min, 0) / span, 1.0)
        return self._eps_init_vec + progress * (self._eps_final_vec - self._eps_init_vec)

    def sample_mode(self, itr: int) -> None:
        """Sampling mode with the scheduled epsilon."""
        super().sample_mode(itr)
        self.distribution.set_epsilon(self.sample_epsilon(itr))

    def eval_mode(self, itr: int) -> None:
        """Eval mode with ``eps_eval``."""
        super().eval_mode(itr)
        self.distribution.set_epsilon(self.eps_eval)
