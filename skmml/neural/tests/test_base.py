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


# -- partially labelled targets (NaN = unknown) ---------------------------
def _partial(Y, ratio=0.3, seed=0):
    from skmml.losses import simulate_missing_labels

    return simulate_missing_labels(
        Y, ratio, random_state=seed, as_nan=True, mode="entries"
    )


def _outputs(est, X):
    return est.transform(X) if hasattr(est, "transform") else est.predict_proba(X)


@pytest.fixture
def data3():
    rng = np.random.RandomState(0)
    X = rng.normal(size=(40, 6))
    Y = np.column_stack([X[:, 0] > 0, X[:, 3] > 0, X[:, 1] + X[:, 5] > 0])
    return X, Y.astype(np.int64)


@pytest.mark.parametrize("est", _estimators(), ids=_id)
@pytest.mark.parametrize("criterion", ["WeightedBCELoss", "SigmoidF1Loss", "FocalLoss"])
def test_unknown_entries_have_no_influence(est, criterion, data3):
    losses = pytest.importorskip("skmml.losses")
    X, Y = data3
    Y_nan, hidden = _partial(Y)
    est = clone(est).set_params(
        criterion=getattr(losses, criterion), train_split=0.25, batch_size=16
    )
    sw = np.linspace(0.5, 2.0, 40)
    reference = clone(est).fit(X, Y_nan, sample_weight=sw)
    for seed in (0, 1):
        # any 0/1 values at the unknown entries, with zero weight there
        fill = np.random.RandomState(seed).randint(0, 2, Y.shape)
        other = clone(est).fit(
            X,
            np.where(hidden, fill, Y),
            sample_weight=sw[:, None] * ~hidden,
        )
        np.testing.assert_array_equal(_outputs(other, X), _outputs(reference, X))
        valid_loss = other.net_.history[:, "valid_loss"]
        assert valid_loss == reference.net_.history[:, "valid_loss"]
    assert np.all(np.isfinite(reference.net_.history[:, "valid_loss"]))
    np.testing.assert_array_equal(reference.label_counts_, (Y * ~hidden).sum(axis=0))
    np.testing.assert_array_equal(reference.observed_counts_, (~hidden).sum(axis=0))


def test_unknown_labels_tag():
    from skmml.utils import accepts_unknown_labels

    assert all(accepts_unknown_labels(est) for est in _estimators())


def test_pandas_na_target_is_read_as_unknown(data3):
    pd = pytest.importorskip("pandas")
    X, Y = data3
    Y_nan, hidden = _partial(Y)
    frame = pd.DataFrame(Y_nan, columns=list("abc")).astype("Int64")
    assert frame.isna().to_numpy().sum() == hidden.sum()
    est = RMLCClassifier([3, 3], **TINY)
    np.testing.assert_array_equal(
        clone(est).fit(X, frame).predict_proba(X),
        clone(est).fit(X, Y_nan).predict_proba(X),
    )


def test_early_stopping_on_a_masked_valid_loss(data3):
    from skorch.callbacks import EarlyStopping

    X, Y = data3
    Y_nan, _ = _partial(Y, ratio=0.5)
    est = RMLCClassifier(
        [3, 3],
        hidden_size=3,
        max_epochs=30,
        lr=0.05,
        train_split=0.25,
        callbacks=[EarlyStopping(patience=2)],
        random_state=0,
    ).fit(X, Y_nan)
    valid_loss = est.net_.history[:, "valid_loss"]
    assert np.all(np.isfinite(valid_loss))
    assert len(valid_loss) < 30  # stopped early


def test_priors_come_from_the_known_training_entries():
    losses = pytest.importorskip("skmml.losses")
    from torch.utils.data import Subset

    rng = np.random.RandomState(0)
    X = rng.normal(size=(40, 4))
    Y = np.zeros((40, 2))
    Y[:4, 0] = 1  # 4 positives among the training rows
    Y[4:10, 0] = np.nan  # 6 unknown: 4 of the 14 known entries are positive
    Y[20:, 0] = 1  # validation rows, left out
    Y[::2, 1] = 1
    Y[1:20:4, 1] = np.nan

    def first_half_trains(dataset, y=None):
        return Subset(dataset, range(20)), Subset(dataset, range(20, 40))

    for criterion in (losses.LogitAdjustedBCELoss, losses.ClassBalancedLoss):
        est = RMLCClassifier(
            {"all": slice(None)},
            criterion=criterion,
            criterion__reduction="sum",
            train_split=first_half_trains,
            **TINY,
        ).fit(X, Y)
        fitted = est.net_.criterion_
        if criterion is losses.LogitAdjustedBCELoss:
            # label 1: 10 known positives among 15 known training entries
            expected = [np.log(4 / 10), np.log(10 / 5)]
            np.testing.assert_allclose(fitted.prior_log_odds_, expected, rtol=1e-6)
        else:
            pos, neg = losses.effective_number_weights(Y[:20], fitted.beta)
            np.testing.assert_allclose(fitted.pos_weight_, pos, rtol=1e-6)
            np.testing.assert_allclose(fitted.neg_weight_, neg, rtol=1e-6)
        assert np.isfinite(est.net_.history[-1, "valid_loss"])


