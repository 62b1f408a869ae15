"""Many rows: stratified folds, metrics and the concatenator against their peers.

Three side-by-side measurements in one run, each reporting the median time
over ``--repeat`` interleaved runs (the methods alternate, so they share the
machine's load; one warm-up run of each is not counted) and the memory peak
of one more run under ``tracemalloc`` (numpy and scipy buffers plus Python
objects allocated during the call, inputs excluded):

stratification
    ``IterativeStratifiedKFold`` (5 folds) on 100,000 samples x 100
    long-tailed, correlated labels (``long_tailed_labels`` of
    ``bench_iterative_stratification.py``) against iterstrat's
    ``MultilabelStratifiedKFold``, scikit-multilearn's
    ``IterativeStratification`` (run in a child process, killed after
    ``--timeout`` seconds) and ``KFold``: time, memory and the deviations of
    the folds' label distribution (same definitions as in
    ``bench_iterative_stratification.py``: LD, ED, std/label, max gap, pair
    std, zero folds; lower is better).
metrics
    ``skmml.metrics`` on 1,000,000 x 100 random long-tailed label matrices
    (boolean ``Y_true`` and ``Y_pred``, float32 scores) against the
    scikit-learn function computing the same value (``f1_score`` micro /
    macro / weighted / samples / None, ``hamming_loss``,
    ``accuracy_score``, ``label_ranking_average_precision_score``,
    ``label_ranking_loss``, ``coverage_error``). scikit-learn's two
    per-sample Python loops (LRAP and ranking loss) take minutes here: they
    run on the first ``--peer-rows`` rows and their time is scaled linearly
    to all rows (marked ``*``; ``--peer-rows 0`` runs them on all rows).
concat
    ``MultiModalConcatenator`` against a bare ``ColumnTransformer`` doing
    the same per-modality ``StandardScaler`` on 100,000 x 2,000 float64
    (3 modalities of 700, 650 and 650 columns): ``fit_transform`` and
    ``transform``. A ``block_weighting="unit_variance"`` row shows the cost
    of learning and applying block weights.

The ratio column is skmml / peer (time below 1: skmml is faster). Needs the
benchmark extra for the stratification peers (rows without them are marked
``not installed``). Run from the repository root (about 20 minutes on 2
shared cores, most of it scikit-learn's metrics and scikit-multilearn; peak
memory about 3 GB, the concatenator's at 100,000 x 2,000)::

    python benchmarks/bench_rows.py [--only stratification,metrics,concat]
        [--repeat 3] [--json PATH]

``--quick`` shrinks every size (a smoke test, not a measurement).
"""

import argparse
import gc
import time
import warnings

import numpy as np
from _common import (
    add_json_argument,
    call_in_child,
    fmt_bytes,
    peak_memory,
    write_results,
)
from bench_iterative_stratification import folds_from_splits, long_tailed_labels

N_SPLITS = 5
FULL = {
    "strat_samples": 100_000,
    "strat_labels": 100,
    "metric_samples": 1_000_000,
    "metric_labels": 100,
    "peer_rows": 100_000,
    "concat_samples": 100_000,
    "concat_features": 2_000,
}
QUICK = {
    "strat_samples": 2_000,
    "strat_labels": 10,
    "metric_samples": 5_000,
    "metric_labels": 10,
    "peer_rows": 200,
    "concat_samples": 1_000,
    "concat_features": 60,
}


def _median_times(runners, repeat, call):
    """Median time of every runner over ``repeat`` interleaved rounds.

    ``call(runner, round)`` returns the elapsed seconds, or None (failed /
    timed out: the runner is not run again). Round 0 is a warm-up.
    """
    times = {name: [] for name in runners}
    dead = set()
    for rnd in range(repeat + 1):
        for name in runners:
            if name in dead:
                continue
            elapsed = call(name, rnd)
            if elapsed is None:
                dead.add(name)
            elif rnd > 0 or repeat == 0:
                times[name].append(elapsed)
    return {name: float(np.median(t)) if t else None for name, t in times.items()}


def _fmt(value, spec):
    return "-" if value is None else format(value, spec)


# ---------------------------------------------------------------------------
# stratification


