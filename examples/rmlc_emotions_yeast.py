"""
RMLC vs RMLC_NS vs an MLP vs one-vs-rest logistic regression
============================================================

Reproduces the protocol of Zhang et al. (Tables III-IV) on the two-view
MULAN data sets emotions and yeast (see the datasets page of the user
guide), read from ``../shared/datasets`` next to the repository or
``--data-dir``:

- emotions (593 x 72, 6 labels): rhythmic view (the 8 ``BH*`` attributes)
  and timbre view (the other 64);
- yeast (2417 x 103, 14 labels): gene expression (Att1..Att79) and
  phylogenetic profile (Att80..Att103).

Without those files the example says so and runs on generated stand-ins of
the same shape (``make_multimodal_multilabel``: samples, view widths and
number of labels), whose numbers say nothing about the real data.

10-fold cross-validation with :class:`skmml.model_selection.IterativeStratifiedKFold`;
features standardised inside each fold; mean +- std of the six metrics of
the paper's Table III. The compared models:

- ``RMLC``: :class:`skmml.neural.RMLCClassifier`, one step per view;
- ``RMLC_NS``: the same without the label-correlation matrix ``S``;
- ``MLP``: a skorch MLP of the same hidden width on the concatenated views
  (``Linear -> ReLU -> Linear``), same optimiser, epochs and batch size;
- ``OvR-LR``: one-vs-rest logistic regression on the concatenated views.

The networks use Adam, batch size 64 and ``reg_lambda = 0.1 / (64 L)``, the
paper's ``lambda = 0.1`` rescaled to a mean-reduced loss. All three networks
stop early: 10% of each training fold is held out at random (skorch's
stratified split rejects multi-label targets, so ``train_split=0.1`` is a
plain random split) and training stops after ``--patience`` epochs without a
lower validation loss, keeping the best epoch (at most ``--epochs``).
``--patience 0`` trains for exactly ``--epochs`` epochs on the whole fold.

Run: ``python examples/rmlc_emotions_yeast.py [--datasets emotions yeast]
[--epochs 60] [--patience 5] [--folds 10] [--data-dir DIR]``. The gallery
runs it with the defaults, 3 folds and at most 30 epochs (about a minute on
2 CPU cores); ``--folds 10 --epochs 60`` is the paper's protocol.
"""

import argparse
import sys
import time
from pathlib import Path

import numpy as np
import torch
from sklearn.linear_model import LogisticRegression
from sklearn.multiclass import OneVsRestClassifier
from sklearn.preprocessing import StandardScaler
from skorch import NeuralNet
from skorch.callbacks import EarlyStopping
from skorch.dataset import ValidSplit
from threadpoolctl import threadpool_limits
from torch import nn

from skmml.datasets import load_mulan_arff, make_multimodal_multilabel
from skmml.losses import WeightedBCELoss
from skmml.metrics import (
    example_f1,
    hamming_loss,
    macro_f1,
    micro_f1,
    ranking_loss,
    subset_accuracy,
)
from skmml.model_selection import IterativeStratifiedKFold
from skmml.neural import RMLCClassifier

# ../shared/datasets next to the repository (sphinx-gallery sets argv[0] too)
DATA_DIR = Path(sys.argv[0]).resolve().parents[2] / "shared" / "datasets"
VIEWS = {
    "emotions": {"rhythmic": "BH", "timbre": None},
    "yeast": {"expression": slice(0, 79), "phylogenetic": slice(79, 103)},
}
# samples, {view: width}, labels of the stand-ins used without the files
SHAPES = {
    "emotions": (593, {"rhythmic": 8, "timbre": 64}, 6),
    "yeast": (2417, {"expression": 79, "phylogenetic": 24}, 14),
}
METRICS = {
    "Hamming (lower)": lambda Y, P, S: hamming_loss(Y, P),
    "Ranking (lower)": lambda Y, P, S: ranking_loss(Y, S),
    "Subset accuracy": lambda Y, P, S: subset_accuracy(Y, P),
    "Macro F1": lambda Y, P, S: macro_f1(Y, P),
    "Example F1": lambda Y, P, S: example_f1(Y, P),
    "Micro F1": lambda Y, P, S: micro_f1(Y, P),
}


class MLP(nn.Module):
    def __init__(self, n_features, n_labels, hidden_size):
        super().__init__()
        self.layers = nn.Sequential(
            nn.Linear(n_features, hidden_size),
            nn.ReLU(),
            nn.Linear(hidden_size, n_labels),
        )

    def forward(self, X):
        return self.layers(X)


def early_stopping(args):
    if not args.patience:
        return None
    return [EarlyStopping(patience=args.patience, load_best=True)]


