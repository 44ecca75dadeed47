"""CpuSampler: worker processes each step their share of the environments
with their own copy of the agent, whose model lives in shared memory."""
from __future__ import annotations

from rlpyt.samplers.buffer import build_samples_buffer
from rlpyt.samplers.parallel.base import ParallelSamplerBase
from rlpyt.samplers.parallel.cpu.collectors import CpuResetCollector
from rlpyt.samplers.serial.collectors import SerialEvalCollector


class CpuWorker:
    """Lives in a worker process: its environments, collector and eval
    collector; answers "sample" and "eval" commands."""

    def __init__(self, rank: int, agent, samples_np, EnvCls, env_kwargs: dict, eval_env_kwargs: dict,
            env_ranks: list, global_B: int, seed: int, CollectorCls, eval_CollectorCls, TrajInfoCls,
            batch_T: int, max_decorrelation_steps: int, eval_seeds: list, eval_max_T: int,
            eval_max_trajectories: int | None) -> None:
        envs = [EnvCls(**env_kwargs) for _ in env_ranks]
        for env, env_rank in zip(envs, env_ranks):
            env.seed(seed + env_rank)
        agent.collector_initialize(global_B=global_B, env_ranks=env_ranks)
        self.agent = agent
        self.collector = CollectorCls(rank=rank, envs=envs, samples_np=samples_np, batch_T=batch_T,
            TrajInfoCls=TrajInfoCls, agent=agent, global_B=global_B, env_ranks=env_ranks)
        self.agent_inputs, self.traj_infos = self.collector.start_envs(max_decorrelation_steps)
        self.eval_collector = None
        if eval_seeds:
            eval_envs = [EnvCls(**eval_env_kwargs) for _ in eval_seeds]
            for env, env_seed in zip(eval_envs, eval_seeds):
                env.seed(env_seed)
            self.eval_collector = eval_CollectorCls(rank=rank, envs=eval_envs, TrajInfoCls=TrajInfoCls,
                max_T=eval_max_T, agent=agent, max_trajectories=eval_max_trajectories)

    def __call__(self, command: str, argument) -> list:
        """Collect a batch ("sample", with ``(itr, sample_mode_state)`` of the
        trained agent) or evaluate ("eval", with ``itr``); returns completed traj infos."""
        if command == "sample":
            itr, sample_mode_state = argument
            self.agent.load_sample_mode_state(sample_mode_state)
            self.agent.sample_mode(itr)
            self.agent_inputs, self.traj_infos, completed = self.collector.collect_batch(
                self.agent_inputs, self.traj_infos, itr)
            return completed
        if command == "eval":
            return [] if self.eval_collector is None else self.eval_collector.collect_evaluation(argument)
        raise ValueError(f"CpuWorker: unknown command {command!r}")


class CpuSampler(ParallelSamplerBase):
    """Parallel sampling on CPU cores: each worker steps its environments and
    runs the agent on them itself, writing straight into the shared [T, B]
    samples buffer. The model is in shared memory, so workers act with the
    latest weights at every batch."""

    def __init__(self, *args, CollectorCls=CpuResetCollector, eval_CollectorCls=SerialEvalCollector,
            **kwargs) -> None:
        super().__init__(*args, CollectorCls=CollectorCls, eval_CollectorCls=eval_CollectorCls, **kwargs)

    def initialize(self, agent, affinity=None, seed=None, bootstrap_value: bool = False,
            traj_info_kwargs: dict | None = None, rank: int = 0, world_size: int = 1):
        """Build the shared buffer and model, start the workers; returns the examples."""
        B = self.batch_spec.B
        layout = self.worker_layout(affinity, B)
        seed = self.resolve_seed(seed)
        global_B = B * world_size
        example_env = self.EnvCls(**self.env_kwargs)
        agent.initialize(example_env.spaces, share_memory=True, global_B=global_B,
            env_ranks=list(range(rank * B, (rank + 1) * B)))
        samples_pyt, samples_np, examples = build_samples_buffer(agent, example_env, self.batch_spec,
            bootstrap_value=bootstrap_value, share_memory=True)
        example_env.close()
        slices = self.env_slices(len(layout))
        eval_configs = self.eval_config(seed, rank, world_size, len(layout))
        configs = [dict(EnvCls=self.EnvCls, env_kwargs=self.env_kwargs, eval_env_kwargs=self.eval_env_kwargs,
            env_ranks=list(range(rank * B + s.start, rank * B + s.stop)), global_B=global_B, seed=seed,
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