def fold_deviations(Y, fold_of, k):
    """Deviation measures of ``bench_iterative_stratification.deviations``.

    Pair counts come from each fold's Gram matrix, so 100 labels (4,950
    pairs) stay cheap.
    """
    Y = np.asarray(Y, dtype=np.float64)
    n, q = Y.shape
    pos = Y.sum(axis=0)
    sizes = np.bincount(fold_of, minlength=k)
    folds = [Y[fold_of == j] for j in range(k)]
    per_fold = np.array([F.sum(axis=0) for F in folds])
    with np.errstate(divide="ignore", invalid="ignore"):
        whole = pos / (n - pos)
        ratio = per_fold / (sizes[:, None] - per_fold)
    upper = np.triu_indices(q, 1)
    cooc = (Y.T @ Y)[upper]
    pair_counts = np.array([(F.T @ F)[upper] for F in folds])[:, cooc > 0]
    return {
        "LD": float(np.nanmean(np.abs(ratio - whole[None, :]))),
        "ED": float(np.abs(sizes - n / k).mean()),
        "std/label": float(per_fold.std(axis=0).mean()),
        "max gap": int((per_fold.max(axis=0) - per_fold.min(axis=0)).max()),
        "pair std": float(pair_counts.std(axis=0).mean()),
        "zero folds": int((per_fold[:, pos >= k] == 0).sum()),
    }


def _stratifiers(X, Y):
    """name -> (split(seed) -> fold_of, seeded, run in a child with timeout)."""
    import scipy.sparse as sp
    from sklearn.model_selection import KFold

    from skmml.model_selection import IterativeStratifiedKFold

    n = Y.shape[0]

    def ours(order, shuffle):
        def run(seed):
            cv = IterativeStratifiedKFold(
                N_SPLITS,
                order=order,
                shuffle=shuffle,
                random_state=seed if shuffle else None,
            )
            return folds_from_splits(cv.split(X, Y), n)

        return run, shuffle, False

    out = {
        "skmml order=1 shuffle": ours(1, True),
        "skmml order=1": ours(1, False),
        "skmml order=2 shuffle": ours(2, True),
    }
    try:
        from iterstrat.ml_stratifiers import MultilabelStratifiedKFold
    except ImportError:
        out["iterstrat"] = None
    else:

        def iterstrat(seed):
            cv = MultilabelStratifiedKFold(N_SPLITS, shuffle=True, random_state=seed)
            return folds_from_splits(cv.split(X, Y), n)

        out["iterstrat"] = (iterstrat, True, False)
    try:
        from skmultilearn.model_selection import IterativeStratification
    except ImportError:
        out["skmultilearn order=1"] = out["skmultilearn order=2"] = None
    else:
        Y_csr = sp.csr_matrix(Y)

        def skmultilearn(order):
            def run(seed):
                np.random.seed(seed)  # it draws its ties from the global RNG
                cv = IterativeStratification(n_splits=N_SPLITS, order=order)
                return folds_from_splits(cv.split(X, Y_csr), n)

            return run, False, True

        out["skmultilearn order=1"] = skmultilearn(1)
        out["skmultilearn order=2"] = skmultilearn(2)

    def kfold(seed):
        kfold_cv = KFold(N_SPLITS, shuffle=True, random_state=seed)
        return folds_from_splits(kfold_cv.split(X), n)

    out["sklearn KFold"] = (kfold, True, False)
    return out


def _timed_split(run, seed):
    start = time.perf_counter()
    fold_of = run(seed)
    return time.perf_counter() - start, fold_of


def _peak_split(run, seed):
    return peak_memory(run, seed)[1]


