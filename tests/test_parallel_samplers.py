"""CpuSampler and GpuSampler: same samples as SerialSampler, failures surface
with the worker's traceback, nothing is left behind, bad layouts fail early."""
import os
import signal
import time

import psutil
import pytest
import torch

from rlpyt.agents.pg.categorical import CategoricalPgAgent
from rlpyt.samplers.parallel.cpu.collectors import CpuWaitResetCollector
from rlpyt.samplers.parallel.cpu.sampler import CpuSampler
from rlpyt.samplers.parallel.gpu.alternating_sampler import AlternatingSampler, NoOverlapAlternatingSampler
from rlpyt.samplers.parallel.gpu.collectors import GpuWaitResetCollector
from rlpyt.samplers.parallel.gpu.sampler import GpuSampler
from rlpyt.samplers.parallel.worker import WorkerError
from rlpyt.samplers.serial.sampler import SerialSampler
from rlpyt.utils.seed import set_seed
from tests.envs import make_counting_env, make_raising_env
from tests.models import ParityPgModel

TWO_WORKERS = dict(workers_cpus=[0, 0], set_affinity=False)


def run_sampler(SamplerCls, n_itr=3, collector=None, **kwargs):
    set_seed(0)
    extra = {} if collector is None else dict(CollectorCls=collector)
    sampler = SamplerCls(EnvCls=make_counting_env, env_kwargs=dict(terminate_at=5, truncate_at=7),
        batch_T=6, batch_B=4, max_decorrelation_steps=0, eval_n_envs=2, eval_max_steps=40, **extra, **kwargs)
    agent = CategoricalPgAgent(ModelCls=ParityPgModel)
    affinity = None if SamplerCls is SerialSampler else TWO_WORKERS
    sampler.initialize(agent, affinity=affinity, seed=3, bootstrap_value=True)
    try:
        batches = []
        for itr in range(n_itr):
            samples, infos = sampler.obtain_samples(itr)
            batches.append((samples.env.observation.clone(), samples.agent.action.clone(),
                samples.env.reward.clone(), samples.env.done.clone(), samples.agent.bootstrap_value.clone(),
                sorted((t.Length, t.Return) for t in infos)))
        evals = sorted((t.Length, t.Return) for t in sampler.evaluate_agent(0))
    finally:
        sampler.shutdown()
    return batches, evals


def assert_same(a, b):
    (batches_a, eval_a), (batches_b, eval_b) = a, b
    for x, y in zip(batches_a, batches_b):
        for u, v in zip(x, y):
            assert torch.equal(u, v) if isinstance(u, torch.Tensor) else u == v
    assert eval_a == eval_b and len(eval_a) > 0


@pytest.fixture(scope="module")
def serial_reference():
    return run_sampler(SerialSampler)


@pytest.mark.parametrize("SamplerCls", [CpuSampler, GpuSampler, AlternatingSampler, NoOverlapAlternatingSampler])
@pytest.mark.parametrize("start_method", ["fork", "spawn"])
def test_parallel_samples_equal_serial(SamplerCls, start_method, serial_reference):
    assert_same(run_sampler(SamplerCls, start_method=start_method), serial_reference)


@pytest.mark.parametrize("SamplerCls,collector", [(CpuSampler, CpuWaitResetCollector),
    (GpuSampler, GpuWaitResetCollector), (AlternatingSampler, GpuWaitResetCollector)])
def test_wait_reset_collectors_equal_serial(SamplerCls, collector):
    reference = run_sampler(SerialSampler, collector=CpuWaitResetCollector)
    assert_same(run_sampler(SamplerCls, collector=collector), reference)


def sampler_children():
    """Child processes of the test, apart from multiprocessing's resource
    tracker (started once by spawn, lives as long as the test process)."""
    return [p for p in psutil.Process().children()
        if not any("resource_tracker" in part for part in p.cmdline())]


def shm_entries():
    return set(os.listdir("/dev/shm")) if os.path.isdir("/dev/shm") else set()


@pytest.mark.parametrize("SamplerCls", [CpuSampler, GpuSampler, AlternatingSampler])
def test_worker_exception_surfaces_with_traceback(SamplerCls):
    before = shm_entries()
    sampler = SamplerCls(EnvCls=make_raising_env, env_kwargs=dict(raise_at=10), batch_T=5, batch_B=2,
        max_decorrelation_steps=0)
    sampler.initialize(CategoricalPgAgent(), affinity=TWO_WORKERS, seed=0)
    start = time.time()
    try:
        with pytest.raises(WorkerError, match=r"(?s)sampler worker \d .*deliberate failure at step 10"):
            for itr in range(5):
                sampler.obtain_samples(itr)
        assert time.time() - start < 5
    finally:
        sampler.shutdown()
    assert sampler_children() == []
    assert shm_entries() <= before


