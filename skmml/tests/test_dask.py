"""Scale-out: the joblib-parallel parts of skmml run on a dask cluster.

Every ``n_jobs`` of skmml goes through joblib, so inside
``joblib.parallel_config(backend="dask")`` the work is sent to the
dask.distributed client. A small in-process cluster (no network) runs a
grid search, the RFRecursiveSelector path and the threshold tuner; the
results must equal the local ones, and the tasks must really have run on the
cluster.
"""

import joblib
import numpy as np
import pytest
from sklearn.ensemble import RandomForestClassifier
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import GridSearchCV
from sklearn.multiclass import OneVsRestClassifier
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from skmml.feature_selection import RFRecursiveSelector
from skmml.metrics import get_scorer
from skmml.model_selection import (
    IterativeStratifiedKFold,
    MultiLabelThresholdTuner,
)
from skmml.svm import LabelPowersetWeightedSVC

distributed = pytest.importorskip("distributed")


@pytest.fixture(scope="module")
def client():
    # in-process workers: no subprocesses, no sockets, starts in well under 1 s
    with (
        distributed.LocalCluster(
            n_workers=2,
            threads_per_worker=1,
            processes=False,
            dashboard_address=None,
        ) as cluster,
        distributed.Client(cluster) as client,
    ):
        yield client


def _data():
    rng = np.random.RandomState(0)
    X = rng.normal(size=(90, 6))
    Y = np.column_stack([X[:, 0] > 0, X[:, 1] + X[:, 2] > 0, X[:, 3] > 0.5]).astype(
        np.int64
    )
    return X, Y


def _on_cluster(client, fit):
    """Run ``fit()`` with the dask joblib backend; return (result, n_tasks)."""
    with (
        distributed.get_task_stream(client) as stream,
        joblib.parallel_config(backend="dask"),
    ):
        result = fit()
    return result, len(stream.data)


def _grid_search(n_jobs):
    X, Y = _data()
    pipe = make_pipeline(StandardScaler(), LabelPowersetWeightedSVC(random_state=0))
    search = GridSearchCV(
        pipe,
        {
            "labelpowersetweightedsvc__C": [0.1, 1.0, 10.0],
            "labelpowersetweightedsvc__class_weight": [None, "balanced"],
        },
        scoring=get_scorer("macro_f1"),
        cv=IterativeStratifiedKFold(n_splits=3, shuffle=True, random_state=0),
        n_jobs=n_jobs,
    )
    return search.fit(X, Y)


def test_grid_search_on_dask_equals_local_run(client):
    X, _ = _data()
    local = _grid_search(n_jobs=None)
    remote, n_tasks = _on_cluster(client, lambda: _grid_search(n_jobs=2))

    assert n_tasks > 0
    np.testing.assert_array_equal(
        remote.cv_results_["mean_test_score"], local.cv_results_["mean_test_score"]
    )
    for split in range(3):
        key = f"split{split}_test_score"
        np.testing.assert_array_equal(remote.cv_results_[key], local.cv_results_[key])
    assert remote.best_params_ == local.best_params_
    np.testing.assert_array_equal(remote.predict(X), local.predict(X))
    np.testing.assert_array_equal(
        remote.decision_function(X), local.decision_function(X)
    )


def _selector(n_jobs):
    X, Y = _data()
    # the ranking forest (default, n_jobs=n_jobs) also runs through joblib
    estimator = RandomForestClassifier(n_estimators=10, random_state=0)
    selector = RFRecursiveSelector(estimator, cv=3, n_jobs=n_jobs, random_state=0)
    return selector.fit(X, Y)


def test_rf_recursive_selector_on_dask_equals_local_run(client):
    local = _selector(n_jobs=None)
    remote, n_tasks = _on_cluster(client, lambda: _selector(n_jobs=2))

    assert n_tasks > 0
    assert remote.cv_results_.keys() == local.cv_results_.keys()
    for key, value in local.cv_results_.items():
        np.testing.assert_array_equal(remote.cv_results_[key], value, err_msg=key)
    np.testing.assert_array_equal(remote.support_, local.support_)
    np.testing.assert_array_equal(remote.ranking_, local.ranking_)


def _tuner(n_jobs):
    X, Y = _data()
    base = OneVsRestClassifier(LogisticRegression(solver="liblinear"))
    return MultiLabelThresholdTuner(base, cv=3, n_jobs=n_jobs).fit(X, Y)


def test_threshold_tuner_on_dask_equals_local_run(client):
    X, _ = _data()
    local = _tuner(n_jobs=None)
    remote, n_tasks = _on_cluster(client, lambda: _tuner(n_jobs=2))

    assert n_tasks > 0
    np.testing.assert_array_equal(remote.thresholds_, local.thresholds_)
    np.testing.assert_array_equal(remote.predict(X), local.predict(X))
