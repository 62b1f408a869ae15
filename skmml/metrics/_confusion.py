"""Confusion counts of multi-label predictions and the F1 scores built on them.

One implementation serves the F1 metrics of :mod:`skmml.metrics` and the
threshold search of :class:`~skmml.model_selection.MultiLabelThresholdTuner`,
which evaluates whole grids of thresholds at once from the same counts.
"""

import warnings
from numbers import Real

import numpy as np
import scipy.sparse as sp
from sklearn.exceptions import UndefinedMetricWarning


def _zero_division_value(zero_division):
    """``(value, warn)`` for a ``zero_division`` argument, as scikit-learn reads it."""
    if isinstance(zero_division, str) and zero_division == "warn":
        return 0.0, True
    if (
        isinstance(zero_division, Real)
        and not isinstance(zero_division, bool)
        and (zero_division in (0, 1) or np.isnan(zero_division))
    ):
        return float(zero_division), False
    raise ValueError(
        f'zero_division must be 0.0, 1.0, np.nan or "warn"; got {zero_division!r}.'
    )


def _f1_from_counts(tp, fp, fn, zero_division=0.0):
    """Elementwise F1 ``2 tp / (2 tp + fp + fn)``; ``zero_division`` where 0/0."""
    tp = np.asarray(tp, dtype=np.float64)
    denom = 2.0 * tp + fp + fn
    out = np.full(denom.shape, float(zero_division))
    np.divide(2.0 * tp, denom, out=out, where=denom > 0)
    return out


def _example_f1_from_counts(tp, n_true, n_pred, zero_division=0.0):
    """F1 of each sample's label set from its counts (``|Y_i|``, ``|P_i|``)."""
    return _f1_from_counts(tp, n_true - tp, n_pred - tp, zero_division)


# elements per row block of the dense counts: exact integer counts summed
# block by block need no full-size temporary
_BLOCK = 1 << 20


