"""rlpyt's first MuJoCo test of PPO with the agent acting for all environments
in the main process, on Hopper, one run per GPU of this machine (or per 2
CPUs without GPU). rlpyt named a key "ppo_1M" its presets lack; this uses
"ppo_1M_cpu" (8 environments):

    python rlpyt/experiments/scripts/mujoco/pg/launch/launch_mujoco_ppo_gpu.py
"""
from rlpyt.experiments.scripts.common import env_id_level, launch

if __name__ == "__main__":
    launch(script="rlpyt/experiments/scripts/mujoco/pg/train/mujoco_ff_ppo_gpu.py",
        experiment_title="first_test_mujoco", config_key="ppo_1M_cpu", runs_per_setting=1,
        variant_levels=[env_id_level(["Hopper-v2"])], cpu_per_run=2)
