"""Tests of skmml.neural.RMLCClassifier and its torch module."""

import math
import pickle
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

torch = pytest.importorskip("torch")
pytest.importorskip("skorch")

from sklearn.base import clone  # noqa: E402
from sklearn.ensemble import RandomForestClassifier  # noqa: E402
from sklearn.model_selection import GridSearchCV, KFold, cross_validate  # noqa: E402
from sklearn.pipeline import Pipeline  # noqa: E402
from torch.utils.data import Subset  # noqa: E402

from skmml.neural import RMLCClassifier, RMLCModule, RMLCNet  # noqa: E402

FAST = dict(hidden_size=8, max_epochs=15, lr=0.03, batch_size=32)
# one modality, asked for explicitly (modalities="auto" needs prefixed names)
ONE = {"all": slice(None)}


def _sig(v):
    return 1.0 / (1.0 + math.exp(-v))


@pytest.fixture
def multilabel_data():
    rng = np.random.RandomState(0)
    X = rng.normal(size=(80, 6))
    Y = np.column_stack(
        [X[:, 0] > 0, X[:, 3] + X[:, 4] > 0, X[:, 1] - X[:, 5] > 0.5]
    ).astype(np.int64)
    return X, Y


def _zero_module(module):
    with torch.no_grad():
        for p in module.parameters():
            p.zero_()
    return module


# ---------------------------------------------------------------- module ---
def test_eq4_with_hand_set_weights():
    # All LSTM weights zero: c^t = 0.5 * c + 0.5 * tanh(0) = 0, so h^t = 0
    # and f_spec^t = b^t. Then F^1 = sigmoid(b^1) and
    # F^2 = sigmoid(b^2 + F^1 S) (eq. 4).
    module = _zero_module(RMLCModule([2, 1], n_labels=2, hidden_size=3))
    with torch.no_grad():
        module.dense[0].bias.copy_(torch.tensor([0.0, math.log(3.0)]))
        module.dense[1].bias.copy_(torch.tensor([1.0, -0.75]))
        module.label_correlation.copy_(torch.tensor([[2.0, 0.0], [-4.0, 1.0]]))
    X = torch.tensor([[1.0, -2.0, 0.5]])
    final, steps = module(X)
    # F^1 = [0.5, 0.75]; F^1 S = [0.5*2 - 0.75*4, 0.75] = [-2, 0.75]
    # logits^2 = [1 - 2, -0.75 + 0.75] = [-1, 0]
    np.testing.assert_allclose(steps[0, 0].detach(), [0.0, math.log(3.0)], atol=1e-6)
    np.testing.assert_allclose(steps[0, 1].detach(), [-1.0, 0.0], atol=1e-6)
    np.testing.assert_allclose(final.detach(), [[-1.0, 0.0]], atol=1e-6)

    ns = _zero_module(
        RMLCModule([2, 1], n_labels=2, hidden_size=3, use_label_correlation=False)
    )
    ns.load_state_dict(
        {k: v for k, v in module.state_dict().items() if k != "label_correlation"}
    )
    ns_final, ns_steps = ns(X)
    # RMLC_NS: sigmoid(f_spec^M), no Z S term
    np.testing.assert_allclose(ns_final.detach(), [[1.0, -0.75]], atol=1e-6)
    np.testing.assert_allclose(ns_steps[0, 0].detach(), steps[0, 0].detach())


