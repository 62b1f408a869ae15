"""Tests for skmml.model_selection (iterative stratification)."""

import itertools
import pickle
import subprocess
import sys
from fractions import Fraction

import numpy as np
import pytest
import scipy.sparse as sp
from sklearn.model_selection import (
    GridSearchCV,
    KFold,
    cross_validate,
    train_test_split,
)
from sklearn.neighbors import KNeighborsClassifier

from skmml.model_selection import (
    IterativeStratifiedKFold,
    multilabel_train_test_split,
)
from skmml.model_selection._iterative import (
    _combination_matrix,
    _iterative_stratification,
    _labels_to_csr,
)

# --------------------------------------------------------------------------
# helpers
# --------------------------------------------------------------------------


def _reference_folds(Y, weights, order=1):
    """Algorithm 1 of Sechidis et al. (2011), one sample at a time.

    Deterministic tie-breaking as documented (index order, lowest label,
    pairs first for order 2, lowest fold) and exact fractions, so the
    vectorised implementation must reproduce it exactly.
    """
    Y = np.asarray(Y)
    n, n_labels = Y.shape
    total = sum(weights)
    r = [Fraction(int(w), int(total)) for w in weights]
    combos = [(label,) for label in range(n_labels)]
    if order == 2:
        combos += sorted(
            {
                pair
                for row in Y
                for pair in itertools.combinations(np.flatnonzero(row), 2)
            }
        )
    has = np.zeros((n, len(combos)), dtype=bool)
    for q, comb in enumerate(combos):
        has[:, q] = Y[:, list(comb)].all(axis=1)
    c = [rj * n for rj in r]
    cl = [[rj * int(has[:, q].sum()) for rj in r] for q in range(len(combos))]
    fold = np.full(n, -1)
    left = set(range(n))
    while True:
        counts = [sum(has[s, q] for s in left) for q in range(len(combos))]
        positive = [q for q in range(len(combos)) if counts[q] > 0]
        if not positive:
            break
        fewest = min(counts[q] for q in positive)
        cand = [q for q in positive if counts[q] == fewest]
        q = ([p for p in cand if len(combos[p]) == 2] or cand)[0]
        for s in sorted(s for s in left if has[s, q]):
            m = max(range(len(r)), key=lambda j: (cl[q][j], c[j], -j))
            fold[s] = m
            left.discard(s)
            c[m] -= 1
            for qq in np.flatnonzero(has[s]):
                cl[qq][m] -= 1
    for s in sorted(left):
        m = max(range(len(r)), key=lambda j: (c[j], -j))
        fold[s] = m
        c[m] -= 1
    return fold


def _test_folds(cv, X, y):
    """Fold index of every sample, checking the folds partition the data."""
    n = len(y) if not sp.issparse(y) else y.shape[0]
    fold_of = np.full(n, -1)
    for j, (train, test) in enumerate(cv.split(X, y)):
        assert np.all(fold_of[test] == -1), "sample in two test folds"
        fold_of[test] = j
        np.testing.assert_array_equal(np.sort(np.r_[train, test]), np.arange(n))
        assert np.all(np.diff(test) > 0) and np.all(np.diff(train) > 0)
    assert np.all(fold_of >= 0), "sample in no test fold"
    return fold_of


def _long_tailed(n=400, n_labels=8, seed=0):
    rng = np.random.RandomState(seed)
    prevalence = 0.4 * np.arange(1, n_labels + 1) ** -1.3
    return (rng.rand(n, n_labels) < prevalence).astype(int)


def _label_distribution(Y, fold_of, n_folds):
    """LD measure of Sechidis et al. (2011)."""
    Y = np.asarray(Y)
    pos = Y.sum(axis=0)
    whole = pos / (Y.shape[0] - pos)
    ld = 0.0
    for j in range(n_folds):
        Yj = Y[fold_of == j]
        pj = Yj.sum(axis=0)
        ld += np.abs(pj / (Yj.shape[0] - pj) - whole).mean()
    return ld / n_folds


Y8 = np.array(
    [[1, 0], [1, 0], [0, 1], [0, 1], [1, 1], [1, 1], [0, 0], [0, 0]],
)


# --------------------------------------------------------------------------
# IterativeStratifiedKFold: algorithm
# --------------------------------------------------------------------------


