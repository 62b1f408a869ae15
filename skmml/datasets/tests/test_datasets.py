"""Tests of skmml.datasets: synthetic generators and the MULAN ARFF loader."""

import itertools
import pickle
from pathlib import Path

import numpy as np
import pytest
import scipy.sparse as sp
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import f1_score
from sklearn.model_selection import train_test_split
from sklearn.multiclass import OneVsRestClassifier
from threadpoolctl import threadpool_limits

from skmml.datasets import (
    load_mulan_arff,
    make_disaster_like,
    make_multimodal_multilabel,
)

DISASTER_COUNTS = [150, 338, 971, 273, 371, 311, 811]
SHARED = Path(__file__).resolve().parents[4] / "shared" / "datasets"


def _micro_f1_by_modalities(X, Y, modalities, seed=0):
    """Micro-F1 of OneVsRest logistic regression on every modality subset."""
    X_tr, X_te, Y_tr, Y_te = train_test_split(X, Y, test_size=0.3, random_state=seed)
    scores, per_label = {}, {}
    names = list(modalities)
    combos = [
        c for r in range(1, len(names) + 1) for c in itertools.combinations(names, r)
    ]
    for combo in combos:
        cols = [c for name in combo for c in modalities[name]]
        clf = OneVsRestClassifier(LogisticRegression(max_iter=1000))
        # one BLAS thread: far faster than oversubscribed threads on small data
        with threadpool_limits(limits=1):
            pred = clf.fit(X_tr[:, cols], Y_tr).predict(X_te[:, cols])
        key = "+".join(combo)
        scores[key] = f1_score(Y_te, pred, average="micro")
        per_label[key] = f1_score(Y_te, pred, average=None, zero_division=0)
    return scores, per_label


# --------------------------------------------------------------------------
# make_multimodal_multilabel


def test_multimodal_shapes_layout_and_dtypes():
    X, Y, modalities = make_multimodal_multilabel(
        50, modality_dims={"img": 3, "txt": 2, "aud": 4}, n_labels=3, random_state=0
    )
    assert X.shape == (50, 9) and X.dtype == np.float64
    assert Y.shape == (50, 3) and Y.dtype == np.int64
    assert modalities == {"img": [0, 1, 2], "txt": [3, 4], "aud": [5, 6, 7, 8]}
    assert set(np.unique(Y)) <= {0, 1}


def test_multimodal_sequence_dims_are_named():
    _, _, modalities = make_multimodal_multilabel(
        10, modality_dims=[2, 1], n_labels=2, random_state=0
    )
    assert modalities == {"m0": [0, 1], "m1": [2]}


def test_multimodal_default_long_tail_counts_are_exact():
    # p_j = 0.3 * j ** -1 -> 60, 30, 20, 15 positives out of 200
    _, Y, _ = make_multimodal_multilabel(200, n_labels=4, random_state=1)
    np.testing.assert_array_equal(Y.sum(axis=0), [60, 30, 20, 15])
    # exponent 2: 0.3 * 200 / j**2 -> 60, 15, 6.67 -> 7, 3.75 -> 4
    _, Y, _ = make_multimodal_multilabel(200, n_labels=4, imbalance=2, random_state=1)
    np.testing.assert_array_equal(Y.sum(axis=0), [60, 15, 7, 4])
    _, Y, _ = make_multimodal_multilabel(200, n_labels=4, imbalance=0, random_state=1)
    np.testing.assert_array_equal(Y.sum(axis=0), [60, 60, 60, 60])


def test_multimodal_explicit_frequencies_and_no_empty_label():
    _, Y, _ = make_multimodal_multilabel(
        100, n_labels=3, label_frequencies=[0.5, 0.123, 0.0001], random_state=0
    )
    # 0.0001 * 100 rounds to 0 but every label keeps one positive
    np.testing.assert_array_equal(Y.sum(axis=0), [50, 12, 1])


def test_multimodal_is_deterministic_under_random_state():
    a = make_multimodal_multilabel(40, random_state=3)
    b = make_multimodal_multilabel(40, random_state=3)
    c = make_multimodal_multilabel(40, random_state=4)
    np.testing.assert_array_equal(a[0], b[0])
    np.testing.assert_array_equal(a[1], b[1])
    assert not np.allclose(a[0], c[0])
    rs = np.random.RandomState(3)
    d = make_multimodal_multilabel(40, random_state=rs)
    assert d[0].shape == a[0].shape


