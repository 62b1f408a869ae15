"""RMLC's speed and device modes: diagonal peepholes, CUDA graphs, the fast loss.

The CUDA-graph plumbing (static buffers, shapes, stale states, fallbacks)
is tested on the CPU with a stand-in capture that re-runs the captured
function into the same output tensors; the tests marked ``cuda`` run the
real capture and are skipped without a GPU.
"""

import copy
import pickle

import numpy as np
import pytest

torch = pytest.importorskip("torch")
pytest.importorskip("skorch")

from skmml.losses import WeightedBCELoss  # noqa: E402
from skmml.neural import (  # noqa: E402
    RMLCClassifier,
    RMLCModule,
    RMLCNet,
    _rmlc_module,  # noqa: E402
)
from skmml.neural._base import _RowBatchDataset  # noqa: E402

cuda = pytest.mark.skipif(not torch.cuda.is_available(), reason="needs CUDA")


def _copy_into(dst, src):
    if isinstance(dst, torch.Tensor):
        dst.copy_(src)
    elif isinstance(dst, (tuple, list)):
        for d, s in zip(dst, src, strict=True):
            if d is not None:
                _copy_into(d, s)


def _replaying_capture(fn):
    """Stand-in for a CUDA graph: replay re-runs ``fn`` into the same outputs."""
    outputs = fn()

    def replay():
        _copy_into(outputs, fn())

    return replay, outputs, None


@pytest.fixture
def emulated_graphs(monkeypatch):
    monkeypatch.setattr(_rmlc_module, "_graphable", lambda X: True)
    monkeypatch.setattr(
        _rmlc_module._StepGraphs, "capture", staticmethod(_replaying_capture)
    )


def _pair(sizes=(3, 2, 4), **kwargs):
    torch.manual_seed(0)
    graphed = RMLCModule(
        list(sizes), n_labels=3, hidden_size=5, cuda_graphs=True, **kwargs
    )
    eager = RMLCModule(
        list(sizes), n_labels=3, hidden_size=5, cuda_graphs=False, **kwargs
    )
    with torch.no_grad():
        graphed.label_correlation.normal_()
    eager.load_state_dict(graphed.state_dict())
    return graphed, eager


def _grads(module):
    return {name: p.grad.clone() for name, p in module.named_parameters()}


def _step(module, X, weights):
    module.zero_grad()
    _, steps = module(X)
    (steps * weights).sum().backward()
    return steps.detach()


# ------------------------------------------------------- CUDA-graph logic ---
def test_graph_replays_equal_eager_steps_while_training(emulated_graphs):
    graphed, eager = _pair()
    opt_g = torch.optim.SGD(graphed.parameters(), lr=0.1)
    opt_e = torch.optim.SGD(eager.parameters(), lr=0.1)
    rng = torch.Generator().manual_seed(0)
    for n in (6, 6, 4, 6, 4):  # full batches and a last, smaller one
        X = torch.randn(n, 9, generator=rng)
        weights = torch.randn(n, 3, 3, generator=rng)
        torch.testing.assert_close(
            _step(graphed, X, weights), _step(eager, X, weights), rtol=0, atol=0
        )
        g, e = _grads(graphed), _grads(eager)
        for name in e:
            torch.testing.assert_close(g[name], e[name], rtol=0, atol=0, msg=name)
        opt_g.step()
        opt_e.step()
    assert len(graphed._step_graphs.runners) == 2  # one pair per batch shape
    assert not eager._step_graphs.runners


def test_backward_of_an_older_forward_recomputes_its_state(emulated_graphs):
    graphed, eager = _pair()
    X1, X2 = torch.randn(5, 9), torch.randn(5, 9)
    w1, w2 = torch.randn(5, 3, 3), torch.randn(5, 3, 3)
    steps1 = graphed(X1)[1]
    steps2 = graphed(X2)[1]  # replays over the state of X1
    (steps1 * w1).sum().backward()
    g1 = _grads(graphed)
    graphed.zero_grad()
    (steps2 * w2).sum().backward()
    g2 = _grads(graphed)
    for X, w, g in ((X1, w1, g1), (X2, w2, g2)):
        eager.zero_grad()
        (eager(X)[1] * w).sum().backward()
        for name, grad in _grads(eager).items():
            torch.testing.assert_close(g[name], grad, msg=name)


