"""Deep Q-learning (Mnih et al., 2015) with the usual extensions: n-step
returns, Double DQN, prioritized replay, soft or periodic target updates."""
from __future__ import annotations

from collections import namedtuple

import torch

from rlpyt.algos.base import ReplayAlgorithm, make_optimizer
from rlpyt.replays.non_sequence.frame import (PrioritizedReplayFrameBuffer, UniformReplayFrameBuffer,
    is_frame_observation)
from rlpyt.replays.non_sequence.prioritized import PrioritizedReplayBuffer
from rlpyt.replays.non_sequence.uniform import UniformReplayBuffer
from rlpyt.replays.samples import SamplesToBuffer, SamplesToBufferTl, buffer_example, samples_to_buffer
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
    bootstrap_value = False

    def __init__(self, discount: float = 0.99, batch_size: int = 32, min_steps_learn: int = int(5e4),
            delta_clip: float | None = 1.0, replay_size: int = int(1e6), replay_ratio: float = 8,
            target_update_tau: float = 1.0, target_update_interval: int = 312, n_step_return: int = 1,
            learning_rate: float = 6.25e-5, OptimCls=torch.optim.Adam, optim_kwargs: dict | None = None,
            initial_optim_state_dict: dict | None = None, clip_grad_norm: float = 10.0,
            eps_steps: int = int(1e6), double_dqn: bool = False, prioritized_replay: bool = False,
            pri_alpha: float = 0.6, pri_beta_init: float = 0.4, pri_beta_final: float = 1.0,
            pri_beta_steps: int = int(50e6), default_priority: float | None = None,
            ReplayBufferCls=None, updates_per_sync: int = 1) -> None:
        super().__init__(discount=discount, batch_size=batch_size, min_steps_learn=min_steps_learn,
            replay_size=replay_size, replay_ratio=replay_ratio, target_update_tau=target_update_tau,
            target_update_interval=target_update_interval, n_step_return=n_step_return, OptimCls=OptimCls,
            optim_kwargs=optim_kwargs, initial_optim_state_dict=initial_optim_state_dict,
            clip_grad_norm=clip_grad_norm, updates_per_sync=updates_per_sync, ReplayBufferCls=ReplayBufferCls)
        if optim_kwargs is None:
            self.optim_kwargs = dict(eps=0.01 / batch_size)
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

    def initialize(self, agent, n_itr: int, batch_spec, mid_batch_reset: bool = True,
            examples=None, world_size: int = 1, rank: int = 0) -> None:
        """Build the replay buffer from ``examples``, the optimizer, and the
        agent's epsilon schedule, in iterations of ``batch_spec``."""
        self.initialize_schedule(agent, n_itr, batch_spec, mid_batch_reset, examples)
        sampler_bs = batch_spec.size
        agent.set_epsilon_itr_min_max(max(1, self.min_itr_learn), max(1, self.min_itr_learn,
            int(self.eps_steps // sampler_bs)))
        self.pri_beta_itr = max(1, self.pri_beta_steps // sampler_bs)
        self.initialize_replay_buffer(examples, batch_spec)
        self.optimizer = make_optimizer(self.OptimCls, agent.parameters(), self.learning_rate,
            self.optim_kwargs)
        if self.initial_optim_state_dict is not None:
            self.optimizer.load_state_dict(self.initial_optim_state_dict)

    def replay_buffer_class(self, observation_example):
        """``ReplayBufferCls``, or the buffer that suits the observation."""
        if self.ReplayBufferCls is not None:
            return self.ReplayBufferCls
        if is_frame_observation(observation_example):
            return PrioritizedReplayFrameBuffer if self.prioritized_replay else UniformReplayFrameBuffer
        return PrioritizedReplayBuffer if self.prioritized_replay else UniformReplayBuffer

    def initialize_replay_buffer(self, examples, batch_spec) -> None:
        """Build ``replay_buffer`` for the sampler's examples."""
        kwargs = dict(example=buffer_example(examples), size=self.replay_size, B=batch_spec.B,
            discount=self.discount, n_step_return=self.n_step_return)
        if self.prioritized_replay:
            kwargs.update(alpha=self.pri_alpha, beta=self.pri_beta_init, default_priority=self.default_priority)
        self.replay_buffer = self.replay_buffer_class(examples.observation)(**kwargs)

    def optimize_agent(self, itr: int, samples=None) -> OptInfo:
        """Store ``samples``; once enough are stored, make
        ``updates_per_optimize`` updates."""
        if samples is not None:
            self.replay_buffer.append_samples(samples_to_buffer(samples))
        opt_info = OptInfo(loss=[], gradNorm=[], tdAbsErr=[])
        if itr < self.min_itr_learn:
            return opt_info
        for _ in range(self.updates_per_optimize):
            samples_from_replay = self.replay_buffer.sample_batch(self.batch_size)
            loss, td_abs_errors = self.loss(samples_from_replay)
            self.optimizer.zero_grad(set_to_none=True)
            loss.backward()
            grad_norm = torch.nn.utils.clip_grad_norm_(self.agent.parameters(), self.clip_grad_norm)
            self.optimizer.step()
            if self.prioritized_replay:
                self.replay_buffer.update_batch_priorities(td_abs_errors)
            opt_info.loss.append(loss.item())
            opt_info.gradNorm.append(grad_norm.item())
            opt_info.tdAbsErr.extend(td_abs_errors[::8].tolist())  # a subsample keeps logging cheap
            self.update_counter += 1
            if self.update_counter % self.target_update_interval == 0:
                self.agent.update_target(self.target_update_tau)
        self.update_itr_hyperparams(itr)
        return opt_info

    def update_itr_hyperparams(self, itr: int) -> None:
        """Anneal the importance-sampling exponent of prioritized replay."""
        if self.prioritized_replay:
            progress = min(1.0, (itr + 1) / self.pri_beta_itr)
            self.replay_buffer.set_beta(self.pri_beta_init + progress * (self.pri_beta_final - self.pri_beta_init))

    def bootstrap_terms(self, samples):
        """``(bootstrap, discount_n)`` per transition: whether the target
        bootstraps (no terminal state in the window; truncations bootstrap)
        and the discount applied to the bootstrap value."""
        not_done = 1 - samples.done_n.float()
        timeout_n = getattr(samples, "timeout_n", None)
        if timeout_n is None:
            return not_done, self.discount ** self.n_step_return
        bootstrap = torch.maximum(not_done, timeout_n.float())
        return bootstrap, self.discount ** samples.bootstrap_steps.float()

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
            bootstrap, discount_n = self.bootstrap_terms(samples)
            y = samples.return_ + bootstrap * discount_n * target_q
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
