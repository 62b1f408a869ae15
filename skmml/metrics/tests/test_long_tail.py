"""Tests of the head / medium / tail evaluation in skmml.metrics."""

import pickle
import warnings

import numpy as np
import pytest
import scipy.sparse as sp
import sklearn
from sklearn.base import clone
from sklearn.exceptions import UndefinedMetricWarning
from sklearn.linear_model import RidgeClassifier
from sklearn.model_selection import GridSearchCV, cross_validate
from sklearn.neighbors import KNeighborsClassifier
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from skmml.metrics import (
    LongTailReport,
    get_scorer,
    group_average_precision,
    group_macro_f1,
    head_medium_tail_groups,
    long_tail_report,
    macro_f1,
    make_long_tail_scorer,
    micro_f1,
)
from skmml.model_selection import IterativeStratifiedKFold, LabelCountingClassifier

# training counts (4, 3, 1, 1): mid-rank positions (.875, .625, .25, .25)
Y_TRAIN = np.array([[1, 1, 1, 0], [1, 1, 0, 0], [1, 1, 0, 0], [1, 0, 0, 1]])
GROUPS = ["head", "medium", "tail", "tail"]
Y_TRUE = np.array([[1, 0, 1, 0], [0, 1, 1, 0], [1, 1, 0, 1]])
Y_PRED = np.array([[1, 0, 1, 1], [0, 0, 0, 1], [1, 1, 0, 1]])
# per-label F1 by hand: (1, 2/3, 2/3, 1/2)
F1 = np.array([1.0, 2 / 3, 2 / 3, 0.5])
Y_SCORE = np.array([[0.8, 0.1, 0.9, 0.3], [0.2, 0.6, 0.2, 0.1], [0.7, 0.4, 0.5, 0.2]])
# per-label AP by hand: label 1 ranks (.6 pos, .4 pos, .1) -> 1;
# label 2 (.9 pos, .5 neg, .2 pos) -> 1/2 * 1 + 1/2 * 2/3; label 3 -> 1/2
AP = np.array([1.0, 1.0, 5 / 6, 0.5])


def _counts_matrix(counts, n_samples):
    """Indicator matrix whose label j has exactly counts[j] positives."""
    Y = np.zeros((n_samples, len(counts)), dtype=int)
    for j, c in enumerate(counts):
        Y[:c, j] = 1
    return Y


# ---------------------------------------------------------------------------
# grouping


def test_quantile_groups_are_thirds():
    Y = _counts_matrix([6, 1, 4, 2, 5, 3], 6)
    np.testing.assert_array_equal(
        head_medium_tail_groups(Y),
        ["head", "tail", "medium", "tail", "head", "medium"],
    )


@pytest.mark.parametrize(
    "counts, expected",
    [
        ([5, 5, 5], ["medium"] * 3),  # no imbalance: no head, no tail
        ([1, 5, 5, 9], ["tail", "medium", "medium", "head"]),  # ties share
        ([3], ["medium"]),
        ([1, 3], ["tail", "head"]),
        ([0, 2, 1], ["tail", "head", "medium"]),
    ],
)
def test_quantile_groups_edge_cases(counts, expected):
    Y = _counts_matrix(counts, 10)
    np.testing.assert_array_equal(head_medium_tail_groups(Y), expected)


def test_quantile_fourteen_labels_split_5_4_5():
    Y = _counts_matrix(list(range(1, 15)), 20)
    groups = head_medium_tail_groups(Y)
    assert [np.sum(groups == g) for g in ("head", "medium", "tail")] == [5, 4, 5]
    assert set(groups[:5]) == {"tail"} and set(groups[-5:]) == {"head"}


def test_count_groups_boundaries():
    # tail below 20, head above 100, both bounds are medium
    Y = _counts_matrix([19, 20, 100, 101], 120)
    np.testing.assert_array_equal(
        head_medium_tail_groups(Y, grouping="count"),
        ["tail", "medium", "medium", "head"],
    )
    np.testing.assert_array_equal(
        head_medium_tail_groups(Y, grouping="count", thresholds=(50, 100)),
        ["tail", "tail", "medium", "head"],
    )
    np.testing.assert_array_equal(
        head_medium_tail_groups(sp.csr_matrix(Y), grouping="count"),
        ["tail", "medium", "medium", "head"],
    )


