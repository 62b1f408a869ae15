"""Missing modalities (a block all NaN) in RMLC and the ResBiLSTM estimators."""

import math
import pickle

import numpy as np
import pytest

torch = pytest.importorskip("torch")
pytest.importorskip("skorch")

from sklearn.linear_model import LogisticRegression  # noqa: E402
from sklearn.model_selection import GridSearchCV  # noqa: E402
from sklearn.pipeline import make_pipeline  # noqa: E402
from sklearn.preprocessing import StandardScaler  # noqa: E402
from sklearn.utils import get_tags  # noqa: E402

from skmml.compose import MultiModalConcatenator  # noqa: E402
from skmml.losses import WeightedBCELoss, label_prior_log_odds  # noqa: E402
from skmml.neural import (  # noqa: E402
    ResBiLSTMClassifier,
    ResBiLSTMEncoder,
    ResBiLSTMModule,
    RMLCClassifier,
    RMLCModule,
)
from skmml.neural.tests.test_rmlc import _sig, _zero_module  # noqa: E402
from skmml.utils import accepts_missing_modalities  # noqa: E402

FAST = dict(hidden_size=6, max_epochs=4, lr=0.03, batch_size=16, random_state=0)
SIZES = [3, 2, 2]


@pytest.fixture
def data():
    rng = np.random.RandomState(0)
    X = rng.normal(size=(64, 7))
    Y = np.column_stack([X[:, 0] > 0, X[:, 3] + X[:, 5] > 0, X[:, 6] > 0.5])
    X_missing = X.copy()
    X_missing[::3, 3:5] = np.nan  # modality 1 missing
    X_missing[1::5, :3] = np.nan  # modality 0 missing
    X_missing[2, :5] = np.nan  # only the last modality present
    return X, X_missing, Y.astype(np.int64)


def _scalar_module():
    """2 steps, hidden_size=1, one label, hand-set weights."""
    module = _zero_module(RMLCModule([2, 1], n_labels=1, hidden_size=1))
    with torch.no_grad():
        module.input_weights[0].weight.copy_(
            torch.tensor([[0.5, -1.0], [0.2, 0.3], [1.0, 0.4], [-0.6, 0.8]])
        )
        module.input_weights[1].weight.copy_(
            torch.tensor([[0.7], [-0.2], [0.9], [0.1]])
        )
        module.recurrent.weight.copy_(torch.tensor([[0.3], [-0.4], [0.6], [0.2]]))
        module.recurrent.bias.copy_(torch.tensor([0.1, 0.5, -0.1, 0.0]))
        module.peephole_if.weight.copy_(torch.tensor([[0.25], [-0.5]]))
        module.peephole_o.weight.copy_(torch.tensor([[0.75]]))
        module.dense[0].weight.fill_(1.5)
        module.dense[0].bias.fill_(0.2)
        module.dense[1].weight.copy_(torch.tensor([[-0.5, 2.0]]))
        module.dense[1].bias.fill_(-0.3)
        module.label_correlation.fill_(0.8)
    return module.double()


# ---------------------------------------------------------------- module ---
def test_only_last_modality_present_by_hand():
    # step 1 missing: h^1 = c^1 = Z^1 = 0, then eq. 2-4 from the zero state
    module = _scalar_module()
    x2 = 2.0
    i = _sig(0.7 * x2 + 0.1)
    c = i * math.tanh(0.9 * x2 - 0.1)  # f * c^0 = 0
    o = _sig(0.1 * x2 + 0.0 + 0.75 * c)
    h = o * math.tanh(c)
    expected = -0.5 * 0.0 + 2.0 * h - 0.3  # H^2 = [h^1 = 0, h^2], Z^1 S = 0
    final, steps = module(torch.tensor([[np.nan, np.nan, x2]], dtype=torch.float64))
    np.testing.assert_allclose(final.item(), expected, rtol=1e-6)
    np.testing.assert_allclose(steps[0, 1].item(), expected, rtol=1e-6)


def test_missing_last_step_carries_the_previous_prediction():
    module = _scalar_module()
    X = torch.tensor([[0.4, -1.2, 2.0], [0.4, -1.2, np.nan]], dtype=torch.float64)
    final, steps = module(X)
    # F^2 = F^1 when modality 2 is missing; step 1 is the same for both rows
    np.testing.assert_allclose(steps[1, 0].item(), steps[0, 0].item(), rtol=1e-12)
    np.testing.assert_allclose(final[1].item(), steps[0, 0].item(), rtol=1e-12)
    assert not torch.isclose(final[0], final[1]).item()