def test_hand_computed_small_example():
    # Desired counts (k=2): every label has 4 positives -> 2 per fold.
    # Label 0 goes first (tie on counts, lowest index): samples 0, 1, 4, 5
    # alternate 0, 1, 0, 1 (tie on c^0, then on c, then lowest fold).
    # Label 1 then has samples 2, 3 left with c^1 = (1, 1): fold 0, fold 1.
    # The two unlabelled samples 6, 7 fill folds 0 and 1.
    fold_of = _test_folds(IterativeStratifiedKFold(n_splits=2), None, Y8)
    np.testing.assert_array_equal(fold_of, [0, 1, 0, 1, 0, 1, 0, 1])


def test_rarest_label_first_changes_assignment():
    # label 1 (2 positives) goes before label 0 (4 positives): samples 0 and
    # 3 go to folds 0 and 1. Label 0 then wants one more positive per fold:
    # sample 1 -> fold 0 (full tie, lowest index), sample 2 -> fold 1.
    # Taking label 0 first would give [0, 1, 0, 1], label 1 all in fold 0.
    Y = np.array([[1, 1], [1, 0], [1, 0], [1, 1]])
    fold_of = _test_folds(IterativeStratifiedKFold(n_splits=2), None, Y)
    np.testing.assert_array_equal(fold_of, [0, 0, 1, 1])
    np.testing.assert_array_equal(_reference_folds(Y, [1, 1]), [0, 0, 1, 1])


@pytest.mark.parametrize("order", [1, 2])
def test_matches_sequential_reference(order):
    rng = np.random.RandomState(order)
    for _ in range(40):
        n, n_labels, k = rng.randint(3, 30), rng.randint(1, 6), rng.randint(2, 6)
        Y = (rng.rand(n, n_labels) < rng.rand(n_labels) * 0.6).astype(int)
        if n < k:
            continue
        cv = IterativeStratifiedKFold(n_splits=k, order=order)
        fold_of = _test_folds(cv, None, Y)
        np.testing.assert_array_equal(fold_of, _reference_folds(Y, [1] * k, order))


def test_unequal_fold_weights_match_reference():
    rng = np.random.RandomState(7)
    for _ in range(30):
        n, n_labels = rng.randint(3, 30), rng.randint(1, 5)
        weights = rng.randint(1, 9, size=rng.randint(2, 4))
        Y = (rng.rand(n, n_labels) < 0.4).astype(int)
        for order in (1, 2):
            Z, is_pair = _combination_matrix(_labels_to_csr(Y), order)
            fold_of = _iterative_stratification(Z, is_pair, weights, rng=None)
            np.testing.assert_array_equal(
                fold_of, _reference_folds(Y, list(weights), order)
            )


def test_combination_matrix_order_2():
    Y = sp.csr_matrix(np.array([[1, 1, 1], [1, 0, 1], [0, 0, 0], [0, 1, 0]]))
    Z, is_pair = _combination_matrix(Y, 2)
    # columns: labels 0, 1, 2 then pairs (0,1), (0,2), (1,2)
    expected = np.array(
        [
            [1, 1, 1, 1, 1, 1],
            [1, 0, 1, 0, 1, 0],
            [0, 0, 0, 0, 0, 0],
            [0, 1, 0, 0, 0, 0],
        ]
    )
    np.testing.assert_array_equal(Z.toarray(), expected)
    np.testing.assert_array_equal(is_pair, [False] * 3 + [True] * 3)


@pytest.mark.parametrize("shuffle", [False, True])
@pytest.mark.parametrize("order", [1, 2])
@pytest.mark.parametrize("n_splits", [3, 5])
def test_rare_labels_spread_over_folds(shuffle, order, n_splits):
    rng = np.random.RandomState(0)
    n = 60
    Y = np.zeros((n, 4), dtype=int)
    Y[:, 0] = rng.rand(n) < 0.5  # common label
    Y[rng.choice(n, n_splits, replace=False), 1] = 1
    Y[rng.choice(n, 2 * n_splits, replace=False), 2] = 1
    Y[rng.choice(n, 3 * n_splits, replace=False), 3] = 1
    cv = IterativeStratifiedKFold(
        n_splits, order=order, shuffle=shuffle, random_state=0 if shuffle else None
    )
    fold_of = _test_folds(cv, None, Y)
    per_fold = np.array([Y[fold_of == j].sum(axis=0) for j in range(n_splits)])
    np.testing.assert_array_equal(per_fold[:, 1], 1)
    np.testing.assert_array_equal(per_fold[:, 2], 2)
    np.testing.assert_array_equal(per_fold[:, 3], 3)
    assert per_fold[:, 0].max() - per_fold[:, 0].min() <= 1
    sizes = np.bincount(fold_of, minlength=n_splits)
    assert sizes.max() - sizes.min() <= 2


