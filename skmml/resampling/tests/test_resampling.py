"""Tests of skmml.resampling: LabelPowersetResampler and MLSMOTE."""

import pickle
import warnings

import numpy as np
import pytest
import scipy.sparse as sp
from imblearn.over_sampling import SMOTE, RandomOverSampler
from imblearn.pipeline import Pipeline
from imblearn.under_sampling import RandomUnderSampler
from imblearn.utils.estimator_checks import parametrize_with_checks
from numpy.testing import assert_allclose, assert_array_equal
from sklearn.base import clone
from sklearn.datasets import make_multilabel_classification
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import GridSearchCV
from sklearn.multiclass import OneVsRestClassifier

from skmml.resampling import MLSMOTE, LabelPowersetResampler

# -- imbalanced-learn's own sampler checks -------------------------------------

SAMPLERS = [
    LabelPowersetResampler(random_state=0),
    LabelPowersetResampler(SMOTE(), random_state=0),
    LabelPowersetResampler(RandomUnderSampler(), random_state=0),
    MLSMOTE(random_state=0),
    MLSMOTE(interpolation="segment", label_generation="union", random_state=0),
]

# imblearn's samplers must reject multi-label targets; accepting them is the
# purpose of these samplers. Every other imblearn check passes.
EXPECTED_FAILED_CHECKS = {
    "check_target_type": (
        "expects a ValueError for a multi-label target, which these "
        "multi-label samplers accept by design"
    ),
}


# imblearn's check_target_type fits on data with a single frequent label
# combination, for which the sampler warns and returns the data unchanged.
@pytest.mark.filterwarnings("ignore:Fewer than two label combinations:UserWarning")
@parametrize_with_checks(
    SAMPLERS, expected_failed_checks=lambda est: EXPECTED_FAILED_CHECKS
)
def test_imblearn_sampler_checks(estimator, check):
    check(estimator)


def test_samplers_do_resample_multilabel_targets():
    # the one imblearn check expected to fail, shown failing for the right reason
    X = np.random.RandomState(0).normal(size=(80, 2))
    Y = np.random.RandomState(1).randint(2, size=(80, 3))
    for sampler in SAMPLERS:
        X_res, Y_res = clone(sampler).fit_resample(X, Y)
        assert Y_res.shape[1] == 3 and X_res.shape[0] == Y_res.shape[0]


# -- LabelPowersetResampler ---------------------------------------------------

# combinations: {0} x4, {1} x2, {0, 1} x1
X_SMALL = np.arange(14, dtype=float).reshape(7, 2)
Y_SMALL = np.array([[1, 0], [1, 0], [1, 0], [1, 0], [0, 1], [0, 1], [1, 1]])


def _rows_count(Y):
    rows, counts = np.unique(np.asarray(Y), axis=0, return_counts=True)
    return {tuple(r): int(c) for r, c in zip(rows, counts, strict=True)}


def test_lp_random_over_sampler_reaches_majority_combination():
    res = LabelPowersetResampler(RandomOverSampler(), random_state=0)
    X_res, Y_res = res.fit_resample(X_SMALL, Y_SMALL)
    assert _rows_count(Y_res) == {(1, 0): 4, (0, 1): 4, (1, 1): 4}
    assert X_res.shape == (12, 2)
    # the original samples come first, then duplicates of minority rows
    assert_array_equal(X_res[:7], X_SMALL)
    assert_array_equal(X_res, X_SMALL[res.sample_indices_])
    assert_array_equal(Y_res, Y_SMALL[res.sample_indices_])
    assert res.sampling_strategy_ == {(1,): 2, (0, 1): 3}
    assert_array_equal(res.combinations_, [[1, 0], [0, 1], [1, 1]])
    assert_array_equal(res.combination_counts_, [4, 2, 1])


def test_lp_random_under_sampler_reaches_minority_combination():
    res = LabelPowersetResampler(RandomUnderSampler(), random_state=0)
    X_res, Y_res = res.fit_resample(X_SMALL, Y_SMALL)
    assert _rows_count(Y_res) == {(1, 0): 1, (0, 1): 1, (1, 1): 1}
    assert_array_equal(X_res, X_SMALL[res.sample_indices_])


