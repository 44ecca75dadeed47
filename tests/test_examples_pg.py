"""The Atari and MuJoCo examples run end to end (briefly), answer --help,
and PPO with MujocoFfAgent learns InvertedPendulum."""
import subprocess
import sys
from pathlib import Path

import pytest

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"

pytestmark = pytest.mark.usefixtures("data_dir")


@pytest.mark.parametrize("example", ["a2c_atari_ff", "a2c_atari_lstm"])
def test_atari_example_runs(example, read_progress, run_example):
    rows = read_progress(run_example(example, game="pong", n_steps=320, batch_B=4, log_interval_steps=160))
    assert len(rows) == 2
    assert "GameScoreAverage" in rows[0] and float(rows[-1]["Diagnostics/CumSteps"]) == 320


def test_mujoco_example_runs(read_progress, run_example):
    rows = read_progress(run_example("ppo_mujoco_ff", env_id="HalfCheetah-v5", n_steps=512, batch_T=64,
        batch_B=2, minibatches=4, epochs=1, log_interval_steps=256, eval_max_trajectories=1))
    assert float(rows[-1]["Diagnostics/CumSteps"]) == 512


@pytest.mark.parametrize("example", ["a2c_atari_ff", "a2c_atari_lstm", "ppo_mujoco_ff"])
def test_example_help(example):
    out = subprocess.run([sys.executable, str(EXAMPLES / f"{example}.py"), "--help"], capture_output=True,
        text=True, check=True)
    assert "--n_steps" in out.stdout


PENDULUM_THRESHOLD = 30.0
"""InvertedPendulum-v5 pays 1 per step balanced; a random policy scores about 5."""


@pytest.mark.slow
def test_ppo_mujoco_ff_agent_learns_inverted_pendulum(read_progress, run_example):
    rows = read_progress(run_example("ppo_mujoco_ff", env_id="InvertedPendulum-v5", n_steps=20_480,
        batch_T=128, batch_B=4, minibatches=8, epochs=4, log_interval_steps=4096, eval_max_trajectories=4,
        seed=1))
    returns = [float(r["ReturnAverage"]) for r in rows]
    assert returns[0] < 10 and max(returns) >= PENDULUM_THRESHOLD, returns
