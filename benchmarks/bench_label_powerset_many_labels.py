"""Label Powerset at many labels: RAkEL of the weighted SVM against its peers.

Two synthetic bag-of-words data sets shaped like the Mulan sets that break
the full Label Powerset (binary word-presence features, long-tailed labels,
repeated label combinations from a pool of "scenes"):

- ``corel5k``: 5000 x 500 binary, 374 labels, label cardinality ~3.5,
  ~3200 distinct label combinations (the real set: 3175);
- ``enron``: 1702 x 1001 binary, 53 labels, cardinality ~3.3, ~770
  combinations (the real set: 753).

Each is split 75/25 with ``multilabel_train_test_split`` and every method is
fitted on the training part and predicts the test part, each in a fresh
subprocess (so a time cap can stop it and its peak RSS is its own), one
after the other in the same run:

- skmml ``LabelPowersetWeightedSVC`` on the full powerset, liblinear and
  libsvm (capped at ``--cap`` seconds; when stopped, the number of
  combinations and of one-vs-one problems is reported);
- skmml ``RandomLabelsetsWeightedSVC``: RAkELd (disjoint, k=3) with
  liblinear at ``dual="auto"`` (scikit-learn's rule: the primal here) and
  ``dual=True``, with liblinear and no class weights (the peers' problem,
  to separate the weighting's cost from the implementation's), with
  libsvm; RAkELo (overlapping, k=3, m=2L) with liblinear, both ``dual``
  settings;
- scikit-learn ``OneVsRestClassifier(LinearSVC())``;
- scikit-multilearn ``RakelD(LinearSVC())`` as documented (fails on current
  numpy when ``n_labels`` is not a multiple of ``labelset_size``: the error
  is recorded), and the same algorithm run through its
  ``LabelSpacePartitioningClassifier(LabelPowerset(...),
  FixedLabelSpaceClusterer(...))`` on the very partition skmml's RAkELd
  draws with ``random_state=0``, with ``LinearSVC()`` and with
  ``SVC(kernel="linear")`` bases.

skmml runs at its defaults except ``solver`` (``C=0.9`` and the paper's
``class_weight="label"`` in each subset); the peers at theirs (``C=1``, no
weights); ``n_jobs`` is 1 everywhere. Reported: fit and predict time,
micro/macro-F1 (``skmml.metrics``) on the test part, peak RSS, and ratios.
Needs scikit-multilearn (the benchmark extra). Run from the repository
root::

    python benchmarks/bench_label_powerset_many_labels.py [--cap 300]
        [--datasets enron,corel5k] [--methods ...] [--json PATH]
"""

import argparse
import multiprocessing
import resource
import sys
import tempfile
import time
import warnings
from pathlib import Path

import numpy as np
import scipy.sparse as sp
from _common import add_json_argument, write_results

# data set shapes (see the module docstring)
DATASETS = {
    "enron": dict(
        n_samples=1702,
        n_features=1001,
        n_labels=53,
        cardinality=3.75,
        zipf=1.0,
        n_scenes=600,
        mutation=0.45,
        doc_length=40,
        topic_words=40,
        signal=0.5,
        seed=1,
    ),
    "corel5k": dict(
        n_samples=5000,
        n_features=500,
        n_labels=374,
        cardinality=3.2,
        zipf=0.75,
        n_scenes=3000,
        mutation=0.6,
        doc_length=12,
        topic_words=20,
        signal=0.5,
        seed=0,
    ),
}

LABELSET_SIZE = 3