def test_new_parameter_storage_is_captured_again(emulated_graphs):
    graphed, eager = _pair()
    X = torch.randn(4, 9)
    graphed(X)[1].sum().backward()
    runner = graphed._step_graphs.runners[next(iter(graphed._step_graphs.runners))]
    with torch.no_grad():  # e.g. load_state_dict(assign=True) or .to()
        graphed.recurrent.weight.data = graphed.recurrent.weight.data * 2
        eager.recurrent.weight.data = eager.recurrent.weight.data * 2
    steps = graphed(X)[1]
    assert graphed._step_graphs.runners[next(iter(graphed._step_graphs.runners))]
    assert all(r is not runner for r in graphed._step_graphs.runners.values())
    torch.testing.assert_close(steps, eager(X)[1])


def test_failed_capture_warns_once_and_runs_eagerly(monkeypatch):
    calls = []

    def failing_capture(fn):
        calls.append(1)
        raise RuntimeError("operation not permitted when stream is capturing")

    monkeypatch.setattr(_rmlc_module, "_graphable", lambda X: True)
    monkeypatch.setattr(
        _rmlc_module._StepGraphs, "capture", staticmethod(failing_capture)
    )
    graphed, eager = _pair()
    X = torch.randn(4, 9)
    with pytest.warns(RuntimeWarning, match="capturing the CUDA graphs failed"):
        steps = graphed(X)[1]
    torch.testing.assert_close(steps, eager(X)[1], rtol=0, atol=0)
    steps.sum().backward()
    graphed(X)  # no second try, no second warning
    assert len(calls) == 1


def test_no_graphs_without_autograd_or_for_input_gradients(emulated_graphs):
    graphed, _ = _pair()
    with torch.no_grad():
        graphed(torch.randn(4, 9))
    graphed(torch.randn(4, 9, requires_grad=True))
    assert not graphed._step_graphs.runners


def test_graphs_are_dropped_by_pickle_and_deepcopy(emulated_graphs):
    graphed, _ = _pair()
    X = torch.randn(4, 9)
    graphed(X)[1].sum().backward()
    assert graphed._step_graphs.runners
    for restored in (pickle.loads(pickle.dumps(graphed)), copy.deepcopy(graphed)):
        assert not restored._step_graphs.runners
        torch.testing.assert_close(restored(X)[1], graphed(X)[1])


def test_estimator_fit_with_emulated_graphs_equals_eager(emulated_graphs):
    rng = np.random.RandomState(0)
    X = rng.normal(size=(50, 6))
    Y = (X[:, :3] > 0).astype(int)
    params = dict(hidden_size=4, max_epochs=3, batch_size=16, random_state=0)
    graphed = RMLCClassifier([2, 4], cuda_graphs=True, **params).fit(X, Y)
    eager = RMLCClassifier([2, 4], cuda_graphs=False, **params).fit(X, Y)
    assert graphed.net_.module_._step_graphs.runners  # 16 and the last 2 rows
    np.testing.assert_array_equal(graphed.predict_proba(X), eager.predict_proba(X))


# ---------------------------------------------------- diagonal peepholes ---
def _diagonal_reference(module, X):
    """Eq. 1-4 with diagonal peepholes, in plain torch ops."""
    h = module.hidden_size
    w_h, b = module.recurrent.weight, module.recurrent.bias
    p_if, p_o = module.peephole_if.weight, module.peephole_o.weight
    S = module.label_correlation
    h_t = c = torch.zeros(X.shape[0], h, dtype=X.dtype)
    outs, logits, start = [], [], 0
    for t, d in enumerate(module.modality_sizes):
        a = X[:, start : start + d] @ module.input_weights[t].weight.T
        a = a + h_t @ w_h.T + b
        start += d
        i_f = torch.sigmoid(a[:, : 2 * h] + torch.cat([c, c], dim=1) * p_if)
        i, f = i_f[:, :h], i_f[:, h:]
        c = f * c + i * torch.tanh(a[:, 2 * h : 3 * h])
        o = torch.sigmoid(a[:, 3 * h :] + c * p_o)
        h_t = o * torch.tanh(c)
        outs.append(h_t)
        out = module.dense[t](torch.cat(outs, dim=1))
        if S is not None and logits:
            out = out + torch.sigmoid(logits[-1]) @ S
        logits.append(out)
    return torch.stack(logits, dim=1)


