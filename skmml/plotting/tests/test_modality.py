"""ModalityImportanceDisplay and ModalityRobustnessDisplay, rendered with Agg."""

import numpy as np
import pytest
from sklearn.linear_model import LogisticRegression
from sklearn.multiclass import OneVsRestClassifier

from skmml.datasets import make_multimodal_multilabel
from skmml.inspection import modality_importance, modality_robustness
from skmml.plotting import ModalityImportanceDisplay, ModalityRobustnessDisplay

matplotlib = pytest.importorskip("matplotlib")
matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


@pytest.fixture(scope="module")
def fitted():
    X, Y, _ = make_multimodal_multilabel(
        300,
        modality_dims={"image": 5, "text": 5, "audio": 3},
        n_labels=4,
        as_frame=True,
        random_state=0,
    )
    model = OneVsRestClassifier(LogisticRegression()).fit(X[:150], Y[:150])
    return model, X[150:], Y[150:]


def _check_png(display, path):
    display.figure_.savefig(path)
    assert path.exists() and path.stat().st_size > 5000


def test_importance_heatmap_shows_the_numbers(fitted, tmp_path):
    model, X, Y = fitted
    result = modality_importance(model, X, Y, n_repeats=3, random_state=0)
    disp = ModalityImportanceDisplay.from_estimator(
        model, X, Y, n_repeats=3, random_state=0
    )
    np.testing.assert_array_equal(
        disp.result_.importances_per_label, result.importances_per_label
    )
    # rows = labels, columns = modalities
    np.testing.assert_allclose(
        disp.image_.get_array(), result.importances_per_label_mean.T
    )
    assert disp.text_.shape == (4, 3)
    assert disp.text_[2, 1].get_text() == format(
        result.importances_per_label_mean[1, 2], ".2f"
    )
    assert [t.get_text() for t in disp.ax_.get_xticklabels()] == [
        "image",
        "text",
        "audio",
    ]
    assert [t.get_text() for t in disp.ax_.get_yticklabels()] == list(Y.columns)
    vmin, vmax = disp.image_.get_clim()
    assert vmin == -vmax  # centred on 0
    assert disp.colorbar_ is not None and disp.bars_ is None
    _check_png(disp, tmp_path / "heatmap.png")


def test_importance_bars_show_the_numbers(fitted, tmp_path):
    model, X, Y = fitted
    result = modality_importance(model, X, Y, n_repeats=3, random_state=0)
    disp = ModalityImportanceDisplay.from_result(result, kind="bar")
    np.testing.assert_allclose(
        [bar.get_width() for bar in disp.bars_], result.importances_mean
    )
    # the error bars span mean -/+ std
    segments = disp.bars_.errorbar.lines[2][0].get_segments()
    np.testing.assert_allclose(
        [seg[1, 0] - seg[0, 0] for seg in segments], 2 * result.importances_std
    )
    assert disp.image_ is None
    assert "micro_f1" in disp.ax_.get_xlabel()
    _check_png(disp, tmp_path / "bars.png")
    # from_estimator with kind="bar" skips the per-label work
    bars = ModalityImportanceDisplay.from_estimator(
        model, X, Y, kind="bar", n_repeats=3, random_state=0
    )
    assert "importances_per_label" not in bars.result_
    np.testing.assert_allclose(
        [bar.get_width() for bar in bars.bars_], result.importances_mean
    )


def test_importance_on_given_axes_and_nan_cells():
    fig, (ax1, ax2) = plt.subplots(1, 2)
    disp = ModalityImportanceDisplay(
        [0.2, 0.1],
        [[0.5, np.nan], [0.0, 0.1]],
        modality_names=["a", "b"],
        label_names=["x", "y"],
    ).plot(ax=ax2, include_values=True, colorbar=False)
    assert disp.ax_ is ax2 and disp.figure_ is fig
    assert disp.text_[1, 0].get_text() == ""
    assert bool(np.ma.getmaskarray(disp.image_.get_array())[1, 0])
    assert disp.colorbar_ is None


def test_importance_errors():
    with pytest.raises(ValueError, match="kind must be one of"):
        ModalityImportanceDisplay([0.1]).plot(kind="pie")
    with pytest.raises(ValueError, match="needs importances_per_label"):
        ModalityImportanceDisplay([0.1]).plot()
    with pytest.raises(ValueError, match="row"):
        ModalityImportanceDisplay([0.1, 0.2], [[0.1, 0.2]]).plot()
    with pytest.raises(ValueError, match="modality_names"):
        ModalityImportanceDisplay([0.1], modality_names=["a", "b"]).plot(kind="bar")
    with pytest.raises(ValueError, match="misses"):
        ModalityImportanceDisplay.from_result({"importances_mean": [0.1]})


def test_robustness_curves_show_the_numbers(fitted, tmp_path):
    model, X, Y = fitted
    kwargs = dict(fractions=[0, 0.5, 1], n_repeats=2, random_state=0)
    result = modality_robustness(model, X, Y, **kwargs)
    disp = ModalityRobustnessDisplay.from_estimator(model, X, Y, **kwargs)
    np.testing.assert_array_equal(disp.result_.scores, result.scores)
    assert list(disp.lines_) == ["image", "text", "audio"]
    for m, name in enumerate(disp.lines_):
        np.testing.assert_allclose(disp.lines_[name].get_xdata(), [0, 0.5, 1])
        np.testing.assert_allclose(disp.lines_[name].get_ydata(), result.scores_mean[m])
        band = disp.fill_between_[name].get_paths()[0].vertices
        low = result.scores_mean[m] - result.scores_std[m]
        assert band[:, 1].min() == pytest.approx(low.min())
    assert disp.baseline_line_.get_ydata()[0] == pytest.approx(result.baseline_score)
    assert "micro_f1" in disp.ax_.get_ylabel()
    assert "permutation" in disp.ax_.get_xlabel()
    _check_png(disp, tmp_path / "robustness.png")


def test_robustness_constructor_and_errors():
    disp = ModalityRobustnessDisplay(
        [1.0, 0.0], [[0.4, 0.8]], modality_names=["a"]
    ).plot(show_std=False)
    # sorted by fraction
    assert disp.lines_["a"].get_xdata().tolist() == [0.0, 1.0]
    assert disp.lines_["a"].get_ydata().tolist() == [0.8, 0.4]
    assert disp.fill_between_ is None and disp.baseline_line_ is None
    with pytest.raises(ValueError, match="fractions"):
        ModalityRobustnessDisplay([0.0, 1.0], [[0.4, 0.8, 0.1]]).plot()
    with pytest.raises(ValueError, match="scores_std"):
        ModalityRobustnessDisplay([0.0, 1.0], [[0.4, 0.8]], [[0.1]]).plot()
    with pytest.raises(ValueError, match="unique"):
        ModalityRobustnessDisplay(
            [0.0], [[0.4], [0.5]], modality_names=["a", "a"]
        ).plot()
    with pytest.raises(ValueError, match="misses"):
        ModalityRobustnessDisplay.from_result({"fractions": [0.0]})
