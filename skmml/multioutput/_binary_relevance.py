"""Binary relevance that fits each label only on the samples where it is known."""

from numbers import Integral

import numpy as np
from sklearn.base import clone
from sklearn.utils.metaestimators import available_if
from sklearn.utils.parallel import Parallel, delayed
from sklearn.utils.validation import check_consistent_length, check_is_fitted, indexable

from ..utils._param_validation import HasMethods, _fit_context
from ._base import (
    BasePartialMultiLabel,
    estimators_have,
    fit_label,
    label_response,
)

__all__ = ["PartialBinaryRelevance"]


class PartialBinaryRelevance(BasePartialMultiLabel):
    r"""Binary relevance for partially labelled targets (NaN = unknown).

    One clone of ``estimator`` is fitted per label, each only on the
    samples where that label is known: an unknown entry is neither a
    positive nor a negative example, it is left out of that label's
    training set (and only of that label's). On a complete label matrix
    this is scikit-learn's
    :class:`~sklearn.multiclass.OneVsRestClassifier` /
    :class:`~sklearn.multioutput.MultiOutputClassifier` and predicts the
    same.

    Parameters
    ----------
    estimator : estimator object
        Binary classifier with ``fit`` and ``predict``; ``predict_proba``
        and ``decision_function`` are offered when it has them. It is
        cloned once per label, the object passed is left untouched.
    n_jobs : int, default=None
        Number of jobs fitting the labels in parallel (joblib). ``None``
        means 1 unless in a :obj:`joblib.parallel_backend` context, ``-1``
        all processors.
    verbose : int, default=0
        Verbosity of the joblib ``Parallel`` fitting the labels.

    Attributes
    ----------
    estimators_ : list of estimators
        One fitted model per label: a clone of ``estimator`` fitted on the
        rows where the label is known, or a
        :class:`~sklearn.dummy.DummyClassifier` for a label that has a
        single class among those rows (see Notes). For a single-output
        ``y``, the one clone fitted on it.
    classes_ : ndarray
        ``np.arange(n_labels)`` for a label matrix (the skmml and
        ``OneVsRestClassifier`` convention); the class labels of a
        single-output ``y``.
    n_features_in_ : int
        Number of features seen during fit (when the label models expose
        it).
    feature_names_in_ : ndarray of shape (`n_features_in_`,)
        Names of the features seen during fit (when the label models
        expose them).

    See Also
    --------
    PartialClassifierChain : Chains the labels, filling unknown earlier
        labels with the chain's own predictions.
    sklearn.multiclass.OneVsRestClassifier : The same on complete targets.
    skmml.utils.accepts_unknown_labels : Which estimators accept NaN in y.

    Notes
    -----
    **Target.** ``y`` is a label indicator matrix of shape (n_samples,
    n_labels): dense, scipy sparse (explicitly stored NaN are unknown), a
    pandas DataFrame (``pd.NA`` / NaN, nullable dtypes) or a polars
    DataFrame (nulls), with 0 = absent, 1 = present and NaN = unknown. A
    2-D ``y`` of one 0/1 column is a one-label problem. A 1-D binary or
    multiclass ``y`` (or a column of other class labels) is a single
    output: one clone of ``estimator`` is fitted on it and every method is
    that clone's (binary relevance of one output is the estimator itself);
    a 1-D ``y`` may not hold NaN.

    **Exact definition.** With :math:`K_j = \{i : Y_{ij} \text{ known}\}`,
    the model of label :math:`j` is ``estimator`` fitted on
    :math:`(X_i, Y_{ij})_{i \in K_j}`, with the sample weights and other
    sample-aligned fit parameters of those rows. Predictions are complete:
    every label is predicted for every sample.

    **Degenerate labels.** A label whose known entries all have the same
    class :math:`c` is predicted constantly (a ``DummyClassifier`` fitted on
    the same rows: ``predict`` gives :math:`c`, ``predict_proba``
    :math:`c`, ``decision_function`` :math:`2c - 1`, a finite value with
    the sign of the prediction), with a ``UserWarning``; the estimator
    itself is never fitted on one class. A label without any known entry
    is an error: no prior can be estimated from zero samples.

    **Metadata.** ``sample_weight`` and the other fit parameters go to every
    label model, restricted to its rows. With metadata routing enabled
    (``sklearn.set_config(enable_metadata_routing=True)``) only what
    ``estimator`` requests is passed
    (``estimator.set_fit_request(sample_weight=True)``).

    This is the setting of Ibrahim et al. (2020) with a known mask: the
    unknown entries get zero weight in each label's loss.

    References
    ----------
    .. [1] K. M. Ibrahim, E. V. Epure, G. Peeters and G. Richard,
       "Confidence-based Weighted Loss for Multi-label Classification with
       Missing Labels", ICMR 2020.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn.linear_model import LogisticRegression
    >>> from skmml.multioutput import PartialBinaryRelevance
    >>> X = np.array([[0.0], [1.0], [2.0], [3.0], [4.0], [5.0]])
    >>> Y = np.array([[0, 1], [0, np.nan], [0, 1], [1, 0], [np.nan, 0], [1, 0]])
    >>> clf = PartialBinaryRelevance(LogisticRegression()).fit(X, Y)
    >>> clf.predict([[0.5], [4.5]])
    array([[0, 1],
           [1, 0]])
    >>> clf.predict_proba([[0.5]]).shape
    (1, 2)
    """

    _parameter_constraints: dict = {
        "estimator": [HasMethods(["fit", "predict"])],
        "n_jobs": [Integral, None],
        "verbose": ["verbose"],
    }

    def __init__(self, estimator, *, n_jobs=None, verbose=0):
        self.estimator = estimator
        self.n_jobs = n_jobs
        self.verbose = verbose

    @_fit_context(
        # estimator is validated when each label's clone is fitted
        prefer_skip_nested_validation=False
    )
    def fit(self, X, y, sample_weight=None, **fit_params):
        """Fit one model per label on the samples where the label is known.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            Training data, as accepted by ``estimator`` (it is passed on
            unvalidated, row-subset per label).
        y : {array-like, sparse matrix} of shape (n_samples, n_labels) or \
(n_samples,)
            Label indicator matrix with NaN for unknown entries (see
            Notes), or a 1-D binary / multiclass target.
        sample_weight : array-like of shape (n_samples,), default=None
            Sample weights, passed to every label model for its rows.
        **fit_params : dict
            Other parameters of ``estimator.fit``; sample-aligned ones are
            restricted to each label's rows. With metadata routing enabled,
            only those ``estimator`` requests.

        Returns
        -------
        self : PartialBinaryRelevance
            The fitted estimator.
        """
        Y, kind = self._check_target(y)
        check_consistent_length(X, Y)
        params = self._estimator_fit_params(sample_weight, fit_params)
        self._target_kind = kind
        if kind != "multilabel":
            self.estimators_ = [clone(self.estimator).fit(X, Y, **params)]
            self.classes_ = self.estimators_[0].classes_
            self._set_input_attributes()
            return self

        plan = self._plan_labels(Y)
        if any(rows is not None for _, rows, _ in plan):
            (X,) = indexable(X)
        self.estimators_ = Parallel(n_jobs=self.n_jobs, verbose=self.verbose)(
            delayed(fit_label)(self.estimator, X, column, rows, params, constant)
            for column, rows, constant in plan
        )
        self.classes_ = np.arange(Y.shape[1])
        self._set_input_attributes()
        return self

    def _stack(self, X, method):
        return np.column_stack(
            [label_response(est, X, method) for est in self.estimators_]
        )

    def predict(self, X):
        """Predict every label of every sample.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            Samples.

        Returns
        -------
        y_pred : ndarray of shape (n_samples, n_labels) or (n_samples,)
            0/1 indicator matrix (int64): each label model's ``predict``. For
            a single-output ``y``, the class labels predicted by the clone.
        """
        check_is_fitted(self)
        if self._target_kind != "multilabel":
            return self.estimators_[0].predict(X)
        return self._stack(X, "predict").astype(np.int64)

    @available_if(estimators_have("predict_proba"))
    def predict_proba(self, X):
        """Probability that each label is present.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            Samples.

        Returns
        -------
        proba : ndarray of shape (n_samples, n_labels) or (n_samples, n_classes)
            ``proba[i, j]`` = P(label j = 1 | x_i) from label j's model
            (independent labels, rows need not sum to one). For a
            single-output ``y``, the clone's class probabilities.
        """
        check_is_fitted(self)
        if self._target_kind != "multilabel":
            return self.estimators_[0].predict_proba(X)
        return self._stack(X, "predict_proba")

    @available_if(estimators_have("decision_function"))
    def decision_function(self, X):
        """Decision value of every label model.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            Samples.

        Returns
        -------
        scores : ndarray of shape (n_samples, n_labels), or the clone's \
output for a single-output ``y``
            Label ``j``'s ``decision_function`` (positive means present);
            +1 / -1 for a label predicted constantly present / absent.
        """
        check_is_fitted(self)
        if self._target_kind != "multilabel":
            return self.estimators_[0].decision_function(X)
        return self._stack(X, "decision_function")
