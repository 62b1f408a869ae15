"""Missing-label simulation and confidence weights (Ibrahim et al., 2020).

Pure numpy: importing this module does not import torch.
"""

import numbers

import numpy as np

from ..utils import check_multilabel_indicator, observed_mask
from ..utils._param_validation import StrOptions, validate_params
from ..utils._random import check_random_state_local
from ._label_priors import _observed_prior


@validate_params(
    {
        "random_state": ["random_state"],
        "as_nan": ["boolean"],
        "mode": [StrOptions({"positives", "entries"})],
    },
    prefer_skip_nested_validation=True,
)
def simulate_missing_labels(
    Y, ratio, *, random_state=None, as_nan=False, mode="positives"
):
    """Hide a fixed ratio of the labels of a complete label matrix.

    ``mode="positives"`` follows the protocol of Ibrahim et al. (2020,
    Sec. 4): for every sample ``i`` with ``n_i`` positive labels,
    ``x_i = round(ratio * n_i)`` of them, drawn uniformly at random, are
    hidden; negative labels are never hidden. ``mode="entries"`` hides
    ``round(ratio * n_samples * n_labels)`` entries drawn uniformly at random
    among all entries, positives and negatives alike (missing completely at
    random).

    Parameters
    ----------
    Y : array-like or sparse matrix of shape (n_samples, n_labels)
        Complete binary label matrix.
    ratio : float in [0, 1]
        Fraction of each sample's positives (``mode="positives"``) or of all
        entries (``mode="entries"``) to hide. The count is rounded half up,
        so ``ratio=0.5`` hides the only positive of a one-label sample and
        ``ratio=0.25`` hides one of two positives.
    random_state : int, RandomState instance or None, default=None
        Seed of the choice of hidden labels. None draws a fresh seed from
        the operating system (numpy's global random state is never used).
    as_nan : bool, default=False
        How the hidden entries appear in ``Y_observed``: False turns them
        into 0 (the labels are missing without anyone knowing, the setting
        of the paper), True into NaN (a partially labelled target, where
        the unknown entries are known to be unknown).
    mode : {"positives", "entries"}, default="positives"
        Hide a ratio of each sample's positives, or of all entries.

    Returns
    -------
    Y_observed : ndarray of shape (n_samples, n_labels)
        A new array: ``Y`` with the hidden entries set to 0 (int64) when
        ``as_nan=False``, or to NaN (float64) when ``as_nan=True``.
    hidden_mask : ndarray of shape (n_samples, n_labels), dtype bool
        True where an entry was hidden.

    See Also
    --------
    ignore_missing_weights : IM-WCE weights from ``hidden_mask``.
    cooccurrence_negative_weights : CB-WCE weights from ``Y_observed``.

    Notes
    -----
    With ``mode="positives"`` and ``as_nan=True`` every unknown entry is a
    positive in truth (the missingness depends on the label: missing not at
    random); ``mode="entries"`` is the usual setting for partially labelled
    data, in which an entry is unknown independently of its value.

    References
    ----------
    .. [1] K. M. Ibrahim, E. V. Epure, G. Peeters and G. Richard,
       "Confidence-based Weighted Loss for Multi-label Classification with
       Missing Labels", ICMR 2020.

    Examples
    --------
    >>> import numpy as np
    >>> from skmml.losses import simulate_missing_labels
    >>> Y = np.array([[1, 1, 1, 1], [1, 0, 0, 0], [0, 0, 0, 0]])
    >>> Y_obs, hidden = simulate_missing_labels(Y, 0.5, random_state=0)
    >>> Y_obs.sum(axis=1)
    array([2, 0, 0])
    >>> bool(np.all(Y_obs + hidden == Y))
    True

    The partial target of the same draw, and a draw over all entries:

    >>> Y_nan, _ = simulate_missing_labels(Y, 0.5, random_state=0, as_nan=True)
    >>> np.isnan(Y_nan).sum(axis=1)
    array([2, 1, 0])
    >>> Y_nan, hidden = simulate_missing_labels(Y, 0.5, random_state=0,
    ...                                         as_nan=True, mode="entries")
    >>> int(hidden.sum()), int(np.isnan(Y_nan).sum())
    (6, 6)
    """
    Y = check_multilabel_indicator(Y, name="Y", accept_sparse=False)
    if (
        not isinstance(ratio, numbers.Real)
        or isinstance(ratio, bool)
        or not 0.0 <= ratio <= 1.0
    ):
        raise ValueError(f"ratio must be a float in [0, 1]; got {ratio!r}.")
    rng = check_random_state_local(random_state)
    if mode == "positives":
        hidden_mask = _hide_positives(Y, ratio, rng)
    else:
        n_hide = _round_half_up(ratio * Y.size)
        hidden_mask = np.zeros(Y.size, dtype=bool)
        hidden_mask[rng.permutation(Y.size)[:n_hide]] = True
        hidden_mask = hidden_mask.reshape(Y.shape)
    if as_nan:
        Y_observed = Y.astype(np.float64)
        Y_observed[hidden_mask] = np.nan
    else:
        Y_observed = Y.copy()
        Y_observed[hidden_mask] = 0
    return Y_observed, hidden_mask


