"""Label Powerset resampling: run any imbalanced-learn sampler on multi-label Y."""

import numbers
import warnings
from numbers import Integral

import numpy as np
import scipy.sparse as sp
from imblearn.base import BaseSampler
from imblearn.over_sampling import RandomOverSampler
from sklearn.base import clone
from sklearn.exceptions import DataConversionWarning
from sklearn.utils import check_consistent_length, get_tags
from sklearn.utils.validation import validate_data

from ..utils import encode_label_powerset, encode_target, has_unknown
from ..utils._param_validation import HasMethods, Interval, StrOptions, _fit_context
from ..utils._tags import with_unknown_labels
from ..utils._target import complete_label_rows

# Growth cap of the default sampler: each combination at most this many times
# its own size (and never beyond the largest), so the output has fewer than
# _DEFAULT_MAX_GROWTH * n_samples rows.
_DEFAULT_MAX_GROWTH = 2


def _capped_targets(counts, max_growth=_DEFAULT_MAX_GROWTH):
    """Target sizes ``min(max(counts), max_growth * counts)``, never below n_k."""
    counts = np.asarray(counts, dtype=np.int64)
    return np.maximum(counts, np.minimum(counts.max(), max_growth * counts))


# -- targets ---------------------------------------------------------------
# Both samplers of this subpackage accept a multi-label indicator matrix and,
# like every imbalanced-learn sampler, a 1-D binary / multiclass target. The
# latter is handled as its one-hot indicator matrix, so one code path serves
# both and a multiclass target gives the same result as its one-vs-all form.


def _is_pandas(obj, kind):
    return type(obj).__name__ == kind and hasattr(obj, "to_numpy")


def _target_dtype(y):
    """Dtype to give a resampled multi-label target: the input's if numeric."""
    dtype = getattr(y, "dtype", None)
    if dtype is None and _is_pandas(y, "DataFrame"):
        dtypes = list(y.dtypes)
        if all(isinstance(d, np.dtype) for d in dtypes):
            dtype = np.result_type(*dtypes)
    elif dtype is None and isinstance(y, list | tuple):
        dtype = np.asarray(y).dtype
    if isinstance(dtype, np.dtype) and (
        np.issubdtype(dtype, np.number) or dtype == np.bool_
    ):
        return dtype
    return np.dtype(np.int64)


def _check_target(y, unknown="raise", owner="This sampler"):
    """Validate a resampling target and return it as an indicator matrix.

    Parameters
    ----------
    y : array-like, sparse matrix or DataFrame
        The target.
    unknown : {"raise", "drop_rows"}, default="raise"
        What to do with NaN (unknown) entries of a multi-label ``y``.
    owner : str, default="This sampler"
        Name of the sampler, for the messages.

    Returns
    -------
    Y : ndarray of shape (n_samples, n_labels) or csr_matrix
        Binary indicator matrix (one-hot rows for a binary/multiclass target);
        only the complete rows of a partial ``y`` with ``"drop_rows"``.
    info : dict
        What is needed to give the resampled target the input's form.
    keep : ndarray of bool of shape (n_samples,) or None
        The rows kept by ``"drop_rows"``; None when ``y`` is complete.
    """
    if y is None:
        raise ValueError(
            "This sampler requires y to be passed, but the target y is None."
        )
    info = {"container": "array", "columns": None, "name": None, "classes": None}
    if _is_pandas(y, "DataFrame"):
        info["container"], info["columns"] = "frame", y.columns
    elif _is_pandas(y, "Series"):
        info["container"], info["name"] = "series", y.name
    elif isinstance(y, list | tuple):
        info["container"] = "list"
    shape = y.shape if hasattr(y, "shape") else np.shape(y)
    with warnings.catch_warnings():
        # a column vector is a 1-D target, silently, as in imbalanced-learn
        warnings.simplefilter("ignore", DataConversionWarning)
        Y, kind, classes = encode_target(y, name="y", allow_unknown=True)
    keep = None
    if has_unknown(Y):
        keep = _complete_rows(Y, unknown, owner)
        Y = Y[keep].astype(np.int64)
    if kind == "multilabel-indicator":
        info.update(type=kind, sparse=sp.issparse(y), dtype=_target_dtype(y))
    else:
        # A column vector is a 1-D target, as in scikit-learn's type_of_target.
        info.update(type=kind, sparse=False, classes=classes)
        info["column_vector"] = len(shape) == 2
    return Y, info, keep


