"""``rlpyt.algos.gradients.clip_gradients``: torch's ``clip_grad_norm_`` with
less Python per call, bitwise the same norms and clipped gradients."""
import pytest
import torch

from rlpyt.algos.gradients import clip_gradients


def params_with_grads(dtypes, seed: int = 0) -> list:
    """Parameters of a few shapes and ``dtypes`` with random gradients (one without)."""
    generator = torch.Generator().manual_seed(seed)
    params = []
    for shape, dtype in zip([(64, 17), (64,), (6, 64), (6,)], dtypes):
        p = torch.nn.Parameter(torch.zeros(shape, dtype=dtype))
        p.grad = torch.randn(shape, generator=generator).to(dtype)
        params.append(p)
    params.append(torch.nn.Parameter(torch.zeros(3)))  # no gradient: skipped by both
    return params


@pytest.mark.parametrize("dtypes", [[torch.float32] * 4, [torch.float32, torch.float64] * 2])
@pytest.mark.parametrize("max_norm", [0.5, 1e9])
def test_clip_grad_norm_equals_torchs_bitwise(dtypes, max_norm):
    ours, theirs = params_with_grads(dtypes), params_with_grads(dtypes)
    norm = clip_gradients(ours, max_norm)
    expected = torch.nn.utils.clip_grad_norm_(theirs, max_norm)
    assert torch.equal(norm, expected)
    for a, b in zip(ours, theirs):
        assert (a.grad is None and b.grad is None) or torch.equal(a.grad, b.grad)
    clipped = torch.linalg.vector_norm(torch.stack([p.grad.double().norm() for p in ours if p.grad is not None]))
    assert clipped.item() == pytest.approx(min(max_norm, norm.item()), rel=1e-5)


def test_clip_grad_norm_without_gradients_is_zero():
    assert clip_gradients([torch.nn.Parameter(torch.zeros(2))], 1.0).item() == 0.0
