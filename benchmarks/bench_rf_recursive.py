"""Benchmark (4): RFRecursiveSelector vs RFECV vs a plain loop of Algorithm 1.

Data: the 384 fused features (3 modalities x 128) of ``make_disaster_like``
(1540 samples, 7 imbalanced concepts), split 80/20 with
``multilabel_train_test_split``. Every method selects features on the
training part with the same ``IterativeStratifiedKFold`` and the skmml
micro-F1 scorer, and is then scored once on the held-out part.

1. ``RFRecursiveSelector`` (stopping="first_decrease", Algorithm 1): one
   forest, (size, fold) fits streamed to the workers, early stop.
2. The straightforward loop of Algorithm 1: rank with one forest, then for
   k = 384, 383, ... ``cross_val_score(LabelPowersetWeightedSVC(), X[:, top
   k])`` (parallel over folds), stop at the first decrease, refit.
3. ``RFECV(RandomForestClassifier(), step=1)``: re-ranks with a new forest
   after every dropped feature, in every fold (the classifier it scores is
   that forest). Its selected features are also scored with
   ``LabelPowersetWeightedSVC`` for an apples-to-apples held-out number.

Optionally (``--with-best``) ``RFRecursiveSelector(stopping="best")`` with a
larger step walks the whole path.

Run from the repository root::

    PYTHONPATH=. python benchmarks/bench_rf_recursive.py          # ~30+ min
    PYTHONPATH=. python benchmarks/bench_rf_recursive.py --quick  # minutes

The RFECV run dominates: 384 forest fits per fold.
"""

import argparse
import time

import numpy as np
from sklearn.base import clone
from sklearn.ensemble import RandomForestClassifier
from sklearn.feature_selection import RFECV
from sklearn.model_selection import cross_val_score
from sklearn.utils.parallel import Parallel, delayed

from skmml.datasets import make_disaster_like
from skmml.feature_selection import RFRecursiveSelector
from skmml.metrics import get_scorer, micro_f1
from skmml.model_selection import IterativeStratifiedKFold, multilabel_train_test_split
from skmml.svm import LabelPowersetWeightedSVC


def algorithm_1_loop(X, Y, *, forest, estimator, cv, scoring, n_jobs):
    """Plain transcription of Algorithm 1 with scikit-learn building blocks."""
    forest = clone(forest).fit(X, Y)
    order = np.argsort(-forest.feature_importances_, kind="stable")
    prev_score, prev_k = -np.inf, None
    n_evaluated = 0
    for k in range(X.shape[1], 0, -1):
        cols = np.sort(order[:k])
        score = cross_val_score(
            clone(estimator), X[:, cols], Y, cv=cv, scoring=scoring, n_jobs=n_jobs
        ).mean()
        n_evaluated += 1
        if score < prev_score:
            break
        prev_score, prev_k = score, k
    cols = np.sort(order[:prev_k])
    final = clone(estimator).fit(X[:, cols], Y)
    return cols, prev_score, final, n_evaluated


def _warm_worker(*objects):
    """Unpickling the objects imports their modules in the worker."""
    return len(objects)


