"""Tests of the default sampler of LabelPowersetResampler (issue 12)."""

import numpy as np
import pytest
from imblearn.over_sampling import RandomOverSampler
from numpy.testing import assert_array_equal

from skmml.resampling import LabelPowersetResampler

# combinations: {0} x4, {1} x2, {0, 1} x1
X_SMALL = np.arange(14, dtype=float).reshape(7, 2)
Y_SMALL = np.array([[1, 0], [1, 0], [1, 0], [1, 0], [0, 1], [0, 1], [1, 1]])


def _counts(Y):
    rows, counts = np.unique(np.asarray(Y), axis=0, return_counts=True)
    return {tuple(r): int(c) for r, c in zip(rows, counts, strict=True)}


def _long_tail(n_labels=8, n_samples=600, seed=0):
    """Zipf-like label frequencies: a few frequent, many unique combinations."""
    rng = np.random.RandomState(seed)
    freq = 0.5 / np.arange(1, n_labels + 1)
    Y = (rng.rand(n_samples, n_labels) < freq).astype(np.int64)
    X = rng.normal(size=(n_samples, 3)) + Y[:, :3]
    return X, Y


def test_default_hand_computed():
    # n_k' = max(n_k, min(n_max, 2 n_k)): 4 -> 4, 2 -> 4, 1 -> 2
    res = LabelPowersetResampler(random_state=0)
    X_res, Y_res = res.fit_resample(X_SMALL, Y_SMALL)
    assert _counts(Y_res) == {(1, 0): 4, (0, 1): 4, (1, 1): 2}
    assert X_res.shape == (10, 2)
    assert res.sampling_strategy_ == {(1,): 2, (0, 1): 1}
    assert isinstance(res.sampler_, RandomOverSampler)
    assert_array_equal(X_res, X_SMALL[res.sample_indices_])
    assert_array_equal(Y_res, Y_SMALL[res.sample_indices_])
    assert res.sampler is None  # the strategy is set on the clone only


def test_default_output_stays_below_twice_the_input():
    X, Y = _long_tail()
    res = LabelPowersetResampler(random_state=0)
    X_res, Y_res = res.fit_resample(X, Y)
    counts = res.combination_counts_
    assert (counts == 1).sum() >= 10 and counts.max() >= 50  # a long tail
    assert len(X_res) < 2 * len(X)
    out = _counts(Y_res)
    for combo, n in zip(res.combinations_, counts, strict=True):
        assert out[tuple(combo)] == max(n, min(counts.max(), 2 * n))
    # the previous default, one parameter away, grows it many times
    full = LabelPowersetResampler(RandomOverSampler(), random_state=0)
    X_full, _ = full.fit_resample(X, Y)
    assert len(X_full) == counts.max() * len(counts) > 10 * len(X)


def test_default_with_passed_through_combinations():
    X, Y = _long_tail()
    res = LabelPowersetResampler(min_combination_count=3, random_state=0)
    _, Y_res = res.fit_resample(X, Y)
    out = _counts(Y_res)
    counts = res.combination_counts_
    kept = counts >= 3
    for combo, n, k in zip(res.combinations_, counts, kept, strict=True):
        expected = max(n, min(counts[kept].max(), 2 * n)) if k else n
        assert out[tuple(combo)] == expected


def test_default_on_1d_target_and_deterministic():
    y = np.array([0] * 10 + [1] * 3 + [2] * 7)
    X = np.arange(40, dtype=float).reshape(20, 2)
    X_res, y_res = LabelPowersetResampler(random_state=0).fit_resample(X, y)
    assert np.bincount(y_res).tolist() == [10, 6, 10]
    again = LabelPowersetResampler(random_state=0).fit_resample(X, y)
    assert_array_equal(again[0], X_res)


def test_default_leaves_balanced_combinations_alone():
    Y = np.array([[1, 0], [1, 0], [0, 1], [0, 1]])
    X = np.arange(8, dtype=float).reshape(4, 2)
    X_res, Y_res = LabelPowersetResampler(random_state=0).fit_resample(X, Y)
    assert_array_equal(X_res, X)
    assert_array_equal(Y_res, Y)


@pytest.mark.parametrize("n_k, n_max, expected", [(1, 160, 2), (80, 160, 160)])
def test_capped_targets(n_k, n_max, expected):
    from skmml.resampling._label_powerset import _capped_targets

    assert _capped_targets([n_max, n_k]).tolist() == [n_max, expected]
