"""Replay buffers for stacked image observations that store each frame once.

An observation ``[n_frames, H, W]`` (uint8) shares all but its newest frame
with the previous observation of the same episode. These buffers store only
the newest frame of each step and rebuild the stack when sampling, zeroing
the frames from before an episode's start or an invalid (waiting) step (as
environments that stack frames with zero padding at reset, like rlpyt's
``AtariEnv``, return them). At the first append the buffer checks that the
valid observations are stacked that way.
"""
from __future__ import annotations

import numpy as np

from rlpyt.replays.async_ import AsyncReplayBufferMixin
from rlpyt.replays.non_sequence.n_step import NStepReturnBuffer
from rlpyt.replays.non_sequence.prioritized import PrioritizedReplay
from rlpyt.replays.non_sequence.uniform import UniformReplay


def is_frame_observation(observation) -> bool:
    """Whether an observation example looks like stacked uint8 frames
    ``[n_frames, H, W]`` with ``n_frames`` > 1."""
    observation = np.asarray(observation)
    return observation.dtype == np.uint8 and observation.ndim == 3 and observation.shape[0] > 1


class NStepFrameBuffer(NStepReturnBuffer):
    """n-step buffer that stores one frame per step.

    ``samples_frames`` holds ``n_frames - 1`` leading rows (the frames before
    ring row 0: the first observation's older frames, later copies of the
    ring's last rows) followed by one frame per ring row, so the stack of row
    t is ``samples_frames[t : t + n_frames]``. Truncated steps keep only the
    newest frame of their final observation. Checkpoints add the array
    ``samples_frames``.
    """

    def __init__(self, example, size: int, B: int, discount: float = 1.0, n_step_return: int = 1) -> None:
        observation = np.asarray(example.observation)
        if not is_frame_observation(observation):
            raise ValueError(f"{type(self).__name__}: example.observation must be stacked uint8 "
                f"frames [n_frames > 1, H, W], got dtype {observation.dtype} shape {observation.shape}")
        self.n_frames = observation.shape[0]
        super().__init__(example=example._replace(observation=None), size=size, B=B,
            discount=discount, n_step_return=n_step_return)
        self.frame_shape = observation.shape[1:]
        self.samples_frames = np.zeros((self.T + self.n_frames - 1, self.B) + self.frame_shape, dtype=np.uint8)

    def write_samples(self, idxs: np.ndarray, samples) -> None:
        """Store the newest frame of each observation and the other fields."""
        observation = np.asarray(samples.observation)
        f = self.n_frames
        if self._total_T == 0:
            valid = self.samples_valid[idxs]
            self._check_stacking(observation, np.asarray(samples.done) | ~valid, valid)
            self.samples_frames[:f - 1] = observation[0, :, :-1].swapaxes(0, 1)
        self.samples_frames[idxs + f - 1] = observation[:, :, -1]
        if idxs.max() >= self.T - (f - 1):  # rows whose copies precede row 0
            self.samples_frames[:f - 1] = self.samples_frames[self.T:]
        super().write_samples(idxs, samples._replace(observation=None))

    def _check_stacking(self, observation: np.ndarray, breaks: np.ndarray, valid: np.ndarray) -> None:
        expected = np.where(breaks[:-1, :, None, None, None], 0, observation[:-1, :, 1:])
        checked = valid[1:]
        if not np.array_equal(observation[1:, :, :-1][checked], expected[checked]):
            raise ValueError(f"{type(self).__name__}: observations are not stacks of frames shifted "
                f"by one per step with zeros before an episode's start; pass the algorithm a "
                f"ReplayBufferCls that stores whole observations (e.g. UniformReplayBuffer)")

    def final_observation_to_store(self, observation: np.ndarray) -> np.ndarray:
        """Only the newest frame; the others are the stored step's."""
        return np.array(observation[-1])

    def _final_observation_layout(self) -> tuple[tuple, np.dtype]:
        """One frame is kept of each final observation."""
        return self.frame_shape, np.dtype(np.uint8)

    def _checkpoint_arrays(self) -> dict[str, np.ndarray]:
        """The base buffer's arrays and ``samples_frames``."""
        arrays = super()._checkpoint_arrays()
        arrays["samples_frames"] = self.samples_frames
        return arrays

    def extract_observation(self, T_idxs: np.ndarray, B_idxs: np.ndarray) -> np.ndarray:
        """Rebuild the stacks at rows ``T_idxs``, zeroing frames at and before
        a break (a done or an invalid step, ``breaks_at``)."""
        f = self.n_frames
        frame_rows = T_idxs[:, None] + np.arange(f)  # row t's stack, oldest first
        stack = self.samples_frames[frame_rows, B_idxs[:, None]]
        # frame j (j < f - 1) belongs to step t - (f - 1 - j); zero it if a break lies in [that step, t)
        older_rows = T_idxs[:, None] - np.arange(f - 1, 0, -1)
        breaks = self.breaks_at(older_rows, B_idxs[:, None])
        after_done = np.logical_or.accumulate(breaks[:, ::-1], axis=1)[:, ::-1]
        stack[:, :-1][after_done] = 0
        return stack

    def extract_final_observation(self, t: int, b: int) -> np.ndarray:
        """Row t's stack shifted by one, with the stored final frame newest."""
        stack = self.extract_observation(np.array([t]), np.array([b]))[0]
        return np.concatenate([stack[1:], self._final_observation[t * self.B + b][None]])


class UniformReplayFrameBuffer(UniformReplay, NStepFrameBuffer):
    """Frame buffer with uniform sampling."""


class PrioritizedReplayFrameBuffer(PrioritizedReplay, NStepFrameBuffer):
    """Frame buffer with prioritized sampling."""


class AsyncUniformReplayFrameBuffer(AsyncReplayBufferMixin, UniformReplayFrameBuffer):
    """``UniformReplayFrameBuffer`` in shared memory, for AsyncRl."""


class AsyncPrioritizedReplayFrameBuffer(AsyncReplayBufferMixin, PrioritizedReplayFrameBuffer):
    """``PrioritizedReplayFrameBuffer`` in shared memory, for AsyncRl."""