def test_multimodal_follows_the_feature_equation():
    # With tiny noise x^(m) = y * v_m * w_m, with ||w_m|| = 1: the row norm
    # is v_m for positives and 0 for negatives.
    X, Y, modalities = make_multimodal_multilabel(
        30,
        modality_dims={"a": 3, "b": 2},
        n_labels=1,
        label_frequencies=[0.4],
        informativeness=[[2.0], [0.0]],
        noise=1e-12,
        random_state=0,
    )
    norms_a = np.linalg.norm(X[:, modalities["a"]], axis=1)
    norms_b = np.linalg.norm(X[:, modalities["b"]], axis=1)
    np.testing.assert_allclose(norms_a, 2.0 * Y[:, 0], atol=1e-9)
    np.testing.assert_allclose(norms_b, 0.0, atol=1e-9)
    assert Y.sum() == 12


def test_multimodal_informativeness_per_modality_scales_default_pattern():
    kwargs = dict(modality_dims=(4, 4), n_labels=2, noise=1e-12, random_state=5)
    X, Y, mods = make_multimodal_multilabel(30, informativeness=[1.0, 0.0], **kwargs)
    # the second modality carries no signal at all
    np.testing.assert_allclose(X[:, mods["m1"]], 0.0, atol=1e-9)
    X_dict, _, _ = make_multimodal_multilabel(
        30, informativeness={"m0": 1.0, "m1": 0.0}, **kwargs
    )
    np.testing.assert_array_equal(X, X_dict)


def test_multimodal_label_correlation():
    def mean_phi(Y):
        c = np.corrcoef(Y.T)
        return c[np.triu_indices_from(c, 1)].mean()

    kwargs = dict(n_labels=4, imbalance=0, random_state=0)
    _, Y0, _ = make_multimodal_multilabel(2000, label_correlation=0.0, **kwargs)
    _, Y8, _ = make_multimodal_multilabel(2000, label_correlation=0.8, **kwargs)
    assert abs(mean_phi(Y0)) < 0.05
    assert mean_phi(Y8) > 0.3
    corr = np.array([[1.0, -0.9], [-0.9, 1.0]])
    _, Y, _ = make_multimodal_multilabel(
        2000, n_labels=2, imbalance=0, label_correlation=corr, random_state=0
    )
    assert np.corrcoef(Y.T)[0, 1] < -0.4


def test_multimodal_as_frame():
    pytest.importorskip("pandas")
    X, Y, mods = make_multimodal_multilabel(
        20, modality_dims={"img": 2, "txt": 1}, n_labels=2, random_state=0
    )
    Xf, Yf, mods_f = make_multimodal_multilabel(
        20,
        modality_dims={"img": 2, "txt": 1},
        n_labels=2,
        as_frame=True,
        random_state=0,
    )
    assert list(Xf.columns) == ["img__f0", "img__f1", "txt__f0"]
    assert list(Yf.columns) == ["label0", "label1"]
    np.testing.assert_array_equal(Xf.to_numpy(), X)
    np.testing.assert_array_equal(Yf.to_numpy(), Y)
    assert mods_f == mods
    assert list(Xf.columns[mods["txt"]]) == ["txt__f0"]


def test_multimodal_fusion_beats_every_single_modality():
    X, Y, modalities = make_multimodal_multilabel(600, random_state=0)
    assert Y.sum(axis=0).min() > 0
    scores, _ = _micro_f1_by_modalities(X, Y, modalities)
    best_single = max(scores[name] for name in modalities)
    assert scores["m0+m1+m2"] > best_single + 0.1


