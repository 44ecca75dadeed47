"""Checkpoint cost: write and load time and bytes on disk for a DQN Atari
frame buffer (random frames), a SAC MuJoCo buffer and PPO on CartPole (no
replay), beside the machine's sequential write speed measured in the same run
(a bare loop writing the same arrays' bytes to one file and fsyncing it) and
the peak extra resident memory during a save; then the cost of checkpointing
at every log interval on PPO CartPole's training throughput.

    python benchmarks/checkpoint.py [--replay_size 1000000] [--dir /tmp] [--rounds 3] [--ppo_only]
"""
import argparse
import os
import shutil
import sys
import tempfile
import threading
import time

import numpy as np
import psutil
import torch

sys.path.insert(0, os.path.join(os.path.dirname(__file__), ".."))

from rlpyt.agents.pg.categorical import CategoricalPgAgent  # noqa: E402
from rlpyt.algos.pg.ppo import PPO  # noqa: E402
from rlpyt.envs.gym import make as gym_make  # noqa: E402
from rlpyt.models.dqn.atari_dqn_model import AtariDqnModel  # noqa: E402
from rlpyt.models.qpg.mlp import PiMlpModel, QofMuMlpModel  # noqa: E402
from rlpyt.replays.non_sequence.frame import UniformReplayFrameBuffer  # noqa: E402
from rlpyt.replays.non_sequence.time_limit import TlUniformReplayBuffer  # noqa: E402
from rlpyt.replays.samples import SamplesToBuffer, SamplesToBufferTl  # noqa: E402
from rlpyt.runners.minibatch_rl import MinibatchRl  # noqa: E402
from rlpyt.samplers.serial.sampler import SerialSampler  # noqa: E402
from rlpyt.utils.checkpoint import load_checkpoint, save_checkpoint  # noqa: E402
from rlpyt.utils.logging import logger  # noqa: E402
from rlpyt.utils.logging.context import logger_context  # noqa: E402

MB = 1e6


def fill_random(array: np.ndarray, rng: np.random.Generator, chunk: int = 1 << 26) -> None:
    """Random bytes into ``array`` in place, a chunk at a time."""
    flat = array.reshape(-1).view(np.uint8)
    for start in range(0, flat.size, chunk):
        flat[start:start + chunk] = rng.integers(0, 256, size=min(chunk, flat.size - start), dtype=np.uint8)


def dqn_atari(replay_size: int, rng) -> tuple:
    """A 1M-transition frame buffer of random 104x80 frames, the Atari DQN
    model and its Adam state."""
    example = SamplesToBuffer(observation=np.zeros((4, 104, 80), np.uint8), action=np.int64(0),
        reward=np.float32(0), done=False)
    buffer = UniformReplayFrameBuffer(example=example, size=replay_size, B=1, discount=0.99)
    for array in (buffer.samples_frames, buffer.samples.action, buffer.samples.reward):
        fill_random(array, rng)
    model = AtariDqnModel(image_shape=(4, 104, 80), output_size=6)
    return buffer, model


def sac_mujoco(replay_size: int, rng) -> tuple:
    """A 1M-transition HalfCheetah-sized buffer (17-d observations, 6-d
    actions, time limits) and SAC's policy and twin Q models."""
    example = SamplesToBufferTl(observation=np.zeros(17, np.float32), action=np.zeros(6, np.float32),
        reward=np.float32(0), done=False, timeout=False, final_observation=None)
    buffer = TlUniformReplayBuffer(example=example, size=replay_size, B=1, discount=0.99)
    for array in (buffer.samples.observation, buffer.samples.action, buffer.samples.reward):
        fill_random(array, rng)
    model = torch.nn.ModuleList([PiMlpModel(observation_shape=(17,), hidden_sizes=[256, 256], action_size=6),
        QofMuMlpModel(observation_shape=(17,), hidden_sizes=[256, 256], action_size=6),
        QofMuMlpModel(observation_shape=(17,), hidden_sizes=[256, 256], action_size=6)])
    return buffer, model


