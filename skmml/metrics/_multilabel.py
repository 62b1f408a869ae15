"""Multi-label evaluation metrics on indicator matrices.

Bipartition metrics compare a predicted indicator matrix ``Y_pred`` with
``Y_true``; ranking metrics compare real-valued scores ``Y_score`` (higher
means more relevant) with ``Y_true``. Every quantity that scikit-learn also
provides is computed so that it equals scikit-learn's value, including the
treatment of tied scores and of rows without any relevant label.

``Y_true`` may be *partial*: NaN (``pd.NA`` in pandas, explicit NaN in a
sparse matrix) marks an unknown entry, which every metric leaves out; each
docstring gives the exact definition. On a complete ``Y_true`` the result
is the one of the plain formula, computed by the same code as before.
"""

import numpy as np
import scipy.sparse as sp

from ..utils import has_unknown, observed_mask
from ..utils._target import _check_indicator
from ._confusion import (
    _example_f1_from_counts,
    _f1_from_counts,
    _label_confusion_counts,
    _nanaverage,
    _row_blocks,
    _row_counts,
    _warn_no_known,
    _warn_undefined,
    _zero_division_value,
)

# ---------------------------------------------------------------------------
# validation helpers


def _check_sample_weight(sample_weight, n_samples):
    """Return ``sample_weight`` as a float array of shape (n_samples,) or None."""
    if sample_weight is None:
        return None
    try:
        weights = np.asarray(sample_weight, dtype=np.float64)
    except (TypeError, ValueError) as exc:
        raise ValueError(
            f"sample_weight must be an array of numbers; could not convert it ({exc})."
        ) from None
    if weights.ndim != 1 or weights.shape[0] != n_samples:
        raise ValueError(
            f"sample_weight must have shape ({n_samples},), one weight per "
            f"sample; got shape {weights.shape}."
        )
    if not np.all(np.isfinite(weights)):
        raise ValueError("sample_weight contains NaN or infinity.")
    if np.any(weights < 0):
        raise ValueError("sample_weight must be non-negative.")
    if weights.sum() == 0:
        raise ValueError("sample_weight sums to zero; at least one must be > 0.")
    return weights


def _check_shapes(Y_true, Y_other, other_name):
    if Y_true.shape != Y_other.shape:
        raise ValueError(
            f"Y_true and {other_name} have different shapes: {Y_true.shape} "
            f"vs {Y_other.shape}; both must be (n_samples, n_labels)."
        )


def _check_y_true(Y_true, **kwargs):
    """Validate a possibly partial ``Y_true``; ``(Y_true, observed or None)``.

    A complete ``Y_true`` comes back boolean (dense or CSR; the input itself
    if it is a boolean array: never modified) and ``observed`` is None (the
    unmasked code paths run); a partial one comes back dense float with NaN,
    with its boolean mask.
    """
    Y_true = _check_indicator(
        Y_true, name="Y_true", allow_unknown=True, dtype=bool, copy=False, **kwargs
    )
    if has_unknown(Y_true):
        return Y_true, observed_mask(Y_true)
    return Y_true, None


def _check_y_pred(Y_pred):
    try:
        return _check_indicator(
            Y_pred, name="Y_pred", accept_sparse=True, dtype=bool, copy=False
        )
    except ValueError as exc:
        if "contains NaN" not in str(exc):
            raise
        raise ValueError(
            "Y_pred contains NaN: predictions must be a complete 0/1 matrix. "
            "Only Y_true may hold NaN for unknown entries."
        ) from None


def _check_bipartition(Y_true, Y_pred, sample_weight):
    """Validate a pair of indicator matrices (dense or CSR) and the weights.

    Returns ``(Y_true, Y_pred, sample_weight, observed)``; ``observed`` is
    None for a complete ``Y_true``, else the mask of its known entries (and
    ``Y_true`` holds NaN at the unknown ones).
    """
    Y_true, observed = _check_y_true(Y_true, accept_sparse=True)
    Y_pred = _check_y_pred(Y_pred)
    _check_shapes(Y_true, Y_pred, "Y_pred")
    weights = _check_sample_weight(sample_weight, Y_true.shape[0])
    return Y_true, Y_pred, weights, observed


