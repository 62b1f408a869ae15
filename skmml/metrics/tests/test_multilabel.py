"""Tests of skmml.metrics: multi-label metric functions and scorers."""

import copy
import pickle
import warnings

import numpy as np
import pytest
import scipy.sparse as sp
import sklearn
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays
from sklearn import exceptions as skm_exceptions
from sklearn import metrics as skm
from sklearn.base import clone
from sklearn.ensemble import RandomForestClassifier
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import GridSearchCV, KFold, cross_validate
from sklearn.multiclass import OneVsRestClassifier
from sklearn.neighbors import KNeighborsClassifier
from sklearn.neural_network import MLPClassifier
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from skmml.metrics import (
    coverage,
    example_f1,
    get_scorer,
    hamming_loss,
    macro_f1,
    mean_average_precision,
    micro_f1,
    multilabel_scoring,
    one_error,
    per_label_f1,
    ranking_loss,
    subset_accuracy,
    weighted_f1,
)

SCORER_NAMES = [
    "micro_f1",
    "macro_f1",
    "example_f1",
    "weighted_f1",
    "subset_accuracy",
    "neg_hamming_loss",
    "neg_ranking_loss",
    "mean_average_precision",
    "neg_one_error",
    "neg_coverage",
]

# skmml metric -> (scikit-learn equivalent, kwargs)
F1_PAIRS = [
    (micro_f1, "micro"),
    (macro_f1, "macro"),
    (weighted_f1, "weighted"),
    (example_f1, "samples"),
    (per_label_f1, None),
]
RANKING_PAIRS = [
    (ranking_loss, skm.label_ranking_loss),
    (mean_average_precision, skm.label_ranking_average_precision_score),
    (coverage, skm.coverage_error),
]


def _random_problem(seed, n_samples=40, n_labels=5):
    """Random labels with empty and full rows, predictions, and tied scores."""
    rng = np.random.RandomState(seed)
    Y_true = (rng.rand(n_samples, n_labels) < 0.3).astype(int)
    Y_true[:4] = 0  # rows without any positive label
    Y_true[4:6] = 1  # rows with every label positive
    Y_pred = (rng.rand(n_samples, n_labels) < 0.3).astype(int)
    Y_pred[0] = 0  # empty true and empty predicted set
    # one decimal -> many ties within rows; some constant rows
    Y_score = np.round(rng.rand(n_samples, n_labels), 1)
    Y_score[6] = 0.5
    Y_score[7, :2] = Y_score[7, 2:4].max()
    weights = rng.randint(0, 4, size=n_samples).astype(float)
    weights[0] = 1.0
    return Y_true, Y_pred, Y_score, weights


def _one_error_reference(Y_true, Y_score):
    """Loop form of one-error with ties resolved against the predictor."""
    errors = []
    for truth, score in zip(Y_true, Y_score, strict=True):
        top = np.flatnonzero(score == score.max())
        errors.append(float(not all(truth[top] == 1)))
    return np.mean(errors)


# ---------------------------------------------------------------------------
# agreement with scikit-learn


@pytest.mark.parametrize("seed", range(5))
@pytest.mark.parametrize("true_sparse", [False, True])
@pytest.mark.parametrize("pred_sparse", [False, True])
@pytest.mark.parametrize("weighted", [False, True])
def test_bipartition_metrics_equal_sklearn(seed, true_sparse, pred_sparse, weighted):
    Y_true, Y_pred, _, weights = _random_problem(seed)
    w = weights if weighted else None
    Yt = sp.csr_matrix(Y_true) if true_sparse else Y_true
    Yp = sp.csr_matrix(Y_pred) if pred_sparse else Y_pred
    assert hamming_loss(Yt, Yp, sample_weight=w) == pytest.approx(
        skm.hamming_loss(Y_true, Y_pred, sample_weight=w)
    )
    assert subset_accuracy(Yt, Yp, sample_weight=w) == pytest.approx(
        skm.accuracy_score(Y_true, Y_pred, sample_weight=w)
    )
    for zero_division in (0.0, 1.0):
        for func, average in F1_PAIRS:
            expected = skm.f1_score(
                Y_true,
                Y_pred,
                average=average,
                sample_weight=w,
                zero_division=zero_division,
            )
            got = func(Yt, Yp, sample_weight=w, zero_division=zero_division)
            np.testing.assert_allclose(got, expected, err_msg=func.__name__)


