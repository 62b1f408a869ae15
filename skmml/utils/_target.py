"""The multi-label target toolkit: checking, Label Powerset codes, label counts.

Every skmml estimator, metric and sampler validates its target here, so a
label matrix given as a list of lists, a NumPy array, a scipy sparse matrix,
a pandas DataFrame (nullable ``Int64`` / ``boolean`` columns included) or a
polars DataFrame is read the same way everywhere.
"""

import warnings

import numpy as np
import scipy.sparse as sp
from sklearn.exceptions import DataConversionWarning
from sklearn.utils.multiclass import type_of_target


def _is_dataframe_like(Y):
    return hasattr(Y, "columns") and hasattr(Y, "to_numpy") and not sp.issparse(Y)


def _as_array(Y, name):
    """A dense ndarray (or sparse matrix) from any supported container."""
    if sp.issparse(Y):
        return Y
    if _is_dataframe_like(Y) or (hasattr(Y, "dtype") and hasattr(Y, "to_numpy")):
        module = type(Y).__module__.split(".")[0]
        if module == "pandas":
            dtypes = (
                list(Y.dtypes)
                if hasattr(Y, "dtypes") and _is_dataframe_like(Y)
                else [Y.dtype]
            )
            # nullable Int64 / boolean / Float64 columns: missing as NaN
            if any(not isinstance(d, np.dtype) and d.kind in "biuf" for d in dtypes):
                return Y.to_numpy(dtype=np.float64, na_value=np.nan)
            # pd.NA / None in object columns
            if any(getattr(d, "kind", "") == "O" for d in dtypes):
                import pandas as pd

                values = Y.to_numpy(dtype=object)
                return _none_as_nan(values, holes=pd.isna(values))
        return _none_as_nan(np.asarray(Y.to_numpy()))
    if (
        isinstance(Y, list | tuple)
        and Y
        and all(isinstance(row, list | tuple) for row in Y)
    ):
        lengths = {len(row) for row in Y}
        if len(lengths) > 1:
            raise ValueError(
                f"{name} is a list of rows of different lengths "
                f"({sorted(lengths)[:5]}); a label matrix needs one 0/1 entry per "
                "label in every row. For lists of label names per sample use "
                "sklearn.preprocessing.MultiLabelBinarizer first."
            )
    try:
        return np.asarray(Y)
    except (ValueError, TypeError) as exc:
        raise ValueError(
            f"{name} must be a 2-D binary indicator matrix; could not "
            f"convert it to an array ({exc})."
        ) from None


def _none_as_nan(values, holes=None):
    """Object arrays of numbers with ``None`` holes (polars nulls) as floats."""
    if values.dtype != object:
        return values
    if holes is None:
        holes = np.equal(values, None)
    if not np.any(holes):
        return values
    try:
        return np.where(holes, np.nan, values).astype(np.float64)
    except (TypeError, ValueError):
        return values


def _unknown_error(name):
    return ValueError(
        f"{name} contains NaN (unknown labels), but a complete 0/1 label matrix "
        "is required here. Partially labelled targets are accepted by "
        "skmml.multioutput.PartialBinaryRelevance, PartialClassifierChain, "
        "skmml.neural.RMLCClassifier, ResBiLSTMClassifier, ResBiLSTMEncoder and the "
        "skmml.metrics functions (see skmml.utils.accepts_unknown_labels); "
        "otherwise drop the incomplete rows or fill the unknown entries first."
    )


def is_multilabel_indicator(Y):
    """Return True if ``Y`` is a 2-D matrix (dense or sparse) of 0/1 values.

    Parameters
    ----------
    Y : array-like or sparse matrix
        Candidate label matrix.

    Returns
    -------
    bool
        Whether ``Y`` is a binary indicator matrix with at least one column.

    Examples
    --------
    >>> from skmml.utils import is_multilabel_indicator
    >>> is_multilabel_indicator([[0, 1], [1, 1]])
    True
    >>> is_multilabel_indicator([0, 1, 1])
    False
    """
    try:
        check_multilabel_indicator(Y)
    except (ValueError, TypeError):
        return False
    return True


