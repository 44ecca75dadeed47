"""R2D1 updates per second beside a bare PyTorch loop of the same update, and
what the frame sequence replay costs (issue 15's performance section).

Ours: ``R2D1.update`` on batches drawn from a prioritized frame sequence
buffer filled with stacked random 84x84 frames (the agent's state stored
every ``store_rnn_state_interval`` steps), the model ``AtariR2d1Model``.
Bare: the same model and the same update written directly in PyTorch on
random tensors of the batch's shapes (no replay): burn-in of online and
target network without gradient, the trained pass, double-Q n-step targets
under value rescaling, squared error, backward, gradient clipping, Adam.
Both run in the same process, alternating rounds; the median round counts.
Also reported: replay bytes per stored step against one frame, and the
share of an update spent drawing its batch.

    python benchmarks/r2d1_updates.py --batch-B 8 --batch-T 20 --warmup-T 10 --rounds 5

rlpyt's sizes are --batch-B 64 --batch-T 80 --warmup-T 40 (on a GPU: --cuda).
"""
from __future__ import annotations

import argparse
import statistics
import time
from collections import namedtuple

import numpy as np
import torch

from rlpyt.agents.dqn.atari.atari_r2d1_agent import AtariR2d1Agent
from rlpyt.algos.dqn.r2d1 import R2D1
from rlpyt.algos.dqn.value_scale import inv_value_rescale, value_rescale
from rlpyt.envs.base import EnvSpaces
from rlpyt.models.pg.lstm import RnnState
from rlpyt.samplers.collections import BatchSpec
from rlpyt.spaces.int_box import IntBox
from rlpyt.utils.collections import AttrDict
from rlpyt.utils.tensor import select_at_indexes

N_ACTIONS, FRAMES, SIZE = 6, 4, 84
EnvInfo = namedtuple("EnvInfo", ["timeout"])
AgentInfo = namedtuple("AgentInfo", ["q", "prev_rnn_state"])


def make_agent(lstm_size: int, cuda: bool) -> AtariR2d1Agent:
    """An AtariR2d1Agent for 84x84x4 frames and 6 actions."""
    agent = AtariR2d1Agent(model_kwargs=dict(dueling=True, lstm_size=lstm_size))
    agent.initialize(EnvSpaces(observation=IntBox(low=0, high=256, shape=(FRAMES, SIZE, SIZE), dtype=np.uint8),
        action=IntBox(low=0, high=N_ACTIONS)))
    agent.to_device(0 if cuda else None)
    return agent


def fake_samples(T: int, B: int, t0: int, lstm_size: int, rng: np.random.Generator) -> AttrDict:
    """A sampler batch of stacked random frames (frame t of env b continues
    the previous batch), as ``R2D1.samples_to_buffer`` reads it."""
    frames = rng.integers(0, 256, size=(T + FRAMES - 1, B, SIZE, SIZE), dtype=np.uint8)
    if t0 == 0:
        frames[:FRAMES - 1] = 0
    observation = np.stack([frames[i:i + T] for i in range(FRAMES)], axis=2)
    state = torch.randn(T, B, 1, lstm_size)
    env = AttrDict(observation=torch.from_numpy(observation), reward=torch.rand(T, B), done=torch.zeros(T, B,
        dtype=torch.bool), env_info=EnvInfo(timeout=torch.zeros(T, B, dtype=torch.bool)),
        final_observation=torch.from_numpy(observation))
    agent = AttrDict(action=torch.randint(N_ACTIONS, (T, B)), agent_info=AgentInfo(q=torch.randn(T, B, N_ACTIONS),
        prev_rnn_state=RnnState(state, state.clone())))
    return AttrDict(env=env, agent=agent)


def build_r2d1(args, agent) -> R2D1:
    """R2D1 with a filled prioritized frame sequence buffer."""
    algo = R2D1(batch_T=args.batch_T, batch_B=args.batch_B, warmup_T=args.warmup_T,
        store_rnn_state_interval=args.store_rnn_state_interval, replay_size=args.replay_size, min_steps_learn=0)
    zero_state = torch.zeros(1, args.lstm_size)
    examples = AttrDict(observation=np.zeros((FRAMES, SIZE, SIZE), np.uint8), action=np.int64(0),
        reward=np.float32(0), done=np.bool_(False), env_info=EnvInfo(timeout=np.bool_(False)),
        agent_info=AgentInfo(q=np.zeros(N_ACTIONS, np.float32), prev_rnn_state=RnnState(zero_state, zero_state)))
    algo.initialize(agent, n_itr=1, batch_spec=BatchSpec(args.sampler_T, args.sampler_B), examples=examples)
    rng = np.random.default_rng(0)
    stored = 0
    while stored < args.replay_size:
        algo.replay_buffer.append_samples(algo.samples_to_buffer(
            fake_samples(args.sampler_T, args.sampler_B, stored, args.lstm_size, rng)))
        stored += args.sampler_T * args.sampler_B
    return algo


