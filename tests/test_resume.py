"""A run killed with SIGKILL at any moment and started again continues from
its checkpoint and writes the same progress.csv as the uninterrupted run
(timing columns aside), with the serial sampler."""
import csv
import glob
import os
import random
import signal
import subprocess
import sys
import time

import numpy as np
import pytest
import torch

from resume_script import SAMPLERS, build
from rlpyt.utils.checkpoint import load_checkpoint, read_checkpoint_info
from rlpyt.utils.logging.context import logger_context

SCRIPT = os.path.join(os.path.dirname(__file__), "resume_script.py")
ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def _env(**extra) -> dict:
    env = dict(os.environ, **dict(dict(PYTHONPATH=ROOT), **{k: str(v) for k, v in extra.items()}))
    for key in ("RLPYT_TEST_KILL_AT_ITR", "RLPYT_TEST_KILL_IN_SAVE", "RLPYT_TEST_CHECKPOINT_S",
            "RLPYT_TEST_KILL_RANK"):
        if key not in extra:
            env.pop(key, None)
    return env


def run_script(family: str, log_dir: str, expect_kill: bool = False, sampler: str = "serial",
        expect_code: int | None = None, **kills) -> str:
    """Run the script to its end, or (``expect_kill``) until the kill asked
    for, or (``expect_code``) until it exits with that code; returns stderr."""
    proc = subprocess.run([sys.executable, SCRIPT, family, log_dir, sampler], env=_env(**kills),
        capture_output=True, text=True, timeout=300)
    if expect_kill:
        assert proc.returncode == -signal.SIGKILL, proc.stdout[-2000:] + proc.stderr[-3000:]
    elif expect_code is not None:
        assert proc.returncode == expect_code, proc.stdout[-2000:] + proc.stderr[-3000:]
    else:
        assert proc.returncode == 0, proc.stdout[-2000:] + proc.stderr[-3000:]
    return proc.stderr


def progress(log_dir: str) -> list[dict]:
    """progress.csv's rows without the wall-clock columns."""
    with open(os.path.join(log_dir, "run_0", "progress.csv"), newline="") as f:
        rows = list(csv.DictReader(f))
    return [{k: v for k, v in row.items() if "Time" not in k and "PerSecond" not in k} for row in rows]


@pytest.fixture(scope="module")
def uninterrupted(tmp_path_factory):
    """The progress.csv rows of each family's uninterrupted run."""
    cache = {}

    def rows(family: str) -> list[dict]:
        if family not in cache:
            log_dir = str(tmp_path_factory.mktemp(f"full_{family}"))
            run_script(family, log_dir)
            cache[family] = progress(log_dir)
        return cache[family]
    return rows


# (kills in order; each dict: RLPYT_TEST_KILL_AT_ITR or RLPYT_TEST_KILL_IN_SAVE)
KILLS = {
    "ppo": [dict(RLPYT_TEST_KILL_AT_ITR=7), dict(RLPYT_TEST_KILL_IN_SAVE=4)],
    "ppo_lstm": [dict(RLPYT_TEST_KILL_IN_SAVE=2), dict(RLPYT_TEST_KILL_AT_ITR=13)],
    "dqn": [dict(RLPYT_TEST_KILL_AT_ITR=30), dict(RLPYT_TEST_KILL_IN_SAVE=9)],
    "sac": [dict(RLPYT_TEST_KILL_AT_ITR=23), dict(RLPYT_TEST_KILL_IN_SAVE=3)],
}


# By default recurrent PPO's covers feed-forward PPO's, and DQN's resume runs in the random-kill,
# SyncRl and parallel-sampler tests.
@pytest.mark.parametrize("family", [pytest.param(family, marks=pytest.mark.extended) if family in ("ppo", "dqn")
    else family for family in sorted(KILLS)])
def test_killed_and_resumed_run_writes_the_same_progress(family, tmp_path, uninterrupted):
    log_dir = str(tmp_path)
    for kill in KILLS[family]:
        run_script(family, log_dir, expect_kill=True, **kill)
    run_script(family, log_dir)
    assert progress(log_dir) == uninterrupted(family)
    leftovers = [e for e in os.listdir(os.path.join(log_dir, "run_0")) if e.startswith(".checkpoint-")]
    assert leftovers == []


