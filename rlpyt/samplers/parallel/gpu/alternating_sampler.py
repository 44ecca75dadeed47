"""Alternating samplers: two groups of environment workers take turns, so
the agent computes one group's actions while the other group steps."""
from __future__ import annotations

from rlpyt.samplers.parallel.base import split_evenly
from rlpyt.samplers.parallel.gpu.env_workers import RemoteEnvs
from rlpyt.samplers.parallel.gpu.sampler import GpuSampler


class AlternatingSampler(GpuSampler):
    """Like GpuSampler, with the B environments and the workers split into two
    halves that alternate: while the workers of one half step their
    environments, the agent selects actions for the other half. Needs an even
    ``batch_B`` and an even number of workers; a recurrent agent must keep
    one rnn state per half (an alternating agent)."""

    overlap = True

    def initialize(self, agent, affinity=None, seed=None, bootstrap_value: bool = False,
            traj_info_kwargs: dict | None = None, rank: int = 0, world_size: int = 1):
        """Check the agent can alternate, then set up as GpuSampler does."""
        if agent.recurrent and not agent.alternating:
            raise TypeError(f"{type(self).__name__}: a recurrent agent must keep one rnn state per "
                f"half (an alternating agent, e.g. AlternatingAtariLstmAgent); "
                f"{type(agent).__name__} does not")
        return super().initialize(agent, affinity=affinity, seed=seed, bootstrap_value=bootstrap_value,
            traj_info_kwargs=traj_info_kwargs, rank=rank, world_size=world_size)

    def worker_layout(self, affinity: dict | None, n_envs: int) -> list:
        """The GpuSampler layout, checked for two equal halves."""
        owner = type(self).__name__
        if n_envs % 2:
            raise ValueError(f"{owner}: batch_B must be even (two alternating halves), got {n_envs}")
        layout = super().worker_layout(affinity, n_envs)
        if (affinity or {}).get("workers_cpus") is None and len(layout) % 2:
            layout = layout[:-1] if len(layout) > 1 else layout * 2
        if len(layout) % 2:
            raise ValueError(f"{owner}: needs an even number of workers (two alternating halves), "
                f"got {len(layout)} from affinity['workers_cpus']")
        return layout

    def env_slices(self, n_workers: int) -> list[slice]:
        """Each half of the workers steps one half of the environments."""
        half_B, half_w = self.batch_spec.B // 2, n_workers // 2
        bounds = [0]
        for size in split_evenly(half_B, half_w) * 2:
            bounds.append(bounds[-1] + size)
        return [slice(a, b) for a, b in zip(bounds[:-1], bounds[1:])]

    def make_collectors(self, step_np, slices: list, traj_info_factory) -> None:
        """One collector per half, each over its columns of the samples buffer."""
        half_B, half_w = self.batch_spec.B // 2, len(slices) // 2
        self.collectors, self.states = [], []
        for h, cols in enumerate((slice(0, half_B), slice(half_B, 2 * half_B))):
            ranks = range(h * half_w, (h + 1) * half_w)
            rel = [slice(s.start - cols.start, s.stop - cols.start) if r in ranks else slice(0, 0)
                for r, s in enumerate(slices)]
            envs = RemoteEnvs(self.workers, "train", step_np[cols], rel, self.spaces, self.info_cls)
            collector = self.CollectorCls(envs=envs, samples_np=self.samples_np[:, cols],
                batch_T=self.batch_spec.T, TrajInfoCls=traj_info_factory, agent=self.agent)
            self.collectors.append(collector)
            self._use_half(h)
            self.states.append(collector.start_envs(self.max_decorrelation_steps))

    def _use_half(self, half: int) -> int:
        """Tell an alternating agent which half it acts for; returns ``half``."""
        if self.agent.alternating:
            self.agent.set_alternating_half(half)
        return half

    def _run(self, half: int, phase: str, *args):
        self._use_half(half)
        return getattr(self.collectors[half], phase)(*args)

    def obtain_samples(self, itr: int):
        """One [T, B] batch: the halves alternate between acting and stepping."""
        for half, (agent_inputs, traj_infos) in enumerate(self.states):
            self._run(half, "start_batch", agent_inputs, traj_infos)
        T = self.batch_spec.T
        for t in range(T):
            self._run(0, "act", t)
            self._run(0, "send", t)
            if self.overlap and t > 0:
                self._run(1, "receive", t - 1)
            if not self.overlap:
                self._run(0, "receive", t)
            self._run(1, "act", t)
            self._run(1, "send", t)
            self._run(0 if self.overlap else 1, "receive", t)
        if self.overlap:
            self._run(1, "receive", T - 1)
        completed = []
        self.states = []
        for half in range(2):
            agent_inputs, traj_infos, done_infos = self._run(half, "finish_batch")
            self.states.append((agent_inputs, traj_infos))
            completed.extend(done_infos)
        return self.samples_pyt, completed


class NoOverlapAlternatingSampler(AlternatingSampler):
    """The alternating layout without the overlap: each half steps while the
    other waits (a reference for debugging the alternating sampler)."""

    overlap = False