@pytest.mark.parametrize("order", [1, 2])
def test_better_label_balance_than_kfold(order):
    Y = _long_tailed()
    X = np.zeros((Y.shape[0], 1))
    ours = _test_folds(IterativeStratifiedKFold(5, order=order), X, Y)
    ld_ours = _label_distribution(Y, ours, 5)
    ld_kfold = [
        _label_distribution(
            Y, _test_folds(KFold(5, shuffle=True, random_state=s), X, Y), 5
        )
        for s in range(5)
    ]
    assert ld_ours < 0.5 * min(ld_kfold)
    counts = np.array([Y[ours == j].sum(axis=0) for j in range(5)])
    # every label's positives differ by at most 1 between folds
    assert np.all(counts.max(axis=0) - counts.min(axis=0) <= 1)
    sizes = np.bincount(ours)
    assert sizes.max() - sizes.min() <= 3


def test_order_2_balances_label_pairs_better():
    rng = np.random.RandomState(3)
    n = 300
    Y = (rng.rand(n, 6) < [0.5, 0.45, 0.4, 0.3, 0.2, 0.1]).astype(int)
    pairs = list(itertools.combinations(range(6), 2))

    def pair_spread(order):
        fold_of = _test_folds(IterativeStratifiedKFold(4, order=order), None, Y)
        counts = np.array(
            [
                [
                    np.sum(Y[fold_of == j][:, a] & Y[fold_of == j][:, b])
                    for a, b in pairs
                ]
                for j in range(4)
            ]
        )
        return (counts.max(axis=0) - counts.min(axis=0)).sum()

    assert pair_spread(2) < pair_spread(1)


def test_samples_without_labels_fill_folds():
    Y = np.zeros((10, 2), dtype=int)
    Y[0, 0] = Y[1, 0] = 1
    fold_of = _test_folds(IterativeStratifiedKFold(n_splits=2), None, Y)
    np.testing.assert_array_equal(np.bincount(fold_of), [5, 5])
    # all-zero y (no label at all) still gives a valid, even split
    fold_of = _test_folds(IterativeStratifiedKFold(3), None, np.zeros((9, 3)))
    np.testing.assert_array_equal(np.bincount(fold_of), [3, 3, 3])


# --------------------------------------------------------------------------
# IterativeStratifiedKFold: inputs
# --------------------------------------------------------------------------


def test_sparse_and_dense_and_dtypes_agree():
    Y = _long_tailed(n=120, n_labels=5, seed=2)
    cv = IterativeStratifiedKFold(4, shuffle=True, random_state=1)
    expected = _test_folds(cv, None, Y)
    for variant in (
        sp.csr_matrix(Y),
        sp.csc_matrix(Y),
        Y.astype(bool),
        Y.astype(float),
        Y.tolist(),
    ):
        n = Y.shape[0]
        X = np.zeros((n, 2))
        got = np.full(n, -1)
        for j, (_, test) in enumerate(cv.split(X, variant)):
            got[test] = j
        np.testing.assert_array_equal(got, expected)


def test_pandas_dataframe_y():
    pd = pytest.importorskip("pandas")
    Y = _long_tailed(n=50, n_labels=3, seed=1)
    df = pd.DataFrame(Y, columns=["a", "b", "c"])
    cv = IterativeStratifiedKFold(3)
    np.testing.assert_array_equal(_test_folds(cv, df, df), _test_folds(cv, None, Y))


