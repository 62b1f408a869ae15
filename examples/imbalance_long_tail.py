"""
Imbalance and long-tail tools side by side
==========================================

Head / medium / tail scores of every remedy skmml offers for imbalanced
labels, on yeast (MULAN train/test split, two views, imbalance 53x) or on a
long-tailed ``make_multimodal_multilabel`` data set (``--datasets``), one
table per data set:

- one-vs-rest logistic regression without help,
- the same after ``LabelPowersetResampler(RandomOverSampler)`` and
  ``LabelPowersetResampler(SMOTE)``, and after ``MLSMOTE``,
- the same with per-label thresholds tuned by ``MultiLabelThresholdTuner``,
- ``LabelPowersetWeightedSVC`` (inverse label-frequency costs),
- ``RMLCClassifier`` with BCE and with the logit-adjusted loss.

Head / medium / tail groups come from the training labels
(``skmml.metrics.head_medium_tail_groups``); the table shows macro-F1 per
group and overall micro-F1 on the test split.

The yeast files are MULAN's (see the datasets page of the user guide), read
from ``../shared/datasets`` next to the repository or ``--data-dir``; without
them the example says so and runs the synthetic data set instead.

Run: ``python examples/imbalance_long_tail.py [--datasets yeast synthetic]
[--samples 3000] [--epochs 40] [--cv 5] [--data-dir DIR]``. The gallery
runs it with the defaults: yeast only, 15 epochs and 3 folds for the
threshold tuner (about a minute on 2 CPU cores); the values above are the
settings of the first version of this example, which ran both tables.
"""

import argparse
import sys
import time
from pathlib import Path

import numpy as np
import torch
from imblearn.over_sampling import SMOTE, RandomOverSampler
from imblearn.pipeline import make_pipeline as make_imb_pipeline
from sklearn.linear_model import LogisticRegression
from sklearn.multiclass import OneVsRestClassifier
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler
from threadpoolctl import threadpool_limits

from skmml.datasets import load_mulan_arff, make_multimodal_multilabel
from skmml.metrics import label_imbalance_report, long_tail_report, micro_f1
from skmml.model_selection import MultiLabelThresholdTuner, multilabel_train_test_split
from skmml.resampling import MLSMOTE, LabelPowersetResampler
from skmml.svm import LabelPowersetWeightedSVC


def _ovr():
    return OneVsRestClassifier(LogisticRegression(C=1.0, max_iter=2000))


# ../shared/datasets next to the repository (sphinx-gallery sets argv[0] too)
DATA_DIR = Path(sys.argv[0]).resolve().parents[2] / "shared" / "datasets"


def approaches(random_state, epochs, cv):
    from skmml.losses import LogitAdjustedBCELoss, WeightedBCELoss
    from skmml.neural import RMLCClassifier

    rmlc = dict(
        hidden_size=64, lr=3e-3, max_epochs=epochs, batch_size=64,
        random_state=random_state,
    )  # fmt: skip
    return {
        "OvR logistic (no help)": make_pipeline(StandardScaler(), _ovr()),
        "LP + RandomOverSampler": make_imb_pipeline(
            StandardScaler(),
            LabelPowersetResampler(RandomOverSampler(random_state=random_state)),
            _ovr(),
        ),
        "LP + SMOTE": make_imb_pipeline(
            StandardScaler(),
            LabelPowersetResampler(SMOTE(random_state=random_state)),
            _ovr(),
        ),
        "MLSMOTE": make_imb_pipeline(
            StandardScaler(), MLSMOTE(random_state=random_state), _ovr()
        ),
        "tuned thresholds (F1)": make_pipeline(
            StandardScaler(),
            MultiLabelThresholdTuner(_ovr(), scoring="f1", cv=cv),
        ),
        "LP weighted SVM": make_pipeline(
            StandardScaler(), LabelPowersetWeightedSVC(C=0.1)
        ),
        "RMLC, BCE": make_pipeline(
            StandardScaler(), RMLCClassifier(criterion=WeightedBCELoss, **rmlc)
        ),
        "RMLC, logit-adjusted": make_pipeline(
            StandardScaler(),
            RMLCClassifier(criterion=LogitAdjustedBCELoss, **rmlc),
        ),
    }