@pytest.mark.parametrize("sizes, correlation", [([3, 2, 4], True), ([2], False)])
def test_diagonal_peephole_matches_autograd_of_the_equations(sizes, correlation):
    torch.manual_seed(5)
    module = RMLCModule(
        sizes,
        n_labels=3,
        hidden_size=4,
        use_label_correlation=correlation,
        peephole="diagonal",
    ).double()
    assert module.peephole_if.weight.shape == (8,)
    assert module.peephole_o.weight.shape == (4,)
    if correlation:
        with torch.no_grad():
            module.label_correlation.normal_()
    X = torch.randn(6, sum(sizes), dtype=torch.float64, requires_grad=True)
    weights = torch.randn(6, len(sizes), 3, dtype=torch.float64)
    expected = _diagonal_reference(module, X)
    (expected * weights).sum().backward()
    expected_grads = {n: p.grad.clone() for n, p in module.named_parameters()}
    expected_dX = X.grad.clone()
    module.zero_grad()
    X.grad = None
    steps = module(X)[1]
    torch.testing.assert_close(steps, expected)
    (steps * weights).sum().backward()
    for name, p in module.named_parameters():
        grad = torch.zeros_like(p) if p.grad is None else p.grad
        torch.testing.assert_close(grad, expected_grads[name], msg=name)
    torch.testing.assert_close(X.grad, expected_dX)
    # the module form of the block equals its use in the recurrence
    c = torch.randn(6, 4, dtype=torch.float64)
    torch.testing.assert_close(
        module.peephole_if(c), torch.cat([c, c], dim=1) * module.peephole_if.weight
    )


def test_diagonal_peephole_gradcheck():
    torch.manual_seed(6)
    module = RMLCModule([2, 3], n_labels=2, hidden_size=3, peephole="diagonal")
    module = module.double()
    with torch.no_grad():
        module.label_correlation.normal_()
    X = torch.randn(4, 5, dtype=torch.float64, requires_grad=True)
    names, params = zip(*module.named_parameters(), strict=True)

    def steps(X, *values):
        state = dict(zip(names, values, strict=True))
        return torch.func.functional_call(module, state, (X,))[1]

    assert torch.autograd.gradcheck(steps, (X, *params))


def test_diagonal_peephole_estimator():
    rng = np.random.RandomState(0)
    X = rng.normal(size=(60, 5))
    Y = np.column_stack([X[:, 0] > 0, X[:, 3] + X[:, 4] > 0]).astype(int)
    clf = RMLCClassifier(
        [3, 2],
        peephole="diagonal",
        hidden_size=6,
        max_epochs=20,
        lr=0.03,
        random_state=0,
    ).fit(X, Y)
    assert clf.net_.module_.peephole == "diagonal"
    assert (clf.predict(X) == Y).mean() > 0.8
    with pytest.raises(ValueError, match="peephole"):
        RMLCClassifier([3, 2], peephole="scalar").fit(X, Y)
    with pytest.raises(ValueError, match="peephole"):
        RMLCModule([3, 2], n_labels=2, peephole="scalar")


# ------------------------------------------------------------ fast loss ---
@pytest.mark.parametrize("sizes", [[2, 3], [5]])
@pytest.mark.parametrize("reduction", ["mean", "sum"])
def test_fast_loss_equals_the_criterion_over_the_steps(sizes, reduction):
    torch.manual_seed(7)
    net = RMLCNet(
        module=RMLCModule,
        module__modality_sizes=sizes,
        module__n_labels=3,
        module__hidden_size=4,
        criterion=WeightedBCELoss,
        criterion__reduction=reduction,
        reg_lambda=0.1,
    ).initialize()
    X = torch.randn(6, 5)
    Y = torch.tensor(np.random.RandomState(0).randint(0, 2, (6, 3))).float()
    y_pred = net.module_(X)
    general = net.get_loss(y_pred, Y, X=X)
    net._complete_targets = True  # as during fit on a target without NaN
    fast = net.get_loss(y_pred, Y, X=X)
    criterion = WeightedBCELoss(reduction=reduction)
    expected = sum(criterion(s, Y) for s in y_pred[1].unbind(1))
    expected = expected + 0.1 * net.module_.dense_penalty()
    torch.testing.assert_close(fast, general)
    torch.testing.assert_close(fast, expected)


