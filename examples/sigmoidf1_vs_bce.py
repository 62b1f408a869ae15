"""
sigmoidF1 vs BCE vs focal loss
==============================

Trains the same small MLP (skorch) on the yeast data set (MULAN train/test
split: 1500 / 917 genes, 103 features, 14 labels) with

- BCE (``torch.nn.BCEWithLogitsLoss``);
- focal loss (``FocalLoss(gamma=2)``);
- asymmetric loss (``AsymmetricLoss()``, the paper's defaults);
- soft F1 (``SoftF1Loss``);
- sigmoidF1 (``SigmoidF1Loss(beta, eta=0)``, a steeper sigmoid), with the
  counts pooled over labels (micro) or one F1 per label (macro, "-M");
- SAdF1: sigmoidF1 whose slope grows every epoch (``SAdF1Scheduler``).

and reports micro, macro and weighted F1 of the predictions at probability
0.5 (logit 0) on the test set, mean and standard deviation over the seeds.
The F1 surrogates are batch statistics, so the batch size is 256 as in the
sigmoidF1 draft.

The yeast files are MULAN's (see the datasets page of the user guide), read
from ``../shared/datasets`` next to the repository or ``--data-dir``; without
them the example says so and falls back to a synthetic problem from
``make_multimodal_multilabel``.

Run: ``python examples/sigmoidf1_vs_bce.py [--seeds 5] [--epochs 40]
[--data-dir DIR]``. The gallery runs it with the defaults, 3 seeds (about
40 s on 2 CPU cores); ``--seeds 5`` is the protocol of the first version
of this example.
"""

import argparse
import sys
from pathlib import Path

import numpy as np
import torch
from sklearn.preprocessing import StandardScaler
from skorch import NeuralNet
from threadpoolctl import threadpool_limits

from skmml.datasets import load_mulan_arff, make_multimodal_multilabel
from skmml.losses import (
    AsymmetricLoss,
    FocalLoss,
    SAdF1Scheduler,
    SigmoidF1Loss,
    SoftF1Loss,
)
from skmml.metrics import macro_f1, micro_f1, weighted_f1
from skmml.model_selection import multilabel_train_test_split

# ../shared/datasets next to the repository (sphinx-gallery sets argv[0] too)
DATA_DIR = Path(sys.argv[0]).resolve().parents[2] / "shared" / "datasets"
LOSSES = {
    "BCE": {"criterion": torch.nn.BCEWithLogitsLoss},
    "focal": {"criterion": FocalLoss, "criterion__gamma": 2.0},
    "ASL": {"criterion": AsymmetricLoss},
    "softF1": {"criterion": SoftF1Loss},
    "sigmoidF1": {"criterion": SigmoidF1Loss, "criterion__beta": 3.0},
    "sigmoidF1-M": {
        "criterion": SigmoidF1Loss,
        "criterion__beta": 3.0,
        "criterion__average": "macro",
    },
    "SAdF1": {
        "criterion": SigmoidF1Loss,
        "callbacks": [SAdF1Scheduler(1.0, 0.25, beta_max=6.0)],
    },
}


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
    if (yeast / "yeast-train.arff").exists():
        xml = yeast / "yeast.xml"
        train = load_mulan_arff(yeast / "yeast-train.arff", xml)
        test = load_mulan_arff(yeast / "yeast-test.arff", xml)
        return train.data, train.target, test.data, test.target, "yeast"
    print(f"yeast not found in {data_dir}: using make_multimodal_multilabel")
    X, Y, _ = make_multimodal_multilabel(
        1500, modality_dims=(40, 40, 40), n_labels=10, random_state=0
    )
    X_train, X_test, Y_train, Y_test = multilabel_train_test_split(
        X, Y, test_size=0.4, random_state=0
    )
    return X_train, Y_train, X_test, Y_test, "make_multimodal_multilabel"


# Small problems: one BLAS thread is faster than several fighting for busy
# cores (and than oversubscribing them next to joblib or torch).
@threadpool_limits.wrap(limits=1)
def main(argv=None):
    parser = argparse.ArgumentParser(
        prog="sigmoidf1_vs_bce.py", description="sigmoidF1 vs BCE vs focal loss"
    )
    parser.add_argument("--seeds", type=int, default=3)
    parser.add_argument("--epochs", type=int, default=40)
    parser.add_argument("--data-dir", default=str(DATA_DIR))
    args = parser.parse_args(argv)
    torch.set_num_threads(1)  # tiny MLP: threads only add contention
    X_train, Y_train, X_test, Y_test, name = load_data(args.data_dir)
    scaler = StandardScaler().fit(X_train)
    X_train = scaler.transform(X_train).astype(np.float32)
    X_test = scaler.transform(X_test).astype(np.float32)
    print(f"{name}: train {X_train.shape}, test {X_test.shape}, {args.seeds} seeds")
    print(f"{'loss':<12}{'micro F1':>12}{'macro F1':>12}{'weighted F1':>13}")
    for loss_name, params in LOSSES.items():
        scores = []
        for seed in range(args.seeds):
            torch.manual_seed(seed)
            net = NeuralNet(
                MLP,
                module__n_features=X_train.shape[1],
                module__n_labels=Y_train.shape[1],
                optimizer=torch.optim.Adam,
                lr=3e-3,
                max_epochs=args.epochs,
                batch_size=256,
                iterator_train__shuffle=True,
                train_split=None,
                verbose=0,
                predict_nonlinearity=None,  # predict returns the logits
                **params,
            )
            net.fit(X_train, Y_train.astype(np.float32))
            pred = (net.predict(X_test) > 0).astype(int)  # probability >= 0.5
            scores.append(
                [
                    micro_f1(Y_test, pred),
                    macro_f1(Y_test, pred),
                    weighted_f1(Y_test, pred),
                ]
            )
        mean, std = np.mean(scores, axis=0), np.std(scores, axis=0)
        cells = "".join(
            f"{m:.3f}±{s:.3f}".rjust(w)
            for m, s, w in zip(mean, std, (12, 12, 13), strict=True)
        )
        print(f"{loss_name:<12}{cells}")


# %%
# Train every loss and print the table
# ------------------------------------
# The F1 surrogates optimise the F1 of the predictions at logit 0 directly,
# so compare them with BCE on micro-F1 first; macro-F1 shows whether the
# rare labels follow (``sigmoidF1-M`` computes one F1 per label).

if __name__ == "__main__":
    main()
