"""Demo: compare fusion strategies on built-in disaster-like synthetic data.

Run it with ``python -m skmml.demo``. It generates data shaped like the
disaster dataset of Pouyanfar et al. (three modalities, seven imbalanced
concepts), cross-validates several approaches with iterative stratification
and skmml's multi-label scorers, prints one line per approach as it finishes
(about a minute in all on two CPU cores), then one comparison table and two
lines that explain it.
"""

import argparse
import time

import numpy as np
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import cross_validate
from sklearn.multiclass import OneVsRestClassifier
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler
from threadpoolctl import threadpool_limits

from skmml.compose import MultiModalConcatenator
from skmml.datasets import make_disaster_like
from skmml.metrics import multilabel_scoring
from skmml.model_selection import IterativeStratifiedKFold

SCORES = ["micro_f1", "macro_f1", "neg_hamming_loss", "mean_average_precision"]
HEADERS = ["micro-F1", "macro-F1", "Hamming", "MAP"]
# Label Powerset classes seen fewer times than this count as rare below.
RARE_COMBINATION = 5


def _concat(modalities, names):
    return MultiModalConcatenator(
        [(name, StandardScaler(), modalities[name]) for name in names]
    )


def _ovr_logistic():
    return OneVsRestClassifier(LogisticRegression(C=0.1, max_iter=500))


def build_approaches(modalities, *, random_state=0, neural=True):
    """Return ``{approach name: estimator}`` for the comparison table."""
    from skmml.feature_selection import RFRecursiveSelector
    from skmml.svm import LabelPowersetWeightedSVC

    names = list(modalities)
    approaches = {
        f"{name} only, OvR logistic": make_pipeline(
            _concat(modalities, [name]), _ovr_logistic()
        )
        for name in names
    }
    approaches["concatenation, OvR logistic"] = make_pipeline(
        _concat(modalities, names), _ovr_logistic()
    )
    approaches["concatenation, LP weighted SVM"] = make_pipeline(
        _concat(modalities, names), LabelPowersetWeightedSVC()
    )
    approaches["concat + RF selection + LP-WSVM"] = make_pipeline(
        _concat(modalities, names),
        RFRecursiveSelector(
            step=32, cv=IterativeStratifiedKFold(3), random_state=random_state
        ),
        LabelPowersetWeightedSVC(),
    )
    if neural:
        try:
            import torch

            from skmml.neural import RMLCClassifier
        except ImportError:
            pass
        else:
            # A small network: one thread avoids oversubscribing busy CPUs.
            torch.set_num_threads(1)
            approaches["RMLC (one modality per step)"] = make_pipeline(
                _concat(modalities, names),
                RMLCClassifier(
                    [len(modalities[name]) for name in names],
                    max_epochs=30,
                    random_state=random_state,
                ),
            )
    return approaches


def _cross_validate_all(X, Y, modalities, n_splits, random_state, neural, verbose):
    cv = IterativeStratifiedKFold(n_splits, shuffle=True, random_state=random_state)
    scoring = multilabel_scoring(SCORES)
    approaches = build_approaches(modalities, random_state=random_state, neural=neural)
    rows = []
    for k, (name, est) in enumerate(approaches.items(), start=1):
        if verbose:
            print(f"[{k}/{len(approaches)}] {name} ...", end="", flush=True)
        tic = time.perf_counter()
        res = cross_validate(est, X, Y, cv=cv, scoring=scoring)
        secs = time.perf_counter() - tic
        means = {s: float(np.mean(res[f"test_{s}"])) for s in SCORES}
        means["neg_hamming_loss"] = -means["neg_hamming_loss"]
        rows.append((name, means, secs))
        if verbose:
            print(f" {secs:.1f} s", flush=True)
    return rows


def run(n_splits=3, random_state=0, neural=True, *, verbose=False):
    """Cross-validate every approach and return the table rows.

    Parameters
    ----------
    n_splits : int, default=3
        Number of cross-validation folds.
    random_state : int, default=0
        Seed of the data and of the folds.
    neural : bool, default=True
        Include RMLC when torch and skorch are installed.
    verbose : bool, default=False
        Print one progress line per approach.

    Returns
    -------
    rows : list of tuple
        ``(approach, {score name: mean}, seconds)``; the Hamming loss is
        positive (lower is better).
    """
    X, Y, modalities = make_disaster_like(random_state=random_state)
    return _cross_validate_all(
        X, Y, modalities, n_splits, random_state, neural, verbose
    )


def format_table(rows):
    """Format the rows returned by :func:`run` as a text table."""
    width = max(len(r[0]) for r in rows)
    head = f"{'approach':<{width}}  " + "  ".join(f"{h:>8}" for h in HEADERS)
    lines = [head + f"  {'time (s)':>8}", "-" * (len(head) + 10)]
    for name, means, secs in rows:
        cells = "  ".join(f"{means[s]:8.4f}" for s in SCORES)
        lines.append(f"{name:<{width}}  {cells}  {secs:8.1f}")
    lines.append(
        "Higher is better for micro-F1, macro-F1 and MAP; lower is better for "
        "the Hamming loss."
    )
    return "\n".join(lines)


def explain(Y):
    """Two lines on why the Label Powerset rows trail one-vs-rest here."""
    _, counts = np.unique(np.asarray(Y), axis=0, return_counts=True)
    n_rare = int(np.sum(counts < RARE_COMBINATION))
    return (
        f"Why LP trails OvR: Label Powerset learns the {len(counts)} label "
        f"combinations as classes ({n_rare} seen < {RARE_COMBINATION} times),\n"
        "one-vs-rest each concept from all its positives; the paper used LP-SVM "
        "on temporal features."
    )


# Small problems: one BLAS thread is faster than several fighting for busy
# cores (and than oversubscribing them next to joblib or torch).
@threadpool_limits.wrap(limits=1)
def main(argv=None):
    parser = argparse.ArgumentParser(
        prog="python -m skmml.demo", description=__doc__.splitlines()[0]
    )
    parser.add_argument("--n-splits", type=int, default=3)
    parser.add_argument("--random-state", type=int, default=0)
    parser.add_argument(
        "--no-neural", action="store_true", help="skip the torch-based RMLC"
    )
    args = parser.parse_args(argv)
    X, Y, modalities = make_disaster_like(random_state=args.random_state)
    print(
        f"skmml demo: disaster-like data ({X.shape[0]} samples, "
        f"{'/'.join(modalities)}, {Y.shape[1]} imbalanced concepts), "
        f"{args.n_splits}-fold iterative stratified CV\n"
    )
    rows = _cross_validate_all(
        X,
        Y,
        modalities,
        args.n_splits,
        args.random_state,
        not args.no_neural,
        verbose=True,
    )
    print()
    print(format_table(rows))
    print()
    print(explain(Y))


if __name__ == "__main__":
    main()
