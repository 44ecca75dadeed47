"""Tensor helpers and action distributions against torch.distributions references."""
import math

import numpy as np
import pytest
import torch

from rlpyt.distributions.categorical import Categorical, DistInfo
from rlpyt.distributions.gaussian import DistInfoStd, Gaussian
from rlpyt.utils.tensor import (from_onehot, infer_leading_dims, restore_leading_dims,
    select_at_indexes, to_onehot, valid_mean)


@pytest.mark.parametrize("shape,lead", [((3,), 0), ((5, 3), 1), ((4, 5, 3), 2)])
def test_infer_and_restore_leading_dims(shape, lead):
    x = torch.randn(shape)
    lead_dim, T, B, data_shape = infer_leading_dims(x, 1)
    assert lead_dim == lead and data_shape == (3,)
    flat = x.reshape(T * B, 3)
    a, b = restore_leading_dims((flat, flat.sum(-1)), lead_dim, T, B)
    assert a.shape == shape and b.shape == shape[:-1]
    assert torch.equal(restore_leading_dims(flat, lead_dim, T, B), x)


def test_infer_leading_dims_rejects_wrong_rank():
    with pytest.raises(ValueError, match="expected 1, 2 or 3"):
        infer_leading_dims(torch.zeros(2, 3, 4, 5), 1)


def test_select_at_indexes_both_paths():
    x = torch.arange(24.).reshape(2, 3, 4)
    idx = torch.tensor([[0, 3, 1], [2, 2, 0]])
    expected = torch.tensor([[x[0, 0, 0], x[0, 1, 3], x[0, 2, 1]], [x[1, 0, 2], x[1, 1, 2], x[1, 2, 0]]])
    assert torch.equal(select_at_indexes(idx, x), expected)
    y = torch.arange(48.).reshape(2, 3, 4, 2)
    assert torch.equal(select_at_indexes(idx, y)[1, 0], y[1, 0, 2])
    with pytest.raises(ValueError, match="does not start with"):
        select_at_indexes(idx, torch.zeros(3, 2, 4))


def test_onehot_round_trip_and_valid_mean():
    idx = torch.tensor([[1, 0], [2, 1]])
    oh = to_onehot(idx, 3)
    assert oh.shape == (2, 2, 3) and oh.sum() == 4 and torch.equal(from_onehot(oh), idx)
    x = torch.tensor([1.0, 2.0, 3.0, 10.0])
    assert valid_mean(x, torch.tensor([1, 1, 1, 0])) == 2.0
    assert valid_mean(x) == 4.0
    assert valid_mean(x, torch.zeros(4)) == 0.0


def test_categorical_matches_torch_reference():
    torch.manual_seed(0)
    p = torch.softmax(torch.randn(6, 5), -1)
    q = torch.softmax(torch.randn(6, 5), -1)
    dist = Categorical(5)
    ref_p, ref_q = torch.distributions.Categorical(probs=p), torch.distributions.Categorical(probs=q)
    x = torch.randint(5, (6,))
    torch.testing.assert_close(dist.log_likelihood(x, DistInfo(p)), ref_p.log_prob(x), atol=1e-5, rtol=1e-5)
    torch.testing.assert_close(dist.entropy(DistInfo(p)), ref_p.entropy(), atol=1e-5, rtol=1e-5)
    torch.testing.assert_close(dist.kl(DistInfo(p), DistInfo(q)),
        torch.distributions.kl_divergence(ref_p, ref_q), atol=1e-5, rtol=1e-5)
    torch.testing.assert_close(dist.likelihood_ratio(x, DistInfo(p), DistInfo(q)),
        torch.exp(ref_q.log_prob(x) - ref_p.log_prob(x)), atol=1e-5, rtol=1e-5)


def test_categorical_sampling_frequencies_and_zero_probability():
    torch.manual_seed(1)
    prob = torch.tensor([0.1, 0.0, 0.6, 0.3])
    n = 200_000
    x = Categorical(4).sample(DistInfo(prob.expand(n, 4)))
    counts = torch.bincount(x, minlength=4).double()
    assert counts[1] == 0
    nz = prob > 0
    chi2 = (((counts[nz] - n * prob[nz]) ** 2) / (n * prob[nz])).sum().item()
    assert chi2 < 13.8  # 99.9% quantile of chi-square with 2 degrees of freedom
    assert Categorical(4).sample(DistInfo(prob.expand(3, 5, 4))).shape == (3, 5)


def test_gaussian_matches_torch_reference():
    torch.manual_seed(0)
    mean, log_std = torch.randn(7, 3), torch.randn(7, 3) * 0.5
    mean2, log_std2 = torch.randn(7, 3), torch.randn(7, 3) * 0.5
    dist = Gaussian(3)
    ref = torch.distributions.Independent(torch.distributions.Normal(mean, log_std.exp()), 1)
    ref2 = torch.distributions.Independent(torch.distributions.Normal(mean2, log_std2.exp()), 1)
    x = torch.randn(7, 3)
    info, info2 = DistInfoStd(mean, log_std), DistInfoStd(mean2, log_std2)
    torch.testing.assert_close(dist.log_likelihood(x, info), ref.log_prob(x))
    torch.testing.assert_close(dist.entropy(info), ref.entropy())
    torch.testing.assert_close(dist.kl(info, info2), torch.distributions.kl_divergence(ref, ref2))
    samples = dist.sample(DistInfoStd(torch.zeros(100_000, 3), torch.full((100_000, 3), math.log(2.0))))
    np.testing.assert_allclose(samples.std(0).numpy(), 2.0, rtol=0.02)


def test_gaussian_bounds_and_fixed_std():
    dist = Gaussian(2, min_std=0.5, max_std=1.0, clip=0.1)
    info = DistInfoStd(torch.zeros(4, 2), torch.full((4, 2), -5.0))
    assert torch.allclose(dist.log_std(info), torch.full((4, 2), math.log(0.5)))
    assert dist.sample(DistInfoStd(torch.zeros(1000, 2), torch.zeros(1000, 2))).abs().max() <= 0.1
    fixed = Gaussian(2, std=0.3)
    assert torch.allclose(fixed.log_std(info), torch.full((4, 2), math.log(0.3)))
    with pytest.raises(ValueError, match="min_std"):
        Gaussian(2, min_std=2.0, max_std=1.0)
    with pytest.raises(ValueError, match="dim"):
        Categorical(0)
