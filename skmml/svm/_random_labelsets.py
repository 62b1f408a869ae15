"""Random k-labelsets (RAkEL) of the label-powerset weighted SVM."""

import math
from itertools import combinations
from numbers import Integral, Real

import numpy as np
import scipy.sparse as sp
from joblib import Parallel, delayed
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.utils.validation import check_is_fitted, validate_data

from ..utils import has_unknown, observed_mask
from ..utils._param_validation import Interval, StrOptions, _fit_context
from ..utils._random import check_random_state_local
from ..utils._tags import with_unknown_labels
from ._label_powerset import (
    LabelPowersetWeightedSVC,
    _check_magnitude,
    _check_sample_weight,
    _log_odds,
    _many_classes_allowed,
    _multilabel_or_none,
)

# Parameters handed unchanged to the LabelPowersetWeightedSVC of each labelset.
_SVM_PARAMS = (
    "C",
    "kernel",
    "class_weight",
    "solver",
    "degree",
    "gamma",
    "coef0",
    "shrinking",
    "tol",
    "cache_size",
    "max_iter",
    "dual",
    "unknown",
    "temperature",
)
# Up to this many k-subsets of the labels, overlapping labelsets are drawn
# from the full list; above it, by rejection of repeats.
_MAX_ENUMERATED = 100_000


class _ConstantLabelset:
    """Model of a labelset whose labels take one combination in training."""

    def __init__(self, combination):
        self.label_combinations_ = np.asarray(combination, dtype=np.int64)[None, :]

    def __repr__(self):
        return f"_ConstantLabelset({self.label_combinations_[0].tolist()})"

    def _check_X(self, X):
        return X

    def predict(self, X):
        return np.repeat(self.label_combinations_, X.shape[0], axis=0)

    def predict_proba(self, X):
        return self.predict(X).astype(np.float64)

    def _marginal_pairs(self, X):
        combo = self.label_combinations_.astype(np.float64)
        return np.repeat(np.hstack([combo, 1.0 - combo]), X.shape[0], axis=0)


def _fit_svm(svm, X, Y, sample_weight):
    return svm.fit(X, Y, sample_weight=sample_weight)


def _call(estimator, method, X):
    if method == "_marginal_pairs":
        return estimator._marginal_pairs(estimator._check_X(X))
    return getattr(estimator, method)(X)


