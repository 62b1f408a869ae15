"""Property-based tests (hypothesis): metrics, powerset round trip, stratification."""

import warnings

import numpy as np
import pytest
import scipy.sparse as sp
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays
from sklearn import metrics as skm
from sklearn.exceptions import DataConversionWarning
from sklearn.model_selection import train_test_split

from skmml.metrics import (
    coverage,
    example_f1,
    hamming_loss,
    macro_f1,
    mean_average_precision,
    micro_f1,
    one_error,
    ranking_loss,
    subset_accuracy,
    weighted_f1,
)
from skmml.model_selection import IterativeStratifiedKFold, multilabel_train_test_split
from skmml.resampling._label_powerset import (
    _check_target,
    _restore_target,
    _sorted_label_powerset,
)
from skmml.utils import encode_label_powerset

FAST = settings(max_examples=40, deadline=None)


@st.composite
def label_matrices(draw, min_samples=1, max_samples=12, min_labels=1, max_labels=6):
    n = draw(st.integers(min_samples, max_samples))
    q = draw(st.integers(min_labels, max_labels))
    return draw(arrays(np.int64, (n, q), elements=st.integers(0, 1)))


# scikit-learn reads a one-column matrix as a binary target, so agreement
# with it is checked from two labels on (skmml keeps one column multi-label).
@st.composite
def true_pred_pairs(draw):
    Y_true = draw(label_matrices(min_labels=2))
    Y_pred = draw(arrays(np.int64, Y_true.shape, elements=st.integers(0, 1)))
    return Y_true, Y_pred


@st.composite
def true_score_pairs(draw):
    Y_true = draw(label_matrices(min_labels=2))
    # few distinct values, so that ties are common
    scores = draw(
        arrays(np.float64, Y_true.shape, elements=st.sampled_from([0.0, 0.25, 0.5, 1]))
    )
    return Y_true, scores


_F1 = {"micro": micro_f1, "macro": macro_f1, "weighted": weighted_f1}


# ---------------------------------------------------------------------------
# metrics: bounds, perfect prediction, agreement with scikit-learn


@FAST
@given(true_pred_pairs())
def test_bipartition_metrics_bounds_and_sklearn(pair):
    Y_true, Y_pred = pair
    for average, func in _F1.items():
        value = func(Y_true, Y_pred)
        assert 0.0 <= value <= 1.0
        expected = skm.f1_score(Y_true, Y_pred, average=average, zero_division=0.0)
        assert value == pytest.approx(expected)
    value = example_f1(Y_true, Y_pred)
    assert 0.0 <= value <= 1.0
    assert value == pytest.approx(
        skm.f1_score(Y_true, Y_pred, average="samples", zero_division=0.0)
    )
    assert hamming_loss(Y_true, Y_pred) == pytest.approx(
        skm.hamming_loss(Y_true, Y_pred)
    )
    assert subset_accuracy(Y_true, Y_pred) == pytest.approx(
        skm.accuracy_score(Y_true, Y_pred)
    )
    # sparse inputs give the same values
    assert micro_f1(sp.csr_matrix(Y_true), sp.csr_matrix(Y_pred)) == pytest.approx(
        micro_f1(Y_true, Y_pred)
    )


@FAST
@given(label_matrices())
def test_perfect_prediction(Y):
    assert hamming_loss(Y, Y) == 0.0
    assert subset_accuracy(Y, Y) == 1.0
    # F1 is 1 when there is at least one positive to find
    if Y.any():
        assert micro_f1(Y, Y) == 1.0
    nonempty = Y.any(axis=0)
    if nonempty.all():
        assert macro_f1(Y, Y) == 1.0
    assert hamming_loss(Y, 1 - Y) == 1.0
    assert subset_accuracy(Y, 1 - Y) == 0.0


