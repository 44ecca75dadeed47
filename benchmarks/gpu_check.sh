#!/usr/bin/env bash
# One prepared check for a lent GPU machine (one H200, 16 CPU cores, no
# network), finishing in at most 10 minutes (every stage has its own timeout):
#
#   1. `pytest -m gpu` tests (tests/test_device.py: every algorithm's update,
#      the GpuSampler, SyncRl with NCCL at world size 1 and gloo at 2, all
#      with cuda_idx=0);
#   2. the SyncRl tests (tests/test_sync_rl.py, the slow learning test
#      included);
#   3. rlpyt's own examples/example_7.py (SyncRl + GpuSampler + A2C on Pong)
#      with only its affinity numbers (one GPU) and budget changed, when a
#      copy of it was carried in .rlpyt_examples/ (rlpyt's code is not part
#      of this repository: `mkdir -p .rlpyt_examples && cp <rlpyt checkout>/
#      examples/example_7.py .rlpyt_examples/`, ignored like .whl/);
#   4. rlpyt's atari_dqn_async_gpu.py train script (AsyncRl: optimizer and
#      AsyncGpuSampler sharing the GPU, 16 sampler CPU workers) on a small
#      variant of its "async_big" preset;
#   5. benchmarks/sampler_scaling.py, benchmarks/update_speed.py (SAC and TD3) and
#      benchmarks/sync_scaling.py (4 torch threads per rank) on the 16 cores.
#
# A stage that fails or times out is reported and the next one still runs;
# the script exits 1 if any stage failed. Everything printed is also written
# to $OUT/gpu_check.log (the device tool brings $OUT back).
#
# The machine's python3 (3.12) has torch, numpy, cloudpickle, psutil, pytest,
# hypothesis, tqdm, opencv and matplotlib, but not gymnasium, MuJoCo, ale-py
# or Stable-Baselines3: they travel as wheels in .whl/ (ignored through
# .git/info/exclude; ~35 MiB). A local .venv cannot travel (Python 3.11 here,
# and too big). Prepare the wheels once, here, in the repository root:
#
#   echo /.whl/ >> .git/info/exclude
#   .venv/bin/python -m pip download --no-deps --only-binary=:all: --python-version 3.12 \
#       --implementation cp --platform manylinux_2_28_x86_64 --platform manylinux_2_27_x86_64 \
#       --platform manylinux_2_17_x86_64 --platform manylinux2014_x86_64 -d .whl \
#       gymnasium==1.4.0 farama-notifications==0.0.6 mujoco==3.15.0 ale-py==0.12.1 glfw==2.11.0 \
#       stable-baselines3==2.9.2
#
# Then call it through the device tool (never here: this machine has no GPU):
#
#   run(command="bash benchmarks/gpu_check.sh", carry=[".whl", ".rlpyt_examples"], timeout_s=540)
#
# and give the machine back afterwards unless rerunning at once.
set -u

REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
OUT="${OUT:-/tmp/gpu_check_out}"
LOG="$OUT/gpu_check.log"
PYTHON="${PYTHON:-python3}"
FAILED=()
mkdir -p "$OUT"
cd "$REPO" || exit 1
exec > >(tee -a "$LOG") 2>&1

# stage NAME SECONDS COMMAND...: run COMMAND with a time limit; note a failure.
stage() {
    local name="$1" seconds="$2"
    shift 2
    echo "=== $name (limit ${seconds}s) $(date -u +%H:%M:%S)"
    local start=$SECONDS
    timeout -k 5 "$seconds" "$@"
    local rc=$?
    echo "=== $name: exit $rc after $((SECONDS - start))s"
    if [ "$rc" -ne 0 ]; then
        FAILED+=("$name (exit $rc)")
    fi
}

if [ -d .whl ]; then
    "$PYTHON" -m pip install -q --no-index --no-deps --no-compile --no-cache-dir --upgrade \
        --target /tmp/site .whl/*.whl || exit 1
    export PYTHONPATH="/tmp/site:$REPO"
else
    export PYTHONPATH="$REPO"
fi
export PYTHONUNBUFFERED=1

nvidia-smi --query-gpu=name,memory.total,driver_version --format=csv || true
"$PYTHON" -c "import os, torch
print('torch', torch.__version__, 'cuda', torch.cuda.is_available(), 'cpus', len(os.sched_getaffinity(0)))"

stage "pytest -m gpu" 150 "$PYTHON" -m pytest -q -p no:cacheprovider -m gpu -rs tests/test_device.py
stage "pytest sync_rl" 120 "$PYTHON" -m pytest -q -p no:cacheprovider --durations=10 tests/test_sync_rl.py
if [ -f .rlpyt_examples/example_7.py ]; then
    mkdir -p /tmp/example_7
    sed -e 's/n_gpu=8/n_gpu=1/; s/hyperthread_offset=24/hyperthread_offset=None/; s/n_socket=2/n_socket=1/' \
        -e 's/gpu_per_run=2/gpu_per_run=1/; s/n_steps=50e6/n_steps=2e4/; s/log_interval_steps=1e5/log_interval_steps=1e4/' \
        .rlpyt_examples/example_7.py > /tmp/example_7/example_7.py
    diff .rlpyt_examples/example_7.py /tmp/example_7/example_7.py
    pushd /tmp/example_7 > /dev/null || exit 1
    stage "rlpyt example_7" 90 "$PYTHON" example_7.py
    popd > /dev/null || exit 1
else
    echo "=== rlpyt example_7: .rlpyt_examples/example_7.py was not carried; skipped"
fi
mkdir -p /tmp/async_gpu/log
"$PYTHON" -c "from rlpyt.utils.launching.variant import save_variant
save_variant(dict(sampler=dict(batch_T=4, batch_B=16, max_decorrelation_steps=0, eval_n_envs=2, eval_max_steps=400,
    eval_max_trajectories=2), algo=dict(replay_size=5000, min_steps_learn=320), runner=dict(n_steps=1280,
    log_interval_steps=640)), '/tmp/async_gpu/log')"
ASYNC_GPU_CODE=$("$PYTHON" -c "from rlpyt.utils.launching.affinity import encode_affinity
print(encode_affinity(n_cpu_core=16, n_gpu=1, async_sample=True, sample_gpu_per_run=1, optim_sample_share_gpu=True,
    run_slot=0))")
stage "atari_dqn_async_gpu (AsyncRl, GPU optimizer + AsyncGpuSampler)" 90 "$PYTHON" \
    rlpyt/experiments/scripts/atari/dqn/train/atari_dqn_async_gpu.py "$ASYNC_GPU_CODE" /tmp/async_gpu/log 0 async_big
cd benchmarks || exit 1
stage "sampler_scaling" 100 "$PYTHON" sampler_scaling.py --seconds 0.5 --B 8
stage "update_speed" 60 "$PYTHON" update_speed.py --families SAC TD3 --rounds 3 --round_seconds 0.3 --no_compile
stage "sync_scaling" 60 "$PYTHON" sync_scaling.py --itrs 12 --warmup_itrs 3 --threads 4

if [ "${#FAILED[@]}" -gt 0 ]; then
    printf 'FAILED: %s\n' "${FAILED[@]}"
    exit 1
fi
echo "gpu_check: all stages passed"
