"""Tests for skmml.feature_selection.RFRecursiveSelector."""

import pickle

import numpy as np
import pytest
import scipy.sparse as sp
from joblib import parallel_backend
from sklearn.base import BaseEstimator, ClassifierMixin, clone
from sklearn.datasets import make_multilabel_classification
from sklearn.ensemble import RandomForestClassifier
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import GridSearchCV, KFold
from sklearn.multiclass import OneVsRestClassifier
from sklearn.pipeline import make_pipeline
from sklearn.svm import LinearSVC

from skmml.feature_selection import RFRecursiveSelector

# Importances chosen so that the ranking is known by hand (ties: column order):
# column  0    1    2     3     4    5
IMPORTANCES = [0.1, 0.3, 0.05, 0.25, 0.2, 0.1]
RANKING = [4, 1, 6, 2, 3, 5]
X6 = np.arange(60, dtype=float).reshape(10, 6) % 7
Y6 = np.array([[0, 1], [1, 0], [1, 1], [0, 1], [1, 0]] * 2)


class FixedImportances(BaseEstimator):
    """A 'forest' whose importances are given; records what it was fitted on."""

    def __init__(self, importances=None):
        self.importances = importances

    def fit(self, X, Y):
        self.Y_shape_ = np.shape(Y)
        self.feature_importances_ = np.asarray(self.importances, dtype=float)
        return self


class CountFeatures(ClassifierMixin, BaseEstimator):
    """Estimator that only remembers which columns it was fitted on."""

    def fit(self, X, Y):
        self.n_features_in_ = X.shape[1]
        self.first_row_ = np.asarray(X[0]).ravel().copy()
        return self

    def predict(self, X):
        return np.zeros((X.shape[0], 2), dtype=int)


def score_table(table):
    """Scorer whose value depends only on the number of columns of X."""

    def scorer(estimator, X, Y):
        return table[X.shape[1]]

    return scorer


def make_selector(table, **params):
    params = {"cv": KFold(2), "scoring": score_table(table), **params}
    return RFRecursiveSelector(
        CountFeatures(), forest=FixedImportances(IMPORTANCES), **params
    )


# n_features -> CV score: rises to 4, dips at 3, peaks at 2.
TABLE = {6: 0.5, 5: 0.6, 4: 0.7, 3: 0.65, 2: 0.9, 1: 0.1}


def test_ranking_and_importances_by_hand():
    sel = make_selector(TABLE).fit(X6, Y6)
    np.testing.assert_array_equal(sel.ranking_, RANKING)
    np.testing.assert_allclose(sel.feature_importances_, IMPORTANCES)


def test_first_decrease_is_algorithm_1():
    sel = make_selector(TABLE, stopping="first_decrease").fit(X6, Y6)
    # 6 -> 5 -> 4 improve, 3 decreases: keep 4, never look at 2.
    assert sel.n_features_ == 4
    np.testing.assert_array_equal(sel.cv_results_["n_features"], [3, 4, 5, 6])
    np.testing.assert_allclose(
        sel.cv_results_["mean_test_score"], [0.65, 0.7, 0.6, 0.5]
    )
    np.testing.assert_array_equal(sel.support_, [True, True, False, True, True, False])
    assert sel.get_support(indices=True).tolist() == [0, 1, 3, 4]


def test_first_decrease_continues_through_ties():
    table = {6: 0.5, 5: 0.5, 4: 0.5, 3: 0.4, 2: 0.9, 1: 0.1}
    sel = make_selector(table).fit(X6, Y6)
    assert sel.n_features_ == 4


def test_first_decrease_never_decreasing_keeps_smallest():
    table = {k: 1.0 - k / 10 for k in range(1, 7)}
    sel = make_selector(table, min_features_to_select=2).fit(X6, Y6)
    assert sel.n_features_ == 2
    np.testing.assert_array_equal(sel.cv_results_["n_features"], [2, 3, 4, 5, 6])


@pytest.mark.parametrize(
    "patience, kept, evaluated",
    [(None, 2, [1, 2, 3, 4, 5, 6]), (1, 4, [3, 4, 5, 6]), (2, 2, [1, 2, 3, 4, 5, 6])],
)
def test_best_with_patience(patience, kept, evaluated):
    sel = make_selector(TABLE, stopping="best", patience=patience).fit(X6, Y6)
    assert sel.n_features_ == kept
    np.testing.assert_array_equal(sel.cv_results_["n_features"], evaluated)


def test_best_prefers_fewer_features_on_ties():
    table = {6: 0.5, 5: 0.8, 4: 0.8, 3: 0.7, 2: 0.8, 1: 0.1}
    sel = make_selector(table, stopping="best").fit(X6, Y6)
    assert sel.n_features_ == 2


