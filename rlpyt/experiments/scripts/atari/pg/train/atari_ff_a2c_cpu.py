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
from rlpyt.experiments.scripts.common import train_preset
from rlpyt.runners.minibatch_rl import MinibatchRl
from rlpyt.samplers.parallel.cpu.collectors import CpuWaitResetCollector
from rlpyt.samplers.parallel.cpu.sampler import CpuSampler


def build_and_train(slot_affinity_code: str, log_dir: str, run_ID: str, config_key: str) -> None:
    """Train one run of preset ``config_key`` through ``train_preset``."""
    train_preset(SamplerCls=CpuSampler, CollectorCls=CpuWaitResetCollector, EnvCls=AtariEnv,
                 TrajInfoCls=AtariTrajInfo, AlgoCls=A2C, AgentCls=AtariFfAgent, RunnerCls=MinibatchRl,
                 configs=configs, config_key=config_key, slot_affinity_code=slot_affinity_code,
                 log_dir=log_dir, run_ID=run_ID)


if __name__ == "__main__":
    build_and_train(*sys.argv[1:])
