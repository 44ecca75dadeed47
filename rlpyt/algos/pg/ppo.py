"""Proximal policy optimization with the clipped surrogate objective."""
from __future__ import annotations

from collections import namedtuple

import torch

from rlpyt.algos.pg.base import PolicyGradientAlgo
from rlpyt.utils.buffer import buffer_func
from rlpyt.utils.checks import check_count, check_number
from rlpyt.utils.collections import namedarraytuple
from rlpyt.utils.tensor import valid_mean

LossInputs = namedarraytuple("LossInputs", ["agent_inputs", "action", "return_", "advantage", "valid",
    "old_log_likelihood", "init_rnn_state", "reset"])
"""The arguments of ``PPO.loss`` for every step of a batch; a minibatch is an
index of it (over steps, or over environments for recurrent agents, whose
``init_rnn_state`` leaves are [N, B, H])."""
OptInfo = namedtuple("OptInfo",
    ["loss", "gradNorm", "entropy", "perplexity", "piLoss", "valueLoss", "clipFrac", "approxKl"])


class PPO(PolicyGradientAlgo):
    """Several epochs of minibatch updates per batch on the clipped surrogate.

    With ``linear_lr_schedule`` both the learning rate and ``ratio_clip`` decay
    linearly to zero over the run, as in rlpyt. Feed-forward agents draw
    minibatches over all T*B steps; recurrent agents over the B sequences,
    each minibatch starting from its sequences' stored rnn states.
    """

    opt_info_fields = tuple(OptInfo._fields)
    compiled_methods = ("loss",)
    whole_step_compiles = True

    def __init__(self, discount: float = 0.99, learning_rate: float = 0.001,
            value_loss_coeff: float = 1.0, entropy_loss_coeff: float = 0.01,
            OptimCls=torch.optim.Adam, optim_kwargs: dict | None = None,
            clip_grad_norm: float = 1.0, initial_optim_state_dict: dict | None = None,
            gae_lambda: float = 1.0, minibatches: int = 4, epochs: int = 4,
            ratio_clip: float = 0.1, linear_lr_schedule: bool = True,
            normalize_advantage: bool = False, compile: bool = False) -> None:
        super().__init__(discount=discount, learning_rate=learning_rate,
            value_loss_coeff=value_loss_coeff, entropy_loss_coeff=entropy_loss_coeff,
            OptimCls=OptimCls, optim_kwargs=optim_kwargs, clip_grad_norm=clip_grad_norm,
            initial_optim_state_dict=initial_optim_state_dict, gae_lambda=gae_lambda,
            normalize_advantage=normalize_advantage, compile=compile)
        minibatches = check_count("PPO", "minibatches", minibatches, 1)
        epochs = check_count("PPO", "epochs", epochs, 1)
        check_number("PPO", "ratio_clip", ratio_clip, 0)
        if ratio_clip == 0:
            raise ValueError("PPO: ratio_clip must be > 0, got 0")
        self.minibatches = minibatches
        self.epochs = epochs
        self.ratio_clip = ratio_clip
        self._ratio_clip = ratio_clip
        self.linear_lr_schedule = linear_lr_schedule

    def initialize(self, agent, n_itr: int, batch_spec, mid_batch_reset: bool = True,
            examples=None, world_size: int = 1, rank: int = 0) -> None:
        """Build the optimizer; check the batch splits into the minibatches."""
        super().initialize(agent, n_itr, batch_spec, mid_batch_reset, examples, world_size, rank)
        n_split = batch_spec.B if agent.recurrent else batch_spec.size
        if self.minibatches > n_split:
            what = "batch_B (recurrent agents split over environments)" if agent.recurrent else "batch_T * batch_B"
            raise ValueError(f"PPO: minibatches ({self.minibatches}) exceeds {what} ({n_split})")

    def set_schedule(self, itr: int) -> None:
        """Scale learning rate and ratio clip by the fraction of the run left."""
        if not self.linear_lr_schedule:
            return
        frac = max(1.0 - itr / self.n_itr, 0.0)
        for group in self.optimizer.param_groups:
            group["lr"] = self.learning_rate * frac
        self.ratio_clip = self._ratio_clip * frac

    def optimize_agent(self, itr: int, samples) -> OptInfo:
        """``epochs`` passes of ``minibatches`` gradient steps over the batch;
        the diagnostics are gathered as tensors and copied to the host once."""
        self.set_schedule(itr)
        loss_inputs, valid = self.loss_inputs(samples)
        dim = 1 if self.agent.recurrent else 0  # minibatches of environments (sequences) or of steps
        n = self.batch_spec.B if self.agent.recurrent else self.batch_spec.size
        mb_size = n // self.minibatches
        stats, ratios, entropies, valids = [], [], [], []
        for _ in range(self.epochs):
            perm = torch.randperm(n) if self.minibatches > 1 else None  # one minibatch: the whole batch
            for start in range(0, mb_size * self.minibatches, mb_size):
                minibatch = loss_inputs if perm is None else buffer_func(loss_inputs, torch.index_select, dim,
                    perm[start:start + mb_size])
                (loss, entropy, pi_loss, value_loss, ratio, step_entropy), grad_norm = self.loss_step(*minibatch)
                stats.append((loss, grad_norm, entropy, pi_loss, value_loss))
                ratios.append(ratio)
                entropies.append(step_entropy)
                valids.append(minibatch.valid)
        self.update_obs_rms(samples, valid)
        perplexity, clip_frac, approx_kl = self.ratio_diagnostics(torch.stack(ratios), torch.stack(entropies),
            None if valid is None else torch.stack(valids))
        loss, grad_norm, entropy, pi_loss, value_loss = (torch.stack(column) for column in zip(*stats))
        return OptInfo(*torch.stack([loss, grad_norm, entropy, perplexity, pi_loss, value_loss, clip_frac,
            approx_kl]).tolist())

    def loss_inputs(self, samples) -> tuple:
        """``(loss_inputs, valid)``: the batch's ``LossInputs``, flattened to
        [T * B] steps for feed-forward agents (recurrent agents keep [T, B]
        sequences and their rnn state inputs), and its valid mask (None when
        every step counts). The old policy's log-likelihoods are computed
        here once, not at every minibatch."""
        inputs = self.step_loss_inputs(samples)
        old_log_likelihood = self.agent.distribution.log_likelihood(samples.agent.action,
            samples.agent.agent_info.dist_info)
        loss_inputs = LossInputs(**inputs, old_log_likelihood=old_log_likelihood)
        if not self.agent.recurrent:
            T, B = self.batch_spec
            loss_inputs = buffer_func(loss_inputs, lambda x: x.reshape((T * B,) + x.shape[2:]))
        return loss_inputs, inputs["valid"]

    def ratio_diagnostics(self, ratio: torch.Tensor, entropy: torch.Tensor, valid: torch.Tensor | None) -> tuple:
        """``(perplexity, clip_frac, approx_kl)`` of every gradient step
        (leading dim), computed once per batch from each step's likelihood
        ratios and entropies rather than on the update's hot path."""
        n = ratio.shape[0]
        ratio, entropy = ratio.reshape(n, -1), entropy.reshape(n, -1)
        valid = None if valid is None else valid.reshape(n, -1)
        perplexity = valid_mean(torch.exp(entropy), valid, dim=1)
        clip_frac = valid_mean(((ratio - 1).abs() > self.ratio_clip).float(), valid, dim=1)
        approx_kl = valid_mean((ratio - 1) - torch.log(ratio), valid, dim=1)
        return perplexity, clip_frac, approx_kl

    def loss(self, agent_inputs, action, return_, advantage, valid, old_log_likelihood,
            init_rnn_state=None, reset=None):
        """``(loss, mean entropy, pi_loss, value_loss, ratio, entropy)``, the
        last two per sample and detached (for ``ratio_diagnostics``), for one
        minibatch of ``LossInputs``; recurrent agents start from
        ``init_rnn_state`` ([N, B, H]) and restart where ``reset`` (see
        ``PolicyGradientAlgo.rnn_state_inputs``). With ``entropy_loss_coeff``
        0 the entropy is a diagnostic only and takes no backward pass."""
        dist_info, value = self.agent_forward(agent_inputs, init_rnn_state, reset)
        dist = self.agent.distribution
        ratio = torch.exp(dist.log_likelihood(action, dist_info) - old_log_likelihood)
        clipped = torch.clamp(ratio, 1.0 - self.ratio_clip, 1.0 + self.ratio_clip)
        pi_loss = -valid_mean(torch.min(ratio * advantage, clipped * advantage), valid)
        value_loss = self.value_loss_coeff * 0.5 * valid_mean((value - return_) ** 2, valid)
        loss, entropy, mean_entropy = self.entropy_bonus(pi_loss + value_loss, dist_info, valid)
        return (loss, mean_entropy.detach(), pi_loss.detach(), value_loss.detach(), ratio.detach(),
            entropy.detach())