@pytest.mark.parametrize(
    "kwargs, match",
    [
        ({"grouping": "rank"}, "grouping must be one of"),
        ({"thresholds": (0.7, 0.3)}, "must not exceed"),
        ({"thresholds": (0.1, 2.0)}, "fractions"),
        ({"thresholds": (1, 2, 3)}, "pair"),
        ({"thresholds": ("a", 2)}, "finite numbers"),
        ({"grouping": "count", "thresholds": (-5, 10)}, "non-negative"),
    ],
)
def test_grouping_parameter_errors(kwargs, match):
    with pytest.raises(ValueError, match=match):
        head_medium_tail_groups(Y_TRAIN, **kwargs)


# ---------------------------------------------------------------------------
# group metrics


def test_group_macro_f1_hand_computed():
    assert head_medium_tail_groups(Y_TRAIN).tolist() == GROUPS
    for group, expected in [("head", 1.0), ("medium", 2 / 3), ("tail", 7 / 12)]:
        got = group_macro_f1(Y_TRUE, Y_PRED, group=group, Y_train=Y_TRAIN)
        assert got == pytest.approx(expected)
        same = group_macro_f1(Y_TRUE, Y_PRED, group=group, label_groups=GROUPS)
        assert same == got
    # equals macro-F1 restricted to the tail columns
    assert group_macro_f1(Y_TRUE, Y_PRED, Y_train=Y_TRAIN) == pytest.approx(
        macro_f1(Y_TRUE[:, 2:], Y_PRED[:, 2:])
    )


def test_group_macro_f1_sample_weight_and_sparse():
    # weight 0 on sample 1: label 2 -> F1 1, label 3 -> 2/3
    got = group_macro_f1(
        sp.csr_matrix(Y_TRUE),
        Y_PRED,
        Y_train=Y_TRAIN,
        sample_weight=[1, 0, 1],
    )
    assert got == pytest.approx(5 / 6)


def test_groups_come_from_y_train_not_y_true():
    # in Y_TRUE label 0 is as frequent as label 2, yet it stays head
    groups_of_test = head_medium_tail_groups(Y_TRUE)
    assert groups_of_test.tolist() != GROUPS
    by_train = group_macro_f1(Y_TRUE, Y_PRED, Y_train=Y_TRAIN)
    by_test = group_macro_f1(Y_TRUE, Y_PRED, label_groups=groups_of_test)
    assert by_train == pytest.approx(7 / 12)
    assert by_test != pytest.approx(by_train)


def test_empty_group_is_nan_with_warning():
    Y_train = _counts_matrix([5, 5, 5, 5], 6)  # all medium
    with pytest.warns(UndefinedMetricWarning, match="'tail' group"):
        value = group_macro_f1(Y_TRUE, Y_PRED, Y_train=Y_train)
    assert np.isnan(value)


def test_group_average_precision_hand_computed():
    for group, expected in [("head", 1.0), ("medium", 1.0), ("tail", 2 / 3)]:
        got = group_average_precision(Y_TRUE, Y_SCORE, group=group, Y_train=Y_TRAIN)
        assert got == pytest.approx(expected)


def test_group_average_precision_skips_labels_without_positives():
    Y_true = Y_TRUE.copy()
    Y_true[:, 3] = 0  # label 3 has no positive evaluation sample
    got = group_average_precision(Y_true, Y_SCORE, label_groups=GROUPS)
    assert got == pytest.approx(5 / 6)  # label 2 alone, not (5/6 + 0) / 2
    Y_true[:, 2] = 0
    with pytest.warns(UndefinedMetricWarning, match="Average precision"):
        assert np.isnan(group_average_precision(Y_true, Y_SCORE, label_groups=GROUPS))


def test_group_average_precision_sample_weight():
    # dropping sample 1 leaves label 2 with (.9 pos, .5 neg) -> AP 1
    got = group_average_precision(
        Y_TRUE, Y_SCORE, label_groups=GROUPS, sample_weight=[1, 0, 1]
    )
    assert got == pytest.approx((1.0 + 0.5) / 2)


