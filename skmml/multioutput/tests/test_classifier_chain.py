"""PartialClassifierChain: links fitted on known rows, unknown earlier labels
filled by the chain's own predictions."""

import pickle

import numpy as np
import pandas as pd
import pytest
import scipy.sparse as sp
import sklearn
from sklearn.base import clone
from sklearn.datasets import make_multilabel_classification
from sklearn.dummy import DummyClassifier
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import GridSearchCV, KFold
from sklearn.multioutput import ClassifierChain
from sklearn.naive_bayes import GaussianNB
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler
from sklearn.svm import LinearSVC

from skmml.metrics import get_scorer
from skmml.multioutput import PartialBinaryRelevance, PartialClassifierChain
from skmml.multioutput.tests._recording import RecordingClassifier
from skmml.utils import accepts_unknown_labels

X, Y = make_multilabel_classification(
    n_samples=60, n_features=5, n_classes=4, random_state=0
)
Y_PARTIAL = Y.astype(np.float64)
Y_PARTIAL[np.random.RandomState(0).rand(*Y.shape) < 0.3] = np.nan


# -- tiny cases: what each link is fitted on

X_TINY = np.array([[-2.0], [-1.0], [-0.5], [0.5], [1.0], [2.0], [1.5], [-1.5]])
Y_TINY = np.array(
    [
        [0, 0],
        [0, np.nan],
        [np.nan, 0],
        [1, 1],
        [1, np.nan],
        [np.nan, 1],
        [np.nan, 1],
        [0, 0],
    ]
)


def test_links_see_known_rows_true_values_and_filled_predictions():
    chain = PartialClassifierChain(RecordingClassifier(), order=[0, 1])
    chain.fit(X_TINY, Y_TINY)
    first, second = chain.estimators_
    known0 = ~np.isnan(Y_TINY[:, 0])
    known1 = ~np.isnan(Y_TINY[:, 1])
    # link 0: label 0's known rows, the features only
    np.testing.assert_array_equal(first.X_fit_, X_TINY[known0])
    np.testing.assert_array_equal(first.y_fit_, Y_TINY[known0, 0])
    # link 1: label 1's known rows; label 0 true where known, else the
    # prediction of link 0 (chain_method="predict": a hard 0/1 label)
    z = np.where(known0, Y_TINY[:, 0], first.predict(X_TINY))
    expected = np.column_stack([X_TINY[:, 0], z])[known1]
    np.testing.assert_array_equal(second.X_fit_, expected)
    np.testing.assert_array_equal(second.y_fit_, Y_TINY[known1, 1])
    assert set(np.unique(second.X_fit_[:, 1])) <= {0.0, 1.0}


def test_predict_proba_chain_method_fills_probabilities():
    chain = PartialClassifierChain(
        RecordingClassifier(), order=[0, 1], chain_method="predict_proba"
    ).fit(X_TINY, Y_TINY)
    first, second = chain.estimators_
    known0 = ~np.isnan(Y_TINY[:, 0])
    known1 = ~np.isnan(Y_TINY[:, 1])
    z = np.where(known0, Y_TINY[:, 0], first.predict_proba(X_TINY)[:, 1])
    np.testing.assert_allclose(second.X_fit_[:, 1], z[known1])
    assert chain.chain_method_ == "predict_proba"


def test_reversed_order_and_prediction_path():
    chain = PartialClassifierChain(RecordingClassifier(), order=[1, 0])
    chain.fit(X_TINY, Y_TINY)
    np.testing.assert_array_equal(chain.order_, [1, 0])
    first, second = chain.estimators_  # label 1, then label 0
    np.testing.assert_array_equal(first.y_fit_, Y_TINY[~np.isnan(Y_TINY[:, 1]), 1])
    # prediction: link 0 feeds its predicted label to link 1; columns in y order
    z = first.predict(X_TINY).astype(float)
    expected = np.column_stack(
        [
            second.predict_proba(np.column_stack([X_TINY, z]))[:, 1],
            first.predict_proba(X_TINY)[:, 1],
        ]
    )
    np.testing.assert_allclose(chain.predict_proba(X_TINY), expected)
    assert chain.predict(X_TINY).dtype == np.int64


# -- complete targets: scikit-learn's ClassifierChain


