"""Metrics of one frequency group: macro-F1 and average precision of its labels."""

import warnings

import numpy as np
from sklearn.exceptions import UndefinedMetricWarning
from sklearn.metrics import average_precision_score

from ._grouping import _check_group, _resolve_groups
from ._multilabel import _check_bipartition, _check_ranking, per_label_f1


def _per_label_ap(Y_true, Y_score, weights, observed=None):
    """Average precision of each label; NaN for a label without positives.

    With ``observed``, label ``j`` is scored on its known rows only.
    """
    ap = np.full(Y_true.shape[1], np.nan)
    for j in range(Y_true.shape[1]):
        y, score, w = Y_true[:, j], Y_score[:, j], weights
        if observed is not None:
            rows = observed[:, j]
            y, score = y[rows], score[rows]
            w = None if weights is None else weights[rows]
        positives = y if w is None else y & (w > 0)
        if positives.any():
            ap[j] = average_precision_score(y, score, sample_weight=w)
    return ap


def _nanmean_or_nan(values):
    values = values[~np.isnan(values)]
    return float(values.mean()) if values.size else float("nan")


def _warn_empty(group, what):
    warnings.warn(
        f"{what} of the {group!r} group is undefined: no label falls in it "
        "(or none of its labels has a known entry in Y_true, or, for average "
        "precision, a known positive sample); returning NaN.",
        UndefinedMetricWarning,
        stacklevel=3,
    )


def group_macro_f1(
    Y_true,
    Y_pred,
    *,
    group="tail",
    Y_train=None,
    label_groups=None,
    grouping="quantile",
    thresholds=None,
    sample_weight=None,
    zero_division=0.0,
):
    r"""Macro-F1 over the labels of one frequency group (head, medium or tail).

    Parameters
    ----------
    Y_true : {array-like, sparse matrix} of shape (n_samples, n_labels)
        True binary indicator matrix of the evaluation samples; NaN marks an
        unknown entry (see Notes).
    Y_pred : {array-like, sparse matrix} of shape (n_samples, n_labels)
        Predicted binary indicator matrix (complete).
    group : {"head", "medium", "tail"}, default="tail"
        Group whose labels are averaged.
    Y_train : {array-like, sparse matrix} of shape (n_train, n_labels), default=None
        Training labels from which the groups are computed with
        :func:`head_medium_tail_groups` (NaN entries are unknown and not
        counted). Exactly one of ``Y_train`` and ``label_groups`` is
        required.
    label_groups : array-like of str of shape (n_labels,), default=None
        Precomputed group of each label.
    grouping : {"quantile", "count"}, default="quantile"
        Grouping rule applied to ``Y_train``; see
        :func:`head_medium_tail_groups`.
    thresholds : (float, float), default=None
        Group bounds applied to ``Y_train``; see
        :func:`head_medium_tail_groups`.
    sample_weight : array-like of shape (n_samples,), default=None
        Non-negative weights of the evaluation samples.
    zero_division : {0.0, 1.0, np.nan}, default=0.0
        F1 of a label with no true and no predicted positive.

    Returns
    -------
    score : float
        Mean of the per-label F1 over the group; NaN (with an
        ``UndefinedMetricWarning``) if the group has no label.

    Notes
    -----
    With :math:`G` the labels of the group and :math:`F1_j` the F1 of label
    :math:`j` (:func:`per_label_f1`):

    .. math:: F1_{macro}(G) = \frac{1}{|G|} \sum_{j \in G} F1_j

    **Unknown labels.** :math:`F1_j` is computed on the rows where label
    :math:`j` is known in ``Y_true``, and a label of the group without any
    known entry is left out of :math:`G` (NaN, with an
    ``UndefinedMetricWarning``, if no label of the group is left).

    Examples
    --------
    >>> from skmml.metrics import group_macro_f1
    >>> Y_train = [[1, 1, 0], [1, 0, 0], [1, 1, 1], [1, 0, 0]]
    >>> Y_true = [[1, 0, 1], [1, 1, 0]]
    >>> Y_pred = [[1, 0, 0], [1, 1, 0]]
    >>> group_macro_f1(Y_true, Y_pred, group="tail", Y_train=Y_train)
    0.0
    >>> group_macro_f1(Y_true, Y_pred, group="head", Y_train=Y_train)
    1.0
    """
    _check_group(group)
    Y_true, Y_pred, _, observed = _check_bipartition(Y_true, Y_pred, sample_weight)
    groups = _resolve_groups(
        Y_true.shape[1], Y_train, label_groups, grouping, thresholds
    )
    in_group = groups == group
    if observed is not None:
        in_group &= observed.any(axis=0)
    columns = np.flatnonzero(in_group)
    if columns.size == 0:
        _warn_empty(group, "Macro-F1")
        return float("nan")
    f1 = per_label_f1(
        Y_true[:, columns],
        Y_pred[:, columns],
        sample_weight=sample_weight,
        zero_division=zero_division,
    )
    return float(np.mean(f1))