@FAST
@given(true_score_pairs())
def test_ranking_metrics_bounds_and_sklearn(pair):
    Y_true, scores = pair
    n_labels = Y_true.shape[1]
    loss = ranking_loss(Y_true, scores)
    assert 0.0 <= loss <= 1.0
    assert loss == pytest.approx(skm.label_ranking_loss(Y_true, scores))
    cov = coverage(Y_true, scores)
    assert 0.0 <= cov <= n_labels
    assert cov == pytest.approx(skm.coverage_error(Y_true, scores))
    assert 0.0 <= one_error(Y_true, scores) <= 1.0
    value = mean_average_precision(Y_true, scores)
    assert 0.0 <= value <= 1.0
    assert value == pytest.approx(
        skm.label_ranking_average_precision_score(Y_true, scores)
    )


@FAST
@given(label_matrices())
def test_ranking_metrics_perfect_scores(Y):
    scores = Y.astype(np.float64)
    assert ranking_loss(Y, scores) == 0.0
    has_positive = Y.any(axis=1)
    if has_positive.all():
        assert mean_average_precision(Y, scores) == 1.0
        # ties between positive labels count against the predictor, so only
        # a single positive per row makes one-error 0 on 0/1 scores
        if (Y.sum(axis=1) == Y.shape[1]).all() or (Y.sum(axis=1) == 1).all():
            assert one_error(Y, scores) == 0.0


# ---------------------------------------------------------------------------
# powerset encode / decode round trip


@FAST
@given(label_matrices())
def test_powerset_encoding_round_trip(Y):
    for encode in (_sorted_label_powerset, encode_label_powerset):
        combinations, codes = encode(Y)
        np.testing.assert_array_equal(combinations[codes], Y)
        # one code per distinct row, and distinct rows get distinct codes
        assert len(combinations) == len(np.unique(Y, axis=0))
        assert len({tuple(r) for r in combinations}) == len(combinations)
        assert codes.min() == 0 and codes.max() == len(combinations) - 1
        # sparse input gives the same encoding
        sparse_comb, sparse_codes = encode(sp.csr_matrix(Y))
        np.testing.assert_array_equal(sparse_comb, combinations)
        np.testing.assert_array_equal(sparse_codes, codes)


@FAST
@given(label_matrices(max_labels=4))
def test_resampler_codes_sort_like_binary_numbers(Y):
    # documented: label 0 is the least significant bit
    combinations, codes = _sorted_label_powerset(Y)
    values = combinations @ (2 ** np.arange(Y.shape[1]))
    assert np.all(np.diff(values) > 0)
    np.testing.assert_array_equal(values[codes], Y @ (2 ** np.arange(Y.shape[1])))


@FAST
@given(label_matrices(min_samples=2), st.sampled_from(["array", "sparse", "list"]))
def test_resampler_target_round_trip(Y, container):
    y = {"array": Y, "sparse": sp.csr_matrix(Y), "list": Y.tolist()}[container]
    with warnings.catch_warnings():
        # a one-column Y is a column-vector target, which warns like sklearn
        warnings.simplefilter("ignore", DataConversionWarning)
        Y_ind, info, keep = _check_target(y)
    assert keep is None  # a complete target keeps every row
    back = _restore_target(Y_ind, info)
    if container == "sparse":
        assert sp.issparse(back)
        back = back.toarray()
    if Y.shape[1] == 1:
        # a column vector is a 1-D target: the rows come back as one-hot
        # classes and are restored to the column of class labels
        np.testing.assert_array_equal(np.asarray(back).reshape(Y.shape), Y)
    else:
        np.testing.assert_array_equal(np.asarray(back), Y)


@FAST
@given(st.lists(st.sampled_from(["a", "b", "c"]), min_size=2, max_size=15))
def test_resampler_1d_string_target_round_trip(y):
    y = np.asarray(y)
    assume(len(np.unique(y)) >= 2)
    Y_ind, info, keep = _check_target(y)
    assert keep is None  # a complete target keeps every row
    assert Y_ind.sum(axis=1).tolist() == [1] * len(y)
    np.testing.assert_array_equal(_restore_target(Y_ind, info), y)


