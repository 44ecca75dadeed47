"""PPO with the feed-forward Gaussian agent on a MuJoCo task, sampling in the
main process (environments reset as soon as they finish). The launcher runs

    python mujoco_ff_ppo_serial.py <slot_affinity_code> <log_dir> <run_ID> <config_key>

with a key of ``rlpyt.experiments.configs.mujoco.pg.mujoco_ppo``.
"""
import sys

from rlpyt.agents.pg.mujoco import MujocoFfAgent
from rlpyt.algos.pg.ppo import PPO
from rlpyt.envs.gym import make as gym_make
from rlpyt.experiments.configs.mujoco.pg.mujoco_ppo import configs
from rlpyt.experiments.scripts.common import env_name, train_preset
from rlpyt.runners.minibatch_rl import MinibatchRl
from rlpyt.samplers.parallel.cpu.collectors import CpuResetCollector
from rlpyt.samplers.serial.sampler import SerialSampler


def build_and_train(slot_affinity_code: str, log_dir: str, run_ID: str, config_key: str) -> None:
    """Train one run of preset ``config_key`` through ``train_preset``
    (logged as "ppo_<env id>")."""
    train_preset(SamplerCls=SerialSampler, CollectorCls=CpuResetCollector, EnvCls=gym_make, AlgoCls=PPO,
                 AgentCls=MujocoFfAgent, RunnerCls=MinibatchRl, configs=configs,
                 run_name=lambda config: "ppo_" + env_name(config), config_key=config_key,
                 slot_affinity_code=slot_affinity_code, log_dir=log_dir, run_ID=run_ID)


if __name__ == "__main__":
    build_and_train(*sys.argv[1:])
