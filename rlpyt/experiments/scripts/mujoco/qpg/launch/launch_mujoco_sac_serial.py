"""rlpyt's sweep of SAC ("sac_1M_serial") on Hopper, two runs, one run per CPU of
this machine (or per GPU, which optimizes):

    python rlpyt/experiments/scripts/mujoco/qpg/launch/launch_mujoco_sac_serial.py
"""
from rlpyt.experiments.scripts.common import env_id_level, launch

if __name__ == "__main__":
    launch(script="rlpyt/experiments/scripts/mujoco/qpg/train/mujoco_sac_serial.py",
        experiment_title="sac_mujoco", config_key="sac_1M_serial", runs_per_setting=2,
        variant_levels=[env_id_level(["Hopper-v2"])], cpu_per_run=1)