@pytest.mark.parametrize("seed", range(5))
@pytest.mark.parametrize("true_sparse", [False, True])
@pytest.mark.parametrize("weighted", [False, True])
def test_ranking_metrics_equal_sklearn(seed, true_sparse, weighted):
    Y_true, _, Y_score, weights = _random_problem(seed)
    w = weights if weighted else None
    Yt = sp.csr_matrix(Y_true) if true_sparse else Y_true
    for func, sk_func in RANKING_PAIRS:
        expected = sk_func(Y_true, Y_score, sample_weight=w)
        assert func(Yt, Y_score, sample_weight=w) == pytest.approx(expected), (
            func.__name__
        )


@pytest.mark.parametrize("seed", range(5))
def test_one_error_equals_loop_reference(seed):
    Y_true, _, Y_score, _ = _random_problem(seed)
    assert one_error(Y_true, Y_score) == pytest.approx(
        _one_error_reference(Y_true, Y_score)
    )


@settings(max_examples=40, deadline=None)
@given(
    data=st.data(),
    n_samples=st.integers(1, 8),
    n_labels=st.integers(2, 6),
)
def test_ranking_metrics_equal_sklearn_property(data, n_samples, n_labels):
    shape = (n_samples, n_labels)
    Y_true = data.draw(arrays(np.int64, shape, elements=st.integers(0, 1)))
    # scores from a tiny set so that ties are frequent
    Y_score = data.draw(arrays(np.float64, shape, elements=st.sampled_from([0, 1, 2])))
    for func, sk_func in RANKING_PAIRS:
        assert func(Y_true, Y_score) == pytest.approx(sk_func(Y_true, Y_score))
    assert one_error(Y_true, Y_score) == pytest.approx(
        _one_error_reference(Y_true, Y_score)
    )


# ---------------------------------------------------------------------------
# hand-computed values

Y_TRUE = np.array([[1, 0, 1, 0], [0, 1, 0, 0], [0, 0, 0, 0]])
Y_PRED = np.array([[1, 1, 0, 0], [0, 1, 0, 0], [0, 0, 0, 1]])
# row 0: label 0 ties with the irrelevant label 3 at the top
Y_SCORE = np.array([[0.9, 0.1, 0.4, 0.9], [0.2, 0.8, 0.3, 0.1], [0.5, 0.6, 0.7, 0.8]])


def test_bipartition_hand_values():
    # mismatches per row: 2, 0, 1 out of 4 labels each
    assert hamming_loss(Y_TRUE, Y_PRED) == pytest.approx(3 / 12)
    assert subset_accuracy(Y_TRUE, Y_PRED) == pytest.approx(1 / 3)
    # pooled TP=2, FP=2, FN=1
    assert micro_f1(Y_TRUE, Y_PRED) == pytest.approx(4 / 7)
    # per label: 1, 2/3, 0 (FN), 0 (FP only)
    np.testing.assert_allclose(per_label_f1(Y_TRUE, Y_PRED), [1, 2 / 3, 0, 0])
    assert macro_f1(Y_TRUE, Y_PRED) == pytest.approx((1 + 2 / 3) / 4)
    # supports 1, 1, 1, 0
    assert weighted_f1(Y_TRUE, Y_PRED) == pytest.approx((1 + 2 / 3) / 3)
    # rows: 2*1/(2+2), 1, 0 (empty truth, one prediction)
    assert example_f1(Y_TRUE, Y_PRED) == pytest.approx((0.5 + 1 + 0) / 3)


def test_example_f1_empty_rows_follow_zero_division():
    Y = np.array([[0, 0], [1, 0]])
    assert example_f1(Y, Y) == pytest.approx(0.5)
    assert example_f1(Y, Y, zero_division=1.0) == pytest.approx(1.0)