def _long_tail_data():
    rng = np.random.RandomState(0)
    Y = np.array([[1, 0, 0]] * 20 + [[0, 1, 0]] * 10 + [[1, 1, 0]] * 6)
    Y = np.vstack([Y, [[0, 0, 1]] * 2 + [[1, 0, 1]]])  # two rare combinations
    X = rng.normal(size=(Y.shape[0], 3)) + 3 * Y @ np.eye(3)
    return X, Y


def test_lp_smote_passes_rare_combinations_through():
    X, Y = _long_tail_data()
    with pytest.raises(ValueError, match="n_neighbors"):
        # what the wrapper avoids: SMOTE alone fails on the rare classes
        SMOTE(k_neighbors=5).fit_resample(X, np.arange(39) % 13 == 0)
    res = LabelPowersetResampler(SMOTE(k_neighbors=5), random_state=0)
    X_res, Y_res = res.fit_resample(X, Y)
    assert res.min_combination_count_ == 6
    assert_array_equal(
        res.combinations_[res.rare_combinations_], [[0, 0, 1], [1, 0, 1]]
    )
    # frequent combinations balanced to 20, rare ones unchanged at the end
    assert _rows_count(Y_res) == {
        (1, 0, 0): 20,
        (0, 1, 0): 20,
        (1, 1, 0): 20,
        (0, 0, 1): 2,
        (1, 0, 1): 1,
    }
    assert_array_equal(X_res[-3:], X[-3:])
    assert_array_equal(Y_res[-3:], Y[-3:])
    assert_array_equal(X_res[:36], X[:36])  # SMOTE keeps the originals first
    # a smaller k lowers the threshold: {0, 0, 1} (2 samples) is then resampled
    res.set_params(sampler__k_neighbors=1)
    _, Y_res = res.fit_resample(X, Y)
    assert res.min_combination_count_ == 2
    assert _rows_count(Y_res)[(0, 0, 1)] == 20
    assert _rows_count(Y_res)[(1, 0, 1)] == 1


def test_lp_explicit_min_combination_count():
    X, Y = _long_tail_data()
    res = LabelPowersetResampler(min_combination_count=7, random_state=0)
    _, Y_res = res.fit_resample(X, Y)
    counts = _rows_count(Y_res)
    assert counts[(1, 1, 0)] == 6 and counts[(0, 1, 0)] == 20
    assert LabelPowersetResampler().fit(X, Y).min_combination_count_ == 1


def test_lp_returns_data_unchanged_when_fewer_than_two_frequent_combinations():
    X, Y = _long_tail_data()
    res = LabelPowersetResampler(min_combination_count=15)
    with pytest.warns(UserWarning, match="returned unchanged"):
        X_res, Y_res = res.fit_resample(X, Y)
    assert_array_equal(X_res, X)
    assert_array_equal(Y_res, Y)
    assert res.sampling_strategy_ == {}


def test_lp_one_dimensional_target_matches_the_wrapped_sampler():
    rng = np.random.RandomState(0)
    X = rng.normal(size=(33, 2))
    y = np.array(["a"] * 15 + ["b"] * 10 + ["c"] * 8)
    X_ref, y_ref = SMOTE(random_state=3).fit_resample(X, y)
    res = LabelPowersetResampler(SMOTE(), random_state=3)
    X_res, y_res = res.fit_resample(X, y)
    assert_allclose(X_res, X_ref)
    assert_array_equal(y_res, y_ref)
    assert res.sampling_strategy_ == {"b": 5, "c": 7}
    # the one-hot form of the same target gives the same samples
    Y_onehot = (y[:, None] == np.array(["a", "b", "c"])).astype(int)
    X_oh, Y_oh = res.fit_resample(X, Y_onehot)
    assert_allclose(X_oh, X_ref)
    assert_array_equal(np.array(["a", "b", "c"])[Y_oh.argmax(axis=1)], y_ref)


