"""Tests of skmml.metrics on partial targets (NaN in Y_true = unknown entry)."""

import warnings

import numpy as np
import pandas as pd
import pytest
import scipy.sparse as sp
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.exceptions import UndefinedMetricWarning
from sklearn.model_selection import GridSearchCV, KFold
from sklearn.neighbors import KNeighborsClassifier

from skmml.metrics import (
    coverage,
    example_f1,
    get_scorer,
    group_average_precision,
    group_macro_f1,
    hamming_loss,
    head_medium_tail_groups,
    label_imbalance_report,
    long_tail_report,
    macro_f1,
    make_long_tail_scorer,
    mean_average_precision,
    micro_f1,
    multilabel_scoring,
    one_error,
    per_label_f1,
    ranking_loss,
    subset_accuracy,
    weighted_f1,
)

nan = np.nan

# Known entries by hand (row 2 is entirely unknown):
#   row 0: label 0 TP, label 2 FP           (label 1 unknown, predicted 1)
#   row 1: label 0 TN, label 1 FN           (label 2 unknown, predicted 1)
#   row 3: label 0 FN, label 1 TN, label 2 TP
Y_TRUE = np.array([[1, nan, 0], [0, 1, nan], [nan, nan, nan], [1, 0, 1]])
Y_PRED = np.array([[1, 1, 1], [0, 0, 1], [1, 1, 1], [0, 0, 1]])
# row 0: the unknown label 1 has the top score, it must not push label 0 down
Y_SCORE = np.array(
    [[0.9, 0.95, 0.1], [0.3, 0.2, 0.9], [0.5, 0.5, 0.5], [0.1, 0.5, 0.7]]
)
# the weight of the all-unknown row 2 must not matter
WEIGHTS = np.array([1.0, 2.0, 5.0, 0.5])

BIPARTITION = [
    micro_f1,
    macro_f1,
    weighted_f1,
    example_f1,
    per_label_f1,
    hamming_loss,
    subset_accuracy,
]
RANKING = [mean_average_precision, ranking_loss, coverage, one_error]


def _call(func, Y_true, Y_pred, Y_score, **kwargs):
    return func(Y_true, Y_score if func in RANKING else Y_pred, **kwargs)


# ---------------------------------------------------------------------------
# hand-computed values


def test_bipartition_hand_values():
    # pooled over the known entries: TP=2, FP=1, FN=2
    assert micro_f1(Y_TRUE, Y_PRED) == pytest.approx(4 / 7)
    # label 0 on rows 0, 1, 3: TP 1, FN 1; label 1 on rows 1, 3: FN 1;
    # label 2 on rows 0, 3: TP 1, FP 1
    np.testing.assert_allclose(per_label_f1(Y_TRUE, Y_PRED), [2 / 3, 0, 2 / 3])
    assert macro_f1(Y_TRUE, Y_PRED) == pytest.approx(4 / 9)
    # known positives 2, 1, 1
    assert weighted_f1(Y_TRUE, Y_PRED) == pytest.approx((2 * 2 / 3 + 2 / 3) / 4)
    # rows 0, 1, 3 on their known labels: 2/3, 0, 2/3; row 2 left out
    assert example_f1(Y_TRUE, Y_PRED) == pytest.approx(4 / 9)
    # one wrong known entry in each of rows 0, 1, 3 out of 2 + 2 + 3 known
    assert hamming_loss(Y_TRUE, Y_PRED) == pytest.approx(3 / 7)
    assert subset_accuracy(Y_TRUE, Y_PRED) == 0.0
    # rows 0 and 1 match on their known labels, row 2 does not
    Y = np.array([[1, nan], [0, 1], [nan, 0]])
    assert subset_accuracy(Y, [[1, 0], [0, 1], [1, 1]]) == pytest.approx(2 / 3)


