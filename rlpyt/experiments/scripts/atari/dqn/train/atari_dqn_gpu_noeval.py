"""DQN on Atari without evaluation runs (the log reports the training
episodes), the agent acting for all environments at once in the main
process (on the slot's GPU, or on CPU without one) while worker processes
step the environments. The launcher runs

    python atari_dqn_gpu_noeval.py <slot_affinity_code> <log_dir> <run_ID> <config_key>

with a key of ``rlpyt.experiments.configs.atari.dqn.atari_dqn`` (rlpyt's
sweep used "no_eval").
"""
import sys

from rlpyt.agents.dqn.atari.atari_dqn_agent import AtariDqnAgent
from rlpyt.algos.dqn.dqn import DQN
from rlpyt.envs.atari.atari_env import AtariEnv, AtariTrajInfo
from rlpyt.experiments.configs.atari.dqn.atari_dqn import configs
from rlpyt.experiments.scripts.common import train_preset
from rlpyt.runners.minibatch_rl import MinibatchRl
from rlpyt.samplers.parallel.gpu.collectors import GpuWaitResetCollector
from rlpyt.samplers.parallel.gpu.sampler import GpuSampler


def build_and_train(slot_affinity_code: str, log_dir: str, run_ID: str, config_key: str) -> None:
    """Train one run of preset ``config_key`` through ``train_preset``."""
    train_preset(SamplerCls=GpuSampler, CollectorCls=GpuWaitResetCollector, EnvCls=AtariEnv,
                 TrajInfoCls=AtariTrajInfo, AlgoCls=DQN, AgentCls=AtariDqnAgent, RunnerCls=MinibatchRl,
                 configs=configs, config_key=config_key, slot_affinity_code=slot_affinity_code,
                 log_dir=log_dir, run_ID=run_ID)


if __name__ == "__main__":
    build_and_train(*sys.argv[1:])