def test_ranking_hand_values():
    # row 0: label 0 and irrelevant 3 tied at 0.9 -> both rank 2; label 2 rank 3
    #   AP = (1/2 + 2/3) / 2; wrong pairs (0,3), (2,3) of 2*2; coverage 3
    # row 1: label 1 ranked first -> AP 1, no wrong pair, coverage 1
    # row 2: no relevant label -> AP 1, loss 0, coverage 0
    assert mean_average_precision(Y_TRUE, Y_SCORE) == pytest.approx(
        ((1 / 2 + 2 / 3) / 2 + 1 + 1) / 3
    )
    assert ranking_loss(Y_TRUE, Y_SCORE) == pytest.approx((2 / 4 + 0 + 0) / 3)
    assert coverage(Y_TRUE, Y_SCORE) == pytest.approx((3 + 1 + 0) / 3)
    # row 0: tie at the top with an irrelevant label -> error; row 2 -> error
    assert one_error(Y_TRUE, Y_SCORE) == pytest.approx(2 / 3)


def test_map_rows_without_positive_score_one_and_can_be_left_out():
    Y_true = np.array([[0, 0, 0], [0, 1, 0]])
    Y_score = np.array([[0.1, 0.2, 0.3], [0.9, 0.5, 0.1]])
    # row 1: label 1 ranked second -> AP 1/2; the empty row counts as 1
    assert mean_average_precision(Y_true, Y_score) == pytest.approx(0.75)
    has_positive = Y_true.sum(axis=1) > 0
    assert mean_average_precision(
        Y_true, Y_score, sample_weight=has_positive
    ) == pytest.approx(0.5)


def test_one_error_ties_resolved_against_predictor():
    Y_score = np.array([[0.5, 0.5, 0.1]])
    assert one_error([[1, 0, 0]], Y_score) == 1.0
    assert one_error([[0, 1, 0]], Y_score) == 1.0
    assert one_error([[1, 1, 0]], Y_score) == 0.0
    # a constant scorer only escapes when every label is relevant
    assert one_error([[1, 1, 0]], [[0.3, 0.3, 0.3]]) == 1.0
    assert one_error([[1, 1, 1]], [[0.3, 0.3, 0.3]]) == 0.0
    # the result does not depend on the column order
    perm = [2, 1, 0]
    assert one_error(np.array([[0, 1, 0]])[:, perm], Y_score[:, perm]) == 1.0


def test_one_error_rows_without_positive_are_errors():
    Y_true = [[0, 0], [1, 0]]
    Y_score = [[0.2, 0.1], [0.9, 0.1]]
    assert one_error(Y_true, Y_score) == 0.5
    assert one_error(Y_true, Y_score, sample_weight=[0, 1]) == 0.0


def test_coverage_follows_sklearn_not_mulan():
    # the only relevant label is ranked first: sklearn says 1, MULAN 0
    assert coverage([[1, 0, 0]], [[0.9, 0.5, 0.1]]) == 1.0
    # ranked last with a tie: both tied labels get the worst rank 3
    assert coverage([[0, 0, 1]], [[0.9, 0.1, 0.1]]) == 3.0


def test_single_label_column_is_not_read_as_binary_target():
    Y_true = np.array([[1], [0], [0], [1]])
    Y_pred = np.array([[1], [1], [0], [0]])
    # F1 of the positive class: TP=1, FP=1, FN=1
    Y_pred2 = np.array([[1], [0], [0], [0]])
    assert micro_f1(Y_true, Y_pred) == pytest.approx(0.5)
    # TP=1, FN=1: F1 2/3, whereas accuracy (sklearn's binary micro) is 3/4
    assert micro_f1(Y_true, Y_pred2) == pytest.approx(2 / 3)
    assert macro_f1(Y_true, Y_pred2) == pytest.approx(2 / 3)
    assert weighted_f1(Y_true, Y_pred2) == pytest.approx(2 / 3)
    assert example_f1(Y_true, Y_pred2) == pytest.approx(0.25)
    assert micro_f1(sp.csr_matrix(Y_true), Y_pred2) == pytest.approx(2 / 3)
    np.testing.assert_allclose(per_label_f1(Y_true, Y_pred2), [2 / 3])
    assert hamming_loss(Y_true, Y_pred2) == pytest.approx(0.25)
    assert one_error(Y_true, [[0.9], [0.1], [0.2], [0.3]]) == pytest.approx(0.5)
    assert coverage(Y_true, [[0.9], [0.1], [0.2], [0.3]]) == pytest.approx(0.5)