def test_bipartition_hand_values_weighted():
    w = WEIGHTS
    # TP = 1 + .5, FP = 1, FN = 2 + .5
    assert micro_f1(Y_TRUE, Y_PRED, sample_weight=w) == pytest.approx(3 / 6.5)
    # label 0: TP 1, FN .5; label 1: FN 2; label 2: TP .5, FP 1
    f1 = [2 / 2.5, 0.0, 1 / 2]
    np.testing.assert_allclose(per_label_f1(Y_TRUE, Y_PRED, sample_weight=w), f1)
    assert macro_f1(Y_TRUE, Y_PRED, sample_weight=w) == pytest.approx(sum(f1) / 3)
    # weighted known positives 1.5, 2, .5
    assert weighted_f1(Y_TRUE, Y_PRED, sample_weight=w) == pytest.approx(
        (1.5 * f1[0] + 0.5 * f1[2]) / 4
    )
    assert example_f1(Y_TRUE, Y_PRED, sample_weight=w) == pytest.approx(
        (1 * 2 / 3 + 2 * 0 + 0.5 * 2 / 3) / 3.5
    )
    # wrong: 1*1 + 2*1 + .5*1; known: 1*2 + 2*2 + .5*3
    assert hamming_loss(Y_TRUE, Y_PRED, sample_weight=w) == pytest.approx(3.5 / 7.5)


def test_ranking_hand_values():
    # row 0: known labels 0, 2 -> label 0 ranked first (the unknown label 1
    #   scores higher but does not count): AP 1, no wrong pair, coverage 1,
    #   top known label relevant
    # row 1: known 0, 1 -> label 1 ranked second: AP 1/2, 1 wrong pair of 1,
    #   coverage 2, top known label 0 irrelevant
    # row 3: scores .1, .5, .7 for relevant 0, 2 -> AP (1 + 2/3) / 2,
    #   pairs (0, 1) wrong, (2, 1) right, coverage 3, top label 2 relevant
    ap = [1, 1 / 2, 5 / 6]
    assert mean_average_precision(Y_TRUE, Y_SCORE) == pytest.approx(np.mean(ap))
    assert ranking_loss(Y_TRUE, Y_SCORE) == pytest.approx((0 + 1 + 1 / 2) / 3)
    assert coverage(Y_TRUE, Y_SCORE) == pytest.approx((1 + 2 + 3) / 3)
    assert one_error(Y_TRUE, Y_SCORE) == pytest.approx(1 / 3)
    w = WEIGHTS[[0, 1, 3]]
    kwargs = {"sample_weight": WEIGHTS}
    assert mean_average_precision(Y_TRUE, Y_SCORE, **kwargs) == pytest.approx(
        np.average(ap, weights=w)
    )
    assert ranking_loss(Y_TRUE, Y_SCORE, **kwargs) == pytest.approx(2.25 / 3.5)
    assert coverage(Y_TRUE, Y_SCORE, **kwargs) == pytest.approx(6.5 / 3.5)
    assert one_error(Y_TRUE, Y_SCORE, **kwargs) == pytest.approx(2 / 3.5)


def test_rows_with_known_entries_but_no_known_positive():
    # today's conventions for rows without a relevant label still apply
    Y = np.array([[0, nan, 0], [1, 0, nan]])
    S = np.array([[0.2, 0.9, 0.1], [0.1, 0.8, 0.3]])
    # row 0: AP 1, no pair, coverage 0, error; row 1: label 0 ranked 2nd
    assert mean_average_precision(Y, S) == pytest.approx((1 + 1 / 2) / 2)
    assert ranking_loss(Y, S) == pytest.approx((0 + 1) / 2)
    assert coverage(Y, S) == pytest.approx((0 + 2) / 2)
    assert one_error(Y, S) == pytest.approx(1.0)
    # row 0 has an empty known true and predicted set -> zero_division
    P = np.array([[0, 1, 0], [1, 0, 1]])
    assert example_f1(Y, P) == pytest.approx((0 + 1) / 2)
    assert example_f1(Y, P, zero_division=1.0) == pytest.approx((1 + 1) / 2)


def test_unknown_top_label_is_ignored_by_one_error():
    # an unknown label at the top neither helps nor hurts
    S = [[0.9, 0.5, 0.1]]
    assert one_error([[nan, 1, 0]], S) == 0.0
    assert one_error([[nan, 0, 1]], S) == 1.0
    # a tie among known labels at the top is still resolved against the model
    assert one_error([[nan, 1, 0]], [[0.9, 0.5, 0.5]]) == 1.0


