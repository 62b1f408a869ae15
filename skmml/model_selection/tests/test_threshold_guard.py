"""Tests of the safeguards of MultiLabelThresholdTuner (issue 12).

The candidate grid (quantiles of the out-of-fold scores plus the untuned
threshold), the fallback of labels with too few positives and the guard
that keeps the untuned decision when tuning does not improve the inner-CV
objective.
"""

import warnings

import numpy as np
import pytest
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import KFold
from sklearn.multiclass import OneVsRestClassifier

from skmml.metrics import per_label_f1
from skmml.model_selection import MultiLabelThresholdTuner
from skmml.model_selection.tests.test_threshold import ScoresAsX


class ProbaAsX(ClassifierMixin, BaseEstimator):
    """Fake classifier whose predict_proba returns X, with its own threshold."""

    def __init__(self, threshold=0.5):
        self.threshold = threshold

    def fit(self, X, y):
        self.classes_ = np.arange(np.asarray(y).shape[1])
        return self

    def predict_proba(self, X):
        return np.asarray(X, dtype=np.float64)


def _fold_splits(n_folds, fold_size):
    """Consecutive test folds (the fake models ignore their training rows)."""
    index = np.arange(n_folds * fold_size)
    return list(KFold(n_folds).split(index))


# ---------------------------------------------------------------------------
# candidate grid


@pytest.mark.parametrize("thresholds", [5, [0.2, 0.7], [[0.2, 0.7], [0.1, 0.9]]])
def test_default_threshold_is_a_candidate(thresholds):
    rng = np.random.RandomState(0)
    S = rng.random_sample((40, 2))
    Y = (S + rng.normal(0, 0.3, size=S.shape) > 0.6).astype(int)
    for model, default in [(ScoresAsX(), 0.0), (ProbaAsX(), 0.5), (ProbaAsX(0.3), 0.3)]:
        tuner = MultiLabelThresholdTuner(
            model, thresholds=thresholds, cv=2, store_cv_results=True
        ).fit(S, Y)
        grid = tuner.cv_results_["thresholds"]
        assert np.all(np.any(grid == default, axis=1))
        assert np.all(np.diff(grid, axis=1) >= 0)  # sorted
        np.testing.assert_array_equal(tuner.default_thresholds_, [default, default])


def test_int_grid_is_quantiles_of_the_out_of_fold_scores():
    S = np.arange(1.0, 10.0).reshape(-1, 1)
    Y = (S >= 5).astype(int)
    tuner = MultiLabelThresholdTuner(
        ProbaAsX().fit(S, Y),
        thresholds=5,
        cv="prefit",
        refit=False,
        min_positives=0,
        store_cv_results=True,
    )
    tuner.fit(S, Y)
    # the scores of ranks 0, 2, 4, 6, 8 (quantiles 0, .25, .5, .75, 1) of
    # 1..9, each but the lowest moved halfway down to the next lower score,
    # and the default 0.5
    np.testing.assert_array_equal(
        tuner.cv_results_["thresholds"], [[0.5, 1.0, 2.5, 4.5, 6.5, 8.5]]
    )
    # with T >= n every distinct cut is a candidate
    tuner.set_params(thresholds=12).fit(S, Y)
    np.testing.assert_array_equal(
        np.unique(tuner.cv_results_["thresholds"]), np.r_[0.5, 1, np.arange(1.5, 9)]
    )


def test_grid_resolves_scores_compressed_near_zero():
    # LP-WSVC-like marginals: every score in [0, 1e-3] but one outlier at 1;
    # an evenly spaced grid from min to max steps by 0.01 and cannot
    # separate the positives (scores 6e-4 .. 1e-3) from the negatives; 96
    # rows and T = 100 quantiles: every cut is a candidate
    rng = np.random.RandomState(0)
    negatives = rng.uniform(0, 4e-4, size=70)
    positives = rng.uniform(6e-4, 1e-3, size=25)
    scores = np.r_[negatives, positives, 1.0][:, None]
    Y = np.r_[np.zeros(70), np.ones(25), 0][:, None].astype(int)
    evenly = np.linspace(scores.min(), scores.max(), 100)
    assert not np.any((evenly > 4e-4) & (evenly <= 6e-4))
    model = ProbaAsX().fit(scores, Y)
    tuner = MultiLabelThresholdTuner(model, cv="prefit", refit=False)
    tuner.fit(scores, Y)
    # halfway between the highest negative and the lowest positive
    cut = (negatives.max() + positives.min()) / 2
    assert tuner.thresholds_[0] == pytest.approx(cut)
    assert tuner.tuned_mask_[0]
    assert tuner.best_score_ == pytest.approx(2 * 25 / (2 * 25 + 1))  # the outlier
    assert tuner.default_score_ == 0.0  # 0.5 predicts only the negative outlier


