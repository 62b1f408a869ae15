r"""Importance of whole modalities, overall and per label."""

import numbers

import numpy as np
from joblib import Parallel, delayed
from sklearn.utils import Bunch, check_random_state, get_tags
from sklearn.utils.validation import check_array, check_is_fitted

from ..metrics import get_scorer, micro_f1, per_label_f1
from ..utils import check_multilabel_indicator, resolve_modalities

_METHODS = ("permutation", "missing", "mean", "ablation")


def _is_frame(X):
    return hasattr(X, "iloc") and hasattr(X, "columns")


def _check_X(X):
    """``X`` as a pandas DataFrame (kept) or a dense 2-D array."""
    if _is_frame(X):
        if X.ndim != 2 or X.shape[0] == 0 or X.shape[1] == 0:
            raise ValueError(f"X must be a non-empty 2-D table; got shape {X.shape}.")
        return X, [str(c) for c in X.columns]
    try:
        X = check_array(X, dtype=None, ensure_all_finite=False, accept_sparse=False)
    except TypeError as exc:
        raise ValueError(
            f"X must be a dense array or a pandas DataFrame ({exc})"
        ) from None
    return X, None


def _check_inputs(estimator, X, Y, modalities, sample_weight):
    """Validated ``(X, Y, layout, label_names, sample_weight)``."""
    if not hasattr(estimator, "predict"):
        raise ValueError(
            f"estimator must be a fitted estimator with predict; got {estimator!r}."
        )
    check_is_fitted(estimator)
    X, feature_names = _check_X(X)
    label_names = getattr(Y, "columns", None)
    if label_names is not None:
        label_names = [str(c) for c in label_names]
    Y = check_multilabel_indicator(Y, name="Y", allow_unknown=True)
    if Y.shape[0] != X.shape[0]:
        raise ValueError(
            f"X has {X.shape[0]} row(s) but Y has {Y.shape[0]}; they must match."
        )
    layout = resolve_modalities(
        modalities, n_features=X.shape[1], feature_names=feature_names
    )
    if sample_weight is not None:
        sample_weight = np.asarray(sample_weight, dtype=np.float64)
        if sample_weight.shape != (X.shape[0],):
            raise ValueError(
                f"sample_weight must have shape ({X.shape[0]},); got "
                f"{sample_weight.shape}."
            )
    return X, Y, layout, label_names, sample_weight


def _check_n_repeats(n_repeats):
    if (
        not isinstance(n_repeats, numbers.Integral)
        or isinstance(n_repeats, bool)
        or n_repeats < 1
    ):
        raise ValueError(f"n_repeats must be an int >= 1; got {n_repeats!r}.")
    return int(n_repeats)


def _supports_missing(estimator):
    """Whether ``estimator`` predicts on rows whose modality block is all NaN."""
    from ..utils import accepts_missing_modalities

    # a fitted search: the tags of what it predicts with
    estimator = getattr(estimator, "best_estimator_", estimator)
    if accepts_missing_modalities(estimator):
        return True
    return bool(get_tags(estimator).input_tags.allow_nan)