def _round_half_up(value):
    # the tiny offset absorbs float error such as 0.3 * 5
    return np.floor(np.asarray(value) + 0.5 + 1e-9).astype(np.int64)


def _hide_positives(Y, ratio, rng):
    """Mask of ``round(ratio * n_i)`` random positives of every row ``i``."""
    positive = Y == 1
    n_hide = _round_half_up(ratio * positive.sum(axis=1))
    # Random rank of every positive within its row; hide the n_hide first.
    keys = rng.random_sample(Y.shape)
    keys[~positive] = np.inf
    order = np.argsort(keys, axis=1, kind="stable")
    ranks = np.empty_like(order)
    rows = np.arange(Y.shape[0])[:, None]
    ranks[rows, order] = np.arange(Y.shape[1])[None, :]
    return positive & (ranks < n_hide[:, None])


def ignore_missing_weights(hidden_mask):
    """Negative-label weights of IM-WCE: 0 on hidden labels, 1 elsewhere.

    The "ignore missing" weighting of Ibrahim et al. (2020) assumes the
    positions of the missing labels are known and removes them from the
    loss: :math:`\\bar\\omega_{i,c} = 0` where label ``c`` of sample ``i`` is
    missing and 1 otherwise, while the positive weights stay
    :math:`\\omega_{i,c} = 1`.

    Parameters
    ----------
    hidden_mask : array-like of shape (n_samples, n_labels)
        Boolean (or 0/1) matrix, True where a label is missing, e.g. the
        second output of :func:`simulate_missing_labels`.

    Returns
    -------
    neg_weight : ndarray of shape (n_samples, n_labels), dtype float32
        Pass it as ``neg_weight`` to :class:`WeightedBCELoss`.

    See Also
    --------
    skmml.neural.RMLCClassifier : fitted on a target with NaN at the
        unknown entries, it applies this weighting itself (to the positive
        and the negative terms of the unknown entries).

    Examples
    --------
    >>> from skmml.losses import ignore_missing_weights
    >>> ignore_missing_weights([[True, False], [False, False]])
    array([[0., 1.],
           [1., 1.]], dtype=float32)
    """
    mask = check_multilabel_indicator(
        hidden_mask, name="hidden_mask", accept_sparse=False, dtype=bool
    )
    return (~mask).astype(np.float32)