@pytest.mark.parametrize(
    "step, min_features, sizes",
    [
        (2, 1, [1, 2, 4, 6]),
        (0.5, 1, [1, 3, 6]),  # 0.5 * 6 = 3 features per step
        (4, 1, [1, 2, 6]),
        (2, 3, [3, 4, 6]),
        (1, 10, [6]),  # clipped to the number of features
    ],
)
def test_step_and_min_features_path(step, min_features, sizes):
    table = dict.fromkeys(range(1, 7), 0.5)
    sel = make_selector(
        table, stopping="best", step=step, min_features_to_select=min_features
    ).fit(X6, Y6)
    np.testing.assert_array_equal(sel.cv_results_["n_features"], sizes)


def _wide_selector(importances, table=None, **params):
    """Selector on len(importances) columns; every size scores 0.5 by default."""
    n = len(importances)
    table = dict.fromkeys(range(1, n + 1), 0.5) if table is None else table
    params = {"cv": KFold(2), "scoring": score_table(table), **params}
    X = np.tile(np.arange(10.0)[:, None], (1, n))
    sel = RFRecursiveSelector(
        CountFeatures(), forest=FixedImportances(importances), **params
    )
    return sel, X


@pytest.mark.parametrize(
    "n_features, step, min_features, sizes",
    [
        # int(step * k) features dropped, at least one, down to min_features
        (10, 0.5, 1, [10, 5, 3, 2, 1]),
        (6, 0.5, 1, [6, 3, 2, 1]),
        (20, 0.25, 1, [20, 15, 12, 9, 7, 6, 5, 4, 3, 2, 1]),
        (20, 0.25, 8, [20, 15, 12, 9, 8]),
        (6, 0.1, 1, [6, 5, 4, 3, 2, 1]),  # 0.1 * 6 < 1: one at a time
        (6, 0.5, 10, [6]),
    ],
)
def test_geometric_path_by_hand(n_features, step, min_features, sizes):
    importances = np.linspace(1.0, 0.5, n_features)  # all nonzero
    sel, X = _wide_selector(
        importances,
        step=step,
        schedule="geometric",
        min_features_to_select=min_features,
    )
    sel.fit(X, Y6)
    assert sel.schedule_ == "geometric" and sel.step_ == step
    np.testing.assert_array_equal(sel.cv_results_["n_features"], sizes[::-1])


@pytest.mark.parametrize(
    "step, min_features, sizes",
    [
        # 10 features, 4 of zero importance: 10 -> 6 in one round
        (0.1, 1, [10, 6, 5, 4, 3, 2, 1]),
        (0.5, 1, [10, 5, 3, 2, 1]),  # halving drops more than the zeros
        (0.1, 8, [10, 8]),  # never below min_features_to_select
    ],
)
def test_geometric_drops_zero_importances_in_one_round(step, min_features, sizes):
    importances = [0.2, 0.0, 0.1, 0.3, 0.0, 0.1, 0.0, 0.2, 0.0, 0.1]
    sel, X = _wide_selector(
        importances,
        step=step,
        schedule="geometric",
        min_features_to_select=min_features,
    )
    sel.fit(X, Y6)
    np.testing.assert_array_equal(sel.cv_results_["n_features"], sizes[::-1])
    if sizes[1] == 6:
        # the size after all features keeps exactly the nonzero ones
        assert sel.ranking_[np.flatnonzero(importances)].max() == 6


def test_geometric_keeps_the_stopping_rules():
    # sizes 6, 3, 2, 1 (halving) scored by TABLE: 0.5, 0.65, 0.9, 0.1
    sel = make_selector(TABLE, step=0.5, schedule="geometric").fit(X6, Y6)
    assert sel.n_features_ == 2  # first decrease at size 1
    np.testing.assert_array_equal(sel.cv_results_["n_features"], [1, 2, 3, 6])
    table = {6: 0.5, 5: 0.6, 4: 0.7, 3: 0.4, 2: 0.9, 1: 0.1}
    sel = make_selector(table, step=0.5, schedule="geometric").fit(X6, Y6)
    assert sel.n_features_ == 6  # 3 scores below 6: stop, keep 6
    np.testing.assert_array_equal(sel.cv_results_["n_features"], [3, 6])
    # ties continue the walk
    sel = make_selector(
        dict.fromkeys(range(1, 7), 0.5), step=0.5, schedule="geometric"
    ).fit(X6, Y6)
    assert sel.n_features_ == 1
    # "best" over the geometric path, with patience
    sel = make_selector(table, step=0.5, schedule="geometric", stopping="best")
    assert sel.fit(X6, Y6).n_features_ == 2
    sel.set_params(patience=1).fit(X6, Y6)
    assert sel.n_features_ == 6
    np.testing.assert_array_equal(sel.cv_results_["n_features"], [3, 6])