def bare_update(model, target_model, optimizer, batch, args) -> None:
    """The R2D1 update in plain PyTorch on tensors already on the device."""
    observation, prev_action, prev_reward, action, return_, init = batch
    wT, bT, n, gamma, eps = args.warmup_T, args.batch_T, 5, 0.997, 1e-3
    with torch.no_grad():
        _, state = model(observation[:wT], prev_action[:wT], prev_reward[:wT], init)
        _, target_state = target_model(observation[:wT], prev_action[:wT], prev_reward[:wT], init)
    qs, _ = model(observation[wT:], prev_action[wT:], prev_reward[wT:], state)
    q = select_at_indexes(action[wT:wT + bT], qs[:bT])
    with torch.no_grad():
        target_qs, _ = target_model(observation[wT:], prev_action[wT:], prev_reward[wT:], target_state)
        next_q = select_at_indexes(qs.argmax(dim=-1), target_qs)[n:n + bT]
        y = value_rescale(return_[wT:wT + bT] + gamma ** n * inv_value_rescale(next_q, eps), eps)
    loss = (0.5 * (y - q) ** 2).mean()
    optimizer.zero_grad(set_to_none=True)
    loss.backward()
    torch.nn.utils.clip_grad_norm_(model.parameters(), 80.0)
    optimizer.step()
    (y - q).detach().abs().max(dim=0).values.cpu()  # the priorities reach the host, as in ours


def random_batch(args, device):
    """Random tensors shaped like a replayed batch, on ``device``."""
    L, B = args.warmup_T + args.batch_T + 5, args.batch_B
    return (torch.randint(0, 256, (L, B, FRAMES, SIZE, SIZE), dtype=torch.uint8, device=device),
        torch.nn.functional.one_hot(torch.randint(N_ACTIONS, (L, B), device=device), N_ACTIONS).float(),
        torch.rand(L, B, device=device), torch.randint(N_ACTIONS, (L, B), device=device),
        torch.rand(L, B, device=device),
        RnnState(torch.randn(1, B, args.lstm_size, device=device), torch.randn(1, B, args.lstm_size, device=device)))


def timed(fn, count: int, cuda: bool) -> float:
    """Seconds per call of ``fn`` over ``count`` calls."""
    if cuda:
        torch.cuda.synchronize()
    start = time.perf_counter()
    for _ in range(count):
        fn()
    if cuda:
        torch.cuda.synchronize()
    return (time.perf_counter() - start) / count


def replay_bytes_per_step(buffer) -> float:
    """Bytes of the buffer's arrays (sum tree included) per stored step."""
    _, arrays = buffer.checkpoint_state()
    return sum(a.nbytes for a in arrays.values()) / buffer.size


def main() -> None:
    """Parse the sizes, run the rounds, print the table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--batch-B", dest="batch_B", type=int, default=8)
    parser.add_argument("--batch-T", dest="batch_T", type=int, default=20)
    parser.add_argument("--warmup-T", dest="warmup_T", type=int, default=10)
    parser.add_argument("--store-rnn-state-interval", dest="store_rnn_state_interval", type=int, default=10)
    parser.add_argument("--lstm-size", dest="lstm_size", type=int, default=512)
    parser.add_argument("--sampler-T", dest="sampler_T", type=int, default=40)
    parser.add_argument("--sampler-B", dest="sampler_B", type=int, default=8)
    parser.add_argument("--replay-size", dest="replay_size", type=int, default=20000)
    parser.add_argument("--updates", type=int, default=3, help="updates per round")
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--cuda", action="store_true")
    args = parser.parse_args()
    torch.manual_seed(0)
    agent = make_agent(args.lstm_size, args.cuda)
    algo = build_r2d1(args, agent)
    bare_model = make_agent(args.lstm_size, args.cuda).model
    bare_target = make_agent(args.lstm_size, args.cuda).target_model
    bare_optimizer = torch.optim.Adam(bare_model.parameters(), lr=1e-4, eps=1e-3, fused=args.cuda or None)
    device = agent.device
    batch = random_batch(args, device)
    opt_info = {field: [] for field in algo.OptInfoCls._fields}
    ours, bare, sampling = [], [], []
    for _ in range(args.rounds + 1):  # the first round warms up
        ours.append(timed(lambda: algo.update(algo.sample_replay_batch(), opt_info), args.updates, args.cuda))
        bare.append(timed(lambda: bare_update(bare_model, bare_target, bare_optimizer, batch, args), args.updates,
            args.cuda))
        sampling.append(timed(algo.sample_replay_batch, args.updates, False))
    ours_s, bare_s, sample_s = (statistics.median(x[1:]) for x in (ours, bare, sampling))
    frame_bytes = SIZE * SIZE
    print(f"scale: batch_B={args.batch_B} batch_T={args.batch_T} warmup_T={args.warmup_T} n_step=5 "
        f"frames {FRAMES}x{SIZE}x{SIZE} lstm {args.lstm_size} dueling, replay {args.replay_size} steps "
        f"(B={args.sampler_B}), rnn state every {args.store_rnn_state_interval}, "
        f"device {'cuda' if args.cuda else 'cpu'} ({torch.get_num_threads()} threads)")
    print(f"ours  {1 / ours_s:8.2f} updates/s   bare {1 / bare_s:8.2f} updates/s   ratio {bare_s / ours_s:.3f}")
    bytes_per_step = replay_bytes_per_step(algo.replay_buffer)
    print(f"replay bytes/step {bytes_per_step:.0f} = {bytes_per_step / frame_bytes:.3f} x one frame ({frame_bytes})")
    print(f"sampling a batch {1e3 * sample_s:.1f} ms = {100 * sample_s / ours_s:.1f}% of an update")


if __name__ == "__main__":
    main()
