"""Deep Q-learning (Mnih et al., 2015) with the usual extensions: n-step
returns, Double DQN, prioritized replay, soft or periodic target updates."""
from __future__ import annotations

from collections import namedtuple

import torch

from rlpyt.algos.base import ReplayAlgorithm
from rlpyt.replays.non_sequence.frame import (PrioritizedReplayFrameBuffer, UniformReplayFrameBuffer,
    is_frame_observation)
from rlpyt.replays.non_sequence.prioritized import PrioritizedReplayBuffer
from rlpyt.replays.non_sequence.uniform import UniformReplayBuffer
from rlpyt.replays.samples import SamplesToBuffer, SamplesToBufferTl
from rlpyt.utils.checks import check_count, check_number
from rlpyt.utils.tensor import select_at_indexes

__all__ = ["DQN", "OptInfo", "SamplesToBuffer", "SamplesToBufferTl"]

OptInfo = namedtuple("OptInfo", ["loss", "gradNorm", "tdAbsErr"])


class DQN(ReplayAlgorithm):
    """Trains a ``DqnAgent`` from a replay buffer.

    Each iteration appends the sampler's batch to the buffer and, once
    ``min_steps_learn`` environment steps are stored, makes
    ``replay_ratio * batch_T * batch_B / batch_size`` updates of
    ``batch_size`` transitions (``replay_ratio``: how many times each sampled
    transition is replayed on average). The loss is the Huber loss
    (``delta_clip``; None for squared error) of the n-step TD error against
    the target network, whose weights follow the model every
    ``target_update_interval`` updates (by ``target_update_tau``).
    ``double_dqn`` selects the bootstrap action with the online model.
    ``prioritized_replay`` samples by |TD error| ** ``pri_alpha`` with
    importance weights whose exponent anneals from ``pri_beta_init`` to
    ``pri_beta_final`` over ``pri_beta_steps`` environment steps.
    Epsilon decays from ``min_steps_learn`` to ``eps_steps`` environment steps.

    The buffer is chosen from the observation (override with
    ``ReplayBufferCls``): frame buffers for stacked uint8 images, otherwise
    buffers storing whole observations. A time-limit truncation is not
    terminal: targets bootstrap from the true final observation.
    """

    opt_info_fields = tuple(OptInfo._fields)
    OptInfoCls = OptInfo
    bootstrap_value = False
    compiled_methods = ("loss",)
    whole_step_compiles = True

    def __init__(self, discount: float = 0.99, batch_size: int = 32, min_steps_learn: int = int(5e4),
            delta_clip: float | None = 1.0, replay_size: int = int(1e6), replay_ratio: float = 8,
            target_update_tau: float = 1.0, target_update_interval: int = 312, n_step_return: int = 1,
            learning_rate: float = 6.25e-5, OptimCls=torch.optim.Adam, optim_kwargs: dict | None = None,
            initial_optim_state_dict: dict | None = None, clip_grad_norm: float = 10.0,
            eps_steps: int = int(1e6), double_dqn: bool = False, prioritized_replay: bool = False,
            pri_alpha: float = 0.6, pri_beta_init: float = 0.4, pri_beta_final: float = 1.0,
            pri_beta_steps: int = int(50e6), default_priority: float | None = None,
            ReplayBufferCls=None, updates_per_sync: int = 1, compile: bool = False) -> None:
        super().__init__(discount=discount, batch_size=batch_size, min_steps_learn=min_steps_learn,
            replay_size=replay_size, replay_ratio=replay_ratio, target_update_tau=target_update_tau,
            target_update_interval=target_update_interval, n_step_return=n_step_return, OptimCls=OptimCls,
            optim_kwargs=optim_kwargs, initial_optim_state_dict=initial_optim_state_dict,
            clip_grad_norm=clip_grad_norm, updates_per_sync=updates_per_sync, ReplayBufferCls=ReplayBufferCls,
            compile=compile)
        if optim_kwargs is None:
            self.optim_kwargs = dict(eps=0.01 / self.batch_size)
        owner = type(self).__name__
        if delta_clip is not None:
            check_number(owner, "delta_clip", delta_clip, 0)
        check_number(owner, "learning_rate", learning_rate, 0)
        eps_steps = check_count(owner, "eps_steps", eps_steps, 0)
        check_number(owner, "pri_alpha", pri_alpha, 0)
        check_number(owner, "pri_beta_init", pri_beta_init, 0, 1)
        check_number(owner, "pri_beta_final", pri_beta_final, 0, 1)
        pri_beta_steps = check_count(owner, "pri_beta_steps", pri_beta_steps, 1)
        self.delta_clip = delta_clip
        self.learning_rate = learning_rate
        self.eps_steps = eps_steps
        self.double_dqn = double_dqn
        self.prioritized_replay = prioritized_replay
        self.pri_alpha = pri_alpha
        self.pri_beta_init = pri_beta_init
        self.pri_beta_final = pri_beta_final
        self.pri_beta_steps = pri_beta_steps
        self.default_priority = (delta_clip or 1.0) if default_priority is None else default_priority

    def give_agent_schedule(self, agent, batch_spec) -> None:
        """Epsilon decays from ``min_steps_learn`` to ``eps_steps``, and the
        importance-sampling exponent over ``pri_beta_steps``, in iterations."""
        agent.set_epsilon_itr_min_max(max(1, self.min_itr_learn), max(1, self.min_itr_learn,
            int(self.eps_steps // batch_spec.size)))
        self.pri_beta_itr = max(1, self.pri_beta_steps // batch_spec.size)

    def replay_buffer_class(self, example):
        """Frame buffers for stacked uint8 images, else buffers storing whole
        observations; prioritized with ``prioritized_replay``."""
        if is_frame_observation(example.observation):
            return PrioritizedReplayFrameBuffer if self.prioritized_replay else UniformReplayFrameBuffer
        return PrioritizedReplayBuffer if self.prioritized_replay else UniformReplayBuffer

    def replay_buffer_kwargs(self) -> dict:
        """Prioritized replay's exponents and default priority."""
        if not self.prioritized_replay:
            return {}
        return dict(alpha=self.pri_alpha, beta=self.pri_beta_init, default_priority=self.default_priority)

    def make_optimizers(self) -> None:
        """One optimizer over the model's parameters."""
        self.optimizer = self.new_optimizer(self.agent.parameters(), self.learning_rate)

    def update(self, samples, opt_info: dict) -> None:
        """One step on the TD loss; new priorities with prioritized replay."""
        (loss, td_abs_errors), grad_norm = self.loss_step(samples)
        if self.prioritized_replay:
            self.replay_buffer.update_batch_priorities(td_abs_errors)
        opt_info["loss"].append(loss)
        opt_info["gradNorm"].append(grad_norm)
        opt_info["tdAbsErr"].append(td_abs_errors[::8])  # a subsample keeps logging cheap

    def update_itr_hyperparams(self, itr: int) -> None:
        """Anneal the importance-sampling exponent of prioritized replay."""
        if self.prioritized_replay:
            progress = min(1.0, (itr + 1) / self.pri_beta_itr)
            self.replay_buffer.set_beta(self.pri_beta_init + progress * (self.pri_beta_final - self.pri_beta_init))

    def loss(self, samples):
        """``(loss, td_abs_errors)``: Huber (or squared) n-step TD error,
        weighted by ``is_weights`` with prioritized replay; the absolute
        errors (clipped at ``delta_clip``) are the new priorities."""
        q = select_at_indexes(samples.action, self.agent(*samples.agent_inputs))
        with torch.no_grad():
            target_q = self.agent.target(*samples.target_inputs)
            if self.double_dqn:
                next_action = torch.argmax(self.agent(*samples.target_inputs), dim=-1)
            else:
                next_action = torch.argmax(target_q, dim=-1)
            target_q = select_at_indexes(next_action, target_q)
            y = samples.return_ + self.bootstrap_discount(samples) * target_q
        delta = y - q
        abs_delta = delta.abs()
        if self.delta_clip is None:
            losses = 0.5 * delta ** 2
        else:
            losses = torch.nn.functional.huber_loss(q, y, reduction="none", delta=self.delta_clip)
        is_weights = getattr(samples, "is_weights", None)
        loss = losses.mean() if is_weights is None else (losses * is_weights).mean()
        td_abs_errors = abs_delta.detach()
        if self.delta_clip is not None:
            td_abs_errors = torch.clamp(td_abs_errors, 0, self.delta_clip)
        return loss, td_abs_errors