def state_of(model: torch.nn.Module) -> dict:
    """The model's and a stepped Adam's state dicts."""
    optimizer = torch.optim.Adam(model.parameters())
    for p in model.parameters():
        p.grad = torch.zeros_like(p)
    optimizer.step()
    return dict(model=model.state_dict(), optim=optimizer.state_dict())


def bare_write(arrays: dict, path: str) -> float:
    """Seconds to write the arrays' bytes to one file and fsync it."""
    start = time.perf_counter()
    with open(path, "wb") as f:
        for array in arrays.values():
            if array.size:
                f.write(memoryview(np.ascontiguousarray(array)).cast("B"))
        f.flush()
        os.fsync(f.fileno())
    return time.perf_counter() - start


def peak_rss_during(fn) -> tuple[float, int]:
    """``(seconds, peak extra resident bytes)`` of ``fn()``, sampling RSS."""
    process = psutil.Process()
    base = process.memory_info().rss
    peak = [base]
    done = threading.Event()

    def sample():
        while not done.is_set():
            peak[0] = max(peak[0], process.memory_info().rss)
            time.sleep(0.002)
    thread = threading.Thread(target=sample)
    thread.start()
    start = time.perf_counter()
    fn()
    seconds = time.perf_counter() - start
    done.set()
    thread.join()
    return seconds, peak[0] - base


def disk_bytes(path: str) -> int:
    """Bytes of every file below ``path``."""
    return sum(os.path.getsize(os.path.join(root, name)) for root, _, names in os.walk(path) for name in names)


def measure_case(name: str, buffer, model, directory: str) -> dict:
    """Write, load and bare-write figures of one case."""
    small, arrays = buffer.checkpoint_state() if buffer is not None else ({}, {})
    state = dict(state_of(model), replay=small)
    array_bytes = sum(a.nbytes for a in arrays.values())
    run_dir = tempfile.mkdtemp(dir=directory, prefix=f"ckpt-{name}-")
    try:
        write_s, extra_rss = peak_rss_during(lambda: save_checkpoint(run_dir, state=state, arrays=arrays,
            info=dict(itr=1)))
        on_disk = disk_bytes(run_dir)

        def load():
            checkpoint = load_checkpoint(run_dir)
            if buffer is not None:
                buffer.load_checkpoint_state(checkpoint.state["replay"], checkpoint.arrays)
        load_s, _ = peak_rss_during(load)
        rest = np.zeros(on_disk - array_bytes, np.uint8)  # the small state's bytes
        bare_s = bare_write(dict(arrays, rest=rest), os.path.join(run_dir, "bare.bin"))
    finally:
        shutil.rmtree(run_dir, ignore_errors=True)
    return dict(case=name, disk_mb=on_disk / MB, write_s=write_s, bare_s=bare_s, load_s=load_s,
        extra_rss_mb=extra_rss / MB, buffer_mb=array_bytes / MB)


def timed(method, spent: list):
    """``method`` that adds its duration to ``spent[0]``."""
    def wrapper(*args, **kwargs):
        start = time.perf_counter()
        try:
            return method(*args, **kwargs)
        finally:
            spent[0] += time.perf_counter() - start
    return wrapper


