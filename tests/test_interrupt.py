"""Ctrl-C during training with a parallel sampler: the script stops with
KeyboardInterrupt, every worker process exits and no shared memory is left."""
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import psutil
import pytest

REPO = Path(__file__).resolve().parents[1]


def shm_entries():
    return set(os.listdir("/dev/shm")) if os.path.isdir("/dev/shm") else set()


@pytest.mark.parametrize("sampler", ["cpu", "gpu"])
def test_ctrl_c_stops_training_and_every_worker(sampler, tmp_path):
    before = shm_entries()
    env = dict(os.environ, PYTHONPATH=str(REPO))
    proc = subprocess.Popen([sys.executable, str(REPO / "examples" / "ppo_cartpole.py"), "--sampler", sampler,
        "--n_steps", "100000000"], cwd=tmp_path, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
        text=True)
    try:
        main = psutil.Process(proc.pid)
        deadline = time.time() + 60
        while len(main.children()) < 2 and time.time() < deadline:
            time.sleep(0.1)
        workers = main.children(recursive=True)
        assert len(workers) >= 2, "the sampler's workers did not start"
        time.sleep(2)  # well into training
        proc.send_signal(signal.SIGINT)
        output, _ = proc.communicate(timeout=20)
    finally:
        proc.kill()
    assert proc.returncode != 0
    assert "KeyboardInterrupt" in output, output[-2000:]
    assert "Training complete" not in output
    _gone, alive = psutil.wait_procs(workers, timeout=5)
    assert alive == []
    assert shm_entries() <= before
