"""Q-learning agent: epsilon-greedy on the model's Q-values, with a target network."""
from __future__ import annotations

import copy

import torch

from rlpyt.agents.base import AgentStep, BaseAgent, model_reads_prev_action, no_grad_step, unwrap_ddp
from rlpyt.agents.dqn.epsilon_greedy import EpsilonGreedyAgentMixin
from rlpyt.agents.pg.base import rlpyt_space
from rlpyt.distributions.epsilon_greedy import EpsilonGreedy
from rlpyt.models.dqn.mlp import DqnMlpModel
from rlpyt.models.utils import update_module
from rlpyt.spaces.float_box import FloatBox
from rlpyt.spaces.int_box import IntBox
from rlpyt.utils.collections import namedarraytuple

AgentInfo = namedarraytuple("AgentInfo", "q")


class DqnAgent(EpsilonGreedyAgentMixin, BaseAgent):
    """Acts epsilon-greedily on Q-values; keeps a target copy of the model.

    The model's ``forward(observation, prev_action, prev_reward)`` receives the
    previous action one-hot encoded and returns Q-values [..., n_actions].
    Without ``ModelCls`` an MLP sized from the env spaces is used
    (``DqnMlpModel``); a user's ``ModelCls`` gets only ``model_kwargs``.
    Epsilon keywords: see ``EpsilonGreedyAgentMixin``.
    """

    DefaultModelCls = DqnMlpModel

    def __init__(self, ModelCls=None, model_kwargs: dict | None = None,
            initial_model_state_dict: dict | None = None, **eps_kwargs) -> None:
        self._default_model = ModelCls is None
        super().__init__(ModelCls=self.DefaultModelCls if ModelCls is None else ModelCls,
            model_kwargs=model_kwargs, initial_model_state_dict=initial_model_state_dict, **eps_kwargs)
        self.target_model = None

    def make_env_to_model_kwargs(self, env_spaces) -> dict:
        """Observation shape and number of actions, for the default MLP."""
        if not self._default_model:
            return {}
        observation = rlpyt_space(env_spaces.observation)
        if not isinstance(observation, (FloatBox, IntBox)):
            raise TypeError(f"{type(self).__name__}: the default MLP needs an array observation "
                f"(FloatBox or IntBox), got {observation!r}; pass ModelCls for other observations")
        return dict(observation_shape=observation.shape, action_size=int(rlpyt_space(env_spaces.action).n))

    def initialize(self, env_spaces, share_memory: bool = False, global_B: int = 1,
            env_ranks: list | None = None) -> None:
        """Check the action space is discrete; build model, target model, distribution."""
        action_space = rlpyt_space(env_spaces.action)
        if not isinstance(action_space, IntBox) or action_space.shape != ():
            raise TypeError(f"{type(self).__name__}: the action space must be a scalar IntBox "
                f"(discrete actions), got {action_space!r}")
        super().initialize(env_spaces, share_memory, global_B, env_ranks)
        self.target_model = copy.deepcopy(self.model)
        self.target_model.requires_grad_(False)
        self.distribution = self.make_distribution(int(action_space.n))
        self.make_vec_eps(global_B, env_ranks)

    def make_distribution(self, n_actions: int) -> EpsilonGreedy:
        """The action-selection distribution."""
        return EpsilonGreedy(dim=n_actions)

    def to_device(self, cuda_idx: int | None = None) -> None:
        """Move model and target model to GPU ``cuda_idx``."""
        super().to_device(cuda_idx)
        self.target_model.to(self.device)

    def _inputs(self, observation, prev_action, prev_reward):
        if model_reads_prev_action(self.model):
            prev_action = self.distribution.to_onehot(prev_action)
        return self.to_model_device((observation, prev_action, prev_reward))

    def __call__(self, observation, prev_action, prev_reward) -> torch.Tensor:
        """Q-values (with gradients) on the CPU."""
        return self.to_cpu(self.model(*self._inputs(observation, prev_action, prev_reward)))

    @torch.no_grad()
    def target(self, observation, prev_action, prev_reward) -> torch.Tensor:
        """The target network's Q-values on the CPU."""
        return self.to_cpu(self.target_model(*self._inputs(observation, prev_action, prev_reward)))

    @no_grad_step
    def step(self, observation, prev_action, prev_reward) -> AgentStep:
        """Epsilon-greedy actions; ``agent_info.q`` holds the Q-values."""
        q = self.model(*self._inputs(observation, prev_action, prev_reward))
        action = self.distribution.sample(q)
        return self.to_cpu(AgentStep(action=action, agent_info=AgentInfo(q=q)))

    def update_target(self, tau: float = 1.0) -> None:
        """Move the target network toward the model (tau = 1 copies it)."""
        update_module(self.target_model, self.model, tau)

    def state_dict(self) -> dict:
        """Model and target model states, for snapshots (keys as without
        data parallelism)."""
        return dict(model=unwrap_ddp(self.model).state_dict(), target=self.target_model.state_dict())

    def load_state_dict(self, state_dict: dict) -> None:
        """Restore model and target model from ``state_dict()``'s output."""
        unwrap_ddp(self.model).load_state_dict(state_dict["model"])
        self.target_model.load_state_dict(state_dict["target"])