# ---------------------------------------------------------------------------
# stratification invariants


@st.composite
def split_problems(draw):
    Y = draw(label_matrices(min_samples=6, max_samples=30, max_labels=5))
    n_splits = draw(st.integers(2, min(5, Y.shape[0])))
    order = draw(st.sampled_from([1, 2]))
    shuffle = draw(st.booleans())
    return Y, n_splits, order, shuffle


@FAST
@given(split_problems())
def test_kfold_partitions_the_samples(problem):
    Y, n_splits, order, shuffle = problem
    cv = IterativeStratifiedKFold(
        n_splits, order=order, shuffle=shuffle, random_state=0 if shuffle else None
    )
    X = np.zeros((Y.shape[0], 1))
    folds = list(cv.split(X, Y))
    assert len(folds) == n_splits == cv.get_n_splits()
    tests = np.concatenate([test for _, test in folds])
    np.testing.assert_array_equal(np.sort(tests), np.arange(Y.shape[0]))
    for train, test in folds:
        assert np.intersect1d(train, test).size == 0
        assert train.size + test.size == Y.shape[0]
    # every label's positives are distributed over the test folds exactly once
    per_fold = np.array([Y[test].sum(axis=0) for _, test in folds])
    np.testing.assert_array_equal(per_fold.sum(axis=0), Y.sum(axis=0))
    # deterministic: the same folds again (and, unshuffled, independent of X)
    again = list(cv.split(np.ones((Y.shape[0], 3)), Y))
    for (_, a), (_, b) in zip(folds, again, strict=True):
        np.testing.assert_array_equal(a, b)


@FAST
@given(split_problems())
def test_kfold_spreads_the_rarest_label(problem):
    Y, n_splits, _, shuffle = problem
    counts = Y.sum(axis=0)
    assume(counts.max() > 0)
    rarest = np.flatnonzero(counts == counts[counts > 0].min())
    cv = IterativeStratifiedKFold(
        n_splits, shuffle=shuffle, random_state=0 if shuffle else None
    )
    folds = [test for _, test in cv.split(np.zeros((Y.shape[0], 1)), Y)]
    per_fold = np.array([Y[test][:, rarest].sum(axis=0) for test in folds])
    # The rarest label is assigned first, one positive per fold in turn, so
    # its positives differ by at most one between folds (with ties between
    # rarest labels, at least the one processed first).
    spread = per_fold.max(axis=0) - per_fold.min(axis=0)
    assert spread.min() <= 1


@FAST
@given(
    label_matrices(min_samples=4, max_samples=30, max_labels=5),
    st.floats(0.1, 0.9),
    st.booleans(),
)
def test_train_test_split_sizes_and_partition(Y, test_size, shuffle):
    n = Y.shape[0]
    idx = np.arange(n)
    seed = 0 if shuffle else None
    try:
        sk_train, sk_test = train_test_split(idx, test_size=test_size, shuffle=False)
    except ValueError:
        # scikit-learn refuses an empty train or test set; so does skmml
        with pytest.raises(ValueError):
            multilabel_train_test_split(
                idx, Y, test_size=test_size, shuffle=shuffle, random_state=seed
            )
        return
    n_train, n_test = len(sk_train), len(sk_test)
    idx_train, idx_test, Y_train, Y_test = multilabel_train_test_split(
        idx, Y, test_size=test_size, shuffle=shuffle, random_state=seed
    )
    # same sizes as scikit-learn's train_test_split
    assert (len(idx_train), len(idx_test)) == (n_train, n_test)
    assert np.intersect1d(idx_train, idx_test).size == 0
    np.testing.assert_array_equal(np.sort(np.concatenate([idx_train, idx_test])), idx)
    # rows travel with their labels
    np.testing.assert_array_equal(Y_train, Y[idx_train])
    np.testing.assert_array_equal(Y_test, Y[idx_test])
