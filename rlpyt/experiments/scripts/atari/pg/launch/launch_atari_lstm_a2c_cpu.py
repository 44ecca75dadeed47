"""rlpyt's test of recurrent (LSTM) A2C sampling in CPU worker processes at
learning rate 7e-4 with 5 and 20 steps per batch, on two games, two runs
each, one run per GPU of this machine (which optimizes) or per 3 CPUs
without GPU:

    python rlpyt/experiments/scripts/atari/pg/launch/launch_atari_lstm_a2c_cpu.py
"""
from rlpyt.experiments.scripts.common import game_level, launch
from rlpyt.utils.launching.variant import VariantLevel

if __name__ == "__main__":
    rate_and_steps = VariantLevel([("algo", "learning_rate"), ("sampler", "batch_T")],
        [(7e-4, 5), (7e-4, 20)], ["test_0.0007lr_5T", "test_0.0007lr_20T"])
    launch(script="rlpyt/experiments/scripts/atari/pg/train/atari_lstm_a2c_cpu.py",
        experiment_title="lstm_test_gpu", config_key="0", runs_per_setting=2,
        variant_levels=[rate_and_steps, game_level(["pong", "seaquest"])], cpu_per_run=3)