def test_auto_is_step_1_up_to_500_features():
    # the default resolves to Algorithm 1's step=1: identical results
    default = make_selector(TABLE).fit(X6, Y6)
    paper = make_selector(TABLE, step=1, schedule="linear").fit(X6, Y6)
    assert (default.step_, default.schedule_) == (1, "linear")
    assert default.n_features_ == paper.n_features_ == 4
    for key, value in paper.cv_results_.items():
        np.testing.assert_array_equal(default.cv_results_[key], value)
    sel, X = _wide_selector(np.linspace(1.0, 0.5, 500), min_features_to_select=496)
    sel.fit(X, Y6)
    assert (sel.step_, sel.schedule_) == (1, "linear")
    np.testing.assert_array_equal(
        sel.cv_results_["n_features"], [496, 497, 498, 499, 500]
    )


def test_auto_is_geometric_halving_above_500_features():
    importances = np.linspace(1.0, 0.5, 501)
    importances[-400:] = 0.0  # 101 nonzero
    sel, X = _wide_selector(importances)
    sel.fit(X, Y6)
    assert (sel.step_, sel.schedule_) == (0.5, "geometric")
    sizes = [501, 101, 51, 26, 13, 7, 4, 2, 1]
    np.testing.assert_array_equal(sel.cv_results_["n_features"], sizes[::-1])
    # an explicit step keeps its linear meaning under schedule="auto"
    sel.set_params(step=100).fit(X, Y6)
    assert sel.schedule_ == "linear"
    np.testing.assert_array_equal(
        sel.cv_results_["n_features"], [1, 101, 201, 301, 401, 501]
    )
    sel.set_params(step=0.5).fit(X, Y6)
    np.testing.assert_array_equal(sel.cv_results_["n_features"], [1, 251, 501])
    # step="auto" with an explicit schedule
    sel.set_params(step="auto", schedule="linear", min_features_to_select=499)
    sel.fit(X, Y6)
    assert sel.step_ == 1
    np.testing.assert_array_equal(sel.cv_results_["n_features"], [499, 500, 501])
    sel, X = _wide_selector(np.linspace(1.0, 0.5, 10), schedule="geometric")
    sel.fit(X, Y6)
    assert sel.step_ == 0.5
    np.testing.assert_array_equal(sel.cv_results_["n_features"], [1, 2, 3, 5, 10])


def test_geometric_with_partial_y_drop_rows():
    X, Y = make_multilabel_classification(
        n_samples=90, n_features=12, n_classes=3, random_state=0
    )
    Y_part = Y.astype(float)
    Y_part[::7, 0] = np.nan
    keep = ~np.isnan(Y_part).any(axis=1)
    params = dict(
        estimator=OneVsRestClassifier(LogisticRegression(solver="liblinear")),
        forest=RandomForestClassifier(n_estimators=5),
        step=0.3,
        schedule="geometric",
        stopping="best",
        cv=3,
        random_state=0,
    )
    with pytest.raises(ValueError, match="contains NaN"):
        RFRecursiveSelector(**params).fit(X, Y_part)
    sel = RFRecursiveSelector(unknown="drop_rows", **params).fit(X, Y_part)
    ref = RFRecursiveSelector(**params).fit(X[keep], Y[keep])
    np.testing.assert_array_equal(sel.support_, ref.support_)
    np.testing.assert_array_equal(
        sel.cv_results_["n_features"], ref.cv_results_["n_features"]
    )
    np.testing.assert_allclose(
        sel.cv_results_["mean_test_score"], ref.cv_results_["mean_test_score"]
    )
    assert sel.transform(X).shape == (90, sel.n_features_)


@pytest.mark.parametrize("stopping", ["first_decrease", "best"])
def test_parallel_result_equals_sequential(stopping):
    # Fits stream in path order; with several workers, fits of sizes past the
    # stop at size 3 may run before the stop is known: they must not leak out.
    calls = []
    scorer = score_table(TABLE)

    def counting(estimator, X, Y):
        calls.append(X.shape[1])
        return scorer(estimator, X, Y)

    kw = dict(
        stopping=stopping,
        patience=1 if stopping == "best" else None,
        cv=KFold(5),
        scoring=counting,
    )
    seq = make_selector(TABLE, n_jobs=1, **kw).fit(X6, Y6)
    # sequential: lazy, exactly 4 sizes x 5 folds, nothing past the stop
    assert sorted(calls) == [3] * 5 + [4] * 5 + [5] * 5 + [6] * 5
    calls.clear()
    with parallel_backend("threading"):  # cheap workers sharing `calls`
        par = make_selector(TABLE, n_jobs=3, **kw).fit(X6, Y6)
    assert set(calls) >= {3, 4, 5, 6}
    assert seq.n_features_ == par.n_features_ == 4
    assert seq.cv_results_.keys() == par.cv_results_.keys()
    for key, value in seq.cv_results_.items():
        np.testing.assert_array_equal(value, par.cv_results_[key])


