"""AsyncRl: sampling in a spawned process while the optimizer trains, CPU only.

Small budgets throughout; every run is bounded by the test's timeout and
leaves no process and no shared-memory file behind, whichever way it ends.
"""
import multiprocessing.synchronize as mp_synchronize
import os
import signal
import subprocess
import sys
import threading
import time

import psutil
import pytest

from rlpyt.agents.dqn.dqn_agent import DqnAgent
from rlpyt.algos.dqn.dqn import DQN
from rlpyt.envs.gym import make as gym_make
from rlpyt.runners.async_rl import AsyncRl, AsyncRlEval
from rlpyt.samplers.async_.alternating_sampler import AsyncAlternatingSampler, AsyncNoOverlapAlternatingSampler
from rlpyt.samplers.async_.cpu_sampler import AsyncCpuSampler
from rlpyt.samplers.async_.gpu_sampler import AsyncGpuSampler
from rlpyt.samplers.async_.process import AsyncProcessFailure
from rlpyt.samplers.async_.serial_sampler import AsyncSerialSampler
from rlpyt.replays.non_sequence.uniform import AsyncUniformReplayBuffer
from rlpyt.samplers.serial.sampler import SerialSampler
from rlpyt.utils.logging.context import logger_context
from rlpyt.utils.synchronize import RWLock
from envs import make_raising_env

pytestmark = pytest.mark.usefixtures("data_dir")
TEST_TIMEOUT_S = 300
SAMPLERS = dict(serial=AsyncSerialSampler, cpu=AsyncCpuSampler, gpu=AsyncGpuSampler,
    alternating=AsyncAlternatingSampler, no_overlap=AsyncNoOverlapAlternatingSampler)
AFFINITY = dict(master_torch_threads=1, workers_cpus=[0, 1], set_affinity=False)
SHM = "/dev/shm"


class SlowEnv:
    """An environment whose every step takes at least ``delay_s`` longer."""

    def __init__(self, delay_s: float, **kwargs) -> None:
        self.env = gym_make(**kwargs)
        self.delay_s = delay_s

    def step(self, action):
        """Wait, then step."""
        time.sleep(self.delay_s)
        return self.env.step(action)

    def __getattr__(self, name):
        return getattr(self.env, name)


class SlowDQN(DQN):
    """DQN whose every update takes at least ``delay_s`` longer."""

    def __init__(self, delay_s: float, **kwargs) -> None:
        super().__init__(**kwargs)
        self.delay_s = delay_s

    def update(self, samples, opt_info):
        """Wait, then update."""
        time.sleep(self.delay_s)
        super().update(samples, opt_info)


class FailingDQN(DQN):
    """DQN that raises on its ``fail_at``-th update."""

    def __init__(self, fail_at: int, **kwargs) -> None:
        super().__init__(**kwargs)
        self.fail_at = fail_at

    def update(self, samples, opt_info):
        """Update, or fail on purpose."""
        if self.update_counter + 1 == self.fail_at:
            raise RuntimeError("FailingDQN: deliberate optimizer failure")
        super().update(samples, opt_info)


class TimedOut(Exception):
    """A test of this file ran past TEST_TIMEOUT_S."""


def _time_out(signum, frame):
    raise TimedOut(f"test ran past {TEST_TIMEOUT_S} s")


@pytest.fixture(autouse=True)
def time_limit():
    """End a test (and so its run, which cleans up) after TEST_TIMEOUT_S."""
    previous = signal.signal(signal.SIGALRM, _time_out)
    signal.alarm(TEST_TIMEOUT_S)
    yield
    signal.alarm(0)
    signal.signal(signal.SIGALRM, previous)


@pytest.fixture
def semaphore_names(monkeypatch) -> list:
    """The names of every multiprocessing semaphore this process makes during the test."""
    names = []
    make_name = mp_synchronize.SemLock._make_name

    def recording():
        name = make_name()
        names.append(name)
        return name

    monkeypatch.setattr(mp_synchronize.SemLock, "_make_name", staticmethod(recording))
    return names


