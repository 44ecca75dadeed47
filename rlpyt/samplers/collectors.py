"""Collectors: the loops that step a group of environments with an agent.

A training collector fills the [T, B] samples buffer one batch at a time and
carries the environments' state (observation, previous action and reward,
trajectory infos) from one batch to the next: ``ResetCollector`` resets a
finished environment at once, ``WaitResetCollector`` at the end of the batch.
``EvalCollector`` runs whole trajectories in eval mode. Every sampler uses
these; rlpyt's per-sampler names (``CpuResetCollector``, ``GpuResetCollector``,
``SerialEvalCollector``, ...) stay importable from their old modules as
aliases of the same classes.
"""
from __future__ import annotations

from operator import itemgetter
from typing import Callable

import numpy as np
import torch

from rlpyt.agents.base import AgentInputs
from rlpyt.samplers.collections import TrajInfo
from rlpyt.utils.buffer import buffer_from_example, torchify_buffer


def step_envs(envs, action, idle: list) -> list:
    """Step every environment that is not idle; ``None`` for idle ones.

    ``envs`` is a list of environments, or an environment group with a
    ``step_many(action, idle)`` method that steps them all at once (the GPU
    sampler's environments in worker processes).
    """
    step_many = getattr(envs, "step_many", None)
    if step_many is not None:
        return step_many(action, idle)
    return [None if wait else env.step(a) for env, a, wait in zip(envs, action, idle)]


def _folds_steps(traj_info) -> bool:
    """Whether a trajectory info may skip its per-step ``step`` calls and
    take its steps' rewards at once (``TrajInfo.step_rewards``): where
    ``step`` is the default one. An override of ``step`` gets its call per
    environment and step, with the step's ``agent_info``."""
    return type(traj_info).step is TrajInfo.step


def _env_info_flag(env_info, name: str, default: bool) -> bool:
    return bool(getattr(env_info, name, default))


def _leaf_paths(buf, path: tuple = ()) -> list:
    """``(path, leaf)`` for every array leaf of a (nested) namedarraytuple
    buffer, ``path`` being the field names that lead to it (``()`` for a
    bare array; none for None)."""
    if buf is None:
        return []
    if not isinstance(buf, tuple):
        return [(path, buf)]
    return [leaf for name, field in zip(buf._fields, buf) for leaf in _leaf_paths(field, path + (name,))]


def _follow(value, path: tuple):
    """The part of ``value`` at ``path``; None where a field on the way is None."""
    for name in path:
        if value is None:
            return None
        value = getattr(value, name)
    return value


class _StepRows:
    """Writes one time step of a [T, ...] torch buffer: a view of every
    leaf's row ``t`` is made once, so a step is one ``copy_`` per leaf
    (what ``buffer[t] = value`` does) without indexing the buffer or
    walking namedarraytuples on the per-step path. ``None`` in the value
    leaves its row as it is, as for a namedarraytuple."""

    def __init__(self, buf_pyt, batch_T: int) -> None:
        self._leaves = [(path, [leaf[t] for t in range(batch_T)]) for path, leaf in _leaf_paths(buf_pyt)]

    def write(self, t: int, value) -> None:
        """``buffer[t] = value``."""
        for path, rows in self._leaves:
            src = _follow(value, path)
            if src is not None:
                rows[t].copy_(src)


class BaseCollector:
    """Holds the environments, the buffer slice they fill and the agent.

    ``mid_batch_reset`` says whether an environment that finishes a trajectory
    resets at once (True) or waits for the end of the batch (False, so that
    recurrent training sees whole sequences; the algorithm masks the waiting
    steps with ``valid_from_done``).
    """

    mid_batch_reset = True

    def __init__(self, *, envs: list, samples_np, batch_T: int, TrajInfoCls: Callable,
            agent=None) -> None:
        self.envs = envs
        self.samples_np = samples_np
        self.batch_T = batch_T
        self.TrajInfoCls = TrajInfoCls
        self.agent = agent

    def start_envs(self, max_decorrelation_steps: int = 0):
        """Reset the environments and return ``(agent_inputs, traj_infos)``."""
        raise NotImplementedError

    def collect_batch(self, agent_inputs, traj_infos: list, itr: int):
        """Fill one batch; returns ``(agent_inputs, traj_infos, completed_infos)``."""
        raise NotImplementedError