def test_lp_sparse_and_dataframe_inputs_keep_their_kind():
    pd = pytest.importorskip("pandas")
    X, Y = _long_tail_data()
    res = LabelPowersetResampler(SMOTE(k_neighbors=3), random_state=0)
    X_ref, Y_ref = res.fit_resample(X, Y)
    X_sp, Y_sp = res.fit_resample(sp.csr_matrix(X), sp.csr_matrix(Y))
    assert sp.issparse(X_sp) and sp.issparse(Y_sp)
    assert_allclose(X_sp.toarray(), X_ref)
    assert_array_equal(Y_sp.toarray(), Y_ref)
    X_df = pd.DataFrame(X, columns=["f0", "f1", "f2"])
    Y_df = pd.DataFrame(Y.astype(bool), columns=["cat", "dog", "owl"])
    X_res, Y_res = res.fit_resample(X_df, Y_df)
    assert list(X_res.columns) == ["f0", "f1", "f2"]
    assert list(Y_res.columns) == ["cat", "dog", "owl"]
    assert all(dtype == np.bool_ for dtype in Y_res.dtypes)
    assert_allclose(X_res.to_numpy(), X_ref)
    assert_array_equal(Y_res.to_numpy(), Y_ref)
    assert_array_equal(res.feature_names_in_, ["f0", "f1", "f2"])


def test_lp_clones_sampler_and_leaves_inputs_untouched():
    X, Y = _long_tail_data()
    X0, Y0 = X.copy(), Y.copy()
    sampler = SMOTE(k_neighbors=2)
    res = LabelPowersetResampler(sampler, random_state=0).fit(X, Y)
    assert res.sampler_ is not sampler
    assert not hasattr(sampler, "sampling_strategy_")
    assert sampler.random_state is None  # only the clone got random_state=0
    assert_array_equal(X, X0)
    assert_array_equal(Y, Y0)


def test_lp_deterministic_and_picklable():
    X, Y = _long_tail_data()
    res = LabelPowersetResampler(SMOTE(k_neighbors=2), random_state=7)
    X1, _ = res.fit_resample(X, Y)
    X2, _ = pickle.loads(pickle.dumps(clone(res))).fit_resample(X, Y)
    assert_array_equal(X1, X2)
    X3, _ = res.set_params(random_state=8).fit_resample(X, Y)
    assert X3.shape == X1.shape and not np.allclose(X3, X1)


@pytest.mark.parametrize(
    "params, y, match",
    [
        ({"sampler": LogisticRegression()}, Y_SMALL, "'sampler' parameter"),
        ({"min_combination_count": 0}, Y_SMALL, "'min_combination_count' param"),
        ({"min_combination_count": "many"}, Y_SMALL, "'min_combination_count' p"),
        ({"random_state": "abc"}, Y_SMALL, "'random_state' parameter"),
        ({}, Y_SMALL * 2, "binary indicator matrix"),
        ({}, Y_SMALL[:5], "inconsistent numbers of samples"),
        ({}, np.ones((7, 2)), "only one class"),
        ({}, np.linspace(0, 1, 7), "Unknown label type"),
        ({}, None, "requires y to be passed"),
    ],
)
def test_lp_errors(params, y, match):
    with pytest.raises(ValueError, match=match):
        LabelPowersetResampler(**params).fit_resample(X_SMALL, y)


# -- MLSMOTE --------------------------------------------------------------------


