"""Shared plumbing of the per-label meta-estimators that accept unknown labels."""

import warnings

import numpy as np
import scipy.sparse as sp
from sklearn.base import BaseEstimator, ClassifierMixin, MetaEstimatorMixin, clone
from sklearn.dummy import DummyClassifier
from sklearn.utils import _safe_indexing, get_tags
from sklearn.utils.metadata_routing import (
    MetadataRouter,
    MethodMapping,
    _routing_enabled,
    process_routing,
)
from sklearn.utils.validation import (
    _check_method_params,
    check_is_fitted,
    column_or_1d,
    has_fit_parameter,
)

from ..utils import (
    check_multilabel_indicator,
    encode_target,
    has_unknown,
    observed_mask,
)
from ..utils._tags import with_unknown_labels

# Values a label's link may feed forward or return per label.
RESPONSE_METHODS = ("predict", "predict_proba", "decision_function")


def _shape(y):
    """Shape of a target; arrays and DataFrames are not converted."""
    shape = getattr(y, "shape", None)
    if shape is None:
        # object dtype: ragged lists stay 1-D, the target checks report them
        shape = np.asarray(y, dtype=object).shape
    return tuple(shape)


def is_constant(estimator):
    """Whether a fitted label model is the stand-in of a single-class label."""
    return isinstance(estimator, DummyClassifier) and len(estimator.classes_) == 1


def estimators_have(attr):
    """``available_if`` check: the fitted label models (else ``estimator``) have it.

    The constant stand-ins of single-class labels do not count: they answer
    every response method.
    """

    def check(self):
        fitted = [e for e in getattr(self, "estimators_", []) if not is_constant(e)]
        if fitted:
            return all(hasattr(e, attr) for e in fitted)
        return hasattr(self.estimator, attr)

    return check


def label_response(estimator, X, method):
    """One score per sample of a fitted binary label model.

    ``predict``: the predicted 0/1 label; ``predict_proba``: P(label = 1);
    ``decision_function``: the decision value. A constant stand-in answers
    its class, probability 1 or 0, and decision value +1 or -1.
    """
    if method == "predict":
        return np.asarray(estimator.predict(X), dtype=np.float64).ravel()
    if method == "predict_proba":
        proba = np.asarray(estimator.predict_proba(X), dtype=np.float64)
        positive = np.flatnonzero(np.asarray(estimator.classes_) == 1)
        if positive.size:
            return proba[:, positive[0]]
        return np.zeros(proba.shape[0])
    if is_constant(estimator):
        sign = 2.0 * float(estimator.classes_[0]) - 1.0
        return np.full(len(estimator.predict(X)), sign)
    return np.asarray(estimator.decision_function(X), dtype=np.float64).ravel()


def warn_constant_label(label, value, n_known, n_samples):
    """The warning of a label that has a single class among its known rows."""
    where = f"where it is known ({n_known} of {n_samples} rows)"
    if value == 1:
        message = (
            f"Label {label} is present in all training examples {where}: it is "
            "always predicted present (a DummyClassifier stands in for the "
            "estimator)."
        )
    else:
        message = (
            f"Label not {label} is present in all training examples {where}: "
            f"label {label} is never predicted (a DummyClassifier stands in for "
            "the estimator)."
        )
    # warn_constant_label < _plan_labels < fit < _fit_context < the caller
    warnings.warn(message, UserWarning, stacklevel=5)


def fit_label(estimator, X, y, rows, params, constant):
    """Fit one label's model on its known ``rows`` (None: every row).

    A label with a single known class gets a ``DummyClassifier`` fitted on
    the same rows (with their ``sample_weight``) instead of the estimator.
    """
    if rows is not None:
        params = _check_method_params(X, params, indices=rows)
        X = _safe_indexing(X, rows)
        y = y[rows].astype(np.int64)
    if constant:
        weight = params.get("sample_weight")
        return DummyClassifier(strategy="prior").fit(X, y, sample_weight=weight)
    return clone(estimator).fit(X, y, **params)