def test_forward_matches_scalar_peephole_lstm():
    # hidden_size=1, one label: eq. 1-4 written out with Python floats.
    module = _zero_module(RMLCModule([2, 1], n_labels=1, hidden_size=1))
    w1 = [[0.5, -1.0], [0.2, 0.3], [1.0, 0.4], [-0.6, 0.8]]  # i, f, c, o rows
    w2 = [[0.7], [-0.2], [0.9], [0.1]]
    w_h, b = [0.3, -0.4, 0.6, 0.2], [0.1, 0.5, -0.1, 0.0]
    p_i, p_f, p_o = 0.25, -0.5, 0.75
    u1, b1 = [1.5], 0.2
    u2, b2 = [-0.5, 2.0], -0.3
    s = 0.8
    with torch.no_grad():
        module.input_weights[0].weight.copy_(torch.tensor(w1))
        module.input_weights[1].weight.copy_(torch.tensor(w2))
        module.recurrent.weight.copy_(torch.tensor(w_h)[:, None])
        module.recurrent.bias.copy_(torch.tensor(b))
        module.peephole_if.weight.copy_(torch.tensor([[p_i], [p_f]]))
        module.peephole_o.weight.copy_(torch.tensor([[p_o]]))
        module.dense[0].weight.copy_(torch.tensor([u1]))
        module.dense[0].bias.fill_(b1)
        module.dense[1].weight.copy_(torch.tensor([u2]))
        module.dense[1].bias.fill_(b2)
        module.label_correlation.fill_(s)
    x = [0.4, -1.2, 2.0]
    blocks = [x[:2], x[2:]]
    weights = [w1, w2]
    h, c, outs, z_prev, expected = 0.0, 0.0, [], 0.0, []
    for t in range(2):
        pre = [
            sum(wk * xk for wk, xk in zip(weights[t][g], blocks[t], strict=True))
            + w_h[g] * h
            + b[g]
            for g in range(4)
        ]
        i = _sig(pre[0] + p_i * c)
        f = _sig(pre[1] + p_f * c)
        c = f * c + i * math.tanh(pre[2])
        o = _sig(pre[3] + p_o * c)  # output gate sees the new cell state
        h = o * math.tanh(c)
        outs.append(h)
        u, bb = (u1, b1) if t == 0 else (u2, b2)
        logit = sum(uk * hk for uk, hk in zip(u, outs, strict=True)) + bb
        logit += z_prev * s
        expected.append(logit)
        z_prev = _sig(logit)
    final, steps = module(torch.tensor([x]))
    np.testing.assert_allclose(steps[0, :, 0].detach(), expected, rtol=1e-5)
    np.testing.assert_allclose(final[0, 0].item(), expected[-1], rtol=1e-5)


def test_modality_projection_equals_zero_padded_input():
    torch.manual_seed(0)
    sizes = [3, 5, 2]
    module = RMLCModule(sizes, n_labels=4, hidden_size=6)
    X = torch.randn(7, sum(sizes))
    W = module.full_input_weight()
    assert W.shape == (24, 10)
    start = 0
    for t, d in enumerate(sizes):
        padded = torch.zeros_like(X)  # eq. 1: zero outside modality t
        padded[:, start : start + d] = X[:, start : start + d]
        np.testing.assert_allclose(
            (padded @ W.T).detach(),
            module.input_weights[t](X[:, start : start + d]).detach(),
            rtol=1e-5,
            atol=1e-6,
        )
        start += d


def _autograd_reference(module, X):
    """Eq. 1-4 with plain torch ops: autograd differentiates it."""
    h = module.hidden_size
    w_h, b = module.recurrent.weight, module.recurrent.bias
    w_if, w_o = module.peephole_if.weight, module.peephole_o.weight
    S = module.label_correlation
    h_t = c = torch.zeros(X.shape[0], h, dtype=X.dtype)
    outs, logits, start = [], [], 0
    for t, d in enumerate(module.modality_sizes):
        padded = torch.zeros_like(X)  # eq. 1, literally
        padded[:, start : start + d] = X[:, start : start + d]
        start += d
        a = padded @ module.full_input_weight().T + h_t @ w_h.T + b
        i_f = torch.sigmoid(a[:, : 2 * h] + c @ w_if.T)
        i, f = i_f[:, :h], i_f[:, h:]
        c = f * c + i * torch.tanh(a[:, 2 * h : 3 * h])
        o = torch.sigmoid(a[:, 3 * h :] + c @ w_o.T)
        h_t = o * torch.tanh(c)
        outs.append(h_t)
        out = module.dense[t](torch.cat(outs, dim=1))
        if S is not None and logits:
            out = out + torch.sigmoid(logits[-1]) @ S
        logits.append(out)
    return torch.stack(logits, dim=1)


