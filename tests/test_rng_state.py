"""get_rng_state / set_rng_state: restoring the state repeats the draws of
Python's random, NumPy's global generator and torch, also through torch.save."""
import io
import random

import numpy as np
import pytest
import torch

from rlpyt.utils.seed import get_rng_state, set_rng_state, set_seed


def draw_all():
    return (random.random(), random.getrandbits(64), np.random.rand(5).tolist(), np.random.randn(3).tolist(),
        torch.rand(4).tolist(), torch.randint(0, 1000, (4,)).tolist())


def test_restore_repeats_the_draws_of_every_generator():
    set_seed(3)
    draw_all()
    np.random.randn()  # leave a cached Gaussian in numpy's legacy state
    state = get_rng_state()
    first = draw_all()
    draw_all()
    set_rng_state(state)
    assert draw_all() == first


def test_state_survives_torch_save_with_weights_only():
    set_seed(5)
    state = get_rng_state()
    expected = draw_all()
    buffer = io.BytesIO()
    torch.save(state, buffer)
    buffer.seek(0)
    set_seed(6)
    set_rng_state(torch.load(buffer, weights_only=True))
    assert draw_all() == expected


@pytest.mark.skipif(not torch.cuda.is_available(), reason="needs CUDA")
def test_cuda_generator_is_captured_once_initialized():
    torch.cuda.init()
    state = get_rng_state()
    assert "torch_cuda" in state
    expected = torch.rand(4, device="cuda").tolist()
    torch.rand(4, device="cuda")
    set_rng_state(state)
    assert torch.rand(4, device="cuda").tolist() == expected


def test_incomplete_state_is_refused():
    with pytest.raises(ValueError, match="numpy"):
        set_rng_state({"python": random.getstate(), "torch": torch.get_rng_state()})
