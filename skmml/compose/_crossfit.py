"""Out-of-fold (cross-fitted) training features of a supervised transformer."""

import copy
from numbers import Integral

import numpy as np
import scipy.sparse as sp
from sklearn.base import BaseEstimator, MetaEstimatorMixin, TransformerMixin, clone
from sklearn.model_selection import KFold, StratifiedKFold, check_cv
from sklearn.utils import Bunch, _safe_indexing, get_tags, indexable
from sklearn.utils.metadata_routing import (
    MetadataRouter,
    MethodMapping,
    _routing_enabled,
    process_routing,
)
from sklearn.utils.metaestimators import available_if
from sklearn.utils.multiclass import type_of_target
from sklearn.utils.parallel import Parallel, delayed
from sklearn.utils.validation import _num_samples, check_is_fitted, validate_data

from ..utils import is_multilabel_indicator
from ..utils._param_validation import HasMethods, _fit_context


def _transformer_has(attr):
    def check(self):
        fitted = getattr(self, "transformer_", None)
        if fitted is None:
            fitted = getattr(self, "transformers_", [None])[0]
        return hasattr(self.transformer if fitted is None else fitted, attr)

    return check


def _as_output(Z):
    """A fold's output as an ndarray or a CSR matrix (frames as arrays)."""
    if sp.issparse(Z):
        return sp.csr_matrix(Z)
    if hasattr(Z, "to_numpy"):  # pandas or polars
        return Z.to_numpy()
    return np.asarray(Z)


def _index_params(params, indices, n_samples):
    """Rows ``indices`` of every sample-aligned parameter; others unchanged."""
    out = {}
    for key, value in params.items():
        try:
            aligned = _num_samples(value) == n_samples
        except TypeError:
            aligned = False
        out[key] = _safe_indexing(value, indices) if aligned else value
    return out


def _fit_fold(transformer, X, y, train, test, fit_params, transform_params, n):
    """Fit a clone on the ``train`` rows and transform the ``test`` rows."""
    est = clone(transformer)
    y_train = None if y is None else _safe_indexing(y, train)
    est.fit(_safe_indexing(X, train), y_train, **_index_params(fit_params, train, n))
    Z = est.transform(_safe_indexing(X, test), **transform_params)
    return est, _as_output(Z)


def _fit_full(transformer, X, y, fit_params):
    return clone(transformer).fit(X, y, **fit_params)


