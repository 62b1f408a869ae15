"""PartialBinaryRelevance: each label fitted on the rows where it is known."""

import pickle
import warnings

import numpy as np
import pandas as pd
import pytest
import scipy.sparse as sp
import sklearn
from sklearn.base import clone
from sklearn.datasets import make_multilabel_classification
from sklearn.dummy import DummyClassifier
from sklearn.exceptions import UnsetMetadataPassedError
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import GridSearchCV, KFold
from sklearn.multiclass import OneVsRestClassifier
from sklearn.multioutput import MultiOutputClassifier
from sklearn.naive_bayes import GaussianNB
from sklearn.neighbors import KNeighborsClassifier
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler
from sklearn.svm import LinearSVC
from sklearn.tree import DecisionTreeClassifier

from skmml.metrics import get_scorer, micro_f1
from skmml.multioutput import PartialBinaryRelevance
from skmml.multioutput.tests._recording import RecordingClassifier
from skmml.utils import accepts_unknown_labels


def _data(n_samples=60, n_labels=4, seed=0):
    X, Y = make_multilabel_classification(
        n_samples=n_samples, n_features=5, n_classes=n_labels, random_state=seed
    )
    return X, Y


def _hide(Y, ratio=0.3, seed=0):
    Yp = Y.astype(np.float64)
    Yp[np.random.RandomState(seed).rand(*Y.shape) < ratio] = np.nan
    return Yp


X, Y = _data()
Y_PARTIAL = _hide(Y)


# -- the mask


def test_each_label_is_fitted_on_exactly_its_known_rows():
    X_ = np.arange(12, dtype=float).reshape(6, 2)
    Y_ = np.array([[0, 1], [1, np.nan], [np.nan, 0], [1, 1], [0, np.nan], [np.nan, 0]])
    clf = PartialBinaryRelevance(RecordingClassifier()).fit(X_, Y_)
    known = [[0, 1, 3, 4], [0, 2, 3, 5]]
    for j, rows in enumerate(known):
        est = clf.estimators_[j]
        np.testing.assert_array_equal(est.X_fit_, X_[rows])
        np.testing.assert_array_equal(est.y_fit_, Y_[rows, j].astype(int))
        assert est.y_fit_.dtype.kind == "i"
        assert est.sample_weight_ is None
    np.testing.assert_array_equal(clf.classes_, [0, 1])


def test_partial_fit_equals_logistic_regression_on_the_known_rows():
    clf = PartialBinaryRelevance(LogisticRegression()).fit(X, Y_PARTIAL)
    proba = clf.predict_proba(X)
    decision = clf.decision_function(X)
    for j in range(Y.shape[1]):
        rows = ~np.isnan(Y_PARTIAL[:, j])
        ref = LogisticRegression().fit(X[rows], Y_PARTIAL[rows, j].astype(int))
        np.testing.assert_allclose(proba[:, j], ref.predict_proba(X)[:, 1])
        np.testing.assert_allclose(decision[:, j], ref.decision_function(X))
        np.testing.assert_array_equal(clf.predict(X)[:, j], ref.predict(X))


def test_unknown_is_not_read_as_absent():
    # label 0 is positive exactly where it is known and x > 0; its unknown
    # rows (x > 0 too) would teach "absent" if NaN were read as 0
    X_ = np.linspace(-1, 1, 20).reshape(-1, 1)
    Y_ = np.column_stack([(X_[:, 0] > 0).astype(float), X_[:, 0] < 0.5])
    Y_[X_[:, 0] > 0.4, 0] = np.nan
    clf = PartialBinaryRelevance(DecisionTreeClassifier(random_state=0))
    pred = clf.fit(X_, Y_).predict(np.array([[0.9]]))
    assert pred[0, 0] == 1
    zero = clf.fit(X_, np.nan_to_num(Y_)).predict(np.array([[0.9]]))
    assert zero[0, 0] == 0


# -- complete targets: scikit-learn's results


