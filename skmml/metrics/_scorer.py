"""Scorers for multi-label estimators, usable as ``scoring=`` in model selection."""

from sklearn.metrics import get_scorer as _sklearn_get_scorer
from sklearn.metrics import make_scorer
from sklearn.metrics._scorer import _BaseScorer

from ._long_tail_scorer import make_long_tail_scorer
from ._multilabel import (
    coverage,
    example_f1,
    hamming_loss,
    macro_f1,
    mean_average_precision,
    micro_f1,
    one_error,
    ranking_loss,
    subset_accuracy,
    weighted_f1,
)
from ._response import _RANKING_RESPONSE, _ranking_response

# name -> (metric, greater_is_better, needs scores)
_SCORERS = {
    "micro_f1": (micro_f1, True, False),
    "macro_f1": (macro_f1, True, False),
    "example_f1": (example_f1, True, False),
    "weighted_f1": (weighted_f1, True, False),
    "subset_accuracy": (subset_accuracy, True, False),
    "neg_hamming_loss": (hamming_loss, False, False),
    "neg_ranking_loss": (ranking_loss, False, True),
    "mean_average_precision": (mean_average_precision, True, True),
    "neg_one_error": (one_error, False, True),
    "neg_coverage": (coverage, False, True),
}

# Long-tail scorers, kept out of multilabel_scoring(): they need an estimator
# exposing label_counts_ (see make_long_tail_scorer).
_LONG_TAIL_SCORERS = ("head_macro_f1", "medium_macro_f1", "tail_macro_f1")


class _RankingScorer(_BaseScorer):
    """Scorer feeding label scores of a multi-label estimator to a metric.

    ``sklearn.metrics.make_scorer(..., response_method="predict_proba")``
    mishandles multi-label ``predict_proba`` in two cases: with two labels an
    (n, 2) array is read as binary probabilities and cut to one column, and
    in the per-label list format a label seen with one class during fit
    breaks it. This scorer fetches the scores itself; the rest (call
    signature, ``set_score_request``, metadata routing) is scikit-learn's
    scorer.
    """

    def __init__(self, score_func, sign, response_method=_RANKING_RESPONSE):
        super().__init__(score_func, sign, {}, tuple(response_method))

    def _score(self, method_caller, estimator, X, y_true, **kwargs):
        scores = _ranking_response(estimator, X, self._response_method)
        return self._sign * self._score_func(
            y_true, scores, **{**self._kwargs, **kwargs}
        )

    def __repr__(self):
        sign = "" if self._sign > 0 else ", greater_is_better=False"
        return (
            f"_RankingScorer({self._score_func.__name__}{sign}, "
            f"response_method={self._response_method})"
        )


def _make(name):
    func, greater_is_better, needs_scores = _SCORERS[name]
    if needs_scores:
        return _RankingScorer(func, 1 if greater_is_better else -1)
    return make_scorer(
        func, response_method="predict", greater_is_better=greater_is_better
    )


