"""DQN on an Atari game, asynchronously: a sampler process fills the replay
buffer while the main process trains (AsyncRlEval), on CPUs alone.

The calls are those of rlpyt's examples atari_dqn_async_serial.py
(``--sampler serial``: the serial sampler in the sampler process, 4
environments, replay ratio 18) and atari_dqn_async_cpu.py (``--sampler
cpu``: CPU worker processes, 8 environments, replay ratio 8), with rlpyt's
budgets as defaults and ``n_gpu=0`` (rlpyt's core counts, or this
machine's if it has fewer); ``make_affinity`` gives the optimizer one core
and the sampler the others.

    python examples/atari_dqn_async.py --sampler cpu --game pong --n_steps 2000000
"""
import argparse

from rlpyt.agents.dqn.atari.atari_dqn_agent import AtariDqnAgent
from rlpyt.algos.dqn.dqn import DQN
from rlpyt.envs.atari.atari_env import AtariEnv, AtariTrajInfo
from rlpyt.runners.async_rl import AsyncRlEval
from rlpyt.samplers.async_.collectors import DbCpuResetCollector
from rlpyt.samplers.async_.cpu_sampler import AsyncCpuSampler
from rlpyt.samplers.async_.serial_sampler import AsyncSerialSampler
from rlpyt.utils.launching.affinity import available_cpus, make_affinity
from rlpyt.utils.logging.context import logger_context

# sampler -> (class, n_cpu_core, batch_B, eval_n_envs, eval_max_trajectories, replay_ratio, min_steps_learn, log steps)
SETTINGS = dict(serial=(AsyncSerialSampler, 2, 4, 1, 2, 18, 5e3, 5e3),
    cpu=(AsyncCpuSampler, 3, 8, 2, 4, 8, 1e4, 1e4))


def build_and_train(game: str = "pong", run_ID: int = 0, sampler: str = "serial", n_steps: float = 2e6,
        log_interval_steps: float | None = None, min_steps_learn: float | None = None,
        replay_size: int = int(1e5), eval_max_steps: int = int(10e3), n_cpu_core: int | None = None) -> str:
    """Train and return the run folder (rlpyt's budgets unless given)."""
    SamplerCls, cores, batch_B, eval_n_envs, eval_trajs, replay_ratio, learn, log_steps = SETTINGS[sampler]
    affinity = make_affinity(run_slot=0, n_cpu_core=n_cpu_core or min(cores, len(available_cpus())), n_gpu=0,
        sample_gpu_per_run=0,
        async_sample=True, set_affinity=False)
    sampler = SamplerCls(
        EnvCls=AtariEnv, TrajInfoCls=AtariTrajInfo, env_kwargs=dict(game=game),
        CollectorCls=DbCpuResetCollector, batch_T=5, batch_B=batch_B, max_decorrelation_steps=100,
        eval_env_kwargs=dict(game=game), eval_n_envs=eval_n_envs, eval_max_steps=eval_max_steps,
        eval_max_trajectories=eval_trajs,
    )
    algo = DQN(replay_ratio=replay_ratio, min_steps_learn=min_steps_learn or learn, replay_size=replay_size)
    agent = AtariDqnAgent()
    runner = AsyncRlEval(algo=algo, agent=agent, sampler=sampler, n_steps=n_steps,
        log_interval_steps=log_interval_steps or log_steps, affinity=affinity)
    config = dict(game=game)
    with logger_context("async_dqn", run_ID, "async_dqn_" + game, config) as exp_dir:
        runner.train()
    return exp_dir


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--game", default="pong", help="Atari game")
    parser.add_argument("--run_ID", type=int, default=0, help="run identifier (logging)")
    parser.add_argument("--sampler", choices=sorted(SETTINGS), default="serial", help="async sampler")
    parser.add_argument("--n_steps", type=float, default=2e6, help="environment steps to train")
    args = parser.parse_args()
    build_and_train(game=args.game, run_ID=args.run_ID, sampler=args.sampler, n_steps=args.n_steps)


if __name__ == "__main__":
    main()