def test_cv_results_and_estimator_refit():
    scores = {}

    def scorer(estimator, X, Y):
        # distinct value per (size, fold), fold told apart by its first row
        value = X.shape[1] + X[0, 0] / 100
        scores.setdefault(X.shape[1], []).append(value)
        return value

    est = CountFeatures()
    sel = RFRecursiveSelector(
        est,
        forest=FixedImportances(IMPORTANCES),
        scoring=scorer,
        cv=KFold(3),
        stopping="best",
    ).fit(X6, Y6)
    res = sel.cv_results_
    assert set(res) == {
        "n_features",
        "mean_test_score",
        "std_test_score",
        "split0_test_score",
        "split1_test_score",
        "split2_test_score",
    }
    splits = np.column_stack([res[f"split{k}_test_score"] for k in range(3)])
    np.testing.assert_allclose(res["mean_test_score"], splits.mean(axis=1))
    np.testing.assert_allclose(res["std_test_score"], splits.std(axis=1))
    np.testing.assert_allclose(splits[0], scores[1])  # folds in cv order
    # more features score more: "best" keeps all six
    assert sel.n_features_ == 6
    # estimator_ is a fitted clone, the user's object is untouched
    assert sel.estimator_ is not est and not hasattr(est, "n_features_in_")
    assert sel.estimator_.n_features_in_ == 6


def test_estimator_refit_on_kept_columns_in_original_order():
    sel = make_selector(TABLE).fit(X6, Y6)
    np.testing.assert_array_equal(sel.estimator_.first_row_, X6[0, [0, 1, 3, 4]])
    np.testing.assert_array_equal(sel.transform(X6), X6[:, [0, 1, 3, 4]])


def test_forest_sees_multi_output_y():
    sel = make_selector(TABLE).fit(X6, Y6)
    assert sel.forest_.Y_shape_ == (10, 2)
    X, Y = make_multilabel_classification(
        n_samples=60, n_features=6, n_classes=3, random_state=0
    )
    sel = RFRecursiveSelector(
        CountFeatures(),
        forest=RandomForestClassifier(n_estimators=5),
        scoring=score_table(TABLE),
        cv=KFold(2),
        random_state=0,
    ).fit(X, Y)
    assert sel.forest_.n_outputs_ == 3
    np.testing.assert_allclose(
        sel.feature_importances_, sel.forest_.feature_importances_
    )


def test_forest_seeded_from_random_state_and_deterministic():
    X, Y = make_multilabel_classification(
        n_samples=80, n_features=10, n_classes=3, random_state=1
    )
    kw = dict(
        forest=RandomForestClassifier(n_estimators=10),
        scoring=score_table(dict.fromkeys(range(1, 11), 0.5)),
        cv=KFold(2),
    )
    est = CountFeatures()  # only the forest matters here
    a = RFRecursiveSelector(est, random_state=3, **kw).fit(X, Y)
    b = RFRecursiveSelector(est, random_state=3, **kw).fit(X, Y)
    c = RFRecursiveSelector(est, random_state=4, **kw).fit(X, Y)
    np.testing.assert_array_equal(a.feature_importances_, b.feature_importances_)
    assert not np.array_equal(a.feature_importances_, c.feature_importances_)
    assert a.forest_.random_state is not None
    assert kw["forest"].random_state is None  # the user's forest is not touched
    # an explicit forest seed wins
    kw["forest"] = RandomForestClassifier(n_estimators=10, random_state=7)
    d = RFRecursiveSelector(est, random_state=3, **kw).fit(X, Y)
    assert d.forest_.random_state == 7


def test_pandas_names_keep_modality_prefixes():
    pd = pytest.importorskip("pandas")
    names = [f"{m}__f{j}" for m in ("visual", "audio", "text") for j in range(2)]
    df = pd.DataFrame(X6, columns=names)
    sel = make_selector(TABLE).fit(df, Y6)
    out = sel.get_feature_names_out()
    assert out.tolist() == ["visual__f0", "visual__f1", "audio__f1", "text__f0"]
    Xt = clone(sel).set_output(transform="pandas").fit(df, Y6).transform(df)
    assert list(Xt.columns) == out.tolist()
    np.testing.assert_array_equal(Xt.to_numpy(), X6[:, [0, 1, 3, 4]])


