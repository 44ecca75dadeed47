"""Deep Deterministic Policy Gradient (Lillicrap et al., 2016)."""
from __future__ import annotations

from collections import namedtuple

import torch

from rlpyt.agents.qpg.ddpg_agent import DdpgAgent
from rlpyt.algos.base import optimizer_params
from rlpyt.algos.qpg.base import QpgAlgoBase, frozen
from rlpyt.utils.checks import check_count, check_number

OptInfo = namedtuple("OptInfo", ["muLoss", "qLoss", "muGradNorm", "qGradNorm"])


class DDPG(QpgAlgoBase):
    """Trains a ``DdpgAgent``: the Q-function regresses (squared error) on the
    n-step target ``return_ + discount^n * Q'(s', mu'(s'))`` (clipped at
    +-``q_target_clip``), and the policy ascends Q(s, mu(s)) every
    ``policy_update_interval`` updates. The policy's optimizer uses
    ``learning_rate``, the Q-function's ``q_learning_rate``. See
    ``QpgAlgoBase`` for replay, target updates and time limits."""

    agent_class = DdpgAgent

    opt_info_fields = tuple(OptInfo._fields)
    OptInfoCls = OptInfo
    optimizer_names = ("mu_optimizer", "q_optimizer")
    compiled_methods = ("q_loss", "mu_loss")

    def __init__(self, discount: float = 0.99, batch_size: int = 64, min_steps_learn: int = int(1e4),
            replay_size: int = int(1e6), replay_ratio: float = 64, target_update_tau: float = 0.01,
            target_update_interval: int = 1, policy_update_interval: int = 1, learning_rate: float = 1e-4,
            q_learning_rate: float = 1e-3, OptimCls=torch.optim.Adam, optim_kwargs: dict | None = None,
            initial_optim_state_dict: dict | None = None, clip_grad_norm: float = 1e8,
            q_target_clip: float = 1e6, n_step_return: int = 1, updates_per_sync: int = 1,
            bootstrap_timelimit: bool = True, ReplayBufferCls=None, compile: bool = False) -> None:
        super().__init__(discount=discount, batch_size=batch_size, min_steps_learn=min_steps_learn,
            replay_size=replay_size, replay_ratio=replay_ratio, target_update_tau=target_update_tau,
            target_update_interval=target_update_interval, n_step_return=n_step_return, OptimCls=OptimCls,
            optim_kwargs=optim_kwargs, initial_optim_state_dict=initial_optim_state_dict,
            clip_grad_norm=clip_grad_norm, updates_per_sync=updates_per_sync,
            bootstrap_timelimit=bootstrap_timelimit, ReplayBufferCls=ReplayBufferCls, compile=compile)
        owner = type(self).__name__
        policy_update_interval = check_count(owner, "policy_update_interval", policy_update_interval, 1)
        check_number(owner, "learning_rate", learning_rate, 0)
        check_number(owner, "q_learning_rate", q_learning_rate, 0)
        check_number(owner, "q_target_clip", q_target_clip, 0)
        self.policy_update_interval = policy_update_interval
        self.learning_rate = learning_rate
        self.q_learning_rate = q_learning_rate
        self.q_target_clip = q_target_clip

    def make_optimizers(self) -> None:
        """Separate optimizers for the policy and the Q-function(s)."""
        self.mu_optimizer = self.new_optimizer(self.agent.policy_parameters(), self.learning_rate)
        self.q_optimizer = self.new_optimizer(self.agent.q_parameters(), self.q_learning_rate)
        self._q_params = optimizer_params(self.q_optimizer)

    def q_target(self, samples) -> torch.Tensor:
        """The n-step TD target of each transition (no gradients)."""
        with torch.no_grad():
            target_q = self.agent.target_q_at_mu(*samples.target_inputs)
            if isinstance(target_q, tuple):
                target_q = torch.minimum(*target_q)
            y = samples.return_ + self.bootstrap_discount(samples) * target_q
            return torch.clamp(y, -self.q_target_clip, self.q_target_clip)

    def q_loss(self, samples) -> torch.Tensor:
        """Squared TD error (halved), summed over the Q-functions."""
        y = self.q_target(samples)
        qs = self.agent.q(*samples.agent_inputs, samples.action)
        qs = qs if isinstance(qs, tuple) else (qs,)
        return sum(0.5 * torch.mean((y - q) ** 2) for q in qs)

    def mu_loss(self, samples) -> torch.Tensor:
        """-Q1(s, mu(s)), averaged (``update`` calls it with the Q models
        frozen, so that no gradient reaches their weights)."""
        return -torch.mean(self.agent.q_at_mu(*samples.agent_inputs))

    def mu_loss_q_frozen(self, samples) -> torch.Tensor:
        """``mu_loss`` with the Q-functions frozen (the eager policy step)."""
        with frozen(self._q_params):
            return self.mu_loss(samples)

    def whole_steps(self) -> dict:
        """The Q-function step and the policy step, each compiled whole (the
        policy step takes no gradient of the Q-functions' parameters)."""
        return {"q": (self.q_loss, (self.q_optimizer,), (self.clip_grad_norm,)),
            "mu": (self.mu_loss, (self.mu_optimizer,), (self.clip_grad_norm,))}

    def update(self, samples, opt_info: dict) -> None:
        """A Q-function step, and a policy step every ``policy_update_interval`` updates."""
        (q_loss,), q_grad_norm = self.gradient_step("q", self.q_loss, self.q_optimizer, samples)
        opt_info["qLoss"].append(q_loss)
        opt_info["qGradNorm"].append(q_grad_norm)
        if self.update_counter % self.policy_update_interval == 0:
            (mu_loss,), mu_grad_norm = self.gradient_step("mu", self.mu_loss_q_frozen, self.mu_optimizer, samples)
            opt_info["muLoss"].append(mu_loss)
            opt_info["muGradNorm"].append(mu_grad_norm)
