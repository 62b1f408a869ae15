"""Head / medium / tail evaluation of multi-label classifiers.

Labels are grouped by their number of positive samples in the *training*
labels; F1 and average precision are then reported per group. The grouping
never looks at the labels being evaluated, so a label keeps the group it had
when the model was trained even if it happens to be rare in a test fold.
"""

import numbers
import warnings

import numpy as np
import scipy.sparse as sp
from scipy.stats import rankdata
from sklearn.base import BaseEstimator, ClassifierMixin, MetaEstimatorMixin, clone
from sklearn.exceptions import UndefinedMetricWarning
from sklearn.metrics import average_precision_score
from sklearn.tree import DecisionTreeClassifier
from sklearn.utils import get_tags
from sklearn.utils.metaestimators import available_if
from sklearn.utils.multiclass import type_of_target
from sklearn.utils.validation import check_is_fitted

from ..utils import check_multilabel_indicator
from ._multilabel import _check_bipartition, _check_ranking, micro_f1, per_label_f1
from ._scorer import _ranking_response

GROUPS = ("head", "medium", "tail")
_GROUPINGS = ("quantile", "count")
_DEFAULT_THRESHOLDS = {"quantile": (1 / 3, 2 / 3), "count": (20, 100)}
_METRICS = ("macro_f1", "average_precision")


# ---------------------------------------------------------------------------
# grouping


def _check_thresholds(grouping, thresholds):
    """Return ``(low, high)`` as floats after validating them for ``grouping``."""
    if grouping not in _GROUPINGS:
        raise ValueError(
            f"grouping must be one of {list(_GROUPINGS)}; got {grouping!r}."
        )
    if thresholds is None:
        return tuple(float(t) for t in _DEFAULT_THRESHOLDS[grouping])
    try:
        low, high = thresholds
    except (TypeError, ValueError):
        raise ValueError(
            "thresholds must be None or a pair (tail_below, head_above); got "
            f"{thresholds!r}."
        ) from None
    for t in (low, high):
        if not isinstance(t, numbers.Real) or isinstance(t, bool) or not np.isfinite(t):
            raise ValueError(
                f"thresholds must hold two finite numbers; got {thresholds!r}."
            )
    low, high = float(low), float(high)
    if low > high:
        raise ValueError(
            f"thresholds=({low}, {high}): the tail bound must not exceed the "
            "head bound."
        )
    if grouping == "quantile" and not (0.0 <= low and high <= 1.0):
        raise ValueError(
            f"With grouping='quantile' thresholds are fractions of the labels "
            f"in [0, 1]; got ({low}, {high})."
        )
    if grouping == "count" and low < 0:
        raise ValueError(
            f"With grouping='count' thresholds are numbers of positive "
            f"samples and must be non-negative; got ({low}, {high})."
        )
    return low, high


def _groups_from_counts(counts, grouping="quantile", thresholds=None):
    """Group names (ndarray of str) from per-label positive counts."""
    low, high = _check_thresholds(grouping, thresholds)
    counts = np.asarray(counts, dtype=np.float64)
    if grouping == "quantile":
        # mid-rank position in [0, 1]; tied counts share a rank and a group
        value = (rankdata(counts, method="average") - 0.5) / counts.size
    else:
        value = counts
    groups = np.full(counts.size, "medium", dtype=object)
    groups[value < low] = "tail"
    groups[value > high] = "head"
    return groups


def _label_counts(Y):
    """Positive count per label of a validated (dense or CSR) indicator."""
    return np.asarray(Y.sum(axis=0)).ravel().astype(np.int64)