def test_no_warning_with_default_zero_division():
    Y_true = np.array([[0, 0], [0, 0]])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        for func, _ in F1_PAIRS:
            np.testing.assert_allclose(func(Y_true, Y_true), 0.0)


def test_inputs_not_modified():
    Y_true, Y_pred, Y_score, weights = _random_problem(0)
    copies = [a.copy() for a in (Y_true, Y_pred, Y_score, weights)]
    Yt_sparse = sp.csr_matrix(Y_true)
    for func, _ in F1_PAIRS:
        func(Yt_sparse, Y_pred, sample_weight=weights)
    hamming_loss(Yt_sparse, Y_pred)
    for func in (ranking_loss, mean_average_precision, coverage, one_error):
        func(Y_true, Y_score, sample_weight=weights)
    for before, after in zip(copies, (Y_true, Y_pred, Y_score, weights), strict=True):
        np.testing.assert_array_equal(before, after)
    np.testing.assert_array_equal(Yt_sparse.toarray(), Y_true)


# ---------------------------------------------------------------------------
# input validation


@pytest.mark.parametrize("func", [hamming_loss, micro_f1, example_f1, per_label_f1])
def test_bipartition_errors(func):
    Y = np.array([[0, 1], [1, 0]])
    with pytest.raises(ValueError, match="Y_true.*0/1"):
        func([[0, 2], [1, 0]], Y)
    with pytest.raises(ValueError, match="Y_pred.*0/1"):
        func(Y, [[0, 1], [1, -1]])
    with pytest.raises(ValueError, match="Y_pred.*2-D"):
        func(Y, [0, 1])
    with pytest.raises(ValueError, match="different shapes"):
        func(Y, [[0, 1, 0], [1, 0, 0]])
    with pytest.raises(ValueError, match="different shapes"):
        func(sp.csr_matrix(Y), sp.csr_matrix([[0, 1]]))
    with pytest.raises(ValueError, match="sample_weight"):
        func(Y, Y, sample_weight=[1.0])
    with pytest.raises(ValueError, match="sample_weight"):
        func(Y, Y, sample_weight=[1.0, -1.0])


@pytest.mark.parametrize(
    "func", [ranking_loss, mean_average_precision, coverage, one_error]
)
def test_ranking_errors(func):
    Y = np.array([[0, 1], [1, 0]])
    with pytest.raises(ValueError, match="Y_true.*0/1"):
        func([[0, 0.5], [1, 0]], [[0.1, 0.2], [0.3, 0.4]])
    with pytest.raises(ValueError, match="different shapes"):
        func(Y, [[0.1, 0.2, 0.3], [0.3, 0.4, 0.5]])
    with pytest.raises(ValueError, match="NaN"):
        func(Y, [[0.1, np.nan], [0.3, 0.4]])
    with pytest.raises(ValueError, match="Y_score.*2-D"):
        func(Y, [0.1, 0.2])
    # per-label predict_proba list of a forest: a hint, not a numpy trace
    proba = [np.array([[0.2, 0.8], [0.6, 0.4]])] * 2
    with pytest.raises(ValueError, match="predict_proba"):
        func(Y, proba)
    with pytest.raises(ValueError, match="sample_weight"):
        func(Y, [[0.1, 0.2], [0.3, 0.4]], sample_weight=[0, 0])


def test_sparse_scores_are_accepted():
    Y_true, _, Y_score, _ = _random_problem(1)
    assert ranking_loss(Y_true, sp.csr_matrix(Y_score)) == pytest.approx(
        ranking_loss(Y_true, Y_score)
    )


# ---------------------------------------------------------------------------
# scorers


def _fixture_data(seed=0, n_samples=60, n_labels=3):
    rng = np.random.RandomState(seed)
    X = rng.normal(size=(n_samples, 4))
    W = rng.normal(size=(4, n_labels))
    Y = (X @ W + 0.5 * rng.normal(size=(n_samples, n_labels)) > 0).astype(int)
    return X, Y