# ---------------------------------------------------------------------------
# per-label fallback


def test_label_with_two_positives_keeps_the_default():
    rng = np.random.RandomState(0)
    X = rng.normal(size=(120, 3))
    Y = np.c_[X[:, 0] + rng.normal(size=120) > 0, np.zeros(120)].astype(int)
    Y[[3, 50], 1] = 1  # two positives: a near-zero threshold would win
    model = OneVsRestClassifier(LogisticRegression())
    overfit = MultiLabelThresholdTuner(model, cv=3, min_positives=0, guard=None)
    overfit.fit(X, Y)
    assert overfit.thresholds_[1] < 0.1
    assert overfit.predict(X)[:, 1].mean() > 0.1  # predicted far too often
    for guard in (None, "one_se"):
        tuner = MultiLabelThresholdTuner(model, cv=3, guard=guard).fit(X, Y)
        assert tuner.thresholds_[1] == 0.5
        np.testing.assert_array_equal(tuner.fallback_labels_, [1])
        assert not tuner.tuned_mask_[1]
    # without the guard, label 0 is still tuned
    assert MultiLabelThresholdTuner(model, cv=3, guard=None).fit(X, Y).tuned_mask_[0]


def test_min_positives_counts_known_positives_of_the_tuning_rows():
    S = np.arange(1.0, 13.0).reshape(-1, 1).repeat(2, axis=1)
    Y = np.zeros((12, 2))
    Y[6:, 0] = 1  # 6 positives
    Y[9:, 1] = 1  # 3 positives ...
    Y[:4, 1] = np.nan  # ... among 8 known entries
    model = ScoresAsX().fit(S, Y)
    for min_positives, fallback in [(0, []), (3, []), (4, [1]), (7, [0, 1])]:
        tuner = MultiLabelThresholdTuner(
            model, cv="prefit", refit=False, min_positives=min_positives
        )
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", UserWarning)
            tuner.fit(S, Y)
        np.testing.assert_array_equal(tuner.fallback_labels_, fallback)
        assert np.all(tuner.thresholds_[fallback] == 0.0)
    # nothing left to tune: one warning says so
    with pytest.warns(UserWarning, match="No label has min_positives=7"):
        tuner.fit(S, Y)
    assert tuner.best_score_ == tuner.default_score_


# ---------------------------------------------------------------------------
# guard


# One label, three validation folds of 6 rows with scores 1..6 each,
# candidate threshold 3.5 against the default 0 (predicts every row):
#   folds A, B, y = 0 0 0 1 1 1: F1 at 0 = 6/9, at 3.5 = 1    -> gain +1/3
#   fold C,     y = 1 1 0 1 1 0: F1 at 0 = 8/10, at 3.5 = 4/7 -> gain -8/35
# The plain argmax takes 3.5 (mean gain 46/315 > 0). The guard scores, on
# each fold, the threshold tuned on the two others: 3.5 every time (a gain
# of 1/3 - 8/35 > 0 on any two folds), so the cross-fitted gains are
# (1/3, 1/3, -8/35), of mean 46/315 = 0.146 and standard error
# std(ddof=1) / sqrt(3) = (1/3 + 8/35) / 3 = 0.187: "mean" takes 3.5,
# "one_se" keeps 0.
S_GUARD = np.tile(np.arange(1.0, 7.0), 3)[:, None]
Y_GUARD = np.r_[0, 0, 0, 1, 1, 1, 0, 0, 0, 1, 1, 1, 1, 1, 0, 1, 1, 0][:, None]
TUNED = (1 + 1 + 4 / 7) / 3
UNTUNED = (6 / 9 + 6 / 9 + 8 / 10) / 3