@pytest.mark.parametrize(
    "kwargs, match",
    [
        ({}, "exactly one of Y_train"),
        ({"Y_train": Y_TRAIN, "label_groups": GROUPS}, "exactly one of Y_train"),
        ({"Y_train": Y_TRAIN[:, :3]}, "Y_train has 3 labels"),
        ({"label_groups": ["head", "tail"]}, r"shape \(4,\)"),
        ({"label_groups": ["head", "tail", "rare", "tail"]}, "rare"),
        ({"label_groups": "head"}, "single string"),
        ({"Y_train": Y_TRAIN, "group": "body"}, "group must be one of"),
        ({"Y_train": [[0, 3, 1, 1]]}, "0/1"),
    ],
)
def test_group_metric_errors(kwargs, match):
    with pytest.raises(ValueError, match=match):
        group_macro_f1(Y_TRUE, Y_PRED, **kwargs)


# ---------------------------------------------------------------------------
# report


def test_long_tail_report_values():
    report = long_tail_report(Y_TRUE, Y_PRED, Y_SCORE, Y_train=Y_TRAIN)
    assert isinstance(report, LongTailReport)
    np.testing.assert_array_equal(report.label_groups, GROUPS)
    np.testing.assert_allclose(report.per_label_f1, F1)
    np.testing.assert_allclose(report.per_label_average_precision, AP)
    s = report.scores
    assert [s[g]["n_labels"] for g in ("head", "medium", "tail", "all")] == [
        1,
        1,
        2,
        4,
    ]
    assert s["tail"]["macro_f1"] == pytest.approx(7 / 12)
    assert s["tail"]["average_precision"] == pytest.approx(2 / 3)
    # tail pooled: TP 2, FP 2 (label 3), FN 1 (label 2) -> 4 / 7
    assert s["tail"]["micro_f1"] == pytest.approx(4 / 7)
    assert s["tail"]["micro_f1"] == pytest.approx(
        micro_f1(Y_TRUE[:, 2:], Y_PRED[:, 2:])
    )
    assert s["all"]["macro_f1"] == pytest.approx(macro_f1(Y_TRUE, Y_PRED))
    assert s["all"]["micro_f1"] == pytest.approx(micro_f1(Y_TRUE, Y_PRED))
    assert s["all"]["average_precision"] == pytest.approx(AP.mean())
    for group in ("head", "medium", "tail"):
        assert s[group]["macro_f1"] == pytest.approx(
            group_macro_f1(Y_TRUE, Y_PRED, group=group, Y_train=Y_TRAIN)
        )


def test_long_tail_report_without_scores_and_empty_group():
    Y_train = _counts_matrix([5, 5, 5, 5], 6)  # all medium
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # an empty group is not a warning here
        report = long_tail_report(Y_TRUE, Y_PRED, Y_train=Y_train)
    assert report.per_label_average_precision is None
    assert report.scores["tail"]["n_labels"] == 0
    assert np.isnan(report.scores["tail"]["macro_f1"])
    assert report.scores["medium"]["macro_f1"] == pytest.approx(F1.mean())
    assert np.isnan(report.scores["medium"]["average_precision"])


def test_long_tail_report_text_and_frame():
    report = long_tail_report(
        Y_TRUE,
        Y_PRED,
        Y_SCORE,
        label_groups=GROUPS,
        label_names=["w", "x", "y", "z"],
    )
    assert report.label_names == ["w", "x", "y", "z"]
    lines = str(report).splitlines()
    assert lines[0].split() == ["group", "labels", "macro-F1", "micro-F1", "AP"]
    assert lines[3].split() == ["tail", "2", "0.583", "0.571", "0.667"]
    assert "LongTailReport(macro_f1: head=1.000" in repr(report)
    pytest.importorskip("pandas")
    frame = report.to_frame()
    assert list(frame.index) == ["head", "medium", "tail", "all"]
    assert frame.loc["tail", "macro_f1"] == pytest.approx(7 / 12)
    assert frame.loc["all", "n_labels"] == 4


def test_long_tail_report_errors():
    with pytest.raises(ValueError, match="label_names has 2"):
        long_tail_report(Y_TRUE, Y_PRED, Y_train=Y_TRAIN, label_names=["a", "b"])
    with pytest.raises(ValueError, match="Y_score"):
        long_tail_report(Y_TRUE, Y_PRED, Y_SCORE[:, :2], Y_train=Y_TRAIN)
    with pytest.raises(ValueError, match="exactly one"):
        long_tail_report(Y_TRUE, Y_PRED)


