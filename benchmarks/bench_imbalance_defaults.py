"""Imbalance-aware RMLC defaults and threshold tuning against scikit-learn peers.

5-fold iterative cross-validation
(:class:`skmml.model_selection.IterativeStratifiedKFold`,
``shuffle=True, random_state=0``) on the real multi-view sets emotions,
yeast and scene (MULAN files in ``../shared/datasets``; every view
standardised on the training fold) and on generated long-tailed multi-modal
sets with 20 and 50 labels (``gen20``, ``gen50``: 2,700 rows, three
modalities, Zipf label frequencies from about 800 down to about 5 positives
per label). Compared in the same run, on the same folds:

- ``RMLC``: :class:`skmml.neural.RMLCClassifier` with its defaults;
- ``RMLC-paper``: the paper's configuration (binary cross-entropy of eq. 5,
  ``criterion=WeightedBCELoss``, torch's output initialisation, no linear
  skip, 50 epochs at
  ``lr=1e-3``);
- what a scikit-learn user reaches for first, with its usual settings:
  one-vs-rest ``LogisticRegression``, ``ClassifierChain(LogisticRegression)``,
  ``RandomForestClassifier`` (native multi-output), ``MLPClassifier(
  hidden_layer_sizes=(256,))`` (native multi-label), ``KNeighborsClassifier``;
- ``LP-WSVC``: :class:`skmml.svm.LabelPowersetWeightedSVC` with its
  defaults (not a peer: the tuner's check on a model whose ``predict`` is
  not its scores cut at 0.5; run only when ``--models`` names it);
- each of them also wrapped in ``MultiLabelThresholdTuner(est,
  scoring=--tuner-scoring)`` (suffix ``+tuner``).

Metrics on each test fold: micro-F1, macro-F1 and the tail-group macro-F1
(:func:`skmml.metrics.group_macro_f1`, the rarest third of the labels of the
training fold); the table shows mean and standard error (std / sqrt(k))
over the folds and the fit time. Then two checks: the default RMLC against
the best untuned peer (difference and ratio) on micro- and macro-F1, and
every ``+tuner`` row against its untuned model (difference in units of the
untuned model's standard error; below -1 fails the target).

``--dev`` instead prints the evidence behind the defaults: candidate RMLC
configurations (losses, priors, output bias, epochs, learning rate,
threshold) fitted on a development split that no reported number uses --
75% / 25% of the *training* part of the first outer fold of the real sets,
and generated sets drawn with another seed.

Run from the repository root (single-threaded torch and BLAS; the full run
takes about an hour on 2 shared CPU cores)::

    python benchmarks/bench_imbalance_defaults.py [--datasets emotions yeast
        scene gen20 gen50] [--folds 5] [--tuner-scoring f1] [--json PATH]
    python benchmarks/bench_imbalance_defaults.py --dev

``--quick`` runs a tiny generated set with short training (a smoke test,
not a measurement).
"""

import argparse
import json
import sys
import time
import warnings
from pathlib import Path

import numpy as np
import torch
from _common import DATA_DIR, add_json_argument, load_mulan_views, write_results
from sklearn.ensemble import RandomForestClassifier
from sklearn.exceptions import ConvergenceWarning
from sklearn.linear_model import LogisticRegression
from sklearn.multiclass import OneVsRestClassifier
from sklearn.multioutput import ClassifierChain
from sklearn.neighbors import KNeighborsClassifier
from sklearn.neural_network import MLPClassifier
from sklearn.preprocessing import StandardScaler
from threadpoolctl import threadpool_limits

from skmml.datasets import make_multimodal_multilabel
from skmml.losses import ClassBalancedLoss, LogitAdjustedBCELoss, WeightedBCELoss
from skmml.metrics import group_macro_f1, macro_f1, micro_f1
from skmml.model_selection import (
    IterativeStratifiedKFold,
    MultiLabelThresholdTuner,
    multilabel_train_test_split,
)
from skmml.neural import RMLCClassifier
from skmml.svm import LabelPowersetWeightedSVC

