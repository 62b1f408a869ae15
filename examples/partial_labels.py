"""
Partially labelled data: masked models vs dropping rows vs unknown = 0
======================================================================

A label matrix with unknown entries (NaN) is what annotators usually
deliver. The two things users do today with scikit-learn are to drop every
row with an unknown entry, or to pretend that unknown means "absent". skmml's
masked models instead leave each unknown entry out of training:

- ``BR-LR masked``: :class:`skmml.multioutput.PartialBinaryRelevance` around
  a logistic regression fits each label on the rows where it is known;
- ``RMLC masked``: :class:`skmml.neural.RMLCClassifier` gives unknown entries
  zero weight in its loss (IM-WCE of Ibrahim et al. with a known mask).

Protocol: 5-fold iterative-stratified CV. In every training fold a ratio
``r`` of all label entries (positives and negatives alike, missing completely
at random) is hidden with
``simulate_missing_labels(..., as_nan=True, mode="entries")``; the test
folds keep their complete labels. Each model family is fitted four ways on
the same folds: on the complete training labels (the reference), masked,
on the complete rows only ("drop rows") and with unknown set to 0
("unknown=0"). When no training row is complete the "drop rows" model cannot
be fitted and predicts no label (its F1 is 0 and its ranking is constant).
Features are standardised inside each fold.

The data: yeast and emotions from ``../shared/datasets`` (MULAN's
repository; another folder with ``--data-dir``) when present, otherwise a
generated two-view stand-in of the same shape (the output says so), and
the built-in disaster-like data of Pouyanfar et al. (three modalities,
seven imbalanced concepts).

The last table checks the target of issue 13 at ``r = 0.5``: the loss of the
masked model (complete-label score minus its score) is at most half the
loss of the better workaround.

Run: ``python examples/partial_labels.py [--folds 5] [--epochs 25]
[--out partial_labels.png] [--data-dir DIR]``; about 1-2 minutes on 2 CPU
cores. The figure (score against the ratio of unknown entries, per method)
is shown, and written to ``--out`` when given.
"""

import argparse
import sys
import time
import warnings
from pathlib import Path

import numpy as np
from joblib import Parallel, delayed
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from skmml.datasets import (
    load_mulan_arff,
    make_disaster_like,
    make_multimodal_multilabel,
)
from skmml.losses import simulate_missing_labels
from skmml.metrics import macro_f1, mean_average_precision, micro_f1
from skmml.model_selection import IterativeStratifiedKFold
from skmml.multioutput import PartialBinaryRelevance
from skmml.neural import RMLCClassifier

# ../shared/datasets next to the repository (sphinx-gallery sets argv[0] too)
DATA_DIR = Path(sys.argv[0]).resolve().parents[2] / "shared" / "datasets"
VIEWS = {
    "emotions": {"rhythmic": "BH", "timbre": None},
    "yeast": {"expression": slice(0, 79), "phylogenetic": slice(79, 103)},
}
SHAPES = {"emotions": (593, (8, 64), 6), "yeast": (2417, (79, 24), 14)}
RATIOS = (0.25, 0.5, 0.75)
WAYS = ("complete", "masked", "drop rows", "unknown=0")
METRICS = {
    "micro-F1": lambda Y, P, S: micro_f1(Y, P),
    "macro-F1": lambda Y, P, S: macro_f1(Y, P),
    "MAP": lambda Y, P, S: mean_average_precision(Y, S),
}


def load(name, data_dir=DATA_DIR):
    """``(X, Y, modalities, source)`` for one data set."""
    if name == "disaster-like":
        X, Y, modalities = make_disaster_like(random_state=0)
        return X, Y, modalities, "built-in generator"
    path = Path(data_dir) / name / f"{name}.arff"
    if path.exists():
        bunch = load_mulan_arff(path, path.with_suffix(".xml"), views=VIEWS[name])
        return bunch.data, bunch.target, bunch.modalities, str(path)
    n_samples, dims, n_labels = SHAPES[name]
    X, Y, modalities = make_multimodal_multilabel(
        n_samples, modality_dims=dims, n_labels=n_labels, random_state=0
    )
    return X, Y, modalities, "not found: generated stand-in of the same shape"


