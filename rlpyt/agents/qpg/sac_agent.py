"""SAC agent: a tanh-squashed Gaussian policy, twin Q-functions and their
target copies."""
from __future__ import annotations

import math

import torch

from rlpyt.agents.base import AgentStep, no_grad_step
from rlpyt.agents.qpg.base import QpgAgentBase, full_log_std
from rlpyt.distributions.gaussian import DistInfoStd, Gaussian
from rlpyt.models.qpg.mlp import PiMlpModel, QofMuMlpModel
from rlpyt.utils.collections import namedarraytuple

AgentInfo = namedarraytuple("AgentInfo", ["dist_info"])

MIN_LOG_STD = -20.0
MAX_LOG_STD = 2.0


class SacAgent(QpgAgentBase):
    """Samples ``tanh(z)``, z ~ N(mu, std) from ``ModelCls`` (default
    ``PiMlpModel``, 256x256, returning ``(mu, log_std)``), scaled to the
    env's bounds; in eval mode acts with ``tanh(mu)``. Log-std is kept in
    [-20, 2]. Two Q models (default ``QofMuMlpModel``, 256x256) with target
    copies. Before learning starts, the std is ``pretrain_std`` when given."""

    DefaultModelCls = PiMlpModel
    DefaultQModelCls = QofMuMlpModel
    n_q = 2

    def __init__(self, ModelCls=None, QModelCls=None, model_kwargs: dict | None = None,
            q_model_kwargs: dict | None = None, v_model_kwargs: dict | None = None,
            initial_model_state_dict: dict | None = None, action_squash: float | None = 1.0,
            pretrain_std: float | None = 0.75, initial_q_model_state_dict: dict | None = None) -> None:
        """``v_model_kwargs`` and ``action_squash`` are rlpyt's keywords,
        accepted so that its scripts run unchanged: SAC here (as rlpyt's
        latest) has no value network, and actions are always squashed to
        [-1, 1] and then scaled to the env's bounds, which already gives
        rlpyt's ``action_squash=h`` behaviour for bounds [-h, h]. Only
        ``action_squash=None`` (no squashing) is refused."""
        if action_squash is None or not action_squash > 0:
            raise ValueError(f"{type(self).__name__}: action_squash must be a positive number (actions are "
                f"squashed through tanh and scaled to the env's bounds), got {action_squash!r}")
        super().__init__(ModelCls=ModelCls, QModelCls=QModelCls,
            model_kwargs=dict(hidden_sizes=(256, 256)) if model_kwargs is None else model_kwargs,
            q_model_kwargs=dict(hidden_sizes=(256, 256)) if q_model_kwargs is None else q_model_kwargs,
            initial_model_state_dict=initial_model_state_dict,
            initial_q_model_state_dict=initial_q_model_state_dict, pretrain_std=pretrain_std)

    def make_distribution(self, action_size: int) -> Gaussian:
        """tanh-squashed Gaussian with bounded std."""
        return Gaussian(dim=action_size, squash=1.0, min_std=math.exp(MIN_LOG_STD), max_std=math.exp(MAX_LOG_STD))

    def policy_action(self, model_output) -> torch.Tensor:
        """The squashed mean, tanh(mu)."""
        return torch.tanh(model_output[0])

    def pi(self, observation, prev_action, prev_reward, reparameterize: bool = True) -> tuple:
        """``(action, log_pi, dist_info)``: a sampled action (environment
        units), its log-likelihood under the squashed policy (in normalized
        units) and the pre-squash ``DistInfoStd``. With ``reparameterize``
        the action carries gradients; without, only ``log_pi`` does."""
        mu, log_std = self.model(*self.to_model_device((observation, prev_action, prev_reward)))
        dist_info = DistInfoStd(mean=mu, log_std=log_std)
        action, log_pi = self.distribution.sample_loglikelihood(dist_info, reparameterize)
        return self.to_cpu((self.scale_action(action), log_pi, dist_info))

    def target_q(self, observation, prev_action, prev_reward, action) -> tuple:
        """The two target Q-functions at the actions (environment units)."""
        with torch.no_grad():
            return tuple(self._q_values(self.target_q_models, observation, prev_action, prev_reward,
                self.normalize_action(action)))

    @no_grad_step
    def step(self, observation, prev_action, prev_reward) -> AgentStep:
        """A policy sample in sample mode, ``tanh(mu)`` in eval mode."""
        mu, log_std = self.model(*self.to_model_device((observation, prev_action, prev_reward)))
        if self._pretrain:
            log_std = full_log_std(mu, self.pretrain_std)
        dist_info = DistInfoStd(mean=mu, log_std=log_std)
        action = torch.tanh(mu) if self._mode == "eval" else self.distribution.sample(dist_info)
        return self.to_cpu(AgentStep(action=self.scale_action(action), agent_info=AgentInfo(dist_info=dist_info)))