def test_targets_with_nan_keep_the_masked_loss():
    rng = np.random.RandomState(0)
    X = rng.normal(size=(40, 4)).astype(np.float32)
    Y = (X[:, :2] > 0).astype(np.float32)
    net = RMLCNet(
        module=RMLCModule,
        module__modality_sizes=[2, 2],
        module__n_labels=2,
        module__hidden_size=3,
        criterion=WeightedBCELoss,
        max_epochs=1,
        train_split=None,
        verbose=0,
    )
    net.fit(X, Y)
    Y[::3, 0] = np.nan
    net.fit(X, Y)  # NaN entries masked, not propagated
    assert np.isfinite(net.history[-1, "train_loss"])
    assert net._complete_targets is False  # reset after fit


# ------------------------------------------------- device-resident data ---
def test_row_batch_dataset_on_a_device_indexes_copies():
    rng = np.random.RandomState(0)
    X = {"X": rng.normal(size=(10, 3)).astype(np.float32), "w": np.ones((10, 2))}
    y = rng.randint(0, 2, (10, 2)).astype(np.float32)
    plain = _RowBatchDataset(X, y)
    on_device = _RowBatchDataset(X, y, device="cpu")
    indices = [7, 2, 2, 9]
    (a,), (b,) = plain.__getitems__(indices), on_device.__getitems__(indices)
    assert isinstance(b.X["X"], torch.Tensor) and isinstance(b.y, torch.Tensor)
    np.testing.assert_array_equal(b.X["X"].numpy(), a.X["X"])
    np.testing.assert_array_equal(b.X["w"].numpy(), a.X["w"])
    np.testing.assert_array_equal(b.y.numpy(), a.y)
    assert isinstance(on_device.X["X"], np.ndarray)  # the arrays stay


# ------------------------------------------------------------------ GPU ---
@cuda
def test_cuda_graphs_equal_eager_on_the_gpu():
    graphed, eager = _pair()
    graphed, eager = graphed.cuda(), eager.cuda()
    opt_g = torch.optim.Adam(graphed.parameters(), lr=0.01)
    opt_e = torch.optim.Adam(eager.parameters(), lr=0.01)
    gen = torch.Generator(device="cuda").manual_seed(0)
    for n in (8, 8, 3, 8):
        X = torch.randn(n, 9, device="cuda", generator=gen)
        weights = torch.randn(n, 3, 3, device="cuda", generator=gen)
        torch.testing.assert_close(_step(graphed, X, weights), _step(eager, X, weights))
        g, e = _grads(graphed), _grads(eager)
        for name in e:
            torch.testing.assert_close(g[name], e[name], msg=name)
        opt_g.step()
        opt_e.step()
    assert len(graphed._step_graphs.runners) == 2
    assert not graphed._step_graphs.failed


@cuda
def test_cuda_estimator_with_and_without_graphs():
    rng = np.random.RandomState(0)
    X = rng.normal(size=(300, 12))
    Y = (X[:, :4] + 0.3 * rng.normal(size=(300, 4)) > 0).astype(int)
    params = dict(hidden_size=8, max_epochs=5, lr=0.02, random_state=0)
    fast = RMLCClassifier([5, 7], device="cuda", cuda_graphs=True, **params)
    fast.fit(X, Y)
    eager = RMLCClassifier([5, 7], device="cuda", cuda_graphs=False, **params)
    eager.fit(X, Y)
    cpu = RMLCClassifier([5, 7], **params).fit(X, Y)
    assert fast.net_.module_._step_graphs.runners
    np.testing.assert_allclose(
        fast.predict_proba(X), eager.predict_proba(X), rtol=1e-3, atol=1e-4
    )
    np.testing.assert_allclose(
        fast.predict_proba(X), cpu.predict_proba(X), rtol=1e-2, atol=1e-3
    )
    dataset = fast.net_.get_dataset(X.astype(np.float32), Y.astype(np.float32))
    assert dataset.device == "cuda"