class DecorrelatingStartCollector(BaseCollector):
    """Starts each environment a random number of random-action steps into an
    episode, so that B environments do not all finish episodes in lockstep."""

    def start_envs(self, max_decorrelation_steps: int = 0):
        """Reset, optionally decorrelate; returns ``(agent_inputs, traj_infos)``."""
        traj_infos = [self.TrajInfoCls() for _ in self.envs]
        first = [env.reset() for env in self.envs]
        observation = buffer_from_example(first[0], len(self.envs))
        act_space = self.envs[0].action_space
        prev_action = buffer_from_example(act_space.null_value(), len(self.envs))
        prev_reward = np.zeros(len(self.envs), dtype=np.float32)
        for b, (env, o) in enumerate(zip(self.envs, first)):
            if max_decorrelation_steps > 0:
                n_steps = 1 + int(np.random.rand() * max_decorrelation_steps)
                for _ in range(n_steps):
                    a = env.action_space.sample()
                    o, r, d, env_info = env.step(a)
                    traj_infos[b].step(o, a, r, d, None, env_info)
                    prev_action[b], prev_reward[b] = a, r
                    if d:
                        prev_action[b], prev_reward[b] = act_space.null_value(), 0.0
                    if d and _env_info_flag(env_info, "traj_done", d):
                        o = env.reset()
                        traj_infos[b] = self.TrajInfoCls()
            observation[b] = o
        if self.agent is not None:
            self.agent.reset()
        return AgentInputs(observation, prev_action, prev_reward), traj_infos


