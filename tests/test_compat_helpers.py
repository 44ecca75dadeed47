"""rlpyt's small helpers kept for users' code: save__init__args, misc, array,
ProgBarCounter, the n-step and time-limit return variants, the Gaussian and
TD3 noise setters and the ALE action table, against hand-computed values."""
import io
import sys

import numpy as np
import pytest
import torch

from rlpyt.agents.qpg.td3_agent import Td3Agent
from rlpyt.algos.utils import (discount_return, discount_return_n_step, discount_return_tl,
    generalized_advantage_estimation_tl)
from rlpyt.distributions.gaussian import DistInfo, DistInfoStd, Gaussian
from rlpyt.envs.atari.atari_env import ACTION_INDEX, ACTION_MEANING, AtariEnv
from rlpyt.envs.base import EnvSpaces
from rlpyt.spaces.float_box import FloatBox
from rlpyt.utils import array
from rlpyt.utils.logging import logger
from rlpyt.utils.misc import empty, extract_sequences, iterate_mb_idxs, zeros
from rlpyt.utils.prog_bar import ProgBarCounter
from rlpyt.utils.quick_args import save__init__args
from tests.torch_threads import one_torch_thread  # noqa: F401


# save__init__args

class Base:
    def __init__(self, a, b=2, *args, c=3, **kwargs):
        save__init__args(locals())


class Child(Base):
    def __init__(self, a=10, d=4, **kwargs):
        save__init__args(locals())
        super().__init__(a=0, **kwargs)


def test_save__init__args_stores_named_arguments_only():
    obj = Base(1, 5, 6, 7, c=8, e=9)
    assert (obj.a, obj.b, obj.c) == (1, 5, 8)
    assert not hasattr(obj, "args") and not hasattr(obj, "kwargs") and not hasattr(obj, "e")


def test_save__init__args_subclass_values_take_precedence():
    obj = Child(b=7)
    assert (obj.a, obj.b, obj.c, obj.d) == (10, 7, 3, 4)


def test_save__init__args_underscore_overwrite_and_subclass_only():
    class Underscored:
        def __init__(self, x):
            save__init__args(locals(), underscore=True)

    assert Underscored(5)._x == 5 and not hasattr(Underscored(5), "x")

    class Overwriting(Base):
        def __init__(self, a=10, **kwargs):
            save__init__args(locals())
            super().__init__(a=0, **kwargs)
            save__init__args(dict(self=self, a=-1), overwrite=True)

    assert Overwriting().a == -1

    class Only(Base):
        def __init__(self, a=1, b=2):
            save__init__args(locals(), subclass_only=True)

    only = Only()
    assert (only.a, only.b) == (1, 2) and not hasattr(only, "c")


# misc

@pytest.mark.parametrize("shuffle", [False, True])
def test_iterate_mb_idxs_covers_every_index_once_per_epoch(shuffle):
    np.random.seed(0)
    data = np.arange(100) * 10
    for _ in range(3):
        batches = [data[idxs] for idxs in iterate_mb_idxs(100, 20, shuffle=shuffle)]
        assert len(batches) == 5 and all(len(b) == 20 for b in batches)
        assert sorted(np.concatenate(batches).tolist()) == data.tolist()
    if shuffle:
        assert np.concatenate(batches).tolist() != data.tolist()
    else:
        assert batches[1].tolist() == (np.arange(20, 40) * 10).tolist()


def test_iterate_mb_idxs_yields_full_minibatches_and_checks_counts():
    assert [(s.start, s.stop) for s in iterate_mb_idxs(1e1, 4)] == [(0, 4), (4, 8)]
    assert list(iterate_mb_idxs(3, 4)) == []
    with pytest.raises(TypeError, match="minibatch_size"):
        iterate_mb_idxs(10, 2.5)
    with pytest.raises(ValueError, match="minibatch_size"):
        iterate_mb_idxs(10, 0)


def test_zeros_and_empty_follow_the_dtype():
    t = zeros((2, 3), dtype=torch.float32)
    a = zeros((2, 3), dtype=np.int16)
    assert isinstance(t, torch.Tensor) and t.dtype == torch.float32 and not t.any()
    assert isinstance(a, np.ndarray) and a.dtype == np.int16 and not a.any()
    assert isinstance(empty(4, dtype=torch.uint8), torch.Tensor)
    assert empty((4,), dtype="float32").dtype == np.float32