@pytest.mark.parametrize("SamplerCls", [CpuSampler, GpuSampler])
def test_killed_worker_is_reported(SamplerCls):
    sampler = SamplerCls(EnvCls=make_counting_env, env_kwargs={}, batch_T=5, batch_B=2,
        max_decorrelation_steps=0)
    sampler.initialize(CategoricalPgAgent(), affinity=TWO_WORKERS, seed=0)
    try:
        sampler.obtain_samples(0)
        os.kill(sampler.workers.processes[1].pid, signal.SIGKILL)
        start = time.time()
        with pytest.raises(WorkerError, match="sampler worker 1 .*killed by signal 9"):
            sampler.obtain_samples(1)
        assert time.time() - start < 5
    finally:
        sampler.shutdown()
    assert sampler_children() == []


@pytest.mark.parametrize("SamplerCls", [CpuSampler, GpuSampler])
@pytest.mark.parametrize("affinity,match", [
    (dict(workers_cpus=[0, 0, 0]), "3 workers .* for 2 environments"),
    (dict(workers_cpus=[0, 4096]), "CPU ids \\[4096\\]"),
    (dict(workers_cpus=[]), "non-empty list"),
])
def test_bad_affinity_fails_at_initialize(SamplerCls, affinity, match):
    sampler = SamplerCls(EnvCls=make_counting_env, env_kwargs={}, batch_T=5, batch_B=2)
    with pytest.raises(ValueError, match=match):
        sampler.initialize(CategoricalPgAgent(), affinity=affinity, seed=0)
    assert sampler_children() == []


@pytest.mark.parametrize("batch_B,workers,match", [(3, [0, 0], "batch_B must be even"),
    (4, [0, 0, 0], "even number of workers")])
def test_alternating_layout_errors(batch_B, workers, match):
    sampler = AlternatingSampler(EnvCls=make_counting_env, env_kwargs={}, batch_T=5, batch_B=batch_B)
    with pytest.raises(ValueError, match=match):
        sampler.initialize(CategoricalPgAgent(), affinity=dict(workers_cpus=workers), seed=0)


def test_alternating_recurrent_agent_keeps_one_state_per_half():
    """Training from the stored initial states reproduces what each half
    sampled only if the two halves' rnn states never mixed."""
    from rlpyt.agents.pg.categorical import AlternatingRecurrentCategoricalPgAgent
    from rlpyt.algos.pg.a2c import A2C
    from rlpyt.samplers.collections import BatchSpec
    from tests.memory_env import make_memory_env
    set_seed(3)
    sampler = AlternatingSampler(EnvCls=make_memory_env, env_kwargs=dict(length=3), batch_T=12, batch_B=4,
        max_decorrelation_steps=5)
    agent = AlternatingRecurrentCategoricalPgAgent()
    sampler.initialize(agent, affinity=TWO_WORKERS, seed=3, bootstrap_value=True)
    try:
        algo = A2C()
        algo.initialize(agent, n_itr=1, batch_spec=BatchSpec(12, 4), mid_batch_reset=True)
        agent.sample_mode(0)
        sampler.obtain_samples(0)
        samples, _ = sampler.obtain_samples(1)
    finally:
        sampler.shutdown()
    agent.train_mode(0)
    init_rnn_state, reset = algo.rnn_state_inputs(samples)
    assert (init_rnn_state.h[:, :2] != 0).any() and (init_rnn_state.h[:, 2:] != 0).any()
    dist_info, value, _ = agent(*algo.agent_inputs(samples), init_rnn_state, reset=reset)
    torch.testing.assert_close(dist_info.prob, samples.agent.agent_info.dist_info.prob, atol=1e-5, rtol=1e-5)
    torch.testing.assert_close(value, samples.agent.agent_info.value, atol=1e-5, rtol=1e-5)


def test_alternating_sampler_rejects_a_non_alternating_recurrent_agent():
    from rlpyt.agents.pg.categorical import RecurrentCategoricalPgAgent
    from tests.memory_env import make_memory_env
    sampler = AlternatingSampler(EnvCls=make_memory_env, env_kwargs={}, batch_T=4, batch_B=2)
    try:
        with pytest.raises(TypeError, match="one rnn state per half"):
            sampler.initialize(RecurrentCategoricalPgAgent(), affinity=TWO_WORKERS, seed=0)
    finally:
        sampler.shutdown()
    assert sampler_children() == []
