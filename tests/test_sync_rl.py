"""SyncRl on 2 CPU processes (gloo): ranks stay bitwise equal, gradients are
the union batch's, one run folder counts every rank, a failing rank ends the
run naming itself, and torchrun-launched processes train together."""
import csv
import gc
import json
import glob
import multiprocessing
import os
import signal
import subprocess
import sys
import time

import psutil
import pytest
import torch
import torch.distributed as dist
from torch.nn.parallel import DistributedDataParallel

from rlpyt.models.utils import strip_ddp_state_dict
from rlpyt.agents.pg.categorical import CategoricalPgAgent
from rlpyt.algos.pg.ppo import PPO
from rlpyt.envs.gym import make as gym_make
from rlpyt.runners.sync_rl import RankFailure, SyncRl, SyncRlEval, find_free_port
from rlpyt.samplers.parallel.cpu.sampler import CpuSampler
from rlpyt.samplers.serial.sampler import SerialSampler
from rlpyt.utils.logging.context import logger_context
from tests.sync_rl_helpers import (ONE_THREAD, SMALL, RaisingA2C, SigkillingA2C, StateSavingSyncRl, agent_loss,
    algo_agent_sampler, cartpole_batch, cartpole_sampler, ddp_gradient_rank, make_cartpole_agent,
    sac_data_parallel_rank, sac_updates, state_saving_run)

pytestmark = pytest.mark.usefixtures("data_dir")

TWO_RANKS = [ONE_THREAD, ONE_THREAD]
REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def flat_state(state, path=""):
    """``{path: leaf}`` of a nested state (dicts, lists, tuples)."""
    if isinstance(state, dict):
        items = state.items()
    elif isinstance(state, (list, tuple)):
        items = enumerate(state)
    else:
        return {path: state}
    return {k: v for key, value in items for k, v in flat_state(value, f"{path}/{key}").items()}


def assert_bitwise_equal(a: dict, b: dict) -> None:
    """Same keys; equal tensors (bitwise) and equal other leaves."""
    flat_a, flat_b = flat_state(a), flat_state(b)
    assert flat_a.keys() == flat_b.keys()
    for key, value in flat_a.items():
        if isinstance(value, torch.Tensor):
            assert torch.equal(value, flat_b[key]), key
        else:
            assert value == flat_b[key], key


def load_rank_states(state_dir) -> tuple[dict, dict]:
    """The states both ranks saved."""
    return tuple(torch.load(os.path.join(state_dir, f"rank{r}.pt"), weights_only=False) for r in (0, 1))


def live_ddp_count() -> int:
    """How many DistributedDataParallel objects this process holds."""
    return sum(issubclass(type(o), DistributedDataParallel) for o in gc.get_objects())


@pytest.mark.parametrize("name", ["a2c", "ppo", "ppo_compiled", "ppo_lstm", "dqn", "catdqn", "r2d1", "sac", "ddpg",
    "td3"])
def test_ranks_end_with_equal_parameters_and_optimizers(name, tmp_path, monkeypatch):
    """Also: rank 0 (this process) releases every DistributedDataParallel
    before it destroys the process group (``RlAlgorithm.end_data_parallel``
    says why: released after it, a reducer can deadlock against gloo).
    ``ppo_compiled``: gradients averaged over the ranks keep them equal with
    ``compile`` (through the compiled loss: the compiled gradient step would
    skip the averaging)."""
    destroy = dist.destroy_process_group
    live_at_destroy = []
    monkeypatch.setattr(dist, "destroy_process_group", lambda: (live_at_destroy.append(live_ddp_count()), destroy()))
    state_saving_run(name, str(tmp_path))
    assert live_at_destroy == [0]
    rank0, rank1 = load_rank_states(tmp_path)
    assert_bitwise_equal(rank0, rank1)
    optimizer_steps = [v for k, v in flat_state(rank0["optim"]).items() if k.endswith("/step")]
    assert optimizer_steps and all(float(step) > 0 for step in optimizer_steps)
    assert not any("module." in key for key in flat_state(rank0["agent"]))


