"""SumTree against a brute-force priority array (hypothesis property tests)."""
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from rlpyt.replays.sum_tree import SumTree

priority = st.one_of(st.just(0.0), st.floats(1e-6, 1e3))


@settings(max_examples=60, deadline=None)
@given(size=st.integers(1, 70), data=st.data())
def test_random_updates_match_brute_force(size, data):
    tree, brute = SumTree(size), np.zeros(size)
    for _ in range(data.draw(st.integers(1, 8))):
        idxs = data.draw(st.lists(st.integers(0, size - 1), min_size=1, max_size=10))
        values = data.draw(st.lists(priority, min_size=len(idxs), max_size=len(idxs)))
        tree.update(idxs, values)
        for i, v in zip(idxs, values):
            brute[i] = v
        np.testing.assert_allclose(tree.get(np.arange(size)), brute)
        assert tree.total == pytest.approx(brute.sum(), rel=1e-12, abs=1e-12)
        if brute.sum() > 0:
            drawn, drawn_p = tree.sample(64)
            assert np.all(brute[drawn] > 0), "a zero-priority leaf was drawn"
            np.testing.assert_array_equal(drawn_p, brute[drawn])


@settings(max_examples=40, deadline=None)
@given(size=st.integers(2, 40), seed=st.integers(0, 2 ** 31))
def test_sampling_frequencies_match_priorities(size, seed):
    """Chi-square goodness of fit at p > 1e-6 (critical values from the
    Wilson-Hilferty approximation); zero-priority leaves never drawn."""
    rng = np.random.default_rng(seed)
    p = rng.random(size) * (rng.random(size) > 0.3)
    p[rng.integers(size)] = 1.0
    tree = SumTree(size)
    tree.update(np.arange(size), p)
    n = 20_000
    drawn = np.concatenate([tree.sample(1000, rng)[0] for _ in range(n // 1000)])
    counts = np.bincount(drawn, minlength=size)
    assert counts[p == 0].sum() == 0
    expected = n * p / p.sum()
    nz = expected > 0
    chi2 = ((counts[nz] - expected[nz]) ** 2 / expected[nz]).sum()
    k = nz.sum() - 1
    if k == 0:
        return
    z = 4.75  # one-sided normal quantile for 1e-6
    critical = k * (1 - 2 / (9 * k) + z * np.sqrt(2 / (9 * k))) ** 3
    assert chi2 < critical


def test_boundary_draws_never_pick_zero_leaves():
    """Draws landing exactly on subtree boundaries, with zeros to the right."""
    tree = SumTree(8)
    tree.update(np.arange(8), [0.1, 0.2, 0.0, 0.0, 0.3, 0.0, 0.0, 0.0])
    drawn, _ = tree.sample(10_000)
    assert set(np.unique(drawn)) <= {0, 1, 4}


def test_bad_input_names_the_problem():
    with pytest.raises(ValueError, match="size"):
        SumTree(0)
    tree = SumTree(4)
    with pytest.raises(IndexError, match=r"\[0, 4\)"):
        tree.update([4], [1.0])
    with pytest.raises(ValueError, match="priorities"):
        tree.update([0], [-1.0])
    with pytest.raises(ValueError, match="zero"):
        tree.sample(2)
