import pickle

import numpy as np
import pytest
import torch
from sklearn.base import clone
from sklearn.ensemble import RandomForestClassifier
from sklearn.model_selection import GridSearchCV
from sklearn.pipeline import Pipeline

from skmml.compose import MultiModalConcatenator
from skmml.datasets import make_sequence_multimodal_multilabel
from skmml.feature_selection import RFRecursiveSelector
from skmml.neural import (
    ResBiLSTMClassifier,
    ResBiLSTMEncoder,
    ResBiLSTMModule,
    frame_mean_transformer,
    make_early_fusion_classifier,
    make_late_fusion_pipeline,
    make_pouyanfar_pipeline,
    make_static_dense_pipeline,
)

TINY = {"hidden_size": 2, "dense_size": 4, "max_epochs": 2, "random_state": 0}


@pytest.fixture(scope="module")
def seq_data():
    return make_sequence_multimodal_multilabel(
        48, n_timesteps=3, modality_dims={"v": 2, "a": 1}, n_labels=2, random_state=0
    )


def test_frames_timestep_major_and_early_fusion_layout():
    module = ResBiLSTMModule([4, 2], n_timesteps=2, n_outputs=1, hidden_size=2)
    # block 1: frames (1, 2) and (3, 4); block 2: frames (5,) and (6,)
    x = torch.tensor([[1.0, 2.0, 3.0, 4.0, 5.0, 6.0]])
    expected = torch.tensor([[[1.0, 2.0, 5.0], [3.0, 4.0, 6.0]]])
    assert torch.equal(module.frames(x), expected)


@pytest.mark.parametrize(
    "pooling, expected",
    [
        # last: forward half at the last frame, backward half at the first
        ("last", [[5.0, 6.0, 3.0, 4.0]]),
        ("mean", [[3.0, 4.0, 5.0, 6.0]]),
        ("max", [[5.0, 6.0, 7.0, 8.0]]),
    ],
)
def test_residual_shortcut_and_pooling(pooling, expected):
    # zero LSTM weights give a zero LSTM output (c = 0.5 c + 0.5 tanh(0) = 0),
    # so h_l = h_{l-1}: the identity shortcut carries the frames unchanged
    module = ResBiLSTMModule(
        [12], n_timesteps=3, n_outputs=1, hidden_size=2, pooling=pooling
    )
    assert isinstance(module.shortcuts[0], torch.nn.Identity)
    with torch.no_grad():
        for lstm in module.lstms:
            for p in lstm.parameters():
                p.zero_()
    module.eval()
    # frames (1..4), (3..6) and (5..8)
    x = torch.tensor([[1.0, 2.0, 3.0, 4.0, 3.0, 4.0, 5.0, 6.0, 5.0, 6.0, 7.0, 8.0]])
    out = module.encode(x)
    assert torch.allclose(out, torch.tensor(expected))


def test_shortcut_projected_when_widths_differ():
    module = ResBiLSTMModule([6], n_timesteps=2, n_outputs=1, hidden_size=2)
    assert isinstance(module.shortcuts[0], torch.nn.Linear)
    assert module.shortcuts[0].weight.shape == (4, 3)
    assert isinstance(module.shortcuts[1], torch.nn.Identity)


def test_encoder_transform_shape_and_determinism(seq_data):
    X, Y, mods = seq_data
    Xv = X[:, mods["v"]]
    enc = ResBiLSTMEncoder(3, **TINY).fit(Xv, Y)
    Z = enc.transform(Xv)
    assert Z.shape == (48, 4)
    assert enc.n_features_per_step_ == 2
    Z2 = clone(enc).fit(Xv, Y).transform(Xv)
    np.testing.assert_allclose(Z, Z2)
    other = ResBiLSTMEncoder(3, **{**TINY, "random_state": 1}).fit(Xv, Y)
    assert not np.allclose(Z, other.transform(Xv))
    # a row's features do not depend on the rest of the batch
    np.testing.assert_allclose(enc.transform(Xv[:5]), Z[:5])
    restored = pickle.loads(pickle.dumps(enc))
    np.testing.assert_allclose(restored.transform(Xv), Z)


def test_encoder_feature_names_keep_modality_prefix(seq_data):
    pd = pytest.importorskip("pandas")
    X, Y, mods = seq_data
    cols = [f"v__t{t}_f{j}" for t in range(3) for j in range(2)]
    Xv = pd.DataFrame(X[:, mods["v"]], columns=cols)
    enc = ResBiLSTMEncoder(3, **TINY).fit(Xv, Y)
    assert enc.get_feature_names_out().tolist() == [
        f"v__resbilstm{j}" for j in range(4)
    ]
    plain = ResBiLSTMEncoder(3, **TINY).fit(X[:, mods["v"]], Y)
    assert plain.get_feature_names_out()[0] == "resbilstm0"
    with pytest.raises(ValueError, match="input_features"):
        plain.get_feature_names_out(["a", "b"])


def test_encoder_in_concatenator_gets_y(seq_data):
    X, Y, mods = seq_data
    concat = MultiModalConcatenator(
        [(name, ResBiLSTMEncoder(3, **TINY), cols) for name, cols in mods.items()]
    )
    Z = concat.fit_transform(X, Y)
    assert Z.shape == (48, 8)
    names = concat.get_feature_names_out().tolist()
    assert names[0] == "v__resbilstm0" and names[-1] == "a__resbilstm3"


