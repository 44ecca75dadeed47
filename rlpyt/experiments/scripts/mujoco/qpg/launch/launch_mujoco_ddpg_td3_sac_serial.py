"""rlpyt's sweeps of DDPG, TD3 and SAC on Hopper, one after the other, two
runs each, one run per CPU of this machine (or per GPU, which optimizes):

    python rlpyt/experiments/scripts/mujoco/qpg/launch/launch_mujoco_ddpg_td3_sac_serial.py
"""
from rlpyt.experiments.scripts.common import env_id_level, launch

RUNS = [
    ("mujoco_ddpg_serial.py", "ddpg_mujoco", "ddpg_from_td3_1M_serial"),
    ("mujoco_td3_serial.py", "td3_mujoco", "td3_1M_serial"),
    ("mujoco_sac_serial.py", "sac_mujoco", "sac_1M_serial"),
]

if __name__ == "__main__":
    for train_script, experiment_title, config_key in RUNS:
        launch(script="rlpyt/experiments/scripts/mujoco/qpg/train/" + train_script,
            experiment_title=experiment_title, config_key=config_key, runs_per_setting=2,
            variant_levels=[env_id_level(["Hopper-v2"])], cpu_per_run=1)
