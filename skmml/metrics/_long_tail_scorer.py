"""Scorer of one frequency group (head, medium or tail) for model selection."""

import numpy as np
import scipy.sparse as sp
from sklearn.metrics._scorer import _BaseScorer

from ..utils import check_multilabel_indicator
from ._group_metrics import group_average_precision, group_macro_f1
from ._grouping import (
    _check_group,
    _check_label_groups,
    _check_thresholds,
    _groups_from_counts,
    head_medium_tail_groups,
)
from ._response import _RANKING_RESPONSE, _ranking_response

_METRICS = ("macro_f1", "average_precision")


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
        "in skmml.model_selection.LabelCountingClassifier, or build the scorer "
        "with "
        "make_long_tail_scorer(Y_train=...) or (label_groups=...)."
    )


class _LongTailScorer(_BaseScorer):
    """Scorer ``scorer(estimator, X, Y, sample_weight=None)`` for one group.

    Built by :func:`make_long_tail_scorer`; see there for the routes. A
    scikit-learn scorer, so it takes part in metadata routing
    (``set_score_request``).
    """

    def __init__(self, group, metric, groups, grouping, thresholds, zero_division):
        if metric == "macro_f1":
            func, kwargs, response = group_macro_f1, {}, "predict"
            kwargs = {"zero_division": zero_division}
        else:
            func, kwargs, response = group_average_precision, {}, _RANKING_RESPONSE
        super().__init__(func, 1, kwargs, response)
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

    def _score(self, method_caller, estimator, X, y_true, **kwargs):
        Y_true = check_multilabel_indicator(y_true, name="Y", allow_unknown=True)
        groups = self._label_groups(estimator, Y_true.shape[1])
        if self._metric == "macro_f1":
            response = estimator.predict(X)
            if sp.issparse(response):
                response = response.tocsr()
        else:
            response = _ranking_response(estimator, X, self._response_method)
        return self._score_func(
            Y_true,
            response,
            group=self._group,
            label_groups=groups,
            **{**self._kwargs, **kwargs},
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
      it in :class:`~skmml.model_selection.LabelCountingClassifier`.
      *Guarantee*: the groups are those of the exact training set of the
      model being scored -- the training part of each CV fold, in nested CV
      too -- and never use the test labels.
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
        Training labels for fixed groups (NaN entries are unknown and not
        counted).
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

    Notes
    -----
    The evaluation labels may be partial (NaN = unknown): the scorer then
    returns :func:`group_macro_f1` or :func:`group_average_precision` of the
    known entries, as documented there, so it works in ``GridSearchCV`` on a
    partially labelled target with an estimator that accepts one.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn.model_selection import GridSearchCV, KFold
    >>> from sklearn.neighbors import KNeighborsClassifier
    >>> from skmml.metrics import make_long_tail_scorer
    >>> from skmml.model_selection import LabelCountingClassifier
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