@pytest.mark.parametrize(
    "sizes, correlation",
    [([3, 2, 4], True), ([3, 2, 4], False), ([2, 3], True), ([4], True)],
)
def test_backward_matches_autograd_of_the_equations(sizes, correlation):
    # the module's hand-written backward against autograd of eq. 1-4
    torch.manual_seed(3)
    module = RMLCModule(
        sizes, n_labels=3, hidden_size=5, use_label_correlation=correlation
    ).double()
    if correlation:
        with torch.no_grad():
            module.label_correlation.normal_()
    X = torch.randn(7, sum(sizes), dtype=torch.float64, requires_grad=True)
    weights = torch.randn(7, len(sizes), 3, dtype=torch.float64)

    expected = _autograd_reference(module, X)
    (expected * weights).sum().backward()
    expected_grads = {
        name: torch.zeros_like(p) if p.grad is None else p.grad.clone()
        for name, p in module.named_parameters()
    }
    expected_dX = X.grad.clone()
    module.zero_grad()
    X.grad = None

    final, steps = module(X)
    torch.testing.assert_close(steps, expected)
    torch.testing.assert_close(final, expected[:, -1])
    (steps * weights).sum().backward()
    for name, p in module.named_parameters():
        grad = torch.zeros_like(p) if p.grad is None else p.grad
        torch.testing.assert_close(grad, expected_grads[name], msg=name)
    torch.testing.assert_close(X.grad, expected_dX)
    # a weight no step uses gets no gradient, as with autograd
    if len(sizes) == 1:
        assert module.recurrent.weight.grad is None
    # the forget gate of step 1 multiplies c^0 = 0
    assert not module.input_weights[0].weight.grad[5:10].any()


def test_backward_passes_gradcheck():
    torch.manual_seed(4)
    module = RMLCModule([2, 3, 1], n_labels=2, hidden_size=3).double()
    with torch.no_grad():
        module.label_correlation.normal_()
    X = torch.randn(4, 6, dtype=torch.float64, requires_grad=True)
    names, params = zip(*module.named_parameters(), strict=True)

    def steps(X, *values):
        state = dict(zip(names, values, strict=True))
        return torch.func.functional_call(module, state, (X,))[1]

    assert torch.autograd.gradcheck(steps, (X, *params))


def test_ns_differs_only_by_label_correlation():
    torch.manual_seed(1)
    rmlc = RMLCModule([2, 3, 2], n_labels=3, hidden_size=4)
    ns = RMLCModule([2, 3, 2], n_labels=3, hidden_size=4, use_label_correlation=False)
    assert ns.label_correlation is None
    ns.load_state_dict(
        {k: v for k, v in rmlc.state_dict().items() if k != "label_correlation"}
    )
    X = torch.randn(5, 7)
    # S = 0 (its initial value): identical networks
    np.testing.assert_allclose(rmlc(X)[1].detach(), ns(X)[1].detach())
    with torch.no_grad():
        rmlc.label_correlation.normal_()
    _, steps = rmlc(X)
    _, ns_steps = ns(X)
    # step 1 has Z^0 = 0; later steps differ by Z^{t-1} S exactly
    np.testing.assert_allclose(steps[:, 0].detach(), ns_steps[:, 0].detach())
    assert not np.allclose(steps[:, 2].detach(), ns_steps[:, 2].detach())
    S = rmlc.label_correlation
    for t in (1, 2):
        np.testing.assert_allclose(
            (steps[:, t] - torch.sigmoid(steps[:, t - 1]) @ S).detach(),
            ns_steps[:, t].detach(),
            rtol=1e-5,
            atol=1e-6,
        )


def test_loss_sums_steps_and_dense_penalty():
    torch.manual_seed(2)
    net = RMLCNet(
        module=RMLCModule,
        module__modality_sizes=[2, 2],
        module__n_labels=3,
        module__hidden_size=4,
        criterion=torch.nn.BCEWithLogitsLoss,
        reg_lambda=0.5,
    ).initialize()
    X = torch.randn(6, 4)
    Y = torch.tensor(
        np.random.RandomState(0).randint(0, 2, (6, 3)), dtype=torch.float32
    )
    y_pred = net.module_(X)
    loss = net.get_loss(y_pred, Y, X=X)
    steps = y_pred[1]
    bce = torch.nn.functional.binary_cross_entropy
    expected = bce(torch.sigmoid(steps[:, 0]), Y) + bce(torch.sigmoid(steps[:, 1]), Y)
    u1, u2 = net.module_.dense[0].weight, net.module_.dense[1].weight
    expected = expected + 0.5 * ((u1**2).sum() + (u2**2).sum())
    assert u1.shape == (3, 4) and u2.shape == (3, 8)  # U^t acts on [h^1..h^t]
    np.testing.assert_allclose(loss.item(), expected.item(), rtol=1e-5)