@pytest.mark.parametrize("sparse_Y", [False, True])
def test_complete_target_equals_one_vs_rest(sparse_Y):
    Y_in = sp.csr_matrix(Y) if sparse_Y else Y
    ours = PartialBinaryRelevance(LogisticRegression()).fit(X, Y_in)
    ovr = OneVsRestClassifier(LogisticRegression()).fit(X, Y)
    np.testing.assert_array_equal(ours.predict(X), ovr.predict(X))
    np.testing.assert_array_equal(ours.predict_proba(X), ovr.predict_proba(X))
    np.testing.assert_array_equal(ours.decision_function(X), ovr.decision_function(X))
    np.testing.assert_array_equal(ours.classes_, ovr.classes_)
    assert ours.predict(X).dtype == np.int64


@pytest.mark.parametrize(
    "estimator",
    [
        GaussianNB(),
        DecisionTreeClassifier(random_state=0),
        KNeighborsClassifier(n_neighbors=3),
    ],
    ids=lambda e: type(e).__name__,
)
def test_complete_target_equals_multioutput_classifier(estimator):
    ours = PartialBinaryRelevance(estimator).fit(X, Y)
    ref = MultiOutputClassifier(estimator).fit(X, Y)
    np.testing.assert_array_equal(ours.predict(X), ref.predict(X))
    expected = np.column_stack([p[:, 1] for p in ref.predict_proba(X)])
    np.testing.assert_array_equal(ours.predict_proba(X), expected)


def test_dataframe_X_keeps_feature_names():
    frame = pd.DataFrame(X, columns=[f"f{i}" for i in range(X.shape[1])])
    clf = PartialBinaryRelevance(LogisticRegression()).fit(frame, Y_PARTIAL)
    np.testing.assert_array_equal(clf.feature_names_in_, frame.columns)
    assert clf.n_features_in_ == X.shape[1]
    ref = PartialBinaryRelevance(LogisticRegression()).fit(X, Y_PARTIAL)
    np.testing.assert_allclose(clf.predict_proba(frame), ref.predict_proba(X))


# -- target containers


def _reference_proba():
    return (
        PartialBinaryRelevance(LogisticRegression()).fit(X, Y_PARTIAL).predict_proba(X)
    )


def test_pandas_na_target():
    frame = pd.DataFrame(Y_PARTIAL, columns=list("abcd")).astype("Int64")
    assert frame.isna().to_numpy().any()
    clf = PartialBinaryRelevance(LogisticRegression()).fit(X, frame)
    np.testing.assert_allclose(clf.predict_proba(X), _reference_proba())
    objects = frame.astype(object)  # pd.NA in object columns
    clf.fit(X, objects)
    np.testing.assert_allclose(clf.predict_proba(X), _reference_proba())


def test_sparse_target_with_explicit_nan():
    Y_sparse = sp.csr_matrix(np.where(Y_PARTIAL == 0, 0, Y_PARTIAL))
    assert np.isnan(Y_sparse.data).any()
    clf = PartialBinaryRelevance(LogisticRegression()).fit(X, Y_sparse)
    np.testing.assert_allclose(clf.predict_proba(X), _reference_proba())
    clf.fit(sp.csr_matrix(X), Y_sparse)  # sparse X too
    np.testing.assert_allclose(clf.predict_proba(X), _reference_proba())


def test_polars_null_target():
    pl = pytest.importorskip("polars")
    frame = pl.DataFrame(
        {
            name: [None if np.isnan(v) else int(v) for v in Y_PARTIAL[:, j]]
            for j, name in enumerate("abcd")
        }
    )
    clf = PartialBinaryRelevance(LogisticRegression()).fit(X, frame)
    np.testing.assert_allclose(clf.predict_proba(X), _reference_proba())


def test_inputs_are_not_modified():
    X_in, Y_in = X.copy(), Y_PARTIAL.copy()
    clf = PartialBinaryRelevance(LogisticRegression()).fit(X_in, Y_in)
    clf.predict(X_in)
    np.testing.assert_array_equal(X_in, X)
    np.testing.assert_array_equal(Y_in, Y_PARTIAL)