def _row_blocks(n_rows, n_cols):
    """Slices of consecutive rows, each block holding about ``_BLOCK`` entries."""
    step = max(1, _BLOCK // max(1, n_cols))
    return [slice(start, start + step) for start in range(0, n_rows, step)]


def _count_true(A, axis, B=None):
    """Exact int64 count of the True entries of ``A`` (``A & B``) along an axis.

    ``A`` and ``B`` are dense boolean matrices; they are read in row blocks.
    """
    parts = []
    for rows in _row_blocks(*A.shape):
        block = A[rows] if B is None else A[rows] & B[rows]
        parts.append(np.count_nonzero(block, axis=axis).astype(np.int64))
    if axis == 1:
        return np.concatenate(parts)
    return np.sum(parts, axis=0, dtype=np.int64)


def _weighted_sum(M, weights):
    """Column sums of a dense or sparse 0/1 matrix, optionally weighted."""
    if weights is None:
        if isinstance(M, np.ndarray) and M.dtype == bool:
            return _count_true(M, axis=0)
        return np.asarray(M.sum(axis=0)).ravel().astype(np.int64)
    # a boolean M gives the same float sums as an int64 one
    return np.asarray(M.T @ weights).ravel()


def _label_confusion_counts(Y_true, Y_pred, sample_weight=None, observed=None):
    """Per-label ``(tp, fp, fn)`` of validated indicator matrices (dense or CSR).

    With ``observed`` (a boolean mask of the known entries of ``Y_true``, whose
    unknown entries hold 0), only the known entries are counted.
    """
    if observed is not None:
        Y_true, Y_pred = _masked_pair(Y_true, Y_pred, observed)
        both = Y_true * Y_pred
    elif sp.issparse(Y_true) or sp.issparse(Y_pred):
        both = sp.csr_matrix(Y_true).multiply(sp.csr_matrix(Y_pred))
    elif sample_weight is None and Y_true.dtype == bool and Y_pred.dtype == bool:
        tp = _count_true(Y_true, 0, Y_pred)
        return tp, _count_true(Y_pred, 0) - tp, _count_true(Y_true, 0) - tp
    else:
        both = np.asarray(Y_true) * np.asarray(Y_pred)
    tp = _weighted_sum(both, sample_weight)
    return (
        tp,
        _weighted_sum(Y_pred, sample_weight) - tp,
        _weighted_sum(Y_true, sample_weight) - tp,
    )


def _row_counts(Y_true, Y_pred, observed=None):
    """Per-sample ``(tp, |Y_i|, |P_i|)`` of validated indicator matrices.

    With ``observed``, the sets are restricted to the known entries of each row.
    """
    if observed is not None:
        Y_true, Y_pred = _masked_pair(Y_true, Y_pred, observed)
        both = Y_true * Y_pred
    elif sp.issparse(Y_true) or sp.issparse(Y_pred):
        Y_true, Y_pred = sp.csr_matrix(Y_true), sp.csr_matrix(Y_pred)
        both = Y_true.multiply(Y_pred)
    elif Y_true.dtype == bool and Y_pred.dtype == bool:
        return (
            _count_true(Y_true, 1, Y_pred),
            _count_true(Y_true, 1),
            _count_true(Y_pred, 1),
        )
    else:
        Y_true, Y_pred = np.asarray(Y_true), np.asarray(Y_pred)
        both = Y_true * Y_pred
    return tuple(
        np.asarray(M.sum(axis=1)).ravel().astype(np.int64)
        for M in (both, Y_true, Y_pred)
    )


def _masked_pair(Y_true, Y_pred, observed):
    """Dense int64 ``Y_true`` and ``Y_pred`` with 0 at the unknown entries."""
    if sp.issparse(Y_true):
        Y_true = Y_true.toarray()
    if sp.issparse(Y_pred):
        Y_pred = Y_pred.toarray()
    Y_true = np.where(observed, Y_true, 0).astype(np.int64)
    Y_pred = np.where(observed, Y_pred, 0).astype(np.int64)
    return Y_true, Y_pred


def _threshold_confusion_counts(Y, scores, grid):
    """Counts ``(tp, fp, fn)`` of shape (n_labels, T) of ``scores >= grid[j, t]``.

    One stable sort of each label's scores gives the counts of every
    candidate threshold by binary search: O(n log n + T log n) per label.
    """
    n, n_labels = Y.shape
    shape = (n_labels, grid.shape[1])
    tp = np.empty(shape, dtype=np.int64)
    n_pred = np.empty(shape, dtype=np.int64)
    for j in range(n_labels):
        order = np.argsort(scores[:, j], kind="stable")
        sorted_scores = scores[order, j]
        cum_pos = np.concatenate(([0], np.cumsum(Y[order, j])))
        below = np.searchsorted(sorted_scores, grid[j], side="left")
        tp[j] = cum_pos[-1] - cum_pos[below]
        n_pred[j] = n - below
    positives = Y.sum(axis=0)[:, None]
    return tp, n_pred - tp, positives - tp


def _nanaverage(values, weights=None):
    """Weighted mean ignoring NaN (scikit-learn's averaging of F1 scores)."""
    values = np.asarray(values, dtype=np.float64)
    keep = ~np.isnan(values)
    if values.size == 0 or not keep.any():
        return float("nan")
    if weights is None:
        return float(np.mean(values[keep]))
    weights = np.asarray(weights, dtype=np.float64)[keep]
    if weights.sum() == 0:
        return float(np.mean(values[keep]))
    return float(np.average(values[keep], weights=weights))


def _warn_no_known(message):
    """Warn that a metric is undefined for lack of known entries of Y_true."""
    warnings.warn(message, UndefinedMetricWarning, stacklevel=4)


def _warn_undefined(undefined, what):
    if np.any(undefined):
        warnings.warn(
            f"F-score is ill-defined and being set to 0.0 in {what} with no "
            "true nor predicted samples. Use `zero_division` parameter to "
            "control this behavior.",
            UndefinedMetricWarning,
            stacklevel=4,
        )
