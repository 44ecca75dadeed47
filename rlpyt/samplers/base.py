"""The sampler interface every sampler implements."""
from __future__ import annotations

from rlpyt.samplers.collections import BatchSpec, TrajInfo
from rlpyt.utils.checks import check_count


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
        owner = type(self).__name__
        if not callable(EnvCls):
            raise TypeError(f"{owner}: EnvCls must be callable, got {EnvCls!r}")
        for name, value in (("env_kwargs", env_kwargs), ("eval_env_kwargs", eval_env_kwargs)):
            if value is not None and not isinstance(value, dict):
                raise TypeError(f"{owner}: {name} must be a dict, got {type(value).__name__}")
        max_decorrelation_steps = check_count(owner, "max_decorrelation_steps", max_decorrelation_steps, 0)
        eval_n_envs = check_count(owner, "eval_n_envs", eval_n_envs, 0)
        eval_max_steps = check_count(owner, "eval_max_steps", eval_max_steps, 1, allow_none=True)
        eval_max_trajectories = check_count(owner, "eval_max_trajectories", eval_max_trajectories, 1,
            allow_none=True)
        if eval_n_envs > 0 and eval_max_steps is None:
            raise ValueError(f"{owner}: eval_max_steps is required when eval_n_envs > 0")
        self.EnvCls = EnvCls
        self.env_kwargs = dict(env_kwargs or {})
        self.batch_spec = BatchSpec(check_count(owner, "batch_T", batch_T, 1),
            check_count(owner, "batch_B", batch_B, 1))
        self.CollectorCls = CollectorCls
        self.max_decorrelation_steps = max_decorrelation_steps
        self.TrajInfoCls = TrajInfoCls
        self.eval_n_envs = eval_n_envs
        self.eval_CollectorCls = eval_CollectorCls
        self.eval_env_kwargs = dict(self.env_kwargs if eval_env_kwargs is None else eval_env_kwargs)
        self.eval_max_steps = eval_max_steps
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
