"""Distributional (C51) Q-learning agent."""
from __future__ import annotations

import torch

from rlpyt.agents.base import AgentStep, no_grad_step
from rlpyt.agents.dqn.dqn_agent import DqnAgent
from rlpyt.distributions.epsilon_greedy import CategoricalEpsilonGreedy
from rlpyt.models.dqn.mlp import CatDqnMlpModel
from rlpyt.utils.checks import check_count
from rlpyt.utils.collections import namedarraytuple

AgentInfo = namedarraytuple("AgentInfo", "p")


class CatDqnAgent(DqnAgent):
    """Acts epsilon-greedily on the expected values of the model's value
    distributions: the model returns probabilities [..., n_actions, n_atoms]
    on the support ``linspace(V_min, V_max, n_atoms)``, which the algorithm
    gives with ``give_V_min_max``. ``n_atoms`` is passed to the model
    (default ``CatDqnMlpModel``) through ``model_kwargs``."""

    DefaultModelCls = CatDqnMlpModel

    def __init__(self, n_atoms: int = 51, **kwargs) -> None:
        super().__init__(**kwargs)
        n_atoms = check_count(type(self).__name__, "n_atoms", n_atoms, 2)
        self.n_atoms = self.model_kwargs["n_atoms"] = n_atoms
        self.V_min, self.V_max = -10.0, 10.0

    def give_V_min_max(self, V_min: float, V_max: float) -> None:
        """Set the support's bounds (before ``initialize``)."""
        if not V_min < V_max:
            raise ValueError(f"{type(self).__name__}: V_min ({V_min}) must be < V_max ({V_max})")
        self.V_min, self.V_max = V_min, V_max
        if self.distribution is not None:
            self.distribution.set_z(self.support)

    @property
    def support(self) -> torch.Tensor:
        """The atoms' values."""
        return torch.linspace(self.V_min, self.V_max, self.n_atoms)

    def make_distribution(self, n_actions: int) -> CategoricalEpsilonGreedy:
        """Epsilon-greedy over expected values on the support."""
        return CategoricalEpsilonGreedy(dim=n_actions, z=self.support)

    @no_grad_step
    def step(self, observation, prev_action, prev_reward) -> AgentStep:
        """Epsilon-greedy actions; ``agent_info.p`` holds the distributions."""
        p = self.model(*self._inputs(observation, prev_action, prev_reward))
        action = self.distribution.sample(p)
        return self.to_cpu(AgentStep(action=action, agent_info=AgentInfo(p=p)))