def ppo_throughput(checkpoint: bool, n_steps: int, directory: str) -> tuple[float, float]:
    """``(steps per second, share of the time spent saving snapshots and
    checkpoints in the training thread)`` of PPO on CartPole (the demo's
    settings, 1 thread), with a checkpoint at every log interval or without."""
    sampler = SerialSampler(EnvCls=gym_make, env_kwargs=dict(id="CartPole-v1"), batch_T=32, batch_B=8)
    runner = MinibatchRl(algo=PPO(learning_rate=1e-3, minibatches=4, epochs=4, gae_lambda=0.8,
        discount=0.98, ratio_clip=0.2, entropy_loss_coeff=0.0, value_loss_coeff=0.5),
        agent=CategoricalPgAgent(), sampler=sampler, n_steps=n_steps, seed=0, log_interval_steps=2560)
    spent = [0.0]
    runner.save_checkpoint = timed(runner.save_checkpoint, spent)
    runner.save_itr_snapshot = timed(runner.save_itr_snapshot, spent)
    logger.disable()
    try:
        with tempfile.TemporaryDirectory(dir=directory) as log_dir, logger_context(log_dir, 0, "ppo", {},
                snapshot_mode="last" if checkpoint else "none", resume=False):
            start = time.perf_counter()
            runner.train()
            seconds = time.perf_counter() - start
            return n_steps / seconds, spent[0] / seconds
    finally:
        logger.enable()


def print_table(rows: list, size: int, directory: str) -> None:
    """The write/load table, one row per case."""
    print(f"replay_size {size:,}; checkpoints in {directory}")
    print("| case | buffer MB | on disk MB | write s | write MB/s | bare write MB/s | write / bare "
          "| load s | peak extra RSS MB (% of buffer) |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|---:|")
    for r in rows:
        speed, bare = r["disk_mb"] / r["write_s"], r["disk_mb"] / r["bare_s"]
        share = f"{100 * r['extra_rss_mb'] / r['buffer_mb']:.2f}%" if r["buffer_mb"] else "-"
        print(f"| {r['case']} | {r['buffer_mb']:,.1f} | {r['disk_mb']:,.1f} | {r['write_s']:.2f} | {speed:,.0f} "
              f"| {bare:,.0f} | {speed / bare:.2f} | {r['load_s']:.2f} | {r['extra_rss_mb']:.1f} ({share}) |")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--replay_size", type=float, default=1e6)
    parser.add_argument("--dir", default=tempfile.gettempdir(), help="where checkpoints are written")
    parser.add_argument("--rounds", type=int, default=3, help="alternating PPO rounds")
    parser.add_argument("--ppo_steps", type=float, default=51200)
    parser.add_argument("--ppo_only", action="store_true", help="only the PPO throughput rounds")
    args = parser.parse_args()
    torch.set_num_threads(1)
    rng = np.random.default_rng(0)
    size = int(args.replay_size)
    rows = []
    for name, build in () if args.ppo_only else (("DQN Atari frames", dqn_atari), ("SAC MuJoCo", sac_mujoco)):
        buffer, model = build(size, rng)
        rows.append(measure_case(name, buffer, model, args.dir))
        del buffer
    ppo_model = torch.nn.Sequential(torch.nn.Linear(4, 64), torch.nn.Tanh(), torch.nn.Linear(64, 64),
        torch.nn.Tanh(), torch.nn.Linear(64, 3))
    if not args.ppo_only:
        rows.append(measure_case("PPO CartPole", None, ppo_model, args.dir))
    if rows:
        print_table(rows, size, args.dir)
    with_ckpt, without, shares = [], [], []
    for _ in range(args.rounds):
        without.append(ppo_throughput(False, int(args.ppo_steps), args.dir)[0])
        speed, share = ppo_throughput(True, int(args.ppo_steps), args.dir)
        with_ckpt.append(speed)
        shares.append(share)
    w, wo = float(np.median(with_ckpt)), float(np.median(without))
    print(f"PPO CartPole steps/s, median of {args.rounds} alternating rounds: without checkpoints {wo:,.0f}, "
          f"checkpoint every log interval (2,560 steps) {w:,.0f}: cost {100 * (1 - w / wo):.1f}%; "
          f"time in the training thread spent saving snapshots and checkpoints: {100 * np.median(shares):.1f}% "
          f"(per round: {', '.join(f'{100 * s:.1f}%' for s in shares)})")


if __name__ == "__main__":
    main()