def _resolve_method(method, estimator, X, layout, fill_values, X_train):
    """The concrete method and, for ``"mean"``, the fill value of each column."""
    if method not in _METHODS:
        raise ValueError(f"method must be one of {_METHODS}; got {method!r}.")
    if fill_values is not None and X_train is not None:
        raise ValueError("Pass at most one of fill_values and X_train.")
    if method == "ablation":
        method = "missing" if _supports_missing(estimator) else "mean"
        if method == "mean" and fill_values is None and X_train is None:
            raise ValueError(
                "method='ablation' replaces a modality by its training means for "
                f"{type(estimator).__name__}, which does not accept missing "
                "modalities (skmml.utils.accepts_missing_modalities is False and "
                "it does not allow NaN): pass X_train or fill_values, or use "
                "method='permutation'."
            )
    if method == "missing" and not _supports_missing(estimator):
        raise ValueError(
            "method='missing' needs an estimator that accepts missing modality "
            "blocks (all NaN), as told by skmml.utils.accepts_missing_modalities "
            f"or the allow_nan tag; {type(estimator).__name__} does not. Use "
            "method='mean' with X_train or fill_values, or method='permutation'."
        )
    if method != "mean":
        return method, None
    n_features = X.shape[1]
    if X_train is not None:
        X_train, _ = _check_X(X_train)
        if X_train.shape[1] != n_features:
            raise ValueError(
                f"X_train has {X_train.shape[1]} column(s) but X has {n_features}."
            )
        values = X_train.to_numpy() if _is_frame(X_train) else X_train
        try:
            values = np.asarray(values, dtype=np.float64)
        except (TypeError, ValueError):
            raise ValueError(
                "method='mean' needs numeric columns in X_train to average."
            ) from None
        # missing blocks of the training rows are left out of the means
        fill = np.nanmean(np.where(np.isinf(values), np.nan, values), axis=0)
    elif fill_values is not None:
        fill = _fill_from(fill_values, layout, n_features)
    else:
        raise ValueError(
            "method='mean' needs the training means: pass X_train (the training "
            "features, averaged column by column) or fill_values."
        )
    if not np.all(np.isfinite(fill)):
        bad = np.flatnonzero(~np.isfinite(fill))[:5].tolist()
        raise ValueError(
            f"The fill values of column(s) {bad} are not finite (a column of "
            "X_train without any value?)."
        )
    return method, fill


def _fill_from(fill_values, layout, n_features):
    """Fill value of every column from an array or ``{modality: values}``."""
    if isinstance(fill_values, dict):
        unknown = sorted(set(fill_values) - set(layout.names))
        if unknown:
            raise ValueError(
                f"fill_values has unknown modality name(s) {unknown}; the "
                f"modalities are {list(layout.names)}."
            )
        fill = np.full(n_features, np.nan)
        for name, cols in layout.items():
            if name not in fill_values:
                raise ValueError(f"fill_values has no entry for modality {name!r}.")
            values = np.asarray(fill_values[name], dtype=np.float64)
            if values.ndim == 0:
                values = np.full(len(cols), float(values))
            if values.shape != (len(cols),):
                raise ValueError(
                    f"fill_values[{name!r}] must be a number or have "
                    f"{len(cols)} value(s), one per column of the modality; got "
                    f"shape {values.shape}."
                )
            fill[cols] = values
        return fill
    try:
        fill = np.asarray(fill_values, dtype=np.float64)
    except (TypeError, ValueError):
        raise ValueError(f"fill_values must be numbers; got {fill_values!r}.") from None
    if fill.shape != (n_features,):
        raise ValueError(
            f"fill_values must have shape (n_features,)=({n_features},) or be a "
            f"dict {{modality: values}}; got shape {fill.shape}."
        )
    return fill


class _BlockEditor:
    """A working copy of ``X`` whose block ``cols`` is rewritten on demand.

    Every call starts from the original block, so successive corruptions do
    not accumulate; ``X`` itself is never modified.
    """

    def __init__(self, X, cols, method, fill):
        self.frame = _is_frame(X)
        self.cols = np.asarray(cols)
        self.method = method
        self.fill = None if fill is None else fill[self.cols]
        to_float = method in ("missing", "mean")
        if self.frame:
            self.X = X.copy()
            self.original = [X.iloc[:, j].to_numpy() for j in self.cols]
            self.to_float = [to_float and a.dtype.kind in "iub" for a in self.original]
        else:
            if to_float and X.dtype.kind in "iub":
                self.X = X.astype(np.float64)
            else:
                self.X = X.copy()
            self.original = self.X[:, self.cols]

    def corrupt(self, rows, perm=None):
        """``X`` with the block of ``rows`` permuted, missing or at its mean.

        With ``method="permutation"`` row ``i`` of ``rows`` takes the block of
        row ``perm[i]``.
        """
        if self.frame:
            for k, j in enumerate(self.cols):
                column = self.original[k]
                column = (
                    column.astype(np.float64) if self.to_float[k] else column.copy()
                )
                column[rows] = self._values(self.original[k], rows, perm, k)
                self.X.isetitem(int(j), column)
        else:
            block = self.original.copy()
            block[rows] = self._values(self.original, rows, perm, slice(None))
            self.X[:, self.cols] = block
        return self.X

    def _values(self, original, rows, perm, k):
        if self.method == "permutation":
            return original[perm[rows]]
        if self.method == "missing":
            return np.nan
        return self.fill[k]