def _complete_rows(Y, unknown, owner):
    """Rows of a partial ``Y`` without unknown entries, or the error."""
    return complete_label_rows(
        Y,
        unknown,
        name="y",
        needs=(
            f"{owner} needs complete label "
            "rows to resample: a copied or synthetic sample takes whole label "
            "sets. Set unknown='drop_rows' to resample the rows without "
            "unknown entries only (the others are left out of the output), "
            "or train on all known entries without resampling, for instance "
            "with skmml.multioutput.PartialBinaryRelevance."
        ),
        to="resample",
    )


def _restore_target(Y, info, index=None):
    """Give the resampled indicator matrix ``Y`` the form of the input target."""
    if info["type"] == "multilabel-indicator":
        Y = Y.astype(info["dtype"])
        if info["sparse"]:
            Y = sp.csr_matrix(Y)
    else:
        Y = info["classes"][np.asarray(Y).argmax(axis=1)]
        if info["column_vector"]:
            Y = Y.reshape(-1, 1)
    if info["container"] == "list":
        return Y.tolist()
    if info["container"] in ("frame", "series"):
        import pandas as pd

        if info["container"] == "series":
            return pd.Series(Y, name=info["name"], index=index)
        return pd.DataFrame(Y, columns=info["columns"], index=index)
    return Y


def _sorted_label_powerset(Y):
    """Label Powerset codes ordered as binary numbers, label 0 least significant.

    The one-hot rows of a multiclass target then get the codes of their
    classes in sorted order, so a multiclass target and its one-vs-all
    indicator matrix are resampled alike (imbalanced-learn's contract): the
    wrapped sampler draws per class in code order.
    """
    combinations, codes = encode_label_powerset(Y)
    order = np.lexsort(combinations.T)  # last label is the primary key
    rank = np.empty_like(order)
    rank[order] = np.arange(order.shape[0])
    return combinations[order], rank[codes].astype(np.intp)


# -- rows of X ---------------------------------------------------------------


def _take_rows(X, indices):
    if _is_pandas(X, "DataFrame"):
        return X.iloc[indices]
    if isinstance(X, list):
        return [X[i] for i in indices]
    return X[indices]


def _concat_rows(first, second):
    if _is_pandas(first, "DataFrame"):
        import pandas as pd

        return pd.concat([first, second], ignore_index=True)
    if isinstance(first, list):
        return list(first) + list(second)
    if sp.issparse(first):
        return sp.vstack([first, second], format=first.format)
    return np.concatenate([first, second], axis=0)


def _takes_nominal_features(sampler):
    """Whether ``sampler`` resamples nominal (string) features: SMOTENC, SMOTEN."""
    params = sampler.get_params(deep=False)
    return "categorical_features" in params or "categorical_encoder" in params


def _neighbors_needed(sampler):
    """Samples a class needs for ``sampler`` to fit: k-NN samplers need k + 1."""
    params = sampler.get_params(deep=False)
    needed = 1
    for name in ("k_neighbors", "n_neighbors"):
        value = params.get(name)
        if isinstance(value, numbers.Integral) and not isinstance(value, bool):
            needed = max(needed, int(value) + 1)
        elif hasattr(value, "n_neighbors"):
            # a NearestNeighbors object is used as given: it counts the query
            needed = max(needed, int(value.n_neighbors))
    return needed


