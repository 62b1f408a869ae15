"""RMLC's linear skip: logits^t += sum_{s <= t} V^s x^s (issue 12)."""

import pickle

import numpy as np
import pytest

torch = pytest.importorskip("torch")

from skmml.neural import RMLCClassifier, RMLCModule, RMLCNet  # noqa: E402


def _pair(**kwargs):
    """The same network without and with the skip (V set by hand)."""
    torch.manual_seed(0)
    plain = RMLCModule([2, 1], n_labels=2, hidden_size=3, **kwargs).double()
    torch.manual_seed(0)
    skip = RMLCModule([2, 1], n_labels=2, hidden_size=3, linear_skip=True, **kwargs)
    skip = skip.double()
    with torch.no_grad():
        skip.linear_weights[0].copy_(torch.tensor([[1.0, -2.0], [0.5, 0.0]]))
        skip.linear_weights[1].copy_(torch.tensor([[3.0], [-1.0]]))
    return plain, skip


def test_skip_term_hand_computed():
    plain, skip = _pair()
    X = torch.tensor([[1.0, 2.0, -1.0]], dtype=torch.float64)
    final0, steps0 = plain(X)
    final, steps = skip(X)
    # V^1 x^1 = [1 - 4, 0.5] = [-3, 0.5]; V^2 x^2 = [-3, 1]
    np.testing.assert_allclose(
        (steps - steps0).detach()[0], [[-3.0, 0.5], [-6.0, 1.5]], atol=1e-12
    )
    np.testing.assert_allclose((final - final0).detach(), [[-6.0, 1.5]], atol=1e-12)


def test_skip_off_draws_nothing_and_starts_at_zero():
    # linear_skip=False is the earlier network, bit for bit; V starts at 0
    # and is created without drawing from torch's generator
    torch.manual_seed(0)
    plain = RMLCModule([2, 3], n_labels=2, hidden_size=4)
    after_plain = torch.rand(1)
    torch.manual_seed(0)
    skip = RMLCModule([2, 3], n_labels=2, hidden_size=4, linear_skip=True)
    assert torch.equal(torch.rand(1), after_plain)
    assert plain.linear_weights is None
    assert [tuple(w.shape) for w in skip.linear_weights] == [(2, 2), (2, 3)]
    X = torch.randn(5, 5)
    assert torch.equal(plain(X)[1], skip(X)[1])
    for name, p in plain.named_parameters():
        assert torch.equal(p, dict(skip.named_parameters())[name])


def test_missing_modality_contributes_no_skip_term():
    plain, skip = _pair()
    X = torch.tensor([[1.0, 2.0, -1.0], [np.nan, np.nan, -1.0]], dtype=torch.float64)
    X[0, 2] = np.nan  # row 0 misses modality 2, row 1 modality 1
    final0, steps0 = plain(X)
    final, steps = skip(X)
    diff = (steps - steps0).detach()
    # row 0: V^1 x^1 carried over the missing step; row 1: only V^2 x^2
    np.testing.assert_allclose(diff[0], [[-3.0, 0.5], [-3.0, 0.5]], atol=1e-12)
    np.testing.assert_allclose(diff[1], [[0.0, 0.0], [-3.0, 1.0]], atol=1e-12)
    np.testing.assert_allclose((final - final0).detach(), diff[:, -1], atol=1e-12)
    # a complete row: the same in a batch with missing blocks as alone
    Z = torch.tensor([[0.3, -0.2, 0.7]], dtype=torch.float64)
    alone = skip(Z)[0]
    mixed = skip(torch.cat([Z, X]))[0][:1]
    np.testing.assert_allclose(mixed.detach(), alone.detach(), rtol=1e-12)


def test_gradient_of_the_skip_and_penalty():
    _, skip = _pair()
    X = torch.tensor([[1.0, 2.0, -1.0]], dtype=torch.float64)
    final, _ = skip(X)
    grads = torch.autograd.grad(final.sum(), list(skip.linear_weights))
    # d(sum final)/dV^s = 1 x^s for every label
    np.testing.assert_allclose(grads[0], [[1.0, 2.0], [1.0, 2.0]])
    np.testing.assert_allclose(grads[1], [[-1.0], [-1.0]])
    expected = sum(float((lin.weight.detach() ** 2).sum()) for lin in skip.dense)
    expected += 1 + 4 + 0.25 + 9 + 1
    assert skip.dense_penalty().item() == pytest.approx(expected)


def test_net_loss_penalises_v():
    torch.manual_seed(2)
    net = RMLCNet(
        module=RMLCModule,
        module__modality_sizes=[2, 2],
        module__n_labels=3,
        module__hidden_size=4,
        module__linear_skip=True,
        criterion=torch.nn.BCEWithLogitsLoss,
        reg_lambda=0.5,
    ).initialize()
    with torch.no_grad():
        net.module_.linear_weights[1].fill_(1.0)  # ||V^2||^2 = 6
    X, Y = torch.randn(4, 4), torch.ones(4, 3)
    y_pred = net.module_(X)
    with_v = net.get_loss(y_pred, Y, X=X).item()
    with torch.no_grad():
        net.module_.linear_weights[1].zero_()
    # same predictions, the penalty without ||V^2||^2
    assert with_v - net.get_loss(y_pred, Y, X=X).item() == pytest.approx(3.0)