@pytest.mark.parametrize(
    "guard, threshold, score",
    [(None, 3.5, TUNED), ("mean", 3.5, TUNED), ("one_se", 0.0, UNTUNED)],
)
@pytest.mark.parametrize("scoring", ["f1", "micro_f1"])  # separable and global
def test_guard_hand_computed(scoring, guard, threshold, score):
    tuner = MultiLabelThresholdTuner(
        ScoresAsX(),
        scoring=scoring,
        thresholds=[3.5],
        cv=_fold_splits(3, 6),
        min_positives=0,
        guard=guard,
    ).fit(S_GUARD, Y_GUARD)
    assert tuner.thresholds_[0] == threshold
    assert tuner.tuned_mask_[0] == (threshold != 0.0)
    assert tuner.best_score_ == pytest.approx(score)
    assert tuner.default_score_ == pytest.approx(UNTUNED)


def test_guard_uses_gains_of_thresholds_tuned_on_the_other_folds():
    # 3 folds of 4 rows, scores 1..4, candidate 2.5: it wins fold A
    # (y = 0 0 1 1, gain +1/3) and loses B and C (y = 1 0 1 1, gain -2/35).
    # Plain argmax: mean gain (1/3 - 4/35) / 3 > 0, so 2.5. Cross-fitted:
    # tuned on (B, C) the threshold stays 0 (gain 0 on A), tuned on (A, C) or
    # (A, B) it is 2.5 (gain -2/35 on B, on C): mean < 0, both guards keep 0
    S3 = np.tile([1.0, 2.0, 3.0, 4.0], 3)[:, None]
    Y3 = np.array([0, 0, 1, 1, 1, 0, 1, 1, 1, 0, 1, 1])[:, None]
    kwargs = dict(thresholds=[2.5], cv=_fold_splits(3, 4), min_positives=0)
    plain = MultiLabelThresholdTuner(ScoresAsX(), guard=None, **kwargs).fit(S3, Y3)
    assert plain.thresholds_[0] == 2.5
    for guard in ("mean", "one_se"):
        tuner = MultiLabelThresholdTuner(ScoresAsX(), guard=guard, **kwargs)
        assert tuner.fit(S3, Y3).thresholds_[0] == 0.0


def test_single_split_guard_needs_a_strict_gain():
    # cv="prefit": no folds to cross-fit; the tuned thresholds must beat the
    # default on the tuning data. Label 0: 0 and 1 tie (both predict all)
    S = np.array([[1.0, 1.0], [2.0, 2.0], [3.0, 3.0], [4.0, 4.0]])
    Y = np.array([[1, 0], [1, 0], [1, 1], [1, 1]])
    model = ScoresAsX().fit(S, Y)
    for guard in ("mean", "one_se"):
        tuner = MultiLabelThresholdTuner(
            model,
            thresholds=[1.0, 2.5],
            cv="prefit",
            refit=False,
            min_positives=0,
            guard=guard,
        ).fit(S, Y)
        np.testing.assert_array_equal(tuner.thresholds_, [0.0, 2.5])


def test_pure_noise_scores_keep_the_default():
    # scores unrelated to the labels, all above the default 0, which
    # predicts every row: the F1-, micro-F1-optimal decision without
    # information (prevalences 0.3-0.4); Hamming: scores below 0, nothing
    # predicted, optimal for prevalences below 0.5
    # (one seed; over seeds 0-29 the guard keeps every label at its default
    # in 23 fits for F1, 29 for micro-F1 and Hamming, the plain argmax in 4,
    # 3 and 12)
    rng = np.random.RandomState(0)
    S = 1 + rng.random_sample((200, 3))
    Y = (rng.random_sample((200, 3)) < [0.4, 0.35, 0.3]).astype(int)
    for scoring, scores in [("f1", S), ("micro_f1", S), ("neg_hamming_loss", S - 2)]:
        plain = MultiLabelThresholdTuner(ScoresAsX(), scoring=scoring, guard=None)
        assert plain.fit(scores, Y).tuned_mask_.any(), scoring  # overfits
        tuner = MultiLabelThresholdTuner(ScoresAsX(), scoring=scoring).fit(scores, Y)
        assert not tuner.tuned_mask_.any(), scoring
        np.testing.assert_array_equal(tuner.thresholds_, [0.0, 0.0, 0.0])
        assert tuner.best_score_ == tuner.default_score_


