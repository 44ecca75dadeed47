"""Shared parts of on-policy policy-gradient algorithms."""
from __future__ import annotations

import torch

from rlpyt.agents.base import AgentInputs
from rlpyt.algos.base import RlAlgorithm, make_optimizer
from rlpyt.algos.utils import discount_return, generalized_advantage_estimation, valid_from_done
from rlpyt.utils.buffer import buffer_method, numpify_buffer
from rlpyt.utils.checks import check_flag, check_number
from rlpyt.utils.tensor import valid_mean


class PolicyGradientAlgo(RlAlgorithm):
    """Builds the optimizer and turns a batch into returns and advantages.

    Advantages use GAE when ``gae_lambda < 1`` and plain discounted returns
    otherwise; both bootstrap through time-limit truncations. With the
    wait-reset collectors (``mid_batch_reset`` False) the steps after an
    environment's first done are masked out.

    Recurrent agents (``agent.recurrent``) train on the batch's [T, B]
    sequences from the rnn state stored at its first step; with mid-batch
    resets the state is zeroed where an environment restarted, as it was
    while sampling. Agents with observation normalisation
    (``update_obs_rms``) fold each batch's valid observations into it after
    the batch's gradient steps, so that a batch is trained with the
    statistics it was sampled with. ``compile`` (off by default) compiles
    the loss with ``torch.compile`` (see ``rlpyt.algos.compile``).
    """

    bootstrap_value = True

    def __init__(self, discount: float, learning_rate: float, value_loss_coeff: float,
            entropy_loss_coeff: float, OptimCls, optim_kwargs: dict | None, clip_grad_norm: float,
            initial_optim_state_dict: dict | None, gae_lambda: float, normalize_advantage: bool,
            compile: bool = False) -> None:
        owner = type(self).__name__
        check_number(owner, "discount", discount, 0, 1)
        check_number(owner, "gae_lambda", gae_lambda, 0, 1)
        check_number(owner, "learning_rate", learning_rate)
        check_number(owner, "value_loss_coeff", value_loss_coeff)
        check_number(owner, "entropy_loss_coeff", entropy_loss_coeff)
        check_number(owner, "clip_grad_norm", clip_grad_norm)
        if learning_rate <= 0:
            raise ValueError(f"{owner}: learning_rate must be > 0, got {learning_rate}")
        if optim_kwargs is not None and not isinstance(optim_kwargs, dict):
            raise TypeError(f"{owner}: optim_kwargs must be a dict, got {type(optim_kwargs).__name__}")
        self.discount = discount
        self.learning_rate = learning_rate
        self.value_loss_coeff = value_loss_coeff
        self.entropy_loss_coeff = entropy_loss_coeff
        self.OptimCls = OptimCls
        self.optim_kwargs = dict(optim_kwargs or {})
        self.clip_grad_norm = clip_grad_norm
        self.initial_optim_state_dict = initial_optim_state_dict
        self.gae_lambda = gae_lambda
        self.normalize_advantage = normalize_advantage
        self.compile = check_flag(owner, "compile", compile)

    def initialize(self, agent, n_itr: int, batch_spec, mid_batch_reset: bool = True,
            examples=None, world_size: int = 1, rank: int = 0) -> None:
        """Build the optimizer over the agent's parameters."""
        self.agent = agent
        self.n_itr = n_itr
        self.batch_spec = batch_spec
        self.mid_batch_reset = mid_batch_reset
        self._batch_size = batch_spec.size
        self.optimizer = make_optimizer(self.OptimCls, agent.parameters(), self.learning_rate, self.optim_kwargs)
        if self.initial_optim_state_dict is not None:
            self.optimizer.load_state_dict(self.initial_optim_state_dict)
        self.compile_update()

    @staticmethod
    def agent_inputs(samples) -> AgentInputs:
        """The agent's inputs at every step of the batch."""
        return AgentInputs(observation=samples.env.observation,
            prev_action=samples.agent.prev_action, prev_reward=samples.env.prev_reward)

    def rnn_state_inputs(self, samples) -> tuple:
        """``(init_rnn_state, reset)`` for a recurrent agent's training forward:
        the stored state at the batch's first step ([N, B, H] leaves) and,
        with mid-batch resets, where the state restarted (``reset[t] =
        done[t-1]``; None without mid-batch resets, as the steps after a done
        are masked)."""
        init_rnn_state = buffer_method(samples.agent.agent_info.prev_rnn_state[0], "transpose", 0, 1)
        if not self.mid_batch_reset:
            return init_rnn_state, None
        done = samples.env.done
        reset = torch.zeros_like(done)
        reset[1:] = done[:-1]
        return init_rnn_state, reset

    def agent_forward(self, agent_inputs, init_rnn_state=None, reset=None) -> tuple:
        """``(dist_info, value)`` of the agent, feed-forward or recurrent."""
        if not self.agent.recurrent:
            return self.agent(*agent_inputs)
        dist_info, value, _rnn_state = self.agent(*agent_inputs, init_rnn_state, reset=reset)
        return dist_info, value

    def update_obs_rms(self, samples, valid) -> None:
        """Feed the batch's valid observations to the agent's normalisation
        statistics, if it keeps any."""
        update = getattr(self.agent, "update_obs_rms", None)
        if update is None:
            return
        observation = samples.env.observation
        if valid is not None:
            observation = observation[valid.bool()]
        update(observation)

    def process_returns(self, samples):
        """``(return_, advantage, valid)`` for the batch; ``valid`` is None when
        every step counts. The recursions over time run on NumPy views of
        the (CPU) batch: on rows of a few environments NumPy's per-operation
        overhead is a third of torch's, with the same float arithmetic."""
        timeout = getattr(samples.env.env_info, "timeout", None)
        reward, done, value, bootstrap_value, timeout, timeout_value = numpify_buffer((samples.env.reward,
            samples.env.done, samples.agent.agent_info.value, samples.agent.bootstrap_value, timeout,
            None if timeout is None else samples.agent.timeout_value))
        kwargs = dict(bootstrap_value=bootstrap_value, discount=self.discount, timeout=timeout,
            timeout_value=timeout_value)
        if self.gae_lambda == 1:
            return_ = discount_return(reward, done, **kwargs)
            advantage = return_ - value
        else:
            advantage, return_ = generalized_advantage_estimation(reward, value, done,
                gae_lambda=self.gae_lambda, **kwargs)
        return_, advantage = torch.from_numpy(return_), torch.from_numpy(advantage)
        valid = None if self.mid_batch_reset else valid_from_done(samples.env.done)
        if self.normalize_advantage:
            mean = valid_mean(advantage, valid)
            std = torch.sqrt(valid_mean((advantage - mean) ** 2, valid))
            advantage = (advantage - mean) / (std + 1e-6)
        return return_, advantage, valid

    def step_loss_inputs(self, samples) -> dict:
        """The inputs that A2C's and PPO's losses read at every step of the
        batch, by name: ``agent_inputs``, ``action``, ``return_``,
        ``advantage``, ``valid`` (None when every step counts) and, for
        recurrent agents, ``init_rnn_state`` and ``reset`` (else None). The
        returns are computed here, outside the loss, so that a compiled
        loss holds torch operations only."""
        return_, advantage, valid = self.process_returns(samples)
        init_rnn_state, reset = self.rnn_state_inputs(samples) if self.agent.recurrent else (None, None)
        return dict(agent_inputs=self.agent_inputs(samples), action=samples.agent.action, return_=return_,
            advantage=advantage, valid=valid, init_rnn_state=init_rnn_state, reset=reset)

    def entropy_bonus(self, loss: torch.Tensor, dist_info, valid) -> tuple:
        """``(loss, entropy, mean_entropy)``: ``loss`` minus
        ``entropy_loss_coeff`` times the mean entropy of ``dist_info`` over
        the valid samples, and the per-sample and mean entropies. With the
        coefficient 0 the entropy is a diagnostic only and takes no
        backward pass."""
        entropy = self.agent.distribution.entropy(dist_info if self.entropy_loss_coeff
            else buffer_method(dist_info, "detach"))
        mean_entropy = valid_mean(entropy, valid)
        if self.entropy_loss_coeff:
            loss = loss - self.entropy_loss_coeff * mean_entropy
        return loss, entropy, mean_entropy

    def loss_step(self, *inputs) -> tuple:
        """``RlAlgorithm.loss_step``, counted in ``update_counter``."""
        self.update_counter += 1
        return super().loss_step(*inputs)