class LabelPowersetResampler(BaseSampler):
    """Resample a multi-label data set with any imbalanced-learn sampler.

    Every distinct row of the label matrix (a *label combination*) becomes one
    class of a multiclass problem (Label Powerset). The wrapped sampler
    (``RandomOverSampler``, ``SMOTE``, ``RandomUnderSampler``, ...) resamples
    that problem, and the resampled classes are mapped back to label rows.
    imbalanced-learn samplers reject multi-label targets; this wrapper lets
    them run in an ``imblearn.pipeline.Pipeline`` in front of any multi-label
    classifier.

    Parameters
    ----------
    sampler : imbalanced-learn sampler, default=None
        Sampler applied to the label combinations; it is cloned, never fitted
        in place. Its own ``sampling_strategy`` applies to the combinations,
        see Notes. ``None`` means a ``RandomOverSampler`` that raises each
        combination of ``n_k`` samples towards the size ``n_max`` of the
        largest but at most doubles it: to ``min(n_max, 2 n_k)`` samples.
        The output then has fewer than twice as many rows as the input.

        .. versionchanged:: 0.1.0
           The default no longer balances every combination to the largest
           (``RandomOverSampler()``'s ``"auto"`` strategy), which copies a
           combination seen once ``n_max`` times: on yeast (2,417 rows, 198
           combinations, 77 of them seen once, the largest 237 rows) it
           returned 46,926 rows, the default now 4,236. Pass
           ``sampler=RandomOverSampler()`` for that behaviour.
    min_combination_count : "auto" or int, default="auto"
        Combinations with fewer samples are *passed through*: left out of
        the wrapped sampler and appended unchanged to its output, so they
        are neither over- nor under-sampled. ``"auto"`` is the smallest
        class size the wrapped sampler can handle: ``k_neighbors + 1`` (or
        ``n_neighbors + 1``) for nearest-neighbour samplers such as SMOTE,
        1 (nothing passed through) otherwise.
    random_state : int, RandomState instance or None, default=None
        If not None, set as the ``random_state`` of the cloned sampler (when
        it has one), overriding the sampler's own; ``None`` leaves the
        sampler's ``random_state`` as it is.
    unknown : {"raise", "drop_rows"}, default="raise"
        What to do with a partially labelled ``y`` (NaN = unknown entry). A
        label combination is a whole label row, which an unknown entry
        leaves undetermined, so ``"raise"`` rejects such a ``y`` and
        ``"drop_rows"`` resamples the rows without any unknown entry only:
        the other rows are not in the output. A complete ``y`` is resampled
        the same way under both.

    Attributes
    ----------
    sampler_ : sampler
        The fitted clone of ``sampler``.
    combinations_ : ndarray of shape (n_combinations, n_labels)
        The distinct label rows of the training target
        (:func:`skmml.utils.encode_label_powerset`), sorted as binary
        numbers with label 0 as the least significant bit. Combination ``i``
        is class ``i`` for the wrapped sampler. For a binary or multiclass
        target these are the one-hot rows of the sorted classes, so that a
        multiclass target and its one-vs-all matrix resample alike.
    combination_counts_ : ndarray of shape (n_combinations,)
        Number of training samples of each combination.
    rare_combinations_ : ndarray of int
        Indices (into ``combinations_``) of the combinations passed through.
    min_combination_count_ : int
        The resolved ``min_combination_count``.
    sampling_strategy_ : dict
        The wrapped sampler's ``sampling_strategy_`` with each class replaced
        by its label combination, as a tuple of label indices (``()`` for the
        empty label set); class labels are kept for a 1-D target.
    sample_indices_ : ndarray of int
        Indices of the selected input samples, when the wrapped sampler
        exposes ``sample_indices_`` (``RandomOverSampler``,
        ``RandomUnderSampler``, ...); with ``unknown="drop_rows"`` they
        index the input, dropped rows included.
    n_features_in_ : int
        Number of features seen during ``fit_resample``.
    feature_names_in_ : ndarray of shape (`n_features_in_`,)
        Names of features seen during ``fit_resample``, when ``X`` is a
        DataFrame with string column names.

    See Also
    --------
    MLSMOTE : Synthetic samples for minority labels rather than combinations.

    Notes
    -----
    **Targets.** ``y`` is a binary indicator matrix (dense or sparse) of shape
    ``(n_samples, n_labels)``; the resampled target has the same kind:
    ndarray of the input dtype, CSR matrix, DataFrame or list. A 1-D target
    (or a column vector) is treated as binary/multiclass, as imbalanced-learn
    does; its combinations are the classes, so the wrapper then behaves like
    the wrapped sampler itself, rare classes aside.

    **Sampling strategy.** The wrapped sampler sees integer classes
    ``0 .. n_combinations - 1`` (the rows of ``combinations_``), or the
    original class labels for a 1-D target. String strategies (``"auto"``,
    ``"not majority"``, ...) therefore balance label *combinations*: with
    ``RandomOverSampler()`` every frequent combination ends with as many
    samples as the most frequent one. A callable strategy receives these
    integer classes.

    **Default sampler.** A long-tailed label matrix has a few frequent
    combinations and many seen once or twice; balancing them all to the
    largest copies each rare row ``n_max`` times, which multiplies the data
    set and invites over-fitting to those rows. The default therefore caps
    the growth of each combination at a factor of 2,

    .. math::

        n_k' = \\max(n_k, \\min(n_{\\max}, 2 n_k)),

    so that :math:`\\sum_k n_k' < 2 n` (the largest combination does not
    grow); the ratio :math:`n_{\\max} / n_k` of each combination falls at
    most by half.

    **Rare combinations.** Multi-label data have many combinations seen once
    or twice, too few for SMOTE's ``k_neighbors``. They are passed through
    unchanged (see ``min_combination_count``) rather than crashing the
    sampler or being fabricated. If fewer than two combinations remain, the
    data are returned unchanged with a warning.

    **Features.** ``X`` must be numeric, except for samplers of nominal
    features (those with a ``categorical_features`` or
    ``categorical_encoder`` parameter, such as ``SMOTENC`` and ``SMOTEN``),
    which get strings as given.

    **Output order.** The wrapped sampler's output comes first, then the
    passed-through samples in input order. ``X`` keeps its container
    (ndarray, sparse matrix, DataFrame, list) as the wrapped sampler returns
    it, so sparse ``X`` works whenever the wrapped sampler accepts it.

    The powerset view of resampling multi-label data follows Charte et al.
    (2015), who compare it with label-wise methods such as :class:`MLSMOTE`.

    References
    ----------
    .. [1] F. Charte, A. J. Rivera, M. J. del Jesus and F. Herrera,
       "Addressing imbalance in multilabel classification: Measures and
       random resampling algorithms", Neurocomputing 163, 3-16, 2015.

    Examples
    --------
    >>> import numpy as np
    >>> from skmml.resampling import LabelPowersetResampler
    >>> X = np.arange(16, dtype=float).reshape(8, 2)
    >>> Y = np.array([[1, 0], [1, 0], [1, 0], [1, 0],
    ...               [0, 1], [0, 1], [1, 1], [1, 1]])
    >>> X_res, Y_res = LabelPowersetResampler(random_state=0).fit_resample(X, Y)
    >>> X_res.shape
    (12, 2)
    >>> np.unique(Y_res, axis=0, return_counts=True)[1]
    array([4, 4, 4])
    >>> sorted(LabelPowersetResampler().fit(X, Y).sampling_strategy_.items())
    [((0, 1), 2), ((1,), 2)]
    """

    # The wrapped sampler does the work: imblearn's own checks of strategies
    # do not apply to this wrapper.
    _sampling_type = "bypass"

    _parameter_constraints: dict = {
        "sampler": [HasMethods(["fit_resample", "get_params"]), None],
        "min_combination_count": [
            StrOptions({"auto"}),
            Interval(Integral, 1, None, closed="left"),
        ],
        "random_state": ["random_state"],
        "unknown": [StrOptions({"raise", "drop_rows"})],
    }

    def __init__(
        self,
        sampler=None,
        *,
        min_combination_count="auto",
        random_state=None,
        unknown="raise",
    ):
        self.sampler = sampler
        self.min_combination_count = min_combination_count
        self.random_state = random_state
        self.unknown = unknown

    def _default_strategy(self, counts, sampler_classes):
        """The default sampler's ``sampling_strategy``: capped growth."""
        targets = _capped_targets(counts)
        grow = np.flatnonzero(targets > counts)
        return {sampler_classes[k].item(): int(targets[k]) for k in grow}

    def _make_sampler(self):
        sampler = RandomOverSampler() if self.sampler is None else clone(self.sampler)
        if self.random_state is not None and "random_state" in sampler.get_params(
            deep=False
        ):
            sampler.set_params(random_state=self.random_state)
        return sampler

    def _resolve_min_count(self, sampler):
        value = self.min_combination_count
        if isinstance(value, str):  # "auto", by the constraints
            return _neighbors_needed(sampler)
        return int(value)

    def fit(self, X, y):
        """Fit the sampler: same as :meth:`fit_resample`, output discarded.

        Parameters
        ----------
        X : {array-like, sparse matrix, DataFrame} of shape (n_samples, n_features)
            Feature matrix.
        y : {array-like, sparse matrix} of shape (n_samples, n_labels)
            Multi-label indicator matrix (or a 1-D binary/multiclass target).

        Returns
        -------
        self : object
            The fitted resampler.
        """
        self.fit_resample(X, y)
        return self

    @_fit_context(
        # the wrapped sampler validates its own parameters when it runs
        prefer_skip_nested_validation=False
    )
    def fit_resample(self, X, y):
        """Resample ``X`` and the multi-label target ``y``.

        Parameters
        ----------
        X : {array-like, sparse matrix, DataFrame} of shape (n_samples, n_features)
            Feature matrix, passed to the wrapped sampler as given.
        y : {array-like, sparse matrix} of shape (n_samples, n_labels)
            Multi-label indicator matrix (or a 1-D binary/multiclass target).
            NaN entries (unknown labels) are rejected, or their rows left
            out with ``unknown="drop_rows"``.

        Returns
        -------
        X_resampled : {ndarray, sparse matrix, DataFrame, list}
            Resampled features, of shape (n_samples_new, n_features).
        y_resampled : {ndarray, sparse matrix, DataFrame, list}
            Resampled target, of the same kind as ``y``.
        """
        Y, info, keep = _check_target(y, self.unknown, type(self).__name__)
        if isinstance(X, tuple):
            X = list(X)
        check_consistent_length(X, Y if keep is None else keep)
        # Check X as the wrapped sampler would (NaN, sparse as its tags allow)
        # but pass it on untouched: SMOTENC needs the DataFrame. Strings only
        # for samplers of nominal features.
        sampler = self._make_sampler()
        inner = get_tags(sampler).input_tags
        validate_data(
            self,
            X,
            reset=True,
            accept_sparse=inner.sparse,
            dtype=None if _takes_nominal_features(sampler) else "numeric",
            ensure_all_finite="allow-nan" if inner.allow_nan else True,
        )
        if keep is not None:  # unknown="drop_rows" on a partial y
            X = _take_rows(X, np.flatnonzero(keep))
        X_res, Y_res = self._fit_resample(X, Y, classes=info["classes"])
        if keep is not None and hasattr(self, "sample_indices_"):
            self.sample_indices_ = np.flatnonzero(keep)[self.sample_indices_]
        index = X_res.index if _is_pandas(X_res, "DataFrame") else None
        return X_res, _restore_target(Y_res, info, index=index)

    def _fit_resample(self, X, Y, classes=None):
        """Resample validated data; ``Y`` is an indicator matrix.

        ``classes`` are the class labels of a 1-D target (``Y`` is then its
        one-hot encoding); the wrapped sampler sees them instead of codes.
        """
        sampler = self._make_sampler()
        min_count = self._resolve_min_count(sampler)
        combinations, codes = _sorted_label_powerset(Y)
        counts = np.bincount(codes, minlength=combinations.shape[0])
        if combinations.shape[0] < 2:
            raise ValueError(
                "The sampler needs at least two distinct label combinations "
                "(classes) in y; got only one class."
            )
        if classes is not None:
            sampler_classes, keys = classes, classes.tolist()
        else:
            sampler_classes = np.arange(combinations.shape[0])
            keys = [tuple(np.flatnonzero(row).tolist()) for row in combinations]

        rare = np.flatnonzero(counts < min_count)
        self.__dict__.pop("sample_indices_", None)  # from an earlier fit
        self.sampler_ = sampler
        self.combinations_ = combinations
        self.combination_counts_ = counts
        self.rare_combinations_ = rare
        self.min_combination_count_ = min_count

        is_rare = np.isin(codes, rare)
        kept_idx = np.flatnonzero(~is_rare)
        rare_idx = np.flatnonzero(is_rare)
        if combinations.shape[0] - rare.shape[0] < 2:
            warnings.warn(
                f"Fewer than two label combinations have at least "
                f"min_combination_count={min_count} samples; the data are "
                "returned unchanged.",
                UserWarning,
                stacklevel=3,
            )
            self.sampling_strategy_ = {}
            if get_tags(self).sampler_tags.sample_indices:
                self.sample_indices_ = np.arange(codes.shape[0])
            X_out = X.copy() if hasattr(X, "copy") else list(X)
            return X_out, Y.copy()

        X_kept = _take_rows(X, kept_idx) if rare.size else X
        if self.sampler is None:
            kept = np.setdiff1d(np.arange(combinations.shape[0]), rare)
            sampler.set_params(
                sampling_strategy=self._default_strategy(
                    counts[kept], sampler_classes[kept]
                )
            )
        out = sampler.fit_resample(X_kept, sampler_classes[codes[kept_idx]])
        X_res = out[0]
        res_codes = np.searchsorted(sampler_classes, np.asarray(out[1]))
        res_codes = np.concatenate([res_codes, codes[rare_idx]])
        if rare.size:
            X_res = _concat_rows(X_res, _take_rows(X, rare_idx))

        strategy = getattr(sampler, "sampling_strategy_", {})
        code_of = {c: i for i, c in enumerate(sampler_classes.tolist())}
        self.sampling_strategy_ = {
            keys[code_of[c]]: int(n) for c, n in strategy.items() if c in code_of
        }
        if hasattr(sampler, "sample_indices_"):
            self.sample_indices_ = np.concatenate(
                [kept_idx[sampler.sample_indices_], rare_idx]
            )
        return X_res, combinations[res_codes]

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        sampler = RandomOverSampler() if self.sampler is None else self.sampler
        inner = get_tags(sampler)
        for field in ("sparse", "allow_nan", "categorical", "dataframe"):
            setattr(tags.input_tags, field, getattr(inner.input_tags, field))
        tags.input_tags.string = inner.input_tags.string and (
            hasattr(sampler, "get_params") and _takes_nominal_features(sampler)
        )
        sampler_tags = getattr(inner, "sampler_tags", None)
        tags.sampler_tags.sample_indices = bool(
            sampler_tags is not None and sampler_tags.sample_indices
        )
        tags.target_tags.multi_output = True
        tags.non_deterministic = inner.non_deterministic
        return with_unknown_labels(tags, self.unknown == "drop_rows")
