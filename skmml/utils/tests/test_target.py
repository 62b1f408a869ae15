"""Tests for skmml.utils._target: the multi-label target toolkit."""

import warnings

import numpy as np
import pytest
import scipy.sparse as sp
from numpy.testing import assert_array_equal
from sklearn.exceptions import DataConversionWarning

from skmml.utils import (
    check_multilabel_indicator,
    encode_label_powerset,
    encode_target,
    is_multilabel_indicator,
    label_counts,
)

Y = np.array([[1, 0, 1], [0, 1, 0], [1, 0, 1], [0, 0, 0]])


# --------------------------------------------------------------------------
# check_multilabel_indicator
# --------------------------------------------------------------------------


@pytest.mark.parametrize(
    "make",
    [
        lambda: Y,
        lambda: Y.tolist(),
        lambda: [tuple(row) for row in Y.tolist()],
        lambda: Y.astype(bool),
        lambda: Y.astype(np.float32),
        lambda: sp.csr_matrix(Y),
        lambda: sp.csc_array(Y),
    ],
    ids=["int", "lists", "tuples", "bool", "float32", "csr", "csc_array"],
)
def test_check_accepts_containers(make):
    out = check_multilabel_indicator(make(), accept_sparse=False)
    assert isinstance(out, np.ndarray) and out.dtype == np.int64
    assert_array_equal(out, Y)


@pytest.mark.parametrize("dtype", ["Int64", "boolean", "int64", "Float64", "bool"])
def test_check_accepts_pandas_dtypes(dtype):
    pd = pytest.importorskip("pandas")
    values = Y.astype(bool) if dtype in ("boolean", "bool") else Y
    df = pd.DataFrame(values, columns=["a", "b", "c"]).astype(dtype)
    assert_array_equal(check_multilabel_indicator(df), Y)


def test_check_pandas_nullable_missing_is_an_error():
    pd = pytest.importorskip("pandas")
    df = pd.DataFrame({"a": pd.array([1, None], dtype="Int64"), "b": [0, 1]})
    with pytest.raises(ValueError, match="y_true contains NaN"):
        check_multilabel_indicator(df, name="y_true")


def test_check_accepts_polars():
    pl = pytest.importorskip("polars")
    df = pl.DataFrame({"a": Y[:, 0], "b": Y[:, 1].astype(bool), "c": Y[:, 2]})
    assert_array_equal(check_multilabel_indicator(df), Y)


def test_check_sparse_stays_csr_and_is_a_copy():
    S = sp.csr_matrix(Y)
    out = check_multilabel_indicator(S)
    assert sp.issparse(out) and out.format == "csr"
    out.data[:] = 0
    assert S.sum() == Y.sum()
    dense = Y.copy()
    out = check_multilabel_indicator(dense)
    out[0, 0] = 7
    assert dense[0, 0] == 1


def test_check_dtype_and_min_samples():
    assert check_multilabel_indicator(Y, dtype=np.float64).dtype == np.float64
    with pytest.raises(ValueError, match=r"Y has 4 sample\(s\).*minimum of 5"):
        check_multilabel_indicator(Y, ensure_min_samples=5)


@pytest.mark.parametrize(
    "value, match",
    [
        ([[0, 1], [1]], r"list of rows of different lengths \(\[1, 2\]\)"),
        ([0, 1, 1], "must be a 2-D binary indicator matrix"),
        (np.zeros((2, 0)), "has no label columns"),
        (np.zeros((0, 2)), r"0 sample\(s\)"),
        ([[0, 2]], r"found value\(s\) \[2\]"),
        ([[0.5, 1.0]], r"found value\(s\) \[0.5\]"),
        ([[np.nan, 1.0]], "contains NaN"),
        ([["a", "b"]], "binary indicator matrix of 0/1 values; got dtype"),
        (sp.csr_matrix([[0, 3]]), r"found value\(s\) \[3\]"),
    ],
)
def test_check_errors_name_the_argument(value, match):
    with pytest.raises(ValueError, match=rf"^labels.*{match}|{match}") as exc:
        check_multilabel_indicator(value, name="labels")
    assert "labels" in str(exc.value)


def test_ragged_list_suggests_multilabelbinarizer():
    with pytest.raises(ValueError, match="MultiLabelBinarizer"):
        check_multilabel_indicator([["cat"], ["cat", "dog"]])


def test_is_multilabel_indicator():
    assert is_multilabel_indicator(Y)
    assert not is_multilabel_indicator([0, 1])
    assert not is_multilabel_indicator([[0, 1], [1]])