# ------------------------------------------------------------- estimator ---
def test_fit_predict_multilabel(multilabel_data):
    X, Y = multilabel_data
    X_before, Y_before = X.copy(), Y.copy()
    clf = RMLCClassifier([3, 3], random_state=0, **FAST).fit(X, Y)
    np.testing.assert_array_equal(X, X_before)
    np.testing.assert_array_equal(Y, Y_before)
    proba = clf.predict_proba(X)
    pred = clf.predict(X)
    assert proba.shape == pred.shape == (80, 3)
    assert set(np.unique(pred)) <= {0, 1}
    np.testing.assert_array_equal(pred, (proba >= 0.4).astype(int))
    # decision_function: logits minus the log-odds of threshold=0.4
    logits = clf.decision_function(X) + np.log(0.4 / 0.6)
    np.testing.assert_allclose(proba, 1 / (1 + np.exp(-logits)))
    np.testing.assert_array_equal(clf.classes_, [0, 1, 2])
    assert clf.n_features_in_ == 6
    assert (pred == Y).mean() > 0.8
    high = clf.set_params(threshold=0.9).predict(X)
    assert high.sum() < pred.sum()


def test_deterministic_under_random_state(multilabel_data):
    X, Y = multilabel_data
    a = RMLCClassifier(ONE, random_state=3, **FAST).fit(X, Y).predict_proba(X)
    b = RMLCClassifier(ONE, random_state=3, **FAST).fit(X, Y).predict_proba(X)
    c = RMLCClassifier(ONE, random_state=4, **FAST).fit(X, Y).predict_proba(X)
    np.testing.assert_array_equal(a, b)
    assert not np.allclose(a, c)


def test_rmlc_ns_estimator_has_no_correlation(multilabel_data):
    X, Y = multilabel_data
    clf = RMLCClassifier(
        [2, 4], use_label_correlation=False, random_state=0, **FAST
    ).fit(X, Y)
    assert clf.net_.module_.label_correlation is None
    full = RMLCClassifier([2, 4], random_state=0, **FAST).fit(X, Y)
    assert full.net_.module_.label_correlation.abs().sum() > 0  # S is learned


def test_modalities_auto_from_dataframe_names(multilabel_data):
    pd = pytest.importorskip("pandas")
    X, Y = multilabel_data
    cols = ["b__x0", "a__x0", "b__x1", "a__x1", "c__x0", "b__x2"]
    df = pd.DataFrame(X, columns=cols)
    clf = RMLCClassifier(random_state=0, **FAST).fit(df, Y)
    assert clf.modality_names_ == ["b", "a", "c"]
    np.testing.assert_array_equal(clf.modalities_["b"], [0, 2, 5])
    np.testing.assert_array_equal(clf.modalities_["a"], [1, 3])
    assert clf.net_.module_.modality_sizes == [3, 2, 1]
    # same groups given explicitly -> same network and predictions
    explicit = RMLCClassifier(
        {"b": [0, 2, 5], "a": ["a__x0", "a__x1"], "c": [4]}, random_state=0, **FAST
    ).fit(df, Y)
    np.testing.assert_allclose(explicit.predict_proba(df), clf.predict_proba(df))
    ordered = RMLCClassifier(modality_order=["c", "a", "b"], random_state=0, **FAST)
    ordered.fit(df, Y)
    assert ordered.modality_names_ == ["c", "a", "b"]
    assert ordered.net_.module_.modality_sizes == [1, 2, 3]
    # one modality only when asked for
    single = RMLCClassifier(ONE, random_state=0, **FAST).fit(X, Y)
    assert single.modality_names_ == ["all"]
    assert len(single.net_.module_.dense) == 1


def test_modalities_sizes_and_groups(multilabel_data):
    X, Y = multilabel_data
    sizes = RMLCClassifier([2, 4], random_state=0, **FAST).fit(X, Y)
    groups = RMLCClassifier([[0, 1], [2, 3, 4, 5]], random_state=0, **FAST).fit(X, Y)
    np.testing.assert_allclose(sizes.predict_proba(X), groups.predict_proba(X))
    perm = RMLCClassifier([[4, 0], [5, 1, 2, 3]], random_state=0, **FAST).fit(X, Y)
    assert perm.modality_names_ == ["0", "1"]
    np.testing.assert_array_equal(perm.modalities_["0"], [4, 0])
    reordered = RMLCClassifier(
        [2, 4], modality_order=[1, 0], random_state=0, **FAST
    ).fit(X, Y)
    assert reordered.modality_names_ == ["1", "0"]
    assert not np.allclose(reordered.predict_proba(X), sizes.predict_proba(X))


