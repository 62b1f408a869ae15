"""Tests of the per-label threshold classifiers (fixed and tuned by CV)."""

import pickle
import warnings

import numpy as np
import pytest
import scipy.sparse as sp
import sklearn
from joblib import parallel_config
from sklearn.base import BaseEstimator, ClassifierMixin, clone
from sklearn.datasets import make_classification
from sklearn.exceptions import NotFittedError
from sklearn.linear_model import LogisticRegression, RidgeClassifier
from sklearn.metrics import f1_score, make_scorer
from sklearn.model_selection import (
    GridSearchCV,
    GroupKFold,
    KFold,
    TunedThresholdClassifierCV,
)
from sklearn.multiclass import OneVsRestClassifier
from sklearn.neighbors import KNeighborsClassifier
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from skmml.datasets import make_multimodal_multilabel
from skmml.metrics import (
    example_f1,
    get_scorer,
    hamming_loss,
    macro_f1,
    micro_f1,
    per_label_f1,
    subset_accuracy,
    weighted_f1,
)
from skmml.model_selection import (
    FixedMultiLabelThresholdClassifier,
    MultiLabelThresholdTuner,
    multilabel_train_test_split,
)
from skmml.model_selection.tests._partial import MaskedLogistic


class ScoresAsX(ClassifierMixin, BaseEstimator):
    """Fake classifier whose decision_function returns X: a hand-made score matrix."""

    def __init__(self, ravel=False):
        self.ravel = ravel

    def fit(self, X, y):
        self.n_features_in_ = np.asarray(X).shape[1]
        y = np.asarray(y)
        self.classes_ = np.unique(y) if y.ndim == 1 else np.arange(y.shape[1])
        return self

    def decision_function(self, X):
        X = np.asarray(X, dtype=np.float64)
        return X[:, 0] if self.ravel else X


# Hand-made problem: 7 samples, 2 labels, integer scores 1..7; the prefit
# tuners below get the candidates 1..7 (the default 0 joins them).
# label 0: positives have the 4 highest scores -> t0 = 4 gives F1 = 1.
# label 1: positives ranked 1st, 5th and 6th (scores 7, 3, 2). Per t1:
#   t1:      7    6    5    4    3    2    1
#   tp/fp:  1/0  1/1  1/2  1/3  2/3  3/3  3/4
#   F1:     .5   .4  .333 .286  .5  .667  .6    -> best t1 = 2 (F1 2/3)
#   errors:  2    3    4    5    4    3    4     -> best t1 = 7 (Hamming)
#   micro-F1 with label 0 perfect (TP0 = 4), 2TP / (2TP + FP + FN):
#            10/12 10/13 10/14 10/15 12/16 14/17 14/18 -> best t1 = 7 (5/6)
S = np.array([[7, 7], [6, 6], [1, 5], [5, 4], [2, 3], [4, 2], [3, 1]], dtype=np.float64)
Y = np.array([[1, 1], [1, 0], [0, 0], [1, 0], [0, 1], [1, 1], [0, 0]])
SCORES_1_TO_7 = (1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0)


def _prefit_tuner(scoring, thresholds=SCORES_1_TO_7, **kwargs):
    # the plain argmax: no fallback for the 3-4 positives, no guard
    kwargs = {"min_positives": 0, "guard": None, **kwargs}
    model = ScoresAsX().fit(S, Y)
    return MultiLabelThresholdTuner(
        model,
        scoring=scoring,
        cv="prefit",
        refit=False,
        thresholds=thresholds,
        **kwargs,
    ).fit(S, Y)


@pytest.mark.parametrize(
    "scoring, thresholds, score",
    [
        ("f1", [4.0, 2.0], (1 + 2 / 3) / 2),
        ("macro_f1", [4.0, 2.0], (1 + 2 / 3) / 2),
        ("weighted_f1", [4.0, 2.0], 4 / 7 * 1 + 3 / 7 * 2 / 3),
        ("neg_hamming_loss", [4.0, 7.0], -2 / 14),
        ("micro_f1", [4.0, 7.0], 10 / 12),
    ],
)
def test_hand_computed_optimal_thresholds(scoring, thresholds, score):
    tuner = _prefit_tuner(scoring)
    np.testing.assert_array_equal(tuner.thresholds_, thresholds)
    assert tuner.best_score_ == pytest.approx(score)
    assert tuner.response_method_ == "decision_function"


def test_best_score_matches_the_metric_functions():
    # the count-based fast paths agree with skmml.metrics on the predictions
    metrics = {
        "f1": macro_f1,
        "weighted_f1": weighted_f1,
        "micro_f1": micro_f1,
        "neg_hamming_loss": lambda a, b: -hamming_loss(a, b),
    }
    for scoring, metric in metrics.items():
        tuner = _prefit_tuner(scoring)
        assert tuner.best_score_ == pytest.approx(metric(Y, tuner.predict(S)))


def test_grid_array_forms():
    # a shared 1-D grid and a per-label 2-D grid
    tuner = _prefit_tuner("f1", thresholds=[1.5, 2.0, 4.0, 7.5])
    # for label 1, 1.5 and 2.0 tie (no score between them): the first wins
    np.testing.assert_array_equal(tuner.thresholds_, [4.0, 1.5])
    grid = np.array([[3.0, 5.0], [1.0, 7.0]])
    tuner = _prefit_tuner("f1", thresholds=grid, store_cv_results=True)
    # label 0: t=3 -> tp4 fp1 (F1 8/9), t=5 -> tp3 fn1 (6/7); label 1: .6 vs .5
    # at t=1, tied with the default 0 (a candidate too), which comes first
    np.testing.assert_array_equal(tuner.thresholds_, [3.0, 0.0])
    np.testing.assert_array_equal(
        tuner.cv_results_["thresholds"], [[0.0, 3.0, 5.0], [0.0, 1.0, 7.0]]
    )
    with pytest.raises(ValueError, match="one row per label"):
        _prefit_tuner("f1", thresholds=np.ones((3, 2)))


