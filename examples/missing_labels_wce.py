"""
Missing labels: BCE vs IM-WCE vs CB-WCE
=======================================

Reproduces the protocol of Ibrahim et al. (ICMR 2020, Sec. 4) on the yeast
data set (2417 genes, 103 features, 14 labels, 4.2 labels per gene): in the
training folds a ratio ``r`` of the positive labels of every sample is hidden
(``simulate_missing_labels``), the test folds keep their complete labels.
The same small MLP (skorch) is trained with three losses:

- BCE: the plain binary cross-entropy on the incomplete labels;
- IM-WCE: eq. 2 with negative weight 0 on the hidden labels (knows the mask,
  ``ignore_missing_weights``);
- CB-WCE: eq. 2 with negative weights from positive label co-occurrences
  (``cooccurrence_negative_weights``, does not know the mask).

The weights travel with the samples inside ``X`` (``make_weighted_input``
and ``LossWeightsMixin``). Micro precision, recall, F1 (threshold 0.5) and
ROC-AUC are averaged over an iterative-stratified 4-fold CV, as in their
Figure 1. The yeast file is MULAN's (see the datasets page of the user
guide), read from ``../shared/datasets`` next to the repository or
``--data-dir``; without it the example says so and falls back to a synthetic
problem from ``make_multimodal_multilabel``.

CB-WCE can only down-weight a hidden label that co-occurs with an observed
one. On yeast, ``r = 0.75`` leaves at most one observed positive to 93% of
the genes (the rounding hides 3 of 4, 4 of 5, ...), so no co-occurrence is
left to learn from and CB-WCE falls back to BCE; IM-WCE, which is told the
mask, is the upper reference. (Ibrahim et al. kept only images with at least
4 labels.)

Run: ``python examples/missing_labels_wce.py [--epochs 20] [--folds 4]
[--data-dir DIR]``. The gallery runs it with the defaults, 12 epochs (about
a minute on 2 CPU cores); ``--epochs 20`` is the setting of the first
version of this example.
"""

import argparse
import sys
from pathlib import Path

import numpy as np
import torch
from sklearn.metrics import precision_score, recall_score, roc_auc_score
from sklearn.preprocessing import StandardScaler
from skorch import NeuralNet
from threadpoolctl import threadpool_limits

from skmml.datasets import load_mulan_arff, make_multimodal_multilabel
from skmml.losses import (
    LossWeightsMixin,
    WeightedBCELoss,
    cooccurrence_negative_weights,
    ignore_missing_weights,
    make_weighted_input,
    simulate_missing_labels,
)
from skmml.metrics import micro_f1
from skmml.model_selection import IterativeStratifiedKFold

# ../shared/datasets next to the repository (sphinx-gallery sets argv[0] too)
DATA_DIR = Path(sys.argv[0]).resolve().parents[2] / "shared" / "datasets"
RATIOS = (0.0, 0.25, 0.5, 0.75)
LOSSES = ("BCE", "IM-WCE", "CB-WCE")


class WeightedNet(LossWeightsMixin, NeuralNet):
    """skorch net whose loss receives the per-sample weights stored in X."""


class MLP(torch.nn.Module):
    def __init__(self, n_features, n_labels, hidden=128):
        super().__init__()
        self.layers = torch.nn.Sequential(
            torch.nn.Linear(n_features, hidden),
            torch.nn.ReLU(),
            torch.nn.Linear(hidden, n_labels),
        )

    def forward(self, X):
        return self.layers(X)


def load_data(data_dir):
    yeast = Path(data_dir) / "yeast"
    if (yeast / "yeast.arff").exists():
        bunch = load_mulan_arff(yeast / "yeast.arff", yeast / "yeast.xml")
        return bunch.data, bunch.target, "yeast"
    print(f"yeast not found in {data_dir}: using make_multimodal_multilabel")
    X, Y, _ = make_multimodal_multilabel(
        1500,
        modality_dims=(40, 40, 40),
        n_labels=10,
        label_correlation=0.5,
        random_state=0,
    )
    return X, Y, "make_multimodal_multilabel"