def test_missing_middle_step_carries_state_and_z():
    # 3 steps: a row missing modality 2 equals, at step 3, the same network
    # run with h^2 = h^1, c^2 = c^1 and Z^2 = Z^1 (written out with a loop).
    torch.manual_seed(0)
    module = RMLCModule([2, 1, 2], n_labels=3, hidden_size=4).double()
    with torch.no_grad():
        module.label_correlation.normal_()
    x = torch.randn(1, 5, dtype=torch.float64)
    x_missing = x.clone()
    x_missing[0, 2] = np.nan
    h = c = torch.zeros(1, 4, dtype=torch.float64)
    z = torch.zeros(1, 3, dtype=torch.float64)
    hs = []
    for t, x_t in enumerate(x.split([2, 1, 2], dim=1)):
        if t != 1:
            a = module.input_weights[t](x_t) + module.recurrent(h)
            i, f = torch.sigmoid(a[:, :8] + module.peephole_if(c)).split(4, 1)
            c = f * c + i * torch.tanh(a[:, 8:12])
            h = torch.sigmoid(a[:, 12:] + module.peephole_o(c)) * torch.tanh(c)
        hs.append(h)
        if t != 1:
            logit = module.dense[t](torch.cat(hs, 1)) + z @ module.label_correlation
            z = torch.sigmoid(logit)
    final, _ = module(x_missing)
    np.testing.assert_allclose(final.detach(), logit.detach(), rtol=1e-12)


@pytest.mark.parametrize(
    "kwargs",
    [{}, {"peephole": "diagonal"}, {"use_label_correlation": False}],
)
def test_masked_path_equals_eq_1_to_6_on_complete_rows(kwargs):
    # the path for batches with a missing block computes, for a complete row,
    # exactly the original (hand-written backward) path: outputs and gradients
    torch.manual_seed(0)
    module = RMLCModule(SIZES, n_labels=3, hidden_size=5, **kwargs).double()
    if module.label_correlation is not None:
        with torch.no_grad():
            module.label_correlation.normal_()
    X = torch.randn(6, 7, dtype=torch.float64)
    present = torch.ones(6, 3, dtype=torch.bool)
    final, steps = module(X)
    final_m, steps_m = module._forward_missing(X, present)
    np.testing.assert_allclose(steps_m.detach(), steps.detach(), rtol=1e-12)
    np.testing.assert_allclose(final_m.detach(), final.detach(), rtol=1e-12)
    grads = torch.autograd.grad(steps.sum(), list(module.parameters()))
    grads_m = torch.autograd.grad(steps_m.sum(), list(module.parameters()))
    for g, g_m in zip(grads, grads_m, strict=True):
        np.testing.assert_allclose(g_m, g, rtol=1e-10, atol=1e-12)


def test_row_without_any_modality_has_nan_logits():
    module = RMLCModule(SIZES, n_labels=2, hidden_size=3)
    X = torch.randn(2, 7)
    X[1] = np.nan
    final, steps = module(X)
    assert torch.isnan(final[1]).all() and torch.isfinite(final[0]).all()
    assert torch.isfinite(steps).all()


def test_missing_steps_are_left_out_of_the_loss(data):
    X, X_missing, Y = data
    clf = RMLCClassifier(SIZES, criterion=WeightedBCELoss, **FAST)
    net = clf.fit(X_missing, Y).net_
    features = torch.as_tensor(X_missing[:16], dtype=torch.float32)
    y = torch.as_tensor(Y[:16], dtype=torch.float32)
    y_pred = net.module_(features)
    # batches reach the loss as NumPy arrays (or tensors)
    loss = net.get_loss(y_pred, y, X=X_missing[:16].astype(np.float32))
    np.testing.assert_allclose(
        net.get_loss(y_pred, y, X=features).item(), loss.item(), rtol=1e-6
    )
    present = ~np.isnan(X_missing[:16, [0, 3, 5]])
    bce = torch.nn.functional.binary_cross_entropy_with_logits
    expected = (
        sum(
            bce(y_pred[1][:, t], y, weight=torch.as_tensor(present[:, [t]]).float())
            for t in range(3)
        )
        + net.reg_lambda * net.module_.dense_penalty()
    )
    np.testing.assert_allclose(loss.item(), expected.item(), rtol=1e-5)