def make_model(family, modalities, args, seed):
    if family == "BR-LR":
        return make_pipeline(
            StandardScaler(),
            PartialBinaryRelevance(LogisticRegression(max_iter=1000)),
        )
    return make_pipeline(
        StandardScaler(),
        RMLCClassifier(
            modalities,
            hidden_size=64,
            max_epochs=args.epochs,
            lr=3e-3,
            batch_size=128,
            random_state=seed,
        ),
    )


def fit_predict(model, X, Y, X_test):
    """Hard predictions and scores; a model without training rows predicts none."""
    if X.shape[0] == 0:
        n_labels = Y.shape[1]
        return (np.zeros((X_test.shape[0], n_labels), dtype=int),) * 2
    model.fit(X, Y)
    return model.predict(X_test), model.predict_proba(X_test)


def scores(Y_test, P, S):
    return {metric: fn(Y_test, P, S) for metric, fn in METRICS.items()}


def run_fold(name, X, Y, modalities, train, test, fold, args):
    import torch

    torch.set_num_threads(1)
    # few complete rows make constant labels: PartialBinaryRelevance warns
    warnings.filterwarnings("ignore", "Label .* is present in all", UserWarning)
    rows = []
    X_train, X_test, Y_test = X[train], X[test], Y[test]
    for family in ("BR-LR", "RMLC"):
        model = make_model(family, modalities, args, seed=fold)
        P, S = fit_predict(model, X_train, Y[train], X_test)
        rows.append((name, family, "complete", 0.0, fold, scores(Y_test, P, S)))
    for ratio in RATIOS:
        seed = 1000 * fold + int(100 * ratio)
        Y_partial, _ = simulate_missing_labels(
            Y[train], ratio, as_nan=True, mode="entries", random_state=seed
        )
        complete_rows = ~np.isnan(Y_partial).any(axis=1)
        data = {
            "masked": (X_train, Y_partial),
            "drop rows": (X_train[complete_rows], Y_partial[complete_rows]),
            "unknown=0": (X_train, np.nan_to_num(Y_partial, nan=0.0)),
        }
        for family in ("BR-LR", "RMLC"):
            for way, (X_fit, Y_fit) in data.items():
                model = make_model(family, modalities, args, seed=fold)
                P, S = fit_predict(model, X_fit, Y_fit, X_test)
                rows.append((name, family, way, ratio, fold, scores(Y_test, P, S)))
    return rows


def summarise(rows):
    """``{(dataset, family, way, ratio): {metric: (mean, sem)}}``."""
    groups = {}
    for name, family, way, ratio, _, values in rows:
        groups.setdefault((name, family, way, ratio), []).append(values)
    out = {}
    for key, folds in groups.items():
        out[key] = {}
        for metric in METRICS:
            v = np.array([f[metric] for f in folds])
            out[key][metric] = (v.mean(), v.std(ddof=1) / np.sqrt(len(v)))
    return out


def print_table(summary, datasets):
    header = f"{'data':<14}{'model':<7}{'labels':<11}{'unknown':>8}" + "".join(
        f"{m:>16}" for m in METRICS
    )
    print(header)
    print("-" * len(header))
    for name in datasets:
        for family in ("BR-LR", "RMLC"):
            ref = summary[(name, family, "complete", 0.0)]
            cells = "".join(f"{m:.3f} +- {s:.3f}".rjust(16) for m, s in ref.values())
            print(f"{name:<14}{family:<7}{'complete':<11}{0:>7.0%} {cells}")
            for ratio in RATIOS:
                for way in WAYS[1:]:
                    res = summary[(name, family, way, ratio)]
                    cells = "".join(
                        f"{m:.3f} +- {s:.3f}".rjust(16) for m, s in res.values()
                    )
                    print(f"{'':<14}{'':<7}{way:<11}{ratio:>7.0%} {cells}")
        print()