class StepCollector(DecorrelatingStartCollector):
    """The training loop of every sampler: the agent selects actions for all
    its environments at once, then each environment steps (in this process,
    or in workers through ``send_many`` / ``receive_many``). Done
    environments reset at once or at the end of the batch, per
    ``mid_batch_reset``.

    Where a step is done, the observation it returned is kept in
    ``final_observation``; at a time-limit truncation the value of that true
    final observation is stored in ``timeout_value`` (when the buffer has that
    field), so that returns bootstrap through the truncation instead of
    ending there.

    Trajectory infos with the default ``step`` are not called per step: the
    batch's rewards are kept, one tuple per time step, and folded into an
    environment's info (``TrajInfo.step_rewards``) when its trajectory ends
    and at the end of the batch, with the same result.
    """

    def __init__(self, *, envs: list, samples_np, batch_T: int, TrajInfoCls: Callable,
            agent=None) -> None:
        super().__init__(envs=envs, samples_np=samples_np, batch_T=batch_T, TrajInfoCls=TrajInfoCls,
            agent=agent)
        n_envs = len(self.envs)
        self._waiting = [False] * n_envs
        self._need_reset = [False] * n_envs
        self._null_action = self.envs[0].action_space.null_value()
        info_buf = self.samples_np.env.env_info
        self._info_buf = info_buf if info_buf is not None and len(info_buf) > 0 else None
        idle_info = None if self._info_buf is None else tuple(np.zeros((), f.dtype) for f in info_buf)
        self._idle_step = (None, 0.0, True, idle_info)
        self._agent_info_rows = _StepRows(torchify_buffer(self.samples_np.agent.agent_info), batch_T)
        self._step_rewards = [()] * batch_T
        self._folded_to = [0] * n_envs
        self._send_many = getattr(self.envs, "send_many", None)
        self._receive_many = getattr(self.envs, "receive_many", None)

    def collect_batch(self, agent_inputs, traj_infos: list, itr: int):
        """Fill the samples buffer; returns ``(agent_inputs, traj_infos, completed)``."""
        self.start_batch(agent_inputs, traj_infos)
        with torch.no_grad():  # once per batch, rather than per agent step
            for t in range(self.batch_T):
                self.act(t)
                self.send(t)
                self.receive(t)
        return self.finish_batch()

    def start_batch(self, agent_inputs, traj_infos: list) -> None:
        """Take the carried-over state; restart environments idle since the last batch."""
        observation, action, reward = agent_inputs
        self._inputs = agent_inputs
        self._inputs_pyt = torchify_buffer(agent_inputs)
        self._traj_infos = traj_infos
        self._completed = []
        self._reset_waiting(observation, action, reward)
        self._bootstrap = "bootstrap_value" in self.samples_np.agent
        if self._bootstrap:
            self.samples_np.agent.timeout_value[:] = 0
        self._fold_steps = _folds_steps(traj_infos[0])
        self._folded_to[:] = [0] * len(self.envs)

    def act(self, t: int) -> None:
        """Record step ``t``'s inputs and let the agent choose actions."""
        agent_buf, env_buf = self.samples_np.agent, self.samples_np.env
        observation, action, reward = self._inputs
        env_buf.observation[t] = observation
        agent_buf.prev_action[t] = action
        env_buf.prev_reward[t] = reward
        step_action, step_info = self.agent.step(*self._inputs_pyt)
        self._inputs_pyt.prev_action.copy_(step_action)
        agent_buf.action[t] = action
        self._agent_info_rows.write(t, step_info)

    def send(self, t: int) -> None:
        """Start stepping the environments (at once for environments in this
        process; without waiting for environments in workers)."""
        if self._send_many is None:
            self._results = step_envs(self.envs, self._inputs.prev_action, self._waiting)
        else:
            self._send_many(self._inputs.prev_action, self._waiting)

    def receive(self, t: int) -> None:
        """Take step ``t``'s results: trajectory infos, buffers, resets."""
        results = self._results if self._receive_many is None else self._receive_many(self._waiting)
        observation, action, reward = self._inputs
        if not self._fold_steps:
            self._step_traj_infos(t, results, observation, action)
        if None in results:
            results = [self._idle_step if result is None else result for result in results]
        observations, rewards, dones, env_infos = zip(*results)
        for b, o in enumerate(observations):
            if o is not None:
                observation[b] = o
        self._write_step(t, rewards, dones, env_infos, reward)
        if True in dones:
            self._end_steps(t, observations, dones, env_infos)

    def finish_batch(self):
        """Fold the batch's last steps into the trajectory infos, bootstrap
        values; returns ``(agent_inputs, traj_infos, completed)``."""
        if self._fold_steps:
            for b, waiting in enumerate(self._waiting):
                if not waiting:
                    self._fold(b, self.batch_T)
        if self._bootstrap:
            self.samples_np.agent.bootstrap_value[0] = self.agent.value(*self._inputs_pyt).numpy()
        return AgentInputs(*self._inputs), self._traj_infos, self._completed

    def checkpoint_state(self) -> dict:
        """Which environments wait for the batch's end (wait-reset), and
        whether they reset then."""
        return dict(waiting=list(self._waiting), need_reset=list(self._need_reset))

    def load_checkpoint_state(self, state: dict) -> None:
        """Continue from ``checkpoint_state()``'s output."""
        self._waiting[:] = state["waiting"]
        self._need_reset[:] = state["need_reset"]

    def _step_traj_infos(self, t: int, results: list, observation, action) -> None:
        """Call every stepped environment's ``TrajInfo.step`` (an override),
        with the observation and action of the step and its agent_info."""
        agent_info_buf = self.samples_np.agent.agent_info
        agent_info = None if agent_info_buf is None else agent_info_buf[t]
        for b, result in enumerate(results):
            if result is not None:
                _o, r, d, env_info = result
                self._traj_infos[b].step(observation[b], action[b], r, d,
                    None if agent_info is None else agent_info[b], env_info)

    def _write_step(self, t: int, rewards: tuple, dones: tuple, env_infos: tuple, reward) -> None:
        """Store step ``t``'s rewards, dones and env infos; the rewards are
        also the agent's next ``prev_reward`` and are kept for the
        trajectory infos to fold."""
        env_buf = self.samples_np.env
        reward[:] = rewards
        env_buf.reward[t] = reward
        env_buf.done[t] = dones
        if self._info_buf is not None:
            for dest, column in zip(self._info_buf, zip(*env_infos)):
                dest[t] = column
        if self._fold_steps:
            self._step_rewards[t] = rewards

    def _end_steps(self, t: int, observations: tuple, dones: tuple, env_infos: tuple) -> None:
        """The environments whose step ``t`` is done (idle ones aside): end
        their trajectories, bootstrap time-limit truncations, then restart
        them or leave them idle."""
        observation, action, reward = self._inputs
        ended = [b for b, (o, d) in enumerate(zip(observations, dones)) if d and o is not None]
        traj_dones = [self._end_trajectory(t, b, observations[b], env_infos[b]) for b in ended]
        if self._bootstrap and any(_env_info_flag(env_infos[b], "timeout", False) for b in ended):
            value = self.agent.value(*self._inputs_pyt).numpy()
            self.samples_np.agent.timeout_value[t] = np.where(self.samples_np.env.env_info.timeout[t],
                value, 0)
        for b, traj_done in zip(ended, traj_dones):
            self._end(b, traj_done, observation, action, reward)

    def _end_trajectory(self, t: int, b: int, o, env_info) -> bool:
        """Environment ``b``'s step ``t`` is done: keep its final observation
        and, where the trajectory ends (``traj_done``), complete its info and
        start a new one. Returns ``traj_done``."""
        self.samples_np.env.final_observation[t, b] = o
        if self._fold_steps:
            self._fold(b, t + 1)
        traj_done = _env_info_flag(env_info, "traj_done", True)
        if traj_done:
            self._completed.append(self._traj_infos[b].terminate(o))
            self._traj_infos[b] = self.TrajInfoCls()
        return traj_done

    def _fold(self, b: int, stop: int) -> None:
        """Account environment ``b``'s steps up to ``stop`` not yet in its info."""
        start, self._folded_to[b] = self._folded_to[b], stop
        self._traj_infos[b].step_rewards(map(itemgetter(b), self._step_rewards[start:stop]))

    def _end(self, b: int, traj_done: bool, observation, action, reward) -> None:
        """Environment ``b`` is done: restart it now, or idle until the batch ends."""
        if self.mid_batch_reset:
            self._restart(b, traj_done, observation, action, reward)
        else:
            self._waiting[b] = True
            self._need_reset[b] = traj_done

    def _reset_waiting(self, observation, action, reward) -> None:
        for b, waiting in enumerate(self._waiting):
            if waiting:
                self._restart(b, self._need_reset[b], observation, action, reward)
                self._waiting[b] = self._need_reset[b] = False

    def _restart(self, b: int, reset_env: bool, observation, action, reward) -> None:
        if reset_env:
            observation[b] = self.envs[b].reset()
        action[b] = self._null_action
        reward[b] = 0.0
        self.agent.reset_one(idx=b)