def test_micro_f1_coordinate_ascent_moves_from_per_label_start():
    tuner = _prefit_tuner("micro_f1", store_cv_results=True)
    # started at the per-label F1 optimum (4, 2); one sweep moves label 1
    # to 7, the second sweep changes nothing
    assert tuner.n_sweeps_ == 2
    results = tuner.cv_results_
    # the 7 quantiles of the scores 1..7 and the default 0
    np.testing.assert_array_equal(
        results["thresholds"], np.tile(np.arange(0, 8), (2, 1))
    )
    # label 1's curve with label 0 at 4: the micro-F1 row of the table above
    # (the default 0 predicts all rows, as 1 does)
    expected = [14 / 18, 14 / 18, 14 / 17, 12 / 16, 10 / 15, 10 / 14, 10 / 13, 10 / 12]
    np.testing.assert_allclose(results["scores"][1], expected)
    np.testing.assert_allclose(results["scores"].max(axis=1), tuner.best_score_)


def test_generic_metrics_agree_with_fast_paths():
    for fast, generic in [
        ("micro_f1", lambda a, b: micro_f1(a, b)),
        ("micro_f1", make_scorer(f1_score, average="micro")),
        ("f1", lambda a, b: macro_f1(a, b)),
        ("f1", "f1_macro"),  # a scikit-learn scorer name
        ("example_f1", lambda a, b: example_f1(a, b)),
        ("subset_accuracy", lambda a, b: subset_accuracy(a, b)),
    ]:
        expected = _prefit_tuner(fast)
        tuner = _prefit_tuner(generic)
        np.testing.assert_array_equal(tuner.thresholds_, expected.thresholds_)
        assert tuner.best_score_ == pytest.approx(expected.best_score_)


@pytest.mark.parametrize("scoring", ["micro_f1", "example_f1", "subset_accuracy"])
def test_vectorised_global_metrics_match_the_metric_functions(scoring):
    rng = np.random.RandomState(0)
    X = rng.normal(size=(90, 4))
    Y = (X[:, :3] + rng.normal(size=(90, 3)) > [0.0, 0.8, 1.2]).astype(int)
    metric = get_scorer(scoring)._score_func
    kwargs = dict(cv=3, thresholds=20, store_cv_results=True)
    fast = MultiLabelThresholdTuner(RidgeClassifier(), scoring=scoring, **kwargs)
    slow = MultiLabelThresholdTuner(
        RidgeClassifier(), scoring=lambda a, b: metric(a, b), **kwargs
    )
    fast.fit(X, Y)
    slow.fit(X, Y)
    np.testing.assert_array_equal(fast.thresholds_, slow.thresholds_)
    assert fast.best_score_ == pytest.approx(slow.best_score_)
    np.testing.assert_allclose(fast.cv_results_["scores"], slow.cv_results_["scores"])


def test_example_f1_by_coordinate_ascent_is_coordinatewise_optimal():
    tuner = _prefit_tuner("example_f1", store_cv_results=True)
    value = example_f1(Y, tuner.predict(S))
    assert tuner.best_score_ == pytest.approx(value)
    # no single-label move improves the objective at the end
    assert np.all(tuner.cv_results_["scores"] <= value + 1e-12)
    # and the result is at least as good as the per-label F1 start
    start = _prefit_tuner("f1")
    assert value >= example_f1(Y, start.predict(S))


def test_tuned_thresholds_over_cv_average_fold_scores():
    # the fake model ignores training, so each fold's curve is computed on
    # the validation part only; the objective is the mean over folds
    cv = KFold(2)
    tuner = MultiLabelThresholdTuner(
        ScoresAsX(),
        cv=cv,
        thresholds=[2.0, 4.0],
        min_positives=0,
        guard=None,
        store_cv_results=True,
    ).fit(S, Y)
    # the default 0 joins the candidates
    grid = np.array([0.0, 2.0, 4.0])
    expected = np.zeros((2, 3))
    for _, test in cv.split(S):
        for t, cut in enumerate(grid):
            expected[:, t] += per_label_f1(Y[test], (S[test] >= cut).astype(int))
    expected /= 2
    assert np.all(np.sort(expected, axis=1)[:, -1] > np.sort(expected, axis=1)[:, -2])
    np.testing.assert_array_equal(tuner.thresholds_, grid[expected.argmax(axis=1)])
    assert tuner.best_score_ == pytest.approx(expected.max(axis=1).mean())


def test_binary_1d_target_matches_scikit_learn():
    X, y = make_classification(200, weights=[0.85], random_state=0)
    model = LogisticRegression().fit(X[:100], y[:100])
    grid = np.linspace(0.05, 0.95, 19)
    for scoring in ["f1", "balanced_accuracy"]:
        params = dict(scoring=scoring, cv="prefit", refit=False, thresholds=grid)
        ours = MultiLabelThresholdTuner(model, **params).fit(X[100:], y[100:])
        ref = TunedThresholdClassifierCV(model, **params).fit(X[100:], y[100:])
        assert ours.thresholds_.shape == (1,)
        assert ours.thresholds_[0] == pytest.approx(ref.best_threshold_)
        assert ours.best_score_ == pytest.approx(ref.best_score_)
        np.testing.assert_array_equal(ours.predict(X), ref.predict(X))


