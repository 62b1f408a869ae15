"""Label Powerset weighted SVM, the classifier of Pouyanfar et al. (2018)."""

import contextlib
import numbers
import warnings
from numbers import Integral, Real

import numpy as np
import scipy.sparse as sp
from scipy.optimize import minimize_scalar
from sklearn.base import BaseEstimator, ClassifierMixin, clone
from sklearn.svm import SVC, LinearSVC
from sklearn.utils import gen_batches
from sklearn.utils.validation import check_is_fitted, validate_data
from threadpoolctl import threadpool_limits

from ..utils import (
    check_multilabel_indicator,
    encode_label_powerset,
    encode_target,
    has_unknown,
)
from ..utils._param_validation import Interval, Options, StrOptions, _fit_context
from ..utils._random import int_seed
from ..utils._tags import with_unknown_labels
from ..utils._target import complete_label_rows

# Largest |X| accepted. The solvers form squared Gram entries (x^4 terms in
# liblinear's Newton steps): beyond ~1e77 they overflow, liblinear then never
# converges and the least-squares moments become inf. Real features are far
# below this bound.
_MAX_ABS_X = 1e50
# Floats per chunk of the (n_chunk, n_pairs) decision values at predict time.
_CHUNK_FLOATS = 8_000_000
# Floats per chunk of the stacked (n_chunk, d + 1, d + 1) pairwise systems.
_SYSTEM_FLOATS = 4_000_000
# Distinct label combinations above which fit warns (issue 15): one class
# each, K (K - 1) / 2 one-vs-one problems for libsvm.
_MAX_COMBINATIONS = 1000
# Internal folds and search range of temperature="auto".
_TEMPERATURE_FOLDS = 3
_TEMPERATURE_RANGE = (1e-2, 1e4)
_MANY_CLASSES = "The number of unique classes is greater than 50%"


@contextlib.contextmanager
def _many_classes_allowed():
    """Silence scikit-learn's "unique classes > 50% of samples" warning.

    A Label Powerset has many classes by construction (one per label row,
    often seen once), so that warning about regression targets is noise.
    """
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message=_MANY_CLASSES, category=UserWarning)
        yield


def _check_magnitude(X):
    """Refuse values the solvers cannot handle (liblinear would not return)."""
    values = X.data if sp.issparse(X) else X
    if values.size and np.abs(values).max() > _MAX_ABS_X:
        raise ValueError(
            f"X holds values of absolute value up to {np.abs(values).max():.3g}, "
            f"above {_MAX_ABS_X:.0e}: the SVM solvers overflow on such values "
            "(liblinear does not converge, the least-squares moments become "
            "infinite). Scale the features first, for instance with "
            "sklearn.preprocessing.StandardScaler or MaxAbsScaler."
        )


def _multilabel_or_none(y, owner):
    """Validated 2-D label matrix (NaN kept), or None for a 1-D target.

    A one-column ``y`` that is not a 0/1 indicator (class labels) counts as
    1-D; the solver then warns about the column vector, as scikit-learn does.
    """
    if y is None:
        raise ValueError(f"{owner} requires y to be passed, but the target y is None.")
    # DataFrames (pandas, polars) are 2-D; anything else is read as an array
    shape = (0, 0) if sp.issparse(y) or hasattr(y, "columns") else None
    shape = np.asarray(y).shape if shape is None else shape
    if len(shape) != 2:
        return None
    try:
        return check_multilabel_indicator(
            y, name="Y", accept_sparse=True, allow_unknown=True
        )
    except ValueError:
        if sp.issparse(y) or np.asarray(y).shape[1] != 1:
            raise
        return None  # a column of class labels


def _check_sample_weight(sample_weight, n_samples):
    """Float copy of a valid ``sample_weight`` (or None); clear errors."""
    if sample_weight is None:
        return None
    sample_weight = np.asarray(sample_weight, dtype=np.float64)
    if sample_weight.shape != (n_samples,):
        raise ValueError(
            f"sample_weight must have shape ({n_samples},); got {sample_weight.shape}."
        )
    if not np.all(np.isfinite(sample_weight)) or np.any(sample_weight < 0):
        raise ValueError("sample_weight must be finite and non-negative.")
    if not np.any(sample_weight > 0):
        raise ValueError(
            "sample_weight has only zero weights: at least one sample "
            "must have a positive weight."
        )
    return sample_weight


def _ovo_dual_matrix(svc):
    """Sparse (n_pairs, n_support) matrix of one-vs-one dual coefficients.

    Row p holds, for the pair (k, l) = ``np.triu_indices(K, 1)[p]``, the dual
    coefficients of the support vectors of classes k and l, so the pairwise
    decision values are ``dual_matrix @ kernel(SV, X) + intercept_``: the
    sum libsvm computes per sample, done as one sparse product.
    """
    dual = svc.dual_coef_
    dual = dual.toarray() if sp.issparse(dual) else np.asarray(dual)
    n_classes = len(svc.classes_)
    n_sv = dual.shape[1]
    sv_class = np.repeat(np.arange(n_classes), svc.n_support_)
    pair_id = np.zeros((n_classes, n_classes), dtype=np.intp)
    first, second = np.triu_indices(n_classes, 1)
    pair_id[first, second] = pair_id[second, first] = np.arange(len(first))
    # Row r of dual_coef_ for a vector of class c is its pair with class
    # r (r < c) or r + 1 (r >= c): libsvm's layout.
    rows = np.arange(n_classes - 1)[:, None]
    other = rows + (rows >= sv_class[None, :])
    pairs = pair_id[sv_class[None, :], other]
    cols = np.broadcast_to(np.arange(n_sv), pairs.shape)
    return sp.csr_matrix(
        (dual.ravel(), (pairs.ravel(), cols.ravel())), shape=(len(first), n_sv)
    )


