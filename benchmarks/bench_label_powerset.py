"""LabelPowersetWeightedSVC against scikit-multilearn's LabelPowerset + SVC.

Three side-by-side measurements, in one run:

1. libsvm parity on ``make_multilabel_classification(n_samples=6000,
   n_features=100, n_classes=10, random_state=0)`` split 3000/3000 (428 label
   combinations): identical predictions, fit+predict time (target: at most
   1.1x scikit-multilearn's, both are libsvm).
2. per-label probabilities on the same split: skmml's ``predict_proba``
   (pairwise coupling of the one-vs-one decision values, vectorised) against
   scikit-multilearn's (``SVC(probability=True)`` plus a Python loop over
   samples and combinations); target: at least 2x faster. Ranking quality
   (MAP, ranking loss) of both is printed as well.
3. the scalable solver (``solver="least_squares"``: one-vs-one linear
   least-squares SVMs in closed form) at ``n_samples=12000``, 6 labels, split
   6000/6000, against the scikit-multilearn composition; target: at least 3x
   faster fit+predict at micro-F1 within 0.01. (The one-vs-rest
   ``solver="liblinear"`` is ~7x faster but ~0.03 lower in micro-F1 here.)

Timings are the minimum over ``--repeat`` runs, the two sides alternating so
that they share the machine's load. Needs scikit-multilearn (the benchmark
extra). Run from the repository root::

    python benchmarks/bench_label_powerset.py [--repeat 2] [--only 1,2,3]
        [--json PATH]

The numbers are also written as JSON, with the machine, to
``benchmarks/results/bench_label_powerset.json`` (or ``--json``).
"""

import argparse
import time
import warnings

import numpy as np
from _common import add_json_argument, write_results
from sklearn.datasets import make_multilabel_classification
from sklearn.svm import SVC

from skmml.metrics import mean_average_precision, micro_f1, ranking_loss
from skmml.svm import LabelPowersetWeightedSVC


def _peer(probability=False):
    from skmultilearn.problem_transform import LabelPowerset

    kwargs = {"probability": True, "random_state": 0} if probability else {}
    return LabelPowerset(
        SVC(kernel="linear", C=0.9, class_weight="balanced", **kwargs),
        require_dense=[True, True],
    )


def _dense(Y):
    return Y.toarray() if hasattr(Y, "toarray") else np.asarray(Y)


def _timed(func, *args):
    start = time.perf_counter()
    # The peer uses SVC(probability=True) (deprecated in scikit-learn 1.9) and
    # old scipy/numpy idioms; its warnings are noise here (ours raise none).
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        out = func(*args)
    return out, time.perf_counter() - start


def _fit_predict(est, X, Y, X_test):
    return est.fit(X, Y).predict(X_test)


def _split(n_samples, n_classes):
    X, Y = make_multilabel_classification(
        n_samples=n_samples, n_features=100, n_classes=n_classes, random_state=0
    )
    half = n_samples // 2
    return X[:half], Y[:half], X[half:], Y[half:]


def bench_parity(repeat):
    X, Y, X_test, _ = _split(6000, 10)
    n_combos = len(np.unique(Y, axis=0))
    print(f"(1) libsvm parity: train {X.shape}, {n_combos} label combinations")
    best = {"ours": [np.inf, np.inf], "peer": [np.inf, np.inf]}
    for _ in range(repeat):
        ours = LabelPowersetWeightedSVC(class_weight="balanced")
        _, t_fit = _timed(ours.fit, X, Y)
        pred_ours, t_pred = _timed(ours.predict, X_test)
        best["ours"] = np.minimum(best["ours"], [t_fit, t_pred])
        peer, t_fit = _timed(_peer().fit, X, Y)
        pred_peer, t_pred = _timed(peer.predict, X_test)
        pred_peer = _dense(pred_peer)
        best["peer"] = np.minimum(best["peer"], [t_fit, t_pred])
    rows = np.mean((pred_ours == pred_peer).all(axis=1))
    cells = np.mean(pred_ours == pred_peer)
    for name, (t_fit, t_pred) in best.items():
        print(f"    {name}: fit {t_fit:6.2f} s  predict {t_pred:6.2f} s")
    ratio = best["ours"].sum() / best["peer"].sum()
    print(
        f"    identical rows {rows:.4%}, identical cells {cells:.4%}; "
        f"fit+predict ours/peer = {ratio:.2f} (target <= 1.1, >= 99.9% rows)"
    )
    result = {
        "train_shape": list(X.shape),
        "n_combinations": int(n_combos),
        "identical_rows": float(rows),
        "identical_cells": float(cells),
        "fit_predict_ratio": float(ratio),
    }
    for name, (t_fit, t_pred) in best.items():
        result[f"{name}_fit_s"], result[f"{name}_predict_s"] = t_fit, t_pred
    return ours, result


