"""Head / medium / tail report of a multi-label classifier."""

import numpy as np

from ._group_metrics import _nanmean_or_nan, _per_label_ap
from ._grouping import GROUPS, _resolve_groups
from ._multilabel import _check_bipartition, _check_ranking, micro_f1, per_label_f1


class LongTailReport:
    """Per-group F1 and average precision, as returned by :func:`long_tail_report`.

    Attributes
    ----------
    label_groups : ndarray of str of shape (n_labels,)
        Group of each label (computed from the training labels).
    label_names : list of str
        Name of each label.
    per_label_f1 : ndarray of shape (n_labels,)
        F1 of each label on the evaluation samples (on its known entries
        when ``Y_true`` is partial; NaN for a label without any).
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
        True binary indicator matrix of the evaluation samples; NaN marks an
        unknown entry (see Notes).
    Y_pred : {array-like, sparse matrix} of shape (n_samples, n_labels)
        Predicted binary indicator matrix (complete).
    Y_score : array-like of shape (n_samples, n_labels), default=None
        Real-valued label scores for average precision; without it the
        ``average_precision`` entries are NaN.
    Y_train : {array-like, sparse matrix} of shape (n_train, n_labels), \
            default=None
        Training labels from which the groups are computed with
        :func:`head_medium_tail_groups` (NaN entries are unknown and not
        counted). Exactly one of ``Y_train`` and ``label_groups`` is
        required.
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

    Notes
    -----
    **Unknown labels.** With a partial ``Y_true`` every score uses the known
    entries only: ``per_label_f1`` and ``per_label_average_precision`` are
    computed on the rows where each label is known (:func:`per_label_f1`,
    :func:`group_average_precision`) and are NaN for a label without any
    known entry; such a label is left out of its group's ``macro_f1`` and
    ``micro_f1`` (pooled over the known entries, :func:`micro_f1`), though
    ``n_labels`` still counts it. A group whose labels have no known entry
    gets NaN scores.

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
    Y_true, Y_pred, weights, observed = _check_bipartition(
        Y_true, Y_pred, sample_weight
    )
    n_labels = Y_true.shape[1]
    groups = _resolve_groups(n_labels, Y_train, label_groups, grouping, thresholds)
    names = _check_label_names(label_names, n_labels)
    f1 = per_label_f1(
        Y_true, Y_pred, sample_weight=weights, zero_division=zero_division
    )
    ap = None
    if Y_score is not None:
        Y_true_dense, Y_score, _, _ = _check_ranking(Y_true, Y_score, weights)
        ap = _per_label_ap(Y_true_dense, Y_score, weights, observed)
    # labels with a known entry (all of them when Y_true is complete)
    known = np.ones(n_labels, bool) if observed is None else observed.any(axis=0)

    scores = {}
    for group in (*GROUPS, "all"):
        mask = np.ones(n_labels, bool) if group == "all" else groups == group
        n_group = int(np.count_nonzero(mask))
        columns = np.flatnonzero(mask & known)
        row = {
            "n_labels": n_group,
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