def test_one_dimensional_targets_are_one_hot_encoded():
    y = np.array(["b"] * 7 + ["a"] * 5 + ["c"] * 9)
    cv = IterativeStratifiedKFold(3)
    fold_of = _test_folds(cv, np.zeros((21, 1)), y)
    for cls, n_cls in (("a", 5), ("b", 7), ("c", 9)):
        per_fold = np.bincount(fold_of[y == cls], minlength=3)
        assert per_fold.sum() == n_cls
        assert per_fold.max() - per_fold.min() <= 1
    onehot = (y[:, None] == np.array(["a", "b", "c"])).astype(int)
    np.testing.assert_array_equal(fold_of, _test_folds(cv, None, onehot))
    # binary labels as 0/1 and as -1/1 give the same folds
    yb = np.array([0, 1, 1, 0, 1, 1, 1, 0, 1, 1])
    np.testing.assert_array_equal(
        _test_folds(cv, None, yb), _test_folds(cv, None, 2 * yb - 1)
    )


def test_y_is_not_modified():
    Y = _long_tailed(n=30, n_labels=3)
    Y_sparse = sp.csr_matrix(Y)
    Y_copy, data_copy = Y.copy(), Y_sparse.data.copy()
    list(IterativeStratifiedKFold(3, order=2).split(None, Y))
    list(IterativeStratifiedKFold(3).split(None, Y_sparse))
    np.testing.assert_array_equal(Y, Y_copy)
    np.testing.assert_array_equal(Y_sparse.data, data_copy)


@pytest.mark.parametrize(
    "y, match",
    [
        # a 2-D y with NaN is a partial target (see test_partial_y_*)
        (np.array([[0, 2], [1, 1], [1, 0]]), "y must be a binary indicator"),
        (np.array([[0, 1], [1, np.inf], [1, 0]]), "y contains infinity"),
        (np.array([0.5, 1.5, 2.5]), "1-D y must hold binary or multiclass"),
        (np.array([0.0, 1.0, np.nan]), "y contains NaN"),
        (np.zeros((3, 2, 2)), "y must be a 2-D binary indicator"),
        (np.array([[0, 1]] * 3, dtype=object), "y must be a binary indicator"),
        (None, "y is required"),
        (np.array(["a", 1.0, "b"], dtype=object), "y is not a valid target"),
        (np.array(["a", None, "b"], dtype=object), "y contains None"),
    ],
)
def test_invalid_y(y, match):
    cv = IterativeStratifiedKFold(2)
    with pytest.raises(ValueError, match=match):
        cv.split(np.zeros((3, 1)), y)


def test_length_mismatch_names_y_and_x():
    with pytest.raises(ValueError, match="y has 4 samples but X has 5"):
        IterativeStratifiedKFold(2).split(np.zeros((5, 2)), Y8[:4])


@pytest.mark.parametrize(
    "params, match",
    [
        ({"n_splits": 9}, r"n_splits=9 greater than the number of samples"),
        ({"n_splits": 1}, "n_splits must be >= 2"),
        ({"n_splits": 2.0}, "n_splits must be an integer"),
        ({"n_splits": True}, "n_splits must be an integer"),
        ({"order": 3}, "order must be 1"),
        ({"order": "2"}, "order must be the integer"),
        ({"shuffle": "yes"}, "shuffle must be True or False"),
        ({"random_state": 0}, "random_state has no effect since shuffle"),
        ({"shuffle": True, "random_state": "x"}, "cannot be used to seed"),
    ],
)
def test_invalid_parameters_raise_in_split_not_init(params, match):
    cv = IterativeStratifiedKFold(**params)  # stored unchanged, no error
    for name, value in params.items():
        assert getattr(cv, name) is value
    with pytest.raises(ValueError, match=match):
        cv.split(None, Y8)


def test_get_n_splits_validates():
    assert IterativeStratifiedKFold(4).get_n_splits() == 4
    assert IterativeStratifiedKFold(3).get_n_splits(np.zeros((8, 1)), Y8) == 3
    with pytest.raises(ValueError, match="n_splits must be >= 2"):
        IterativeStratifiedKFold(0).get_n_splits()


def test_groups_are_ignored_with_warning():
    cv = IterativeStratifiedKFold(2)
    with pytest.warns(UserWarning, match="groups parameter is ignored"):
        splits = list(cv.split(None, Y8, groups=np.arange(8)))
    np.testing.assert_array_equal(splits[0][1], next(cv.split(None, Y8))[1])


