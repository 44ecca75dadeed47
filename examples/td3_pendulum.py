"""TD3 on Pendulum-v1 with the serial sampler and evaluation.

Small networks (64x64) and learning from 1000 steps (random-ish
``pretrain_std`` exploration before); otherwise the TD3 paper's settings:
batch 100, one update per environment step, policy and targets every second
update, target smoothing noise 0.2 clipped at 0.5.

    python examples/td3_pendulum.py --n_steps 30000 --seed 0
"""
import argparse

from rlpyt.agents.qpg.td3_agent import Td3Agent
from rlpyt.algos.qpg.td3 import TD3
from rlpyt.envs.gym import make as gym_make
from rlpyt.runners.minibatch_rl import MinibatchRlEval
from rlpyt.samplers.serial.sampler import SerialSampler
from rlpyt.utils.logging.context import logger_context


def build_and_train(n_steps: int = 30_000, seed: int = 0, run_ID: int = 0, log_interval_steps: int = 2000,
        **algo_kwargs) -> str:
    """Train and return the run folder; ``algo_kwargs`` override TD3's settings."""
    sampler = SerialSampler(EnvCls=gym_make, env_kwargs=dict(id="Pendulum-v1"), batch_T=1, batch_B=1,
        max_decorrelation_steps=0, eval_n_envs=5, eval_max_steps=5 * 200, eval_max_trajectories=5)
    settings = dict(discount=0.99, batch_size=100, min_steps_learn=1000, replay_size=100_000,
        replay_ratio=100, mu_learning_rate=1e-3, q_learning_rate=1e-3)
    settings.update(algo_kwargs)
    agent = Td3Agent(model_kwargs=dict(hidden_sizes=(64, 64)), q_model_kwargs=dict(hidden_sizes=(64, 64)))
    runner = MinibatchRlEval(algo=TD3(**settings), agent=agent, sampler=sampler, n_steps=n_steps, seed=seed,
        log_interval_steps=log_interval_steps, affinity=dict(master_torch_threads=1))
    config = dict(env_id="Pendulum-v1", algo="TD3", n_steps=n_steps, seed=seed, **settings)
    with logger_context("td3_pendulum", run_ID, "td3_pendulum", config, snapshot_mode="last") as exp_dir:
        runner.train()
    return exp_dir


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--n_steps", type=int, default=30_000, help="environment steps to train")
    parser.add_argument("--seed", type=int, default=0, help="random seed")
    parser.add_argument("--run_ID", type=int, default=0, help="run number (folder run_<ID>)")
    args = parser.parse_args()
    print(f"Log: {build_and_train(n_steps=args.n_steps, seed=args.seed, run_ID=args.run_ID)}/progress.csv")


if __name__ == "__main__":
    main()
