"""Tests of skmml.metrics.label_imbalance_report (Charte et al. measures)."""

import math
import pickle
from pathlib import Path

import numpy as np
import pytest
import scipy.sparse as sp

from skmml.metrics import LabelImbalanceReport, label_imbalance_report

# 5 samples, 4 labels: label 2 never positive, sample 3 has no label
Y_SMALL = np.array(
    [
        [1, 0, 0, 1],
        [1, 1, 0, 0],
        [1, 0, 0, 0],
        [0, 0, 0, 0],
        [1, 1, 0, 1],
    ]
)
# hand-computed: counts (4, 2, 0, 2) -> IRLbl (1, 2, inf, 2)
S_PAIR = 1 - math.sqrt(1 * 2) / ((1 + 2) / 2)  # samples 0 and 1
S_TRIPLE = 1 - (1 * 2 * 2) ** (1 / 3) / ((1 + 2 + 2) / 3)  # sample 4
MEAN_IR = (1 + 2 + 2) / 3
CVIR = math.sqrt(((1 - MEAN_IR) ** 2 + 2 * (2 - MEAN_IR) ** 2) / 2) / MEAN_IR

YEAST = Path(__file__).resolve().parents[4] / "shared" / "datasets" / "yeast"


def test_hand_computed_measures():
    r = label_imbalance_report(Y_SMALL)
    assert r.n_samples == 5 and r.n_labels == 4
    np.testing.assert_array_equal(r.label_counts, [4, 2, 0, 2])
    np.testing.assert_array_equal(r.irlbl, [1.0, 2.0, np.inf, 2.0])
    # the label without positives is left out of MeanIR, MaxIR and CVIR
    assert r.mean_ir == pytest.approx(5 / 3)
    assert r.max_ir == 2.0
    assert r.cvir == pytest.approx(CVIR)
    assert r.cvir == pytest.approx(math.sqrt(1 / 3) / (5 / 3))
    assert S_PAIR == pytest.approx(0.0571909584)
    assert r.scumble == pytest.approx((2 * S_PAIR + S_TRIPLE) / 5)
    np.testing.assert_allclose(
        r.label_scumble,
        [
            (2 * S_PAIR + 0 + S_TRIPLE) / 4,
            (S_PAIR + S_TRIPLE) / 2,
            np.nan,
            (S_PAIR + S_TRIPLE) / 2,
        ],
    )
    assert r.cardinality == pytest.approx(8 / 5)
    assert r.density == pytest.approx(8 / 20)
    assert r.n_labelsets == 5


def test_docstring_example_values():
    Y = [[1, 1, 0], [1, 0, 0], [1, 1, 1], [1, 0, 0]]
    r = label_imbalance_report(Y)
    np.testing.assert_array_equal(r.irlbl, [1, 2, 4])
    assert r.mean_ir == pytest.approx(7 / 3)
    assert r.max_ir == 4.0
    # sqrt(((1-7/3)^2 + (2-7/3)^2 + (4-7/3)^2) / 2) = sqrt(21/9)
    assert r.cvir == pytest.approx(math.sqrt(21 / 9) / (7 / 3))
    # rows: {1,2} -> 1 - sqrt(2)/1.5 ; {1} -> 0 ; {1,2,4} -> 1 - 2/(7/3)
    scumble = [1 - math.sqrt(2) / 1.5, 0.0, 1 - 6 / 7, 0.0]
    assert r.scumble == pytest.approx(np.mean(scumble))
    np.testing.assert_allclose(
        r.label_scumble,
        [np.mean(scumble), (scumble[0] + scumble[2]) / 2, scumble[2]],
    )
    assert r.cardinality == pytest.approx(1.75)
    assert r.n_labelsets == 3


def test_scumble_zero_for_single_label_and_equal_ir_rows():
    # every sample has one label, or labels with the same IRLbl -> no spread
    Y = np.array([[1, 0, 0], [0, 1, 0], [0, 0, 1], [1, 1, 0], [1, 1, 1]])
    r = label_imbalance_report(Y)
    np.testing.assert_array_equal(r.label_counts, [3, 3, 2])
    # only the last row mixes IRLbl 1, 1, 1.5
    expected_last = 1 - (1.5 ** (1 / 3)) / (3.5 / 3)
    assert r.scumble == pytest.approx(expected_last / 5)
    assert r.scumble > 0


def test_sparse_and_bool_inputs_give_the_same_report():
    dense = label_imbalance_report(Y_SMALL)
    for Y in (sp.csr_matrix(Y_SMALL), sp.csc_matrix(Y_SMALL), Y_SMALL.astype(bool)):
        other = label_imbalance_report(Y)
        for name in ("irlbl", "label_scumble", "label_counts"):
            np.testing.assert_array_equal(getattr(other, name), getattr(dense, name))
        assert other.summary() == pytest.approx(dense.summary(), nan_ok=True)


def test_input_not_modified():
    Y = Y_SMALL.copy()
    label_imbalance_report(Y)
    np.testing.assert_array_equal(Y, Y_SMALL)