def test_sparse_input():
    X, Y = make_multilabel_classification(
        n_samples=60, n_features=8, n_classes=3, random_state=0
    )
    kw = dict(
        forest=RandomForestClassifier(n_estimators=5),
        scoring="f1_micro",
        cv=KFold(2),
        random_state=0,
    )
    est = OneVsRestClassifier(LinearSVC())
    dense = RFRecursiveSelector(est, **kw).fit(X, Y)
    sparse = RFRecursiveSelector(est, **kw).fit(sp.csr_matrix(X), Y)
    np.testing.assert_array_equal(dense.support_, sparse.support_)
    assert sp.issparse(sparse.transform(sp.csr_matrix(X)))


def test_inputs_not_modified():
    X, Y = X6.copy(), Y6.copy()
    make_selector(TABLE).fit(X, Y)
    np.testing.assert_array_equal(X, X6)
    np.testing.assert_array_equal(Y, Y6)


def test_clone_and_pickle_round_trip():
    sel = make_selector(TABLE, stopping="best", step=2)
    assert clone(sel).get_params()["step"] == 2
    X, Y = make_multilabel_classification(
        n_samples=60, n_features=8, n_classes=3, random_state=0
    )
    fitted = RFRecursiveSelector(
        OneVsRestClassifier(LinearSVC()),
        forest=RandomForestClassifier(n_estimators=5),
        scoring="f1_micro",
        cv=KFold(2),
        random_state=0,
    ).fit(X, Y)
    restored = pickle.loads(pickle.dumps(fitted))
    np.testing.assert_array_equal(restored.transform(X), fitted.transform(X))
    np.testing.assert_array_equal(
        restored.estimator_.predict(restored.transform(X)),
        fitted.estimator_.predict(fitted.transform(X)),
    )


def test_verbose_reports_progress(capsys):
    make_selector(TABLE, verbose=1).fit(X6, Y6)
    out = capsys.readouterr().out
    assert "n_features=6" in out and "n_features=3" in out
    assert "kept 4 of 6 features" in out
    make_selector(TABLE).fit(X6, Y6)
    assert capsys.readouterr().out == ""


@pytest.mark.parametrize(
    "params, match",
    [
        ({"step": 0}, "'step' parameter of RFRecursiveSelector"),
        ({"step": 1.5}, "'step' parameter"),
        ({"step": "1"}, "'step' parameter"),
        ({"schedule": "log"}, "'schedule' parameter"),
        ({"schedule": "geometric", "step": 2}, r"float in \(0, 1\) or 'auto'"),
        ({"min_features_to_select": 0}, "'min_features_to_select' parameter"),
        ({"stopping": "worst"}, "'stopping' parameter"),
        ({"patience": 0}, "'patience' parameter"),
        ({"verbose": -1}, "'verbose' parameter"),
        ({"forest": "rf"}, "'forest' parameter"),
        ({"estimator": "svm"}, "'estimator' parameter"),
        ({"n_jobs": "x"}, "'n_jobs' parameter"),
        ({"cv": 1}, "'cv' parameter"),
        ({"random_state": "abc"}, "'random_state' parameter"),
        (
            {"forest": OneVsRestClassifier(LogisticRegression())},
            "no feature_importances_",
        ),
        ({"forest": FixedImportances([0.5, 0.5])}, r"expected \(6,\)"),
        ({"scoring": "no_such_scorer"}, "scoring='no_such_scorer'"),
        ({"scoring": 3}, "'scoring' parameter"),
    ],
)
def test_bad_parameters_raise_clear_errors(params, match):
    sel = make_selector(TABLE).set_params(**params)
    with pytest.raises(ValueError, match=match):
        sel.fit(X6, Y6)


def test_bad_label_matrix_raises():
    Y = Y6.copy()
    Y[0, 0] = 2
    with pytest.raises(ValueError, match="y must be a binary indicator"):
        make_selector(TABLE).fit(X6, Y)


def test_transform_before_fit_raises():
    from sklearn.exceptions import NotFittedError

    with pytest.raises(NotFittedError):
        make_selector(TABLE).transform(X6)


# -- defaults: LabelPowersetWeightedSVC, IterativeStratifiedKFold, micro-F1 --


def _defaults_available():
    try:
        from skmml.metrics import get_scorer  # noqa: F401
        from skmml.model_selection import IterativeStratifiedKFold  # noqa: F401
        from skmml.svm import LabelPowersetWeightedSVC  # noqa: F401
    except ImportError:
        return False
    return True


needs_defaults = pytest.mark.skipif(
    not _defaults_available(), reason="skmml.svm/metrics/model_selection missing"
)


