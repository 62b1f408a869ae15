"""Tests of skmml.inspection.modality_importance."""

import numpy as np
import pandas as pd
import pytest
from joblib import parallel_config
from sklearn.exceptions import NotFittedError
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import GridSearchCV, KFold
from sklearn.multiclass import OneVsRestClassifier
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from skmml.compose import MultiModalConcatenator
from skmml.datasets import make_multimodal_multilabel
from skmml.inspection import modality_importance
from skmml.inspection.tests._toy import SignOf as _SignOf
from skmml.metrics import macro_f1, micro_f1, per_label_f1


@pytest.fixture(scope="module")
def tiny():
    # column 1 = 10 * column 0 tells whether block "a" moved as one
    x0 = np.array([1.0, -2.0, 3.0, -4.0, 5.0, -6.0])
    X = np.column_stack([x0, 10 * x0, [1.5, 0.5, -1.5, -0.5, 2.5, -2.5]])
    Y = (X[:, [0, 2]] > 0).astype(int)
    return X, Y, {"a": [0, 1], "b": [2]}


@pytest.fixture(scope="module")
def known_truth():
    """Label 0 seen only by modality A, label 1 only by B, label 2 by both."""
    X, Y, modalities = make_multimodal_multilabel(
        800,
        modality_dims={"A": 8, "B": 8},
        n_labels=3,
        label_frequencies=[0.3, 0.3, 0.3],
        label_correlation=0.0,
        informativeness=[[3.0, 0.0, 2.0], [0.0, 3.0, 2.0]],
        random_state=0,
    )
    model = OneVsRestClassifier(LogisticRegression()).fit(X[:400], Y[:400])
    return model, X[400:], Y[400:], modalities, X[:400], Y[:400]


def test_permutation_moves_whole_blocks(tiny):
    X, Y, modalities = tiny
    model = _SignOf().fit(X, Y)
    X_before = X.copy()
    result = modality_importance(
        model, X, Y, modalities=modalities, n_repeats=3, random_state=0
    )
    np.testing.assert_array_equal(X, X_before)
    seen = model.seen_[1:]  # the first call is the baseline
    assert len(seen) == 6  # 2 modalities x 3 repeats
    for k, Xp in enumerate(seen):
        moved, kept = ([0, 1], [2]) if k < 3 else ([2], [0, 1])
        np.testing.assert_array_equal(Xp[:, kept], X[:, kept])
        # the rows of the block are a permutation of X's, jointly for its columns
        order = [
            np.flatnonzero((X[:, moved] == row).all(axis=1))[0] for row in Xp[:, moved]
        ]
        assert sorted(order) == list(range(6))
        np.testing.assert_array_equal(Xp[:, 1], 10 * Xp[:, 0])
        # I = s(X) - s(X~), overall and per label
        Y_pred = (Xp[:, [0, 2]] > 0).astype(int)
        m, r = divmod(k, 3)
        assert result.importances[m, r] == pytest.approx(1.0 - micro_f1(Y, Y_pred))
        np.testing.assert_allclose(
            result.importances_per_label[m, :, r], 1.0 - per_label_f1(Y, Y_pred)
        )
    assert result.baseline_score == 1.0
    # the same row permutations for every modality (common random numbers)
    for r in range(3):
        perm_a = [np.flatnonzero(X[:, 0] == v)[0] for v in seen[r][:, 0]]
        perm_b = seen[3 + r][:, 2]
        np.testing.assert_array_equal(perm_b, X[perm_a, 2])
    np.testing.assert_allclose(result.importances_mean, result.importances.mean(1))
    np.testing.assert_allclose(result.importances_std, result.importances.std(1))
    np.testing.assert_allclose(
        result.importances_per_label_mean, result.importances_per_label.mean(2)
    )
    assert result.modality_names == ["a", "b"]
    assert result.method == "permutation" and result.scoring == "micro_f1"