# ------------------------------------------------------------- estimator ---
def test_rmlc_fits_and_predicts_with_missing_modalities(data):
    X, X_missing, Y = data
    clf = RMLCClassifier(SIZES, **FAST).fit(X_missing, Y)
    proba = clf.predict_proba(X_missing)
    assert proba.shape == Y.shape and np.isfinite(proba).all()
    assert clf.predict(X_missing[[2]]).shape == (1, 3)  # only the last present
    # a complete row predicts the same alone and next to incomplete rows
    mixed = clf.predict_proba(np.vstack([X[:5], X_missing]))[:5]
    np.testing.assert_allclose(mixed, clf.predict_proba(X[:5]), rtol=1e-10)
    # the input is not modified, the estimator pickles
    assert np.isnan(X_missing[2, :5]).all()
    restored = pickle.loads(pickle.dumps(clf))
    np.testing.assert_array_equal(restored.predict_proba(X_missing), proba)


def test_rmlc_missing_modalities_with_weights_and_unknown_labels(data):
    _, X_missing, Y = data
    Y_partial = Y.astype(float)
    Y_partial[::4, 1] = np.nan
    weight = np.linspace(0.5, 1.5, len(Y))
    clf = RMLCClassifier(SIZES, **FAST).fit(X_missing, Y_partial, sample_weight=weight)
    assert np.isfinite(clf.predict_proba(X_missing)).all()
    plain = RMLCClassifier(SIZES, criterion=torch.nn.BCEWithLogitsLoss, **FAST)
    with pytest.raises(ValueError, match="missing modalities.*BCEWithLogitsLoss"):
        plain.fit(X_missing, Y)


def test_rmlc_complete_data_runs_the_original_path(data, monkeypatch):
    X, _, Y = data

    def fail(*args, **kwargs):
        raise AssertionError("masked path used on complete data")

    monkeypatch.setattr(RMLCModule, "_forward_missing", fail)
    RMLCClassifier(SIZES, **FAST).fit(X, Y).predict_proba(X)


def test_rmlc_row_without_any_modality(data):
    X, X_missing, Y = data
    X_bad = X_missing.copy()
    X_bad[[4, 7]] = np.nan
    with pytest.raises(ValueError, match=r"every modality missing.*rows 4, 7"):
        RMLCClassifier(SIZES, **FAST).fit(X_bad, Y)
    clf = RMLCClassifier(SIZES, **FAST).fit(X_missing, Y)
    # predicted as the training label priors
    prior = 1 / (1 + np.exp(-label_prior_log_odds(Y)))
    np.testing.assert_allclose(clf.predict_proba(X_bad[[4, 7]]), [prior, prior])


def test_partly_missing_block_and_inf_are_errors(data):
    X, X_missing, Y = data
    X_bad = X.copy()
    X_bad[5, 3] = np.nan
    with pytest.raises(ValueError, match=r"Modality '1' is partly NaN.*rows 5"):
        RMLCClassifier(SIZES, **FAST).fit(X_bad, Y)
    clf = RMLCClassifier(SIZES, **FAST).fit(X_missing, Y)
    with pytest.raises(ValueError, match="partly NaN"):
        clf.predict(X_bad)
    X_bad[5, 3] = np.inf
    with pytest.raises(ValueError, match="infinity"):
        clf.predict(X_bad)


def test_tags():
    assert accepts_missing_modalities(RMLCClassifier(SIZES))
    assert accepts_missing_modalities(ResBiLSTMClassifier())
    assert accepts_missing_modalities(ResBiLSTMEncoder())
    # allow_nan keeps its meaning: NaN anywhere is not accepted
    assert not get_tags(RMLCClassifier(SIZES)).input_tags.allow_nan
    assert not accepts_missing_modalities(LogisticRegression())
    mods = [("a", StandardScaler(), [0, 1, 2]), ("b", "passthrough", [3, 4])]
    keep = MultiModalConcatenator(mods, missing="passthrough")
    impute = MultiModalConcatenator(mods, missing="impute")
    error = MultiModalConcatenator(mods)
    assert accepts_missing_modalities(make_pipeline(keep, RMLCClassifier([3, 2])))
    assert not accepts_missing_modalities(make_pipeline(keep, LogisticRegression()))
    assert accepts_missing_modalities(make_pipeline(impute, LogisticRegression()))
    assert not accepts_missing_modalities(make_pipeline(error, RMLCClassifier()))
    assert accepts_missing_modalities(make_pipeline("passthrough", RMLCClassifier()))