def test_label_without_known_entry_is_nan_and_left_out():
    Y = np.array([[1, nan, 0], [0, nan, 1]])
    P = np.array([[1, 1, 0], [1, 0, 1]])
    with pytest.warns(UndefinedMetricWarning, match=r"label\(s\) \[1\]"):
        f1 = per_label_f1(Y, P, zero_division=1.0)
    np.testing.assert_allclose(f1, [2 / 3, nan, 1.0])
    with pytest.warns(UndefinedMetricWarning):
        assert macro_f1(Y, P) == pytest.approx((2 / 3 + 1) / 2)
    with pytest.warns(UndefinedMetricWarning):
        assert weighted_f1(Y, P) == pytest.approx((2 / 3 + 1) / 2)
    # a known label without any true or predicted positive: zero_division
    Y = np.array([[1, 0], [nan, 0]])
    P = np.array([[1, 0], [0, 0]])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        np.testing.assert_allclose(per_label_f1(Y, P), [1.0, 0.0])
        np.testing.assert_allclose(per_label_f1(Y, P, zero_division=1.0), [1, 1])


@pytest.mark.parametrize("func", BIPARTITION + RANKING)
def test_all_unknown_is_nan_with_warning(func):
    Y = np.full((2, 3), nan)
    with pytest.warns(UndefinedMetricWarning, match="known"):
        value = _call(func, Y, Y_PRED[:2], Y_SCORE[:2])
    assert np.all(np.isnan(value))


@pytest.mark.parametrize("func", [hamming_loss, subset_accuracy, *RANKING])
def test_zero_weight_on_every_known_row_is_nan(func):
    w = np.array([0.0, 0.0, 1.0, 0.0])  # only the all-unknown row weighs
    with pytest.warns(UndefinedMetricWarning, match="known"):
        assert np.isnan(_call(func, Y_TRUE, Y_PRED, Y_SCORE, sample_weight=w))


def test_zero_division_warn_ignores_labels_and_rows_without_known_entry():
    Y = np.array([[1, nan], [nan, nan]])
    P = np.array([[1, 0], [0, 0]])
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        assert example_f1(Y, P, zero_division="warn") == 1.0
    assert not caught
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        per_label_f1(Y, P, zero_division="warn")
    messages = [str(c.message) for c in caught]
    assert len(messages) == 1 and "label(s) [1]" in messages[0]


# ---------------------------------------------------------------------------
# the masked path equals the plain one, and NaN equals deleting the entry


@st.composite
def _partial_problem(draw):
    n = draw(st.integers(1, 6))
    n_labels = draw(st.integers(1, 4))
    Y = draw(arrays(np.float64, (n, n_labels), elements=st.sampled_from([0, 1, nan])))
    P = draw(arrays(np.int64, (n, n_labels), elements=st.integers(0, 1)))
    S = draw(arrays(np.float64, (n, n_labels), elements=st.sampled_from([0, 1, 2])))
    w = draw(arrays(np.float64, n, elements=st.sampled_from([0.5, 1.0, 2.0])))
    return Y, P, S, w


ZERO_DIVISION = [0.0, 1.0, nan]
F1_FUNCS = [micro_f1, macro_f1, weighted_f1, example_f1, per_label_f1]


def _quiet(func, *args, **kwargs):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UndefinedMetricWarning)
        return func(*args, **kwargs)


