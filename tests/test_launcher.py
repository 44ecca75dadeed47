"""Tests of the experiment launcher with a stand-in train script (tiny_train_script.py)."""
import datetime
import json
import os
import signal
import subprocess
import sys
import textwrap
import time

import psutil
import pytest

from rlpyt.utils.launching.affinity import encode_affinity
from rlpyt.utils.launching.exp_launcher import _StopSignals, run_experiments
from rlpyt.utils.launching.variant import VariantLevel, load_variant, make_variants

HERE = os.path.dirname(os.path.abspath(__file__))
SCRIPT = os.path.join(HERE, "tiny_train_script.py")
TWO_SLOTS = encode_affinity(n_cpu_core=2, cpu_per_run=1)
needs_pinning = pytest.mark.skipif(not hasattr(os, "sched_setaffinity") or len(
    os.sched_getaffinity(0)) < 2 or not {0, 1} <= os.sched_getaffinity(0),
    reason="needs Linux CPU pinning and CPUs 0 and 1")


def read(path):
    with open(path) as f:
        return json.load(f)


def max_concurrent(intervals):
    """The largest number of [start, end) intervals that overlap at one time."""
    return max(sum(s <= start < e for s, e in intervals) for start, _ in intervals)


@needs_pinning
def test_sweep_fills_two_slots_and_reports_failure(data_dir, capsys):
    levels = [VariantLevel([("sleep",), ("fail_run",)], [(0.4, -1), (0.4, 1), (0.4, -1)],
                           ["a", "b", "c"])]
    variants, log_dirs = make_variants(*levels)
    summary = run_experiments(SCRIPT, TWO_SLOTS, "sweep", runs_per_setting=2,
        variants=variants, log_dirs=log_dirs, common_args=["common"],
        runs_args=[["x"], ["y"], ["z"]])
    date = datetime.datetime.now().strftime("%Y%m%d")
    exp_dir = data_dir / "local" / date / "sweep"
    assert summary.exp_dir == str(exp_dir)
    assert len(summary.runs) == 6 and len(summary.done) == 5
    assert [(os.path.basename(r.log_dir), r.run_ID) for r in summary.failed] == [("b", 1)]

    intervals = []
    for log_dir, variant, extra in zip(log_dirs, variants, "xyz"):
        assert load_variant(str(exp_dir / log_dir)) == variant
        for run_ID in range(2):
            run_dir = exp_dir / log_dir / f"run_{run_ID}"
            start = read(run_dir / "start.json")
            assert start["variant"] == variant and start["args"] == ["common", extra]
            assert start["cpus"] == start["all_cpus"] and len(start["cpus"]) == 1
            intervals.append((start["start"], read(run_dir / "end.json")["end"], start["cpus"]))
    # Both slots were busy at once (the launcher's process lifetimes, which
    # include interpreter start-up), never more; the scripts' own sleep
    # windows may or may not overlap on a loaded machine, but never exceed two.
    assert max_concurrent([(r.start_time, r.end_time) for r in summary.runs]) == 2
    assert max_concurrent([(s, e) for s, e, _ in intervals]) <= 2
    for s, e, cpus in intervals:
        overlapping = [c for s2, e2, c in intervals if s2 < e and s < e2 and (s2, e2) != (s, e)]
        assert all(c != cpus for c in overlapping), "two runs at once shared a CPU"

    failed = summary.failed[0]
    with open(failed.output_log) as f:
        assert "deliberate failure" in f.read()
    printed = capsys.readouterr().out
    assert "[6/6 launched]" in printed and "[6/6 finished]" in printed
    assert "5 done, 1 failed" in printed and failed.output_log in printed


LAUNCH = textwrap.dedent("""
    import sys
    from rlpyt.utils.launching.exp_launcher import run_experiments
    variants = [dict(sleep=60, grandchild=True), dict(sleep=60, grandchild=True), dict(sleep=1)]
    run_experiments(sys.argv[1], sys.argv[2], "interrupted", 1, variants, ["a", "b", "c"])
""")


def gone(pid):
    try:
        return psutil.Process(pid).status() == psutil.STATUS_ZOMBIE
    except psutil.NoSuchProcess:
        return True


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT])
def test_interrupt_stops_every_run(data_dir, sig):
    launcher = subprocess.Popen([sys.executable, "-c", LAUNCH, SCRIPT, TWO_SLOTS],
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
        env=dict(os.environ, RLPYT_DATA_DIR=str(data_dir)))
    try:
        exp_dir = data_dir / "local" / datetime.datetime.now().strftime("%Y%m%d") / "interrupted"
        starts = [exp_dir / d / "run_0" / "start.json" for d in "ab"]
        deadline = time.time() + 20
        while not all(p.exists() for p in starts) and time.time() < deadline:
            time.sleep(0.05)
        records = [read(p) for p in starts]
        pids = [r["pid"] for r in records] + [r["grandchild_pid"] for r in records]
        assert not any(gone(pid) for pid in pids)
        launcher.send_signal(sig)
        output, _ = launcher.communicate(timeout=15)
    finally:
        launcher.kill()
    assert launcher.returncode != 0
    assert "Interrupted: stopped 2 running run(s); 1 run(s) never started." in output
    deadline = time.time() + 5
    while not all(gone(pid) for pid in pids) and time.time() < deadline:
        time.sleep(0.05)
    assert all(gone(pid) for pid in pids), "a run process outlived the launcher"
    assert not (exp_dir / "c" / "run_0").exists()