def check_multilabel_indicator(
    Y,
    *,
    name="Y",
    accept_sparse=True,
    dtype=np.int64,
    ensure_min_samples=1,
    allow_unknown=False,
):
    """Validate a multi-label indicator matrix and return a clean copy.

    Parameters
    ----------
    Y : array-like or sparse matrix of shape (n_samples, n_labels)
        Label matrix; ``Y[i, j] == 1`` means sample ``i`` has label ``j``.
        Boolean and float matrices are accepted if every value is 0 or 1, as
        are pandas DataFrames (nullable ``Int64`` / ``boolean`` columns too),
        polars DataFrames and lists of equal-length rows.
    name : str, default="Y"
        Name used in error messages (for instance ``"y_true"``).
    accept_sparse : bool, default=True
        If True a scipy sparse input is returned as CSR, otherwise it is
        converted to a dense array.
    dtype : dtype, default=np.int64
        Dtype of the returned matrix.
    ensure_min_samples : int, default=1
        Minimum number of rows.
    allow_unknown : bool, default=False
        Whether NaN entries are accepted as *unknown* labels (a partially
        labelled target: NaN = unknown, 0 = absent, 1 = present). ``pd.NA``
        in pandas columns, nulls in polars columns and explicitly stored NaN
        in a sparse matrix are read as NaN too. If False, NaN is an error
        that names the estimators accepting partial targets.

    Returns
    -------
    Y : ndarray or scipy.sparse.csr_matrix of shape (n_samples, n_labels)
        The validated matrix, never a view on the input. When
        ``allow_unknown=True`` and ``Y`` has at least one unknown entry, the
        result is a dense float array (``dtype`` if it is a float dtype,
        float64 otherwise) with NaN at the unknown entries; a complete ``Y``
        is returned exactly as with ``allow_unknown=False``.

    Raises
    ------
    ValueError
        If ``Y`` is not 2-D, is empty, contains infinity, NaN (unless
        ``allow_unknown=True``) or values other than 0 and 1.

    Examples
    --------
    >>> from skmml.utils import check_multilabel_indicator
    >>> check_multilabel_indicator([[0, 1.0], [1, 0]])
    array([[0, 1],
           [1, 0]])
    >>> check_multilabel_indicator([[0, 2]])
    Traceback (most recent call last):
    ...
    ValueError: Y must be a binary indicator matrix of 0/1 values; found value(s) [2].
    """
    return _check_indicator(
        Y,
        name=name,
        accept_sparse=accept_sparse,
        dtype=dtype,
        ensure_min_samples=ensure_min_samples,
        allow_unknown=allow_unknown,
        copy=True,
    )


# elements per block of the value checks, which then need no full-size
# temporaries
_CHECK_BLOCK = 1 << 20


