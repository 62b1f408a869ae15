import math
import pickle

import numpy as np
import pytest
import scipy.sparse as sp
from numpy.testing import assert_allclose, assert_array_equal
from sklearn.base import clone
from sklearn.model_selection import GridSearchCV
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler
from sklearn.utils._param_validation import InvalidParameterError

from skmml.svm import LabelPowersetWeightedSVC, RandomLabelsetsWeightedSVC


@pytest.fixture(scope="module")
def data():
    rng = np.random.RandomState(0)
    X = rng.normal(size=(80, 5))
    Y = np.column_stack(
        [
            X[:, 0] > 0,
            X[:, 1] + X[:, 2] > 0,
            X[:, 3] > 0.5,
            X[:, 4] < -0.3,
            X[:, 0] + X[:, 4] > 0.8,
        ]
    ).astype(np.int64)
    return X, Y


def _outputs(est, X):
    return [est.predict(X), est.predict_proba(X), est.decision_function(X)]


# ---------------------------------------------- one subset = full powerset
@pytest.mark.parametrize(
    "svm",
    [
        {},
        {"solver": "liblinear"},
        {"solver": "least_squares", "class_weight": "balanced"},
        {"kernel": "rbf", "class_weight": None},
    ],
)
@pytest.mark.parametrize("mode", ["disjoint", "overlapping"])
@pytest.mark.parametrize("k", [5, 9])
def test_single_labelset_equals_full_powerset(data, svm, mode, k):
    X, Y = data
    ens = RandomLabelsetsWeightedSVC(
        labelset_size=k, labelset_mode=mode, random_state=0, **svm
    ).fit(X, Y)
    assert len(ens.labelsets_) == 1
    assert_array_equal(ens.labelsets_[0], np.arange(5))
    seed = ens.estimators_[0].random_state
    full = LabelPowersetWeightedSVC(random_state=seed, **svm).fit(X, Y)
    for got, expected in zip(_outputs(ens, X), _outputs(full, X), strict=True):
        assert_array_equal(got, expected)


def test_single_labelset_equals_full_powerset_on_partial_Y(data):
    X, Y = data
    Y_partial = Y.astype(float)
    Y_partial[::7, 2] = np.nan
    params = {"unknown": "drop_rows", "random_state": 0}
    ens = RandomLabelsetsWeightedSVC(labelset_size=5, **params).fit(X, Y_partial)
    full = LabelPowersetWeightedSVC(**params).fit(X, Y_partial)
    for got, expected in zip(_outputs(ens, X), _outputs(full, X), strict=True):
        assert_array_equal(got, expected)


# ---------------------------------------------------------------- labelsets
@pytest.mark.parametrize("n_labels, k", [(10, 3), (9, 3), (7, 2), (5, 1), (4, 4)])
def test_disjoint_labelsets_partition_the_labels(n_labels, k):
    est = RandomLabelsetsWeightedSVC(labelset_size=k)
    labelsets = est._draw_labelsets(n_labels, np.random.RandomState(0))
    assert len(labelsets) == math.ceil(n_labels / k)
    joined = np.concatenate(labelsets)
    assert_array_equal(np.sort(joined), np.arange(n_labels))
    assert {len(s) for s in labelsets} <= {k - 1, k}
    for s in labelsets:
        assert_array_equal(s, np.sort(s))


@pytest.mark.parametrize(
    "n_labels, k, m, expected_m",
    [
        (10, 3, None, 20),
        (4, 3, None, 4),  # C(4, 3) = 4 < 2 * 4
        (6, 2, 15, 15),  # every pair
        (10, 3, 4, 4),  # just the cover
        (200, 3, 90, 90),  # drawn by rejection (C(200, 3) > 100 000)
    ],
)
def test_overlapping_labelsets_cover_every_label(n_labels, k, m, expected_m):
    est = RandomLabelsetsWeightedSVC(
        labelset_size=k, labelset_mode="overlapping", n_labelsets=m
    )
    labelsets = est._draw_labelsets(n_labels, np.random.RandomState(0))
    assert len(labelsets) == expected_m
    assert all(len(s) == k for s in labelsets)
    assert len({tuple(s) for s in labelsets}) == expected_m  # distinct
    assert set(np.concatenate(labelsets)) == set(range(n_labels))
    assert all(np.all(np.diff(s) > 0) for s in labelsets)