REAL = ["emotions", "yeast", "scene"]
GENERATED = {"gen20": 20, "gen50": 50}
DATASETS = [*REAL, *GENERATED]
PEERS = ["OvR-LR", "CC-LR", "RF", "MLP", "KNN"]
OPT_IN = ["LP-WSVC"]  # run only when --models names it


def generated(n_labels, seed, n_samples=2700):
    """Long-tailed 3-modality set: about 800 down to about 5 positives."""
    # Zipf p_j = 0.3 j^-a with 0.3 n / L^a = 5
    imbalance = np.log(0.3 * n_samples / 5) / np.log(n_labels)
    return make_multimodal_multilabel(
        n_samples,
        modality_dims={"m0": 40, "m1": 30, "m2": 20},
        n_labels=n_labels,
        imbalance=imbalance,
        random_state=seed,
    )


def load(name, data_dir, quick=False, seed=0):
    """``(X, Y, modalities)`` with float32 X and int64 Y."""
    if name in GENERATED:
        n_labels = 8 if quick else GENERATED[name]
        X, Y, modalities = generated(n_labels, seed, 160 if quick else 2700)
        modalities = {k: np.asarray(v) for k, v in modalities.items()}
    else:
        X, Y, modalities = load_mulan_views(name, data_dir)
    return np.asarray(X, dtype=np.float32), np.asarray(Y, dtype=np.int64), modalities


def make_models(modalities, seed, quick=False):
    """Untuned models by name (factories)."""
    epochs = {"max_epochs": 3} if quick else {}
    mlp_iter = 20 if quick else 200
    return {
        "RMLC": lambda: RMLCClassifier(modalities, random_state=seed, **epochs),
        "RMLC-paper": lambda: RMLCClassifier(
            modalities,
            criterion=WeightedBCELoss,
            output_bias_init="uniform",
            linear_skip=False,
            max_epochs=3 if quick else 50,
            lr=1e-3,
            threshold=0.5,
            random_state=seed,
        ),
        "OvR-LR": lambda: OneVsRestClassifier(LogisticRegression(max_iter=1000)),
        "CC-LR": lambda: ClassifierChain(LogisticRegression(max_iter=1000)),
        "RF": lambda: RandomForestClassifier(
            n_estimators=10 if quick else 100, random_state=seed
        ),
        "MLP": lambda: MLPClassifier(
            hidden_layer_sizes=(256,), max_iter=mlp_iter, random_state=seed
        ),
        "KNN": lambda: KNeighborsClassifier(),
        # skmml's label powerset SVM (Pouyanfar et al.), for the tuner:
        # its predict is not its marginals cut at 0.5
        "LP-WSVC": lambda: LabelPowersetWeightedSVC(random_state=seed),
    }


def standardise(X, train, test):
    scaler = StandardScaler().fit(X[train])
    return (
        scaler.transform(X[train]).astype(np.float32),
        scaler.transform(X[test]).astype(np.float32),
    )


def scores(Y_test, P, Y_train):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # empty tail group on few labels: NaN
        tail = group_macro_f1(Y_test, P, group="tail", Y_train=Y_train)
    return {
        "micro_f1": micro_f1(Y_test, P),
        "macro_f1": macro_f1(Y_test, P),
        "tail_f1": tail,
    }


