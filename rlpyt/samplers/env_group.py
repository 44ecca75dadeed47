"""A group of environments stepped in one process with the agent next to them.

The serial sampler holds one group in the main process; every CpuSampler
worker holds one for its share of the environments. The group owns the
environments, the collector that steps them into its columns of the samples
buffer (with the state carried from batch to batch) and the eval collector.
"""
from __future__ import annotations

from typing import Callable


def make_envs(EnvCls: Callable, env_kwargs: dict, n_envs: int) -> list:
    """``n_envs`` environments built as ``EnvCls(**env_kwargs)``."""
    return [EnvCls(**env_kwargs) for _ in range(n_envs)]


def seed_envs(envs: list, seeds: list[int]) -> None:
    """Seed environment ``i`` with ``seeds[i]`` (before its first reset)."""
    for env, seed in zip(envs, seeds):
        env.seed(seed)


class EnvGroup:
    """Training environments with their collector, and eval environments
    with theirs; answers ``sample`` and ``evaluate``.

    The training environments come built, unseeded (the serial sampler steps
    the first one to take the samples buffer's examples before seeding);
    they are seeded with ``env_seeds`` and started here. Eval environments are
    built and seeded with ``eval_seeds`` after the training environments
    started (none when ``eval_seeds`` is empty). This order is part of
    reproducibility: building an environment draws from numpy's global RNG,
    as does starting with decorrelation steps.
    """

    def __init__(self, *, envs: list, env_seeds: list[int], agent, samples_np, CollectorCls,
            TrajInfoCls: Callable, batch_T: int, max_decorrelation_steps: int, EnvCls: Callable,
            eval_env_kwargs: dict, eval_seeds: list[int], eval_CollectorCls, eval_max_T: int,
            eval_max_trajectories: int | None) -> None:
        seed_envs(envs=envs, seeds=env_seeds)
        self.envs = envs
        self.collector = CollectorCls(envs=envs, samples_np=samples_np, batch_T=batch_T,
            TrajInfoCls=TrajInfoCls, agent=agent)
        self.agent_inputs, self.traj_infos = self.collector.start_envs(max_decorrelation_steps)
        self.eval_collector = None
        if eval_seeds:
            eval_envs = make_envs(EnvCls=EnvCls, env_kwargs=eval_env_kwargs, n_envs=len(eval_seeds))
            seed_envs(envs=eval_envs, seeds=eval_seeds)
            self.eval_collector = eval_CollectorCls(envs=eval_envs, TrajInfoCls=TrajInfoCls,
                max_T=eval_max_T, agent=agent, max_trajectories=eval_max_trajectories)

    def sample(self, itr: int) -> list:
        """Fill the group's columns of the samples buffer with one batch;
        returns the trajectory infos completed in it."""
        self.agent_inputs, self.traj_infos, completed = self.collector.collect_batch(
            self.agent_inputs, self.traj_infos, itr)
        return completed

    def evaluate(self, itr: int) -> list:
        """Run the eval collector; returns the completed trajectory infos
        (none for a group without eval environments)."""
        return [] if self.eval_collector is None else self.eval_collector.collect_evaluation(itr)

    def checkpoint_state(self) -> dict | None:
        """Everything needed to continue sampling exactly: every training and
        eval environment's state, the inputs and trajectory infos carried to
        the next batch, and which environments wait for the batch's end;
        None when an environment cannot be checkpointed (``Env.get_state``)."""
        eval_envs = [] if self.eval_collector is None else self.eval_collector.envs
        try:
            env_states = [env.get_state() for env in self.envs]
            eval_states = [env.get_state() for env in eval_envs]
        except (NotImplementedError, TypeError):
            return None
        return dict(envs=env_states, eval_envs=eval_states, agent_inputs=self.agent_inputs,
            traj_infos=self.traj_infos, collector=self.collector.checkpoint_state())

    def load_checkpoint_state(self, state: dict) -> None:
        """Continue from ``checkpoint_state()``'s output."""
        eval_envs = [] if self.eval_collector is None else self.eval_collector.envs
        for env, env_state in zip(self.envs + eval_envs, state["envs"] + state["eval_envs"]):
            env.set_state(env_state)
        self.agent_inputs = state["agent_inputs"]
        self.traj_infos = state["traj_infos"]
        self.collector.load_checkpoint_state(state["collector"])

    def close(self) -> None:
        """Close every environment of the group."""
        eval_envs = [] if self.eval_collector is None else self.eval_collector.envs
        for env in self.envs + eval_envs:
            env.close()
