"""Shared parts of on-policy policy-gradient algorithms."""
from __future__ import annotations

import torch

from rlpyt.agents.base import AgentInputs
from rlpyt.algos.base import RlAlgorithm, make_optimizer
from rlpyt.algos.utils import discount_return, generalized_advantage_estimation, valid_from_done
from rlpyt.utils.tensor import valid_mean


class PolicyGradientAlgo(RlAlgorithm):
    """Builds the optimizer and turns a batch into returns and advantages.

    Advantages use GAE when ``gae_lambda < 1`` and plain discounted returns
    otherwise; both bootstrap through time-limit truncations. With the
    wait-reset collectors (``mid_batch_reset`` False) the steps after an
    environment's first done are masked out.
    """

    bootstrap_value = True

    def _check_hyperparameters(self, **values) -> None:
        for name, value in values.items():
            if isinstance(value, bool) or not isinstance(value, (int, float)):
                raise TypeError(f"{type(self).__name__}: {name} must be a number, got {value!r}")
        if not 0 <= values["discount"] <= 1:
            raise ValueError(f"{type(self).__name__}: discount must be in [0, 1], got {values['discount']}")
        if not 0 <= values["gae_lambda"] <= 1:
            raise ValueError(f"{type(self).__name__}: gae_lambda must be in [0, 1], got {values['gae_lambda']}")
        if values["learning_rate"] <= 0:
            raise ValueError(f"{type(self).__name__}: learning_rate must be > 0, got {values['learning_rate']}")

    def initialize(self, agent, n_itr: int, batch_spec, mid_batch_reset: bool = True,
            examples=None, world_size: int = 1, rank: int = 0) -> None:
        """Build the optimizer over the agent's parameters."""
        self.agent = agent
        self.n_itr = n_itr
        self.batch_spec = batch_spec
        self.mid_batch_reset = mid_batch_reset
        self._batch_size = batch_spec.size
        self._params = list(agent.parameters())
        self.optimizer = make_optimizer(self.OptimCls, self._params, self.learning_rate, self.optim_kwargs)
        if self.initial_optim_state_dict is not None:
            self.optimizer.load_state_dict(self.initial_optim_state_dict)

    @staticmethod
    def agent_inputs(samples) -> AgentInputs:
        """The agent's inputs at every step of the batch."""
        return AgentInputs(observation=samples.env.observation,
            prev_action=samples.agent.prev_action, prev_reward=samples.env.prev_reward)

    def process_returns(self, samples):
        """``(return_, advantage, valid)`` for the batch; ``valid`` is None when
        every step counts."""
        reward, done = samples.env.reward, samples.env.done
        value = samples.agent.agent_info.value
        timeout = getattr(samples.env.env_info, "timeout", None)
        kwargs = dict(bootstrap_value=samples.agent.bootstrap_value, discount=self.discount,
            timeout=timeout, timeout_value=None if timeout is None else samples.agent.timeout_value)
        if self.gae_lambda == 1:
            return_ = discount_return(reward, done, **kwargs)
            advantage = return_ - value
        else:
            advantage, return_ = generalized_advantage_estimation(reward, value, done,
                gae_lambda=self.gae_lambda, **kwargs)
        valid = None if self.mid_batch_reset else valid_from_done(done)
        if self.normalize_advantage:
            mean = valid_mean(advantage, valid)
            std = torch.sqrt(valid_mean((advantage - mean) ** 2, valid))
            advantage = (advantage - mean) / (std + 1e-6)
        return return_, advantage, valid

    def clip_and_step(self, loss: torch.Tensor) -> torch.Tensor:
        """Backpropagate ``loss``, clip the gradient norm, step; returns the norm."""
        self.optimizer.zero_grad(set_to_none=True)
        loss.backward()
        grad_norm = torch.nn.utils.clip_grad_norm_(self._params, self.clip_grad_norm)
        self.optimizer.step()
        self.update_counter += 1
        return grad_norm
