"""Displays of skmml.plotting, rendered with the Agg backend."""

import subprocess
import sys

import numpy as np
import pytest
from sklearn.datasets import make_multilabel_classification
from sklearn.ensemble import RandomForestClassifier
from sklearn.exceptions import NotFittedError
from sklearn.feature_selection import RFECV
from sklearn.linear_model import LogisticRegression
from sklearn.multiclass import OneVsRestClassifier
from sklearn.svm import LinearSVC
from sklearn.tree import DecisionTreeClassifier

from skmml.feature_selection import RFRecursiveSelector
from skmml.metrics import per_label_f1
from skmml.model_selection import (
    FixedMultiLabelThresholdClassifier,
    MultiLabelThresholdTuner,
)
from skmml.plotting import PerLabelF1Display, SelectionPathDisplay, ThresholdDisplay

matplotlib = pytest.importorskip("matplotlib")
matplotlib.use("Agg")
import matplotlib.image as mpimg  # noqa: E402
import matplotlib.pyplot as plt  # noqa: E402


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


@pytest.fixture(scope="module")
def data():
    X, Y = make_multilabel_classification(
        n_samples=120, n_features=6, n_classes=3, random_state=0
    )
    return X, Y


@pytest.fixture(scope="module")
def models(data):
    X, Y = data
    return {
        "logistic": OneVsRestClassifier(LogisticRegression()).fit(X, Y),
        "tree": DecisionTreeClassifier(max_depth=2, random_state=0).fit(X, Y),
    }


@pytest.fixture(scope="module")
def selector(data):
    X, Y = data
    return RFRecursiveSelector(
        forest=RandomForestClassifier(n_estimators=10),
        estimator=OneVsRestClassifier(LogisticRegression()),
        stopping="best",
        cv=3,
        random_state=0,
    ).fit(X, Y)


@pytest.fixture(scope="module")
def tuner(data):
    X, Y = data
    return MultiLabelThresholdTuner(
        OneVsRestClassifier(LogisticRegression()),
        thresholds=15,
        cv=3,
        store_cv_results=True,
    ).fit(X, Y)


def _check_png(display, path):
    """Save the figure and check that the image is not blank."""
    display.figure_.savefig(path)
    assert path.exists() and path.stat().st_size > 5000
    image = mpimg.imread(path)
    # more than a uniform background: several distinct colours drawn
    assert np.unique(image.reshape(-1, image.shape[-1]), axis=0).shape[0] > 10


# --------------------------------------------------------------------------
# PerLabelF1Display


Y_TRUE = np.array([[1, 0, 1], [0, 1, 1], [1, 1, 0], [0, 0, 1]])
PREDICTIONS = {
    "text": np.array([[1, 0, 1], [0, 0, 0], [1, 0, 0], [0, 0, 1]]),
    "fusion": np.array([[1, 0, 1], [0, 1, 1], [1, 1, 0], [1, 0, 1]]),
}


def test_per_label_f1_from_predictions_hand_computed(tmp_path):
    disp = PerLabelF1Display.from_predictions(
        Y_TRUE, PREDICTIONS, label_names=["flood", "damage", "speak"]
    )
    # text: label 0 exact; label 1 never predicted; label 2 tp=2 fn=1 -> 0.8
    # fusion: label 0 tp=2 fp=1 -> 0.8; labels 1 and 2 exact
    expected = np.array([[1.0, 0.0, 0.8], [0.8, 1.0, 1.0]])
    np.testing.assert_allclose(disp.f1_scores, expected)
    assert list(disp.bars_) == ["text", "fusion"]
    for i, name in enumerate(["text", "fusion"]):
        heights = [bar.get_height() for bar in disp.bars_[name]]
        np.testing.assert_allclose(heights, expected[i])
    # one group per label: the two bars of label j sit side by side around j
    for j in range(3):
        centres = [
            disp.bars_[m][j].get_x() + disp.bars_[m][j].get_width() / 2
            for m in disp.bars_
        ]
        assert centres[0] < j < centres[1]
        assert np.isclose(np.mean(centres), j)
    ticks = [t.get_text() for t in disp.ax_.get_xticklabels()]
    assert ticks == ["flood", "damage", "speak"]
    assert [t.get_text() for t in disp.legend_.get_texts()] == ["text", "fusion"]
    assert disp.ax_.get_ylabel() == "F1 score"
    assert disp.figure_ is disp.ax_.figure
    _check_png(disp, tmp_path / "per_label.png")


