"""rlpyt's test of feed-forward A2C sampling in CPU worker processes at
learning rate 7e-4 with 32 environments, on two games, two runs each, one
run per GPU of this machine (which optimizes) or per 2 CPUs without GPU:

    python rlpyt/experiments/scripts/atari/pg/launch/launch_atari_ff_a2c_cpu.py
"""
from rlpyt.experiments.scripts.common import game_level, launch
from rlpyt.utils.launching.variant import VariantLevel

if __name__ == "__main__":
    rate_and_envs = VariantLevel([("algo", "learning_rate"), ("sampler", "batch_B")], [(7e-4, 32)],
        ["test_0.0007lr_32B"])
    launch(script="rlpyt/experiments/scripts/atari/pg/train/atari_ff_a2c_cpu.py",
        experiment_title="ff_retest_GPU_opt", config_key="0", runs_per_setting=2,
        variant_levels=[rate_and_envs, game_level(["pong", "seaquest"])], cpu_per_run=2)