def bench_proba(ours):
    X, Y, X_test, Y_test = _split(6000, 10)
    print("(2) per-label probabilities on the same split")
    if ours is None:
        ours = LabelPowersetWeightedSVC(class_weight="balanced").fit(X, Y)
    proba_ours, t_ours = _timed(ours.predict_proba, X_test)
    peer, t_fit_peer = _timed(_peer(True).fit, X, Y)
    proba_peer, t_peer = _timed(peer.predict_proba, X_test)
    proba_peer = _dense(proba_peer)
    print(f"    ours: predict_proba {t_ours:6.2f} s (no extra fit cost)")
    print(
        f"    peer: predict_proba {t_peer:6.2f} s "
        f"(its fit with probability=True: {t_fit_peer:.2f} s)"
    )
    print(f"    speed-up peer/ours = {t_peer / t_ours:.1f}x (target >= 2x)")
    result = {
        "ours_predict_proba_s": t_ours,
        "peer_predict_proba_s": t_peer,
        "peer_fit_probability_s": t_fit_peer,
        "speedup_peer_over_ours": t_peer / t_ours,
    }
    for name, proba in (("ours", proba_ours), ("peer", proba_peer)):
        result[f"{name}_MAP"] = mean_average_precision(Y_test, proba)
        result[f"{name}_ranking_loss"] = ranking_loss(Y_test, proba)
        print(
            f"    {name}: MAP {result[f'{name}_MAP']:.4f}  "
            f"ranking loss {result[f'{name}_ranking_loss']:.4f}"
        )
    return result


def bench_scalable(repeat):
    X, Y, X_test, Y_test = _split(12000, 6)
    n_combos = len(np.unique(Y, axis=0))
    print(f"(3) scalable solver: train {X.shape}, {n_combos} label combinations")
    best = {"ours": np.inf, "peer": np.inf}
    scores = {}
    for _ in range(repeat):
        for name, est in (
            (
                "ours",
                LabelPowersetWeightedSVC(
                    solver="least_squares", class_weight="balanced"
                ),
            ),
            ("peer", _peer()),
        ):
            pred, elapsed = _timed(_fit_predict, est, X, Y, X_test)
            best[name] = min(best[name], elapsed)
            scores[name] = micro_f1(Y_test, _dense(pred))
    for name in best:
        print(
            f"    {name}: fit+predict {best[name]:6.2f} s  micro-F1 {scores[name]:.4f}"
        )
    print(
        f"    speed-up peer/ours = {best['peer'] / best['ours']:.1f}x (target >= 3x); "
        f"micro-F1 ours - peer = {scores['ours'] - scores['peer']:+.4f} "
        "(target within 0.01)"
    )
    return {
        "train_shape": list(X.shape),
        "n_combinations": int(n_combos),
        "ours_fit_predict_s": best["ours"],
        "peer_fit_predict_s": best["peer"],
        "speedup_peer_over_ours": best["peer"] / best["ours"],
        "ours_micro_f1": scores["ours"],
        "peer_micro_f1": scores["peer"],
    }


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=2)
    parser.add_argument("--only", default="1,2,3")
    add_json_argument(parser, "bench_label_powerset")
    args = parser.parse_args()
    try:
        import skmultilearn  # noqa: F401
    except ImportError:
        raise SystemExit(
            "scikit-multilearn is needed: pip install 'skmml[benchmark]'"
        ) from None
    parts = set(args.only.split(","))
    results = {"repeat": args.repeat}
    ours = None
    if "1" in parts:
        ours, results["parity"] = bench_parity(args.repeat)
    if "2" in parts:
        results["proba"] = bench_proba(ours)
    if "3" in parts:
        results["scalable"] = bench_scalable(args.repeat)
    write_results("bench_label_powerset", results, path=args.json)


if __name__ == "__main__":
    main()