def check_target(summary, datasets, ratio=0.5):
    """Masked loss vs half of the better workaround's loss at ``ratio``."""
    print(f"Target at {ratio:.0%} unknown: masked loss <= 1/2 loss of the better")
    print("workaround (loss = complete-label score - score)")
    print(f"{'data':<14}{'model':<7}{'metric':<10}{'masked':>8}{'best wa':>9}  holds")
    held = total = 0
    for name in datasets:
        for family in ("BR-LR", "RMLC"):
            ref = summary[(name, family, "complete", 0.0)]
            for metric in METRICS:
                loss = {
                    way: ref[metric][0] - summary[(name, family, way, ratio)][metric][0]
                    for way in WAYS[1:]
                }
                best = min(loss["drop rows"], loss["unknown=0"])
                ok = loss["masked"] <= 0.5 * best
                held += ok
                total += 1
                print(
                    f"{name:<14}{family:<7}{metric:<10}{loss['masked']:>8.3f}"
                    f"{best:>9.3f}  {'yes' if ok else 'NO'}"
                )
    print(f"holds in {held} of {total} cases")


def plot(summary, datasets, out):
    import matplotlib.pyplot as plt

    fig, axes = plt.subplots(
        len(datasets), len(METRICS), figsize=(4 * len(METRICS), 3 * len(datasets))
    )
    axes = np.atleast_2d(axes)
    styles = {"BR-LR": "-", "RMLC": "--"}
    colors = {"masked": "C0", "drop rows": "C1", "unknown=0": "C3", "complete": "k"}
    for i, name in enumerate(datasets):
        for j, metric in enumerate(METRICS):
            ax = axes[i, j]
            for family in ("BR-LR", "RMLC"):
                ref = summary[(name, family, "complete", 0.0)][metric][0]
                for way in WAYS[1:]:
                    means = [ref] + [
                        summary[(name, family, way, r)][metric][0] for r in RATIOS
                    ]
                    ax.plot(
                        (0.0, *RATIOS),
                        means,
                        styles[family],
                        color=colors[way],
                        marker="o",
                        label=f"{family} {way}",
                    )
            ax.set_title(f"{name}: {metric}")
            ax.set_xlabel("fraction of unknown training entries")
    axes[0, 0].legend(fontsize="small")
    fig.tight_layout()
    if out:
        fig.savefig(out, dpi=100)
        print(f"plot written to {out}")


def main(argv=None):
    parser = argparse.ArgumentParser(
        prog="partial_labels.py",
        description="Masked models vs the usual workarounds on partial labels.",
    )
    parser.add_argument(
        "--datasets", nargs="+", default=["yeast", "emotions", "disaster-like"]
    )
    parser.add_argument("--folds", type=int, default=5)
    parser.add_argument("--epochs", type=int, default=25)
    parser.add_argument("--n-jobs", type=int, default=2)
    parser.add_argument("--out", default=None, help="write the figure here")
    parser.add_argument("--data-dir", default=str(DATA_DIR))
    args = parser.parse_args(argv)

    start = time.perf_counter()
    jobs = []
    for name in args.datasets:
        X, Y, modalities, source = load(name, args.data_dir)
        print(f"{name}: {X.shape[0]} x {X.shape[1]}, {Y.shape[1]} labels ({source})")
        cv = IterativeStratifiedKFold(n_splits=args.folds, shuffle=True, random_state=0)
        for fold, (train, test) in enumerate(cv.split(X, Y)):
            jobs.append(
                delayed(run_fold)(name, X, Y, modalities, train, test, fold, args)
            )
    rows = [
        row for fold_rows in Parallel(n_jobs=args.n_jobs)(jobs) for row in fold_rows
    ]
    summary = summarise(rows)
    print()
    print_table(summary, args.datasets)
    check_target(summary, args.datasets)
    plot(summary, args.datasets, args.out)
    print(f"total time {time.perf_counter() - start:.0f} s")


if __name__ == "__main__":
    main()
