"""A2C with the recurrent (LSTM) agent on Atari, sampling in CPU worker
processes whose environments wait for the end of the batch to reset (so each
batch starts from the rnn state where the last one ended). The launcher runs

    python atari_lstm_a2c_cpu.py <slot_affinity_code> <log_dir> <run_ID> <config_key>

with a key of ``rlpyt.experiments.configs.atari.pg.atari_lstm_a2c``.
"""
import sys

from rlpyt.agents.pg.atari import AtariLstmAgent
from rlpyt.algos.pg.a2c import A2C
from rlpyt.envs.atari.atari_env import AtariEnv, AtariTrajInfo
from rlpyt.experiments.configs.atari.pg.atari_lstm_a2c import configs
from rlpyt.experiments.scripts.common import train_preset
from rlpyt.runners.minibatch_rl import MinibatchRl
from rlpyt.samplers.parallel.cpu.collectors import CpuWaitResetCollector
from rlpyt.samplers.parallel.cpu.sampler import CpuSampler


def build_and_train(slot_affinity_code: str, log_dir: str, run_ID: str, config_key: str) -> None:
    """Train one run of preset ``config_key`` through ``train_preset``
    (logged under the game's name followed by batch_T, as rlpyt did)."""
    train_preset(SamplerCls=CpuSampler, CollectorCls=CpuWaitResetCollector, EnvCls=AtariEnv,
                 TrajInfoCls=AtariTrajInfo, AlgoCls=A2C, AgentCls=AtariLstmAgent, RunnerCls=MinibatchRl,
                 configs=configs,
                 run_name=lambda config: config["env"]["game"] + str(config["sampler"]["batch_T"]),
                 config_key=config_key, slot_affinity_code=slot_affinity_code, log_dir=log_dir, run_ID=run_ID)


if __name__ == "__main__":
    build_and_train(*sys.argv[1:])
