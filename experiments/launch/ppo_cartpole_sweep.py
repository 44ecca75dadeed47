"""Sweep PPO on CartPole-v1 over 2 learning rates x 2 seeds, one CPU per run.

    python experiments/launch/ppo_cartpole_sweep.py [--n_cpu_core N] [--n_steps 50000]
    rlpyt-plot data/local/<date>/ppo_cartpole_sweep --split algo.learning_rate

Runs go to ``data/local/<date>/ppo_cartpole_sweep/lr_<rate>/run_<seed>/``;
the plot command then draws one curve per learning rate (mean and spread
over the seeds) and prints each rate's final return.
"""
import argparse
import os

from rlpyt.utils.launching.affinity import available_cpus, encode_affinity
from rlpyt.utils.launching.exp_launcher import run_experiments
from rlpyt.utils.launching.variant import VariantLevel, make_variants

SCRIPT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "train", "ppo_cartpole.py")
LEARNING_RATES = (1e-3, 3e-4)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--n_cpu_core", type=int, default=len(available_cpus()),
                        help="cores to use, one run per core (default: all available)")
    parser.add_argument("--n_steps", type=int, default=50_000, help="environment steps per run")
    parser.add_argument("--log_interval_steps", type=int, default=2560,
                        help="environment steps between evaluations and log rows")
    parser.add_argument("--seeds", type=int, default=2, help="runs per learning rate")
    parser.add_argument("--title", default="ppo_cartpole_sweep", help="experiment folder name")
    args = parser.parse_args()
    affinity_code = encode_affinity(n_cpu_core=args.n_cpu_core, n_gpu=0, cpu_per_run=1)
    learning_rates = VariantLevel([("algo", "learning_rate")], [(lr,) for lr in LEARNING_RATES],
                                  [f"lr_{lr:g}" for lr in LEARNING_RATES])
    variants, log_dirs = make_variants(learning_rates)
    for variant in variants:
        variant["runner"] = dict(n_steps=args.n_steps, log_interval_steps=args.log_interval_steps)
    summary = run_experiments(SCRIPT, affinity_code, args.title, runs_per_setting=args.seeds,
                              variants=variants, log_dirs=log_dirs, common_args=("ppo_cartpole",))
    raise SystemExit(1 if summary.failed else 0)


if __name__ == "__main__":
    main()