def make_bow_multilabel(
    n_samples,
    n_features,
    n_labels,
    cardinality,
    zipf,
    n_scenes,
    mutation,
    doc_length,
    topic_words,
    signal,
    seed,
):
    """Binary bag-of-words X and a long-tailed label matrix Y.

    Labels: a pool of ``n_scenes`` label sets, each of ``1 + Poisson(
    cardinality - 1)`` labels drawn without replacement with probability
    proportional to ``rank ** -zipf`` (Gumbel top-k); sample ``i`` copies a
    scene chosen with probability proportional to ``rank ** -1`` and, with
    probability ``mutation``, swaps one of its labels for one drawn from the
    label prior. Words: each label has a Dirichlet word distribution over
    ``topic_words`` random words; a document of ``Poisson(doc_length)``
    words draws from ``signal`` times the mean distribution of its labels
    plus ``1 - signal`` times a background distribution (the generative
    model of scikit-learn's ``make_multilabel_classification``); ``X`` is
    word presence.
    """
    rng = np.random.RandomState(seed)
    log_prior = -zipf * np.log(np.arange(1, n_labels + 1))
    sizes = np.minimum(1 + rng.poisson(cardinality - 1, size=n_scenes), n_labels)
    keys = log_prior[None, :] + rng.gumbel(size=(n_scenes, n_labels))
    rank = np.argsort(np.argsort(-keys, axis=1), axis=1)
    scenes = (rank < sizes[:, None]).astype(np.int64)
    scene_p = 1.0 / np.arange(1, n_scenes + 1)
    Y = scenes[rng.choice(n_scenes, n_samples, p=scene_p / scene_p.sum())]
    prior = np.exp(log_prior) / np.exp(log_prior).sum()
    for i in np.flatnonzero(rng.uniform(size=n_samples) < mutation):
        Y[i, rng.choice(np.flatnonzero(Y[i]))] = 0
        Y[i, rng.choice(n_labels, p=prior)] = 1
    theta = np.zeros((n_labels, n_features))
    for j in range(n_labels):
        words = rng.choice(n_features, topic_words, replace=False)
        theta[j, words] = rng.dirichlet(np.ones(topic_words))
    background = rng.dirichlet(np.ones(n_features))
    per_label = (Y @ theta) / np.maximum(Y.sum(axis=1, keepdims=True), 1)
    mix = signal * per_label + (1 - signal) * background
    lengths = rng.poisson(doc_length, size=n_samples)
    counts = rng.poisson(lengths[:, None] * mix)
    return sp.csr_matrix((counts > 0).astype(np.float64)), Y


