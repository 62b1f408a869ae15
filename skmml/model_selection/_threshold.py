"""Per-label decision thresholds of multi-label classifiers: fixed or tuned by CV."""

import numbers
import time
import warnings
from numbers import Integral

import numpy as np
import scipy.sparse as sp
from sklearn.base import BaseEstimator, ClassifierMixin, MetaEstimatorMixin, clone
from sklearn.exceptions import ConvergenceWarning, NotFittedError
from sklearn.model_selection import (
    KFold,
    StratifiedKFold,
    StratifiedShuffleSplit,
    check_cv,
)
from sklearn.utils import _safe_indexing, get_tags
from sklearn.utils.metadata_routing import (
    MetadataRouter,
    MethodMapping,
    _routing_enabled,
    process_routing,
)
from sklearn.utils.metaestimators import available_if
from sklearn.utils.parallel import Parallel, delayed
from sklearn.utils.validation import _check_method_params, check_is_fitted, indexable

from ..metrics._confusion import (
    _example_f1_from_counts,
    _f1_from_counts,
    _threshold_confusion_counts,
)
from ..metrics._multilabel import _mismatches_per_row
from ..metrics._response import _ranking_response
from ..metrics._scorer import get_scorer as _get_scorer
from ..utils import (
    accepts_unknown_labels,
    check_multilabel_indicator,
    encode_target,
    has_unknown,
    observed_mask,
)
from ..utils._param_validation import (
    HasMethods,
    Interval,
    RealNotInt,
    StrOptions,
    _fit_context,
)
from ..utils._tags import with_unknown_labels
from ._partial import _check_accepts_unknown

__all__ = ["FixedMultiLabelThresholdClassifier", "MultiLabelThresholdTuner"]

_RESPONSE_METHODS = ("auto", "predict_proba", "decision_function")
# Threshold matching the wrapped estimator's own predict for each response.
_DEFAULT_THRESHOLD = {"predict_proba": 0.5, "decision_function": 0.0}
# Objectives computed from per-label confusion counts (fast paths).
_SEPARABLE = ("f1", "macro_f1", "weighted_f1", "neg_hamming_loss")
_COUNT_BASED = _SEPARABLE + ("micro_f1",)
# Objectives of per-sample label sets, evaluated vectorised over the grid.
_ROWWISE = ("example_f1", "subset_accuracy")
_FAST = _COUNT_BASED + _ROWWISE
# Coordinate ascent stops after this many sweeps over the labels at most.
_MAX_SWEEPS = 20
# An improvement smaller than this does not move a threshold (ensures the
# ascent terminates and ties keep the current value).
_TOL = 1e-12
_GUARDS = ("one_se", "mean")


# --------------------------------------------------------------------------
# Helpers shared by both estimators
# --------------------------------------------------------------------------


def _estimator_has(attr):
    """Check for ``available_if``: the fitted, else the given, estimator has attr."""

    def check(self):
        estimator = getattr(self, "estimator_", self.estimator)
        getattr(estimator, attr)  # raises AttributeError if missing
        return True

    return check


def _resolve_response_method(estimator, response_method):
    """Name of the method whose output is thresholded."""
    candidates = (
        ("predict_proba", "decision_function")
        if response_method == "auto"
        else (response_method,)
    )
    for name in candidates:
        if hasattr(estimator, name):
            return name
    raise ValueError(
        f"estimator {type(estimator).__name__} has no method "
        f"{' or '.join(candidates)}; a classifier with predict_proba or "
        f"decision_function is required (response_method={response_method!r})."
    )


def _shape(y):
    """Shape of an array-like target without converting a DataFrame."""
    shape = getattr(y, "shape", None)
    if shape is None:
        try:
            shape = np.shape(y)
        except ValueError:  # ragged lists: let the checks report them
            shape = (len(y),)
    return tuple(shape)


def _label_scores(estimator, X, method, *, multilabel, n_labels, pos_label):
    """Scores of shape (n_samples, n_labels) of a fitted estimator.

    For a 1-D binary target the single column is the score of ``pos_label``.
    """
    if multilabel:
        scores = _ranking_response(estimator, X, (method,))
        if scores.shape[1] != n_labels and n_labels == 1 and scores.shape[1] == 2:
            # a one-column Y fitted as a binary target: column of class 1
            return _binary_column(estimator, scores, 1)
        if scores.shape[1] != n_labels:
            raise ValueError(
                f"{type(estimator).__name__}.{method} returned scores for "
                f"{scores.shape[1]} label(s) while y has {n_labels}."
            )
        return np.asarray(scores, dtype=np.float64)
    scores = getattr(estimator, method)(X)
    scores = np.asarray(scores.toarray() if sp.issparse(scores) else scores)
    if method == "decision_function":
        if scores.ndim == 2 and scores.shape[1] == 1:
            scores = scores.ravel()
        if scores.ndim != 1:
            raise ValueError(
                f"{type(estimator).__name__}.decision_function returned shape "
                f"{scores.shape} for a binary target; expected (n_samples,)."
            )
        return scores.astype(np.float64).reshape(-1, 1)
    if scores.ndim != 2:
        raise ValueError(
            f"{type(estimator).__name__}.predict_proba returned shape "
            f"{scores.shape}; expected (n_samples, n_classes)."
        )
    return _binary_column(estimator, scores, pos_label)


def _binary_column(estimator, proba, pos_label):
    """Column of ``pos_label`` in a binary ``predict_proba``, as (n, 1)."""
    classes = getattr(estimator, "classes_", None)
    classes = None if classes is None else np.asarray(classes)
    if classes is None or classes.ndim != 1 or classes.shape[0] != proba.shape[1]:
        if proba.shape[1] != 2:
            raise ValueError(
                f"predict_proba returned {proba.shape[1]} column(s) and the "
                "estimator exposes no classes_ to locate the positive class."
            )
        column = proba[:, 1]
    else:
        where = np.flatnonzero(classes == pos_label)
        # a model fitted without the positive class never predicts it
        column = proba[:, where[0]] if where.size else np.zeros(proba.shape[0])
    return np.asarray(column, dtype=np.float64).reshape(-1, 1)