def head_medium_tail_groups(Y_train, *, grouping="quantile", thresholds=None):
    r"""Assign each label to the head, medium or tail group by training frequency.

    Parameters
    ----------
    Y_train : {array-like, sparse matrix} of shape (n_samples, n_labels)
        Training label indicator matrix. Pass the labels the model is
        trained on, never the labels it is evaluated on.
    grouping : {"quantile", "count"}, default="quantile"
        How a label's number of positive training samples :math:`n_j` is
        turned into a group:

        - ``"quantile"``: by the label's position in the ranking of the
          counts (see Notes). With the default thresholds the labels are
          split into thirds: the least frequent third is the tail, the most
          frequent third the head.
        - ``"count"``: by absolute counts, as in the long-tail literature.
    thresholds : (float, float), default=None
        ``(tail_below, head_above)``: a label is *tail* if its value is
        below ``tail_below``, *head* if it is above ``head_above`` and
        *medium* otherwise. None means ``(1/3, 2/3)`` for ``"quantile"``
        and ``(20, 100)`` positive samples for ``"count"``.

    Returns
    -------
    groups : ndarray of str of shape (n_labels,)
        ``"head"``, ``"medium"`` or ``"tail"`` for each label; usable as
        ``label_groups`` in :func:`long_tail_report`,
        :func:`group_macro_f1` and :func:`make_long_tail_scorer`.

    Notes
    -----
    With ``"quantile"``, the value of label :math:`j` among :math:`L`
    labels is its mid-rank position

    .. math:: q_j = \frac{r_j - 1/2}{L},

    where :math:`r_j` is the rank of :math:`n_j` in increasing order (ties
    get their average rank, so labels with equal counts share a group).
    This default suits multi-label data sets of a few thousand samples:
    the absolute bounds of the long-tail benchmarks (many-shot above 100,
    few-shot below 20 training samples [1]_, [2]_) leave the tail empty on
    data such as yeast (least frequent label: 34 of 2417 samples), and an
    empty group has no macro-F1. The relative grouping always fills the
    three groups when there are at least three labels with distinct counts,
    but "tail" then means "rarest third of *these* labels", not "rare in
    absolute terms": use ``grouping="count"`` to compare data sets.
    Labels that all have the same count are all *medium*.

    References
    ----------
    .. [1] Z. Liu, Z. Miao, X. Zhan, J. Wang, B. Gong and S. X. Yu,
       "Large-scale long-tailed recognition in an open world", CVPR 2019.
    .. [2] T. Wu, Q. Huang, Z. Liu, Y. Wang and D. Lin, "Distribution-balanced
       loss for multi-label classification in long-tailed datasets",
       ECCV 2020.

    Examples
    --------
    >>> import numpy as np
    >>> from skmml.metrics import head_medium_tail_groups
    >>> Y_train = np.array([[1, 1, 0], [1, 0, 0], [1, 1, 1], [1, 0, 0]])
    >>> head_medium_tail_groups(Y_train)
    array(['head', 'medium', 'tail'], dtype=object)
    >>> head_medium_tail_groups(Y_train, grouping="count", thresholds=(2, 3))
    array(['head', 'medium', 'tail'], dtype=object)
    """
    Y_train = check_multilabel_indicator(Y_train, name="Y_train")
    return _groups_from_counts(_label_counts(Y_train), grouping, thresholds)


def _check_label_groups(label_groups, n_labels):
    """Validate user-given group names, returned as an object array."""
    if isinstance(label_groups, str):
        raise ValueError(
            "label_groups must be a sequence with one group name per label; "
            "got a single string."
        )
    groups = np.asarray(label_groups, dtype=object)
    if groups.ndim != 1 or groups.shape[0] != n_labels:
        raise ValueError(
            f"label_groups must have shape ({n_labels},), one group name per "
            f"label; got shape {groups.shape}."
        )
    bad = sorted({str(g) for g in groups if g not in GROUPS})
    if bad:
        raise ValueError(f"label_groups may only contain {list(GROUPS)}; found {bad}.")
    return groups


def _resolve_groups(n_labels, Y_train, label_groups, grouping, thresholds):
    """Groups from exactly one of ``Y_train`` and ``label_groups``."""
    if (Y_train is None) == (label_groups is None):
        raise ValueError(
            "Pass exactly one of Y_train (training labels, from which the "
            "groups are computed) and label_groups (one group name per "
            "label)."
        )
    if label_groups is not None:
        return _check_label_groups(label_groups, n_labels)
    Y_train = check_multilabel_indicator(Y_train, name="Y_train")
    if Y_train.shape[1] != n_labels:
        raise ValueError(
            f"Y_train has {Y_train.shape[1]} labels but the evaluated "
            f"matrices have {n_labels}."
        )
    return _groups_from_counts(_label_counts(Y_train), grouping, thresholds)


