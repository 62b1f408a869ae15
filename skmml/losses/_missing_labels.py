"""Missing-label simulation and confidence weights (Ibrahim et al., 2020).

Pure numpy: importing this module does not import torch.
"""

import numbers

import numpy as np
from sklearn.utils import check_random_state

from ..utils import check_multilabel_indicator


def simulate_missing_labels(Y, ratio, *, random_state=None):
    """Hide a fixed ratio of each sample's positive labels.

    Follows the protocol of Ibrahim et al. (2020, Sec. 4): for every sample
    ``i`` with ``n_i`` positive labels, ``x_i = round(ratio * n_i)`` of them,
    drawn uniformly at random, are turned into negatives. Negative labels are
    never changed.

    Parameters
    ----------
    Y : array-like or sparse matrix of shape (n_samples, n_labels)
        Complete binary label matrix.
    ratio : float in [0, 1]
        Fraction of each sample's positives to hide. ``ratio * n_i`` is
        rounded half up, so ``ratio=0.5`` hides the only positive of a
        one-label sample and ``ratio=0.25`` hides one of two positives.
    random_state : int, RandomState instance or None, default=None
        Seed of the choice of hidden labels.

    Returns
    -------
    Y_observed : ndarray of shape (n_samples, n_labels), dtype int64
        ``Y`` with the hidden positives set to 0 (a new array).
    hidden_mask : ndarray of shape (n_samples, n_labels), dtype bool
        True where a positive label was hidden.

    See Also
    --------
    ignore_missing_weights : IM-WCE weights from ``hidden_mask``.
    cooccurrence_negative_weights : CB-WCE weights from ``Y_observed``.

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
    """
    Y = check_multilabel_indicator(Y, name="Y", accept_sparse=False)
    if (
        not isinstance(ratio, numbers.Real)
        or isinstance(ratio, bool)
        or not 0.0 <= ratio <= 1.0
    ):
        raise ValueError(f"ratio must be a float in [0, 1]; got {ratio!r}.")
    rng = check_random_state(random_state)
    positive = Y == 1
    n_pos = positive.sum(axis=1)
    # Half-up rounding; the tiny offset absorbs float error such as 0.3 * 5.
    n_hide = np.floor(ratio * n_pos + 0.5 + 1e-9).astype(np.int64)
    # Random rank of every positive within its row; hide the n_hide first.
    keys = rng.random_sample(Y.shape)
    keys[~positive] = np.inf
    order = np.argsort(keys, axis=1, kind="stable")
    ranks = np.empty_like(order)
    rows = np.arange(Y.shape[0])[:, None]
    ranks[rows, order] = np.arange(Y.shape[1])[None, :]
    hidden_mask = positive & (ranks < n_hide[:, None])
    Y_observed = Y.copy()
    Y_observed[hidden_mask] = 0
    return Y_observed, hidden_mask


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
        are computed from it, as the complete labels are unknown.
    aggregate : {"mean", "max"}, default="mean"
        How the pairwise conditional probabilities of a sample's positive
        labels are combined (see Notes).

    Returns
    -------
    neg_weight : ndarray of shape (n_samples, n_labels), dtype float32
        Values in [0, 1]. Pass it as ``neg_weight`` to
        :class:`WeightedBCELoss`. Entries where ``Y == 1`` are set to 1; they
        do not enter eq. 2 since the negative term is multiplied by
        ``1 - y``.

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
    Y = check_multilabel_indicator(Y, name="Y", accept_sparse=False)
    Yf = Y.astype(np.float64)
    n_samples = Y.shape[0]
    counts = Yf.T @ Yf
    n_pos = np.diag(counts).copy()
    # cond[j, c] = P(y_c = 1 | y_j = 1); rows of labels never positive are 0
    # and never used, because such a label is in no sample's positive set.
    with np.errstate(divide="ignore", invalid="ignore"):
        cond = np.where(n_pos[:, None] > 0, counts / n_pos[:, None], 0.0)
    n_labels_i = Yf.sum(axis=1)
    if aggregate == "mean":
        with np.errstate(divide="ignore", invalid="ignore"):
            p_pos = (Yf @ cond) / n_labels_i[:, None]
    else:
        # max over positive labels j of cond[j, c]; one label at a time keeps
        # memory at O(n_samples * n_labels). cond >= 0, so 0 is neutral.
        p_pos = np.zeros_like(Yf)
        for j in range(Y.shape[1]):
            np.maximum(p_pos, Yf[:, [j]] * cond[j], out=p_pos)
    no_label = n_labels_i == 0
    p_pos[no_label] = n_pos / n_samples
    neg_weight = 1.0 - p_pos
    neg_weight[Y == 1] = 1.0
    return np.clip(neg_weight, 0.0, 1.0).astype(np.float32)
