"""Recurrent Q-learning agents (R2D1): epsilon-greedy on a recurrent Q-model
whose state is kept per environment while sampling and stored with every
step, so that replayed sequences start from the state the agent had."""
from __future__ import annotations

import torch

from rlpyt.agents.base import (AgentStep, AlternatingRecurrentAgentMixin, RecurrentAgentMixin, no_grad_step,
    stored_rnn_state)
from rlpyt.agents.dqn.dqn_agent import DqnAgent
from rlpyt.agents.dqn.sequence_q import q_over_sequence
from rlpyt.models.dqn.r2d1_mlp import R2d1MlpModel
from rlpyt.utils.collections import namedarraytuple

AgentInfo = namedarraytuple("AgentInfo", ["q", "prev_rnn_state"])
"""``q``: the Q-values the step acted on; ``prev_rnn_state``: the state it
started from, batch-first ([B, N, H] leaves) to fit the [T, B] samples."""


class R2d1AgentBase(DqnAgent):
    """``DqnAgent`` for a recurrent Q-model: ``forward(observation,
    prev_action, prev_reward, init_rnn_state) -> (q, next_rnn_state)``.

    Without ``ModelCls`` the model is ``R2d1MlpModel`` sized from the env
    spaces; a user's ``ModelCls`` gets only ``model_kwargs``. ``step``
    advances the current mode's rnn state and records the state it started
    from in ``agent_info.prev_rnn_state``. For training, ``agent(o, a, r,
    init_rnn_state, reset=None)`` and ``agent.target(...)`` run [T, B]
    sequences and return ``(q, next_rnn_state)`` (q on the CPU, the state on
    the model's device); ``sequence_q`` also evaluates truncations' final
    observations.
    """

    DefaultModelCls = R2d1MlpModel

    def sequence_q(self, observation, prev_action, prev_reward, init_rnn_state, reset=None, final=None,
            target: bool = False) -> tuple:
        """``(q, final_q, next_rnn_state)`` of the model (the target model
        with ``target``) over [T, B] inputs from ``init_rnn_state`` (leaves
        [N, B, H]), zeroing environments' states where ``reset`` [T, B];
        ``final``: see ``q_over_sequence`` (None: ``final_q`` is None)."""
        model = self.target_model if target else self.model
        inputs = self._inputs(observation, prev_action, prev_reward)
        if reset is None:
            reset = torch.zeros(observation.shape[:2], dtype=torch.bool)
        if final is not None:
            step, env, *final_inputs = final
            final = (step, env, *self._inputs(*final_inputs))
        q, final_q, rnn_state = q_over_sequence(model, inputs, self.to_model_device(init_rnn_state), reset, final)
        return self.to_cpu(q), None if final_q is None else self.to_cpu(final_q), rnn_state

    def __call__(self, observation, prev_action, prev_reward, init_rnn_state, reset=None) -> tuple:
        """``(q, next_rnn_state)`` over [T, B] inputs, with gradients."""
        q, _, rnn_state = self.sequence_q(observation, prev_action, prev_reward, init_rnn_state, reset)
        return q, rnn_state

    @torch.no_grad()
    def target(self, observation, prev_action, prev_reward, init_rnn_state, reset=None) -> tuple:
        """``(q, next_rnn_state)`` of the target model over [T, B] inputs."""
        q, _, rnn_state = self.sequence_q(observation, prev_action, prev_reward, init_rnn_state, reset,
            target=True)
        return q, rnn_state

    @no_grad_step
    def step(self, observation, prev_action, prev_reward) -> AgentStep:
        """Epsilon-greedy actions; advances the rnn state."""
        prev_rnn_state = self.prev_rnn_state
        q, rnn_state = self.model(*self._inputs(observation, prev_action, prev_reward), prev_rnn_state)
        action = self.distribution.sample(q)
        stored = stored_rnn_state(prev_rnn_state, rnn_state, unbatched=q.dim() == 1)
        self.advance_rnn_state(rnn_state)
        return self.to_cpu(AgentStep(action=action, agent_info=AgentInfo(q=q, prev_rnn_state=stored)))


class R2d1Agent(RecurrentAgentMixin, R2d1AgentBase):
    """The R2D1 agent: one rnn state per environment and mode, reset for
    exactly the environments that reset."""


class R2d1AlternatingAgent(AlternatingRecurrentAgentMixin, R2d1AgentBase):
    """``R2d1Agent`` for the AlternatingSampler (one rnn state per half of
    the environments while sampling)."""