def test_binary_string_classes():
    X, y = make_classification(120, weights=[0.8], random_state=1)
    labels = np.array(["neg", "pos"])[y]
    tuner = MultiLabelThresholdTuner(LogisticRegression(), cv=3).fit(X, labels)
    np.testing.assert_array_equal(tuner.classes_, ["neg", "pos"])
    pred = tuner.predict(X)
    assert set(pred) <= {"neg", "pos"}
    # "pos" (classes_[1]) is the thresholded class
    proba = tuner.predict_proba(X)[:, 1]
    np.testing.assert_array_equal(pred == "pos", proba >= tuner.thresholds_[0])


@pytest.fixture(scope="module")
def imbalanced_split():
    X, Y, _ = make_multimodal_multilabel(
        1000,
        modality_dims=(10, 10),
        n_labels=5,
        label_frequencies=[0.3, 0.15, 0.08, 0.05, 0.03],
        noise=2.0,
        random_state=1,
    )
    return multilabel_train_test_split(X, Y, test_size=0.5, random_state=0)


@pytest.mark.slow
def test_tuning_improves_f1_on_imbalanced_data():
    # The gain is measured on 500 test samples whose rarest labels have about
    # 15 positives: one flipped prediction moves a label's F1 by ~0.05, so the
    # gain of a single data set ranges from 0.015 to 0.12 over generator and
    # split seeds. Averaging over six data sets keeps the margins of the
    # original single-seed test while making them hold on any platform.
    model = OneVsRestClassifier(LogisticRegression(solver="liblinear"))
    macro_gain, label_gain, guarded_gain, micro_gain = [], [], [], []
    for seed in range(1, 7):
        X, Y, _ = make_multimodal_multilabel(
            1000,
            modality_dims=(10, 10),
            n_labels=5,
            label_frequencies=[0.3, 0.15, 0.08, 0.05, 0.03],
            noise=2.0,
            random_state=seed,
        )
        X_train, X_test, Y_train, Y_test = multilabel_train_test_split(
            X, Y, test_size=0.5, random_state=0
        )
        default = FixedMultiLabelThresholdClassifier(model, threshold=0.5)
        base = default.fit(X_train, Y_train).predict(X_test)
        # the plain maximisation (no fallback needed: 15+ positives per label)
        per_label = MultiLabelThresholdTuner(model, scoring="f1", cv=3, guard=None)
        tuned = per_label.fit(X_train, Y_train).predict(X_test)
        # rare labels: probabilities rarely reach 0.5, the tuned thresholds
        # are lower
        assert np.sum(per_label.thresholds_ < 0.5) >= 4
        macro_gain.append(macro_f1(Y_test, tuned) - macro_f1(Y_test, base))
        label_gain.append(per_label_f1(Y_test, tuned) - per_label_f1(Y_test, base))
        # the default guard keeps 0.5 where the gain is within noise
        guarded = MultiLabelThresholdTuner(model, scoring="f1", cv=3)
        tuned = guarded.fit(X_train, Y_train).predict(X_test)
        assert np.all(guarded.thresholds_[guarded.tuned_mask_] < 0.5)
        guarded_gain.append(macro_f1(Y_test, tuned) - macro_f1(Y_test, base))
        micro = MultiLabelThresholdTuner(model, scoring="micro_f1", cv=3)
        tuned = micro.fit(X_train, Y_train).predict(X_test)
        micro_gain.append(micro_f1(Y_test, tuned) - micro_f1(Y_test, base))
    assert np.mean(macro_gain) > 0.05
    assert np.sum(np.mean(label_gain, axis=0) > 0) >= 3
    # 0.023 on average, 2.2 of 5 labels tuned: 3 folds give a noisy standard
    # error, so the one-SE guard keeps only clear gains
    assert np.mean(guarded_gain) > 0.01
    assert np.all(np.asarray(guarded_gain) > -0.01)
    # reverted to the default (gain 0) or better
    assert np.mean(micro_gain) > 0
    assert np.all(np.asarray(micro_gain) >= 0)


def test_refit_and_prefit_and_single_split(imbalanced_split):
    X, _, Y, _ = imbalanced_split
    model = OneVsRestClassifier(LogisticRegression(solver="liblinear"))
    tuner = MultiLabelThresholdTuner(model, cv=3).fit(X, Y)
    # refit: estimator_ is a clone fitted on all data, the argument is untouched
    assert tuner.estimator_ is not model
    with pytest.raises(NotFittedError):
        model.predict(X)
    reference = clone(model).fit(X, Y)
    np.testing.assert_allclose(
        tuner.predict_proba(X), reference.predict_proba(X), rtol=1e-10
    )
    # a float cv is one stratified split; refit=False keeps its model
    single = MultiLabelThresholdTuner(model, cv=0.3, refit=False, random_state=0)
    single.fit(X, Y)
    again = clone(single).fit(X, Y)
    np.testing.assert_array_equal(single.thresholds_, again.thresholds_)
    assert not np.allclose(
        single.predict_proba(X), reference.predict_proba(X), rtol=1e-6
    )
    # prefit uses the given model as is
    prefit = MultiLabelThresholdTuner(reference, cv="prefit", refit=False).fit(X, Y)
    assert prefit.estimator_ is reference