def _check_ranking(Y_true, Y_score, sample_weight, keep_float=False):
    """Validate ``Y_true`` (made dense boolean) and dense float scores.

    Returns ``(Y_true, Y_score, sample_weight, observed)``; with a partial
    ``Y_true``, ``observed`` is its mask and ``Y_true`` is False at the
    unknown entries, else ``observed`` is None. The scores are float64, or
    with ``keep_float`` a float32 / float64 array as given (not copied: the
    ranking metrics read it in row blocks, see :func:`_score_blocks`).
    """
    Y_true, observed = _check_y_true(Y_true, accept_sparse=False)
    if observed is not None:
        Y_true = np.where(observed, Y_true, 0) == 1
    if sp.issparse(Y_score):
        Y_score = Y_score.toarray()
    try:
        if not (
            keep_float
            and type(Y_score) is np.ndarray
            and Y_score.dtype in (np.float32, np.float64)
        ):
            Y_score = np.asarray(Y_score, dtype=np.float64)
    except (TypeError, ValueError) as exc:
        raise ValueError(
            "Y_score must be a 2-D array of real-valued scores of shape "
            f"(n_samples, n_labels); could not convert it ({exc}). The output "
            "of predict_proba for a multi-label forest or k-NN is a list of "
            "(n_samples, 2) arrays: stack the positive-class columns first, "
            "e.g. np.column_stack([p[:, 1] for p in proba])."
        ) from None
    if Y_score.ndim == 3:
        raise ValueError(
            f"Y_score must be 2-D (n_samples, n_labels); got shape "
            f"{Y_score.shape}. This looks like the per-label output of "
            "predict_proba (a list of (n_samples, 2) arrays): stack the "
            "positive-class columns first, e.g. "
            "np.column_stack([p[:, 1] for p in proba])."
        )
    if Y_score.ndim != 2:
        raise ValueError(
            f"Y_score must be a 2-D array of shape (n_samples, n_labels); got "
            f"{Y_score.ndim} dimension(s) and shape {Y_score.shape}."
        )
    _check_shapes(Y_true, Y_score, "Y_score")
    blocks = _row_blocks(*Y_score.shape)
    if not all(np.isfinite(Y_score[rows]).all() for rows in blocks):
        raise ValueError("Y_score contains NaN or infinity.")
    weights = _check_sample_weight(sample_weight, Y_true.shape[0])
    return Y_true, Y_score, weights, observed


def _average(values, sample_weight):
    return float(np.average(values, weights=sample_weight))


def _known_rows_average(values, observed, sample_weight, metric):
    """Weighted mean of ``values`` over the rows with at least one known entry.

    NaN, with an ``UndefinedMetricWarning``, when no such row has a
    positive weight.
    """
    rows = observed.any(axis=1)
    weights = None if sample_weight is None else sample_weight[rows]
    if not rows.any() or (weights is not None and weights.sum() == 0):
        _warn_no_known(
            f"{metric} is undefined: no sample with a known (non-NaN) entry "
            "of Y_true has a positive weight; returning NaN."
        )
        return float("nan")
    return _average(values[rows], weights)


# ---------------------------------------------------------------------------
# bipartition metrics


def _mismatches_per_row(Y_true, Y_pred):
    """Number of labels on which each row of the two matrices differ."""
    if sp.issparse(Y_true) or sp.issparse(Y_pred):
        diff = sp.csr_matrix(Y_true) != sp.csr_matrix(Y_pred)
        return np.asarray(diff.sum(axis=1)).ravel().astype(np.int64)
    return np.concatenate(
        [
            np.count_nonzero(Y_true[rows] != Y_pred[rows], axis=1)
            for rows in _row_blocks(*Y_true.shape)
        ]
    )


def _known_mismatches(Y_true, Y_pred, observed):
    """Boolean matrix of the known entries where prediction and truth differ."""
    if sp.issparse(Y_pred):
        Y_pred = Y_pred.toarray()
    return (Y_true != Y_pred) & observed


