"""Classifier chain for partially labelled targets (NaN = unknown)."""

import time

import numpy as np
import scipy.sparse as sp
from sklearn.utils import get_tags
from sklearn.utils.metaestimators import available_if
from sklearn.utils.validation import (
    check_consistent_length,
    check_is_fitted,
    validate_data,
)

from ..utils._param_validation import HasMethods, StrOptions, _fit_context
from ..utils._random import check_random_state_local
from ._base import (
    RESPONSE_METHODS,
    BasePartialMultiLabel,
    estimators_have,
    fit_label,
    label_response,
)

__all__ = ["PartialClassifierChain"]


class PartialClassifierChain(BasePartialMultiLabel):
    r"""Classifier chain for partially labelled targets (NaN = unknown).

    The labels are modelled one after the other in ``order``; the model of
    each label sees the features plus the labels earlier in the chain, and
    is fitted only on the samples where its own label is known. An earlier
    label's *known* entries are its true values (teacher forcing, as in
    scikit-learn's :class:`~sklearn.multioutput.ClassifierChain`); its
    *unknown* entries are filled with the chain's own prediction for them
    (see Notes). On a complete label matrix this is scikit-learn's
    ``ClassifierChain`` (``cv=None``) and predicts the same.

    Parameters
    ----------
    estimator : estimator object
        Binary classifier with ``fit`` and ``predict``; cloned once per
        label.
    order : array-like of shape (n_labels,), "random" or None, default=None
        Order of the labels in the chain: ``order[k]`` is the column of ``y``
        modelled at position ``k``. None means ``range(n_labels)``;
        "random" a permutation drawn from ``random_state``.
    chain_method : str or list of str, default="predict"
        What an earlier link passes on to the later ones, at prediction
        time and for the unknown entries during fit: ``"predict"`` its
        predicted 0/1 label, ``"predict_proba"`` its probability of
        label = 1, ``"decision_function"`` its decision value. A list gives
        an order of preference; the first method ``estimator`` has is used.
    random_state : int, RandomState instance or None, default=None
        Draws the chain order when ``order="random"`` (None: a fresh seed
        from the operating system, never numpy's global RNG).
    verbose : bool, default=False
        Print a line with the elapsed time as each link is fitted.

    Attributes
    ----------
    estimators_ : list of estimators
        The fitted link models, in chain order: ``estimators_[k]`` models
        label ``order_[k]`` from the features and labels
        ``order_[:k]``. A :class:`~sklearn.dummy.DummyClassifier` stands in
        for a label with a single known class.
    order_ : ndarray of shape (n_labels,)
        The order of the labels in the chain.
    chain_method_ : str
        The method whose output the links pass on.
    classes_ : ndarray
        ``np.arange(n_labels)`` for a label matrix; the class labels of a
        single-output ``y``.
    n_features_in_ : int
        Number of features seen during fit.
    feature_names_in_ : ndarray of shape (`n_features_in_`,)
        Names of the features seen during fit, when ``X`` has string
        column names.

    See Also
    --------
    PartialBinaryRelevance : One independent model per label.
    sklearn.multioutput.ClassifierChain : The same on complete targets.

    Notes
    -----
    **Target.** As for :class:`PartialBinaryRelevance`: a label indicator
    matrix (dense, sparse with explicit NaN, pandas ``pd.NA``, polars nulls)
    with 0 = absent, 1 = present, NaN = unknown. A 1-D binary or multiclass
    ``y`` is a single output, a chain of one link: one clone of
    ``estimator`` fitted on ``X``.

    **Exact definition.** Write :math:`\ell_k` = ``order_[k]``, :math:`K_\ell
    = \{i : Y_{i\ell} \text{ known}\}` and :math:`h_k` the fitted link
    :math:`k`. The chain feature of label :math:`\ell_k` is

    .. math:: Z_{ik} = Y_{i\ell_k} \text{ if } i \in K_{\ell_k}, \quad
              Z_{ik} = m_k([X_i, Z_{i,<k}]) \text{ otherwise,}

    with :math:`m_k` the ``chain_method_`` output of :math:`h_k` (0/1 label,
    probability or decision value). Link :math:`k` is fitted on
    :math:`([X_i, Z_{i,<k}], Y_{i\ell_k})_{i \in K_{\ell_k}}`. At prediction
    time every :math:`Z_{ik}` is :math:`m_k`, as in scikit-learn.

    **Why the chain's own predictions.** A link is fitted only on the rows
    where its label is known, so its predictions on the rows where the
    label is unknown are *out-of-sample* for it, and they are exactly what
    the later links will receive at prediction time: the later links learn
    from the same kind of input they are used on. Filling with 0 would
    teach them that an unknown earlier label is absent (the bias this
    estimator exists to avoid); dropping the row would throw away a known
    later label. With the default ``chain_method="predict"`` the filled
    entries are hard 0/1 labels, on the scale of the true values of the
    known entries; ``"predict_proba"`` fills soft labels in [0, 1] instead,
    which carry the link's uncertainty. ``predict_log_proba`` is not
    offered: a constant link's log-probability of an absent label is
    :math:`-\infty`, which no later link can take as a feature. The
    cross-validated variant of ``ClassifierChain`` (``cv``) is not offered.

    **Degenerate labels.** A label whose known entries have a single class
    :math:`c` is modelled by a ``DummyClassifier`` with a ``UserWarning``
    (``predict`` :math:`c`, ``predict_proba`` :math:`c`,
    ``decision_function`` :math:`2c - 1`); a label without any known entry
    is an error.

    **Metadata.** ``sample_weight`` and the other fit parameters go to every
    link, restricted to its rows; with metadata routing enabled only what
    ``estimator`` requests.

    References
    ----------
    .. [1] J. Read, B. Pfahringer, G. Holmes and E. Frank, "Classifier
       Chains for Multi-label Classification", Machine Learning 85(3), 2011.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn.linear_model import LogisticRegression
    >>> from skmml.multioutput import PartialClassifierChain
    >>> X = np.array([[0.0], [1.0], [2.0], [3.0], [4.0], [5.0]])
    >>> Y = np.array([[0, 0], [0, np.nan], [0, 0], [1, 1], [np.nan, 1], [1, 1]])
    >>> chain = PartialClassifierChain(LogisticRegression(), order=[1, 0])
    >>> chain.fit(X, Y).predict([[0.5], [4.5]])
    array([[0, 0],
           [1, 1]])
    >>> chain.order_
    array([1, 0])
    """

    _parameter_constraints: dict = {
        "estimator": [HasMethods(["fit", "predict"])],
        "order": ["array-like", StrOptions({"random"}), None],
        "chain_method": [list, tuple, StrOptions(set(RESPONSE_METHODS))],
        "random_state": ["random_state"],
        "verbose": ["boolean"],
    }

    def __init__(
        self,
        estimator,
        *,
        order=None,
        chain_method="predict",
        random_state=None,
        verbose=False,
    ):
        self.estimator = estimator
        self.order = order
        self.chain_method = chain_method
        self.random_state = random_state
        self.verbose = verbose

    def _validate_X(self, X, reset):
        allow_nan = get_tags(self.estimator).input_tags.allow_nan
        return validate_data(
            self,
            X,
            accept_sparse=True,
            ensure_all_finite="allow-nan" if allow_nan else True,
            reset=reset,
        )

    def _resolve_order(self, n_labels):
        if self.order is None:
            return np.arange(n_labels)
        if isinstance(self.order, str):  # "random"
            return check_random_state_local(self.random_state).permutation(n_labels)
        order = np.asarray(self.order)
        if (
            order.ndim != 1
            or order.dtype.kind not in "iu"
            or sorted(order.tolist()) != list(range(n_labels))
        ):
            raise ValueError(
                f"order must be a permutation of range({n_labels}), one position "
                f"per label of y; got {self.order!r}."
            )
        return order

    def _resolve_chain_method(self):
        methods = (
            [self.chain_method]
            if isinstance(self.chain_method, str)
            else list(self.chain_method)
        )
        unknown = [m for m in methods if m not in RESPONSE_METHODS]
        if unknown or not methods:
            raise ValueError(
                f"chain_method must name methods among {list(RESPONSE_METHODS)}; "
                f"got {self.chain_method!r}."
            )
        for method in methods:
            if hasattr(self.estimator, method):
                return method
        raise ValueError(
            f"{type(self.estimator).__name__} has none of the methods {methods} "
            "named by chain_method."
        )

    def _log(self, k, n_links, label, start):
        if self.verbose:
            print(
                f"[PartialClassifierChain] ({k + 1} of {n_links}) label {label} "
                f"fitted in {time.perf_counter() - start:.1f}s"
            )

    @_fit_context(
        # estimator is validated when each link's clone is fitted
        prefer_skip_nested_validation=False
    )
    def fit(self, X, y, sample_weight=None, **fit_params):
        """Fit the links in chain order, each on the rows where its label is known.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            Training data.
        y : {array-like, sparse matrix} of shape (n_samples, n_labels) or \
(n_samples,)
            Label indicator matrix with NaN for unknown entries, or a 1-D
            binary / multiclass target.
        sample_weight : array-like of shape (n_samples,), default=None
            Sample weights, passed to every link for its rows.
        **fit_params : dict
            Other parameters of ``estimator.fit``, restricted to each link's
            rows. With metadata routing enabled, only those ``estimator``
            requests.

        Returns
        -------
        self : PartialClassifierChain
            The fitted chain.
        """
        X = self._validate_X(X, reset=True)
        Y, kind = self._check_target(y)
        check_consistent_length(X, Y)
        params = self._estimator_fit_params(sample_weight, fit_params)
        self._target_kind = kind
        self.chain_method_ = self._resolve_chain_method()
        n_labels = Y.shape[1] if kind == "multilabel" else 1
        self.order_ = self._resolve_order(n_labels)
        if kind != "multilabel":
            start = time.perf_counter()
            self.estimators_ = [
                fit_label(self.estimator, X, Y, None, params, constant=False)
            ]
            self._log(0, 1, 0, start)
            self.classes_ = self.estimators_[0].classes_
            return self

        plan = self._plan_labels(Y)
        n_features = X.shape[1]
        # the chain features Z, true values where known (NaN until filled)
        Z = np.column_stack([plan[j][0] for j in self.order_]).astype(np.float64)
        # dense: one augmented matrix sliced per link, as scikit-learn fits
        X_aug = None if sp.issparse(X) else np.hstack((X, Z))
        self.estimators_ = []
        for k, label in enumerate(self.order_):
            start = time.perf_counter()
            column, rows, constant = plan[label]
            if X_aug is None:
                X_k = self._augment(X, Z, k)
            else:
                X_k = X_aug[:, : n_features + k]
            link = fit_label(self.estimator, X_k, column, rows, params, constant)
            self.estimators_.append(link)
            if rows is not None and k < n_labels - 1:
                unknown = np.flatnonzero(np.isnan(Z[:, k]))
                fill = label_response(link, X_k[unknown], self.chain_method_)
                Z[unknown, k] = fill
                if X_aug is not None:
                    X_aug[unknown, n_features + k] = fill
            self._log(k, n_labels, label, start)
        self.classes_ = np.arange(n_labels)
        return self

    @staticmethod
    def _augment(X, Z, k):
        """``[X, Z[:, :k]]``, CSR when ``X`` is sparse."""
        if not sp.issparse(X):
            return np.hstack((X, Z[:, :k]))
        if k == 0:
            return sp.csr_matrix(X)
        return sp.hstack((X, sp.csr_matrix(Z[:, :k])), format="csr")

    def _chain_outputs(self, X, method):
        """Every link's ``method`` output, fed forward by ``chain_method_``."""
        check_is_fitted(self)
        X = self._validate_X(X, reset=False)
        if self._target_kind != "multilabel":
            return getattr(self.estimators_[0], method)(X)
        n_links = len(self.estimators_)
        Z = np.zeros((X.shape[0], n_links))
        out = np.zeros((X.shape[0], n_links))
        for k, link in enumerate(self.estimators_):
            X_k = self._augment(X, Z, k)
            Z[:, k] = label_response(link, X_k, self.chain_method_)
            if method == self.chain_method_:
                out[:, k] = Z[:, k]
            else:
                out[:, k] = label_response(link, X_k, method)
        inverse = np.empty_like(self.order_)
        inverse[self.order_] = np.arange(n_links)
        return out[:, inverse]

    def predict(self, X):
        """Predict every label, link after link.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            Samples.

        Returns
        -------
        y_pred : ndarray of shape (n_samples, n_labels) or (n_samples,)
            0/1 indicator matrix (int64), columns in the order of ``y``. For
            a single-output ``y``, the class labels predicted by the clone.
        """
        out = self._chain_outputs(X, "predict")
        if self._target_kind != "multilabel":
            return out
        return out.astype(np.int64)

    @available_if(estimators_have("predict_proba"))
    def predict_proba(self, X):
        """Probability that each label is present, given the earlier links.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            Samples.

        Returns
        -------
        proba : ndarray of shape (n_samples, n_labels) or (n_samples, n_classes)
            ``proba[i, j]`` = P(label j = 1) from label j's link, whose
            inputs are the ``chain_method_`` outputs of the earlier links.
            For a single-output ``y``, the clone's class probabilities.
        """
        return self._chain_outputs(X, "predict_proba")

    @available_if(estimators_have("decision_function"))
    def decision_function(self, X):
        """Decision value of every link, given the earlier links.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            Samples.

        Returns
        -------
        scores : ndarray of shape (n_samples, n_labels), or the clone's \
output for a single-output ``y``
            Label ``j``'s decision value (positive means present); +1 / -1
            for a label predicted constantly present / absent.
        """
        return self._chain_outputs(X, "decision_function")
