"""Confidence-weighted binary cross-entropy (Ibrahim et al., 2020, eq. 2)."""

from torch import nn
from torch.nn import functional as F

from ._base import (
    _bce_terms,
    _check_logits_target,
    _check_reduction,
    _combine,
    _resolve_weights,
)


class WeightedBCELoss(nn.Module):
    """Binary cross-entropy on logits with per-sample, per-label weights.

    Eq. 2 of Ibrahim et al. (2020): a weight :math:`\\omega_{i,c}` on the
    positive term and a weight :math:`\\bar\\omega_{i,c}` on the negative
    term of every sample/label pair,

    .. math::

        \\ell_{i,c} = -\\omega_{i,c}\\, y_{i,c} \\log \\sigma(z_{i,c})
        - \\bar\\omega_{i,c} (1 - y_{i,c}) \\log(1 - \\sigma(z_{i,c})).

    With no weights it is :class:`torch.nn.BCEWithLogitsLoss`.

    Parameters
    ----------
    reduction : {"mean", "sum", "none"}, default="mean"
        ``"mean"`` averages over all ``n_samples * n_labels`` entries (the
        convention of :class:`torch.nn.BCEWithLogitsLoss`; eq. 2 sums over the
        labels, i.e. it is ``n_labels`` times larger). Entries with weight 0
        still count in the denominator, so hiding labels does not rescale the
        loss of the others.

    Notes
    -----
    ``forward(logits, target, weight=None, neg_weight=None)``: ``weight`` is
    :math:`\\omega`, ``neg_weight`` is :math:`\\bar\\omega`; each is ``None``,
    one value per sample ``(n_samples,)`` or one per entry
    ``(n_samples, n_labels)`` (anything that broadcasts). A missing
    ``weight`` is 1; a missing ``neg_weight`` defaults to ``weight``, so
    ``weight`` alone is an ordinary sample weight. IM-WCE is
    ``neg_weight=ignore_missing_weights(hidden_mask)`` and CB-WCE is
    ``neg_weight=cooccurrence_negative_weights(Y_observed)``. How the weights
    follow the samples through a skorch net is described in
    :mod:`skmml.losses`. A target with NaN for unknown labels is refused:
    :func:`mask_unknown_targets` replaces them by 0 with weight 0 (IM-WCE
    with a known mask), as skorch nets with :class:`LossWeightsMixin` do.

    References
    ----------
    .. [1] K. M. Ibrahim, E. V. Epure, G. Peeters and G. Richard,
       "Confidence-based Weighted Loss for Multi-label Classification with
       Missing Labels", ICMR 2020.

    Examples
    --------
    >>> import torch
    >>> from skmml.losses import WeightedBCELoss
    >>> logits = torch.zeros(1, 2)
    >>> target = torch.tensor([[1.0, 0.0]])
    >>> loss = WeightedBCELoss(reduction="none")
    >>> loss(logits, target, neg_weight=torch.tensor([[1.0, 0.0]]))
    tensor([[0.6931, 0.0000]])
    """

    def __init__(self, *, reduction="mean"):
        super().__init__()
        self.reduction = _check_reduction(reduction)

    def forward(self, logits, target, weight=None, neg_weight=None):
        target = _check_logits_target(logits, target, type(self).__name__)
        weight, neg_weight = _resolve_weights(
            weight, neg_weight, target, type(self).__name__
        )
        if neg_weight is weight:
            # one weight on both terms: torch's fused kernel, same loss
            return F.binary_cross_entropy_with_logits(
                logits, target, weight=weight, reduction=self.reduction
            )
        pos_loss, neg_loss = _bce_terms(logits)
        return _combine(pos_loss, neg_loss, target, weight, neg_weight, self.reduction)
