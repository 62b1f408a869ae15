"""Missing modalities: RMLC reading them natively vs imputing vs dropping rows.

On each data set, one modality (chosen uniformly at random per row, so a
row always keeps at least one) is removed -- its block set to NaN -- in 10,
30 and 50% of the rows, training and test rows alike (the same rows for
every arm). 5-fold :class:`~skmml.model_selection.IterativeStratifiedKFold`,
micro- and macro-F1 on the test folds. The arms, all with the same
:class:`~skmml.neural.RMLCClassifier` (hidden size, epochs, learning rate,
seed):

RMLC is pinned to the paper's loss (``WeightedBCELoss``, threshold 0.5,
``S`` on), hidden size 32, 20 epochs, Adam ``lr=3e-3``, batch 64.

- ``native``: ``MultiModalConcatenator(missing="passthrough")`` (a
  StandardScaler per modality, fitted on the rows where the modality is
  present) -> RMLC, which skips the step of a missing modality;
- ``impute``: ``MultiModalConcatenator(missing="impute")`` (training mean of
  the block + a 0/1 indicator column in each modality's block) -> RMLC;
- ``drop``: RMLC trained on the complete training rows only; at test time
  a missing block is filled with the training means (a model that never
  saw a missing modality has no other choice);
- ``OvR-LR``: one-vs-rest logistic regression after
  ``MultiModalConcatenator(missing="impute")``, the usual baseline.

The 0% row (no missing modality) gives the reference of ``native`` and
``OvR-LR``. Data: ``make_disaster_like`` (3 modalities, 32 features each)
and the two-view MULAN sets emotions and yeast read from
``../shared/datasets`` (``--data-dir``; skipped with a message when absent).

Run: ``nice -n 10 python benchmarks/bench_missing_modalities.py [--quick]
[--epochs 20] [--datasets disaster emotions yeast]``. Single-threaded
torch and BLAS. ``--quick`` is a smoke test (few rows, epochs and folds),
not a measurement. Results: table on stdout and
``benchmarks/results/bench_missing_modalities.json``.
"""

import argparse
import time

import numpy as np
import torch
from _common import DATA_DIR, add_json_argument, load_mulan_views, write_results
from sklearn.impute import SimpleImputer
from sklearn.linear_model import LogisticRegression
from sklearn.multiclass import OneVsRestClassifier
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler
from threadpoolctl import threadpool_limits

from skmml.compose import MultiModalConcatenator
from skmml.datasets import make_disaster_like
from skmml.losses import WeightedBCELoss
from skmml.metrics import macro_f1, micro_f1
from skmml.model_selection import IterativeStratifiedKFold
from skmml.neural import RMLCClassifier

ARMS = ("native", "impute", "drop", "OvR-LR")


def load(name, args):
    if name == "disaster":
        n = 300 if args.quick else 1540
        X, Y, mods = make_disaster_like(n, modality_dims=32, random_state=0)
        return X, Y, mods
    data = load_mulan_views(name, args.data_dir)
    if data is not None and args.quick:
        X, Y, mods = data
        data = X[:300], Y[:300], mods
    return data


def drop_modalities(X, modalities, rate, seed):
    """Copy of ``X`` with one random modality set to NaN in ``rate`` of rows."""
    rng = np.random.RandomState(seed)
    X = X.copy()
    rows = rng.choice(len(X), size=int(round(rate * len(X))), replace=False)
    names = list(modalities)
    which = rng.randint(len(names), size=rows.size)
    for row, m in zip(rows, which, strict=True):
        X[row, modalities[names[m]]] = np.nan
    return X


def rmlc(modalities, n_labels, args, seed):
    return RMLCClassifier(
        modalities,
        criterion=WeightedBCELoss,  # the paper's loss, pinned (not the default)
        linear_skip=False,  # the paper's network
        threshold=0.5,
        use_label_correlation=True,
        hidden_size=args.hidden,
        reg_lambda=0.1 / (64 * n_labels),
        lr=args.lr,
        max_epochs=args.epochs,
        random_state=seed,
    )


def concatenator(modalities, missing):
    return MultiModalConcatenator(
        [(name, StandardScaler(), cols) for name, cols in modalities.items()],
        missing=missing,
    ).set_output(transform="pandas")


