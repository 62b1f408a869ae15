"""Imbalance-aware defaults of the neural classifiers (issue 12)."""

import warnings

import numpy as np
import pytest
import torch
from sklearn.base import clone

from skmml.losses import (
    ClassBalancedLoss,
    LogitAdjustedBCELoss,
    WeightedBCELoss,
    label_prior_log_odds,
)
from skmml.neural import ResBiLSTMClassifier, RMLCClassifier


def _long_tailed(n=120, seed=0):
    rng = np.random.RandomState(seed)
    X = rng.normal(size=(n, 5))
    Y = (rng.uniform(size=(n, 3)) < [0.05, 0.3, 0.7]).astype(int)
    return X, Y


def _untrained(cls, **params):
    # one epoch at a negligible learning rate: the initial network
    return cls(max_epochs=1, lr=1e-12, random_state=0, **params)


@pytest.mark.parametrize(
    "cls, params, biases",
    [
        (RMLCClassifier, {"modalities": [3, 2]}, lambda m: list(m.dense)),
        (ResBiLSTMClassifier, {}, lambda m: [m.output]),
    ],
)
def test_output_bias_prior_init(cls, params, biases):
    X, Y = _long_tailed()
    clf = _untrained(cls, output_bias_init="prior", **params).fit(X, Y)
    prior = Y.mean(axis=0)
    for layer in biases(clf.net_.module_):
        b = layer.bias.detach().double().numpy()
        np.testing.assert_allclose(b, label_prior_log_odds(Y), rtol=1e-5)
        np.testing.assert_allclose(1 / (1 + np.exp(-b)), prior, rtol=1e-5)
    # the initial predictions sit at the training prior, not near 0.5
    np.testing.assert_allclose(clf.predict_proba(X).mean(axis=0), prior, atol=0.06)
    uniform = _untrained(cls, output_bias_init="uniform", **params).fit(X, Y)
    assert np.abs(uniform.predict_proba(X).mean(axis=0) - prior).max() > 0.1


def test_output_bias_prior_from_training_rows_only():
    # the validation rows of train_split do not enter the prior
    X, Y = _long_tailed()
    train = np.arange(80)

    def split(dataset, y=None):
        from torch.utils.data import Subset

        return Subset(dataset, train), Subset(dataset, np.arange(80, 120))

    clf = _untrained(
        RMLCClassifier, modalities=[3, 2], output_bias_init="prior", train_split=split
    ).fit(X, Y)
    b = clf.net_.module_.dense[0].bias.detach().double().numpy()
    np.testing.assert_allclose(b, label_prior_log_odds(Y[train]), rtol=1e-5)


def test_output_bias_init_validated():
    X, Y = _long_tailed()
    with pytest.raises(ValueError, match="output_bias_init"):
        RMLCClassifier([3, 2], output_bias_init="zeros").fit(X, Y)


def test_single_modality_label_correlation_warns():
    X, Y = _long_tailed(40)
    one = {"all": slice(None)}
    with pytest.warns(UserWarning, match="use_label_correlation=True has no effect"):
        RMLCClassifier(one, use_label_correlation=True, max_epochs=1).fit(X, Y)
    with warnings.catch_warnings():
        warnings.simplefilter("error", UserWarning)
        for params in (
            {"modalities": one},  # "auto"
            {"modalities": one, "use_label_correlation": False},
            {"modalities": [3, 2], "use_label_correlation": True},
        ):
            RMLCClassifier(max_epochs=1, **params).fit(X, Y)


def test_label_correlation_auto_same_network():
    X, Y = _long_tailed(40)
    auto = RMLCClassifier([3, 2], max_epochs=2, random_state=0).fit(X, Y)
    true = RMLCClassifier(
        [3, 2], use_label_correlation=True, max_epochs=2, random_state=0
    ).fit(X, Y)
    assert auto.net_.module_.label_correlation is not None
    np.testing.assert_array_equal(auto.predict_proba(X), true.predict_proba(X))