@needs_defaults
def test_defaults_match_explicit_components():
    from skmml.metrics import get_scorer
    from skmml.model_selection import IterativeStratifiedKFold
    from skmml.svm import LabelPowersetWeightedSVC

    X, Y = make_multilabel_classification(
        n_samples=150, n_features=10, n_classes=3, random_state=0
    )
    forest = RandomForestClassifier(n_estimators=10)
    default = RFRecursiveSelector(forest=forest, cv=3, random_state=0).fit(X, Y)
    explicit = RFRecursiveSelector(
        LabelPowersetWeightedSVC(),
        forest=forest,
        cv=IterativeStratifiedKFold(n_splits=3),
        scoring=get_scorer("micro_f1"),
        random_state=0,
    ).fit(X, Y)
    assert isinstance(default.estimator_, LabelPowersetWeightedSVC)
    assert default.n_features_ == explicit.n_features_
    np.testing.assert_allclose(
        default.cv_results_["mean_test_score"], explicit.cv_results_["mean_test_score"]
    )
    # the scores are micro-F1 values of the LP-SVM, not placeholders
    assert 0.3 < default.cv_results_["mean_test_score"].max() <= 1.0


@needs_defaults
def test_pipeline_and_grid_search_with_skmml_scorer():
    from skmml.metrics import get_scorer
    from skmml.model_selection import IterativeStratifiedKFold
    from skmml.svm import LabelPowersetWeightedSVC

    X, Y = make_multilabel_classification(
        n_samples=120, n_features=8, n_classes=3, random_state=2
    )
    pipe = make_pipeline(
        RFRecursiveSelector(
            forest=RandomForestClassifier(n_estimators=5), cv=2, random_state=0
        ),
        LabelPowersetWeightedSVC(),
    )
    search = GridSearchCV(
        pipe,
        {"rfrecursiveselector__step": [1, 4]},
        scoring=get_scorer("micro_f1"),
        cv=IterativeStratifiedKFold(n_splits=2),
    ).fit(X, Y)
    assert search.best_params_["rfrecursiveselector__step"] in (1, 4)
    assert np.all(np.isfinite(search.cv_results_["mean_test_score"]))
    assert search.predict(X).shape == Y.shape


@needs_defaults
def test_one_dimensional_target_with_defaults():
    from sklearn.datasets import make_classification

    X, y = make_classification(n_samples=90, n_features=6, random_state=0)
    sel = RFRecursiveSelector(
        forest=RandomForestClassifier(n_estimators=5), cv=3, random_state=0
    ).fit(X, y)
    assert sel.forest_.n_outputs_ == 1
    assert 1 <= sel.n_features_ <= 6


def test_names_flow_through_concatenator_pipeline():
    pytest.importorskip("pandas")
    from skmml.compose import MultiModalConcatenator
    from skmml.datasets import make_disaster_like

    X, Y, modalities = make_disaster_like(
        n_samples=100, modality_dims=3, random_state=0
    )
    concat = MultiModalConcatenator(
        [(name, "passthrough", cols) for name, cols in modalities.items()]
    )
    selector = RFRecursiveSelector(
        OneVsRestClassifier(LinearSVC()),
        forest=RandomForestClassifier(n_estimators=5),
        scoring="micro_f1",
        stopping="best",
        cv=2,
        random_state=0,
    )
    pipe = make_pipeline(concat, selector).set_output(transform="pandas").fit(X, Y)
    names = pipe.get_feature_names_out()
    kept = pipe[-1].n_features_
    assert len(names) == kept and 1 <= kept <= 9
    assert all(name.split("__")[0] in modalities for name in names)
    Xt = pipe.transform(X)
    assert list(Xt.columns) == names.tolist()
    # the selector saw the concatenator's names
    assert (
        pipe[-1].feature_names_in_.tolist() == pipe[0].get_feature_names_out().tolist()
    )


# -- ground floor: fit(X, y), RNG, strings, metadata routing -----------------


def test_fit_takes_y_by_keyword_and_positionally():
    by_keyword = make_selector(TABLE).fit(X6, y=Y6)
    positional = make_selector(TABLE).fit(X6, Y6)
    np.testing.assert_array_equal(by_keyword.support_, positional.support_)


def _global_state_key():
    state = np.random.get_state()
    return state[1].tobytes(), state[2]


def test_global_rng_is_never_consumed_and_random_state_is_deterministic():
    X, Y = make_multilabel_classification(
        n_samples=60, n_features=6, n_classes=3, random_state=0
    )
    before = _global_state_key()
    kw = {"forest": RandomForestClassifier(n_estimators=5), "cv": 3}
    fits = [RFRecursiveSelector(random_state=0, **kw).fit(X, Y) for _ in range(2)]
    RFRecursiveSelector(**kw).fit(X, Y).transform(X)
    assert _global_state_key() == before
    np.testing.assert_array_equal(
        fits[0].feature_importances_, fits[1].feature_importances_
    )