def test_one_column_matrix_is_one_label():
    Y_col = Y_PARTIAL[:, :1]
    clf = PartialBinaryRelevance(LogisticRegression()).fit(X, Y_col)
    assert clf.predict(X).shape == (X.shape[0], 1)
    assert clf.predict_proba(X).shape == (X.shape[0], 1)
    assert clf.decision_function(X).shape == (X.shape[0], 1)


# -- single-output targets


def test_one_d_target_is_the_estimator_itself():
    y = Y[:, 0]
    clf = PartialBinaryRelevance(LogisticRegression()).fit(X, y)
    ref = LogisticRegression().fit(X, y)
    np.testing.assert_array_equal(clf.predict(X), ref.predict(X))
    np.testing.assert_array_equal(clf.predict_proba(X), ref.predict_proba(X))
    np.testing.assert_array_equal(clf.classes_, [0, 1])
    labels = np.array(["a", "b", "c"])[np.arange(X.shape[0]) % 3]
    clf.fit(X, labels)
    np.testing.assert_array_equal(clf.classes_, ["a", "b", "c"])
    assert clf.predict_proba(X).shape == (X.shape[0], 3)


def test_one_d_target_with_nan_names_y():
    y = Y_PARTIAL[:, 0]
    with pytest.raises(ValueError, match="y is a 1-D target with NaN"):
        PartialBinaryRelevance(LogisticRegression()).fit(X, y)


@pytest.mark.parametrize(
    "y, match",
    [
        (None, "requires y to be passed"),
        (np.where(Y == 1, 2, Y), "0/1"),
        (np.where(Y == 1, np.inf, Y).astype(float), "infinity"),
    ],
)
def test_bad_targets_name_y(y, match):
    with pytest.raises(ValueError, match=match):
        PartialBinaryRelevance(LogisticRegression()).fit(X, y)


def test_inconsistent_lengths():
    with pytest.raises(ValueError, match="inconsistent numbers of samples"):
        PartialBinaryRelevance(LogisticRegression()).fit(X, Y_PARTIAL[:-1])


# -- degenerate labels


def test_single_known_class_is_predicted_constantly_with_a_warning():
    Y_ = Y_PARTIAL.copy()
    Y_[:, 1] = np.where(np.isnan(Y_[:, 1]), np.nan, 1.0)  # known entries all 1
    Y_[:, 2] = np.where(np.isnan(Y_[:, 2]), np.nan, 0.0)  # known entries all 0
    clf = PartialBinaryRelevance(LogisticRegression())
    with pytest.warns(UserWarning) as rec:
        clf.fit(X, Y_)
    messages = [str(w.message) for w in rec]
    assert any(m.startswith("Label 1 is present in all training") for m in messages)
    assert any(m.startswith("Label not 2 is present") for m in messages)
    assert all(w.filename == __file__ for w in rec)
    assert isinstance(clf.estimators_[1], DummyClassifier)
    assert isinstance(clf.estimators_[2], DummyClassifier)
    np.testing.assert_array_equal(clf.predict(X)[:, 1], 1)
    np.testing.assert_array_equal(clf.predict(X)[:, 2], 0)
    np.testing.assert_array_equal(clf.predict_proba(X)[:, 1], 1.0)
    np.testing.assert_array_equal(clf.predict_proba(X)[:, 2], 0.0)
    np.testing.assert_array_equal(clf.decision_function(X)[:, 1], 1.0)
    np.testing.assert_array_equal(clf.decision_function(X)[:, 2], -1.0)
    # the other labels are unaffected
    ref = PartialBinaryRelevance(LogisticRegression()).fit(X, Y_PARTIAL)
    np.testing.assert_array_equal(
        clf.predict_proba(X)[:, 0], ref.predict_proba(X)[:, 0]
    )