def rakeld_partition(n_labels, random_state=0):
    """The disjoint labelsets skmml's RAkELd draws with this random_state."""
    rng = np.random.RandomState(random_state)
    n_parts = -(-n_labels // LABELSET_SIZE)
    return [np.sort(p) for p in np.array_split(rng.permutation(n_labels), n_parts)]


# ------------------------------------------------------------------ methods
def _skmml(kind, **params):
    from skmml.svm import LabelPowersetWeightedSVC, RandomLabelsetsWeightedSVC

    if kind == "lp":
        return LabelPowersetWeightedSVC(**params)
    return RandomLabelsetsWeightedSVC(
        labelset_size=LABELSET_SIZE, random_state=0, **params
    )


def _skmultilearn_partition(base, n_labels):
    """scikit-multilearn's RakelD machinery on skmml's RAkELd partition."""
    from sklearn.svm import SVC, LinearSVC
    from skmultilearn.cluster import FixedLabelSpaceClusterer
    from skmultilearn.ensemble import LabelSpacePartitioningClassifier
    from skmultilearn.problem_transform import LabelPowerset

    svc = base == "svc"
    return LabelSpacePartitioningClassifier(
        # libsvm gets dense X, as skmml's libsvm runs convert the test X
        classifier=LabelPowerset(
            SVC(kernel="linear") if svc else LinearSVC(), require_dense=[svc, True]
        ),
        clusterer=FixedLabelSpaceClusterer(
            clusters=[p.tolist() for p in rakeld_partition(n_labels)]
        ),
    )


# name -> (library, description, builder(n_labels))
METHODS = {
    "lp_liblinear": (
        "skmml",
        "LabelPowersetWeightedSVC(solver='liblinear'), full powerset",
        lambda L: _skmml("lp", solver="liblinear"),
    ),
    "rakeld_liblinear": (
        "skmml",
        "RandomLabelsetsWeightedSVC(solver='liblinear'), RAkELd k=3",
        lambda L: _skmml("rakel", solver="liblinear"),
    ),
    "skmultilearn_rakeld_linearsvc": (
        "scikit-multilearn",
        "RakelD(LinearSVC(), labelset_size=3)",
        lambda L: _skmultilearn_rakeld(),
    ),
    "skmultilearn_partition_linearsvc": (
        "scikit-multilearn",
        "LabelSpacePartitioning(LabelPowerset(LinearSVC())), same partition",
        lambda L: _skmultilearn_partition("linearsvc", L),
    ),
    "rakeld_liblinear_unweighted": (
        "skmml",
        "RandomLabelsetsWeightedSVC(solver='liblinear', class_weight=None)",
        lambda L: _skmml("rakel", solver="liblinear", class_weight=None),
    ),
    "rakeld_liblinear_dual": (
        "skmml",
        "RandomLabelsetsWeightedSVC(solver='liblinear', dual=True)",
        lambda L: _skmml("rakel", solver="liblinear", dual=True),
    ),
    "ovr_linearsvc": (
        "scikit-learn",
        "OneVsRestClassifier(LinearSVC())",
        lambda L: _ovr(),
    ),
    "rakelo_liblinear": (
        "skmml",
        "RandomLabelsetsWeightedSVC(solver='liblinear', "
        "labelset_mode='overlapping'), RAkELo k=3 m=2L",
        lambda L: _skmml("rakel", solver="liblinear", labelset_mode="overlapping"),
    ),
    "rakelo_liblinear_dual": (
        "skmml",
        "RandomLabelsetsWeightedSVC(solver='liblinear', dual=True, "
        "labelset_mode='overlapping')",
        lambda L: _skmml(
            "rakel", solver="liblinear", dual=True, labelset_mode="overlapping"
        ),
    ),
    "rakeld_libsvm": (
        "skmml",
        "RandomLabelsetsWeightedSVC(), RAkELd k=3, libsvm",
        lambda L: _skmml("rakel"),
    ),
    "skmultilearn_partition_svc": (
        "scikit-multilearn",
        "LabelSpacePartitioning(LabelPowerset(SVC(kernel='linear'))), same partition",
        lambda L: _skmultilearn_partition("svc", L),
    ),
    "lp_libsvm": (
        "skmml",
        "LabelPowersetWeightedSVC(), full powerset, libsvm",
        lambda L: _skmml("lp"),
    ),
}


def _ovr():
    from sklearn.multiclass import OneVsRestClassifier
    from sklearn.svm import LinearSVC

    return OneVsRestClassifier(LinearSVC())


def _skmultilearn_rakeld():
    from sklearn.svm import LinearSVC
    from skmultilearn.ensemble import RakelD

    return RakelD(
        base_classifier=LinearSVC(),
        base_classifier_require_dense=[False, True],
        labelset_size=LABELSET_SIZE,
    )


# ------------------------------------------------------------------ running
def _peak_rss_mib():
    """Peak resident memory of this process, MiB.

    Linux keeps ``ru_maxrss`` across the fork + exec that starts a spawned
    worker (it would report the parent's peak), so read the high-water mark
    of this process's own memory, ``VmHWM``, where there is one.
    """
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 2**10  # kB
    except OSError:
        pass
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return rss / (2**20 if sys.platform == "darwin" else 2**10)


def _worker(conn, data_path, method):
    """Fit and predict one method on the saved split; send the numbers."""
    from skmml.metrics import macro_f1, micro_f1

    data = np.load(data_path)
    X_train = sp.csr_matrix(
        (data["tr_data"], data["tr_indices"], data["tr_indptr"]),
        shape=tuple(data["tr_shape"]),
    )
    X_test = sp.csr_matrix(
        (data["te_data"], data["te_indices"], data["te_indptr"]),
        shape=tuple(data["te_shape"]),
    )
    Y_train, Y_test = data["Y_train"], data["Y_test"]
    out = {"status": "ok"}
    try:
        est = METHODS[method][2](Y_train.shape[1])
        with warnings.catch_warnings():
            # liblinear's ConvergenceWarnings and the peer's old idioms
            warnings.simplefilter("ignore")
            start = time.perf_counter()
            est.fit(X_train, Y_train)
            out["fit_s"] = time.perf_counter() - start
            start = time.perf_counter()
            pred = est.predict(X_test)
            out["predict_s"] = time.perf_counter() - start
        pred = pred.toarray() if sp.issparse(pred) else np.asarray(pred)
        out["fit_predict_s"] = out["fit_s"] + out["predict_s"]
        out["micro_f1"] = float(micro_f1(Y_test, pred))
        out["macro_f1"] = float(macro_f1(Y_test, pred))
        if hasattr(est, "labelsets_") and "rakeld" in method:
            partition = rakeld_partition(Y_train.shape[1])
            out["same_partition_as_peer"] = all(
                np.array_equal(a, b)
                for a, b in zip(est.labelsets_, partition, strict=True)
            )
        if hasattr(est, "label_combinations_"):
            out["n_combinations"] = len(est.label_combinations_)
    except Exception as exc:  # noqa: BLE001 - the peer's failure is a result
        out = {"status": "error", "error": f"{type(exc).__name__}: {exc}"}
    out["peak_rss_mib"] = _peak_rss_mib()
    conn.send(out)
    conn.close()


def run_capped(data_path, method, cap):
    """Run ``_worker`` in a fresh process; stop it after ``cap`` seconds."""
    ctx = multiprocessing.get_context("spawn")
    parent, child = ctx.Pipe(duplex=False)
    proc = ctx.Process(target=_worker, args=(child, str(data_path), method))
    start = time.perf_counter()
    proc.start()
    child.close()
    if parent.poll(cap):
        try:
            result = parent.recv()
        except EOFError:
            result = {"status": "error", "error": "worker died (out of memory?)"}
    else:
        result = {"status": "timeout", "cap_s": cap}
        proc.kill()
    proc.join()
    result["wall_s"] = time.perf_counter() - start  # with start-up and load
    return result


def describe(X, Y, Y_train):
    freq = Y.sum(axis=0)
    return {
        "shape": list(X.shape),
        "n_labels": Y.shape[1],
        "nnz_per_row": X.nnz / X.shape[0],
        "label_cardinality": float(Y.sum(axis=1).mean()),
        "distinct_combinations": int(len(np.unique(Y, axis=0))),
        "distinct_combinations_train": int(len(np.unique(Y_train, axis=0))),
        "label_frequency_max_median_min": [
            int(freq.max()),
            float(np.median(freq)),
            int(freq.min()),
        ],
        "labels_under_10_samples": int((freq < 10).sum()),
        "train_labels_never_positive": int((Y_train.sum(axis=0) == 0).sum()),
    }


def _cell(res, key, fmt):
    return fmt.format(res[key]) if res.get("status") == "ok" else "-"


def bench_dataset(name, methods, cap, workdir):
    from skmml.model_selection import multilabel_train_test_split

    X, Y = make_bow_multilabel(**DATASETS[name])
    X_train, X_test, Y_train, Y_test = multilabel_train_test_split(
        X, Y, test_size=0.25, random_state=0
    )
    info = describe(X, Y, Y_train)
    K = info["distinct_combinations_train"]
    info["full_powerset_ovo_problems"] = K * (K - 1) // 2
    print(
        f"\n== {name}: X {info['shape']} ({info['nnz_per_row']:.1f} nonzeros/row), "
        f"{info['n_labels']} labels, cardinality {info['label_cardinality']:.2f}, "
        f"{info['distinct_combinations']} combinations ({K} in the training part: "
        f"{info['full_powerset_ovo_problems']} one-vs-one pairs)"
    )
    path = Path(workdir) / f"{name}.npz"
    np.savez(
        path,
        tr_data=X_train.data,
        tr_indices=X_train.indices,
        tr_indptr=X_train.indptr,
        tr_shape=X_train.shape,
        te_data=X_test.data,
        te_indices=X_test.indices,
        te_indptr=X_test.indptr,
        te_shape=X_test.shape,
        Y_train=Y_train,
        Y_test=Y_test,
    )
    rows = {}
    header = (
        f"{'method':34s} {'fit s':>8s} {'pred s':>7s} {'micro':>6s} "
        f"{'macro':>6s} {'RSS MiB':>8s}"
    )
    print(header)
    for method in methods:
        res = run_capped(path, method, cap)
        res["library"], res["description"] = METHODS[method][:2]
        rows[method] = res
        line = (
            f"{method:34s} {_cell(res, 'fit_s', '{:8.2f}'):>8s} "
            f"{_cell(res, 'predict_s', '{:7.2f}'):>7s} "
            f"{_cell(res, 'micro_f1', '{:6.4f}'):>6s} "
            f"{_cell(res, 'macro_f1', '{:6.4f}'):>6s} "
            f"{res.get('peak_rss_mib', float('nan')):8.0f}"
        )
        if res["status"] == "timeout":
            line += f"  stopped after {cap:.0f} s"
        elif res["status"] == "error":
            line += f"  {res['error'][:150]}"
        print(line, flush=True)
    return {"data": info, "methods": rows, "ratios": ratios(rows)}


# (ours, reference) pairs whose fit+predict time ratio and F1 gaps are reported
RATIO_PAIRS = [
    ("rakeld_liblinear", "skmultilearn_partition_linearsvc"),
    ("rakeld_liblinear_dual", "skmultilearn_partition_linearsvc"),
    ("rakeld_liblinear_unweighted", "skmultilearn_partition_linearsvc"),
    ("rakeld_libsvm", "skmultilearn_partition_svc"),
    ("rakeld_liblinear", "ovr_linearsvc"),
    ("rakeld_liblinear_dual", "ovr_linearsvc"),
    ("rakelo_liblinear", "ovr_linearsvc"),
    ("rakelo_liblinear_dual", "ovr_linearsvc"),
    ("rakeld_libsvm", "ovr_linearsvc"),
    ("rakeld_liblinear", "lp_liblinear"),
    ("rakeld_liblinear_dual", "lp_liblinear"),
    ("rakeld_libsvm", "lp_libsvm"),
]


def ratios(rows):
    out = {}
    print("ratios (fit+predict time ours/reference; F1 ours - reference):")
    for ours, ref in RATIO_PAIRS:
        a, b = rows.get(ours, {}), rows.get(ref, {})
        if a.get("status") != "ok":
            continue
        key = f"{ours}/{ref}"
        if b.get("status") != "ok":
            why = b.get("status", "not run")
            out[key] = {"reference": why}
            print(f"    {key:62s} reference {why}")
            continue
        out[key] = {
            "time_ratio": a["fit_predict_s"] / b["fit_predict_s"],
            "micro_f1_diff": a["micro_f1"] - b["micro_f1"],
            "macro_f1_diff": a["macro_f1"] - b["macro_f1"],
        }
        r = out[key]
        print(
            f"    {key:62s} time {r['time_ratio']:6.2f}x  micro "
            f"{r['micro_f1_diff']:+.4f}  macro {r['macro_f1_diff']:+.4f}"
        )
    return out


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--cap", type=float, default=300, help="seconds per method (default 300)"
    )
    parser.add_argument("--datasets", default="enron,corel5k")
    parser.add_argument("--methods", default=",".join(METHODS))
    add_json_argument(parser, "bench_label_powerset_many_labels")
    args = parser.parse_args()
    try:
        import skmultilearn  # noqa: F401
    except ImportError:
        raise SystemExit(
            "scikit-multilearn is needed: pip install 'skmml[benchmark]'"
        ) from None
    methods = [m for m in args.methods.split(",") if m]
    unknown = set(methods) - set(METHODS)
    if unknown:
        raise SystemExit(f"unknown methods {sorted(unknown)}; known: {list(METHODS)}")
    results = {"cap_s": args.cap, "labelset_size": LABELSET_SIZE, "datasets": {}}
    with tempfile.TemporaryDirectory() as workdir:
        for name in args.datasets.split(","):
            results["datasets"][name] = bench_dataset(name, methods, args.cap, workdir)
    write_results("bench_label_powerset_many_labels", results, path=args.json)


if __name__ == "__main__":
    main()
