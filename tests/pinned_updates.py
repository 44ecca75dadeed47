"""What the pinned-update tests share: the fingerprint of two
``optimize_agent`` calls and its comparison with recorded values."""
from __future__ import annotations

import pytest
import torch

from rlpyt.samplers.serial.sampler import SerialSampler
from rlpyt.utils.seed import set_seed


def tensor_sums(prefix: str, tree) -> dict:
    """Float64 sums of the tensors in a nested dict (state dicts), by path."""
    if isinstance(tree, torch.Tensor):
        return {prefix: tree.double().sum().item()}
    if isinstance(tree, dict):
        return {k: v for key, sub in tree.items() for k, v in tensor_sums(f"{prefix}.{key}", sub).items()}
    return {}


def update_fingerprint(make_algo, make_agent, env: dict, mid_batch_reset: bool = True,
        optimizer_state: bool = False) -> dict:
    """Float64 sums of every OptInfo field and state-dict tensor of the agent
    (and, with ``optimizer_state``, of the optimizers) after two
    ``optimize_agent`` calls on two seeded SerialSampler batches (4 envs x 8
    steps of ``env``)."""
    set_seed(0)
    algo, agent = make_algo(), make_agent()
    sampler = SerialSampler(batch_T=8, batch_B=4, max_decorrelation_steps=0, **env)
    examples = sampler.initialize(agent, seed=0, bootstrap_value=algo.bootstrap_value)
    algo.initialize(agent, n_itr=4, batch_spec=sampler.batch_spec, mid_batch_reset=mid_batch_reset,
        examples=examples)
    agent.sample_mode(0)
    batches = [sampler.obtain_samples(itr)[0] for itr in range(2)]
    sampler.shutdown()
    agent.train_mode(0)
    values = {}
    for itr, samples in enumerate(batches):
        opt_info = algo.optimize_agent(itr, samples)
        values.update({f"{itr}.{field}": sum(map(float, v)) for field, v in zip(opt_info._fields, opt_info)})
    if optimizer_state:
        values.update(tensor_sums("agent", agent.state_dict()))
        values.update(tensor_sums("optim", algo.optim_state_dict()))
    else:
        values.update({k: v.double().sum().item() for k, v in agent.state_dict().items()})
    return values


def assert_pinned(values: dict, pinned: list) -> None:
    """``values`` equal the recorded ones, in order, up to another CPU's
    float kernels (1e-4 relative, 1e-6 absolute)."""
    assert len(values) == len(pinned)
    for (key, value), recorded in zip(values.items(), pinned):
        assert value == pytest.approx(recorded, rel=1e-4, abs=1e-6), key
