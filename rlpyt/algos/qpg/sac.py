"""Soft Actor-Critic (Haarnoja et al., 2018) with twin Q-functions and
automatic entropy tuning."""
from __future__ import annotations

import math
from collections import namedtuple

import torch

from rlpyt.agents.base import unwrap_ddp, wrap_ddp
from rlpyt.agents.qpg.sac_agent import SacAgent
from rlpyt.algos.base import optimizer_params
from rlpyt.algos.data_parallel import JointLoss
from rlpyt.algos.qpg.base import QpgAlgoBase, frozen
from rlpyt.utils.checks import check_number

OptInfo = namedtuple("OptInfo", ["q1Loss", "q2Loss", "piLoss", "qGradNorm", "piGradNorm", "q1", "q2",
    "piLogStd", "alpha"])


class SAC(QpgAlgoBase):
    """Trains a ``SacAgent``. Each update:

    - Q-functions regress on ``reward_scale * return_ + discount^n *
      (min_i Q'_i(s', a') - alpha * log pi(a'|s'))``, a' ~ pi(s');
    - the policy minimizes ``alpha * log pi(a|s) - min_i Q_i(s, a)``, a ~
      pi(s), by the reparameterization gradient (``reparameterize``) or the
      score-function gradient;
    - alpha (the entropy temperature) follows ``target_entropy`` ("auto":
      minus the action dimension) unless ``fixed_alpha`` is given.

    The three losses are computed from the same parameters and
    backpropagated together, then each optimizer steps (rlpyt's order; under
    SyncRl their gradients are averaged in one all-reduce).

    ``action_prior`` "uniform" adds nothing; "gaussian" adds the
    log-density of the action (normalized to [-1, 1]) under a unit Gaussian
    to the policy's objective, as rlpyt did. See ``QpgAlgoBase`` for
    replay, target updates and time limits.
    """

    agent_class = SacAgent

    opt_info_fields = tuple(OptInfo._fields)
    OptInfoCls = OptInfo
    compiled_methods = ("q_loss", "pi_loss")

    def __init__(self, discount: float = 0.99, batch_size: int = 256, min_steps_learn: int = int(1e4),
            replay_size: int = int(1e6), replay_ratio: float = 256, target_update_tau: float = 0.005,
            target_update_interval: int = 1, learning_rate: float = 3e-4, fixed_alpha: float | None = None,
            OptimCls=torch.optim.Adam, optim_kwargs: dict | None = None,
            initial_optim_state_dict: dict | None = None, action_prior: str = "uniform",
            reward_scale: float = 1, target_entropy: str | float = "auto", reparameterize: bool = True,
            clip_grad_norm: float = 1e9, n_step_return: int = 1, updates_per_sync: int = 1,
            bootstrap_timelimit: bool = True, ReplayBufferCls=None, compile: bool = False) -> None:
        super().__init__(discount=discount, batch_size=batch_size, min_steps_learn=min_steps_learn,
            replay_size=replay_size, replay_ratio=replay_ratio, target_update_tau=target_update_tau,
            target_update_interval=target_update_interval, n_step_return=n_step_return, OptimCls=OptimCls,
            optim_kwargs=optim_kwargs, initial_optim_state_dict=initial_optim_state_dict,
            clip_grad_norm=clip_grad_norm, updates_per_sync=updates_per_sync,
            bootstrap_timelimit=bootstrap_timelimit, ReplayBufferCls=ReplayBufferCls, compile=compile)
        owner = type(self).__name__
        check_number(owner, "learning_rate", learning_rate, 0)
        check_number(owner, "reward_scale", reward_scale)
        if fixed_alpha is not None:
            check_number(owner, "fixed_alpha", fixed_alpha, 0)
        if action_prior not in ("uniform", "gaussian"):
            raise ValueError(f"{owner}: action_prior must be 'uniform' or 'gaussian', got {action_prior!r}")
        if target_entropy != "auto":
            check_number(owner, "target_entropy", target_entropy)
        self.learning_rate = learning_rate
        self.fixed_alpha = fixed_alpha
        self.action_prior = action_prior
        self.reward_scale = reward_scale
        self.target_entropy = target_entropy
        self.reparameterize = reparameterize

    @property
    def optimizer_names(self) -> tuple:
        """The optimizers in snapshots (no alpha optimizer with ``fixed_alpha``)."""
        names = ("pi_optimizer", "q_optimizer")
        return names if self.fixed_alpha is not None else names + ("alpha_optimizer",)

    def make_optimizers(self) -> None:
        """Policy, Q-function and (unless ``fixed_alpha``) temperature
        optimizers, and the ``JointLoss`` of the three."""
        self.pi_optimizer = self.new_optimizer(self.agent.policy_parameters(), self.learning_rate)
        self.q_optimizer = self.new_optimizer(self.agent.q_parameters(), self.learning_rate)
        parts = dict(model=self.agent.model, q_models=self.agent.q_models)
        if self._target_entropy_value() is None:
            self.log_alpha = torch.tensor(math.log(self.fixed_alpha), device=self.agent.device)
        else:
            self.log_alpha = torch.nn.Parameter(torch.zeros((), device=self.agent.device))
            self.alpha_optimizer = self.new_optimizer([self.log_alpha], self.learning_rate)
            parts["log_alpha"] = self.log_alpha
        self._alpha = torch.exp(self.log_alpha.detach())
        self._joint_loss = JointLoss(self.losses, **parts)
        self._target_entropy = self._target_entropy_value()
        self._optimizers = [getattr(self, name) for name in self.optimizer_names]
        self._q_params = optimizer_params(self.q_optimizer)

    def data_parallel(self, world_size: int) -> None:
        """Rank 0's agent state to every rank, then one DistributedDataParallel
        over policy, Q-functions and temperature: an update's gradients are
        averaged in one all-reduce."""
        self.agent.broadcast_state()
        self._joint_loss = wrap_ddp(unwrap_ddp(self._joint_loss), self.agent.device)

    def end_data_parallel(self) -> None:
        """The joint loss unwrapped again."""
        self._joint_loss = unwrap_ddp(self._joint_loss)
        super().end_data_parallel()

    def _target_entropy_value(self) -> float | None:
        if self.fixed_alpha is not None:
            return None
        if self.target_entropy == "auto":
            return -float(self.agent.distribution.dim)
        return float(self.target_entropy)

    def q_target(self, samples) -> torch.Tensor:
        """The soft n-step TD target of each transition (no gradients)."""
        with torch.no_grad():
            next_action, next_log_pi, _ = self.agent.pi(*samples.target_inputs)
            target_q1, target_q2 = self.agent.target_q(*samples.target_inputs, next_action)
            next_value = torch.minimum(target_q1, target_q2) - self._alpha * next_log_pi
            return_ = samples.return_ if self.reward_scale == 1 else self.reward_scale * samples.return_
            return return_ + self.bootstrap_discount(samples) * next_value

    def prior_log_pi(self, action: torch.Tensor) -> torch.Tensor | float:
        """The action prior's log-density: 0 for "uniform"; for "gaussian",
        a unit Gaussian's at the normalized action, summed over dimensions."""
        if self.action_prior == "uniform":
            return 0.0
        normalized = self.agent.normalize_action(action)
        return -0.5 * torch.sum(normalized ** 2 + math.log(2 * math.pi), dim=-1)

    def q_loss(self, samples) -> tuple:
        """``(q1_loss + q2_loss, q1_loss, q2_loss, mean q1, mean q2)``: the
        halved squared errors of both Q-functions against the soft target."""
        y = self.q_target(samples)
        q1, q2 = self.agent.q(*samples.agent_inputs, samples.action)
        q1_loss = 0.5 * torch.mean((y - q1) ** 2)
        q2_loss = 0.5 * torch.mean((y - q2) ** 2)
        return q1_loss + q2_loss, q1_loss.detach(), q2_loss.detach(), q1.detach().mean(), q2.detach().mean()

    def pi_loss(self, samples) -> tuple:
        """``(pi_loss, log_pi, mean log_std)`` of fresh policy samples
        (``losses`` calls it with the Q models frozen)."""
        action, log_pi, dist_info = self.agent.pi(*samples.agent_inputs, reparameterize=self.reparameterize)
        min_q = torch.minimum(*self.agent.q(*samples.agent_inputs, action))
        objective = self._alpha * log_pi - min_q
        if self.action_prior != "uniform":
            objective = objective - self.prior_log_pi(action)
        if self.reparameterize:
            pi_loss = torch.mean(objective)
        else:
            pi_loss = torch.mean(log_pi * objective.detach())
        return pi_loss, log_pi.detach(), dist_info.log_std.detach().mean()

    def alpha_loss(self, log_pi: torch.Tensor) -> torch.Tensor:
        """The temperature's loss at the policy samples' (detached) ``log_pi``."""
        return -torch.mean(self.log_alpha * (log_pi + self._target_entropy))

    def losses(self, samples) -> tuple:
        """``(loss, diagnostics)`` of one update, every term computed from the
        same parameters (as rlpyt's SAC): Q-function loss + policy loss
        (through frozen Q-functions into the action only) + temperature loss.
        They train disjoint parameters, so one backward gives each its own
        gradient."""
        q_loss, q1_loss, q2_loss, q1, q2 = self.q_loss(samples)
        with frozen(self._q_params):
            pi_loss, log_pi, log_std = self.pi_loss(samples)
        loss = q_loss + pi_loss
        if self._target_entropy is not None:
            loss = loss + self.alpha_loss(log_pi)
        return loss, (q1_loss, q2_loss, pi_loss.detach(), q1, q2, log_std)

    def step_losses(self, samples) -> tuple:
        """The compiled step's losses (``whole_steps``), one per optimizer of
        ``_optimizers`` (policy, Q-functions, temperature unless fixed),
        then the diagnostics q1Loss, q2Loss, q1, q2, piLogStd: ``losses``
        kept apart. The Q-functions are not frozen for the policy loss: the
        step takes each loss's gradients of its own optimizer's parameters
        only."""
        q_loss, q1_loss, q2_loss, q1, q2 = self.q_loss(samples)
        pi_loss, log_pi, log_std = self.pi_loss(samples)
        alpha_loss = () if self._target_entropy is None else (self.alpha_loss(log_pi),)
        return (pi_loss, q_loss, *alpha_loss, q1_loss, q2_loss, q1, q2, log_std)

    def whole_steps(self) -> dict:
        """One compiled step of ``step_losses``: the policy and the
        Q-functions clipped at ``clip_grad_norm``, the temperature not."""
        clip_grad_norms = (self.clip_grad_norm, self.clip_grad_norm, None)[:len(self._optimizers)]
        return {"update": (self.step_losses, self._optimizers, clip_grad_norms)}

    def update(self, samples, opt_info: dict) -> None:
        """One backward of ``losses``, then a step of the Q-functions, the
        policy and the temperature (with ``compile`` on the CPU: the
        compiled step of ``step_losses``)."""
        step = self.compiled_step("update")
        if step is None:
            loss, (q1_loss, q2_loss, pi_loss, q1, q2, log_std) = self._joint_loss(samples)
            for optimizer in self._optimizers:
                optimizer.zero_grad(set_to_none=True)
            loss.backward()
            q_grad_norm = self.clip_step(self.q_optimizer)
            pi_grad_norm = self.clip_step(self.pi_optimizer)
            if self.fixed_alpha is None:
                self.alpha_optimizer.step()
        else:
            outputs, (pi_grad_norm, q_grad_norm, *_) = step(samples)
            pi_loss, (q1_loss, q2_loss, q1, q2, log_std) = outputs[0], outputs[len(self._optimizers):]
        if self.fixed_alpha is None:
            self._alpha = torch.exp(self.log_alpha.detach())

        for name, value in (("q1Loss", q1_loss), ("q2Loss", q2_loss), ("piLoss", pi_loss),
                ("qGradNorm", q_grad_norm), ("piGradNorm", pi_grad_norm), ("q1", q1),
                ("q2", q2), ("piLogStd", log_std), ("alpha", self._alpha)):
            opt_info[name].append(value)  # all without gradient already

    def optim_state_dict(self) -> dict:
        """Optimizer states and the temperature."""
        return dict(super().optim_state_dict(), log_alpha=self.log_alpha.detach().clone())

    def load_optim_state_dict(self, state_dict: dict) -> None:
        """Restore optimizers and temperature."""
        super().load_optim_state_dict(state_dict)
        with torch.no_grad():
            self.log_alpha.copy_(state_dict["log_alpha"])
        self._alpha = torch.exp(self.log_alpha.detach())
