"""Tests of skmml.losses: every loss against values computed by hand."""

import math
import pickle
import subprocess
import sys

import numpy as np
import pytest

torch = pytest.importorskip("torch")
skorch = pytest.importorskip("skorch")

from sklearn.base import clone  # noqa: E402
from sklearn.metrics import f1_score  # noqa: E402
from sklearn.model_selection import GridSearchCV, KFold, cross_validate  # noqa: E402
from skorch import NeuralNet  # noqa: E402
from skorch.dataset import ValidSplit  # noqa: E402

from skmml.losses import (  # noqa: E402
    AsymmetricLoss,
    ClassBalancedLoss,
    FitCriterionPriors,
    FocalLoss,
    LogitAdjustedBCELoss,
    LossWeightsMixin,
    SAdF1Scheduler,
    SigmoidF1Loss,
    SoftF1Loss,
    WeightedBCELoss,
    accepts_loss_weights,
    cooccurrence_negative_weights,
    effective_number_weights,
    ignore_missing_weights,
    init_bias_with_priors,
    label_prior_log_odds,
    make_weighted_input,
    mask_unknown_targets,
    pop_loss_weights,
    simulate_missing_labels,
)


def nll_pos(z):
    """-log sigmoid(z) by hand."""
    return math.log1p(math.exp(-z))


def nll_neg(z):
    """-log(1 - sigmoid(z)) by hand."""
    return math.log1p(math.exp(z))


def t(values):
    return torch.tensor(values, dtype=torch.float32)


class WeightedNet(LossWeightsMixin, NeuralNet):
    pass


# --------------------------------------------------------------------------
# simulate_missing_labels / IM-WCE / CB-WCE weights (numpy)
# --------------------------------------------------------------------------

Y_MISSING = np.array(
    [
        [1, 1, 1, 1, 0],
        [1, 1, 0, 0, 0],
        [1, 0, 0, 0, 0],
        [0, 0, 0, 0, 0],
        [1, 1, 1, 0, 1],
    ]
)


@pytest.mark.parametrize(
    "ratio, expected_hidden",
    [
        (0.0, [0, 0, 0, 0, 0]),
        # n_i = 4, 2, 1, 0, 4; round half up of ratio * n_i
        (0.25, [1, 1, 0, 0, 1]),
        (0.5, [2, 1, 1, 0, 2]),
        (0.75, [3, 2, 1, 0, 3]),
        (1.0, [4, 2, 1, 0, 4]),
    ],
)
def test_simulate_missing_labels_counts(ratio, expected_hidden):
    Y = Y_MISSING.copy()
    Y_obs, hidden = simulate_missing_labels(Y, ratio, random_state=0)
    np.testing.assert_array_equal(Y, Y_MISSING)  # input untouched
    np.testing.assert_array_equal(hidden.sum(axis=1), expected_hidden)
    assert hidden.dtype == bool and Y_obs.dtype == np.int64
    assert not np.any(hidden & (Y_MISSING == 0))  # only positives are hidden
    np.testing.assert_array_equal(Y_obs + hidden, Y_MISSING)


def test_simulate_missing_labels_random_state_and_uniformity():
    a = simulate_missing_labels(Y_MISSING, 0.5, random_state=3)
    b = simulate_missing_labels(Y_MISSING, 0.5, random_state=3)
    np.testing.assert_array_equal(a[1], b[1])
    # Each of the 4 positives of row 0 is hidden with probability 1/4 at
    # ratio .25: over 400 seeds every one must be hit between 60 and 140 times.
    hits = np.zeros(5)
    for seed in range(400):
        hits += simulate_missing_labels(Y_MISSING[:1], 0.25, random_state=seed)[1][0]
    assert hits[4] == 0
    assert np.all((hits[:4] > 60) & (hits[:4] < 140)), hits


def test_simulate_missing_labels_accepts_sparse():
    sp = pytest.importorskip("scipy.sparse")
    Y_obs, hidden = simulate_missing_labels(
        sp.csr_matrix(Y_MISSING), 0.5, random_state=0
    )
    assert isinstance(Y_obs, np.ndarray)
    assert hidden.sum() == 6


@pytest.mark.parametrize("ratio", [-0.1, 1.5, "half", None, True])
def test_simulate_missing_labels_bad_ratio(ratio):
    with pytest.raises(ValueError, match="ratio must be a float in"):
        simulate_missing_labels(Y_MISSING, ratio)


def test_simulate_missing_labels_bad_Y():
    with pytest.raises(ValueError, match="Y must be a binary indicator"):
        simulate_missing_labels([[0, 2]], 0.5)


def test_ignore_missing_weights():
    w = ignore_missing_weights(np.array([[True, False], [False, True]]))
    np.testing.assert_array_equal(w, [[0, 1], [1, 0]])
    with pytest.raises(ValueError, match="hidden_mask"):
        ignore_missing_weights([1, 0])


Y_COOC = np.array(
    [
        [1, 1, 0],
        [1, 0, 0],
        [1, 1, 1],
        [0, 0, 1],
        [0, 0, 0],
    ]
)


def test_cooccurrence_negative_weights_by_hand():
    # C = Y^T Y: n_pos = (3, 2, 2); C01 = 2, C02 = 1, C12 = 1
    # P(c | j) = C[j, c] / C[j, j]:
    #   P(1|0) = 2/3, P(2|0) = 1/3, P(0|1) = 1, P(2|1) = 1/2,
    #   P(0|2) = 1/2, P(1|2) = 1/2
    expected_mean = np.array(
        [
            [1, 1, 1 - (1 / 3 + 1 / 2) / 2],  # J = {0, 1}
            [1, 1 - 2 / 3, 1 - 1 / 3],  # J = {0}
            [1, 1, 1],  # all positive
            [1 - 1 / 2, 1 - 1 / 2, 1],  # J = {2}
            [1 - 3 / 5, 1 - 2 / 5, 1 - 2 / 5],  # no positive: marginal
        ]
    )
    np.testing.assert_allclose(
        cooccurrence_negative_weights(Y_COOC), expected_mean, rtol=1e-6
    )
    expected_max = expected_mean.copy()
    expected_max[0, 2] = 1 - 1 / 2
    np.testing.assert_allclose(
        cooccurrence_negative_weights(Y_COOC, aggregate="max"),
        expected_max,
        rtol=1e-6,
    )


def test_cooccurrence_negative_weights_errors():
    with pytest.raises(ValueError, match="aggregate"):
        cooccurrence_negative_weights(Y_COOC, aggregate="median")
    with pytest.raises(ValueError, match="2-D"):
        cooccurrence_negative_weights([1, 0, 1])