def test_per_label_f1_from_estimator_matches_per_label_f1(data, models, tmp_path):
    X, Y = data
    disp = PerLabelF1Display.from_estimator(models, X, Y)
    for i, (name, est) in enumerate(models.items()):
        expected = per_label_f1(Y, est.predict(X))
        np.testing.assert_allclose(disp.f1_scores[i], expected)
        np.testing.assert_allclose(
            [bar.get_height() for bar in disp.bars_[name]], expected
        )
    assert [t.get_text() for t in disp.ax_.get_xticklabels()] == ["0", "1", "2"]
    _check_png(disp, tmp_path / "per_label_est.png")


def test_per_label_f1_names_from_dataframe_and_given_ax(data, models):
    pd = pytest.importorskip("pandas")
    X, Y = data
    Y_frame = pd.DataFrame(Y, columns=["demo", "flood", "victim"])
    fig, axes = plt.subplots(1, 2)
    disp = PerLabelF1Display.from_estimator(models, X, Y_frame, ax=axes[1])
    assert disp.ax_ is axes[1] and disp.figure_ is fig
    assert [t.get_text() for t in axes[1].get_xticklabels()] == [
        "demo",
        "flood",
        "victim",
    ]
    assert not axes[0].patches  # nothing drawn on the other axes


def test_per_label_f1_plot_options():
    disp = PerLabelF1Display([[0.2, 0.4]], label_names=["a", "b"])
    disp.plot(legend=False, bar_kw={"color": "red"})
    assert disp.legend_ is None
    assert list(disp.bars_) == ["model 0"]
    assert disp.bars_["model 0"][0].get_facecolor()[:3] == (1.0, 0.0, 0.0)


def test_per_label_f1_does_not_modify_inputs():
    Y = Y_TRUE.copy()
    preds = {k: v.copy() for k, v in PREDICTIONS.items()}
    PerLabelF1Display.from_predictions(Y, preds)
    np.testing.assert_array_equal(Y, Y_TRUE)
    for k in preds:
        np.testing.assert_array_equal(preds[k], PREDICTIONS[k])


@pytest.mark.parametrize(
    "predictions, match",
    [
        ([Y_TRUE], "must be a dict"),
        ({}, "is empty"),
        ({0: Y_TRUE}, "keys must be model names"),
        ({"a": Y_TRUE[:3]}, r"predictions\['a'\] has shape \(3, 3\)"),
        ({"a": Y_TRUE[:, :2]}, r"predictions\['a'\] has shape \(4, 2\)"),
        ({"a": Y_TRUE * 2}, r"predictions\['a'\] must be a binary"),
        ({"a": Y_TRUE[:, 0]}, r"predictions\['a'\] must be a 2-D"),
    ],
)
def test_per_label_f1_from_predictions_errors(predictions, match):
    with pytest.raises(ValueError, match=match):
        PerLabelF1Display.from_predictions(Y_TRUE, predictions)


def test_per_label_f1_label_names_length():
    with pytest.raises(ValueError, match="label_names has 2 name"):
        PerLabelF1Display.from_predictions(Y_TRUE, PREDICTIONS, label_names=["a", "b"])


def test_per_label_f1_from_estimator_errors(data, models):
    X, Y = data
    with pytest.raises(NotFittedError, match=r"estimators\['svm'\] is not fitted"):
        PerLabelF1Display.from_estimator(
            {"fitted": models["tree"], "svm": OneVsRestClassifier(LinearSVC())}, X, Y
        )
    with pytest.raises(ValueError, match=r"estimators\['x'\] must be a fitted"):
        PerLabelF1Display.from_estimator({"x": "not a model"}, X, Y)
    with pytest.raises(ValueError, match="Y_true has shape"):
        PerLabelF1Display.from_estimator(models, X, Y[:, :2])


def test_per_label_f1_plot_validates_data():
    with pytest.raises(ValueError, match="f1_scores must be 2-D"):
        PerLabelF1Display([0.1, 0.2]).plot()
    with pytest.raises(ValueError, match="model_names has 1 name"):
        PerLabelF1Display([[0.1], [0.2]], model_names=["a"]).plot()
    with pytest.raises(ValueError, match="model_names must be unique"):
        PerLabelF1Display([[0.1], [0.2]], model_names=["a", "a"]).plot()
    with pytest.raises(ValueError, match="ax must be a matplotlib Axes"):
        PerLabelF1Display([[0.1]]).plot(ax="left")