def left_in_shm(names: list) -> list:
    """Which of the semaphores ``names`` still have a file in /dev/shm."""
    return [name for name in names if os.path.exists(os.path.join(SHM, "sem." + name.lstrip("/")))]


def own_children() -> list:
    """Live child processes of this one, its multiprocessing resource tracker aside."""
    children = []
    for child in psutil.Process().children(recursive=True):
        try:
            if "resource_tracker" not in " ".join(child.cmdline()) and child.status() != psutil.STATUS_ZOMBIE:
                children.append(child)
        except psutil.Error:
            continue
    return children


def wait_gone(pids, timeout_s: float = 5.0) -> list:
    """The pids of ``pids`` still alive after ``timeout_s``."""
    deadline = time.time() + timeout_s
    alive = list(pids)
    while alive and time.time() < deadline:
        alive = [pid for pid in alive if psutil.pid_exists(pid) and psutil.Process(pid).status() != psutil.STATUS_ZOMBIE]
        time.sleep(0.05)
    return alive


def make_runner(sampler="serial", EnvCls=gym_make, env_kwargs=None, algo=None, n_steps=3200, batch_T=16,
        batch_B=2, log_interval_steps=800, runner_cls=AsyncRl, eval_n_envs=0, **algo_kwargs):
    env_kwargs = dict(id="CartPole-v1") if env_kwargs is None else env_kwargs
    eval_kwargs = dict(eval_n_envs=eval_n_envs, eval_max_steps=1000, eval_max_trajectories=2) if eval_n_envs else {}
    sampler = SAMPLERS[sampler](EnvCls=EnvCls, env_kwargs=env_kwargs, batch_T=batch_T, batch_B=batch_B,
        max_decorrelation_steps=0, **eval_kwargs)
    settings = dict(batch_size=32, min_steps_learn=200, replay_size=10_000, replay_ratio=4, learning_rate=1e-3,
        target_update_interval=50, eps_steps=1000, optim_kwargs={})
    settings.update(algo_kwargs)
    algo = (algo or DQN)(**settings)
    agent = DqnAgent(model_kwargs=dict(hidden_sizes=(16,)), eps_final=0.05)
    return runner_cls(algo=algo, agent=agent, sampler=sampler, n_steps=n_steps, seed=0,
        log_interval_steps=log_interval_steps, affinity=AFFINITY)


def train(runner, name="async"):
    with logger_context(name, 0, name, {}) as run_dir:
        runner.train()
    return run_dir


@pytest.mark.parametrize("slow", ["optimizer", "sampler"])
def test_replay_ratio_holds_whichever_side_is_slow(slow, read_progress, semaphore_names):
    if slow == "optimizer":
        runner = make_runner(algo=SlowDQN, delay_s=0.004)
    else:
        runner = make_runner(EnvCls=SlowEnv, env_kwargs=dict(id="CartPole-v1", delay_s=0.001))
    rows = read_progress(train(runner))
    assert not own_children() and not left_in_shm(semaphore_names)
    assert [r["Diagnostics/CumSteps"] for r in rows] == [800, 1600, 2400, 3200]
    assert rows[-1]["Diagnostics/CumReplayRatio"] == pytest.approx(4, rel=0.1)
    for row in rows[1:]:
        assert row["Diagnostics/ReplayRatio"] == pytest.approx(4, rel=0.1), rows
    waiting = sum(r["Diagnostics/OptimizerWaitFraction"] for r in rows[1:]) / (len(rows) - 1)
    if slow == "optimizer":  # the sampler waited for the optimizer, which hardly waited
        assert waiting < 0.2
    else:  # the optimizer waited for samples most of the time
        assert waiting > 0.5
    assert rows[-1]["Diagnostics/PolicyLag"] > 0
    staleness = [r["Diagnostics/SamplerStaleness"] for r in rows[1:]]
    assert all(0 <= s <= 4 * 16 for s in staleness), staleness  # at most a batch's worth of updates behind


@pytest.mark.parametrize("sampler", ["gpu", "alternating", "no_overlap"])
def test_the_gpu_samplers_feed_the_optimizer_on_cpu(sampler, read_progress):
    rows = read_progress(train(make_runner(sampler=sampler, batch_B=4, n_steps=640, log_interval_steps=320)))
    assert [r["Diagnostics/CumSteps"] for r in rows] == [320, 640]
    assert rows[-1]["Diagnostics/CumUpdates"] == (640 - 200) * 4 // 32