def test_parallel_and_verbose(imbalanced_split, capsys):
    X, _, Y, _ = imbalanced_split
    X, Y = X[:200], Y[:200]
    model = RidgeClassifier()
    serial = MultiLabelThresholdTuner(model, scoring="micro_f1", cv=3, verbose=2)
    serial.fit(X, Y)
    out = capsys.readouterr().out
    assert "[MultiLabelThresholdTuner] fitting 3 fold(s)" in out
    assert "sweep 1" in out
    assert serial.response_method_ == "decision_function"
    parallel = MultiLabelThresholdTuner(model, scoring="micro_f1", cv=3, n_jobs=2)
    with parallel_config(backend="threading"):  # no process start-up cost
        parallel.fit(X, Y)
    np.testing.assert_array_equal(parallel.thresholds_, serial.thresholds_)
    assert capsys.readouterr().out == ""


def test_sparse_target_and_sample_weight(imbalanced_split):
    X, _, Y, _ = imbalanced_split
    X, Y = X[:200], Y[:200]
    model = OneVsRestClassifier(LogisticRegression(solver="liblinear"))
    dense = MultiLabelThresholdTuner(model, cv=3).fit(X, Y)
    sparse = MultiLabelThresholdTuner(model, cv=3).fit(X, sp.csr_matrix(Y))
    np.testing.assert_array_equal(dense.thresholds_, sparse.thresholds_)
    # per-sample fit parameters are split with the folds
    weights = np.where(Y[:, -1] == 1, 5.0, 1.0)
    ridge = MultiLabelThresholdTuner(RidgeClassifier(), cv=3)
    weighted = ridge.fit(X, Y, sample_weight=weights).thresholds_
    unweighted = clone(ridge).fit(X, Y).thresholds_
    assert not np.array_equal(weighted, unweighted)


def test_per_label_list_predict_proba():
    rng = np.random.RandomState(0)
    X = rng.normal(size=(60, 2))
    Y = np.column_stack([X[:, 0] > 0.5, X[:, 1] > 0, np.zeros(60)]).astype(int)
    knn = KNeighborsClassifier(n_neighbors=5)
    fixed = FixedMultiLabelThresholdClassifier(knn, threshold=[0.5, 0.7, 0.5])
    fixed.fit(X, Y)
    proba = fixed.predict_proba(X)
    assert isinstance(proba, list)
    expected = np.column_stack(
        [proba[0][:, 1] >= 0.5, proba[1][:, 1] >= 0.7, np.zeros(60)]
    ).astype(int)
    np.testing.assert_array_equal(fixed.predict(X), expected)
    # label 2 is never positive: below min_positives, default threshold
    tuner = MultiLabelThresholdTuner(knn, cv=3).fit(X, Y)
    assert tuner.thresholds_[2] == 0.5
    np.testing.assert_array_equal(tuner.fallback_labels_, [2])
    assert not tuner.tuned_mask_[2]
    assert np.all(tuner.predict(X)[:, 2] == 0)
    # tuned all the same: constant scores, default threshold, warning
    with pytest.warns(UserWarning, match=r"label\(s\) \[2\] are constant"):
        tuner = MultiLabelThresholdTuner(knn, cv=3, min_positives=0).fit(X, Y)
    assert tuner.thresholds_[2] == 0.5


def test_fixed_threshold_auto_and_validation():
    model = ScoresAsX()
    fixed = FixedMultiLabelThresholdClassifier(model).fit(S, Y)
    np.testing.assert_array_equal(fixed.thresholds_, [0.0, 0.0])
    fixed = FixedMultiLabelThresholdClassifier(model, threshold=[4, 7]).fit(S, Y)
    expected = np.column_stack([S[:, 0] >= 4, S[:, 1] >= 7]).astype(int)
    np.testing.assert_array_equal(fixed.predict(S), expected)
    with pytest.raises(ValueError, match=r"threshold must .*shape \(n_labels,\)"):
        FixedMultiLabelThresholdClassifier(model, threshold=[1, 2, 3]).fit(S, Y)
    with pytest.raises(
        ValueError, match="'threshold' parameter of FixedMultiLabelThreshold"
    ):
        FixedMultiLabelThresholdClassifier(model, threshold="high").fit(S, Y)
    proba = FixedMultiLabelThresholdClassifier(
        OneVsRestClassifier(LogisticRegression())
    ).fit(S, Y)
    np.testing.assert_array_equal(proba.thresholds_, [0.5, 0.5])
    assert proba.response_method_ == "predict_proba"


def test_pipeline_and_grid_search(imbalanced_split):
    X, _, Y, _ = imbalanced_split
    X, Y = X[:240], Y[:240]
    tuner = MultiLabelThresholdTuner(
        OneVsRestClassifier(LogisticRegression(solver="liblinear")), cv=3
    )
    pipe = make_pipeline(StandardScaler(), tuner).fit(X, Y)
    assert pipe.predict(X).shape == Y.shape
    assert pipe[-1].thresholds_.shape == (5,)
    search = GridSearchCV(
        tuner,
        {"estimator__estimator__C": [0.01, 1.0]},
        scoring=get_scorer("macro_f1"),
        cv=KFold(2),
    ).fit(X, Y)
    assert search.best_params_["estimator__estimator__C"] in (0.01, 1.0)
    assert search.best_estimator_.thresholds_.shape == (5,)
    assert np.isfinite(search.cv_results_["mean_test_score"]).all()


def test_clone_and_pickle(imbalanced_split):
    X, _, Y, _ = imbalanced_split
    X, Y = X[:200], Y[:200]
    tuner = MultiLabelThresholdTuner(
        OneVsRestClassifier(LogisticRegression(solver="liblinear")),
        scoring="micro_f1",
        cv=3,
        thresholds=50,
    )
    cloned = clone(tuner)
    assert cloned.get_params()["thresholds"] == 50
    assert not hasattr(cloned, "thresholds_")
    tuner.fit(X, Y)
    restored = pickle.loads(pickle.dumps(tuner))
    np.testing.assert_array_equal(restored.thresholds_, tuner.thresholds_)
    np.testing.assert_array_equal(restored.predict(X), tuner.predict(X))
    # deterministic: a clone fitted again finds the same thresholds
    np.testing.assert_array_equal(clone(tuner).fit(X, Y).thresholds_, tuner.thresholds_)