def _blocks(values):
    """Row blocks of a 1-D or 2-D array, each of about ``_CHECK_BLOCK`` elements."""
    width = int(np.prod(values.shape[1:], dtype=np.int64)) or 1
    step = max(1, _CHECK_BLOCK // width)
    for start in range(0, values.shape[0], step):
        yield values[start : start + step]


def _all_finite(values):
    return all(np.isfinite(block).all() for block in _blocks(values))


def _all_binary(values):
    """Whether every value is 0 or 1 (NaN excluded by the caller)."""
    if np.issubdtype(values.dtype, np.integer):
        return all(
            block.size == 0 or (block.min() >= 0 and block.max() <= 1)
            for block in _blocks(values)
        )
    return all(((block == 0) | (block == 1)).all() for block in _blocks(values))


def _check_indicator(
    Y,
    *,
    name="Y",
    accept_sparse=True,
    dtype=np.int64,
    ensure_min_samples=1,
    allow_unknown=False,
    copy=True,
):
    """:func:`check_multilabel_indicator`, with ``copy=False`` returning ``Y``
    itself (a dense array already of ``dtype``) or a conversion without an
    extra copy; the values are checked block by block."""
    Y = _as_array(Y, name)
    if sp.issparse(Y):
        Y = sp.csr_matrix(Y)
        values = Y.data
    else:
        values = Y
    if Y.ndim != 2:
        raise ValueError(
            f"{name} must be a 2-D binary indicator matrix of shape "
            f"(n_samples, n_labels); got an array with {Y.ndim} dimension(s) "
            f"and shape {Y.shape}."
        )
    if Y.shape[0] < ensure_min_samples:
        raise ValueError(
            f"{name} has {Y.shape[0]} sample(s) (shape={Y.shape}) while a "
            f"minimum of {ensure_min_samples} is required."
        )
    if Y.shape[1] < 1:
        raise ValueError(f"{name} has no label columns (shape={Y.shape}).")
    values = np.asarray(values)
    if values.dtype == object or not (
        np.issubdtype(values.dtype, np.number) or values.dtype == bool
    ):
        raise ValueError(
            f"{name} must be a binary indicator matrix of 0/1 values; got "
            f"dtype {values.dtype}."
        )
    unknown = None
    floating = np.issubdtype(values.dtype, np.floating)
    if values.dtype != bool and (
        (floating and not _all_finite(values)) or not _all_binary(values)
    ):
        # the full checks, for their exact messages (and a partial Y)
        if floating and not np.all(np.isfinite(values)):
            if np.any(np.isinf(values)):
                raise ValueError(
                    f"{name} contains infinity; a binary indicator matrix of "
                    "0/1 values (NaN for unknown entries) is required."
                )
            if not allow_unknown:
                raise _unknown_error(name)
            unknown = np.isnan(values)
        bad = (values != 0) & (values != 1)
        if unknown is not None:
            bad &= ~unknown
        if np.any(bad):
            found = np.unique(values[bad])[:5].tolist()
            raise ValueError(
                f"{name} must be a binary indicator matrix of 0/1 values; "
                f"found value(s) {found}."
            )
    if unknown is not None:
        out_dtype = dtype if np.issubdtype(np.dtype(dtype), np.floating) else np.float64
        if sp.issparse(Y):
            Y = Y.toarray()
        return np.array(Y, dtype=out_dtype, copy=True)
    if sp.issparse(Y):
        Y = Y.astype(dtype)  # astype copies
        Y.eliminate_zeros()
        if not accept_sparse:
            Y = Y.toarray()
        return Y
    if not copy:
        return np.asarray(Y, dtype=dtype)
    return np.array(Y, dtype=dtype, copy=True)


def encode_target(
    y,
    *,
    name="y",
    accept_sparse=True,
    dtype=np.int64,
    owner="This estimator",
    allow_unknown=False,
):
    """Read a classification target as an indicator matrix.

    A 2-D target with more than one column (or a sparse one) is a
    multi-label indicator matrix; a 1-D target, or a column vector (with a
    ``DataConversionWarning``, as in scikit-learn), holds binary or
    multiclass labels and is one-hot encoded.

    Parameters
    ----------
    y : array-like, sparse matrix or DataFrame
        The target.
    name : str, default="y"
        Name used in error messages.
    accept_sparse : bool, default=True
        Whether a sparse multi-label target stays sparse (CSR).
    dtype : dtype, default=np.int64
        Dtype of the returned indicator matrix.
    owner : str, default="This estimator"
        Who needs ``y``, for the error raised when it is None.
    allow_unknown : bool, default=False
        Whether a multi-label ``y`` may hold NaN for unknown entries (see
        :func:`check_multilabel_indicator`). A 1-D target never may.

    Returns
    -------
    Y : ndarray or csr_matrix of shape (n_samples, n_labels or n_classes)
        Indicator matrix.
    kind : {"multilabel-indicator", "binary", "multiclass"}
        What ``y`` was.
    classes : ndarray or None
        Sorted class labels of a 1-D target; None for a multi-label one.

    Examples
    --------
    >>> from skmml.utils import encode_target
    >>> Y, kind, classes = encode_target(["b", "a", "b"])
    >>> Y.tolist(), kind, classes.tolist()
    ([[0, 1], [1, 0], [0, 1]], 'binary', ['a', 'b'])
    >>> encode_target([[1, 0], [0, 1]])[1]
    'multilabel-indicator'
    """
    if y is None:
        raise ValueError(
            f"{owner} requires {name} to be passed, but the target {name} is None."
        )
    values = _as_array(y, name)
    if sp.issparse(values) or (values.ndim == 2 and values.shape[1] > 1):
        Y = check_multilabel_indicator(
            values,
            name=name,
            accept_sparse=accept_sparse,
            dtype=dtype,
            allow_unknown=allow_unknown,
        )
        return Y, "multilabel-indicator", None
    if values.ndim == 2 and values.shape[1] == 1:
        warnings.warn(
            "A column-vector y was passed when a 1d array was expected. "
            "Please change the shape of y to (n_samples,), for example "
            "using ravel().",
            DataConversionWarning,
            stacklevel=2,
        )
        values = values.ravel()
    if values.ndim != 1:
        raise ValueError(
            f"{name} must be a 2-D binary indicator matrix (multi-label) or a "
            f"1-D binary/multiclass target; got shape {values.shape}."
        )
    if values.size == 0:
        raise ValueError(f"{name} is empty; at least one sample is required.")
    if values.dtype.kind == "f" and np.isnan(values).any():
        raise ValueError(
            f"{name} is a 1-D target with NaN entries; unknown labels are only "
            "supported in a 2-D multi-label indicator matrix (NaN = unknown)."
        )
    if values.dtype.kind == "f" and np.isinf(values).any():
        raise ValueError(f"{name} contains infinity; class labels must be finite.")
    kind = type_of_target(values, input_name=name)
    if kind not in ("binary", "multiclass"):
        raise ValueError(
            f"Unknown label type: {kind!r}. {name} must be a multi-label binary "
            "indicator matrix of shape (n_samples, n_labels) or a 1-D "
            "binary/multiclass target."
        )
    classes, codes = np.unique(values, return_inverse=True)
    Y = np.zeros((values.shape[0], classes.shape[0]), dtype=dtype)
    Y[np.arange(values.shape[0]), codes.ravel()] = 1
    return Y, kind, classes


def encode_label_powerset(Y):
    """Map each distinct row of a 0/1 matrix to a Label Powerset class code.

    Rows are packed into bytes and compared as opaque keys, so the cost is one
    sort of ``n_samples`` short byte strings whatever the number of labels.
    Codes follow the order of first appearance of the rows, as in
    scikit-multilearn's ``LabelPowerset``: libsvm breaks ties in votes towards
    the lowest code, so the same order gives the same predictions.

    Parameters
    ----------
    Y : array-like or sparse matrix of shape (n_samples, n_labels)
        Binary indicator matrix (already validated).

    Returns
    -------
    combinations : ndarray of shape (n_combinations, n_labels)
        Distinct rows; row ``k`` is the label set of code ``k``.
    codes : ndarray of shape (n_samples,)
        Code of every row of ``Y``.

    Examples
    --------
    >>> from skmml.utils import encode_label_powerset
    >>> combinations, codes = encode_label_powerset([[1, 0], [0, 0], [1, 0]])
    >>> combinations.tolist(), codes.tolist()
    ([[1, 0], [0, 0]], [0, 1, 0])
    """
    Y = Y.toarray() if sp.issparse(Y) else np.asarray(Y)
    packed = np.ascontiguousarray(np.packbits(Y.astype(np.uint8), axis=1))
    keys = packed.view(np.dtype((np.void, packed.shape[1]))).ravel()
    _, first, inverse = np.unique(keys, return_index=True, return_inverse=True)
    order = np.argsort(first)
    rank = np.empty_like(order)
    rank[order] = np.arange(len(order))
    codes = rank[inverse.ravel()].astype(np.intp)
    return np.asarray(Y[first[order]], dtype=np.int64), codes


def observed_mask(Y):
    """Boolean mask of the known entries of a (possibly partial) label matrix.

    Parameters
    ----------
    Y : array-like or sparse matrix of shape (n_samples, n_labels)
        Label matrix with NaN at unknown entries, as returned by
        :func:`check_multilabel_indicator` with ``allow_unknown=True``.

    Returns
    -------
    mask : ndarray of shape (n_samples, n_labels), dtype bool
        True where the label is known (0 or 1); all True for a complete
        matrix.

    Examples
    --------
    >>> import numpy as np
    >>> from skmml.utils import observed_mask
    >>> observed_mask([[1, np.nan], [0, 1]]).tolist()
    [[True, False], [True, True]]
    """
    if sp.issparse(Y):
        Y = sp.csr_matrix(Y)
        mask = np.ones(Y.shape, dtype=bool)
        if Y.dtype.kind == "f":
            rows = np.repeat(np.arange(Y.shape[0]), np.diff(Y.indptr))
            nan = np.isnan(Y.data)
            mask[rows[nan], Y.indices[nan]] = False
        return mask
    Y = np.asarray(Y)
    if Y.dtype.kind != "f":
        return np.ones(Y.shape, dtype=bool)
    return ~np.isnan(Y)


def complete_label_rows(Y, unknown, *, name, needs, to):
    """Rows of a partial ``Y`` without unknown entries, for ``unknown="drop_rows"``.

    The one implementation of the ``unknown={"raise", "drop_rows"}`` option
    of the estimators that need whole label rows.

    Parameters
    ----------
    Y : ndarray of shape (n_samples, n_labels)
        Partial label matrix (NaN at unknown entries).
    unknown : {"raise", "drop_rows"}
        The estimator's option.
    name : str
        Name of the target in the messages (``"y"`` or ``"Y"``).
    needs : str
        Why complete rows are needed and what to do, completing the message
        "``{name}`` contains NaN (unknown labels), but ...".
    to : str
        What the kept rows are for ("fit", "resample"), for the error raised
        when no row is complete.

    Returns
    -------
    keep : ndarray of bool of shape (n_samples,)
        The rows without unknown entries.
    """
    if unknown == "raise":
        raise ValueError(f"{name} contains NaN (unknown labels), but {needs}")
    keep = observed_mask(Y).all(axis=1)
    if not keep.any():
        raise ValueError(
            f"Every row of {name} has an unknown (NaN) entry: unknown='drop_rows' "
            f"leaves no sample to {to}."
        )
    return keep


def has_unknown(Y):
    """Whether a label matrix has at least one unknown (NaN) entry.

    Parameters
    ----------
    Y : array-like or sparse matrix of shape (n_samples, n_labels)
        Label matrix (already validated).

    Returns
    -------
    bool
        True if ``Y`` is a partial target.

    Examples
    --------
    >>> import numpy as np
    >>> from skmml.utils import has_unknown
    >>> has_unknown([[1, np.nan]]), has_unknown([[1, 0]])
    (True, False)
    """
    values = Y.data if sp.issparse(Y) else np.asarray(Y)
    return bool(values.dtype.kind == "f" and np.isnan(values).any())


def label_counts(Y, sample_weight=None):
    """Number (or total weight) of positive samples of every label.

    Unknown (NaN) entries of a partial label matrix are not counted; use
    :func:`observed_counts` for the number of known entries, so that the
    prior of label ``j`` is ``label_counts(Y)[j] / observed_counts(Y)[j]``.

    Parameters
    ----------
    Y : array-like or sparse matrix of shape (n_samples, n_labels)
        Binary indicator matrix (already validated), NaN for unknown entries.
    sample_weight : array-like of shape (n_samples,), default=None
        Weights; the counts are then weighted sums.

    Returns
    -------
    counts : ndarray of shape (n_labels,)
        Integers without weights, floats with.

    Examples
    --------
    >>> import numpy as np
    >>> from skmml.utils import label_counts
    >>> label_counts([[1, 0], [1, 1], [0, 0]]).tolist()
    [2, 1]
    >>> label_counts([[1, np.nan], [np.nan, 1], [0, 0]]).tolist()
    [1, 1]
    """
    if sp.issparse(Y):
        if has_unknown(Y):
            Y = Y.toarray()
    else:
        Y = np.asarray(Y)
    if not sp.issparse(Y) and Y.dtype.kind == "f":
        Y = np.where(np.isnan(Y), 0.0, Y)
    if sample_weight is None:
        return np.asarray(Y.sum(axis=0)).ravel().astype(np.int64)
    w = np.asarray(sample_weight, dtype=np.float64)
    return np.asarray(Y.T @ w).ravel().astype(np.float64)


def observed_counts(Y, sample_weight=None):
    """Number (or total weight) of known entries of every label.

    Parameters
    ----------
    Y : array-like or sparse matrix of shape (n_samples, n_labels)
        Label matrix (already validated), NaN for unknown entries.
    sample_weight : array-like of shape (n_samples,), default=None
        Weights; the counts are then weighted sums.

    Returns
    -------
    counts : ndarray of shape (n_labels,)
        ``n_samples`` for every label of a complete matrix without weights.

    Examples
    --------
    >>> import numpy as np
    >>> from skmml.utils import observed_counts
    >>> observed_counts([[1, np.nan], [np.nan, 1], [0, 0]]).tolist()
    [2, 2]
    """
    mask = observed_mask(Y)
    if sample_weight is None:
        return mask.sum(axis=0).astype(np.int64)
    w = np.asarray(sample_weight, dtype=np.float64)
    return (mask.T.astype(np.float64) @ w).astype(np.float64)