@pytest.mark.parametrize("order", [None, [3, 1, 0, 2], "random"])
@pytest.mark.parametrize(
    "chain_method", ["predict", "predict_proba", "decision_function"]
)
def test_complete_target_equals_sklearn_chain(order, chain_method):
    kwargs = dict(order=order, chain_method=chain_method, random_state=0)
    ours = PartialClassifierChain(LogisticRegression(), **kwargs).fit(X, Y)
    ref = ClassifierChain(LogisticRegression(), **kwargs).fit(X, Y)
    np.testing.assert_array_equal(ours.order_, ref.order_)
    np.testing.assert_array_equal(ours.predict(X), ref.predict(X))
    np.testing.assert_allclose(ours.predict_proba(X), ref.predict_proba(X), rtol=1e-12)
    np.testing.assert_allclose(
        ours.decision_function(X), ref.decision_function(X), rtol=1e-12
    )


def test_complete_target_sparse_X_equals_sklearn_chain():
    Xs = sp.csr_matrix(np.where(np.abs(X) < 2, 0, X))
    ours = PartialClassifierChain(LogisticRegression()).fit(Xs, sp.csr_matrix(Y))
    ref = ClassifierChain(LogisticRegression()).fit(Xs, Y)
    np.testing.assert_array_equal(ours.predict(Xs), ref.predict(Xs))
    np.testing.assert_allclose(ours.predict_proba(Xs), ref.predict_proba(Xs))


def test_sparse_and_dense_X_agree_on_partial_Y():
    dense = PartialClassifierChain(LogisticRegression()).fit(X, Y_PARTIAL)
    sparse = PartialClassifierChain(LogisticRegression()).fit(
        sp.csr_matrix(X), Y_PARTIAL
    )
    np.testing.assert_allclose(
        dense.predict_proba(X), sparse.predict_proba(sp.csr_matrix(X)), rtol=1e-6
    )


def test_first_link_is_binary_relevance():
    chain = PartialClassifierChain(LogisticRegression(), order=[2, 0, 1, 3])
    chain.fit(X, Y_PARTIAL)
    br = PartialBinaryRelevance(LogisticRegression()).fit(X, Y_PARTIAL)
    np.testing.assert_allclose(chain.predict_proba(X)[:, 2], br.predict_proba(X)[:, 2])


# -- parameters


def test_random_order_is_reproducible_and_spares_the_global_rng():
    state = np.random.get_state()
    a = PartialClassifierChain(LogisticRegression(), order="random").fit(X, Y_PARTIAL)
    assert np.random.get_state()[1].tolist() == state[1].tolist()
    assert sorted(a.order_) == [0, 1, 2, 3]
    b = PartialClassifierChain(
        LogisticRegression(), order="random", random_state=3
    ).fit(X, Y_PARTIAL)
    c = clone(b).fit(X, Y_PARTIAL)
    np.testing.assert_array_equal(b.order_, c.order_)


@pytest.mark.parametrize("order", [[0, 1, 2], [0, 1, 2, 2], [0.0, 1.0, 2.0, 3.0]])
def test_bad_order(order):
    with pytest.raises(ValueError, match=r"order must be a permutation of range\(4\)"):
        PartialClassifierChain(LogisticRegression(), order=order).fit(X, Y_PARTIAL)


def test_chain_method_preference_and_missing_method():
    chain = PartialClassifierChain(
        LinearSVC(), chain_method=["predict_proba", "decision_function"]
    ).fit(X, Y_PARTIAL)
    assert chain.chain_method_ == "decision_function"
    assert not hasattr(chain, "predict_proba")
    with pytest.raises(ValueError, match="none of the methods"):
        PartialClassifierChain(LinearSVC(), chain_method="predict_proba").fit(
            X, Y_PARTIAL
        )
    with pytest.raises(ValueError, match="chain_method must name"):
        PartialClassifierChain(LinearSVC(), chain_method=["predict_log_proba"]).fit(
            X, Y_PARTIAL
        )
    nb = PartialClassifierChain(GaussianNB()).fit(X, Y_PARTIAL)
    assert not hasattr(nb, "decision_function")


def test_verbose_prints_one_line_per_link(capsys):
    PartialClassifierChain(LogisticRegression(), verbose=True).fit(X, Y_PARTIAL)
    lines = capsys.readouterr().out.strip().splitlines()
    assert len(lines) == 4
    assert lines[0].startswith("[PartialClassifierChain] (1 of 4) label 0")


# -- targets


def _reference_proba():
    chain = PartialClassifierChain(LogisticRegression()).fit(X, Y_PARTIAL)
    return chain.predict_proba(X)