def run_dataset(name, args):
    X, Y, modalities = load(name, args.data_dir, args.quick)
    cv = IterativeStratifiedKFold(args.folds, shuffle=True, random_state=0)
    models = list(make_models(modalities, 0, args.quick))
    if args.models:
        models = [m for m in models if m in args.models]
    else:
        models = [m for m in models if m not in OPT_IN]
    variants = [v == "tuned" for v in args.variants]
    names = [f"{m}+tuner" if tuned else m for m in models for tuned in variants]
    folds = {n: [] for n in names}
    for fold, (train, test) in enumerate(cv.split(X, Y)):
        X_train, X_test = standardise(X, train, test)
        factories = make_models(modalities, fold, args.quick)
        for model in models:
            for tuned in variants:
                est = factories[model]()
                if tuned:
                    est = MultiLabelThresholdTuner(est, scoring=args.tuner_scoring)
                start = time.perf_counter()
                est.fit(X_train, Y[train])
                seconds = time.perf_counter() - start
                P = np.asarray(est.predict(X_test))
                row = scores(Y[test], P, Y[train])
                row["fit_s"] = seconds
                folds[f"{model}+tuner" if tuned else model].append(row)
        print(f"  {name}: fold {fold + 1}/{args.folds} done", flush=True)
    return {
        "tuner_scoring": args.tuner_scoring,
        "shape": {"n_samples": X.shape[0], "n_labels": Y.shape[1]},
        "positives_per_label": [int(Y.sum(axis=0).min()), int(Y.sum(axis=0).max())],
        "modalities": {k: len(v) for k, v in modalities.items()},
        "folds": folds,
        "summary": summarise(folds),
    }


def mean_se(values):
    values = np.asarray(values, dtype=float)
    values = values[~np.isnan(values)]
    if values.size == 0:
        return float("nan"), float("nan")
    se = values.std(ddof=1) / np.sqrt(values.size) if values.size > 1 else 0.0
    return float(values.mean()), float(se)


def summarise(folds):
    out = {}
    for model, rows in folds.items():
        out[model] = {
            key: mean_se([r[key] for r in rows])
            for key in ("micro_f1", "macro_f1", "tail_f1", "fit_s")
        }
    return out


OBJECTIVE = {"f1": "macro_f1", "macro_f1": "macro_f1", "micro_f1": "micro_f1"}


def checks(summary, tuner_scoring="f1"):
    """RMLC vs the best untuned peer, and every tuner vs its untuned model."""
    result = {"tuner_objective": OBJECTIVE.get(tuner_scoring, tuner_scoring)}
    peers = [p for p in PEERS if p in summary]
    if "RMLC" in summary and peers:
        for metric in ("micro_f1", "macro_f1"):
            best = max(peers, key=lambda p: summary[p][metric][0])
            rmlc, peer = summary["RMLC"][metric][0], summary[best][metric][0]
            result[f"rmlc_vs_best_peer_{metric}"] = {
                "best_peer": best,
                "rmlc": rmlc,
                "peer": peer,
                "difference": rmlc - peer,
                "ratio": rmlc / peer if peer else float("nan"),
                "wins": bool(rmlc > peer),
            }
    tuner = {}
    for model in summary:
        if model.endswith("+tuner") or f"{model}+tuner" not in summary:
            continue
        for metric in ("micro_f1", "macro_f1"):
            base, se = summary[model][metric]
            diff = summary[f"{model}+tuner"][metric][0] - base
            tuner[f"{model} {metric}"] = {
                "difference": diff,
                "in_se": diff / se if se > 0 else float("nan"),
                "ok": bool(diff >= -se),
            }
    result["tuner_vs_untuned"] = tuner
    return result


def print_table(name, result):
    shape = result["shape"]
    print(
        f"\n{name}: {shape['n_samples']} x {shape['n_labels']} labels, "
        f"positives per label {result['positives_per_label'][0]}.."
        f"{result['positives_per_label'][1]}, views {result['modalities']}"
    )
    print(f"{'model':18s} {'micro-F1':>14s} {'macro-F1':>14s} {'tail-F1':>14s} fit s")
    for model, row in result["summary"].items():
        cells = " ".join(
            f"{row[k][0]:.3f} +- {row[k][1]:.3f}".rjust(14)
            for k in ("micro_f1", "macro_f1", "tail_f1")
        )
        print(f"{model:18s} {cells} {row['fit_s'][0]:6.1f}")
    check = result["checks"]
    for metric in ("micro_f1", "macro_f1"):
        c = check.get(f"rmlc_vs_best_peer_{metric}")
        if c:
            print(
                f"RMLC vs best peer ({c['best_peer']}) {metric}: {c['rmlc']:.3f} vs "
                f"{c['peer']:.3f} (ratio {c['ratio']:.3f}) "
                + ("WIN" if c["wins"] else "LOSS")
            )
    objective = check["tuner_objective"]
    for label, on_objective in (("its objective", True), ("the other metric", False)):
        bad = [
            k
            for k, v in check["tuner_vs_untuned"].items()
            if not v["ok"] and k.endswith(objective) == on_objective
        ]
        print(
            f"tuner ({objective}) worse than untuned by > 1 SE on {label}: "
            + (", ".join(bad) if bad else "none")
        )