def fit_predict(X_train, Y_train, X_test, neg_weight, seed, epochs):
    torch.manual_seed(seed)
    net = WeightedNet(
        MLP,
        module__n_features=X_train.shape[1],
        module__n_labels=Y_train.shape[1],
        criterion=WeightedBCELoss,
        optimizer=torch.optim.Adam,
        lr=3e-3,
        max_epochs=epochs,
        batch_size=128,
        iterator_train__shuffle=True,
        train_split=None,
        verbose=0,
        predict_nonlinearity=None,  # predict returns the logits
    )
    X_fit = (
        X_train
        if neg_weight is None
        else make_weighted_input(X_train, neg_weight=neg_weight)
    )
    net.fit(X_fit, Y_train.astype(np.float32))
    return 1.0 / (1.0 + np.exp(-net.predict(X_test)))


# Small problems: one BLAS thread is faster than several fighting for busy
# cores (and than oversubscribing them next to joblib or torch).
@threadpool_limits.wrap(limits=1)
def main(argv=None):
    parser = argparse.ArgumentParser(
        prog="missing_labels_wce.py", description="BCE vs IM-WCE vs CB-WCE"
    )
    parser.add_argument("--epochs", type=int, default=12)
    parser.add_argument("--folds", type=int, default=4)
    parser.add_argument("--data-dir", default=str(DATA_DIR))
    args = parser.parse_args(argv)
    torch.set_num_threads(1)  # tiny MLP: threads only add contention
    X, Y, name = load_data(args.data_dir)
    cv = IterativeStratifiedKFold(n_splits=args.folds, shuffle=True, random_state=0)
    folds = list(cv.split(X, Y))
    scores = {(r, loss): [] for r in RATIOS for loss in LOSSES}
    for ratio in RATIOS:
        for fold, (train, test) in enumerate(folds):
            scaler = StandardScaler().fit(X[train])
            X_train = scaler.transform(X[train]).astype(np.float32)
            X_test = scaler.transform(X[test]).astype(np.float32)
            Y_obs, hidden = simulate_missing_labels(Y[train], ratio, random_state=fold)
            weights = {
                "BCE": None,
                "IM-WCE": ignore_missing_weights(hidden),
                "CB-WCE": cooccurrence_negative_weights(Y_obs),
            }
            for loss, neg_weight in weights.items():
                proba = fit_predict(
                    X_train, Y_obs, X_test, neg_weight, seed=fold, epochs=args.epochs
                )
                pred = (proba >= 0.5).astype(int)
                scores[ratio, loss].append(
                    [
                        precision_score(
                            Y[test], pred, average="micro", zero_division=0
                        ),
                        recall_score(Y[test], pred, average="micro", zero_division=0),
                        micro_f1(Y[test], pred),
                        roc_auc_score(Y[test], proba, average="micro"),
                    ]
                )
    print(
        f"{name}: {X.shape[0]} samples, {Y.shape[1]} labels, {args.folds}-fold CV, "
        f"{args.epochs} epochs"
    )
    print(f"{'ratio':>5}  {'loss':<7} {'P':>6} {'R':>6} {'F1':>6} {'AUC':>6}")
    for ratio in RATIOS:
        for loss in LOSSES:
            p, r, f1, auc = np.mean(scores[ratio, loss], axis=0)
            print(f"{ratio:>5}  {loss:<7} {p:6.3f} {r:6.3f} {f1:6.3f} {auc:6.3f}")


# %%
# Hide labels, train the three losses, print the table
# ----------------------------------------------------
# Read the table by ratio: at ratio 0 the three losses see the same labels;
# as more positives are hidden, BCE learns to predict "absent" (recall
# falls), IM-WCE keeps the hidden labels out of the loss, and CB-WCE sits in
# between as long as observed co-occurrences remain.

if __name__ == "__main__":
    main()