# --------------------------------------------------------------------------
# SelectionPathDisplay


def test_selection_path_matches_cv_results(selector, tmp_path):
    disp = SelectionPathDisplay.from_estimator(selector)
    res = selector.cv_results_
    np.testing.assert_array_equal(disp.line_.get_xdata(), res["n_features"])
    np.testing.assert_allclose(disp.line_.get_ydata(), res["mean_test_score"])
    # the band spans mean - std .. mean + std
    vertices = disp.fill_between_.get_paths()[0].vertices
    low = res["mean_test_score"] - res["std_test_score"]
    high = res["mean_test_score"] + res["std_test_score"]
    assert np.isclose(vertices[:, 1].min(), low.min())
    assert np.isclose(vertices[:, 1].max(), high.max())
    kept = selector.n_features_
    assert disp.selected_line_.get_xdata()[0] == kept
    x, y = disp.selected_point_.get_data()
    position = np.flatnonzero(res["n_features"] == kept)[0]
    assert x[0] == kept and np.isclose(y[0], res["mean_test_score"][position])
    assert disp.ax_.get_xlabel() == "Number of features"
    _check_png(disp, tmp_path / "path.png")


def test_selection_path_early_stopping_and_scoring_label(data):
    X, Y = data
    sel = RFRecursiveSelector(
        forest=RandomForestClassifier(n_estimators=10),
        estimator=DecisionTreeClassifier(max_depth=2, random_state=0),
        stopping="best",
        patience=1,
        scoring="macro_f1",
        cv=2,
        random_state=0,
    ).fit(X, Y)
    disp = SelectionPathDisplay.from_estimator(sel, show_std=False)
    assert disp.fill_between_ is None
    np.testing.assert_array_equal(disp.line_.get_xdata(), sel.cv_results_["n_features"])
    assert disp.ax_.get_ylabel() == "Mean CV score (macro_f1)"


def test_selection_path_accepts_rfecv():
    X, Y = make_multilabel_classification(n_samples=60, n_features=4, random_state=0)
    rfecv = RFECV(LogisticRegression(), cv=2).fit(X, Y[:, 0])
    disp = SelectionPathDisplay.from_estimator(rfecv)
    np.testing.assert_allclose(
        disp.line_.get_ydata(), rfecv.cv_results_["mean_test_score"]
    )
    assert disp.selected_line_.get_xdata()[0] == rfecv.n_features_


def test_selection_path_sorts_sizes_and_unevaluated_kept_size():
    disp = SelectionPathDisplay(
        [8, 4, 2], [0.3, 0.5, 0.4], [0.1, 0.1, 0.1], n_features_selected=5
    ).plot()
    np.testing.assert_array_equal(disp.line_.get_xdata(), [2, 4, 8])
    np.testing.assert_allclose(disp.line_.get_ydata(), [0.4, 0.5, 0.3])
    assert disp.selected_point_ is None  # size 5 was never scored
    assert disp.selected_line_.get_xdata()[0] == 5


def test_selection_path_errors(data, tuner):
    with pytest.raises(NotFittedError):
        SelectionPathDisplay.from_estimator(RFRecursiveSelector())
    with pytest.raises(ValueError, match="needs a fitted RFRecursiveSelector"):
        SelectionPathDisplay.from_estimator(tuner)
    with pytest.raises(ValueError, match="needs a fitted RFRecursiveSelector"):
        SelectionPathDisplay.from_estimator("selector")
    with pytest.raises(ValueError, match="mean_test_score has shape"):
        SelectionPathDisplay([1, 2, 3], [0.1, 0.2]).plot()
    with pytest.raises(ValueError, match="std_test_score has shape"):
        SelectionPathDisplay([1, 2], [0.1, 0.2], [0.1]).plot()
    with pytest.raises(ValueError, match="contains NaN"):
        SelectionPathDisplay([1, 2], [0.1, np.nan]).plot()


# --------------------------------------------------------------------------
# ThresholdDisplay