# --------------------------------------------------------------------------
# IterativeStratifiedKFold: determinism and API
# --------------------------------------------------------------------------


def test_deterministic_without_shuffle_and_under_random_state():
    Y = _long_tailed(n=200, n_labels=6)
    a = _test_folds(IterativeStratifiedKFold(4), None, Y)
    b = _test_folds(IterativeStratifiedKFold(4), None, Y)
    np.testing.assert_array_equal(a, b)
    s0 = _test_folds(IterativeStratifiedKFold(4, shuffle=True, random_state=0), None, Y)
    s0b = _test_folds(
        IterativeStratifiedKFold(4, shuffle=True, random_state=0), None, Y
    )
    s1 = _test_folds(IterativeStratifiedKFold(4, shuffle=True, random_state=1), None, Y)
    np.testing.assert_array_equal(s0, s0b)
    assert not np.array_equal(s0, s1)
    assert not np.array_equal(s0, a)
    # a RandomState instance advances: two calls give different folds
    cv = IterativeStratifiedKFold(
        4, shuffle=True, random_state=np.random.RandomState(0)
    )
    assert not np.array_equal(_test_folds(cv, None, Y), _test_folds(cv, None, Y))


def test_repr_and_pickle():
    cv = IterativeStratifiedKFold(3, order=2, shuffle=True, random_state=42)
    assert repr(cv) == (
        "IterativeStratifiedKFold(n_splits=3, order=2, random_state=42, shuffle=True)"
    )
    # sklearn's splitter repr wraps long lines; compare modulo whitespace
    assert " ".join(repr(IterativeStratifiedKFold()).split()) == (
        "IterativeStratifiedKFold(n_splits=5, order=1, random_state=None, "
        "shuffle=False)"
    )
    Y = _long_tailed(n=60, n_labels=4)
    restored = pickle.loads(pickle.dumps(cv))
    assert repr(restored) == repr(cv)
    np.testing.assert_array_equal(
        _test_folds(cv, None, Y), _test_folds(restored, None, Y)
    )


def test_works_as_cv_in_cross_validate_and_grid_search():
    rng = np.random.RandomState(0)
    Y = _long_tailed(n=90, n_labels=4, seed=3)
    X = Y @ rng.rand(4, 3) + 0.1 * rng.rand(90, 3)
    cv = IterativeStratifiedKFold(3, shuffle=True, random_state=0)
    res = cross_validate(KNeighborsClassifier(3), X, Y, cv=cv, return_indices=True)
    assert len(res["test_score"]) == 3
    tests = np.concatenate(res["indices"]["test"])
    np.testing.assert_array_equal(np.sort(tests), np.arange(90))
    gs = GridSearchCV(KNeighborsClassifier(), {"n_neighbors": [1, 3]}, cv=cv)
    gs.fit(X, Y)
    assert gs.n_splits_ == 3
    assert gs.best_params_["n_neighbors"] in (1, 3)