@pytest.mark.parametrize(
    "params, match",
    [
        (dict(modalities=[2, 2]), "sum to the number of features"),
        (dict(modalities=[[0, 1, 2], [2, 3, 4, 5]]), "overlap"),
        (dict(modalities=[[0, 1], [2, 3]]), "belong to none"),
        (dict(modalities=[[0, 1], [2, 3, 4, 9]]), "outside"),
        (dict(modalities="columns"), "modalities"),
        (dict(modalities=[2, 4], modality_order=[0, 0]), "exactly once"),
        (dict(modalities=[2, 4], modality_order=["x", 1]), "unknown modality"),
        (dict(hidden_size=0), "hidden_size"),
        (dict(lr=-1.0), "lr"),
        (dict(reg_lambda=float("nan")), "reg_lambda"),
        (dict(threshold=2.0), "threshold"),
        (dict(train_split=1.5), "train_split"),
        (dict(optimizer_weight_decay=0.1), "optimizer_weight_decay"),
        (dict(device="gpu:x"), "device"),
        (dict(criterion="bce"), "criterion"),
    ],
)
def test_invalid_parameters(multilabel_data, params, match):
    X, Y = multilabel_data
    with pytest.raises(ValueError, match=match):
        RMLCClassifier(**params).fit(X, Y)


def test_auto_rejects_mixed_names(multilabel_data):
    pd = pytest.importorskip("pandas")
    X, Y = multilabel_data
    df = pd.DataFrame(X, columns=["a__0", "a__1", "b__0", "b__1", "b__2", "plain"])
    with pytest.raises(ValueError, match="no prefix"):
        RMLCClassifier().fit(df, Y)


def test_invalid_targets(multilabel_data):
    X, Y = multilabel_data
    with pytest.raises(ValueError, match="binary indicator"):
        RMLCClassifier().fit(X, Y * 2)
    with pytest.raises(ValueError, match="1 class"):
        RMLCClassifier().fit(X, np.zeros(80, dtype=int))
    with pytest.raises(ValueError, match="Unknown label type"):
        RMLCClassifier().fit(X, np.linspace(0, 1, 80))


def test_binary_and_multiclass_targets(multilabel_data):
    X, _ = multilabel_data
    y_bin = np.where(X[:, 0] > 0, "yes", "no")
    clf = RMLCClassifier(ONE, random_state=0, **FAST).fit(X, y_bin)
    np.testing.assert_array_equal(clf.classes_, ["no", "yes"])
    proba = clf.predict_proba(X)
    assert proba.shape == (80, 2)
    np.testing.assert_allclose(proba.sum(axis=1), 1.0)
    assert clf.decision_function(X).shape == (80,)
    assert (clf.predict(X) == y_bin).mean() > 0.8

    y_multi = np.digitize(X[:, 0], [-0.5, 0.5])
    clf = RMLCClassifier(ONE, random_state=0, **FAST).fit(X, y_multi)
    proba = clf.predict_proba(X)
    assert proba.shape == (80, 3)
    np.testing.assert_allclose(proba.sum(axis=1), 1.0)
    np.testing.assert_array_equal(clf.predict(X), np.argmax(proba, axis=1))


def test_clone_pickle_and_routed_params(multilabel_data):
    X, Y = multilabel_data
    clf = RMLCClassifier(ONE, random_state=0, optimizer__weight_decay=1e-3, **FAST)
    params = clf.get_params()
    assert params["optimizer__weight_decay"] == 1e-3
    cloned = clone(clf)
    assert cloned.get_params()["optimizer__weight_decay"] == 1e-3
    assert "net_" not in vars(cloned)
    cloned.set_params(optimizer__weight_decay=0.5, hidden_size=4)
    assert cloned.optimizer__weight_decay == 0.5 and cloned.hidden_size == 4
    clf.fit(X, Y)
    assert clf.net_.optimizer_.param_groups[0]["weight_decay"] == 1e-3
    restored = pickle.loads(pickle.dumps(clf))
    np.testing.assert_array_equal(restored.predict_proba(X), clf.predict_proba(X))


