"""rlpyt's sweep of DQN ("dqn") over four games, two runs each, one run per
GPU of this machine (or per 4 CPUs without GPU); rlpyt shipped it twice, as
this file and launch_atari_dqn_gpu_basic.py, which this runs:

    python rlpyt/experiments/scripts/atari/dqn/launch/launch_atari_dqn_gpu.py
"""
import os
import runpy

if __name__ == "__main__":
    runpy.run_path(os.path.join(os.path.dirname(os.path.abspath(__file__)), "launch_atari_dqn_gpu_basic.py"),
        run_name="__main__")