def test_mean_ablation_hand_computed(tiny):
    X, Y, modalities = tiny
    model = _SignOf().fit(X, Y)
    # block "a" at -1 kills label 0; block "b" at +1 predicts label 1 everywhere
    result = modality_importance(
        model, X, Y, modalities=modalities, method="mean", fill_values=[-1, -10, 1]
    )
    # label 0 has 3 positives, label 1 has 3: removing "a" leaves tp=3, fn=3
    assert result.importances.shape == (2, 1)
    np.testing.assert_allclose(result.importances[:, 0], [1 - 6 / 9, 1 - 12 / 15])
    np.testing.assert_allclose(
        result.importances_per_label_mean, [[1.0, 0.0], [0.0, 1 - 6 / 9]]
    )
    np.testing.assert_array_equal(result.importances_std, 0.0)
    # the same from a dict and from X_train's column means
    by_dict = modality_importance(
        model,
        X,
        Y,
        modalities=modalities,
        method="mean",
        fill_values={"a": [-1, -10], "b": 1},
    )
    np.testing.assert_allclose(by_dict.importances, result.importances)
    X_train = np.array([[-1.0, -10.0, 0.0], [-1.0, -10.0, 2.0]])
    by_train = modality_importance(
        model, X, Y, modalities=modalities, method="mean", X_train=X_train
    )
    np.testing.assert_allclose(by_train.importances, result.importances)


def test_label_seen_by_one_modality_only(known_truth):
    """The truth of the generator: B has no importance for label 0, A none for 1."""
    model, X, Y, modalities, _, _ = known_truth
    result = modality_importance(
        model, X, Y, modalities=modalities, n_repeats=5, random_state=0
    )
    per = result.importances_per_label_mean  # rows A, B; columns labels 0, 1, 2
    assert abs(per[1, 0]) < 0.05 and per[0, 0] > 0.3
    assert abs(per[0, 1]) < 0.05 and per[1, 1] > 0.3
    assert per[0, 2] > 0.03 and per[1, 2] > 0.03
    assert np.all(result.importances_mean > 0.1)


def test_any_fitted_estimator_and_n_jobs(known_truth):
    _, X, Y, modalities, X_train, Y_train = known_truth
    search = GridSearchCV(
        make_pipeline(StandardScaler(), OneVsRestClassifier(LogisticRegression())),
        {"onevsrestclassifier__estimator__C": [0.1, 1.0]},
        scoring="f1_micro",
        cv=KFold(2),
    ).fit(X_train, Y_train)
    one = modality_importance(
        search, X, Y, modalities=modalities, n_repeats=2, random_state=3
    )
    with parallel_config(backend="threading"):  # no process start-up in tests
        two = modality_importance(
            search, X, Y, modalities=modalities, n_repeats=2, random_state=3, n_jobs=2
        )
    for key in ("importances", "importances_per_label"):
        np.testing.assert_array_equal(one[key], two[key])
    other = modality_importance(
        search, X, Y, modalities=modalities, n_repeats=2, random_state=4
    )
    assert not np.array_equal(one.importances, other.importances)


def test_dataframe_auto_equals_array(known_truth):
    model, X, Y, modalities, X_train, Y_train = known_truth
    names = [f"A__f{j}" for j in range(8)] + [f"B__f{j}" for j in range(8)]
    frame = pd.DataFrame(X, columns=names)
    Y_frame = pd.DataFrame(Y, columns=["x", "y", "z"])
    frame_model = OneVsRestClassifier(LogisticRegression()).fit(
        pd.DataFrame(X_train, columns=names), Y_train
    )
    from_frame = modality_importance(
        frame_model, frame, Y_frame, n_repeats=2, random_state=0
    )
    from_array = modality_importance(
        model, X, Y, modalities=modalities, n_repeats=2, random_state=0
    )
    np.testing.assert_allclose(from_frame.importances, from_array.importances)
    assert from_frame.label_names == ["x", "y", "z"]
    assert from_array.label_names is None
    # ablation on a DataFrame with integer columns
    ints = frame.round().astype(int)
    res = modality_importance(
        frame_model, ints, Y, method="mean", X_train=np.zeros((2, 16))
    )
    assert res.importances.shape == (2, 1)
    assert ints.dtypes.eq(int).all()


def test_scoring_and_per_label(known_truth):
    model, X, Y, modalities, _, _ = known_truth
    res = modality_importance(
        model,
        X,
        Y,
        modalities=modalities,
        scoring="macro_f1",
        per_label=False,
        n_repeats=2,
        random_state=0,
    )
    assert "importances_per_label" not in res and res.scoring == "macro_f1"

    def scorer(estimator, X, Y):
        return macro_f1(Y, estimator.predict(X))

    res2 = modality_importance(
        model,
        X,
        Y,
        modalities=modalities,
        scoring=scorer,
        n_repeats=2,
        random_state=0,
    )
    np.testing.assert_allclose(res2.importances, res.importances)
    assert res2.importances_per_label.shape == (2, 3, 2)