def test_not_fitted():
    tuner = MultiLabelThresholdTuner(ScoresAsX())
    with pytest.raises(NotFittedError):
        tuner.predict(S)


@pytest.mark.parametrize(
    "params, match",
    [
        ({"thresholds": 0}, "'thresholds' parameter of MultiLabelThresholdTuner"),
        ({"thresholds": [np.nan, 1.0]}, "thresholds contains NaN"),
        ({"cv": 1}, "'cv' parameter of MultiLabelThresholdTuner"),
        ({"cv": 1.5}, r"'cv' parameter .* range \(0.0, 1.0\)"),
        ({"cv": "loo"}, "'cv' parameter of MultiLabelThresholdTuner"),
        ({"cv": "prefit"}, "refit cannot be True"),
        ({"refit": False}, "several folds, refit cannot be False"),
        ({"refit": "yes"}, "'refit' parameter of MultiLabelThresholdTuner"),
        ({"scoring": "neg_ranking_loss"}, "does not depend on the decision"),
        ({"scoring": "no_such_metric"}, "not a valid scoring"),
        ({"scoring": 3}, "'scoring' parameter of MultiLabelThresholdTuner"),
        (
            {"response_method": "predict"},
            "'response_method' parameter of MultiLabelThresholdTuner",
        ),
        ({"verbose": -1}, "'verbose' parameter of MultiLabelThresholdTuner"),
        ({"n_jobs": 1.5}, "'n_jobs' parameter of MultiLabelThresholdTuner"),
        # used to be accepted silently (issue 11)
        ({"random_state": "abc"}, "'random_state' parameter of MultiLabelThreshold"),
        ({"store_cv_results": 1}, "'store_cv_results' parameter"),
    ],
)
def test_parameter_errors(params, match):
    tuner = MultiLabelThresholdTuner(ScoresAsX(), **params)
    with pytest.raises(ValueError, match=match):
        tuner.fit(S, Y)


def test_target_and_estimator_errors():
    tuner = MultiLabelThresholdTuner(ScoresAsX(ravel=True), cv=2)
    with pytest.raises(ValueError, match="Only binary classification"):
        tuner.fit(S, np.array([0, 1, 2, 0, 1, 2, 0]))
    with pytest.raises(ValueError, match=r"y has 1 class\(es\)"):
        tuner.fit(S, np.zeros(7))
    with pytest.raises(ValueError, match="binary indicator"):
        tuner.fit(S, Y * 2)
    with pytest.raises(ValueError, match="y is None"):
        tuner.fit(S, None)
    with pytest.raises(ValueError, match="has no method predict_proba"):
        MultiLabelThresholdTuner(ScoresAsX(), response_method="predict_proba").fit(S, Y)
    with pytest.raises(ValueError, match="'estimator' parameter of MultiLabelThres"):
        MultiLabelThresholdTuner(StandardScaler()).fit(S, Y)
    with pytest.raises(ValueError, match="'estimator' parameter of MultiLabelThres"):
        MultiLabelThresholdTuner(KFold()).fit(S, Y)
    unfitted = MultiLabelThresholdTuner(ScoresAsX(), cv="prefit", refit=False)
    with pytest.raises(NotFittedError, match="must be fitted"):
        unfitted.fit(S, Y)


def test_no_warning_on_clean_fit():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        _prefit_tuner("micro_f1")


# ---------------------------------------------------------------------------
# metadata routing


class WeightedScoresAsX(ScoresAsX):
    """ScoresAsX whose fit takes and records sample_weight."""

    def fit(self, X, y, sample_weight=None):
        self.sample_weight_ = sample_weight
        return super().fit(X, y)


W = np.arange(1.0, 8.0)


@pytest.mark.parametrize(
    "make",
    [
        lambda est: FixedMultiLabelThresholdClassifier(est),
        lambda est: MultiLabelThresholdTuner(est, cv=2, min_positives=0),
    ],
    ids=["fixed", "tuner"],
)
@pytest.mark.parametrize("request_weights", [True, False])
def test_routing_honours_the_fit_request(make, request_weights):
    est = WeightedScoresAsX()
    with sklearn.config_context(enable_metadata_routing=True):
        est.set_fit_request(sample_weight=request_weights)
        if request_weights:
            model = make(est).fit(S, Y, sample_weight=W)
            np.testing.assert_array_equal(model.estimator_.sample_weight_, W)
            return
        # the weights used to reach the estimator all the same (issue 11);
        # now nothing consumes them, as in scikit-learn's meta-estimators
        with pytest.raises(TypeError, match="not routed to any object"):
            make(est).fit(S, Y, sample_weight=W)
        # another step of a Pipeline consumes them
        scaler = StandardScaler().set_fit_request(sample_weight=True)
        pipe = make_pipeline(scaler, make(est)).fit(S, Y, sample_weight=W)
    assert pipe[-1].estimator_.sample_weight_ is None


def test_routing_slices_weights_per_fold():
    est = WeightedScoresAsX()
    with sklearn.config_context(enable_metadata_routing=True):
        est.set_fit_request(sample_weight=True)
        splits = [(np.arange(4), np.arange(4, 7))]
        tuner = MultiLabelThresholdTuner(est, cv=splits, refit=False, min_positives=0)
        tuner.fit(S, Y, sample_weight=W)
    np.testing.assert_array_equal(tuner.estimator_.sample_weight_, W[:4])