def test_grid_search_over_module_and_optimizer_params(multilabel_data):
    X, Y = multilabel_data
    grid = GridSearchCV(
        RMLCClassifier(ONE, random_state=0, max_epochs=5, batch_size=32),
        {
            "hidden_size": [4, 8],
            "use_label_correlation": ["auto", False],
            "optimizer__weight_decay": [0.0, 1e-2],
            "lr": [0.03],
        },
        cv=KFold(2),
        scoring="f1_micro",
    ).fit(X, Y)
    assert len(grid.cv_results_["params"]) == 8
    assert np.all(np.isfinite(grid.cv_results_["mean_test_score"]))
    assert (
        grid.best_estimator_.net_.module_.hidden_size
        == grid.best_params_["hidden_size"]
    )


def test_train_split_and_verbose_epoch_table(multilabel_data, capsys):
    X, Y = multilabel_data
    clf = RMLCClassifier(
        ONE, train_split=0.25, verbose=1, random_state=0, max_epochs=3, hidden_size=4
    ).fit(X, Y)
    out = capsys.readouterr().out
    assert "train_loss" in out and "valid_loss" in out
    assert len(clf.net_.history) == 3
    assert np.isfinite(clf.net_.history[-1, "valid_loss"])
    clf = RMLCClassifier(ONE, train_split=4, random_state=0, max_epochs=2).fit(X, Y)
    assert np.isfinite(clf.net_.history[-1, "valid_loss"])


class _SpyCriterion(torch.nn.Module):
    """BCE that checks that the weights of every batch belong to its rows."""

    def __init__(self):
        super().__init__()
        self.calls = 0

    def forward(self, logits, target, weight=None, neg_weight=None):
        # the weights were built as 10 + Y and 20 + Y
        assert torch.equal(weight - 10, target)
        assert torch.equal(neg_weight - 20, target)
        self.calls += 1
        return torch.nn.functional.binary_cross_entropy_with_logits(logits, target)


def test_weights_follow_samples_through_batches(multilabel_data):
    X, Y = multilabel_data
    clf = RMLCClassifier(
        [3, 3], criterion=_SpyCriterion, random_state=0, max_epochs=2, batch_size=16
    )
    clf.fit(X, Y, sample_weight=10 + Y, neg_weight=20 + Y)
    assert clf.net_.criterion_.calls == 2 * 5 * 2  # epochs * batches * steps
    with pytest.raises(ValueError, match="does not accept"):
        RMLCClassifier(ONE, criterion=torch.nn.BCEWithLogitsLoss, max_epochs=1).fit(
            X, Y, sample_weight=np.ones(80)
        )
    with pytest.raises(ValueError, match="shape"):
        RMLCClassifier(ONE, criterion=_SpyCriterion).fit(
            X, Y, sample_weight=np.ones((80, 2))
        )


def test_weights_follow_cv_splits(multilabel_data):
    X, Y = multilabel_data
    result = cross_validate(
        RMLCClassifier(ONE, criterion=_SpyCriterion, max_epochs=1, random_state=0),
        X,
        Y,
        cv=KFold(3, shuffle=True, random_state=0),
        params={"sample_weight": 10 + Y, "neg_weight": 20 + Y},
    )
    assert len(result["test_score"]) == 3
    with pytest.raises(ValueError, match="zero everywhere"):
        RMLCClassifier(ONE, criterion=_SpyCriterion).fit(
            X, Y, sample_weight=np.zeros(80)
        )


