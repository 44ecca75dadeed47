"""The environment interface the samplers step.

An rlpyt environment returns one ``EnvStep(observation, reward, done,
env_info)`` per step and only an observation from ``reset``. ``env_info`` is a
namedtuple whose fields never change over the life of the environment, so that
samplers can build buffers for it from one example.
"""
from __future__ import annotations

from abc import ABC, abstractmethod
from collections import namedtuple
from typing import Any

EnvStep = namedtuple("EnvStep", ["observation", "reward", "done", "env_info"])
EnvInfo = namedtuple("EnvInfo", [])
EnvSpaces = namedtuple("EnvSpaces", ["observation", "action"])


class Env(ABC):
    """Base class of rlpyt environments.

    Subclasses set ``self._action_space`` and ``self._observation_space``
    (rlpyt spaces) in their constructor and implement ``step`` and ``reset``.
    """

    @abstractmethod
    def step(self, action: Any) -> EnvStep:
        """Apply ``action``; return ``EnvStep(observation, reward, done, env_info)``."""

    @abstractmethod
    def reset(self) -> Any:
        """Start a new episode; return its first observation."""

    @property
    def action_space(self) -> Any:
        """The rlpyt space of actions."""
        return self._action_space

    @property
    def observation_space(self) -> Any:
        """The rlpyt space of observations."""
        return self._observation_space

    @property
    def spaces(self) -> EnvSpaces:
        """Both spaces, as the agent receives them in ``initialize``."""
        return EnvSpaces(observation=self.observation_space, action=self.action_space)

    @property
    def horizon(self) -> int | None:
        """The most steps an episode can last, if the environment limits it."""
        return None

    def seed(self, seed: int) -> None:
        """Seed the environment's randomness before its first reset.

        Samplers call ``env.seed(s)`` on every environment before the first
        reset, so that any environment can be seeded through this one hook.
        The base implementation does nothing.
        """

    def get_state(self) -> Any:
        """A picklable snapshot of everything that decides the environment's
        future steps (simulator, random generators, counters), for checkpoints:
        ``set_state`` of it on an environment built with the same arguments
        makes the same actions give the same steps. Environments that cannot
        be snapshot raise NotImplementedError (the base implementation)."""
        raise NotImplementedError(f"{type(self).__name__} cannot be checkpointed: it does not "
            f"implement get_state / set_state")

    def set_state(self, state: Any) -> None:
        """Restore a snapshot made by ``get_state`` (see there)."""
        raise NotImplementedError(f"{type(self).__name__} cannot be checkpointed: it does not "
            f"implement get_state / set_state")

    def close(self) -> None:
        """Release the environment's resources (windows, emulators, files)."""