def test_mlsmote_irlbl_mean_ir_and_bag_of_one():
    # label counts [4, 2, 1]: IRLbl = [1, 2, 4], MeanIR = 7 / 3
    X = np.array([[0.0, 0.0], [1.0, 0.0], [5.0, 5.0], [2.0, 0.0]])
    Y = np.array([[1, 1, 0], [1, 1, 0], [1, 0, 1], [1, 0, 0]])
    sampler = MLSMOTE(random_state=0)
    X_res, Y_res = sampler.fit_resample(X, Y)
    assert_allclose(sampler.irlbl_, [1.0, 2.0, 4.0])
    assert sampler.mean_ir_ == pytest.approx(7 / 3)
    assert_array_equal(sampler.minority_labels_, [2])  # 2 < 7/3 < 4
    assert sampler.sampling_strategy_ == {2: 1}
    # a bag of one sample has no neighbour: its synthetic sample is a copy
    assert_array_equal(X_res, np.vstack([X, X[2]]))
    assert_array_equal(Y_res, np.vstack([Y, Y[2]]))


def test_mlsmote_label_without_samples_is_left_out_of_mean_ir():
    Y = np.array([[1, 0, 0], [1, 0, 0], [1, 1, 0], [1, 0, 0]])
    sampler = MLSMOTE(k_neighbors=1).fit(np.eye(4), Y)
    assert_allclose(sampler.irlbl_, [1.0, 4.0, np.inf])
    assert sampler.mean_ir_ == pytest.approx(2.5)
    with pytest.raises(ValueError, match=r"label\(s\) \[2\] that no sample"):
        MLSMOTE(sampling_strategy=[2]).fit_resample(np.eye(4), Y)


# A bag of label 3 on a line, x = 0, 1, 2, 10; with k = 2 the neighbours
# are {1, 2}, {0, 2}, {1, 0} and {2, 1}.
X_BAG = np.array([[0.0, 0.0], [1.0, 0.0], [2.0, 0.0], [10.0, 0.0]])
Y_BAG = np.array([[1, 0, 0, 1], [1, 1, 0, 1], [0, 1, 0, 1], [0, 0, 1, 1]])
# votes of seed + neighbours: [2, 2, 0, 3] for the first three, [1, 2, 1, 3]
EXPECTED_LABELS = {
    "ranking": [[1, 1, 0, 1]] * 3 + [[0, 1, 0, 1]],  # more than 3 / 2 votes
    "union": [[1, 1, 0, 1]] * 3 + [[1, 1, 1, 1]],
    "intersection": [[0, 0, 0, 1]] * 4,
}


@pytest.mark.parametrize("label_generation", sorted(EXPECTED_LABELS))
def test_mlsmote_label_generation(label_generation):
    X = np.vstack([X_BAG, [[50.0, 50.0], [51.0, 50.0]]])
    Y = np.vstack([Y_BAG, [[1, 1, 0, 0], [1, 0, 0, 0]]])
    sampler = MLSMOTE(
        sampling_strategy=[3], k_neighbors=2, label_generation=label_generation
    )
    X_res, Y_res = sampler.fit_resample(X, Y)
    assert_array_equal(Y_res[:6], Y)
    assert_array_equal(Y_res[6:], EXPECTED_LABELS[label_generation])
    assert sampler.sampling_strategy_ == {3: 4}
    assert_allclose(X_res[6:, 1], 0.0)


def _knn(X_bag, i, k):
    d = np.linalg.norm(X_bag - X_bag[i], axis=1)
    d[i] = np.inf
    return np.argsort(d)[:k]


def test_mlsmote_segment_samples_lie_between_seed_and_a_neighbour():
    rng = np.random.RandomState(0)
    X = rng.uniform(size=(40, 2))
    Y = np.zeros((40, 2), dtype=int)
    Y[:, 0] = 1
    Y[:8, 1] = 1  # bag of label 1: the first 8 samples
    sampler = MLSMOTE(k_neighbors=3, interpolation="segment", random_state=0)
    X_res, Y_res = sampler.fit_resample(X, Y)
    X_new = X_res[40:]
    assert X_new.shape == (8, 2)
    for i in range(8):
        seed, step = X[i], X_new[i] - X[i]
        found = False
        for j in _knn(X[:8], i, 3):
            direction = X[j] - seed
            cross = direction[0] * step[1] - direction[1] * step[0]
            gap = step @ direction / (direction @ direction)
            found |= abs(cross) < 1e-12 and -1e-12 <= gap <= 1 + 1e-12
        assert found, i


