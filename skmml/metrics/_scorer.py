"""Scorers for multi-label estimators, usable as ``scoring=`` in model selection."""

import numpy as np
import scipy.sparse as sp
from sklearn.metrics import get_scorer as _sklearn_get_scorer
from sklearn.metrics import make_scorer

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

_RANKING_RESPONSE = ("decision_function", "predict_proba")

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


def _positive_proba(estimator, proba):
    """Turn a per-label list of ``predict_proba`` arrays into (n, n_labels).

    Multi-label forests and k-NN return one (n_samples, n_classes) array per
    label. The column of class 1 is located through ``classes_``: a label
    seen with a single class during fit has a single column, whose meaning
    depends on that class.
    """
    classes = getattr(estimator, "classes_", None)
    if not isinstance(classes, list | tuple) or len(classes) != len(proba):
        classes = [None] * len(proba)
    columns = []
    for j, (p, cls) in enumerate(zip(proba, classes, strict=True)):
        p = np.asarray(p)
        if p.ndim != 2:
            raise ValueError(
                f"predict_proba returned a list whose element {j} has shape "
                f"{p.shape}; expected (n_samples, n_classes) arrays."
            )
        if cls is None:
            if p.shape[1] != 2:
                raise ValueError(
                    f"predict_proba of label {j} has {p.shape[1]} column(s) "
                    "and the estimator exposes no per-label classes_ to "
                    "locate the positive class."
                )
            columns.append(p[:, 1])
            continue
        cls = np.asarray(cls)
        positive = np.flatnonzero(cls == 1)
        if positive.size == 1:
            columns.append(p[:, positive[0]])
        elif np.all(cls == 0):
            # label never positive in the training data
            columns.append(np.zeros(p.shape[0]))
        else:
            raise ValueError(
                f"Cannot find the positive class 1 of label {j} among its "
                f"classes {cls.tolist()}; a multi-label indicator target is "
                "expected."
            )
    return np.column_stack(columns)


def _ranking_response(estimator, X, response_method):
    """Scores of shape (n_samples, n_labels) from the first available method."""
    for name in response_method:
        method = getattr(estimator, name, None)
        if method is not None:
            break
    else:
        raise AttributeError(
            f"{type(estimator).__name__} has none of the methods "
            f"{list(response_method)} needed by a ranking scorer."
        )
    scores = method(X)
    if name == "predict_proba" and isinstance(scores, list | tuple):
        return _positive_proba(estimator, scores)
    if sp.issparse(scores):
        scores = scores.toarray()
    scores = np.asarray(scores)
    if scores.ndim == 1:
        # a single label: one score column
        scores = scores.reshape(-1, 1)
    return scores


class _RankingScorer:
    """Scorer feeding label scores of a multi-label estimator to a metric.

    ``sklearn.metrics.make_scorer(..., response_method="predict_proba")``
    mishandles multi-label ``predict_proba`` in two cases: with two labels an
    (n, 2) array is read as binary probabilities and cut to one column, and
    in the per-label list format a label seen with one class during fit
    breaks it. This scorer fetches the scores itself and otherwise follows
    the scorer protocol ``scorer(estimator, X, y_true, sample_weight=None)``.
    """

    def __init__(self, score_func, sign, response_method=_RANKING_RESPONSE):
        self._score_func = score_func
        self._sign = sign
        self._response_method = tuple(response_method)

    def __call__(self, estimator, X, y_true, sample_weight=None):
        scores = _ranking_response(estimator, X, self._response_method)
        value = self._score_func(y_true, scores, sample_weight=sample_weight)
        return self._sign * value

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
    probability of class 1 of each label. They are plain callables: in a
    multi-metric search each calls the estimator's response method itself,
    and they do not take part in metadata routing (pass ``sample_weight``
    directly when calling one).

    The long-tail scorers are ``make_long_tail_scorer(group)`` with its
    defaults: macro-F1 over the labels of one frequency group, the groups
    being computed from the ``label_counts_`` of the fitted estimator (wrap
    any classifier in :class:`LabelCountingClassifier` to get it), hence
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
        # lazy: _long_tail imports this module
        from ._long_tail import make_long_tail_scorer

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
