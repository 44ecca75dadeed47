"""PPO with the feed-forward Gaussian agent on a MuJoCo task, sampling in CPU
worker processes whose environments reset as soon as they finish. The
launcher runs

    python mujoco_ff_ppo_cpu.py <slot_affinity_code> <log_dir> <run_ID> <config_key>

with a key of ``rlpyt.experiments.configs.mujoco.pg.mujoco_ppo``.
"""
import sys

from rlpyt.agents.pg.mujoco import MujocoFfAgent
from rlpyt.algos.pg.ppo import PPO
from rlpyt.envs.gym import make as gym_make
from rlpyt.experiments.configs.mujoco.pg.mujoco_ppo import configs
from rlpyt.experiments.scripts.common import load_config, train
from rlpyt.runners.minibatch_rl import MinibatchRl
from rlpyt.samplers.parallel.cpu.collectors import CpuResetCollector
from rlpyt.samplers.parallel.cpu.sampler import CpuSampler


def build_and_train(slot_affinity_code: str, log_dir: str, run_ID: str, config_key: str) -> None:
    """Build sampler, algorithm and agent from the preset and train one run."""
    config = load_config(configs, config_key, log_dir)
    sampler = CpuSampler(EnvCls=gym_make, env_kwargs=config["env"], CollectorCls=CpuResetCollector,
        **config["sampler"])
    algo = PPO(optim_kwargs=config["optim"], **config["algo"])
    agent = MujocoFfAgent(model_kwargs=config["model"], **config["agent"])
    train(MinibatchRl, algo=algo, agent=agent, sampler=sampler, config=config, name=config["env"]["id"],
        slot_affinity_code=slot_affinity_code, log_dir=log_dir, run_ID=run_ID)


if __name__ == "__main__":
    build_and_train(*sys.argv[1:])