# --------------------------------------------------------------------------
# encode_target
# --------------------------------------------------------------------------


def test_encode_multilabel():
    out, kind, classes = encode_target(Y)
    assert kind == "multilabel-indicator" and classes is None
    assert_array_equal(out, Y)
    out, kind, _ = encode_target(sp.csr_matrix(Y))
    assert sp.issparse(out) and kind == "multilabel-indicator"
    out, _, _ = encode_target(sp.csr_matrix(Y), accept_sparse=False)
    assert isinstance(out, np.ndarray)


@pytest.mark.parametrize(
    "y, kind, classes, expected",
    [
        (["b", "a", "b"], "binary", ["a", "b"], [[0, 1], [1, 0], [0, 1]]),
        ([2, 0, 1], "multiclass", [0, 1, 2], [[0, 0, 1], [1, 0, 0], [0, 1, 0]]),
        ([True, False], "binary", [False, True], [[0, 1], [1, 0]]),
    ],
)
def test_encode_one_dimensional(y, kind, classes, expected):
    out, got_kind, got_classes = encode_target(y)
    assert got_kind == kind
    assert got_classes.tolist() == classes
    assert_array_equal(out, expected)


def test_encode_column_vector_warns_like_sklearn():
    with pytest.warns(DataConversionWarning, match="column-vector y"):
        out, kind, _ = encode_target(np.array([[0], [1], [1]]))
    assert kind == "binary" and out.shape == (3, 2)


def test_encode_pandas_and_polars():
    pd = pytest.importorskip("pandas")
    df = pd.DataFrame(Y).astype("Int64")
    assert_array_equal(encode_target(df)[0], Y)
    assert encode_target(pd.Series([1, 0, 1], dtype="Int64"))[1] == "binary"
    pl = pytest.importorskip("polars")
    assert_array_equal(encode_target(pl.DataFrame(Y))[0], Y)


def test_encode_pandas_string_series():
    pd = pytest.importorskip("pandas")
    assert encode_target(pd.Series(["x", "y", "x"]))[2].tolist() == ["x", "y"]


@pytest.mark.parametrize(
    "y, match",
    [
        (None, "requires target to be passed, but the target target is None"),
        ([], "target is empty"),
        ([0.5, 1.5], "Unknown label type"),
        (np.zeros((2, 2, 2)), r"got shape \(2, 2, 2\)"),
    ],
)
def test_encode_errors_name_the_argument(y, match):
    with pytest.raises(ValueError, match=match):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", DataConversionWarning)
            encode_target(y, name="target")


# --------------------------------------------------------------------------
# encode_label_powerset and label_counts
# --------------------------------------------------------------------------


def test_label_powerset_first_appearance_order():
    combinations, codes = encode_label_powerset(Y)
    assert combinations.tolist() == [[1, 0, 1], [0, 1, 0], [0, 0, 0]]
    assert codes.tolist() == [0, 1, 0, 2]
    assert_array_equal(combinations[codes], Y)


def test_label_powerset_sparse_and_many_labels():
    rng = np.random.RandomState(0)
    big = (rng.rand(50, 70) < 0.05).astype(int)  # more than 64 labels
    big[10] = big[3]
    combinations, codes = encode_label_powerset(sp.csr_matrix(big))
    assert_array_equal(combinations[codes], big)
    assert codes[10] == codes[3]
    dense = encode_label_powerset(big)
    assert_array_equal(dense[1], codes)


def test_label_counts():
    assert label_counts(Y).tolist() == [2, 1, 2]
    assert label_counts(Y).dtype == np.int64
    assert label_counts(sp.csr_matrix(Y)).tolist() == [2, 1, 2]
    weighted = label_counts(Y, sample_weight=[1.0, 2.0, 0.5, 3.0])
    assert weighted.dtype == np.float64
    assert weighted.tolist() == [1.5, 2.0, 1.5]
    assert label_counts(sp.csr_matrix(Y), sample_weight=np.ones(4)).tolist() == [
        2,
        1,
        2,
    ]


def test_local_random_state_never_touches_the_global_rng():
    from skmml.utils._random import check_random_state_local, int_seed

    state = np.random.get_state()
    assert int_seed(3) == 3
    assert isinstance(int_seed(None), int)
    assert isinstance(int_seed(np.random.RandomState(0)), int)
    check_random_state_local(None).randint(10)
    assert check_random_state_local(0).randint(10) == 5
    after = np.random.get_state()
    assert state[0] == after[0] and np.array_equal(state[1], after[1])
