"""rlpyt's sweep of recurrent (LSTM) PPO ("0") over four games, two runs
each, one run per GPU of this machine (or per 2 CPUs without GPU):

    python rlpyt/experiments/scripts/atari/pg/launch/launch_atari_lstm_ppo_gpu_basic.py
"""
from rlpyt.experiments.scripts.common import game_level, launch

if __name__ == "__main__":
    launch(script="rlpyt/experiments/scripts/atari/pg/train/atari_lstm_ppo_gpu.py",
        experiment_title="atari_lstm_ppo_basic", config_key="0", runs_per_setting=2,
        variant_levels=[game_level(["pong", "seaquest", "qbert", "chopper_command"])], cpu_per_run=2)