def test_import_does_not_pull_heavy_dependencies():
    code = (
        "import sys, skmml.model_selection; "
        "print(any(m in sys.modules for m in ('torch', 'matplotlib')))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert out.stdout.strip() == "False"


# --------------------------------------------------------------------------
# multilabel_train_test_split
# --------------------------------------------------------------------------


@pytest.mark.parametrize(
    "test_size, train_size",
    [(None, None), (0.25, None), (0.1, None), (None, 0.6), (7, None), (0.2, 0.5)],
)
def test_split_sizes_match_sklearn(test_size, train_size):
    Y = _long_tailed(n=97, n_labels=5)
    X = np.arange(97 * 2).reshape(97, 2)
    Xtr, Xte, Ytr, Yte = multilabel_train_test_split(
        X, Y, test_size=test_size, train_size=train_size, random_state=0
    )
    sk = train_test_split(X, test_size=test_size, train_size=train_size, random_state=0)
    assert Xtr.shape == sk[0].shape and Xte.shape == sk[1].shape
    assert Ytr.shape[0] == Xtr.shape[0] and Yte.shape[0] == Xte.shape[0]
    # rows stay paired and in their original order, subsets are disjoint
    np.testing.assert_array_equal(Y[Xtr[:, 0] // 2], Ytr)
    assert np.all(np.diff(Xte[:, 0]) > 0)
    assert not set(Xtr[:, 0]) & set(Xte[:, 0])


@pytest.mark.parametrize("order", [1, 2])
def test_split_exact_sizes_with_dense_labels_and_balanced_labels(order):
    # every sample carries labels, so the sizes need the repair step
    rng = np.random.RandomState(1)
    Y = (rng.rand(300, 6) < 0.5).astype(int)
    Y[Y.sum(axis=1) == 0, 0] = 1
    Ytr, Yte = multilabel_train_test_split(
        Y, test_size=0.25, random_state=0, order=order
    )
    assert Yte.shape[0] == 75 and Ytr.shape[0] == 225
    expected = Y.sum(axis=0) * 0.25
    assert np.all(np.abs(Yte.sum(axis=0) - expected) <= 2)


def test_split_rare_labels_and_determinism():
    Y = np.zeros((40, 3), dtype=int)
    Y[:, 0] = np.arange(40) % 2
    Y[[3, 10, 17, 30], 1] = 1  # 4 positives, test_size 0.5 -> 2 and 2
    Y[[5, 25], 2] = 1  # 2 positives -> 1 and 1
    Ytr, Yte = multilabel_train_test_split(Y, test_size=0.5, shuffle=False)
    np.testing.assert_array_equal(Yte.sum(axis=0), [10, 2, 1])
    np.testing.assert_array_equal(Ytr.sum(axis=0), [10, 2, 1])
    again = multilabel_train_test_split(Y, test_size=0.5, shuffle=False)
    np.testing.assert_array_equal(again[1], Yte)
    a = multilabel_train_test_split(np.arange(40), Y, random_state=3)[1]
    b = multilabel_train_test_split(np.arange(40), Y, random_state=3)[1]
    c = multilabel_train_test_split(np.arange(40), Y, random_state=4)[1]
    np.testing.assert_array_equal(a, b)
    assert not np.array_equal(a, c)


def test_split_keeps_input_types():
    pd = pytest.importorskip("pandas")
    Y = _long_tailed(n=40, n_labels=3)
    df = pd.DataFrame({"f": np.arange(40)}, index=np.arange(40) + 100)
    Ys = sp.csr_matrix(Y)
    Xtr, Xte, Ltr, Lte, Ytr, Yte = multilabel_train_test_split(
        df, list(range(40)), Ys, test_size=0.25, random_state=0
    )
    assert isinstance(Xtr, pd.DataFrame) and isinstance(Ltr, list)
    assert sp.issparse(Ytr) and Yte.shape == (10, 3)
    np.testing.assert_array_equal(Xte.index - 100, Lte)
    np.testing.assert_array_equal(Yte.toarray(), Y[Lte])


def test_split_one_dimensional_labels():
    y = np.array([0] * 30 + [1] * 10)
    ytr, yte = multilabel_train_test_split(y, test_size=0.25, random_state=0)
    np.testing.assert_array_equal(np.bincount(yte), [8, 2])


@pytest.mark.parametrize(
    "args, kwargs, match",
    [
        ((), {}, "At least one array is required"),
        ((np.zeros((5, 1)), Y8), {}, r"arrays\[0\] has 5 samples but y"),
        ((Y8,), {"test_size": 1.5}, "test_size=1.5 must be a float"),
        ((Y8,), {"test_size": 8}, "test_size=8 must be a positive int"),
        ((Y8,), {"train_size": "a"}, "train_size must be a float"),
        ((Y8,), {"test_size": 0.5, "train_size": 0.75}, "only 8 are available"),
        ((Y8,), {"test_size": 0.01}, None),
        ((Y8,), {"shuffle": False, "random_state": 0}, "random_state has no"),
        ((Y8,), {"order": 0}, "order must be 1"),
        ((np.array([[0, 3]] * 8),), {}, "y must be a binary indicator"),
    ],
)
def test_split_invalid_input(args, kwargs, match):
    if match is None:  # valid edge case: a 1-sample test set
        Ytr, Yte = multilabel_train_test_split(*args, random_state=0, **kwargs)
        assert Yte.shape == (1, 2) and Ytr.shape == (7, 2)
        return
    with pytest.raises(ValueError, match=match):
        multilabel_train_test_split(*args, **kwargs)


@pytest.mark.parametrize("random_state", ["abc", -1, 1.5])
def test_bad_random_state_is_named(random_state):
    Y = _long_tailed(n=30, n_labels=3)
    X = np.zeros((30, 1))
    splitter = IterativeStratifiedKFold(3, shuffle=True, random_state=random_state)
    with pytest.raises(ValueError, match="random_state must be"):
        list(splitter.split(X, Y))
    with pytest.raises(ValueError, match="random_state must be"):
        multilabel_train_test_split(X, Y, random_state=random_state)


# --------------------------------------------------------------------------
# partially labelled y (NaN = unknown)
# --------------------------------------------------------------------------


def _partial(n=300, seed=0):
    """Y with label-dependent prevalence and unknown ratios, NaN = unknown."""
    rng = np.random.RandomState(seed)
    Y = (rng.random_sample((n, 6)) < np.linspace(0.05, 0.5, 6)).astype(float)
    hidden = rng.random_sample(Y.shape) < [0.1, 0.3, 0.5, 0.2, 0.6, 0.4]
    return np.where(hidden, np.nan, Y)


def _spreads(Y, fold_of, n_folds):
    """Per label: max - min over folds of known positives and of unknowns."""
    pos = np.array([np.nansum(Y[fold_of == j], axis=0) for j in range(n_folds)])
    unk = np.array([np.isnan(Y[fold_of == j]).sum(axis=0) for j in range(n_folds)])
    return np.ptp(pos, axis=0), np.ptp(unk, axis=0), unk.mean(axis=0)


def test_partial_y_hand_computed():
    # one label: 2 unknown, 2 positive, 2 negative -> one of each per fold
    Y = np.array([[np.nan], [np.nan], [1], [1], [0], [0]])
    fold_of = _test_folds(IterativeStratifiedKFold(2), None, Y)
    np.testing.assert_array_equal(fold_of, [0, 1, 0, 1, 0, 1])


@pytest.mark.parametrize("order", [1, 2])
@pytest.mark.parametrize("shuffle", [False, True])
def test_partial_y_balances_known_positives_and_unknowns(order, shuffle):
    Y = _partial()
    cv = IterativeStratifiedKFold(
        5, order=order, shuffle=shuffle, random_state=0 if shuffle else None
    )
    fold_of = _test_folds(cv, np.zeros((300, 1)), Y)
    pos, unk, per_fold = _spreads(Y, fold_of, 5)
    assert pos.max() <= 2, pos
    assert np.all(unk <= 0.2 * per_fold + 2), (unk, per_fold)
    # much tighter than unstratified folds on the same data
    kfold = _test_folds(KFold(5, shuffle=True, random_state=0), Y, Y)
    pos_kf, unk_kf, _ = _spreads(Y, kfold, 5)
    assert pos.sum() < pos_kf.sum() / 2 and unk.sum() < unk_kf.sum()
    assert np.all(np.bincount(fold_of) >= 55)


def test_partial_y_unknowns_are_stratified_not_only_positives():
    # stratifying the known positives alone leaves the unknowns unbalanced
    from skmml.model_selection._iterative import (
        _iterative_stratification,
        _labels_and_unknown,
        _stratification_matrix,
    )

    Y = _partial()
    positives, unknown = _labels_and_unknown(Y)
    np.testing.assert_array_equal(unknown.toarray(), np.isnan(Y))
    weights = np.ones(5, dtype=np.int64)
    both = _iterative_stratification(
        *_stratification_matrix(positives, unknown, 1), weights, rng=None
    )
    alone = _iterative_stratification(
        *_stratification_matrix(positives, None, 1), weights, rng=None
    )
    assert _spreads(Y, both, 5)[1].sum() < _spreads(Y, alone, 5)[1].sum() / 2


def test_partial_y_containers_agree():
    pd = pytest.importorskip("pandas")
    Y = _partial(n=60)
    cv = IterativeStratifiedKFold(3)
    dense = _test_folds(cv, None, Y)
    frame = pd.DataFrame(Y).astype("Int64")  # pd.NA at the unknown entries
    np.testing.assert_array_equal(_test_folds(cv, None, frame), dense)
    csr = sp.csr_matrix(np.where(Y == 0, 0, Y))  # NaN stored explicitly
    np.testing.assert_array_equal(_test_folds(cv, None, csr), dense)
    # a row whose every label is unknown is assigned like any other
    Y[0] = np.nan
    _test_folds(cv, None, Y)


def test_partial_y_is_not_modified():
    Y = _partial(n=60)
    Y_copy = Y.copy()
    list(IterativeStratifiedKFold(3, order=2).split(None, Y))
    multilabel_train_test_split(Y, random_state=0)
    np.testing.assert_array_equal(Y, Y_copy)


# Folds of the complete target below, computed before partial targets were
# supported: a complete y (int or float) must keep giving exactly these.
_COMPLETE_FOLDS = {
    (1, False): "0200102111021120012221202111202021010200",
    (1, True): "2001210122100112100110221020121220022010",
    (2, False): "1021001120222101020211002121202010022011",
    (2, True): "0110102022112012001001101212000222211212",
}
_COMPLETE_TEST_SETS = {
    (1, False): "0000000000000110001110010011001010011000",
    (1, True): "0111000110000000000100011000000001101010",
    (2, False): "0000000000100011001001001010001011000101",
    (2, True): "0001000010000010000100011010011000000111",
}


@pytest.mark.parametrize("order, shuffle", list(_COMPLETE_FOLDS))
@pytest.mark.parametrize("dtype", [np.int64, np.float64, bool, np.int8])
def test_complete_y_folds_unchanged(order, shuffle, dtype):
    rng = np.random.RandomState(13)
    Y = (rng.random_sample((40, 4)) < [0.5, 0.3, 0.15, 0.08]).astype(dtype)
    random_state = 0 if shuffle else None
    cv = IterativeStratifiedKFold(
        3, order=order, shuffle=shuffle, random_state=random_state
    )
    fold_of = _test_folds(cv, None, Y)
    assert "".join(map(str, fold_of)) == _COMPLETE_FOLDS[order, shuffle]
    index = np.arange(40)
    kwargs = {"random_state": 0} if shuffle else {"shuffle": False}
    splits = multilabel_train_test_split(index, Y, test_size=0.3, order=order, **kwargs)
    test = splits[1]
    in_test = "".join("1" if i in set(test) else "0" for i in index)
    assert in_test == _COMPLETE_TEST_SETS[order, shuffle]


@pytest.mark.parametrize("shuffle", [False, True])
def test_partial_y_train_test_split(shuffle):
    Y = _partial()
    X = np.arange(300)[:, None]
    kwargs = {"random_state": 0} if shuffle else {"shuffle": False}
    X_train, X_test, Y_train, Y_test = multilabel_train_test_split(
        X, Y, test_size=0.25, **kwargs
    )
    assert X_test.shape[0] == 75 and X_train.shape[0] == 225
    # the subsets keep their NaN, row for row
    np.testing.assert_array_equal(Y_test, Y[X_test[:, 0]])
    np.testing.assert_array_equal(Y_train, Y[X_train[:, 0]])
    # a quarter of every label's known positives and unknowns in the test set
    for part, whole in (
        (np.nansum(Y_test, axis=0), np.nansum(Y, axis=0)),
        (np.isnan(Y_test).sum(axis=0), np.isnan(Y).sum(axis=0)),
    ):
        assert np.all(np.abs(part - whole / 4) <= 0.1 * whole / 4 + 1.5), (
            part,
            whole / 4,
        )


def test_partial_one_dimensional_y_is_rejected():
    with pytest.raises(ValueError, match="only supported in a 2-D"):
        list(IterativeStratifiedKFold(2).split(None, np.array([0, 1, np.nan, 1])))


def test_dense_y_is_copied_in_one_byte_per_entry():
    # the labels are validated into an int8 copy (was int64: 8 bytes/entry)
    import tracemalloc

    rng = np.random.RandomState(0)
    n, q = 20000, 50
    Y = (rng.random_sample((n, q)) < 0.02).astype(np.int64)
    cv = IterativeStratifiedKFold(5, shuffle=True, random_state=0)
    tracemalloc.start()
    try:
        cv._make_test_folds(None, Y)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 5 * n * q