@pytest.mark.parametrize(
    "kwargs, match",
    [
        ({"n_samples": 0}, "n_samples must be an integer >= 1"),
        ({"n_samples": 10.0}, "n_samples must be an integer"),
        ({"n_labels": 0}, "n_labels must be an integer >= 1"),
        ({"modality_dims": {}}, "at least one modality"),
        ({"modality_dims": 5}, "modality_dims must be a dict"),
        ({"modality_dims": {"a": 0}}, r"modality_dims\['a'\] must be an integer"),
        ({"modality_dims": {"a__b": 2}}, "modality_dims: .*'a__b'.*without '__'"),
        ({"label_frequencies": [0.1, 0.2]}, "label_frequencies must be a 1-D"),
        ({"label_frequencies": [0.1] * 5 + [0.0]}, r"must lie in \(0, 1\]"),
        ({"label_frequencies": [0.1] * 5 + [1.5]}, r"must lie in \(0, 1\]"),
        ({"imbalance": -1.0}, "imbalance must be a finite number"),
        ({"label_correlation": 1.0}, "label_correlation must be a finite"),
        ({"label_correlation": -0.2}, "label_correlation must be a finite"),
        ({"label_correlation": np.eye(3)}, "shape \\(n_labels, n_labels\\)"),
        ({"label_correlation": 2 * np.eye(6)}, "unit diagonal"),
        ({"label_correlation": np.full((6, 6), -0.5) + 1.5 * np.eye(6)}, "semi-def"),
        ({"informativeness": np.ones((2, 6))}, "informativeness must have shape"),
        ({"informativeness": -np.ones((3, 6))}, "finite values >= 0"),
        ({"informativeness": {"m0": 1, "zz": 1}}, "unknown modality"),
        ({"informativeness": {"m0": 1}}, "missing"),
        ({"noise": 0.0}, "noise must be a finite number in \\(0"),
    ],
)
def test_multimodal_bad_arguments(kwargs, match):
    with pytest.raises(ValueError, match=match):
        make_multimodal_multilabel(**{"n_samples": 20, **kwargs})


# --------------------------------------------------------------------------
# make_disaster_like


def test_disaster_counts_layout_and_names():
    pytest.importorskip("pandas")
    X, Y, modalities = make_disaster_like(random_state=0)
    assert X.shape == (1540, 384)
    np.testing.assert_array_equal(Y.sum(axis=0), DISASTER_COUNTS)
    assert Y.sum() == 3225
    assert list(modalities) == ["visual", "audio", "text"]
    assert [len(c) for c in modalities.values()] == [128, 128, 128]
    assert modalities["text"] == list(range(256, 384))
    Xf, Yf, _ = make_disaster_like(random_state=0, as_frame=True)
    assert list(Yf.columns) == [
        "demo",
        "emergency_response",
        "flood_storm",
        "human_relief",
        "damage",
        "victim",
        "speak_briefing_interview",
    ]
    assert Xf.columns[0] == "visual__f0" and Xf.columns[-1] == "text__f127"
    np.testing.assert_array_equal(Xf.to_numpy(), X)


def test_disaster_scaling_dims_and_determinism():
    _, Y, _ = make_disaster_like(3080, random_state=0)
    np.testing.assert_array_equal(Y.sum(axis=0), 2 * np.array(DISASTER_COUNTS))
    _, Y, _ = make_disaster_like(154, random_state=0)
    np.testing.assert_array_equal(Y.sum(axis=0), [15, 34, 97, 27, 37, 31, 81])
    _, Y, _ = make_disaster_like(3, random_state=0)
    assert Y.sum(axis=0).min() == 1
    X, _, mods = make_disaster_like(
        50, modality_dims={"visual": 4, "audio": 2, "text": 3}, random_state=0
    )
    assert X.shape == (50, 9) and mods["audio"] == [4, 5]
    a = make_disaster_like(100, modality_dims=8, random_state=1)
    b = make_disaster_like(100, modality_dims=8, random_state=1)
    np.testing.assert_array_equal(a[0], b[0])
    np.testing.assert_array_equal(a[1], b[1])


@pytest.mark.parametrize(
    "kwargs, match",
    [
        ({"n_samples": 0}, "n_samples"),
        ({"modality_dims": {"visual": 2, "audio": 2}}, "exactly the keys"),
        ({"modality_dims": "128"}, "modality_dims must be an int or a dict"),
        ({"modality_dims": 0}, "must be an integer >= 1"),
        ({"noise": -1}, "noise"),
    ],
)
def test_disaster_bad_arguments(kwargs, match):
    with pytest.raises(ValueError, match=match):
        make_disaster_like(**kwargs)