def _check_group(group):
    if group not in GROUPS:
        raise ValueError(f"group must be one of {list(GROUPS)}; got {group!r}.")


# ---------------------------------------------------------------------------
# per-label scores


def _per_label_ap(Y_true, Y_score, weights):
    """Average precision of each label; NaN for a label without positives."""
    ap = np.full(Y_true.shape[1], np.nan)
    for j in range(Y_true.shape[1]):
        positives = Y_true[:, j] if weights is None else Y_true[:, j] & (weights > 0)
        if positives.any():
            ap[j] = average_precision_score(
                Y_true[:, j], Y_score[:, j], sample_weight=weights
            )
    return ap


def _nanmean_or_nan(values):
    values = values[~np.isnan(values)]
    return float(values.mean()) if values.size else float("nan")


def _warn_empty(group, what):
    warnings.warn(
        f"{what} of the {group!r} group is undefined: no label falls in it "
        "(or, for average precision, none of its labels has a positive "
        "sample in Y_true); returning NaN.",
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
        True binary indicator matrix of the evaluation samples.
    Y_pred : {array-like, sparse matrix} of shape (n_samples, n_labels)
        Predicted binary indicator matrix.
    group : {"head", "medium", "tail"}, default="tail"
        Group whose labels are averaged.
    Y_train : {array-like, sparse matrix} of shape (n_train, n_labels), \
            default=None
        Training labels from which the groups are computed with
        :func:`head_medium_tail_groups`. Exactly one of ``Y_train`` and
        ``label_groups`` is required.
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
    Y_true, Y_pred, _ = _check_bipartition(Y_true, Y_pred, sample_weight)
    groups = _resolve_groups(
        Y_true.shape[1], Y_train, label_groups, grouping, thresholds
    )
    columns = np.flatnonzero(groups == group)
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
        True binary indicator matrix of the evaluation samples.
    Y_score : array-like of shape (n_samples, n_labels)
        Real-valued label scores, higher meaning more likely positive
        (``decision_function`` or positive-class ``predict_proba``).
    group : {"head", "medium", "tail"}, default="tail"
        Group whose labels are averaged.
    Y_train : {array-like, sparse matrix} of shape (n_train, n_labels), \
            default=None
        Training labels from which the groups are computed. Exactly one of
        ``Y_train`` and ``label_groups`` is required.
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
    Y_true, Y_score, weights = _check_ranking(Y_true, Y_score, sample_weight)
    groups = _resolve_groups(
        Y_true.shape[1], Y_train, label_groups, grouping, thresholds
    )
    columns = np.flatnonzero(groups == group)
    value = float("nan")
    if columns.size:
        value = _nanmean_or_nan(
            _per_label_ap(Y_true[:, columns], Y_score[:, columns], weights)
        )
    if np.isnan(value):
        _warn_empty(group, "Average precision")
    return value


# ---------------------------------------------------------------------------
# report


class LongTailReport:
    """Per-group F1 and average precision, as returned by :func:`long_tail_report`.

    Attributes
    ----------
    label_groups : ndarray of str of shape (n_labels,)
        Group of each label (computed from the training labels).
    label_names : list of str
        Name of each label.
    per_label_f1 : ndarray of shape (n_labels,)
        F1 of each label on the evaluation samples.
    per_label_average_precision : ndarray of shape (n_labels,) or None
        Average precision of each label (NaN if the label has no positive
        evaluation sample); None when no scores were given.
    scores : dict
        ``scores[group]`` for ``group`` in ``"head"``, ``"medium"``,
        ``"tail"``, ``"all"`` is a dict with ``n_labels``, ``macro_f1``,
        ``micro_f1`` and ``average_precision`` (NaN when undefined or when
        no scores were given).

    Examples
    --------
    >>> from skmml.metrics import long_tail_report
    >>> Y_train = [[1, 1, 0], [1, 0, 0], [1, 1, 1], [1, 0, 0]]
    >>> Y_true = [[1, 0, 1], [1, 1, 0], [0, 0, 0]]
    >>> Y_pred = [[1, 0, 0], [1, 1, 0], [0, 0, 1]]
    >>> report = long_tail_report(Y_true, Y_pred, Y_train=Y_train)
    >>> report
    LongTailReport(macro_f1: head=1.000, medium=1.000, tail=0.000, all=0.667)
    >>> report.label_groups.tolist(), report.per_label_f1
    (['head', 'medium', 'tail'], array([1., 1., 0.]))
    >>> report.scores["all"]["micro_f1"]
    0.75
    >>> report.to_frame()["macro_f1"].round(3).tolist()
    [1.0, 1.0, 0.0, 0.667]
    """

    def __init__(self, label_groups, label_names, per_label_f1, per_label_ap, scores):
        self.label_groups = label_groups
        self.label_names = label_names
        self.per_label_f1 = per_label_f1
        self.per_label_average_precision = per_label_ap
        self.scores = scores

    def to_frame(self):
        """Return the per-group table as a pandas DataFrame.

        Returns
        -------
        frame : pandas.DataFrame
            One row per group (head, medium, tail, all), columns
            ``n_labels``, ``macro_f1``, ``micro_f1``, ``average_precision``.
        """
        import pandas as pd

        frame = pd.DataFrame.from_dict(self.scores, orient="index")
        frame.index.name = "group"
        return frame

    def to_text(self, digits=3):
        """Return the per-group table as aligned plain text.

        Parameters
        ----------
        digits : int, default=3
            Number of decimals of the scores.

        Returns
        -------
        text : str
        """
        header = f"{'group':<7}{'labels':>7}{'macro-F1':>10}{'micro-F1':>10}{'AP':>10}"
        lines = [header]
        for group, row in self.scores.items():
            cells = [
                f"{row[key]:>10.{digits}f}"
                for key in ("macro_f1", "micro_f1", "average_precision")
            ]
            lines.append(f"{group:<7}{row['n_labels']:>7d}" + "".join(cells))
        return "\n".join(lines)

    def __str__(self):
        return self.to_text()

    def __repr__(self):
        parts = ", ".join(
            f"{g}={self.scores[g]['macro_f1']:.3f}" for g in (*GROUPS, "all")
        )
        return f"LongTailReport(macro_f1: {parts})"


def _check_label_names(label_names, n_labels):
    if label_names is None:
        return [str(j) for j in range(n_labels)]
    if isinstance(label_names, str):
        raise ValueError("label_names must be a sequence of names, not a string.")
    names = [str(n) for n in label_names]
    if len(names) != n_labels:
        raise ValueError(
            f"label_names has {len(names)} name(s) but there are {n_labels} labels."
        )
    return names


def long_tail_report(
    Y_true,
    Y_pred,
    Y_score=None,
    *,
    Y_train=None,
    label_groups=None,
    grouping="quantile",
    thresholds=None,
    label_names=None,
    sample_weight=None,
    zero_division=0.0,
):
    """Report F1 and average precision for head, medium and tail labels.

    Parameters
    ----------
    Y_true : {array-like, sparse matrix} of shape (n_samples, n_labels)
        True binary indicator matrix of the evaluation samples.
    Y_pred : {array-like, sparse matrix} of shape (n_samples, n_labels)
        Predicted binary indicator matrix.
    Y_score : array-like of shape (n_samples, n_labels), default=None
        Real-valued label scores for average precision; without it the
        ``average_precision`` entries are NaN.
    Y_train : {array-like, sparse matrix} of shape (n_train, n_labels), \
            default=None
        Training labels from which the groups are computed with
        :func:`head_medium_tail_groups`. Exactly one of ``Y_train`` and
        ``label_groups`` is required.
    label_groups : array-like of str of shape (n_labels,), default=None
        Precomputed group of each label.
    grouping : {"quantile", "count"}, default="quantile"
        Grouping rule applied to ``Y_train``.
    thresholds : (float, float), default=None
        Group bounds applied to ``Y_train``.
    label_names : sequence of str, default=None
        Names of the labels (default ``"0"``, ``"1"``, ...).
    sample_weight : array-like of shape (n_samples,), default=None
        Non-negative weights of the evaluation samples.
    zero_division : {0.0, 1.0, np.nan}, default=0.0
        F1 of a label with no true and no predicted positive.

    Returns
    -------
    report : LongTailReport
        ``report.scores[group]`` holds ``n_labels``, ``macro_f1`` (mean
        per-label F1 of the group, :func:`group_macro_f1`), ``micro_f1``
        (pooled over the group's labels) and ``average_precision`` (mean
        per-label AP over the group's labels that have a positive sample,
        :func:`group_average_precision`); ``group`` is ``"head"``,
        ``"medium"``, ``"tail"`` or ``"all"``. An empty group gets NaN
        scores (no warning). ``str(report)`` is a table;
        ``report.to_frame()`` a DataFrame.

    See Also
    --------
    head_medium_tail_groups : The grouping rule.
    make_long_tail_scorer : The tail macro-F1 as a model-selection scorer.

    Examples
    --------
    >>> from skmml.metrics import long_tail_report
    >>> Y_train = [[1, 1, 0], [1, 0, 0], [1, 1, 1], [1, 0, 0]]
    >>> Y_true = [[1, 0, 1], [1, 1, 0], [0, 0, 0]]
    >>> Y_pred = [[1, 0, 0], [1, 1, 0], [0, 0, 1]]
    >>> Y_score = [[0.9, 0.1, 0.2], [0.8, 0.7, 0.6], [0.1, 0.2, 0.3]]
    >>> report = long_tail_report(Y_true, Y_pred, Y_score, Y_train=Y_train)
    >>> print(report)
    group   labels  macro-F1  micro-F1        AP
    head         1     1.000     1.000     1.000
    medium       1     1.000     1.000     1.000
    tail         1     0.000     0.000     0.333
    all          3     0.667     0.750     0.778
    """
    Y_true, Y_pred, weights = _check_bipartition(Y_true, Y_pred, sample_weight)
    n_labels = Y_true.shape[1]
    groups = _resolve_groups(n_labels, Y_train, label_groups, grouping, thresholds)
    names = _check_label_names(label_names, n_labels)
    f1 = per_label_f1(
        Y_true, Y_pred, sample_weight=weights, zero_division=zero_division
    )
    ap = None
    if Y_score is not None:
        Y_true_dense, Y_score, _ = _check_ranking(Y_true, Y_score, weights)
        ap = _per_label_ap(Y_true_dense, Y_score, weights)

    scores = {}
    for group in (*GROUPS, "all"):
        mask = np.ones(n_labels, bool) if group == "all" else groups == group
        columns = np.flatnonzero(mask)
        row = {
            "n_labels": int(columns.size),
            "macro_f1": float("nan"),
            "micro_f1": float("nan"),
            "average_precision": float("nan"),
        }
        if columns.size:
            row["macro_f1"] = float(np.mean(f1[columns]))
            row["micro_f1"] = float(
                micro_f1(
                    Y_true[:, columns],
                    Y_pred[:, columns],
                    sample_weight=weights,
                    zero_division=zero_division,
                )
            )
            if ap is not None:
                row["average_precision"] = _nanmean_or_nan(ap[columns])
        scores[group] = row
    return LongTailReport(groups, names, np.asarray(f1, float), ap, scores)


# ---------------------------------------------------------------------------
# estimator exposing its training label counts


def _fitted_or_param_has(name):
    """available_if check: the fitted (else the unfitted) estimator has ``name``."""

    def check(self):
        inner = getattr(self, "estimator_", None)
        if inner is None:
            inner = self._base_estimator()
        return hasattr(inner, name)

    return check


class LabelCountingClassifier(MetaEstimatorMixin, ClassifierMixin, BaseEstimator):
    """Classifier wrapper that records the number of training samples per label.

    Fits a clone of ``estimator`` and stores ``label_counts_``, which the
    long-tail scorers (:func:`make_long_tail_scorer`, ``get_scorer(
    "tail_macro_f1")``) read to group the labels by their frequency in the
    data the model was actually trained on -- the training part of each
    fold inside ``GridSearchCV`` or ``cross_validate``. Prediction methods
    are delegated unchanged.

    Parameters
    ----------
    estimator : estimator object, default=None
        Classifier to fit; it is cloned, the object passed is left untouched.
        None means ``DecisionTreeClassifier(random_state=0)``, which handles
        multi-label targets natively.

    Attributes
    ----------
    estimator_ : estimator object
        The fitted clone of ``estimator``.
    label_counts_ : ndarray of shape (n_labels,)
        For a multi-label indicator target, the number of training samples
        in which each label is positive. For a binary or multiclass target,
        the number of training samples of each class, in the order of
        ``classes_``.
    classes_ : ndarray or list of ndarray
        ``classes_`` of the fitted estimator.
    n_features_in_ : int
        Number of features seen during fit (if the estimator exposes it).
    feature_names_in_ : ndarray of shape (n_features_in_,)
        Names of features seen during fit (if the estimator exposes them).

    See Also
    --------
    make_long_tail_scorer : Scorer of one frequency group.

    Examples
    --------
    >>> from sklearn.neighbors import KNeighborsClassifier
    >>> from skmml.metrics import LabelCountingClassifier
    >>> X = [[0.0], [0.1], [1.0], [1.1]]
    >>> Y = [[1, 0], [1, 0], [0, 1], [1, 1]]
    >>> clf = LabelCountingClassifier(KNeighborsClassifier(n_neighbors=1))
    >>> clf.fit(X, Y).label_counts_
    array([3, 2])
    >>> clf.predict([[1.05]])
    array([[0, 1]])
    """

    def __init__(self, estimator=None):
        self.estimator = estimator

    def _base_estimator(self):
        if self.estimator is None:
            return DecisionTreeClassifier(random_state=0)
        return self.estimator

    def fit(self, X, y, **fit_params):
        """Record the label counts of ``y`` and fit a clone of the estimator.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            Training data, passed to the estimator unchanged.
        y : array-like of shape (n_samples,) or (n_samples, n_labels)
            Multi-label indicator matrix, or binary / multiclass labels.
        **fit_params : dict
            Passed to the estimator's ``fit``.

        Returns
        -------
        self : LabelCountingClassifier
            The fitted wrapper.
        """
        base = self._base_estimator()
        if not hasattr(base, "fit"):
            raise ValueError(
                "estimator must be a classifier with a fit method or None; "
                f"got {self.estimator!r}."
            )
        if y is None:
            raise ValueError(
                "LabelCountingClassifier requires y to be passed, but the "
                "target y is None: it records the number of training samples "
                "per label."
            )
        self.label_counts_ = _target_counts(y)
        self.estimator_ = clone(base).fit(X, y, **fit_params)
        for name in ("n_features_in_", "feature_names_in_"):
            if hasattr(self.estimator_, name):
                setattr(self, name, getattr(self.estimator_, name))
        return self

    @property
    def classes_(self):
        """Classes of the fitted estimator."""
        check_is_fitted(self)
        return self.estimator_.classes_

    @available_if(_fitted_or_param_has("predict"))
    def predict(self, X):
        """Predict with the fitted estimator.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            Samples.

        Returns
        -------
        Y : ndarray
            Output of ``estimator_.predict(X)``.
        """
        check_is_fitted(self)
        return self.estimator_.predict(X)

    @available_if(_fitted_or_param_has("predict_proba"))
    def predict_proba(self, X):
        """Class probabilities from the fitted estimator.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            Samples.

        Returns
        -------
        proba : ndarray or list of ndarray
            Output of ``estimator_.predict_proba(X)``.
        """
        check_is_fitted(self)
        return self.estimator_.predict_proba(X)

    @available_if(_fitted_or_param_has("predict_log_proba"))
    def predict_log_proba(self, X):
        """Log class probabilities from the fitted estimator.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            Samples.

        Returns
        -------
        log_proba : ndarray or list of ndarray
            Output of ``estimator_.predict_log_proba(X)``.
        """
        check_is_fitted(self)
        return self.estimator_.predict_log_proba(X)

    @available_if(_fitted_or_param_has("decision_function"))
    def decision_function(self, X):
        """Decision scores from the fitted estimator.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            Samples.

        Returns
        -------
        scores : ndarray
            Output of ``estimator_.decision_function(X)``.
        """
        check_is_fitted(self)
        return self.estimator_.decision_function(X)

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        inner = get_tags(self._base_estimator())
        tags.input_tags = inner.input_tags
        tags.target_tags.multi_output = inner.target_tags.multi_output
        if inner.classifier_tags is not None:
            tags.classifier_tags.multi_label = inner.classifier_tags.multi_label
            tags.classifier_tags.poor_score = inner.classifier_tags.poor_score
        return tags


def _target_counts(y):
    """Positive count per label (indicator y) or per class (1-D y)."""
    if sp.issparse(y):
        return _label_counts(check_multilabel_indicator(y, name="y"))
    y = np.asarray(y.to_numpy() if hasattr(y, "to_numpy") else y)
    if y.ndim == 2:
        try:
            return _label_counts(check_multilabel_indicator(y, name="y"))
        except ValueError:
            if y.shape[1] != 1:
                raise
        y = y.ravel()  # a column of class labels
    target = type_of_target(y, input_name="y", raise_unknown=True)
    if target not in ("binary", "multiclass"):
        raise ValueError(
            "y must be a multi-label indicator matrix or binary / multiclass "
            f"labels to count samples per label; got a {target!r} target."
        )
    _, counts = np.unique(y, return_counts=True)
    return counts.astype(np.int64)


# ---------------------------------------------------------------------------
# scorer


def _fitted_label_counts(estimator):
    """``label_counts_`` of the estimator or of the last step of a Pipeline."""
    current = estimator
    while current is not None:
        counts = getattr(current, "label_counts_", None)
        if counts is not None:
            return np.asarray(counts)
        steps = getattr(current, "steps", None)
        current = steps[-1][1] if isinstance(steps, list) and steps else None
    raise ValueError(
        f"{type(estimator).__name__} does not expose label_counts_ (the "
        "number of positive training samples per label), so the long-tail "
        "scorer cannot group the labels by their training frequency. Wrap it "
        "in skmml.metrics.LabelCountingClassifier, or build the scorer with "
        "make_long_tail_scorer(Y_train=...) or (label_groups=...)."
    )


class _LongTailScorer:
    """Scorer ``scorer(estimator, X, Y, sample_weight=None)`` for one group.

    Built by :func:`make_long_tail_scorer`; see there for the routes.
    """

    def __init__(self, group, metric, groups, grouping, thresholds, zero_division):
        self._group = group
        self._metric = metric
        self._groups = groups
        self._grouping = grouping
        self._thresholds = thresholds
        self._zero_division = zero_division

    def _label_groups(self, estimator, n_labels):
        if self._groups is not None:
            groups = self._groups
        else:
            counts = _fitted_label_counts(estimator)
            groups = _groups_from_counts(counts, self._grouping, self._thresholds)
        if groups.shape[0] != n_labels:
            raise ValueError(
                f"The long-tail scorer has groups for {groups.shape[0]} labels "
                f"but the evaluation labels have {n_labels} columns."
            )
        return groups

    def __call__(self, estimator, X, y_true, sample_weight=None):
        Y_true = check_multilabel_indicator(y_true, name="Y")
        groups = self._label_groups(estimator, Y_true.shape[1])
        if self._metric == "macro_f1":
            Y_pred = estimator.predict(X)
            if sp.issparse(Y_pred):
                Y_pred = Y_pred.tocsr()
            return group_macro_f1(
                Y_true,
                Y_pred,
                group=self._group,
                label_groups=groups,
                sample_weight=sample_weight,
                zero_division=self._zero_division,
            )
        scores = _ranking_response(estimator, X, ("decision_function", "predict_proba"))
        return group_average_precision(
            Y_true,
            scores,
            group=self._group,
            label_groups=groups,
            sample_weight=sample_weight,
        )

    def __repr__(self):
        route = "fitted label_counts_" if self._groups is None else "fixed groups"
        return (
            f"_LongTailScorer(group={self._group!r}, metric={self._metric!r}, "
            f"groups from {route})"
        )


def make_long_tail_scorer(
    group="tail",
    *,
    metric="macro_f1",
    Y_train=None,
    label_groups=None,
    grouping="quantile",
    thresholds=None,
    zero_division=0.0,
):
    """Make a scorer of one frequency group for ``GridSearchCV`` and friends.

    A scikit-learn scorer is called as ``scorer(estimator, X_test, Y_test)``
    and never sees the training labels, yet the groups must come from them.
    The scorer gets them by one of two routes:

    - **From the fitted estimator** (``Y_train`` and ``label_groups`` both
      None): the scorer reads ``label_counts_``, the number of positive
      training samples per label, from the estimator (or the last step of a
      Pipeline) at each call, and groups the labels with ``grouping`` and
      ``thresholds``. Any estimator can be given this attribute by wrapping
      it in :class:`LabelCountingClassifier`. *Guarantee*: the groups are
      those of the exact training set of the model being scored -- the
      training part of each CV fold, in nested CV too -- and never use the
      test labels.
    - **Fixed groups** (``Y_train=`` or ``label_groups=``): the groups are
      computed once, when the scorer is made, and used for every call.
      *Guarantee*: only that the groups come from what you passed. If you
      pass the labels of the whole search set, every validation fold is
      part of it, so its label frequencies (not its predictions) leak into
      the grouping. Use this route with labels that exclude the evaluation
      data, e.g. a separate training set, or when the groups are defined
      externally.

    Parameters
    ----------
    group : {"head", "medium", "tail"}, default="tail"
        Group whose labels are scored.
    metric : {"macro_f1", "average_precision"}, default="macro_f1"
        ``"macro_f1"`` calls ``predict`` and returns :func:`group_macro_f1`;
        ``"average_precision"`` calls ``decision_function`` (else
        ``predict_proba``) and returns :func:`group_average_precision`.
    Y_train : {array-like, sparse matrix} of shape (n_train, n_labels), \
            default=None
        Training labels for fixed groups.
    label_groups : array-like of str of shape (n_labels,), default=None
        Fixed group of each label.
    grouping : {"quantile", "count"}, default="quantile"
        Grouping rule (see :func:`head_medium_tail_groups`).
    thresholds : (float, float), default=None
        Group bounds (see :func:`head_medium_tail_groups`).
    zero_division : {0.0, 1.0, np.nan}, default=0.0
        F1 of a label with no true and no predicted positive.

    Returns
    -------
    scorer : callable
        ``scorer(estimator, X, Y, sample_weight=None)`` returning a float,
        greater is better; NaN (with an ``UndefinedMetricWarning``) if the
        group is empty. The names ``"head_macro_f1"``,
        ``"medium_macro_f1"`` and ``"tail_macro_f1"`` of
        :func:`get_scorer` give the estimator route.

    Raises
    ------
    ValueError
        If both ``Y_train`` and ``label_groups`` are given, or a parameter
        is invalid. At scoring time, if the estimator route is used and the
        estimator has no ``label_counts_``.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn.model_selection import GridSearchCV, KFold
    >>> from sklearn.neighbors import KNeighborsClassifier
    >>> from skmml.metrics import LabelCountingClassifier, make_long_tail_scorer
    >>> rng = np.random.RandomState(0)
    >>> X = rng.normal(size=(60, 3))
    >>> Y = np.column_stack([X[:, 0] > -1, X[:, 1] > 0, X[:, 2] > 1]).astype(int)
    >>> search = GridSearchCV(
    ...     LabelCountingClassifier(KNeighborsClassifier()),
    ...     {"estimator__n_neighbors": [1, 15]},
    ...     scoring=make_long_tail_scorer("tail"),
    ...     cv=KFold(3),
    ... ).fit(X, Y)
    >>> search.best_params_
    {'estimator__n_neighbors': 1}
    >>> search.best_estimator_.label_counts_
    array([53, 35,  7])
    """
    _check_group(group)
    if metric not in _METRICS:
        raise ValueError(f"metric must be one of {list(_METRICS)}; got {metric!r}.")
    _check_thresholds(grouping, thresholds)
    groups = None
    if Y_train is not None and label_groups is not None:
        raise ValueError(
            "Pass at most one of Y_train and label_groups (neither: the "
            "groups are read from the fitted estimator's label_counts_)."
        )
    if Y_train is not None:
        groups = head_medium_tail_groups(
            Y_train, grouping=grouping, thresholds=thresholds
        )
    elif label_groups is not None:
        if isinstance(label_groups, str):
            raise ValueError(
                "label_groups must be a sequence with one group name per "
                "label; got a single string."
            )
        groups = np.asarray(label_groups, dtype=object)
        if groups.ndim != 1:
            raise ValueError(
                "label_groups must be a 1-D sequence with one group name per "
                f"label; got shape {groups.shape}."
            )
        groups = _check_label_groups(groups, groups.shape[0])
    return _LongTailScorer(group, metric, groups, grouping, thresholds, zero_division)
