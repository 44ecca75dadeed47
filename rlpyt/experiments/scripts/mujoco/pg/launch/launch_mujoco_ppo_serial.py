"""rlpyt's first MuJoCo test of PPO ("ppo_1M_serial") sampling in the main
process, with normalized observations, on Hopper, one run per 2 CPUs of
this machine (or per GPU, which optimizes):

    python rlpyt/experiments/scripts/mujoco/pg/launch/launch_mujoco_ppo_serial.py
"""
from rlpyt.experiments.scripts.common import NORMALIZED_OBSERVATIONS, env_id_level, launch

if __name__ == "__main__":
    launch(script="rlpyt/experiments/scripts/mujoco/pg/train/mujoco_ff_ppo_serial.py",
        experiment_title="first_test_mujoco", config_key="ppo_1M_serial", runs_per_setting=1,
        variant_levels=[env_id_level(["Hopper-v3"]), NORMALIZED_OBSERVATIONS], cpu_per_run=2)