def _pairwise_least_squares(X, codes, n_classes, sample_weight, C):
    """One-vs-one weighted least-squares SVMs in closed form.

    For the pair (k, l) = ``np.triu_indices(n_classes, 1)[p]``, with
    ``x~ = (x, 1)`` and ``y = +1`` on class k, ``-1`` on class l, the
    minimiser of ``1/2 |w|^2 + C sum_i s_i (1 - y_i (w^T x_i + b))^2`` over
    the samples of k and l solves the normal equations
    ``(R / (2C) + A_k + A_l) (w, b) = m_k - m_l`` with
    ``A_k = sum_{i in k} s_i x~_i x~_i^T``, ``m_k = sum_{i in k} s_i x~_i``
    and ``R = diag(1, ..., 1, 0)`` (the intercept is not penalised, as in
    libsvm). The per-class moments are computed once (one pass over ``X``),
    so each pair costs one ``(d + 1)``-sized solve, whatever ``n_samples``.

    Returns ``coef`` of shape (n_pairs, n_features) and ``intercept`` of
    shape (n_pairs,); a positive decision value votes for k.
    """
    n_features = X.shape[1]
    dim = n_features + 1
    s = np.ones(X.shape[0]) if sample_weight is None else sample_weight
    order = np.argsort(codes, kind="stable")
    bounds = np.concatenate([[0], np.cumsum(np.bincount(codes, minlength=n_classes))])
    moments = np.empty((n_classes, dim, dim))
    means = np.empty((n_classes, dim))
    for k in range(n_classes):
        rows = order[bounds[k] : bounds[k + 1]]
        Xk, sk = X[rows], s[rows]
        if sp.issparse(Xk):
            gram = (Xk.T @ Xk.multiply(sk[:, None]).tocsr()).toarray()
            first_moment = np.asarray(Xk.T @ sk).ravel()
        else:
            gram = (Xk.T * sk) @ Xk
            first_moment = sk @ Xk
        moments[k, :n_features, :n_features] = gram
        moments[k, :n_features, n_features] = first_moment
        moments[k, n_features, :n_features] = first_moment
        moments[k, n_features, n_features] = sk.sum()
        means[k, :n_features] = first_moment
        means[k, n_features] = sk.sum()
    ridge = np.full(dim, 0.5 / C)
    # A token ridge on the intercept keeps a pair whose samples all weigh 0
    # solvable (it then gets w = 0, b = 0); otherwise it changes nothing.
    ridge[-1] = 1e-12 * ridge[0]
    first, second = np.triu_indices(n_classes, 1)
    solution = np.empty((len(first), dim))
    diag = np.arange(dim)
    for batch in gen_batches(len(first), max(1, _SYSTEM_FLOATS // dim**2)):
        system = moments[first[batch]] + moments[second[batch]]
        system[:, diag, diag] += ridge
        rhs = means[first[batch]] - means[second[batch]]
        solution[batch] = np.linalg.solve(system, rhs[..., None])[..., 0]
    return solution[:, :n_features], solution[:, n_features]


def _softmax(scores, temperature):
    """Row-wise ``softmax(scores / temperature)``, in place."""
    scores /= temperature
    scores -= scores.max(axis=1, keepdims=True)
    np.exp(scores, out=scores)
    scores /= scores.sum(axis=1, keepdims=True)
    return scores


def _interleaved_folds(codes, n_folds):
    """Fold of each sample: round robin over the samples sorted by class.

    Deterministic (no random draw) and stratified: a class of ``m`` samples
    lands in ``min(m, n_folds)`` folds, so every class of two or more samples
    is in the training part of every fold.
    """
    order = np.argsort(codes, kind="stable")
    fold = np.empty(len(codes), dtype=np.intp)
    fold[order] = np.arange(len(codes)) % n_folds
    return fold


def _marginal_log_loss(log_temperature, parts):
    """Summed binary log-loss of the out-of-fold marginals at ``exp(t)``."""
    eps = 1e-15
    temperature = np.exp(log_temperature)
    loss = 0.0
    for scores, combos, truth, weight in parts:
        marg = _softmax(scores.copy(), temperature) @ combos
        np.clip(marg, eps, 1.0 - eps, out=marg)
        per_row = -(truth * np.log(marg) + (1.0 - truth) * np.log1p(-marg)).sum(1)
        loss += weight @ per_row
    return loss


def _log_odds(pairs):
    """Log-odds from ``[P(y = 1), P(y = 0)]`` columns (finite, |.| <~ 745)."""
    tiny = np.finfo(np.float64).tiny
    logs = np.log(np.maximum(pairs, tiny))
    n_labels = pairs.shape[1] // 2
    return logs[:, :n_labels] - logs[:, n_labels:]


class LabelPowersetWeightedSVC(ClassifierMixin, BaseEstimator):
    """Label Powerset classifier over a class-weighted support vector machine.

    Every distinct row of the label matrix ``Y`` becomes one class of a
    multi-class problem (Label Powerset), which a weighted SVM then solves.
    This is the classifier of the fusion module of Pouyanfar et al. (2018,
    section III.C and Algorithm 1); the defaults are the paper's: linear
    kernel, ``C=0.9``, shrinking heuristic on and inverse-frequency weights.
    With a 1-D ``y`` (binary or multi-class) it is a plain weighted SVC.

    Parameters
    ----------
    C : float, default=0.9
        Penalty of the error term; larger means less regularisation.
    kernel : {"linear", "poly", "rbf", "sigmoid"}, default="linear"
        Kernel of the libsvm solver. The other solvers are linear only.
    class_weight : {"label", "powerset", "balanced"}, dict or None, \
default="label"
        How the misclassification cost of each training sample is weighted;
        see Notes for the exact mapping to the cost function.

        - ``"label"`` (Algorithm 1): per-label inverse frequencies
          ``delta_j = 1 / n_j``; a sample costs the sum of the ``delta_j``
          of the labels it carries (samples with no label count as one more
          "empty" label). With a 1-D ``y`` it is the same as ``"powerset"``.
        - ``"powerset"``: inverse frequency of the sample's label
          combination (its powerset class).
        - ``"balanced"``: scikit-learn's definition on the powerset classes,
          ``n_samples / (n_classes * np.bincount(codes))``, handed to the
          solver unchanged.
        - dict: ``{combination: weight}`` with each combination a tuple of
          0/1 of length ``n_labels`` (with a 1-D ``y``: ``{class: weight}``);
          combinations not listed weigh 1.
        - None: every sample weighs 1 (an unweighted SVM).
    solver : {"libsvm", "liblinear", "least_squares"}, default="libsvm"
        ``"libsvm"``: one-vs-one :class:`~sklearn.svm.SVC` with the hinge loss,
        any kernel; its cost grows with the square of the number of label
        combinations and roughly the square of ``n_samples``.
        ``"liblinear"``: one-vs-rest :class:`~sklearn.svm.LinearSVC` (squared
        hinge, primal or dual as ``dual`` says), linear in
        ``n_samples`` and in the number of combinations.
        ``"least_squares"``: one-vs-one linear least-squares SVMs, solved
        exactly in the primal from per-combination moments of ``X`` (see
        Notes); linear in ``n_samples``, cubic in ``n_features``. For large
        ``n_samples`` with up to a few hundred features it is the fast
        solver closest to libsvm's one-vs-one votes, provided the classes
        are balanced (``class_weight="balanced"`` or ``"powerset"``).
    degree : int, default=3
        Degree of the ``"poly"`` kernel (libsvm only).
    gamma : {"scale", "auto"} or float, default="scale"
        Coefficient of the ``"rbf"``, ``"poly"`` and ``"sigmoid"`` kernels.
    coef0 : float, default=0.0
        Independent term of the ``"poly"`` and ``"sigmoid"`` kernels.
    shrinking : bool, default=True
        Whether libsvm uses the shrinking heuristic (the paper: on).
    tol : float, default=1e-3
        Tolerance of the stopping criterion of libsvm or liblinear (the
        closed-form ``"least_squares"`` does not iterate).
    cache_size : float, default=200
        Kernel cache size of libsvm, in MB.
    max_iter : int or None, default=None
        Iteration limit; None means the solver's default (no limit for
        libsvm, 1000 for liblinear).
    dual : "auto" or bool, default="auto"
        Whether liblinear solves the dual (coordinate descent) or the primal
        (trust-region Newton) problem; ignored by the other solvers.
        ``"auto"`` is :class:`~sklearn.svm.LinearSVC`'s rule (primal when
        ``n_samples > n_features``). With inverse-frequency weights the
        per-sample costs ``C s_i`` of rare combinations are large, which
        slows the primal solver; on sparse bag-of-words data (a few thousand
        rows, hundreds of features) ``dual=True`` was 14-22x faster at the
        same F1, while on dense data with ``n_samples >> n_features`` the
        primal was 10x faster (``benchmarks/bench_label_powerset_many_labels.py``).
    random_state : int, RandomState instance or None, default=None
        Seed of liblinear's coordinate descent when it solves the dual;
        libsvm's fit is deterministic. numpy's global random state is never
        used: None draws a fresh seed from the operating system.
    unknown : {"raise", "drop_rows"}, default="raise"
        What to do with a partially labelled ``Y`` (NaN = unknown entry).
        A Label Powerset class is a whole label row, which an unknown entry
        leaves undetermined, so ``"raise"`` rejects such a ``Y`` and
        ``"drop_rows"`` fits on the rows without any unknown entry only
        (with their ``sample_weight``; the label frequencies of
        ``class_weight`` are those of these rows). A complete ``Y`` is fitted
        the same way under both.
    temperature : "auto" or float, default="auto"
        Temperature ``T`` of the distribution over the label combinations
        behind ``predict_proba`` and ``decision_function``,
        :math:`p_k \\propto \\exp(s_k / T)` (see Notes). ``"auto"`` fits it
        by minimising the binary log-loss of the per-label marginals on
        held-out rows of 3 internal, interleaved folds (three more fits of
        the solver on 2/3 of the rows); a float fixes it, and ``1.0`` gives
        the uncalibrated coupling of earlier versions at the cost of a
        single fit. ``predict`` does not depend on it.

        .. versionadded:: 0.1.0

    Attributes
    ----------
    estimator_ : SVC, LinearSVC or None
        The fitted solver, trained on the integer powerset codes; None with
        ``solver="least_squares"`` (its model is ``coef_`` and
        ``intercept_``).
    label_combinations_ : ndarray of shape (n_combinations, n_labels) or None
        Distinct label rows seen in ``fit``, in order of first appearance
        (as scikit-multilearn's ``LabelPowerset``; libsvm breaks ties in
        votes towards the first); row ``k`` is powerset class ``k``. None
        when ``y`` was 1-D.
    classes_ : ndarray
        With a 2-D ``Y``, ``np.arange(n_labels)`` (the label indices, as for
        :class:`~sklearn.multiclass.OneVsRestClassifier`); with a 1-D ``y``,
        the sorted class labels.
    n_labels_ : int or None
        Number of label columns of ``Y``; None when ``y`` was 1-D.
    sample_weight_ : ndarray of shape (n_samples,) or None
        Cost multiplier of each training sample actually handed to the
        solver (class weighting times the user's ``sample_weight``); None
        when the solver received none (``class_weight`` None, ``"balanced"``
        or a dict with libsvm and no ``sample_weight``).
    coef_ : ndarray of shape (n_pairs, n_features)
        Only with ``solver="least_squares"``: weights of the one-vs-one
        classifiers, row ``p`` for the pair of powerset codes
        ``(k, l) = np.triu_indices(n_codes, 1)[p]`` (``n_codes`` the number
        of combinations, or of classes with a 1-D ``y``), as in libsvm's
        order; a positive decision value votes for ``k``.
    intercept_ : ndarray of shape (n_pairs,)
        Only with ``solver="least_squares"``: their intercepts.
    n_iter_ : int or ndarray
        Iterations run by the solver (``SVC.n_iter_``: one per one-vs-one
        pair; ``LinearSVC.n_iter_``: the maximum over the one-vs-rest
        problems); 1 for ``"least_squares"`` (one direct solve).
    temperature_ : float
        The temperature used by ``predict_proba``: ``temperature``, or the
        fitted one with ``"auto"`` (1.0 when no internal fold could be fitted,
        as with fewer than two combinations outside a fold).
    n_features_in_ : int
        Number of features seen in ``fit``.
    feature_names_in_ : ndarray of str
        Feature names seen in ``fit``, when ``X`` has string column names.

    See Also
    --------
    sklearn.svm.SVC : The libsvm solver.
    sklearn.svm.LinearSVC : The liblinear solver.
    RandomLabelsetsWeightedSVC : This classifier on random k-labelsets
        (RAkEL), for many labels.
    skmml.multioutput.PartialBinaryRelevance : Learns each label from all
        its known entries of a partially labelled ``Y``.

    Notes
    -----
    **Cost function.** The paper weighs the hinge loss of the SVM,

    .. math::

        J = \\frac{1}{\\sum_j \\delta_j} \\sum_i \\delta_{j(i)}
            \\max(0, 1 - y_i (w^T x_i + b)),
        \\qquad \\delta_j = 1 / |\\{i : c_j \\in Y_i\\}|,

    but computes :math:`\\delta_j` per *concept* (label) while the SVM is
    trained on *powerset* classes, so which :math:`\\delta` an instance gets
    is not stated. Here each training sample ``i`` gets a cost multiplier
    :math:`s_i` (libsvm solves ``min 1/2 |w|^2 + C sum_i s_i hinge_i`` for
    every one-vs-one pair):

    - ``"label"``: :math:`s_i \\propto \\sum_{j : Y_{ij} = 1} \\delta_j`,
      reading :math:`\\delta_{j(i)}` as one term per concept of instance
      ``i``; an instance carrying a rare concept costs at least that
      concept's weight, whatever else it carries.
    - ``"powerset"``: :math:`s_i \\propto 1 / n_{k(i)}`, with
      :math:`n_{k}` the size of powerset class ``k``.
    - ``"balanced"``: :math:`s_i = n / (K n_{k(i)})`.

    The normalisation :math:`1 / \\sum_j \\delta_j` of J is a constant
    factor, i.e. a rescaling of ``C``. So that ``C`` keeps its unweighted
    meaning, ``"label"`` and ``"powerset"`` are scaled to a mean cost
    multiplier of 1 over the training set, which makes ``"powerset"``
    numerically equal to ``"balanced"``; the two differ only with a
    ``sample_weight``, which ``"label"`` and ``"powerset"`` count in the
    frequencies (so weighting a sample by 2 equals repeating it) and
    ``"balanced"`` ignores, as scikit-learn does. With the liblinear and
    least-squares solvers every option is passed as per-sample weights
    (liblinear's one-vs-rest scales ``class_weight`` on the positive side
    only).

    **Least-squares solver.** ``solver="least_squares"`` keeps libsvm's
    one-vs-one decomposition and votes but replaces the hinge by the squared
    error to the targets :math:`y_i = \\pm 1` (a least-squares SVM, Suykens
    and Vandewalle 1999, with weighted errors): for each pair of powerset
    classes ``(k, l)``,

    .. math::

        \\min_{w, b} \\frac{1}{2} \\|w\\|^2
            + C \\sum_{i \\in k \\cup l} s_i (1 - y_i (w^T x_i + b))^2,

    whose solution, with :math:`\\tilde x = (x, 1)`, solves the normal
    equations :math:`(R / 2C + A_k + A_l) (w, b) = m_k - m_l` where
    :math:`A_k = \\sum_{i \\in k} s_i \\tilde x_i \\tilde x_i^T`,
    :math:`m_k = \\sum_{i \\in k} s_i \\tilde x_i` and
    :math:`R = \\mathrm{diag}(1, \\dots, 1, 0)` (the intercept is not
    penalised, as in libsvm). The moments :math:`A_k, m_k` take one pass over
    the data, :math:`O(n d^2)`; then each of the :math:`K (K - 1) / 2` pairs
    costs one dense :math:`(d + 1)`-sized solve, :math:`O(K^2 d^3)` in all
    whatever ``n``, and prediction :math:`O(n K^2 d / 2)`. So it is the
    solver for large ``n`` with moderate ``d`` (a few hundred features; not
    for high-dimensional sparse data, where ``"liblinear"`` fits). Every
    sample of a pair enters the loss, also those beyond the margin, so the
    pairwise hyperplanes are not libsvm's; on well-separated classes the
    votes agree. For the same reason each pairwise hyperplane is pulled
    towards the combination with the smaller total weight, so **use it with
    balanced pairs**: ``class_weight="balanced"`` or ``"powerset"``; with
    ``"label"`` or None its micro-F1 falls clearly below libsvm's. The
    systems are solved with BLAS limited to one thread: they are small, and
    threads cost more than they save.

    **Many labels.** Every distinct label row is a class, so a ``Y`` with
    hundreds of labels has thousands of classes, most with a sample or two,
    and libsvm's one-vs-one decomposition solves ``K (K - 1) / 2`` problems.
    ``fit`` warns (``UserWarning``) above 1000 distinct combinations;
    :class:`RandomLabelsetsWeightedSVC` then fits this classifier on random
    subsets of ``labelset_size`` labels (RAkEL, Tsoumakas et al. [2]_) and
    votes.

    **Scale of X.** Values above ``1e50`` in absolute value are refused with
    a ``ValueError`` (in ``fit`` and at prediction): the solvers form
    products of squared entries, which overflow there, so liblinear would
    never return and the least-squares solver would give non-finite
    probabilities. Scale the features first (``StandardScaler``,
    ``MaxAbsScaler``); libsvm also converges much faster on scaled data.

    **Scores.** ``predict`` returns the combination chosen by the solver
    (libsvm and least squares: most one-vs-one votes, ties to the lowest
    code), so a combination never seen in training is never predicted, and
    one seen once is a class like any other (with a large weight under the inverse
    frequency options). ``predict_proba`` first forms a distribution
    :math:`p_k(x)` over the powerset classes and marginalises it,
    :math:`P(y_j = 1 | x) = \\sum_{k : c_k \\ni j} p_k(x)`, as one matrix
    product with ``label_combinations_``:

    - libsvm: each one-vs-one decision value :math:`f_{kl}` gives
      :math:`r_{kl} = \\sigma(f_{kl}) = P(k \\text{ beats } l)`. Treating the
      duels as independent, :math:`p_k` is the probability that ``k`` wins
      all its :math:`K - 1` duels given that some class does (these events
      exclude each other, since two classes also duel each other):
      :math:`p_k \\propto \\prod_{l \\ne k} r_{kl}`, a softmax of
      :math:`\\sum_{l \\ne k} \\log \\sigma(f_{kl})`. It uses the Platt sigmoid
      with fixed parameters instead of fitting them by internal
      cross-validation as ``SVC(probability=True)`` does (deprecated in
      scikit-learn 1.9); its rankings were on a par with libsvm's
      probabilities in our benchmarks, and clearly better than Price et
      al.'s closed-form coupling or soft votes with many combinations. Its
      argmax can differ from the vote of ``predict`` (libsvm's own
      probabilities differ from its votes too). For the linear kernel the
      decision values come from one sparse product of the dual
      coefficients with the Gram matrix against the support vectors (the
      sums libsvm does per sample); other kernels go through
      ``SVC.decision_function``, in chunks of samples.
      The least-squares solver's one-vs-one decision values
      :math:`f_{kl} = w_{kl}^T x + b_{kl}` go through the same coupling.
    - liblinear: softmax of the one-vs-rest decision values,
      :math:`s_k = f_k`.

    **Temperature.** With :math:`s_k = \\sum_{l \\ne k} \\log \\sigma(f_{kl})`
    (or :math:`f_k`), the distribution is :math:`p_k \\propto \\exp(s_k / T)`.
    The product of :math:`K - 1` duel probabilities counts correlated duels
    as independent evidence, so the gaps between the :math:`s_k` grow with
    the number :math:`K` of combinations; at :math:`T = 1` the softmax is
    then nearly one-hot and every marginal sits at 0 or 1 (on a 15-label
    problem with 97 combinations, 97% of the marginals were below
    ``1e-3``, and a threshold tuner could not use them). ``temperature="auto"``
    picks the :math:`T` that minimises the summed binary log-loss
    :math:`-\\sum_{i, j} [Y_{ij} \\log P_{ij} + (1 - Y_{ij}) \\log(1 - P_{ij})]`
    of the marginals of held-out rows, from three refits on interleaved
    folds (the rows sorted by combination, dealt out in turn: no random
    draw, and every combination of two or more rows is in every training
    part), weighted by ``sample_weight``; with a 1-D ``y`` the one-hot
    classes take the place of the labels. The search runs over
    :math:`\\log T \\in [\\log 10^{-2}, \\log 10^{4}]`. It fitted
    :math:`T \\approx 6` on that problem (3% of marginals below ``1e-3``,
    median marginal 0.13 on positive and 0.007 on negative entries) and
    :math:`T \\approx 12` on yeast (164 combinations), where the macro ROC
    AUC of the marginals rose from 0.687 to 0.701. ``fit`` takes about
    four times as long as with a fixed temperature (yeast: 7.9 s against
    1.7 s, one core).

    ``decision_function`` returns the log-odds of these marginals (same
    ranking, positive iff the marginal exceeds 1/2). A thresholded marginal
    may disagree with ``predict``, which picks a joint combination, not
    labels one by one. With a 1-D ``y``, ``decision_function`` is that of
    :class:`~sklearn.svm.SVC` (``"ovr"`` shape) or
    :class:`~sklearn.svm.LinearSVC`.

    **More features than samples.** When ``n_features`` is at least the
    number of samples of a pair of combinations minus one (and the samples
    are in general position), the pair is linearly separable. The hinge
    loss of libsvm is then zero at the maximum-margin hyperplane, whose dual
    coefficients :math:`\\alpha_i` are small; as soon as every bound
    :math:`C s_i` exceeds them, that hyperplane is the solution whatever
    ``C`` and the weights :math:`s_i`, so ``class_weight`` and ``C`` change
    nothing (on 150 rows of 300 features, identical predictions for every
    ``class_weight`` and for ``C`` from about 0.02 upwards). No warning is
    raised: the maximum-margin classifier is a sound one, and this happens
    with the default parameters on every such data set. To let the weights
    act, lower ``C`` until some :math:`\\alpha_i` reach their bound, or use
    ``solver="least_squares"`` (every sample in the loss) or
    ``"liblinear"`` (squared hinge, whose solution depends on
    :math:`C s_i` at any ``C``).

    References
    ----------
    .. [1] S. Pouyanfar, T. Wang and S.-C. Chen, "A multi-label multimodal
       deep learning framework for imbalanced data classification", 2018,
       section III.C and Algorithm 1.
    .. [2] G. Tsoumakas, I. Katakis and I. Vlahavas, "Random k-labelsets for
       multilabel classification", IEEE TKDE 23(7), 2011.
    .. [3] D. Price, S. Knerr, L. Personnaz and G. Dreyfus, "Pairwise neural
       network classifiers with probabilistic outputs", NIPS 7, 1995.
    .. [4] T.-F. Wu, C.-J. Lin and R. C. Weng, "Probability estimates for
       multi-class classification by pairwise coupling", JMLR 5, 2004.
    .. [5] J. A. K. Suykens and J. Vandewalle, "Least squares support vector
       machine classifiers", Neural Processing Letters 9(3), 1999.

    Examples
    --------
    >>> import numpy as np
    >>> from skmml.svm import LabelPowersetWeightedSVC
    >>> X = np.array([[0.0, 0.0], [0.2, 0.1], [3.0, 0.0], [3.1, 0.2],
    ...               [0.0, 3.0], [0.1, 3.2], [3.0, 3.0]])
    >>> Y = np.array([[0, 0], [0, 0], [1, 0], [1, 0], [0, 1], [0, 1], [1, 1]])
    >>> clf = LabelPowersetWeightedSVC().fit(X, Y)
    >>> clf.label_combinations_
    array([[0, 0],
           [1, 0],
           [0, 1],
           [1, 1]])
    >>> clf.predict([[2.9, 0.1], [3.2, 3.1]])
    array([[1, 0],
           [1, 1]])
    >>> clf.predict_proba([[2.9, 0.1], [1.5, 1.5]]).round(2)
    array([[1.  , 0.  ],
           [0.34, 0.3 ]])
    """

    _parameter_constraints: dict = {
        "C": [Interval(Real, 0, np.inf, closed="neither")],
        "kernel": [StrOptions({"linear", "poly", "rbf", "sigmoid"})],
        "class_weight": [StrOptions({"label", "powerset", "balanced"}), dict, None],
        "solver": [StrOptions({"libsvm", "liblinear", "least_squares"})],
        "degree": [Interval(Integral, 0, None, closed="left")],
        "gamma": [
            StrOptions({"scale", "auto"}),
            Interval(Real, 0.0, None, closed="left"),
        ],
        "coef0": [Interval(Real, None, None, closed="neither")],
        "shrinking": ["boolean"],
        "tol": [Interval(Real, 0.0, None, closed="neither")],
        "cache_size": [Interval(Real, 0, None, closed="neither")],
        "max_iter": [
            Interval(Integral, 1, None, closed="left"),
            Options(Integral, {-1}),
            None,
        ],
        "dual": [StrOptions({"auto"}), "boolean"],
        "random_state": ["random_state"],
        "unknown": [StrOptions({"raise", "drop_rows"})],
        "temperature": [
            StrOptions({"auto"}),
            Interval(Real, 0, None, closed="neither"),
        ],
    }

    def __init__(
        self,
        C=0.9,
        *,
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
        random_state=None,
        unknown="raise",
        temperature="auto",
    ):
        self.C = C
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
    def _check_params(self):
        """Checks that cross parameters (the rest: ``_parameter_constraints``)."""
        if self.solver != "libsvm" and self.kernel != "linear":
            raise ValueError(
                f"solver={self.solver!r} only supports kernel='linear'; got "
                f"kernel={self.kernel!r}. Use solver='libsvm' for other kernels."
            )

    def _complete_rows(self, Y):
        """Mask of the rows of a partial ``Y`` kept by ``unknown="drop_rows"``."""
        return complete_label_rows(
            Y,
            self.unknown,
            name="Y",
            needs=(
                f"{type(self).__name__} "
                "needs complete label rows: each row is one label combination "
                "(class) of the Label Powerset. Set unknown='drop_rows' to fit "
                "on the rows without unknown entries, or use "
                "skmml.multioutput.PartialBinaryRelevance, which learns each "
                "label from all its known entries."
            ),
            to="fit",
        )

    def _encode_targets(self, y):
        """Return class codes, the label matrix and the kept rows (or None).

        Also sets the target-related attributes. The kept rows are those
        of a partial ``Y`` left by ``unknown="drop_rows"``; None means all.
        """
        Y = _multilabel_or_none(y, type(self).__name__)
        if Y is not None:
            keep = None
            if has_unknown(Y):
                keep = self._complete_rows(Y)
                Y = Y[keep].astype(np.int64)
            self.label_combinations_, codes = encode_label_powerset(Y)
            self.n_labels_ = Y.shape[1]
            self.classes_ = np.arange(self.n_labels_)
            n_combinations = len(self.label_combinations_)
            if n_combinations < 2:
                raise ValueError(
                    "Y has a single distinct label combination; the Label "
                    "Powerset needs at least 2 combinations (classes) to "
                    "fit a classifier."
                )
            if n_combinations > _MAX_COMBINATIONS:
                warnings.warn(
                    f"Y has {n_combinations} distinct label combinations over "
                    f"{self.n_labels_} labels: the Label Powerset makes each one "
                    f"a class (more than {_MAX_COMBINATIONS}; libsvm then solves "
                    f"{n_combinations * (n_combinations - 1) // 2} one-vs-one "
                    "problems, most combinations having a few samples). "
                    "Consider skmml.svm.RandomLabelsetsWeightedSVC, which fits "
                    "the weighted SVM on random k-labelsets (RAkEL), for "
                    "instance RandomLabelsetsWeightedSVC(labelset_size=3).",
                    UserWarning,
                    stacklevel=4,
                )
            return codes, Y, keep
        onehot, _, self.classes_ = encode_target(y, name="y")
        self.label_combinations_ = None
        self.n_labels_ = None
        if len(self.classes_) < 2:
            raise ValueError(
                "The number of classes has to be greater than one; got 1 class "
                f"({self.classes_[0]!r})."
            )
        return onehot.argmax(axis=1).astype(np.intp), None, None

    def _class_weight_dict(self, n_classes):
        """Translate a user dict to a weight per powerset code."""
        weights = np.ones(n_classes)
        if self.label_combinations_ is None:
            index = {c: k for k, c in enumerate(self.classes_.tolist())}
        else:
            index = {
                tuple(row): k for k, row in enumerate(self.label_combinations_.tolist())
            }
        for key, value in self.class_weight.items():
            k_key = tuple(np.ravel(key).tolist()) if self.n_labels_ else key
            if k_key not in index:
                raise ValueError(
                    f"class_weight has key {key!r}, which is not a "
                    + (
                        "label combination (tuple of 0/1 of length "
                        f"{self.n_labels_}) seen in Y."
                        if self.n_labels_
                        else "class seen in y."
                    )
                )
            if not isinstance(value, numbers.Real) or not value >= 0:
                raise ValueError(
                    f"class_weight values must be non-negative numbers; got "
                    f"{value!r} for key {key!r}."
                )
            weights[index[k_key]] = value
        return weights

    def _solver_weights(self, codes, Y, sample_weight):
        """Return (class_weight for the solver, per-sample weights or None)."""
        n_classes = int(codes.max()) + 1
        cw = self.class_weight
        sw = np.ones(len(codes)) if sample_weight is None else sample_weight
        if cw is None:
            return None, sample_weight
        if isinstance(cw, dict):
            per_class = self._class_weight_dict(n_classes)
            if self.solver == "libsvm":
                return dict(enumerate(per_class)), sample_weight
            return None, sw * per_class[codes]
        if cw == "balanced":
            if self.solver == "libsvm":
                return "balanced", sample_weight
            counts = np.bincount(codes, minlength=n_classes)
            return None, sw * (len(codes) / (n_classes * counts))[codes]
        if cw == "label" and Y is not None:
            # delta_j per label (Algorithm 1, lines 9-12) plus an "empty" label.
            Yd = Y.toarray() if sp.issparse(Y) else Y
            empty = (Yd.sum(axis=1) == 0).astype(np.float64)
            carried = np.column_stack([Yd, empty])
            freq = sw @ carried
            delta = np.divide(1.0, freq, out=np.zeros_like(freq), where=freq > 0)
            factor = carried @ delta
        else:  # "powerset", or "label" with a 1-D y (one label per sample)
            freq = np.bincount(codes, weights=sw, minlength=n_classes)
            delta = np.divide(1.0, freq, out=np.zeros_like(freq), where=freq > 0)
            factor = delta[codes]
        total = sw @ factor
        if total <= 0:
            raise ValueError(
                "sample_weight gives zero total weight to the training set."
            )
        return None, sw * factor * (sw.sum() / total)

    @_fit_context(prefer_skip_nested_validation=True)
    def fit(self, X, y, sample_weight=None):
        """Fit the weighted SVM on the label-powerset classes of ``Y``.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            Training data.
        y : {array-like, sparse matrix} of shape (n_samples, n_labels) or \
(n_samples,)
            Binary indicator matrix of labels ``Y``, or 1-D class labels.
            NaN entries (unknown labels) are rejected, or their rows left
            out with ``unknown="drop_rows"``.
        sample_weight : array-like of shape (n_samples,), default=None
            Non-negative cost multipliers, combined with ``class_weight``.

        Returns
        -------
        self : LabelPowersetWeightedSVC
            The fitted estimator.
        """
        self._check_params()
        X = validate_data(
            self, X, accept_sparse="csr", dtype=np.float64, order="C", reset=True
        )
        _check_magnitude(X)
        codes, Y, keep = self._encode_targets(y)
        n_rows = len(codes) if keep is None else len(keep)
        if n_rows != X.shape[0]:
            raise ValueError(
                f"X and Y have inconsistent numbers of samples: {X.shape[0]} "
                f"and {n_rows}."
            )
        sample_weight = _check_sample_weight(sample_weight, X.shape[0])
        if keep is not None:  # unknown="drop_rows" on a partial Y
            X = X[keep]
            if sample_weight is not None:
                sample_weight = sample_weight[keep]
        solver_cw, weights = self._solver_weights(codes, Y, sample_weight)
        self._dense_fit = not sp.issparse(X)
        self.sample_weight_ = weights
        if self.solver == "least_squares":
            # Many small dense solves: BLAS threads only add overhead there.
            with threadpool_limits(limits=1, user_api="blas"):
                self.coef_, self.intercept_ = _pairwise_least_squares(
                    X, codes, int(codes.max()) + 1, weights, self.C
                )
            self.estimator_ = None
            self.n_iter_ = 1
            self.temperature_ = self._fit_temperature(
                X, codes, Y, sample_weight, int_seed(self.random_state)
            )
            return self
        for stale in ("coef_", "intercept_"):  # from an earlier least_squares fit
            self.__dict__.pop(stale, None)
        # An int seed for the solver, so that numpy's global RNG is never drawn
        # from (SVC and LinearSVC draw their seed from it when given None).
        seed = int_seed(self.random_state)
        if self.solver == "libsvm":
            est = SVC(
                C=self.C,
                kernel=self.kernel,
                degree=self.degree,
                gamma=self.gamma,
                coef0=self.coef0,
                shrinking=self.shrinking,
                tol=self.tol,
                cache_size=self.cache_size,
                class_weight=solver_cw,
                max_iter=-1 if self.max_iter is None else self.max_iter,
                decision_function_shape="ovo",
                random_state=seed,
            )
        else:
            est = LinearSVC(
                C=self.C,
                loss="squared_hinge",
                dual=self.dual,
                tol=self.tol,
                max_iter=1000 if self.max_iter in (None, -1) else self.max_iter,
                random_state=seed,
            )
        with _many_classes_allowed():
            est.fit(X, codes, sample_weight=weights)
        self.estimator_ = est
        self.n_iter_ = est.n_iter_
        self.temperature_ = self._fit_temperature(X, codes, Y, sample_weight, seed)
        return self

    def _fit_temperature(self, X, codes, Y, sample_weight, seed):
        """``temperature_``: given, or minimising the out-of-fold log-loss.

        The same estimator (temperature 1) is refitted on the training part
        of each of ``_TEMPERATURE_FOLDS`` interleaved folds; the temperature
        minimises the summed binary log-loss of the marginals it gives the
        held-out samples (of the one-hot classes with a 1-D ``y``).
        """
        if self.temperature != "auto":
            return float(self.temperature)
        n_codes = int(codes.max()) + 1
        if Y is None:
            truth = np.eye(n_codes)[codes]
            target = self.classes_[codes]
        else:
            target = Y
            truth = np.asarray(Y.toarray() if sp.issparse(Y) else Y, dtype=np.float64)
        params = {"temperature": 1.0, "unknown": "raise", "random_state": seed}
        sw = sample_weight
        if isinstance(self.class_weight, dict):
            # its keys may be missing from a fold: hand over per-sample weights
            params["class_weight"] = None
            sw = np.ones(len(codes)) if sw is None else sw
            sw = sw * self._class_weight_dict(n_codes)[codes]
        folds = _interleaved_folds(codes, _TEMPERATURE_FOLDS)
        parts = []
        for fold in range(_TEMPERATURE_FOLDS):
            test = folds == fold
            train = ~test
            if not test.any() or np.unique(codes[train]).size < 2:
                continue
            model = clone(self).set_params(**params)
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")  # already raised by the full fit
                model.fit(X[train], target[train], None if sw is None else sw[train])
            if Y is None:
                combos = np.eye(n_codes)[np.searchsorted(self.classes_, model.classes_)]
            else:
                combos = model.label_combinations_.astype(np.float64)
            weight = np.ones(test.sum()) if sw is None else sw[test]
            parts.append((model._powerset_scores(X[test]), combos, truth[test], weight))
        if not parts:
            return 1.0
        result = minimize_scalar(
            _marginal_log_loss,
            bounds=np.log(_TEMPERATURE_RANGE),
            args=(parts,),
            method="bounded",
            options={"xatol": 1e-2},
        )
        return float(np.exp(result.x))

    # -------------------------------------------------------------- predict
    def _check_X(self, X):
        check_is_fitted(self)
        X = validate_data(
            self, X, accept_sparse="csr", dtype=np.float64, order="C", reset=False
        )
        _check_magnitude(X)
        if sp.issparse(X) and self._dense_fit and self.solver == "libsvm":
            X = X.toarray()  # libsvm rejects sparse input to a dense model
        return X

    def predict(self, X):
        """Predict the label combination (or class) of each sample.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            Samples.

        Returns
        -------
        Y_pred : ndarray of shape (n_samples, n_labels) or (n_samples,)
            Dense integer indicator matrix, each row one of
            ``label_combinations_``; class labels when fitted on a 1-D ``y``.
        """
        X = self._check_X(X)
        if self.solver == "least_squares":
            codes = self._ovo_vote(X)
        else:
            codes = self.estimator_.predict(X).astype(np.intp)
        if self.label_combinations_ is None:
            return self.classes_[codes]
        return self.label_combinations_[codes]

    def _n_codes(self):
        """Number of powerset classes (or of classes with a 1-D ``y``)."""
        if self.solver != "least_squares":
            return len(self.estimator_.classes_)
        if self.label_combinations_ is None:
            return len(self.classes_)
        return len(self.label_combinations_)

    def _ovo_vote(self, X):
        """libsvm's one-vs-one vote (ties to the lowest code) on ``coef_``."""
        first, second = self._pair_incidence()
        balance = first - second
        # votes_k = wins as first + losses as second of the pairs of k
        offset = np.asarray(second.sum(axis=1))
        codes = np.empty(X.shape[0], dtype=np.intp)
        for batch, dec in self._ovo_blocks(X):
            votes = balance @ (dec > 0).astype(np.float64) + offset
            codes[batch] = votes.argmax(axis=0)
        return codes

    def _ovo_blocks(self, X):
        """Yield (batch, D): transposed one-vs-one decision values.

        ``D[p, i]`` for the p-th pair (k, l), k < l, in ``np.triu_indices``
        order and the i-th sample of the batch, is positive when k wins
        (scikit-learn flips the sign in the binary case; flipped back here).
        Shape (n_pairs, n_batch): the layout the sparse sums below want.
        """
        n_classes = self._n_codes()
        n_pairs = n_classes * (n_classes - 1) // 2
        chunk = max(1, _CHUNK_FLOATS // max(n_pairs, n_classes))
        if self.solver == "least_squares":
            intercept = self.intercept_[:, None]
            for batch in gen_batches(X.shape[0], chunk):
                dec = np.asarray(self.coef_ @ X[batch].T)
                dec += intercept
                yield batch, dec
            return
        est = self.estimator_
        sign = -1.0 if n_classes == 2 else 1.0
        linear = self.kernel == "linear"
        if linear:
            # libsvm's per-sample sum over support vectors, as sparse BLAS.
            dual = _ovo_dual_matrix(est)
            sv = est.support_vectors_
            intercept = sign * est.intercept_[:, None]
        for batch in gen_batches(X.shape[0], chunk):
            if linear:
                gram = sv @ X[batch].T
                gram = gram.toarray() if sp.issparse(gram) else gram
                dec = dual @ gram
                dec *= sign
                dec += intercept
            else:
                dec = est.decision_function(X[batch]).reshape(-1, n_pairs).T
                dec *= sign
            yield batch, dec

    def _pair_incidence(self):
        """Sparse (K, n_pairs) indicators of the first and second class."""
        n_classes = self._n_codes()
        first, second = np.triu_indices(n_classes, 1)
        cols = np.arange(len(first))
        ones = np.ones(len(first))
        shape = (n_classes, len(first))
        return (
            sp.csr_matrix((ones, (first, cols)), shape=shape),
            sp.csr_matrix((ones, (second, cols)), shape=shape),
        )

    def _powerset_scores(self, X):
        """Log-scores of the powerset classes, (n, K): ``p = softmax(s / T)``."""
        n_classes = self._n_codes()
        if self.solver == "liblinear":
            dec = self.estimator_.decision_function(X)
            if n_classes == 2:  # softmax([0, f]) = [1 - sigma(f), sigma(f)]
                return np.column_stack([np.zeros_like(dec), dec])
            return np.asarray(dec, dtype=np.float64)
        first, second = self._pair_incidence()
        scores = np.empty((X.shape[0], n_classes))
        for batch, dec in self._ovo_blocks(X):
            # s_k = sum_l log sigma(f_kl). In place, log sigma(f)
            # = min(f, 0) - log1p(exp(-|f|)) is faster than
            # scipy.special.log_expit; log sigma(-f) is log sigma(f) - f.
            log_win = np.abs(dec)
            np.negative(log_win, out=log_win)
            np.exp(log_win, out=log_win)
            np.log1p(log_win, out=log_win)
            np.subtract(np.minimum(dec, 0.0), log_win, out=log_win)
            log_p = first @ log_win
            log_win -= dec
            log_p += second @ log_win
            scores[batch] = log_p.T
        return scores

    def _powerset_proba(self, X, temperature=None):
        """Distribution over the powerset classes (see Notes), (n, K)."""
        temperature = self.temperature_ if temperature is None else temperature
        return _softmax(self._powerset_scores(X), temperature)

    def _marginal_pairs(self, X):
        """``[P(y_j = 1 | x), P(y_j = 0 | x)]``, (n, 2 n_labels), X checked."""
        combos = self.label_combinations_.astype(np.float64)
        # Both sides in one product so P(y_j = 0) keeps full precision.
        return self._powerset_proba(X) @ np.hstack([combos, 1.0 - combos])

    def predict_proba(self, X):
        """Per-label probabilities, marginalised over the label combinations.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            Samples.

        Returns
        -------
        proba : ndarray of shape (n_samples, n_labels) or (n_samples, n_classes)
            ``proba[i, j]`` is the total probability of the combinations that
            contain label ``j`` (see Notes: uncalibrated); class probabilities
            when fitted on a 1-D ``y``.
        """
        X = self._check_X(X)
        proba = self._powerset_proba(X)
        if self.label_combinations_ is None:
            return proba
        return proba @ self.label_combinations_.astype(np.float64)

    def decision_function(self, X):
        """Per-label scores: log-odds of the marginal probabilities.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            Samples.

        Returns
        -------
        scores : ndarray of shape (n_samples, n_labels), (n_samples, n_classes) \
or (n_samples,)
            With a 2-D ``Y``, ``log P(y_j=1|x) - log P(y_j=0|x)`` (finite, at
            most about 745 in absolute value). With a 1-D ``y``, the solver's
            decision function (one-vs-rest shape: votes plus a confidence in
            (-1/3, 1/3) for libsvm with more than 2 classes).
        """
        X = self._check_X(X)
        if self.label_combinations_ is not None:
            return _log_odds(self._marginal_pairs(X))
        n_classes = len(self.classes_)
        if self.solver == "least_squares" and n_classes == 2:
            # Positive for classes_[1], scikit-learn's binary convention.
            dec = np.asarray(X @ self.coef_[0]).ravel() + self.intercept_[0]
            return -dec
        if self.solver == "liblinear" or n_classes == 2:
            return self.estimator_.decision_function(X)
        first, second = self._pair_incidence()
        scores = np.empty((X.shape[0], n_classes))
        for batch, dec in self._ovo_blocks(X):
            # libsvm's vote: the first class of a pair wins iff f > 0.
            wins = (dec > 0).astype(np.float64)
            votes = first @ wins + second @ (1.0 - wins)
            conf = first @ dec - second @ dec
            scores[batch] = (votes + conf / (3.0 * (np.abs(conf) + 1.0))).T
        return scores
