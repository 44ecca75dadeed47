"""rlpyt's train and launch scripts under rlpyt/experiments/scripts.

Each train script runs two iterations with its budgets cut through the
variant file in ``log_dir``, as a process whose command line is the
launcher's, ``<script> <slot_affinity_code> <log_dir> <run_ID> <config_key>``,
and each test checks its run's progress.csv and params.json. Starting
Python and importing torch costs more than the two iterations, so the runs
are forked, a few at a time, from one process that has imported what they
import: this file, run as ``python test_train_scripts.py <jobs json>``. One
run goes the whole way instead, started by ``run_experiments`` as
``python <script> ...``.

Each launch script runs with ``run_experiments`` replaced by a recorder,
which checks that the sweep it would start names an existing train script,
a preset key of that script and variants that apply to the preset.
"""
import importlib.util
import json
import os
import runpy
import signal
import subprocess
import sys
import traceback

import pytest

import rlpyt.experiments.scripts.common as common
from rlpyt.envs.gym import make as gym_make
from rlpyt.utils.launching.affinity import (affinity_from_code, available_cpus, encode_affinity,
    prepend_run_slot)
from rlpyt.utils.launching.variant import save_variant, update_config

pytest.importorskip("ale_py")

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SCRIPTS = os.path.join(REPO, "rlpyt", "experiments", "scripts")
MAX_PARALLEL_RUNS = 3
RUNS_TIMEOUT_S = 300

ATARI_PG = dict(sampler=dict(batch_T=4, batch_B=2, max_decorrelation_steps=0),
    runner=dict(n_steps=16, log_interval_steps=8))
ATARI_LSTM_PPO = dict(sampler=dict(batch_T=2, batch_B=4, max_decorrelation_steps=0),
    runner=dict(n_steps=16, log_interval_steps=8))
MUJOCO_PG = dict(sampler=dict(batch_T=4, batch_B=2, max_decorrelation_steps=0),
    runner=dict(n_steps=16, log_interval_steps=8))
MUJOCO_PPO = dict(MUJOCO_PG, algo=dict(minibatches=2, epochs=1))
DQN = dict(sampler=dict(batch_T=4, batch_B=2, max_decorrelation_steps=0, eval_n_envs=1, eval_max_steps=40,
        eval_max_trajectories=1),
    algo=dict(replay_size=1000, min_steps_learn=8, batch_size=8),
    runner=dict(n_steps=16, log_interval_steps=8))
DQN_NO_EVAL = dict(DQN, sampler=dict(batch_T=4, batch_B=2, max_decorrelation_steps=0))
R2D1 = dict(sampler=dict(batch_T=4, batch_B=2, max_decorrelation_steps=0, eval_n_envs=1, eval_max_steps=40,
        eval_max_trajectories=1),
    algo=dict(replay_size=1000, min_steps_learn=8, batch_T=3, batch_B=2, warmup_T=2, n_step_return=2,
        store_rnn_state_interval=2, input_priority_shift=1),
    runner=dict(n_steps=16, log_interval_steps=8))
# AsyncRl paces updates from min_steps_learn on: stored whole sequences by then, and a few updates after
R2D1_ASYNC = dict(R2D1, algo=dict(replay_size=1000, min_steps_learn=16, batch_T=2, batch_B=2, warmup_T=1,
        n_step_return=1, store_rnn_state_interval=2, replay_ratio=4),
    runner=dict(n_steps=32, log_interval_steps=16))
QPG = dict(sampler=dict(batch_T=10, eval_n_envs=1, eval_max_steps=20, eval_max_trajectories=1),
    algo=dict(replay_size=1000, min_steps_learn=10, batch_size=8),
    runner=dict(n_steps=2e1, log_interval_steps=1e1))  # counts as rlpyt writes them