def timed(func, repeat):
    """Best wall time over ``repeat`` runs, and the last result."""
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        result = func()
        times.append(time.perf_counter() - t0)
    return min(times), result


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n-jobs", type=int, default=2)
    parser.add_argument("--cv", type=int, default=3, help="folds for every method")
    parser.add_argument("--n-estimators", type=int, default=100)
    parser.add_argument(
        "--repeat",
        type=int,
        default=3,
        help="runs of each fast method (best time reported); RFECV runs once",
    )
    parser.add_argument(
        "--quick",
        action="store_true",
        help="640 samples, 3x32 features (96) for a fast smoke run",
    )
    parser.add_argument("--with-best", action="store_true")
    parser.add_argument("--skip-rfecv", action="store_true")
    args = parser.parse_args()

    if args.quick:
        X, Y, _ = make_disaster_like(n_samples=640, modality_dims=32, random_state=0)
    else:
        X, Y, _ = make_disaster_like(random_state=0)
    X_tr, X_te, Y_tr, Y_te = multilabel_train_test_split(
        X, Y, test_size=0.2, random_state=0
    )
    cv = IterativeStratifiedKFold(n_splits=args.cv)
    scorer = get_scorer("micro_f1")
    forest = RandomForestClassifier(
        n_estimators=args.n_estimators, random_state=0, n_jobs=args.n_jobs
    )
    print(
        f"data: train {X_tr.shape}, test {X_te.shape}, {Y.shape[1]} labels; "
        f"cv={args.cv} folds, n_jobs={args.n_jobs}, forest of "
        f"{args.n_estimators} trees (built on n_jobs threads in every method)"
    )
    # Start the joblib workers and import skmml in them once, so that the
    # method timed first does not pay for it.
    Parallel(n_jobs=args.n_jobs)(
        delayed(_warm_worker)(LabelPowersetWeightedSVC(), scorer, cv)
        for _ in range(2 * args.n_jobs)
    )
    rows = []

    def add_selector_row(name, params):
        def run():
            return RFRecursiveSelector(
                LabelPowersetWeightedSVC(),
                forest=forest,
                cv=cv,
                n_jobs=args.n_jobs,
                random_state=0,
                **params,
            ).fit(X_tr, Y_tr)

        t, sel = timed(run, args.repeat)
        i = list(sel.cv_results_["n_features"]).index(sel.n_features_)
        rows.append(
            (
                name,
                t,
                sel.n_features_,
                len(sel.cv_results_["n_features"]),
                sel.cv_results_["mean_test_score"][i],
                micro_f1(Y_te, sel.estimator_.predict(sel.transform(X_te))),
            )
        )
        print(rows[-1], flush=True)
        return t

    # 1. RFRecursiveSelector, Algorithm 1 stopping rule
    t_sel = add_selector_row("RFRecursiveSelector first_decrease", {})

    # 2. plain loop of Algorithm 1 (parallel over folds only)
    t_loop, (cols, cv_score, final, n_eval) = timed(
        lambda: algorithm_1_loop(
            X_tr,
            Y_tr,
            forest=forest,
            estimator=LabelPowersetWeightedSVC(),
            cv=cv,
            scoring=scorer,
            n_jobs=args.n_jobs,
        ),
        args.repeat,
    )
    rows.append(
        (
            "Algorithm 1 loop (cross_val_score)",
            t_loop,
            len(cols),
            n_eval,
            cv_score,
            micro_f1(Y_te, final.predict(X_te[:, cols])),
        )
    )
    print(rows[-1], flush=True)

    if args.with_best:
        add_selector_row(
            "RFRecursiveSelector best, step=8", {"stopping": "best", "step": 8}
        )

    t_rfecv = None
    if not args.skip_rfecv:
        # 3. RFECV with a forest, step=1, run once. The trees are built in
        # parallel (RFECV's own n_jobs only covers the folds, not the final
        # elimination on all the data).
        t0 = time.perf_counter()
        rfecv = RFECV(clone(forest), step=1, cv=cv, scoring=scorer).fit(X_tr, Y_tr)
        t_rfecv = time.perf_counter() - t0
        rows.append(
            (
                "RFECV(RandomForest, step=1)",
                t_rfecv,
                rfecv.n_features_,
                len(rfecv.cv_results_["n_features"]),
                rfecv.cv_results_["mean_test_score"].max(),
                micro_f1(Y_te, rfecv.predict(X_te)),
            )
        )
        print(rows[-1], flush=True)
        lp = LabelPowersetWeightedSVC().fit(X_tr[:, rfecv.support_], Y_tr)
        lp_cv = cross_val_score(
            LabelPowersetWeightedSVC(),
            X_tr[:, rfecv.support_],
            Y_tr,
            cv=cv,
            scoring=scorer,
            n_jobs=args.n_jobs,
        ).mean()
        rows.append(
            (
                "  LP-WSVC on RFECV's features",
                float("nan"),
                rfecv.n_features_,
                1,
                lp_cv,
                micro_f1(Y_te, lp.predict(X_te[:, rfecv.support_])),
            )
        )

    print()
    header = (
        f"{'method':38s} {'time (s)':>9s} {'kept':>5s} {'sizes':>6s} "
        f"{'CV micro-F1':>12s} {'test micro-F1':>14s}"
    )
    print(header)
    print("-" * len(header))
    for name, t, kept, n_sizes, cv_f1, test_f1 in rows:
        print(
            f"{name:38s} {t:9.1f} {kept:5d} {n_sizes:6d} {cv_f1:12.4f} {test_f1:14.4f}"
        )
    print()
    print(f"speed-up vs Algorithm 1 loop: {t_loop / t_sel:.2f}x")
    if t_rfecv is not None:
        print(f"speed-up vs RFECV:            {t_rfecv / t_sel:.1f}x")


if __name__ == "__main__":
    main()
