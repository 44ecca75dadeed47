"""Advantage actor-critic (synchronous)."""
from __future__ import annotations

from collections import namedtuple

import torch

from rlpyt.algos.pg.base import PolicyGradientAlgo
from rlpyt.algos.utils import valid_from_done
from rlpyt.utils.tensor import valid_mean

OptInfo = namedtuple("OptInfo", ["loss", "gradNorm", "entropy", "perplexity"])


class A2C(PolicyGradientAlgo):
    """One gradient step per batch on the policy-gradient, value and entropy
    losses; recurrent agents train on the whole [T, B] sequences."""

    opt_info_fields = tuple(OptInfo._fields)
    compiled_methods = ("loss",)

    def __init__(self, discount: float = 0.99, learning_rate: float = 0.001,
            value_loss_coeff: float = 0.5, entropy_loss_coeff: float = 0.01,
            OptimCls=torch.optim.Adam, optim_kwargs: dict | None = None,
            clip_grad_norm: float = 1.0, initial_optim_state_dict: dict | None = None,
            gae_lambda: float = 1.0, normalize_advantage: bool = False, compile: bool = False) -> None:
        super().__init__(discount=discount, learning_rate=learning_rate,
            value_loss_coeff=value_loss_coeff, entropy_loss_coeff=entropy_loss_coeff,
            OptimCls=OptimCls, optim_kwargs=optim_kwargs, clip_grad_norm=clip_grad_norm,
            initial_optim_state_dict=initial_optim_state_dict, gae_lambda=gae_lambda,
            normalize_advantage=normalize_advantage, compile=compile)

    def optimize_agent(self, itr: int, samples) -> OptInfo:
        """One gradient step on the whole batch."""
        (loss, entropy, perplexity), grad_norm = self.loss_step(samples)
        self.update_obs_rms(samples, None if self.mid_batch_reset else valid_from_done(samples.env.done))
        return OptInfo(loss=[loss.item()], gradNorm=[float(grad_norm)],
            entropy=[entropy.item()], perplexity=[perplexity.item()])

    def loss(self, samples):
        """``(loss, entropy, perplexity)`` of the batch."""
        rnn_inputs = self.rnn_state_inputs(samples) if self.agent.recurrent else ()
        dist_info, value = self.agent_forward(self.agent_inputs(samples), *rnn_inputs)
        return_, advantage, valid = self.process_returns(samples)
        dist = self.agent.distribution
        log_likelihood = dist.log_likelihood(samples.agent.action, dist_info)
        pi_loss = -valid_mean(log_likelihood * advantage, valid)
        value_loss = self.value_loss_coeff * 0.5 * valid_mean((return_ - value) ** 2, valid)
        entropy = dist.mean_entropy(dist_info, valid)
        loss = pi_loss + value_loss - self.entropy_loss_coeff * entropy
        return loss, entropy.detach(), dist.mean_perplexity(dist_info, valid).detach()
