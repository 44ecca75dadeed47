"""The structures samplers fill: batch spec, [T, B] samples, trajectory infos."""
from __future__ import annotations

from collections import namedtuple
from functools import reduce
from itertools import accumulate, repeat
from operator import add, mul
from typing import Iterable

from rlpyt.utils.checks import check_count
from rlpyt.utils.collections import AttrDict, namedarraytuple

Samples = namedarraytuple("Samples", ["agent", "env"])
AgentSamples = namedarraytuple("AgentSamples", ["action", "prev_action", "agent_info"])
AgentSamplesBsv = namedarraytuple("AgentSamplesBsv",
    ["action", "prev_action", "agent_info", "bootstrap_value", "timeout_value"])
EnvSamples = namedarraytuple("EnvSamples",
    ["observation", "reward", "prev_reward", "done", "env_info", "final_observation"])
"""``final_observation[t, b]`` is the observation an environment returned
when its step ``t`` was ``done`` (before any reset): off-policy algorithms
bootstrap from it at time-limit truncations. It is valid only where ``done``."""


class BatchSpec(namedtuple("BatchSpec", "T B")):
    """The shape of one sampling batch: T time steps by B environments."""

    __slots__ = ()

    def __new__(cls, T: int, B: int) -> "BatchSpec":
        return super().__new__(cls, check_count("BatchSpec", "T", T, 1), check_count("BatchSpec", "B", B, 1))

    @property
    def size(self) -> int:
        """Environment steps per batch, T * B."""
        return self.T * self.B


class TrajInfo(AttrDict):
    """Statistics of one trajectory, accumulated step by step.

    Every key not starting with an underscore is logged by the runners as
    ``<key>Average``, ``<key>Std``, ... over the trajectories completed in a log
    interval. Subclass it to log more; keyword arguments (e.g. ``discount``)
    come from the algorithm through the sampler.
    """

    def __init__(self, discount: float = 1.0, **kwargs) -> None:
        super().__init__(**kwargs)
        self.Length = 0
        self.Return = 0.0
        self.NonzeroRewards = 0
        self.DiscountedReturn = 0.0
        self._discount = discount
        self._cur_discount = 1.0

    def step(self, observation, action, reward, done, agent_info, env_info) -> None:
        """Account for one environment step."""
        reward = float(reward)
        self.Length += 1
        self.Return += reward
        self.NonzeroRewards += reward != 0
        self.DiscountedReturn += self._cur_discount * reward
        self._cur_discount *= self._discount

    def step_rewards(self, rewards: Iterable) -> None:
        """Account for several steps at once, one reward each: bitwise what
        as many ``step`` calls give, being the same Python operations in the
        same order, run by C iterators. Collectors call it, where ``step`` is
        not overridden, when a trajectory or batch ends, rather than ``step``
        per environment and time step."""
        rewards = list(map(float, rewards))
        n = len(rewards)
        discounts = list(accumulate(repeat(self._discount, n), mul, initial=self._cur_discount))
        self.Length += n
        self.Return = reduce(add, rewards, self.Return)
        self.NonzeroRewards += n - rewards.count(0.0)
        self.DiscountedReturn = reduce(add, map(mul, discounts, rewards), self.DiscountedReturn)
        self._cur_discount = discounts[-1]

    def terminate(self, observation) -> "TrajInfo":
        """Called when the trajectory ends; returns the finished info."""
        return self
