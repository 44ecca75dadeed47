"""The serial sampler: every environment steps in the main process."""
from __future__ import annotations

from rlpyt.samplers.base import BaseSampler
from rlpyt.samplers.buffer import build_samples_buffer
from rlpyt.samplers.env_group import EnvGroup, make_envs


class SerialSampler(BaseSampler):
    """Steps ``batch_B`` environments in the calling process, the agent choosing
    actions for all of them in one batched forward pass per time step.

    Environment ``b`` of rank ``r`` is seeded with ``seed + r * batch_B + b``;
    eval environments follow after all training environments, so that a run
    is reproducible from its seed.
    """

    def initialize(self, agent, affinity=None, seed=None, bootstrap_value: bool = False,
            traj_info_kwargs: dict | None = None, rank: int = 0, world_size: int = 1):
        """Build envs, the agent's model and the samples buffer; returns the examples."""
        env_ranks = self.env_ranks(rank)
        envs = make_envs(EnvCls=self.EnvCls, env_kwargs=self.env_kwargs, n_envs=len(env_ranks))
        agent.initialize(envs[0].spaces, share_memory=False, global_B=self.batch_spec.B * world_size,
            env_ranks=env_ranks)
        samples_pyt, samples_np, examples = build_samples_buffer(agent, envs[0], self.batch_spec,
            bootstrap_value=bootstrap_value)
        seed = self.resolve_seed(seed)
        self._group = EnvGroup(envs=envs, env_seeds=[seed + r for r in env_ranks], agent=agent,
            samples_np=samples_np, CollectorCls=self.CollectorCls,
            TrajInfoCls=self.traj_info_factory(traj_info_kwargs), batch_T=self.batch_spec.T,
            max_decorrelation_steps=self.max_decorrelation_steps, EnvCls=self.EnvCls,
            eval_env_kwargs=self.eval_env_kwargs, eval_seeds=self.eval_env_seeds(seed, rank, world_size),
            eval_CollectorCls=self.eval_CollectorCls, eval_max_T=self.eval_max_T,
            eval_max_trajectories=self.eval_max_trajectories)
        self.agent = agent
        self.samples_pyt = samples_pyt
        self.samples_np = samples_np
        return examples

    @property
    def _envs(self) -> list:
        """The training environments."""
        return self._group.envs

    def obtain_samples(self, itr: int):
        """One [T, B] batch (torch views of the buffer) and the completed trajectories."""
        return self.samples_pyt, self._group.sample(itr)

    def evaluate_agent(self, itr: int) -> list:
        """Completed eval trajectories (requires ``eval_n_envs > 0``)."""
        self.require_eval()
        return self._group.evaluate(itr)

    def checkpoint_state(self):
        """The environment group's state (None if an environment cannot be checkpointed)."""
        return self._group.checkpoint_state()

    def load_checkpoint_state(self, state) -> None:
        """Restore the environment group (None: keep the fresh environments)."""
        if state is not None:
            self._group.load_checkpoint_state(state)

    def shutdown(self) -> None:
        """Close every environment."""
        self._group.close()
