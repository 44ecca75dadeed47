"""The sampler interface every sampler implements."""
from __future__ import annotations

import functools

from rlpyt.samplers.collections import BatchSpec, TrajInfo
from rlpyt.samplers.collectors import EvalCollector, ResetCollector
from rlpyt.utils.checks import check_count
from rlpyt.utils.seed import make_seed


class BaseSampler:
    """Steps environments with an agent and returns [T, B] batches of samples.

    Keyword arguments keep rlpyt's names: ``EnvCls(**env_kwargs)`` builds each
    environment; ``batch_T`` x ``batch_B`` is one batch; ``CollectorCls`` decides
    when done environments reset; ``eval_*`` configure ``evaluate_agent``.

    Seeding: sampler ``rank`` of ``world_size`` steps the environments of
    global ranks ``rank * batch_B`` to ``(rank + 1) * batch_B - 1``, each seeded
    with ``seed`` plus its global rank; eval environments are seeded after all
    training environments of all ranks, so that a run is reproducible from
    its seed.
    """

    def __init__(self, EnvCls, env_kwargs: dict | None, batch_T: int, batch_B: int,
            CollectorCls=ResetCollector, max_decorrelation_steps: int = 100, TrajInfoCls=TrajInfo,
            eval_n_envs: int = 0, eval_CollectorCls=EvalCollector, eval_env_kwargs: dict | None = None,
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

    def checkpoint_state(self):
        """The state a checkpoint keeps to continue sampling exactly
        (environments, trajectories in progress); None where the sampler
        cannot restore it: a resumed run then continues with the sampler's
        freshly started environments (the parallel samplers, whose
        environments live in worker processes)."""
        return None

    def load_checkpoint_state(self, state) -> None:
        """Continue from ``checkpoint_state()``'s output (None: keep the
        freshly started environments)."""
        if state is not None:
            raise ValueError(f"{type(self).__name__}: this sampler cannot load environment state, "
                f"got {type(state).__name__}")

    @property
    def batch_size(self) -> int:
        """Environment steps per batch."""
        return self.batch_spec.size

    @property
    def mid_batch_reset(self) -> bool:
        """Whether finished environments reset within a batch (from the collector)."""
        return self.CollectorCls.mid_batch_reset

    @property
    def eval_max_T(self) -> int:
        """Steps each eval environment takes at most in one evaluation."""
        return self.eval_max_steps // self.eval_n_envs if self.eval_n_envs else 0

    def env_ranks(self, rank: int) -> list[int]:
        """Global ranks of the ``batch_B`` environments of sampler ``rank``."""
        B = self.batch_spec.B
        return list(range(rank * B, (rank + 1) * B))

    def eval_env_seeds(self, seed: int, rank: int, world_size: int) -> list[int]:
        """Seeds of sampler ``rank``'s eval environments: after the seeds of
        every training environment of every rank, then in rank order."""
        first = seed + self.batch_spec.B * world_size + rank * self.eval_n_envs
        return list(range(first, first + self.eval_n_envs))

    def traj_info_factory(self, traj_info_kwargs: dict | None):
        """TrajInfoCls with the algorithm's keyword arguments bound."""
        return functools.partial(self.TrajInfoCls, **(traj_info_kwargs or {}))

    def require_eval(self) -> None:
        """Raise unless the sampler was built to evaluate (``eval_n_envs > 0``)."""
        if self.eval_n_envs == 0:
            raise RuntimeError(f"{type(self).__name__}.evaluate_agent: construct the sampler with "
                "eval_n_envs > 0 and eval_max_steps to evaluate")

    @staticmethod
    def resolve_seed(seed: int | None) -> int:
        """The given seed, or a fresh one."""
        return make_seed() if seed is None else seed