def hamming_loss(Y_true, Y_pred, *, sample_weight=None):
    r"""Fraction of the label assignments that are wrong.

    Parameters
    ----------
    Y_true : {array-like, sparse matrix} of shape (n_samples, n_labels)
        True binary indicator matrix; NaN marks an unknown entry (see
        Notes).
    Y_pred : {array-like, sparse matrix} of shape (n_samples, n_labels)
        Predicted binary indicator matrix (complete).
    sample_weight : array-like of shape (n_samples,), default=None
        Non-negative sample weights.

    Returns
    -------
    loss : float
        Between 0 (perfect) and 1; lower is better. Equals
        :func:`sklearn.metrics.hamming_loss` on a complete ``Y_true``.

    Notes
    -----
    With :math:`N` samples, :math:`|C|` labels, true label set :math:`Y_i`,
    predicted set :math:`\Theta_i` and :math:`\oplus` the exclusive or
    (Pouyanfar et al., 2018, Sec. IV-B):

    .. math:: HL = \frac{1}{N} \sum_{i=1}^{N} \frac{|Y_i \oplus \Theta_i|}{|C|}

    **Unknown labels.** Unknown (NaN) entries of ``Y_true`` are left out:
    with :math:`K_i` the known labels of sample :math:`i` and weights
    :math:`w_i`,

    .. math:: HL = \frac{\sum_i w_i \sum_{j \in K_i}
              [\![y_{ij} \ne \hat y_{ij}]\!]}{\sum_i w_i |K_i|},

    the fraction of wrong *known* assignments, every known entry counting
    equally (so a sample with few known labels weighs less). NaN, with an
    ``UndefinedMetricWarning``, if no known entry has a positive weight.

    References
    ----------
    .. [1] S. Pouyanfar, T. Wang and S.-C. Chen, "A multi-label multimodal
       deep learning framework for imbalanced data classification", IEEE
       MIPR 2019.

    Examples
    --------
    >>> from skmml.metrics import hamming_loss
    >>> hamming_loss([[1, 0, 1], [0, 1, 0]], [[1, 1, 1], [0, 1, 0]])
    0.1666...
    """
    Y_true, Y_pred, weights, observed = _check_bipartition(
        Y_true, Y_pred, sample_weight
    )
    if observed is None:
        mismatches = _mismatches_per_row(Y_true, Y_pred)
        return _average(mismatches, weights) / Y_true.shape[1]
    mismatches = _known_mismatches(Y_true, Y_pred, observed).sum(axis=1)
    n_known = observed.sum(axis=1)
    if weights is None:
        total, n_total = mismatches.sum(), n_known.sum()
    else:
        total, n_total = weights @ mismatches, weights @ n_known
    if n_total == 0:
        _warn_no_known(
            "Hamming loss is undefined: no known (non-NaN) entry of Y_true "
            "has a positive weight; returning NaN."
        )
        return float("nan")
    return float(total / n_total)


def subset_accuracy(Y_true, Y_pred, *, sample_weight=None):
    r"""Fraction of samples whose whole label set is predicted exactly.

    Parameters
    ----------
    Y_true : {array-like, sparse matrix} of shape (n_samples, n_labels)
        True binary indicator matrix; NaN marks an unknown entry (see
        Notes).
    Y_pred : {array-like, sparse matrix} of shape (n_samples, n_labels)
        Predicted binary indicator matrix (complete).
    sample_weight : array-like of shape (n_samples,), default=None
        Non-negative sample weights.

    Returns
    -------
    score : float
        Between 0 and 1 (perfect). Equals :func:`sklearn.metrics.accuracy_score`
        on complete indicator matrices (also called exact match ratio).

    Notes
    -----
    .. math:: \text{SubsetAcc} = \frac{1}{N}\sum_{i=1}^{N}[\![Y_i = \Theta_i]\!]

    **Unknown labels.** A sample counts as correct when the prediction
    matches *every known* entry of its row (unknown entries of ``Y_true``
    are not compared). Samples without any known entry are left out of the
    (weighted) mean; NaN, with an ``UndefinedMetricWarning``, if no sample
    is left.

    Examples
    --------
    >>> from skmml.metrics import subset_accuracy
    >>> subset_accuracy([[1, 0, 1], [0, 1, 0]], [[1, 1, 1], [0, 1, 0]])
    0.5
    """
    Y_true, Y_pred, weights, observed = _check_bipartition(
        Y_true, Y_pred, sample_weight
    )
    if observed is None:
        exact = _mismatches_per_row(Y_true, Y_pred) == 0
        return _average(exact, weights)
    exact = ~_known_mismatches(Y_true, Y_pred, observed).any(axis=1)
    return _known_rows_average(exact, observed, weights, "Subset accuracy")


def _f1(Y_true, Y_pred, average, sample_weight, zero_division):
    """F1 from confusion counts, averaged as ``sklearn.metrics.f1_score`` does."""
    Y_true, Y_pred, weights, observed = _check_bipartition(
        Y_true, Y_pred, sample_weight
    )
    value, warn = _zero_division_value(zero_division)
    if observed is not None:
        return _known_f1(Y_true, Y_pred, observed, average, weights, value, warn)
    if average == "samples":
        tp, n_true, n_pred = _row_counts(Y_true, Y_pred)
        if warn:
            _warn_undefined(n_true + n_pred == 0, "samples")
        return _nanaverage(_example_f1_from_counts(tp, n_true, n_pred, value), weights)
    tp, fp, fn = _label_confusion_counts(Y_true, Y_pred, weights)
    if average == "micro":
        tp, fp, fn = tp.sum(keepdims=True), fp.sum(keepdims=True), fn.sum(keepdims=True)
    if warn:
        _warn_undefined(tp + fp + fn == 0, "labels")
    f1 = _f1_from_counts(tp, fp, fn, value)
    if average is None:
        return f1
    if average == "weighted":
        support = tp + fn
        return 0.0 if support.sum() == 0 else _nanaverage(f1, support)
    return _nanaverage(f1)


