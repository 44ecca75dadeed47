"""Small Gymnasium environments made for the tests, whose every step is known."""
from __future__ import annotations

from typing import Any

import gymnasium
import numpy as np

from rlpyt.envs.gym import GymEnvWrapper


class CountingEnv(gymnasium.Env):
    """Observes its step counter; every step earns reward 1.0.

    Actions: ``Discrete(2)`` (checked, so a wrongly reverted action fails).
    Observation: the counter as a float64 ``Box`` of shape (1,) (float64 on
    purpose, to exercise the float32 conversion). The episode terminates when
    the counter reaches ``terminate_at`` and is truncated when it reaches
    ``truncate_at`` (None: never); both may happen on the same step. The info
    holds a numeric key "count" and a non-numeric key "note"; with
    ``info_keys_vary`` a float key "extra" appears on odd counts only.
    """

    metadata = {"render_modes": []}

    def __init__(self, terminate_at: int | None = None, truncate_at: int | None = None,
            info_keys_vary: bool = False) -> None:
        self.terminate_at = terminate_at
        self.truncate_at = truncate_at
        self.info_keys_vary = info_keys_vary
        self.action_space = gymnasium.spaces.Discrete(2)
        self.observation_space = gymnasium.spaces.Box(0.0, np.inf, shape=(1,), dtype=np.float64)
        self.count = 0

    def _obs(self) -> np.ndarray:
        return np.array([self.count], dtype=np.float64)

    def reset(self, *, seed: int | None = None, options: dict | None = None) -> tuple:
        """Start counting from 0."""
        super().reset(seed=seed)
        self.count = 0
        return self._obs(), {"count": 0, "note": "reset"}

    def step(self, action: Any) -> tuple:
        """Count one step."""
        if not self.action_space.contains(action):
            raise ValueError(f"CountingEnv: invalid action {action!r}")
        self.count += 1
        terminated = self.terminate_at is not None and self.count >= self.terminate_at
        truncated = self.truncate_at is not None and self.count >= self.truncate_at
        info = {"count": self.count, "note": f"step {self.count}"}
        if self.info_keys_vary and self.count % 2 == 1:
            info["extra"] = 0.5 * self.count
        return self._obs(), 1.0, terminated, truncated, info


def make_counting_env(info_example: dict | None = None, **kwargs: Any) -> GymEnvWrapper:
    """A wrapped ``CountingEnv`` (``kwargs`` go to CountingEnv), usable as a
    sampler's ``EnvCls``."""
    return GymEnvWrapper(CountingEnv(**kwargs), info_example=info_example)


class RaisingEnv(CountingEnv):
    """A CountingEnv whose ``step`` raises on its ``raise_at``-th step."""

    def __init__(self, raise_at: int, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.raise_at = raise_at
        self.steps = 0

    def step(self, action: Any) -> tuple:
        """Count one step, or fail on purpose."""
        self.steps += 1
        if self.steps == self.raise_at:
            raise RuntimeError(f"RaisingEnv: deliberate failure at step {self.steps}")
        return super().step(action)


def make_raising_env(raise_at: int, **kwargs: Any) -> GymEnvWrapper:
    """A wrapped ``RaisingEnv``, usable as a sampler's ``EnvCls``."""
    return GymEnvWrapper(RaisingEnv(raise_at=raise_at, **kwargs))


class EpisodeLengthEnv(gymnasium.Env):
    """Episodes whose every step tells where it is: the length L (2 to
    ``max_length`` steps) is drawn at each reset from the seeded
    ``np_random``, and so is whether the episode ends by termination or by a
    time-limit truncation. Reward 1 per step. Actions: ``Discrete(2)``, or
    with ``continuous`` a ``Box`` of shape (1,); they change nothing.

    Observation: ``[count, L, truncates]`` (float32), or with ``n_frames``
    uint8 stacks ``[n_frames, 1, 3]`` of the frames ``[count + 1, L,
    truncates]`` of the last steps, zeros before the episode's start (as
    ``AtariEnv`` stacks frames). The final observation has count L.
    """

    metadata = {"render_modes": []}

    def __init__(self, max_length: int = 8, n_frames: int | None = None, continuous: bool = False) -> None:
        self.max_length = max_length
        self.n_frames = n_frames
        if continuous:
            self.action_space = gymnasium.spaces.Box(-1.0, 1.0, shape=(1,), dtype=np.float32)
        else:
            self.action_space = gymnasium.spaces.Discrete(2)
        if n_frames is None:
            self.observation_space = gymnasium.spaces.Box(0.0, np.inf, shape=(3,), dtype=np.float32)
        else:
            self.observation_space = gymnasium.spaces.Box(0, 255, shape=(n_frames, 1, 3), dtype=np.uint8)
        self.count = self.length = self.truncates = 0

    def _obs(self) -> np.ndarray:
        if self.n_frames is None:
            return np.array([self.count, self.length, self.truncates], dtype=np.float32)
        stack = np.zeros((self.n_frames, 1, 3), dtype=np.uint8)
        for j in range(self.n_frames):
            count = self.count - (self.n_frames - 1 - j)
            if count >= 0:
                stack[j, 0] = (count + 1, self.length, self.truncates)
        return stack

    def reset(self, *, seed: int | None = None, options: dict | None = None) -> tuple:
        """Start an episode of a new random length."""
        super().reset(seed=seed)
        self.count = 0
        self.length = int(self.np_random.integers(2, self.max_length + 1))
        self.truncates = int(self.np_random.integers(0, 2))
        return self._obs(), {}

    def step(self, action: Any) -> tuple:
        """Count one step; the episode ends after L of them."""
        self.count += 1
        end = self.count >= self.length
        return self._obs(), 1.0, end and not self.truncates, end and bool(self.truncates), {}


def make_episode_length_env(**kwargs: Any) -> GymEnvWrapper:
    """A wrapped ``EpisodeLengthEnv`` (``kwargs`` go to it), usable as a sampler's ``EnvCls``."""
    return GymEnvWrapper(EpisodeLengthEnv(**kwargs))
