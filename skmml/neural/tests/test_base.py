"""Tests of the shared base of the skorch estimators (skmml/neural/_base.py)."""

import numpy as np
import pytest

torch = pytest.importorskip("torch")
pytest.importorskip("skorch")

from sklearn import config_context  # noqa: E402
from sklearn.base import clone  # noqa: E402
from sklearn.model_selection import KFold, cross_val_predict  # noqa: E402
from sklearn.pipeline import Pipeline  # noqa: E402
from sklearn.preprocessing import StandardScaler  # noqa: E402

from skmml.neural import (  # noqa: E402
    ResBiLSTMClassifier,
    ResBiLSTMEncoder,
    RMLCClassifier,
)

TINY = dict(hidden_size=3, max_epochs=2, random_state=0)


@pytest.fixture(autouse=True)
def _one_torch_thread():
    n_threads = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(n_threads)


@pytest.fixture
def data():
    rng = np.random.RandomState(0)
    X = rng.normal(size=(40, 6))
    Y = np.column_stack([X[:, 0] > 0, X[:, 3] > 0]).astype(np.int64)
    return X, Y


def _estimators():
    return [
        RMLCClassifier([3, 3], **TINY),
        ResBiLSTMClassifier(2, dense_size=4, **TINY),
        ResBiLSTMEncoder(2, dense_size=4, **TINY),
    ]


def _id(est):
    return type(est).__name__


BAD_PARAMS = [
    ("verbose", "loud"),
    ("optimizer", "adam"),
    ("optimizer", torch.nn.Linear),
    ("callbacks", "x"),
    ("callbacks", ["x"]),
    ("device", "cuda:4"),
    ("device", "gpu:x"),
    ("criterion", "bce"),
    ("lr", 0.0),
    ("lr", -1.0),
    ("lr", float("inf")),
    ("max_epochs", 0),
    ("max_epochs", 1.5),
    ("batch_size", 0),
    ("hidden_size", 0),
    ("train_split", "x"),
    ("train_split", 1),
    ("train_split", 1.5),
    ("random_state", "abc"),
]


@pytest.mark.parametrize("est", _estimators(), ids=_id)
@pytest.mark.parametrize("param, value", BAD_PARAMS)
def test_bad_hyperparameter_names_itself(est, param, value, data, monkeypatch):
    if param == "device" and value == "cuda:4" and torch.cuda.device_count() > 4:
        pytest.skip("this machine has a fifth GPU")
    X, Y = data

    def no_fork(*args, **kwargs):  # the error must come before torch's RNG
        raise AssertionError("torch.random.fork_rng was reached")

    monkeypatch.setattr(torch.random, "fork_rng", no_fork)
    with pytest.raises(ValueError, match=param):
        clone(est).set_params(**{param: value}).fit(X, Y)


@pytest.mark.parametrize(
    "est, param, value",
    [
        (RMLCClassifier([3, 3]), "reg_lambda", -1.0),
        (RMLCClassifier([3, 3]), "use_label_correlation", "yes"),
        (RMLCClassifier([3, 3]), "threshold", 2.0),
        (RMLCClassifier([3, 3]), "modalities", 3),
        (RMLCClassifier([3, 3]), "modality_order", "ab"),
        (ResBiLSTMClassifier(2), "threshold", -0.1),
        (ResBiLSTMClassifier(2), "dense_dropout", 1.0),
        (ResBiLSTMEncoder(2), "n_layers", 0),
        (ResBiLSTMEncoder(2), "dense_size", 0),
        (ResBiLSTMEncoder(2), "pooling", "first"),
        (ResBiLSTMEncoder(2), "n_timesteps", 0),
    ],
    ids=lambda v: v if isinstance(v, str) else None,
)
def test_bad_specific_hyperparameter(est, param, value, data):
    X, Y = data
    with pytest.raises(ValueError, match=param):
        clone(est).set_params(**{param: value}).fit(X, Y)


@pytest.mark.parametrize("est", _estimators(), ids=_id)
def test_routed_parameters(est, data):
    X, Y = data
    est = clone(est).set_params(optimizer__weight_decay=0.5)
    assert clone(est).get_params()["optimizer__weight_decay"] == 0.5
    est.fit(X, Y)
    assert est.net_.optimizer_.param_groups[0]["weight_decay"] == 0.5
    # a name without a routing prefix is refused by fit
    est.set_params(optimizer_weight_decay=0.1)
    with pytest.raises(ValueError, match="optimizer_weight_decay"):
        est.fit(X, Y)