def test_overlapping_fit_covers_and_counts_votes(data):
    X, Y = data
    ens = RandomLabelsetsWeightedSVC(
        labelset_size=2, labelset_mode="overlapping", random_state=0
    ).fit(X, Y)
    assert len(ens.labelsets_) == 10  # min(2 * 5, C(5, 2))
    votes = np.zeros(Y.shape)
    proba = np.zeros(Y.shape)
    counts = np.zeros(Y.shape[1])
    for labels, est in zip(ens.labelsets_, ens.estimators_, strict=True):
        assert isinstance(est, LabelPowersetWeightedSVC)
        votes[:, labels] += est.predict(X)
        proba[:, labels] += est.predict_proba(X)
        counts[labels] += 1
    assert np.all(counts > 0)
    assert_array_equal(ens.predict(X), (votes / counts > 0.5).astype(int))
    assert_allclose(ens.predict_proba(X), proba / counts)
    # a tie of votes (1 of 2) is not above 0.5; a lower threshold flips it
    low = clone(ens).set_params(threshold=0.0).fit(X, Y)
    assert_array_equal(low.predict(X), (votes > 0).astype(int))
    dec = ens.decision_function(X)
    assert np.all(np.isfinite(dec))
    assert_array_equal(dec > 0, ens.predict_proba(X) > 0.5)


def test_labelset_errors(data):
    X, Y = data
    with pytest.raises(ValueError, match="n_labelsets applies to"):
        RandomLabelsetsWeightedSVC(n_labelsets=3).fit(X, Y)
    over = RandomLabelsetsWeightedSVC(labelset_mode="overlapping", labelset_size=2)
    with pytest.raises(ValueError, match=r"at least .* = 3"):
        clone(over).set_params(n_labelsets=2).fit(X, Y)
    with pytest.raises(ValueError, match=r"C\(5, 2\) = 10"):
        clone(over).set_params(n_labelsets=11).fit(X, Y)
    with pytest.raises(ValueError, match="dict applies to a 1-D y only"):
        RandomLabelsetsWeightedSVC(class_weight={(0, 1): 2.0}).fit(X, Y)
    with pytest.raises(InvalidParameterError, match="labelset_mode"):
        RandomLabelsetsWeightedSVC(labelset_mode="random").fit(X, Y)
    with pytest.raises(ValueError, match="only supports kernel='linear'"):
        RandomLabelsetsWeightedSVC(solver="liblinear", kernel="rbf").fit(X, Y)


# -------------------------------------------------------------- determinism
@pytest.mark.parametrize("mode", ["disjoint", "overlapping"])
def test_deterministic_under_random_state(data, mode):
    X, Y = data
    params = {"labelset_size": 2, "labelset_mode": mode, "solver": "liblinear"}
    a = RandomLabelsetsWeightedSVC(random_state=3, **params).fit(X, Y)
    b = RandomLabelsetsWeightedSVC(random_state=3, **params).fit(X, Y)
    c = RandomLabelsetsWeightedSVC(random_state=np.random.RandomState(3), **params)
    c.fit(X, Y)
    for other in (b, c):
        assert [s.tolist() for s in a.labelsets_] == [
            s.tolist() for s in other.labelsets_
        ]
        for got, expected in zip(_outputs(a, X), _outputs(other, X), strict=True):
            assert_array_equal(got, expected)
    est = RandomLabelsetsWeightedSVC(**params)
    draws = {
        tuple(tuple(s) for s in est._draw_labelsets(12, np.random.RandomState(seed)))
        for seed in range(5)
    }
    assert len(draws) > 1


@pytest.mark.parametrize("random_state", [None, 0])
def test_global_rng_is_never_consumed(data, random_state):
    X, Y = data
    np.random.seed(0)
    before = np.random.get_state()[1].copy()
    RandomLabelsetsWeightedSVC(
        labelset_size=2, labelset_mode="overlapping", random_state=random_state
    ).fit(X, Y)
    assert_array_equal(np.random.get_state()[1], before)


def test_n_jobs_gives_the_same_model(data):
    X, Y = data
    params = {"labelset_size": 2, "random_state": 0, "solver": "liblinear"}
    one = RandomLabelsetsWeightedSVC(**params).fit(X, Y)
    two = RandomLabelsetsWeightedSVC(n_jobs=2, **params).fit(X, Y)
    for got, expected in zip(_outputs(one, X), _outputs(two, X), strict=True):
        assert_array_equal(got, expected)


