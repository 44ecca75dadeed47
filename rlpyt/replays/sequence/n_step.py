"""Sequences of n-step transitions, with the agent's recurrent state stored
every ``rnn_state_interval`` steps as the initial state of a replayed
sequence (R2D1)."""
from __future__ import annotations

import math

import numpy as np

from rlpyt.agents.base import AgentInputs
from rlpyt.replays.checkpoint import named_arrays
from rlpyt.replays.non_sequence.n_step import NStepReturnBuffer
from rlpyt.utils.buffer import buffer_from_example, buffer_func, numpify_buffer, torchify_buffer
from rlpyt.utils.checks import check_count
from rlpyt.utils.collections import namedarraytuple

_FIELDS = ["agent_inputs", "action", "return_", "done", "done_n", "valid", "reset", "init_rnn_state"]
SamplesFromReplay = namedarraytuple("SamplesFromReplay", _FIELDS)
"""A batch of B sequences of ``batch_T + n_step_return`` steps ([T, B]
leading dims): the agent inputs at every step (previous action and reward
zeroed after a done, as the sampler gives them), the action taken, the
n-step return, ``done``, ``done_n``, ``valid`` (False at the steps a
waiting environment produced after its done: exclude them from a loss),
``reset`` (the step before was done or invalid: the agent's state restarts
from zeros there, as the sampler's ``reset_one`` made it) and
``init_rnn_state``, the agent's stored state before the first step (leaves
[B, N, H]; None when no state is stored). The last ``n_step_return`` steps
are there for the targets of the steps before them."""
SamplesFromReplayTl = namedarraytuple("SamplesFromReplayTl",
    _FIELDS + ["timeout", "timeout_n", "bootstrap_steps", "final"])
"""With time limits: ``timeout`` marks truncations, ``timeout_n`` that a
step's n-step window ends at one, ``bootstrap_steps`` ([T, B], n elsewhere)
the steps from t to the truncation's final observation, and ``final``
the K truncations of the batch as ``FinalInputs`` (leading dim [K])."""
FinalInputs = namedarraytuple("FinalInputs", ["step", "env", "observation", "prev_action", "prev_reward"])
"""The agent inputs at the true final observation of truncation k, which
happened at step ``step[k]`` of sequence ``env[k]``."""
PrioritiesSamplesToBuffer = namedarraytuple("PrioritiesSamplesToBuffer", ["priorities", "samples"])
"""Samples to append with per-step input priorities ([T, B]; nan where unknown)."""