def test_label_without_known_entry_is_an_error():
    Y_ = Y_PARTIAL.copy()
    Y_[:, 3] = np.nan
    with pytest.raises(ValueError, match=r"Label\(s\) \[3\] of y have no known"):
        PartialBinaryRelevance(LogisticRegression()).fit(X, Y_)


def test_sample_without_any_known_label_is_simply_unused():
    Y_ = Y_PARTIAL.copy()
    Y_[0] = np.nan
    clf = PartialBinaryRelevance(RecordingClassifier()).fit(X, Y_)
    for est in clf.estimators_:
        assert not (est.X_fit_ == X[0]).all(axis=1).any()
    assert clf.predict(X[:1]).shape == (1, Y.shape[1])


# -- methods offered


def test_methods_follow_the_estimator():
    svc = PartialBinaryRelevance(LinearSVC())
    assert not hasattr(svc, "predict_proba")
    assert hasattr(svc.fit(X, Y_PARTIAL), "decision_function")
    nb = PartialBinaryRelevance(GaussianNB())
    assert not hasattr(nb, "decision_function")
    assert nb.fit(X, Y_PARTIAL).predict_proba(X).shape == Y.shape


def test_tag_and_public_reader():
    clf = PartialBinaryRelevance(LogisticRegression())
    assert accepts_unknown_labels(clf)
    assert accepts_unknown_labels(make_pipeline(StandardScaler(), clf))


# -- parallelism, metadata


def test_n_jobs_gives_the_same_model():
    one = PartialBinaryRelevance(LogisticRegression(), n_jobs=1).fit(X, Y_PARTIAL)
    two = PartialBinaryRelevance(LogisticRegression(), n_jobs=2).fit(X, Y_PARTIAL)
    np.testing.assert_array_equal(one.predict_proba(X), two.predict_proba(X))


def test_constant_label_warns_with_n_jobs():
    # warned by the calling process: a worker's warnings would be lost
    Y_ = Y_PARTIAL.copy()
    Y_[:, 0] = np.where(np.isnan(Y_[:, 0]), np.nan, 0.0)
    with pytest.warns(UserWarning, match="Label not 0"):
        PartialBinaryRelevance(LogisticRegression(), n_jobs=2).fit(X, Y_)


def test_sample_weight_goes_to_each_label_for_its_rows():
    weights = np.arange(1, X.shape[0] + 1, dtype=float)
    clf = PartialBinaryRelevance(RecordingClassifier())
    clf.fit(X, Y_PARTIAL, sample_weight=weights)
    for j, est in enumerate(clf.estimators_):
        rows = ~np.isnan(Y_PARTIAL[:, j])
        np.testing.assert_array_equal(est.sample_weight_, weights[rows])
    # integer weights are repeated rows
    rep = np.repeat(np.arange(X.shape[0]), 2)
    doubled = PartialBinaryRelevance(DecisionTreeClassifier(random_state=0))
    doubled.fit(X[rep], Y_PARTIAL[rep])
    weighted = PartialBinaryRelevance(DecisionTreeClassifier(random_state=0))
    weighted.fit(X, Y_PARTIAL, sample_weight=np.full(X.shape[0], 2.0))
    np.testing.assert_array_equal(doubled.predict(X), weighted.predict(X))


def test_sample_weight_reaches_the_constant_stand_in():
    Y_ = Y_PARTIAL.copy()
    Y_[:, 1] = np.where(np.isnan(Y_[:, 1]), np.nan, 1.0)
    with pytest.warns(UserWarning, match="Label 1"):
        clf = PartialBinaryRelevance(LogisticRegression()).fit(
            X, Y_, sample_weight=np.ones(X.shape[0])
        )
    assert isinstance(clf.estimators_[1], DummyClassifier)


def test_sample_weight_needs_an_estimator_that_takes_it():
    with pytest.raises(ValueError, match="does not accept it"):
        PartialBinaryRelevance(KNeighborsClassifier()).fit(
            X, Y_PARTIAL, sample_weight=np.ones(X.shape[0])
        )