_NO_KNOWN_F1 = (
    "F-score is undefined: Y_true has no known (non-NaN) entry; returning NaN."
)


def _known_f1(Y_true, Y_pred, observed, average, weights, value, warn):
    """F1 of a partial ``Y_true``: the counts run over its known entries only."""
    if average == "samples":
        tp, n_true, n_pred = _row_counts(Y_true, Y_pred, observed=observed)
        known_rows = observed.any(axis=1)
        if not known_rows.any():
            _warn_no_known(_NO_KNOWN_F1)
            return float("nan")
        if warn:
            _warn_undefined(known_rows & (n_true + n_pred == 0), "samples")
        f1 = _example_f1_from_counts(tp, n_true, n_pred, value)
        f1[~known_rows] = np.nan
        return _nanaverage(f1, weights)
    tp, fp, fn = _label_confusion_counts(Y_true, Y_pred, weights, observed=observed)
    known = observed.any(axis=0)
    if average == "micro":
        if not known.any():
            _warn_no_known(_NO_KNOWN_F1)
            return float("nan")
        tp, fp, fn = tp.sum(keepdims=True), fp.sum(keepdims=True), fn.sum(keepdims=True)
        if warn:
            _warn_undefined(tp + fp + fn == 0, "labels")
        return _nanaverage(_f1_from_counts(tp, fp, fn, value))
    if not known.all():
        _warn_no_known(
            f"F-score is undefined for label(s) {np.flatnonzero(~known).tolist()}"
            ", which have no known (non-NaN) entry in Y_true; set to NaN and "
            "left out of any average."
        )
    if warn:
        _warn_undefined(known & (tp + fp + fn == 0), "labels")
    f1 = _f1_from_counts(tp, fp, fn, value)
    f1[~known] = np.nan
    if average is None:
        return f1
    if not known.any():
        return float("nan")
    if average == "weighted":
        support = tp + fn
        return 0.0 if support.sum() == 0 else _nanaverage(f1, support)
    return _nanaverage(f1)


_F1_PARAMS = """
    Parameters
    ----------
    Y_true : {array-like, sparse matrix} of shape (n_samples, n_labels)
        True binary indicator matrix; NaN marks an unknown entry (see
        Notes).
    Y_pred : {array-like, sparse matrix} of shape (n_samples, n_labels)
        Predicted binary indicator matrix (complete).
    sample_weight : array-like of shape (n_samples,), default=None
        Non-negative sample weights.
    zero_division : {0.0, 1.0, np.nan, "warn"}, default=0.0
        Value of an F1 whose precision and recall are both undefined (no
        true and no predicted positive), as in
        :func:`sklearn.metrics.f1_score`; the default returns 0.0 without an
        ``UndefinedMetricWarning``.
"""


def micro_f1(Y_true, Y_pred, *, sample_weight=None, zero_division=0.0):
    r"""F1 of the true/false positives and false negatives pooled over labels.

    {params}
    Returns
    -------
    score : float
        Between 0 and 1 (perfect). Equals
        ``sklearn.metrics.f1_score(..., average="micro")``.

    Notes
    -----
    With :math:`TP_j, FP_j, FN_j` counted on label :math:`j`
    (Pouyanfar et al., 2018, Sec. IV-B):

    .. math:: F1_{micro} = \frac{2 \sum_j TP_j}
              {2 \sum_j TP_j + \sum_j FP_j + \sum_j FN_j}

    **Unknown labels.** :math:`TP_j, FP_j, FN_j` count (weigh) only the
    known entries of ``Y_true``; an unknown entry is neither a true nor a
    false anything, whatever is predicted there. This equals the F1 of the
    known entries pooled into one column. NaN, with an
    ``UndefinedMetricWarning``, if ``Y_true`` has no known entry.

    References
    ----------
    .. [1] S. Pouyanfar, T. Wang and S.-C. Chen, "A multi-label multimodal
       deep learning framework for imbalanced data classification", IEEE
       MIPR 2019.

    Examples
    --------
    >>> from skmml.metrics import micro_f1
    >>> micro_f1([[1, 0, 1], [0, 1, 0]], [[1, 1, 1], [0, 1, 0]])
    0.8571...
    """
    return _f1(Y_true, Y_pred, "micro", sample_weight, zero_division)