def test_transform_rejects_strings():
    selector = make_selector(TABLE).fit(X6, Y6)
    X_str = np.array([["a"] * 6] * 3, dtype=object)
    with pytest.raises(ValueError, match="[Ss]tring|convert"):
        selector.transform(X_str)
    # object arrays of numbers still work
    np.testing.assert_array_equal(
        selector.transform(X6.astype(object)), selector.transform(X6)
    )


class WeightRecorder(ClassifierMixin, BaseEstimator):
    """Records the sample_weight it was fitted with."""

    def fit(self, X, Y, sample_weight=None):
        self.sample_weight_ = None if sample_weight is None else sample_weight.copy()
        return self

    def predict(self, X):
        return np.zeros((X.shape[0], 2), dtype=int)


class ForestRecorder(FixedImportances):
    def fit(self, X, Y, sample_weight=None):
        self.sample_weight_ = None if sample_weight is None else sample_weight.copy()
        return super().fit(X, Y)


SW6 = np.arange(1.0, 11.0)


def _routing_selector(estimator, forest):
    return RFRecursiveSelector(
        estimator, forest=forest, cv=KFold(2), scoring=score_table(TABLE)
    )


def test_legacy_sample_weight_goes_to_forest_and_estimator():
    sel = _routing_selector(WeightRecorder(), ForestRecorder(IMPORTANCES))
    sel.fit(X6, Y6, sample_weight=SW6)
    np.testing.assert_array_equal(sel.forest_.sample_weight_, SW6)
    np.testing.assert_array_equal(sel.estimator_.sample_weight_, SW6)
    with pytest.raises(ValueError, match="enable_metadata_routing"):
        sel.fit(X6, Y6, groups=np.zeros(10))


@pytest.fixture
def routing():
    import sklearn

    with sklearn.config_context(enable_metadata_routing=True):
        yield


@pytest.mark.usefixtures("routing")
@pytest.mark.parametrize("to_forest", [True, False])
@pytest.mark.parametrize("to_estimator", [True, False])
def test_routing_respects_requests(to_forest, to_estimator):
    from sklearn.pipeline import Pipeline
    from sklearn.preprocessing import StandardScaler

    estimator = WeightRecorder().set_fit_request(sample_weight=to_estimator)
    forest = ForestRecorder(IMPORTANCES).set_fit_request(sample_weight=to_forest)
    pipe = Pipeline(
        [
            ("scale", StandardScaler().set_fit_request(sample_weight=False)),
            ("select", _routing_selector(estimator, forest)),
        ]
    )
    if not (to_forest or to_estimator):
        with pytest.raises(TypeError, match="not routed to any object"):
            pipe.fit(X6, Y6, sample_weight=SW6)
        return
    pipe.fit(X6, Y6, sample_weight=SW6)
    sel = pipe.named_steps["select"]
    assert (sel.forest_.sample_weight_ is not None) == to_forest
    assert (sel.estimator_.sample_weight_ is not None) == to_estimator
    if to_estimator:
        np.testing.assert_array_equal(sel.estimator_.sample_weight_, SW6)


@pytest.mark.usefixtures("routing")
def test_routing_unrequested_weights_raise():
    sel = _routing_selector(WeightRecorder(), ForestRecorder(IMPORTANCES))
    with pytest.raises(ValueError, match="sample_weight"):
        sel.fit(X6, Y6, sample_weight=SW6)


@pytest.mark.usefixtures("routing")
def test_routing_in_grid_search_slices_cv_weights():
    class Check(WeightRecorder):
        def fit(self, X, Y, sample_weight=None):
            # every fit sees weights aligned with its rows
            assert sample_weight is not None and len(sample_weight) == len(X)
            return super().fit(X, Y, sample_weight)

    sel = _routing_selector(
        Check().set_fit_request(sample_weight=True),
        ForestRecorder(IMPORTANCES).set_fit_request(sample_weight=False),
    )
    search = GridSearchCV(
        sel, {"step": [1, 2]}, cv=KFold(2), scoring=score_table({4: 1.0, 6: 0.0})
    )
    X = np.vstack([X6, X6])
    Y = np.vstack([Y6, Y6])
    search.fit(X, Y, sample_weight=np.arange(1.0, 21.0))
    best = search.best_estimator_
    assert best.forest_.sample_weight_ is None
    assert len(best.estimator_.sample_weight_) == 20


@pytest.mark.usefixtures("routing")
def test_routing_with_default_components():
    X, Y = make_multilabel_classification(
        n_samples=60, n_features=5, n_classes=3, random_state=0
    )
    sel = RFRecursiveSelector(cv=3, random_state=0).fit(X, Y, sample_weight=np.ones(60))
    plain = RFRecursiveSelector(cv=3, random_state=0).fit(X, Y)
    np.testing.assert_array_equal(sel.support_, plain.support_)