def test_eval_runs_in_the_sampler_process_and_logs_from_step_0(read_progress):
    runner = make_runner(runner_cls=AsyncRlEval, eval_n_envs=2, n_steps=1600)
    rows = read_progress(train(runner))
    assert [r["Diagnostics/CumSteps"] for r in rows] == [0, 800, 1600]
    assert all(r["ReturnAverage"] >= 8 for r in rows)  # CartPole's shortest episodes, evaluated
    assert rows[-1]["Diagnostics/CumUpdates"] == (1600 - 200) * 4 // 32


def test_a_synchronous_sampler_is_refused():
    sampler = SerialSampler(EnvCls=gym_make, env_kwargs=dict(id="CartPole-v1"), batch_T=4, batch_B=1)
    with pytest.raises(TypeError, match="sampler must be an async sampler"):
        AsyncRl(algo=DQN(), agent=DqnAgent(), sampler=sampler, n_steps=100)


def _kill_sampler_soon(runner, delay_s: float, record: dict) -> None:
    """SIGKILL the sampler process ``delay_s`` after its second batch reached the replay buffer."""
    while runner._sampler_process is None or runner.control.sampled_itrs < 2:
        time.sleep(0.01)
    time.sleep(delay_s)
    process = psutil.Process(runner._sampler_process.process.pid)
    record["workers"] = [child.pid for child in process.children(recursive=True)]
    record["killed_at"] = time.time()
    os.kill(process.pid, signal.SIGKILL)


@pytest.mark.parametrize("sampler", ["serial", "cpu"])
def test_a_killed_sampler_process_ends_the_run_naming_it(sampler, semaphore_names):
    runner = make_runner(sampler=sampler, algo=SlowDQN, delay_s=0.002, n_steps=100_000)
    record = {}
    killer = threading.Thread(target=_kill_sampler_soon, args=(runner, 0.5, record), daemon=True)
    killer.start()
    with pytest.raises(AsyncProcessFailure, match=r"AsyncRl sampler process \(pid \d+\) died \(killed by signal 9\)"):
        train(runner)
    assert time.time() - record["killed_at"] < 5
    assert not own_children()
    assert not wait_gone(record["workers"]), "sampler workers outlived their sampler process"
    assert semaphore_names and not left_in_shm(semaphore_names)


class SlowAppendBuffer(AsyncUniformReplayBuffer):
    """A shared buffer whose appends hold the write lock for a second."""

    def write_samples(self, idxs, samples):
        """Wait (holding the lock), then write."""
        time.sleep(1.0)
        super().write_samples(idxs, samples)


def flag_main_thread_waiting(monkeypatch) -> threading.Event:
    """An event set when this (the main) thread finds the replay buffer's
    RWLock taken and has to wait for it (``RWLock._take`` wrapped: reading
    another thread's live frames instead crashed CPython 3.11 once)."""
    waiting, main_thread, original_take = threading.Event(), threading.get_ident(), RWLock._take

    def take(lock, ready, take_fn):
        def ready_or_flag() -> bool:
            is_ready = ready()
            if not is_ready and threading.get_ident() == main_thread:
                waiting.set()
            return is_ready
        return original_take(lock, ready_or_flag, take_fn)
    monkeypatch.setattr(RWLock, "_take", take)
    return waiting


def _kill_sampler_once_waiting(runner, waiting: threading.Event, record: dict) -> None:
    """SIGKILL the sampler process once the main thread waits for the replay
    buffer's lock (which the sampler then holds)."""
    if waiting.wait(120) and runner._sampler_process is not None:
        record["killed_at"] = time.time()
        os.kill(runner._sampler_process.process.pid, signal.SIGKILL)