@pytest.mark.parametrize("as_tensor", [False, True])
def test_extract_sequences_wraps_around_the_time_dimension(as_tensor):
    data = np.arange(5 * 3).reshape(5, 3) * 10  # data[t, b] = 30 t + 10 b
    data = np.stack([data, data + 1], axis=-1)   # a trailing feature dimension
    source = torch.as_tensor(data) if as_tensor else data
    seqs = extract_sequences(source, T_idxs=[0, 3, -1], B_idxs=[2, 1, 0], T=3)
    seqs = np.asarray(seqs)
    assert seqs.shape == (3, 3, 2)
    assert seqs[:, 0, 0].tolist() == [20, 50, 80]         # rows 0, 1, 2 of column 2
    assert seqs[:, 1, 0].tolist() == [100, 130, 10]       # rows 3, 4, then 0 (wrapped)
    assert seqs[:, 2, 1].tolist() == [121, 1, 31]         # rows 4 (= -1), 0, 1
    assert isinstance(extract_sequences(source, [0], [0], 2), type(source))


# array

def test_array_helpers_match_hand_values():
    q = np.arange(2 * 3 * 4).reshape(2, 3, 4)
    idx = np.array([[0, 3, 1], [2, 2, 0]])
    assert array.select_at_indexes(idx, q).tolist() == [[0, 7, 9], [14, 18, 20]]
    with pytest.raises(ValueError, match="indexes shape"):
        array.select_at_indexes(idx, q[:1])
    onehot = array.to_onehot(np.array([[2, 0]]), 3)
    assert onehot.tolist() == [[[0, 0, 1], [1, 0, 0]]] and onehot.dtype == np.int64
    assert array.to_onehot(np.array([1]), 2, dtype=np.float32).dtype == np.float32
    assert array.from_onehot(onehot).tolist() == [[2, 0]]
    x = np.array([[1.0, 2.0], [3.0, 10.0]])
    valid = np.array([[1, 1], [1, 0]])
    assert array.valid_mean(x, valid) == pytest.approx(2.0)
    assert array.valid_mean(x, valid, axis=1).tolist() == [1.5, 3.0]
    assert array.valid_mean(x, np.zeros((2, 2))) == 0.0
    assert array.valid_mean(x) == 4.0
    assert array.infer_leading_dims(np.zeros((5, 4, 3)), 1) == (5, 4, (3,), True, True)
    assert array.infer_leading_dims(np.zeros((4, 3)), 1) == (1, 4, (3,), False, True)
    assert array.infer_leading_dims(np.zeros(3), 1) == (1, 1, (3,), False, False)
    with pytest.raises(ValueError, match="infer_leading_dims"):
        array.infer_leading_dims(np.zeros((1, 1, 1, 3)), 1)


# ProgBarCounter

class Terminal(io.StringIO):
    def isatty(self):
        return True


def test_prog_bar_counter_updates_and_stops(monkeypatch):
    terminal = Terminal()
    monkeypatch.setattr(sys, "stderr", terminal)
    bar = ProgBarCounter(total_count=1e3)
    bar.update(700)
    bar.pbar.refresh()
    assert "700/1000" in terminal.getvalue() and bar.cur_count == 700
    bar.update(5000)  # past the total: capped
    assert bar.pbar.n == 1000
    bar.stop()
    bar.stop()
    assert bar.pbar.disable  # tqdm marks a closed bar disabled


def test_prog_bar_counter_is_silent_when_logging_tabular_only(monkeypatch):
    terminal = Terminal()
    monkeypatch.setattr(sys, "stderr", terminal)
    monkeypatch.setattr(logger, "get_log_tabular_only", lambda: True)
    bar = ProgBarCounter(10)
    bar.update(5)
    bar.stop()
    assert terminal.getvalue() == ""
    with pytest.raises(TypeError, match="total_count"):
        ProgBarCounter(2.5)


# discount_return_n_step

REWARD = [1.0, 2.0, 3.0, 4.0]
DONE = [False, True, False, False]


