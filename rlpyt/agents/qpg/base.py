"""What the Q-function policy-gradient agents share: checking the action
space, scaling actions between [-1, 1] and the environment's bounds, building
the policy, Q and target models, and the target-network updates."""
from __future__ import annotations

import copy

import numpy as np
import torch

from rlpyt.agents.base import BaseAgent, unwrap_ddp, wrap_ddp
from rlpyt.agents.pg.base import rlpyt_space
from rlpyt.models.qpg.mlp import q_values
from rlpyt.models.utils import lerp_tensors, module_tensors
from rlpyt.spaces.float_box import FloatBox
from rlpyt.spaces.int_box import IntBox


class EveryModel(torch.nn.Module):
    """Runs every model of a ModuleList on the same inputs: the list of
    outputs. One module over all Q models, so that data parallelism wraps
    them together."""

    def __init__(self, models: torch.nn.ModuleList) -> None:
        super().__init__()
        self.models = models

    def forward(self, *inputs) -> list:
        """``[model(*inputs) for model in models]`` (``q_values``)."""
        return q_values(self.models, *inputs)


def check_action_space(owner: str, env_spaces) -> FloatBox:
    """The env's action space as a 1-D bounded FloatBox, or a clear error."""
    space = rlpyt_space(env_spaces.action)
    if not isinstance(space, FloatBox):
        raise TypeError(f"{owner}: the action space must be a bounded 1-D FloatBox (continuous "
            f"actions, e.g. a Gymnasium Box), got {space!r}")
    if len(space.shape) != 1:
        raise ValueError(f"{owner}: the action space must be 1-D, got shape {space.shape}")
    if not space.bounded:
        raise ValueError(f"{owner}: the action space must be bounded (finite low and high) so that "
            f"actions can be scaled to it, got low={space.low.tolist()}, high={space.high.tolist()}")
    return space


