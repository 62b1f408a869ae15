"""Tests of skmml.inspection.modality_robustness."""

import numpy as np
import pandas as pd
import pytest
from joblib import parallel_config
from sklearn.linear_model import LogisticRegression
from sklearn.multiclass import OneVsRestClassifier
from sklearn.pipeline import make_pipeline

from skmml.compose import MultiModalConcatenator
from skmml.datasets import make_multimodal_multilabel
from skmml.inspection import modality_importance, modality_robustness
from skmml.inspection.tests._toy import SignOf as _SignOf
from skmml.metrics import micro_f1


@pytest.fixture(scope="module")
def tiny():
    rng = np.random.RandomState(0)
    X = rng.normal(size=(20, 3)) + 0.1
    Y = (X[:, [0, 2]] > 0).astype(int)
    return X, Y, {"a": [0, 1], "b": [2]}


@pytest.fixture(scope="module")
def data():
    X, Y, modalities = make_multimodal_multilabel(
        400, modality_dims={"A": 6, "B": 6}, n_labels=3, random_state=0
    )
    model = OneVsRestClassifier(LogisticRegression()).fit(X[:200], Y[:200])
    return model, X[200:], Y[200:], modalities, X[:200], Y[:200]


def test_rows_hit_are_nested_and_counted(tiny):
    X, Y, modalities = tiny
    model = _SignOf().fit(X, Y)
    fill = [-5.0, -5.0, -5.0]
    res = modality_robustness(
        model,
        X,
        Y,
        modalities=modalities,
        fractions=[0.5, 0, 0.25, 1, 0.25],
        method="mean",
        fill_values=fill,
        n_repeats=2,
        random_state=0,
    )
    np.testing.assert_array_equal(res.fractions, [0, 0.25, 0.5, 1])
    assert res.scores.shape == (2, 4, 2)
    seen = model.seen_[1:]  # baseline first; fraction 0 reuses it
    assert len(seen) == 2 * 2 * 3
    for m, cols in enumerate(([0, 1], [2])):
        for r in range(2):
            hit_before = np.zeros(20, dtype=bool)
            for f, count in enumerate([5, 10, 20]):
                Xp = seen[m * 6 + r * 3 + f]
                hit = (Xp[:, cols] == -5.0).all(axis=1)
                assert hit.sum() == count
                assert np.all(hit[hit_before])  # nested
                others = [c for c in range(3) if c not in cols]
                np.testing.assert_array_equal(Xp[~hit], X[~hit])
                np.testing.assert_array_equal(Xp[:, others], X[:, others])
                Y_pred = (Xp[:, [0, 2]] > 0).astype(int)
                assert res.scores[m, f + 1, r] == pytest.approx(micro_f1(Y, Y_pred))
                hit_before = hit
    # same rows for both modalities in a draw
    for r in range(2):
        hit_a = seen[r * 3][:, 0] == -5.0
        hit_b = seen[6 + r * 3][:, 2] == -5.0
        np.testing.assert_array_equal(hit_a, hit_b)
    np.testing.assert_array_equal(res.scores[:, 0], 1.0)
    assert res.baseline_score == 1.0
    np.testing.assert_allclose(res.scores_mean, res.scores.mean(2))
    np.testing.assert_allclose(res.scores_std, res.scores.std(2))


def test_fraction_one_is_the_importance(data):
    model, X, Y, modalities, X_train, _ = data
    curve = modality_robustness(
        model,
        X,
        Y,
        modalities=modalities,
        fractions=[0, 1],
        method="mean",
        X_train=X_train,
        n_repeats=2,
        random_state=0,
    )
    imp = modality_importance(
        model, X, Y, modalities=modalities, method="mean", X_train=X_train
    )
    np.testing.assert_allclose(
        curve.scores_mean[:, 1], curve.baseline_score - imp.importances[:, 0]
    )
    assert curve.method == "mean" and curve.scoring == "micro_f1"


def test_permutation_curve_decreases(data):
    model, X, Y, modalities, _, _ = data
    res = modality_robustness(
        model, X, Y, modalities=modalities, n_repeats=3, random_state=0
    )
    assert res.fractions.tolist() == pytest.approx(np.linspace(0, 1, 11).tolist())
    assert np.all(res.scores_mean[:, -1] < res.scores_mean[:, 0] - 0.1)
    with parallel_config(backend="threading"):
        again = modality_robustness(
            model, X, Y, modalities=modalities, n_repeats=3, random_state=0, n_jobs=2
        )
    np.testing.assert_array_equal(res.scores, again.scores)


def test_missing_method_with_dataframe(data):
    _, X, Y, modalities, X_train, Y_train = data
    names = [f"A__f{j}" for j in range(6)] + [f"B__f{j}" for j in range(6)]
    mods = [(name, "passthrough", cols) for name, cols in modalities.items()]
    pipe = make_pipeline(
        MultiModalConcatenator(mods, missing="impute"),
        OneVsRestClassifier(LogisticRegression()),
    ).fit(pd.DataFrame(X_train, columns=names), Y_train)
    frame = pd.DataFrame(X, columns=names)
    before = frame.copy()
    res = modality_robustness(
        pipe,
        frame,
        Y,
        method="ablation",
        fractions=[0, 0.5, 1],
        n_repeats=2,
        random_state=0,
    )
    pd.testing.assert_frame_equal(frame, before)
    assert res.method == "missing" and res.modality_names == ["A", "B"]
    assert np.all(res.scores_mean[:, 2] < res.baseline_score)


@pytest.mark.parametrize(
    "fractions, match",
    [([], "non-empty"), ([0, 1.5], r"lie in \[0, 1\]"), (["a"], "numbers")],
)
def test_bad_fractions(tiny, fractions, match):
    X, Y, modalities = tiny
    with pytest.raises(ValueError, match=match):
        modality_robustness(
            _SignOf().fit(X, Y), X, Y, modalities=modalities, fractions=fractions
        )