def test_kill_at_random_moments_with_frequent_checkpoints(tmp_path, uninterrupted):
    """SIGKILL after random delays, checkpoints every 0.05 s: whatever moment
    the kill hits (a save included), the finished log is the same."""
    log_dir = str(tmp_path)
    rng = random.Random(0)
    for _ in range(3):
        proc = subprocess.Popen([sys.executable, SCRIPT, "dqn", log_dir], env=_env(RLPYT_TEST_CHECKPOINT_S=0.05),
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(rng.uniform(2.0, 4.0))
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=30)
    run_script("dqn", log_dir, RLPYT_TEST_CHECKPOINT_S=0.05)
    assert progress(log_dir) == uninterrupted("dqn")


def test_sync_rl_ranks_killed_and_resumed_write_the_same_progress(tmp_path, uninterrupted):
    """2 SyncRl ranks, each with its own prioritized replay: rank 0 SIGKILLed
    (rank 1 follows), rank 1 SIGKILLed (rank 0 reports it), and kills at
    random moments with checkpoints every 0.05 s, whose background commits
    leave the ranks' newest checkpoints apart: the resumed run continues
    from the newest one both hold and logs what the uninterrupted run logs."""
    log_dir = str(tmp_path)
    run_script("dqn_sync", log_dir, expect_kill=True, RLPYT_TEST_KILL_AT_ITR=10)
    stderr = run_script("dqn_sync", log_dir, expect_code=1, RLPYT_TEST_KILL_AT_ITR=25, RLPYT_TEST_KILL_RANK=1)
    assert "SyncRl rank 1 failed" in stderr
    rng = random.Random(1)
    for _ in range(2):
        start_itr = read_checkpoint_info(os.path.join(log_dir, "run_0"))["itr"]
        with open(tmp_path / "stderr.txt", "w+") as stderr:
            proc = subprocess.Popen([sys.executable, SCRIPT, "dqn_sync", log_dir],
                env=_env(RLPYT_TEST_CHECKPOINT_S=0.05), stdout=subprocess.DEVNULL, stderr=stderr)
            deadline = time.time() + 120
            while (read_checkpoint_info(os.path.join(log_dir, "run_0"))["itr"] == start_itr
                    and proc.poll() is None and time.time() < deadline):
                time.sleep(0.01)
            time.sleep(rng.uniform(0.0, 0.3))
            proc.send_signal(signal.SIGKILL)
            code = proc.wait(timeout=30)
            stderr.seek(0)
            assert code == -signal.SIGKILL, stderr.read()[-3000:]  # killed while training, not after
    run_script("dqn_sync", log_dir, RLPYT_TEST_CHECKPOINT_S=0.05)
    assert progress(log_dir) == uninterrupted("dqn_sync")
    rank_dir = os.path.join(log_dir, "run_0", "rank1")
    assert os.path.exists(os.path.join(rank_dir, "checkpoint.json"))
    assert len([e for e in os.listdir(rank_dir) if e.startswith("checkpoint-")]) <= 3


def test_finished_run_started_again_trains_nothing_more(tmp_path, uninterrupted):
    log_dir = str(tmp_path)
    run_script("sac", log_dir)
    run_script("sac", log_dir)
    assert progress(log_dir) == uninterrupted("sac")


def _launch(data_dir, resume: bool, **kwargs) -> subprocess.Popen:
    """A sweep of 2 variants x 1 run of the sac family in a subprocess."""
    code = ("from rlpyt.utils.launching.exp_launcher import run_experiments\n"
        "from rlpyt.utils.launching.affinity import encode_affinity\n"
        f"run_experiments(script={os.path.join(os.path.dirname(__file__), 'resume_train_script.py')!r}, "
        "affinity_code=encode_affinity(n_cpu_core=1, cpu_per_run=1, set_affinity=False), "
        "experiment_title='sweep', runs_per_setting=1, variants=[{}, {}], log_dirs=['a', 'b'], "
        f"common_args=('sac',), resume={resume}, max_retries=1)\n")
    env = _env(RLPYT_DATA_DIR=data_dir, PYTHONPATH=os.pathsep.join([ROOT, os.path.dirname(__file__)]), **kwargs)
    return subprocess.Popen([sys.executable, "-c", code], env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
        text=True)


def _run_dirs(data_dir) -> list[str]:
    local = os.path.join(data_dir, "local")
    (date,) = os.listdir(local)
    return sorted(os.path.join(local, date, "sweep", d, "run_0") for d in "ab")


def _midway(data_dir) -> bool:
    """Whether a run of the sweep has finished and a later one has started
    (its folder made): stopped then, the sweep has one of each kind."""
    runs = glob.glob(os.path.join(data_dir, "local", "*", "sweep", "*", "run_*"))
    done = [run for run in runs if os.path.exists(os.path.join(run, ".done"))]
    return bool(done) and len(runs) > len(done)