@settings(max_examples=40, deadline=None)
@given(problem=_partial_problem(), weighted=st.booleans())
def test_masked_path_equals_plain_path_on_complete_rows(problem, weighted):
    # an appended all-unknown row sends the complete problem down the masked
    # path without changing anything it may count
    Y, P, S, w = problem
    Y = np.nan_to_num(Y).astype(int)
    Y_nan = np.vstack([Y, np.full(Y.shape[1], nan)])
    P_nan = np.vstack([P, np.ones(Y.shape[1], int)])
    S_nan = np.vstack([S, np.arange(Y.shape[1])])
    w_nan = np.append(w, 3.0) if weighted else None
    w = w if weighted else None
    for func in BIPARTITION + RANKING:
        options = (
            [{"zero_division": z} for z in ZERO_DIVISION] if func in F1_FUNCS else [{}]
        )
        for kw in options:
            expected = _call(func, Y, P, S, sample_weight=w, **kw)
            got = _quiet(_call, func, Y_nan, P_nan, S_nan, sample_weight=w_nan, **kw)
            np.testing.assert_allclose(
                got, expected, rtol=1e-12, equal_nan=True, err_msg=func.__name__
            )


def _row_known(Y, *matrices):
    """Each row with a known entry, restricted to its known labels (1-row arrays)."""
    known = ~np.isnan(Y)
    for i in np.flatnonzero(known.any(axis=1)):
        yield i, [M[i : i + 1, known[i]] for M in (Y, *matrices)]


@settings(max_examples=40, deadline=None)
@given(problem=_partial_problem())
def test_nan_equals_deleting_the_entry_pooled(problem):
    # micro-F1 and Hamming loss pool the known entries: one complete column
    Y, P, _, w = problem
    known = ~np.isnan(Y)
    assume(known.any())
    Yf = Y[known].astype(int)[:, None]
    Pf = P[known][:, None]
    wf = w[np.nonzero(known)[0]]
    for z in ZERO_DIVISION:
        np.testing.assert_allclose(
            micro_f1(Y, P, sample_weight=w, zero_division=z),
            micro_f1(Yf, Pf, sample_weight=wf, zero_division=z),
            equal_nan=True,
        )
    assert hamming_loss(Y, P, sample_weight=w) == pytest.approx(
        hamming_loss(Yf, Pf, sample_weight=wf)
    )


@settings(max_examples=40, deadline=None)
@given(problem=_partial_problem())
def test_nan_equals_deleting_the_entry_per_label(problem):
    # per-label metrics: an unknown entry drops that row for that label
    Y, P, S, w = problem
    known = ~np.isnan(Y)
    assume(known.any())
    for z in ZERO_DIVISION:
        f1 = _quiet(per_label_f1, Y, P, sample_weight=w, zero_division=z)
        support = np.zeros(Y.shape[1])
        for j in range(Y.shape[1]):
            rows = known[:, j]
            if not rows.any():
                assert np.isnan(f1[j])
                continue
            Yj = Y[rows, j : j + 1].astype(int)
            expected = per_label_f1(
                Yj, P[rows, j : j + 1], sample_weight=w[rows], zero_division=z
            )
            np.testing.assert_allclose(f1[j], expected[0], equal_nan=True)
            support[j] = w[rows] @ Yj[:, 0]
        defined = ~np.isnan(f1)
        np.testing.assert_allclose(
            _quiet(macro_f1, Y, P, sample_weight=w, zero_division=z),
            np.mean(f1[defined]) if defined.any() else nan,
            equal_nan=True,
        )
        expected = (
            0.0
            if support.sum() == 0
            else np.average(f1[defined], weights=support[defined])
        )
        assert _quiet(
            weighted_f1, Y, P, sample_weight=w, zero_division=z
        ) == pytest.approx(expected)
    for j in range(Y.shape[1]):
        value = _quiet(
            group_average_precision, Y[:, [j]], S[:, [j]], label_groups=["tail"]
        )
        y = Y[known[:, j], j]
        if y.sum() == 0:
            assert np.isnan(value)
            continue
        expected = group_average_precision(
            y[:, None].astype(int), S[known[:, j], j][:, None], label_groups=["tail"]
        )
        assert value == pytest.approx(expected)