def test_disaster_reproduces_the_qualitative_picture_of_the_paper():
    X, Y, modalities = make_disaster_like(random_state=0)
    s, per_label = _micro_f1_by_modalities(X, Y, modalities)
    # single modalities: text > visual > audio
    assert s["text"] > s["visual"] + 0.03 > s["audio"] + 0.06
    # audio+text is the best pair, all three are best
    assert s["audio+text"] > max(s["visual+text"], s["visual+audio"]) + 0.02
    assert s["visual+audio+text"] > s["audio+text"] + 0.01
    # audio sees speak and flood, not damage nor human relief; text does
    flood, relief, damage, speak = 2, 3, 4, 6
    assert min(per_label["audio"][[flood, speak]]) > 0.75
    assert max(per_label["audio"][[relief, damage]]) < 0.35
    assert min(per_label["text"][[relief, damage]]) > 0.75


# --------------------------------------------------------------------------
# load_mulan_arff

DENSE_ARFF = """% a comment line
@RELATION 'toy data'

@attribute 'feat one' NUMERIC
@Attribute f2 real
% comment inside the header
@ATTRIBUTE f3 integer
@attribute colour {red, 'dark blue'}
@attribute lab_a {0,1}
@attribute "lab b" {0,1}

@DATA
1.5, 2, 3, red, 1, 0
% comment in the data

-1e-1,?,4,'dark blue',0,1
0,0,0,red,1,1
"""

MULAN_XML = """<?xml version="1.0" encoding="utf-8"?>
<labels xmlns="http://mulan.sourceforge.net/labels">
<label name="lab b"></label>
<label name="lab_a"></label>
</labels>
"""

SPARSE_ARFF = """@relation sparse
@attribute x0 numeric
@attribute x1 numeric
@attribute x2 numeric
@attribute y0 {0,1}
@attribute y1 {0,1}
@data
{0 1.5,3 1}
{}
{1 ?, 2 -2, 4 1}
0, 7, 0, 1, 1
"""


def _write(tmp_path, text, name="data.arff"):
    path = tmp_path / name
    path.write_text(text)
    return path


def test_load_dense_with_xml(tmp_path):
    arff = _write(tmp_path, DENSE_ARFF)
    xml = _write(tmp_path, MULAN_XML, "labels.xml")
    data = load_mulan_arff(arff, xml)
    assert isinstance(data.data, np.ndarray) and data.data.dtype == np.float64
    expected = np.array(
        [[1.5, 2.0, 3.0, 0.0], [-0.1, np.nan, 4.0, 1.0], [0.0, 0.0, 0.0, 0.0]]
    )
    np.testing.assert_array_equal(data.data, expected)
    # labels in attribute order, whatever the XML order
    assert data.target_names == ["lab_a", "lab b"]
    np.testing.assert_array_equal(data.target, [[1, 0], [0, 1], [1, 1]])
    assert data.target.dtype == np.int64
    assert data.feature_names == ["feat one", "f2", "f3", "colour"]
    assert data.modalities is None and data.frame is None


def test_load_dense_with_n_labels_matches_xml(tmp_path):
    arff = _write(tmp_path, DENSE_ARFF)
    xml = _write(tmp_path, MULAN_XML, "labels.xml")
    a = load_mulan_arff(arff, xml)
    X, Y = load_mulan_arff(str(arff), n_labels=2, return_X_y=True)
    np.testing.assert_array_equal(X, a.data)
    np.testing.assert_array_equal(Y, a.target)


def test_load_sparse(tmp_path):
    arff = _write(tmp_path, SPARSE_ARFF)
    data = load_mulan_arff(arff, n_labels=2)
    assert sp.issparse(data.data) and data.data.format == "csr"
    expected = np.array(
        [[1.5, 0, 0], [0, 0, 0], [0, np.nan, -2.0], [0, 7.0, 0]], dtype=float
    )
    np.testing.assert_array_equal(data.data.toarray(), expected)
    np.testing.assert_array_equal(data.target, [[1, 0], [0, 0], [0, 1], [1, 1]])
    assert isinstance(data.target, np.ndarray)
    assert data.feature_names == ["x0", "x1", "x2"]