class _Evaluator:
    """Overall score and per-label F1 of a fitted estimator on ``(X, Y)``."""

    def __init__(self, estimator, Y, scoring, per_label, sample_weight):
        self.estimator = estimator
        self.Y = Y
        self.scorer = get_scorer(scoring)
        self.per_label = per_label
        self.sample_weight = sample_weight

    def __call__(self, X):
        kw = {} if self.sample_weight is None else {"sample_weight": self.sample_weight}
        Y_pred = None
        if self.scorer is None:
            Y_pred = self.estimator.predict(X)
            score = micro_f1(self.Y, Y_pred, **kw)
        else:
            score = float(self.scorer(self.estimator, X, self.Y, **kw))
        if not self.per_label:
            return score, None
        if Y_pred is None:
            Y_pred = self.estimator.predict(X)
        return score, np.asarray(per_label_f1(self.Y, Y_pred, **kw), dtype=np.float64)


def _scoring_name(scoring):
    if scoring is None:
        return "micro_f1"
    if isinstance(scoring, str):
        return scoring
    return getattr(scoring, "__name__", None) or "score"


def _permutation_seed(random_state):
    random_state = check_random_state(random_state)
    return random_state.randint(np.iinfo(np.int32).max + 1)


def _modality_scores(X, cols, method, fill, seed, n_repeats, evaluate):
    """Scores with the whole block ``cols`` corrupted, once per repeat."""
    editor = _BlockEditor(X, cols, method, fill)
    rows = np.arange(X.shape[0])
    if method != "permutation":
        return [evaluate(editor.corrupt(rows))]
    # the same seed for every modality: the same row permutations for all
    rng = check_random_state(seed)
    return [
        evaluate(editor.corrupt(rows, rng.permutation(rows.size)))
        for _ in range(n_repeats)
    ]