def test_pipeline_passthrough_concatenator_to_rmlc(data):
    _, X_missing, Y = data
    concat = MultiModalConcatenator(
        [
            ("a", StandardScaler(), [0, 1, 2]),
            ("b", StandardScaler(), [3, 4]),
            ("c", "passthrough", [5, 6]),
        ],
        missing="passthrough",
    ).set_output(transform="pandas")
    pipe = make_pipeline(concat, RMLCClassifier(**FAST))
    search = GridSearchCV(pipe, {"rmlcclassifier__hidden_size": [4]}, cv=2)
    search.fit(X_missing, Y)
    assert accepts_missing_modalities(search)
    assert search.predict(X_missing).shape == Y.shape
    assert search.best_estimator_[-1].modality_names_ == ["a", "b", "c"]


# ------------------------------------------------------------- ResBiLSTM ---
def test_resbilstm_missing_frames_learned_and_unused_on_complete_rows(data):
    X, _, Y = data
    X = X[:, :6]
    X_missing = X.copy()
    X_missing[::3, 3:] = np.nan
    clf = ResBiLSTMClassifier(
        3,
        modalities=[3, 3],
        hidden_size=4,
        dense_size=8,
        max_epochs=3,
        batch_size=16,
        random_state=0,
    )
    fill = clf.fit(X, Y).net_.module_.missing_frames
    assert not torch.any(fill[1]).item()  # no missing block: never trained
    clf.fit(X_missing, Y)
    fill = clf.net_.module_.missing_frames
    assert torch.any(fill[1]).item() and not torch.any(fill[0]).item()
    mixed = clf.predict_proba(np.vstack([X[:4], X_missing]))[:4]
    np.testing.assert_allclose(mixed, clf.predict_proba(X[:4]), rtol=1e-10)
    # a missing block reads the learned frame
    module = clf.net_.module_
    frames = module.frames(torch.as_tensor(X_missing[:1], dtype=torch.float32))
    np.testing.assert_array_equal(frames[0, :, 1].detach(), fill[1].detach().expand(3))
    # no modality: training label priors
    prior = 1 / (1 + np.exp(-label_prior_log_odds(Y)))
    np.testing.assert_allclose(clf.predict_proba(np.full((1, 6), np.nan)), [prior])
    with pytest.raises(ValueError, match="partly NaN"):
        clf.predict(np.where(np.arange(6) == 1, np.nan, X[:1]))


def test_resbilstm_encoder_encodes_missing_sequence_as_nan(data):
    X, _, Y = data
    enc = ResBiLSTMEncoder(
        2, hidden_size=3, dense_size=4, max_epochs=2, random_state=0
    ).fit(X[:, :6], Y)
    Z = enc.transform(np.vstack([X[:1, :6], np.full((1, 6), np.nan)]))
    assert np.isfinite(Z[0]).all() and np.isnan(Z[1]).all()
    with pytest.raises(ValueError, match="every modality missing"):
        enc.fit(np.vstack([X[:5, :6], np.full((1, 6), np.nan)]), Y[:6])


def test_resbilstm_module_nan_without_any_block():
    module = ResBiLSTMModule([4, 2], n_timesteps=2, n_outputs=2, hidden_size=3)
    X = torch.randn(3, 6)
    X[1, :4] = np.nan
    X[2] = np.nan
    out = module.eval()(X)
    assert torch.isfinite(out[:2]).all() and torch.isnan(out[2]).all()


def test_resbilstm_module_loads_a_state_without_missing_frames():
    module = ResBiLSTMModule([4, 2], n_timesteps=2, n_outputs=2, hidden_size=3)
    state = {k: v for k, v in module.state_dict().items() if "missing_frames" not in k}
    other = ResBiLSTMModule([4, 2], n_timesteps=2, n_outputs=2, hidden_size=3)
    other.load_state_dict(state)
    X = torch.randn(3, 6)
    torch.testing.assert_close(other.eval()(X), module.eval()(X))