def make_arm(arm, modalities, n_labels, args, seed):
    columns = [list(c) for c in modalities.values()]
    if arm == "native":
        return make_pipeline(
            concatenator(modalities, "passthrough"),
            rmlc("auto", n_labels, args, seed),
        )
    if arm == "impute":  # "auto": each block with its indicator column
        return make_pipeline(
            concatenator(modalities, "impute"), rmlc("auto", n_labels, args, seed)
        )
    if arm == "drop":
        return make_pipeline(
            SimpleImputer(), StandardScaler(), rmlc(columns, n_labels, args, seed)
        )
    return make_pipeline(
        concatenator(modalities, "impute"),
        OneVsRestClassifier(LogisticRegression(max_iter=1000)),
    )


def run(name, args):
    data = load(name, args)
    if data is None:
        print(f"{name}: not found in {args.data_dir}, skipped")
        return []
    X, Y, modalities = data
    cv = IterativeStratifiedKFold(args.folds, shuffle=True, random_state=0)
    splits = list(cv.split(X, Y))
    rows = []
    for rate in args.rates:
        X_rate = drop_modalities(X, modalities, rate, seed=int(100 * rate))
        incomplete = np.isnan(X_rate).any(axis=1)
        arms = ARMS if rate else ("native", "OvR-LR")
        for arm in arms:
            micro, macro, seconds = [], [], 0.0
            for fold, (train, test) in enumerate(splits):
                model = make_arm(arm, modalities, Y.shape[1], args, seed=fold)
                fit_rows = train[~incomplete[train]] if arm == "drop" else train
                start = time.perf_counter()
                model.fit(X_rate[fit_rows], Y[fit_rows])
                pred = model.predict(X_rate[test])
                seconds += time.perf_counter() - start
                micro.append(micro_f1(Y[test], pred))
                macro.append(macro_f1(Y[test], pred))
            row = {
                "dataset": name,
                "rate": rate,
                "arm": arm,
                "micro_f1": float(np.mean(micro)),
                "micro_f1_std": float(np.std(micro)),
                "macro_f1": float(np.mean(macro)),
                "macro_f1_std": float(np.std(macro)),
                "fit_predict_s": seconds,
                "n_samples": len(X),
                "incomplete_rows": int(incomplete.sum()),
            }
            rows.append(row)
            print(
                f"{name:9s} {rate:4.0%} {arm:7s} micro-F1 {row['micro_f1']:.3f} "
                f"+- {row['micro_f1_std']:.3f}  macro-F1 {row['macro_f1']:.3f} "
                f"+- {row['macro_f1_std']:.3f}  ({seconds:.0f} s)",
                flush=True,
            )
    return rows


def table(rows):
    """Per data set and rate: F1 of each arm and its ratio to ``native``."""
    lines = [
        "| data | missing rows | arm | micro-F1 | macro-F1 | micro / native "
        "| macro / native |",
        "|---|---|---|---|---|---|---|",
    ]
    native = {(r["dataset"], r["rate"]): r for r in rows if r["arm"] == "native"}
    for r in rows:
        ref = native[(r["dataset"], r["rate"])]
        lines.append(
            f"| {r['dataset']} | {r['rate']:.0%} | {r['arm']} "
            f"| {r['micro_f1']:.3f} +- {r['micro_f1_std']:.3f} "
            f"| {r['macro_f1']:.3f} +- {r['macro_f1_std']:.3f} "
            f"| {r['micro_f1'] / ref['micro_f1']:.3f} "
            f"| {r['macro_f1'] / max(ref['macro_f1'], 1e-12):.3f} |"
        )
    return "\n".join(lines)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true")
    parser.add_argument(
        "--datasets", nargs="+", default=["disaster", "emotions", "yeast"]
    )
    parser.add_argument("--rates", nargs="+", type=float, default=[0.0, 0.1, 0.3, 0.5])
    parser.add_argument("--folds", type=int, default=5)
    parser.add_argument("--epochs", type=int, default=20)
    parser.add_argument("--hidden", type=int, default=32)
    parser.add_argument("--lr", type=float, default=3e-3)
    parser.add_argument("--data-dir", default=str(DATA_DIR))
    add_json_argument(parser, "bench_missing_modalities")
    args = parser.parse_args()
    if args.quick:
        args.folds, args.epochs, args.rates = 3, 3, [0.0, 0.3]
    torch.set_num_threads(1)
    rows = []
    with threadpool_limits(1):
        for name in args.datasets:
            rows.extend(run(name, args))
    print()
    print(table(rows))
    write_results(
        "bench_missing_modalities",
        {"settings": vars(args), "rows": rows},
        path=args.json,
    )


if __name__ == "__main__":
    main()