def modality_importance(
    estimator,
    X,
    Y,
    *,
    modalities="auto",
    scoring=None,
    n_repeats=5,
    method="permutation",
    fill_values=None,
    X_train=None,
    per_label=True,
    sample_weight=None,
    random_state=None,
    n_jobs=None,
):
    r"""Importance of each modality for a fitted model, overall and per label.

    The modality counterpart of :func:`sklearn.inspection.permutation_importance`:
    instead of one column, the whole block of columns of a modality is
    corrupted at once, so that correlated features of the same modality do
    not hide each other. The importance is the drop of the score from the
    intact data to the corrupted data, for the overall score and for the F1
    of every label, which tells which modality carries which label.

    Parameters
    ----------
    estimator : estimator
        A fitted multi-label classifier, pipeline or search (such as a fitted
        :class:`~sklearn.model_selection.GridSearchCV`) with ``predict``.
    X : {ndarray, DataFrame} of shape (n_samples, n_features)
        Test features with every modality, as ``estimator`` takes them. Never
        modified.
    Y : array-like of shape (n_samples, n_labels)
        True label indicator matrix; NaN marks an unknown entry, left out of
        the scores as in :mod:`skmml.metrics`.
    modalities : "auto", dict, sequence or ModalityLayout, default="auto"
        Which columns of ``X`` form each modality, as read by
        :func:`skmml.utils.resolve_modalities`: ``"auto"`` groups the columns
        of a DataFrame by their ``"{modality}__{feature}"`` names; a dict
        ``{name: columns}`` (positions, names, slice or mask), the
        ``modalities`` dict returned by the :mod:`skmml.datasets`
        generators, or block sizes also work.
    scoring : str, callable or None, default=None
        Overall score, greater is better: a scorer name of
        :func:`skmml.metrics.get_scorer` (skmml's multi-label scorers, then
        scikit-learn's) or a callable ``scorer(estimator, X, Y)``. ``None``
        means micro-F1 of ``estimator.predict``.
    n_repeats : int, default=5
        Number of permutations of each modality. Ignored by the ablation
        methods, which are deterministic and computed once.
    method : {"permutation", "missing", "mean", "ablation"}, default="permutation"
        How a modality is removed:

        - ``"permutation"``: the rows of its block are shuffled, the same
          permutation for all of its columns, so each sample gets the
          modality of another sample (works with any estimator);
        - ``"missing"``: its block is set to NaN, a *missing modality*; the
          estimator must accept one
          (:func:`skmml.utils.accepts_missing_modalities`, or the
          ``allow_nan`` input tag, of the estimator or of the
          ``best_estimator_`` of a search);
        - ``"mean"``: its block is set to the training mean of each of its
          columns, from ``X_train`` or ``fill_values``;
        - ``"ablation"``: ``"missing"`` if the estimator accepts missing
          modalities, else ``"mean"``.
    fill_values : array-like of shape (n_features,) or dict, default=None
        Values of the columns under ``method="mean"``, such as the training
        means: one per column of ``X``, or ``{modality: values}`` with one
        number or one value per column of each modality.
    X_train : {ndarray, DataFrame} of shape (n_train, n_features), default=None
        Training features, whose column means (NaN left out) are the fill
        values of ``method="mean"``. Give at most one of ``X_train`` and
        ``fill_values``. The means of the test ``X`` are not used by
        default: they would leak the test distribution into the reference.
    per_label : bool, default=True
        Whether to compute the importance for the F1 of every label
        (:func:`skmml.metrics.per_label_f1` of ``estimator.predict``).
    sample_weight : array-like of shape (n_samples,), default=None
        Sample weights of the scores.
    random_state : int, RandomState instance or None, default=None
        Seed of the permutations. Every modality gets the same ``n_repeats``
        row permutations (common random numbers), so the result does not
        depend on ``n_jobs``.
    n_jobs : int, default=None
        Number of modalities evaluated in parallel (joblib). ``None`` means 1
        unless in a :obj:`joblib.parallel_backend` context.

    Returns
    -------
    result : :class:`~sklearn.utils.Bunch`
        Dictionary-like object with attributes:

        importances_mean : ndarray of shape (n_modalities,)
            Mean drop of the overall score.
        importances_std : ndarray of shape (n_modalities,)
            Its standard deviation over the repeats.
        importances : ndarray of shape (n_modalities, n_repeats)
            Drop of the overall score in every repeat (one column for the
            ablation methods).
        importances_per_label_mean : ndarray of shape (n_modalities, n_labels)
            Mean drop of the F1 of each label (only if ``per_label``).
        importances_per_label_std : ndarray of shape (n_modalities, n_labels)
            Its standard deviation (only if ``per_label``).
        importances_per_label : ndarray of shape (n_modalities, n_labels, n_repeats)
            Drop of the F1 of each label in every repeat (only if
            ``per_label``).
        baseline_score : float
            Overall score on the intact ``X``.
        baseline_per_label : ndarray of shape (n_labels,)
            F1 of each label on the intact ``X`` (only if ``per_label``).
        modality_names : list of str
            Name of each modality, in the row order of the arrays.
        label_names : list of str or None
            Columns of ``Y`` if it is a DataFrame.
        method : str
            The method used (``"ablation"`` resolved).
        scoring : str
            Name of the overall score.

    See Also
    --------
    modality_robustness : Score as a function of the fraction of samples
        missing a modality.
    skmml.plotting.ModalityImportanceDisplay : Heat map and bars of the result.
    sklearn.inspection.permutation_importance : The same for single columns.

    Notes
    -----
    With :math:`s` the score, :math:`f` the estimator, :math:`X^{(m)}` the
    block of modality :math:`m` and :math:`\pi_k` the :math:`k`-th random
    permutation of the :math:`n` rows, the permuted data
    :math:`\tilde X^{m,k}` has :math:`\tilde x^{(m)}_i = x^{(m)}_{\pi_k(i)}`
    and every other block unchanged, and

    .. math:: I_m = s(f, X, Y) - \frac{1}{K} \sum_{k=1}^{K}
              s(f, \tilde X^{m,k}, Y),

    :math:`I_{mj}` being the same for the F1 of label :math:`j`. The ablation
    methods replace :math:`x^{(m)}_i` by NaN (``"missing"``) or by the
    training mean :math:`\bar x^{(m)}` (``"mean"``) in every row. A label
    that modality :math:`m` does not see has :math:`I_{mj} \approx 0`;
    importances can be negative when a modality only adds noise.

    Examples
    --------
    >>> from sklearn.linear_model import LogisticRegression
    >>> from sklearn.multiclass import OneVsRestClassifier
    >>> from skmml.datasets import make_multimodal_multilabel
    >>> from skmml.inspection import modality_importance
    >>> X, Y, modalities = make_multimodal_multilabel(
    ...     300, modality_dims={"image": 5, "text": 5}, n_labels=2,
    ...     informativeness=[[3, 0], [0, 3]], random_state=0)
    >>> model = OneVsRestClassifier(LogisticRegression()).fit(X, Y)
    >>> result = modality_importance(
    ...     model, X, Y, modalities=modalities, random_state=0)
    >>> result.modality_names
    ['image', 'text']
    >>> result.importances.shape, result.importances_per_label.shape
    ((2, 5), (2, 2, 5))
    >>> (result.importances_per_label_mean > 0.2).astype(int)  # label 0: image
    array([[1, 0],
           [0, 1]])
    """
    X, Y, layout, label_names, sample_weight = _check_inputs(
        estimator, X, Y, modalities, sample_weight
    )
    n_repeats = _check_n_repeats(n_repeats)
    if not isinstance(per_label, bool | np.bool_):
        raise ValueError(f"per_label must be a bool; got {per_label!r}.")
    method, fill = _resolve_method(method, estimator, X, layout, fill_values, X_train)
    evaluate = _Evaluator(estimator, Y, scoring, bool(per_label), sample_weight)
    seed = _permutation_seed(random_state)

    baseline, baseline_per_label = evaluate(X)
    results = Parallel(n_jobs=n_jobs)(
        delayed(_modality_scores)(X, cols, method, fill, seed, n_repeats, evaluate)
        for cols in layout.values()
    )
    scores = np.array([[score for score, _ in res] for res in results])
    importances = baseline - scores
    result = Bunch(
        importances_mean=importances.mean(axis=1),
        importances_std=importances.std(axis=1),
        importances=importances,
    )
    if per_label:
        # (n_modalities, n_repeats, n_labels) -> (n_modalities, n_labels, n_repeats)
        per = np.array([[pl for _, pl in res] for res in results])
        per = baseline_per_label[None, :, None] - per.transpose(0, 2, 1)
        with np.errstate(invalid="ignore"):
            result.importances_per_label_mean = _nanstat(np.nanmean, per)
            result.importances_per_label_std = _nanstat(np.nanstd, per)
        result.importances_per_label = per
        result.baseline_per_label = baseline_per_label
    result.baseline_score = float(baseline)
    result.modality_names = list(layout.names)
    result.label_names = label_names
    result.method = method
    result.scoring = _scoring_name(scoring)
    return result


def _nanstat(func, values):
    """``func`` over the last axis; NaN where every value is NaN, silently."""
    out = np.full(values.shape[:-1], np.nan)
    defined = ~np.all(np.isnan(values), axis=-1)
    out[defined] = func(values[defined], axis=-1)
    return out