@pytest.mark.parametrize("missing", [False, True])
def test_load_fast_and_slow_paths_agree(tmp_path, missing):
    # A '?' sends the parser to its slow, per-value path; "1.0" is the
    # declared nominal value "1" on both paths.
    value = "?" if missing else "4"
    dense = (
        "@relation r\n@attribute a numeric\n@attribute b numeric\n"
        f"@attribute y {{0,1}}\n@data\n1, {value}, 1.0\n2,3,0\n"
    )
    sparse = dense.replace(f"1, {value}, 1.0", f"{{0 1, 1 {value}, 2 1.0}}")
    expected_b = np.nan if missing else 4.0
    for text in (dense, sparse):
        X, Y = load_mulan_arff(_write(tmp_path, text), n_labels=1, return_X_y=True)
        X = X.toarray() if sp.issparse(X) else X
        np.testing.assert_array_equal(X, [[1.0, expected_b], [2.0, 3.0]])
        np.testing.assert_array_equal(Y, [[1], [0]])


def test_load_sparse_quoted_values(tmp_path):
    text = (
        "@relation q\n@attribute x numeric\n@attribute c {zero,'a, b'}\n"
        "@attribute y {0,1}\n@data\n{1 'a, b', 2 1}\n{0 2}\n"
    )
    data = load_mulan_arff(_write(tmp_path, text), n_labels=1)
    np.testing.assert_array_equal(data.data.toarray(), [[0, 1], [2, 0]])
    np.testing.assert_array_equal(data.target, [[1], [0]])


def test_load_views(tmp_path):
    arff = _write(tmp_path, DENSE_ARFF)
    data = load_mulan_arff(
        arff, n_labels=2, views={"num": ["feat one", 1], "cat": "col", "rest": None}
    )
    assert data.modalities == {"num": [0, 1], "cat": [3], "rest": [2]}
    assert data.feature_names == ["num__feat one", "num__f2", "rest__f3", "cat__colour"]
    data = load_mulan_arff(arff, n_labels=2, views={"a": slice(0, 2), "b": [-2, -1]})
    assert data.modalities == {"a": [0, 1], "b": [2, 3]}


@pytest.mark.parametrize(
    "views, match",
    [
        ({"a": slice(0, 2)}, "must cover every feature"),
        (
            {"a": slice(0, 3), "b": [2, 3]},
            r"views: modalities overlap: column\(s\) \[2\]",
        ),
        ({"a": ["lab_a"], "b": None}, "not a feature attribute"),
        ({"a": ["nope"], "b": None}, "not a feature attribute"),
        ({"a": "zz", "b": None}, "no feature attribute name starts with"),
        ({"a": None, "b": None}, "only one view may be None"),
        ({"a": [9], "b": None}, "out of range"),
        ({"a": [1.5], "b": None}, "attribute names or int indices"),
        ({"a__x": [0], "b": None}, "without '__'"),
        ({"a": slice(0, 4), "b": None}, "no feature is left"),
        ({"a": slice(5, 9), "b": None}, "selects no feature"),
        ({}, "non-empty dict"),
        (["a"], "non-empty dict"),
    ],
)
def test_load_bad_views(tmp_path, views, match):
    arff = _write(tmp_path, DENSE_ARFF)
    with pytest.raises(ValueError, match=match):
        load_mulan_arff(arff, n_labels=2, views=views)


def test_load_as_frame(tmp_path):
    pd = pytest.importorskip("pandas")
    arff = _write(tmp_path, DENSE_ARFF)
    data = load_mulan_arff(arff, n_labels=2, as_frame=True, views={"v": None})
    assert isinstance(data.data, pd.DataFrame)
    assert list(data.data.columns) == ["v__feat one", "v__f2", "v__f3", "v__colour"]
    assert list(data.target.columns) == ["lab_a", "lab b"]
    assert data.frame.shape == (3, 6)
    X, Y = load_mulan_arff(arff, n_labels=2, as_frame=True, return_X_y=True)
    assert isinstance(X, pd.DataFrame) and isinstance(Y, pd.DataFrame)
    sparse = load_mulan_arff(
        _write(tmp_path, SPARSE_ARFF, "s.arff"), n_labels=2, as_frame=True
    )
    assert isinstance(sparse.data.dtypes.iloc[0], pd.SparseDtype)
    np.testing.assert_array_equal(
        sparse.data.sparse.to_dense().to_numpy()[0], [1.5, 0, 0]
    )
    np.testing.assert_array_equal(sparse.target.to_numpy()[3], [1, 1])


