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
from rlpyt.experiments.scripts.common import load_config, train
from rlpyt.runners.minibatch_rl import MinibatchRlEval
from rlpyt.samplers.parallel.cpu.collectors import CpuResetCollector
from rlpyt.samplers.serial.sampler import SerialSampler


def build_and_train(slot_affinity_code: str, log_dir: str, run_ID: str, config_key: str) -> None:
    """Build sampler, algorithm and agent from the preset and train one run."""
    config = load_config(configs, config_key, log_dir)
    sampler = SerialSampler(EnvCls=gym_make, env_kwargs=config["env"], CollectorCls=CpuResetCollector,
        eval_env_kwargs=config["env"], **config["sampler"])
    algo = TD3(optim_kwargs=config["optim"], **config["algo"])
    agent = Td3Agent(model_kwargs=config["model"], q_model_kwargs=config["q_model"], **config["agent"])
    train(MinibatchRlEval, algo=algo, agent=agent, sampler=sampler, config=config,
        name="td3_" + config["env"]["id"], slot_affinity_code=slot_affinity_code, log_dir=log_dir,
        run_ID=run_ID)


if __name__ == "__main__":
    build_and_train(*sys.argv[1:])
