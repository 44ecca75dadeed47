"""rlpyt's first MuJoCo test of DDPG sampling in CPU worker processes, on
Hopper, one run per 2 CPUs of this machine (or per GPU, which optimizes).
rlpyt named a key "ddpg_from_td3_1M" its presets lack; this uses
"ddpg_from_td3_1M_serial":

    python rlpyt/experiments/scripts/mujoco/qpg/launch/launch_mujoco_ddpg_cpu.py
"""
from rlpyt.experiments.scripts.common import env_id_level, launch

if __name__ == "__main__":
    launch(script="rlpyt/experiments/scripts/mujoco/qpg/train/mujoco_ddpg_cpu.py",
        experiment_title="first_test_mujoco", config_key="ddpg_from_td3_1M_serial", runs_per_setting=1,
        variant_levels=[env_id_level(["Hopper-v2"])], cpu_per_run=2)