def test_logit_adjusted_predict_logits_not_adjusted():
    # the prior shift is part of the loss only: decision_function is the
    # network's own output, without tau * log-odds added or removed
    X, Y = _long_tailed()
    clf = RMLCClassifier(
        [3, 2],
        criterion=LogitAdjustedBCELoss,
        max_epochs=2,
        random_state=0,
    ).fit(X, Y)
    module = clf.net_.module_
    with torch.no_grad():
        raw = module.double()(torch.as_tensor(X, dtype=torch.float64))[0].numpy()
    # decision_function: the logits minus the log-odds of threshold=0.4
    np.testing.assert_allclose(
        clf.decision_function(X), raw - np.log(0.4 / 0.6), rtol=1e-10
    )
    assert clf.net_.criterion_.prior_log_odds_ is not None


def test_defaults():
    clf = RMLCClassifier()
    assert clf.criterion is ClassBalancedLoss
    assert ClassBalancedLoss().beta == 0.99
    assert (clf.max_epochs, clf.lr, clf.threshold) == ("auto", 1e-3, 0.4)
    assert (clf.output_bias_init, clf.use_label_correlation) == ("uniform", "auto")
    assert clf.linear_skip is True
    assert ResBiLSTMClassifier().criterion is ClassBalancedLoss
    assert ResBiLSTMClassifier().threshold == 0.5


@pytest.mark.parametrize(
    "n_samples, params, expected",
    [
        (2000, {}, 16),  # 32 batches of 64: round(500 / 32)
        (500, {}, 62),
        (100_000, {}, 10),  # at least 10 epochs
        (10, {}, 100),  # at most 100
        (2000, {"train_split": 0.2}, 20),  # 1600 training rows
        (2000, {"train_split": 4}, 21),  # 1500 training rows
        (2000, {"max_epochs": 7}, 7),
    ],
)
def test_max_epochs_auto(n_samples, params, expected):
    assert RMLCClassifier(**params)._resolve_max_epochs(n_samples) == expected


def test_max_epochs_auto_trains_n_epochs():
    X, Y = _long_tailed(40)  # one batch per epoch: 500 clipped to 100
    clf = RMLCClassifier([3, 2], hidden_size=2, random_state=0).fit(X, Y)
    assert clf.n_epochs_ == 100 == len(clf.net_.history)


def test_paper_configuration_is_one_parameter_set_away():
    # eq. 5 (plain BCE) for 50 epochs, torch's output initialisation
    X, Y = _long_tailed(60)
    paper = RMLCClassifier([3, 2], random_state=0, **PAPER_RMLC)
    explicit = RMLCClassifier(
        [3, 2],
        random_state=0,
        criterion=WeightedBCELoss,
        max_epochs=50,
        lr=1e-3,
        threshold=0.5,
        output_bias_init="uniform",
        use_label_correlation=True,
    )
    np.testing.assert_array_equal(
        paper.fit(X, Y).predict_proba(X), explicit.fit(X, Y).predict_proba(X)
    )
    assert paper.n_epochs_ == 50


PAPER_RMLC = {"criterion": WeightedBCELoss, "max_epochs": 50}


@pytest.mark.parametrize("threshold", [0.5, 0.4, 0.2, 0.0, 1.0])
def test_decision_function_is_zero_at_the_threshold(threshold):
    X, Y = _long_tailed()
    clf = RMLCClassifier(
        [3, 2], hidden_size=2, max_epochs=2, threshold=threshold, random_state=0
    ).fit(X, Y)
    proba, scores = clf.predict_proba(X), clf.decision_function(X)
    with np.errstate(divide="ignore"):
        shift = np.log(threshold) - np.log1p(-threshold)
    if 0 < threshold < 1:
        np.testing.assert_allclose(scores, np.log(proba / (1 - proba)) - shift)
    np.testing.assert_array_equal(clf.predict(X), (scores >= 0).astype(int))
    np.testing.assert_array_equal(clf.predict(X), (proba >= threshold).astype(int))
    # binary target: the positive class where the score is >= 0
    binary = clone(clf).fit(X, Y[:, 0])
    assert binary.decision_function(X).shape == (len(X),)
    np.testing.assert_array_equal(
        binary.predict(X), binary.classes_[(binary.decision_function(X) >= 0) * 1]
    )
