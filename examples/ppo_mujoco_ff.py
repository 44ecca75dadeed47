"""PPO with MujocoFfAgent on a MuJoCo task (default HalfCheetah-v5), serial sampler.

Needs the ``mujoco`` extra. Observations are normalised by running
statistics kept in the model (``normalize_observation``); evaluation runs
the stochastic policy in separate environments every ``log_interval_steps``.
Hyperparameters follow the PPO paper's MuJoCo setting (2048 steps per batch,
10 epochs of 32 minibatches, learning rate 3e-4 decaying linearly, GAE 0.95).

    python examples/ppo_mujoco_ff.py --env_id HalfCheetah-v5 --n_steps 1000000
"""
import argparse

from rlpyt.agents.pg.mujoco import MujocoFfAgent
from rlpyt.algos.pg.ppo import PPO
from rlpyt.envs.gym import make as gym_make
from rlpyt.runners.minibatch_rl import MinibatchRlEval
from rlpyt.samplers.serial.sampler import SerialSampler
from rlpyt.utils.logging.context import logger_context


def build_and_train(env_id: str = "HalfCheetah-v5", n_steps: int = 1_000_000, seed: int = 0,
        run_ID: int = 0, batch_T: int = 256, batch_B: int = 8, minibatches: int = 32, epochs: int = 10,
        log_interval_steps: int = 20_480, eval_max_trajectories: int = 4) -> str:
    """Train and return the run folder."""
    sampler = SerialSampler(EnvCls=gym_make, env_kwargs=dict(id=env_id), batch_T=batch_T, batch_B=batch_B,
        eval_n_envs=eval_max_trajectories, eval_max_steps=eval_max_trajectories * 1000,
        eval_max_trajectories=eval_max_trajectories)
    algo = PPO(discount=0.99, learning_rate=3e-4, gae_lambda=0.95, minibatches=minibatches, epochs=epochs,
        ratio_clip=0.2, entropy_loss_coeff=0.0, value_loss_coeff=0.5, clip_grad_norm=0.5,
        normalize_advantage=True)
    agent = MujocoFfAgent(model_kwargs=dict(normalize_observation=True))
    runner = MinibatchRlEval(algo=algo, agent=agent, sampler=sampler, n_steps=n_steps, seed=seed,
        log_interval_steps=log_interval_steps, affinity=dict(master_torch_threads=1))
    config = dict(env_id=env_id, algo="PPO", agent="MujocoFfAgent", n_steps=n_steps, seed=seed)
    with logger_context("ppo_mujoco_ff", run_ID, f"ppo_{env_id}", config, snapshot_mode="last") as exp_dir:
        runner.train()
    return exp_dir


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--env_id", default="HalfCheetah-v5", help="Gymnasium MuJoCo environment id")
    parser.add_argument("--n_steps", type=int, default=1_000_000, help="environment steps to train")
    parser.add_argument("--seed", type=int, default=0, help="random seed")
    parser.add_argument("--run_ID", type=int, default=0, help="run number (folder run_<ID>)")
    args = parser.parse_args()
    exp_dir = build_and_train(env_id=args.env_id, n_steps=args.n_steps, seed=args.seed, run_ID=args.run_ID)
    print(f"Log: {exp_dir}/progress.csv")


if __name__ == "__main__":
    main()
