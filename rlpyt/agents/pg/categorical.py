"""Policy-gradient agent for discrete actions."""
from __future__ import annotations

import torch

from rlpyt.agents.base import AgentStep
from rlpyt.agents.pg.base import AgentInfo, PgAgentBase, rlpyt_space
from rlpyt.distributions.categorical import Categorical, DistInfo
from rlpyt.models.pg.mlp import CategoricalPgMlpModel
from rlpyt.spaces.int_box import IntBox


class CategoricalPgAgent(PgAgentBase):
    """Samples discrete actions from the model's probabilities.

    The model's ``forward(observation, prev_action, prev_reward)`` receives the
    previous action one-hot encoded and returns ``(pi, value)``: action
    probabilities [..., n_actions] and value [...]. Without ``ModelCls`` a
    policy/value MLP sized from the env spaces is used; a user's ``ModelCls``
    gets only ``model_kwargs``.
    """

    DefaultModelCls = CategoricalPgMlpModel

    def initialize(self, env_spaces, share_memory: bool = False, global_B: int = 1,
            env_ranks: list | None = None) -> None:
        """Check the action space is discrete, build the model and distribution."""
        action_space = rlpyt_space(env_spaces.action)
        if not isinstance(action_space, IntBox) or action_space.shape != ():
            raise TypeError(f"{type(self).__name__}: the action space must be a scalar IntBox "
                f"(discrete actions), got {action_space!r}")
        super().initialize(env_spaces, share_memory, global_B, env_ranks)
        self.distribution = Categorical(dim=int(action_space.n))

    def action_size(self, action_space) -> int:
        """Policy output width: the number of actions."""
        return int(action_space.n)

    def __call__(self, observation, prev_action, prev_reward):
        """Training forward: ``(DistInfo(prob), value)`` on the CPU."""
        prev_action = self.distribution.to_onehot(prev_action)
        inputs = self.to_model_device((observation, prev_action, prev_reward))
        pi, value = self.model(*inputs)
        return self.to_cpu((DistInfo(prob=pi), value))

    @torch.no_grad()
    def step(self, observation, prev_action, prev_reward) -> AgentStep:
        """Sample actions; ``agent_info`` holds the distribution and the value."""
        prev_action = self.distribution.to_onehot(prev_action)
        inputs = self.to_model_device((observation, prev_action, prev_reward))
        pi, value = self.model(*inputs)
        dist_info = DistInfo(prob=pi)
        action = self.distribution.sample(dist_info)
        return self.to_cpu(AgentStep(action=action, agent_info=AgentInfo(dist_info=dist_info, value=value)))

    @torch.no_grad()
    def value(self, observation, prev_action, prev_reward) -> torch.Tensor:
        """State value, for bootstrapping."""
        prev_action = self.distribution.to_onehot(prev_action)
        inputs = self.to_model_device((observation, prev_action, prev_reward))
        _pi, value = self.model(*inputs)
        return self.to_cpu(value)