# ------------------------------------------------------------ degenerate Y
def test_constant_labelset_predicts_its_combination(data):
    X, Y = data
    Y = np.column_stack([Y[:, :2], np.zeros((len(Y), 3), dtype=int)])
    ens = RandomLabelsetsWeightedSVC(labelset_size=2, random_state=0).fit(X, Y)
    # any partition of 5 labels into sizes (2, 2, 1) has a subset of {2, 3, 4}
    constant = [set(s) <= {2, 3, 4} for s in ens.labelsets_]
    assert any(constant)
    for is_constant, est in zip(constant, ens.estimators_, strict=True):
        assert ("Constant" in repr(est)) == is_constant
    assert_array_equal(ens.predict(X)[:, 2:], 0)
    assert_array_equal(ens.predict_proba(X)[:, 2:], 0.0)
    assert np.all(ens.decision_function(X)[:, 2:] < -700)


def test_single_combination_is_predicted():
    X = np.random.RandomState(0).normal(size=(20, 3))
    Y = np.tile([1, 0, 1, 1], (20, 1))
    ens = RandomLabelsetsWeightedSVC(random_state=0).fit(X, Y)
    assert_array_equal(ens.predict(X), Y)


def test_1d_targets_are_one_weighted_svc(data):
    X, Y = data
    y = Y[:, 0] + 2 * Y[:, 1]
    ens = RandomLabelsetsWeightedSVC(random_state=0).fit(X, y)
    full = LabelPowersetWeightedSVC().fit(X, y)
    assert ens.labelsets_ is None and ens.n_labels_ is None
    assert_array_equal(ens.classes_, full.classes_)
    for got, expected in zip(_outputs(ens, X), _outputs(full, X), strict=True):
        assert_array_equal(got, expected)


# --------------------------------------------------------------- partial Y
def test_partial_Y_is_rejected_by_default(data):
    X, Y = data
    Y_partial = Y.astype(float)
    Y_partial[0, 0] = np.nan
    with pytest.raises(ValueError, match="NaN.*drop_rows"):
        RandomLabelsetsWeightedSVC().fit(X, Y_partial)


def test_partial_Y_drop_rows_per_labelset(data):
    X, Y = data
    Y_partial = Y.astype(float)
    Y_partial[:10, 0] = np.nan
    ens = RandomLabelsetsWeightedSVC(
        labelset_size=2, unknown="drop_rows", random_state=0
    ).fit(X, Y_partial)
    for labels, est in zip(ens.labelsets_, ens.estimators_, strict=True):
        # the rows with label 0 unknown only leave the subset holding label 0
        expected = LabelPowersetWeightedSVC(
            unknown="drop_rows", random_state=est.random_state
        ).fit(X, Y_partial[:, labels])
        n_rows = 70 if 0 in labels else 80
        assert len(est.sample_weight_) == n_rows
        assert_array_equal(est.predict(X), expected.predict(X))
    assert not np.isnan(ens.predict(X)).any()
    Y_none = Y_partial.copy()
    Y_none[:, 0] = np.nan
    with pytest.raises(ValueError, match=r"labels \[0(, \d)*\] of a labelset"):
        clone(ens).fit(X, Y_none)


# ------------------------------------------------------- inputs and reuse
def test_sparse_X_and_Y_give_the_same_model(data):
    X, Y = data
    params = {"labelset_size": 2, "random_state": 0}
    dense = RandomLabelsetsWeightedSVC(**params).fit(X, Y)
    sparse = RandomLabelsetsWeightedSVC(**params).fit(
        sp.csr_matrix(X), sp.csr_matrix(Y)
    )
    assert_array_equal(dense.predict(X), sparse.predict(sp.csr_matrix(X)))
    assert_allclose(dense.predict_proba(X), sparse.predict_proba(X))


def test_sample_weight_reaches_every_labelset(data):
    X, Y = data
    w = np.linspace(0.5, 2.0, len(X))
    ens = RandomLabelsetsWeightedSVC(labelset_size=2, random_state=0)
    ens.fit(X, Y, sample_weight=w)
    for labels, est in zip(ens.labelsets_, ens.estimators_, strict=True):
        ref = LabelPowersetWeightedSVC().fit(X, Y[:, labels], sample_weight=w)
        assert_allclose(est.sample_weight_, ref.sample_weight_)
    with pytest.raises(ValueError, match="sample_weight must have shape"):
        ens.fit(X, Y, sample_weight=w[:3])