def test_a_sampler_killed_holding_the_replay_lock_does_not_hang_the_optimizer(semaphore_names, monkeypatch):
    runner = make_runner(algo=SlowDQN, delay_s=0.05, updates_per_sync=8, ReplayBufferCls=SlowAppendBuffer,
        min_steps_learn=32, n_steps=100_000)  # the optimizer is still updating when an append takes the lock
    record = {}
    threading.Thread(target=_kill_sampler_once_waiting, args=(runner, flag_main_thread_waiting(monkeypatch),
        record), daemon=True).start()
    with pytest.raises(AsyncProcessFailure, match=r"AsyncRl sampler process \(pid \d+\) died"):
        train(runner)
    assert time.time() - record["killed_at"] < 5
    assert not own_children()
    assert semaphore_names and not left_in_shm(semaphore_names)


def test_a_sampler_error_ends_the_run_with_its_traceback(semaphore_names):
    runner = make_runner(EnvCls=make_raising_env, env_kwargs=dict(raise_at=500, terminate_at=20),
        n_steps=100_000)
    start = time.time()
    with pytest.raises(AsyncProcessFailure) as error:
        train(runner)
    assert "AsyncRl sampler process" in str(error.value)
    assert "RaisingEnv: deliberate failure at step 500" in str(error.value)
    assert time.time() - start < 60
    assert not own_children()
    assert semaphore_names and not left_in_shm(semaphore_names)


def test_an_optimizer_error_ends_the_sampler_process(semaphore_names):
    runner = make_runner(algo=FailingDQN, fail_at=20, n_steps=100_000)
    with pytest.raises(RuntimeError, match="deliberate optimizer failure"):
        train(runner)
    assert not own_children()
    assert semaphore_names and not left_in_shm(semaphore_names)


@pytest.mark.slow
@pytest.mark.extended  # AsyncRl's learning by default: tests/test_r2d1_async.py's R2D1 remembering its cue
@pytest.mark.parametrize("sampler,seed", [("serial", 0), ("cpu", 2)])  # the synchronous test's seeds
def test_async_dqn_solves_cartpole_like_the_synchronous_test(sampler, seed, read_progress):
    """The synchronous test's settings (examples/dqn_cartpole.py) and
    threshold, an evaluation of 475, within the run (50k steps, rounded up
    to 51,200 by whole log intervals), with batches of 16 x 4 steps (16
    updates each) instead of 64 x 4: with 64 updates per batch the sampler's
    one batch of lead made the acting policy 64 updates staler than the
    synchronous runner's, and the runs, which then depended on how the two
    processes interleaved, failed about half the time (evaluations 390-412
    at 50k). With 16 x 4 the serial and CPU samplers first reached 475 at
    35,840 and 46,080 steps, the same in repeated runs."""
    n_steps = 50_000
    sampler_obj = SAMPLERS[sampler](EnvCls=gym_make, env_kwargs=dict(id="CartPole-v1"), batch_T=16,
        batch_B=4, max_decorrelation_steps=0, eval_n_envs=4, eval_max_steps=2000, eval_max_trajectories=4)
    algo = DQN(discount=0.99, batch_size=64, min_steps_learn=1000, replay_size=100_000, replay_ratio=16,
        learning_rate=2.3e-3, target_update_interval=128, delta_clip=1.0, optim_kwargs={}, clip_grad_norm=10.0,
        eps_steps=int(0.16 * n_steps), n_step_return=3, double_dqn=True)
    agent = DqnAgent(model_kwargs=dict(hidden_sizes=(64, 64)), eps_final=0.04, eps_eval=0.0)
    runner = AsyncRlEval(algo=algo, agent=agent, sampler=sampler_obj, n_steps=n_steps, seed=seed,
        log_interval_steps=5120, affinity=AFFINITY)
    rows = read_progress(train(runner, "async_dqn_cartpole"))
    solved = [r["Diagnostics/CumSteps"] for r in rows if r["ReturnAverage"] >= 475]
    assert rows[0]["ReturnAverage"] < 50
    assert solved and solved[0] <= rows[-1]["Diagnostics/CumSteps"] <= n_steps + 5120, \
        f"eval returns {[r['ReturnAverage'] for r in rows]}"
    assert rows[-1]["Diagnostics/CumReplayRatio"] == pytest.approx(16, rel=0.1)


