"""Label statistics used by the long-tail losses (pure numpy, no torch)."""

import numbers

import numpy as np

from ..utils import check_multilabel_indicator, label_counts, observed_counts


def _check_targets(Y):
    """Dense (n_samples, n_labels) 0/1 matrix, NaN where unknown.

    A 1-D binary ``y`` is one label. A complete ``Y`` comes back as int64, a
    partial one as float64 with NaN.
    """
    if hasattr(Y, "detach"):  # torch tensor
        Y = Y.detach().cpu().numpy()
    if not hasattr(Y, "shape") and not hasattr(Y, "toarray"):
        Y = np.asarray(Y)
    if getattr(Y, "ndim", 2) == 1:
        Y = np.asarray(Y).reshape(-1, 1)
    return check_multilabel_indicator(
        Y, name="Y", accept_sparse=False, allow_unknown=True
    )


def _observed_prior(Y):
    """Fraction of positives among the known entries; 0 for a never-known label."""
    positives = label_counts(Y).astype(np.float64)
    known = observed_counts(Y)
    return np.divide(positives, known, out=np.zeros_like(positives), where=known > 0)


def label_prior_log_odds(Y):
    """Log-odds of each label's prior in a training label matrix.

    Parameters
    ----------
    Y : array-like, sparse matrix or tensor of shape (n_samples, n_labels)
        Training labels. A 1-D binary ``y`` is treated as one label. May
        contain NaN for unknown entries (a partially labelled target); they
        are left out of the prior.

    Returns
    -------
    log_odds : ndarray of shape (n_labels,), dtype float64
        :math:`\\log(\\pi_c / (1 - \\pi_c))` with :math:`\\pi_c` the fraction
        of positives among the known entries of label ``c``
        (``label_counts(Y) / observed_counts(Y)`` of :mod:`skmml.utils`).

    Notes
    -----
    A label that is always negative (or always positive) would have an
    infinite log-odds; its prior is clipped to half a sample,
    :math:`\\pi_c \\in [1/(2n), 1 - 1/(2n)]`, with :math:`n` the number of
    rows of ``Y`` (known or not). A label without any known positive,
    including one without any known entry, therefore gets :math:`1/(2n)`.

    Examples
    --------
    >>> import numpy as np
    >>> from skmml.losses import label_prior_log_odds
    >>> label_prior_log_odds([[1, 0], [0, 0], [0, 1], [0, 1]])
    array([-1.09861229,  0.        ])
    >>> # unknown entries (NaN) are left out: priors 1/3 and 1/2
    >>> label_prior_log_odds([[1, 0], [0, np.nan], [0, 1], [np.nan, np.nan]])
    array([-0.69314718,  0.        ])
    """
    Y = _check_targets(Y)
    n = Y.shape[0]
    prior = _observed_prior(Y)
    prior = np.clip(prior, 0.5 / n, 1.0 - 0.5 / n)
    return np.log(prior) - np.log1p(-prior)


def effective_number_weights(Y, beta):
    """Class-balanced weights of each label's positives and negatives.

    Applies the effective number of samples of Cui et al. (2019),
    :math:`E_n = (1 - \\beta^n) / (1 - \\beta)`, to the binary problem of
    every label: positives and negatives of label ``c`` are weighted by
    :math:`1 / E_{n_c^+}` and :math:`1 / E_{n_c^-}`, normalised so that the
    two weights of a label sum to 2 (Cui et al. normalise the weights to sum
    to the number of classes, here the two classes of each label).

    Parameters
    ----------
    Y : array-like, sparse matrix or tensor of shape (n_samples, n_labels)
        Training labels. A 1-D binary ``y`` is treated as one label. May
        contain NaN for unknown entries: :math:`n_c^+` and :math:`n_c^-` then
        count the known positives and the known negatives of label ``c``.
    beta : float in [0, 1]
        ``0`` gives no re-weighting, values close to 1 approach inverse class
        frequency, and ``1`` is inverse frequency (:math:`E_n = n`).

    Returns
    -------
    pos_weight, neg_weight : ndarray of shape (n_labels,), dtype float64
        Weights of the positive and the negative term of each label.

    Notes
    -----
    A count of zero is treated as one sample: that term never occurs in the
    training labels, so its weight only needs to be finite.

    References
    ----------
    .. [1] Y. Cui, M. Jia, T.-Y. Lin, Y. Song and S. Belongie,
       "Class-Balanced Loss Based on Effective Number of Samples", CVPR 2019.

    Examples
    --------
    >>> from skmml.losses import effective_number_weights
    >>> pos, neg = effective_number_weights([[1], [0], [0], [0]], beta=1.0)
    >>> pos, neg
    (array([1.5]), array([0.5]))
    """
    if (
        not isinstance(beta, numbers.Real)
        or isinstance(beta, bool)
        or not 0.0 <= beta <= 1.0
    ):
        raise ValueError(f"beta must be a float in [0, 1]; got {beta!r}.")
    Y = _check_targets(Y)
    positives = label_counts(Y)
    n_pos = np.maximum(positives, 1).astype(np.float64)
    n_neg = np.maximum(observed_counts(Y) - positives, 1).astype(np.float64)

    def effective_number(n):
        if beta == 1.0:
            return n
        return (1.0 - beta**n) / (1.0 - beta)

    inv_pos = 1.0 / effective_number(n_pos)
    inv_neg = 1.0 / effective_number(n_neg)
    scale = 2.0 / (inv_pos + inv_neg)
    return inv_pos * scale, inv_neg * scale