def test_cooccurrence_weights_lower_on_hidden_correlated_labels():
    # labels 0 and 1 always co-occur; hiding label 1 must lower its weight
    Y = np.array([[1, 1, 0]] * 6 + [[0, 0, 1]] * 4)
    Y_obs = Y.copy()
    Y_obs[0, 1] = 0
    w = cooccurrence_negative_weights(Y_obs)
    assert w[0, 1] < 0.2
    assert w[0, 2] == 1.0


# --------------------------------------------------------------------------
# label statistics
# --------------------------------------------------------------------------


def test_label_prior_log_odds_by_hand():
    Y = [[1, 0, 0], [0, 0, 1], [0, 1, 1], [0, 1, 1]]
    # priors 1/4, 1/2, 3/4
    np.testing.assert_allclose(
        label_prior_log_odds(Y), [math.log(1 / 3), 0.0, math.log(3)]
    )
    # never positive: prior clipped to 1/(2n) = 1/8 -> log(1/7)
    np.testing.assert_allclose(
        label_prior_log_odds([[0], [0], [0], [0]]), [-math.log(7)]
    )
    # 1-D binary y and tensors are one label
    np.testing.assert_allclose(
        label_prior_log_odds(torch.tensor([1, 0, 0, 0])), [math.log(1 / 3)]
    )


def test_effective_number_weights_by_hand():
    Y = [[1, 1], [0, 1], [0, 0], [0, 1]]  # label 0: 1+/3-, label 1: 3+/1-
    pos, neg = effective_number_weights(Y, beta=0.5)
    # E_1 = 1, E_3 = (1 - 1/8) / (1/2) = 7/4
    # label 0: 1/E = (1, 4/7) -> *2/(11/7) -> (14/11, 8/11)
    np.testing.assert_allclose(pos, [14 / 11, 8 / 11])
    np.testing.assert_allclose(neg, [8 / 11, 14 / 11])
    pos, neg = effective_number_weights(Y, beta=0.0)
    np.testing.assert_allclose(pos, [1, 1])
    np.testing.assert_allclose(neg, [1, 1])
    with pytest.raises(ValueError, match="beta must be a float in"):
        effective_number_weights(Y, beta=1.5)


# --------------------------------------------------------------------------
# WeightedBCELoss
# --------------------------------------------------------------------------

LOGITS = [[0.0, 2.0], [-1.0, 1.0]]
TARGET = [[1.0, 0.0], [0.0, 1.0]]


def test_weighted_bce_by_hand():
    w = [[2.0, 5.0], [7.0, 0.5]]  # only used on positives: (0,0) and (1,1)
    w_bar = [[9.0, 0.25], [3.0, 11.0]]  # only used on negatives
    expected = [
        [2.0 * nll_pos(0.0), 0.25 * nll_neg(2.0)],
        [3.0 * nll_neg(-1.0), 0.5 * nll_pos(1.0)],
    ]
    loss = WeightedBCELoss(reduction="none")(t(LOGITS), t(TARGET), t(w), t(w_bar))
    np.testing.assert_allclose(loss.numpy(), expected, rtol=1e-6)
    mean = WeightedBCELoss()(t(LOGITS), t(TARGET), t(w), t(w_bar))
    assert mean.item() == pytest.approx(np.mean(expected), rel=1e-6)
    total = WeightedBCELoss(reduction="sum")(t(LOGITS), t(TARGET), t(w), t(w_bar))
    assert total.item() == pytest.approx(np.sum(expected), rel=1e-6)


def test_weighted_bce_defaults_and_per_sample_weight():
    plain = torch.nn.BCEWithLogitsLoss()(t(LOGITS), t(TARGET))
    assert WeightedBCELoss()(t(LOGITS), t(TARGET)).item() == pytest.approx(
        plain.item(), rel=1e-6
    )
    # a (n,) weight is one weight per sample, also used for the negatives
    loss = WeightedBCELoss(reduction="none")(t(LOGITS), t(TARGET), t([2.0, 0.0]))
    expected = [[2 * nll_pos(0.0), 2 * nll_neg(2.0)], [0.0, 0.0]]
    np.testing.assert_allclose(loss.numpy(), expected, rtol=1e-6)
    # neg_weight alone: positive terms keep weight 1 (IM-WCE)
    loss = WeightedBCELoss(reduction="none")(
        t(LOGITS), t(TARGET), neg_weight=t([[1.0, 0.0], [0.0, 1.0]])
    )
    expected = [[nll_pos(0.0), 0.0], [0.0, nll_pos(1.0)]]
    np.testing.assert_allclose(loss.numpy(), expected, rtol=1e-6)


def test_weighted_bce_fused_path_equals_the_two_terms():
    # one weight on both terms takes torch's fused kernel; a separate but
    # equal neg_weight takes the two-term formula: same loss and gradient
    rng = np.random.RandomState(0)
    target = t(rng.uniform(size=(5, 3)))  # soft targets too
    w = t(rng.uniform(size=(5, 3)))
    expected_none = [
        [nll_pos(0.0), nll_neg(2.0)],
        [nll_neg(-1.0), nll_pos(1.0)],
    ]
    loss = WeightedBCELoss()(t(LOGITS), t(TARGET))
    assert loss.item() == pytest.approx(np.mean(expected_none), rel=1e-6)
    values = rng.normal(size=(5, 3))
    for reduction in ("none", "mean", "sum"):
        results = []
        for neg_weight in (None, w.clone()):
            logits = torch.tensor(values, requires_grad=True)
            loss = WeightedBCELoss(reduction=reduction)(logits, target, w, neg_weight)
            loss.sum().backward()
            results.append((loss.detach(), logits.grad))
        torch.testing.assert_close(results[0][0], results[1][0])
        torch.testing.assert_close(results[0][1], results[1][1])


def test_weighted_bce_errors():
    loss = WeightedBCELoss()
    with pytest.raises(ValueError, match="target of shape"):
        loss(t(LOGITS), t([1.0, 0.0, 1.0]))
    with pytest.raises(ValueError, match="neg_weight of shape"):
        loss(t(LOGITS), t(TARGET), neg_weight=t([1.0, 0.0, 1.0]))
    with pytest.raises(ValueError, match="torch.Tensor"):
        loss(np.array(LOGITS), t(TARGET))
    with pytest.raises(ValueError, match="reduction must be one of"):
        WeightedBCELoss(reduction="avg")


