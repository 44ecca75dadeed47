"""The Gaussian distribution's squashing, noise clipping and references."""
import math

import numpy as np
import pytest
import torch

from rlpyt.distributions.gaussian import DistInfoStd, Gaussian
from tests.torch_threads import one_torch_thread  # noqa: F401


def dist_info(dim=3, batch=5, seed=0):
    g = torch.Generator().manual_seed(seed)
    return DistInfoStd(mean=torch.randn(batch, dim, generator=g),
        log_std=0.5 * torch.randn(batch, dim, generator=g) - 0.3)


@pytest.mark.parametrize("squash", [1.0, 2.5])
def test_squashed_log_likelihood_equals_numerical_change_of_variables(squash):
    torch.manual_seed(0)
    info = dist_info()
    dist = Gaussian(dim=3, squash=squash)
    x, logli = dist.sample_loglikelihood(info)
    assert (x.abs() < squash).all()
    z = torch.atanh(x.double() / squash)
    h = 1e-6
    dx_dz = (squash * torch.tanh(z + h) - squash * torch.tanh(z - h)) / (2 * h)  # finite difference
    normal = torch.distributions.Normal(info.mean.double(), torch.exp(info.log_std.double()))
    expected = (normal.log_prob(z) - torch.log(dx_dz)).sum(-1)
    torch.testing.assert_close(logli.double(), expected, rtol=1e-4, atol=1e-4)
    torch.testing.assert_close(dist.log_likelihood(x, info).double(), expected, rtol=1e-3, atol=1e-3)


def test_squashed_density_integrates_to_one():
    dist = Gaussian(dim=1, squash=2.0)
    info = DistInfoStd(mean=torch.tensor([[0.4]], dtype=torch.float64), log_std=torch.tensor([[-0.2]],
        dtype=torch.float64))
    x = torch.linspace(-2 + 1e-9, 2 - 1e-9, 200_001, dtype=torch.float64).unsqueeze(-1)
    density = torch.exp(dist.log_likelihood(x, DistInfoStd(info.mean.expand_as(x), info.log_std.expand_as(x))))
    assert torch.trapezoid(density, x.squeeze(-1)).item() == pytest.approx(1.0, abs=1e-4)


def test_entropy_and_kl_match_torch_references():
    old, new = dist_info(seed=1), dist_info(seed=2)
    dist = Gaussian(dim=3)
    ref_old = torch.distributions.Normal(old.mean, torch.exp(old.log_std))
    ref_new = torch.distributions.Normal(new.mean, torch.exp(new.log_std))
    torch.testing.assert_close(dist.entropy(old), ref_old.entropy().sum(-1))
    torch.testing.assert_close(dist.kl(old, new), torch.distributions.kl_divergence(ref_old, ref_new).sum(-1))
    squashed = Gaussian(dim=3, squash=1.0)
    torch.testing.assert_close(squashed.kl(old, new), dist.kl(old, new))  # invariant under a bijection
    with pytest.raises(NotImplementedError, match="entropy"):
        squashed.entropy(old)


def test_squashed_entropy_estimate_matches_numerical_integral():
    """-E[log p(x)] from samples agrees with the integral of -p log p on a grid (1-D)."""
    torch.manual_seed(0)
    dist = Gaussian(dim=1, squash=1.0)
    n = 200_000
    info = DistInfoStd(mean=torch.full((n, 1), 0.3, dtype=torch.float64),
        log_std=torch.full((n, 1), 0.1, dtype=torch.float64))
    estimate = -dist.sample_loglikelihood(info)[1].mean().item()
    x = torch.linspace(-1 + 1e-12, 1 - 1e-12, n, dtype=torch.float64).unsqueeze(-1)
    logp = dist.log_likelihood(x, info)
    integral = torch.trapezoid(-torch.exp(logp) * logp, x.squeeze(-1)).item()
    assert estimate == pytest.approx(integral, abs=0.01)


def test_noise_clip_min_max_std_and_reparameterization():
    torch.manual_seed(0)
    mean = torch.zeros(10_000, 2)
    dist = Gaussian(dim=2, std=1.0, noise_clip=0.5)
    x = dist.sample(DistInfoStd(mean=mean, log_std=None))
    assert x.abs().max().item() == pytest.approx(0.5) and (x.abs() == 0.5).float().mean() > 0.5
    bounded = Gaussian(dim=2, min_std=0.1, max_std=2.0)
    log_std = torch.tensor([[-10.0, 10.0]])
    torch.testing.assert_close(bounded.log_std(DistInfoStd(mean=mean[:1], log_std=log_std)),
        torch.tensor([[math.log(0.1), math.log(2.0)]]))
    info = DistInfoStd(mean=torch.zeros(4, 2, requires_grad=True), log_std=torch.zeros(4, 2, requires_grad=True))
    squashed = Gaussian(dim=2, squash=1.0)
    action, logli = squashed.sample_loglikelihood(info, reparameterize=True)
    assert action.requires_grad
    action, logli = squashed.sample_loglikelihood(info, reparameterize=False)
    assert not action.requires_grad and logli.requires_grad
    np.testing.assert_allclose(logli.detach().numpy(), squashed.log_likelihood(action, info).detach().numpy(),
        rtol=1e-4)


def test_bad_arguments_name_themselves():
    for name in ("squash", "noise_clip", "std"):
        with pytest.raises(ValueError, match=name):
            Gaussian(dim=2, **{name: -1.0})