def test_load_result_pickles(tmp_path):
    data = load_mulan_arff(_write(tmp_path, SPARSE_ARFF), n_labels=2)
    again = pickle.loads(pickle.dumps(data))
    np.testing.assert_array_equal(again.data.toarray(), data.data.toarray())
    assert again.feature_names == data.feature_names


def _header(body, extra_attr=""):
    return (
        "@relation r\n@attribute x numeric\n" + extra_attr + "@attribute y {0,1}\n"
        "@data\n" + body
    )


@pytest.mark.parametrize(
    "text, match",
    [
        (_header("1,0\n2,?\n"), r"line 6: label 'y' is missing"),
        (_header("1,0\n2,1,3\n"), r"line 6: data row has 3 values while 2"),
        (_header("abc,1\n"), r"line 5: value 'abc' of numeric attribute 'x'"),
        (_header("1,2\n"), r"line 5: value 2 of nominal attribute 'y'"),
        (_header("{0 1, 1 2}\n"), r"line 5: value 2 of nominal attribute 'y'"),
        (_header("{0 1, 5 1}\n"), r"line 5: sparse index 5 is out of range"),
        (_header("{0 1, 0 2}\n"), r"line 5: sparse index 0 is repeated"),
        (_header("{0 1, 1}\n"), r"line 5: sparse entry '1' is not 'index value'"),
        (_header("{a 1}\n"), r"line 5: sparse index 'a' is not an integer"),
        (_header("{0 1}, {3}\n"), r"line 5: instance weights"),
        (_header("{0 1, 1 0\n"), r"line 5: sparse row must end with"),
        (_header("1,'0\n"), r"line 5: unterminated quote"),
        (_header("1,'0'x\n"), r"line 5: text after the closing quote"),
        (_header(""), "has no data row"),
        (_header("1,0\n", "@attribute s string\n"), r"line 3: attribute 's' has type"),
        (_header("1,0\n", "@attribute s blob\n"), r"line 3: .* unknown type"),
        (_header("1,0\n", "@attribute x numeric\n"), r"line 3: .*'x' is used twice"),
        (_header("1,0\n", "@attribute c {a,b\n"), r"line 3: .*closing"),
        (_header("1,0\n", "@attribute c {a,a}\n"), r"line 3: .*repeats a value"),
        (_header("1,0\n", "@attribute z\n"), r"line 3: @attribute 'z' has no type"),
        (_header("1,0\n", "oops\n"), r"line 3: expected @relation"),
        ("@attribute x numeric\n@data\n1\n", "no @relation"),
        ("@relation r\n@attribute x numeric\n@attribute y {0,1}\n", "no @data"),
    ],
)
def test_load_malformed_arff(tmp_path, text, match):
    with pytest.raises(ValueError, match=match):
        load_mulan_arff(_write(tmp_path, text), n_labels=1)


def test_load_bad_label_declarations(tmp_path):
    text = "@relation r\n@attribute x numeric\n@attribute y {no,yes}\n@data\n1,no\n"
    with pytest.raises(ValueError, match="line 3: label 'y' must be binary"):
        load_mulan_arff(_write(tmp_path, text), n_labels=1)
    text = "@relation r\n@attribute x numeric\n@attribute y numeric\n@data\n1,3\n"
    with pytest.raises(ValueError, match="line 5: label 'y' has value 3"):
        load_mulan_arff(_write(tmp_path, text), n_labels=1)
    text = "@relation r\n@attribute x numeric\n@attribute y {1,0}\n@data\n{0 1}\n"
    with pytest.raises(ValueError, match="line 3: nominal attribute 'y' of a sparse"):
        load_mulan_arff(_write(tmp_path, text), n_labels=1)


def test_load_argument_errors(tmp_path):
    arff = _write(tmp_path, DENSE_ARFF)
    xml = _write(tmp_path, MULAN_XML, "labels.xml")
    with pytest.raises(ValueError, match="exactly one of xml_path"):
        load_mulan_arff(arff)
    with pytest.raises(ValueError, match="exactly one of xml_path"):
        load_mulan_arff(arff, xml, n_labels=2)
    for bad in (0, 6, 1.0, True):
        with pytest.raises(ValueError, match=r"n_labels must be an int in \[1, 5\]"):
            load_mulan_arff(arff, n_labels=bad)
    bad_xml = _write(tmp_path, MULAN_XML.replace("lab_a", "lab_z"), "bad.xml")
    with pytest.raises(ValueError, match=r"label\(s\) \['lab_z'\] of xml_path"):
        load_mulan_arff(arff, bad_xml)
    broken = _write(tmp_path, "<labels><label name='a'>", "broken.xml")
    with pytest.raises(ValueError, match="is not valid XML"):
        load_mulan_arff(arff, broken)
    empty = _write(tmp_path, "<labels></labels>", "empty.xml")
    with pytest.raises(ValueError, match="declares no <label"):
        load_mulan_arff(arff, empty)