def test_weighted_bce_binary_target_shapes():
    # (n, 1) logits with a (n,) target, as a binary net produces
    loss = WeightedBCELoss(reduction="none")(t([[0.0], [2.0]]), t([1.0, 0.0]))
    np.testing.assert_allclose(
        loss.numpy().ravel(), [nll_pos(0.0), nll_neg(2.0)], rtol=1e-6
    )


# --------------------------------------------------------------------------
# SigmoidF1Loss / SoftF1Loss
# --------------------------------------------------------------------------


def test_sigmoid_f1_by_hand():
    logits = t([[0.0, math.log(3.0)]])  # S = 0.5, 0.75 with beta=1, eta=0
    target = t([[1.0, 0.0]])
    # micro: tp = .5, fn = .5, fp = .75 -> F1 = 1 / 2.25
    micro = SigmoidF1Loss()(logits, target)
    assert micro.item() == pytest.approx(1 - 1 / 2.25, rel=1e-6)
    # macro: label 0 F1 = 1 / 1.5, label 1 F1 = 0 / .75 = 0
    macro = SigmoidF1Loss(average="macro")(logits, target)
    assert macro.item() == pytest.approx(1 - (2 / 3) / 2, rel=1e-6)
    # beta = 2, eta = -log(3)/2: S = sigmoid(2u - log 3) = 1/4, 3/4
    shifted = SigmoidF1Loss(beta=2.0, eta=-math.log(3.0) / 2)(logits, target)
    # tp = .25, fn = .75, fp = .75 -> F1 = .5 / (.5 + 1.5)
    assert shifted.item() == pytest.approx(1 - 0.25, rel=1e-6)


def test_sigmoid_f1_weights_by_hand():
    logits = t([[0.0, math.log(3.0)], [0.0, 0.0]])
    target = t([[1.0, 0.0], [0.0, 1.0]])
    # S = [[.5, .75], [.5, .5]]; weight on positives, neg_weight on negatives
    weight = t([[2.0, 1.0], [1.0, 0.0]])
    neg_weight = t([[1.0, 0.0], [4.0, 1.0]])
    # tp = 2*.5 + 0*.5 = 1; fn = 2*.5 + 0*.5 = 1; fp = 0*.75 + 4*.5 = 2
    loss = SigmoidF1Loss()(logits, target, weight, neg_weight)
    assert loss.item() == pytest.approx(1 - 2 / (2 + 1 + 2), rel=1e-6)


@pytest.mark.parametrize("average", ["micro", "macro"])
def test_sigmoid_f1_large_beta_is_exact_f1(average):
    rng = np.random.RandomState(0)
    logits = rng.uniform(-3, 3, size=(40, 5))
    eta = 0.5
    # keep the logits away from the threshold -eta
    logits[np.abs(logits + eta) < 0.05] += 0.2
    Y = (rng.rand(40, 5) < 0.4).astype(np.float32)
    Y[:, 4] = 0  # a label without positives
    logits[:, 4] = -3.0  # ... nor predicted positives: F1 0 as in sklearn
    pred = (logits + eta > 0).astype(int)
    exact = f1_score(Y, pred, average=average, zero_division=0)
    loss = SigmoidF1Loss(beta=1e4, eta=eta, average=average)
    value = loss(t(logits), t(Y)).item()
    assert value == pytest.approx(1 - exact, abs=1e-5)
    # a soft slope does not give the exact F1
    soft = SigmoidF1Loss(beta=0.3, eta=eta, average=average)(t(logits), t(Y))
    assert abs(soft.item() - (1 - exact)) > 1e-3


def test_sigmoid_f1_has_gradient_and_perfect_prediction():
    logits = t([[5.0, -5.0], [-5.0, 5.0]]).requires_grad_()
    target = t([[1.0, 0.0], [0.0, 1.0]])
    loss = SigmoidF1Loss(beta=3.0)(logits, target)
    loss.backward()
    assert loss.item() < 1e-5
    assert torch.all(torch.isfinite(logits.grad))
    logits = t([[0.0, 0.0]]).requires_grad_()
    SigmoidF1Loss()(logits, t([[1.0, 0.0]])).backward()
    # raising the positive's logit and lowering the negative's lowers the loss
    assert logits.grad[0, 0] < 0 < logits.grad[0, 1]


def test_soft_f1_equals_sigmoid_f1_beta_one():
    logits = t(LOGITS)
    target = t(TARGET)
    for average in ("micro", "macro"):
        a = SoftF1Loss(average=average)(logits, target)
        b = SigmoidF1Loss(1.0, 0.0, average=average)(logits, target)
        assert a.item() == pytest.approx(b.item())
    # by hand: p = [[.5, s(2)], [s(-1), s(1)]]
    s = [1 / (1 + math.exp(-z)) for z in (0.0, 2.0, -1.0, 1.0)]
    tp = s[0] + s[3]
    fn = (1 - s[0]) + (1 - s[3])
    fp = s[1] + s[2]
    assert SoftF1Loss()(logits, target).item() == pytest.approx(
        1 - 2 * tp / (2 * tp + fn + fp), rel=1e-6
    )


@pytest.mark.parametrize(
    "kwargs, match",
    [
        ({"beta": 0.0}, "beta must be >"),
        ({"beta": "big"}, "beta must be a real"),
        ({"eta": float("nan")}, "eta must be finite"),
        ({"average": "weighted"}, "average must be one of"),
        ({"eps": -1.0}, "eps must be >="),
    ],
)
def test_sigmoid_f1_bad_params(kwargs, match):
    with pytest.raises(ValueError, match=match):
        SigmoidF1Loss(**kwargs)


# --------------------------------------------------------------------------
# Focal / asymmetric
# --------------------------------------------------------------------------


def test_focal_by_hand():
    z = math.log(3.0)  # p = 3/4
    logits = t([[z, z]])
    target = t([[1.0, 0.0]])
    loss = FocalLoss(gamma=2.0, reduction="none")(logits, target)
    expected = [0.25**2 * -math.log(0.75), 0.75**2 * -math.log(0.25)]
    np.testing.assert_allclose(loss.numpy()[0], expected, rtol=1e-6)
    loss = FocalLoss(gamma=2.0, alpha=0.25, reduction="none")(logits, target)
    np.testing.assert_allclose(
        loss.numpy()[0], [0.25 * expected[0], 0.75 * expected[1]], rtol=1e-6
    )
    # gamma = 0, alpha = None is the BCE
    a = FocalLoss(gamma=0.0)(t(LOGITS), t(TARGET))
    b = torch.nn.BCEWithLogitsLoss()(t(LOGITS), t(TARGET))
    assert a.item() == pytest.approx(b.item(), rel=1e-6)
    with pytest.raises(ValueError, match="alpha must be in"):
        FocalLoss(alpha=2.0)
    with pytest.raises(ValueError, match="gamma must be >="):
        FocalLoss(gamma=-1.0)