# train script -> (preset key, variant, whether the runner evaluates)
TRAIN_RUNS = {
    "atari/pg/train/atari_ff_a2c_cpu.py": ("0", ATARI_PG, False),
    "atari/pg/train/atari_ff_a2c_gpu.py": ("low_lr", ATARI_PG, False),
    "atari/pg/train/atari_ff_ppo_gpu.py": ("0", ATARI_PG, False),
    "atari/pg/train/atari_lstm_a2c_cpu.py": ("0", ATARI_PG, False),
    "atari/pg/train/atari_lstm_a2c_gpu.py": ("4frame", ATARI_PG, False),
    "atari/pg/train/atari_lstm_ppo_gpu.py": ("0", ATARI_LSTM_PPO, False),
    "mujoco/pg/train/mujoco_ff_a2c_cpu.py": ("a2c_1M", MUJOCO_PG, False),
    "mujoco/pg/train/mujoco_ff_ppo_cpu.py": ("ppo_1M_cpu", MUJOCO_PPO, False),
    "mujoco/pg/train/mujoco_ff_ppo_gpu.py": ("ppo_1M_cpu", MUJOCO_PPO, False),
    "mujoco/pg/train/mujoco_ff_ppo_serial.py": ("ppo_1M_serial", MUJOCO_PPO, False),
    "atari/dqn/train/atari_dqn_serial.py": ("dqn", DQN, True),
    "atari/dqn/train/atari_dqn_cpu.py": ("double", DQN, True),
    "atari/dqn/train/atari_dqn_gpu.py": ("double_pri_duel", DQN, True),
    "atari/dqn/train/atari_dqn_gpu_noeval.py": ("no_eval", DQN_NO_EVAL, False),
    "atari/dqn/train/atari_catdqn_gpu.py": ("ernbw", DQN, True),
    "atari/dqn/train/atari_dqn_async_serial.py": ("async_big", DQN, True),
    "atari/dqn/train/atari_dqn_async_cpu.py": ("async_big", DQN, True),
    "atari/dqn/train/atari_dqn_async_gpu.py": ("async_big", DQN, True),
    "atari/dqn/train/atari_r2d1_gpu.py": ("r2d1", R2D1, True),
    "atari/dqn/train/atari_r2d1_async_gpu.py": ("async_gpu", R2D1_ASYNC, True),
    "atari/dqn/train/atari_r2d1_async_alt.py": ("async_alt_pabti", R2D1_ASYNC, True),
    "mujoco/qpg/train/mujoco_ddpg_serial.py": ("ddpg_from_td3_1M_serial", QPG, True),
    "mujoco/qpg/train/mujoco_ddpg_cpu.py": ("ddpg_from_td3_1M_serial", QPG, False),
    "mujoco/qpg/train/mujoco_td3_serial.py": ("td3_1M_serial", QPG, True),
    "mujoco/qpg/train/mujoco_sac_serial.py": ("sac_1M_serial", QPG, True),
}
# the alternating sampler needs two worker groups: a CPU-only async code of 3 cores gives its
# sampler two workers (a 2-CPU machine's slots give it one, so there the run is skipped)
SLOT_CODES = {"atari/dqn/train/atari_r2d1_async_alt.py": encode_affinity(n_cpu_core=3, cpu_per_run=3,
    async_sample=True, set_affinity=False, run_slot=0)}
FEW_CPUS = pytest.mark.skipif(len(available_cpus()) < 3, reason="the alternating sampler needs 3 CPUs on CPU")
SERIAL = {script for script in TRAIN_RUNS if script.endswith("_serial.py")}

LAUNCH_SCRIPTS = {
    "atari/dqn/launch": ["launch_atari_catdqn_gpu_basic.py", "launch_atari_dpd_dqn_gpu_basic.py",
        "launch_atari_dqn_cpu_basic.py", "launch_atari_dqn_gpu.py", "launch_atari_dqn_gpu_basic.py",
        "launch_atari_ernbw_gpu_basic.py", "launch_atari_r2d1_gpu_basic.py"],
    "atari/pg/launch": ["launch_atari_ff_a2c_cpu.py", "launch_atari_ff_a2c_gpu_basic.py",
        "launch_atari_ff_ppo_gpu_basic.py", "launch_atari_lstm_a2c_cpu.py", "launch_atari_lstm_a2c_gpu.py",
        "launch_atari_lstm_a2c_gpu_basic.py", "launch_atari_lstm_ppo_gpu_basic.py"],
    "mujoco/pg/launch": ["launch_mujoco_a2c_cpu.py", "launch_mujoco_ppo_cpu.py", "launch_mujoco_ppo_gpu.py",
        "launch_mujoco_ppo_serial.py"],
    "mujoco/qpg/launch": ["launch_mujoco_ddpg_cpu.py", "launch_mujoco_ddpg_serial.py",
        "launch_mujoco_ddpg_td3_sac_serial.py", "launch_mujoco_sac_serial.py", "launch_mujoco_td3_serial.py"],
}
LAUNCH_PATHS = [f"{folder}/{name}" for folder, names in LAUNCH_SCRIPTS.items() for name in names]