def test_routing_reaches_the_splitter():
    groups = np.array([0, 0, 1, 1, 2, 2, 2])
    with sklearn.config_context(enable_metadata_routing=True):
        tuner = MultiLabelThresholdTuner(
            WeightedScoresAsX().set_fit_request(sample_weight=False),
            cv=GroupKFold(3),
            min_positives=0,
        )
        tuner.fit(S, Y, groups=groups)
    assert tuner.thresholds_.shape == (2,)
    routing = tuner.get_metadata_routing()
    assert routing.consumes("fit", ["groups"]) == {"groups"}


def test_routing_in_pipeline_and_grid_search():
    X = make_classification(
        120, n_features=4, n_informative=3, n_redundant=0, random_state=0
    )[0]
    Y_ = (X[:, :2] + np.random.RandomState(0).normal(size=(120, 2)) > 0.5).astype(int)
    w = np.random.RandomState(1).uniform(0.5, 2.0, size=120)
    with sklearn.config_context(enable_metadata_routing=True):
        inner = OneVsRestClassifier(
            LogisticRegression().set_fit_request(sample_weight=True)
        )
        tuner = MultiLabelThresholdTuner(inner, cv=3)
        pipe = make_pipeline(
            StandardScaler().set_fit_request(sample_weight=False), tuner
        )
        search = GridSearchCV(
            pipe,
            {"multilabelthresholdtuner__thresholds": [10, 20]},
            scoring=get_scorer("macro_f1").set_score_request(sample_weight=True),
            cv=KFold(2),
        ).fit(X, Y_, sample_weight=w)
        fitted = search.best_estimator_[-1].estimator_.estimators_[0]
        reference = LogisticRegression().fit(
            StandardScaler().fit_transform(X), Y_[:, 0], sample_weight=w
        )
    np.testing.assert_allclose(fitted.coef_, reference.coef_, rtol=1e-6)
    assert np.isfinite(search.cv_results_["mean_test_score"]).all()


def test_routing_disabled_keeps_passing_fit_params():
    model = FixedMultiLabelThresholdClassifier(WeightedScoresAsX())
    np.testing.assert_array_equal(
        model.fit(S, Y, sample_weight=W).estimator_.sample_weight_, W
    )


# --------------------------------------------------------------------------
# partially labelled y (NaN = unknown)
# --------------------------------------------------------------------------


# The hand-made problem above with label 1 of sample 0 and both labels of
# sample 2 unknown. Label 0 (known rows 0, 1, 3-6): still perfect at t0 = 4.
# Label 1 on its known rows 1, 3, 4, 5, 6 (scores 6, 4, 3, 2, 1, positives
# 3 and 2). Per t1:
#   t1:      7    6    5    4    3    2    1
#   tp/fp:  0/0  0/1  0/1  0/2  1/2  2/2  2/3
#   F1:      0    0    0    0   .4   2/3  4/7   -> best t1 = 2
#   errors:  2    3    3    4    3    2    3     -> first best t1 = 2
# Hamming over the 11 known entries: 2 / 11.
Y_PARTIAL = Y.astype(np.float64)
Y_PARTIAL[0, 1] = np.nan
Y_PARTIAL[2] = np.nan


def _prefit_partial(scoring, thresholds=SCORES_1_TO_7, **kwargs):
    kwargs = {"min_positives": 0, "guard": None, **kwargs}
    model = ScoresAsX().fit(S, Y)
    return MultiLabelThresholdTuner(
        model,
        scoring=scoring,
        cv="prefit",
        refit=False,
        thresholds=thresholds,
        **kwargs,
    ).fit(S, Y_PARTIAL)


def _known_rows_metric(name, Y_true, Y_pred):
    """Row-wise metric on the known entries; rows with none are left out."""
    values = []
    for true, pred in zip(Y_true, Y_pred, strict=True):
        known = ~np.isnan(true)
        if not known.any():
            continue
        t, p = true[known].astype(int), pred[known]
        if name == "subset_accuracy":
            values.append(float(np.all(t == p)))
        else:
            denom = t.sum() + p.sum()
            values.append(2 * (t & p).sum() / denom if denom else 0.0)
    return np.mean(values)


@pytest.mark.parametrize(
    "scoring, thresholds, score",
    [
        ("f1", [4.0, 2.0], (1 + 2 / 3) / 2),
        ("weighted_f1", [4.0, 2.0], 4 / 6 * 1 + 2 / 6 * 2 / 3),
        ("neg_hamming_loss", [4.0, 2.0], -2 / 11),
        # label 0 perfect (tp 4); t1 = 2: 2 tp / (2 tp + fp + fn) = 12 / 14
        ("micro_f1", [4.0, 2.0], 12 / 14),
    ],
)
def test_partial_y_hand_computed(scoring, thresholds, score):
    tuner = _prefit_partial(scoring, thresholds=np.arange(1.0, 8.0))
    np.testing.assert_array_equal(tuner.thresholds_, thresholds)
    assert tuner.best_score_ == pytest.approx(score)


@pytest.mark.parametrize("scoring", ["example_f1", "subset_accuracy"])
def test_partial_y_rowwise_objectives_use_known_entries(scoring):
    tuner = _prefit_partial(scoring, store_cv_results=True)
    value = _known_rows_metric(scoring, Y_PARTIAL, tuner.predict(S))
    assert tuner.best_score_ == pytest.approx(value)
    assert np.all(tuner.cv_results_["scores"] <= value + 1e-12)
    # each candidate of label 1's curve is the metric of those predictions
    for t, cut in enumerate(tuner.cv_results_["thresholds"][1]):
        P = (S >= [tuner.thresholds_[0], cut]).astype(int)
        assert tuner.cv_results_["scores"][1, t] == pytest.approx(
            _known_rows_metric(scoring, Y_PARTIAL, P)
        )


