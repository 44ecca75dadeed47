"""DQN on Atari, sampling in CPU worker processes; evaluation in the main
process. The launcher runs

    python atari_dqn_cpu.py <slot_affinity_code> <log_dir> <run_ID> <config_key>

with a key of ``rlpyt.experiments.configs.atari.dqn.atari_dqn``; evaluation
plays the training game with ``eval_env``'s settings.
"""
import sys

from rlpyt.agents.dqn.atari.atari_dqn_agent import AtariDqnAgent
from rlpyt.algos.dqn.dqn import DQN
from rlpyt.envs.atari.atari_env import AtariEnv, AtariTrajInfo
from rlpyt.experiments.configs.atari.dqn.atari_dqn import configs
from rlpyt.experiments.scripts.common import train_preset
from rlpyt.runners.minibatch_rl import MinibatchRlEval
from rlpyt.samplers.parallel.cpu.collectors import CpuWaitResetCollector
from rlpyt.samplers.parallel.cpu.sampler import CpuSampler


def build_and_train(slot_affinity_code: str, log_dir: str, run_ID: str, config_key: str) -> None:
    """Train one run of preset ``config_key`` through ``train_preset``."""
    train_preset(SamplerCls=CpuSampler, CollectorCls=CpuWaitResetCollector, EnvCls=AtariEnv,
                 TrajInfoCls=AtariTrajInfo, AlgoCls=DQN, AgentCls=AtariDqnAgent, RunnerCls=MinibatchRlEval,
                 configs=configs, config_key=config_key, slot_affinity_code=slot_affinity_code,
                 log_dir=log_dir, run_ID=run_ID)


if __name__ == "__main__":
    build_and_train(*sys.argv[1:])
