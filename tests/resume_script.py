"""A small training run for the resume tests, started as a subprocess:

    python resume_script.py <family> <log_dir> [<sampler>]

family: ppo, ppo_lstm, dqn (prioritized, 3-step), sac, dqn_sync (the dqn
run over 2 SyncRl ranks, each with its own replay); sampler: serial
(default), cpu or gpu. It always logs with ``resume=True``, so starting it
again continues its run folder from the last checkpoint (a fresh start when
there is none). A checkpoint is written at every log interval and, with
``RLPYT_TEST_CHECKPOINT_S``, every that many seconds. For the tests' kills:
``RLPYT_TEST_KILL_AT_ITR=k`` SIGKILLs the process in iteration k (after
sampling; with dqn_sync the process of rank ``RLPYT_TEST_KILL_RANK``, 0 by
default); ``RLPYT_TEST_KILL_IN_SAVE=n`` SIGKILLs it while it writes the
n-th file of its checkpoints (counting from 1), leaving a half-written save.
"""
import os
import signal
import sys

import torch

from rlpyt.agents.pg.categorical import CategoricalPgAgent, RecurrentCategoricalPgAgent
from rlpyt.agents.qpg.sac_agent import SacAgent
from rlpyt.algos.dqn.dqn import DQN
from rlpyt.algos.pg.ppo import PPO
from rlpyt.algos.qpg.sac import SAC
from rlpyt.agents.dqn.dqn_agent import DqnAgent
from rlpyt.envs.gym import make as gym_make
from rlpyt.runners.minibatch_rl import MinibatchRl, MinibatchRlEval
from rlpyt.runners.sync_rl import SyncRl
from rlpyt.samplers.parallel.cpu.sampler import CpuSampler
from rlpyt.samplers.parallel.gpu.sampler import GpuSampler
from rlpyt.samplers.serial.sampler import SerialSampler
from rlpyt.utils import checkpoint
from rlpyt.utils.logging.context import logger_context

SAMPLERS = dict(serial=SerialSampler, cpu=CpuSampler, gpu=GpuSampler)


def build(family: str, SamplerCls):
    """``(runner, n_itr)`` of a tiny run of ``family``."""
    if family in ("ppo", "ppo_lstm"):
        sampler = SamplerCls(EnvCls=gym_make, env_kwargs=dict(id="CartPole-v1"), batch_T=16, batch_B=4,
            eval_n_envs=2, eval_max_steps=300)
        AgentCls = CategoricalPgAgent if family == "ppo" else RecurrentCategoricalPgAgent
        agent = AgentCls(model_kwargs=dict(hidden_sizes=[16]))
        return MinibatchRlEval(algo=PPO(minibatches=2, epochs=2), agent=agent, sampler=sampler,
            n_steps=64 * 24, seed=3, log_interval_steps=64 * 3)
    if family in ("dqn", "dqn_sync"):
        sampler = SamplerCls(EnvCls=gym_make, env_kwargs=dict(id="CartPole-v1"), batch_T=4, batch_B=4)
        algo = DQN(min_steps_learn=200, replay_size=2000, batch_size=32, replay_ratio=4,
            target_update_interval=20, n_step_return=3, prioritized_replay=True, eps_steps=1000,
            double_dqn=True)
        kwargs = dict(algo=algo, agent=DqnAgent(model_kwargs=dict(hidden_sizes=[16])), sampler=sampler, seed=5)
        if family == "dqn_sync":
            affinity = [dict(master_torch_threads=1, set_affinity=False)] * 2
            return SyncRl(**kwargs, affinity=affinity, n_steps=32 * 60, log_interval_steps=32 * 6)
        return MinibatchRl(**kwargs, n_steps=16 * 80, log_interval_steps=16 * 8)
    if family == "sac":
        sampler = SamplerCls(EnvCls=gym_make, env_kwargs=dict(id="Pendulum-v1"), batch_T=8, batch_B=2)
        algo = SAC(min_steps_learn=160, replay_size=3000, batch_size=32, replay_ratio=8)
        agent = SacAgent(model_kwargs=dict(hidden_sizes=[16]), q_model_kwargs=dict(hidden_sizes=[16]))
        return MinibatchRl(algo=algo, agent=agent, sampler=sampler, n_steps=16 * 40, seed=7,
            log_interval_steps=16 * 5)
    raise ValueError(f"unknown family {family!r}")


def install_kills(runner) -> None:
    """The SIGKILLs the environment variables ask for."""
    kill_itr = os.environ.get("RLPYT_TEST_KILL_AT_ITR")
    if kill_itr is not None:
        optimize = runner.algo.optimize_agent

        kill_rank = int(os.environ.get("RLPYT_TEST_KILL_RANK", "0"))

        def optimize_or_die(itr, samples):
            if itr == int(kill_itr) and runner.rank == kill_rank:
                os.kill(os.getpid(), signal.SIGKILL)
            return optimize(itr, samples)
        runner.algo.optimize_agent = optimize_or_die
    kill_write = os.environ.get("RLPYT_TEST_KILL_IN_SAVE")
    if kill_write is not None:
        write = checkpoint._write_synced
        count = [0]

        def write_or_die(path, fill):
            count[0] += 1
            if count[0] == int(kill_write):
                with open(path, "wb") as f:
                    f.write(b"half")
                os.kill(os.getpid(), signal.SIGKILL)
            return write(path, fill)
        checkpoint._write_synced = write_or_die


def main(family: str, log_dir: str, sampler: str = "serial") -> None:
    torch.set_num_threads(1)
    runner = build(family, SAMPLERS[sampler])
    interval = os.environ.get("RLPYT_TEST_CHECKPOINT_S")
    runner.checkpoint_interval_s = None if interval is None else float(interval)
    install_kills(runner)
    with logger_context(log_dir, 0, family, dict(family=family), snapshot_mode="last", resume=True):
        runner.train()


if __name__ == "__main__":
    main(*sys.argv[1:])