def test_metadata_routing():
    weights = np.arange(1, X.shape[0] + 1, dtype=float)
    with sklearn.config_context(enable_metadata_routing=True):
        base = RecordingClassifier().set_fit_request(sample_weight=True)
        clf = PartialBinaryRelevance(base).fit(X, Y_PARTIAL, sample_weight=weights)
        rows = ~np.isnan(Y_PARTIAL[:, 2])
        np.testing.assert_array_equal(clf.estimators_[2].sample_weight_, weights[rows])

        # not requested: scikit-learn's routers refuse metadata nobody takes
        ignored = RecordingClassifier().set_fit_request(sample_weight=False)
        with pytest.raises(TypeError, match="not routed to any object"):
            PartialBinaryRelevance(ignored).fit(X, Y_PARTIAL, sample_weight=weights)
        clf = PartialBinaryRelevance(ignored).fit(X, Y_PARTIAL)
        assert clf.estimators_[0].sample_weight_ is None

        with pytest.raises(UnsetMetadataPassedError, match="sample_weight"):
            PartialBinaryRelevance(RecordingClassifier()).fit(
                X, Y_PARTIAL, sample_weight=weights
            )
    routing = PartialBinaryRelevance(RecordingClassifier()).get_metadata_routing()
    assert "estimator" in str(routing)


# -- ecosystem


def test_grid_search_with_an_skmml_scorer_on_partial_Y():
    search = GridSearchCV(
        PartialBinaryRelevance(LogisticRegression()),
        {"estimator__C": [0.01, 1.0]},
        scoring=get_scorer("micro_f1"),
        cv=KFold(3),
        error_score="raise",
    ).fit(X, Y_PARTIAL)
    scores = search.cv_results_["mean_test_score"]
    assert np.isfinite(scores).all()
    # the scorer compares the known entries only
    fold = next(KFold(3).split(X))
    test = fold[1]
    model = clone(search.estimator).set_params(estimator__C=0.01)
    model.fit(X[fold[0]], Y_PARTIAL[fold[0]])
    expected = micro_f1(Y_PARTIAL[test], model.predict(X[test]))
    assert search.cv_results_["split0_test_score"][0] == pytest.approx(expected)


def test_default_score_on_partial_Y_uses_known_entries():
    clf = PartialBinaryRelevance(LogisticRegression()).fit(X, Y_PARTIAL)
    pred = clf.predict(X)
    known = ~np.isnan(Y_PARTIAL)
    correct = ((pred == Y_PARTIAL) | ~known).all(axis=1)
    assert clf.score(X, Y_PARTIAL) == pytest.approx(correct[known.any(axis=1)].mean())
    # complete: scikit-learn's subset accuracy
    assert clf.score(X, Y) == pytest.approx((pred == Y).all(axis=1).mean())


def test_pipeline_both_ways():
    outer = make_pipeline(
        StandardScaler(), PartialBinaryRelevance(LogisticRegression())
    )
    inner = PartialBinaryRelevance(
        make_pipeline(StandardScaler(), LogisticRegression())
    )
    outer.fit(X, Y_PARTIAL)
    inner.fit(X, Y_PARTIAL)
    assert outer.predict(X).shape == inner.predict(X).shape == Y.shape
    assert outer.score(X, Y_PARTIAL) >= 0.0


def test_clone_and_pickle():
    clf = PartialBinaryRelevance(LogisticRegression(C=0.5), n_jobs=1)
    cloned = clone(clf)
    assert cloned.get_params()["estimator__C"] == 0.5
    assert not hasattr(cloned, "estimators_")
    clf.fit(X, Y_PARTIAL)
    loaded = pickle.loads(pickle.dumps(clf))
    np.testing.assert_array_equal(loaded.predict_proba(X), clf.predict_proba(X))
    # the estimator passed is never fitted
    assert not hasattr(clf.estimator, "coef_")


def test_no_warning_on_a_clean_fit():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        PartialBinaryRelevance(LogisticRegression()).fit(X, Y_PARTIAL).predict(X)
