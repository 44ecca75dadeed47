"""R2D1 on Atari, the agent acting for all environments at once in the main
process (on the slot's GPU, or on CPU without one) while worker processes
step the environments, which wait for the batch's end after a done
(rlpyt's GpuWaitResetCollector); evaluation in the main process. The
launcher runs

    python atari_r2d1_gpu.py <slot_affinity_code> <log_dir> <run_ID> <config_key>

with a key of ``rlpyt.experiments.configs.atari.dqn.atari_r2d1``; evaluation
plays the training game with ``eval_env``'s settings.
"""
import sys

from rlpyt.agents.dqn.atari.atari_r2d1_agent import AtariR2d1Agent
from rlpyt.algos.dqn.r2d1 import R2D1
from rlpyt.envs.atari.atari_env import AtariEnv, AtariTrajInfo
from rlpyt.experiments.configs.atari.dqn.atari_r2d1 import configs
from rlpyt.experiments.scripts.common import train_preset
from rlpyt.runners.minibatch_rl import MinibatchRlEval
from rlpyt.samplers.parallel.gpu.collectors import GpuWaitResetCollector
from rlpyt.samplers.parallel.gpu.sampler import GpuSampler


def build_and_train(slot_affinity_code: str, log_dir: str, run_ID: str, config_key: str) -> None:
    """Train one run of preset ``config_key`` through ``train_preset``."""
    train_preset(SamplerCls=GpuSampler, CollectorCls=GpuWaitResetCollector, EnvCls=AtariEnv,
                 TrajInfoCls=AtariTrajInfo, AlgoCls=R2D1, AgentCls=AtariR2d1Agent, RunnerCls=MinibatchRlEval,
                 configs=configs, config_key=config_key, slot_affinity_code=slot_affinity_code,
                 log_dir=log_dir, run_ID=run_ID)


if __name__ == "__main__":
    build_and_train(*sys.argv[1:])