class _BaseMultiLabelThreshold(ClassifierMixin, MetaEstimatorMixin, BaseEstimator):
    """Shared target handling, prediction and delegation of the threshold models."""

    _parameter_constraints: dict = {
        "estimator": [
            HasMethods(["fit", "predict_proba"]),
            HasMethods(["fit", "decision_function"]),
        ],
        "response_method": [StrOptions({"auto", "predict_proba", "decision_function"})],
    }

    def __init__(self, estimator, *, response_method="auto"):
        self.estimator = estimator
        self.response_method = response_method

    def _check_target(self, y, *, fits=True):
        """Validate y and record whether it is multi-label or binary.

        Returns the target handed to the wrapped estimator and the dense 0/1
        matrix (n_samples, n_labels) used to score thresholds. A 2-D y (even
        of one column) is a label indicator matrix, possibly partial (both
        returned matrices are then dense float with NaN, and the estimator,
        if it is fitted here, must accept them); a 1-D y holds binary class
        labels.
        """
        if y is None:
            raise ValueError(
                f"{type(self).__name__} requires y to be passed, but the target "
                "y is None."
            )
        if sp.issparse(y) or len(_shape(y)) == 2:
            Y = check_multilabel_indicator(
                y, name="y", accept_sparse=True, allow_unknown=True
            )
            self._multilabel = True
            self._pos_label = 1
            self._classes_seen = None
            if has_unknown(Y):
                if fits:
                    _check_accepts_unknown(type(self).__name__, self.estimator)
                return Y, Y
            return Y, (Y.toarray() if sp.issparse(Y) else Y)
        Y, kind, classes = encode_target(y, name="y")
        if kind != "binary":
            raise ValueError(
                "Only binary classification is supported for a 1-D y "
                "(pass multi-label targets as a 2-D indicator matrix). Unknown "
                f"label type: {kind!r}."
            )
        if classes.shape[0] != 2:
            raise ValueError(
                f"y has {classes.shape[0]} class(es) ({classes.tolist()}); "
                "thresholds need both classes of a binary target."
            )
        self._multilabel = False
        self._pos_label = classes[1]
        self._classes_seen = classes
        return y, Y[:, 1:]

    def _fit_params(self, fit_params):
        """``(estimator fit params, splitter split params)`` of ``fit``.

        With metadata routing enabled, each gets only what it requests;
        otherwise every fit parameter goes to the estimator, as before
        routing existed (scikit-learn's meta-estimators do the same).
        """
        if not _routing_enabled():
            return fit_params, {}
        routed = process_routing(self, "fit", **fit_params)
        # no ``in``: without metadata, routed is not a mapping
        split = (
            routed.splitter.split if hasattr(getattr(self, "cv", None), "split") else {}
        )
        return routed.estimator.fit, split

    def get_metadata_routing(self):
        """Get the metadata routing of this object.

        Returns
        -------
        routing : MetadataRouter
            Routes ``fit`` metadata to ``estimator.fit`` (and, for a splitter
            ``cv``, to its ``split``).
        """
        router = MetadataRouter(owner=self).add(
            estimator=self.estimator,
            method_mapping=MethodMapping().add(caller="fit", callee="fit"),
        )
        cv = getattr(self, "cv", None)
        if hasattr(cv, "split"):
            router.add(
                splitter=cv,
                method_mapping=MethodMapping().add(caller="fit", callee="split"),
            )
        return router

    def _finish_fit(self, n_labels):
        """Attributes mirrored from the fitted estimator."""
        classes = getattr(self.estimator_, "classes_", None)
        if classes is None:
            classes = np.arange(n_labels) if self._multilabel else self._classes_seen
        self.classes_ = classes
        for attr in ("n_features_in_", "feature_names_in_"):
            if hasattr(self.estimator_, attr):
                setattr(self, attr, getattr(self.estimator_, attr))

    def _scores(self, X):
        return _label_scores(
            self.estimator_,
            X,
            self.response_method_,
            multilabel=self._multilabel,
            n_labels=self.thresholds_.shape[0],
            pos_label=self._pos_label,
        )

    def _positive(self, X):
        """0/1 decisions of shape (n_samples, n_labels)."""
        return (self._scores(X) >= self.thresholds_).astype(np.int64)

    def predict(self, X):
        """Predict labels by comparing scores with the per-label thresholds.

        A label is predicted when its score is greater than or equal to its
        threshold (the convention of scikit-learn's threshold classifiers).

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            Samples, as accepted by ``estimator_``.

        Returns
        -------
        y_pred : ndarray of shape (n_samples, n_labels) or (n_samples,)
            0/1 indicator matrix for a multi-label target; class labels from
            ``classes_`` for a 1-D binary target.
        """
        check_is_fitted(self, "thresholds_")
        positive = self._positive(X)
        if self._multilabel:
            return positive
        return np.asarray(self.classes_)[positive[:, 0]]

    @available_if(_estimator_has("predict_proba"))
    def predict_proba(self, X):
        """Probabilities of ``estimator_``, unchanged (thresholds do not apply).

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            Samples.

        Returns
        -------
        proba : ndarray or list of ndarray
            Output of ``estimator_.predict_proba(X)``.
        """
        check_is_fitted(self, "estimator_")
        return self.estimator_.predict_proba(X)

    @available_if(_estimator_has("predict_log_proba"))
    def predict_log_proba(self, X):
        """Log-probabilities of ``estimator_``, unchanged.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            Samples.

        Returns
        -------
        log_proba : ndarray or list of ndarray
            Output of ``estimator_.predict_log_proba(X)``.
        """
        check_is_fitted(self, "estimator_")
        return self.estimator_.predict_log_proba(X)

    @available_if(_estimator_has("decision_function"))
    def decision_function(self, X):
        """Decision function of ``estimator_``, unchanged.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            Samples.

        Returns
        -------
        scores : ndarray
            Output of ``estimator_.decision_function(X)``.
        """
        check_is_fitted(self, "estimator_")
        return self.estimator_.decision_function(X)

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        inner = get_tags(self.estimator)
        multi = bool(
            inner.target_tags.multi_output
            or (inner.classifier_tags is not None and inner.classifier_tags.multi_label)
        )
        tags.classifier_tags.multi_class = False
        tags.classifier_tags.multi_label = multi
        tags.target_tags.multi_output = multi
        tags.target_tags.single_output = True
        tags.input_tags.sparse = inner.input_tags.sparse
        tags.input_tags.allow_nan = inner.input_tags.allow_nan
        return with_unknown_labels(tags, accepts_unknown_labels(self.estimator))


# --------------------------------------------------------------------------
# Fixed thresholds
# --------------------------------------------------------------------------


class FixedMultiLabelThresholdClassifier(_BaseMultiLabelThreshold):
    """Multi-label classifier predicting with fixed per-label thresholds.

    The multi-label counterpart of scikit-learn's
    :class:`~sklearn.model_selection.FixedThresholdClassifier`: label ``j``
    is predicted when the ``j``-th score of the wrapped estimator
    (``predict_proba`` or ``decision_function``) is at least
    ``threshold[j]``. With a 1-D binary ``y`` it is a binary threshold
    classifier for the positive class ``classes_[1]``.

    A 2-D ``y`` may contain NaN for unknown entries if the wrapped estimator
    accepts partially labelled targets
    (:func:`skmml.utils.accepts_unknown_labels`, for instance
    ``skmml.multioutput.PartialBinaryRelevance``): ``y`` is then passed on
    unchanged, and this classifier carries the same tag. Otherwise such a
    ``y`` is rejected with an error naming the estimator.

    Parameters
    ----------
    estimator : estimator instance
        Classifier with ``fit`` and ``predict_proba`` or
        ``decision_function``; it is cloned and fitted in :meth:`fit`. To
        keep an already fitted model, wrap it in
        :class:`sklearn.frozen.FrozenEstimator`.
    threshold : "auto", float or array-like of shape (n_labels,), \
default="auto"
        Decision threshold of every label, or one per label. ``"auto"`` means
        0.5 for ``predict_proba`` and 0 for ``decision_function``.
    response_method : {"auto", "predict_proba", "decision_function"}, \
default="auto"
        Scores to threshold; ``"auto"`` tries ``predict_proba`` then
        ``decision_function``.

    Attributes
    ----------
    estimator_ : estimator instance
        The fitted clone of ``estimator``.
    thresholds_ : ndarray of shape (n_labels,)
        Threshold of each label (shape (1,) for a 1-D binary ``y``).
    response_method_ : str
        ``"predict_proba"`` or ``"decision_function"``: the thresholded
        method.
    classes_ : ndarray or list of ndarray
        ``estimator_.classes_`` when it exists; else the sorted classes of a
        1-D ``y`` or ``np.arange(n_labels)``.
    n_features_in_ : int
        Number of features seen in fit (when ``estimator_`` exposes it).
    feature_names_in_ : ndarray of shape (`n_features_in_`,)
        Feature names seen in fit (when ``estimator_`` exposes them).

    See Also
    --------
    MultiLabelThresholdTuner : Thresholds tuned by cross-validation.
    sklearn.model_selection.FixedThresholdClassifier : Binary version.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn.linear_model import LogisticRegression
    >>> from sklearn.multiclass import OneVsRestClassifier
    >>> from skmml.model_selection import FixedMultiLabelThresholdClassifier
    >>> X = np.array([[0.0], [1.0], [2.0], [3.0], [4.0], [5.0]])
    >>> Y = np.array([[0, 1], [0, 1], [0, 0], [1, 0], [1, 0], [1, 1]])
    >>> clf = FixedMultiLabelThresholdClassifier(
    ...     OneVsRestClassifier(LogisticRegression()), threshold=[0.5, 0.3]
    ... ).fit(X, Y)
    >>> clf.thresholds_
    array([0.5, 0.3])
    >>> clf.predict(X)
    array([[0, 1],
           [0, 1],
           [0, 1],
           [1, 1],
           [1, 1],
           [1, 1]])
    """

    _parameter_constraints: dict = {
        **_BaseMultiLabelThreshold._parameter_constraints,
        "threshold": [StrOptions({"auto"}), numbers.Real, "array-like"],
    }

    def __init__(self, estimator, *, threshold="auto", response_method="auto"):
        super().__init__(estimator, response_method=response_method)
        self.threshold = threshold

    @_fit_context(prefer_skip_nested_validation=False)
    def fit(self, X, y, **fit_params):
        """Fit a clone of the estimator and set the thresholds.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            Training data, as accepted by ``estimator``.
        y : array-like or sparse matrix of shape (n_samples, n_labels) or \
(n_samples,)
            Label indicator matrix, or binary class labels. A 2-D ``y``
            may hold NaN for unknown entries if ``estimator`` accepts them.
        **fit_params : dict
            Passed to ``estimator.fit`` (with metadata routing enabled, only
            the metadata it requests).

        Returns
        -------
        self : object
            The fitted classifier.
        """
        X, y = indexable(X, y)
        y_fit, Y01 = self._check_target(y)
        n_labels = Y01.shape[1]
        self.response_method_ = _resolve_response_method(
            self.estimator, self.response_method
        )
        self.thresholds_ = _fixed_thresholds(
            self.threshold, n_labels, self.response_method_
        )
        params, _ = self._fit_params(fit_params)
        self.estimator_ = clone(self.estimator).fit(X, y_fit, **params)
        self._finish_fit(n_labels)
        return self