def test_pandas_na_and_sparse_nan_targets():
    frame = pd.DataFrame(Y_PARTIAL, columns=list("abcd")).astype("Int64")
    chain = PartialClassifierChain(LogisticRegression()).fit(X, frame)
    np.testing.assert_allclose(chain.predict_proba(X), _reference_proba())
    Y_sparse = sp.csr_matrix(np.where(Y_PARTIAL == 0, 0, Y_PARTIAL))
    chain.fit(X, Y_sparse)
    np.testing.assert_allclose(chain.predict_proba(X), _reference_proba())


def test_dataframe_X_keeps_feature_names():
    frame = pd.DataFrame(X, columns=[f"f{i}" for i in range(X.shape[1])])
    chain = PartialClassifierChain(LogisticRegression()).fit(frame, Y_PARTIAL)
    np.testing.assert_array_equal(chain.feature_names_in_, frame.columns)
    np.testing.assert_allclose(chain.predict_proba(frame), _reference_proba())
    with pytest.raises(ValueError, match="missing:\n- f4"):
        chain.predict(frame.iloc[:, :4])


def test_one_d_target_is_a_chain_of_one_link():
    chain = PartialClassifierChain(LogisticRegression()).fit(X, Y[:, 1])
    ref = LogisticRegression().fit(X, Y[:, 1])
    np.testing.assert_array_equal(chain.predict_proba(X), ref.predict_proba(X))
    np.testing.assert_array_equal(chain.order_, [0])
    with pytest.raises(ValueError, match="y is a 1-D target with NaN"):
        chain.fit(X, Y_PARTIAL[:, 1])


def test_degenerate_labels():
    Y_ = Y_PARTIAL.copy()
    Y_[:, 0] = np.where(np.isnan(Y_[:, 0]), np.nan, 1.0)
    with pytest.warns(UserWarning, match="Label 0 is present in all training"):
        chain = PartialClassifierChain(
            LogisticRegression(), chain_method="decision_function"
        ).fit(X, Y_)
    assert isinstance(chain.estimators_[0], DummyClassifier)
    np.testing.assert_array_equal(chain.predict(X)[:, 0], 1)
    # the constant link feeds a finite +1 forward
    np.testing.assert_array_equal(chain.decision_function(X)[:, 0], 1.0)
    assert np.isfinite(chain.predict_proba(X)).all()
    Y_[:, 2] = np.nan
    with pytest.raises(ValueError, match=r"Label\(s\) \[2\] of y have no known"):
        PartialClassifierChain(LogisticRegression()).fit(X, Y_)


def test_inputs_are_not_modified():
    X_in, Y_in = X.copy(), Y_PARTIAL.copy()
    PartialClassifierChain(LogisticRegression()).fit(X_in, Y_in).predict(X_in)
    np.testing.assert_array_equal(X_in, X)
    np.testing.assert_array_equal(Y_in, Y_PARTIAL)


# -- metadata and ecosystem


def test_sample_weight_and_routing():
    weights = np.arange(1, X.shape[0] + 1, dtype=float)
    chain = PartialClassifierChain(RecordingClassifier(), order=[3, 2, 1, 0])
    chain.fit(X, Y_PARTIAL, sample_weight=weights)
    for link, label in zip(chain.estimators_, chain.order_, strict=True):
        rows = ~np.isnan(Y_PARTIAL[:, label])
        np.testing.assert_array_equal(link.sample_weight_, weights[rows])
    with sklearn.config_context(enable_metadata_routing=True):
        base = RecordingClassifier().set_fit_request(sample_weight=True)
        chain = PartialClassifierChain(base).fit(X, Y_PARTIAL, sample_weight=weights)
        rows = ~np.isnan(Y_PARTIAL[:, 1])
        np.testing.assert_array_equal(
            chain.estimators_[1].sample_weight_, weights[rows]
        )


def test_grid_search_pipeline_clone_pickle():
    assert accepts_unknown_labels(PartialClassifierChain(LogisticRegression()))
    search = GridSearchCV(
        make_pipeline(StandardScaler(), PartialClassifierChain(LogisticRegression())),
        {"partialclassifierchain__estimator__C": [0.1, 1.0]},
        scoring=get_scorer("macro_f1"),
        cv=KFold(3),
        error_score="raise",
    ).fit(X, Y_PARTIAL)
    assert np.isfinite(search.cv_results_["mean_test_score"]).all()
    fitted = search.best_estimator_
    loaded = pickle.loads(pickle.dumps(fitted))
    np.testing.assert_array_equal(loaded.predict_proba(X), fitted.predict_proba(X))
    assert np.isfinite(fitted.score(X, Y_PARTIAL))