@pytest.mark.parametrize(
    "params, match",
    [
        ({"n_timesteps": 4}, "multiple of n_timesteps"),
        ({"n_timesteps": 0}, "n_timesteps"),
        ({"hidden_size": 1.5}, "hidden_size"),
        ({"dropout": 1.0}, "dropout"),
        ({"pooling": "first"}, "pooling"),
        ({"lr": -1.0}, "lr"),
        ({"train_split": 1}, "train_split"),
        ({"device": "nowhere"}, "device"),
    ],
)
def test_encoder_invalid_parameters(seq_data, params, match):
    X, Y, mods = seq_data
    with pytest.raises(ValueError, match=match):
        ResBiLSTMEncoder(**{"n_timesteps": 3, **TINY, **params}).fit(X[:, mods["v"]], Y)


def test_single_class_target_rejected():
    X = np.zeros((6, 4))
    with pytest.raises(ValueError, match="1 class"):
        ResBiLSTMEncoder(2, **TINY).fit(X, np.ones(6))


def test_early_fusion_modality_not_divisible():
    X = np.zeros((6, 5))
    clf = ResBiLSTMClassifier(2, modalities=[4, 1], **TINY)
    with pytest.raises(ValueError, match="modality '1'"):
        clf.fit(X, [0, 1] * 3)


def test_classifier_learns_temporal_order():
    # label = feature rises from frame 0 to frame 2; the frame mean is blind
    rng = np.random.RandomState(0)
    frames = rng.normal(size=(240, 3, 1))
    y = (frames[:, 2, 0] > frames[:, 0, 0]).astype(int)
    X = frames.reshape(240, -1)
    clf = ResBiLSTMClassifier(
        3,
        hidden_size=8,
        dense_size=8,
        dense_dropout=0.0,
        max_epochs=40,
        lr=0.02,
        batch_size=32,
        random_state=0,
    ).fit(X[:160], y[:160])
    assert clf.classes_.tolist() == [0, 1]
    assert clf.predict_proba(X).shape == (240, 2)
    assert np.mean(clf.predict(X[160:]) == y[160:]) > 0.8


def test_classifier_multilabel_outputs(seq_data):
    X, Y, mods = seq_data
    clf = make_early_fusion_classifier(mods, 3, **TINY).fit(X, Y)
    assert clf.n_features_per_step_ == 3
    proba = clf.predict_proba(X)
    assert proba.shape == (48, 2)
    np.testing.assert_array_equal(clf.predict(X), (proba >= 0.5).astype(int))
    np.testing.assert_allclose(
        clf.decision_function(X), np.log(proba / (1 - proba)), rtol=1e-6, atol=1e-8
    )


def test_frame_mean_transformer():
    X = np.array([[1.0, 10.0, 3.0, 30.0, 5.0, 50.0]])
    ft = frame_mean_transformer(3).fit(X)
    np.testing.assert_allclose(ft.transform(X), [[3.0, 30.0]])
    assert ft.get_feature_names_out(["a"] * 6).tolist() == [
        "frame_mean0",
        "frame_mean1",
    ]
    with pytest.raises(ValueError, match="multiple of n_timesteps=4"):
        frame_mean_transformer(4).fit_transform(X)


@pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")
def test_static_and_late_fusion_pipelines(seq_data):
    X, Y, mods = seq_data
    static = make_static_dense_pipeline(mods, 3, max_iter=500, random_state=0)
    assert static.fit(X, Y).predict(X).shape == (48, 2)
    assert static[0].get_feature_names_out()[0] == "v__frame_mean0"
    late = make_late_fusion_pipeline(
        mods, 3, encoder=ResBiLSTMEncoder(**TINY), max_iter=500, random_state=0
    )
    assert late.fit(X, Y).predict(X).shape == (48, 2)
    assert late.named_steps["concat"].named_transformers_["a"].n_timesteps == 3


def test_pouyanfar_pipeline_in_grid_search(seq_data):
    X, Y, mods = seq_data
    pipe = make_pouyanfar_pipeline(
        mods,
        3,
        encoder=ResBiLSTMEncoder(**TINY),
        selector=RFRecursiveSelector(
            forest=RandomForestClassifier(n_estimators=5), cv=2, random_state=0
        ),
    )
    assert isinstance(pipe, Pipeline)
    assert list(pipe.named_steps) == ["concat", "select", "svm"]
    search = GridSearchCV(
        pipe,
        {"svm__C": [0.5, 0.9], "concat__v__hidden_size": [2]},
        cv=2,
        scoring="f1_micro",
        error_score="raise",
    ).fit(X, Y)
    assert search.best_params_["svm__C"] in (0.5, 0.9)
    assert search.predict(X).shape == (48, 2)
    best = search.best_estimator_
    kept = best[:-1].get_feature_names_out()
    assert all(name.split("__")[0] in mods for name in kept)


def test_label_priors_come_from_the_training_rows_only():
    from torch.utils.data import Subset

    from skmml.losses import LogitAdjustedBCELoss, label_prior_log_odds

    rng = np.random.RandomState(0)
    X = rng.normal(size=(40, 4))
    Y = np.zeros((40, 2), dtype=np.int64)
    Y[:5, 0] = 1  # 5 of the 20 training rows
    Y[20:, 0] = 1  # every validation row
    Y[::2, 1] = 1
    Y[1, 1] = 1

    def first_half_trains(dataset, y=None):
        return Subset(dataset, range(20)), Subset(dataset, range(20, 40))

    clf = ResBiLSTMClassifier(
        n_timesteps=2,
        criterion=LogitAdjustedBCELoss,
        train_split=first_half_trains,
        **TINY,
    ).fit(X, Y)
    np.testing.assert_allclose(
        clf.net_.criterion_.prior_log_odds_.numpy(),
        [np.log(5 / 15), np.log(11 / 9)],
        rtol=1e-6,
    )
    # no split: the priors of all rows
    clf.set_params(train_split=None).fit(X, Y)
    np.testing.assert_allclose(
        clf.net_.criterion_.prior_log_odds_.numpy(),
        label_prior_log_odds(Y),
        rtol=1e-6,
    )
