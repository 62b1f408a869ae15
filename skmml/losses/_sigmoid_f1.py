"""Differentiable F1 surrogates: sigmoidF1 and soft F1."""

import torch
from torch import nn

from ._base import _check_logits_target, _check_real, _resolve_weights

_AVERAGES = ("micro", "macro")


def _f1_surrogate_loss(probs, target, weight, neg_weight, average, eps):
    """``1 - 2 tp / (2 tp + fn + fp)`` from smooth confusion counts (eq. 11)."""
    tp = probs * target
    fn = (1.0 - probs) * target
    fp = probs * (1.0 - target)
    if weight is not None:
        tp = weight * tp
        fn = weight * fn
    if neg_weight is not None:
        fp = neg_weight * fp
    if average == "micro" or probs.ndim < 2:
        tp, fn, fp = tp.sum(), fn.sum(), fp.sum()
    else:
        # one F1 per label: sum over every axis but the last (labels)
        dims = tuple(range(probs.ndim - 1))
        tp, fn, fp = tp.sum(dims), fn.sum(dims), fp.sum(dims)
    f1 = 2.0 * tp / (2.0 * tp + fn + fp + eps)
    return 1.0 - f1.mean()


class SigmoidF1Loss(nn.Module):
    """sigmoidF1: one minus a smooth F1 score of the thresholded logits.

    The logits :math:`u` go through the tunable sigmoid of eq. 10,
    :math:`S(u; \\beta, \\eta) = 1 / (1 + \\exp(-\\beta (u + \\eta)))`, which
    replaces the step :math:`\\mathbb{1}[u + \\eta > 0]`. The smooth confusion
    counts of eq. 11,

    .. math::

        \\tilde{tp} = \\sum S(u) \\odot y, \\quad
        \\tilde{fp} = \\sum S(u) \\odot (1 - y), \\quad
        \\tilde{fn} = \\sum (1 - S(u)) \\odot y,

    give the loss

    .. math::

        \\mathcal{L} = 1 - \\frac{2 \\tilde{tp}}
        {2 \\tilde{tp} + \\tilde{fn} + \\tilde{fp}}.

    Parameters
    ----------
    beta : float > 0, default=1.0
        Slope of :math:`S`. The larger, the closer the surrogate is to the
        F1 score of the predictions ``logits + eta > 0``.
    eta : float, default=0.0
        Offset of :math:`S`; with ``eta=0`` the implied threshold is
        probability 0.5.
    average : {"micro", "macro"}, default="micro"
        ``"micro"`` pools the counts of every label of the batch;
        ``"macro"`` computes one F1 per label (column) and averages them.
    eps : float >= 0, default=1e-8
        Added to the denominator, so that a label without positives and
        without predicted positives in a batch has F1 0 instead of NaN.

    Notes
    -----
    The draft's eq. 12 reads :math:`\\tilde{tp} / (2\\tilde{tp} + \\tilde{fn} +
    \\tilde{fp})`: it drops the factor 2 of the F1 score and the "1 -" that
    turns a score to maximise into a loss to minimise (as written it would be
    *minimised* by predicting no positive). Here the loss is
    ``1 - F1`` with the factor 2, so it lies in [0, 1] and is 0 for perfect
    predictions.

    The surrogate is a batch statistic, so batches must be large enough to
    hold positives of most labels (the draft uses 256).

    ``forward(logits, target, weight=None, neg_weight=None)``: ``weight``
    multiplies the entries of positive labels (the :math:`\\tilde{tp}` and
    :math:`\\tilde{fn}` sums) and ``neg_weight`` (default ``weight``) the
    entries of negative labels (:math:`\\tilde{fp}`); see
    :class:`WeightedBCELoss` for the shapes.

    See Also
    --------
    SoftF1Loss : the same surrogate on plain sigmoid probabilities.
    SAdF1Scheduler : skorch callback raising ``beta`` every epoch (SAdF1).

    References
    ----------
    .. [1] G. Bénédict, V. Koops, D. Odijk and M. de Rijke, "sigmoidF1: A
       Smooth F1 Score Surrogate Loss for Multilabel Classification", 2021
       (draft in ``shared/papers/sigmoidf1-loss-draft.md``).

    Examples
    --------
    >>> import torch
    >>> from skmml.losses import SigmoidF1Loss
    >>> logits = torch.tensor([[3.0, -3.0], [3.0, 3.0]])
    >>> target = torch.tensor([[1.0, 0.0], [0.0, 1.0]])
    >>> loss = SigmoidF1Loss(beta=100.0)
    >>> round(loss(logits, target).item(), 4)  # 1 - exact F1 = 1 - 4 / 5
    0.2
    """

    def __init__(self, beta=1.0, eta=0.0, *, average="micro", eps=1e-8):
        super().__init__()
        self.beta = _check_real(beta, "beta", low=0.0, low_open=True)
        self.eta = _check_real(eta, "eta")
        if average not in _AVERAGES:
            raise ValueError(f"average must be one of {_AVERAGES}; got {average!r}.")
        self.average = average
        self.eps = _check_real(eps, "eps", low=0.0)

    def forward(self, logits, target, weight=None, neg_weight=None):
        name = type(self).__name__
        target = _check_logits_target(logits, target, name)
        weight, neg_weight = _resolve_weights(weight, neg_weight, target, name)
        probs = torch.sigmoid(self.beta * (logits + self.eta))
        return _f1_surrogate_loss(
            probs, target, weight, neg_weight, self.average, self.eps
        )

    def extra_repr(self):
        return f"beta={self.beta}, eta={self.eta}, average={self.average!r}"


class SoftF1Loss(SigmoidF1Loss):
    """Soft F1 loss: one minus F1 computed on sigmoid probabilities.

    The soft F1 of eq. 9 of the sigmoidF1 draft: the confusion counts use
    :math:`\\hat y = \\sigma(u)` directly, i.e. :class:`SigmoidF1Loss` with
    ``beta=1`` and ``eta=0``. The loss is
    :math:`1 - 2\\overline{tp} / (2\\overline{tp} + \\overline{fn} +
    \\overline{fp})` (the draft's eq. 9 again drops the 2 and the "1 -").

    Parameters
    ----------
    average : {"micro", "macro"}, default="micro"
        Pool the counts of all labels or average one F1 per label.
    eps : float >= 0, default=1e-8
        Added to the denominator.

    Examples
    --------
    >>> import torch
    >>> from skmml.losses import SoftF1Loss
    >>> loss = SoftF1Loss()
    >>> loss(torch.zeros(1, 2), torch.tensor([[1.0, 0.0]]))  # tp=.5 fp=.5 fn=.5
    tensor(0.5000)
    """

    def __init__(self, *, average="micro", eps=1e-8):
        super().__init__(beta=1.0, eta=0.0, average=average, eps=eps)

    def extra_repr(self):
        return f"average={self.average!r}"