def macro_f1(Y_true, Y_pred, *, sample_weight=None, zero_division=0.0):
    r"""Unweighted mean of the per-label F1 scores.

    {params}
    Returns
    -------
    score : float
        Between 0 and 1 (perfect). Equals
        ``sklearn.metrics.f1_score(..., average="macro")``. Every label counts
        equally, so rare labels weigh as much as frequent ones.

    Notes
    -----
    .. math:: F1_{macro} = \frac{1}{|C|} \sum_{j=1}^{|C|}
              \frac{2 TP_j}{2 TP_j + FP_j + FN_j}

    **Unknown labels.** Each :math:`F1_j` is computed on the rows where
    label :math:`j` is known (see :func:`per_label_f1`). A label without any
    known entry has no F1 and is left out of the mean, like a label whose
    F1 is NaN under ``zero_division=np.nan`` (an ``UndefinedMetricWarning``
    names it); NaN if no label has a known entry.

    Examples
    --------
    >>> from skmml.metrics import macro_f1
    >>> macro_f1([[1, 0, 1], [0, 1, 0]], [[1, 1, 1], [0, 1, 0]])
    0.8888...
    """
    return _f1(Y_true, Y_pred, "macro", sample_weight, zero_division)


def weighted_f1(Y_true, Y_pred, *, sample_weight=None, zero_division=0.0):
    r"""Mean of the per-label F1 scores weighted by each label's support.

    {params}
    Returns
    -------
    score : float
        Between 0 and 1 (perfect). Equals
        ``sklearn.metrics.f1_score(..., average="weighted")``.

    Notes
    -----
    With :math:`n_j` the number of samples whose true set contains label
    :math:`j`:

    .. math:: F1_{weighted} = \sum_{j} \frac{n_j}{\sum_k n_k} F1_j

    **Unknown labels.** :math:`F1_j` is computed on the rows where label
    :math:`j` is known (see :func:`per_label_f1`) and :math:`n_j` is the
    (weighted) number of *known* positives of label :math:`j`; a label
    without any known entry has :math:`n_j = 0` and is left out (an
    ``UndefinedMetricWarning`` names it). NaN if no label has a known entry.

    Examples
    --------
    >>> from skmml.metrics import weighted_f1
    >>> weighted_f1([[1, 0, 1], [1, 1, 0]], [[1, 1, 1], [0, 1, 0]])
    0.75
    """
    return _f1(Y_true, Y_pred, "weighted", sample_weight, zero_division)


def example_f1(Y_true, Y_pred, *, sample_weight=None, zero_division=0.0):
    r"""Mean over samples of the F1 between true and predicted label sets.

    {params}
    Returns
    -------
    score : float
        Between 0 and 1 (perfect). Equals
        ``sklearn.metrics.f1_score(..., average="samples")``.

    Notes
    -----
    .. math:: F1_{example} = \frac{1}{N} \sum_{i=1}^{N}
              \frac{2 |Y_i \cap \Theta_i|}{|Y_i| + |\Theta_i|}

    A sample with an empty true *and* predicted set scores
    ``zero_division`` (0.0 by default; MULAN counts it as 1.0, pass
    ``zero_division=1.0`` for that convention).

    **Unknown labels.** The sets of sample :math:`i` are restricted to its
    known labels :math:`K_i`: :math:`Y_i` holds the known positives and
    :math:`\Theta_i` the predicted labels among :math:`K_i`; a prediction
    on an unknown entry is ignored. A sample with known entries but empty
    restricted sets scores ``zero_division`` as above; a sample without
    any known entry is left out of the (weighted) mean. NaN, with an
    ``UndefinedMetricWarning``, if no sample has a known entry.

    Examples
    --------
    >>> from skmml.metrics import example_f1
    >>> example_f1([[1, 0, 1], [0, 1, 0]], [[1, 1, 1], [0, 1, 0]])
    0.9
    """
    return _f1(Y_true, Y_pred, "samples", sample_weight, zero_division)


def per_label_f1(Y_true, Y_pred, *, sample_weight=None, zero_division=0.0):
    r"""F1 score of each label.

    {params}
    Returns
    -------
    scores : ndarray of shape (n_labels,)
        F1 of each column. Equals ``sklearn.metrics.f1_score(...,
        average=None)`` on a complete ``Y_true``.

    Notes
    -----
    The F1 score of label :math:`j`:

    .. math:: F1_j = \frac{2 TP_j}{2 TP_j + FP_j + FN_j}

    **Unknown labels.** :math:`TP_j, FP_j, FN_j` are counted on the rows
    where label :math:`j` is known, so an unknown entry equals deleting that
    row for that label. A label without any known entry has no F1: it is
    NaN, whatever ``zero_division`` (an ``UndefinedMetricWarning`` names
    it). A label with known entries but no true nor predicted positive among
    them scores ``zero_division`` as usual.

    Examples
    --------
    >>> from skmml.metrics import per_label_f1
    >>> per_label_f1([[1, 0, 1], [0, 1, 0]], [[1, 1, 1], [0, 1, 0]])
    array([1.        , 0.66666667, 1.        ])
    """
    return _f1(Y_true, Y_pred, None, sample_weight, zero_division)


