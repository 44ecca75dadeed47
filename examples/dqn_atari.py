"""DQN on an Atari game with the serial sampler and evaluation (snapshot of the
last iteration kept). The defaults are small enough to run on a laptop CPU;
the full-scale presets are in rlpyt/experiments/configs/atari/dqn/atari_dqn.py.

    python examples/dqn_atari.py --game pong --n_steps 50000 --seed 0
"""
import argparse

from rlpyt.agents.dqn.atari.atari_dqn_agent import AtariDqnAgent
from rlpyt.algos.dqn.dqn import DQN
from rlpyt.envs.atari.atari_env import AtariEnv, AtariTrajInfo
from rlpyt.runners.minibatch_rl import MinibatchRlEval
from rlpyt.samplers.serial.sampler import SerialSampler
from rlpyt.utils.logging.context import logger_context


def build_and_train(game: str = "pong", n_steps: int = 50_000, seed: int = 0, run_ID: int = 0,
        log_interval_steps: int = 10_000, min_steps_learn: int = 1000, replay_size: int = 100_000,
        eval_max_steps: int = 10_000) -> str:
    """Train and return the run folder."""
    sampler = SerialSampler(
        EnvCls=AtariEnv, TrajInfoCls=AtariTrajInfo,
        env_kwargs=dict(game=game), eval_env_kwargs=dict(game=game, episodic_lives=False),
        batch_T=4, batch_B=1, max_decorrelation_steps=0,
        eval_n_envs=2, eval_max_steps=eval_max_steps, eval_max_trajectories=4,
    )
    algo = DQN(min_steps_learn=min_steps_learn, replay_size=replay_size, eps_steps=n_steps // 2,
        learning_rate=2.5e-4)
    agent = AtariDqnAgent()
    runner = MinibatchRlEval(algo=algo, agent=agent, sampler=sampler, n_steps=n_steps, seed=seed,
        log_interval_steps=log_interval_steps)
    config = dict(game=game, algo="DQN", n_steps=n_steps, seed=seed)
    with logger_context("dqn_atari", run_ID, f"dqn_{game}", config, snapshot_mode="last") as exp_dir:
        runner.train()
    return exp_dir


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--game", default="pong", help="Atari game (ale-py ROM id)")
    parser.add_argument("--n_steps", type=int, default=50_000, help="environment steps to train")
    parser.add_argument("--seed", type=int, default=0, help="random seed")
    parser.add_argument("--run_ID", type=int, default=0, help="run number (folder run_<ID>)")
    args = parser.parse_args()
    exp_dir = build_and_train(game=args.game, n_steps=args.n_steps, seed=args.seed, run_ID=args.run_ID)
    print(f"Log: {exp_dir}/progress.csv")


if __name__ == "__main__":
    main()