# ---------------------------------------------------------------------------
# data for the scorers


def _data(n_samples=100, seed=0):
    """Label A (45 positives) follows feature 0; B has 90, C 10 positives."""
    rng = np.random.RandomState(seed)
    X = rng.normal(size=(n_samples, 3))
    order = np.argsort(-X[:, 0])
    Y = np.zeros((n_samples, 3), dtype=int)
    Y[order[:45], 0] = 1
    Y[rng.permutation(n_samples)[:90], 1] = 1
    Y[rng.permutation(n_samples)[:10], 2] = 1
    return X, Y


# ---------------------------------------------------------------------------
# scorer


def test_scorer_routes_agree_on_fixed_groups():
    X, Y = _data()
    clf = LabelCountingClassifier(KNeighborsClassifier(n_neighbors=3)).fit(X, Y)
    pred = clf.predict(X)
    kw = {"grouping": "count", "thresholds": (15, 50)}  # A medium, B head, C tail
    expected = group_macro_f1(Y, pred, group="medium", Y_train=Y, **kw)
    from_estimator = make_long_tail_scorer("medium", **kw)
    from_y_train = make_long_tail_scorer("medium", Y_train=Y, **kw)
    from_groups = make_long_tail_scorer(
        "medium", label_groups=["medium", "head", "tail"]
    )
    assert from_estimator(clf, X, Y) == pytest.approx(expected)
    assert from_y_train(clf, X, Y) == pytest.approx(expected)
    # route 2 needs no label_counts_ on the estimator
    assert from_y_train(clf.estimator_, X, Y) == pytest.approx(expected)
    assert from_groups(clf.estimator_, X, Y) == pytest.approx(expected)
    # picklable, for GridSearchCV(n_jobs=...)
    restored = pickle.loads(pickle.dumps(from_estimator))
    assert restored(clf, X, Y) == pytest.approx(expected)
    assert "fitted label_counts_" in repr(from_estimator)
    assert "fixed groups" in repr(from_groups)


def test_scorer_without_label_counts_raises():
    X, Y = _data()
    knn = KNeighborsClassifier().fit(X, Y)
    with pytest.raises(ValueError, match="label_counts_"):
        make_long_tail_scorer()(knn, X, Y)


def test_scorer_reads_the_last_pipeline_step_and_weights():
    X, Y = _data()
    pipe = make_pipeline(
        StandardScaler(), LabelCountingClassifier(KNeighborsClassifier())
    ).fit(X, Y)
    weights = np.linspace(0.5, 2.0, X.shape[0])
    expected = group_macro_f1(Y, pipe.predict(X), Y_train=Y, sample_weight=weights)
    assert get_scorer("tail_macro_f1")(pipe, X, Y, sample_weight=weights) == (
        pytest.approx(expected)
    )
    head = group_macro_f1(Y, pipe.predict(X), group="head", Y_train=Y)
    assert get_scorer("head_macro_f1")(pipe, X, Y) == pytest.approx(head)


def test_average_precision_scorer_uses_label_scores():
    X, Y = _data()
    clf = LabelCountingClassifier(KNeighborsClassifier(n_neighbors=7)).fit(X, Y)
    proba = np.column_stack([p[:, 1] for p in clf.predict_proba(X)])
    scorer = make_long_tail_scorer("head", metric="average_precision")
    expected = group_average_precision(Y, proba, group="head", Y_train=Y)
    assert scorer(clf, X, Y) == pytest.approx(expected)
    ridge = LabelCountingClassifier(RidgeClassifier()).fit(X, Y)
    expected = group_average_precision(
        Y, ridge.decision_function(X), group="head", Y_train=Y
    )
    assert scorer(ridge, X, Y) == pytest.approx(expected)


