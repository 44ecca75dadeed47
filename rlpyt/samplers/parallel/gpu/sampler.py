"""GpuSampler: workers only step environments; the agent selects actions for
the whole batch in the main process, on the GPU when ``cuda_idx`` is set
(and on the CPU otherwise)."""
from __future__ import annotations

from rlpyt.samplers.parallel.base import ParallelSamplerBase
from rlpyt.samplers.parallel.gpu.env_workers import EnvWorker, RemoteEnvs, build_step_buffer
from rlpyt.utils.collections import is_namedtuple


class GpuSampler(ParallelSamplerBase):
    """One batched forward pass per time step for all B environments, which
    step in parallel in the worker processes. Best when the model is large
    or on a GPU and environments are slow to step."""

    def initialize(self, agent, affinity=None, seed=None, bootstrap_value: bool = False,
            traj_info_kwargs: dict | None = None, rank: int = 0, world_size: int = 1):
        """Build buffers, start the environment workers, set up the collector;
        returns the examples."""
        B = self.batch_spec.B
        layout = self.worker_layout(affinity, B)
        seed = self.resolve_seed(seed)
        env_ranks = self.env_ranks(rank)
        spaces, samples_pyt, samples_np, examples = self.initialize_agent(agent, rank=rank,
            world_size=world_size, bootstrap_value=bootstrap_value, share_memory=False)
        step_np = build_step_buffer(examples, B)
        eval_step_np = build_step_buffer(examples, self.eval_n_envs) if self.eval_n_envs else None
        slices = self.env_slices(len(layout))
        eval_configs = self.eval_config(seed, rank, world_size, len(layout))
        eval_slices, start = [], 0
        for cfg in eval_configs:
            eval_slices.append(slice(start, start + len(cfg["eval_seeds"])))
            start += len(cfg["eval_seeds"])
        configs = [dict(EnvCls=self.EnvCls, env_kwargs=self.env_kwargs, eval_env_kwargs=self.eval_env_kwargs,
            env_seeds=[seed + r for r in env_ranks[s]], eval_seeds=cfg["eval_seeds"])
            for s, cfg in zip(slices, eval_configs)]
        shared = [dict(step_np=step_np[s], eval_step_np=None if eval_step_np is None else eval_step_np[es])
            for s, es in zip(slices, eval_slices)]
        self.start_workers(EnvWorker, configs, shared, layout, affinity, seed)
        try:
            self.info_cls = type(examples.env_info) if is_namedtuple(examples.env_info) else None
            self.spaces = spaces
            self.agent = agent
            self.samples_pyt, self.samples_np = samples_pyt, samples_np
            traj_info_factory = self.traj_info_factory(traj_info_kwargs)
            self.make_collectors(step_np, slices, traj_info_factory)
            self.eval_collector = None
            if self.eval_n_envs:
                eval_envs = RemoteEnvs(self.workers, "eval", eval_step_np, eval_slices, spaces, self.info_cls)
                self.eval_collector = self.eval_CollectorCls(envs=eval_envs, TrajInfoCls=traj_info_factory,
                    max_T=self.eval_max_T, agent=agent, max_trajectories=self.eval_max_trajectories)
        except BaseException:
            self.shutdown()
            raise
        return examples

    def make_collectors(self, step_np, slices: list, traj_info_factory) -> None:
        """One collector over all B environments, started (and decorrelated)."""
        envs = RemoteEnvs(self.workers, "train", step_np, slices, self.spaces, self.info_cls)
        self.collector = self.CollectorCls(envs=envs, samples_np=self.samples_np,
            batch_T=self.batch_spec.T, TrajInfoCls=traj_info_factory, agent=self.agent)
        self.agent_inputs, self.traj_infos = self.collector.start_envs(self.max_decorrelation_steps)

    def obtain_samples(self, itr: int):
        """One [T, B] batch and the completed trajectories."""
        self.agent_inputs, self.traj_infos, completed = self.collector.collect_batch(
            self.agent_inputs, self.traj_infos, itr)
        return self.samples_pyt, completed

    def evaluate_agent(self, itr: int) -> list:
        """Completed eval trajectories, the agent acting in the main process."""
        self.require_eval()
        return self.eval_collector.collect_evaluation(itr)