def group_average_precision(
    Y_true,
    Y_score,
    *,
    group="tail",
    Y_train=None,
    label_groups=None,
    grouping="quantile",
    thresholds=None,
    sample_weight=None,
):
    r"""Mean per-label average precision over one frequency group.

    Parameters
    ----------
    Y_true : {array-like, sparse matrix} of shape (n_samples, n_labels)
        True binary indicator matrix of the evaluation samples; NaN marks an
        unknown entry (see Notes).
    Y_score : array-like of shape (n_samples, n_labels)
        Real-valued label scores, higher meaning more likely positive
        (``decision_function`` or positive-class ``predict_proba``).
    group : {"head", "medium", "tail"}, default="tail"
        Group whose labels are averaged.
    Y_train : {array-like, sparse matrix} of shape (n_train, n_labels), default=None
        Training labels from which the groups are computed (NaN entries are
        unknown and not counted). Exactly one of ``Y_train`` and
        ``label_groups`` is required.
    label_groups : array-like of str of shape (n_labels,), default=None
        Precomputed group of each label.
    grouping : {"quantile", "count"}, default="quantile"
        Grouping rule applied to ``Y_train``.
    thresholds : (float, float), default=None
        Group bounds applied to ``Y_train``.
    sample_weight : array-like of shape (n_samples,), default=None
        Non-negative weights of the evaluation samples.

    Returns
    -------
    score : float
        Mean, over the labels of the group that have at least one positive
        sample in ``Y_true``, of :func:`sklearn.metrics.average_precision_score`
        computed label by label. NaN (with an ``UndefinedMetricWarning``)
        if there is no such label.

    Notes
    -----
    Average precision of label :math:`j` with precision :math:`P_n` and
    recall :math:`R_n` at the :math:`n`-th score threshold:

    .. math:: AP_j = \sum_n (R_n - R_{n-1}) P_n

    A label with no positive evaluation sample has no defined AP and is left
    out of the mean rather than counted as 0 (scikit-learn's
    ``average="macro"`` counts it as 0); tail labels often have no positive
    in a small test fold.

    **Unknown labels.** :math:`AP_j` is computed on the rows where label
    :math:`j` is known in ``Y_true`` (an unknown entry equals deleting that
    row for that label); a label without a known positive is left out as
    above.

    Examples
    --------
    >>> from skmml.metrics import group_average_precision
    >>> Y_train = [[1, 1, 0], [1, 0, 0], [1, 1, 1], [1, 0, 0]]
    >>> Y_true = [[1, 0, 1], [1, 1, 0], [0, 0, 0]]
    >>> Y_score = [[0.9, 0.1, 0.2], [0.8, 0.7, 0.6], [0.1, 0.2, 0.3]]
    >>> group_average_precision(Y_true, Y_score, group="tail", Y_train=Y_train)
    0.333...
    """
    _check_group(group)
    Y_true, Y_score, weights, observed = _check_ranking(Y_true, Y_score, sample_weight)
    groups = _resolve_groups(
        Y_true.shape[1], Y_train, label_groups, grouping, thresholds
    )
    columns = np.flatnonzero(groups == group)
    value = float("nan")
    if columns.size:
        value = _nanmean_or_nan(
            _per_label_ap(
                Y_true[:, columns],
                Y_score[:, columns],
                weights,
                None if observed is None else observed[:, columns],
            )
        )
    if np.isnan(value):
        _warn_empty(group, "Average precision")
    return value
