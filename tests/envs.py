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
