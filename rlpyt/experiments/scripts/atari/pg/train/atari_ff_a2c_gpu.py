"""A2C with the feed-forward agent on Atari, the agent acting for all
environments at once in the main process (on the slot's GPU, or on CPU
without one) while worker processes step the environments, which wait for
the end of the batch to reset. The launcher runs

    python atari_ff_a2c_gpu.py <slot_affinity_code> <log_dir> <run_ID> <config_key>

with a key of ``rlpyt.experiments.configs.atari.pg.atari_ff_a2c``.
"""
import sys

from rlpyt.agents.pg.atari import AtariFfAgent
from rlpyt.algos.pg.a2c import A2C
from rlpyt.envs.atari.atari_env import AtariEnv, AtariTrajInfo
from rlpyt.experiments.configs.atari.pg.atari_ff_a2c import configs
from rlpyt.experiments.scripts.common import load_config, train
from rlpyt.runners.minibatch_rl import MinibatchRl
from rlpyt.samplers.parallel.gpu.collectors import GpuWaitResetCollector
from rlpyt.samplers.parallel.gpu.sampler import GpuSampler


def build_and_train(slot_affinity_code: str, log_dir: str, run_ID: str, config_key: str) -> None:
    """Build sampler, algorithm and agent from the preset and train one run."""
    config = load_config(configs, config_key, log_dir)
    sampler = GpuSampler(EnvCls=AtariEnv, env_kwargs=config["env"], CollectorCls=GpuWaitResetCollector,
        TrajInfoCls=AtariTrajInfo, **config["sampler"])
    algo = A2C(optim_kwargs=config["optim"], **config["algo"])
    agent = AtariFfAgent(model_kwargs=config["model"], **config["agent"])
    train(MinibatchRl, algo=algo, agent=agent, sampler=sampler, config=config, name=config["env"]["game"],
        slot_affinity_code=slot_affinity_code, log_dir=log_dir, run_ID=run_ID)


if __name__ == "__main__":
    build_and_train(*sys.argv[1:])