for _func in (micro_f1, macro_f1, weighted_f1, example_f1, per_label_f1):
    _func.__doc__ = _func.__doc__.replace("{params}", _F1_PARAMS.strip("\n")[4:] + "\n")
del _func


# ---------------------------------------------------------------------------
# ranking metrics


def _rank_counts(Y_true, Y_score):
    """Tie-aware rank counts of every label of every sample.

    Returns ``n_above`` and ``n_rel_above`` of shape (n_samples, n_labels):
    the number of labels, resp. relevant labels, whose score is >= the
    label's own score (the label itself included). Ties thus give every
    tied label the worst rank of its group, which is how scikit-learn's
    ranking metrics resolve ties.
    """
    n_samples, n_labels = Y_score.shape
    order = np.argsort(-Y_score, axis=1)
    sorted_scores = np.take_along_axis(Y_score, order, axis=1)
    sorted_rel = np.take_along_axis(Y_true, order, axis=1)
    # position of the last member of each tie group, propagated backwards
    positions = np.arange(n_labels)
    is_last = np.ones((n_samples, n_labels), dtype=bool)
    is_last[:, :-1] = sorted_scores[:, :-1] != sorted_scores[:, 1:]
    group_end = np.where(is_last, positions, n_labels)
    group_end = np.minimum.accumulate(group_end[:, ::-1], axis=1)[:, ::-1]
    sorted_n_above = group_end + 1
    rel_cumsum = np.cumsum(sorted_rel, axis=1)
    sorted_n_rel_above = np.take_along_axis(rel_cumsum, group_end, axis=1)
    n_above = np.empty_like(sorted_n_above)
    n_rel_above = np.empty_like(sorted_n_rel_above)
    np.put_along_axis(n_above, order, sorted_n_above, axis=1)
    np.put_along_axis(n_rel_above, order, sorted_n_rel_above, axis=1)
    return n_above, n_rel_above


def _known_scores(Y_score, observed):
    """Scores with the unknown entries at -inf: they are never ranked above a
    known label, so the ranks of the known labels are ranks among them only."""
    return np.where(observed, Y_score, -np.inf)


def _score_blocks(Y_true, Y_score, observed):
    """Row blocks ``(rows, Y_true, Y_score, observed)`` of the ranking inputs.

    Every ranking quantity is computed row by row, so the blocks give the
    values of the whole matrices with temporaries of one block only. The
    scores of a block are float64, at -inf where unknown; ``observed`` is
    None for a complete ``Y_true``.
    """
    for rows in _row_blocks(*Y_true.shape):
        scores = np.asarray(Y_score[rows], dtype=np.float64)
        known = None
        if observed is not None:
            known = observed[rows]
            scores = _known_scores(scores, known)
        yield rows, Y_true[rows], scores, known


_UNKNOWN_RANKING = r"""**Unknown labels.** Each sample is ranked among its *known*
    labels :math:`K_i` only: :math:`Y_i` holds its known positives,
    :math:`\bar Y_i` its known negatives, :math:`\text{rank}_i(j)` counts
    the labels of :math:`K_i` scored at least as high as :math:`j` (the top
    label is the top known label), and an unknown label is neither relevant
    nor irrelevant and never pushes a rank. A sample with known labels but
    no known positive follows the convention above for samples without a
    relevant label; a sample without any known label is left out of the
    (weighted) mean. NaN, with an ``UndefinedMetricWarning``, if no sample
    has a known label. This equals deleting the unknown entries of each row."""

_RANKING_PARAMS = """
    Parameters
    ----------
    Y_true : {array-like, sparse matrix} of shape (n_samples, n_labels)
        True binary indicator matrix; NaN marks an unknown entry (see
        Notes).
    Y_score : array-like of shape (n_samples, n_labels)
        Real-valued scores, higher meaning more likely relevant: the output
        of ``decision_function`` or the positive-class probabilities of
        ``predict_proba``; NaN is an error here.
    sample_weight : array-like of shape (n_samples,), default=None
        Non-negative sample weights.
"""


