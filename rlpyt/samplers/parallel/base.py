"""What the multi-process samplers share: worker layout from the affinity,
agent and samples buffer set-up, seeding, evaluation and shutdown."""
from __future__ import annotations

import math
import os

import psutil

from rlpyt.samplers.base import BaseSampler
from rlpyt.samplers.buffer import build_samples_buffer
from rlpyt.samplers.parallel.worker import WorkerGroup


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

    def initialize_agent(self, agent, rank: int, world_size: int, bootstrap_value: bool,
            share_memory: bool):
        """Initialize the agent for this sampler's environment ranks and build
        the samples buffer from one example environment, closed after (the
        workers build their own); returns ``(spaces, samples_pyt, samples_np,
        examples)``. ``share_memory`` puts model and buffer in shared memory."""
        example_env = self.EnvCls(**self.env_kwargs)
        spaces = example_env.spaces
        agent.initialize(spaces, share_memory=share_memory, global_B=self.batch_spec.B * world_size,
            env_ranks=self.env_ranks(rank))
        samples_pyt, samples_np, examples = build_samples_buffer(agent, example_env, self.batch_spec,
            bootstrap_value=bootstrap_value, share_memory=share_memory)
        example_env.close()
        return spaces, samples_pyt, samples_np, examples

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
        """Each worker's share of the eval environments (their seeds) and of
        the trajectories to complete."""
        seeds = self.eval_env_seeds(seed, rank, world_size)
        max_traj = (None if self.eval_max_trajectories is None
            else math.ceil(self.eval_max_trajectories / n_workers))
        configs, start = [], 0
        for count in split_evenly(self.eval_n_envs, n_workers):
            configs.append(dict(eval_seeds=seeds[start:start + count], eval_max_T=self.eval_max_T,
                eval_max_trajectories=max_traj))
            start += count
        return configs

    def evaluate_agent(self, itr: int) -> list:
        """Completed eval trajectories from every worker."""
        self.require_eval()
        self.agent.sync_shared_memory()
        return [info for infos in self.workers.call("eval", itr) for info in infos]

    def shutdown(self) -> None:
        """Stop every worker process."""
        if self.workers is not None:
            self.workers.shutdown()
            self.workers = None
