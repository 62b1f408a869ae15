"""Tests of LabelCountingClassifier, the wrapper recording training label counts."""

import pickle
import warnings

import numpy as np
import pytest
import scipy.sparse as sp
import sklearn
from sklearn.base import clone
from sklearn.exceptions import NotFittedError
from sklearn.linear_model import LogisticRegression, RidgeClassifier
from sklearn.model_selection import GridSearchCV, KFold
from sklearn.multiclass import OneVsRestClassifier
from sklearn.neighbors import KNeighborsClassifier
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from skmml.metrics import get_scorer
from skmml.model_selection import LabelCountingClassifier


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


def test_label_counting_classifier_records_counts_and_delegates():
    X, Y = _data()
    knn = KNeighborsClassifier(n_neighbors=3)
    clf = LabelCountingClassifier(knn).fit(X, Y)
    np.testing.assert_array_equal(clf.label_counts_, [45, 90, 10])
    assert not hasattr(knn, "classes_")  # the passed estimator is not fitted
    reference = clone(knn).fit(X, Y)
    np.testing.assert_array_equal(clf.predict(X), reference.predict(X))
    assert clf.n_features_in_ == 3
    assert len(clf.predict_proba(X)) == 3
    assert len(clf.classes_) == 3
    again = pickle.loads(pickle.dumps(clf))
    np.testing.assert_array_equal(again.predict(X), clf.predict(X))
    assert clone(clf).get_params()["estimator"] is not knn


def test_label_counting_classifier_targets_and_errors():
    X = np.arange(10.0).reshape(-1, 1)
    y = np.array(["b", "a", "a", "b", "b", "c", "c", "c", "c", "a"])
    clf = LabelCountingClassifier(KNeighborsClassifier(n_neighbors=1)).fit(X, y)
    np.testing.assert_array_equal(clf.label_counts_, [3, 3, 4])  # a, b, c
    Y = np.zeros((10, 2), dtype=int)
    Y[:7, 0] = 1
    clf.fit(X, sp.csr_matrix(Y))
    np.testing.assert_array_equal(clf.label_counts_, [7, 0])
    # only the inner estimator's methods are exposed
    ridge = LabelCountingClassifier(RidgeClassifier())
    assert not hasattr(ridge, "predict_proba")
    assert hasattr(ridge, "decision_function")
    with pytest.raises(NotFittedError):
        ridge.decision_function(X)
    with pytest.raises(ValueError, match="requires y to be passed"):
        ridge.fit(X, None)
    with pytest.raises(ValueError, match="continuous"):
        ridge.fit(X, np.linspace(0, 1, 10))
    with pytest.raises(
        ValueError, match="'estimator' parameter of LabelCountingClassifier"
    ):
        LabelCountingClassifier("knn").fit(X, y)
    # default: a seeded decision tree, multi-label capable
    default = LabelCountingClassifier().fit(X, Y)
    assert default.estimator is None
    assert default.estimator_.get_params()["random_state"] == 0
    np.testing.assert_array_equal(default.predict(X), Y)


class _WeightRecorder(KNeighborsClassifier):
    """k-NN whose fit takes and records sample_weight."""

    def fit(self, X, y, sample_weight=None):
        self.sample_weight_ = sample_weight
        return super().fit(X, y)


def test_routing_honours_the_fit_request():
    X, Y = _data(30)
    w = np.linspace(0.5, 2.0, 30)
    with sklearn.config_context(enable_metadata_routing=True):
        inner = _WeightRecorder(n_neighbors=3).set_fit_request(sample_weight=True)
        clf = LabelCountingClassifier(inner).fit(X, Y, sample_weight=w)
        np.testing.assert_array_equal(clf.estimator_.sample_weight_, w)
        inner = _WeightRecorder(n_neighbors=3).set_fit_request(sample_weight=False)
        # the weights used to reach the estimator all the same (issue 11)
        with pytest.raises(TypeError, match="not routed to any object"):
            LabelCountingClassifier(inner).fit(X, Y, sample_weight=w)
        scaler = StandardScaler().set_fit_request(sample_weight=True)
        pipe = make_pipeline(scaler, LabelCountingClassifier(inner))
        pipe.fit(X, Y, sample_weight=w)
    assert pipe[-1].estimator_.sample_weight_ is None
    # routing disabled: fit parameters are passed on, as before
    clf = LabelCountingClassifier(_WeightRecorder(n_neighbors=3))
    np.testing.assert_array_equal(
        clf.fit(X, Y, sample_weight=w).estimator_.sample_weight_, w
    )