def test_ranks_with_cpu_samplers_stay_equal(tmp_path):
    one_worker = dict(ONE_THREAD, workers_cpus=[0])
    sampler = CpuSampler(EnvCls=gym_make, env_kwargs=dict(id="CartPole-v1"), batch_T=8, batch_B=2,
        max_decorrelation_steps=0)
    runner = StateSavingSyncRl(algo=PPO(minibatches=2, epochs=2), agent=CategoricalPgAgent(model_kwargs=SMALL),
        sampler=sampler, n_steps=2 * 2 * sampler.batch_spec.size, seed=3, affinity=[one_worker, one_worker],
        log_interval_steps=64, state_dir=str(tmp_path))
    runner.train()
    rank0, rank1 = load_rank_states(tmp_path)
    assert_bitwise_equal(rank0, rank1)
    assert all(float(v) == 2 * 2 * 2 for k, v in flat_state(rank0["optim"]).items() if k.endswith("/step"))
    assert multiprocessing.active_children() == []


def test_averaged_gradient_is_the_union_batch_gradient(tmp_path):
    batch_size, world_size = 8, 2
    context = multiprocessing.get_context("spawn")
    init_method = f"file://{tmp_path / 'store'}"  # no store server in one rank that may exit first
    processes = [context.Process(target=ddp_gradient_rank, args=(rank, world_size, init_method, batch_size,
        str(tmp_path))) for rank in range(world_size)]
    for process in processes:
        process.start()
    for process in processes:
        process.join(60)
    assert [p.exitcode for p in processes] == [0, 0]
    agent = make_cartpole_agent(seed=0)
    agent_loss(agent, cartpole_batch(batch_size)).backward()
    expected = {name: p.grad for name, p in agent.named_parameters()}
    for rank in range(world_size):
        grads = torch.load(os.path.join(tmp_path, f"grad{rank}.pt"))
        assert grads.keys() == expected.keys()
        for name, grad in grads.items():
            torch.testing.assert_close(grad, expected[name], rtol=1e-5, atol=1e-7)


def test_one_run_folder_counts_every_rank_and_its_snapshot_loads_in_one_process(data_dir):
    algo, agent, sampler = algo_agent_sampler("a2c")
    runner = SyncRl(algo=algo, agent=agent, sampler=sampler, n_steps=256, seed=1, affinity=TWO_RANKS,
        log_interval_steps=64)
    with logger_context("sync", 0, "sync", dict(x=1), snapshot_mode="last") as exp_dir:
        runner.train()
    assert glob.glob(os.path.join(data_dir, "**", "progress.csv"), recursive=True) == [
        os.path.join(exp_dir, "progress.csv")]
    with open(os.path.join(exp_dir, "progress.csv"), newline="") as f:
        rows = list(csv.DictReader(f))
    both_ranks_batch = 2 * sampler.batch_spec.size
    assert [int(float(r["Diagnostics/CumSteps"])) for r in rows] == [64, 128, 192, 256]
    assert int(float(rows[-1]["Diagnostics/Iteration"])) == 256 // both_ranks_batch - 1
    snapshot = torch.load(os.path.join(exp_dir, "params.pkl"), weights_only=False)
    restored = CategoricalPgAgent(model_kwargs=SMALL, initial_model_state_dict=snapshot["agent_state_dict"])
    restored.initialize(gym_make("CartPole-v1").spaces)
    assert_bitwise_equal(restored.state_dict(), snapshot["agent_state_dict"])


def test_strip_ddp_state_dict():
    state = {"module.fc.weight": 1, "fc.bias": 2}
    assert strip_ddp_state_dict(state) == {"fc.weight": 1, "fc.bias": 2}