def mean_average_precision(Y_true, Y_score, *, sample_weight=None):
    r"""Mean over samples of the average precision of the label ranking.

    {params}
    Returns
    -------
    score : float
        Between 0 and 1 (perfect); higher is better. Equals
        :func:`sklearn.metrics.label_ranking_average_precision_score`.

    Notes
    -----
    Pouyanfar et al. (2018, Sec. IV-B) define MAP as "the average of the
    Average Precision (AP) over all the instances". For sample :math:`i`
    with relevant set :math:`Y_i` and :math:`\text{rank}_i(j)` the number of
    labels scored at least as high as :math:`j`:

    .. math:: AP_i = \frac{1}{|Y_i|} \sum_{j \in Y_i}
              \frac{|\{k \in Y_i : \text{rank}_i(k) \le \text{rank}_i(j)\}|}
              {\text{rank}_i(j)}, \qquad MAP = \frac{1}{N}\sum_i AP_i

    Tied scores share the worst rank of their group. A sample **without any
    relevant label scores 1.0**, as in scikit-learn; on imbalanced data this
    inflates MAP, so to leave such samples out pass
    ``sample_weight=Y_true.sum(axis=1) > 0``.

    {unknown}

    References
    ----------
    .. [1] S. Pouyanfar, T. Wang and S.-C. Chen, "A multi-label multimodal
       deep learning framework for imbalanced data classification", IEEE
       MIPR 2019.

    Examples
    --------
    >>> from skmml.metrics import mean_average_precision
    >>> Y_true = [[1, 0, 0], [0, 0, 1]]
    >>> Y_score = [[0.75, 0.5, 1.0], [1.0, 0.2, 0.1]]
    >>> mean_average_precision(Y_true, Y_score)  # (1/2 + 1/3) / 2
    0.4166...

    With unknown entries each row is ranked among its known labels:

    >>> import numpy as np
    >>> Y_partial = [[1, 0, np.nan], [0, np.nan, 1]]
    >>> mean_average_precision(Y_partial, Y_score)  # (1 + 1/2) / 2
    0.75
    """
    Y_true, Y_score, weights, observed = _check_ranking(
        Y_true, Y_score, sample_weight, keep_float=True
    )
    ap = np.ones(Y_true.shape[0])
    for rows, true, scores, _ in _score_blocks(Y_true, Y_score, observed):
        n_above, n_rel_above = _rank_counts(true, scores)
        n_relevant = true.sum(axis=1)
        precision_sum = np.where(true, n_rel_above / n_above, 0.0).sum(axis=1)
        has_relevant = n_relevant > 0
        ap_block = ap[rows]  # a view
        ap_block[has_relevant] = precision_sum[has_relevant] / n_relevant[has_relevant]
    if observed is not None:
        return _known_rows_average(ap, observed, weights, "Mean average precision")
    return _average(ap, weights)


def ranking_loss(Y_true, Y_score, *, sample_weight=None):
    r"""Fraction of (relevant, irrelevant) label pairs ranked in the wrong order.

    {params}
    Returns
    -------
    loss : float
        Between 0 (perfect) and 1; lower is better. Equals
        :func:`sklearn.metrics.label_ranking_loss`.

    Notes
    -----
    With :math:`\bar Y_i` the irrelevant labels of sample :math:`i` and
    :math:`f_{ij}` the scores:

    .. math:: RL = \frac{1}{N} \sum_{i} \frac{|\{(j, k) \in Y_i \times
              \bar Y_i : f_{ij} \le f_{ik}\}|}{|Y_i| \, |\bar Y_i|}

    A tie between a relevant and an irrelevant label counts as a wrongly
    ordered pair. Samples whose labels are all relevant or all irrelevant
    have no pair and contribute 0, as in scikit-learn.

    {unknown}

    References
    ----------
    .. [1] M.-L. Zhang and Z.-H. Zhou, "A review on multi-label learning
       algorithms", IEEE TKDE 26(8), 2014.

    Examples
    --------
    >>> from skmml.metrics import ranking_loss
    >>> Y_true = [[1, 0, 0], [0, 0, 1]]
    >>> Y_score = [[0.75, 0.5, 1.0], [1.0, 0.2, 0.1]]
    >>> ranking_loss(Y_true, Y_score)  # (1/2 + 2/2) / 2
    0.75
    """
    Y_true, Y_score, weights, observed = _check_ranking(
        Y_true, Y_score, sample_weight, keep_float=True
    )
    loss = np.zeros(Y_true.shape[0])
    for rows, true, scores, known in _score_blocks(Y_true, Y_score, observed):
        n_labels = true.shape[1] if known is None else known.sum(axis=1)
        n_above, n_rel_above = _rank_counts(true, scores)
        n_relevant = true.sum(axis=1)
        n_pairs = n_relevant * (n_labels - n_relevant)
        # irrelevant labels scored >= each relevant one
        n_wrong = np.where(true, n_above - n_rel_above, 0).sum(axis=1)
        has_pairs = n_pairs > 0
        loss_block = loss[rows]  # a view
        loss_block[has_pairs] = n_wrong[has_pairs] / n_pairs[has_pairs]
    if observed is not None:
        return _known_rows_average(loss, observed, weights, "Ranking loss")
    return _average(loss, weights)


