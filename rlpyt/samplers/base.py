"""The sampler interface every sampler implements."""
from __future__ import annotations

from rlpyt.samplers.collections import BatchSpec, TrajInfo


class BaseSampler:
    """Steps environments with an agent and returns [T, B] batches of samples.

    Keyword arguments keep rlpyt's names: ``EnvCls(**env_kwargs)`` builds each
    environment; ``batch_T`` x ``batch_B`` is one batch; ``CollectorCls`` decides
    when done environments reset; ``eval_*`` configure ``evaluate_agent``.
    """

    def __init__(self, EnvCls, env_kwargs: dict | None, batch_T: int, batch_B: int,
            CollectorCls=None, max_decorrelation_steps: int = 100, TrajInfoCls=TrajInfo,
            eval_n_envs: int = 0, eval_CollectorCls=None, eval_env_kwargs: dict | None = None,
            eval_max_steps: int | None = None, eval_max_trajectories: int | None = None) -> None:
        if not callable(EnvCls):
            raise TypeError(f"{type(self).__name__}: EnvCls must be callable, got {EnvCls!r}")
        for name, value in (("env_kwargs", env_kwargs), ("eval_env_kwargs", eval_env_kwargs)):
            if value is not None and not isinstance(value, dict):
                raise TypeError(f"{type(self).__name__}: {name} must be a dict, got {type(value).__name__}")
        if not isinstance(max_decorrelation_steps, int) or max_decorrelation_steps < 0:
            raise ValueError(f"{type(self).__name__}: max_decorrelation_steps must be an int >= 0, "
                f"got {max_decorrelation_steps!r}")
        if not isinstance(eval_n_envs, int) or eval_n_envs < 0:
            raise ValueError(f"{type(self).__name__}: eval_n_envs must be an int >= 0, got {eval_n_envs!r}")
        if eval_n_envs > 0 and eval_max_steps is None:
            raise ValueError(f"{type(self).__name__}: eval_max_steps is required when eval_n_envs > 0")
        self.EnvCls = EnvCls
        self.env_kwargs = dict(env_kwargs or {})
        self.batch_spec = BatchSpec(batch_T, batch_B)
        self.CollectorCls = CollectorCls
        self.max_decorrelation_steps = max_decorrelation_steps
        self.TrajInfoCls = TrajInfoCls
        self.eval_n_envs = eval_n_envs
        self.eval_CollectorCls = eval_CollectorCls
        self.eval_env_kwargs = dict(self.env_kwargs if eval_env_kwargs is None else eval_env_kwargs)
        self.eval_max_steps = None if eval_max_steps is None else int(eval_max_steps)
        self.eval_max_trajectories = eval_max_trajectories

    def initialize(self, agent, affinity=None, seed=None, bootstrap_value: bool = False,
            traj_info_kwargs: dict | None = None, rank: int = 0, world_size: int = 1):
        """Build envs and buffers, initialize the agent; returns the examples."""
        raise NotImplementedError

    def obtain_samples(self, itr: int):
        """One batch: returns ``(samples, traj_infos)`` of completed trajectories."""
        raise NotImplementedError

    def evaluate_agent(self, itr: int) -> list:
        """Run the agent in eval mode; returns the completed trajectory infos."""
        raise NotImplementedError

    def shutdown(self) -> None:
        """Release environments and any processes."""

    @property
    def batch_size(self) -> int:
        """Environment steps per batch."""
        return self.batch_spec.size