def test_partial_y_each_label_tuned_on_its_known_rows():
    # separable objectives: label j's threshold is the one tuned on the rows
    # where j is known, with the other rows left out entirely
    rng = np.random.RandomState(0)
    scores = rng.normal(size=(80, 3))
    Y_full = (scores + rng.normal(size=(80, 3)) > 0.5).astype(float)
    Y_part = np.where(rng.random_sample(Y_full.shape) < 0.4, np.nan, Y_full)
    grid = np.linspace(-2, 2, 41)
    kwargs = dict(cv="prefit", refit=False, thresholds=grid)
    model = ScoresAsX().fit(scores, Y_full)
    for scoring in ["f1", "weighted_f1", "neg_hamming_loss"]:
        tuner = MultiLabelThresholdTuner(model, scoring=scoring, **kwargs)
        tuner.fit(scores, Y_part)
        for j in range(3):
            rows = ~np.isnan(Y_part[:, j])
            one = MultiLabelThresholdTuner(model, scoring="f1", **kwargs)
            if scoring == "neg_hamming_loss":
                one.set_params(scoring="neg_hamming_loss")
            one.fit(scores[rows][:, [j]], Y_part[rows][:, [j]].astype(int))
            assert tuner.thresholds_[j] == one.thresholds_[0], (scoring, j)


def test_partial_y_int_grid_spans_known_scores_only():
    tuner = _prefit_partial("f1", thresholds=7, store_cv_results=True)
    grid = tuner.cv_results_["thresholds"]
    # label 1 is known on rows 1, 3-6 (scores 1, 2, 3, 4, 6): ranks
    # t * 4 // 6 = 0 0 1 2 2 3 4, cut halfway below each score but the
    # lowest; label 0 on all rows but 2 (scores 2..7): ranks t * 5 // 6;
    # the default 0 comes first
    np.testing.assert_array_equal(grid[1], [0, 1, 1, 1.5, 2.5, 2.5, 3.5, 5])
    np.testing.assert_array_equal(grid[0], [0, 2, 2, 2.5, 3.5, 4.5, 5.5, 6.5])


def test_partial_y_with_cross_validation():
    rng = np.random.RandomState(0)
    X = rng.normal(size=(150, 3))
    Y_full = (X + rng.normal(size=(150, 3)) > [1.0, 1.5, 0.5]).astype(float)
    Y_part = np.where(rng.random_sample(Y_full.shape) < 0.3, np.nan, Y_full)
    for scoring in ["f1", "micro_f1", "example_f1"]:
        tuner = MultiLabelThresholdTuner(MaskedLogistic(), scoring=scoring, cv=3)
        tuner.fit(X, Y_part)
        assert tuner.thresholds_.shape == (3,)
        assert np.isfinite(tuner.best_score_)
        # the refitted estimator saw the unknown entries as NaN
        assert tuner.estimator_.n_unknown_ == int(np.isnan(Y_part).sum())
        pred = tuner.predict(X)
        assert set(np.unique(pred)) <= {0, 1}
    # one validation split, and a single partial label (stratified too)
    tuner = MultiLabelThresholdTuner(
        MaskedLogistic(), cv=0.3, refit=False, min_positives=0
    )
    assert tuner.fit(X, Y_part[:, :1]).thresholds_.shape == (1,)
    tuner = MultiLabelThresholdTuner(MaskedLogistic(), cv=3)
    assert tuner.fit(X, Y_part[:, :1]).thresholds_.shape == (1,)
    # pandas nullable columns: the same thresholds as NaN
    pd = pytest.importorskip("pandas")
    frame = pd.DataFrame(Y_part).astype("Int64")
    tuner = MultiLabelThresholdTuner(MaskedLogistic(), cv=3)
    np.testing.assert_array_equal(
        tuner.fit(X, frame).thresholds_,
        MultiLabelThresholdTuner(MaskedLogistic(), cv=3).fit(X, Y_part).thresholds_,
    )


def test_partial_y_metric_callables():
    # a metric that ignores NaN works; one that chokes on it says so
    def masked_macro_f1(Y_true, Y_pred):
        return np.mean(
            [
                f1_score(Y_true[rows, j], Y_pred[rows, j], zero_division=0)
                for j in range(Y_true.shape[1])
                for rows in [~np.isnan(Y_true[:, j])]
            ]
        )

    fast = _prefit_partial("f1")
    generic = _prefit_partial(masked_macro_f1)
    np.testing.assert_array_equal(generic.thresholds_, fast.thresholds_)
    assert generic.best_score_ == pytest.approx(fast.best_score_)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # scikit-learn's NaN cast
        with pytest.raises(ValueError, match="failed on the partially labelled y"):
            _prefit_partial("jaccard_samples")


def test_partial_y_best_score_matches_nan_aware_metrics():
    # the fast paths agree with skmml.metrics on partial Y_true
    metrics = {
        "f1": macro_f1,
        "weighted_f1": weighted_f1,
        "micro_f1": micro_f1,
        "neg_hamming_loss": lambda a, b: -hamming_loss(a, b),
        "example_f1": example_f1,
        "subset_accuracy": subset_accuracy,
    }
    for scoring, metric in metrics.items():
        tuner = _prefit_partial(scoring)
        try:
            value = metric(Y_PARTIAL, tuner.predict(S))
        except ValueError as exc:  # pragma: no cover - metrics not NaN-aware
            if "NaN" not in str(exc):
                raise
            pytest.skip("skmml.metrics does not accept partial Y_true yet")
        assert tuner.best_score_ == pytest.approx(value), scoring


