"""PPO on CartPole-v1 with the serial sampler: the `make demo` job.

Trains for ``n_steps`` environment steps, evaluating every
``log_interval_steps`` (CartPole counts as solved at an evaluation return of
475 of a possible 500), logs under data/, and writes a learning-curve PNG
next to the log. The hyperparameters are rl-baselines3-zoo's for CartPole
(8 envs x 32 steps, 20 epochs of one 256-sample minibatch, GAE 0.8,
discount 0.98, learning rate and clip decaying linearly from 1e-3 and 0.2).

    python examples/ppo_cartpole.py --n_steps 100000 --seed 1
"""
import argparse

from rlpyt.agents.pg.categorical import CategoricalPgAgent
from rlpyt.algos.pg.ppo import PPO
from rlpyt.envs.gym import make as gym_make
from rlpyt.plot import plot_runs
from rlpyt.runners.minibatch_rl import MinibatchRlEval
from rlpyt.samplers.parallel.cpu.sampler import CpuSampler
from rlpyt.samplers.parallel.gpu.sampler import GpuSampler
from rlpyt.samplers.serial.sampler import SerialSampler
from rlpyt.utils.logging.context import logger_context


SAMPLERS = dict(serial=SerialSampler, cpu=CpuSampler, gpu=GpuSampler)


def build_and_train(n_steps: int = 100_000, seed: int = 1, run_ID: int = 0,
        log_interval_steps: int = 2560, sampler: str = "serial") -> str:
    """Train and return the run folder. ``sampler`` picks SerialSampler,
    CpuSampler or GpuSampler (two workers): the only line that changes."""
    sampler = SAMPLERS[sampler](
        EnvCls=gym_make, env_kwargs=dict(id="CartPole-v1"),
        batch_T=32, batch_B=8, max_decorrelation_steps=0,
        eval_n_envs=4, eval_max_steps=4 * 500, eval_max_trajectories=8,
    )
    algo = PPO(discount=0.98, learning_rate=1e-3, gae_lambda=0.8, minibatches=1, epochs=20,
        ratio_clip=0.2, entropy_loss_coeff=0.0, value_loss_coeff=1.0, clip_grad_norm=0.5,
        normalize_advantage=True)
    agent = CategoricalPgAgent()
    # Tiny networks run fastest on one torch thread; the parallel samplers use two workers.
    runner = MinibatchRlEval(algo=algo, agent=agent, sampler=sampler, n_steps=n_steps,
        seed=seed, log_interval_steps=log_interval_steps,
        affinity=dict(master_torch_threads=1, workers_cpus=[0, 1], set_affinity=False))
    config = dict(env_id="CartPole-v1", algo="PPO", n_steps=n_steps, seed=seed)
    with logger_context("ppo_cartpole", run_ID, "ppo_cartpole", config, snapshot_mode="last") as exp_dir:
        runner.train()
    return exp_dir


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--n_steps", type=int, default=100_000, help="environment steps to train")
    parser.add_argument("--seed", type=int, default=1, help="random seed")
    parser.add_argument("--run_ID", type=int, default=0, help="run number (folder run_<ID>)")
    parser.add_argument("--sampler", choices=sorted(SAMPLERS), default="serial", help="sampler to use")
    args = parser.parse_args()
    exp_dir = build_and_train(n_steps=args.n_steps, seed=args.seed, run_ID=args.run_ID, sampler=args.sampler)
    png = plot_runs([exp_dir])
    print(f"Log: {exp_dir}/progress.csv\nPlot: {png}")


if __name__ == "__main__":
    main()
