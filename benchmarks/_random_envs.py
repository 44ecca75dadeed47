"""Gymnasium environments of random observations in the shapes the update
benchmarks use (a helper module, not a benchmark): an update's speed does
not depend on the data, so SB3's buffers and rlpyt's samplers fill from
these without MuJoCo or the emulator."""
from __future__ import annotations

import gymnasium
import numpy as np


class RandomEnv(gymnasium.Env):
    """Random observations of ``observation_space`` (uniform bytes for a
    uint8 space, standard normal otherwise) and random rewards; episodes
    truncate after 1,000 steps."""

    def __init__(self, observation_space: gymnasium.spaces.Box, action_space: gymnasium.spaces.Space) -> None:
        self.observation_space = observation_space
        self.action_space = action_space
        self._t = 0
        self._rng = np.random.default_rng(0)

    def reset(self, *, seed=None, options=None):
        """A random first observation."""
        self._t = 0
        return self._observation(), {}

    def step(self, action):
        """A random observation and reward; truncated after 1,000 steps."""
        self._t += 1
        return self._observation(), float(self._rng.standard_normal()), False, self._t >= 1000, {}

    def _observation(self) -> np.ndarray:
        space = self.observation_space
        if space.dtype == np.uint8:
            return self._rng.integers(0, 256, space.shape, dtype=np.uint8)
        return self._rng.standard_normal(space.shape).astype(space.dtype)


def random_box_env(obs_size: int = 17, action_size: int = 6) -> RandomEnv:
    """Float observations and Box(-1, 1) actions (HalfCheetah's sizes by default)."""
    return RandomEnv(gymnasium.spaces.Box(-np.inf, np.inf, (obs_size,), np.float32),
        gymnasium.spaces.Box(-1.0, 1.0, (action_size,), np.float32))


def random_image_env(shape: tuple = (4, 104, 80), n_actions: int = 6) -> RandomEnv:
    """uint8 frame stacks (Pong's 4x104x80 by default) and discrete actions."""
    return RandomEnv(gymnasium.spaces.Box(0, 255, shape, np.uint8), gymnasium.spaces.Discrete(n_actions))
