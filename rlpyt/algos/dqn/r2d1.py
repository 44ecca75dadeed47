"""R2D1: recurrent replay DQN (R2D2 of Kapturowski et al., 2019, on one
learner) — sequences replayed from the agent's stored recurrent state,
burn-in, value rescaling, double-Q n-step targets, sequence priorities."""
from __future__ import annotations

import functools
from collections import namedtuple

import torch

from rlpyt.agents.dqn.r2d1_agent import R2d1AgentBase
from rlpyt.algos.dqn.dqn import DQN
from rlpyt.algos.dqn.r2d1_samples import SamplesToBufferRnn, SamplesToBufferRnnTl  # noqa: F401 (rlpyt's path)
from rlpyt.algos.dqn.r2d1_samples import r2d1_samples_to_buffer, sampling_td_errors, with_rnn_state
from rlpyt.algos.dqn.value_scale import inv_value_rescale, value_rescale
from rlpyt.replays.non_sequence.frame import is_frame_observation
from rlpyt.replays.samples import buffer_example
from rlpyt.replays.sequence.frame import PrioritizedSequenceReplayFrameBuffer, UniformSequenceReplayFrameBuffer
from rlpyt.replays.sequence.n_step import FinalInputs
from rlpyt.replays.sequence.prioritized import PrioritizedSequenceReplayBuffer
from rlpyt.replays.sequence.uniform import UniformSequenceReplayBuffer
from rlpyt.utils.buffer import buffer_method
from rlpyt.utils.checks import check_count, check_number
from rlpyt.utils.tensor import select_at_indexes, valid_mean

OptInfo = namedtuple("OptInfo", ["loss", "gradNorm", "tdAbsErr", "priority"])
BootstrapFields = namedtuple("BootstrapFields", ["done_n", "timeout_n", "bootstrap_steps"])


