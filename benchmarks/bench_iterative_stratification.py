"""Benchmark skmml's IterativeStratifiedKFold against its peers.

Compares, on 20000 samples x 50 labels and 5 folds, the run time and the
label-distribution deviation across test folds of

* ``skmml.model_selection.IterativeStratifiedKFold`` (order 1 and 2),
* ``iterstrat.ml_stratifiers.MultilabelStratifiedKFold``
  (package ``iterative-stratification``),
* ``skmultilearn.model_selection.IterativeStratification`` (order 1 and 2),
* ``sklearn.model_selection.KFold(shuffle=True)`` as an unstratified baseline.

Run from the repository root (2 cores, well under 10 minutes)::

    python benchmarks/bench_iterative_stratification.py [--seeds 20] [--json PATH]

The numbers are also written as JSON, with the machine, to
``benchmarks/results/bench_iterative_stratification.json`` (or ``--json``).

Deviation measures (lower is better), computed over the test folds:

LD
    Label distribution of Sechidis et al. (2011): the mean over labels and
    folds of ``|p_j / (n_j - p_j) - p / (n - p)|`` (positives to negatives
    ratio in fold ``j`` against the whole data set).
ED
    Examples distribution: mean ``|n_j - n / k|`` over folds.
std/label
    Standard deviation across folds of the number of positives of a label,
    averaged over labels (0.4 is the floor when counts are not divisible).
max gap
    Largest difference between the most and least positives a label has in
    two folds.
pair std
    As std/label, for every co-occurring label pair.
zero folds
    (label, fold) cells without any positive, counted for labels with at
    least k positives.
"""

import argparse
import itertools
import sys
import time
from pathlib import Path

import numpy as np
import scipy.sparse as sp

N_SAMPLES, N_LABELS, N_SPLITS = 20000, 50, 5


def long_tailed_labels(n_samples=N_SAMPLES, n_labels=N_LABELS, seed=0):
    """Correlated long-tailed label matrix.

    Label ``l`` (1-based) has prevalence ``0.3 * l ** -1.5``; labels are
    correlated through 5 shared Gaussian factors (a multivariate probit).
    """
    rng = np.random.RandomState(seed)
    prevalence = 0.3 * np.arange(1, n_labels + 1) ** -1.5
    factors = rng.randn(n_samples, 5) @ (0.7 * rng.randn(5, n_labels))
    scores = factors + rng.randn(n_samples, n_labels)
    thresholds = np.array(
        [np.quantile(scores[:, l], 1 - prevalence[l]) for l in range(n_labels)]
    )
    return (scores > thresholds).astype(np.int8)


def sklearn_generator_labels(n_samples=N_SAMPLES, n_labels=N_LABELS, seed=0):
    from sklearn.datasets import make_multilabel_classification

    _, Y = make_multilabel_classification(
        n_samples=n_samples,
        n_features=10,
        n_classes=n_labels,
        n_labels=3,
        random_state=seed,
    )
    return Y.astype(np.int8)


def deviations(Y, fold_of, k):
    """Dictionary of the deviation measures described in the module doc."""
    Y = np.asarray(Y, dtype=np.int64)
    n = Y.shape[0]
    pos = Y.sum(axis=0)
    sizes = np.bincount(fold_of, minlength=k)
    per_fold = np.array([Y[fold_of == j].sum(axis=0) for j in range(k)])
    with np.errstate(divide="ignore", invalid="ignore"):
        whole = pos / (n - pos)
        ratio = per_fold / (sizes[:, None] - per_fold)
    ld = np.nanmean(np.abs(ratio - whole[None, :]))
    cooc = Y.T @ Y
    pairs = [(a, b) for a, b in itertools.combinations(range(Y.shape[1]), 2)]
    pairs = [(a, b) for a, b in pairs if cooc[a, b] > 0]
    a_idx, b_idx = np.array(pairs).T
    pair_counts = np.array(
        [
            (Y[fold_of == j][:, a_idx] & Y[fold_of == j][:, b_idx]).sum(0)
            for j in range(k)
        ]
    )
    return {
        "LD": ld,
        "ED": np.abs(sizes - n / k).mean(),
        "std/label": per_fold.std(axis=0).mean(),
        "max gap": int((per_fold.max(axis=0) - per_fold.min(axis=0)).max()),
        "pair std": pair_counts.std(axis=0).mean(),
        "zero folds": int((per_fold[:, pos >= k] == 0).sum()),
    }


def folds_from_splits(splits, n):
    fold_of = np.full(n, -1)
    for j, (_, test) in enumerate(splits):
        fold_of[test] = j
    assert np.all(fold_of >= 0)
    return fold_of


