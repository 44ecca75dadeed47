"""A2C with the feed-forward Gaussian agent on a MuJoCo task, sampling in CPU
worker processes whose environments reset as soon as they finish. The
launcher runs

    python mujoco_ff_a2c_cpu.py <slot_affinity_code> <log_dir> <run_ID> <config_key>

with a key of ``rlpyt.experiments.configs.mujoco.pg.mujoco_a2c``.
"""
import sys

from rlpyt.agents.pg.mujoco import MujocoFfAgent
from rlpyt.algos.pg.a2c import A2C
from rlpyt.envs.gym import make as gym_make
from rlpyt.experiments.configs.mujoco.pg.mujoco_a2c import configs
from rlpyt.experiments.scripts.common import train_preset
from rlpyt.runners.minibatch_rl import MinibatchRl
from rlpyt.samplers.parallel.cpu.collectors import CpuResetCollector
from rlpyt.samplers.parallel.cpu.sampler import CpuSampler


def build_and_train(slot_affinity_code: str, log_dir: str, run_ID: str, config_key: str) -> None:
    """Train one run of preset ``config_key`` through ``train_preset``."""
    train_preset(SamplerCls=CpuSampler, CollectorCls=CpuResetCollector, EnvCls=gym_make, AlgoCls=A2C,
                 AgentCls=MujocoFfAgent, RunnerCls=MinibatchRl, configs=configs, config_key=config_key,
                 slot_affinity_code=slot_affinity_code, log_dir=log_dir, run_ID=run_ID)


if __name__ == "__main__":
    build_and_train(*sys.argv[1:])