def test_threshold_bars_match_tuner(tuner, tmp_path):
    disp = ThresholdDisplay.from_estimator(
        tuner, label_names=["demo", "flood", "victim"]
    )
    np.testing.assert_allclose(
        [bar.get_height() for bar in disp.bars_], tuner.thresholds_
    )
    assert disp.default_line_.get_ydata()[0] == 0.5  # predict_proba default
    assert [t.get_text() for t in disp.ax_.get_xticklabels()] == [
        "demo",
        "flood",
        "victim",
    ]
    assert disp.lines_ is None and disp.points_ is None
    _check_png(disp, tmp_path / "thresholds.png")


def test_threshold_curves_match_cv_results(tuner, tmp_path):
    disp = ThresholdDisplay.from_estimator(tuner, kind="curves")
    grid, scores = tuner.cv_results_["thresholds"], tuner.cv_results_["scores"]
    assert len(disp.lines_) == 3 and disp.bars_ is None
    for j in range(3):
        np.testing.assert_allclose(disp.lines_[j].get_xdata(), grid[j])
        np.testing.assert_allclose(disp.lines_[j].get_ydata(), scores[j])
        x, y = disp.points_[j].get_data()
        assert np.isclose(x[0], tuner.thresholds_[j])
        # the chosen threshold is on its curve, at the top unless the guard
        # of the tuner kept the default
        at = np.flatnonzero(grid[j] == tuner.thresholds_[j])[0]
        assert np.isclose(y[0], scores[j][at])
        if tuner.tuned_mask_[j]:
            assert np.isclose(y[0], scores[j].max())
    assert disp.ax_.get_ylabel() == "CV score (f1)"
    assert [t.get_text() for t in disp.ax_.get_legend().get_texts()] == [
        "0",
        "1",
        "2",
    ]
    _check_png(disp, tmp_path / "curves.png")


def test_threshold_fixed_decision_function(data):
    X, Y = data
    fixed = FixedMultiLabelThresholdClassifier(
        OneVsRestClassifier(LinearSVC()), threshold=[-0.5, 0.0, 0.25]
    ).fit(X, Y)
    disp = ThresholdDisplay.from_estimator(fixed)
    np.testing.assert_allclose([b.get_height() for b in disp.bars_], [-0.5, 0, 0.25])
    assert disp.default_line_.get_ydata()[0] == 0.0  # decision_function default
    with pytest.raises(ValueError, match="store_cv_results=True"):
        ThresholdDisplay.from_estimator(fixed, kind="curves")


def test_threshold_binary_names_positive_class():
    rng = np.random.RandomState(0)
    X = rng.normal(size=(60, 2))
    y = np.where(X[:, 0] + rng.normal(size=60) > 0, "pos", "neg")
    fixed = FixedMultiLabelThresholdClassifier(LogisticRegression(), threshold=0.3).fit(
        X, y
    )
    disp = ThresholdDisplay.from_estimator(fixed)
    assert [t.get_text() for t in disp.ax_.get_xticklabels()] == ["pos"]
    assert disp.bars_[0].get_height() == 0.3


def test_threshold_errors(data, selector):
    X, Y = data
    unfitted = MultiLabelThresholdTuner(OneVsRestClassifier(LogisticRegression()))
    with pytest.raises(NotFittedError):
        ThresholdDisplay.from_estimator(unfitted)
    with pytest.raises(ValueError, match="needs a fitted MultiLabelThresholdTuner"):
        ThresholdDisplay.from_estimator(selector)
    disp = ThresholdDisplay([0.1, 0.2])
    with pytest.raises(ValueError, match="kind must be one of"):
        disp.plot(kind="pie")
    with pytest.raises(ValueError, match="label_names has 1 name"):
        ThresholdDisplay([0.1, 0.2], label_names=["a"]).plot()
    with pytest.raises(ValueError, match=r"must\s+both have shape \(n_labels=2"):
        ThresholdDisplay(
            [0.1, 0.2], cv_thresholds=[[0.1, 0.2]], cv_scores=[[0.5, 0.6]]
        ).plot(kind="curves")
    with pytest.raises(ValueError, match="bar_kw must be a dict"):
        disp.plot(bar_kw=["red"])


# --------------------------------------------------------------------------
# matplotlib is optional


def _run(code):
    return subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=False
    )