class BasePartialMultiLabel(MetaEstimatorMixin, ClassifierMixin, BaseEstimator):
    """Target reading, metadata routing, scoring and tags of the partial models."""

    def _check_target(self, y):
        """Read ``y``: a partial multi-label matrix or a single-output target.

        Returns ``(Y, kind)``. A sparse or 2-D ``y`` of 0/1 entries (NaN for
        unknown ones, one column included) is a label indicator matrix,
        ``kind="multilabel"``: a dense float array with NaN when some entry
        is unknown, else int64 (CSR if sparse). Any other ``y`` (a 1-D
        target, or a column vector of class labels, with a
        ``DataConversionWarning``) is a single binary or multiclass output,
        returned as a 1-D array with its kind.
        """
        owner = type(self).__name__
        if y is None:
            raise ValueError(
                f"{owner} requires y to be passed, but the target y is None."
            )
        shape = _shape(y)
        if sp.issparse(y) or (len(shape) == 2 and shape[1] != 1):
            Y = check_multilabel_indicator(y, name="y", allow_unknown=True)
            return Y, "multilabel"
        if len(shape) == 2:
            try:
                Y = check_multilabel_indicator(y, name="y", allow_unknown=True)
            except (ValueError, TypeError):
                pass  # a column of class labels: a single output below
            else:
                return Y, "multilabel"
        _, kind, _ = encode_target(y, name="y", owner=owner)
        if len(shape) == 2:
            values = y.to_numpy() if hasattr(y, "to_numpy") else y
            return column_or_1d(values), kind  # encode_target has warned
        return y, kind

    def _check_known(self, mask):
        """Every label needs a known entry: nothing can be learnt otherwise."""
        empty = np.flatnonzero(~mask.any(axis=0))
        if empty.size:
            raise ValueError(
                f"Label(s) {empty.tolist()} of y have no known entry (every "
                "value is NaN), so no model can be fitted for them. Drop these "
                "columns of y or label some of their samples."
            )

    def _estimator_fit_params(self, sample_weight, fit_params):
        """The parameters given to every label model's ``fit``.

        With metadata routing enabled, what ``estimator`` requests; otherwise
        ``sample_weight`` and every other fit parameter (scikit-learn's
        ``MultiOutputClassifier`` behaves the same).
        """
        if _routing_enabled():
            if sample_weight is not None:
                fit_params["sample_weight"] = sample_weight
            return dict(process_routing(self, "fit", **fit_params).estimator.fit)
        if sample_weight is not None and not has_fit_parameter(
            self.estimator, "sample_weight"
        ):
            raise ValueError(
                f"sample_weight was passed but {type(self.estimator).__name__}"
                ".fit does not accept it."
            )
        params = dict(fit_params)
        if sample_weight is not None:
            params["sample_weight"] = sample_weight
        return params

    def _label_columns(self, Y):
        """Dense 1-D columns of ``Y`` (int64 when complete, else float with NaN)."""
        if sp.issparse(Y):
            Y = Y.tocsc()
            return [Y[:, [j]].toarray().ravel() for j in range(Y.shape[1])]
        return [Y[:, j] for j in range(Y.shape[1])]

    def _plan_labels(self, Y):
        """Per label: its column, its known rows (None if all) and constancy.

        Warns, in the calling process, for every label with a single class
        among its known rows.
        """
        mask = observed_mask(Y)
        self._check_known(mask)
        n_samples = Y.shape[0]
        plan = []
        for j, column in enumerate(self._label_columns(Y)):
            known = mask[:, j]
            rows = None if known.all() else np.flatnonzero(known)
            values = column if rows is None else column[rows]
            classes = np.unique(values)
            constant = classes.shape[0] == 1
            if constant:
                warn_constant_label(j, classes[0], values.shape[0], n_samples)
            plan.append((column, rows, constant))
        return plan

    def _set_input_attributes(self):
        """``n_features_in_`` / ``feature_names_in_`` from the label models."""
        models = sorted(self.estimators_, key=is_constant)
        for attr in ("n_features_in_", "feature_names_in_"):
            if hasattr(models[0], attr):
                setattr(self, attr, getattr(models[0], attr))

    def get_metadata_routing(self):
        """Get the metadata routing of this object.

        Returns
        -------
        routing : MetadataRouter
            Routes the metadata of ``fit`` (``sample_weight`` included) to
            every label model's ``estimator.fit``, as ``estimator`` requests
            it; each label model gets the rows it is fitted on.
        """
        return MetadataRouter(owner=self).add(
            estimator=self.estimator,
            method_mapping=MethodMapping().add(caller="fit", callee="fit"),
        )

    def score(self, X, y, sample_weight=None):
        """Subset accuracy (mean accuracy for a single-output ``y``).

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Test samples.
        y : array-like of shape (n_samples, n_labels) or (n_samples,)
            True labels. A label matrix may hold NaN for unknown entries:
            a sample then counts as correct when every *known* entry is
            predicted right, and samples without any known entry are left
            out (:func:`skmml.metrics.subset_accuracy`).
        sample_weight : array-like of shape (n_samples,), default=None
            Sample weights.

        Returns
        -------
        score : float
            :func:`sklearn.metrics.accuracy_score` of ``self.predict(X)``
            when ``y`` is complete.
        """
        check_is_fitted(self)
        if self._target_kind == "multilabel":
            Y = check_multilabel_indicator(y, name="y", allow_unknown=True)
            if has_unknown(Y):
                from ..metrics import subset_accuracy

                return float(
                    subset_accuracy(Y, self.predict(X), sample_weight=sample_weight)
                )
        return super().score(X, y, sample_weight=sample_weight)

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        inner = get_tags(self.estimator)
        tags.classifier_tags.multi_label = True
        if inner.classifier_tags is not None:
            tags.classifier_tags.multi_class = inner.classifier_tags.multi_class
        tags.target_tags.multi_output = True
        tags.target_tags.single_output = True
        tags.input_tags.sparse = inner.input_tags.sparse
        tags.input_tags.allow_nan = inner.input_tags.allow_nan
        return with_unknown_labels(tags)