@pytest.mark.parametrize("as_tensor", [False, True])
def test_discount_return_n_step_against_hand_computation(as_tensor):
    reward = np.array(REWARD, dtype=np.float32)[:, None]  # [T, B=1]
    done = np.array(DONE)[:, None]
    if as_tensor:
        reward, done = torch.as_tensor(reward), torch.as_tensor(done)
    # n=2, discount 0.5: R0 = 1 + .5*2 (done at 1 stops it), R1 = 2, R2 = 3 + .5*4.
    return_, done_n = discount_return_n_step(reward, done, n_step=2, discount=0.5)
    assert np.asarray(return_)[:, 0].tolist() == [2.0, 2.0, 5.0]
    assert np.asarray(done_n)[:, 0].tolist() == [True, True, False]
    assert done_n.dtype == done.dtype
    return_, done_n = discount_return_n_step(reward, done, n_step=3, discount=0.5, do_truncated=True)
    # R0 = 1 + .5*2 (stops), R1 = 2, R2 = 3 + .5*4 (batch ends), R3 = 4.
    assert np.asarray(return_)[:, 0].tolist() == [2.0, 2.0, 5.0, 4.0]
    assert np.asarray(done_n)[:, 0].tolist() == [True, True, False, False]


def test_discount_return_n_step_writes_destinations_and_checks_n_step():
    reward = np.array(REWARD, dtype=np.float32)
    done = np.array(DONE, dtype=np.float32)
    return_dest, done_n_dest = np.zeros(4, np.float32), np.zeros(4, np.float32)
    return_, done_n = discount_return_n_step(reward, done, 1, 0.9, return_dest=return_dest,
        done_n_dest=done_n_dest, do_truncated=True)
    assert return_ is return_dest and done_n is done_n_dest
    assert return_.tolist() == REWARD and done_n.tolist() == [0.0, 1.0, 0.0, 0.0]
    assert reward.tolist() == REWARD and done.tolist() == [0.0, 1.0, 0.0, 0.0]  # inputs untouched
    assert len(discount_return_n_step(reward, done, 6, 0.9)[0]) == 0
    with pytest.raises(ValueError, match="n_step"):
        discount_return_n_step(reward, done, 0, 0.9)


# rlpyt's time-limit variants: step 1 is a timeout, so step 0 bootstraps with value[1].

TL = dict(reward=[1.0, 1.0, 1.0, 1.0], done=[False, True, False, False],
    timeout=[False, True, False, False], value=[10.0, 20.0, 30.0, 40.0], bootstrap=50.0)


def tl_batch(as_tensor):
    batch = {k: np.array(v, dtype=bool if k in ("done", "timeout") else np.float32)[:, None]
        for k, v in TL.items() if k != "bootstrap"}
    batch["bootstrap"] = np.array([TL["bootstrap"]], dtype=np.float32)
    return {k: torch.as_tensor(v) for k, v in batch.items()} if as_tensor else batch


@pytest.mark.parametrize("as_tensor", [False, True])
def test_discount_return_tl_bootstraps_through_the_timeout(as_tensor):
    b = tl_batch(as_tensor)
    return_ = discount_return_tl(b["reward"], b["done"], b["bootstrap"], 0.5, b["timeout"], b["value"])
    # R0 = 1 + .5 * V1 (not 1 + .5 * R1: a timeout is no terminal); step 1 is
    # the timeout itself (terminal, masked in training); R3 = 1 + .5 * 50.
    assert np.asarray(return_)[:, 0].tolist() == [11.0, 1.0, 14.0, 26.0]
    plain = discount_return(b["reward"], b["done"], b["bootstrap"], 0.5)
    assert np.asarray(plain)[0, 0] == 1.5  # without the timeout the return stops at done


@pytest.mark.parametrize("as_tensor", [False, True])
def test_gae_tl_bootstraps_through_the_timeout(as_tensor):
    b = tl_batch(as_tensor)
    advantage, return_ = generalized_advantage_estimation_tl(b["reward"], b["value"], b["done"],
        b["bootstrap"], 0.5, 0.9, b["timeout"])
    # A3 = 1 + .5*50 - 40 = -14; A2 = 1 + .5*40 - 30 + .45 * A3 = -15.3;
    # A1 = 1 - 20 (terminal); A0 = 1 + .5 * V1 - V0 = 1 (cut before the timeout).
    np.testing.assert_allclose(np.asarray(advantage)[:, 0], [1.0, -19.0, -15.3, -14.0], rtol=1e-6)
    np.testing.assert_allclose(np.asarray(return_)[:, 0], [11.0, 1.0, 14.7, 26.0], rtol=1e-6)