def load_script(path):
    """The script at ``path`` as a module, its ``__main__`` part not run."""
    spec = importlib.util.spec_from_file_location(f"script_{abs(hash(path))}", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def fork_run(argv, output_path):
    """Fork a child that runs the script ``argv[0]`` as ``__main__`` with
    command line ``argv``, its output in ``output_path``; returns its pid."""
    sys.stdout.flush()
    sys.stderr.flush()
    pid = os.fork()
    if pid:
        return pid
    code = 1
    try:
        output = os.open(output_path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC)
        os.dup2(output, 1)
        os.dup2(output, 2)
        sys.argv = list(argv)
        sys.path[0] = os.path.dirname(argv[0])
        runpy.run_path(argv[0], run_name="__main__")
        code = 0
    except SystemExit as exit:
        code = exit.code if isinstance(exit.code, int) else 1
    except BaseException:
        traceback.print_exc()
    finally:
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(code)


def run_forked(jobs, max_parallel):
    """Import what the scripts of ``jobs`` (dicts of argv and output) import,
    then run them forked, ``max_parallel`` at a time; print their exit
    statuses as json, by output file."""
    for job in jobs:
        load_script(job["argv"][0])
    import torch
    torch.optim.Adam([torch.zeros(1, requires_grad=True)])  # imports torch's compiler stack once
    queue, running, statuses = list(jobs), {}, {}
    while queue or running:
        while queue and len(running) < max_parallel:
            job = queue.pop(0)
            running[fork_run(job["argv"], job["output"])] = job["output"]
        pid, status = os.wait()
        statuses[running.pop(pid)] = os.waitstatus_to_exitcode(status)
    print(json.dumps(statuses))


def slot_codes():
    """One single-CPU slot code per CPU of this machine, as the launcher makes them."""
    n_cpus = len(available_cpus())
    return [encode_affinity(n_cpu_core=n_cpus, cpu_per_run=1, run_slot=slot) for slot in range(n_cpus)]


@pytest.fixture(scope="module")
def finished_runs(request, tmp_path_factory):
    """Every train script this session selected, run: script -> (exit status,
    output, run folder)."""
    selected = sorted({item.callspec.params["script"] for item in request.session.items
        if item.module.__name__ == __name__ and hasattr(item, "callspec")
        and "script" in item.callspec.params})
    root = tmp_path_factory.mktemp("train_scripts")
    codes = slot_codes()
    jobs, log_dirs = [], {}
    for index, script in enumerate(selected):
        key, variant, _ = TRAIN_RUNS[script]
        log_dirs[script] = log_dir = str(root / script.replace("/", "_")[:-3])
        save_variant(variant, log_dir)
        code = SLOT_CODES.get(script, codes[index % len(codes)])
        argv = [os.path.join(SCRIPTS, script), code, log_dir, "0", key]
        jobs.append(dict(argv=argv, output=os.path.join(log_dir, "output.log")))
    runner = subprocess.Popen([sys.executable, os.path.abspath(__file__), json.dumps(jobs)], cwd=REPO,
        stdout=subprocess.PIPE, text=True, start_new_session=True)
    try:
        statuses = json.loads(runner.communicate(timeout=RUNS_TIMEOUT_S)[0])
    finally:
        try:  # whatever of the runs is left: the runner, runs, their sampler workers
            os.killpg(runner.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        runner.wait()
    results = {}
    for script, job in zip(selected, jobs):
        with open(job["output"]) as f:
            results[script] = (statuses[job["output"]], f.read(), os.path.join(log_dirs[script], "run_0"))
    return results


def check_run(rows, run_dir, variant, evaluates, output):
    """Two iterations logged in ``rows`` (after an evaluation at step 0 if
    ``evaluates``), the agent updated, and the variant's values in params.json."""
    n_steps = variant["runner"]["n_steps"]
    steps = [row["Diagnostics/CumSteps"] for row in rows]
    assert steps == ([0.0] if evaluates else []) + [n_steps / 2, n_steps], output[-3000:]
    assert rows[-1]["Diagnostics/CumUpdates"] > 0
    with open(os.path.join(run_dir, "params.json")) as f:
        params = json.load(f)
    assert params["runner"]["n_steps"] == n_steps
    assert params["sampler"]["batch_T"] == variant["sampler"]["batch_T"]


def test_script_files_are_rlpyts():
    def files(kind):
        return {os.path.relpath(os.path.join(folder, name), SCRIPTS)
            for folder, _, names in os.walk(SCRIPTS) if os.path.basename(folder) == kind
            for name in names if name.endswith(".py")}
    assert files("train") == set(TRAIN_RUNS)
    assert files("launch") == set(LAUNCH_PATHS)


@pytest.mark.parametrize("script", [
    pytest.param(script, marks=(() if script in SERIAL else (pytest.mark.slow,))
        + ((FEW_CPUS,) if script in SLOT_CODES else ())) for script in TRAIN_RUNS])
def test_train_script_runs_two_iterations(script, finished_runs, read_progress):
    returncode, output, run_dir = finished_runs[script]
    assert returncode == 0, output[-3000:]
    _, variant, evaluates = TRAIN_RUNS[script]
    check_run(read_progress(run_dir), run_dir, variant, evaluates, output)


@pytest.mark.usefixtures("data_dir")
def test_launcher_runs_a_train_script_by_its_command_line(read_progress):
    variant = dict(MUJOCO_PPO, runner=dict(n_steps=1.6e1, log_interval_steps=8.0))
    summary = common.run_experiments(script=os.path.join(SCRIPTS, "mujoco/pg/train/mujoco_ff_ppo_serial.py"),
        affinity_code=common.local_affinity_code(), experiment_title="ppo_serial", runs_per_setting=1,
        variants=[variant], log_dirs=["tiny"], common_args=("ppo_1M_serial",))
    (run,) = summary.runs
    with open(run.output_log) as f:
        output = f.read()
    assert run.returncode == 0, output[-3000:]
    check_run(read_progress(run.run_dir), run.run_dir, variant, evaluates=False, output=output)


@pytest.fixture(scope="module")
def launched_sweeps():
    """launch script -> the keyword arguments of each run_experiments call it makes."""
    sweeps = {}
    original, original_argv = common.run_experiments, sys.argv
    try:
        for path in LAUNCH_PATHS:
            calls = sweeps[path] = []
            common.run_experiments = lambda **kwargs: calls.append(kwargs)
            sys.argv = [os.path.join(SCRIPTS, path)]  # started again: resumes its sweep
            runpy.run_path(sys.argv[0], run_name="__main__")
    finally:
        common.run_experiments, sys.argv = original, original_argv
    return sweeps


@pytest.mark.parametrize("launch_script", LAUNCH_PATHS)
def test_launch_script_sweeps_presets_of_its_train_script(launch_script, launched_sweeps):
    calls = launched_sweeps[launch_script]
    assert len(calls) == (3 if launch_script.endswith("ddpg_td3_sac_serial.py") else 1)
    for call in calls:
        assert os.path.isfile(call["script"]) and "/train/" in call["script"]
        configs = load_script(call["script"]).configs
        (config_key,) = call["common_args"]
        assert len(call["variants"]) == len(call["log_dirs"]) > 0
        for variant in call["variants"]:
            update_config(configs[config_key], variant)  # a key the preset lacks raises
        affinity = affinity_from_code(prepend_run_slot(0, call["affinity_code"]))
        assert set(affinity["all_cpus"]) <= set(available_cpus())
        assert call["runs_per_setting"] >= 1
        assert call["resume"] is True and call["max_retries"] == 1


@pytest.mark.filterwarnings("ignore:gym_make. environment id:UserWarning")
@pytest.mark.filterwarnings("ignore:.*is out of date:DeprecationWarning")
def test_launch_scripts_name_rlpyts_env_ids_which_build(launched_sweeps):
    env_ids = {variant["env"]["id"] for calls in launched_sweeps.values() for call in calls
        for variant in call["variants"] if "id" in variant.get("env", {})}
    assert env_ids == {"Hopper-v2", "Hopper-v3"}
    for env_id in sorted(env_ids):
        env = gym_make(env_id)
        assert env.spaces.action.shape == (3,)
        env.close()


if __name__ == "__main__":
    run_forked(json.loads(sys.argv[1]), MAX_PARALLEL_RUNS)
