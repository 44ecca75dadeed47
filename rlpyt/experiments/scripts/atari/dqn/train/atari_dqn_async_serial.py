"""DQN on Atari, asynchronously: sampling and evaluating in AsyncRl's sampler process while the optimizer trains in the main process. The launcher runs

    python atari_dqn_async_serial.py <slot_affinity_code> <log_dir> <run_ID> <config_key>

with a key of ``rlpyt.experiments.configs.atari.dqn.atari_dqn`` (e.g.
"async_big") and an async affinity code (``encode_affinity(...,
async_sample=True)``; with n_gpu=0 a CPU-only one); evaluation plays the
training game with ``eval_env``'s settings.
"""
import sys

from rlpyt.agents.dqn.atari.atari_dqn_agent import AtariDqnAgent
from rlpyt.algos.dqn.dqn import DQN
from rlpyt.envs.atari.atari_env import AtariEnv, AtariTrajInfo
from rlpyt.experiments.configs.atari.dqn.atari_dqn import configs
from rlpyt.experiments.scripts.common import train_preset
from rlpyt.runners.async_rl import AsyncRlEval
from rlpyt.samplers.async_.collectors import DbCpuResetCollector
from rlpyt.samplers.async_.serial_sampler import AsyncSerialSampler


def build_and_train(slot_affinity_code: str, log_dir: str, run_ID: str, config_key: str) -> None:
    """Train one run of preset ``config_key`` through ``train_preset``."""
    train_preset(SamplerCls=AsyncSerialSampler, CollectorCls=DbCpuResetCollector, EnvCls=AtariEnv,
                 TrajInfoCls=AtariTrajInfo, AlgoCls=DQN, AgentCls=AtariDqnAgent, RunnerCls=AsyncRlEval,
                 configs=configs, config_key=config_key, slot_affinity_code=slot_affinity_code,
                 log_dir=log_dir, run_ID=run_ID)


if __name__ == "__main__":
    build_and_train(*sys.argv[1:])
