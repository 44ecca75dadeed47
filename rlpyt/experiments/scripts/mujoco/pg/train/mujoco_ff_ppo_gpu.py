"""PPO with the feed-forward Gaussian agent on a MuJoCo task, the agent acting
for all environments at once in the main process (on the slot's GPU, or on
CPU without one) while worker processes step the environments, which reset
as soon as they finish. The launcher runs

    python mujoco_ff_ppo_gpu.py <slot_affinity_code> <log_dir> <run_ID> <config_key>

with a key of ``rlpyt.experiments.configs.mujoco.pg.mujoco_ppo``.
"""
import sys

from rlpyt.agents.pg.mujoco import MujocoFfAgent
from rlpyt.algos.pg.ppo import PPO
from rlpyt.envs.gym import make as gym_make
from rlpyt.experiments.configs.mujoco.pg.mujoco_ppo import configs
from rlpyt.experiments.scripts.common import train_preset
from rlpyt.runners.minibatch_rl import MinibatchRl
from rlpyt.samplers.parallel.gpu.collectors import GpuResetCollector
from rlpyt.samplers.parallel.gpu.sampler import GpuSampler


def build_and_train(slot_affinity_code: str, log_dir: str, run_ID: str, config_key: str) -> None:
    """Train one run of preset ``config_key`` through ``train_preset``."""
    train_preset(SamplerCls=GpuSampler, CollectorCls=GpuResetCollector, EnvCls=gym_make, AlgoCls=PPO,
                 AgentCls=MujocoFfAgent, RunnerCls=MinibatchRl, configs=configs, config_key=config_key,
                 slot_affinity_code=slot_affinity_code, log_dir=log_dir, run_ID=run_ID)


if __name__ == "__main__":
    build_and_train(*sys.argv[1:])