def test_auto_modalities_on_an_array_is_an_error(data):
    X, Y = data
    with pytest.raises(ValueError, match='modalities="auto".*no column names'):
        RMLCClassifier(**TINY).fit(X, Y)
    # inside a Pipeline whose scaler drops the names
    pipe = Pipeline([("scale", StandardScaler()), ("rmlc", RMLCClassifier(**TINY))])
    with pytest.raises(ValueError, match="set_output"):
        pipe.fit(X, Y)
    # asked for: one modality, or the names kept
    assert RMLCClassifier([6], **TINY).fit(X, Y).modality_names_ == ["0"]
    pipe.set_output(transform="pandas")
    with pytest.raises(ValueError, match="no prefix"):
        pipe.fit(X, Y)


class _RecordingBCE(torch.nn.Module):
    """BCE recording the weights it is given."""

    def __init__(self):
        super().__init__()
        self.weights = []

    def forward(self, logits, target, weight=None, neg_weight=None):
        self.weights.append(None if weight is None else weight.detach().clone())
        return torch.nn.functional.binary_cross_entropy_with_logits(
            logits, target.to(logits.dtype)
        )


@pytest.mark.parametrize("est", _estimators(), ids=_id)
def test_same_per_sample_weights_for_every_net(est, data):
    X, Y = data
    est = clone(est).set_params(criterion=_RecordingBCE, batch_size=8)
    est.fit(X, Y, sample_weight=np.arange(40.0), neg_weight=np.ones_like(Y))
    weights = est.net_.criterion_.weights
    assert all(w.shape[1] == 2 for w in weights)  # (batch, n_labels)
    # every row's weight reached the loss, with its row
    seen = torch.cat(weights)[:, 0].numpy()
    np.testing.assert_array_equal(np.unique(seen), np.arange(40.0))
    with pytest.raises(ValueError, match="shape"):
        est.fit(X, Y, sample_weight=np.ones((40, 3)))


@pytest.mark.parametrize("est", _estimators(), ids=_id)
def test_sample_weight_metadata_routing_in_pipeline(est, data):
    X, Y = data
    w = np.arange(1.0, 41.0)
    with config_context(enable_metadata_routing=True):
        for request in (True, False):
            step = clone(est).set_params(criterion=_RecordingBCE)
            step.set_fit_request(sample_weight=request, neg_weight=False)
            # the weights go to the scaler or to the net, as requested
            scaler = StandardScaler().set_fit_request(sample_weight=not request)
            pipe = Pipeline([("scale", scaler), ("net", step)])
            if hasattr(step, "transform"):
                pipe.fit_transform(X, Y, sample_weight=w)
            else:
                pipe.fit(X, Y, sample_weight=w)
            weights = pipe[-1].net_.criterion_.weights
            if request:
                assert all(v is not None for v in weights)
                got = torch.cat(weights)[:, 0].numpy()
                np.testing.assert_array_equal(np.unique(got), w)
            else:
                assert all(v is None for v in weights)


@pytest.mark.parametrize(
    "est",
    [
        RMLCClassifier({"all": slice(None)}, hidden_size=4, max_epochs=3),
        ResBiLSTMClassifier(2, hidden_size=2, dense_size=4, max_epochs=3),
    ],
    ids=_id,
)
def test_label_absent_from_training_rows_is_predicted_absent(est, data):
    X, _ = data
    rng = np.random.RandomState(1)
    Y = np.column_stack([X[:, 0] > 0, rng.rand(40) < 0.5, np.zeros(40)]).astype(int)
    Y[:3, 2] = 1  # a rare label: only in the first fold's test rows
    est = clone(est).set_params(random_state=0)
    proba = cross_val_predict(est, X, Y, cv=KFold(4), method="predict_proba")
    # first fold: 30 training rows, none positive for label 2
    np.testing.assert_allclose(proba[:10, 2], 1 / 60)
    assert not cross_val_predict(est, X, Y, cv=KFold(4))[:10, 2].any()
    # the learned labels keep the network's outputs
    assert np.unique(proba[:10, 0]).size > 1
    fitted = clone(est).fit(X[10:], Y[10:])
    np.testing.assert_array_equal(fitted.label_counts_, Y[10:].sum(axis=0))
    assert np.isfinite(fitted.decision_function(X)).all()