def test_mlsmote_per_feature_samples_lie_in_the_box_of_seed_and_a_neighbour():
    rng = np.random.RandomState(1)
    X = rng.uniform(size=(40, 3))
    Y = np.zeros((40, 2), dtype=int)
    Y[:, 0] = 1
    Y[:8, 1] = 1
    X_new = MLSMOTE(k_neighbors=3, random_state=0).fit_resample(X, Y)[0][40:]
    off_segment = 0
    for i in range(8):
        boxes = [
            (np.minimum(X[i], X[j]), np.maximum(X[i], X[j]), X[j])
            for j in _knn(X[:8], i, 3)
        ]
        inside = [
            ref
            for low, high, ref in boxes
            if np.all((low <= X_new[i]) & (X_new[i] <= high))
        ]
        assert inside, i
        gaps = (X_new[i] - X[i]) / (inside[0] - X[i])
        off_segment += np.ptp(gaps) > 1e-6
    assert off_segment > 0  # one gap per feature, not per sample


def test_mlsmote_dense_sparse_and_determinism():
    X, Y = make_multilabel_classification(
        n_samples=80, n_features=6, n_classes=5, random_state=0
    )
    # integer counts tie in distance; ties may be broken differently by the
    # tree (dense) and brute-force (sparse) neighbour searches
    X = X + np.random.RandomState(0).uniform(0, 0.1, size=X.shape)
    sampler = MLSMOTE(random_state=0)
    X_res, Y_res = sampler.fit_resample(X, Y)
    n_new = sum(sampler.sampling_strategy_.values())
    assert n_new == Y[:, sampler.minority_labels_].sum() > 0
    assert X_res.shape == (80 + n_new, 6)
    selected = sampler.irlbl_ > sampler.mean_ir_
    assert_array_equal(sampler.minority_labels_, np.flatnonzero(selected))
    X_sp, Y_sp = clone(sampler).fit_resample(sp.csr_matrix(X), sp.csr_matrix(Y))
    assert sp.issparse(X_sp) and sp.issparse(Y_sp)
    assert_allclose(X_sp.toarray(), X_res)
    assert_array_equal(Y_sp.toarray(), Y_res)
    X_again, _ = pickle.loads(pickle.dumps(sampler)).fit_resample(X, Y)
    assert_array_equal(X_again, X_res)
    X_other, _ = sampler.set_params(random_state=1).fit_resample(X, Y)
    assert not np.allclose(X_other, X_res)
    # synthetic samples carry the label whose bag seeded them
    first = sampler.minority_labels_[0]
    n_first = list(sampler.sampling_strategy_.values())[0]
    assert Y_res[80 : 80 + n_first, first].all()


def test_mlsmote_sampling_strategy_list_and_callable():
    X, Y = make_multilabel_classification(
        n_samples=60, n_features=4, n_classes=4, random_state=1
    )
    by_list = MLSMOTE(sampling_strategy=[0, 2], random_state=0)
    X_list, _ = by_list.fit_resample(X, Y)
    assert by_list.sampling_strategy_ == {0: Y[:, 0].sum(), 2: Y[:, 2].sum()}
    by_callable = MLSMOTE(sampling_strategy=lambda Y: [0, 2], random_state=0)
    assert_array_equal(by_callable.fit_resample(X, Y)[0], X_list)


def test_mlsmote_one_dimensional_target():
    X = np.random.RandomState(0).normal(size=(30, 2))
    y = np.array([0] * 20 + [1] * 6 + [2] * 4)
    sampler = MLSMOTE(random_state=0)
    X_res, y_res = sampler.fit_resample(X, y)
    # IRLbl = [1, 3.33, 5], MeanIR = 3.11: classes 1 and 2 are doubled
    assert sampler.sampling_strategy_ == {1: 6, 2: 4}
    assert_array_equal(np.bincount(y_res), [20, 12, 8])


