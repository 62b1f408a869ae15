"""Classifier wrapper recording the number of training samples per label."""

import numpy as np
import scipy.sparse as sp
from sklearn.base import BaseEstimator, ClassifierMixin, MetaEstimatorMixin, clone
from sklearn.tree import DecisionTreeClassifier
from sklearn.utils import get_tags
from sklearn.utils.metadata_routing import (
    MetadataRouter,
    MethodMapping,
    _routing_enabled,
    process_routing,
)
from sklearn.utils.metaestimators import available_if
from sklearn.utils.validation import check_is_fitted

from ..utils import (
    accepts_unknown_labels,
    check_multilabel_indicator,
    encode_target,
    has_unknown,
    label_counts,
)
from ..utils._param_validation import HasMethods, _fit_context
from ..utils._tags import with_unknown_labels
from ._partial import _check_accepts_unknown

__all__ = ["LabelCountingClassifier"]


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
    long-tail scorers (:func:`skmml.metrics.make_long_tail_scorer`,
    ``get_scorer("tail_macro_f1")``) read to group the labels by their frequency in the
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
        in which each label is positive (known positives only when ``y`` is
        partial). For a binary or multiclass target, the number of training
        samples of each class, in the order of ``classes_``.
    classes_ : ndarray or list of ndarray
        ``classes_`` of the fitted estimator.
    n_features_in_ : int
        Number of features seen during fit (if the estimator exposes it).
    feature_names_in_ : ndarray of shape (`n_features_in_`,)
        Names of features seen during fit (if the estimator exposes them).

    See Also
    --------
    skmml.metrics.make_long_tail_scorer : Scorer of one frequency group.

    Notes
    -----
    A 2-D ``y`` may contain NaN for unknown entries if ``estimator``
    accepts partially labelled targets
    (:func:`skmml.utils.accepts_unknown_labels`, for instance
    ``skmml.multioutput.PartialBinaryRelevance``): it is passed on
    unchanged, ``label_counts_`` counts the known positives, and this
    wrapper carries the same tag. Otherwise (the default decision tree
    included) such a ``y`` is rejected with an error naming the estimator.

    With metadata routing enabled (``sklearn.set_config(
    enable_metadata_routing=True)``), ``fit`` passes ``estimator`` only the
    metadata it requests (``estimator.set_fit_request(sample_weight=True)``);
    otherwise every fit parameter is passed on.

    Examples
    --------
    >>> from sklearn.neighbors import KNeighborsClassifier
    >>> from skmml.model_selection import LabelCountingClassifier
    >>> X = [[0.0], [0.1], [1.0], [1.1]]
    >>> Y = [[1, 0], [1, 0], [0, 1], [1, 1]]
    >>> clf = LabelCountingClassifier(KNeighborsClassifier(n_neighbors=1))
    >>> clf.fit(X, Y).label_counts_
    array([3, 2])
    >>> clf.predict([[1.05]])
    array([[0, 1]])
    """

    _parameter_constraints: dict = {"estimator": [HasMethods(["fit"]), None]}

    def __init__(self, estimator=None):
        self.estimator = estimator

    def _base_estimator(self):
        if self.estimator is None:
            return DecisionTreeClassifier(random_state=0)
        return self.estimator

    @_fit_context(prefer_skip_nested_validation=False)
    def fit(self, X, y, **fit_params):
        """Record the label counts of ``y`` and fit a clone of the estimator.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            Training data, passed to the estimator unchanged.
        y : array-like of shape (n_samples,) or (n_samples, n_labels)
            Multi-label indicator matrix, or binary / multiclass labels. A
            2-D ``y`` may hold NaN for unknown entries if the estimator
            accepts them.
        **fit_params : dict
            Passed to the estimator's ``fit`` (with metadata routing
            enabled, only those the estimator requests).

        Returns
        -------
        self : LabelCountingClassifier
            The fitted wrapper.
        """
        if y is None:
            raise ValueError(
                "LabelCountingClassifier requires y to be passed, but the "
                "target y is None: it records the number of training samples "
                "per label."
            )
        if _routing_enabled():
            params = process_routing(self, "fit", **fit_params).estimator.fit
        else:
            params = fit_params
        counts, partial = _target_counts(y)
        if partial:
            _check_accepts_unknown(type(self).__name__, self._base_estimator())
        self.label_counts_ = counts
        self.estimator_ = clone(self._base_estimator()).fit(X, y, **params)
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

    def get_metadata_routing(self):
        """Get the metadata routing of this object.

        Returns
        -------
        routing : MetadataRouter
            Routes ``fit`` metadata to ``estimator.fit``.
        """
        return MetadataRouter(owner=self).add(
            estimator=self._base_estimator(),
            method_mapping=MethodMapping().add(caller="fit", callee="fit"),
        )

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        inner = get_tags(self._base_estimator())
        tags.input_tags = inner.input_tags
        tags.target_tags.multi_output = inner.target_tags.multi_output
        if inner.classifier_tags is not None:
            tags.classifier_tags.multi_label = inner.classifier_tags.multi_label
            tags.classifier_tags.poor_score = inner.classifier_tags.poor_score
        return with_unknown_labels(tags, accepts_unknown_labels(self._base_estimator()))


def _target_counts(y):
    """Positive count per label (indicator y) or per class (1-D y).

    A 2-D y of one 0/1 column is a one-label indicator matrix (one count);
    any other column vector holds class labels. Returns the counts (known
    positives of a partial y) and whether y has unknown entries.
    """
    shape = getattr(y, "shape", None)
    if shape is None:
        shape = np.shape(np.asarray(y, dtype=object))
    if sp.issparse(y) or (len(shape) == 2 and shape[1] == 1):
        try:
            Y = check_multilabel_indicator(y, name="y", allow_unknown=True)
        except ValueError:
            if sp.issparse(y):
                raise
        else:
            return label_counts(Y), has_unknown(Y)
    Y, _, _ = encode_target(y, name="y", accept_sparse=False, allow_unknown=True)
    return label_counts(Y), has_unknown(Y)