def bench_stratification(sizes, repeat, timeout):

    n, q = sizes["strat_samples"], sizes["strat_labels"]
    Y = long_tailed_labels(n, q, seed=0)
    X = np.zeros((n, 1))
    pos = Y.sum(axis=0)
    print(
        f"\n[stratification] {n} samples x {q} labels (long_tailed_labels, "
        f"seed 0), {N_SPLITS} folds; positives per label {pos.min()}..{pos.max()}, "
        f"{Y.sum(axis=1).mean():.2f} labels per sample"
    )
    methods = _stratifiers(X, Y)
    runnable = {name: m for name, m in methods.items() if m is not None}
    devs = {name: [] for name in runnable}
    status = dict.fromkeys(methods, "ok")
    for name, m in methods.items():
        if m is None:
            status[name] = "not installed"

    def call(name, rnd):
        run, seeded, isolate = runnable[name]
        if not seeded and rnd > 1:  # deterministic: one timed run is enough
            return None if isolate else _timed_split(run, 0)[0]
        seed = rnd if seeded else 0
        if isolate:
            if rnd == 0:  # no warm-up for the slow peers
                return 0.0
            try:
                elapsed, fold_of = call_in_child(
                    _timed_split, run, seed, timeout=timeout
                )
            except (TimeoutError, RuntimeError) as exc:
                status[name] = f"stopped: {exc}"
                return None
        else:
            elapsed, fold_of = _timed_split(run, seed)
        if rnd > 0:
            devs[name].append(fold_deviations(Y, fold_of, N_SPLITS))
        return elapsed

    times = _median_times(list(runnable), max(repeat, 1), call)
    rows = []
    for name in methods:
        row = {"method": name, "status": status[name], "time_s": times.get(name)}
        row["runs"] = len(devs.get(name, []))
        if name in runnable and devs[name]:
            run, _, isolate = runnable[name]
            try:
                row["peak_bytes"] = (
                    call_in_child(_peak_split, run, 0, timeout=timeout)
                    if isolate
                    else _peak_split(run, 0)
                )
            except (TimeoutError, RuntimeError):
                row["peak_bytes"] = None
            d = devs[name]
            row.update({k: float(np.mean([x[k] for x in d])) for k in d[0]})
            row["max gap"] = max(x["max gap"] for x in d)
        rows.append(row)
    ours = next(r for r in rows if r["method"] == "skmml order=1 shuffle")
    keys = ["LD", "ED", "std/label", "max gap", "pair std", "zero folds"]
    head = f"{'method':<23}{'runs':>5}{'time s':>9}{'ours/it':>9}{'peak':>12}"
    head += f"{'LD ours/it':>11}" + "".join(f"{k:>11}" for k in keys)
    print(head)
    print("-" * len(head))
    for r in rows:
        if r.get("LD") is None:
            print(f"{r['method']:<23}  {r['status']}")
            continue
        r["time_ratio"] = ours["time_s"] / r["time_s"] if r["time_s"] else None
        r["LD_ratio"] = ours["LD"] / r["LD"] if r["LD"] else None
        line = f"{r['method']:<23}{r['runs']:>5}{_fmt(r['time_s'], '9.3f')}"
        line += f"{_fmt(r['time_ratio'], '9.3f')}{fmt_bytes(r['peak_bytes']):>12}"
        line += f"{_fmt(r['LD_ratio'], '11.3f')}"
        for k in keys:
            line += f"{r[k]:>11.2e}" if k == "LD" else f"{r[k]:>11.3f}"
        print(line)
    print(
        "ours = 'skmml order=1 shuffle'; seeded methods: median time over "
        f"{max(repeat, 1)} seeds, mean deviations, worst 'max gap'; "
        "deterministic ones (skmultilearn with np.random.seed(0)) run once."
    )
    return {
        "n_samples": n,
        "n_labels": q,
        "n_splits": N_SPLITS,
        "labels": "long_tailed_labels(seed=0)",
        "rows": rows,
    }


# ---------------------------------------------------------------------------
# metrics


def _metric_data(n, q, seed=0):
    """Boolean Y_true (prevalence 0.3 / j), Y_pred (5% flips), float32 scores."""
    rng = np.random.default_rng(seed)
    prevalence = (0.3 / np.arange(1, q + 1)).astype(np.float32)
    Y_true = rng.random((n, q), dtype=np.float32) < prevalence
    Y_pred = Y_true ^ (rng.random((n, q), dtype=np.float32) < 0.05)
    scores = rng.random((n, q), dtype=np.float32)
    scores += 0.3 * Y_true
    return Y_true, Y_pred, scores


