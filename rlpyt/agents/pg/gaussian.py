"""Policy-gradient agent for continuous actions."""
from __future__ import annotations

import torch

from rlpyt.agents.base import AgentStep
from rlpyt.agents.pg.base import AgentInfo, PgAgentBase, rlpyt_space
from rlpyt.distributions.gaussian import DistInfoStd, Gaussian
from rlpyt.models.pg.mlp import GaussianPgMlpModel
from rlpyt.spaces.float_box import FloatBox


class GaussianPgAgent(PgAgentBase):
    """Samples continuous actions from a diagonal Gaussian.

    The model's ``forward(observation, prev_action, prev_reward)`` returns
    ``(mu, log_std, value)``. Without ``ModelCls`` a policy/value MLP sized
    from the env spaces is used; a user's ``ModelCls`` gets only
    ``model_kwargs``.
    """

    DefaultModelCls = GaussianPgMlpModel

    def initialize(self, env_spaces, share_memory: bool = False, global_B: int = 1,
            env_ranks: list | None = None) -> None:
        """Check the action space is a 1-D FloatBox, build the model and distribution."""
        action_space = rlpyt_space(env_spaces.action)
        if not isinstance(action_space, FloatBox) or len(action_space.shape) != 1:
            raise TypeError(f"{type(self).__name__}: the action space must be a 1-D FloatBox "
                f"(continuous actions), got {action_space!r}")
        super().initialize(env_spaces, share_memory, global_B, env_ranks)
        self.distribution = Gaussian(dim=action_space.shape[0])

    def action_size(self, action_space) -> int:
        """Policy output width: the action dimension."""
        return action_space.shape[0]

    def __call__(self, observation, prev_action, prev_reward):
        """Training forward: ``(DistInfoStd(mean, log_std), value)`` on the CPU."""
        inputs = self.to_model_device((observation, prev_action, prev_reward))
        mu, log_std, value = self.model(*inputs)
        return self.to_cpu((DistInfoStd(mean=mu, log_std=log_std), value))

    @torch.no_grad()
    def step(self, observation, prev_action, prev_reward) -> AgentStep:
        """Sample actions; ``agent_info`` holds the distribution and the value."""
        inputs = self.to_model_device((observation, prev_action, prev_reward))
        mu, log_std, value = self.model(*inputs)
        dist_info = DistInfoStd(mean=mu, log_std=log_std)
        action = self.distribution.sample(dist_info)
        return self.to_cpu(AgentStep(action=action, agent_info=AgentInfo(dist_info=dist_info, value=value)))

    @torch.no_grad()
    def value(self, observation, prev_action, prev_reward) -> torch.Tensor:
        """State value, for bootstrapping."""
        inputs = self.to_model_device((observation, prev_action, prev_reward))
        _mu, _log_std, value = self.model(*inputs)
        return self.to_cpu(value)