def _fixed_thresholds(threshold, n_labels, method):
    """Validate ``threshold`` into an array of shape (n_labels,)."""
    if isinstance(threshold, str):  # "auto" (the only string allowed)
        return np.full(n_labels, _DEFAULT_THRESHOLD[method])
    try:
        values = np.asarray(threshold, dtype=np.float64)
    except (TypeError, ValueError):
        raise ValueError(
            "threshold must be a number or an array of one number per label; "
            f"got {threshold!r}."
        ) from None
    if values.ndim == 0:
        values = np.full(n_labels, float(values))
    if values.ndim != 1 or values.shape[0] != n_labels:
        raise ValueError(
            f"threshold must be a number or have shape (n_labels,) = "
            f"({n_labels},); got shape {values.shape}."
        )
    if not np.all(np.isfinite(values)):
        raise ValueError("threshold contains NaN or infinity.")
    return values


# --------------------------------------------------------------------------
# Threshold tuning
# --------------------------------------------------------------------------


def _fit_and_score(estimator, X, y, fit_params, train, test, *, layout, keep):
    """Fit on ``train`` (None: estimator is prefit); scores and ``predict``
    of ``test``."""
    if train is not None:
        estimator.fit(
            _safe_indexing(X, train),
            _safe_indexing(y, train),
            **_check_method_params(X, params=fit_params, indices=train),
        )
    X_test = _safe_indexing(X, test)
    scores = _label_scores(estimator, X_test, **layout)
    decisions = _label_decisions(estimator, X_test, **layout)
    return scores, decisions, (estimator if keep else None)


def _label_decisions(estimator, X, *, multilabel, pos_label, **_):
    """``estimator.predict`` as a 0/1 int matrix (n_samples, n_labels).

    None for an estimator without ``predict``.
    """
    if not hasattr(estimator, "predict"):
        return None
    pred = estimator.predict(X)
    pred = pred.toarray() if sp.issparse(pred) else np.asarray(pred)
    if not multilabel:
        return (pred.reshape(-1) == pos_label).astype(np.int64).reshape(-1, 1)
    if pred.ndim == 1:  # a one-column Y fitted as a binary target
        pred = pred.reshape(-1, 1)
    return (pred == 1).astype(np.int64)


def _fold_counts(folds, grid):
    """Confusion counts (tp, fp, fn), each of shape (n_folds, n_labels, T)."""
    counts = [_known_confusion_counts(Y, S, grid) for S, Y in folds]
    return tuple(np.stack(c) for c in zip(*counts, strict=True))


def _known_confusion_counts(Y, scores, grid):
    """Counts of ``scores >= grid[j, t]``, label ``j`` on its known rows only."""
    known = observed_mask(Y)
    if known.all():
        if Y.dtype.kind == "f":  # a fold of a partial y without unknowns
            Y = Y.astype(np.int64)
        return _threshold_confusion_counts(Y, scores, grid)
    parts = []
    for j in range(Y.shape[1]):
        rows = known[:, j]
        parts.append(
            _threshold_confusion_counts(
                Y[rows, j : j + 1].astype(np.int64),
                scores[rows, j : j + 1],
                grid[j : j + 1],
            )
        )
    return tuple(np.concatenate(c) for c in zip(*parts, strict=True))


def _known_fold(S, Y):
    """``(S, Y, known, rows)`` of a fold for the row-wise objectives.

    ``Y`` is returned as int with 0 at the unknown entries; ``known`` (the
    mask of known entries) and ``rows`` (rows with at least one known entry)
    are None for a fold without unknowns.
    """
    known = observed_mask(Y)
    if known.all():
        return S, (Y.astype(np.int64) if Y.dtype.kind == "f" else Y), None, None
    Y = np.where(known, Y, 0).astype(np.int64)
    return S, Y, known, known.any(axis=1)


class _SeparableObjective:
    """Mean over folds of a sum of per-label terms: labels tuned independently."""

    independent = True

    def __init__(self, terms):
        self.fold_terms = terms  # (n_folds, n_labels, n_thresholds)
        self.terms = terms.mean(axis=0)  # (n_labels, n_thresholds)

    def value(self, k):
        return float(self.terms[np.arange(k.shape[0]), k].sum())

    def fold_values(self, k):
        return self.fold_terms[:, np.arange(k.shape[0]), k].sum(axis=1)

    def curve(self, j, k):
        return self.value(k) - self.terms[j, k[j]] + self.terms[j]


class _MicroF1Objective:
    """Mean over folds of micro-F1 from pooled confusion counts."""

    independent = False

    def __init__(self, tp, fp, fn):
        self.tp, self.fp, self.fn = tp, fp, fn  # (n_folds, n_labels, T)

    def _totals(self, k):
        labels = np.arange(k.shape[0])
        return [c[:, labels, k].sum(axis=1) for c in (self.tp, self.fp, self.fn)]

    def fold_values(self, k):
        return _f1_from_counts(*self._totals(k))

    def value(self, k):
        return float(np.mean(self.fold_values(k)))

    def curve(self, j, k):
        parts = []
        for total, c in zip(self._totals(k), (self.tp, self.fp, self.fn), strict=True):
            parts.append((total - c[:, j, k[j]])[:, None] + c[:, j, :])
        return _f1_from_counts(*parts).mean(axis=0)


class _RowwiseObjective:
    """Mean over folds of example-F1 or subset accuracy, vectorised over a grid.

    Moving label ``j``'s threshold only changes column ``j`` of the
    predictions, so each sample's score is recomputed from its counts over
    the other labels plus column ``j`` at every candidate: O(n T) per move.
    """

    independent = False

    def __init__(self, name, folds, grid):
        self.name, self.grid = name, grid
        self.folds = [_known_fold(S, Y) for S, Y in folds]

    def _row_scores(self, Y, P, j, Pj):
        # Pj: (n, T) predictions of label j at each candidate
        yj = Y[:, j][:, None].astype(bool)
        if self.name == "subset_accuracy":
            wrong = _mismatches_per_row(Y, P) - (P[:, j] != Y[:, j])
            return (wrong[:, None] == 0) & (Pj == yj)
        tp = (P & Y).sum(axis=1) - (P[:, j] & Y[:, j])
        n_pred = P.sum(axis=1) - P[:, j]
        tp = tp[:, None] + (Pj & yj)
        n_pred = n_pred[:, None] + Pj
        # zero_division=0, the default of skmml.metrics.example_f1
        return _example_f1_from_counts(tp, Y.sum(axis=1)[:, None], n_pred)

    def _fold_curves(self, j, k):
        thresholds = self.grid[np.arange(k.shape[0]), k]
        values = np.zeros((len(self.folds), self.grid.shape[1]))
        for f, (S, Y, known, rows) in enumerate(self.folds):
            P = (S >= thresholds).astype(np.int64)
            Pj = S[:, j][:, None] >= self.grid[j][None, :]
            if known is None:
                values[f] = self._row_scores(Y, P, j, Pj).mean(axis=0)
                continue
            # predictions on unknown entries are not counted; rows without
            # any known entry are left out of the mean
            P *= known
            Pj &= known[:, j][:, None]
            if rows.any():
                values[f] = self._row_scores(Y, P, j, Pj)[rows].mean(axis=0)
        return values

    def curve(self, j, k):
        return self._fold_curves(j, k).mean(axis=0)

    def fold_values(self, k):
        return self._fold_curves(0, k)[:, k[0]]

    def value(self, k):
        return float(self.fold_values(k).mean())