def test_label_without_known_positive_is_predicted_absent(data3):
    X, Y = data3
    Y = Y.astype(float)
    Y[:, 1] = np.where(Y[:, 1] == 1, 1.0, np.nan)  # known entries all positive
    Y[:, 2] = np.nan  # never known
    Y[:5, 0] = np.nan
    est = RMLCClassifier({"all": slice(None)}, **TINY).fit(X, Y)
    proba = est.predict_proba(X)
    np.testing.assert_allclose(proba[:, 1], 1 - 1 / 80)
    np.testing.assert_allclose(proba[:, 2], 1 / 80)
    assert np.unique(proba[:, 0]).size > 1
    np.testing.assert_array_equal(est.observed_counts_, [35, np.nansum(Y[:, 1]), 0])
    # as negatives (CB-WCE), label 1 has negative terms: it is learned
    est.set_params(missing_labels="cooccurrence").fit(X, Y)
    assert np.unique(est.predict_proba(X)[:, 1]).size > 1


@pytest.mark.parametrize("est", _estimators()[:2], ids=_id)
def test_cooccurrence_from_fit_equals_the_weights_by_hand(est, data3):
    from skmml.losses import WeightedBCELoss, cooccurrence_negative_weights

    # the weights are checked, not the label priors of the default loss
    est = clone(est).set_params(criterion=WeightedBCELoss)

    X, Y = data3
    Y_nan, hidden = _partial(Y)
    # float32 (the dtype of the net's weights): the products round alike
    sw = np.linspace(0.5, 2.0, 40, dtype=np.float32)
    for target, sample_weight in ((Y, None), (Y_nan, None), (Y_nan, sw)):
        w_bar = cooccurrence_negative_weights(target)
        if sample_weight is not None:
            w_bar = sample_weight[:, None] * w_bar
        by_hand = clone(est).fit(
            X,
            np.nan_to_num(target),
            sample_weight=sample_weight,
            neg_weight=w_bar,
        )
        from_fit = (
            clone(est)
            .set_params(missing_labels="cooccurrence")
            .fit(X, target, sample_weight=sample_weight)
        )
        np.testing.assert_array_equal(
            from_fit.predict_proba(X), by_hand.predict_proba(X)
        )


class _RecordingNegWeights(torch.nn.Module):
    """BCE recording the target and the neg_weight of every call."""

    def __init__(self):
        super().__init__()
        self.calls = []

    def forward(self, logits, target, weight=None, neg_weight=None):
        self.calls.append((target.clone(), neg_weight.clone()))
        return torch.nn.functional.binary_cross_entropy_with_logits(logits, target)


def test_cooccurrence_statistics_from_the_training_rows_only(data3):
    from torch.utils.data import Subset

    from skmml.losses import cooccurrence_negative_weights
    from skmml.losses._missing_labels import (
        _cooccurrence_statistics,
        _cooccurrence_weights,
    )

    X, Y = data3
    Y_nan, hidden = _partial(Y)

    def first_half_trains(dataset, y=None):
        return Subset(dataset, range(20)), Subset(dataset, range(20, 40))

    est = RMLCClassifier(
        {"all": slice(None)},
        criterion=_RecordingNegWeights,
        missing_labels="cooccurrence",
        train_split=first_half_trains,
        batch_size=40,
        iterator_train__shuffle=False,
        **TINY,
    ).fit(X, Y_nan)
    (train_y, train_w), (valid_y, valid_w) = est.net_.criterion_.calls[:2]
    # unknown entries reach the loss as negatives, with the CB-WCE weight
    np.testing.assert_array_equal(train_y.numpy(), np.nan_to_num(Y_nan[:20]))
    np.testing.assert_array_equal(
        train_w.numpy(), cooccurrence_negative_weights(Y_nan[:20])
    )
    statistics = _cooccurrence_statistics(Y_nan[:20])
    expected = _cooccurrence_weights(Y_nan[20:], statistics)
    np.testing.assert_array_equal(valid_w.numpy(), expected)
    assert not np.array_equal(
        expected, cooccurrence_negative_weights(Y_nan)[20:]
    )  # the validation rows did not enter the statistics


def test_partial_target_errors(data3):
    X, Y = data3
    Y_nan, _ = _partial(Y)
    est = RMLCClassifier([3, 3], **TINY)
    with pytest.raises(ValueError, match="BCEWithLogitsLoss does not accept"):
        clone(est).set_params(criterion=torch.nn.BCEWithLogitsLoss).fit(X, Y_nan)
    with pytest.raises(ValueError, match="every entry is NaN"):
        clone(est).fit(X, np.full(Y.shape, np.nan))
    with pytest.raises(ValueError, match="zero on every known entry"):
        clone(est).fit(X, Y_nan, sample_weight=np.isnan(Y_nan).astype(float))
    with pytest.raises(ValueError, match="1-D target with NaN"):
        clone(est).fit(X, np.where(Y[:, 0] == 1, np.nan, 0.0))
    with pytest.raises(ValueError, match="multi-label"):
        clone(est).set_params(missing_labels="cooccurrence").fit(X, Y[:, 0])
    with pytest.raises(ValueError, match="missing_labels"):
        clone(est).set_params(missing_labels="zero").fit(X, Y)
    with pytest.raises(ValueError, match="missing_labels='cooccurrence'"):
        clone(est).set_params(
            criterion=torch.nn.BCEWithLogitsLoss, missing_labels="cooccurrence"
        ).fit(X, Y)
