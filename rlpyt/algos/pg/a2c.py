"""Advantage actor-critic (synchronous)."""
from __future__ import annotations

from collections import namedtuple

import torch

from rlpyt.algos.pg.base import PolicyGradientAlgo
from rlpyt.utils.collections import namedarraytuple
from rlpyt.utils.tensor import valid_mean

LossInputs = namedarraytuple("LossInputs", ["agent_inputs", "action", "return_", "advantage", "valid",
    "init_rnn_state", "reset"])
"""The arguments of ``A2C.loss`` for every [T, B] step of a batch."""
OptInfo = namedtuple("OptInfo", ["loss", "gradNorm", "entropy", "perplexity"])


class A2C(PolicyGradientAlgo):
    """One gradient step per batch on the policy-gradient, value and entropy
    losses; recurrent agents train on the whole [T, B] sequences. The
    returns and advantages are computed before the loss
    (``step_loss_inputs``), so that with ``compile`` the loss, its
    gradients and their clipping are one graph."""

    opt_info_fields = tuple(OptInfo._fields)
    compiled_methods = ("loss",)
    whole_step_compiles = True

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
        """One gradient step on the whole batch; the diagnostics are copied
        to the host at once."""
        loss_inputs = LossInputs(**self.step_loss_inputs(samples))
        (loss, entropy, perplexity), grad_norm = self.loss_step(*loss_inputs)
        self.update_obs_rms(samples, loss_inputs.valid)
        return OptInfo(*([x] for x in torch.stack([loss, grad_norm, entropy, perplexity]).tolist()))

    def loss(self, agent_inputs, action, return_, advantage, valid, init_rnn_state=None, reset=None):
        """``(loss, entropy, perplexity)`` of a batch of ``LossInputs``;
        recurrent agents start from ``init_rnn_state`` and restart where
        ``reset`` (see ``PolicyGradientAlgo.rnn_state_inputs``)."""
        dist_info, value = self.agent_forward(agent_inputs, init_rnn_state, reset)
        log_likelihood = self.agent.distribution.log_likelihood(action, dist_info)
        pi_loss = -valid_mean(log_likelihood * advantage, valid)
        value_loss = self.value_loss_coeff * 0.5 * valid_mean((return_ - value) ** 2, valid)
        loss, entropy, mean_entropy = self.entropy_bonus(pi_loss + value_loss, dist_info, valid)
        return loss, mean_entropy.detach(), valid_mean(torch.exp(entropy.detach()), valid)