def test_partial_y_needs_an_estimator_that_accepts_it():
    from skmml.utils import accepts_unknown_labels

    rng = np.random.RandomState(0)
    X = rng.normal(size=(40, 2))
    Y_part = (X > 0).astype(float)
    Y_part[0, 0] = np.nan
    ovr = OneVsRestClassifier(LogisticRegression())
    for meta in (
        MultiLabelThresholdTuner(ovr, cv=2),
        FixedMultiLabelThresholdClassifier(ovr),
    ):
        with pytest.raises(ValueError, match="contains NaN") as info:
            meta.fit(X, Y_part)
        assert "OneVsRestClassifier" in str(info.value)
        assert "PartialBinaryRelevance" in str(info.value)
        assert not accepts_unknown_labels(meta)
        assert accepts_unknown_labels(
            clone(meta).set_params(estimator=MaskedLogistic())
        )
    # nothing is fitted on y with cv="prefit" or a frozen estimator
    fitted = ovr.fit(X, (X > 0).astype(int))
    tuner = MultiLabelThresholdTuner(fitted, cv="prefit", refit=False)
    assert tuner.fit(X, Y_part).thresholds_.shape == (2,)
    from sklearn.frozen import FrozenEstimator

    fixed = FixedMultiLabelThresholdClassifier(FrozenEstimator(fitted))
    np.testing.assert_array_equal(fixed.fit(X, Y_part).predict(X), fitted.predict(X))
    # a 1-D y cannot be partial
    with pytest.raises(ValueError, match="1-D target with NaN"):
        MultiLabelThresholdTuner(LogisticRegression()).fit(
            X, np.r_[np.nan, np.zeros(19), np.ones(20)]
        )


def test_fixed_thresholds_pass_a_partial_y_through():
    rng = np.random.RandomState(0)
    X = rng.normal(size=(60, 2))
    Y_part = (X > 0).astype(float)
    Y_part[::4, 1] = np.nan
    fixed = FixedMultiLabelThresholdClassifier(MaskedLogistic(), threshold=[0.3, 0.7])
    fixed.fit(X, Y_part)
    assert fixed.estimator_.n_unknown_ == 15
    proba = MaskedLogistic().fit(X, Y_part).predict_proba(X)
    np.testing.assert_array_equal(fixed.predict(X), (proba >= [0.3, 0.7]).astype(int))


# Thresholds tuned on the complete target below (OneVsRest logistic
# regression, 3 folds, T = 20, no fallback and no guard). Pinned when the
# quantile grid replaced the evenly spaced one; partial targets must not
# change them.
_COMPLETE_RESULTS = {
    "f1": (
        [0.380169903417, 0.520841410323, 0.0544089373005, 0.217508750388],
        0.589421470343,
    ),
    "micro_f1": (
        [0.380169903417, 0.520841410323, 0.428208870022, 0.217508750388],
        0.726560552648,
    ),
    "example_f1": (
        [0.380169903417, 0.520841410323, 0.428208870022, 0.217508750388],
        0.621672771673,
    ),
    "neg_hamming_loss": (
        [0.380169903417, 0.520841410323, 0.428208870022, 0.217508750388],
        -0.198717948718,
    ),
    "weighted_f1": (
        [0.380169903417, 0.520841410323, 0.0544089373005, 0.217508750388],
        0.708263441829,
    ),
    "subset_accuracy": (
        [0.380169903417, 0.520841410323, 0.428208870022, 0.217508750388],
        0.399267399267,
    ),
}


@pytest.mark.parametrize("scoring", list(_COMPLETE_RESULTS))
def test_complete_y_results_unchanged(scoring):
    rng = np.random.RandomState(13)
    Y_c = (rng.random_sample((40, 4)) < [0.5, 0.3, 0.15, 0.08]).astype(int)
    X_c = rng.normal(size=(40, 3)) + Y_c[:, :3] @ np.eye(3)
    X_c = np.c_[X_c, rng.normal(size=40) + Y_c[:, 3]]
    tuner = MultiLabelThresholdTuner(
        OneVsRestClassifier(LogisticRegression()),
        scoring=scoring,
        cv=3,
        thresholds=20,
        min_positives=0,
        guard=None,
    ).fit(X_c, Y_c)
    thresholds, score = _COMPLETE_RESULTS[scoring]
    np.testing.assert_allclose(tuner.thresholds_, thresholds, rtol=1e-6)
    assert tuner.best_score_ == pytest.approx(score, rel=1e-9)


def test_partial_y_label_without_known_entries():
    # label 1 is never known: macro-F1 averages over label 0 alone, and an
    # int grid cannot be placed for label 1 (default threshold, warning)
    Y_none = Y.astype(np.float64)
    Y_none[:, 1] = np.nan
    model = ScoresAsX().fit(S, Y)
    kwargs = dict(cv="prefit", refit=False, min_positives=0, guard=None)
    tuner = MultiLabelThresholdTuner(model, thresholds=np.arange(1.0, 8.0), **kwargs)
    assert tuner.fit(S, Y_none).best_score_ == pytest.approx(1.0)
    with pytest.warns(UserWarning, match="constant or unknown"):
        tuner = MultiLabelThresholdTuner(model, thresholds=7, **kwargs).fit(S, Y_none)
    assert tuner.thresholds_[1] == 0.0  # decision_function's default
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # F1 undefined for label 1
        assert tuner.best_score_ == pytest.approx(macro_f1(Y_none, tuner.predict(S)))
