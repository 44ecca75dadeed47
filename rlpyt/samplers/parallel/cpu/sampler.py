"""CpuSampler: worker processes each step their share of the environments
with their own copy of the agent, whose model lives in shared memory."""
from __future__ import annotations

from rlpyt.samplers.env_group import EnvGroup, make_envs
from rlpyt.samplers.parallel.base import ParallelSamplerBase


class CpuWorker:
    """Lives in a worker process: its share of the environments in an
    EnvGroup with the worker's copy of the agent; answers "sample" and
    "eval" commands."""

    def __init__(self, *, agent, samples_np, EnvCls, env_kwargs: dict, eval_env_kwargs: dict,
            env_ranks: list, global_B: int, seed: int, CollectorCls, eval_CollectorCls, TrajInfoCls,
            batch_T: int, max_decorrelation_steps: int, eval_seeds: list, eval_max_T: int,
            eval_max_trajectories: int | None) -> None:
        envs = make_envs(EnvCls=EnvCls, env_kwargs=env_kwargs, n_envs=len(env_ranks))
        agent.collector_initialize(global_B=global_B, env_ranks=env_ranks)
        self.agent = agent
        self.group = EnvGroup(envs=envs, env_seeds=[seed + r for r in env_ranks], agent=agent,
            samples_np=samples_np, CollectorCls=CollectorCls, TrajInfoCls=TrajInfoCls, batch_T=batch_T,
            max_decorrelation_steps=max_decorrelation_steps, EnvCls=EnvCls,
            eval_env_kwargs=eval_env_kwargs, eval_seeds=eval_seeds, eval_CollectorCls=eval_CollectorCls,
            eval_max_T=eval_max_T, eval_max_trajectories=eval_max_trajectories)

    def __call__(self, command: str, argument) -> list:
        """Collect a batch ("sample", with ``(itr, sample_mode_state)`` of the
        trained agent) or evaluate ("eval", with ``itr``); returns completed traj infos."""
        if command == "sample":
            itr, sample_mode_state = argument
            self.agent.load_sample_mode_state(sample_mode_state)
            self.agent.sample_mode(itr)
            return self.group.sample(itr)
        if command == "eval":
            return self.group.evaluate(argument)
        raise ValueError(f"CpuWorker: unknown command {command!r}")


class CpuSampler(ParallelSamplerBase):
    """Parallel sampling on CPU cores: each worker steps its environments and
    runs the agent on them itself, writing straight into the shared [T, B]
    samples buffer. The model is in shared memory, so workers act with the
    latest weights at every batch."""

    def initialize(self, agent, affinity=None, seed=None, bootstrap_value: bool = False,
            traj_info_kwargs: dict | None = None, rank: int = 0, world_size: int = 1):
        """Build the shared buffer and model, start the workers; returns the examples."""
        layout = self.worker_layout(affinity, self.batch_spec.B)
        seed = self.resolve_seed(seed)
        global_B = self.batch_spec.B * world_size
        env_ranks = self.env_ranks(rank)
        _spaces, samples_pyt, samples_np, examples = self.initialize_agent(agent, rank=rank,
            world_size=world_size, bootstrap_value=bootstrap_value, share_memory=True)
        slices = self.env_slices(len(layout))
        eval_configs = self.eval_config(seed, rank, world_size, len(layout))
        configs = [dict(EnvCls=self.EnvCls, env_kwargs=self.env_kwargs, eval_env_kwargs=self.eval_env_kwargs,
            env_ranks=env_ranks[s], global_B=global_B, seed=seed,
            CollectorCls=self.CollectorCls, eval_CollectorCls=self.eval_CollectorCls,
            TrajInfoCls=self.traj_info_factory(traj_info_kwargs), batch_T=self.batch_spec.T,
            max_decorrelation_steps=self.max_decorrelation_steps, **eval_cfg)
            for s, eval_cfg in zip(slices, eval_configs)]
        shared = [dict(agent=agent, samples_np=samples_np[:, s]) for s in slices]
        self.agent = agent
        self.samples_pyt, self.samples_np = samples_pyt, samples_np
        self.start_workers(CpuWorker, configs, shared, layout, affinity, seed)
        return examples

    def obtain_samples(self, itr: int):
        """One [T, B] batch from all workers and their completed trajectories."""
        self.agent.sync_shared_memory()
        completed = self.workers.call("sample", (itr, self.agent.sample_mode_state()))
        return self.samples_pyt, [info for infos in completed for info in infos]