def test_scorer_factory_errors():
    with pytest.raises(ValueError, match="at most one"):
        make_long_tail_scorer(Y_train=Y_TRAIN, label_groups=GROUPS)
    with pytest.raises(ValueError, match="metric must be"):
        make_long_tail_scorer(metric="f1")
    with pytest.raises(ValueError, match="group must be"):
        make_long_tail_scorer("rare")
    with pytest.raises(ValueError, match="must not exceed"):
        make_long_tail_scorer(thresholds=(0.9, 0.1))
    with pytest.raises(ValueError, match="single string"):
        make_long_tail_scorer(label_groups="tail")
    with pytest.raises(ValueError, match="rare"):
        make_long_tail_scorer(label_groups=["tail", "rare"])
    with pytest.raises(ValueError, match="1-D sequence"):
        make_long_tail_scorer(label_groups=[["tail", "head"]])
    X, Y = _data()
    clf = LabelCountingClassifier(KNeighborsClassifier()).fit(X, Y)
    with pytest.raises(ValueError, match="groups for 4 labels"):
        make_long_tail_scorer(label_groups=GROUPS)(clf, X, Y)


def test_grid_search_groups_come_from_each_training_fold():
    """Label A is head in every training fold but tail by its test-fold count."""
    X, Y = _data()
    cv = IterativeStratifiedKFold(n_splits=5)
    kw = {"grouping": "count", "thresholds": (15, 30)}
    search = GridSearchCV(
        LabelCountingClassifier(KNeighborsClassifier()),
        {"estimator__n_neighbors": [1, 5]},
        scoring=make_long_tail_scorer("tail", **kw),
        cv=cv,
    ).fit(X, Y)

    differs = 0
    for k, (train, test) in enumerate(cv.split(X, Y)):
        train_groups = head_medium_tail_groups(Y[train], **kw)
        test_groups = head_medium_tail_groups(Y[test], **kw)
        # the set-up the test relies on
        assert train_groups.tolist() == ["head", "head", "tail"]
        assert test_groups[0] == "tail"
        for i, n in enumerate([1, 5]):
            model = KNeighborsClassifier(n_neighbors=n).fit(X[train], Y[train])
            pred = model.predict(X[test])
            expected = group_macro_f1(Y[test], pred, label_groups=train_groups)
            leaky = group_macro_f1(Y[test], pred, label_groups=test_groups)
            got = search.cv_results_[f"split{k}_test_score"][i]
            assert got == pytest.approx(expected)
            differs += not np.isclose(got, leaky)
    assert differs > 0  # test-fold groups would have given other scores
    # the refitted model carries the counts of the whole search set
    np.testing.assert_array_equal(search.best_estimator_.label_counts_, [45, 90, 10])


def test_multi_metric_search_and_cross_validate():
    X, Y = _data()
    est = LabelCountingClassifier(KNeighborsClassifier())
    scoring = {
        "tail": get_scorer("tail_macro_f1"),
        "medium": get_scorer("medium_macro_f1"),
        "micro": get_scorer("micro_f1"),
    }
    search = GridSearchCV(
        est,
        {"estimator__n_neighbors": [1, 3]},
        scoring=scoring,
        refit="tail",
        cv=IterativeStratifiedKFold(n_splits=3),
    ).fit(X, Y)
    assert np.all(np.isfinite(search.cv_results_["mean_test_tail"]))
    result = cross_validate(
        est, X, Y, cv=IterativeStratifiedKFold(n_splits=3), scoring=scoring
    )
    assert np.all(np.isfinite(result["test_medium"]))


@pytest.mark.parametrize("metric", ["macro_f1", "average_precision"])
def test_long_tail_scorer_takes_part_in_metadata_routing(metric):
    X, Y = _data()
    w = np.random.RandomState(0).uniform(0.5, 2.0, size=X.shape[0])
    est = LabelCountingClassifier(KNeighborsClassifier(n_neighbors=3))
    cv = IterativeStratifiedKFold(2)
    with sklearn.config_context(enable_metadata_routing=True):
        scorer = make_long_tail_scorer("head", metric=metric)
        scorer = scorer.set_score_request(sample_weight=True)
        result = cross_validate(
            est, X, Y, scoring=scorer, cv=cv, params={"sample_weight": w}
        )
    expected = []
    for train, test in cv.split(X, Y):
        fitted = clone(est).fit(X[train], Y[train])
        plain = make_long_tail_scorer("head", metric=metric)
        expected.append(plain(fitted, X[test], Y[test], sample_weight=w[test]))
    np.testing.assert_allclose(result["test_score"], expected)
    assert "groups from fitted label_counts_" in repr(scorer)
    again = pickle.loads(pickle.dumps(scorer))
    assert repr(again) == repr(scorer)
