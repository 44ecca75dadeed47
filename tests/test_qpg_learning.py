"""DDPG, TD3 and SAC learn Pendulum-v1 with fixed seeds (serial sampler, one
torch thread): SAC reaches an average evaluation return of -200 within 20k
environment steps, TD3 and DDPG -250 within 30k. Each run stops soon after
the step at which its seed first reached the threshold, to keep the suite fast."""
import pytest

from rlpyt.agents.qpg.ddpg_agent import DdpgAgent
from rlpyt.agents.qpg.sac_agent import SacAgent
from rlpyt.algos.qpg.ddpg import DDPG
from rlpyt.algos.qpg.sac import SAC
from rlpyt.envs.gym import make as gym_make
from rlpyt.runners.minibatch_rl import MinibatchRlEval
from rlpyt.samplers.parallel.cpu.collectors import CpuResetCollector, CpuWaitResetCollector
from rlpyt.samplers.serial.sampler import SerialSampler
from rlpyt.utils.logging.context import logger_context
from tests.torch_threads import one_torch_thread  # noqa: F401

SMALL = dict(hidden_sizes=(64, 64))

pytestmark = [pytest.mark.slow, pytest.mark.usefixtures("data_dir")]


def train_pendulum(algo, agent, n_steps: int, name: str, batch_T: int = 1, CollectorCls=CpuResetCollector) -> str:
    sampler = SerialSampler(EnvCls=gym_make, env_kwargs=dict(id="Pendulum-v1"), batch_T=batch_T, batch_B=1,
        CollectorCls=CollectorCls, max_decorrelation_steps=0, eval_n_envs=5, eval_max_steps=5 * 200,
        eval_max_trajectories=5)
    runner = MinibatchRlEval(algo=algo, agent=agent, sampler=sampler, n_steps=n_steps, seed=0,
        log_interval_steps=1000, affinity=dict(master_torch_threads=1))
    with logger_context(name, 0, name, {}) as exp_dir:
        runner.train()
    return exp_dir


def first_solved(rows, threshold):
    assert rows[0]["ReturnAverage"] < -900  # untrained
    solved = [r["Diagnostics/CumSteps"] for r in rows if r["ReturnAverage"] >= threshold]
    return (solved[0] if solved else None), [round(r["ReturnAverage"]) for r in rows]


def test_sac_reaches_minus_200_within_20k_steps(read_progress):
    algo = SAC(batch_size=256, min_steps_learn=1000, replay_ratio=256, learning_rate=1e-3)
    agent = SacAgent(model_kwargs=SMALL, q_model_kwargs=SMALL)
    steps, returns = first_solved(read_progress(train_pendulum(algo, agent, 6000, "sac_pendulum")), -200)
    assert steps is not None and steps <= 20_000, f"eval returns {returns}"


@pytest.mark.extended
def test_sac_with_a_wait_reset_collector_reaches_minus_200_within_20k_steps(read_progress):
    """Batches of 64 steps: each 200-step episode ends 8 steps into a batch
    and its environment idles for the other 56 (a fifth of all steps), which
    the replay buffer never replays; SAC still reaches the same threshold."""
    algo = SAC(batch_size=256, min_steps_learn=1000, replay_ratio=256, learning_rate=1e-3)
    agent = SacAgent(model_kwargs=SMALL, q_model_kwargs=SMALL)
    exp_dir = train_pendulum(algo, agent, 8192, "sac_pendulum_wait", batch_T=64, CollectorCls=CpuWaitResetCollector)
    steps, returns = first_solved(read_progress(exp_dir), -200)
    assert steps is not None and steps <= 20_000, f"eval returns {returns}"


@pytest.mark.extended  # DDPG's and SAC's learning tests cover the actor-critic machinery by default
def test_td3_reaches_minus_250_within_30k_steps(read_progress, run_example):
    exp_dir = run_example("td3_pendulum", n_steps=9000, log_interval_steps=1000)
    steps, returns = first_solved(read_progress(exp_dir), -250)
    assert steps is not None and steps <= 30_000, f"eval returns {returns}"


def test_ddpg_reaches_minus_250_within_30k_steps(read_progress):
    algo = DDPG(batch_size=100, min_steps_learn=1000, replay_ratio=100, learning_rate=1e-3)
    agent = DdpgAgent(model_kwargs=SMALL, q_model_kwargs=SMALL, pretrain_std=0.5)
    steps, returns = first_solved(read_progress(train_pendulum(algo, agent, 4000, "ddpg_pendulum")), -250)
    assert steps is not None and steps <= 30_000, f"eval returns {returns}"