def test_missing_modalities(known_truth):
    _, X, Y, modalities, X_train, Y_train = known_truth
    mods = [(name, "passthrough", cols) for name, cols in modalities.items()]
    pipe = make_pipeline(
        MultiModalConcatenator(mods, missing="impute"),
        OneVsRestClassifier(LogisticRegression()),
    ).fit(X_train, Y_train)
    missing = modality_importance(pipe, X, Y, modalities=modalities, method="missing")
    ablation = modality_importance(pipe, X, Y, modalities=modalities, method="ablation")
    assert missing.method == ablation.method == "missing"
    np.testing.assert_allclose(missing.importances, ablation.importances)
    assert missing.importances.shape == (2, 1)
    # an estimator without missing-modality support: clear errors
    plain = OneVsRestClassifier(LogisticRegression()).fit(X_train, Y_train)
    with pytest.raises(ValueError, match="method='missing' needs an estimator"):
        modality_importance(plain, X, Y, modalities=modalities, method="missing")
    with pytest.raises(ValueError, match="pass X_train or fill_values"):
        modality_importance(plain, X, Y, modalities=modalities, method="ablation")
    res = modality_importance(
        plain, X, Y, modalities=modalities, method="ablation", X_train=X_train
    )
    assert res.method == "mean"


def test_partial_labels(tiny):
    X, Y, modalities = tiny
    Y_partial = Y.astype(float)
    Y_partial[0, 0] = np.nan
    res = modality_importance(
        _SignOf().fit(X, Y), X, Y_partial, modalities=modalities, random_state=0
    )
    assert np.all(np.isfinite(res.importances))


@pytest.mark.parametrize(
    "kwargs, match",
    [
        ({"n_repeats": 0}, "n_repeats must be an int"),
        ({"method": "drop"}, "method must be one of"),
        ({"method": "mean"}, "needs the training means"),
        ({"method": "mean", "fill_values": [0, 0]}, "fill_values must have shape"),
        (
            {"method": "mean", "fill_values": [0, 0, 0], "X_train": np.zeros((1, 3))},
            "at most one",
        ),
        ({"method": "mean", "fill_values": {"c": 0}}, "unknown modality"),
        ({"modalities": "auto"}, "auto"),
        ({"per_label": "yes"}, "per_label must be a bool"),
        ({"scoring": "nope"}, "not a valid scoring"),
    ],
)
def test_errors(tiny, kwargs, match):
    X, Y, modalities = tiny
    kwargs = {"modalities": modalities, **kwargs}
    with pytest.raises(ValueError, match=match):
        modality_importance(_SignOf().fit(X, Y), X, Y, **kwargs)


def test_errors_inputs(tiny):
    X, Y, modalities = tiny
    with pytest.raises(NotFittedError):
        modality_importance(
            OneVsRestClassifier(LogisticRegression()), X, Y, modalities=modalities
        )
    with pytest.raises(ValueError, match="row"):
        modality_importance(_SignOf().fit(X, Y), X, Y[:3], modalities=modalities)


def test_sample_weight_and_list_input(tiny):
    X, Y, modalities = tiny
    model = _SignOf().fit(X, Y)
    kwargs = dict(modalities=modalities, method="mean", fill_values=[-1, -10, 1])
    plain = modality_importance(model, X.tolist(), Y, **kwargs)
    ones = modality_importance(model, X, Y, sample_weight=np.ones(6), **kwargs)
    np.testing.assert_allclose(plain.importances, ones.importances)
    # weight only the rows where label 0 is positive: removing "a" costs all
    weighted = modality_importance(
        model, X, Y, sample_weight=Y[:, 0].astype(float), **kwargs
    )
    assert weighted.importances_per_label_mean[0, 0] == pytest.approx(1.0)
    with pytest.raises(ValueError, match="sample_weight must have shape"):
        modality_importance(model, X, Y, sample_weight=np.ones(2), **kwargs)