class R2D1(DQN):
    """Trains an ``R2d1Agent`` on replayed sequences.

    Each replayed sequence has ``warmup_T`` burn-in steps, run without
    gradient from the agent's stored recurrent state (kept every
    ``store_rnn_state_interval`` steps, where sequences may start; 0: none,
    start from zeros), then ``batch_T`` trained steps; ``batch_B`` sequences
    per update. Within a sequence, an environment's state restarts from zero
    after each done, as while sampling. Targets are n-step double-Q (with
    ``double_dqn``) under the value rescaling h with ``value_scale_eps``:
    y = h(return + discount^n h^-1(Q_target(t + n, argmax Q(t + n)))); no
    bootstrap after a termination, a bootstrap from the true final
    observation at a time-limit truncation. The loss is squared error
    (Huber with ``delta_clip``) averaged over the valid trained steps.
    ``prioritized_replay`` draws sequences by priority
    ``pri_eta * max + (1 - pri_eta) * mean`` of their |TD errors|;
    ``input_priorities`` gives new sequences that priority from the Q-values
    the sampler acted on (the training part, from ``input_priority_shift``
    state intervals on). ``replay_ratio``: times each sampled step is trained
    on, counting burn-in steps.
    """

    opt_info_fields = tuple(OptInfo._fields)
    OptInfoCls = OptInfo
    agent_class = R2d1AgentBase

    def __init__(self, discount: float = 0.997, batch_T: int = 80, batch_B: int = 64, warmup_T: int = 40,
            store_rnn_state_interval: int = 40, min_steps_learn: int = int(1e5), delta_clip: float | None = None,
            replay_size: int = int(1e6), replay_ratio: float = 1, target_update_interval: int = 2500,
            n_step_return: int = 5, learning_rate: float = 1e-4, OptimCls=torch.optim.Adam,
            optim_kwargs: dict | None = None, initial_optim_state_dict: dict | None = None,
            clip_grad_norm: float = 80.0, eps_steps: int = int(1e6), double_dqn: bool = True,
            prioritized_replay: bool = True, pri_alpha: float = 0.6, pri_beta_init: float = 0.9,
            pri_beta_final: float = 0.9, pri_beta_steps: int = int(50e6), pri_eta: float = 0.9,
            default_priority: float | None = None, input_priorities: bool = True,
            input_priority_shift: int | None = None, value_scale_eps: float = 1e-3, ReplayBufferCls=None,
            updates_per_sync: int = 1, compile: bool = False) -> None:
        owner = type(self).__name__
        batch_T = check_count(owner, "batch_T", batch_T, 1)
        batch_B = check_count(owner, "batch_B", batch_B, 1)
        warmup_T = check_count(owner, "warmup_T", warmup_T, 0)
        store_rnn_state_interval = check_count(owner, "store_rnn_state_interval", store_rnn_state_interval, 0)
        super().__init__(discount=discount, batch_size=(batch_T + warmup_T) * batch_B,
            min_steps_learn=min_steps_learn, delta_clip=delta_clip, replay_size=replay_size,
            replay_ratio=replay_ratio, target_update_interval=target_update_interval, n_step_return=n_step_return,
            learning_rate=learning_rate, OptimCls=OptimCls, optim_kwargs=optim_kwargs,
            initial_optim_state_dict=initial_optim_state_dict, clip_grad_norm=clip_grad_norm, eps_steps=eps_steps,
            double_dqn=double_dqn, prioritized_replay=prioritized_replay, pri_alpha=pri_alpha,
            pri_beta_init=pri_beta_init, pri_beta_final=pri_beta_final, pri_beta_steps=pri_beta_steps,
            default_priority=default_priority, ReplayBufferCls=ReplayBufferCls, updates_per_sync=updates_per_sync,
            compile=compile)
        if optim_kwargs is None:
            self.optim_kwargs = dict(eps=1e-3)
        check_number(owner, "pri_eta", pri_eta, 0, 1)
        check_number(owner, "value_scale_eps", value_scale_eps, 0)
        if input_priority_shift is None:
            input_priority_shift = warmup_T // max(store_rnn_state_interval, 1)
        self.batch_T = batch_T
        self.batch_B = batch_B
        self.warmup_T = warmup_T
        self.store_rnn_state_interval = store_rnn_state_interval
        self.pri_eta = pri_eta
        self.input_priorities = bool(input_priorities) and prioritized_replay
        self.input_priority_shift = check_count(owner, "input_priority_shift", input_priority_shift, 0)
        self.value_scale_eps = value_scale_eps

    def initialize_replay_buffer(self, examples, batch_spec) -> None:
        """A sequence buffer (frames for stacked uint8 images) that also
        stores the agent's ``prev_rnn_state``."""
        example = buffer_example(examples)
        if self.store_rnn_state_interval > 0:
            example = with_rnn_state(example, examples.agent_info.prev_rnn_state)
        ReplayBufferCls = self.ReplayBufferCls or self.replay_buffer_class(example)
        self.replay_buffer = self.make_replay_buffer(ReplayBufferCls, example=example, size=self.replay_size,
            B=batch_spec.B, discount=self.discount, n_step_return=self.n_step_return,
            rnn_state_interval=self.store_rnn_state_interval, batch_T=self.warmup_T + self.batch_T,
            **self.replay_buffer_kwargs())

    def replay_buffer_class(self, example):
        """Frame sequence buffers for stacked uint8 images, else sequence
        buffers of whole observations; prioritized with ``prioritized_replay``."""
        if is_frame_observation(example.observation):
            return PrioritizedSequenceReplayFrameBuffer if self.prioritized_replay else UniformSequenceReplayFrameBuffer
        return PrioritizedSequenceReplayBuffer if self.prioritized_replay else UniformSequenceReplayBuffer

    def replay_buffer_kwargs(self) -> dict:
        """Prioritized replay's settings, input priorities included."""
        if not self.prioritized_replay:
            return {}
        return dict(super().replay_buffer_kwargs(), input_priorities=self.input_priorities,
            input_priority_shift=self.input_priority_shift, input_priority_eta=self.pri_eta)

    def samples_to_buffer(self, samples):
        """The replay samples with the agent's rnn states, the validity mask
        of waiting environments and, with ``input_priorities``, per-step priorities."""
        return self.samples_to_buffer_function()(samples)

    def samples_to_buffer_function(self):
        """``samples_to_buffer`` as a picklable function, for AsyncRl's sampler
        process: it carries the agent's rnn state and the input priorities."""
        input_priorities = None
        if self.input_priorities:
            input_priorities = dict(n_step_return=self.n_step_return, discount=self.discount,
                value_scale_eps=self.value_scale_eps, delta_clip=self.delta_clip)
        return functools.partial(r2d1_samples_to_buffer, mid_batch_reset=self.mid_batch_reset,
            store_rnn_state=self.store_rnn_state_interval > 0, input_priorities=input_priorities)

    @property
    def replay_batch_size(self) -> int:
        """``batch_B`` replayed sequences."""
        return self.batch_B

    def value_scale(self, x: torch.Tensor) -> torch.Tensor:
        """h(x), the value rescaling."""
        return value_rescale(x, self.value_scale_eps)

    def inv_value_scale(self, z: torch.Tensor) -> torch.Tensor:
        """h^-1(z)."""
        return inv_value_rescale(z, self.value_scale_eps)

    def compute_input_priorities(self, samples) -> torch.Tensor:
        """Per-step |TD errors| [T, B] of a sampler batch from the Q-values the
        agent acted on (``r2d1_samples.sampling_td_errors``)."""
        return sampling_td_errors(samples, n_step_return=self.n_step_return, discount=self.discount,
            value_scale_eps=self.value_scale_eps, delta_clip=self.delta_clip)

    def update(self, samples, opt_info: dict) -> None:
        """One step on the sequence loss; new sequence priorities."""
        (loss, td_abs_errors, priorities), grad_norm = self.loss_step(samples)
        if self.prioritized_replay:
            self.replay_buffer.update_batch_priorities(priorities)
        opt_info["loss"].append(loss)
        opt_info["gradNorm"].append(grad_norm)
        opt_info["tdAbsErr"].append(td_abs_errors[::8])
        opt_info["priority"].append(priorities)

    def loss(self, samples) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
        """``(loss, td_abs_errors, priorities)`` of a batch of sequences:
        squared (or Huber) errors of the trained steps against their targets,
        averaged over the valid ones (weighted by ``is_weights`` with
        prioritized replay); ``td_abs_errors`` are the valid steps' (flat),
        ``priorities`` one per sequence."""
        q, y, valid = self.sequence_values(samples)
        delta = y - q
        if self.delta_clip is None:
            losses = 0.5 * delta ** 2
        else:
            losses = torch.nn.functional.huber_loss(q, y, reduction="none", delta=self.delta_clip)
        is_weights = getattr(samples, "is_weights", None)
        if is_weights is not None:
            losses = losses * is_weights.unsqueeze(0)
        loss = valid_mean(losses, valid)
        td_abs_errors = delta.detach().abs()
        if self.delta_clip is not None:
            td_abs_errors = td_abs_errors.clamp(max=self.delta_clip)
        priorities = (self.pri_eta * (td_abs_errors * valid).max(dim=0).values
            + (1 - self.pri_eta) * valid_mean(td_abs_errors, valid, dim=0))
        return loss, td_abs_errors[valid > 0], priorities

    def sequence_values(self, samples) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
        """``(q, y, valid)`` [batch_T, B] of the trained steps: Q of the
        taken actions (with gradient) after the burn-in, their value-rescaled
        n-step targets, and which steps count."""
        wT, bT, n = self.warmup_T, self.batch_T, self.n_step_return
        inputs, reset = samples.agent_inputs, samples.reset
        state = target_state = (None if samples.init_rnn_state is None
            else buffer_method(samples.init_rnn_state, "transpose", 0, 1))
        if wT > 0:
            with torch.no_grad():
                _, _, state = self.agent.sequence_q(*inputs[:wT], state, reset[:wT])
                _, _, target_state = self.agent.sequence_q(*inputs[:wT], target_state, reset[:wT], target=True)
        final = self.trained_final(samples)
        qs, final_q, _ = self.agent.sequence_q(*inputs[wT:], state, reset[wT:], final)
        train = slice(wT, wT + bT)
        q = select_at_indexes(samples.action[train], qs[:bT])
        with torch.no_grad():
            target_qs, final_target_q, _ = self.agent.sequence_q(*inputs[wT:], target_state, reset[wT:], final,
                target=True)
            next_q = self.bootstrap_q(qs.detach(), target_qs)[n:n + bT]
            timeout_n = getattr(samples, "timeout_n", None)
            terms = BootstrapFields(samples.done_n[train], None if timeout_n is None else timeout_n[train],
                None if timeout_n is None else samples.bootstrap_steps[train])
            if final_q is not None:
                at_truncation = self.bootstrap_q(final_q.detach(), final_target_q)
                next_q = torch.where(terms.timeout_n, self.truncation_values(final, at_truncation,
                    terms.bootstrap_steps, qs.shape[:2]), next_q)
            y = self.value_scale(samples.return_[train]
                + self.bootstrap_discount(terms) * self.inv_value_scale(next_q))
        return q, y, samples.valid[train].float()

    def bootstrap_q(self, online_q: torch.Tensor, target_q: torch.Tensor) -> torch.Tensor:
        """Target-network values of the bootstrap action: the online model's
        argmax with ``double_dqn``, the target's own otherwise."""
        action = torch.argmax(online_q if self.double_dqn else target_q, dim=-1)
        return select_at_indexes(action, target_q)

    def trained_final(self, samples) -> FinalInputs | None:
        """The batch's truncations within the trained part (steps counted from
        its start), or None without time limits or truncations there."""
        final = getattr(samples, "final", None)
        if final is None:
            return None
        keep = final.step >= self.warmup_T
        if not bool(keep.any()):
            return None
        return FinalInputs(final.step[keep] - self.warmup_T, *[x[keep] for x in tuple(final)[1:]])

    def truncation_values(self, final: FinalInputs, values: torch.Tensor, bootstrap_steps: torch.Tensor,
            shape: torch.Size) -> torch.Tensor:
        """For each trained step t, the value at the final observation of the
        truncation ending its window (step t + bootstrap_steps - 1); zeros
        where there is none."""
        dense = values.new_zeros(shape)
        dense[final.step, final.env] = values
        at = torch.arange(self.batch_T).unsqueeze(1) + bootstrap_steps - 1
        return torch.gather(dense, 0, at.clamp(max=shape[0] - 1))