def get_scorer(scoring):
    """Return a scorer by name, skmml's multi-label scorers first.

    Parameters
    ----------
    scoring : str, callable or None
        One of ``"micro_f1"``, ``"macro_f1"``, ``"example_f1"``,
        ``"weighted_f1"``, ``"subset_accuracy"``, ``"neg_hamming_loss"``,
        ``"neg_ranking_loss"``, ``"mean_average_precision"``,
        ``"neg_one_error"``, ``"neg_coverage"``, or one of the long-tail
        scorers ``"head_macro_f1"``, ``"medium_macro_f1"``,
        ``"tail_macro_f1"``; any other string is looked up with
        :func:`sklearn.metrics.get_scorer`. A callable, or None, is
        returned as is (like scikit-learn).

    Returns
    -------
    scorer : callable
        A new scorer ``scorer(estimator, X, Y)`` returning a float, greater
        is better (losses are negated, hence the ``neg_`` prefix).

    Raises
    ------
    ValueError
        If ``scoring`` names neither a skmml nor a scikit-learn scorer.

    Notes
    -----
    The bipartition scorers are ``sklearn.metrics.make_scorer`` objects on
    ``predict``. The ranking scorers (``neg_ranking_loss``,
    ``mean_average_precision``, ``neg_one_error``, ``neg_coverage``) use
    ``decision_function`` if the estimator has it, else ``predict_proba``,
    whose per-label list output (forests, k-NN) is reduced to the
    probability of class 1 of each label. Every scorer is a scikit-learn
    scorer: with metadata routing enabled, ``set_score_request(
    sample_weight=True)`` routes the weights to it.

    **Partial targets.** The test labels may hold NaN for unknown entries:
    every scorer hands them to its metric, which leaves the unknown entries
    out as its docstring defines, so ``GridSearchCV`` and
    ``cross_validate`` work on a partially labelled ``Y`` with an estimator
    that accepts one (see :func:`skmml.utils.accepts_unknown_labels`) and a
    splitter that does not reject NaN (``KFold``, for instance).
    Predictions and scores must be complete.

    The long-tail scorers are ``make_long_tail_scorer(group)`` with its
    defaults: macro-F1 over the labels of one frequency group, the groups
    being computed from the ``label_counts_`` of the fitted estimator (wrap
    any classifier in
    :class:`~skmml.model_selection.LabelCountingClassifier` to get it), hence
    from the training part of each CV fold. They are not part of
    :func:`multilabel_scoring`.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn.neighbors import KNeighborsClassifier
    >>> from skmml.metrics import get_scorer
    >>> X = np.array([[0.0], [0.1], [1.0], [1.1]])
    >>> Y = np.array([[1, 0], [1, 0], [0, 1], [1, 1]])
    >>> knn = KNeighborsClassifier(n_neighbors=1).fit(X, Y)
    >>> get_scorer("micro_f1")(knn, X, Y)
    1.0
    >>> get_scorer("neg_coverage")(knn, X, Y)
    -1.25
    """
    if callable(scoring) or scoring is None:
        return scoring
    if not isinstance(scoring, str):
        raise ValueError(
            "scoring must be a scorer name, a callable or None; got "
            f"{type(scoring).__name__}."
        )
    if scoring in _SCORERS:
        return _make(scoring)
    if scoring in _LONG_TAIL_SCORERS:
        return make_long_tail_scorer(scoring.split("_")[0])
    try:
        return _sklearn_get_scorer(scoring)
    except ValueError:
        raise ValueError(
            f"{scoring!r} is not a valid scoring value. skmml multi-label "
            f"scorers: {sorted(_SCORERS) + list(_LONG_TAIL_SCORERS)}; other "
            "names are looked up in "
            "sklearn.metrics.get_scorer_names()."
        ) from None


def multilabel_scoring(names=None):
    """Return a dict of multi-label scorers for multi-metric model selection.

    Parameters
    ----------
    names : str or list of str, default=None
        Scorer names (see :func:`get_scorer`) to include, in this order.
        None means all ten skmml multi-label scorers.

    Returns
    -------
    scoring : dict
        Maps each name to a new scorer; pass it as ``scoring=`` to
        ``GridSearchCV`` (with ``refit=`` one of the names) or to
        ``cross_validate``.

    Raises
    ------
    ValueError
        If ``names`` is empty, repeats a name or contains a name that is not
        a skmml multi-label scorer.

    Notes
    -----
    Every scorer accepts a partial ``Y`` (NaN = unknown entry) as described
    in :func:`get_scorer`.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn.model_selection import GridSearchCV, KFold
    >>> from sklearn.neighbors import KNeighborsClassifier
    >>> from skmml.metrics import multilabel_scoring
    >>> rng = np.random.RandomState(0)
    >>> X = rng.normal(size=(30, 2))
    >>> Y = np.column_stack([X[:, 0] > 0, X[:, 1] > 0, X.sum(axis=1) > 0])
    >>> search = GridSearchCV(
    ...     KNeighborsClassifier(),
    ...     {"n_neighbors": [1, 5]},
    ...     scoring=multilabel_scoring(["micro_f1", "neg_ranking_loss"]),
    ...     refit="micro_f1",
    ...     cv=KFold(3),
    ... ).fit(X, Y.astype(int))
    >>> [key for key in search.cv_results_ if key.startswith("mean_test")]
    ['mean_test_micro_f1', 'mean_test_neg_ranking_loss']
    >>> search.best_params_
    {'n_neighbors': 1}
    """
    if names is None:
        names = list(_SCORERS)
    elif isinstance(names, str):
        names = [names]
    else:
        try:
            names = list(names)
        except TypeError:
            raise ValueError(
                "names must be None, a scorer name or a list of scorer "
                f"names; got {type(names).__name__}."
            ) from None
    if not names:
        raise ValueError("names is empty; give at least one scorer name or None.")
    unknown = [n for n in names if not isinstance(n, str) or n not in _SCORERS]
    if unknown:
        raise ValueError(
            f"Unknown multi-label scorer name(s) {unknown}; valid names: "
            f"{sorted(_SCORERS)}."
        )
    if len(set(names)) != len(names):
        raise ValueError(f"names contains duplicates: {names}.")
    return {name: _make(name) for name in names}