class QpgAgentBase(BaseAgent):
    """A policy model (``self.model``) and ``n_q`` Q models, their target
    copies, and action scaling.

    Models see actions normalized to [-1, 1]; everything the agent takes or
    returns (``step``, ``q``, ``pi``, ...) is in the environment's units,
    ``low + (u + 1) / 2 * (high - low)``. Models are built as
    ``ModelCls(observation_shape=..., action_size=..., **model_kwargs)`` and
    ``QModelCls(observation_shape=..., action_size=..., **q_model_kwargs)``.
    Before the algorithm starts learning (``give_min_itr_learn``) sampling
    uses ``pretrain_std`` exploration when that is set.
    """

    DefaultModelCls = None
    DefaultQModelCls = None
    n_q = 1
    target_policy = False  # whether the policy has a target copy (DDPG, TD3)

    def __init__(self, ModelCls=None, QModelCls=None, model_kwargs: dict | None = None,
            q_model_kwargs: dict | None = None, initial_model_state_dict: dict | None = None,
            initial_q_model_state_dict: dict | None = None, pretrain_std: float | None = None) -> None:
        owner = type(self).__name__
        if QModelCls is not None and not callable(QModelCls):
            raise TypeError(f"{owner}: QModelCls must be a class, got {QModelCls!r}")
        if q_model_kwargs is not None and not isinstance(q_model_kwargs, dict):
            raise TypeError(f"{owner}: q_model_kwargs must be a dict, got {type(q_model_kwargs).__name__}")
        if pretrain_std is not None and not pretrain_std > 0:
            raise ValueError(f"{owner}: pretrain_std must be > 0 or None, got {pretrain_std!r}")
        super().__init__(ModelCls=self.DefaultModelCls if ModelCls is None else ModelCls,
            model_kwargs=model_kwargs, initial_model_state_dict=initial_model_state_dict)
        self.QModelCls = self.DefaultQModelCls if QModelCls is None else QModelCls
        self.q_model_kwargs = dict(q_model_kwargs or {})
        self.initial_q_model_state_dict = initial_q_model_state_dict
        self.pretrain_std = pretrain_std
        self.min_itr_learn = 0
        self._pretrain = False
        self._ddp_q_models = None
        self._target_tensors = None

    def make_env_to_model_kwargs(self, env_spaces) -> dict:
        """Observation shape and action size, for the policy and Q models."""
        observation = rlpyt_space(env_spaces.observation)
        if not isinstance(observation, (FloatBox, IntBox)):
            raise TypeError(f"{type(self).__name__}: the models need an array observation "
                f"(FloatBox or IntBox), got {observation!r}")
        return dict(observation_shape=observation.shape, action_size=rlpyt_space(env_spaces.action).shape[0])

    def initialize(self, env_spaces, share_memory: bool = False, global_B: int = 1,
            env_ranks: list | None = None) -> None:
        """Check the action space, build policy, Q and target models, and the
        distribution; check the models' output shapes on a null observation."""
        owner = type(self).__name__
        space = check_action_space(owner, env_spaces)
        action_size = space.shape[0]
        for name, kwargs in (("model_kwargs", self.model_kwargs), ("q_model_kwargs", self.q_model_kwargs)):
            if kwargs.get("action_size", action_size) != action_size:
                raise ValueError(f"{owner}: {name} has action_size={kwargs['action_size']}, but the "
                    f"action space has shape {space.shape}")
            for key in ("observation_shape", "action_size"):
                kwargs.pop(key, None)
        super().initialize(env_spaces, share_memory, global_B, env_ranks)
        self.q_models = torch.nn.ModuleList(
            self.QModelCls(**self.env_model_kwargs, **self.q_model_kwargs) for _ in range(self.n_q))
        if self.initial_q_model_state_dict is not None:
            self.q_models[0].load_state_dict(self.initial_q_model_state_dict)
        self.target_q_models = copy.deepcopy(self.q_models).requires_grad_(False)
        self.target_model = copy.deepcopy(self.model).requires_grad_(False) if self.target_policy else None
        self._target_tensors = None
        self.action_low = torch.as_tensor(space.low, dtype=torch.float32)
        self.action_half_range = torch.as_tensor((space.high - space.low) / 2, dtype=torch.float32)
        # [-1, 1] bounds (most continuous-control tasks): scaling is the identity, skip its ops
        self._unit_bounds = bool(np.all(space.low == -1) and np.all(space.high == 1))
        self.distribution = self.make_distribution(action_size)
        self._check_output_shapes(env_spaces, action_size)

    def make_distribution(self, action_size: int):
        """The action distribution (subclasses)."""
        raise NotImplementedError

    def policy_action(self, model_output) -> torch.Tensor:
        """The policy's mean action from its model's output (subclasses)."""
        raise NotImplementedError

    @torch.no_grad()
    def _check_output_shapes(self, env_spaces, action_size: int) -> None:
        owner = type(self).__name__
        observation = torch.as_tensor(rlpyt_space(env_spaces.observation).null_value()).unsqueeze(0)
        prev_action = torch.zeros(1, action_size)
        prev_reward = torch.zeros(1)
        action = self.policy_action(self.model(observation, prev_action, prev_reward))
        if tuple(action.shape) != (1, action_size):
            raise ValueError(f"{owner}: the policy model ({type(self.model).__name__}) gives actions of "
                f"shape {tuple(action.shape[1:])} for one observation; the action space has shape "
                f"({action_size},)")
        q = self.q_models[0](observation, prev_action, prev_reward, action)
        if tuple(q.shape) != (1,):
            raise ValueError(f"{owner}: the Q model ({type(self.q_models[0]).__name__}) gives values of "
                f"shape {tuple(q.shape[1:])} for one observation and action; expected a scalar")

    def scale_action(self, normalized: torch.Tensor) -> torch.Tensor:
        """From [-1, 1] to the environment's [low, high] (``normalized``
        itself where those are [-1, 1])."""
        if self._unit_bounds:
            return normalized
        return self.action_low + (normalized + 1) * self.action_half_range

    def normalize_action(self, action: torch.Tensor) -> torch.Tensor:
        """From the environment's [low, high] to [-1, 1] (``action`` itself
        where those are [-1, 1])."""
        if self._unit_bounds:
            return action
        return (action - self.action_low) / self.action_half_range - 1

    def give_min_itr_learn(self, min_itr_learn: int) -> None:
        """The iteration at which the algorithm starts learning (the end of
        ``pretrain_std`` exploration)."""
        self.min_itr_learn = min_itr_learn

    def sample_mode_state(self) -> dict:
        """The iteration at which learning (and ``pretrain_std`` exploration's end) starts."""
        return dict(super().sample_mode_state(), min_itr_learn=self.min_itr_learn)

    def load_sample_mode_state(self, state: dict) -> None:
        """Follow the trained agent's learning start."""
        super().load_sample_mode_state(state)
        self.give_min_itr_learn(state["min_itr_learn"])

    def sample_mode(self, itr: int) -> None:
        """Exploration mode; before ``min_itr_learn``, with ``pretrain_std``."""
        super().sample_mode(itr)
        self._pretrain = self.pretrain_std is not None and itr < self.min_itr_learn

    def _q_values(self, models, observation, prev_action, prev_reward, normalized_action) -> list:
        inputs = self.to_model_device((observation, prev_action, prev_reward, normalized_action))
        if isinstance(models, torch.nn.ModuleList):
            return [self.to_cpu(q) for q in q_values(models, *inputs)]
        return [self.to_cpu(q) for q in models(*inputs)]  # the data-parallel EveryModel

    def data_parallel(self) -> None:
        """Also make the Q models data-parallel, all of them in one
        DistributedDataParallel (one gradient all-reduce per Q update, not
        one per Q model); targets stay unwrapped. ``q_models`` keeps the
        plain modules (state, targets, ``frozen``); ``q`` runs the wrapped
        ones while their parameters take gradients."""
        super().data_parallel()
        self._ddp_q_models = wrap_ddp(EveryModel(self.q_models), self.device)

    def end_data_parallel(self) -> None:
        """Also drop the data-parallel Q models."""
        super().end_data_parallel()
        self._ddp_q_models = None

    def _trained_q_models(self):
        """The data-parallel Q models while they take gradients; the plain
        ones otherwise (frozen under the policy loss: nothing to average,
        and a wrapped forward would wait for a backward that never comes)."""
        if self._ddp_q_models is None or not any(p.requires_grad for p in self.q_models.parameters()):
            return self.q_models
        return self._ddp_q_models

    def q(self, observation, prev_action, prev_reward, action):
        """Q of the actions (environment units), with gradients: one tensor,
        or a tuple with twin Q-functions."""
        qs = self._q_values(self._trained_q_models(), observation, prev_action, prev_reward, self.normalize_action(action))
        return qs[0] if self.n_q == 1 else tuple(qs)

    def to_device(self, cuda_idx: int | None = None) -> None:
        """Move all models (and the action bounds) to GPU ``cuda_idx``."""
        super().to_device(cuda_idx)
        for module in (self.q_models, self.target_q_models, self.target_model):
            if module is not None:
                module.to(self.device)
        self._target_tensors = None
        self.action_low = self.action_low.to(self.device)
        self.action_half_range = self.action_half_range.to(self.device)

    def train_mode(self, itr: int) -> None:
        """Training mode for all trained models."""
        super().train_mode(itr)
        self.q_models.train()

    def eval_mode(self, itr: int) -> None:
        """Deterministic actions (the policy's mean)."""
        super().eval_mode(itr)
        self.q_models.eval()

    def update_target(self, tau: float = 1.0) -> None:
        """Move every target network toward its model:
        ``tau * model + (1 - tau) * target`` (tau = 1 copies)."""
        if self._target_tensors is None:  # listed once: walking the modules costs more than the lerp
            pairs = [module_tensors(self.target_q_models, self.q_models)]
            if self.target_model is not None:
                pairs.append(module_tensors(self.target_model, self.model))
            self._target_tensors = ([t for targets, _ in pairs for t in targets],
                [s for _, sources in pairs for s in sources])
        lerp_tensors(*self._target_tensors, tau)

    def policy_parameters(self):
        """The policy model's parameters."""
        return self.model.parameters()

    def q_parameters(self):
        """The parameters of every Q model."""
        return self.q_models.parameters()

    def parameters(self):
        """Policy and Q model parameters."""
        yield from self.model.parameters()
        yield from self.q_models.parameters()

    def state_dict(self) -> dict:
        """Policy, Q and target models, for snapshots."""
        state = dict(model=unwrap_ddp(self.model).state_dict(), q_models=self.q_models.state_dict(),
            target_q_models=self.target_q_models.state_dict())
        if self.target_model is not None:
            state["target_model"] = self.target_model.state_dict()
        return state

    def load_state_dict(self, state_dict: dict) -> None:
        """Restore the models from ``state_dict()``'s output."""
        unwrap_ddp(self.model).load_state_dict(state_dict["model"])
        self.q_models.load_state_dict(state_dict["q_models"])
        self.target_q_models.load_state_dict(state_dict["target_q_models"])
        if self.target_model is not None:
            self.target_model.load_state_dict(state_dict["target_model"])


def full_log_std(mean: torch.Tensor, std: float) -> torch.Tensor:
    """A log-std tensor shaped like ``mean`` holding ``log(std)``."""
    return torch.full_like(mean, float(np.log(std)))