class RandomLabelsetsWeightedSVC(ClassifierMixin, BaseEstimator):
    """Random k-labelsets (RAkEL) of the label-powerset weighted SVM.

    For a label matrix with many labels, the Label Powerset of
    :class:`LabelPowersetWeightedSVC` has as many classes as distinct label
    rows, thousands with a few samples each. RAkEL (Tsoumakas et al.) draws
    random subsets of ``labelset_size`` labels, fits one
    :class:`LabelPowersetWeightedSVC` on each subset's columns (at most
    ``2 ** labelset_size`` classes) and, for each label, averages the votes
    of the subsets that contain it. The paper's inverse-frequency weights
    (``class_weight``) are computed inside each subset's powerset.

    Parameters
    ----------
    C : float, default=0.9
        Penalty of the error term of each SVM.
    labelset_size : int, default=3
        Number of labels ``k`` per subset (the paper's ``k = 3``). A value of
        at least ``n_labels`` gives one subset of all labels: the full Label
        Powerset, as :class:`LabelPowersetWeightedSVC`.
    n_labelsets : int or None, default=None
        Number of subsets ``m`` with ``labelset_mode="overlapping"``; None
        means ``min(2 * n_labels, C(n_labels, k))`` (the paper's
        ``m = 2L``). At least ``ceil(n_labels / k)``, so that every label is
        in a subset, and at most the number ``C(n_labels, k)`` of distinct
        subsets. Must be None with ``labelset_mode="disjoint"``, where it is
        ``ceil(n_labels / k)``.
    labelset_mode : {"disjoint", "overlapping"}, default="disjoint"
        ``"disjoint"`` (RAkELd): a random partition of the labels into
        ``ceil(n_labels / k)`` subsets of ``k`` or ``k - 1`` labels; each
        label gets one vote. ``"overlapping"`` (RAkELo): ``n_labelsets``
        distinct random subsets of exactly ``k`` labels, the first
        ``ceil(n_labels / k)`` of which cover every label (see Notes).
    threshold : float, default=0.5
        A label is predicted when the mean vote of its subsets exceeds it
        (strictly). Votes are 0/1, so with ``"disjoint"`` any value in
        [0, 1) gives the same predictions.
    kernel : {"linear", "poly", "rbf", "sigmoid"}, default="linear"
        Kernel of the libsvm solver (see :class:`LabelPowersetWeightedSVC`).
    class_weight : {"label", "powerset", "balanced"}, dict or None, \
default="label"
        Weighting of each subset's SVM, computed from the subset's labels
        (see :class:`LabelPowersetWeightedSVC`; ``"label"`` is Algorithm 1 of
        Pouyanfar et al.). A dict ``{class: weight}`` applies to a 1-D ``y``
        only: with a label matrix the combinations differ between subsets.
    solver : {"libsvm", "liblinear", "least_squares"}, default="libsvm"
        Solver of each subset's SVM (see :class:`LabelPowersetWeightedSVC`).
    degree : int, default=3
        Degree of the ``"poly"`` kernel (libsvm only).
    gamma : {"scale", "auto"} or float, default="scale"
        Coefficient of the ``"rbf"``, ``"poly"`` and ``"sigmoid"`` kernels.
    coef0 : float, default=0.0
        Independent term of the ``"poly"`` and ``"sigmoid"`` kernels.
    shrinking : bool, default=True
        Whether libsvm uses the shrinking heuristic.
    tol : float, default=1e-3
        Tolerance of the stopping criterion of libsvm or liblinear.
    cache_size : float, default=200
        Kernel cache size of libsvm, in MB.
    max_iter : int or None, default=None
        Iteration limit of the solver; None means the solver's default.
    dual : "auto" or bool, default="auto"
        Whether liblinear solves the dual or the primal problem (see
        :class:`LabelPowersetWeightedSVC`); ignored by the other solvers.
        With the paper's weights on sparse bag-of-words data, ``dual=True``
        made the liblinear subsets 14-22x faster at the same F1.
    n_jobs : int or None, default=None
        Number of subsets fitted and predicted in parallel with
        :mod:`joblib`, in threads (the solvers release the GIL, and the
        threads share ``X``). None means 1 unless in a
        :func:`joblib.parallel_config` context; -1 means all processors.
        The results do not depend on it.
    random_state : int, RandomState instance or None, default=None
        Draws the labelsets and the seed of each subset's solver. numpy's
        global random state is never used: None draws a fresh seed from the
        operating system.
    unknown : {"raise", "drop_rows"}, default="raise"
        What to do with a partially labelled ``Y`` (NaN = unknown entry).
        ``"raise"`` rejects it. ``"drop_rows"`` fits each subset on the rows
        whose labels *of that subset* are all known, so an unknown entry
        only removes its row from the subsets that contain its label (with
        one subset of all labels, the rows kept by
        :class:`LabelPowersetWeightedSVC`).
    temperature : "auto" or float, default="auto"
        Temperature of each subset's distribution over its label
        combinations (see :class:`LabelPowersetWeightedSVC`): ``"auto"``
        fits it per subset by internal cross-validation; a float fixes it
        (1.0 is the uncalibrated coupling of earlier versions).

        .. versionadded:: 0.1.0

    Attributes
    ----------
    labelsets_ : list of ndarray of int or None
        Label indices of each subset, sorted; None when ``y`` was 1-D.
    estimators_ : list of LabelPowersetWeightedSVC
        The fitted SVM of each subset, in the order of ``labelsets_``. A
        subset whose labels take a single combination among its training
        rows has a constant model instead, which predicts that combination
        (as :class:`~sklearn.multiclass.OneVsRestClassifier` does for a
        constant label). With a 1-D ``y``, one SVM fitted on ``y``.
    classes_ : ndarray
        With a 2-D ``Y``, ``np.arange(n_labels)``; with a 1-D ``y``, the
        sorted class labels.
    n_labels_ : int or None
        Number of label columns of ``Y``; None when ``y`` was 1-D.
    n_iter_ : int or ndarray
        With a 2-D ``Y``, the largest number of solver iterations over the
        subsets (0 if every subset is constant); with a 1-D ``y``, the SVM's
        ``n_iter_``.
    n_features_in_ : int
        Number of features seen in ``fit``.
    feature_names_in_ : ndarray of str
        Feature names seen in ``fit``, when ``X`` has string column names.

    See Also
    --------
    LabelPowersetWeightedSVC : The full Label Powerset, fitted per subset.

    Notes
    -----
    **Votes.** With :math:`M_j` the subsets that contain label ``j`` and
    :math:`h_i(x)_j \\in \\{0, 1\\}` the prediction of subset ``i``'s Label
    Powerset for label ``j``, ``predict`` returns

    .. math::

        \\hat y_j = [\\, \\tfrac{1}{|M_j|} \\textstyle\\sum_{i \\in M_j}
        h_i(x)_j > t \\,]

    with ``t = threshold`` (RAkEL, Tsoumakas et al. [2]_, with ``t = 0.5``).
    ``predict_proba`` averages the same way the per-label marginals
    :math:`P_i(y_j = 1 | x)` of the subsets (see
    :class:`LabelPowersetWeightedSVC`; each subset fits its own
    temperature), and
    ``decision_function`` is the log-odds of the averaged
    :math:`P(y_j = 1)` against the averaged :math:`P(y_j = 0)`, so its sign
    follows ``predict_proba > 0.5``; both may disagree with the vote of
    ``predict``. With one subset of all labels the three outputs equal
    those of :class:`LabelPowersetWeightedSVC` exactly.

    **Labelsets.** The disjoint partition uses :func:`numpy.array_split`
    on a random permutation (sizes ``k`` or ``k - 1`` rather than a
    remainder of one label). Overlapping subsets are distinct and drawn
    without replacement as in the paper, except that the first
    ``ceil(n_labels / k)`` form a random partition padded to ``k`` labels
    with random other labels: a label in no subset would get no vote.

    **Cost.** Each subset has at most ``2 ** k`` classes, so the libsvm fit
    of a subset costs at most ``2 ** (k - 1) (2 ** k - 1)`` one-vs-one
    problems; there are ``ceil(n_labels / k)`` (disjoint) or ``m``
    (overlapping) subsets, against ``K (K - 1) / 2`` problems for the full
    powerset of ``K`` distinct combinations. With a 1-D ``y`` (binary or
    multi-class) there is one target, and the estimator is one
    :class:`LabelPowersetWeightedSVC` on it.

    References
    ----------
    .. [1] S. Pouyanfar, T. Wang and S.-C. Chen, "A multi-label multimodal
       deep learning framework for imbalanced data classification", 2018,
       section III.C and Algorithm 1.
    .. [2] G. Tsoumakas, I. Katakis and I. Vlahavas, "Random k-labelsets for
       multilabel classification", IEEE TKDE 23(7), 2011.

    Examples
    --------
    >>> import numpy as np
    >>> from skmml.svm import RandomLabelsetsWeightedSVC
    >>> rng = np.random.RandomState(0)
    >>> X = rng.normal(size=(60, 4))
    >>> Y = (X + 0.3 * rng.normal(size=(60, 4)) > 0).astype(int)
    >>> clf = RandomLabelsetsWeightedSVC(labelset_size=2, random_state=0)
    >>> clf.fit(X, Y).labelsets_
    [array([2, 3]), array([0, 1])]
    >>> clf.predict([[1.0, -1.0, 1.0, -1.0]])
    array([[1, 0, 1, 0]])
    >>> clf.predict_proba([[1.0, -1.0, 1.0, -1.0]]).shape
    (1, 4)
    """

    _parameter_constraints: dict = {
        **LabelPowersetWeightedSVC._parameter_constraints,
        "labelset_size": [Interval(Integral, 1, None, closed="left")],
        "n_labelsets": [Interval(Integral, 1, None, closed="left"), None],
        "labelset_mode": [StrOptions({"disjoint", "overlapping"})],
        "threshold": [Interval(Real, 0, 1, closed="left")],
        "n_jobs": [Integral, None],
    }

    def __init__(
        self,
        C=0.9,
        *,
        labelset_size=3,
        n_labelsets=None,
        labelset_mode="disjoint",
        threshold=0.5,
        kernel="linear",
        class_weight="label",
        solver="libsvm",
        degree=3,
        gamma="scale",
        coef0=0.0,
        shrinking=True,
        tol=1e-3,
        cache_size=200,
        max_iter=None,
        dual="auto",
        n_jobs=None,
        random_state=None,
        unknown="raise",
        temperature="auto",
    ):
        self.C = C
        self.labelset_size = labelset_size
        self.n_labelsets = n_labelsets
        self.labelset_mode = labelset_mode
        self.threshold = threshold
        self.kernel = kernel
        self.class_weight = class_weight
        self.solver = solver
        self.degree = degree
        self.gamma = gamma
        self.coef0 = coef0
        self.shrinking = shrinking
        self.tol = tol
        self.cache_size = cache_size
        self.max_iter = max_iter
        self.dual = dual
        self.n_jobs = n_jobs
        self.random_state = random_state
        self.unknown = unknown
        self.temperature = temperature

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.classifier_tags.multi_label = True
        tags.target_tags.multi_output = True
        tags.input_tags.sparse = True
        return with_unknown_labels(tags, self.unknown == "drop_rows")

    # ------------------------------------------------------------------ fit
    def _svm(self, seed):
        params = {name: getattr(self, name) for name in _SVM_PARAMS}
        return LabelPowersetWeightedSVC(**params, random_state=int(seed))

    def _draw_labelsets(self, n_labels, rng):
        """Sorted label indices of each subset (see Notes)."""
        k = min(self.labelset_size, n_labels)
        n_cover = -(-n_labels // k)
        cover = np.array_split(rng.permutation(n_labels), n_cover)
        if self.labelset_mode == "disjoint":
            if self.n_labelsets is not None:
                raise ValueError(
                    "n_labelsets applies to labelset_mode='overlapping' only; "
                    f"got n_labelsets={self.n_labelsets} with 'disjoint', whose "
                    "number of subsets is ceil(n_labels / labelset_size) = "
                    f"{n_cover}. Leave n_labelsets=None."
                )
            return [np.sort(part) for part in cover]
        total = math.comb(n_labels, k)
        m = self.n_labelsets
        m = min(2 * n_labels, total) if m is None else m
        if not n_cover <= m <= total:
            raise ValueError(
                f"n_labelsets={m} is out of range for {n_labels} labels and "
                f"labelsets of {k}: at least ceil(n_labels / labelset_size) = "
                f"{n_cover} (so that every label is in a subset) and at most "
                f"C({n_labels}, {k}) = {total} (distinct subsets)."
            )
        labelsets = []
        for part in cover:
            others = np.setdiff1d(np.arange(n_labels), part)
            pad = rng.choice(others, k - len(part), replace=False)
            labelsets.append(tuple(sorted(np.concatenate([part, pad]).tolist())))
        chosen = set(labelsets)
        if total <= _MAX_ENUMERATED or m > total // 2:
            pool = [c for c in combinations(range(n_labels), k) if c not in chosen]
            picks = rng.choice(len(pool), m - len(labelsets), replace=False)
            labelsets += [pool[i] for i in picks]
        else:
            while len(labelsets) < m:
                draw = tuple(sorted(rng.choice(n_labels, k, replace=False).tolist()))
                if draw not in chosen:
                    chosen.add(draw)
                    labelsets.append(draw)
        return [np.asarray(c, dtype=np.intp) for c in labelsets]

    def _constant_or_none(self, Y_sub, labels):
        """A constant model if ``Y_sub`` has one combination on its rows."""
        known = observed_mask(Y_sub).all(axis=1)
        if not known.any():
            raise ValueError(
                f"Every row of Y has an unknown (NaN) entry among the labels "
                f"{labels.tolist()} of a labelset: unknown='drop_rows' leaves "
                "no sample to fit it. Use a smaller labelset_size, or "
                "skmml.multioutput.PartialBinaryRelevance."
            )
        rows = Y_sub[known]
        if np.all(rows == rows[0]):
            return _ConstantLabelset(rows[0])
        return None

    @_fit_context(prefer_skip_nested_validation=True)
    def fit(self, X, y, sample_weight=None):
        """Fit the weighted SVM of every random labelset.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            Training data.
        y : {array-like, sparse matrix} of shape (n_samples, n_labels) or \
(n_samples,)
            Binary indicator matrix of labels ``Y``, or 1-D class labels.
            NaN entries (unknown labels) are rejected, or handled per subset
            with ``unknown="drop_rows"``.
        sample_weight : array-like of shape (n_samples,), default=None
            Non-negative cost multipliers, combined with ``class_weight`` in
            every subset.

        Returns
        -------
        self : RandomLabelsetsWeightedSVC
            The fitted estimator.
        """
        X = validate_data(
            self, X, accept_sparse="csr", dtype=np.float64, order="C", reset=True
        )
        _check_magnitude(X)
        rng = check_random_state_local(self.random_state)
        seed_high = np.iinfo(np.int32).max
        # Cross-parameter checks before any work.
        self._svm(0)._check_params()
        Y = _multilabel_or_none(y, type(self).__name__)
        if Y is None:  # one target: one weighted SVM
            svm = self._svm(rng.randint(seed_high))
            self.estimators_ = [svm.fit(X, y, sample_weight=sample_weight)]
            self.classes_ = svm.classes_
            self.labelsets_ = None
            self.n_labels_ = None
            self.n_iter_ = svm.n_iter_
            return self
        if Y.shape[0] != X.shape[0]:
            raise ValueError(
                f"X and Y have inconsistent numbers of samples: {X.shape[0]} "
                f"and {Y.shape[0]}."
            )
        sample_weight = _check_sample_weight(sample_weight, X.shape[0])
        if self.unknown == "raise" and has_unknown(Y):
            raise ValueError(
                f"Y contains NaN (unknown labels), but {type(self).__name__} "
                "needs complete label rows in each labelset. Set "
                "unknown='drop_rows' to fit each labelset on the rows whose "
                "labels in it are known, or use "
                "skmml.multioutput.PartialBinaryRelevance."
            )
        if isinstance(self.class_weight, dict):
            raise ValueError(
                "class_weight as a dict applies to a 1-D y only: with a label "
                "matrix each labelset has its own label combinations. Use "
                "'label', 'powerset', 'balanced' or None."
            )
        Y = Y.toarray() if sp.issparse(Y) else Y
        n_labels = Y.shape[1]
        labelsets = self._draw_labelsets(n_labels, rng)
        seeds = rng.randint(seed_high, size=len(labelsets))
        models = [self._constant_or_none(Y[:, s], s) for s in labelsets]
        to_fit = [i for i, model in enumerate(models) if model is None]
        # libsvm and liblinear release the GIL: threads share X, no copies.
        # The filter is also set here, so the threads' own (process-global)
        # filters are restored in this thread once they are done.
        with _many_classes_allowed():
            fitted = Parallel(n_jobs=self.n_jobs, prefer="threads")(
                delayed(_fit_svm)(
                    self._svm(seeds[i]), X, Y[:, labelsets[i]], sample_weight
                )
                for i in to_fit
            )
        for i, svm in zip(to_fit, fitted, strict=True):
            models[i] = svm
        self.labelsets_ = labelsets
        self.estimators_ = models
        self.n_labels_ = n_labels
        self.classes_ = np.arange(n_labels)
        self.n_iter_ = max((int(np.max(svm.n_iter_)) for svm in fitted), default=0)
        return self

    # -------------------------------------------------------------- predict
    def _check_X(self, X):
        check_is_fitted(self)
        X = validate_data(
            self, X, accept_sparse="csr", dtype=np.float64, order="C", reset=False
        )
        _check_magnitude(X)
        return X

    def _per_labelset(self, method, X):
        """``method`` of every subset's model on ``X``, in threads."""
        calls = (delayed(_call)(est, method, X) for est in self.estimators_)
        return Parallel(n_jobs=self.n_jobs, prefer="threads")(calls)

    def _average(self, parts, n_samples, pairs=False):
        """Per-label mean of the subsets' columns (both halves if ``pairs``)."""
        n_labels = self.n_labels_
        width = 2 * n_labels if pairs else n_labels
        total = np.zeros((n_samples, width))
        counts = np.zeros(width)
        for labels, part in zip(self.labelsets_, parts, strict=True):
            cols = np.concatenate([labels, labels + n_labels]) if pairs else labels
            total[:, cols] += part
            counts[cols] += 1
        return total / counts

    def predict(self, X):
        """Predict the labels of each sample by the mean vote of its subsets.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            Samples.

        Returns
        -------
        Y_pred : ndarray of shape (n_samples, n_labels) or (n_samples,)
            Dense integer indicator matrix; class labels when fitted on a
            1-D ``y``.
        """
        X = self._check_X(X)
        if self.labelsets_ is None:
            return self.estimators_[0].predict(X)
        votes = self._average(self._per_labelset("predict", X), X.shape[0])
        return (votes > self.threshold).astype(np.int64)

    def predict_proba(self, X):
        """Per-label probabilities, averaged over the subsets of each label.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            Samples.

        Returns
        -------
        proba : ndarray of shape (n_samples, n_labels) or (n_samples, n_classes)
            ``proba[i, j]`` is the mean over the subsets containing label
            ``j`` of their marginal ``P(y_j = 1 | x)``; class
            probabilities when fitted on a 1-D ``y``.
        """
        X = self._check_X(X)
        if self.labelsets_ is None:
            return self.estimators_[0].predict_proba(X)
        return self._average(self._per_labelset("predict_proba", X), X.shape[0])

    def decision_function(self, X):
        """Per-label scores: log-odds of the averaged marginal probabilities.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            Samples.

        Returns
        -------
        scores : ndarray of shape (n_samples, n_labels), (n_samples, n_classes) \
or (n_samples,)
            With a 2-D ``Y``, ``log P(y_j=1|x) - log P(y_j=0|x)`` with both
            probabilities averaged over the subsets containing label ``j``
            (finite). With a 1-D ``y``, the SVM's decision function.
        """
        X = self._check_X(X)
        if self.labelsets_ is None:
            return self.estimators_[0].decision_function(X)
        parts = self._per_labelset("_marginal_pairs", X)
        return _log_odds(self._average(parts, X.shape[0], pairs=True))