def _scores(estimator, X):
    """Positive-label scores computed independently of skmml's scorers."""
    if hasattr(estimator, "decision_function"):
        return estimator.decision_function(X)
    proba = estimator.predict_proba(X)
    if isinstance(proba, list):
        return np.column_stack([p[:, 1] for p in proba])
    return proba


METRIC_OF = {
    "micro_f1": (micro_f1, 1, False),
    "macro_f1": (macro_f1, 1, False),
    "example_f1": (example_f1, 1, False),
    "weighted_f1": (weighted_f1, 1, False),
    "subset_accuracy": (subset_accuracy, 1, False),
    "neg_hamming_loss": (hamming_loss, -1, False),
    "neg_ranking_loss": (ranking_loss, -1, True),
    "mean_average_precision": (mean_average_precision, 1, True),
    "neg_one_error": (one_error, -1, True),
    "neg_coverage": (coverage, -1, True),
}

ESTIMATORS = {
    "ovr": OneVsRestClassifier(LogisticRegression(solver="liblinear")),
    "forest": RandomForestClassifier(n_estimators=10, random_state=0),
    "knn": KNeighborsClassifier(n_neighbors=5),
    "mlp": MLPClassifier(hidden_layer_sizes=(5,), max_iter=300, random_state=0),
}


def test_multilabel_scoring_names_and_order():
    assert list(multilabel_scoring()) == SCORER_NAMES
    assert list(multilabel_scoring(["neg_coverage", "micro_f1"])) == [
        "neg_coverage",
        "micro_f1",
    ]
    assert list(multilabel_scoring("macro_f1")) == ["macro_f1"]


@pytest.mark.parametrize("names", [[], ["micro_f1", "micro_f1"], ["accuracy"], [3]])
def test_multilabel_scoring_rejects_bad_names(names):
    with pytest.raises(ValueError, match="names|Unknown"):
        multilabel_scoring(names)


def test_get_scorer_lookup():
    assert get_scorer(len) is len
    assert get_scorer(None) is None
    # a fresh object each time, so callers may not share state
    assert get_scorer("micro_f1") is not get_scorer("micro_f1")
    X, Y = _fixture_data()
    knn = KNeighborsClassifier().fit(X, Y)
    # falls back to scikit-learn's names
    assert get_scorer("accuracy")(knn, X, Y) == pytest.approx(
        skm.accuracy_score(Y, knn.predict(X))
    )
    with pytest.raises(ValueError, match="neg_coverage"):
        get_scorer("no_such_metric")
    with pytest.raises(ValueError, match="scoring"):
        get_scorer(3)


@pytest.mark.parametrize("est_name", list(ESTIMATORS))
@pytest.mark.parametrize("n_labels", [2, 3])
def test_scorers_equal_metric_on_predictions(est_name, n_labels):
    X, Y = _fixture_data(n_labels=n_labels)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # MLP convergence on a tiny set
        est = clone(ESTIMATORS[est_name]).fit(X, Y)
    scores = _scores(est, X)
    assert scores.shape == Y.shape
    for name, scorer in multilabel_scoring().items():
        func, sign, ranking = METRIC_OF[name]
        expected = sign * func(Y, scores if ranking else est.predict(X))
        assert scorer(est, X, Y) == pytest.approx(expected), name


class _TwoScores:
    """Fake fitted estimator whose two score methods rank labels differently."""

    decision = np.array([[0.9, 0.1, 0.5], [0.2, 0.8, 0.4]])
    proba = np.array([[0.1, 0.9, 0.5], [0.8, 0.2, 0.4]])

    def decision_function(self, X):
        return self.decision

    def predict_proba(self, X):
        return self.proba


def test_ranking_scorer_uses_decision_function_first():
    Y = np.array([[1, 0, 0], [0, 1, 1]])
    X = np.zeros((2, 1))
    # decision ranks perfectly, proba ranks in reverse order
    assert get_scorer("mean_average_precision")(_TwoScores(), X, Y) == 1.0
    assert get_scorer("neg_ranking_loss")(_TwoScores(), X, Y) == 0.0
    assert ranking_loss(Y, _TwoScores.proba) == 1.0
    X, Y = _fixture_data()
    # a pipeline exposes the final step's methods
    pipe = make_pipeline(StandardScaler(), KNeighborsClassifier()).fit(X, Y)
    expected = -coverage(Y, _scores(pipe, X))
    assert get_scorer("neg_coverage")(pipe, X, Y) == pytest.approx(expected)