def make_models(modalities, n_features, n_labels, args, seed):
    split = 0.1 if args.patience else None
    net_params = dict(
        lr=args.lr,
        batch_size=64,
        max_epochs=args.epochs,
        random_state=seed,
        train_split=split,
    )
    reg_lambda = 0.1 / (64 * n_labels)

    def mlp():
        torch.manual_seed(seed)
        return NeuralNet(
            MLP,
            module__n_features=n_features,
            module__n_labels=n_labels,
            module__hidden_size=args.hidden,
            criterion=nn.BCEWithLogitsLoss,
            optimizer=torch.optim.Adam,
            lr=args.lr,
            batch_size=64,
            max_epochs=args.epochs,
            train_split=split and ValidSplit(split, random_state=seed),
            callbacks=early_stopping(args),
            iterator_train__shuffle=True,
            predict_nonlinearity=torch.sigmoid,  # (n, L) label probabilities
            verbose=0,
        )

    return {
        "RMLC": lambda: RMLCClassifier(
            modalities,
            hidden_size=args.hidden,
            reg_lambda=reg_lambda,
            criterion=WeightedBCELoss,  # the paper's loss (eq. 5)
            linear_skip=False,  # the paper's network
            callbacks=early_stopping(args),
            **net_params,
        ),
        "RMLC_NS": lambda: RMLCClassifier(
            modalities,
            hidden_size=args.hidden,
            reg_lambda=reg_lambda,
            use_label_correlation=False,
            criterion=WeightedBCELoss,  # the paper's loss (eq. 5)
            linear_skip=False,
            callbacks=early_stopping(args),
            **net_params,
        ),
        "MLP": mlp,
        "OvR-LR": lambda: OneVsRestClassifier(LogisticRegression(max_iter=2000)),
    }


def load(name, data_dir):
    """``(X, Y, modalities, source)`` of one data set, or of its stand-in."""
    path = Path(data_dir) / name
    if (path / f"{name}.arff").exists():
        bunch = load_mulan_arff(
            path / f"{name}.arff", path / f"{name}.xml", views=VIEWS[name]
        )
        return bunch.data, bunch.target, bunch.modalities, "MULAN"
    n_samples, dims, n_labels = SHAPES[name]
    X, Y, modalities = make_multimodal_multilabel(
        n_samples, modality_dims=dims, n_labels=n_labels, random_state=0
    )
    return X, Y, modalities, f"not found in {data_dir}: generated stand-in"


def run_dataset(name, args):
    X, Y, modalities, source = load(name, args.data_dir)
    X = np.asarray(X, dtype=np.float32)
    Y = np.asarray(Y, dtype=np.int64)
    print(
        f"\n{name} ({source}): X {X.shape}, Y {Y.shape}, views "
        + ", ".join(f"{k} ({len(v)})" for k, v in modalities.items())
    )
    cv = IterativeStratifiedKFold(args.folds, shuffle=True, random_state=0)
    scores = {}
    times = {}
    for fold, (train, test) in enumerate(cv.split(X, Y)):
        scaler = StandardScaler().fit(X[train])
        X_train = scaler.transform(X[train]).astype(np.float32)
        X_test = scaler.transform(X[test]).astype(np.float32)
        models = make_models(modalities, X.shape[1], Y.shape[1], args, seed=fold)
        for model_name, make in models.items():
            model = make()
            start = time.perf_counter()
            if isinstance(model, NeuralNet):
                model.fit(X_train, Y[train].astype(np.float32))
            else:
                model.fit(X_train, Y[train])
            times[model_name] = times.get(model_name, 0.0) + (
                time.perf_counter() - start
            )
            proba = np.asarray(model.predict_proba(X_test), dtype=np.float64)
            pred = (proba >= 0.5).astype(np.int64)
            for metric, fn in METRICS.items():
                scores.setdefault((model_name, metric), []).append(
                    fn(Y[test], pred, proba)
                )
    header = f"{'model':8s} " + " ".join(f"{m[:15]:>15s}" for m in METRICS)
    print(header)
    for model_name in models:
        cells = []
        for metric in METRICS:
            values = np.asarray(scores[(model_name, metric)])
            cells.append(f"{values.mean():.3f}+-{values.std():.3f}".rjust(15))
        print(f"{model_name:8s} " + " ".join(cells))
    print(
        "fit time (s, all folds): "
        + ", ".join(f"{k} {v:.1f}" for k, v in times.items())
    )


# Small problems: one BLAS thread is faster than several fighting for busy
# cores (and than oversubscribing them next to joblib or torch).
@threadpool_limits.wrap(limits=1)
def main(argv=None):
    parser = argparse.ArgumentParser(
        prog="rmlc_emotions_yeast.py",
        description="RMLC vs RMLC_NS vs an MLP vs one-vs-rest logistic regression.",
    )
    parser.add_argument(
        "--datasets", nargs="+", choices=list(SHAPES), default=["emotions", "yeast"]
    )
    parser.add_argument("--epochs", type=int, default=30)
    parser.add_argument("--patience", type=int, default=5)
    parser.add_argument("--folds", type=int, default=3)
    parser.add_argument("--hidden", type=int, default=64)
    parser.add_argument("--lr", type=float, default=3e-3)
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--data-dir", default=str(DATA_DIR))
    args = parser.parse_args(argv)
    torch.set_num_threads(args.threads)
    for name in args.datasets:
        run_dataset(name, args)


# %%
# Cross-validate the four models on each data set
# -----------------------------------------------
# Mean +- standard deviation over the folds of the six metrics of the
# paper's Table III (the first two are losses: lower is better).

if __name__ == "__main__":
    main()