class _MetricObjective:
    """Mean over folds of any ``metric(Y_true, Y_pred)`` (greater is better)."""

    independent = False

    def __init__(self, metric, folds, grid, one_d, scoring=None):
        self.metric, self.folds, self.grid, self.one_d = metric, folds, grid, one_d
        self.scoring = scoring
        self.partial = any(has_unknown(Y) for _, Y in folds)

    def _call(self, Y, P):
        if self.one_d:
            return float(self.metric(Y[:, 0], P[:, 0]))
        if not self.partial:
            return float(self.metric(Y, P))
        try:
            return float(self.metric(Y, P))
        except (ValueError, TypeError) as exc:
            raise ValueError(
                f"scoring={self.scoring!r} failed on the partially labelled y "
                f"(NaN = unknown entry): {exc} Use a metric that ignores the "
                "NaN entries of Y_true, such as the skmml.metrics functions, "
                f"or one of the built-in objectives {sorted(_FAST)}."
            ) from exc

    def fold_values(self, k):
        thresholds = self.grid[np.arange(k.shape[0]), k]
        return np.array(
            [self._call(Y, (S >= thresholds).astype(np.int64)) for S, Y in self.folds]
        )

    def value(self, k):
        return float(np.mean(self.fold_values(k)))

    def curve(self, j, k):
        thresholds = self.grid[np.arange(k.shape[0]), k]
        values = np.zeros(self.grid.shape[1])
        for S, Y in self.folds:
            P = (S >= thresholds).astype(np.int64)
            for t, cut in enumerate(self.grid[j]):
                P[:, j] = S[:, j] >= cut
                values[t] += self._call(Y, P)
        return values / len(self.folds)


def _metric_from_scoring(scoring):
    """``metric(Y_true, Y_pred)`` (greater is better) for a generic ``scoring``.

    A scorer built by :func:`sklearn.metrics.make_scorer` on ``predict`` is
    unwrapped to its score function, sign and keyword arguments, as
    scikit-learn's own threshold tuner does.
    """
    scorer = _get_scorer(scoring) if isinstance(scoring, str) else scoring
    if not callable(scorer):
        raise ValueError(
            f"scoring must be a metric name or a callable; got {scoring!r}."
        )
    func = getattr(scorer, "_score_func", None)
    if func is None:
        return scorer  # a plain metric(Y_true, Y_pred)
    if getattr(scorer, "_response_method", "predict") != "predict":
        raise ValueError(
            f"scoring={scoring!r} is computed from scores, not from predicted "
            "labels, so it does not depend on the decision thresholds; use a "
            "metric of predictions such as 'f1' or 'micro_f1'."
        )
    sign = getattr(scorer, "_sign", 1)
    kwargs = dict(getattr(scorer, "_kwargs", {}))

    def metric(Y_true, Y_pred):
        return sign * func(Y_true, Y_pred, **kwargs)

    return metric


def _default_thresholds(estimator, method, n_labels):
    """Thresholds of the untuned decision, shape (n_labels,).

    0.5 for probabilities and 0 for decision values, or, for probabilities,
    the estimator's own number ``threshold`` when it has one (the RMLC,
    ResBiLSTM and random-labelsets classifiers predict from it).
    """
    value = _DEFAULT_THRESHOLD[method]
    own = getattr(estimator, "threshold", None)
    if (
        method == "predict_proba"
        and isinstance(own, numbers.Real)
        and not isinstance(own, bool)
        and np.isfinite(own)
    ):
        value = float(own)
    return np.full(n_labels, value, dtype=np.float64)


def _quantile_cuts(scores, n_cuts):
    """``n_cuts`` thresholds at evenly spaced quantiles of ``scores``.

    Cut ``t`` predicts the scores from rank ``r_t = floor(t (n - 1) /
    (n_cuts - 1))`` of the sorted scores up, so every distinct cut is a
    candidate once ``n_cuts >= n``. Except for the lowest (predict every
    row), it sits halfway between that score and the next lower distinct
    one: the same out-of-fold predictions with a margin on both sides,
    whatever the scale of the scores (no rounding puts it above the score).
    """
    ordered = np.sort(scores)
    n = ordered.shape[0]
    ranks = np.arange(n_cuts) * (n - 1) // max(n_cuts - 1, 1)
    picks = ordered[ranks]
    distinct = np.unique(ordered)
    below = distinct[np.maximum(np.searchsorted(distinct, picks) - 1, 0)]
    middle = below + (picks - below) / 2
    return np.where((picks > below) & (middle > below), middle, picks)


def _known_positives(folds):
    """Known positives of each label over the out-of-fold rows."""
    Y = np.vstack([Y for _, Y in folds])
    return (np.where(observed_mask(Y), Y, 0) == 1).sum(axis=0)


def _improves(diff, guard):
    """Whether per-fold gains ``diff`` (tuned minus default) pass ``guard``.

    ``"mean"``: the mean gain is positive. ``"one_se"``: the mean gain
    exceeds its standard error over the folds, ``std(diff, ddof=1) /
    sqrt(F)`` (0 with a single fold).
    """
    diff = np.asarray(diff, dtype=np.float64)
    margin = 0.0
    if guard == "one_se" and diff.shape[0] > 1:
        margin = float(np.std(diff, ddof=1)) / np.sqrt(diff.shape[0])
    return float(np.mean(diff)) - margin > _TOL