def merge(paths, path=None):
    """One table from runs of different models or variants on the same folds."""
    results = {}
    for run in paths:
        for name, result in json.loads(Path(run).read_text())["results"].items():
            if name in results:
                results[name]["folds"].update(result["folds"])
                if any(k.endswith("+tuner") for k in result["folds"]):
                    results[name]["tuner_scoring"] = result.get("tuner_scoring", "f1")
            else:
                results[name] = result
    order = [*make_models({}, 0)]
    for name, result in results.items():
        folds = result["folds"]
        keys = [k for m in order for k in (m, f"{m}+tuner") if k in folds]
        result["folds"] = {k: folds[k] for k in keys}
        result["summary"] = summarise(result["folds"])
        result["checks"] = checks(result["summary"], result.get("tuner_scoring", "f1"))
        print_table(name, result)
    return write_results("bench_imbalance_defaults", results, path=path)


# -- development split: the evidence behind the defaults ---------------------
def dev_candidates(modalities, seed):
    """Candidate RMLC configurations compared in ``--dev``.

    All but the ``default`` ones train 50 epochs at ``lr=1e-3`` without
    the linear skip unless they say otherwise; thresholds 0.5, 0.4 and 0.3
    are applied to each fit.
    """
    base = {"random_state": seed, "max_epochs": 50, "linear_skip": False}
    bce, cb, la = WeightedBCELoss, ClassBalancedLoss, LogitAdjustedBCELoss
    uniform, prior = {"output_bias_init": "uniform"}, {"output_bias_init": "prior"}
    return {
        "default": {"max_epochs": "auto", "linear_skip": True},
        "default, no linear skip": {"max_epochs": "auto"},
        "default, 40 epochs": {"max_epochs": 40, "linear_skip": True},
        "paper BCE": {"criterion": bce, **uniform},
        "BCE + prior bias": {"criterion": bce, **prior},
        "LA tau=1": {"criterion": la, **uniform},
        "LA tau=0.5": {"criterion": la, "criterion__tau": 0.5, **uniform},
        "CB 0.999": {"criterion": cb, "criterion__beta": 0.999, **uniform},
        "CB 0.99": {"criterion": cb, "criterion__beta": 0.99, **uniform},
        "CB 0.999 + prior": {"criterion": cb, "criterion__beta": 0.999, **prior},
        "CB 0.99 + prior": {"criterion": cb, "criterion__beta": 0.99, **prior},
        "CB 0.999 + prior, 100 ep": {
            "criterion": cb,
            "criterion__beta": 0.999,
            "max_epochs": 100,
            **prior,
        },
        "CB 0.999 + prior, lr 3e-3": {
            "criterion": cb,
            "criterion__beta": 0.999,
            "lr": 3e-3,
            **prior,
        },
    }, base


def dev_split(name, args):
    """Development train / validation rows that no reported fold scores."""
    if name in GENERATED:
        X, Y, modalities = load(name, args.data_dir, args.quick, seed=1)
        train, valid = multilabel_train_test_split(
            np.arange(len(X)), Y, test_size=0.25, random_state=0
        )[:2]
    else:
        X, Y, modalities = load(name, args.data_dir, args.quick)
        cv = IterativeStratifiedKFold(args.folds, shuffle=True, random_state=0)
        outer_train, _ = next(iter(cv.split(X, Y)))
        train, valid = multilabel_train_test_split(
            outer_train, Y[outer_train], test_size=0.25, random_state=0
        )[:2]
    return X, Y, modalities, train, valid


