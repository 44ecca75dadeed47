"""TD3 on a MuJoCo task, sampling and evaluating in the main process. The
launcher runs

    python mujoco_td3_serial.py <slot_affinity_code> <log_dir> <run_ID> <config_key>

with a key of ``rlpyt.experiments.configs.mujoco.qpg.mujoco_td3``; evaluation
uses the training environment's settings.
"""
import sys

from rlpyt.agents.qpg.td3_agent import Td3Agent
from rlpyt.algos.qpg.td3 import TD3
from rlpyt.envs.gym import make as gym_make
from rlpyt.experiments.configs.mujoco.qpg.mujoco_td3 import configs
from rlpyt.experiments.scripts.common import env_name, train_preset
from rlpyt.runners.minibatch_rl import MinibatchRlEval
from rlpyt.samplers.parallel.cpu.collectors import CpuResetCollector
from rlpyt.samplers.serial.sampler import SerialSampler


def build_and_train(slot_affinity_code: str, log_dir: str, run_ID: str, config_key: str) -> None:
    """Train one run of preset ``config_key`` through ``train_preset``
    (logged as "td3_<env id>")."""
    train_preset(SamplerCls=SerialSampler, CollectorCls=CpuResetCollector, EnvCls=gym_make, AlgoCls=TD3,
                 AgentCls=Td3Agent, RunnerCls=MinibatchRlEval, configs=configs,
                 run_name=lambda config: "td3_" + env_name(config), config_key=config_key,
                 slot_affinity_code=slot_affinity_code, log_dir=log_dir, run_ID=run_ID)


if __name__ == "__main__":
    build_and_train(*sys.argv[1:])
