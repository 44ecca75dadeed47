"""Environments stepped in worker processes, driven from the main process.

Workers only step environments; the main process (where the agent runs,
on the GPU when it has one) writes the actions of all B environments into a
shared step buffer, tells every worker to step its share, and reads back
observations, rewards, dones and env infos from the same buffer. Resets and
single steps (decorrelation) are remote calls to the owning worker.
"""
from __future__ import annotations

from rlpyt.samplers.env_group import make_envs, seed_envs
from rlpyt.utils.buffer import buffer_from_example
from rlpyt.utils.collections import namedarraytuple

StepBuffer = namedarraytuple("StepBuffer", ["action", "idle", "observation", "reward", "done", "env_info"])


def build_step_buffer(examples, n_envs: int) -> StepBuffer:
    """A shared-memory buffer for one step of ``n_envs`` environments."""
    return StepBuffer(
        action=buffer_from_example(examples.action, n_envs, share_memory=True),
        idle=buffer_from_example(False, n_envs, share_memory=True),
        observation=buffer_from_example(examples.observation, n_envs, share_memory=True),
        reward=buffer_from_example(examples.reward, n_envs, share_memory=True),
        done=buffer_from_example(examples.done, n_envs, share_memory=True),
        env_info=buffer_from_example(examples.env_info, n_envs, share_memory=True),
    )


class EnvWorker:
    """Lives in a worker process: its training and eval environments and its
    rows of the two step buffers; answers "step", "reset" and "step_one"."""

    def __init__(self, *, step_np: StepBuffer, eval_step_np: StepBuffer | None, EnvCls,
            env_kwargs: dict, eval_env_kwargs: dict, env_seeds: list, eval_seeds: list) -> None:
        envs = make_envs(EnvCls=EnvCls, env_kwargs=env_kwargs, n_envs=len(env_seeds))
        eval_envs = make_envs(EnvCls=EnvCls, env_kwargs=eval_env_kwargs, n_envs=len(eval_seeds))
        seed_envs(envs=envs + eval_envs, seeds=env_seeds + eval_seeds)
        self.groups = {"train": (envs, step_np), "eval": (eval_envs, eval_step_np)}

    def __call__(self, command: str, argument):
        """Step all non-idle environments of a group, or reset / step one."""
        if command == "step":
            envs, buf = self.groups[argument]
            for b, env in enumerate(envs):
                if not buf.idle[b]:
                    o, r, d, env_info = env.step(buf.action[b])
                    buf.observation[b], buf.reward[b], buf.done[b] = o, r, d
                    buf.env_info[b] = env_info
            return None
        group, index, action = argument
        env = self.groups[group][0][index]
        if command == "reset":
            return env.reset()
        if command == "step_one":
            return env.step(action)
        raise ValueError(f"EnvWorker: unknown command {command!r}")


class RemoteEnv:
    """One environment in a worker, as the collectors see it."""

    def __init__(self, group: "RemoteEnvs", index: int) -> None:
        self._group = group
        self._index = index

    def step(self, action):
        """Step this environment alone (a remote call)."""
        return self._group.call_one("step_one", self._index, action)

    def reset(self):
        """Reset this environment (a remote call); returns the observation."""
        return self._group.call_one("reset", self._index, None)

    @property
    def spaces(self):
        """The environment spaces (the same for every environment)."""
        return self._group.spaces

    @property
    def action_space(self):
        """The action space."""
        return self._group.spaces.action

    @property
    def observation_space(self):
        """The observation space."""
        return self._group.spaces.observation


class RemoteEnvs:
    """The environments of one group ("train" or "eval") across all workers,
    indexed from 0; ``send_many`` / ``receive_many`` step them all in one
    round of messages, so the caller can work while they step.

    ``slices[rank]`` are the rows of ``step_np`` worker ``rank`` steps
    (empty for workers outside this group)."""

    def __init__(self, workers, name: str, step_np: StepBuffer, slices: list, spaces, info_cls) -> None:
        self.workers = workers
        self.name = name
        self.step_np = step_np
        self.spaces = spaces
        self.info_cls = info_cls
        self._owner = [(rank, b - s.start) for rank, s in enumerate(slices) for b in range(s.start, s.stop)]
        self._ranks = sorted({rank for rank, _ in self._owner})
        self._envs = [RemoteEnv(self, b) for b in range(len(self._owner))]

    def __len__(self) -> int:
        return len(self._envs)

    def __getitem__(self, index):
        return self._envs[index]

    def __iter__(self):
        return iter(self._envs)

    def call_one(self, command: str, index: int, action):
        """Run a command on the worker that owns environment ``index``."""
        rank, local = self._owner[index]
        self.workers.send(command, (self.name, local, action), ranks=[rank])
        return self.workers.gather(ranks=[rank])[0]

    def send_many(self, action, idle: list) -> None:
        """Start stepping every environment not idle (returns without waiting)."""
        buf = self.step_np
        buf.action[:] = action
        buf.idle[:] = idle
        self.workers.send("step", self.name, ranks=self._ranks)

    def receive_many(self, idle: list) -> list:
        """Wait for the step started by ``send_many``; per environment
        ``EnvStep``-like tuples (views of the shared buffer), ``None`` for
        idle ones."""
        self.workers.gather(ranks=self._ranks)
        buf = self.step_np
        infos = zip(*buf.env_info) if self.info_cls is not None else [None] * len(idle)
        return [None if wait else (buf.observation[b], float(buf.reward[b]), bool(buf.done[b]),
            None if info is None else self.info_cls(*info))
            for b, (wait, info) in enumerate(zip(idle, infos))]

    def step_many(self, action, idle: list) -> list:
        """``send_many`` then ``receive_many``."""
        self.send_many(action, idle)
        return self.receive_many(idle)
