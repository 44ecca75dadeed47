"""The Atari and MuJoCo examples run end to end (briefly), answer --help,
and PPO with MujocoFfAgent learns InvertedPendulum."""
import csv
import subprocess
import sys

import pytest

from examples import a2c_atari_ff, a2c_atari_lstm, ppo_mujoco_ff
from tests.torch_threads import one_torch_thread  # noqa: F401 (autouse fixture)


@pytest.fixture(autouse=True)
def data_dir(tmp_path, monkeypatch):
    monkeypatch.setenv("RLPYT_DATA_DIR", str(tmp_path))


def read_progress(exp_dir):
    with open(f"{exp_dir}/progress.csv", newline="") as f:
        return list(csv.DictReader(f))


@pytest.mark.parametrize("example", [a2c_atari_ff, a2c_atari_lstm])
def test_atari_example_runs(example):
    rows = read_progress(example.build_and_train(game="pong", n_steps=320, batch_B=4, log_interval_steps=160))
    assert len(rows) == 2
    assert "GameScoreAverage" in rows[0] and float(rows[-1]["Diagnostics/CumSteps"]) == 320


def test_mujoco_example_runs():
    rows = read_progress(ppo_mujoco_ff.build_and_train(env_id="HalfCheetah-v5", n_steps=512, batch_T=64,
        batch_B=2, minibatches=4, epochs=1, log_interval_steps=256, eval_max_trajectories=1))
    assert float(rows[-1]["Diagnostics/CumSteps"]) == 512


@pytest.mark.parametrize("example", [a2c_atari_ff, a2c_atari_lstm, ppo_mujoco_ff])
def test_example_help(example):
    out = subprocess.run([sys.executable, example.__file__, "--help"], capture_output=True, text=True, check=True)
    assert "--n_steps" in out.stdout


PENDULUM_THRESHOLD = 30.0
"""InvertedPendulum-v5 pays 1 per step balanced; a random policy scores about 5."""


def test_ppo_mujoco_ff_agent_learns_inverted_pendulum():
    rows = read_progress(ppo_mujoco_ff.build_and_train(env_id="InvertedPendulum-v5", n_steps=20_480,
        batch_T=128, batch_B=4, minibatches=8, epochs=4, log_interval_steps=4096, eval_max_trajectories=4,
        seed=1))
    returns = [float(r["ReturnAverage"]) for r in rows]
    assert returns[0] < 10 and max(returns) >= PENDULUM_THRESHOLD, returns