def test_asymmetric_by_hand():
    z = math.log(3.0)  # p = 3/4
    logits = t([[z, z]])
    target = t([[1.0, 0.0]])
    loss = AsymmetricLoss(gamma_pos=1.0, gamma_neg=4.0, clip=0.05, reduction="none")
    # positive: (1 - .75)^1 * -log .75; negative: p_m = .7, .7^4 * -log .3
    expected = [0.25 * -math.log(0.75), 0.7**4 * -math.log(0.3)]
    np.testing.assert_allclose(loss(logits, target).numpy()[0], expected, rtol=1e-5)
    # the shift zeroes negatives with p <= clip
    easy = AsymmetricLoss(clip=0.05, reduction="none")(t([[-4.0]]), t([[0.0]]))
    assert easy.item() == 0.0
    # no focusing and no shift is the BCE
    a = AsymmetricLoss(0.0, 0.0, clip=0.0)(t(LOGITS), t(TARGET))
    b = torch.nn.BCEWithLogitsLoss()(t(LOGITS), t(TARGET))
    assert a.item() == pytest.approx(b.item(), rel=1e-6)
    with pytest.raises(ValueError, match="clip must be in"):
        AsymmetricLoss(clip=1.0)


@pytest.mark.parametrize(
    "loss", [FocalLoss(), AsymmetricLoss(), SigmoidF1Loss(beta=2.0)]
)
def test_zero_weights_remove_entries(loss):
    """weight/neg_weight also reach the focal, asymmetric and F1 losses."""
    logits = t(LOGITS)
    target = t(TARGET)
    full = loss(logits, target)
    zero = loss(logits, target, weight=t([0.0, 0.0]))
    assert zero.item() == pytest.approx(1.0 if isinstance(loss, SigmoidF1Loss) else 0)
    assert full.item() != pytest.approx(zero.item())


# --------------------------------------------------------------------------
# Logit adjustment, class-balanced, bias initialisation
# --------------------------------------------------------------------------

Y_PRIOR = np.array([[1, 0], [0, 0], [0, 1], [0, 1]])  # priors 1/4, 1/2


def test_logit_adjusted_by_hand():
    loss = LogitAdjustedBCELoss(tau=1.0).fit_priors(Y_PRIOR)
    np.testing.assert_allclose(
        loss.prior_log_odds_.numpy(), [math.log(1 / 3), 0.0], rtol=1e-6
    )
    # zero logits, both labels positive: sigmoid(log 1/3) = 1/4 -> log 4, log 2
    value = loss(torch.zeros(1, 2), t([[1.0, 1.0]]))
    assert value.item() == pytest.approx((math.log(4) + math.log(2)) / 2, rel=1e-6)
    # tau = 2: shift 2 log(1/3) -> sigmoid = 1/10 -> log 10
    loss2 = LogitAdjustedBCELoss(tau=2.0).fit_priors(Y_PRIOR)
    value = loss2(torch.zeros(1, 2), t([[1.0, 0.0]]))
    assert value.item() == pytest.approx((math.log(10) + math.log(2)) / 2, rel=1e-6)


def test_logit_adjusted_errors():
    with pytest.raises(RuntimeError, match="FitCriterionPriors"):
        LogitAdjustedBCELoss()(torch.zeros(1, 2), t([[1.0, 0.0]]))
    loss = LogitAdjustedBCELoss().fit_priors(Y_PRIOR)
    with pytest.raises(ValueError, match="fitted on 2 label"):
        loss(torch.zeros(1, 3), t([[1.0, 0.0, 0.0]]))


def test_logit_adjustment_equals_bias_initialisation_at_start():
    torch.manual_seed(0)
    X = torch.randn(6, 3)
    target = t(Y_PRIOR[[0, 1, 2, 3, 0, 2]])
    adjusted_layer = torch.nn.Linear(3, 2)
    with torch.no_grad():
        adjusted_layer.bias.zero_()
    init_layer = torch.nn.Linear(3, 2)
    init_layer.load_state_dict(adjusted_layer.state_dict())
    init_bias_with_priors(init_layer, Y_PRIOR, tau=1.0)
    np.testing.assert_allclose(
        torch.sigmoid(init_layer.bias).detach().numpy(), [0.25, 0.5], rtol=1e-6
    )
    la = LogitAdjustedBCELoss(tau=1.0).fit_priors(Y_PRIOR)(adjusted_layer(X), target)
    bce = torch.nn.BCEWithLogitsLoss()(init_layer(X), target)
    assert la.item() == pytest.approx(bce.item(), rel=1e-6)
    la.backward()
    bce.backward()
    np.testing.assert_allclose(
        adjusted_layer.weight.grad.numpy(), init_layer.weight.grad.numpy(), rtol=1e-5
    )
    with pytest.raises(ValueError, match="bias has shape"):
        init_bias_with_priors(torch.nn.Linear(3, 4), Y_PRIOR)
    with pytest.raises(ValueError, match="module with a bias"):
        init_bias_with_priors(torch.nn.Linear(3, 2, bias=False), Y_PRIOR)


def test_class_balanced_by_hand():
    loss = ClassBalancedLoss(beta=1.0, reduction="none").fit_priors(
        [[1], [0], [0], [0]]
    )
    # inverse frequency: 1/1 and 1/3, normalised to sum 2 -> 1.5 and 0.5
    logits = t([[1.0], [-1.0], [0.5]])
    target = t([[1.0], [1.0], [0.0]])
    expected = [1.5 * nll_pos(1.0), 1.5 * nll_pos(-1.0), 0.5 * nll_neg(0.5)]
    np.testing.assert_allclose(
        loss(logits, target).numpy().ravel(), expected, rtol=1e-6
    )
    # with per-sample weights on top and gamma = 1 (class-balanced focal)
    focal = ClassBalancedLoss(beta=1.0, gamma=1.0, reduction="none")
    focal.fit_priors([[1], [0], [0], [0]])
    p = 1 / (1 + math.exp(-0.5))
    value = focal(t([[0.5]]), t([[0.0]]), weight=t([3.0]))
    assert value.item() == pytest.approx(3.0 * 0.5 * p * nll_neg(0.5), rel=1e-6)
    # beta = 0: no re-weighting
    plain = ClassBalancedLoss(beta=0.0).fit_priors(Y_PRIOR)
    assert plain(t(LOGITS), t(TARGET)).item() == pytest.approx(
        torch.nn.BCEWithLogitsLoss()(t(LOGITS), t(TARGET)).item(), rel=1e-6
    )
    with pytest.raises(RuntimeError, match="fit_priors"):
        ClassBalancedLoss()(t(LOGITS), t(TARGET))