def _metric_pairs():
    """(name, skmml function, sklearn function, input kind, sklearn loops rows)."""
    import sklearn.metrics as skm

    import skmml.metrics as mm

    def f1(average):
        return lambda a, b: skm.f1_score(a, b, average=average, zero_division=0)

    return [
        ("micro_f1", mm.micro_f1, f1("micro"), "pred", False),
        ("macro_f1", mm.macro_f1, f1("macro"), "pred", False),
        ("weighted_f1", mm.weighted_f1, f1("weighted"), "pred", False),
        ("example_f1", mm.example_f1, f1("samples"), "pred", False),
        ("per_label_f1", mm.per_label_f1, f1(None), "pred", False),
        ("hamming_loss", mm.hamming_loss, skm.hamming_loss, "pred", False),
        ("subset_accuracy", mm.subset_accuracy, skm.accuracy_score, "pred", False),
        (
            "mean_average_precision",
            mm.mean_average_precision,
            skm.label_ranking_average_precision_score,
            "score",
            True,
        ),
        ("ranking_loss", mm.ranking_loss, skm.label_ranking_loss, "score", True),
        ("coverage", mm.coverage, skm.coverage_error, "score", False),
    ]


def bench_metrics(sizes, repeat):
    n, q = sizes["metric_samples"], sizes["metric_labels"]
    peer_rows = sizes["peer_rows"] or n
    Y_true, Y_pred, scores = _metric_data(n, q)
    print(
        f"\n[metrics] {n} x {q}: Y_true/Y_pred bool "
        f"({Y_true.mean():.3f} positive, 5% of the entries flipped), scores "
        "float32; sklearn's per-row loops (*) on the first "
        f"{min(peer_rows, n)} rows, time scaled to {n}"
    )
    pairs = _metric_pairs()
    rows = []
    for name, ours, peer, kind, loops in pairs:
        other = Y_pred if kind == "pred" else scores
        m = min(peer_rows, n) if loops else n
        args = {"skmml": (Y_true, other), "sklearn": (Y_true[:m], other[:m])}
        funcs = {"skmml": ours, "sklearn": peer}
        values = {}

        def call(side, rnd, args=args, funcs=funcs, values=values):
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                start = time.perf_counter()
                values[side] = funcs[side](*args[side])
                return time.perf_counter() - start

        # the slow loops only once (their time is long and stable)
        times = _median_times(["skmml", "sklearn"], 1 if loops else repeat, call)
        peaks = {side: peak_memory(funcs[side], *args[side])[1] for side in funcs}
        gc.collect()
        agree_on = ours(*args["sklearn"]) if m < n else values["skmml"]
        diff = float(np.max(np.abs(np.asarray(agree_on) - values["sklearn"])))
        t_peer = times["sklearn"] * n / m
        row = {
            "metric": name,
            "sklearn_rows": m,
            "skmml_s": times["skmml"],
            "sklearn_s": t_peer,
            "sklearn_extrapolated": m < n,
            "time_ratio": times["skmml"] / t_peer,
            "skmml_peak_bytes": peaks["skmml"],
            "sklearn_peak_bytes": peaks["sklearn"],
            "sklearn_peak_rows": m,
            "max_abs_diff": diff,
        }
        rows.append(row)
        star = "*" if m < n else " "
        print(
            f"  {name:<24}skmml {times['skmml']:8.3f} s {fmt_bytes(peaks['skmml']):>12}"
            f"   sklearn {t_peer:8.3f} s{star}{fmt_bytes(peaks['sklearn']):>12}{star}"
            f"   time ratio {row['time_ratio']:7.3f}  |diff| {diff:.1e}",
            flush=True,
        )
    print(
        "time ratio = skmml / sklearn; peaks marked * are sklearn's on the "
        "subsample; |diff| compares both on the rows sklearn saw."
    )
    return {
        "n_samples": n,
        "n_labels": q,
        "inputs": "bool Y_true / Y_pred, float32 scores",
        "rows": rows,
    }


# ---------------------------------------------------------------------------
# concatenator


def _modalities(n_features):
    from sklearn.preprocessing import StandardScaler

    widths = np.array([0.35, 0.325, 0.325]) * n_features
    edges = np.concatenate([[0], np.cumsum(np.round(widths).astype(int))])
    edges[-1] = n_features
    return [
        (name, StandardScaler(), np.arange(lo, hi))
        for name, lo, hi in zip(
            ("image", "audio", "text"), edges[:-1], edges[1:], strict=True
        )
    ]


