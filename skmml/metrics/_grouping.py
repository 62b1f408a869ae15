"""Head / medium / tail grouping of labels by their training frequency.

The grouping never looks at the labels being evaluated, so a label keeps the
group it had when the model was trained even if it happens to be rare in a
test fold.
"""

import numbers

import numpy as np
from scipy.stats import rankdata

from ..utils import check_multilabel_indicator, label_counts

GROUPS = ("head", "medium", "tail")
_GROUPINGS = ("quantile", "count")
_DEFAULT_THRESHOLDS = {"quantile": (1 / 3, 2 / 3), "count": (20, 100)}


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


def head_medium_tail_groups(Y_train, *, grouping="quantile", thresholds=None):
    r"""Assign each label to the head, medium or tail group by training frequency.

    Parameters
    ----------
    Y_train : {array-like, sparse matrix} of shape (n_samples, n_labels)
        Training label indicator matrix. Pass the labels the model is
        trained on, never the labels it is evaluated on. NaN marks an
        unknown entry, which is not counted (see Notes).
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

    **Unknown labels.** :math:`n_j` is the number of *known* positive
    training samples of label :math:`j` (:func:`skmml.utils.label_counts`):
    an unknown entry counts neither as a positive nor as a negative. This is
    the number of positive examples a model trained on the known entries
    sees, which is what head, medium and tail describe; it is not rescaled
    by the number of known entries.

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
    Y_train = check_multilabel_indicator(Y_train, name="Y_train", allow_unknown=True)
    return _groups_from_counts(label_counts(Y_train), grouping, thresholds)


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
    Y_train = check_multilabel_indicator(Y_train, name="Y_train", allow_unknown=True)
    if Y_train.shape[1] != n_labels:
        raise ValueError(
            f"Y_train has {Y_train.shape[1]} labels but the evaluated "
            f"matrices have {n_labels}."
        )
    return _groups_from_counts(label_counts(Y_train), grouping, thresholds)


def _check_group(group):
    if group not in GROUPS:
        raise ValueError(f"group must be one of {list(GROUPS)}; got {group!r}.")
