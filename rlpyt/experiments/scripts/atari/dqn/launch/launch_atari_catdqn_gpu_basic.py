"""rlpyt's sweep of categorical DQN ("catdqn") over four games, two runs each,
one run per GPU of this machine (or per 4 CPUs without GPU):

    python rlpyt/experiments/scripts/atari/dqn/launch/launch_atari_catdqn_gpu_basic.py
"""
from rlpyt.experiments.scripts.common import game_level, launch

if __name__ == "__main__":
    launch(script="rlpyt/experiments/scripts/atari/dqn/train/atari_catdqn_gpu.py",
        experiment_title="atari_catdqn_basic", config_key="catdqn", runs_per_setting=2,
        variant_levels=[game_level(["pong", "seaquest", "qbert", "chopper_command"])], cpu_per_run=4)
