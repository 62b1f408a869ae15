"""Persistence: pickle / joblib round trips and skorch parameter files.

Every public estimator (the instances of ``_estimators.estimator_instances``)
is fitted on a small multi-label problem, saved and loaded with
:mod:`pickle` and :mod:`joblib`, and must give the same outputs afterwards.
The torch estimators also save and load their weights through skorch's
``save_params`` / ``load_params``, which must refuse anything but weights.
"""

import io
import pickle

import joblib
import numpy as np
import pytest
from sklearn.base import clone
from sklearn.exceptions import NotFittedError
from sklearn.utils import get_tags

from skmml.tests._estimators import estimator_instances

_OUTPUT_METHODS = ("predict", "predict_proba", "decision_function", "transform")


def _data():
    rng = np.random.RandomState(0)
    X = rng.normal(size=(40, 6))
    Y = np.column_stack(
        [X[:, 0] > 0, X[:, 1] + X[:, 2] > 0, X[:, 3] > 0.5, X[:, 4] < -0.3]
    ).astype(np.int64)
    return X, Y


def _target(estimator, Y):
    target_tags = get_tags(estimator).target_tags
    if target_tags.multi_output:
        return Y
    return Y[:, 0] if target_tags.required else None


def _cheap(estimator):
    """Same estimator, seeded, with few epochs for the neural nets."""
    estimator = clone(estimator)
    params = estimator.get_params(deep=False)
    if "random_state" in params:
        estimator.set_params(random_state=0)
    if "max_epochs" in params:
        estimator.set_params(max_epochs=2)
    return estimator


def _outputs(estimator, X, Y):
    """Every output of a fitted estimator, by method name."""
    if hasattr(estimator, "fit_resample"):
        # a sampler's output is its (seeded) resampling, redone after loading
        X_res, Y_res = estimator.fit_resample(X, _target(estimator, Y))
        return {"fit_resample_X": X_res, "fit_resample_y": Y_res}
    out = {}
    for method in _OUTPUT_METHODS:
        if hasattr(estimator, method):
            out[method] = getattr(estimator, method)(X)
    return out


def _pickle_round_trip(estimator, tmp_path):
    return pickle.loads(pickle.dumps(estimator, protocol=pickle.HIGHEST_PROTOCOL))


def _joblib_round_trip(estimator, tmp_path):
    path = tmp_path / "estimator.joblib"
    joblib.dump(estimator, path, compress=3)
    return joblib.load(path)


def _id(estimator):
    return type(estimator).__name__


@pytest.mark.parametrize(
    "round_trip", [_pickle_round_trip, _joblib_round_trip], ids=["pickle", "joblib"]
)
@pytest.mark.parametrize("estimator", estimator_instances(), ids=_id)
def test_round_trip_gives_identical_outputs(estimator, round_trip, tmp_path):
    X, Y = _data()
    estimator = _cheap(estimator)
    if hasattr(estimator, "fit_resample"):
        estimator.fit_resample(X, _target(estimator, Y))
    else:
        estimator.fit(X, _target(estimator, Y))
    before = _outputs(estimator, X, Y)
    assert before, f"{_id(estimator)} has no output method to compare"

    loaded = round_trip(estimator, tmp_path)

    assert type(loaded) is type(estimator)
    assert repr(loaded.get_params(deep=False)) == repr(estimator.get_params(deep=False))
    after = _outputs(loaded, X, Y)
    assert after.keys() == before.keys()
    for name, value in before.items():
        # exact equality: the loaded estimator must be the same model
        np.testing.assert_array_equal(after[name], value, err_msg=name)


def test_round_trip_keeps_feature_names():
    pd = pytest.importorskip("pandas")
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    from skmml.svm import LabelPowersetWeightedSVC

    X, Y = _data()
    frame = pd.DataFrame(X, columns=[f"f{j}" for j in range(X.shape[1])])
    model = make_pipeline(StandardScaler(), LabelPowersetWeightedSVC()).fit(frame, Y)
    loaded = pickle.loads(pickle.dumps(model))
    np.testing.assert_array_equal(loaded.feature_names_in_, frame.columns)
    np.testing.assert_array_equal(loaded.predict(frame), model.predict(frame))
    with pytest.raises(ValueError, match="feature names"):
        loaded.predict(frame.rename(columns={"f0": "g0"}))


# -- skorch parameter files of the torch estimators --------------------------


