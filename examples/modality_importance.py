"""
Which modality carries which label, and what is lost without it
===============================================================

Two questions about a fitted multi-modal model, on the built-in
disaster-like data (three modalities, ``visual``, ``audio`` and ``text``,
and seven imbalanced concepts shaped like Table I of Pouyanfar et al.):

- **which modality matters for which label**:
  :func:`skmml.inspection.modality_importance` permutes the rows of one
  modality's whole block of columns at a time and measures the drop of
  micro-F1 and of the F1 of every concept, drawn by
  :class:`skmml.plotting.ModalityImportanceDisplay` as a concept x modality
  heat map and as bars;
- **how much is lost when a modality goes missing at prediction time**:
  :func:`skmml.inspection.modality_robustness` removes a modality from a
  growing fraction of the test samples, drawn by
  :class:`skmml.plotting.ModalityRobustnessDisplay`.

The generator knows the truth (see
:func:`skmml.datasets.make_disaster_like`): audio detects "speak" and
"flood" and cannot see "damage" nor "human relief", which text detects
well; text is the strongest modality. The heat map recovers this. An
importance measures what a modality adds to the others, not what it knows
alone: visual is a better single modality than audio, but most concepts it
sees are also seen by text, while audio alone carries "speak" and "flood".

The model is a one-vs-rest logistic regression on the standardised
concatenated modalities. Its :class:`~skmml.compose.MultiModalConcatenator`
uses ``missing="impute"``, so the pipeline accepts samples whose whole
modality is missing (NaN); the robustness curves therefore remove the
modality for real (``method="ablation"`` picks ``"missing"``) rather than
permuting it.

Run: ``python examples/modality_importance.py [--n-repeats 5]
[--modality-dims 32]`` (the defaults take about 10 seconds on 2 CPU cores).
"""

import argparse

import matplotlib.pyplot as plt
from sklearn.linear_model import LogisticRegression
from sklearn.multiclass import OneVsRestClassifier
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler
from threadpoolctl import threadpool_limits

from skmml.compose import MultiModalConcatenator
from skmml.datasets import make_disaster_like
from skmml.inspection import modality_importance
from skmml.metrics import micro_f1
from skmml.model_selection import multilabel_train_test_split
from skmml.plotting import ModalityImportanceDisplay, ModalityRobustnessDisplay

# %%
# Data and model
# --------------
# ``as_frame=True`` names the columns ``"{modality}__f{j}"``, so the
# inspection functions find the modalities by themselves
# (``modalities="auto"``). ``missing="impute"`` lets the pipeline take
# samples with a missing modality.


def fit_model(modality_dims):
    X, Y, modalities = make_disaster_like(
        modality_dims=modality_dims, as_frame=True, random_state=0
    )
    X_train, X_test, Y_train, Y_test = multilabel_train_test_split(
        X, Y, test_size=0.5, random_state=0
    )
    concatenate = MultiModalConcatenator(
        [(name, StandardScaler(), cols) for name, cols in modalities.items()],
        missing="impute",
    )
    model = make_pipeline(
        concatenate, OneVsRestClassifier(LogisticRegression(max_iter=1000))
    ).fit(X_train, Y_train)
    score = micro_f1(Y_test, model.predict(X_test))
    print(f"test micro-F1 with every modality: {score:.3f}")
    return model, X_test, Y_test


# %%
# Modality importance, per concept and overall
# --------------------------------------------
# Red cells: the concept needs the modality. A concept that a modality does
# not see has an importance close to 0 for it.


def plot_importance(model, X_test, Y_test, n_repeats):
    result = modality_importance(
        model, X_test, Y_test, n_repeats=n_repeats, random_state=0
    )
    fig, (ax_map, ax_bars) = plt.subplots(
        1, 2, figsize=(11, 4.5), layout="constrained", width_ratios=(3, 2)
    )
    ModalityImportanceDisplay.from_result(result, ax=ax_map)
    ModalityImportanceDisplay.from_result(result, kind="bar", ax=ax_bars)
    ax_map.set_title("Drop of each concept's F1")
    ax_bars.set_title(f"Drop of micro-F1 ({n_repeats} permutations)")
    for name, mean, std in zip(
        result.modality_names,
        result.importances_mean,
        result.importances_std,
        strict=True,
    ):
        print(f"{name:>7}: micro-F1 drops by {mean:.3f} +/- {std:.3f}")


# %%
# Robustness to a missing modality
# --------------------------------
# Score as a growing fraction of the test samples lose one modality (the
# same random samples for every modality; mean and one standard deviation
# over the draws). Losing text costs the most, losing visual the least.


def plot_robustness(model, X_test, Y_test, n_repeats):
    display = ModalityRobustnessDisplay.from_estimator(
        model, X_test, Y_test, method="ablation", n_repeats=n_repeats, random_state=0
    )
    display.ax_.set_title(f"Removed as {display.result_.method} values")


# Small problems: one BLAS thread is faster than several fighting for busy
# cores.
@threadpool_limits.wrap(limits=1)
def main(argv=None):
    parser = argparse.ArgumentParser(
        prog="modality_importance.py",
        description="Modality importance and robustness on disaster-like data",
    )
    parser.add_argument("--n-repeats", type=int, default=5)
    parser.add_argument("--modality-dims", type=int, default=32)
    args = parser.parse_args(argv)
    model, X_test, Y_test = fit_model(args.modality_dims)
    plot_importance(model, X_test, Y_test, args.n_repeats)
    plot_robustness(model, X_test, Y_test, max(1, args.n_repeats // 2 + 1))
    plt.show()


if __name__ == "__main__":
    main()
