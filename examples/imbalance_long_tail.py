"""Imbalance and long-tail tooling side by side, with head/medium/tail scores.

On yeast (MULAN train/test split, two views, imbalance 53x) and on a
long-tailed ``make_multimodal_multilabel`` data set, one table per data set:

- one-vs-rest logistic regression without help,
- the same after ``LabelPowersetResampler(RandomOverSampler)`` and
  ``LabelPowersetResampler(SMOTE)``, and after ``MLSMOTE``,
- the same with per-label thresholds tuned by ``MultiLabelThresholdTuner``,
- ``LabelPowersetWeightedSVC`` (inverse label-frequency costs),
- ``RMLCClassifier`` with BCE and with the logit-adjusted loss.

Head / medium / tail groups come from the training labels
(``skmml.metrics.head_medium_tail_groups``); the table shows macro-F1 per
group and overall micro-F1 on the test split.

Run ``python examples/imbalance_long_tail.py`` (add ``--no-yeast`` when the
MULAN files of ``../shared/datasets`` are not there).
"""

import argparse
import time
from pathlib import Path

import numpy as np
from imblearn.over_sampling import SMOTE, RandomOverSampler
from imblearn.pipeline import make_pipeline as make_imb_pipeline
from sklearn.linear_model import LogisticRegression
from sklearn.multiclass import OneVsRestClassifier
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from skmml.datasets import load_mulan_arff, make_multimodal_multilabel
from skmml.metrics import label_imbalance_report, long_tail_report, micro_f1
from skmml.model_selection import MultiLabelThresholdTuner, multilabel_train_test_split
from skmml.resampling import MLSMOTE, LabelPowersetResampler
from skmml.svm import LabelPowersetWeightedSVC


def _ovr():
    return OneVsRestClassifier(LogisticRegression(C=1.0, max_iter=2000))


def approaches(random_state):
    from skmml.losses import LogitAdjustedBCELoss
    from skmml.neural import RMLCClassifier

    rmlc = dict(
        hidden_size=64, lr=3e-3, max_epochs=40, batch_size=64,
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
            MultiLabelThresholdTuner(_ovr(), scoring="f1", cv=5),
        ),
        "LP weighted SVM": make_pipeline(
            StandardScaler(), LabelPowersetWeightedSVC(C=0.1)
        ),
        "RMLC, BCE": make_pipeline(StandardScaler(), RMLCClassifier(**rmlc)),
        "RMLC, logit-adjusted": make_pipeline(
            StandardScaler(),
            RMLCClassifier(criterion=LogitAdjustedBCELoss, **rmlc),
        ),
    }


def run(name, X_train, X_test, Y_train, Y_test, modalities, random_state):
    print(f"\n== {name}: train {X_train.shape}, test {X_test.shape}")
    print(label_imbalance_report(Y_train).to_text().split("\n\n")[0])
    header = (
        f"{'approach':<26}{'head F1':>9}{'medium F1':>11}{'tail F1':>9}"
        f"{'micro-F1':>10}{'time':>7}"
    )
    print(header)
    print("-" * len(header))
    for label, model in approaches(random_state).items():
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


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--data-dir",
        default=str(Path(__file__).resolve().parents[2] / "shared" / "datasets"),
    )
    parser.add_argument("--no-yeast", action="store_true")
    parser.add_argument("--random-state", type=int, default=0)
    args = parser.parse_args(argv)
    rs = args.random_state

    X, Y, layout = make_multimodal_multilabel(
        3000,
        modality_dims={"image": 40, "audio": 20, "text": 30},
        n_labels=12,
        imbalance=1.5,
        random_state=rs,
    )
    splits = multilabel_train_test_split(X, Y, test_size=0.3, random_state=rs)
    run("long-tailed make_multimodal_multilabel", *splits, dict(layout), rs)

    folder = Path(args.data_dir) / "yeast"
    if args.no_yeast or not folder.exists():
        print(f"\n(yeast skipped: {folder} not found)")
        return
    views = {
        "expression": [f"Att{i}" for i in range(1, 80)],
        "phylogenetic": [f"Att{i}" for i in range(80, 104)],
    }
    train = load_mulan_arff(
        folder / "yeast-train.arff", folder / "yeast.xml", views=views
    )
    test = load_mulan_arff(
        folder / "yeast-test.arff", folder / "yeast.xml", views=views
    )
    np.testing.assert_array_equal(train.feature_names, test.feature_names)
    run(
        "yeast (MULAN split)",
        train.data,
        test.data,
        train.target,
        test.target,
        train.modalities,
        rs,
    )


if __name__ == "__main__":
    main()