def bench_concat(sizes, repeat):
    from sklearn.compose import ColumnTransformer

    from skmml.compose import MultiModalConcatenator

    n, d = sizes["concat_samples"], sizes["concat_features"]
    X = np.random.default_rng(0).standard_normal((n, d))
    mods = _modalities(d)
    print(
        f"\n[concat] {n} x {d} float64, modalities "
        + ", ".join(f"{name} ({len(cols)})" for name, _, cols in mods)
        + ", StandardScaler each"
    )
    makers = {
        "ColumnTransformer": lambda: ColumnTransformer(mods),
        "MultiModalConcatenator": lambda: MultiModalConcatenator(mods),
        "MultiModalConcatenator unit_variance": lambda: MultiModalConcatenator(
            mods, block_weighting="unit_variance"
        ),
    }
    fitted = {}
    times = {}
    for step in ("fit_transform", "transform"):

        def call(name, rnd, step=step):
            est = makers[name]() if step == "fit_transform" else fitted[name]
            start = time.perf_counter()
            out = getattr(est, step)(X)
            elapsed = time.perf_counter() - start
            fitted[name] = est
            del out
            return elapsed

        times[step] = _median_times(list(makers), repeat, call)
    rows = []
    base = "ColumnTransformer"
    for name, make in makers.items():
        est = make()
        out, p_fit = peak_memory(est.fit_transform, X)
        del out
        out, p_tr = peak_memory(est.transform, X)
        del out
        gc.collect()
        rows.append(
            {
                "method": name,
                "fit_transform_s": times["fit_transform"][name],
                "transform_s": times["transform"][name],
                "fit_transform_peak_bytes": p_fit,
                "transform_peak_bytes": p_tr,
            }
        )
    ref = rows[0]
    head = f"{'method':<38}{'fit_transform s':>16}{'ratio':>7}{'peak':>12}"
    head += f"{'transform s':>13}{'ratio':>7}{'peak':>12}"
    print(head)
    print("-" * len(head))
    for r in rows:
        r["fit_transform_ratio"] = r["fit_transform_s"] / ref["fit_transform_s"]
        r["transform_ratio"] = r["transform_s"] / ref["transform_s"]
        print(
            f"{r['method']:<38}{r['fit_transform_s']:>16.3f}"
            f"{r['fit_transform_ratio']:>7.2f}"
            f"{fmt_bytes(r['fit_transform_peak_bytes']):>12}"
            f"{r['transform_s']:>13.3f}{r['transform_ratio']:>7.2f}"
            f"{fmt_bytes(r['transform_peak_bytes']):>12}"
        )
    print(f"ratio = method / {base} (median of {repeat} interleaved runs)")
    return {"n_samples": n, "n_features": d, "rows": rows}


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", default="stratification,metrics,concat")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument(
        "--timeout",
        type=float,
        default=300.0,
        help="seconds before scikit-multilearn's stratification is stopped",
    )
    parser.add_argument(
        "--peer-rows",
        type=int,
        default=None,
        help="rows for scikit-learn's per-row ranking loops (0: all rows)",
    )
    parser.add_argument("--quick", action="store_true", help="tiny sizes (smoke)")
    add_json_argument(parser, "bench_rows")
    args = parser.parse_args(argv)
    sizes = dict(QUICK if args.quick else FULL)
    if args.peer_rows is not None:
        sizes["peer_rows"] = args.peer_rows
    parts = set(args.only.split(","))
    unknown = parts - {"stratification", "metrics", "concat"}
    if unknown:
        parser.error(f"unknown part(s) {sorted(unknown)}")
    results = {"repeat": args.repeat, "quick": args.quick}
    if "stratification" in parts:
        results["stratification"] = bench_stratification(
            sizes, args.repeat, args.timeout
        )
    if "metrics" in parts:
        results["metrics"] = bench_metrics(sizes, args.repeat)
    if "concat" in parts:
        results["concat"] = bench_concat(sizes, args.repeat)
    return write_results("bench_rows", results, path=args.json)


if __name__ == "__main__":
    main()