def test_sweep_killed_midway_and_resumed_finishes_every_run_once(tmp_path, uninterrupted):
    data_dir = str(tmp_path)
    first = _launch(data_dir, resume=False)
    deadline = time.time() + 120
    while time.time() < deadline and not _midway(data_dir):
        time.sleep(0.2)
    first.send_signal(signal.SIGTERM)  # stops the running runs too
    first.wait(timeout=60)
    second = _launch(data_dir, resume=True)
    output = second.communicate(timeout=300)[0]
    assert second.returncode == 0, output
    assert "2 done, 0 failed" in output and "skipped (finished before)" in output and "resumed" in output
    for run_dir in _run_dirs(data_dir):
        with open(os.path.join(run_dir, "progress.csv"), newline="") as f:
            rows = list(csv.DictReader(f))
        assert [r["Diagnostics/Iteration"] for r in rows] == [str(4 + 5 * k) for k in range(8)], run_dir


def test_failed_run_is_retried_from_its_checkpoint(tmp_path):
    data_dir = str(tmp_path)
    proc = _launch(data_dir, resume=False, RLPYT_TEST_FAIL_ONCE=str(tmp_path / "failed_once"))
    output = proc.communicate(timeout=300)[0]
    assert proc.returncode == 0, output
    assert "retrying from its checkpoint (1/1)" in output and "2 done, 0 failed" in output
    assert "retried: " in output and "(1x)" in output
    for run_dir in _run_dirs(data_dir):
        with open(os.path.join(run_dir, "progress.csv"), newline="") as f:
            assert len(list(csv.DictReader(f))) == 8


def _assert_equal_tree(restored, saved, path="") -> None:
    """Tensors, arrays and numbers of two nested dicts/lists are equal."""
    if isinstance(saved, dict):
        assert set(restored) == set(saved), path
        for key in saved:
            _assert_equal_tree(restored[key], saved[key], f"{path}/{key}")
    elif isinstance(saved, (list, tuple)):
        assert len(restored) == len(saved), path
        for i, (r, s) in enumerate(zip(restored, saved)):
            _assert_equal_tree(r, s, f"{path}[{i}]")
    elif isinstance(saved, torch.Tensor):
        assert torch.equal(restored, saved), path
    else:
        assert restored == saved, path


@pytest.mark.parametrize("sampler", ["cpu", pytest.param("gpu", marks=pytest.mark.extended)])  # one path: cpu's
def test_parallel_sampler_resume_continues_state_exactly_and_the_log_without_gaps(sampler, tmp_path):
    """The environments restart (they live in workers), everything else
    continues exactly: agent, optimizer, counters, replay, schedules."""
    log_dir = str(tmp_path)
    run_script("dqn", log_dir, expect_kill=True, sampler=sampler, RLPYT_TEST_KILL_AT_ITR=30)
    checkpoint = load_checkpoint(os.path.join(log_dir, "run_0"))
    saved = checkpoint.state
    assert saved["itr"] == 23 and saved["sampler"] is None
    runner = build("dqn", SAMPLERS[sampler])
    with logger_context(log_dir, 0, "dqn", dict(family="dqn"), snapshot_mode="last", resume=True):
        runner.startup()
        try:
            assert runner.resume_from_checkpoint() == 24
            _assert_equal_tree(runner.agent.state_dict(), saved["agent"]["state_dict"])
            _assert_equal_tree(runner.algo.optim_state_dict(), saved["algo"]["optim"])
            assert runner.algo.update_counter == saved["algo"]["update_counter"] > 0
            small, arrays = runner.algo.replay_buffer.checkpoint_state()
            assert small == saved["algo"]["replay"] and small["beta"] > runner.algo.pri_beta_init
            for name, array in arrays.items():
                np.testing.assert_array_equal(array, checkpoint.arrays[f"replay.{name}"])
            runner.agent.sample_mode(24)  # epsilon continues its decay, not from eps_init
            expected = runner.agent.eps_init + (24 - runner.agent.eps_itr_min) / (
                runner.agent.eps_itr_max - runner.agent.eps_itr_min) * (runner.agent.eps_final - runner.agent.eps_init)
            assert runner.agent.distribution.epsilon == pytest.approx(expected) and expected < runner.agent.eps_init
            assert runner._cum_steps == 24 * 16 and runner._log_rows == 3
        finally:
            runner.shutdown()
    run_script("dqn", log_dir, sampler=sampler)
    rows = progress(log_dir)
    assert [r["Diagnostics/Iteration"] for r in rows] == [str(7 + 8 * k) for k in range(10)]
    assert [r["Diagnostics/CumSteps"] for r in rows] == [str(128 * (k + 1)) for k in range(10)]
