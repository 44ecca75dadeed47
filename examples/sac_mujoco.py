"""SAC on a MuJoCo task (Hopper-v5 by default) with the serial sampler, as
the classic rlpyt example: the "sac_1M_serial" preset (256x256 networks,
batch 256, one update per step, automatic entropy tuning). A small
``--n_steps`` shortens learning's start to fit (a smoke run).

    python examples/sac_mujoco.py --env_id Hopper-v5 --n_steps 1000000
    python examples/sac_mujoco.py --n_steps 500      # a few seconds
"""
import argparse
import copy

from rlpyt.agents.qpg.sac_agent import SacAgent
from rlpyt.algos.qpg.sac import SAC
from rlpyt.envs.gym import make as gym_make
from rlpyt.experiments.configs.mujoco.qpg.mujoco_sac import configs
from rlpyt.runners.minibatch_rl import MinibatchRlEval
from rlpyt.samplers.serial.sampler import SerialSampler
from rlpyt.utils.logging.context import logger_context


def build_and_train(env_id: str = "Hopper-v5", n_steps: int = int(1e6), seed: int = 0, run_ID: int = 0) -> str:
    """Train and return the run folder."""
    config = copy.deepcopy(configs["sac_1M_serial"])
    config["env"]["id"] = env_id
    config["runner"].update(n_steps=n_steps, log_interval_steps=min(n_steps, config["runner"]["log_interval_steps"]))
    config["algo"]["min_steps_learn"] = min(config["algo"]["min_steps_learn"], n_steps // 2)
    if n_steps < 10_000:
        config["sampler"].update(eval_n_envs=1, eval_max_steps=200, eval_max_trajectories=1)
    sampler = SerialSampler(EnvCls=gym_make, env_kwargs=config["env"], eval_env_kwargs=config["env"],
        **config["sampler"])
    agent = SacAgent(model_kwargs=config["model"], q_model_kwargs=config["q_model"], **config["agent"])
    runner = MinibatchRlEval(algo=SAC(optim_kwargs=config["optim"], **config["algo"]), agent=agent,
        sampler=sampler, seed=seed, affinity=dict(master_torch_threads=1), **config["runner"])
    with logger_context("sac_" + env_id, run_ID, "sac_mujoco", config, snapshot_mode="last") as exp_dir:
        runner.train()
    return exp_dir


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--env_id", default="Hopper-v5", help="Gymnasium environment id")
    parser.add_argument("--n_steps", type=int, default=int(1e6), help="environment steps to train")
    parser.add_argument("--seed", type=int, default=0, help="random seed")
    parser.add_argument("--run_ID", type=int, default=0, help="run number (folder run_<ID>)")
    args = parser.parse_args()
    exp_dir = build_and_train(env_id=args.env_id, n_steps=args.n_steps, seed=args.seed, run_ID=args.run_ID)
    print(f"Log: {exp_dir}/progress.csv")


if __name__ == "__main__":
    main()