def test_losses_pickle_and_device_move():
    loss = ClassBalancedLoss(beta=0.9).fit_priors(Y_PRIOR)
    restored = pickle.loads(pickle.dumps(loss))
    torch.testing.assert_close(restored.pos_weight_, loss.pos_weight_)
    assert "pos_weight_" in loss.state_dict()
    loss = loss.to(torch.float64)
    value = loss(torch.zeros(2, 2, dtype=torch.float64), t(TARGET))
    assert value.dtype == torch.float64


# --------------------------------------------------------------------------
# skorch integration
# --------------------------------------------------------------------------


class _Recorder(torch.nn.Module):
    """Criterion recording (target, weight) pairs of every batch."""

    def __init__(self):
        super().__init__()
        self.pairs = []

    def forward(self, logits, target, weight=None, neg_weight=None):
        self.pairs.append((target[:, 0].clone(), weight.clone(), neg_weight.clone()))
        return logits.mean() ** 2


def test_weights_follow_samples_through_batches_and_splits():
    n = 30
    X = np.arange(n, dtype=np.float32).reshape(-1, 1)
    ids = np.arange(n, dtype=np.float32)
    # the target column carries the sample id; the weights must match it
    y = np.stack([ids, ids], axis=1)
    Xw = make_weighted_input(X, sample_weight=ids, neg_weight=ids[:, None] + 0.5)
    net = WeightedNet(
        torch.nn.Linear,
        module__in_features=1,
        module__out_features=2,
        criterion=_Recorder,
        max_epochs=2,
        batch_size=7,
        iterator_train__shuffle=True,
        train_split=ValidSplit(3),
        verbose=0,
    )
    torch.manual_seed(0)
    net.fit(Xw, y)
    pairs = net.criterion_.pairs
    assert len(pairs) > 4
    for target_ids, weight, neg_weight in pairs:
        torch.testing.assert_close(target_ids, weight)
        torch.testing.assert_close(target_ids[:, None] + 0.5, neg_weight)
    # scikit-learn CV slices the SliceDict row-wise as well
    cross_validate(
        net,
        Xw,
        y,
        cv=KFold(3, shuffle=True, random_state=0),
        scoring=lambda est, X, y: 0.0,
    )
    # predict takes the plain features as well as the weighted input
    np.testing.assert_allclose(net.predict(X), net.predict(Xw))


def test_pop_loss_weights_does_not_modify_input():
    X = {"X": 1, "sample_weight": 2, "neg_weight": 3}
    rest, weights = pop_loss_weights(X)
    assert rest == {"X": 1}
    assert weights == {"weight": 2, "neg_weight": 3}
    assert len(X) == 3
    assert pop_loss_weights(np.ones(2))[1] == {}


def test_make_weighted_input_errors():
    with pytest.raises(ValueError, match="neg_weight must have shape"):
        make_weighted_input(np.ones((4, 2)), neg_weight=np.ones(3))
    with pytest.raises(ValueError, match="sample_weight must hold finite"):
        make_weighted_input(np.ones((2, 2)), sample_weight=[1.0, -1.0])


def _toy_problem(n=60, seed=0):
    rng = np.random.RandomState(seed)
    X = rng.randn(n, 4).astype(np.float32)
    Y = np.stack([X[:, 0] > 0, X[:, 1] + X[:, 2] > 0.5, X[:, 3] > 1.0], axis=1)
    return X, Y.astype(np.float32)


def test_fit_criterion_priors_callback_and_clone():
    X, Y = _toy_problem()
    net = NeuralNet(
        torch.nn.Linear,
        module__in_features=4,
        module__out_features=3,
        criterion=LogitAdjustedBCELoss,
        criterion__tau=0.5,
        callbacks=[FitCriterionPriors()],
        max_epochs=2,
        train_split=None,
        verbose=0,
    )
    net.fit(X, Y)
    np.testing.assert_allclose(
        net.criterion_.prior_log_odds_.numpy(), label_prior_log_odds(Y), rtol=1e-6
    )
    # refitting on other labels recomputes the priors
    net.fit(X[:30], Y[:30])
    np.testing.assert_allclose(
        net.criterion_.prior_log_odds_.numpy(),
        label_prior_log_odds(Y[:30]),
        rtol=1e-6,
    )
    restored = pickle.loads(pickle.dumps(net))
    torch.testing.assert_close(
        restored.criterion_.prior_log_odds_, net.criterion_.prior_log_odds_
    )
    fresh = clone(net)
    assert fresh.get_params()["criterion__tau"] == 0.5
    # without the callback the loss says how to fix it
    bare = clone(net).set_params(callbacks=[])
    with pytest.raises(RuntimeError, match="FitCriterionPriors"):
        bare.fit(X, Y)
    # the callback ignores losses without priors
    params = {
        k: v for k, v in net.get_params(deep=False).items() if k != "criterion__tau"
    }
    NeuralNet(**{**params, "criterion": WeightedBCELoss}).fit(X, Y)


def test_fit_criterion_priors_sees_the_training_rows_only():
    from torch.utils.data import Subset

    X, Y = _toy_problem(40)
    Y[20:] = 1.0  # every validation row is positive for every label

    def first_half_trains(dataset, y=None):
        return Subset(dataset, range(20)), Subset(dataset, range(20, 40))

    net = NeuralNet(
        torch.nn.Linear,
        module__in_features=4,
        module__out_features=3,
        criterion=LogitAdjustedBCELoss,
        callbacks=[FitCriterionPriors()],
        max_epochs=2,
        train_split=first_half_trains,
        verbose=0,
    ).fit(X, Y)
    np.testing.assert_allclose(
        net.criterion_.prior_log_odds_.numpy(),
        label_prior_log_odds(Y[:20]),
        rtol=1e-6,
    )
    assert np.isfinite(net.history[-1, "valid_loss"])