def test_routing_in_grid_search_with_long_tail_scorer():
    X, Y = _data(100)
    w = np.random.RandomState(0).uniform(0.5, 2.0, size=100)
    with sklearn.config_context(enable_metadata_routing=True):
        inner = OneVsRestClassifier(
            LogisticRegression().set_fit_request(sample_weight=True)
        )
        scorer = get_scorer("tail_macro_f1").set_score_request(sample_weight=True)
        search = GridSearchCV(
            LabelCountingClassifier(inner),
            {"estimator__estimator__C": [0.1, 1.0]},
            scoring=scorer,
            cv=KFold(2),
        ).fit(X, Y, sample_weight=w)
    assert np.isfinite(search.cv_results_["mean_test_score"]).all()
    fitted = search.best_estimator_.estimator_.estimators_[0]
    C = search.best_params_["estimator__estimator__C"]
    reference = LogisticRegression(C=C).fit(X, Y[:, 0], sample_weight=w)
    np.testing.assert_allclose(fitted.coef_, reference.coef_, rtol=1e-6)


def test_parameter_validation_names_the_parameter():
    with pytest.raises(ValueError, match="'estimator' parameter"):
        LabelCountingClassifier(estimator=3).fit([[0.0], [1.0]], [0, 1])


def test_deprecated_alias_in_metrics():
    import skmml.metrics

    with pytest.warns(FutureWarning, match="skmml.model_selection"):
        alias = skmml.metrics.LabelCountingClassifier
    assert alias is LabelCountingClassifier
    with pytest.warns(FutureWarning):
        from skmml.metrics import LabelCountingClassifier as imported
    assert imported is LabelCountingClassifier
    assert "LabelCountingClassifier" not in skmml.metrics.__all__
    with pytest.raises(AttributeError):
        skmml.metrics.NoSuchThing  # noqa: B018


def test_discovered_once_from_model_selection():
    from skmml.utils import all_estimators

    found = [cls for name, cls in all_estimators() if cls is LabelCountingClassifier]
    assert found == [LabelCountingClassifier]
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # discovery does not touch the alias
        all_estimators()


def test_column_vector_targets_keep_their_counts():
    X = np.arange(6.0).reshape(-1, 1)
    clf = LabelCountingClassifier()
    # one 0/1 column: a one-label indicator matrix
    clf.fit(X, np.array([[1], [0], [1], [1], [0], [0]]))
    np.testing.assert_array_equal(clf.label_counts_, [3])


def test_partial_y_counts_known_positives_when_the_estimator_accepts_it():
    from skmml.model_selection.tests._partial import MaskedLogistic
    from skmml.utils import accepts_unknown_labels

    X, Y = _data()
    Y_part = Y.astype(float)
    Y_part[:20, 0] = np.nan  # 20 of the 45 positives of A (highest feature 0)
    Y_part[::10, 2] = np.nan
    clf = LabelCountingClassifier(MaskedLogistic()).fit(X, Y_part)
    expected = [int(np.nansum(Y_part[:, j])) for j in range(3)]
    np.testing.assert_array_equal(clf.label_counts_, expected)
    assert clf.label_counts_[0] == 45 - np.sum(Y[:20, 0])
    assert clf.estimator_.n_unknown_ == int(np.isnan(Y_part).sum())
    assert accepts_unknown_labels(clf)
    # a complete y: counts as before
    np.testing.assert_array_equal(
        LabelCountingClassifier(MaskedLogistic()).fit(X, Y).label_counts_,
        [45, 90, 10],
    )


@pytest.mark.parametrize(
    "estimator, name",
    [(None, "DecisionTreeClassifier"), (KNeighborsClassifier(), "KNeighbors")],
)
def test_partial_y_is_rejected_when_the_estimator_does_not_accept_it(estimator, name):
    from skmml.utils import accepts_unknown_labels

    X, Y = _data()
    Y_part = Y.astype(float)
    Y_part[0, 1] = np.nan
    clf = LabelCountingClassifier(estimator)
    assert not accepts_unknown_labels(clf)
    with pytest.raises(ValueError, match="contains NaN") as info:
        clf.fit(X, Y_part)
    assert name in str(info.value) and "PartialBinaryRelevance" in str(info.value)
    assert not hasattr(clf, "label_counts_")
    # a 1-D y cannot be partial
    with pytest.raises(ValueError, match="NaN"):
        clf.fit(X, np.r_[np.nan, np.zeros(99)])