@settings(max_examples=40, deadline=None)
@given(problem=_partial_problem())
def test_nan_equals_deleting_the_entry_row_wise(problem):
    # row-wise metrics: each row on its known labels, rows without any left out
    Y, P, S, w = problem
    assume((~np.isnan(Y)).any())
    parts = list(_row_known(Y, P, S))
    rows = [i for i, _ in parts]
    for func in [subset_accuracy, *RANKING]:
        values = [_call(func, Yi, Pi, Si) for _, (Yi, Pi, Si) in parts]
        assert _call(func, Y, P, S, sample_weight=w) == pytest.approx(
            np.average(values, weights=w[rows])
        ), func.__name__
    for z in ZERO_DIVISION:
        values = np.array(
            [example_f1(Yi, Pi, zero_division=z) for _, (Yi, Pi, _) in parts]
        )
        keep = ~np.isnan(values)
        expected = (
            np.average(values[keep], weights=w[rows][keep]) if keep.any() else nan
        )
        np.testing.assert_allclose(
            example_f1(Y, P, sample_weight=w, zero_division=z), expected, equal_nan=True
        )


def test_complete_input_takes_the_plain_path_unchanged():
    # a float Y_true without NaN equals the int one exactly
    rng = np.random.RandomState(0)
    Y = (rng.rand(20, 4) < 0.4).astype(int)
    P = (rng.rand(20, 4) < 0.4).astype(int)
    S = rng.rand(20, 4)
    for func in BIPARTITION + RANKING:
        a = _call(func, Y, P, S)
        b = _call(func, Y.astype(float), P, S)
        np.testing.assert_array_equal(a, b)


# ---------------------------------------------------------------------------
# input forms and errors


def _pandas_na(Y):
    frame = pd.DataFrame(Y).astype(object)
    return frame.where(~np.isnan(Y), pd.NA)


@pytest.mark.parametrize(
    "convert",
    [
        _pandas_na,
        lambda Y: pd.DataFrame(Y).astype("Float64"),
        lambda Y: pd.DataFrame(Y),
        sp.csr_matrix,  # explicitly stored NaN
        lambda Y: Y.tolist(),
    ],
)
def test_containers_give_the_same_values(convert):
    Y = convert(Y_TRUE)
    for func in BIPARTITION + RANKING:
        np.testing.assert_allclose(
            _quiet(_call, func, Y, Y_PRED, Y_SCORE),
            _quiet(_call, func, Y_TRUE, Y_PRED, Y_SCORE),
            err_msg=func.__name__,
        )


def test_polars_nulls():
    pl = pytest.importorskip("polars")
    frame = pl.DataFrame(
        {str(j): [None if np.isnan(v) else v for v in Y_TRUE[:, j]] for j in range(3)}
    )
    assert micro_f1(frame, Y_PRED) == pytest.approx(4 / 7)


@pytest.mark.parametrize("func", BIPARTITION)
def test_nan_in_predictions_is_an_error(func):
    P = Y_PRED.astype(float)
    P[0, 0] = nan
    with pytest.raises(ValueError, match="Y_pred contains NaN.*Only Y_true"):
        func(Y_TRUE, P)


@pytest.mark.parametrize("func", RANKING)
def test_nan_in_scores_is_an_error(func):
    S = Y_SCORE.copy()
    S[0, 0] = nan
    with pytest.raises(ValueError, match="Y_score contains NaN"):
        func(Y_TRUE, S)


@pytest.mark.parametrize("func", BIPARTITION + RANKING)
def test_other_bad_values_still_rejected(func):
    Y = Y_TRUE.copy()
    Y[0, 0] = 2
    with pytest.raises(ValueError, match="Y_true.*0/1"):
        _call(func, Y, Y_PRED, Y_SCORE)
    Y[0, 0] = np.inf
    with pytest.raises(ValueError, match="Y_true contains infinity"):
        _call(func, Y, Y_PRED, Y_SCORE)


def test_inputs_not_modified():
    arrays_ = [Y_TRUE.copy(), Y_PRED.copy(), Y_SCORE.copy(), WEIGHTS.copy()]
    sparse = sp.csr_matrix(Y_TRUE)
    for func in BIPARTITION + RANKING:
        _quiet(
            _call, func, arrays_[0], arrays_[1], arrays_[2], sample_weight=arrays_[3]
        )
        _quiet(_call, func, sparse, arrays_[1], arrays_[2])
    for before, after in zip((Y_TRUE, Y_PRED, Y_SCORE, WEIGHTS), arrays_, strict=True):
        np.testing.assert_array_equal(before, after)
    np.testing.assert_array_equal(sparse.toarray(), Y_TRUE)
    label_imbalance_report(arrays_[0])
    long_tail_report(arrays_[0], arrays_[1], arrays_[2], Y_train=arrays_[0])
    np.testing.assert_array_equal(arrays_[0], Y_TRUE)