def _neural_estimators():
    pytest.importorskip("torch")
    pytest.importorskip("skorch")
    from skmml.neural import ResBiLSTMClassifier, ResBiLSTMEncoder, RMLCClassifier

    return [
        RMLCClassifier([2, 4], hidden_size=4, max_epochs=3, random_state=0),
        ResBiLSTMClassifier(
            2, hidden_size=4, dense_size=4, max_epochs=2, random_state=0
        ),
        ResBiLSTMEncoder(3, hidden_size=3, dense_size=4, max_epochs=2, random_state=0),
    ]


_NEURAL = ["RMLCClassifier", "ResBiLSTMClassifier", "ResBiLSTMEncoder"]


def _neural(name):
    (estimator,) = [e for e in _neural_estimators() if _id(e) == name]
    return estimator


def _scores(estimator, X):
    if hasattr(estimator, "predict_proba"):
        return estimator.predict_proba(X)
    return estimator.transform(X)


@pytest.mark.parametrize("name", _NEURAL)
def test_save_params_load_params_round_trip(name, tmp_path):
    X, Y = _data()
    trained = _neural(name).fit(X, Y)
    files = {
        "f_params": tmp_path / "params.pt",
        "f_optimizer": tmp_path / "optimizer.pt",
        "f_history": tmp_path / "history.json",
    }
    assert trained.save_params(**files) is trained
    assert all(path.stat().st_size > 0 for path in files.values())

    # a differently initialised net of the same architecture
    other = clone(trained).set_params(max_epochs=1, random_state=1).fit(X, Y)
    assert not np.allclose(_scores(other, X), _scores(trained, X))

    assert other.load_params(**files) is other
    np.testing.assert_array_equal(_scores(other, X), _scores(trained, X))
    assert len(other.net_.history) == len(trained.net_.history)
    # the optimizer state came along: training resumes from the same point
    assert (
        other.net_.optimizer_.state_dict()["state"].keys()
        == trained.net_.optimizer_.state_dict()["state"].keys()
    )


def test_skorch_net_params_round_trip_through_file_objects():
    # the skorch API of ``net_`` itself, with in-memory files
    X, Y = _data()
    trained = _neural("RMLCClassifier").fit(X, Y)
    buffer = io.BytesIO()
    trained.net_.save_params(f_params=buffer)
    other = clone(trained).set_params(random_state=2).fit(X, Y)
    assert other.net_.torch_load_kwargs is None  # skorch's default: weights only
    buffer.seek(0)
    other.net_.load_params(f_params=buffer)
    np.testing.assert_array_equal(other.predict_proba(X), trained.predict_proba(X))


_UNPICKLED = []


def _record_unpickling():
    _UNPICKLED.append(True)
    return {}


class _CodeOnLoad:
    """Runs ``_record_unpickling`` when unpickled, as a malicious file would."""

    def __reduce__(self):
        return (_record_unpickling, ())


@pytest.mark.parametrize("name", _NEURAL)
@pytest.mark.parametrize("torch_load_kwargs", [None, {"weights_only": False}])
def test_load_params_refuses_code_in_the_file(name, torch_load_kwargs, tmp_path):
    import torch

    X, Y = _data()
    estimator = _neural(name).fit(X, Y)
    path = tmp_path / "params.pt"
    state = dict(estimator.net_.module_.state_dict())
    state["payload"] = _CodeOnLoad()
    torch.save(state, path)
    expected = _scores(estimator, X)
    # even a net told to load pickles is loaded with weights_only=True
    estimator.net_.torch_load_kwargs = torch_load_kwargs

    _UNPICKLED.clear()
    with pytest.raises(pickle.UnpicklingError, match="[Ww]eights only"):
        estimator.load_params(f_params=path)
    assert not _UNPICKLED
    assert estimator.net_.torch_load_kwargs == torch_load_kwargs
    np.testing.assert_array_equal(_scores(estimator, X), expected)


@pytest.mark.parametrize("name", _NEURAL)
def test_load_params_into_another_architecture_is_a_clear_error(name, tmp_path):
    X, Y = _data()
    trained = _neural(name).fit(X, Y)
    path = tmp_path / "params.pt"
    trained.save_params(f_params=path)
    wider = clone(trained).set_params(hidden_size=5, max_epochs=1).fit(X, Y)
    with pytest.raises(ValueError, match="same parameters on data of the same shape"):
        wider.load_params(f_params=path)


@pytest.mark.parametrize("name", _NEURAL)
@pytest.mark.parametrize("method", ["save_params", "load_params"])
def test_params_methods_need_a_fitted_estimator(name, method, tmp_path):
    with pytest.raises(NotFittedError):
        getattr(_neural(name), method)(f_params=tmp_path / "params.pt")