def make_runners(X, Y):
    """(label, run(seed) -> list of splits, seeded) for every method.

    Randomised methods are run once per seed; ``seeded=False`` marks methods
    run once (deterministic, or too slow to repeat).
    """
    from iterstrat.ml_stratifiers import MultilabelStratifiedKFold
    from sklearn.model_selection import KFold
    from skmultilearn.model_selection import IterativeStratification

    from skmml.model_selection import IterativeStratifiedKFold

    Y_csr = sp.csr_matrix(Y)

    def ours(order, shuffle):
        def run(seed):
            cv = IterativeStratifiedKFold(
                N_SPLITS,
                order=order,
                shuffle=shuffle,
                random_state=seed if shuffle else None,
            )
            return list(cv.split(X, Y))

        return run

    def iterstrat(seed):
        # a random_state needs shuffle=True with current scikit-learn
        cv = MultilabelStratifiedKFold(N_SPLITS, shuffle=True, random_state=seed)
        return list(cv.split(X, Y))

    def skmultilearn(order):
        def run(seed):
            np.random.seed(seed)  # it draws its ties from the global RNG
            cv = IterativeStratification(n_splits=N_SPLITS, order=order)
            return list(cv.split(X, Y_csr))

        return run

    def kfold(seed):
        return list(KFold(N_SPLITS, shuffle=True, random_state=seed).split(X, Y))

    return [
        ("skmml order=1", ours(1, False), False),
        ("skmml order=1 shuffle", ours(1, True), True),
        ("skmml order=2", ours(2, False), False),
        ("skmml order=2 shuffle", ours(2, True), True),
        ("iterstrat", iterstrat, True),
        ("skmultilearn order=1", skmultilearn(1), False),
        ("skmultilearn order=2", skmultilearn(2), False),
        ("sklearn KFold", kfold, True),
    ]


def bench(name, Y, n_seeds):
    n, q = Y.shape
    pos = Y.sum(axis=0)
    print(
        f"\n=== {name}: {n} samples x {q} labels, {N_SPLITS} folds; positives "
        f"per label {pos.min()}..{pos.max()} (median {int(np.median(pos))}), "
        f"{(Y.sum(axis=1) == 0).mean():.1%} samples without label, "
        f"{Y.sum(axis=1).mean():.2f} labels per sample ==="
    )
    X = np.zeros((n, 1))
    rows = []
    for label, run, seeded in make_runners(X, Y):
        times, devs = [], []
        for seed in range(n_seeds if seeded else 1):
            start = time.perf_counter()
            splits = run(seed)
            times.append(time.perf_counter() - start)
            devs.append(deviations(Y, folds_from_splits(splits, n), N_SPLITS))
        mean_dev = {k: np.mean([d[k] for d in devs]) for k in devs[0]}
        # the worst seed for the gap, the mean for everything else
        mean_dev["max gap"] = max(d["max gap"] for d in devs)
        rows.append((label, float(np.median(times)), mean_dev, len(devs)))
    ours = "skmml order=1 shuffle"
    t_ours = next(t for label, t, _, _ in rows if label == ours)
    ld_ours = next(d["LD"] for label, _, d, _ in rows if label == ours)
    keys = list(rows[0][2])
    header = f"{'method':<22}{'runs':>5}{'time s':>9}{'t ours/it':>10}"
    header += f"{'LD ours/it':>11}" + "".join(f"{k:>11}" for k in keys)
    print(header)
    print("-" * len(header))
    for label, t, dev, runs in rows:
        line = f"{label:<22}{runs:>5}{t:>9.3f}{t_ours / t:>10.3f}"
        line += f"{ld_ours / dev['LD']:>11.3f}"
        for k in keys:
            line += f"{dev[k]:>11.2e}" if k == "LD" else f"{dev[k]:>11.3f}"
        print(line)
    print(
        f"ours = '{ours}'. Randomised methods: {n_seeds} seeds, median time, "
        "mean deviations and the worst 'max gap'; others: 1 run (skmultilearn "
        "with np.random.seed(0))."
    )
    return {
        "n_samples": int(n),
        "n_labels": int(q),
        "n_splits": N_SPLITS,
        "ours": ours,
        "rows": [
            {
                "method": label,
                "runs": runs,
                "time_s": t,
                "time_ratio": t_ours / t,
                "LD_ratio": ld_ours / dev["LD"],
                **{k: v if isinstance(v, int) else float(v) for k, v in dev.items()},
            }
            for label, t, dev, runs in rows
        ],
    }


def main():
    try:
        import skmml  # noqa: F401
    except ImportError:  # run as a script from a source checkout
        sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
    from _common import add_json_argument, write_results

    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--seeds", type=int, default=20)
    add_json_argument(parser, "bench_iterative_stratification")
    args = parser.parse_args()
    print(
        "Label matrix 1: long_tailed_labels(seed=0): prevalence 0.3 * l**-1.5 "
        "for label l = 1..50, correlated by a 5-factor Gaussian probit."
    )
    print(
        "Label matrix 2: sklearn.datasets.make_multilabel_classification("
        "n_samples=20000, n_classes=50, n_labels=3, random_state=0)."
    )
    results = {
        "seeds": args.seeds,
        "long-tailed": bench("long-tailed", long_tailed_labels(), args.seeds),
        "make_multilabel_classification": bench(
            "make_multilabel_classification", sklearn_generator_labels(), args.seeds
        ),
    }
    write_results("bench_iterative_stratification", results, path=args.json)


if __name__ == "__main__":
    main()