def _data():
    rng = np.random.RandomState(0)
    X = rng.normal(size=(80, 6))
    Y = np.column_stack([X[:, 0] > 0.3, X[:, 3] + X[:, 4] > 0]).astype(np.int64)
    return X, Y


def test_estimator_default_and_paper_network():
    X, Y = _data()
    fast = dict(hidden_size=4, max_epochs=3, random_state=0)
    clf = RMLCClassifier([3, 3], **fast).fit(X, Y)
    assert clf.linear_skip is True
    assert clf.net_.module_.linear_skip
    assert all(w.abs().sum() > 0 for w in clf.net_.module_.linear_weights)  # trained
    paper = RMLCClassifier([3, 3], linear_skip=False, **fast).fit(X, Y)
    assert paper.net_.module_.linear_weights is None
    restored = pickle.loads(pickle.dumps(clf))
    np.testing.assert_array_equal(restored.predict_proba(X), clf.predict_proba(X))


def test_module_pickled_before_the_option_loads_without_skip():
    module = RMLCModule([2, 1], n_labels=2, hidden_size=3)
    state = module.__dict__.copy()
    del state["linear_skip"], state["linear_weights"]
    restored = RMLCModule.__new__(RMLCModule)
    restored.__setstate__(state)
    assert restored.linear_skip is False and restored.linear_weights is None
    X = torch.randn(3, 3)
    assert torch.equal(restored(X)[0], module(X)[0])


def test_invalid_linear_skip():
    X, Y = _data()
    with pytest.raises(ValueError, match="linear_skip"):
        RMLCClassifier([3, 3], linear_skip="yes").fit(X, Y)


@pytest.mark.parametrize("reduction", ["mean", "sum"])
def test_fused_class_balanced_loss_equals_the_step_loop(reduction):
    # the default criterion takes the one-kernel path of eq. 5: same loss
    # and gradient as ClassBalancedLoss summed over the steps
    from skmml.losses import ClassBalancedLoss
    from skmml.neural._rmlc_module import _fused_bce_weights

    torch.manual_seed(0)
    Y = torch.tensor(
        np.random.RandomState(0).randint(0, 2, (8, 3)), dtype=torch.float64
    )
    Y[:, 2] = 0
    Y[0, 2] = 1  # a rare label: large positive weight
    criterion = ClassBalancedLoss(beta=0.99, reduction=reduction).double()
    criterion.fit_priors(Y.numpy())
    steps = torch.randn(8, 2, 3, dtype=torch.float64, requires_grad=True)
    fused = _fused_bce_weights(criterion, steps)
    assert set(fused) == {"weight", "pos_weight"}
    loss = torch.nn.functional.binary_cross_entropy_with_logits(
        steps, Y.unsqueeze(1).expand_as(steps), reduction=reduction, **fused
    )
    if reduction == "mean":
        loss = loss * 2
    loop = criterion(steps[:, 0], Y) + criterion(steps[:, 1], Y)
    np.testing.assert_allclose(loss.item(), loop.item(), rtol=1e-12)
    g = torch.autograd.grad(loss, steps)[0]
    g_loop = torch.autograd.grad(loop, steps)[0]
    np.testing.assert_allclose(g, g_loop, rtol=1e-10, atol=1e-14)
    # not fused: focal gamma, priors not fitted
    assert _fused_bce_weights(ClassBalancedLoss(gamma=1.0), steps) is None
    assert _fused_bce_weights(ClassBalancedLoss(), steps) is None


def test_net_loss_uses_the_fused_class_balanced_path(monkeypatch):
    from skmml.losses import ClassBalancedLoss
    from skmml.neural import _rmlc_module

    calls = []
    fuse = _rmlc_module._fused_bce_weights

    def spy(criterion, step_logits):
        calls.append(fuse(criterion, step_logits))
        return calls[-1]

    monkeypatch.setattr(_rmlc_module, "_fused_bce_weights", spy)
    X, Y = _data()
    clf = RMLCClassifier([3, 3], hidden_size=4, max_epochs=1, random_state=0).fit(X, Y)
    net = clf.net_
    assert type(net.criterion_) is ClassBalancedLoss
    Xt = torch.as_tensor(X, dtype=torch.float32)
    y_pred = net.module_(Xt)
    net._complete_targets = True
    fused = net.get_loss(y_pred, Y, X=Xt)
    steps = y_pred[1].unbind(1)
    Yt = torch.as_tensor(Y, dtype=torch.float32)
    loop = sum(net.criterion_(s, Yt) for s in steps)
    loop = loop + net.reg_lambda * net.module_.dense_penalty()
    np.testing.assert_allclose(fused.item(), loop.item(), rtol=1e-5)
    assert calls and all(c is not None and "pos_weight" in c for c in calls)