@pytest.mark.slow
@pytest.mark.parametrize("sampler", ["serial", "cpu"])
@pytest.mark.extended
def test_rlpyts_async_dqn_examples_run_with_small_budgets(sampler, read_progress, run_example):
    rows = read_progress(run_example("atari_dqn_async", sampler=sampler, n_steps=400, log_interval_steps=200,
        min_steps_learn=200, replay_size=1000, eval_max_steps=200))
    assert [r["Diagnostics/CumSteps"] for r in rows] == [0, 200, 400]
    assert rows[-1]["Diagnostics/CumUpdates"] == pytest.approx((400 - 200) * (18 if sampler == "serial" else 8) / 32,
        abs=1)


def test_a_run_resumes_from_its_checkpoint(read_progress, semaphore_names):
    """A run that failed after its second log row continues from the
    checkpoint of that row: the replay buffer, optimizer and counters come
    back, the log goes on without a gap or a repeated row, and the replay
    ratio over the whole run holds."""
    failing = make_runner(algo=FailingDQN, fail_at=250)  # row 2 (1600 steps) has 175 updates
    with pytest.raises(RuntimeError, match="deliberate optimizer failure"):
        with logger_context("resumed", 0, "resumed", {}, snapshot_mode="last") as run_dir:
            failing.train()
    rows = read_progress(run_dir)
    assert [r["Diagnostics/CumSteps"] for r in rows] == [800, 1600]
    resumed = make_runner()
    with logger_context("resumed", 0, "resumed", {}, snapshot_mode="last", resume=True) as resumed_dir:
        resumed.train()
    assert resumed_dir == run_dir
    assert resumed.control.start_itr >= 1600 // 32  # continued, not restarted
    rows = read_progress(run_dir)
    steps = [r["Diagnostics/CumSteps"] for r in rows]
    assert steps[:2] == [800, 1600] and steps[-1] == 3200 and steps == sorted(set(steps)), steps
    assert resumed.replay_buffer._total_T * 2 >= 2400  # the checkpoint's steps came back, then more
    assert rows[-1]["Diagnostics/CumUpdates"] == (3200 - 200) * 4 // 32
    assert rows[-1]["Diagnostics/CumReplayRatio"] == pytest.approx(4, rel=0.05)
    assert not own_children() and not left_in_shm(semaphore_names)


def _algo_cases():
    from rlpyt.agents.dqn.catdqn_agent import CatDqnAgent
    from rlpyt.agents.dqn.r2d1_agent import R2d1Agent
    from rlpyt.agents.qpg.ddpg_agent import DdpgAgent
    from rlpyt.agents.qpg.sac_agent import SacAgent
    from rlpyt.agents.qpg.td3_agent import Td3Agent
    from rlpyt.algos.dqn.cat_dqn import CategoricalDQN
    from rlpyt.algos.dqn.r2d1 import R2D1
    from rlpyt.algos.qpg.ddpg import DDPG
    from rlpyt.algos.qpg.sac import SAC
    from rlpyt.algos.qpg.td3 import TD3
    qpg = dict(id="Pendulum-v1")
    batch = dict(batch_size=32)
    return {
        "prioritized_dqn": (DQN, dict(batch, prioritized_replay=True), DqnAgent, {}, dict(id="CartPole-v1")),
        "categorical_dqn": (CategoricalDQN, dict(batch, V_min=0.0, V_max=100.0), CatDqnAgent, {},
            dict(id="CartPole-v1")),
        "ddpg": (DDPG, batch, DdpgAgent, {}, qpg),
        "td3": (TD3, batch, Td3Agent, {}, qpg),
        "sac": (SAC, batch, SacAgent, {}, qpg),
        # 4 sequences of 2 burn-in + 6 trained steps: 32 steps per update, as the others
        "r2d1": (R2D1, dict(batch_T=6, warmup_T=2, batch_B=4, store_rnn_state_interval=2), R2d1Agent, {},
            dict(id="CartPole-v1")),
    }