@pytest.mark.parametrize("fail_rank,error,match", [
    (1, RankFailure, r"SyncRl rank 1 failed:(.|\n)*deliberate failure on rank 1"),
    (0, ValueError, "deliberate failure on rank 0"),
])
def test_a_failing_rank_ends_the_run(fail_rank, error, match):
    runner = SyncRl(algo=RaisingA2C(fail_rank=fail_rank, fail_itr=2), agent=CategoricalPgAgent(model_kwargs=SMALL),
        sampler=cartpole_sampler(), n_steps=10**6, seed=1, affinity=TWO_RANKS, log_interval_steps=64)
    start = time.time()
    with pytest.raises(error, match=match):
        runner.train()
    assert time.time() - start < 30
    assert multiprocessing.active_children() == []


def test_a_sigkilled_rank_ends_the_run():
    runner = SyncRl(algo=SigkillingA2C(fail_rank=1, fail_itr=2), agent=CategoricalPgAgent(model_kwargs=SMALL),
        sampler=cartpole_sampler(), n_steps=10**6, seed=1, affinity=TWO_RANKS, log_interval_steps=64)
    start = time.time()
    with pytest.raises(RankFailure, match=r"SyncRl rank 1 failed:\n.*code -9") as failure:
        runner.train()
    assert failure.value.rank == 1
    assert time.time() - start < 30
    assert multiprocessing.active_children() == []


CTRL_C_SCRIPT = """
import sys
from rlpyt.agents.pg.categorical import CategoricalPgAgent
from rlpyt.algos.pg.a2c import A2C
from rlpyt.runners.sync_rl import SyncRl
from tests.sync_rl_helpers import ONE_THREAD, SMALL, cartpole_sampler
runner = SyncRl(algo=A2C(), agent=CategoricalPgAgent(model_kwargs=SMALL), sampler=cartpole_sampler(),
    n_steps=10**8, seed=1, affinity=[ONE_THREAD, ONE_THREAD], log_interval_steps=10**8)
print("training", flush=True)
runner.train()
"""


def test_ctrl_c_stops_every_rank():
    """SIGINT to the process group (a terminal's Ctrl-C) while both ranks
    train: the run ends with KeyboardInterrupt and no process is left."""
    proc = subprocess.Popen([sys.executable, "-c", CTRL_C_SCRIPT], cwd=REPO, env=dict(os.environ, PYTHONPATH=REPO),
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True)
    try:
        assert proc.stdout.readline() == "training\n"
        deadline = time.time() + 60
        while len(psutil.Process(proc.pid).children(recursive=True)) < 2 and time.time() < deadline:
            time.sleep(0.1)  # the spawned rank 1 (and multiprocessing's resource tracker)
        time.sleep(3.0)  # into training
        family = [proc.pid] + [child.pid for child in psutil.Process(proc.pid).children(recursive=True)]
        os.killpg(proc.pid, signal.SIGINT)
        stderr = proc.communicate(timeout=30)[1]
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
    assert proc.returncode != 0 and "KeyboardInterrupt" in stderr, stderr[-3000:]
    gone, alive = psutil.wait_procs([psutil.Process(p) for p in family if psutil.pid_exists(p)], timeout=10)
    assert alive == []


def finish(process: subprocess.Popen, deadline: float) -> str:
    """``process``'s output once it ends; by ``deadline``, stopped with
    SIGTERM (torchrun passes it on to its workers), then SIGKILL."""
    try:
        return process.communicate(timeout=max(1.0, deadline - time.time()))[0].decode()
    except subprocess.TimeoutExpired:
        process.terminate()
        try:
            output = process.communicate(timeout=15)[0]
        except subprocess.TimeoutExpired:
            process.kill()
            output = process.communicate()[0]
        return output.decode() + "\n[stopped: still running at the deadline]"


