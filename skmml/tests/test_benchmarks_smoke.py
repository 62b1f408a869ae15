"""Smoke tests of the benchmark helpers (tiny sizes; no timing assertions)."""

import json
import sys
from pathlib import Path

import numpy as np
import pytest

BENCH_DIR = Path(__file__).resolve().parents[2] / "benchmarks"
pytestmark = pytest.mark.skipif(
    not (BENCH_DIR / "_common.py").exists(), reason="needs a source checkout"
)


@pytest.fixture(scope="module")
def bench_path():
    sys.path.insert(0, str(BENCH_DIR))
    yield
    sys.path.remove(str(BENCH_DIR))


def test_write_results_and_peak_memory(bench_path, tmp_path):
    from _common import peak_memory, write_results

    result, peak = peak_memory(np.ones, (100, 100))
    assert result.shape == (100, 100)
    assert peak >= result.nbytes
    path = write_results(
        "smoke", {"x": np.float64(0.5), "a": np.arange(2)}, path=tmp_path / "s.json"
    )
    payload = json.loads(path.read_text())
    assert payload["results"] == {"x": 0.5, "a": [0, 1]}
    assert {"date", "platform", "cpu_count", "python", "versions"} <= set(
        payload["machine"]
    )


def test_fold_deviations_match_reference(bench_path):
    # the Gram-matrix deviations of bench_rows equal the reference definitions
    from bench_iterative_stratification import deviations, long_tailed_labels
    from bench_rows import fold_deviations

    Y = long_tailed_labels(300, 6, seed=1)
    fold_of = np.random.RandomState(0).randint(0, 3, size=300)
    ours, ref = fold_deviations(Y, fold_of, 3), deviations(Y, fold_of, 3)
    assert ours.keys() == ref.keys()
    for key in ref:
        assert ours[key] == pytest.approx(ref[key], rel=1e-12, abs=1e-15)


def test_bench_rows_quick(bench_path, tmp_path):
    from bench_rows import main

    path = main(
        ["--quick", "--only", "metrics,concat", "--repeat", "1"]
        + ["--json", str(tmp_path / "rows.json")]
    )
    results = json.loads(path.read_text())["results"]
    for row in results["metrics"]["rows"]:
        assert row["max_abs_diff"] < 1e-12, row["metric"]
    assert len(results["concat"]["rows"]) == 3


def test_bench_imbalance_defaults_quick(bench_path, tmp_path):
    from bench_imbalance_defaults import main

    path = main(
        ["--quick", "--models", "RMLC", "OvR-LR", "--json", str(tmp_path / "i.json")]
    )
    result = json.loads(path.read_text())["results"]["gen20"]
    assert set(result["summary"]) == {"RMLC", "RMLC+tuner", "OvR-LR", "OvR-LR+tuner"}
    assert result["checks"]["tuner_objective"] == "macro_f1"
