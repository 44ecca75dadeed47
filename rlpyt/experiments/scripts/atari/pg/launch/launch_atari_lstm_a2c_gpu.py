"""rlpyt's test of recurrent (LSTM) A2C on four stacked frames ("4frame") at
learning rate 1e-4 with four entropy bonuses, on Seaquest, one run each, one
run per GPU of this machine (or per 3 CPUs without GPU):

    python rlpyt/experiments/scripts/atari/pg/launch/launch_atari_lstm_a2c_gpu.py
"""
from rlpyt.experiments.scripts.common import game_level, launch
from rlpyt.utils.launching.variant import VariantLevel

if __name__ == "__main__":
    entropy = [0.01, 0.4, 0.04, 0.1]
    rate_and_entropy = VariantLevel([("algo", "learning_rate"), ("algo", "entropy_loss_coeff")],
        [(1e-4, coeff) for coeff in entropy], [f"test_0.0001lr_{coeff}ent" for coeff in entropy])
    launch(script="rlpyt/experiments/scripts/atari/pg/train/atari_lstm_a2c_gpu.py",
        experiment_title="lstm_4frame_test", config_key="4frame", runs_per_setting=1,
        variant_levels=[rate_and_entropy, game_level(["seaquest"])], cpu_per_run=3)