@pytest.mark.parametrize(
    "params, match",
    [
        ({"k_neighbors": 0}, "'k_neighbors' parameter of MLSMOTE"),
        ({"label_generation": "vote"}, "'label_generation' parameter"),
        ({"interpolation": "linear"}, "'interpolation' parameter"),
        ({"sampling_strategy": "minority"}, "'sampling_strategy' parameter"),
        ({"n_jobs": "x"}, "'n_jobs' parameter"),
        ({"random_state": "abc"}, "'random_state' parameter"),
        ({"sampling_strategy": [5]}, r"label indices in \[0, 1\]"),
    ],
)
def test_mlsmote_errors(params, match):
    with pytest.raises(ValueError, match=match):
        MLSMOTE(**params).fit_resample(X_SMALL, Y_SMALL)


def test_mlsmote_rejects_non_numeric_features():
    with pytest.raises(ValueError):
        MLSMOTE().fit_resample(np.array([["a"], ["b"], ["c"]]), Y_SMALL[:3])


# -- pipelines and grid search -------------------------------------------------


@pytest.fixture(scope="module")
def multilabel_data():
    X, Y = make_multilabel_classification(
        n_samples=120, n_features=8, n_classes=4, random_state=0
    )
    return X, Y


@pytest.mark.parametrize(
    "resampler, grid",
    [
        (
            LabelPowersetResampler(SMOTE(), random_state=0),
            {"resampler__sampler__k_neighbors": [1, 3]},
        ),
        (
            MLSMOTE(random_state=0),
            {"resampler__label_generation": ["ranking", "union"]},
        ),
    ],
)
def test_grid_search_over_resampler_in_imblearn_pipeline(
    multilabel_data, resampler, grid
):
    X, Y = multilabel_data
    pipe = Pipeline(
        [
            ("resampler", resampler),
            ("clf", OneVsRestClassifier(LogisticRegression(solver="liblinear"))),
        ]
    )
    search = GridSearchCV(pipe, grid, cv=3, scoring="f1_micro").fit(X, Y)
    ((name, values),) = grid.items()
    assert search.best_params_[name] in values
    assert np.all(np.isfinite(search.cv_results_["mean_test_score"]))
    # resampling happens in fit only: predictions are one row per sample
    assert search.predict(X).shape == Y.shape


def test_pipeline_with_label_powerset_weighted_svc(multilabel_data):
    try:
        from skmml.svm import LabelPowersetWeightedSVC
    except ImportError:  # pragma: no cover - built by another issue
        pytest.skip("skmml.svm.LabelPowersetWeightedSVC not available")
    X, Y = multilabel_data
    pipe = Pipeline(
        [
            ("resampler", LabelPowersetResampler(SMOTE(), random_state=0)),
            ("clf", LabelPowersetWeightedSVC()),
        ]
    )
    grid = {"resampler__sampler__k_neighbors": [2, 4]}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        search = GridSearchCV(pipe, grid, cv=3, scoring="f1_micro").fit(X, Y)
    assert search.predict(X).shape == Y.shape
    assert np.all(np.isfinite(search.cv_results_["mean_test_score"]))


def test_resampler_is_used_by_pipeline_fit(multilabel_data):
    X, Y = multilabel_data
    pipe = Pipeline(
        [
            ("resampler", LabelPowersetResampler(random_state=0)),
            ("clf", OneVsRestClassifier(LogisticRegression(solver="liblinear"))),
        ]
    ).fit(X, Y)
    res = pipe.named_steps["resampler"]
    counts = res.combination_counts_  # default: each combination at most x2
    n_fit = np.maximum(counts, np.minimum(counts.max(), 2 * counts)).sum()
    assert res.sample_indices_.shape == (n_fit,)
    assert isinstance(res.sampler_, RandomOverSampler)


# -- ground floor: one Label Powerset encoder, dense = sparse, strings ---------

# LabelPowersetResampler(RandomOverSampler(random_state=0)) on the data below,
# computed before the private encoder gave way to
# skmml.utils.encode_label_powerset: the order of the codes (binary numbers,
# label 0 least significant) decides the order of the draws, so it is kept.
_OLD_LP_ROWS = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 6, 11, 10, 3]