def test_import_does_not_need_matplotlib():
    code = (
        "import sys\n"
        "sys.modules['matplotlib'] = None\n"  # makes `import matplotlib` fail
        "from skmml.plotting import ThresholdDisplay\n"
        "try:\n"
        "    ThresholdDisplay([0.5]).plot()\n"
        "except ImportError as exc:\n"
        "    print(exc)\n"
    )
    res = _run(code)
    assert res.returncode == 0, res.stderr
    assert "ThresholdDisplay.plot requires matplotlib" in res.stdout
    assert "pip install 'skmml[plot]'" in res.stdout


def test_import_does_not_import_matplotlib():
    res = _run("import sys, skmml.plotting\nprint('matplotlib' in sys.modules)\n")
    assert res.returncode == 0, res.stderr
    assert res.stdout.strip() == "False"


# --------------------------------------------------------------------------
# partially labelled Y_true (NaN = unknown)


def test_per_label_f1_partial_y_true_hand_computed(tmp_path):
    pd = pytest.importorskip("pandas")
    import scipy.sparse as sp

    Y_part = Y_TRUE.astype(float)
    Y_part[1, 1] = np.nan  # damage of sample 1 unknown
    Y_part[3, 2] = np.nan  # speak of sample 3 unknown
    # label 1 on rows 0, 2, 3 (true 0, 1, 0): text never predicts it -> 0,
    # fusion exact -> 1; label 2 on rows 0-2 (true 1, 1, 0): text predicts
    # rows 0 -> tp 1, fn 1 -> 2/3, fusion exact -> 1; label 0 unchanged
    expected = np.array([[1.0, 0.0, 2 / 3], [0.8, 1.0, 1.0]])
    for Y in (
        Y_part,
        pd.DataFrame(Y_part).astype("Int64"),
        sp.csr_matrix(np.where(Y_part == 0, 0, Y_part)),
    ):
        disp = PerLabelF1Display.from_predictions(Y, PREDICTIONS)
        np.testing.assert_allclose(disp.f1_scores, expected)
    for i, name in enumerate(PREDICTIONS):
        np.testing.assert_allclose(
            disp.f1_scores[i], per_label_f1(Y_part, PREDICTIONS[name])
        )
    _check_png(disp, tmp_path / "partial.png")


def test_per_label_f1_label_without_known_entry_has_no_bar():
    from sklearn.exceptions import UndefinedMetricWarning

    Y_part = Y_TRUE.astype(float)
    Y_part[:, 1] = np.nan
    with pytest.warns(UndefinedMetricWarning):
        disp = PerLabelF1Display.from_predictions(Y_part, PREDICTIONS)
    assert np.all(np.isnan(disp.f1_scores[:, 1]))
    assert np.isnan(disp.bars_["text"][1].get_height())
    with pytest.raises(ValueError, match="contains infinity"):
        PerLabelF1Display([[0.1, np.inf]]).plot()


def test_per_label_f1_from_estimator_partial_y(data, models):
    X, Y = data
    Y_part = Y.astype(float)
    Y_part[::3, 0] = np.nan
    disp = PerLabelF1Display.from_estimator(models, X, Y_part)
    for i, est in enumerate(models.values()):
        np.testing.assert_allclose(
            disp.f1_scores[i], per_label_f1(Y_part, est.predict(X))
        )
    # predictions must stay complete
    with pytest.raises(ValueError, match="only Y_true may hold NaN"):
        PerLabelF1Display.from_predictions(Y, {"bad": Y_part})


def test_displays_of_models_fitted_on_partial_y(data, tmp_path):
    from skmml.model_selection.tests._partial import MaskedLogistic

    X, Y = data
    Y_part = Y.astype(float)
    Y_part[::4, 1] = np.nan
    tuner = MultiLabelThresholdTuner(
        MaskedLogistic(), thresholds=15, cv=3, store_cv_results=True
    ).fit(X, Y_part)
    disp = ThresholdDisplay.from_estimator(tuner)
    np.testing.assert_allclose(
        [bar.get_height() for bar in disp.bars_], tuner.thresholds_
    )
    selector = RFRecursiveSelector(
        forest=RandomForestClassifier(n_estimators=5),
        estimator=OneVsRestClassifier(LogisticRegression()),
        cv=3,
        random_state=0,
        unknown="drop_rows",
    ).fit(X, Y_part)
    path = SelectionPathDisplay.from_estimator(selector)
    _check_png(path, tmp_path / "path.png")
