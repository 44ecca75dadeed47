"""Returns, GAE and masks against brute-force references; truncation bootstraps."""
import numpy as np
import pytest
import torch

from rlpyt.algos.utils import discount_return, generalized_advantage_estimation, valid_from_done


def random_batch(rng, T=7, B=5):
    reward = rng.normal(size=(T, B)).astype(np.float32)
    value = rng.normal(size=(T, B)).astype(np.float32)
    done = rng.random((T, B)) < 0.3
    timeout = done & (rng.random((T, B)) < 0.5)
    done[-1, 0], timeout[-1, 0] = True, True      # timeout on the last step
    done[-1, 1], timeout[-1, 1] = True, False     # termination on the last step
    done[0, 2], timeout[0, 2] = True, True        # timeout on the first step
    done[:, 3], timeout[:, 3] = False, False      # never done: bootstrap at the end
    timeout_value = rng.normal(size=(T, B)).astype(np.float32)
    bootstrap = rng.normal(size=(1, B)).astype(np.float32)
    return reward, value, done, timeout, timeout_value, bootstrap


def next_value(k, b, value, done, timeout, timeout_value, bootstrap):
    """Value of the state after step k: 0 if terminal, the final observation's
    value at a truncation, the next value otherwise."""
    T = len(value)
    if done[k, b]:
        return timeout_value[k, b] if timeout[k, b] else 0.0
    return bootstrap[0, b] if k == T - 1 else value[k + 1, b]


def brute_return(reward, done, timeout, timeout_value, bootstrap, discount):
    T, B = reward.shape
    out = np.zeros((T, B))
    for b in range(B):
        for t in range(T):
            total, k = 0.0, t
            while True:
                total += discount ** (k - t) * reward[k, b]
                if done[k, b]:
                    if timeout[k, b]:
                        total += discount ** (k - t + 1) * timeout_value[k, b]
                    break
                if k == T - 1:
                    total += discount ** (k - t + 1) * bootstrap[0, b]
                    break
                k += 1
            out[t, b] = total
    return out


def brute_gae(reward, value, done, timeout, timeout_value, bootstrap, discount, lam):
    T, B = reward.shape
    out = np.zeros((T, B))
    for b in range(B):
        for t in range(T):
            total = 0.0
            for k in range(t, T):
                nv = next_value(k, b, value, done, timeout, timeout_value, bootstrap)
                delta = reward[k, b] + discount * nv - value[k, b]
                total += (discount * lam) ** (k - t) * delta
                if done[k, b]:
                    break
            out[t, b] = total
    return out


@pytest.mark.parametrize("seed", range(5))
@pytest.mark.parametrize("as_torch", [False, True])
def test_discount_return_matches_brute_force(seed, as_torch):
    rng = np.random.default_rng(seed)
    reward, _value, done, timeout, tv, bv = random_batch(rng)
    expected = brute_return(reward, done, timeout, tv, bv, 0.9)
    conv = torch.from_numpy if as_torch else np.asarray
    got = discount_return(conv(reward), conv(done), conv(bv), 0.9, timeout=conv(timeout), timeout_value=conv(tv))
    np.testing.assert_allclose(np.asarray(got), expected, rtol=1e-5, atol=1e-5)


@pytest.mark.parametrize("seed", range(5))
@pytest.mark.parametrize("lam", [0.0, 0.8, 1.0])
@pytest.mark.parametrize("as_torch", [False, True])
def test_gae_matches_brute_force(seed, lam, as_torch):
    rng = np.random.default_rng(seed)
    reward, value, done, timeout, tv, bv = random_batch(rng)
    expected = brute_gae(reward, value, done, timeout, tv, bv, 0.95, lam)
    conv = torch.from_numpy if as_torch else np.asarray
    adv, ret = generalized_advantage_estimation(conv(reward), conv(value), conv(done), conv(bv), 0.95, lam,
        timeout=conv(timeout), timeout_value=conv(tv))
    np.testing.assert_allclose(np.asarray(adv), expected, rtol=1e-4, atol=1e-4)
    np.testing.assert_allclose(np.asarray(ret), expected + value, rtol=1e-4, atol=1e-4)


def test_gae_lambda_one_equals_return_minus_value():
    rng = np.random.default_rng(0)
    reward, value, done, timeout, tv, bv = random_batch(rng)
    adv, _ = generalized_advantage_estimation(reward, value, done, bv, 0.9, 1.0, timeout=timeout, timeout_value=tv)
    ret = discount_return(reward, done, bv, 0.9, timeout=timeout, timeout_value=tv)
    np.testing.assert_allclose(adv, ret - value, atol=1e-5)


def test_without_timeout_every_done_is_terminal():
    reward = np.ones((3, 1), dtype=np.float32)
    done = np.array([[False], [True], [False]])
    ret = discount_return(reward, done, np.array([[10.0]], dtype=np.float32), 0.5)
    np.testing.assert_allclose(ret[:, 0], [1.5, 1.0, 6.0])


def test_timeout_requires_its_value():
    with pytest.raises(ValueError, match="timeout_value"):
        discount_return(np.ones((2, 1)), np.zeros((2, 1), bool), np.zeros((1, 1)), 0.9, timeout=np.zeros((2, 1), bool))


def test_valid_from_done():
    done = np.array([[0, 1, 0], [1, 0, 0], [0, 1, 0], [1, 0, 0]], dtype=bool)
    expected = np.array([[1, 1, 1], [1, 0, 1], [0, 0, 1], [0, 0, 1]], dtype=np.float32)
    np.testing.assert_array_equal(valid_from_done(done), expected)
    np.testing.assert_array_equal(valid_from_done(torch.from_numpy(done)).numpy(), expected)