def test_clearly_better_threshold_is_taken():
    # positives score in [1, 2], negatives in [0.2, 0.9]: any threshold in
    # (0.9, 1] is perfect, the default 0 predicts every row
    rng = np.random.RandomState(0)
    Y = (rng.random_sample((100, 2)) < [0.3, 0.15]).astype(int)
    S = np.where(Y == 1, rng.uniform(1, 2, Y.shape), rng.uniform(0.2, 0.9, Y.shape))
    for scoring in ["f1", "micro_f1", "example_f1"]:
        tuner = MultiLabelThresholdTuner(ScoresAsX(), scoring=scoring).fit(S, Y)
        assert tuner.tuned_mask_.all(), scoring
        highest_negative = np.where(Y == 0, S, -np.inf).max(axis=0)
        lowest_positive = np.where(Y == 1, S, np.inf).min(axis=0)
        assert np.all(tuner.thresholds_ > highest_negative)
        assert np.all(tuner.thresholds_ <= lowest_positive)
        # (example-F1 counts the rows without labels as 0, hence below 1)
        assert tuner.best_score_ > tuner.default_score_
        np.testing.assert_array_equal(tuner.predict(S), Y)


def test_guard_never_moves_fallback_labels_and_matches_per_label_f1():
    rng = np.random.RandomState(0)
    Y = (rng.random_sample((100, 2)) < [0.3, 0.05]).astype(int)
    S = np.where(Y == 1, rng.uniform(1, 2, Y.shape), rng.uniform(0.2, 0.9, Y.shape))
    for scoring in ["f1", "micro_f1"]:
        tuner = MultiLabelThresholdTuner(ScoresAsX(), scoring=scoring).fit(S, Y)
        np.testing.assert_array_equal(tuner.fallback_labels_, [1])
        np.testing.assert_array_equal(tuner.tuned_mask_, [True, False])
        assert per_label_f1(Y, tuner.predict(S))[0] == 1.0


@pytest.mark.parametrize(
    "params, match",
    [
        ({"min_positives": -1}, "'min_positives' parameter of MultiLabelThreshold"),
        ({"min_positives": 2.5}, "'min_positives' parameter of MultiLabelThreshold"),
        ({"guard": "two_se"}, "'guard' parameter of MultiLabelThresholdTuner"),
        ({"guard": True}, "'guard' parameter of MultiLabelThresholdTuner"),
    ],
)
def test_new_parameter_errors(params, match):
    tuner = MultiLabelThresholdTuner(ScoresAsX(), **params)
    with pytest.raises(ValueError, match=match):
        tuner.fit(S_GUARD, Y_GUARD)


def test_threshold_display_draws_the_estimators_own_default():
    matplotlib = pytest.importorskip("matplotlib")
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from skmml.plotting import ThresholdDisplay

    S = np.random.RandomState(0).random_sample((40, 2))
    Y = (S > 0.4).astype(int)
    tuner = MultiLabelThresholdTuner(ProbaAsX(0.3), cv=2, min_positives=0)
    disp = ThresholdDisplay.from_estimator(tuner.fit(S, Y))
    assert disp.default_line_.get_ydata()[0] == 0.3
    plt.close(disp.figure_)


# ---------------------------------------------------------------------------
# estimators whose predict is not their scores cut at the default threshold


class ProbaAndRule(ClassifierMixin, BaseEstimator):
    """predict_proba: the first L columns of X; predict: the last L."""

    def fit(self, X, y):
        self.n_labels_ = np.asarray(y).shape[1]
        self.classes_ = np.arange(self.n_labels_)
        return self

    def predict_proba(self, X):
        return np.asarray(X, dtype=np.float64)[:, : self.n_labels_]

    def predict(self, X):
        return np.asarray(X)[:, self.n_labels_ :].astype(np.int64)


def _proba_and_rule(rule_is_truth, n=120, seed=0):
    rng = np.random.RandomState(seed)
    Y = (rng.random_sample((n, 2)) < 0.3).astype(int)
    if rule_is_truth:  # noise scores, a perfect predict
        S, rule = rng.random_sample((n, 2)), Y
    else:  # informative scores, a predict that never fires
        S, rule = np.clip(0.2 + 0.3 * Y + rng.normal(0, 0.05, Y.shape), 0, 1), 0 * Y
    return np.hstack([S, rule]), Y