def coverage(Y_true, Y_score, *, sample_weight=None):
    r"""Mean depth of the ranking needed to cover all relevant labels.

    {params}
    Returns
    -------
    coverage : float
        Between 1 and n_labels for samples with a relevant label (0 for
        samples without one); lower is better. Equals
        :func:`sklearn.metrics.coverage_error`.

    Notes
    -----
    With :math:`\text{rank}_i(j)` the number of labels scored at least as
    high as :math:`j` (so tied labels share the worst rank):

    .. math:: \text{coverage} = \frac{1}{N} \sum_{i}
              \max_{j \in Y_i} \text{rank}_i(j)

    This follows scikit-learn's ``coverage_error``, not the MULAN / Zhang &
    Zhou (2014) definition, which is this value minus one: skmml matches
    scikit-learn wherever both compute the same quantity, and the
    1-based count reads directly as "how many top labels to keep". Subtract
    1 to compare with MULAN tables. Samples without any relevant label
    contribute 0.

    {unknown}

    References
    ----------
    .. [1] M.-L. Zhang and Z.-H. Zhou, "A review on multi-label learning
       algorithms", IEEE TKDE 26(8), 2014.

    Examples
    --------
    >>> from skmml.metrics import coverage
    >>> Y_true = [[1, 0, 0], [0, 0, 1]]
    >>> Y_score = [[0.75, 0.5, 1.0], [1.0, 0.2, 0.1]]
    >>> coverage(Y_true, Y_score)  # (2 + 3) / 2
    2.5
    """
    Y_true, Y_score, weights, observed = _check_ranking(
        Y_true, Y_score, sample_weight, keep_float=True
    )
    depth = np.empty(Y_true.shape[0], dtype=np.intp)
    for rows, true, scores, _ in _score_blocks(Y_true, Y_score, observed):
        # every label scored >= the lowest relevant score must be kept; a row
        # without relevant labels gets +inf there and so a depth of 0
        lowest_relevant = np.where(true, scores, np.inf).min(axis=1, keepdims=True)
        depth[rows] = np.count_nonzero(scores >= lowest_relevant, axis=1)
    if observed is not None:
        return _known_rows_average(depth, observed, weights, "Coverage")
    return _average(depth, weights)


def one_error(Y_true, Y_score, *, sample_weight=None):
    r"""Fraction of samples whose top-ranked label is not relevant.

    {params}
    Returns
    -------
    error : float
        Between 0 (perfect) and 1; lower is better.

    Notes
    -----
    .. math:: \text{OneError} = \frac{1}{N} \sum_{i}
              [\![\arg\max_j f_{ij} \notin Y_i]\!]

    **Ties:** when several labels share the top score, the sample counts
    as an error unless *all* of them are relevant. This resolves ties
    against the predictor, like scikit-learn's ranking metrics do, does not
    depend on the column order, and keeps a constant scorer from looking
    good. A sample without any relevant label is always an error (its top
    label cannot be relevant); pass ``sample_weight=Y_true.sum(axis=1) > 0``
    to leave such samples out.

    {unknown}

    References
    ----------
    .. [1] M.-L. Zhang and Z.-H. Zhou, "A review on multi-label learning
       algorithms", IEEE TKDE 26(8), 2014.

    Examples
    --------
    >>> from skmml.metrics import one_error
    >>> Y_true = [[1, 0, 0], [0, 0, 1], [1, 1, 0]]
    >>> Y_score = [[0.75, 0.5, 1.0], [0.1, 0.2, 0.9], [0.5, 0.5, 0.1]]
    >>> one_error(Y_true, Y_score)
    0.3333...
    """
    Y_true, Y_score, weights, observed = _check_ranking(
        Y_true, Y_score, sample_weight, keep_float=True
    )
    error = np.empty(Y_true.shape[0], dtype=bool)
    for rows, true, scores, known in _score_blocks(Y_true, Y_score, observed):
        is_top = scores == scores.max(axis=1, keepdims=True)
        if known is not None:
            is_top &= known
        error[rows] = np.any(is_top & ~true, axis=1)
    if observed is not None:
        return _known_rows_average(error, observed, weights, "One-error")
    return _average(error, weights)


for _func in (mean_average_precision, ranking_loss, coverage, one_error):
    _func.__doc__ = _func.__doc__.replace(
        "{params}", _RANKING_PARAMS.strip("\n")[4:] + "\n"
    ).replace("{unknown}", _UNKNOWN_RANKING)
del _func