def test_ranking_scorer_with_single_class_label_in_training():
    X, Y = _fixture_data()
    Y_fit = Y.copy()
    Y_fit[:, 1] = 0  # label 1 never positive, label 2 always positive
    Y_fit[:, 2] = 1
    forest = RandomForestClassifier(n_estimators=5, random_state=0).fit(X, Y_fit)
    proba = forest.predict_proba(X)
    assert proba[1].shape[1] == 1  # the case make_scorer gets wrong
    expected_scores = np.column_stack(
        [proba[0][:, 1], np.zeros(len(X)), np.ones(len(X))]
    )
    expected = ranking_loss(Y, expected_scores)
    assert get_scorer("neg_ranking_loss")(forest, X, Y) == pytest.approx(-expected)


def test_ranking_scorer_needs_a_score_method():
    X, Y = _fixture_data()

    class PredictOnly:
        def predict(self, X):
            return np.zeros((len(X), 3), dtype=int)

    with pytest.raises(AttributeError, match="decision_function"):
        get_scorer("neg_one_error")(PredictOnly(), X, Y)


def test_scorer_sample_weight():
    X, Y = _fixture_data()
    knn = KNeighborsClassifier().fit(X, Y)
    w = np.arange(len(X)) % 3
    for name in ("micro_f1", "mean_average_precision"):
        func, _, ranking = METRIC_OF[name]
        pred = _scores(knn, X) if ranking else knn.predict(X)
        assert get_scorer(name)(knn, X, Y, sample_weight=w) == pytest.approx(
            func(Y, pred, sample_weight=w)
        )


def test_scorers_pickle_and_deepcopy():
    X, Y = _fixture_data()
    knn = KNeighborsClassifier().fit(X, Y)
    for name, scorer in multilabel_scoring().items():
        for other in (pickle.loads(pickle.dumps(scorer)), copy.deepcopy(scorer)):
            assert other(knn, X, Y) == pytest.approx(scorer(knn, X, Y)), name
        assert repr(scorer)


