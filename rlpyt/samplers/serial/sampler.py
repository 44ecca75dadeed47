"""The serial sampler: every environment steps in the main process."""
from __future__ import annotations

import functools

from rlpyt.samplers.base import BaseSampler
from rlpyt.samplers.buffer import build_samples_buffer
from rlpyt.samplers.parallel.cpu.collectors import CpuResetCollector
from rlpyt.samplers.serial.collectors import SerialEvalCollector
from rlpyt.utils.seed import make_seed


class SerialSampler(BaseSampler):
    """Steps ``batch_B`` environments in the calling process, the agent choosing
    actions for all of them in one batched forward pass per time step.

    Environment ``b`` of rank ``r`` is seeded with ``seed + r * batch_B + b``;
    eval environments follow after all training environments, so that a run
    is reproducible from its seed.
    """

    def __init__(self, *args, CollectorCls=CpuResetCollector,
            eval_CollectorCls=SerialEvalCollector, **kwargs) -> None:
        super().__init__(*args, CollectorCls=CollectorCls, eval_CollectorCls=eval_CollectorCls, **kwargs)

    @property
    def mid_batch_reset(self) -> bool:
        """Whether finished environments reset within a batch (from the collector)."""
        return self.CollectorCls.mid_batch_reset

    def initialize(self, agent, affinity=None, seed=None, bootstrap_value: bool = False,
            traj_info_kwargs: dict | None = None, rank: int = 0, world_size: int = 1):
        """Build envs, the agent's model and the samples buffer; returns the examples."""
        B = self.batch_spec.B
        global_B = B * world_size
        env_ranks = list(range(rank * B, (rank + 1) * B))
        envs = [self.EnvCls(**self.env_kwargs) for _ in range(B)]
        agent.initialize(envs[0].spaces, share_memory=False, global_B=global_B, env_ranks=env_ranks)
        samples_pyt, samples_np, examples = build_samples_buffer(agent, envs[0], self.batch_spec,
            bootstrap_value=bootstrap_value)
        seed = make_seed() if seed is None else seed
        for env, env_rank in zip(envs, env_ranks):
            env.seed(seed + env_rank)
        traj_info_factory = functools.partial(self.TrajInfoCls, **(traj_info_kwargs or {}))
        collector = self.CollectorCls(rank=0, envs=envs, samples_np=samples_np,
            batch_T=self.batch_spec.T, TrajInfoCls=traj_info_factory, agent=agent,
            global_B=global_B, env_ranks=env_ranks)
        agent_inputs, traj_infos = collector.start_envs(self.max_decorrelation_steps)
        self._eval_collector = None
        if self.eval_n_envs > 0:
            eval_envs = [self.EnvCls(**self.eval_env_kwargs) for _ in range(self.eval_n_envs)]
            for i, env in enumerate(eval_envs):
                env.seed(seed + global_B + rank * self.eval_n_envs + i)
            self._eval_collector = self.eval_CollectorCls(rank=0, envs=eval_envs,
                TrajInfoCls=traj_info_factory, max_T=self.eval_max_steps // self.eval_n_envs,
                agent=agent, max_trajectories=self.eval_max_trajectories)
        self.agent = agent
        self.samples_pyt = samples_pyt
        self.samples_np = samples_np
        self._envs = envs
        self._collector = collector
        self._agent_inputs = agent_inputs
        self._traj_infos = traj_infos
        return examples

    def obtain_samples(self, itr: int):
        """One [T, B] batch (torch views of the buffer) and the completed trajectories."""
        self._agent_inputs, self._traj_infos, completed = self._collector.collect_batch(
            self._agent_inputs, self._traj_infos, itr)
        return self.samples_pyt, completed

    def evaluate_agent(self, itr: int) -> list:
        """Completed eval trajectories (requires ``eval_n_envs > 0``)."""
        if self.eval_n_envs == 0:
            raise RuntimeError("SerialSampler.evaluate_agent: construct the sampler with "
                "eval_n_envs > 0 and eval_max_steps to evaluate")
        return self._eval_collector.collect_evaluation(itr)

    def shutdown(self) -> None:
        """Close every environment."""
        eval_envs = [] if self._eval_collector is None else self._eval_collector.envs
        for env in self._envs + eval_envs:
            env.close()
