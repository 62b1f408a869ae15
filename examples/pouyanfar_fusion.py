"""The fusion module of Pouyanfar et al. (2018), end to end.

Pipeline(MultiModalConcatenator -> RFRecursiveSelector ->
LabelPowersetWeightedSVC) is tuned by GridSearchCV (C and the elimination
step) with IterativeStratifiedKFold and skmml's multi-metric scoring, then
compared on a held-out split with

- the same pipeline without the inverse-frequency weights,
- the same pipeline without feature selection,
- one-vs-rest LinearSVC on the concatenated features.

It prints micro-F1, Hamming loss and MAP per approach, and F1 per concept
(the paper's claim: the weighting helps the rare concepts most).

Run ``python examples/pouyanfar_fusion.py`` (built-in disaster-like data) or
``python examples/pouyanfar_fusion.py --dataset yeast`` (needs the MULAN
files of ``../shared/datasets``; yeast's two views: gene expression and
phylogenetic profile).
"""

import argparse
import time
from pathlib import Path

import numpy as np
from sklearn.base import clone
from sklearn.model_selection import GridSearchCV
from sklearn.multiclass import OneVsRestClassifier
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import StandardScaler
from sklearn.svm import LinearSVC

from skmml.compose import MultiModalConcatenator
from skmml.datasets import load_mulan_arff, make_disaster_like
from skmml.feature_selection import RFRecursiveSelector
from skmml.metrics import (
    hamming_loss,
    mean_average_precision,
    micro_f1,
    multilabel_scoring,
    per_label_f1,
)
from skmml.model_selection import IterativeStratifiedKFold, multilabel_train_test_split
from skmml.svm import LabelPowersetWeightedSVC

YEAST_VIEWS = {
    "expression": [f"Att{i}" for i in range(1, 80)],
    "phylogenetic": [f"Att{i}" for i in range(80, 104)],
}


def load(dataset, data_dir, random_state):
    """Return ``X, Y, modalities, label_names``."""
    if dataset == "disaster":
        X, Y, modalities = make_disaster_like(random_state=random_state)
        names = [
            "demo", "emergency", "flood", "relief", "damage", "victim", "speak"
        ]  # fmt: skip
        return X, Y, modalities, names
    folder = Path(data_dir) / "yeast"
    data = load_mulan_arff(
        folder / "yeast.arff", folder / "yeast.xml", views=YEAST_VIEWS
    )
    names = [str(n) for n in data.target_names]
    return data.data, data.target, data.modalities, names


def build(modalities, random_state, step):
    concat = MultiModalConcatenator(
        [(name, StandardScaler(), cols) for name, cols in modalities.items()],
        block_weighting="unit_variance",
    )
    return Pipeline(
        [
            ("concat", concat),
            (
                "select",
                RFRecursiveSelector(
                    step=step,
                    cv=IterativeStratifiedKFold(3),
                    random_state=random_state,
                ),
            ),
            ("svm", LabelPowersetWeightedSVC()),
        ]
    )


def evaluate(model, X_test, Y_test):
    Y_pred = model.predict(X_test)
    if hasattr(model, "decision_function"):
        scores = model.decision_function(X_test)
    else:
        scores = Y_pred
    return {
        "micro-F1": micro_f1(Y_test, Y_pred),
        "Hamming": hamming_loss(Y_test, Y_pred),
        "MAP": mean_average_precision(Y_test, scores),
        "per_label": per_label_f1(Y_test, Y_pred),
    }


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dataset", choices=["disaster", "yeast"], default="disaster")
    parser.add_argument(
        "--data-dir",
        default=str(Path(__file__).resolve().parents[2] / "shared" / "datasets"),
    )
    parser.add_argument("--random-state", type=int, default=0)
    args = parser.parse_args(argv)

    X, Y, modalities, names = load(args.dataset, args.data_dir, args.random_state)
    X_train, X_test, Y_train, Y_test = multilabel_train_test_split(
        X, Y, test_size=0.2, random_state=args.random_state
    )
    n_features = X.shape[1]
    print(
        f"{args.dataset}: {X.shape[0]} samples, {n_features} features in "
        f"{len(modalities)} modalities, {Y.shape[1]} labels "
        f"(positives per label {Y.sum(axis=0).min()}..{Y.sum(axis=0).max()})"
    )

    steps = sorted({max(1, n_features // 24), max(1, n_features // 8)})
    search = GridSearchCV(
        build(modalities, args.random_state, steps[0]),
        {"svm__C": [0.1, 0.9], "select__step": steps},
        cv=IterativeStratifiedKFold(3, shuffle=True, random_state=args.random_state),
        scoring=multilabel_scoring(
            ["micro_f1", "neg_hamming_loss", "mean_average_precision"]
        ),
        refit="micro_f1",
    )
    tic = time.perf_counter()
    search.fit(X_train, Y_train)
    print(
        f"GridSearchCV: best {search.best_params_}, CV micro-F1 "
        f"{search.best_score_:.4f} ({time.perf_counter() - tic:.1f} s)"
    )
    best = search.best_estimator_
    kept = best["select"].n_features_
    print(f"RF selection kept {kept} of {n_features} features\n")

    variants = {"proposed (tuned)": best}
    unweighted = clone(best).set_params(svm__class_weight=None)
    variants["unweighted LP-SVM"] = unweighted
    variants["no selection"] = clone(best).set_params(select="passthrough")
    variants["OvR LinearSVC"] = Pipeline(
        [("concat", clone(best["concat"])), ("svm", OneVsRestClassifier(LinearSVC()))]
    )
    results = {}
    for name, model in variants.items():
        if name != "proposed (tuned)":
            model.fit(X_train, Y_train)
        results[name] = evaluate(model, X_test, Y_test)

    width = max(map(len, results))
    print(f"{'approach':<{width}}  micro-F1  Hamming      MAP")
    for name, res in results.items():
        print(
            f"{name:<{width}}  {res['micro-F1']:8.4f}  {res['Hamming']:7.4f}  "
            f"{res['MAP']:7.4f}"
        )

    counts = Y_train.sum(axis=0)
    order = np.argsort(counts)
    print("\nF1 per concept (rarest first; training positives in brackets)")
    cols = list(results)
    print(f"{'concept':<22}" + "".join(f"{c[:18]:>20}" for c in cols))
    for j in order:
        label = f"{names[j][:14]} [{counts[j]}]"
        row = "".join(f"{results[c]['per_label'][j]:20.3f}" for c in cols)
        print(f"{label:<22}{row}")


if __name__ == "__main__":
    main()
