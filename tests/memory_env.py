"""A memory task: the rewarded action is shown only in the first observation.

An episode lasts ``length`` steps. The first observation shows the cue, one
of two (one-hot in the first two entries); later observations show no cue.
The last entry flags the last step, the only step whose action counts:
reward 1 when it equals the cue, 0 otherwise. Every observation at the last
step is the same whatever the cue, so a feed-forward policy answers right
with probability exactly 1/2; a policy that remembers the cue earns 1.
"""
from __future__ import annotations

import gymnasium
import numpy as np

from rlpyt.envs.gym import GymEnvWrapper


class MemoryEnv(gymnasium.Env):
    """See the module docstring."""

    metadata = {"render_modes": []}

    def __init__(self, length: int = 3) -> None:
        self.length = length
        self.action_space = gymnasium.spaces.Discrete(2)
        self.observation_space = gymnasium.spaces.Box(0.0, 1.0, shape=(3,), dtype=np.float32)
        self.cue = 0
        self.t = 0

    def _obs(self) -> np.ndarray:
        obs = np.zeros(3, dtype=np.float32)
        if self.t == 0:
            obs[self.cue] = 1.0
        obs[2] = float(self.t == self.length - 1)
        return obs

    def reset(self, *, seed: int | None = None, options: dict | None = None) -> tuple:
        """Draw a new cue."""
        super().reset(seed=seed)
        self.cue = int(self.np_random.integers(2))
        self.t = 0
        return self._obs(), {}

    def step(self, action) -> tuple:
        """Reward 1 for answering the cue at the last step."""
        last = self.t == self.length - 1
        reward = float(last and int(action) == self.cue)
        self.t += 1
        return self._obs() if not last else np.zeros(3, dtype=np.float32), reward, last, False, {}


def make_memory_env(length: int = 3) -> GymEnvWrapper:
    """A wrapped ``MemoryEnv``, usable as a sampler's ``EnvCls``."""
    return GymEnvWrapper(MemoryEnv(length))