class MultiLabelThresholdTuner(_BaseMultiLabelThreshold):
    """Multi-label classifier whose per-label thresholds are tuned by CV.

    The multi-label counterpart of scikit-learn's
    :class:`~sklearn.model_selection.TunedThresholdClassifierCV`. The wrapped
    estimator is fitted on the training folds of ``cv``; its out-of-fold
    scores (``predict_proba`` or ``decision_function``, one column per
    label) are compared with a grid of candidate thresholds per label, and
    the thresholds maximising ``scoring`` averaged over the folds are kept in
    ``thresholds_``, unless tuning does not improve on the untuned decision:
    labels with fewer than ``min_positives`` known positives keep the
    default threshold, and ``guard`` keeps it where the gain of tuning,
    estimated on folds the thresholds were not tuned on, is within noise.
    The estimator is then refitted on all the data. With a
    1-D binary ``y`` it tunes one threshold for the positive class
    ``classes_[1]``, like ``TunedThresholdClassifierCV``. A partially
    labelled ``y`` (NaN = unknown) tunes each label on the rows where it is
    known (see Notes).

    Parameters
    ----------
    estimator : estimator instance
        Classifier with ``fit`` and ``predict_proba`` or
        ``decision_function``, multi-label capable for a 2-D ``y``. The
        per-label list output of ``predict_proba`` (forests, k-NN) is
        accepted.
    scoring : str or callable, default="f1"
        Objective to maximise:

        - ``"f1"`` (or ``"macro_f1"``): the F1 score of each label, every
          label tuned independently (this maximises macro-F1).
        - ``"weighted_f1"``, ``"neg_hamming_loss"``: sums of per-label
          terms, also tuned label by label.
        - ``"micro_f1"``, ``"example_f1"``, ``"subset_accuracy"``: global;
          tuned by coordinate ascent (see Notes), vectorised over the grid.
        - any other name of :func:`skmml.metrics.get_scorer` or
          :func:`sklearn.metrics.get_scorer` computed from predictions
          (``"jaccard_samples"``, ``"balanced_accuracy"``, ...), a scorer made by
          :func:`sklearn.metrics.make_scorer` on ``predict``, or a callable
          ``metric(Y_true, Y_pred) -> float``, greater is better: tuned by
          coordinate ascent. For a 1-D ``y`` the metric receives 1-D 0/1
          arrays (1 = ``classes_[1]``).
    response_method : {"auto", "predict_proba", "decision_function"}, \
default="auto"
        Scores to threshold; ``"auto"`` tries ``predict_proba`` then
        ``decision_function``.
    thresholds : int or array-like, default=100
        Candidate thresholds. An int ``T`` gives, per label, ``T`` cuts at
        evenly spaced quantiles of the label's out-of-fold scores (see
        Notes), so scores crowded near one value are resolved as well as
        spread ones. An array of shape (T,) is used for every label; one of
        shape (n_labels, T) gives each label its own candidates. The
        default threshold of each label (see ``default_thresholds_``) is
        always added, and each label's candidates are sorted.

        .. versionchanged:: 0.1.0
           Quantiles of the scores instead of ``T`` evenly spaced values
           from their minimum to their maximum, which could not resolve
           scores crowded near 0 (99% of the marginals of
           ``LabelPowersetWeightedSVC`` below 1e-3); the default threshold
           is a candidate.

    min_positives : int, default=10
        Labels with fewer known positives than this in the rows the
        thresholds are tuned on (all of ``y`` for k-fold ``cv`` and
        ``"prefit"``, the validation part for a float ``cv``) keep their
        default threshold; they are listed in ``fallback_labels_``. Below
        ten positives, two per fold of the default 5-fold ``cv``, a label's
        out-of-fold F1 rests on a handful of rows and its maximum over the
        grid is mostly noise: with 2-3 positives it is reached at a
        near-zero threshold that predicts the label for a large share of
        the rows. 0 tunes every label.

        .. versionadded:: 0.1.0

    guard : {"one_se", "mean"} or None, default="one_se"
        Keep the default threshold unless tuning improves the objective on
        folds the thresholds were not tuned on. For each fold ``f``, the
        thresholds are tuned again on the other folds and their gain over
        the defaults measured on ``f``. ``"one_se"`` keeps the tuned
        thresholds if the mean gain exceeds its standard error over the
        folds, ``"mean"`` if it is positive, None always. The test is per
        label for the separable objectives (``"f1"``, ``"macro_f1"``,
        ``"weighted_f1"``, ``"neg_hamming_loss"``), on all thresholds
        together otherwise. See Notes.

        .. versionadded:: 0.1.0

    cv : int, float, cross-validation generator, iterable, "prefit" or \
None, default=5
        Splitting strategy:

        - None or int: number of folds (None means 5) of
          :class:`~skmml.model_selection.IterativeStratifiedKFold` when ``y``
          has several labels (``KFold`` if it cannot be imported), of
          ``StratifiedKFold`` for a 1-D ``y`` or a single label.
        - float in (0, 1): one stratified train/validation split with this
          validation fraction (``multilabel_train_test_split`` for several
          labels, ``StratifiedShuffleSplit`` otherwise), seeded by
          ``random_state``.
        - a splitter or an iterable of (train, test) index arrays.
        - ``"prefit"``: ``estimator`` is already fitted and the thresholds
          are tuned on the data given to :meth:`fit` (requires
          ``refit=False``; tune on data the estimator was not trained on).
    refit : bool, default=True
        Refit the estimator on the whole training set after tuning. Must be
        True when ``cv`` has several folds and False for ``cv="prefit"``;
        with a single split, False keeps the model fitted on its training
        part.
    n_jobs : int, default=None
        Number of folds fitted in parallel (joblib); None means 1.
    random_state : int, RandomState instance or None, default=None
        Seed of the split when ``cv`` is a float; otherwise unused.
    store_cv_results : bool, default=False
        Whether to keep the candidate grid and objective curves in
        ``cv_results_``.
    verbose : int, default=0
        Progress messages: 1 prints the steps of :meth:`fit`, 2 also each
        coordinate-ascent sweep; joblib reports the folds.

    Attributes
    ----------
    estimator_ : estimator instance
        The fitted classifier used by :meth:`predict`.
    thresholds_ : ndarray of shape (n_labels,)
        Tuned threshold of each label (shape (1,) for a 1-D binary ``y``).
    best_score_ : float
        Objective at ``thresholds_``, averaged over the folds.
    default_thresholds_ : ndarray of shape (n_labels,)
        Threshold of the untuned decision: 0.5 for ``predict_proba`` (the
        estimator's own number ``threshold`` if it has one, as
        :class:`~skmml.neural.RMLCClassifier`), 0 for
        ``decision_function``.
    default_score_ : float
        Objective of the untuned decision (``untuned_decision_``), averaged
        over the folds.
    tuned_mask_ : ndarray of bool of shape (n_labels,)
        Whether each label is tuned (False for the labels below
        ``min_positives`` and those the guard reverted); an untuned label
        keeps the untuned decision.
    untuned_decision_ : {"thresholds", "predict"}
        The untuned decision. ``"thresholds"``: the scores cut at
        ``default_thresholds_``, which is what ``estimator.predict``
        returned on every out-of-fold row (one-vs-rest models, RMLC).
        ``"predict"``: the estimator's own ``predict``, which differed
        (a label powerset predicts the most likely label combination, not
        its marginals cut at 0.5); untuned labels then take the columns of
        ``estimator_.predict`` (see *Safeguards* in Notes).
    fallback_labels_ : ndarray of int
        Indices of the labels below ``min_positives``.
    response_method_ : str
        ``"predict_proba"`` or ``"decision_function"``.
    n_sweeps_ : int
        Coordinate-ascent sweeps over the labels (0 when the objective is
        separable and each label was tuned in one step).
    cv_results_ : dict
        Only with ``store_cv_results=True``: ``"thresholds"``, the sorted
        grid of shape (n_labels, T + 1) (the default included), and
        ``"scores"``, of the same shape, where
        ``scores[j, t]`` is the objective when label ``j`` uses
        ``thresholds[j, t]`` and the other labels their ``thresholds_``
        (so every row peaks at ``best_score_`` unless ``min_positives`` or
        ``guard`` kept a default).
    classes_ : ndarray or list of ndarray
        ``estimator_.classes_`` when it exists; else the sorted classes of a
        1-D ``y`` or ``np.arange(n_labels)``.
    n_features_in_ : int
        Number of features seen in fit (when ``estimator_`` exposes it).
    feature_names_in_ : ndarray of shape (`n_features_in_`,)
        Feature names seen in fit (when ``estimator_`` exposes them).

    See Also
    --------
    FixedMultiLabelThresholdClassifier : Thresholds set by hand.
    sklearn.model_selection.TunedThresholdClassifierCV : Binary version.

    Notes
    -----
    Let :math:`s^{(f)}_{ij}` be the out-of-fold score of sample :math:`i`
    for label :math:`j` in fold :math:`f` and :math:`\\hat y_{ij} =
    [s^{(f)}_{ij} \\ge \\tau_j]`. The tuner maximises
    :math:`\\bar M(\\tau) = \\frac{1}{F}\\sum_f M(Y^{(f)}, \\hat Y^{(f)})`
    over :math:`\\tau` in the product of the per-label grids (averaging
    per-fold scores, as ``TunedThresholdClassifierCV`` does, keeps the
    comparison valid when fold models have different score scales).

    When :math:`M` is a sum of per-label terms (F1 per label / macro-F1,
    weighted F1, Hamming loss), :math:`\\bar M` is maximised label by label:
    the confusion counts of every candidate come from one sort of the scores
    per label and fold, :math:`O(n \\log n + T \\log n)`. Otherwise the
    search is coordinate ascent: start from the per-label F1 optima, then
    sweep the labels in order, moving label :math:`j` to the best of its
    :math:`T` candidates with the other thresholds fixed, until a sweep
    changes nothing (at most 20 sweeps). Each move can only increase
    :math:`\\bar M`, so it ends in a coordinate-wise optimum, not
    necessarily the global one. A move costs :math:`O(FT)` for micro-F1
    (pooled counts) and :math:`O(nT)` for example-F1 and subset accuracy
    (per-sample counts over the other labels); any other metric is called
    on the predictions, :math:`T` times per label, fold and sweep, which is
    much slower.

    **Candidates.** With an int ``thresholds`` ``T``, let
    :math:`s_{(0)} \\le \\dots \\le s_{(n-1)}` be label :math:`j`'s pooled
    out-of-fold scores on its known rows. Candidate :math:`t = 0, \\dots,
    T-1` predicts the scores from rank :math:`r_t = \\lfloor t(n-1)/(T-1)
    \\rfloor` up (a quantile, so every distinct cut is a candidate once
    :math:`T \\ge n`, whatever the scale of the scores); it sits halfway
    between :math:`s_{(r_t)}` and the next lower distinct score, except the
    lowest, :math:`s_{(0)}`, which predicts every row. The default
    threshold :math:`\\tau^0_j` is always added, so "untuned" is always a
    candidate.

    Ties go to the first best candidate (the lowest threshold of the sorted
    grid), as in scikit-learn. Labels whose out-of-fold scores are all
    equal cannot be tuned; with an int ``thresholds`` they keep the default
    threshold (0.5 for probabilities, 0 for decision values) and a warning
    names them. The objective ignores ``sample_weight``, which is only
    passed to the estimator's ``fit``.

    **Safeguards.** Labels with fewer than ``min_positives`` known positives
    keep :math:`\\tau^0_j` and take no part in the search. Then ``guard``
    asks whether tuning improves the objective on data it was not tuned on
    (the maximum over the grid of the out-of-fold objective is biased
    upwards by the search itself). For each fold :math:`f`, the search is
    run again on the other folds, giving :math:`\\tau^{(-f)}`, and its gain
    on fold :math:`f` is :math:`g_f = M(Y^{(f)}, \\hat Y^{(f)}(\\tau^{(-f)}))
    - M(Y^{(f)}, \\hat Y^{(f)}(\\tau^0))`. The tuned thresholds are kept if
    :math:`\\bar g > \\mathrm{SE}(g) = \\mathrm{sd}(g) / \\sqrt{F}` (``"one_se"``,
    with ``sd`` of ``ddof=1``) or :math:`\\bar g > 0` (``"mean"``), and
    replaced by :math:`\\tau^0` otherwise. For a separable objective the
    test is made label by label on its term (:math:`M` = that label's F1,
    say), for the other objectives on all thresholds together. With a
    single split (``"prefit"`` or a float ``cv``) there is nothing to
    cross-fit: the tuned thresholds must beat :math:`\\tau^0` on the
    validation rows themselves. This costs no model fit: the searches reuse
    the out-of-fold scores (:math:`F` more coordinate ascents for a global
    objective). The one-standard-error rule is the one of Breiman et al.
    for tree pruning [3]_, and makes the tuned model no worse than the
    untuned one beyond noise; ``"mean"`` keeps more of the gains on small
    data (with 3 folds, 2.4 times the macro-F1 gain of ``"one_se"`` on
    five labels with 15-150 positives) at the price of tuning on noise more
    often (on scores unrelated to the labels, F1 per label: 57% of the
    labels tuned with no guard, 20% with ``"mean"``, 8% with
    ``"one_se"``).

    .. versionchanged:: 0.1.0
       ``min_positives`` and ``guard`` (on by default) keep the untuned
       decision where tuning cannot be trusted: tuned for macro-F1 on a
       long-tailed set, the earlier tuner predicted labels with 2-3
       positives for 40% of the rows, and micro-F1 fell from 0.72 to 0.08.
       ``min_positives=0, guard=None`` restores the plain maximisation.

    **An estimator whose predict is not its thresholded scores**, such as
    :class:`~skmml.svm.LabelPowersetWeightedSVC` (``predict`` is the most
    likely label combination; its marginals cut at 0.5 predict much less),
    is compared with its own ``predict``: its out-of-fold ``predict`` is
    collected with the scores, labels left untuned keep the columns of
    ``predict``, and once the search and the guard above are done the
    guard is applied again, to the whole decision, against ``predict``
    (the gain on fold :math:`f` of the thresholds tuned on the other folds,
    with ``predict`` for the labels they leave untuned, over ``predict``):
    if it does not pass, every label keeps ``predict``.

    **Partially labelled y.** NaN entries of a 2-D ``y`` (``pd.NA`` in
    pandas, explicit NaN in a sparse matrix) are unknown labels. The
    estimator is fitted on the partial ``y`` as given, so it must accept it
    (:func:`skmml.utils.accepts_unknown_labels`, e.g.
    ``skmml.multioutput.PartialBinaryRelevance``; else ``fit`` raises,
    except with ``cv="prefit"``). The default splitters are
    :class:`IterativeStratifiedKFold` and
    :func:`multilabel_train_test_split`, also for one label, which balance
    the known positives and the unknown entries over the folds. Out-of-fold
    scores are compared with the known entries only: label :math:`j` is
    scored on the test rows where it is known (its confusion counts, hence
    F1 per label, weighted and micro F1; macro-F1 averages over the labels
    with a known entry in the fold), and the candidate grid of an int
    ``thresholds`` spans its scores on those rows. Hamming loss is
    the number of wrong known entries over the number of known entries of
    the fold; example-F1 and subset accuracy compare each row on its known
    entries, rows without any known entry left out of the mean. Any other
    ``scoring`` receives ``Y_true`` with its NaN and must ignore them (the
    :mod:`skmml.metrics` functions do); one that fails on them raises an
    error saying so. On a complete ``y`` everything is as above.

    References
    ----------
    .. [1] Z. C. Lipton, C. Elkan and B. Naryanaswamy, "Optimal thresholding
       of classifiers to maximize F1 measure", ECML PKDD 2014, LNCS 8725,
       pp. 225-239.
    .. [2] R.-E. Fan and C.-J. Lin, "A study on threshold selection for
       multi-label classification", Technical report, National Taiwan
       University, 2007.
    .. [3] L. Breiman, J. H. Friedman, R. A. Olshen and C. J. Stone,
       "Classification and Regression Trees", Wadsworth, 1984, section 3.4.3.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn.linear_model import LogisticRegression
    >>> from sklearn.multiclass import OneVsRestClassifier
    >>> from skmml.model_selection import MultiLabelThresholdTuner
    >>> from skmml.metrics import macro_f1
    >>> rng = np.random.RandomState(0)
    >>> X = rng.normal(size=(300, 2))
    >>> Y = (X + rng.normal(size=(300, 2)) > [1.5, 2.0]).astype(int)  # rare labels
    >>> X_train, X_test, Y_train, Y_test = X[:200], X[200:], Y[:200], Y[200:]
    >>> model = OneVsRestClassifier(LogisticRegression(solver="liblinear"))
    >>> tuner = MultiLabelThresholdTuner(model, scoring="f1", cv=3)
    >>> tuner.fit(X_train, Y_train).thresholds_.round(2)
    array([0.29, 0.15])
    >>> tuner.tuned_mask_  # both labels pass the guard
    array([ True,  True])
    >>> round(tuner.default_score_, 2), round(tuner.best_score_, 2)  # inner CV
    (0.16, 0.45)
    >>> untuned = model.fit(X_train, Y_train)  # thresholds of 0.5
    >>> round(macro_f1(Y_test, untuned.predict(X_test)), 2)
    0.1
    >>> round(macro_f1(Y_test, tuner.predict(X_test)), 2)
    0.51
    """

    _parameter_constraints: dict = {
        **_BaseMultiLabelThreshold._parameter_constraints,
        "scoring": [str, callable],
        "thresholds": [Interval(Integral, 1, None, closed="left"), "array-like"],
        "min_positives": [Interval(Integral, 0, None, closed="left")],
        "guard": [StrOptions(set(_GUARDS)), None],
        "cv": [
            "cv_object",
            StrOptions({"prefit"}),
            Interval(RealNotInt, 0.0, 1.0, closed="neither"),
        ],
        "refit": ["boolean"],
        "n_jobs": [Integral, None],
        "random_state": ["random_state"],
        "store_cv_results": ["boolean"],
        "verbose": ["verbose"],
    }

    def __init__(
        self,
        estimator,
        *,
        scoring="f1",
        response_method="auto",
        thresholds=100,
        min_positives=10,
        guard="one_se",
        cv=5,
        refit=True,
        n_jobs=None,
        random_state=None,
        store_cv_results=False,
        verbose=0,
    ):
        super().__init__(estimator, response_method=response_method)
        self.scoring = scoring
        self.thresholds = thresholds
        self.min_positives = min_positives
        self.guard = guard
        self.cv = cv
        self.refit = refit
        self.n_jobs = n_jobs
        self.random_state = random_state
        self.store_cv_results = store_cv_results
        self.verbose = verbose

    # ---------------------------------------------------------------- checks
    def _check_grid_param(self):
        """Return ("int", T) or ("array", array of ndim 1 or 2)."""
        thresholds = self.thresholds
        if isinstance(thresholds, Integral):  # >= 1, see _parameter_constraints
            return "int", int(thresholds)
        try:
            grid = np.asarray(thresholds, dtype=np.float64)
        except (TypeError, ValueError):
            raise ValueError(
                "thresholds must be an int >= 1 or an array of candidate "
                f"thresholds; got {thresholds!r}."
            ) from None
        if grid.ndim not in (1, 2) or grid.size == 0:
            raise ValueError(
                "thresholds must be an int or a non-empty array of shape (T,) "
                f"or (n_labels, T); got shape {grid.shape}."
            )
        if not np.all(np.isfinite(grid)):
            raise ValueError("thresholds contains NaN or infinity.")
        return "array", grid

    def _splits(self, X, y_fit, Y01, split_params):
        """List of (train, test) index pairs; [(None, all)] for "prefit"."""
        cv, refit = self.cv, self.refit
        n_samples = Y01.shape[0]
        if isinstance(cv, str):  # "prefit"
            if refit:
                raise ValueError("When cv='prefit', refit cannot be True.")
            try:
                check_is_fitted(self.estimator)
            except NotFittedError as exc:
                raise NotFittedError(
                    "When cv='prefit', estimator must be fitted."
                ) from exc
            return [(None, np.arange(n_samples))]
        # a partial single label is stratified on its unknowns as well
        several = Y01.shape[1] > 1 or has_unknown(Y01)
        if isinstance(cv, numbers.Real) and not isinstance(cv, Integral):
            index = np.arange(n_samples)
            if several:
                from ._iterative import multilabel_train_test_split

                train, test = multilabel_train_test_split(
                    index, Y01, test_size=cv, random_state=self.random_state
                )[:2]
                return [(np.sort(train), np.sort(test))]
            splitter = StratifiedShuffleSplit(
                n_splits=1, test_size=cv, random_state=self.random_state
            )
            return list(splitter.split(index, Y01[:, 0]))
        if cv is None or isinstance(cv, Integral):
            n_splits = 5 if cv is None else int(cv)
            if several:
                try:
                    from ._iterative import IterativeStratifiedKFold
                except ImportError:  # pragma: no cover - sibling module missing
                    splitter = KFold(n_splits)
                else:
                    splitter = IterativeStratifiedKFold(n_splits)
                splits = list(splitter.split(np.zeros((n_samples, 1)), Y01))
            else:
                # one label: plain stratification, as for a binary y
                splitter = StratifiedKFold(n_splits)
                splits = list(splitter.split(np.zeros((n_samples, 1)), Y01[:, 0]))
        else:
            splitter = check_cv(cv, y_fit, classifier=True)
            splits = list(splitter.split(X, y_fit, **split_params))
        if not splits:
            raise ValueError("cv produced no train/test split.")
        if not refit and len(splits) > 1:
            raise ValueError("When cv has several folds, refit cannot be False.")
        return splits

    def _grid(self, kind, param, folds, default, tunable):
        """Sorted candidate thresholds of shape (n_labels, T + 1).

        Every row holds ``default`` (the untuned threshold of the label); an
        int ``T`` adds ``T`` quantiles of the label's out-of-fold scores on
        its known rows.
        """
        n_labels = default.shape[0]
        if kind == "array":
            if param.ndim == 1:
                grid = np.tile(param, (n_labels, 1))
            elif param.shape[0] != n_labels:
                raise ValueError(
                    f"A 2-D thresholds array needs one row per label: shape "
                    f"({n_labels}, T); got {param.shape}."
                )
            else:
                grid = param
            grid = np.column_stack([grid, default])
            return np.sort(grid, axis=1, kind="stable")
        scores = np.vstack([S for S, _ in folds])
        Y = np.vstack([Y for _, Y in folds])
        grid = np.empty((n_labels, param + 1))
        grid[:, param] = default
        constant = []
        known = observed_mask(Y)
        for j in range(n_labels):
            label_scores = scores[known[:, j], j]
            if label_scores.size == 0 or np.ptp(label_scores) == 0:
                grid[j] = default[j]
                constant.append(j)
            else:
                grid[j, :param] = _quantile_cuts(label_scores, param)
        # labels left at their default anyway (too few positives) need no word
        constant = [j for j in constant if tunable[j]]
        if constant:
            warnings.warn(
                f"The out-of-fold scores of label(s) {constant} are constant"
                + (" or unknown" if has_unknown(Y) else "")
                + ", so their thresholds cannot be tuned; they keep the "
                f"default {default[constant[0]]:g}.",
                UserWarning,
                stacklevel=3,
            )
        return np.sort(grid, axis=1)

    def _objective(self, folds, grid):
        scoring = self.scoring
        if isinstance(scoring, str) and scoring in _COUNT_BASED:
            tp, fp, fn = _fold_counts(folds, grid)
            if scoring == "micro_f1":
                return _MicroF1Objective(tp, fp, fn)
            n_labels = grid.shape[0]
            partial = any(has_unknown(Y) for _, Y in folds)
            if scoring in ("f1", "macro_f1") and partial:
                # mean over the labels with a known entry in the fold
                n_known = np.array(
                    [observed_mask(Y).any(axis=0).sum() for _, Y in folds],
                    dtype=np.float64,
                )
                terms = (
                    _f1_from_counts(tp, fp, fn)
                    / np.maximum(n_known, 1.0)[:, None, None]
                )
            elif scoring in ("f1", "macro_f1"):
                terms = _f1_from_counts(tp, fp, fn) / n_labels
            elif scoring == "weighted_f1":
                support = (tp + fn)[:, :, :1].astype(np.float64)
                total = support.sum(axis=1, keepdims=True)
                weight = np.divide(
                    support, total, out=np.zeros_like(support), where=total > 0
                )
                terms = _f1_from_counts(tp, fp, fn) * weight
            elif partial:  # neg_hamming_loss
                # mismatches over the known entries of each fold
                n_known = np.array(
                    [observed_mask(Y).sum() for _, Y in folds], dtype=np.float64
                )
                terms = -(fp + fn) / np.maximum(n_known, 1.0)[:, None, None]
            else:  # neg_hamming_loss
                n_rows = np.array([Y.shape[0] for _, Y in folds], dtype=np.float64)
                terms = -(fp + fn) / (n_rows[:, None, None] * n_labels)
            return _SeparableObjective(terms)
        if isinstance(scoring, str) and scoring in _ROWWISE:
            return _RowwiseObjective(scoring, folds, grid)
        metric = _metric_from_scoring(scoring)
        return _MetricObjective(
            metric, folds, grid, one_d=not self._multilabel, scoring=scoring
        )

    def _log(self, level, message):
        if self.verbose >= level:
            print(f"[{type(self).__name__}] {message}")

    # ------------------------------------------------------------------ fit
    @_fit_context(prefer_skip_nested_validation=False)
    def fit(self, X, y, **fit_params):
        """Tune the per-label thresholds by cross-validation, then refit.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            Training data, as accepted by ``estimator``.
        y : array-like or sparse matrix of shape (n_samples, n_labels) or \
(n_samples,)
            Label indicator matrix, or binary class labels. A 2-D ``y``
            may hold NaN for unknown entries if ``estimator`` accepts them.
        **fit_params : dict
            Passed to ``estimator.fit``; per-sample arrays (such as
            ``sample_weight``) are split with the folds. With metadata
            routing enabled, the estimator gets only the metadata it
            requests, and a splitter ``cv`` the metadata of its ``split``
            (such as ``groups``).

        Returns
        -------
        self : object
            The fitted tuner.
        """
        refit = self.refit
        kind, grid_param = self._check_grid_param()
        X, y = indexable(X, y)
        prefit = isinstance(self.cv, str)  # "prefit": nothing is fitted here
        y_fit, Y01 = self._check_target(y, fits=not prefit)
        n_labels = Y01.shape[1]
        self.response_method_ = _resolve_response_method(
            self.estimator, self.response_method
        )
        # fail on an unsupported scoring before any model is fitted
        if not (isinstance(self.scoring, str) and self.scoring in _FAST):
            _metric_from_scoring(self.scoring)
        fit_params, split_params = self._fit_params(fit_params)
        splits = self._splits(X, y_fit, Y01, split_params)
        prefit = splits[0][0] is None
        layout = {
            "method": self.response_method_,
            "multilabel": self._multilabel,
            "n_labels": n_labels,
            "pos_label": self._pos_label,
        }
        keep = not refit and not prefit
        self._log(
            1,
            f"fitting {len(splits)} fold(s) to tune {n_labels} threshold(s) on "
            f"{self.response_method_} with scoring={self.scoring!r}",
        )
        start = time.perf_counter()
        results = Parallel(n_jobs=self.n_jobs, verbose=max(self.verbose - 1, 0))(
            delayed(_fit_and_score)(
                self.estimator if prefit else clone(self.estimator),
                X,
                y_fit,
                fit_params,
                train,
                test,
                layout=layout,
                keep=keep,
            )
            for train, test in splits
        )
        folds = [
            (scores, Y01[test])
            for (scores, _, _), (_, test) in zip(results, splits, strict=True)
        ]
        decisions = [D for _, D, _ in results]
        self._log(1, f"out-of-fold scores ready in {time.perf_counter() - start:.1f}s")

        default = _default_thresholds(self.estimator, self.response_method_, n_labels)
        tunable = _known_positives(folds) >= self.min_positives
        grid = self._grid(kind, grid_param, folds, default, tunable)
        # first column holding the default: "untuned" is always a candidate
        untuned = np.argmax(grid == default[:, None], axis=1)
        objective = self._objective(folds, grid)
        # an estimator whose predict is not its scores at the default
        # thresholds (a label powerset): its predict is the untuned decision
        consistent = all(
            D is None or np.array_equal(S >= default, D == 1)
            for (S, _), D in zip(folds, decisions, strict=True)
        )
        self.untuned_decision_ = "thresholds" if consistent else "predict"
        best, fold_picks = self._search(objective, folds, grid, untuned, tunable)
        labels = np.arange(n_labels)
        # a pick equal to the default (a tied quantile) is the untuned decision
        best = np.where(grid[labels, best] == default, untuned, best)
        if consistent:
            self.best_score_ = objective.value(best)
            self.default_score_ = objective.value(untuned)
        else:
            best = self._guard_predict(
                folds, decisions, grid, best, untuned, fold_picks
            )
            picks = np.tile(best, (len(folds), 1))
            mixed = self._mixed_decisions(folds, decisions, grid, picks, untuned)
            self.best_score_ = float(self._decision_values(folds, mixed).mean())
            self.default_score_ = float(self._decision_values(folds, decisions).mean())
        self.thresholds_ = grid[labels, best]
        self.default_thresholds_ = default
        self.tuned_mask_ = best != untuned
        self.fallback_labels_ = np.flatnonzero(~tunable)
        if self.store_cv_results:
            curves = np.vstack([objective.curve(j, best) for j in range(n_labels)])
            self.cv_results_ = {"thresholds": grid, "scores": curves}
        if not tunable.any():
            warnings.warn(
                f"No label has min_positives={self.min_positives} known "
                "positive(s) in the tuning data, so every threshold keeps its "
                "default (the untuned decision).",
                UserWarning,
                stacklevel=3,
            )
        self._log(
            1,
            f"{int(self.tuned_mask_.sum())} of {n_labels} threshold(s) tuned, "
            f"{self.fallback_labels_.size} below min_positives; "
            f"best_score_={self.best_score_:.4f}, "
            f"default_score_={self.default_score_:.4f}",
        )

        if prefit:
            self.estimator_ = self.estimator
        elif refit:
            self._log(1, "refitting on the whole training set")
            self.estimator_ = clone(self.estimator).fit(X, y_fit, **fit_params)
        else:
            self.estimator_ = results[0][2]
        self._finish_fit(n_labels)
        return self

    def _search(self, objective, folds, grid, untuned, tunable):
        """Indices into ``grid`` (one per label) maximising ``objective``.

        Labels that are not ``tunable`` stay at ``untuned``; ``guard`` then
        reverts tuned thresholds whose cross-fitted gain over ``untuned``
        does not pass it (per label for a separable objective, all labels
        together otherwise). Returns ``(best, fold_picks)``: ``fold_picks``
        of shape (n_folds, n_labels) holds the picks of the search without
        each fold, which the guard scored, or None when it did not run them.
        """
        guard, n_folds = self.guard, len(folds)
        labels = np.arange(grid.shape[0])
        if objective.independent:
            self.n_sweeps_ = 0
            terms = objective.fold_terms  # (n_folds, n_labels, T)
            best = _separable_best(terms.mean(axis=0), untuned, tunable)
            if guard is None or not np.any(best != untuned):
                return best, None
            # gain on fold f of the thresholds tuned on the other folds
            picks = np.tile(best, (n_folds, 1))
            if n_folds > 1:
                total = terms.sum(axis=0)
                for f in range(n_folds):
                    rest = (total - terms[f]) / (n_folds - 1)
                    picks[f] = _separable_best(rest, untuned, tunable)
            gains = np.stack(
                [
                    terms[f, labels, picks[f]] - terms[f, labels, untuned]
                    for f in range(n_folds)
                ]
            )
            for j in np.flatnonzero(best != untuned):
                if not _improves(gains[:, j], guard):
                    best[j] = untuned[j]
            self._log(
                1, f"guard: {int(np.sum(best != untuned))} tuned threshold(s) kept"
            )
            return best, picks
        best, self.n_sweeps_ = self._ascend(objective, folds, grid, untuned, tunable)
        if guard is None or not np.any(best != untuned):
            return best, None
        picks = None
        if n_folds == 1:
            gains = objective.fold_values(best) - objective.fold_values(untuned)
        else:
            gains = np.empty(n_folds)
            picks = np.tile(best, (n_folds, 1))
            for f in range(n_folds):
                rest = folds[:f] + folds[f + 1 :]
                search = self._objective(rest, grid)
                pick, _ = self._ascend(search, rest, grid, untuned, tunable, quiet=True)
                held = self._objective(folds[f : f + 1], grid)
                gains[f] = held.value(pick) - held.value(untuned)
                picks[f] = pick
        if not _improves(gains, guard):
            self._log(1, "guard: the tuned thresholds are reverted to the default")
            return untuned.copy(), picks
        return best, picks

    def _positive(self, X):
        positive = super()._positive(X)
        if getattr(self, "untuned_decision_", "thresholds") == "thresholds":
            return positive
        own = _label_decisions(
            self.estimator_, X, multilabel=self._multilabel, pos_label=self._pos_label
        )
        return np.where(self.tuned_mask_, positive, own)

    def _mixed_decisions(self, folds, decisions, grid, picks, untuned):
        """Per fold: ``scores >= grid[j, picks[f, j]]`` where ``picks[f, j]``
        is a tuned threshold, the estimator's ``predict`` elsewhere."""
        labels = np.arange(grid.shape[0])
        return [
            np.where(picks[f] != untuned, S >= grid[labels, picks[f]], D == 1).astype(
                np.int64
            )
            for f, ((S, _), D) in enumerate(zip(folds, decisions, strict=True))
        ]

    def _decision_values(self, folds, decisions):
        """The objective of fixed 0/1 ``decisions``, one value per fold."""
        values = []
        for (_, Y), D in zip(folds, decisions, strict=True):
            n_labels = D.shape[1]
            # 0/1 scores cut at 0.5 reproduce the decisions
            held = self._objective(
                [(D.astype(np.float64), Y)], np.full((n_labels, 1), 0.5)
            )
            values.append(held.value(np.zeros(n_labels, dtype=np.intp)))
        return np.array(values)

    def _guard_predict(self, folds, decisions, grid, best, untuned, picks):
        """``guard`` against the estimator's own ``predict`` (the untuned
        decision of an estimator whose predict is not its thresholded
        scores): the thresholds tuned on the other folds, with ``predict``
        for the labels they leave untuned, must beat ``predict`` on each
        held-out fold; otherwise every label is left untuned. ``picks``: the
        ``fold_picks`` of :meth:`_search`."""
        if self.guard is None or not np.any(best != untuned):
            return best
        if picks is None or len(folds) == 1:
            picks = np.tile(best, (len(folds), 1))
        # labels the search left untuned use predict on every fold, as do
        # fold picks equal to the default threshold
        labels = np.arange(grid.shape[0])
        untouched = (best == untuned) | (grid[labels, picks] == grid[labels, untuned])
        picks = np.where(untouched, untuned, picks)
        mixed = self._mixed_decisions(folds, decisions, grid, picks, untuned)
        gains = self._decision_values(folds, mixed) - self._decision_values(
            folds, decisions
        )
        if not _improves(gains, self.guard):
            self._log(1, "guard: the estimator's own predict is kept")
            return untuned.copy()
        return best

    def _ascend(self, objective, folds, grid, untuned, tunable, quiet=False):
        """Coordinate ascent of a global objective: ``(indices, sweeps)``."""
        # start from the per-label F1 optima
        tp, fp, fn = _fold_counts(folds, grid)
        start = np.argmax(_f1_from_counts(tp, fp, fn).mean(axis=0), axis=1)
        best = np.where(tunable, start, untuned)
        sweep = 0
        for sweep in range(1, _MAX_SWEEPS + 1):
            changed = 0
            for j in np.flatnonzero(tunable):
                curve = objective.curve(j, best)
                candidate = int(np.argmax(curve))
                if curve[candidate] > curve[best[j]] + _TOL:
                    best[j] = candidate
                    changed += 1
            if not quiet:
                self._log(2, f"sweep {sweep}: {changed} threshold(s) moved")
            if not changed:
                break
        else:
            if not quiet:
                warnings.warn(
                    f"Coordinate ascent did not converge in {_MAX_SWEEPS} "
                    "sweeps; the thresholds are the last ones found.",
                    ConvergenceWarning,
                    stacklevel=4,
                )
        return best, sweep


def _separable_best(terms, untuned, tunable):
    """Per-label argmax of ``terms`` (n_labels, T); ``untuned`` if not tunable."""
    return np.where(tunable, np.argmax(terms, axis=1), untuned)