def test_lp_shared_encoder_keeps_resampled_rows():
    X = np.arange(24, dtype=float).reshape(12, 2)
    Y = np.array(
        [[0, 1, 1], [1, 0, 0], [0, 1, 1], [0, 0, 1], [1, 0, 0], [0, 1, 1]]
        + [[1, 1, 0], [1, 0, 0], [0, 1, 1], [1, 0, 0], [0, 0, 1], [1, 1, 0]]
    )
    res = LabelPowersetResampler(RandomOverSampler(random_state=0))
    X_res, Y_res = res.fit_resample(X, Y)
    assert_array_equal(X_res[:, 0] // 2, _OLD_LP_ROWS)
    assert_array_equal(Y_res, Y[(X_res[:, 0] // 2).astype(int)])
    codes = res.combinations_ @ (2 ** np.arange(3))
    assert_array_equal(codes, np.sort(codes))


def test_lp_rejects_strings_unless_the_sampler_takes_nominal_features():
    pd = pytest.importorskip("pandas")
    from imblearn.over_sampling import SMOTENC

    X = np.array([["a", "b"]] * 7, dtype=object)
    with pytest.raises(ValueError, match="[Ss]tring|convert"):
        LabelPowersetResampler().fit_resample(X, Y_SMALL)
    # SMOTENC resamples nominal features: strings go through as given
    rng = np.random.RandomState(0)
    frame = pd.DataFrame(
        {"num": rng.rand(12), "cat": list("ab") * 6}, columns=["num", "cat"]
    )
    Y = np.array([[1, 0]] * 8 + [[0, 1]] * 4)
    sampler = SMOTENC(categorical_features=[1], k_neighbors=2, random_state=0)
    X_res, Y_res = LabelPowersetResampler(sampler).fit_resample(frame, Y)
    assert set(X_res["cat"]) <= {"a", "b"} and len(X_res) == 16


@pytest.mark.parametrize("bag_floats", [None, 1])
@pytest.mark.parametrize("interpolation", ["per_feature", "segment"])
def test_mlsmote_dense_and_sparse_identical_with_ties(
    monkeypatch, bag_floats, interpolation
):
    # integer-valued features tie in distance; the dense and sparse searches
    # broke those ties differently before
    from skmml.resampling import _mlsmote

    if bag_floats is not None:  # force the CSR search of large bags
        monkeypatch.setattr(_mlsmote, "_DENSE_BAG_FLOATS", bag_floats)
    for seed in range(3):
        rng = np.random.RandomState(seed)
        X = rng.randint(0, 3, size=(40, 5)).astype(float)
        X[rng.rand(*X.shape) < 0.5] = 0
        Y = (rng.rand(40, 3) < [0.8, 0.3, 0.1]).astype(int)
        sampler = MLSMOTE(interpolation=interpolation, random_state=0)
        X_dense, Y_dense = sampler.fit_resample(X, Y)
        for fmt in ("csr", "csc"):
            X_sp, Y_sp = clone(sampler).fit_resample(sp.csr_matrix(X).asformat(fmt), Y)
            assert_array_equal(X_sp.toarray(), X_dense)
            assert_array_equal(Y_sp, Y_dense)


# -- partially labelled y (NaN = unknown) -------------------------------------


def _partial_data(seed=0):
    X, Y = make_multilabel_classification(
        n_samples=120, n_features=6, n_classes=3, random_state=seed
    )
    rng = np.random.RandomState(seed)
    Y_part = np.where(rng.random_sample(Y.shape) < 0.1, np.nan, Y.astype(float))
    return X, Y, Y_part, ~np.isnan(Y_part).any(axis=1)


@pytest.mark.parametrize("sampler", SAMPLERS, ids=lambda s: type(s).__name__)
def test_partial_y_is_rejected_by_default(sampler):
    from skmml.utils import accepts_unknown_labels

    pd = pytest.importorskip("pandas")
    X, _, Y_part, _ = _partial_data()
    sampler = clone(sampler)
    assert not accepts_unknown_labels(sampler)
    sparse = sp.csr_matrix(np.where(Y_part == 0, 0, Y_part))
    for y in (Y_part, sparse, pd.DataFrame(Y_part).astype("Int64")):
        with pytest.raises(ValueError, match="contains NaN") as info:
            sampler.fit_resample(X, y)
        assert "unknown='drop_rows'" in str(info.value)
        assert type(sampler).__name__ in str(info.value)


@pytest.mark.parametrize("sampler", SAMPLERS, ids=lambda s: type(s).__name__)
def test_partial_y_drop_rows_resamples_the_complete_rows(sampler):
    from skmml.utils import accepts_unknown_labels

    X, Y, Y_part, complete = _partial_data()
    assert 60 < complete.sum() < 110
    dropping = clone(sampler).set_params(unknown="drop_rows")
    assert accepts_unknown_labels(dropping)
    X_res, Y_res = dropping.fit_resample(X, Y_part)
    X_ref, Y_ref = clone(sampler).fit_resample(X[complete], Y[complete])
    assert_array_equal(X_res, X_ref)
    assert_array_equal(Y_res, Y_ref)
    assert Y_res.dtype == np.float64 and not np.isnan(Y_res).any()
    if hasattr(dropping, "sample_indices_"):
        # indices into the input, dropped rows included
        assert np.all(complete[dropping.sample_indices_])
        assert_array_equal(X[dropping.sample_indices_], X_res)
    # a complete y is resampled as without the option
    for a, b in zip(
        clone(dropping).fit_resample(X, Y),
        clone(sampler).fit_resample(X, Y),
        strict=True,
    ):
        assert_array_equal(a, b)


def test_partial_y_drop_rows_keeps_containers():
    pd = pytest.importorskip("pandas")
    X, Y, Y_part, complete = _partial_data()
    sampler = LabelPowersetResampler(random_state=0, unknown="drop_rows")
    X_ref, Y_ref = clone(sampler).fit_resample(X[complete], Y[complete])
    sparse = sp.csr_matrix(np.where(Y_part == 0, 0, Y_part))
    X_res, Y_res = clone(sampler).fit_resample(X, sparse)
    assert sp.issparse(Y_res)
    assert_array_equal(Y_res.toarray(), Y_ref)
    frame = pd.DataFrame(Y_part, columns=["a", "b", "c"]).astype("Int64")
    X_frame = pd.DataFrame(X)
    X_res, Y_res = clone(sampler).fit_resample(X_frame, frame)
    assert list(Y_res.columns) == ["a", "b", "c"]
    assert_array_equal(Y_res.to_numpy(), Y_ref)
    assert_array_equal(X_res.to_numpy(), X_ref)
    X_res, Y_res = MLSMOTE(random_state=0, unknown="drop_rows").fit_resample(
        sp.csr_matrix(X), sparse
    )
    assert sp.issparse(X_res) and sp.issparse(Y_res)
    for dropping in (sampler, MLSMOTE(unknown="drop_rows")):
        with pytest.raises(ValueError, match="leaves no sample"):
            dropping.fit_resample(X, np.full_like(Y_part, np.nan))
        with pytest.raises(ValueError, match="inconsistent numbers of samples"):
            dropping.fit_resample(X[:-1], Y_part)


def test_partial_y_drop_rows_in_an_imblearn_pipeline():
    # any multi-label classifier behind the sampler then fits on partial y
    X, Y, Y_part, complete = _partial_data()
    clf = OneVsRestClassifier(LogisticRegression(solver="liblinear"))
    pipe = Pipeline(
        [("resampler", MLSMOTE(random_state=0, unknown="drop_rows")), ("clf", clf)]
    )
    reference = Pipeline(
        [("resampler", MLSMOTE(random_state=0)), ("clf", clone(clf))]
    ).fit(X[complete], Y[complete])
    assert_array_equal(pipe.fit(X, Y_part).predict(X), reference.predict(X))