def test_clone_pickle_pipeline_and_grid_search(data):
    X, Y = data
    ens = RandomLabelsetsWeightedSVC(labelset_size=2, random_state=0).fit(X, Y)
    loaded = pickle.loads(pickle.dumps(ens))
    for got, expected in zip(_outputs(loaded, X), _outputs(ens, X), strict=True):
        assert_array_equal(got, expected)
    assert clone(ens).get_params() == ens.get_params()
    search = GridSearchCV(
        make_pipeline(StandardScaler(), RandomLabelsetsWeightedSVC(solver="liblinear")),
        {"randomlabelsetsweightedsvc__labelset_size": [2, 3]},
        scoring="f1_micro",
        cv=2,
    ).fit(X, Y)
    assert search.predict(X).shape == Y.shape


# ---------------------------------- the full powerset warns at many labels
def test_full_powerset_warns_above_1000_combinations():
    codes = np.arange(1001)
    Y = (codes[:, None] >> np.arange(10)) & 1  # 1001 distinct rows
    X = np.zeros((1001, 1))
    with (
        pytest.warns(UserWarning, match="1001 distinct label combinations"),
        pytest.raises(ValueError, match="sample_weight"),  # stop before solving
    ):
        LabelPowersetWeightedSVC().fit(X, Y, sample_weight=np.ones(2))
    with (
        pytest.warns(UserWarning, match="RandomLabelsetsWeightedSVC"),
        pytest.raises(ValueError, match="sample_weight"),
    ):
        LabelPowersetWeightedSVC().fit(X, Y, sample_weight=np.ones(2))


def test_no_warning_at_1000_combinations(recwarn):
    codes = np.arange(1000)
    Y = (codes[:, None] >> np.arange(10)) & 1
    with pytest.raises(ValueError, match="sample_weight"):
        LabelPowersetWeightedSVC().fit(np.zeros((1000, 1)), Y, sample_weight=np.ones(2))
    assert not [w for w in recwarn if "distinct label combinations" in str(w)]


# ------------------------------------------- liblinear's dual or primal
def test_dual_reaches_liblinear_and_the_same_model(data):
    X, Y = data
    params = {"solver": "liblinear", "labelset_size": 2, "random_state": 0}
    primal = RandomLabelsetsWeightedSVC(dual=False, tol=1e-8, **params).fit(X, Y)
    dual = RandomLabelsetsWeightedSVC(
        dual=True, tol=1e-8, max_iter=100_000, **params
    ).fit(X, Y)
    for est in dual.estimators_:
        assert est.estimator_.dual is True
    assert all(est.estimator_.dual is False for est in primal.estimators_)
    # one convex problem: both solvers reach the same hyperplanes
    assert_allclose(dual.decision_function(X), primal.decision_function(X), atol=1e-4)
    assert_array_equal(dual.predict(X), primal.predict(X))
    assert LabelPowersetWeightedSVC().dual == "auto"


# ------------------------------------------------------------- issue 12
@pytest.mark.parametrize("n_jobs", [None, 2])
def test_fit_does_not_leak_the_many_classes_warning(n_jobs):
    import warnings

    rng = np.random.RandomState(0)
    X = rng.normal(size=(60, 3))
    Y = rng.randint(0, 2, size=(60, 8))  # ~50 of 64 combinations per subset
    before = list(warnings.filters)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        RandomLabelsetsWeightedSVC(labelset_size=6, n_jobs=n_jobs, random_state=0).fit(
            X, Y
        )
    assert warnings.filters == before


def test_temperature_reaches_every_labelset(data):
    X, Y = data
    clf = RandomLabelsetsWeightedSVC(temperature=2.5, random_state=0).fit(X, Y)
    fitted = [e for e in clf.estimators_ if hasattr(e, "temperature_")]
    assert fitted and all(e.temperature_ == 2.5 for e in fitted)
    auto = RandomLabelsetsWeightedSVC(random_state=0).fit(X, Y)
    np.testing.assert_array_equal(auto.predict(X), clf.predict(X))
    proba = auto.predict_proba(X)
    assert np.all((proba >= 0) & (proba <= 1))