def test_torchrun_nodes_train_to_equal_parameters(tmp_path):
    endpoint = f"127.0.0.1:{find_free_port()}"
    torchrun = os.path.join(os.path.dirname(sys.executable), "torchrun")
    env = dict(os.environ, PYTHONPATH=REPO, TMPDIR=str(tmp_path))  # torchrun's scratch folders stay in tmp_path
    nodes = [subprocess.Popen([torchrun, "--nnodes=2", "--nproc-per-node=1", f"--node-rank={node}",
        "--rdzv-backend=c10d", f"--rdzv-endpoint={endpoint}", os.path.join(REPO, "tests", "sync_rl_torchrun_script.py"),
        str(tmp_path)], env=env, cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.STDOUT) for node in (0, 1)]
    deadline = time.time() + 150
    outputs = [finish(node, deadline=deadline) for node in nodes]
    assert [node.returncode for node in nodes] == [0, 0], "\n\n".join(outputs)
    rank0, rank1 = load_rank_states(tmp_path)
    assert_bitwise_equal(rank0, rank1)
    assert sorted(os.listdir(tmp_path / "log")) == ["run_0"]  # rank 1's logger_context made no folder
    with open(tmp_path / "log" / "run_0" / "params.json") as f:
        assert json.load(f)["rank"] == "0"
    with open(tmp_path / "log" / "run_0" / "progress.csv") as f:
        rows = list(csv.DictReader(f))
    assert [int(r["Diagnostics/CumSteps"]) for r in rows] == [64, 128]  # 2 ranks x 16 steps x 4 iterations


@pytest.mark.slow
@pytest.mark.extended
def test_two_rank_ppo_solves_cartpole_like_the_serial_run(data_dir, read_progress):
    """tests/test_learning.py's serial PPO run (examples/ppo_cartpole.py: 8 envs
    x 32 steps, evaluation return 475 within 100k steps) on 2 ranks of 4 envs."""
    n_steps, log_interval_steps = 100_000, 2560
    sampler = SerialSampler(EnvCls=gym_make, env_kwargs=dict(id="CartPole-v1"), batch_T=32, batch_B=4,
        max_decorrelation_steps=0, eval_n_envs=4, eval_max_steps=4 * 500, eval_max_trajectories=8)
    algo = PPO(discount=0.98, learning_rate=1e-3, gae_lambda=0.8, minibatches=1, epochs=20, ratio_clip=0.2,
        entropy_loss_coeff=0.0, value_loss_coeff=1.0, clip_grad_norm=0.5, normalize_advantage=True)
    runner = SyncRlEval(algo=algo, agent=CategoricalPgAgent(), sampler=sampler, n_steps=n_steps, seed=1,
        affinity=TWO_RANKS, log_interval_steps=log_interval_steps)
    with logger_context("ppo_cartpole_sync", 0, "ppo", dict(seed=1)) as exp_dir:
        runner.train()
    assert glob.glob(os.path.join(data_dir, "**", "progress.csv"), recursive=True) == [
        os.path.join(exp_dir, "progress.csv")]
    rows = read_progress(exp_dir)
    both_ranks_batch = 2 * sampler.batch_spec.size
    steps = [row["Diagnostics/CumSteps"] for row in rows]
    assert steps == [log_interval_steps * i for i in range(len(rows))]
    assert steps[-1] >= n_steps and rows[-1]["Diagnostics/Iteration"] == steps[-1] // both_ranks_batch - 1
    solved_at = next((row["Diagnostics/CumSteps"] for row in rows if row["ReturnAverage"] >= 475), None)
    best = max(row["ReturnAverage"] for row in rows)
    assert solved_at is not None and solved_at <= n_steps, f"best eval return {best}"


def test_sac_averages_a_whole_update_in_one_all_reduce(tmp_path):
    """SAC under data parallelism backpropagates its Q, policy and
    temperature losses together: one all-reduce per update (counted by a
    communication hook), and at world size 1 the same parameters as the
    plain update."""
    out_path = str(tmp_path / "ddp.pt")
    process = multiprocessing.get_context("spawn").Process(target=sac_data_parallel_rank,
        args=(f"file://{tmp_path / 'store'}", out_path))
    process.start()
    process.join(120)
    assert process.exitcode == 0
    ddp_state, ddp_optim, n_updates, reductions = torch.load(out_path, weights_only=False)
    state, optim, _, _ = sac_updates(data_parallel=False)
    assert n_updates > 0
    assert reductions == [0] * n_updates
    assert_bitwise_equal(ddp_state, state)
    assert_bitwise_equal(ddp_optim, optim)
