"""What the multi-process samplers share: worker layout from the affinity,
validation, evaluation and shutdown."""
from __future__ import annotations

import functools
import math
import os

import psutil

from rlpyt.samplers.base import BaseSampler
from rlpyt.samplers.parallel.worker import WorkerGroup
from rlpyt.utils.seed import make_seed


def available_cpus() -> list[int]:
    """The CPU ids this process may run on (all CPUs where the OS does not say)."""
    if hasattr(os, "sched_getaffinity"):
        return sorted(os.sched_getaffinity(0))
    return list(range(psutil.cpu_count() or 1))


def split_evenly(n: int, parts: int) -> list[int]:
    """``n`` items in ``parts`` groups whose sizes differ by at most one."""
    return [n // parts + (i < n % parts) for i in range(parts)]


class ParallelSamplerBase(BaseSampler):
    """Runs environments in worker processes, one per entry of
    ``affinity["workers_cpus"]`` (an int or a list of CPU ids per worker;
    without an affinity, one worker per available CPU, at most ``batch_B``).

    ``start_method`` picks multiprocessing's start method ("fork", "spawn",
    "forkserver"; None for the platform default).
    """

    def __init__(self, *args, start_method: str | None = None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.start_method = start_method
        self.workers = None

    @property
    def mid_batch_reset(self) -> bool:
        """Whether finished environments reset within a batch (from the collector)."""
        return self.CollectorCls.mid_batch_reset

    def worker_layout(self, affinity: dict | None, n_envs: int) -> list:
        """CPU sets of the workers, checked against the machine and ``n_envs``."""
        owner = type(self).__name__
        cpus_ok = set(available_cpus())
        workers_cpus = (affinity or {}).get("workers_cpus")
        if workers_cpus is None:
            return [[c] for c in sorted(cpus_ok)[:n_envs]]
        if not isinstance(workers_cpus, (list, tuple)) or not workers_cpus:
            raise ValueError(f"{owner}: affinity['workers_cpus'] must be a non-empty list "
                f"(one int or list of CPU ids per worker), got {workers_cpus!r}")
        layout = [[c] if isinstance(c, int) else list(c) for c in workers_cpus]
        for cpus in layout:
            unknown = [c for c in cpus if c not in cpus_ok]
            if unknown:
                raise ValueError(f"{owner}: affinity['workers_cpus'] names CPU ids {unknown} that this "
                    f"process cannot use; available: {sorted(cpus_ok)}")
        if len(layout) > n_envs:
            raise ValueError(f"{owner}: {len(layout)} workers (affinity['workers_cpus']) for "
                f"{n_envs} environments (batch_B); use at most one worker per environment")
        return layout

    def start_workers(self, build, configs: list[dict], shared: list[dict], layout: list,
            affinity: dict | None, seed: int) -> None:
        """Start one worker per entry of ``layout``."""
        affinity = affinity or {}
        setups = [dict(config=config, cpus=cpus, torch_threads=affinity.get("worker_torch_threads", 1),
            set_affinity=affinity.get("set_affinity", True), seed=seed + 1 + rank)
            for rank, (config, cpus) in enumerate(zip(configs, layout))]
        self.workers = WorkerGroup(build, setups, shared, start_method=self.start_method)

    def env_slices(self, n_workers: int) -> list[slice]:
        """The batch columns each worker fills."""
        bounds = [0]
        for size in split_evenly(self.batch_spec.B, n_workers):
            bounds.append(bounds[-1] + size)
        return [slice(a, b) for a, b in zip(bounds[:-1], bounds[1:])]

    def eval_config(self, seed: int, rank: int, world_size: int, n_workers: int) -> list[dict]:
        """Each worker's share of the eval environments and trajectories."""
        counts = split_evenly(self.eval_n_envs, n_workers)
        first = self.batch_spec.B * world_size + rank * self.eval_n_envs
        configs, start = [], 0
        for count in counts:
            max_traj = (None if self.eval_max_trajectories is None
                else math.ceil(self.eval_max_trajectories / n_workers))
            configs.append(dict(eval_seeds=[seed + first + start + i for i in range(count)],
                eval_max_T=self.eval_max_steps // max(self.eval_n_envs, 1) if count else 0,
                eval_max_trajectories=max_traj))
            start += count
        return configs

    def traj_info_factory(self, traj_info_kwargs: dict | None):
        """TrajInfoCls with the algorithm's keyword arguments bound."""
        return functools.partial(self.TrajInfoCls, **(traj_info_kwargs or {}))

    def evaluate_agent(self, itr: int) -> list:
        """Completed eval trajectories from every worker."""
        if self.eval_n_envs == 0:
            raise RuntimeError(f"{type(self).__name__}.evaluate_agent: construct the sampler with "
                "eval_n_envs > 0 and eval_max_steps to evaluate")
        self.agent.sync_shared_memory()
        return [info for infos in self.workers.call("eval", itr) for info in infos]

    def shutdown(self) -> None:
        """Stop every worker process."""
        if self.workers is not None:
            self.workers.shutdown()
            self.workers = None

    @staticmethod
    def resolve_seed(seed: int | None) -> int:
        """The given seed, or a fresh one."""
        return make_seed() if seed is None else seed
