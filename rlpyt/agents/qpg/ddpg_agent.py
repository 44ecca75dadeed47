"""DDPG agent: a deterministic policy mu with Gaussian exploration noise, a
Q-function of (observation, action), and target copies of both."""
from __future__ import annotations

import torch

from rlpyt.agents.base import AgentStep, no_grad_step
from rlpyt.agents.qpg.base import QpgAgentBase
from rlpyt.distributions.gaussian import DistInfo, Gaussian
from rlpyt.models.qpg.mlp import MuMlpModel, QofMuMlpModel, q_values
from rlpyt.utils.collections import namedarraytuple

AgentInfo = namedarraytuple("AgentInfo", ["mu"])


class DdpgAgent(QpgAgentBase):
    """Acts with ``mu(observation)`` plus N(0, ``action_std``) noise (clipped to
    ``action_noise_clip`` when set) in the normalized action range [-1, 1],
    then scaled to the env's bounds; deterministic in eval mode. Before the
    algorithm starts learning, the noise std is ``pretrain_std`` when given.

    ``ModelCls`` (default ``MuMlpModel``, 400x300) returns normalized actions
    in [-1, 1]; ``QModelCls`` (default ``QofMuMlpModel``, 400x300) takes
    ``(observation, prev_action, prev_reward, action)``; see ``QpgAgentBase``.
    """

    DefaultModelCls = MuMlpModel
    DefaultQModelCls = QofMuMlpModel
    target_policy = True

    def __init__(self, ModelCls=None, QModelCls=None, model_kwargs: dict | None = None,
            q_model_kwargs: dict | None = None, initial_model_state_dict: dict | None = None,
            initial_q_model_state_dict: dict | None = None, action_std: float = 0.1,
            action_noise_clip: float | None = None, pretrain_std: float | None = None) -> None:
        if not action_std > 0:
            raise ValueError(f"{type(self).__name__}: action_std must be > 0, got {action_std!r}")
        super().__init__(ModelCls=ModelCls, QModelCls=QModelCls,
            model_kwargs=dict(hidden_sizes=(400, 300)) if model_kwargs is None else model_kwargs,
            q_model_kwargs=dict(hidden_sizes=(400, 300)) if q_model_kwargs is None else q_model_kwargs,
            initial_model_state_dict=initial_model_state_dict,
            initial_q_model_state_dict=initial_q_model_state_dict, pretrain_std=pretrain_std)
        self.action_std = action_std
        self.action_noise_clip = action_noise_clip

    def make_distribution(self, action_size: int) -> Gaussian:
        """Exploration noise around mu, kept inside [-1, 1]."""
        return Gaussian(dim=action_size, std=self.action_std, noise_clip=self.action_noise_clip, clip=1.0)

    def policy_action(self, model_output) -> torch.Tensor:
        """mu is the model's output."""
        return model_output

    def mu(self, observation, prev_action, prev_reward) -> torch.Tensor:
        """The policy's action (environment units), with gradients."""
        inputs = self.to_model_device((observation, prev_action, prev_reward))
        return self.to_cpu(self.scale_action(self.model(*inputs)))

    def q_at_mu(self, observation, prev_action, prev_reward) -> torch.Tensor:
        """Q1(observation, mu(observation)) with gradients into mu (the policy objective)."""
        inputs = self.to_model_device((observation, prev_action, prev_reward))
        return self.to_cpu(self.q_models[0](*inputs, self.model(*inputs)))

    def target_action(self, inputs) -> torch.Tensor:
        """The target policy's normalized action at model-device ``inputs``."""
        return self.target_model(*inputs)

    @torch.no_grad()
    def target_q_at_mu(self, observation, prev_action, prev_reward):
        """The target Q-function(s) at the target policy's action: one tensor,
        or a tuple with twin Q-functions."""
        inputs = self.to_model_device((observation, prev_action, prev_reward))
        action = self.target_action(inputs)
        qs = [self.to_cpu(q) for q in q_values(self.target_q_models, *inputs, action)]
        return qs[0] if self.n_q == 1 else tuple(qs)

    @no_grad_step
    def step(self, observation, prev_action, prev_reward) -> AgentStep:
        """Noisy mu in sample mode, mu in eval mode; ``agent_info.mu`` holds mu
        (normalized)."""
        mu = self.model(*self.to_model_device((observation, prev_action, prev_reward)))
        if self._mode == "eval":
            action = mu
        elif self._pretrain:
            action = torch.clamp(mu + self.pretrain_std * torch.randn_like(mu), -1, 1)
        else:
            action = self.distribution.sample(DistInfo(mean=mu))
        return self.to_cpu(AgentStep(action=self.scale_action(action), agent_info=AgentInfo(mu=mu)))
