"""What policy-gradient agents share: their agent_info, default models, and
the forward passes for sampling and training, feed-forward and recurrent."""
from __future__ import annotations

import torch

from rlpyt.agents.base import (AgentStep, BaseAgent, RecurrentAgentMixin, no_grad_step,
    stored_rnn_state)
from rlpyt.spaces.float_box import FloatBox
from rlpyt.spaces.int_box import IntBox
from rlpyt.utils.collections import namedarraytuple

AgentInfo = namedarraytuple("AgentInfo", ["dist_info", "value"])
AgentInfoRnn = namedarraytuple("AgentInfoRnn", ["dist_info", "value", "prev_rnn_state"])
"""``prev_rnn_state`` is the state the step started from, stored batch-first
([B, N, H] leaves) so that it fits the [T, B] samples buffer."""


def rlpyt_space(space):
    """The rlpyt space behind a Gymnasium space wrapper (or the space itself)."""
    return getattr(space, "space", space)


class PgAgentBase(BaseAgent):
    """A policy-gradient agent whose model defaults to ``DefaultModelCls``, an
    MLP sized from the env spaces; a user's ``ModelCls`` gets only
    ``model_kwargs``.

    The model returns the distribution's parameters followed by the value;
    subclasses say how to prepare the model's inputs (``model_inputs``) and
    how its outputs make a ``dist_info`` (``dist_info``).
    """

    DefaultModelCls = None

    def __init__(self, ModelCls=None, model_kwargs: dict | None = None,
            initial_model_state_dict: dict | None = None) -> None:
        self._default_model = ModelCls is None
        super().__init__(ModelCls=self.DefaultModelCls if ModelCls is None else ModelCls,
            model_kwargs=model_kwargs, initial_model_state_dict=initial_model_state_dict)

    def action_size(self, action_space) -> int:
        """Width of the policy output for this action space."""
        raise NotImplementedError

    def make_env_to_model_kwargs(self, env_spaces) -> dict:
        """Observation shape and action size, for the default model."""
        if not self._default_model:
            return {}
        observation = rlpyt_space(env_spaces.observation)
        if not isinstance(observation, (FloatBox, IntBox)):
            raise TypeError(f"{type(self).__name__}: the default MLP needs an array observation "
                f"(FloatBox or IntBox), got {observation!r}; pass ModelCls for other observations")
        return dict(observation_shape=observation.shape,
            action_size=self.action_size(rlpyt_space(env_spaces.action)))

    def model_inputs(self, observation, prev_action, prev_reward) -> tuple:
        """The model's ``(observation, prev_action, prev_reward)`` on its device."""
        return self.to_model_device((observation, prev_action, prev_reward))

    def dist_info(self, *dist_outputs):
        """The distribution's ``dist_info`` from the model's outputs before the value."""
        raise NotImplementedError

    def __call__(self, observation, prev_action, prev_reward):
        """Training forward: ``(dist_info, value)`` on the CPU."""
        *dist_outputs, value = self.model(*self.model_inputs(observation, prev_action, prev_reward))
        return self.to_cpu((self.dist_info(*dist_outputs), value))

    @no_grad_step
    def step(self, observation, prev_action, prev_reward) -> AgentStep:
        """Sample actions; ``agent_info`` holds the distribution and the value."""
        *dist_outputs, value = self.model(*self.model_inputs(observation, prev_action, prev_reward))
        dist_info = self.dist_info(*dist_outputs)
        action = self.distribution.sample(dist_info)
        return self.to_cpu(AgentStep(action, AgentInfo(dist_info, value)))

    @no_grad_step
    def value(self, observation, prev_action, prev_reward) -> torch.Tensor:
        """State value, for bootstrapping."""
        *_dist_outputs, value = self.model(*self.model_inputs(observation, prev_action, prev_reward))
        return self.to_cpu(value)

    def update_obs_rms(self, observation: torch.Tensor) -> None:
        """Feed sampled observations to the model's normalisation statistics,
        when the model keeps them (``update_obs_rms``); otherwise nothing."""
        update = getattr(self.model, "update_obs_rms", None)
        if update is not None:
            update(self.to_model_device(observation))


class RecurrentPgAgentBase(RecurrentAgentMixin, PgAgentBase):
    """A policy-gradient agent with a recurrent model.

    The model's ``forward(observation, prev_action, prev_reward,
    init_rnn_state)`` returns the distribution's parameters, the value and
    the next rnn state. ``step`` advances the current mode's state and
    records the state it started from in ``agent_info.prev_rnn_state``;
    ``value`` reads the state without advancing it. For training, ``agent(o,
    a, r, init_rnn_state, reset=None)`` runs [T, B] sequences from
    ``init_rnn_state`` ([N, B, H], e.g. the batch's stored
    ``prev_rnn_state[0]`` transposed) and returns ``(dist_info, value,
    next_rnn_state)``; see ``model_over_resets`` for ``reset``.
    """

    def __call__(self, observation, prev_action, prev_reward, init_rnn_state, reset=None):
        """Training forward over [T, B]: ``(dist_info, value, next_rnn_state)``."""
        inputs = self.model_inputs(observation, prev_action, prev_reward)
        *dist_outputs, value, next_rnn_state = self.model_over_resets(inputs,
            self.to_model_device(init_rnn_state), reset)
        dist_info, value = self.to_cpu((self.dist_info(*dist_outputs), value))
        return dist_info, value, next_rnn_state

    @no_grad_step
    def step(self, observation, prev_action, prev_reward) -> AgentStep:
        """Sample actions and advance the rnn state."""
        prev_rnn_state = self.prev_rnn_state
        *dist_outputs, value, rnn_state = self.model(
            *self.model_inputs(observation, prev_action, prev_reward), prev_rnn_state)
        dist_info = self.dist_info(*dist_outputs)
        action = self.distribution.sample(dist_info)
        stored = stored_rnn_state(prev_rnn_state, rnn_state, unbatched=value.dim() == 0)
        self.advance_rnn_state(rnn_state)
        return self.to_cpu(AgentStep(action=action,
            agent_info=AgentInfoRnn(dist_info=dist_info, value=value, prev_rnn_state=stored)))

    @no_grad_step
    def value(self, observation, prev_action, prev_reward) -> torch.Tensor:
        """State value from the current rnn state, which is not advanced."""
        *_dist_outputs, value, _rnn_state = self.model(
            *self.model_inputs(observation, prev_action, prev_reward), self.prev_rnn_state)
        return self.to_cpu(value)