@pytest.mark.parametrize("name", ["prioritized_dqn", "categorical_dqn", "ddpg", "td3", "sac", "r2d1"])
def test_replay_algorithms_train_under_async_rl(name, read_progress):
    AlgoCls, algo_kwargs, AgentCls, agent_kwargs, env_kwargs = _algo_cases()[name]
    sampler = AsyncSerialSampler(EnvCls=gym_make, env_kwargs=env_kwargs, batch_T=16, batch_B=2,
        max_decorrelation_steps=0)
    algo = AlgoCls(min_steps_learn=200, replay_size=5000, replay_ratio=4, **algo_kwargs)
    runner = AsyncRl(algo=algo, agent=AgentCls(**agent_kwargs), sampler=sampler, n_steps=960, seed=0,
        log_interval_steps=480, affinity=AFFINITY)
    rows = read_progress(train(runner, name))
    assert rows[-1]["Diagnostics/CumUpdates"] == (960 - 200) * 4 // 32
    assert rows[-1]["Diagnostics/CumReplayRatio"] == pytest.approx(4, rel=0.05)
    assert type(runner.algo.replay_buffer).__name__.startswith("Async")


CTRL_C_SCRIPT = """
import sys
sys.path.insert(0, {tests!r})
from test_async_rl import make_runner, train

if __name__ == "__main__":
    runner = make_runner(sampler="cpu", n_steps=1_000_000)
    print("STARTING", flush=True)
    train(runner)
"""


def test_ctrl_c_stops_every_process(tmp_path):
    script = tmp_path / "ctrl_c.py"
    script.write_text(CTRL_C_SCRIPT.format(tests=os.path.dirname(os.path.abspath(__file__))))
    env = dict(os.environ, RLPYT_DATA_DIR=str(tmp_path))
    process = psutil.Popen([os.sys.executable, str(script)], cwd=str(tmp_path), env=env, start_new_session=True,
        stdout=open(tmp_path / "out.log", "w"), stderr=open(tmp_path / "err.log", "w"))
    try:
        deadline = time.time() + 120
        while time.time() < deadline and len(process.children(recursive=True)) < 3:
            time.sleep(0.2)  # the sampler process and its two workers
        time.sleep(2.0)
        group = [process.pid] + [child.pid for child in process.children(recursive=True)]
        assert len(group) >= 4, (tmp_path / "err.log").read_text()[-3000:]
        process.send_signal(signal.SIGINT)
        process.wait(timeout=15)
        assert "KeyboardInterrupt" in (tmp_path / "err.log").read_text()
        assert not wait_gone(group), "a process of the run outlived Ctrl-C"
    finally:
        try:
            os.killpg(process.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass


NO_MAIN_GUARD_SCRIPT = """
from rlpyt.agents.dqn.dqn_agent import DqnAgent
from rlpyt.algos.dqn.dqn import DQN
from rlpyt.envs.gym import make as gym_make
from rlpyt.runners.async_rl import AsyncRl
from rlpyt.samplers.async_.serial_sampler import AsyncSerialSampler

sampler = AsyncSerialSampler(EnvCls=gym_make, env_kwargs=dict(id="CartPole-v1"), batch_T=16, batch_B=2)
agent = DqnAgent(model_kwargs=dict(hidden_sizes=(512, 512)))  # a payload of megabytes
runner = AsyncRl(algo=DQN(min_steps_learn=200, replay_size=10_000), agent=agent, sampler=sampler,
    n_steps=10**6, seed=0, affinity=dict(master_torch_threads=1, set_affinity=False))
runner.train()
"""


def test_a_script_without_main_guard_fails_naming_the_cause_instead_of_hanging(tmp_path):
    """The spawned sampler re-runs such a script and dies while starting;
    handing it the megabytes of pickled runner must not block the run."""
    script = tmp_path / "no_guard.py"
    script.write_text(NO_MAIN_GUARD_SCRIPT)
    proc = subprocess.run([sys.executable, str(script)], cwd=str(tmp_path), capture_output=True, text=True,
        timeout=120, env=dict(os.environ, RLPYT_DATA_DIR=str(tmp_path)))
    assert proc.returncode != 0
    assert "AsyncRl sampler process" in proc.stderr and "__main__" in proc.stderr, proc.stderr[-3000:]