# ---------------------------------------------------------------------------
# long tail and imbalance


def test_head_medium_tail_groups_count_known_positives():
    # known positives 3, 2, 1 (read as positives, the unknowns would make
    # label 2 the most frequent)
    Y_train = np.array([[1, 1, nan], [1, 1, 0], [1, 0, 1], [nan, 0, nan]])
    np.testing.assert_array_equal(
        head_medium_tail_groups(Y_train), ["head", "medium", "tail"]
    )
    np.testing.assert_array_equal(
        head_medium_tail_groups(Y_train, grouping="count", thresholds=(2, 2)),
        ["head", "medium", "tail"],
    )


def test_group_metrics_hand_values():
    groups = ["head", "tail", "tail"]
    # per-label F1 on the known entries: 2/3, 0, 2/3
    assert group_macro_f1(Y_TRUE, Y_PRED, label_groups=groups) == pytest.approx(1 / 3)
    assert group_macro_f1(
        Y_TRUE, Y_PRED, group="head", label_groups=groups
    ) == pytest.approx(2 / 3)
    # a tail label without a known entry is left out of the group
    Y = Y_TRUE.copy()
    Y[:, 1] = nan
    assert group_macro_f1(Y, Y_PRED, label_groups=groups) == pytest.approx(2 / 3)
    Y[:, 2] = nan
    with pytest.warns(UndefinedMetricWarning, match="known entry"):
        assert np.isnan(group_macro_f1(Y, Y_PRED, label_groups=groups))
    # AP on the known rows: label 1 (.2 pos, .5 neg) -> 1/2,
    # label 2 (.1 neg, .7 pos) -> 1; label 0 (.9 pos, .3 neg, .1 pos) -> 5/6
    assert group_average_precision(
        Y_TRUE, Y_SCORE, label_groups=groups
    ) == pytest.approx(3 / 4)
    assert group_average_precision(
        Y_TRUE, Y_SCORE, group="head", label_groups=groups
    ) == pytest.approx(5 / 6)
    # the weight of row 1 (the only known positive of label 1) matters
    assert group_average_precision(
        Y_TRUE, Y_SCORE, label_groups=groups, sample_weight=[1, 0, 1, 1]
    ) == pytest.approx(1.0)
    # groups from a partial Y_train
    assert group_macro_f1(Y_TRUE, Y_PRED, group="head", Y_train=Y_TRUE) == (
        pytest.approx(2 / 3)
    )


def test_long_tail_report_hand_values():
    # Y_train = Y_TRUE: known positives 2, 1, 1 -> head, medium, medium
    report = long_tail_report(Y_TRUE, Y_PRED, Y_SCORE, Y_train=Y_TRUE)
    assert report.label_groups.tolist() == ["head", "medium", "medium"]
    np.testing.assert_allclose(report.per_label_f1, [2 / 3, 0, 2 / 3])
    np.testing.assert_allclose(report.per_label_average_precision, [5 / 6, 1 / 2, 1])
    head, medium, all_ = (report.scores[g] for g in ("head", "medium", "all"))
    assert head["macro_f1"] == pytest.approx(2 / 3)
    assert head["micro_f1"] == pytest.approx(2 / 3)
    # medium: label 1 FN 1, label 2 TP 1 FP 1
    assert medium["macro_f1"] == pytest.approx(1 / 3)
    assert medium["micro_f1"] == pytest.approx(2 / 4)
    assert medium["average_precision"] == pytest.approx(3 / 4)
    assert all_["micro_f1"] == pytest.approx(4 / 7)
    assert all_["average_precision"] == pytest.approx(7 / 9)
    # a label without known entries is counted in n_labels, left out of scores
    Y = Y_TRUE.copy()
    Y[:, 1] = nan
    with pytest.warns(UndefinedMetricWarning):
        report = long_tail_report(
            Y, Y_PRED, Y_SCORE, label_groups=["head", "tail", "tail"]
        )
    assert report.scores["tail"]["n_labels"] == 2
    assert report.scores["tail"]["macro_f1"] == pytest.approx(2 / 3)
    assert report.scores["tail"]["micro_f1"] == pytest.approx(2 / 3)
    assert report.scores["tail"]["average_precision"] == pytest.approx(1.0)
    assert np.isnan(report.per_label_f1[1])


