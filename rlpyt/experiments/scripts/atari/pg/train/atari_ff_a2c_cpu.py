"""A2C with the feed-forward agent on Atari, sampling in CPU worker processes
whose environments wait for the end of the batch to reset. The launcher runs

    python atari_ff_a2c_cpu.py <slot_affinity_code> <log_dir> <run_ID> <config_key>

with a key of ``rlpyt.experiments.configs.atari.pg.atari_ff_a2c``.
"""
import sys

from rlpyt.agents.pg.atari import AtariFfAgent
from rlpyt.algos.pg.a2c import A2C
from rlpyt.envs.atari.atari_env import AtariEnv, AtariTrajInfo
from rlpyt.experiments.configs.atari.pg.atari_ff_a2c import configs
from rlpyt.experiments.scripts.common import load_config, train
from rlpyt.runners.minibatch_rl import MinibatchRl
from rlpyt.samplers.parallel.cpu.collectors import CpuWaitResetCollector
from rlpyt.samplers.parallel.cpu.sampler import CpuSampler


def build_and_train(slot_affinity_code: str, log_dir: str, run_ID: str, config_key: str) -> None:
    """Build sampler, algorithm and agent from the preset and train one run."""
    config = load_config(configs, config_key, log_dir)
    sampler = CpuSampler(EnvCls=AtariEnv, env_kwargs=config["env"], CollectorCls=CpuWaitResetCollector,
        TrajInfoCls=AtariTrajInfo, **config["sampler"])
    algo = A2C(optim_kwargs=config["optim"], **config["algo"])
    agent = AtariFfAgent(model_kwargs=config["model"], **config["agent"])
    train(MinibatchRl, algo=algo, agent=agent, sampler=sampler, config=config, name=config["env"]["game"],
        slot_affinity_code=slot_affinity_code, log_dir=log_dir, run_ID=run_ID)


if __name__ == "__main__":
    build_and_train(*sys.argv[1:])