def test_skmml_losses_as_criterion(multilabel_data):
    losses = pytest.importorskip("skmml.losses")
    X, Y = multilabel_data
    if hasattr(losses, "WeightedBCELoss"):
        # all-one weights are the plain BCE
        plain = RMLCClassifier(
            ONE, criterion=torch.nn.BCEWithLogitsLoss, random_state=0, **FAST
        ).fit(X, Y)
        weighted = RMLCClassifier(
            ONE, criterion=losses.WeightedBCELoss, random_state=0, **FAST
        ).fit(X, Y, sample_weight=np.ones(80), neg_weight=np.ones_like(Y))
        np.testing.assert_allclose(
            weighted.predict_proba(X), plain.predict_proba(X), rtol=1e-4, atol=1e-6
        )
        # IM-WCE style: zero negative weight on label 0 pushes it towards 1
        neg = np.ones_like(Y)
        neg[:, 0] = 0
        ignored = RMLCClassifier(ONE, random_state=0, **FAST).fit(X, Y, neg_weight=neg)
        assert (
            ignored.predict_proba(X)[:, 0].mean() > plain.predict_proba(X)[:, 0].mean()
        )
        np.testing.assert_allclose(
            weighted.predict_proba(X), plain.predict_proba(X), rtol=1e-4, atol=1e-6
        )
    if hasattr(losses, "LogitAdjustedBCELoss"):
        clf = RMLCClassifier(
            ONE, criterion=losses.LogitAdjustedBCELoss, criterion__tau=0.5, **FAST
        ).fit(X, Y)
        assert clf.net_.criterion_.tau == 0.5
        np.testing.assert_allclose(
            clf.net_.criterion_.prior_log_odds_.numpy(),
            losses.label_prior_log_odds(Y),
            rtol=1e-6,
        )
    if hasattr(losses, "SigmoidF1Loss"):
        clf = RMLCClassifier(
            ONE, criterion=losses.SigmoidF1Loss, criterion__beta=2.0, **FAST
        ).fit(X, Y)
        assert clf.predict(X).shape == Y.shape


def test_label_priors_come_from_the_training_rows_only():
    losses = pytest.importorskip("skmml.losses")
    rng = np.random.RandomState(0)
    X = rng.normal(size=(40, 4))
    Y = np.zeros((40, 2), dtype=np.int64)
    Y[:5, 0] = 1  # 5 of the 20 training rows
    Y[20:, 0] = 1  # every validation row
    Y[::2, 1] = 1
    Y[1, 1] = 1

    def first_half_trains(dataset, y=None):
        return Subset(dataset, range(20)), Subset(dataset, range(20, 40))

    clf = RMLCClassifier(
        ONE,
        criterion=losses.LogitAdjustedBCELoss,
        train_split=first_half_trains,
        random_state=0,
        **FAST,
    ).fit(X, Y)
    np.testing.assert_allclose(
        clf.net_.criterion_.prior_log_odds_.numpy(),
        [math.log(5 / 15), math.log(11 / 9)],
        rtol=1e-6,
    )
    assert "valid_loss" in clf.net_.history[-1]
    # no split: the priors of all rows
    clf.set_params(train_split=None).fit(X, Y)
    np.testing.assert_allclose(
        clf.net_.criterion_.prior_log_odds_.numpy(),
        losses.label_prior_log_odds(Y),
        rtol=1e-6,
    )


def test_pipeline_with_concatenator_and_selector():
    compose = pytest.importorskip("skmml.compose")
    fs = pytest.importorskip("skmml.feature_selection")
    datasets = pytest.importorskip("skmml.datasets")
    pytest.importorskip("pandas")
    X, Y, modalities = datasets.make_multimodal_multilabel(
        120, modality_dims=[6, 5, 4], n_labels=3, random_state=0
    )
    pipe = Pipeline(
        [
            (
                "concat",
                compose.MultiModalConcatenator(
                    [(name, "passthrough", cols) for name, cols in modalities.items()]
                ),
            ),
            (
                "select",
                fs.RFRecursiveSelector(
                    forest=RandomForestClassifier(n_estimators=10, random_state=0),
                    min_features_to_select=8,
                    stopping="best",
                    cv=2,
                    random_state=0,
                ),
            ),
            ("rmlc", RMLCClassifier(random_state=0, **FAST)),
        ]
    ).set_output(transform="pandas")
    pipe.fit(X, Y)
    rmlc = pipe.named_steps["rmlc"]
    # names "m0__x3" written by the concatenator, kept by the selector
    assert set(rmlc.modality_names_) <= set(modalities)
    assert len(rmlc.modality_names_) > 1
    kept = pipe.named_steps["select"].get_feature_names_out()
    for name, cols in rmlc.modalities_.items():
        assert all(kept[j].startswith(name + "__") for j in cols)
    assert pipe.predict(X).shape == Y.shape


def test_import_skmml_does_not_import_torch():
    code = "import sys, skmml; sys.exit('torch' in sys.modules)"
    root = Path(__file__).resolve().parents[3]
    result = subprocess.run([sys.executable, "-c", code], cwd=root, check=False)
    assert result.returncode == 0