class CrossFitTransformer(MetaEstimatorMixin, TransformerMixin, BaseEstimator):
    """Out-of-fold training features of a supervised transformer (cross-fitting).

    A supervised transformer (a :class:`~skmml.neural.ResBiLSTMEncoder`, a
    target encoder, the probabilities of a classifier) fitted on the rows it
    transforms gives them features more separable than those of unseen rows:
    a model trained on them next learns an over-confident mapping. Like
    :class:`~sklearn.ensemble.StackingClassifier` with ``cv``,
    :meth:`fit_transform` returns for every training row the output of a
    clone fitted on the other folds, and fits ``transformer_`` on all rows
    for :meth:`transform` on new data.

    Place it around a modality's transformer in
    :class:`~skmml.compose.MultiModalConcatenator` (which calls
    ``fit_transform``) or as a step of a :class:`~sklearn.pipeline.Pipeline`.

    Parameters
    ----------
    transformer : estimator
        The transformer to cross-fit (cloned, never fitted itself); it needs
        ``fit`` and ``transform``.
    cv : int, cross-validation generator or iterable, default=5
        The folds. An int is a number of folds: multi-label ``y`` (a 0/1
        matrix, NaN = unknown entries allowed) is split by
        :class:`~skmml.model_selection.IterativeStratifiedKFold`, binary or
        multiclass ``y`` by :class:`~sklearn.model_selection.StratifiedKFold`,
        anything else (``y=None``, a continuous target) by
        :class:`~sklearn.model_selection.KFold`. A splitter or an iterable of
        ``(train, test)`` index arrays is used as given; its test folds must
        partition the rows (every row in exactly one test fold). None means 5.
    refit : bool, default=True
        If True, ``transformer_`` is also fitted on all rows and transforms
        new data (as :class:`~sklearn.ensemble.StackingClassifier` does). If
        False, no extra fit: new data get the mean of the fold clones'
        outputs, so train and test features come from the same fitted
        transformers (useful when each fit learns its own feature space,
        e.g. the hidden units of a neural encoder).
    n_jobs : int, default=None
        Number of jobs fitting the fold clones and ``transformer_`` in
        parallel (joblib). None means 1 unless in a
        :obj:`joblib.parallel_backend` context; -1 means all processors.
    random_state : int, RandomState instance or None, default=None
        With an int ``cv``, a seed shuffles the rows before they are split
        (``shuffle=True`` of the splitter); None keeps the deterministic,
        unshuffled folds. Not used with a splitter or an iterable ``cv``, and
        never passed to the clones (set the transformer's own seed).

    Attributes
    ----------
    transformer_ : estimator
        The clone fitted on all rows, used by :meth:`transform`; only when
        ``refit=True``.
    transformers_ : list of estimators
        The fold clones, when ``refit=False``; their mean output is
        :meth:`transform`'s.
    n_splits_ : int
        Number of folds of the last cross-fitting.
    n_features_in_ : int
        Number of features seen during fit.
    feature_names_in_ : ndarray of shape (`n_features_in_`,)
        Names of features seen during fit; only when ``X`` has string column
        names.

    See Also
    --------
    sklearn.ensemble.StackingClassifier : Cross-fitted predictions of base
        classifiers as features of a final one.
    sklearn.preprocessing.TargetEncoder : Cross-fitted target encoding.
    sklearn.model_selection.cross_val_predict : Out-of-fold predictions.
    MultiModalConcatenator : Per-modality transformers side by side.

    Notes
    -----
    With folds :math:`F_1, \\dots, F_K` partitioning the rows and
    :math:`\\phi^{(-k)}` the transformer fitted on the rows outside
    :math:`F_k`, the training features are

    .. math::

        z_i = \\phi^{(-k(i))}(x_i), \\qquad k(i) \\text{ the fold of row } i,

    and a new row gets :math:`\\phi(x)`, the transformer fitted on all rows
    (``refit=True``), or :math:`\\frac{1}{K} \\sum_k \\phi^{(-k)}(x)`
    (``refit=False``).
    Hence ``fit(X, y).transform(X)`` differs from ``fit_transform(X, y)``
    on purpose, as for :class:`~sklearn.preprocessing.TargetEncoder`; the
    out-of-fold features are only returned by :meth:`fit_transform`, which
    is what :class:`~sklearn.pipeline.Pipeline` and
    :class:`MultiModalConcatenator` call when fitting. Cross-fitting costs
    ``K + 1`` fits of the transformer (``K`` without ``refit``).

    Cross-fitting assumes that an output column means the same thing in
    every fit, as a class probability or a target mean does. The hidden
    units of a neural encoder shift from fit to fit: the next model then
    trains on a mixture of ``K`` slightly different feature spaces and
    predicts in another (``refit=True``) or in their average
    (``refit=False``), which can cost more than the over-confidence it
    removes; compare with and without it on held-out data.

    Metadata such as ``sample_weight`` goes to the transformer's ``fit``
    (restricted to the training rows of each fold); with
    ``sklearn.set_config(enable_metadata_routing=True)`` it is routed as the
    transformer requests, and ``groups`` can reach the splitter.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn.model_selection import LeaveOneOut
    >>> from sklearn.preprocessing import TargetEncoder
    >>> from skmml.compose import CrossFitTransformer
    >>> X = np.array([[0], [0], [0], [1], [1], [1]])   # two categories
    >>> y = np.array([1.0, 2.0, 6.0, 0.0, 2.0, 4.0])
    >>> enc = TargetEncoder(target_type="continuous", smooth=0.0)
    >>> crossfit = CrossFitTransformer(enc, cv=LeaveOneOut())
    >>> crossfit.fit_transform(X, y).ravel()  # mean of the category's other rows
    array([4. , 3.5, 1.5, 3. , 2. , 1. ])
    >>> crossfit.transform(X).ravel()         # new rows: mean of all its rows
    array([3., 3., 3., 2., 2., 2.])
    """

    _parameter_constraints: dict = {
        "transformer": [HasMethods(["fit", "transform"])],
        "cv": ["cv_object"],
        "refit": ["boolean"],
        "n_jobs": [Integral, None],
        "random_state": ["random_state"],
    }

    def __init__(
        self, transformer, *, cv=5, refit=True, n_jobs=None, random_state=None
    ):
        self.transformer = transformer
        self.cv = cv
        self.refit = refit
        self.n_jobs = n_jobs
        self.random_state = random_state

    def _check_cv(self, y):
        cv = 5 if self.cv is None else self.cv
        if not isinstance(cv, Integral):
            return check_cv(cv)
        shuffle = {"shuffle": self.random_state is not None}
        if shuffle["shuffle"]:
            shuffle["random_state"] = self.random_state
        if y is None:
            return KFold(int(cv), **shuffle)
        values = _target_values(y)
        if values.dtype.kind == "f":
            values = np.where(np.isnan(values), 0.0, values)  # NaN = unknown
        if is_multilabel_indicator(values):
            from ..model_selection import IterativeStratifiedKFold

            return IterativeStratifiedKFold(int(cv), **shuffle)
        if type_of_target(values) in ("binary", "multiclass"):
            return StratifiedKFold(int(cv), **shuffle)
        return KFold(int(cv), **shuffle)

    def _route(self, method, params):
        if _routing_enabled():
            return process_routing(self, method, **params)
        # without routing every parameter is the transformer's fit metadata
        return Bunch(
            transformer=Bunch(fit=params, transform={}),
            splitter=Bunch(split={}),
        )

    def fit(self, X, y=None, **params):
        """Fit ``transformer_`` on all rows, or the fold clones if not ``refit``.

        Use :meth:`fit_transform` for the out-of-fold training features.

        Parameters
        ----------
        X : {array-like, sparse matrix, DataFrame} of shape (n_samples, n_features)
            Training data, passed unchanged to the transformer.
        y : array-like of shape (n_samples,) or (n_samples, n_labels), default=None
            Targets, passed unchanged to the transformer.
        **params : dict
            Metadata for the transformer's ``fit`` (``sample_weight``...).

        Returns
        -------
        self : CrossFitTransformer
            This estimator.
        """
        self._fit(X, y, params, cross_fit=not self.refit)
        return self

    def fit_transform(self, X, y=None, **params):
        """Fit and return the out-of-fold training features.

        Fits the fold clones and, if ``refit``, ``transformer_`` on all rows.

        Parameters
        ----------
        X : {array-like, sparse matrix, DataFrame} of shape (n_samples, n_features)
            Training data, passed unchanged to the transformer.
        y : array-like of shape (n_samples,) or (n_samples, n_labels), default=None
            Targets, split with ``X`` and passed to the transformer.
        **params : dict
            Metadata for the transformer's ``fit`` (split with the rows) and,
            with routing enabled, ``groups`` for the splitter.

        Returns
        -------
        X_out : {ndarray, sparse matrix} of shape (n_samples, n_features_out)
            Row ``i`` transformed by the clone fitted without ``i``'s fold.
        """
        return self._fit(X, y, params, cross_fit=True)

    @_fit_context(prefer_skip_nested_validation=False)
    def _fit(self, X, y, params, *, cross_fit):
        validate_data(self, X, reset=True, skip_check_array=True)
        routed = self._route("fit_transform" if cross_fit else "fit", params)
        fit_params = routed.transformer.fit
        n_samples = _num_samples(X)
        jobs = []
        if self.refit:
            jobs.append(delayed(_fit_full)(self.transformer, X, y, fit_params))
        if cross_fit:
            split_params = routed.splitter.split if "splitter" in routed else {}
            splits = self._splits(X, y, n_samples, split_params)
            X_rows, y_rows = indexable(X, y)  # row-indexable containers
            jobs += [
                delayed(_fit_fold)(
                    self.transformer,
                    X_rows,
                    y_rows,
                    train,
                    test,
                    fit_params,
                    routed.transformer.transform,
                    n_samples,
                )
                for train, test in splits
            ]
        results = Parallel(n_jobs=self.n_jobs)(jobs)
        for attr in ("transformer_", "transformers_", "n_splits_"):
            self.__dict__.pop(attr, None)
        if self.refit:
            self.transformer_ = results.pop(0)
        if not cross_fit:
            return None
        self.n_splits_ = len(splits)
        if not self.refit:
            self.transformers_ = [est for est, _ in results]
        return _assemble(
            [Z for _, Z in results], [test for _, test in splits], n_samples
        )

    def _splits(self, X, y, n_samples, split_params):
        cv = self._check_cv(y)
        n_splits = cv.get_n_splits(X, y, **split_params)
        if isinstance(self.cv, Integral | type(None)) and n_samples < n_splits:
            raise ValueError(
                f"Cross-fitting with cv={n_splits} folds needs at least "
                f"{n_splits} samples; got {n_samples} sample(s)."
            )
        splits = [
            (np.asarray(train), np.asarray(test))
            for train, test in cv.split(X, y, **split_params)
        ]
        if len(splits) < 2:
            raise ValueError(
                f"cv must give at least 2 train/test splits; got {len(splits)}."
            )
        counts = np.bincount(
            np.concatenate([test for _, test in splits]), minlength=n_samples
        )
        if counts.size != n_samples or np.any(counts != 1):
            bad = np.flatnonzero(counts[:n_samples] != 1)[:5].tolist()
            raise ValueError(
                "cv must give test folds that partition the samples (every row "
                "in exactly one test fold), as cross_val_predict needs; rows "
                f"{bad} are in no or several test folds. Use a K-fold splitter, "
                "not ShuffleSplit or repeated folds."
            )
        if any(len(train) == 0 for train, _ in splits):
            raise ValueError("cv gave a split with no training row.")
        return splits

    def transform(self, X, **params):
        """Transform new rows with the transformer fitted on all rows.

        Without ``refit``, the mean of the fold clones' outputs instead.

        Parameters
        ----------
        X : {array-like, sparse matrix, DataFrame} of shape (n_samples, n_features)
            Data with the columns seen in fit.
        **params : dict
            Metadata for the transformer's ``transform`` (routing enabled
            only, else passed as is).

        Returns
        -------
        X_out : {ndarray, sparse matrix} of shape (n_samples, n_features_out)
            ``transformer_.transform(X)``, or the mean of
            ``transformers_[k].transform(X)`` over the folds.
        """
        check_is_fitted(self, "transformer_" if self.refit else "transformers_")
        if getattr(X, "ndim", 2) != 1:  # 1-D X: the transformer's own error
            validate_data(self, X, reset=False, skip_check_array=True)
        if _routing_enabled():
            params = process_routing(self, "transform", **params).transformer.transform
        if self.refit:
            return _as_output(self.transformer_.transform(X, **params))
        outputs = [_as_output(t.transform(X, **params)) for t in self.transformers_]
        total = outputs[0]
        for Z in outputs[1:]:
            total = total + Z
        return total / len(outputs)

    @available_if(_transformer_has("get_feature_names_out"))
    def get_feature_names_out(self, input_features=None):
        """Output feature names: those of ``transformer_``.

        Parameters
        ----------
        input_features : array-like of str, default=None
            Input feature names, passed to the transformer.

        Returns
        -------
        feature_names_out : ndarray of str
            The transformer's output names.
        """
        check_is_fitted(self, "transformer_" if self.refit else "transformers_")
        fitted = self.transformer_ if self.refit else self.transformers_[0]
        return fitted.get_feature_names_out(input_features)

    def get_metadata_routing(self):
        """Get the metadata routing of this object.

        Returns
        -------
        routing : MetadataRouter
            ``fit``/``fit_transform`` to the transformer's ``fit`` (and
            ``transform`` of the held-out folds), ``fit_transform`` to the
            splitter's ``split``, ``transform`` to the transformer's.
        """
        router = MetadataRouter(owner=self).add(
            transformer=self.transformer,
            method_mapping=MethodMapping()
            .add(caller="fit", callee="fit")
            .add(caller="fit_transform", callee="fit")
            .add(caller="fit_transform", callee="transform")
            .add(caller="transform", callee="transform"),
        )
        if hasattr(self.cv, "split"):  # a splitter (``groups``...)
            router.add(
                splitter=self.cv,
                method_mapping=MethodMapping().add(
                    caller="fit_transform", callee="split"
                ),
            )
        return router

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        inner = get_tags(self.transformer)
        # what the inner transformer accepts (skmml's own tags included)
        tags.input_tags = copy.deepcopy(inner.input_tags)
        tags.input_tags.pairwise = False
        tags.target_tags = copy.deepcopy(inner.target_tags)
        if inner.transformer_tags is not None:
            tags.transformer_tags = copy.deepcopy(inner.transformer_tags)
        tags.non_deterministic = inner.non_deterministic
        return tags


def _target_values(y):
    """``y`` as an ndarray, pandas missing values (``pd.NA``) as NaN."""
    if sp.issparse(y):
        return y.toarray()
    if hasattr(y, "iloc"):
        try:
            return y.to_numpy(dtype=np.float64, na_value=np.nan)
        except (TypeError, ValueError):  # strings: not a 0/1 matrix
            pass
    return np.asarray(y)


def _assemble(outputs, tests, n_samples):
    """Stack the folds' outputs and put every row back in place."""
    widths = {Z.shape[1] if Z.ndim == 2 else None for Z in outputs}
    if len(widths) != 1 or None in widths:
        raise ValueError(
            "The fold clones of the transformer returned outputs of different "
            f"widths {sorted(w for w in widths if w is not None)} (or not 2-D); "
            "cross-fitting needs a transformer whose number of output features "
            "does not depend on the training rows."
        )
    order = np.concatenate(tests)
    inverse = np.empty(n_samples, dtype=np.intp)
    inverse[order] = np.arange(n_samples)
    if any(sp.issparse(Z) for Z in outputs):
        return sp.vstack([sp.csr_matrix(Z) for Z in outputs]).tocsr()[inverse]
    return np.concatenate(outputs, axis=0)[inverse]