def run(name, X_train, X_test, Y_train, Y_test, modalities, args):
    print(f"\n== {name}: train {X_train.shape}, test {X_test.shape}")
    print(label_imbalance_report(Y_train).to_text().split("\n\n")[0])
    header = (
        f"{'approach':<26}{'head F1':>9}{'medium F1':>11}{'tail F1':>9}"
        f"{'micro-F1':>10}{'time':>7}"
    )
    print(header)
    print("-" * len(header))
    for label, model in approaches(args.random_state, args.epochs, args.cv).items():
        if "RMLC" in label:
            model[-1].set_params(modalities=modalities)
        tic = time.perf_counter()
        model.fit(X_train, Y_train)
        Y_pred = model.predict(X_test)
        secs = time.perf_counter() - tic
        scores = long_tail_report(Y_test, Y_pred, Y_train=Y_train).scores
        print(
            f"{label:<26}{scores['head']['macro_f1']:9.3f}"
            f"{scores['medium']['macro_f1']:11.3f}{scores['tail']['macro_f1']:9.3f}"
            f"{micro_f1(Y_test, Y_pred):10.3f}{secs:6.1f}s"
        )


def synthetic(args):
    X, Y, layout = make_multimodal_multilabel(
        args.samples,
        modality_dims={"image": 40, "audio": 20, "text": 30},
        n_labels=12,
        imbalance=1.5,
        random_state=args.random_state,
    )
    X_train, X_test, Y_train, Y_test = multilabel_train_test_split(
        X, Y, test_size=0.3, random_state=args.random_state
    )
    return X_train, X_test, Y_train, Y_test, dict(layout)


def yeast(folder):
    views = {
        "expression": [f"Att{i}" for i in range(1, 80)],
        "phylogenetic": [f"Att{i}" for i in range(80, 104)],
    }
    xml = folder / "yeast.xml"
    train = load_mulan_arff(folder / "yeast-train.arff", xml, views=views)
    test = load_mulan_arff(folder / "yeast-test.arff", xml, views=views)
    np.testing.assert_array_equal(train.feature_names, test.feature_names)
    return train.data, test.data, train.target, test.target, train.modalities


# Small problems: one BLAS thread is faster than several fighting for busy
# cores (and than oversubscribing them next to joblib or torch).
@threadpool_limits.wrap(limits=1)
def main(argv=None):
    parser = argparse.ArgumentParser(
        prog="imbalance_long_tail.py",
        description="Imbalance and long-tail tools side by side.",
    )
    parser.add_argument(
        "--datasets",
        nargs="+",
        choices=["yeast", "synthetic"],
        default=["yeast"],
        help="yeast falls back to the synthetic data when its files are missing",
    )
    parser.add_argument("--samples", type=int, default=3000)
    parser.add_argument("--epochs", type=int, default=15)
    parser.add_argument("--cv", type=int, default=3)
    parser.add_argument("--data-dir", default=str(DATA_DIR))
    parser.add_argument("--random-state", type=int, default=0)
    args = parser.parse_args(argv)
    torch.set_num_threads(1)  # small networks: threads only add contention

    datasets = list(dict.fromkeys(args.datasets))
    folder = Path(args.data_dir) / "yeast"
    if "yeast" in datasets and not (folder / "yeast-train.arff").exists():
        print(f"yeast not found in {args.data_dir}: using the synthetic data")
        datasets = list(
            dict.fromkeys(["synthetic" if d == "yeast" else d for d in datasets])
        )
    for name in datasets:
        if name == "yeast":
            run("yeast (MULAN split)", *yeast(folder), args)
        else:
            run("long-tailed make_multimodal_multilabel", *synthetic(args), args)


# %%
# Fit every remedy and print the per-group table
# -----------------------------------------------
# The tail column is the one the remedies are for; the micro-F1 column shows
# what each one costs on the frequent labels.

if __name__ == "__main__":
    main()