class ResetCollector(StepCollector):
    """Resets an environment as soon as its trajectory ends (mid-batch).

    rlpyt's ``CpuResetCollector`` and ``GpuResetCollector`` are this class
    under their old names: the step loop is the same whether the agent acts
    next to its environments or drives them in worker processes."""

    mid_batch_reset = True


class WaitResetCollector(StepCollector):
    """Leaves a finished environment idle until the end of the batch, then
    resets it; the algorithm masks the idle steps (``valid_from_done``).

    rlpyt's ``CpuWaitResetCollector`` and ``GpuWaitResetCollector`` are this
    class under their old names."""

    mid_batch_reset = False


class BaseEvalCollector:
    """Runs the agent in eval mode for up to ``max_T`` steps or
    ``max_trajectories`` completed trajectories."""

    def __init__(self, *, envs: list, TrajInfoCls: Callable, max_T: int = 10000, agent=None,
            max_trajectories: int | None = None) -> None:
        self.envs = envs
        self.TrajInfoCls = TrajInfoCls
        self.max_T = max_T
        self.agent = agent
        self.max_trajectories = max_trajectories

    def collect_evaluation(self, itr: int) -> list:
        """Run evaluation; returns the completed trajectory infos."""
        raise NotImplementedError


class EvalCollector(BaseEvalCollector):
    """Steps the eval environments with the agent in eval mode, in the
    process that holds the agent (the main process, or a CpuSampler worker;
    the environments themselves may be in workers); only trajectories that
    finish count.

    rlpyt's ``SerialEvalCollector`` is this class under its old name."""

    def collect_evaluation(self, itr: int) -> list:
        """Run up to ``max_T`` steps; returns the completed trajectory infos."""
        traj_infos = [self.TrajInfoCls() for _ in self.envs]
        completed = []
        first = [env.reset() for env in self.envs]
        observation = buffer_from_example(first[0], len(self.envs))
        for b, o in enumerate(first):
            observation[b] = o
        null_action = self.envs[0].action_space.null_value()
        action = buffer_from_example(null_action, len(self.envs))
        reward = np.zeros(len(self.envs), dtype=np.float32)
        obs_pyt, act_pyt, rew_pyt = torchify_buffer((observation, action, reward))
        idle = [False] * len(self.envs)
        self.agent.eval_mode(itr)
        self.agent.reset()
        for _ in range(self.max_T):
            step_action, _info = self.agent.step(obs_pyt, act_pyt, rew_pyt)
            action[:] = step_action.numpy()
            for b, (env, result) in enumerate(zip(self.envs, step_envs(self.envs, action, idle))):
                o, r, d, env_info = result
                traj_infos[b].step(observation[b], action[b], r, d, None, env_info)
                observation[b], reward[b] = o, r
                if d and _env_info_flag(env_info, "traj_done", True):
                    completed.append(traj_infos[b].terminate(o))
                    traj_infos[b] = self.TrajInfoCls()
                    observation[b] = env.reset()
                if d:
                    action[b], reward[b] = null_action, 0.0
                    self.agent.reset_one(idx=b)
            if self.max_trajectories is not None and len(completed) >= self.max_trajectories:
                break
        return completed