def test_sadf1_scheduler():
    X, Y = _toy_problem()
    net = NeuralNet(
        torch.nn.Linear,
        module__in_features=4,
        module__out_features=3,
        criterion=SigmoidF1Loss,
        callbacks=[SAdF1Scheduler(1.0, 3.0, beta_max=6.0)],
        max_epochs=4,
        train_split=None,
        verbose=0,
    )
    net.fit(X, Y)
    assert net.history[:, "sigmoid_f1_beta"] == [1.0, 4.0, 6.0, 6.0]
    assert net.criterion_.beta == 6.0
    assert clone(net).initialize().criterion_.beta == 1.0
    with pytest.raises(ValueError, match="needs a SigmoidF1Loss"):
        clone(net).set_params(criterion=WeightedBCELoss).fit(X, Y)
    with pytest.raises(ValueError, match="beta_step must be >= 1.0"):
        clone(net).set_params(
            callbacks=[SAdF1Scheduler(1.0, 0.5, mode="multiply")]
        ).fit(X, Y)


def _micro_f1_scorer(estimator, X, y):
    return f1_score(y, estimator.predict(X) > 0, average="micro", zero_division=0)


@pytest.mark.parametrize(
    "criterion, grid",
    [
        (SigmoidF1Loss, {"criterion__beta": [1.0, 4.0], "lr": [0.1]}),
        (AsymmetricLoss, {"criterion__gamma_neg": [0.0, 2.0]}),
        (ClassBalancedLoss, {"criterion__beta": [0.0, 0.99]}),
    ],
)
def test_grid_search_over_loss_parameters(criterion, grid):
    X, Y = _toy_problem()
    net = NeuralNet(
        torch.nn.Linear,
        module__in_features=4,
        module__out_features=3,
        criterion=criterion,
        callbacks=[FitCriterionPriors()],
        max_epochs=3,
        batch_size=30,
        train_split=None,
        verbose=0,
    )
    search = GridSearchCV(net, grid, cv=2, scoring=_micro_f1_scorer)
    search.fit(X, Y)
    assert set(search.best_params_) == set(grid)
    assert np.all(np.isfinite(search.cv_results_["mean_test_score"]))


def test_weighted_grid_search_with_missing_labels():
    X, Y = _toy_problem()
    Y_obs, hidden = simulate_missing_labels(Y, 0.5, random_state=0)
    Xw = make_weighted_input(X, neg_weight=ignore_missing_weights(hidden))
    net = WeightedNet(
        torch.nn.Linear,
        module__in_features=4,
        module__out_features=3,
        criterion=WeightedBCELoss,
        max_epochs=3,
        train_split=None,
        verbose=0,
    )
    search = GridSearchCV(net, {"lr": [0.01, 0.1]}, cv=2, scoring=_micro_f1_scorer)
    search.fit(Xw, Y_obs.astype(np.float32))
    assert search.best_estimator_.predict(X).shape == (60, 3)


def test_weights_change_training():
    """IM-WCE with zero negative weights trains differently from plain BCE."""
    X, Y = _toy_problem()
    Y_obs, hidden = simulate_missing_labels(Y, 0.75, random_state=0)
    params = dict(
        module=torch.nn.Linear,
        module__in_features=4,
        module__out_features=3,
        criterion=WeightedBCELoss,
        max_epochs=3,
        train_split=None,
        verbose=0,
    )
    torch.manual_seed(0)
    a = WeightedNet(**params).fit(X, Y_obs.astype(np.float32))
    torch.manual_seed(0)
    b = WeightedNet(**params).fit(
        make_weighted_input(X, neg_weight=ignore_missing_weights(hidden)),
        Y_obs.astype(np.float32),
    )
    assert not np.allclose(a.predict(X), b.predict(X))