def test_groups_quantile_default_and_count():
    r = label_imbalance_report(Y_SMALL)
    # counts (4, 2, 0, 2): mid-ranks (4, 2.5, 1, 2.5) -> q = (.875, .5, .125, .5)
    np.testing.assert_array_equal(r.label_groups, ["head", "medium", "tail", "medium"])
    assert r.grouping == "quantile"
    assert r.thresholds == pytest.approx((1 / 3, 2 / 3))
    r = label_imbalance_report(Y_SMALL, grouping="count", thresholds=(1, 3))
    np.testing.assert_array_equal(r.label_groups, ["head", "medium", "tail", "medium"])
    r = label_imbalance_report(Y_SMALL, grouping="count")
    # defaults (20, 100): everything is tail on 5 samples
    assert set(r.label_groups) == {"tail"}
    assert r.thresholds == (20.0, 100.0)


def test_degenerate_label_sets():
    # single label: no spread, CVIR undefined
    r = label_imbalance_report([[1], [0], [1]])
    assert r.mean_ir == 1.0 and r.max_ir == 1.0
    assert math.isnan(r.cvir)
    assert r.scumble == 0.0
    # no positive at all: the IR measures are undefined, nothing crashes
    r = label_imbalance_report(np.zeros((3, 2), dtype=int))
    assert math.isnan(r.mean_ir) and math.isnan(r.max_ir) and math.isnan(r.cvir)
    assert r.scumble == 0.0 and r.cardinality == 0.0
    assert np.all(np.isinf(r.irlbl)) and np.all(np.isnan(r.label_scumble))
    assert "nan" in r.to_text()


def test_text_form():
    r = label_imbalance_report(Y_SMALL, label_names=["alpha", "b", "c", "d"])
    text = r.to_text()
    assert str(r) == text
    lines = text.splitlines()
    assert lines[0] == "Label imbalance: 5 samples, 4 labels, 5 distinct label sets"
    assert "MeanIR 1.667  MaxIR 2.000  CVIR 0.346  SCUMBLE 0.032" in text
    assert "head 1, medium 2, tail 1" in text
    row = next(line for line in lines if line.startswith("alpha"))
    assert row.split() == ["alpha", "4", "0.800", "1.000", "0.040", "head"]
    assert "inf" in next(line for line in lines if line.startswith("c "))
    assert "0.04049" in r.to_text(digits=5)
    assert repr(r).startswith("LabelImbalanceReport(n_samples=5, n_labels=4")


def test_frame_form():
    pytest.importorskip("pandas")
    r = label_imbalance_report(Y_SMALL, label_names=["a", "b", "c", "d"])
    frame = r.to_frame()
    assert list(frame.index) == ["a", "b", "c", "d"]
    assert frame.index.name == "label"
    assert list(frame.columns) == [
        "positives",
        "frequency",
        "irlbl",
        "scumble",
        "group",
    ]
    np.testing.assert_allclose(frame["frequency"], [0.8, 0.4, 0.0, 0.4])
    np.testing.assert_allclose(frame["irlbl"], r.irlbl)
    assert frame.loc["a", "group"] == "head"
    summary = r.summary()
    assert summary["n_head"] == 1 and summary["n_medium"] == 2
    assert summary["mean_ir"] == pytest.approx(5 / 3)


def test_default_label_names_and_pickle():
    r = label_imbalance_report(Y_SMALL)
    assert r.label_names == ["0", "1", "2", "3"]
    assert isinstance(r, LabelImbalanceReport)
    again = pickle.loads(pickle.dumps(r))
    assert again.to_text() == r.to_text()


@pytest.mark.parametrize(
    "kwargs, match",
    [
        ({"label_names": ["a"]}, "label_names has 1 name"),
        ({"label_names": "abcd"}, "label_names must be a sequence"),
        ({"grouping": "percent"}, "grouping must be one of"),
        ({"thresholds": (0.8, 0.2)}, "must not exceed"),
        ({"thresholds": (0.2, 1.5)}, "fractions"),
        ({"thresholds": 0.5}, "pair"),
        ({"grouping": "count", "thresholds": (-1, 5)}, "non-negative"),
        ({"thresholds": (0.1, float("nan"))}, "finite"),
    ],
)
def test_bad_parameters(kwargs, match):
    with pytest.raises(ValueError, match=match):
        label_imbalance_report(Y_SMALL, **kwargs)


@pytest.mark.parametrize(
    "Y, match",
    [
        ([0, 1, 1], "2-D"),
        ([[0, 2]], "0/1"),
        (np.zeros((0, 3)), "minimum of 1"),
    ],
)
def test_bad_label_matrix(Y, match):
    with pytest.raises(ValueError, match=match):
        label_imbalance_report(Y)


@pytest.mark.skipif(not YEAST.exists(), reason="shared datasets not available")
def test_yeast_matches_published_values():
    from skmml.datasets import load_mulan_arff

    bunch = load_mulan_arff(YEAST / "yeast.arff", YEAST / "yeast.xml")
    r = label_imbalance_report(bunch.target)
    # values published for yeast by Charte et al. (MaxIR = 1816 / 34)
    assert r.max_ir == pytest.approx(53.41, abs=0.01)
    assert r.mean_ir == pytest.approx(7.197, abs=0.001)
    assert r.cvir == pytest.approx(1.884, abs=0.001)
    assert r.scumble == pytest.approx(0.104, abs=0.001)
    assert r.cardinality == pytest.approx(4.237, abs=0.001)