class SequenceNStepReturnBuffer(NStepReturnBuffer):
    """n-step ring buffer that returns sequences of ``batch_T`` steps (plus
    ``n_step_return`` for their targets).

    ``example`` may have a ``prev_rnn_state`` field (the agent's state before
    each step, [N, H] leaves per environment): with ``rnn_state_interval``
    r > 0 it is stored at the steps t with t % r == 0 only, and sequences
    start only there, with that state as their initial state; the ring's
    length is rounded up to a multiple of r. With r = 0 no state is stored,
    sequences start anywhere, from a zero state.

    A sequence is drawn only when all its steps are stored (it never reads
    across the write cursor), its first step's history is not overwritten,
    and its first step is valid (``samples_valid``). Checkpoints add
    ``samples_prev_rnn_state.*``.
    """

    def __init__(self, example, size: int, B: int, rnn_state_interval: int, batch_T: int,
            discount: float = 1.0, n_step_return: int = 1) -> None:
        owner = type(self).__name__
        self.rnn_state_interval = check_count(owner, "rnn_state_interval", rnn_state_interval, 0)
        self.batch_T = check_count(owner, "batch_T", batch_T, 1)
        B = check_count(owner, "B", B, 1)
        size = check_count(owner, "size", size, 1)
        self.start_interval = max(self.rnn_state_interval, 1)
        size = B * self.start_interval * math.ceil(math.ceil(size / B) / self.start_interval)
        rnn_example = getattr(example, "prev_rnn_state", None)
        if self.rnn_state_interval > 0 and rnn_example is None:
            raise ValueError(f"{owner}: rnn_state_interval={rnn_state_interval} needs a 'prev_rnn_state' "
                f"field in example (the agent's agent_info.prev_rnn_state)")
        super().__init__(example=example, size=size, B=B, discount=discount, n_step_return=n_step_return)
        self.sequence_T = self.batch_T + self.n_step_return
        if self.sequence_T + self.off_forward > self.T:
            raise ValueError(f"{owner}: size ({size}) must hold batch_T + n_step_return + "
                f"{self.off_forward} = {self.sequence_T + self.off_forward} time steps of B={B} environments")
        self.samples_prev_rnn_state = None
        if self.rnn_state_interval > 0:
            self.samples_prev_rnn_state = buffer_from_example(numpify_buffer(rnn_example),
                (self.T // self.start_interval, B))

    def storage_example(self, example):
        """What is stored densely: everything but the rnn state and the final observation."""
        example = super().storage_example(example)
        if "prev_rnn_state" in getattr(example, "_fields", ()):
            example = example._replace(prev_rnn_state=None)
        return example

    def append_samples(self, samples) -> None:
        """Store a [T, B] batch (optionally wrapped with input priorities in
        ``PrioritiesSamplesToBuffer``), keeping the rnn state of the steps
        where sequences may start."""
        samples = self.unwrap_priorities(samples)
        total = self._total_T
        rnn_state = getattr(samples, "prev_rnn_state", None)
        if "prev_rnn_state" in getattr(samples, "_fields", ()):
            samples = samples._replace(prev_rnn_state=None)
        super().append_samples(samples)
        if self.rnn_state_interval == 0:
            return
        if rnn_state is None:
            raise ValueError(f"{type(self).__name__}.append_samples: samples need 'prev_rnn_state' "
                f"(rnn_state_interval={self.rnn_state_interval})")
        steps = np.arange(total, self._total_T)
        at = np.nonzero(steps % self.start_interval == 0)[0]
        rows = (steps[at] % self.T) // self.start_interval
        self.samples_prev_rnn_state[rows] = buffer_func(numpify_buffer(rnn_state), lambda x: x[at])

    def unwrap_priorities(self, samples):
        """The samples without input priorities (this buffer ignores them)."""
        return samples.samples if isinstance(samples, PrioritiesSamplesToBuffer) else samples

    def start_range(self) -> tuple[int, int]:
        """``[low, high)`` of the time steps (counted since the start) where a
        whole sequence can start, before the interval and validity rules."""
        return max(self._total_T - self.T + self.off_forward, 0), self._total_T - self.sequence_T + 1

    def start_candidates(self) -> tuple[np.ndarray, np.ndarray]:
        """``(start_rows, B_idxs)`` of every sequence that can be drawn now:
        a whole stored sequence starting at a stored rnn state on a valid step."""
        low, high = self.start_range()
        r = self.start_interval
        steps = np.arange(-(-low // r) * r, max(high, 0), r)
        rows = steps % self.T
        start_T, B_idxs = np.nonzero(self.valid_at(rows[:, None], np.arange(self.B)[None]))
        return rows[start_T], B_idxs

    def extract_batch(self, T_idxs: np.ndarray, B_idxs: np.ndarray):
        """The sequences starting at ring rows ``T_idxs`` of environments
        ``B_idxs`` ([B] each), as torch tensors with leading dims
        [batch_T + n_step_return, B]."""
        T_idxs, B_idxs = np.asarray(T_idxs), np.asarray(B_idxs)
        L, n_seq = self.sequence_T, len(T_idxs)
        steps = (T_idxs[None, :] + np.arange(L)[:, None]) % self.T
        envs = np.broadcast_to(B_idxs[None, :], steps.shape)
        flat_t, flat_b = steps.reshape(-1), envs.reshape(-1)

        def unflatten(x: np.ndarray) -> np.ndarray:
            return x.reshape((L, n_seq) + x.shape[1:])

        s = self.samples
        init_rnn_state = None
        if self.samples_prev_rnn_state is not None:
            init_rnn_state = self.samples_prev_rnn_state[T_idxs // self.start_interval, B_idxs]
        fields = dict(
            agent_inputs=buffer_func(self.extract_agent_inputs(flat_t, flat_b), unflatten),
            action=s.action[steps, envs],
            return_=self.samples_return_[steps, envs],
            done=s.done[steps, envs],
            done_n=self.samples_done_n[steps, envs],
            valid=self.valid_at(steps, envs),
            reset=self.breaks_at(steps - 1, envs),
            init_rnn_state=init_rnn_state,
        )
        if not self.time_limit:
            return torchify_buffer(SamplesFromReplay(**fields))
        timeout = s.timeout[steps, envs] & fields["done"]
        timeout_n = self.samples_timeout_n[steps, envs]
        batch = SamplesFromReplayTl(**fields, timeout=timeout, timeout_n=timeout_n,
            bootstrap_steps=self._bootstrap_steps(fields["done"], timeout_n), final=self._final(steps, envs, timeout))
        return torchify_buffer(batch)

    def _bootstrap_steps(self, done: np.ndarray, timeout_n: np.ndarray) -> np.ndarray:
        """Steps from t to the first done at or after t where ``timeout_n``
        (the truncation), ``n_step_return`` elsewhere."""
        L = len(done)
        positions = np.where(done, np.arange(L)[:, None], L)
        next_done = np.minimum.accumulate(positions[::-1], axis=0)[::-1]
        steps = next_done - np.arange(L)[:, None] + 1
        return np.where(timeout_n, steps, self.n_step_return).astype(np.int64)

    def _final(self, steps: np.ndarray, envs: np.ndarray, timeout: np.ndarray) -> FinalInputs:
        """The inputs at the final observations of the truncations in the batch."""
        step, env = np.nonzero(timeout)
        t, b = steps[step, env], envs[step, env]
        if len(t):
            observation = np.stack([self.extract_final_observation(ti, bi) for ti, bi in zip(t, b)])
        else:
            observation = self.extract_observation(t, b)
        inputs = AgentInputs(observation, self.samples.action[t, b], self.samples.reward[t, b])
        return FinalInputs(step, env, *inputs)

    def _checkpoint_config(self) -> dict:
        """The base settings, the rnn-state interval and the sequence length."""
        return dict(super()._checkpoint_config(), rnn_state_interval=self.rnn_state_interval,
            batch_T=self.batch_T)

    def _checkpoint_arrays(self) -> dict[str, np.ndarray]:
        """The base buffer's arrays and the stored rnn states."""
        arrays = super()._checkpoint_arrays()
        arrays.update(named_arrays("samples_prev_rnn_state", self.samples_prev_rnn_state))
        return arrays