def test_label_imbalance_report_on_known_entries():
    r = label_imbalance_report(Y_TRUE)
    np.testing.assert_array_equal(r.label_counts, [2, 1, 1])
    np.testing.assert_array_equal(r.observed_counts, [3, 2, 2])
    assert r.n_unknown == 5
    # positive rates 2/3, 1/2, 1/2 -> IRLbl 1, 4/3, 4/3
    np.testing.assert_allclose(r.irlbl, [1, 4 / 3, 4 / 3])
    assert r.mean_ir == pytest.approx(11 / 9)
    assert r.max_ir == pytest.approx(4 / 3)
    assert r.cvir == pytest.approx(np.std([1, 4 / 3, 4 / 3], ddof=1) / (11 / 9))
    # known positives per row: {0}, {1}, (nothing known), {0, 2}
    s3 = 1 - np.sqrt(4 / 3) / ((1 + 4 / 3) / 2)
    assert r.scumble == pytest.approx(s3 / 3)  # row 2 left out
    np.testing.assert_allclose(r.label_scumble, [s3 / 2, 0.0, s3])
    assert r.cardinality == pytest.approx(2 / 3 + 1 / 2 + 1 / 2)
    assert r.density == pytest.approx(r.cardinality / 3)
    assert r.n_labelsets == 1  # only row 3 is fully known
    np.testing.assert_allclose(r.to_frame()["frequency"], [2 / 3, 1 / 2, 1 / 2])
    assert "unknown entries 5 of 12" in r.to_text()
    # head / medium / tail from the known positive counts
    assert r.label_groups.tolist() == ["head", "medium", "medium"]


def test_label_imbalance_report_label_without_known_entry_or_positive():
    Y = np.array([[1, nan, 0], [0, nan, 0], [1, nan, nan]])
    r = label_imbalance_report(Y)
    # rates 2/3, unknown, 0
    assert r.irlbl[0] == 1.0 and np.isnan(r.irlbl[1]) and np.isinf(r.irlbl[2])
    assert r.mean_ir == 1.0 and np.isnan(r.cvir)
    assert np.isnan(r.cardinality) and np.isnan(r.density)
    assert r.n_labelsets == 0
    assert np.isnan(r.to_frame()["frequency"].iloc[1])
    r.to_text()


def test_complete_report_text_has_no_unknown_line():
    r = label_imbalance_report([[1, 0], [1, 1]])
    assert r.n_unknown == 0 and "unknown" not in r.to_text()
    np.testing.assert_array_equal(r.observed_counts, [2, 2])


# ---------------------------------------------------------------------------
# scorers in model selection


class _FillingKNN(ClassifierMixin, BaseEstimator):
    """Tiny classifier accepting NaN in Y: k-NN fitted on ``np.nan_to_num(Y)``."""

    def __init__(self, n_neighbors=1):
        self.n_neighbors = n_neighbors

    def fit(self, X, Y):
        Y = np.asarray(Y, dtype=float)
        self.knn_ = KNeighborsClassifier(n_neighbors=self.n_neighbors)
        self.knn_.fit(X, np.nan_to_num(Y).astype(int))
        self.classes_ = self.knn_.classes_
        self.label_counts_ = np.nansum(Y, axis=0).astype(int)
        return self

    def predict(self, X):
        return self.knn_.predict(X)

    def predict_proba(self, X):
        return self.knn_.predict_proba(X)


def _partial_data(seed=0, n_samples=36):
    rng = np.random.RandomState(seed)
    X = rng.normal(size=(n_samples, 3))
    Y = (X + 0.5 * rng.normal(size=X.shape) > 0).astype(float)
    Y[rng.rand(*Y.shape) < 0.3] = nan
    return X, Y


