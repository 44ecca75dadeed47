"""DQN on Atari end to end: the frame buffer under a real game, a few thousand steps."""
import numpy as np
import pytest
import torch

pytest.importorskip("ale_py")

from rlpyt.agents.dqn.atari.atari_catdqn_agent import AtariCatDqnAgent  # noqa: E402
from rlpyt.agents.dqn.atari.atari_dqn_agent import AtariDqnAgent  # noqa: E402
from rlpyt.algos.dqn.cat_dqn import CategoricalDQN  # noqa: E402
from rlpyt.algos.dqn.dqn import DQN  # noqa: E402
from rlpyt.envs.atari.atari_env import AtariEnv, AtariTrajInfo  # noqa: E402
from rlpyt.experiments.configs.atari.dqn.atari_dqn import configs  # noqa: E402
from rlpyt.replays.non_sequence.frame import PrioritizedReplayFrameBuffer  # noqa: E402
from rlpyt.runners.minibatch_rl import MinibatchRlEval  # noqa: E402
from rlpyt.samplers.serial.sampler import SerialSampler  # noqa: E402
from rlpyt.utils.logging.context import logger_context  # noqa: E402

SMALL_MODEL = dict(channels=[8, 8], kernel_sizes=[8, 4], strides=[4, 4], paddings=[0, 0], fc_sizes=32)

pytestmark = pytest.mark.usefixtures("data_dir")


def test_dqn_runs_on_breakout_end_to_end_with_prioritized_frame_replay(read_progress):
    sampler = SerialSampler(EnvCls=AtariEnv, TrajInfoCls=AtariTrajInfo, env_kwargs=dict(game="breakout"),
        eval_env_kwargs=dict(game="breakout", episodic_lives=False, horizon=300), batch_T=16, batch_B=2,
        max_decorrelation_steps=0, eval_n_envs=1, eval_max_steps=300)
    algo = DQN(min_steps_learn=500, replay_size=2000, batch_size=16, replay_ratio=1, n_step_return=3,
        double_dqn=True, prioritized_replay=True, target_update_interval=20, eps_steps=1000)
    agent = AtariDqnAgent(model_kwargs=dict(dueling=True, **SMALL_MODEL))
    runner = MinibatchRlEval(algo=algo, agent=agent, sampler=sampler, n_steps=2048, seed=0,
        log_interval_steps=1024, affinity=dict(master_torch_threads=1))
    with logger_context("dqn_atari", 0, "dqn", {}, snapshot_mode="last") as exp_dir:
        runner.train()
    buffer = algo.replay_buffer
    assert isinstance(buffer, PrioritizedReplayFrameBuffer) and buffer.full  # wrapped around
    rows = read_progress(exp_dir)
    assert len(rows) == 3 and float(rows[-1]["Diagnostics/CumUpdates"]) > 50
    assert np.isfinite(float(rows[-1]["lossAverage"]))
    batch = buffer.sample_batch(8)
    assert batch.agent_inputs.observation.shape == (8, 4, 104, 80)
    assert batch.agent_inputs.observation.dtype == torch.uint8


def test_catdqn_agent_and_config_keys():
    torch.set_num_threads(1)
    assert set(configs) >= {"dqn", "double", "prioritized", "dueling", "catdqn", "rainbow", "ernbw"}
    for config in configs.values():
        assert set(config) >= {"agent", "algo", "env", "model", "optim", "runner", "sampler"}
    rainbow = configs["rainbow"]
    sampler = SerialSampler(EnvCls=AtariEnv, env_kwargs=rainbow["env"], batch_T=8, batch_B=1,
        max_decorrelation_steps=0)
    agent = AtariCatDqnAgent(model_kwargs={**rainbow["model"], **SMALL_MODEL}, **rainbow["agent"])
    algo_kwargs = {**rainbow["algo"], "min_steps_learn": 16, "replay_size": 200, "batch_size": 4}
    algo = CategoricalDQN(**algo_kwargs)
    examples = sampler.initialize(agent, seed=0)
    algo.initialize(agent, n_itr=10, batch_spec=sampler.batch_spec, examples=examples)
    for itr in range(4):
        agent.sample_mode(itr)
        samples, _ = sampler.obtain_samples(itr)
        opt_info = algo.optimize_agent(itr, samples)
    assert len(opt_info.loss) > 0 and np.all(np.isfinite(opt_info.loss))
    assert samples.agent.agent_info.p.shape == (8, 1, 6, 51)  # pong: 6 actions
