"""Train script for the PPO-on-CartPole sweep, called by the launcher as

    python experiments/train/ppo_cartpole.py <slot_affinity_code> <log_dir> <run_ID> <config_key>

It is the pattern every train script follows: the affinity comes from the
slot's code, the config is a preset from ``rlpyt.experiments.configs`` updated
with the variant the launcher saved in ``log_dir``, the seed is the run_ID,
and the run logs into ``<log_dir>/run_<run_ID>`` with the whole config in
params.json (so ``rlpyt-plot --split algo.learning_rate`` can group runs).
"""
import sys

from rlpyt.agents.pg.categorical import CategoricalPgAgent
from rlpyt.algos.pg.ppo import PPO
from rlpyt.envs.gym import make as gym_make
from rlpyt.experiments.configs.classic.pg.cartpole_ppo import configs
from rlpyt.runners.minibatch_rl import MinibatchRlEval
from rlpyt.samplers.serial.sampler import SerialSampler
from rlpyt.utils.launching.affinity import affinity_from_code
from rlpyt.utils.launching.variant import load_variant, update_config
from rlpyt.utils.logging.context import logger_context


def build_and_train(slot_affinity_code: str, log_dir: str, run_ID: str, config_key: str) -> None:
    """Build sampler, agent, algorithm and runner from the config and train one run."""
    affinity = affinity_from_code(slot_affinity_code)
    config = update_config(configs[config_key], load_variant(log_dir))
    sampler = SerialSampler(EnvCls=gym_make, env_kwargs=config["env"],
                            eval_env_kwargs=config["env"], **config["sampler"])
    runner = MinibatchRlEval(algo=PPO(**config["algo"]), agent=CategoricalPgAgent(**config["agent"]),
                             sampler=sampler, seed=int(run_ID), affinity=affinity,
                             **config["runner"])
    with logger_context(log_dir, run_ID, config_key, config, snapshot_mode="last"):
        runner.train()


if __name__ == "__main__":
    build_and_train(*sys.argv[1:])