def test_tl_variants_keep_terminations_and_check_timeouts():
    reward = np.ones((2, 1), np.float32)
    value = np.full((2, 1), 5.0, np.float32)
    done = np.array([[True], [True]])
    timeout = np.array([[False], [True]])  # a termination, then a one-step episode cut
    return_ = discount_return_tl(reward, done, np.zeros(1, np.float32), 0.5, timeout, value)
    assert return_[:, 0].tolist() == [1.0, 1.0]  # step 0 stays terminal
    with pytest.raises(ValueError, match="timeout"):
        discount_return_tl(reward, np.zeros((2, 1), bool), np.zeros(1, np.float32), 0.5, timeout, value)


# Gaussian and TD3 noise setters

def test_gaussian_setters_change_sampling():
    torch.manual_seed(0)
    dist = Gaussian(dim=2, std=1.0)
    mean = torch.zeros(20_000, 2)
    dist.set_std(0.1)
    assert dist.sample(DistInfo(mean=mean)).std().item() == pytest.approx(0.1, rel=0.05)
    dist.set_std(None)  # now from dist_info.log_std
    log_std = torch.full_like(mean, np.log(2.0))
    assert dist.sample(DistInfoStd(mean=mean, log_std=log_std)).std().item() == pytest.approx(2.0, rel=0.05)
    dist.set_noise_clip(0.5)
    assert dist.sample(DistInfoStd(mean=mean, log_std=log_std)).abs().max().item() == pytest.approx(0.5)
    dist.set_noise_clip(None)
    dist.set_clip(1.5)
    assert dist.sample(DistInfoStd(mean=mean, log_std=log_std)).abs().max().item() == pytest.approx(1.5)
    dist.set_clip(None)
    dist.set_squash(0.25)
    assert dist.sample(DistInfoStd(mean=mean, log_std=log_std)).abs().max().item() <= 0.25
    for setter in ("set_std", "set_clip", "set_noise_clip", "set_squash"):
        with pytest.raises(ValueError, match=setter[4:]):
            getattr(dist, setter)(-1.0)


def test_td3_set_target_noise_before_and_after_initialize():
    agent = Td3Agent(model_kwargs=dict(hidden_sizes=(4,)), q_model_kwargs=dict(hidden_sizes=(4,)))
    agent.set_target_noise(0.3, noise_clip=0.1)
    assert (agent.target_noise_std, agent.target_noise_clip) == (0.3, 0.1)
    agent.initialize(EnvSpaces(observation=FloatBox(-1, 1, shape=(2,)), action=FloatBox(-1, 1, shape=(1,))))
    assert (agent.target_distribution.std, agent.target_distribution.noise_clip) == (0.3, 0.1)
    agent.set_target_noise(0.05)
    assert (agent.target_distribution.std, agent.target_distribution.noise_clip) == (0.05, None)
    torch.manual_seed(0)
    action = agent.target_distribution.sample(DistInfo(mean=torch.zeros(20_000, 1)))
    assert action.std().item() == pytest.approx(0.05, rel=0.05)
    with pytest.raises(ValueError, match="std"):
        agent.set_target_noise(0.0)
    with pytest.raises(ValueError, match="noise_clip"):
        agent.set_target_noise(0.1, noise_clip=-1.0)


# ALE action meanings

def test_action_meaning_is_ales_full_read_only_table():
    assert len(ACTION_MEANING) == 18
    assert (ACTION_MEANING[0], ACTION_MEANING[1], ACTION_MEANING[17]) == ("NOOP", "FIRE", "DOWNLEFTFIRE")
    assert AtariEnv.ACTION_MEANING is ACTION_MEANING
    assert all(ACTION_MEANING[ACTION_INDEX[name]] == name for name in ACTION_INDEX)
    with pytest.raises(TypeError):
        ACTION_MEANING[0] = "X"
    env = AtariEnv(game="pong")
    assert set(env.get_action_meanings()) <= set(ACTION_MEANING.values())
    assert env.get_action_meanings()[:2] == ["NOOP", "FIRE"]
    env.close()