@pytest.mark.parametrize("est_name", ["ovr", "forest", "knn", "mlp"])
def test_cross_validate_with_all_scorers(est_name):
    X, Y = _fixture_data(n_labels=2)
    est = ESTIMATORS[est_name]
    cv = KFold(3, shuffle=True, random_state=0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        result = cross_validate(est, X, Y, cv=cv, scoring=multilabel_scoring())
        # recompute every fold by hand
        for fold, (train, test) in enumerate(cv.split(X)):
            fitted = clone(est).fit(X[train], Y[train])
            for name, (func, sign, ranking) in METRIC_OF.items():
                pred = _scores(fitted, X[test]) if ranking else fitted.predict(X[test])
                expected = sign * func(Y[test], pred)
                assert result[f"test_{name}"][fold] == pytest.approx(expected), name


@pytest.mark.parametrize("est_name", ["forest", "knn", "ovr"])
def test_grid_search_refits_on_chosen_metric(est_name):
    X, Y = _fixture_data(n_samples=45)
    grids = {
        "forest": {"max_depth": [1, None]},
        "knn": {"n_neighbors": [1, 7]},
        "ovr": {"estimator__C": [0.01, 10.0]},
    }
    search = GridSearchCV(
        ESTIMATORS[est_name],
        grids[est_name],
        scoring=multilabel_scoring(),
        refit="mean_average_precision",
        cv=KFold(3),
    ).fit(X, Y)
    means = search.cv_results_["mean_test_mean_average_precision"]
    assert search.best_index_ == int(np.argmax(means))
    for name in SCORER_NAMES:
        assert np.all(np.isfinite(search.cv_results_[f"mean_test_{name}"]))
    # a single skmml name works as scoring too
    single = GridSearchCV(
        ESTIMATORS[est_name], grids[est_name], scoring="accuracy", cv=KFold(3)
    )
    single.set_params(scoring=get_scorer("neg_hamming_loss")).fit(X, Y)
    np.testing.assert_allclose(
        single.cv_results_["mean_test_score"],
        search.cv_results_["mean_test_neg_hamming_loss"],
    )


def test_grid_search_with_iterative_stratified_kfold():
    model_selection = pytest.importorskip("skmml.model_selection")
    X, Y = _fixture_data(n_samples=48)
    Y[:, 2] = 0
    Y[::8, 2] = 1  # a rare label with 6 positives
    cv = model_selection.IterativeStratifiedKFold(
        n_splits=3, shuffle=True, random_state=0
    )
    search = GridSearchCV(
        KNeighborsClassifier(),
        {"n_neighbors": [1, 5]},
        scoring=multilabel_scoring(),
        refit="macro_f1",
        cv=cv,
    ).fit(X, Y)
    splits = list(cv.split(X, Y))
    # recompute the ranking loss of the second candidate fold by fold
    expected = []
    for train, test in splits:
        knn = KNeighborsClassifier(n_neighbors=5).fit(X[train], Y[train])
        expected.append(-ranking_loss(Y[test], _scores(knn, X[test])))
    np.testing.assert_allclose(
        search.cv_results_["mean_test_neg_ranking_loss"][1], np.mean(expected)
    )
    means = search.cv_results_["mean_test_macro_f1"]
    assert search.best_index_ == int(np.argmax(means))


@pytest.mark.parametrize("zero_division", [0.0, 1.0, np.nan, "warn"])
@pytest.mark.parametrize("average", ["micro", "macro", "weighted", "samples", None])
def test_f1_from_counts_equals_sklearn_on_empty_labels_and_rows(average, zero_division):
    funcs = {
        "micro": micro_f1,
        "macro": macro_f1,
        "weighted": weighted_f1,
        "samples": example_f1,
        None: per_label_f1,
    }
    Y_true = np.array([[1, 0, 0], [0, 0, 0], [1, 1, 0], [0, 0, 0]])
    Y_pred = np.array([[1, 0, 0], [0, 0, 0], [0, 1, 0], [1, 0, 0]])
    w = np.array([1.0, 2.0, 0.5, 1.5])
    for weights in (None, w):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            expected = skm.f1_score(
                Y_true,
                Y_pred,
                average=average,
                sample_weight=weights,
                zero_division=zero_division,
            )
            got = funcs[average](
                Y_true, Y_pred, sample_weight=weights, zero_division=zero_division
            )
        np.testing.assert_allclose(got, expected, equal_nan=True)
    # "warn" warns exactly when scikit-learn does
    for func in (
        funcs[average],
        lambda *a, **k: skm.f1_score(*a, average=average, **k),
    ):
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            func(Y_true, Y_pred, zero_division=zero_division)
        undefined = [
            c for c in caught if c.category is skm_exceptions.UndefinedMetricWarning
        ]
        if func is funcs[average]:
            ours = bool(undefined)
        else:
            assert ours == bool(undefined)


@pytest.mark.parametrize(
    "name", ["neg_ranking_loss", "mean_average_precision", "neg_coverage"]
)
def test_ranking_scorers_take_part_in_metadata_routing(name):
    rng = np.random.RandomState(0)
    X = rng.normal(size=(40, 3))
    Y = (X + rng.normal(size=(40, 3)) > 0).astype(int)
    w = rng.uniform(0.5, 2.0, size=40)
    knn = KNeighborsClassifier(n_neighbors=5)
    with sklearn.config_context(enable_metadata_routing=True):
        scorer = get_scorer(name).set_score_request(sample_weight=True)
        assert scorer.get_metadata_routing().consumes("score", ["sample_weight"])
        result = cross_validate(
            knn, X, Y, scoring=scorer, cv=KFold(2), params={"sample_weight": w}
        )
    # the weights reached the scorer: the scores are the weighted ones
    expected = []
    for train, test in KFold(2).split(X):
        fitted = clone(knn).fit(X[train], Y[train])
        expected.append(
            get_scorer(name)(fitted, X[test], Y[test], sample_weight=w[test])
        )
    np.testing.assert_allclose(result["test_score"], expected)


# ---------------------------------------------------------------------------
# memory: row blocks and boolean storage


def _all_metric_values(Y_true, Y_pred, Y_score, weights):
    out = []
    for sample_weight in (None, weights):
        for func, _ in F1_PAIRS:
            for zero_division in (0.0, 1.0, np.nan):
                out.append(
                    func(
                        Y_true,
                        Y_pred,
                        sample_weight=sample_weight,
                        zero_division=zero_division,
                    )
                )
        out.append(hamming_loss(Y_true, Y_pred, sample_weight=sample_weight))
        out.append(subset_accuracy(Y_true, Y_pred, sample_weight=sample_weight))
        for func in (mean_average_precision, ranking_loss, coverage, one_error):
            out.append(func(Y_true, Y_score, sample_weight=sample_weight))
    return out


@pytest.mark.parametrize("partial", [False, True])
def test_row_blocks_give_bit_identical_values(monkeypatch, partial):
    # the same values, to the last bit, whatever the size of the row blocks
    from skmml.metrics import _confusion
    from skmml.utils import _target

    Y_true, Y_pred, Y_score, weights = _random_problem(3, n_samples=300)
    Y_true = Y_true.astype(float)
    if partial:
        Y_true[np.random.RandomState(0).rand(*Y_true.shape) < 0.2] = np.nan
    Y_score = Y_score.astype(np.float32)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        whole = _all_metric_values(Y_true, Y_pred, Y_score, weights)
        for block in (1, 7, 64):
            monkeypatch.setattr(_confusion, "_BLOCK", block)
            monkeypatch.setattr(_target, "_CHECK_BLOCK", block)
            blocks = _all_metric_values(Y_true, Y_pred, Y_score, weights)
            for a, b in zip(whole, blocks, strict=True):
                np.testing.assert_array_equal(a, b, strict=True)


def test_dtypes_give_bit_identical_values():
    # boolean storage: int, float and bool inputs, float32 / float64 scores
    Y_true, Y_pred, Y_score, weights = _random_problem(4, n_samples=200)
    ref = _all_metric_values(Y_true, Y_pred, Y_score, weights)
    for cast in (bool, float, np.int8):
        got = _all_metric_values(
            Y_true.astype(cast),
            Y_pred.astype(cast),
            Y_score.astype(np.float32).astype(float),
            weights,
        )
        for a, b in zip(ref, got, strict=True):
            np.testing.assert_array_equal(a, b, strict=True)


def test_validation_error_found_in_a_late_block(monkeypatch):
    from skmml.utils import _target

    monkeypatch.setattr(_target, "_CHECK_BLOCK", 4)
    Y = np.zeros((50, 3), dtype=int)
    bad = Y.copy()
    bad[-1, -1] = 2
    with pytest.raises(ValueError, match=r"Y_pred .*found value\(s\) \[2\]"):
        macro_f1(Y, bad)
    bad = Y.astype(float)
    bad[-1, 0] = np.inf
    with pytest.raises(ValueError, match="Y_true contains infinity"):
        hamming_loss(bad, Y)
    scores = np.zeros((50, 3), dtype=np.float32)
    scores[-1, 1] = np.nan
    with pytest.raises(ValueError, match="Y_score contains NaN"):
        coverage(Y, scores)


def test_large_inputs_need_no_full_size_copy(monkeypatch):
    # bool labels and float32 scores are read in place, by row blocks
    import tracemalloc

    from skmml.metrics import _confusion

    monkeypatch.setattr(_confusion, "_BLOCK", 4096)
    rng = np.random.RandomState(0)
    n, q = 20000, 20
    Y_true = rng.rand(n, q) < 0.2
    Y_pred = Y_true ^ (rng.rand(n, q) < 0.05)
    Y_score = rng.rand(n, q).astype(np.float32)
    for func, other in [
        (macro_f1, Y_pred),
        (hamming_loss, Y_pred),
        (example_f1, Y_pred),
        (mean_average_precision, Y_score),
        (ranking_loss, Y_score),
        (coverage, Y_score),
        (one_error, Y_score),
    ]:
        tracemalloc.start()
        try:
            func(Y_true, other)
            peak = tracemalloc.get_traced_memory()[1]
        finally:
            tracemalloc.stop()
        # before: int64 / float64 copies, 8 to 70 bytes per entry; now the
        # per-row results (under 100 bytes a row) and one block
        assert peak < 100 * n + 4 * n * q, (func.__name__, peak)