def test_stop_signals_arriving_while_polling_runs_leave_the_runs_waitable():
    """A stop signal is only recorded where it lands, so that it cannot leave
    ``Popen.poll``'s wait lock held (waiting for that run would then block
    forever); the launch loop raises KeyboardInterrupt between two polls."""
    run = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    sender = subprocess.Popen([sys.executable, "-c", textwrap.dedent(f"""
        import os, signal, time
        for _ in range(300):
            time.sleep(0.002)
            os.kill({os.getpid()}, signal.SIGINT)
        """)])
    try:
        with pytest.raises(KeyboardInterrupt, match="signal 2"):  # raised on leaving the context
            with _StopSignals() as stop_signals:
                try:
                    while sender.poll() is None:
                        assert run.poll() is None
                except KeyboardInterrupt:
                    pytest.fail("a stop signal raised where it landed")
                assert stop_signals.received == signal.SIGINT
                assert not run._waitpid_lock.locked()
        run.kill()
        assert run.wait(timeout=10) == -signal.SIGKILL
    finally:
        run.kill()
        sender.kill()


def test_gpu_per_run_gives_each_run_its_gpus_one_affinity_per_rank(data_dir):
    """rlpyt's ``gpu_per_run``: a run slot of 2 GPUs hands its script a list
    of 2 affinities (SyncRl runs one rank on each); slots never share a GPU."""
    code = encode_affinity(n_cpu_core=4, n_gpu=4, gpu_per_run=2, set_affinity=False)
    variants, log_dirs = make_variants(VariantLevel([("sleep",)], [(0.0,), (0.0,)], ["a", "b"]))
    summary = run_experiments(SCRIPT, code, "gpus", runs_per_setting=1, variants=variants, log_dirs=log_dirs)
    assert len(summary.done) == 2
    records = [read(os.path.join(r.log_dir, "run_0", "start.json")) for r in summary.runs]
    assert sorted(r["cuda_idxs"] for r in records) == [[0, 1], [2, 3]]
    assert sorted(r["all_cpus"] for r in records) == [[0, 1], [2, 3]]


def test_bad_arguments_fail_before_launching(data_dir):
    with pytest.raises(ValueError, match="2 variants but 1 log_dirs"):
        run_experiments(SCRIPT, TWO_SLOTS, "t", 1, [{}, {}], ["a"])
    with pytest.raises(FileNotFoundError, match="script"):
        run_experiments(str(data_dir / "missing.py"), TWO_SLOTS, "t", 1, [{}], ["a"])
    with pytest.raises(ValueError, match="runs_per_setting"):
        run_experiments(SCRIPT, TWO_SLOTS, "t", 0, [{}], ["a"])
    too_many = encode_affinity(n_cpu_core=4096, cpu_per_run=4096)
    with pytest.raises(ValueError, match="may not run on"):
        run_experiments(SCRIPT, too_many, "t", 1, [{}], ["a"])
    assert not (data_dir / "local").exists()


def test_ppo_cartpole_sweep_end_to_end(data_dir):
    """The shipped launch and train scripts, shrunk to one short run per learning rate."""
    root = os.path.dirname(HERE)
    launch = os.path.join(root, "experiments", "launch", "ppo_cartpole_sweep.py")
    result = subprocess.run([sys.executable, launch, "--n_steps", "256", "--log_interval_steps",
        "256", "--seeds", "1", "--n_cpu_core", "2", "--title", "e2e"], capture_output=True,
        text=True, timeout=120, env=dict(os.environ, RLPYT_DATA_DIR=str(data_dir)))
    assert result.returncode == 0, result.stdout + result.stderr
    assert "2 done, 0 failed" in result.stdout
    exp_dir = data_dir / "local" / datetime.datetime.now().strftime("%Y%m%d") / "e2e"
    for lr in ("0.001", "0.0003"):
        params = read(exp_dir / f"lr_{lr}" / "run_0" / "params.json")
        assert params["algo"]["learning_rate"] == float(lr)
        assert params["runner"]["n_steps"] == 256
        assert (exp_dir / f"lr_{lr}" / "run_0" / "progress.csv").stat().st_size > 0