def test_a_better_predict_is_kept_as_the_untuned_decision():
    X, Y = _proba_and_rule(rule_is_truth=True)
    splits = _fold_splits(4, 30)
    tuner = MultiLabelThresholdTuner(ProbaAndRule(), cv=splits, min_positives=0).fit(
        X, Y
    )
    assert tuner.untuned_decision_ == "predict"
    assert not tuner.tuned_mask_.any()
    assert tuner.default_score_ == 1.0  # macro-F1 of the perfect predict
    np.testing.assert_array_equal(tuner.predict(X), Y)
    # without the guard the noise thresholds replace predict
    plain = MultiLabelThresholdTuner(
        ProbaAndRule(), cv=splits, min_positives=0, guard=None
    ).fit(X, Y)
    assert plain.tuned_mask_.all()
    assert not np.array_equal(plain.predict(X), Y)


def test_tuning_is_kept_when_it_beats_predict():
    X, Y = _proba_and_rule(rule_is_truth=False)
    splits = _fold_splits(4, 30)
    tuner = MultiLabelThresholdTuner(ProbaAndRule(), cv=splits, min_positives=0).fit(
        X, Y
    )
    assert tuner.untuned_decision_ == "predict"
    assert tuner.tuned_mask_.all()
    assert tuner.default_score_ == 0.0  # predict never fires: F1 0
    # best_score_: mean over the folds of macro-F1 at thresholds_
    P = (X[:, :2] >= tuner.thresholds_).astype(int)
    expected = np.mean([per_label_f1(Y[test], P[test]).mean() for _, test in splits])
    assert tuner.best_score_ == pytest.approx(expected)
    np.testing.assert_array_equal(tuner.predict(X), P)
    assert tuner.best_score_ > 0.9


def test_mixed_decisions_use_predict_for_the_untuned_labels():
    # label 0: perfect predict (kept); label 1: informative scores, a
    # predict that never fires (tuned)
    X1, Y1 = _proba_and_rule(rule_is_truth=True)
    X2, Y2 = _proba_and_rule(rule_is_truth=False, seed=1)
    X = np.column_stack([X1[:, 0], X2[:, 1], X1[:, 2], X2[:, 3]])
    Y = np.column_stack([Y1[:, 0], Y2[:, 1]])
    tuner = MultiLabelThresholdTuner(
        ProbaAndRule(), cv=_fold_splits(4, 30), min_positives=0
    ).fit(X, Y)
    np.testing.assert_array_equal(tuner.tuned_mask_, [False, True])
    pred = tuner.predict(X)
    np.testing.assert_array_equal(pred[:, 0], Y[:, 0])
    np.testing.assert_array_equal(pred[:, 1], X[:, 1] >= tuner.thresholds_[1])


@pytest.mark.parametrize("scoring", ["micro_f1", "example_f1", "hamming"])
def test_predict_guard_with_global_objectives(scoring):
    from skmml.metrics import hamming_loss

    if scoring == "hamming":
        scoring = lambda Y_true, Y_pred: -hamming_loss(Y_true, Y_pred)  # noqa: E731
    X, Y = _proba_and_rule(rule_is_truth=True)
    tuner = MultiLabelThresholdTuner(
        ProbaAndRule(), scoring=scoring, cv=_fold_splits(4, 30), min_positives=0
    ).fit(X, Y)
    assert tuner.untuned_decision_ == "predict"
    assert not tuner.tuned_mask_.any()
    np.testing.assert_array_equal(tuner.predict(X), Y)


def test_untuned_decision_is_thresholds_when_predict_agrees():
    rng = np.random.RandomState(0)
    X = rng.normal(size=(120, 4))
    Y = (X[:, :2] + rng.normal(0, 0.5, (120, 2)) > 0.3).astype(int)
    tuner = MultiLabelThresholdTuner(
        OneVsRestClassifier(LogisticRegression()), cv=3
    ).fit(X, Y)
    assert tuner.untuned_decision_ == "thresholds"
    # no predict at all: the thresholds are the untuned decision
    tuner = MultiLabelThresholdTuner(ProbaAsX(), cv=2).fit(
        rng.random_sample((40, 2)), Y[:40]
    )
    assert tuner.untuned_decision_ == "thresholds"