@pytest.mark.skipif(not SHARED.is_dir(), reason="shared MULAN data sets absent")
@pytest.mark.parametrize(
    "name, files, n_rows, n_features, n_labels, views, sizes",
    [
        (
            "emotions",
            ["emotions"],
            593,
            72,
            6,
            {"rhythmic": "BH", "timbre": None},
            {"rhythmic": 8, "timbre": 64},
        ),
        (
            "yeast",
            ["yeast"],
            2417,
            103,
            14,
            {"expression": slice(0, 79), "phylogenetic": slice(79, None)},
            {"expression": 79, "phylogenetic": 24},
        ),
        ("scene", ["scene-train", "scene-test"], 2407, 294, 6, None, None),
    ],
)
def test_load_real_mulan_files(name, files, n_rows, n_features, n_labels, views, sizes):
    parts = [
        load_mulan_arff(
            SHARED / name / f"{f}.arff", SHARED / name / f"{name}.xml", views=views
        )
        for f in files
    ]
    X = np.vstack([p.data for p in parts])
    Y = np.vstack([p.target for p in parts])
    assert X.shape == (n_rows, n_features) and Y.shape == (n_rows, n_labels)
    assert not np.isnan(X).any() and Y.sum(axis=0).min() > 0
    if sizes is not None:
        assert {k: len(v) for k, v in parts[0].modalities.items()} == sizes


def test_load_missing_labels_as_nan(tmp_path):
    # '?' in a label: an error by default, an unknown label (NaN) on request
    dense = _write(tmp_path, _header("1,0\n2,?\n3,1\n"))
    with pytest.raises(ValueError, match="missing_labels='nan'"):
        load_mulan_arff(dense, n_labels=1)
    X, Y = load_mulan_arff(dense, n_labels=1, missing_labels="nan", return_X_y=True)
    assert Y.dtype == np.float64
    np.testing.assert_array_equal(Y, [[0.0], [np.nan], [1.0]])
    np.testing.assert_array_equal(X, [[1.0], [2.0], [3.0]])
    # sparse rows: an omitted label is 0, an explicit '?' unknown
    text = SPARSE_ARFF.replace("{1 ?, 2 -2, 4 1}", "{1 ?, 2 -2, 3 ?, 4 1}")
    data = load_mulan_arff(_write(tmp_path, text), n_labels=2, missing_labels="nan")
    np.testing.assert_array_equal(data.target, [[1, 0], [0, 0], [np.nan, 1], [1, 1]])
    assert np.isnan(data.data[2, 1])  # a missing feature stays NaN as before
    frame = load_mulan_arff(
        _write(tmp_path, text), n_labels=2, missing_labels="nan", as_frame=True
    )
    assert frame.target["y0"].isna().tolist() == [False, False, True, False]
    # a fully labelled file: the same values, as floats
    full = load_mulan_arff(
        _write(tmp_path, SPARSE_ARFF), n_labels=2, missing_labels="nan"
    )
    reference = load_mulan_arff(_write(tmp_path, SPARSE_ARFF), n_labels=2)
    assert full.target.dtype == np.float64 and reference.target.dtype == np.int64
    np.testing.assert_array_equal(full.target, reference.target)
    # values other than 0/1 are still errors; so is a bad option
    with pytest.raises(ValueError, match="labels must be 0 or 1"):
        load_mulan_arff(
            _write(
                tmp_path,
                "@relation r\n@attribute x numeric\n"
                "@attribute y numeric\n@data\n1,0\n2,2\n3,?\n",
            ),
            n_labels=1,
            missing_labels="nan",
        )
    with pytest.raises(ValueError, match="missing_labels must be"):
        load_mulan_arff(dense, n_labels=1, missing_labels="zero")
