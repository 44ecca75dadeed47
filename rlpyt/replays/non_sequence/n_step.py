"""Training batches of single transitions with n-step returns."""
from __future__ import annotations

import numpy as np

from rlpyt.agents.base import AgentInputs
from rlpyt.replays.n_step import BaseNStepReturnBuffer
from rlpyt.utils.buffer import torchify_buffer
from rlpyt.utils.collections import namedarraytuple

_FIELDS = ["agent_inputs", "action", "return_", "done", "done_n", "target_inputs"]
_TL_FIELDS = ["timeout", "timeout_n", "bootstrap_steps"]

SamplesFromReplay = namedarraytuple("SamplesFromReplay", _FIELDS)
"""A batch of transitions: inputs at step t, the action taken, the n-step
return from t, ``done`` at t, ``done_n`` (a done in t .. t+n-1) and the
agent inputs at t+n (the target network's inputs)."""
SamplesFromReplayTl = namedarraytuple("SamplesFromReplayTl", _FIELDS + _TL_FIELDS)
"""With time limits: ``timeout_n`` says the window ended at a truncation; then
``target_inputs`` hold the true final observation and ``bootstrap_steps``
(normally n) the number of steps up to it, so the target is
``return_ + discount ** bootstrap_steps * Q(target_inputs)``."""


class NStepReturnBuffer(BaseNStepReturnBuffer):
    """Turns sampled (time, env) indexes into a ``SamplesFromReplay`` batch.

    The previous action and reward of an input are those stored one step
    earlier, zeroed after a done (as the sampler gives them after a reset) or
    an invalid step (``breaks_at``).
    """

    def extract_batch(self, T_idxs: np.ndarray, B_idxs: np.ndarray):
        """The batch at ring rows ``T_idxs`` (any integers, taken modulo T) and
        environments ``B_idxs``, as torch tensors."""
        T_idxs = np.asarray(T_idxs) % self.T
        s, n = self.samples, self.n_step_return
        target_T = (T_idxs + n) % self.T
        fields = dict(
            agent_inputs=self.extract_agent_inputs(T_idxs, B_idxs),
            action=s.action[T_idxs, B_idxs],
            return_=self.samples_return_[T_idxs, B_idxs],
            done=s.done[T_idxs, B_idxs],
            done_n=self.samples_done_n[T_idxs, B_idxs],
            target_inputs=self.extract_agent_inputs(target_T, B_idxs),
        )
        if not self.time_limit:
            return torchify_buffer(SamplesFromReplay(**fields))
        timeout_n = self.samples_timeout_n[T_idxs, B_idxs]
        bootstrap_steps = np.full(len(T_idxs), n, dtype=np.int64)
        for j in np.nonzero(timeout_n)[0]:
            fields["target_inputs"][j], bootstrap_steps[j] = self._final_inputs(T_idxs[j], B_idxs[j])
        batch = SamplesFromReplayTl(**fields, timeout=s.timeout[T_idxs, B_idxs], timeout_n=timeout_n,
            bootstrap_steps=bootstrap_steps)
        return torchify_buffer(batch)

    def _final_inputs(self, t: int, b: int):
        """Target inputs at the truncation in the window from ``t``: the final
        observation with the action and reward that led to it, and the steps
        up to it."""
        k = 0
        while not self.samples.done[(t + k) % self.T, b]:
            k += 1
        tk = (t + k) % self.T
        observation = self.extract_final_observation(tk, b)
        inputs = AgentInputs(observation, self.samples.action[tk, b], self.samples.reward[tk, b])
        return inputs, k + 1

    def extract_agent_inputs(self, T_idxs: np.ndarray, B_idxs: np.ndarray) -> AgentInputs:
        """Observation, previous action and previous reward at the given steps."""
        s = self.samples
        prev_T = (T_idxs - 1) % self.T
        reset = self.breaks_at(prev_T, B_idxs)
        prev_action = s.action[prev_T, B_idxs]
        prev_action = np.where(reset.reshape(reset.shape + (1,) * (prev_action.ndim - 1)), 0, prev_action)
        prev_reward = np.where(reset, 0, s.reward[prev_T, B_idxs])
        return AgentInputs(self.extract_observation(T_idxs, B_idxs), prev_action, prev_reward)

    def extract_observation(self, T_idxs: np.ndarray, B_idxs: np.ndarray) -> np.ndarray:
        """Observations at the given steps."""
        return self.samples.observation[T_idxs, B_idxs]

    def extract_final_observation(self, t: int, b: int) -> np.ndarray:
        """The true final observation of truncated step ``(t, b)``."""
        return self._final_observation[t * self.B + b]