# -- partially labelled y (NaN = unknown) --------------------------------------

Y6_PARTIAL = Y6.astype(float)
Y6_PARTIAL[[1, 6], 0] = np.nan
Y6_PARTIAL[8, 1] = np.nan
KEEP6 = ~np.isnan(Y6_PARTIAL).any(axis=1)


def test_partial_y_is_rejected_by_default():
    from skmml.utils import accepts_unknown_labels

    sel = make_selector(TABLE)
    assert not accepts_unknown_labels(sel)
    for y in (Y6_PARTIAL, sp.csr_matrix(np.where(Y6_PARTIAL == 0, 0, Y6_PARTIAL))):
        with pytest.raises(ValueError, match="contains NaN") as info:
            sel.fit(X6, y)
        assert "unknown='drop_rows'" in str(info.value)
    assert not hasattr(sel, "support_")


def test_partial_y_drop_rows_fits_on_the_complete_rows():
    from skmml.utils import accepts_unknown_labels

    X, Y = make_multilabel_classification(
        n_samples=90, n_features=6, n_classes=3, random_state=0
    )
    rng = np.random.RandomState(0)
    Y_part = np.where(rng.random_sample(Y.shape) < 0.1, np.nan, Y.astype(float))
    keep = ~np.isnan(Y_part).any(axis=1)
    params = dict(
        estimator=OneVsRestClassifier(LogisticRegression(solver="liblinear")),
        forest=RandomForestClassifier(n_estimators=5),
        stopping="best",
        cv=3,
        random_state=0,
    )
    sel = RFRecursiveSelector(unknown="drop_rows", **params)
    assert accepts_unknown_labels(sel)
    sel.fit(X, Y_part)
    ref = RFRecursiveSelector(**params).fit(X[keep], Y[keep])
    np.testing.assert_array_equal(sel.ranking_, ref.ranking_)
    np.testing.assert_array_equal(sel.support_, ref.support_)
    np.testing.assert_allclose(
        sel.cv_results_["mean_test_score"], ref.cv_results_["mean_test_score"]
    )
    # transform keeps every row
    assert sel.transform(X).shape == (90, sel.n_features_)
    # a complete y: the same selection under both settings
    complete = RFRecursiveSelector(unknown="drop_rows", **params).fit(X, Y)
    np.testing.assert_array_equal(
        complete.ranking_, RFRecursiveSelector(**params).fit(X, Y).ranking_
    )


def test_partial_y_drop_rows_slices_the_weights():
    sel = _routing_selector(WeightRecorder(), ForestRecorder(IMPORTANCES))
    sel.set_params(unknown="drop_rows").fit(X6, Y6_PARTIAL, sample_weight=SW6)
    np.testing.assert_array_equal(sel.forest_.sample_weight_, SW6[KEEP6])
    np.testing.assert_array_equal(sel.estimator_.sample_weight_, SW6[KEEP6])
    assert sel.forest_.Y_shape_ == (KEEP6.sum(), 2)
    with pytest.raises(ValueError, match="leaves no sample"):
        sel.fit(X6, np.full((10, 2), np.nan))


@pytest.mark.usefixtures("routing")
def test_partial_y_drop_rows_slices_routed_weights():
    sel = _routing_selector(
        WeightRecorder().set_fit_request(sample_weight=True),
        ForestRecorder(IMPORTANCES).set_fit_request(sample_weight=True),
    )
    sel.set_params(unknown="drop_rows").fit(X6, Y6_PARTIAL, sample_weight=SW6)
    np.testing.assert_array_equal(sel.forest_.sample_weight_, SW6[KEEP6])
    np.testing.assert_array_equal(sel.estimator_.sample_weight_, SW6[KEEP6])


def test_partial_y_drop_rows_in_a_pipeline_with_a_partial_classifier():
    from skmml.model_selection.tests._partial import MaskedLogistic

    X, Y = make_multilabel_classification(
        n_samples=90, n_features=6, n_classes=3, random_state=1
    )
    Y_part = Y.astype(float)
    Y_part[::5, 1] = np.nan
    selector = RFRecursiveSelector(
        OneVsRestClassifier(LogisticRegression(solver="liblinear")),
        forest=RandomForestClassifier(n_estimators=5),
        cv=3,
        random_state=0,
        unknown="drop_rows",
    )
    pipe = make_pipeline(selector, MaskedLogistic()).fit(X, Y_part)
    assert pipe.predict(X).shape == Y.shape
    # the classifier saw every row, the unknown entries as NaN
    assert pipe[-1].n_unknown_ == 18