def run_dev(name, args):
    X, Y, modalities, train, valid = dev_split(name, args)
    X_train, X_valid = standardise(X, train, valid)
    candidates, base = dev_candidates(modalities, 0)
    if args.candidates:
        candidates = {k: v for k, v in candidates.items() if k in args.candidates}
    rows = {}
    for label, params in candidates.items():
        params = {**base, **params}
        if args.quick:
            params["max_epochs"] = 2
        start = time.perf_counter()
        clf = RMLCClassifier(modalities, **params).fit(X_train, Y[train])
        seconds = time.perf_counter() - start
        proba = clf.predict_proba(X_valid)
        for threshold in (0.5, 0.4, 0.3):
            P = (proba >= threshold).astype(int)
            row = scores(Y[valid], P, Y[train])
            row["fit_s"] = seconds
            row["predicted_rate_rarest"] = float(P[:, Y[train].sum(0).argmin()].mean())
            rows[f"{label} @{threshold}"] = row
        # the same for OvR-LR, the reference of the issue
    lr = OneVsRestClassifier(LogisticRegression(max_iter=1000)).fit(X_train, Y[train])
    rows["OvR-LR @0.5"] = scores(Y[valid], lr.predict(X_valid), Y[train])
    print(f"\n{name} (dev: {len(train)} train / {len(valid)} validation rows)")
    print(f"{'candidate':36s} micro  macro   tail  rate(rarest)")
    for label, row in rows.items():
        print(
            f"{label:36s} {row['micro_f1']:.3f}  {row['macro_f1']:.3f}  "
            f"{row['tail_f1']:.3f}  {row.get('predicted_rate_rarest', np.nan):.3f}",
            flush=True,
        )
    return rows


def main(argv=None):
    parser = argparse.ArgumentParser(
        prog="bench_imbalance_defaults.py", description=__doc__.split("\n")[0]
    )
    parser.add_argument("--datasets", nargs="+", choices=DATASETS, default=None)
    parser.add_argument("--folds", type=int, default=5)
    parser.add_argument("--models", nargs="+", default=None, help="subset of models")
    parser.add_argument("--tuner-scoring", default="f1")
    parser.add_argument(
        "--variants",
        nargs="+",
        choices=["untuned", "tuned"],
        default=["untuned", "tuned"],
        help="models without and/or with MultiLabelThresholdTuner",
    )
    parser.add_argument("--data-dir", default=str(DATA_DIR))
    parser.add_argument("--quick", action="store_true", help="smoke test")
    parser.add_argument("--dev", action="store_true", help="default-selection runs")
    parser.add_argument("--candidates", nargs="+", default=None)
    parser.add_argument(
        "--merge",
        nargs="+",
        metavar="JSON",
        default=None,
        help="combine the results of earlier runs (same folds) and print them",
    )
    add_json_argument(parser, "bench_imbalance_defaults")
    args = parser.parse_args(argv)
    if args.merge:
        return merge(args.merge, args.json)
    if args.datasets is None:
        args.datasets = ["gen20"] if args.quick else DATASETS
    if args.quick:
        args.folds = min(args.folds, 2)
    missing = [
        d
        for d in args.datasets
        if d in REAL and not (Path(args.data_dir) / d / f"{d}.xml").exists()
    ]
    if missing:
        sys.exit(f"not found in {args.data_dir}: {missing}")
    torch.set_num_threads(1)
    results = {}
    with threadpool_limits(limits=1), warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        for name in args.datasets:
            if args.dev:
                results[name] = run_dev(name, args)
                continue
            result = run_dataset(name, args)
            result["checks"] = checks(result["summary"], args.tuner_scoring)
            results[name] = result
            print_table(name, result)
            # after every data set, so that an interrupted run keeps them
            path = write_results("bench_imbalance_defaults", results, args.json)
    if args.dev:
        path = write_results("bench_imbalance_defaults_dev", results, args.json)
    return path


if __name__ == "__main__":
    main()
