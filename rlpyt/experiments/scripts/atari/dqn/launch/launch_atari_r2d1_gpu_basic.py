"""rlpyt's sweep of R2D1 ("r2d1") over four games, two runs each, one run
per GPU of this machine (or per 4 CPUs without GPU):

    python rlpyt/experiments/scripts/atari/dqn/launch/launch_atari_r2d1_gpu_basic.py
"""
from rlpyt.experiments.scripts.common import game_level, launch

if __name__ == "__main__":
    launch(script="rlpyt/experiments/scripts/atari/dqn/train/atari_r2d1_gpu.py",
        experiment_title="atari_r2d1_basic", config_key="r2d1", runs_per_setting=2,
        variant_levels=[game_level(["pong", "seaquest", "qbert", "chopper_command"])], cpu_per_run=4)
