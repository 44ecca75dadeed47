"""A2C with the recurrent conv agent (AtariLstmAgent) on an Atari game, serial sampler.

Needs the ``atari`` extra. Trains on 16 environments x 5 steps per batch
(the A2C paper's setting); the LSTM learns from each batch's 5-step
sequences, starting from the rnn state stored at their first step and
zeroing it where an environment restarted (a lost life or a new game).
Logs the game score (``GameScore``, unclipped) and the clipped return of
the last trajectories every ``log_interval_steps``.

    python examples/a2c_atari_lstm.py --game pong --n_steps 10000000
"""
import argparse

from rlpyt.agents.pg.atari import AtariLstmAgent
from rlpyt.algos.pg.a2c import A2C
from rlpyt.envs.atari.atari_env import AtariEnv, AtariTrajInfo
from rlpyt.runners.minibatch_rl import MinibatchRl
from rlpyt.samplers.serial.sampler import SerialSampler
from rlpyt.utils.logging.context import logger_context


def build_and_train(game: str = "pong", n_steps: int = 10_000_000, seed: int = 0, run_ID: int = 0,
        batch_T: int = 5, batch_B: int = 16, log_interval_steps: int = 100_000) -> str:
    """Train and return the run folder."""
    sampler = SerialSampler(EnvCls=AtariEnv, TrajInfoCls=AtariTrajInfo, env_kwargs=dict(game=game),
        batch_T=batch_T, batch_B=batch_B, max_decorrelation_steps=200)
    algo = A2C(discount=0.99, learning_rate=7e-4, value_loss_coeff=0.5, entropy_loss_coeff=0.01,
        clip_grad_norm=0.5)
    agent = AtariLstmAgent()
    runner = MinibatchRl(algo=algo, agent=agent, sampler=sampler, n_steps=n_steps, seed=seed,
        log_interval_steps=log_interval_steps)
    config = dict(game=game, algo="A2C", agent="AtariLstmAgent", n_steps=n_steps, seed=seed)
    with logger_context("a2c_atari_lstm", run_ID, f"a2c_lstm_{game}", config, snapshot_mode="last") as exp_dir:
        runner.train()
    return exp_dir


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--game", default="pong", help="Atari game, snake_case (e.g. pong, space_invaders)")
    parser.add_argument("--n_steps", type=int, default=10_000_000, help="environment steps to train")
    parser.add_argument("--seed", type=int, default=0, help="random seed")
    parser.add_argument("--run_ID", type=int, default=0, help="run number (folder run_<ID>)")
    args = parser.parse_args()
    exp_dir = build_and_train(game=args.game, n_steps=args.n_steps, seed=args.seed, run_ID=args.run_ID)
    print(f"Log: {exp_dir}/progress.csv")


if __name__ == "__main__":
    main()