def cooccurrence_negative_weights(Y, *, aggregate="mean"):
    """Negative-label confidences of CB-WCE from positive co-occurrences.

    Estimates eq. 3 of Ibrahim et al. (2020),
    :math:`\\bar\\omega_{i,c} = P(y_{i,c} = 0 \\mid \\mathbf{y}_i)`,
    conditioning only on the *positive* labels of sample ``i`` (the negatives
    may be missing positives, so they are not trusted).

    Parameters
    ----------
    Y : array-like or sparse matrix of shape (n_samples, n_labels)
        Observed (possibly incomplete) binary label matrix; the statistics
        are computed from it, as the complete labels are unknown. It may
        contain NaN for entries known to be unknown (a partially labelled
        target); the statistics then use the known entries only (see
        Notes).
    aggregate : {"mean", "max"}, default="mean"
        How the pairwise conditional probabilities of a sample's positive
        labels are combined (see Notes).

    Returns
    -------
    neg_weight : ndarray of shape (n_samples, n_labels), dtype float32
        Values in [0, 1]. Pass it as ``neg_weight`` to
        :class:`WeightedBCELoss`. Entries where ``Y == 1`` are set to 1; they
        do not enter eq. 2 since the negative term is multiplied by
        ``1 - y``. Unknown (NaN) entries get the weight of a negative: the
        confidence that the label is absent, for a loss that treats them as
        negatives (target 0).

    See Also
    --------
    skmml.neural.RMLCClassifier : ``missing_labels="cooccurrence"`` computes
        these weights in ``fit``, from the training rows only.

    Notes
    -----
    Estimator. Let :math:`C = Y^\\top Y` be the positive co-occurrence
    counts, so :math:`C_{jj}` is the number of positives of label ``j``.
    The pairwise conditional is the empirical
    :math:`\\hat P(y_c = 1 \\mid y_j = 1) = C_{jc} / C_{jj}`. For a sample
    with positive set :math:`J_i` and a label :math:`c \\notin J_i`,

    .. math::

        \\bar\\omega_{i,c} = 1 - \\operatorname{agg}_{j \\in J_i}
        \\hat P(y_c = 1 \\mid y_j = 1),

    with ``agg`` the mean (default) or the max. A sample without positive
    labels carries no co-occurrence evidence; it gets the marginal
    :math:`1 - C_{cc} / n`. The pairwise estimate is used instead of the
    full conditional :math:`P(y_c \\mid y_{J_i} = 1)` because most label
    sets are rare, which would leave that estimate without support.

    Unknown entries. With NaN in ``Y``, :math:`C_{jc}` counts the rows where
    both ``j`` and ``c`` are known positives, and the conditional is
    :math:`C_{jc} / N_{jc}` with :math:`N_{jc}` the number of rows where
    ``j`` is a known positive and ``c`` is known (for a complete ``Y``,
    :math:`N_{jc} = C_{jj}`). :math:`J_i` holds the known positives of
    sample ``i``, and ``agg`` runs over the :math:`j \\in J_i` with
    :math:`N_{jc} > 0`; when there is none, the marginal is the fraction
    of positives among the known entries of label ``c`` (0 for a label
    never known).

    References
    ----------
    .. [1] K. M. Ibrahim, E. V. Epure, G. Peeters and G. Richard,
       "Confidence-based Weighted Loss for Multi-label Classification with
       Missing Labels", ICMR 2020.

    Examples
    --------
    >>> from skmml.losses import cooccurrence_negative_weights
    >>> Y = [[1, 1, 0], [1, 0, 0], [1, 1, 0], [0, 0, 1]]
    >>> cooccurrence_negative_weights(Y)
    array([[1.        , 1.        , 1.        ],
           [1.        , 0.33333334, 1.        ],
           [1.        , 1.        , 1.        ],
           [1.        , 1.        , 1.        ]], dtype=float32)

    Label 1 co-occurs with label 0 in two of its three samples, so the
    missing label 1 of sample 1 keeps only a weight of 1/3.
    """
    if aggregate not in ("mean", "max"):
        raise ValueError(f'aggregate must be "mean" or "max"; got {aggregate!r}.')
    Y = check_multilabel_indicator(Y, name="Y", accept_sparse=False, allow_unknown=True)
    return _cooccurrence_weights(Y, _cooccurrence_statistics(Y), aggregate)


def _known_positives(Y):
    """Float 0/1 matrix of the known positives (NaN counts as not positive)."""
    Yf = np.asarray(Y, dtype=np.float64)
    return np.where(np.isnan(Yf), 0.0, Yf)


def _cooccurrence_statistics(Y):
    """Conditionals ``cond[j, c]``, where they are estimable, and marginals.

    ``Y`` is a validated label matrix (NaN = unknown). Returns ``cond``
    (``P(y_c = 1 | y_j = 1)`` over the rows where ``j`` is a known positive
    and ``c`` is known; 0 where there is no such row), the boolean
    ``estimable`` (there is such a row) and the marginal prior of every
    label among its known entries.
    """
    Yf = _known_positives(Y)
    counts = Yf.T @ Yf
    support = Yf.T @ observed_mask(Y).astype(np.float64)
    estimable = support > 0
    cond = np.divide(counts, support, out=np.zeros_like(counts), where=estimable)
    return cond, estimable, _observed_prior(Y)


def _cooccurrence_weights(Y, statistics, aggregate="mean"):
    """CB-WCE weights of the rows of ``Y`` from fitted statistics (eq. 3)."""
    cond, estimable, marginal = statistics
    Yf = _known_positives(Y)
    # number of positive labels j of each sample with an estimable cond[j, c]
    n_evidence = Yf @ estimable.astype(np.float64)
    if aggregate == "mean":
        with np.errstate(divide="ignore", invalid="ignore"):
            p_pos = (Yf @ cond) / n_evidence
    else:
        # max over positive labels j of cond[j, c]; one label at a time keeps
        # memory at O(n_samples * n_labels). cond >= 0, so 0 is neutral.
        p_pos = np.zeros_like(Yf)
        for j in range(Y.shape[1]):
            np.maximum(p_pos, Yf[:, [j]] * cond[j], out=p_pos)
    # no co-occurrence evidence (e.g. no positive label): the marginal
    p_pos = np.where(n_evidence > 0, p_pos, marginal[None, :])
    neg_weight = 1.0 - p_pos
    neg_weight[Yf == 1] = 1.0
    return np.clip(neg_weight, 0.0, 1.0).astype(np.float32)
