"""rlpyt's first MuJoCo test of PPO sampling in CPU worker processes, with
normalized observations, on Hopper, one run per 2 CPUs of this machine (or
per GPU, which optimizes). rlpyt named a key "ppo_1M" its presets lack;
this uses "ppo_1M_cpu", as rlpyt's other PPO CPU sweep did:

    python rlpyt/experiments/scripts/mujoco/pg/launch/launch_mujoco_ppo_cpu.py
"""
from rlpyt.experiments.scripts.common import NORMALIZED_OBSERVATIONS, env_id_level, launch

if __name__ == "__main__":
    launch(script="rlpyt/experiments/scripts/mujoco/pg/train/mujoco_ff_ppo_cpu.py",
        experiment_title="first_test_mujoco", config_key="ppo_1M_cpu", runs_per_setting=1,
        variant_levels=[env_id_level(["Hopper-v2"]), NORMALIZED_OBSERVATIONS], cpu_per_run=2)