def test_numpy_tools_do_not_import_torch():
    code = (
        "import sys\n"
        "from skmml.losses import simulate_missing_labels, "
        "cooccurrence_negative_weights, effective_number_weights\n"
        "import skmml\n"
        "assert 'torch' not in sys.modules, 'torch imported'\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


def test_with_multimodal_dataset():
    datasets = pytest.importorskip("skmml.datasets")
    if not hasattr(datasets, "make_multimodal_multilabel"):
        pytest.skip("skmml.datasets.make_multimodal_multilabel not available")
    X, Y, _ = datasets.make_multimodal_multilabel(
        60, modality_dims=[3, 2], n_labels=4, random_state=0
    )
    Y_obs, hidden = simulate_missing_labels(Y, 0.5, random_state=0)
    w = cooccurrence_negative_weights(Y_obs)
    assert w.shape == Y.shape
    assert np.all((w >= 0) & (w <= 1))
    assert np.all(w[Y_obs == 1] == 1)


# --------------------------------------------------------------------------
# partially labelled targets (NaN = unknown)
# --------------------------------------------------------------------------

NAN = float("nan")
Y_PARTIAL = np.array([[1, NAN, 0], [NAN, 1, 1], [0, 0, NAN], [1, NAN, NAN]])


def test_simulate_missing_labels_as_nan_same_draw():
    Y_obs, hidden = simulate_missing_labels(Y_MISSING, 0.5, random_state=0)
    Y_nan, hidden_nan = simulate_missing_labels(
        Y_MISSING, 0.5, random_state=0, as_nan=True
    )
    np.testing.assert_array_equal(hidden_nan, hidden)
    assert Y_nan.dtype == np.float64
    np.testing.assert_array_equal(np.isnan(Y_nan), hidden)
    np.testing.assert_array_equal(Y_nan[~hidden], Y_MISSING[~hidden])
    np.testing.assert_array_equal(Y_obs[~hidden], Y_MISSING[~hidden])


def test_simulate_missing_labels_entries_by_hand():
    Y = np.array([[1, 0], [0, 1]])
    # 4 entries, ratio .5: 2 hidden among positives and negatives alike
    for seed in range(5):
        Y_nan, hidden = simulate_missing_labels(
            Y, 0.5, random_state=seed, as_nan=True, mode="entries"
        )
        assert hidden.sum() == 2
        np.testing.assert_array_equal(np.isnan(Y_nan), hidden)
        np.testing.assert_array_equal(Y_nan[~hidden], Y[~hidden])
        Y_zero, hidden_zero = simulate_missing_labels(
            Y, 0.5, random_state=seed, mode="entries"
        )
        np.testing.assert_array_equal(hidden_zero, hidden)
        np.testing.assert_array_equal(Y_zero, np.where(hidden, 0, Y))
    # 0.3 * 10 entries rounds to 3; .25 * 6 = 1.5 rounds half up to 2
    assert simulate_missing_labels(np.ones((2, 5)), 0.3, mode="entries")[1].sum() == 3
    assert simulate_missing_labels(np.ones((2, 3)), 0.25, mode="entries")[1].sum() == 2
    # every entry is hidden as often, negatives included
    hits = sum(
        simulate_missing_labels(Y, 0.25, random_state=s, mode="entries")[1]
        for s in range(400)
    )
    assert np.all((hits > 60) & (hits < 140)), hits


def test_simulate_missing_labels_never_uses_the_global_rng():
    state = np.random.get_state()
    a = simulate_missing_labels(Y_MISSING, 0.5, mode="entries")
    simulate_missing_labels(Y_MISSING, 0.5)
    assert np.array_equal(np.random.get_state()[1], state[1])
    b = simulate_missing_labels(Y_MISSING, 0.5, random_state=np.random.RandomState(1))
    c = simulate_missing_labels(Y_MISSING, 0.5, random_state=1)
    np.testing.assert_array_equal(b[1], c[1])
    assert a[1].sum() == 13  # 12.5 rounded half up


@pytest.mark.parametrize(
    "kwargs, match",
    [
        ({"mode": "labels"}, "mode"),
        ({"as_nan": "yes"}, "as_nan"),
        ({"random_state": "x"}, "random_state"),
    ],
)
def test_simulate_missing_labels_bad_params(kwargs, match):
    with pytest.raises(ValueError, match=match):
        simulate_missing_labels(Y_MISSING, 0.5, **kwargs)


def test_simulate_missing_labels_needs_a_complete_Y():
    with pytest.raises(ValueError, match="contains NaN"):
        simulate_missing_labels([[1.0, NAN]], 0.5)


def test_cooccurrence_negative_weights_partial_by_hand():
    Y = np.array(
        [
            [1, 1, NAN],
            [1, NAN, 0],
            [1, 0, 1],
            [NAN, 1, 0],
            [0, 0, NAN],
        ]
    )
    # C_jc: both known positive; N_jc: j known positive and c known
    # cond[0] = (3/3, 1/2, 1/2), cond[1] = (1/1, 2/2, 0/1), cond[2] = (1, 0, 1)
    # marginals among known entries: 3/4, 2/4, 1/3
    expected = np.array(
        [
            [1, 1, 1 - (1 / 2 + 0) / 2],  # J = {0, 1}; the unknown is a negative
            [1, 1 - 1 / 2, 1 - 1 / 2],  # J = {0}
            [1, 1 - (1 / 2 + 0) / 2, 1],  # J = {0, 2}
            [1 - 1, 1, 1 - 0],  # J = {1}
            [1 - 3 / 4, 1 - 2 / 4, 1 - 1 / 3],  # no known positive: marginal
        ]
    )
    np.testing.assert_allclose(cooccurrence_negative_weights(Y), expected, rtol=1e-6)
    expected_max = expected.copy()
    expected_max[0, 2] = expected_max[2, 1] = 1 - 1 / 2
    np.testing.assert_allclose(
        cooccurrence_negative_weights(Y, aggregate="max"), expected_max, rtol=1e-6
    )
    # label 1 is never known where label 0 is positive: no conditional, so
    # the marginal of label 1 among its known entries (1/1) is used
    np.testing.assert_array_equal(
        cooccurrence_negative_weights([[1, NAN], [0, 1]]), [[1, 0], [1, 1]]
    )


def test_cooccurrence_negative_weights_pandas_na():
    pd = pytest.importorskip("pandas")
    Y = pd.DataFrame({"a": [1, 1, 1, pd.NA], "b": [1, pd.NA, 0, 1]}, dtype="Int64")
    expected = cooccurrence_negative_weights(
        np.array([[1, 1], [1, NAN], [1, 0], [NAN, 1]])
    )
    np.testing.assert_array_equal(cooccurrence_negative_weights(Y), expected)
    # P(b | a) = 1/2 over the rows where b is known
    np.testing.assert_allclose(expected[1:3, 1], [0.5, 0.5])


def test_label_statistics_from_known_entries_by_hand():
    Y = np.array([[1, NAN, NAN], [0, 1, NAN], [NAN, 0, NAN], [1, 1, NAN]])
    # priors among known entries: 2/3, 2/3; label 2 never known -> 1 / (2 n)
    np.testing.assert_allclose(
        label_prior_log_odds(Y),
        [math.log(2), math.log(2), math.log((1 / 8) / (7 / 8))],
    )
    # beta = 1: inverse counts of known positives / negatives, summing to 2
    pos, neg = effective_number_weights(Y, beta=1.0)
    np.testing.assert_allclose(pos, [2 / 3, 2 / 3, 1.0])
    np.testing.assert_allclose(neg, [4 / 3, 4 / 3, 1.0])
    loss = LogitAdjustedBCELoss().fit_priors(torch.tensor(Y, dtype=torch.float32))
    np.testing.assert_allclose(loss.prior_log_odds_[:2], [math.log(2)] * 2, rtol=1e-6)
    cb = ClassBalancedLoss(beta=1.0).fit_priors(Y)
    np.testing.assert_allclose(cb.pos_weight_, pos, rtol=1e-6)


def test_mask_unknown_targets_by_hand():
    y = t([[1.0, NAN], [NAN, 0.0]])
    target, weights = mask_unknown_targets(y)
    torch.testing.assert_close(target, t([[1.0, 0.0], [0.0, 0.0]]))
    assert weights["weight"] is weights["neg_weight"]
    torch.testing.assert_close(weights["weight"], t([[1.0, 0.0], [0.0, 1.0]]))
    # given weights are multiplied; neg_weight defaults to weight
    _, weights = mask_unknown_targets(y, {"weight": t([2.0, 3.0])})
    torch.testing.assert_close(weights["neg_weight"], t([[2.0, 0.0], [0.0, 3.0]]))
    _, weights = mask_unknown_targets(y, {"neg_weight": t([[5.0, 6.0], [7.0, 8.0]])})
    torch.testing.assert_close(weights["weight"], t([[1.0, 0.0], [0.0, 1.0]]))
    torch.testing.assert_close(weights["neg_weight"], t([[5.0, 0.0], [0.0, 8.0]]))
    # as negatives: target 0, weights unchanged
    given = {"neg_weight": t([[0.5, 0.25], [0.75, 1.0]])}
    target, weights = mask_unknown_targets(y, given, unknown="negative")
    torch.testing.assert_close(target, t([[1.0, 0.0], [0.0, 0.0]]))
    assert weights is given
    # nothing unknown: the same objects
    complete = t([[1.0, 0.0]])
    assert mask_unknown_targets(complete, given)[0] is complete
    with pytest.raises(ValueError, match="unknown must be"):
        mask_unknown_targets(y, unknown="zero")


def test_masked_weighted_bce_by_hand():
    logits = t([[0.0, 1.0], [2.0, -1.0]])
    target, weights = mask_unknown_targets(t([[1.0, NAN], [NAN, 0.0]]))
    total = WeightedBCELoss(reduction="sum")(logits, target, **weights)
    assert total.item() == pytest.approx(nll_pos(0.0) + nll_neg(-1.0), rel=1e-6)
    mean = WeightedBCELoss()(logits, target, **weights)
    # the mean keeps the 4 entries in its denominator
    assert mean.item() == pytest.approx(total.item() / 4, rel=1e-6)


def test_masked_sigmoid_f1_by_hand():
    logits = t([[3.0, -3.0], [3.0, 3.0]])
    target, weights = mask_unknown_targets(t([[1.0, NAN], [0.0, 1.0]]))
    # known entries: tp = 2, fp = 1, fn = 0 (the unknown is no fn)
    loss = SigmoidF1Loss(beta=100.0)(logits, target, **weights)
    assert loss.item() == pytest.approx(1 - 4 / 5, abs=1e-4)
    # macro: label 0 has tp 1, fp 1 (F1 2/3); label 1 tp 1 (F1 1)
    loss = SigmoidF1Loss(beta=100.0, average="macro")(logits, target, **weights)
    assert loss.item() == pytest.approx(1 - (2 / 3 + 1) / 2, abs=1e-4)


def _known_entries_loss(loss, logits, y, known):
    """The loss of the known entries only (per-entry losses, or the F1 counts)."""
    filled = torch.where(known, y, torch.zeros_like(y))
    if isinstance(loss, SigmoidF1Loss):
        # F1 counts over the known entries: select them, one label at a time
        if loss.average == "micro":
            return loss(logits[known][:, None], filled[known][:, None])
        scores = [
            loss(logits[known[:, j], j][:, None], filled[known[:, j], j][:, None])
            for j in range(y.shape[1])
        ]
        return torch.stack(scores).mean()
    per_entry = type(loss)(**_loss_params(loss), reduction="none")
    for name in getattr(loss, "_prior_names", ()):
        setattr(per_entry, name, getattr(loss, name))
    return per_entry(logits, filled)[known].sum()


def _loss_params(loss):
    names = {
        FocalLoss: ("gamma", "alpha"),
        AsymmetricLoss: ("gamma_pos", "gamma_neg", "clip"),
        LogitAdjustedBCELoss: ("tau",),
        ClassBalancedLoss: ("beta", "gamma"),
        WeightedBCELoss: (),
    }[type(loss)]
    return {name: getattr(loss, name) for name in names}


@pytest.mark.parametrize(
    "make_loss",
    [
        lambda: WeightedBCELoss(reduction="sum"),
        lambda: FocalLoss(gamma=2.0, alpha=0.25, reduction="sum"),
        lambda: AsymmetricLoss(gamma_neg=2.0, clip=0.1, reduction="sum"),
        lambda: LogitAdjustedBCELoss(tau=0.5, reduction="sum").fit_priors(Y_PARTIAL),
        lambda: ClassBalancedLoss(beta=0.9, gamma=1.0, reduction="sum").fit_priors(
            Y_PARTIAL
        ),
        lambda: SigmoidF1Loss(beta=2.0),
        lambda: SigmoidF1Loss(beta=2.0, average="macro"),
        lambda: SoftF1Loss(),
    ],
    ids=[
        "bce",
        "focal",
        "asymmetric",
        "logit_adjusted",
        "class_balanced",
        "sigmoid_f1",
        "sigmoid_f1_macro",
        "soft_f1",
    ],
)
def test_masked_loss_equals_the_loss_on_known_entries(make_loss):
    loss = make_loss()
    y = torch.tensor(Y_PARTIAL, dtype=torch.float32)
    known = ~torch.isnan(y)
    logits = torch.linspace(-2.0, 2.0, y.numel()).reshape(y.shape)
    target, weights = mask_unknown_targets(y)
    torch.testing.assert_close(
        loss(logits, target, **weights), _known_entries_loss(loss, logits, y, known)
    )
    # the unknown entries get no gradient, whatever the target there
    logits.requires_grad_(True)
    loss(logits, target, **weights).backward()
    assert torch.all(logits.grad[~known] == 0)
    assert torch.any(logits.grad[known] != 0)


def test_weighted_net_masks_unknown_targets():
    X, Y = _toy_problem()
    Y_nan, hidden = simulate_missing_labels(
        Y, 0.4, random_state=0, as_nan=True, mode="entries"
    )
    Y_nan = Y_nan.astype(np.float32)
    params = dict(
        module=torch.nn.Linear,
        module__in_features=4,
        module__out_features=3,
        criterion=WeightedBCELoss,
        max_epochs=3,
        train_split=ValidSplit(0.25, random_state=0),
        verbose=0,
    )
    fits = []
    for fill in (0.0, 1.0):
        torch.manual_seed(0)
        Xw = make_weighted_input(X, sample_weight=(~hidden).astype(np.float32))
        fits.append(WeightedNet(**params).fit(Xw, np.where(hidden, fill, Y_nan)))
    torch.manual_seed(0)
    net = WeightedNet(**params).fit(X, Y_nan)
    for other in fits:
        np.testing.assert_array_equal(net.predict(X), other.predict(X))
        assert net.history[:, "valid_loss"] == other.history[:, "valid_loss"]
    assert np.all(np.isfinite(net.history[:, "valid_loss"]))
    # a criterion that cannot mask is refused, naming it
    params["criterion"] = torch.nn.BCEWithLogitsLoss
    with pytest.raises(ValueError, match="BCEWithLogitsLoss does not accept"):
        WeightedNet(**params).fit(X, Y_nan)


def test_accepts_loss_weights():
    assert accepts_loss_weights(SigmoidF1Loss())
    assert accepts_loss_weights(ClassBalancedLoss())
    assert not accepts_loss_weights(torch.nn.BCEWithLogitsLoss())
    assert not accepts_loss_weights(object())


@pytest.mark.parametrize(
    "loss",
    [
        WeightedBCELoss(),
        SigmoidF1Loss(),
        FocalLoss(),
        AsymmetricLoss(),
        LogitAdjustedBCELoss().fit_priors([[1, 0], [0, 1]]),
        ClassBalancedLoss().fit_priors([[1, 0], [0, 1]]),
    ],
    ids=lambda loss: type(loss).__name__,
)
def test_losses_refuse_nan_targets(loss):
    with pytest.raises(ValueError, match="contains NaN.*mask_unknown_targets"):
        loss(torch.zeros(2, 2), t([[1.0, NAN], [0.0, 1.0]]))