SIGN_AND_METRIC = {
    "micro_f1": (1, micro_f1),
    "macro_f1": (1, macro_f1),
    "example_f1": (1, example_f1),
    "weighted_f1": (1, weighted_f1),
    "subset_accuracy": (1, subset_accuracy),
    "neg_hamming_loss": (-1, hamming_loss),
    "neg_ranking_loss": (-1, ranking_loss),
    "mean_average_precision": (1, mean_average_precision),
    "neg_one_error": (-1, one_error),
    "neg_coverage": (-1, coverage),
}


def _response(est, X, func):
    if func in RANKING:
        return np.column_stack([p[:, 1] for p in est.predict_proba(X)])
    return est.predict(X)


@pytest.mark.parametrize("name", list(SIGN_AND_METRIC))
def test_scorers_equal_metric_on_partial_y(name):
    X, Y = _partial_data()
    est = _FillingKNN(n_neighbors=3).fit(X, Y)
    sign, func = SIGN_AND_METRIC[name]
    pred = _response(est, X, func)
    assert get_scorer(name)(est, X, Y) == pytest.approx(sign * func(Y, pred))
    w = np.arange(len(X)) % 3 + 1.0
    assert get_scorer(name)(est, X, Y, sample_weight=w) == pytest.approx(
        sign * func(Y, pred, sample_weight=w)
    )


def test_grid_search_on_partial_y_with_every_scorer():
    X, Y = _partial_data()
    search = GridSearchCV(
        _FillingKNN(),
        {"n_neighbors": [1, 5]},
        scoring=multilabel_scoring(),
        refit="macro_f1",
        cv=KFold(3),
    ).fit(X, Y)
    for name, (sign, func) in SIGN_AND_METRIC.items():
        values = search.cv_results_[f"mean_test_{name}"]
        assert np.all(np.isfinite(values)), name
        # recompute the second candidate fold by fold
        expected = []
        for train, test in KFold(3).split(X):
            est = _FillingKNN(n_neighbors=5).fit(X[train], Y[train])
            expected.append(sign * func(Y[test], _response(est, X[test], func)))
        assert values[1] == pytest.approx(np.mean(expected)), name
    means = search.cv_results_["mean_test_macro_f1"]
    assert search.best_index_ == int(np.argmax(means))


@pytest.mark.parametrize("name", ["micro_f1", "neg_coverage"])
def test_grid_search_single_scorer_on_partial_y(name):
    X, Y = _partial_data(seed=1)
    search = GridSearchCV(
        _FillingKNN(), {"n_neighbors": [1, 5]}, scoring=get_scorer(name), cv=KFold(3)
    ).fit(X, Y)
    assert np.all(np.isfinite(search.cv_results_["mean_test_score"]))


@pytest.mark.parametrize("metric", ["macro_f1", "average_precision"])
def test_long_tail_scorer_on_partial_y(metric):
    X, Y = _partial_data(seed=2, n_samples=45)
    # estimator route: groups from the known positives of each training fold
    scorer = make_long_tail_scorer("head", metric=metric)
    search = GridSearchCV(
        _FillingKNN(), {"n_neighbors": [1, 5]}, scoring=scorer, cv=KFold(3)
    ).fit(X, Y)
    assert np.all(np.isfinite(search.cv_results_["mean_test_score"]))
    est = _FillingKNN(n_neighbors=3).fit(X, Y)
    groups = head_medium_tail_groups(Y)
    if metric == "macro_f1":
        expected = group_macro_f1(Y, est.predict(X), group="head", label_groups=groups)
    else:
        expected = group_average_precision(
            Y,
            _response(est, X, mean_average_precision),
            group="head",
            label_groups=groups,
        )
    assert scorer(est, X, Y) == pytest.approx(expected)
    # fixed route from a partial Y_train
    fixed = make_long_tail_scorer("head", metric=metric, Y_train=Y)
    assert fixed(est, X, Y) == pytest.approx(expected)
