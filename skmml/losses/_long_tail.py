"""Losses for imbalanced and long-tailed labels: focal, asymmetric, logit
adjustment and class-balanced weighting.

Long-tailed label distributions and multi-modal inputs often come together
(Yoon and Kim, "Simultaneous Long-tailed Recognition and Multi-modal Fusion
for Highly Imbalanced Multi-modal Data"); these losses work with any skorch
module, including the multi-modal RMLC network.
"""

import torch
from torch import nn

from ._base import (
    _bce_terms,
    _check_logits_target,
    _check_real,
    _check_reduction,
    _combine,
    _resolve_weights,
)
from ._label_priors import effective_number_weights, label_prior_log_odds


class FocalLoss(nn.Module):
    """Sigmoid focal loss (Lin et al., 2017) for multi-label targets.

    With :math:`p = \\sigma(z)`, every sample/label entry costs

    .. math::

        \\ell = -\\alpha\\, y (1 - p)^\\gamma \\log p
        - (1 - \\alpha)(1 - y)\\, p^\\gamma \\log(1 - p),

    which down-weights the easy entries (mostly the abundant negatives).

    Parameters
    ----------
    gamma : float >= 0, default=2.0
        Focusing parameter; ``gamma=0`` (and ``alpha=None``) is the BCE.
    alpha : float in [0, 1] or None, default=None
        Weight of the positive term (the negative term gets ``1 - alpha``).
        None weights both terms by 1.
    reduction : {"mean", "sum", "none"}, default="mean"
        Mean over all entries, sum, or the per-entry losses.

    Notes
    -----
    ``forward(logits, target, weight=None, neg_weight=None)`` multiplies the
    positive and negative terms by ``weight`` and ``neg_weight`` as in
    :class:`WeightedBCELoss`.

    References
    ----------
    .. [1] T.-Y. Lin, P. Goyal, R. Girshick, K. He and P. Dollár, "Focal Loss
       for Dense Object Detection", ICCV 2017.

    Examples
    --------
    >>> import torch
    >>> from skmml.losses import FocalLoss
    >>> loss = FocalLoss(gamma=2.0, reduction="none")
    >>> loss(torch.zeros(1, 2), torch.tensor([[1.0, 0.0]]))  # 0.25 * log 2
    tensor([[0.1733, 0.1733]])
    """

    def __init__(self, gamma=2.0, *, alpha=None, reduction="mean"):
        super().__init__()
        self.gamma = _check_real(gamma, "gamma", low=0.0)
        self.alpha = None if alpha is None else _check_real(alpha, "alpha", low=0.0)
        if self.alpha is not None and self.alpha > 1.0:
            raise ValueError(f"alpha must be in [0, 1] or None; got {alpha!r}.")
        self.reduction = _check_reduction(reduction)

    def forward(self, logits, target, weight=None, neg_weight=None):
        name = type(self).__name__
        target = _check_logits_target(logits, target, name)
        weight, neg_weight = _resolve_weights(weight, neg_weight, target, name)
        pos_loss, neg_loss = _focal_terms(logits, self.gamma)
        if self.alpha is not None:
            pos_loss = self.alpha * pos_loss
            neg_loss = (1.0 - self.alpha) * neg_loss
        return _combine(pos_loss, neg_loss, target, weight, neg_weight, self.reduction)

    def extra_repr(self):
        return f"gamma={self.gamma}, alpha={self.alpha}"


def _focal_terms(logits, gamma):
    """Per-entry focal losses of a positive and of a negative label."""
    pos_loss, neg_loss = _bce_terms(logits)
    if gamma == 0.0:
        return pos_loss, neg_loss
    p = torch.sigmoid(logits)
    return (1.0 - p) ** gamma * pos_loss, p**gamma * neg_loss


class AsymmetricLoss(nn.Module):
    """Asymmetric loss (ASL, Ridnik et al., 2021) for multi-label targets.

    Positives and negatives get different focusing parameters, and the
    negatives' probability is shifted by a margin ``m`` ("probability
    shifting") that discards very easy negatives and mislabeled ones:

    .. math::

        \\ell = -y (1 - p)^{\\gamma_+} \\log p
        - (1 - y)\\, p_m^{\\gamma_-} \\log(1 - p_m),
        \\qquad p_m = \\max(p - m, 0).

    Parameters
    ----------
    gamma_pos : float >= 0, default=0.0
        Focusing parameter :math:`\\gamma_+` of the positive term.
    gamma_neg : float >= 0, default=4.0
        Focusing parameter :math:`\\gamma_-` of the negative term.
    clip : float in [0, 1), default=0.05
        Probability margin :math:`m`; 0 disables the shift.
    reduction : {"mean", "sum", "none"}, default="mean"
        Mean over all entries, sum, or the per-entry losses.

    Notes
    -----
    Defaults are the paper's (:math:`\\gamma_+ = 0, \\gamma_- = 4, m = 0.05`).
    ``forward(logits, target, weight=None, neg_weight=None)`` multiplies the
    two terms by ``weight`` and ``neg_weight`` as in :class:`WeightedBCELoss`.
    Gradients flow through the focusing factors.

    References
    ----------
    .. [1] T. Ridnik, E. Ben-Baruch, N. Zamir, A. Noy, I. Friedman, M. Protter
       and L. Zelnik-Manor, "Asymmetric Loss For Multi-Label
       Classification", ICCV 2021.

    Examples
    --------
    >>> import torch
    >>> from skmml.losses import AsymmetricLoss
    >>> loss = AsymmetricLoss(gamma_pos=0.0, gamma_neg=1.0, clip=0.5,
    ...                       reduction="none")
    >>> # the negative's p = 0.5 is shifted to p_m = 0: it costs nothing
    >>> loss(torch.zeros(1, 2), torch.tensor([[1.0, 0.0]]))
    tensor([[0.6931, 0.0000]])
    """

    def __init__(self, gamma_pos=0.0, gamma_neg=4.0, *, clip=0.05, reduction="mean"):
        super().__init__()
        self.gamma_pos = _check_real(gamma_pos, "gamma_pos", low=0.0)
        self.gamma_neg = _check_real(gamma_neg, "gamma_neg", low=0.0)
        self.clip = _check_real(clip, "clip", low=0.0)
        if self.clip >= 1.0:
            raise ValueError(f"clip must be in [0, 1); got {clip!r}.")
        self.reduction = _check_reduction(reduction)

    def forward(self, logits, target, weight=None, neg_weight=None):
        name = type(self).__name__
        target = _check_logits_target(logits, target, name)
        weight, neg_weight = _resolve_weights(weight, neg_weight, target, name)
        pos_loss, neg_loss = _bce_terms(logits)
        p = torch.sigmoid(logits)
        if self.gamma_pos > 0.0:
            pos_loss = (1.0 - p) ** self.gamma_pos * pos_loss
        if self.clip > 0.0:
            p = (p - self.clip).clamp(min=0.0)
            # 1 - p_m >= clip > 0, so the log is finite
            neg_loss = -torch.log(1.0 - p)
        if self.gamma_neg > 0.0:
            neg_loss = p**self.gamma_neg * neg_loss
        return _combine(pos_loss, neg_loss, target, weight, neg_weight, self.reduction)

    def extra_repr(self):
        return (
            f"gamma_pos={self.gamma_pos}, gamma_neg={self.gamma_neg}, clip={self.clip}"
        )


class _LabelPriorMixin:
    """``fit_priors(Y)`` hook; the statistics are buffers (saved, moved, pickled)."""

    def fit_priors(self, Y):
        """Compute the label statistics from the training labels.

        Called by :class:`skmml.losses.FitCriterionPriors` at the start of
        every ``fit`` of a skorch net, with the labels of the training rows
        (without the validation rows of skorch's ``train_split``).

        Parameters
        ----------
        Y : array-like, sparse matrix or tensor of shape (n_samples, n_labels)
            Training labels (a 1-D binary ``y`` is one label); NaN entries
            are unknown and left out of the statistics.

        Returns
        -------
        self
        """
        for name, value in self._compute_priors(Y).items():
            setattr(self, name, torch.as_tensor(value, dtype=torch.float32))
        return self

    def _priors(self, logits):
        """The fitted statistics on the device and dtype of ``logits``."""
        values = [getattr(self, name) for name in self._prior_names]
        if values[0] is None:
            raise RuntimeError(
                f"{type(self).__name__} has no label priors: add the callback "
                "skmml.losses.FitCriterionPriors() to the skorch net, which "
                "fits them on the training rows at every fit (skmml.neural's "
                "estimators add it themselves), or call fit_priors(Y_train)."
            )
        n_labels = values[0].shape[0]
        if logits.ndim == 0 or logits.shape[-1] != n_labels:
            if not (n_labels == 1 and logits.ndim == 1):
                raise ValueError(
                    f"{type(self).__name__} was fitted on {n_labels} label(s) "
                    f"but got logits of shape {tuple(logits.shape)}."
                )
        if logits.ndim == 1:  # binary target of shape (n,)
            return [v.reshape(()).to(logits) for v in values]
        return [v.to(logits) for v in values]


class LogitAdjustedBCELoss(_LabelPriorMixin, nn.Module):
    """BCE on logits shifted by the log-odds of each label's training prior.

    Logit adjustment (Menon et al., 2021) for independent sigmoid outputs:
    during training the loss sees

    .. math::

        \\tilde z_{i,c} = z_{i,c} + \\tau \\log\\frac{\\pi_c}{1 - \\pi_c},

    where :math:`\\pi_c` is the fraction of positives of label ``c`` in the
    training labels (:meth:`fit_priors`). The network therefore learns logits
    :math:`z \\approx \\text{logit}\\, P(y \\mid x) - \\tau\\, \\text{logit}\\,
    \\pi`: predictions made from the raw logits ``z`` are corrected for the
    label prior, which raises the scores of rare labels. No adjustment is
    applied at prediction time.

    Parameters
    ----------
    tau : float, default=1.0
        Strength of the adjustment; ``tau=0`` is the plain BCE.
    reduction : {"mean", "sum", "none"}, default="mean"
        Mean over all entries, sum, or the per-entry losses.

    Attributes
    ----------
    prior_log_odds_ : torch.Tensor of shape (n_labels,) or None
        :math:`\\log(\\pi_c / (1 - \\pi_c))`, set by :meth:`fit_priors`
        (a buffer: saved with the state dict and moved with ``.to``).

    Notes
    -----
    Equivalent bias initialisation: the additive shift is a constant bias,
    so with a network whose output bias starts at 0, the first step of the
    logit-adjusted loss is exactly the first step of the plain BCE on a
    network whose output bias starts at :math:`\\tau\\, \\text{logit}\\,
    \\pi` (see :func:`init_bias_with_priors`; with ``tau=1`` this is the
    prior initialisation of Lin et al., 2017, under which the initial
    predictions equal the label priors). The two differ after training:
    the bias initialisation is a starting point the network can move away
    from and its logits keep the prior, while the logit-adjusted network's
    logits have the prior removed.

    The priors come from the labels of the training rows of every ``fit``
    (skorch callback :class:`FitCriterionPriors`, which skmml's neural
    estimators add themselves); they are never passed by hand.
    ``forward(logits, target, weight=None, neg_weight=None)`` takes the
    optional weights of :class:`WeightedBCELoss`.

    References
    ----------
    .. [1] A. K. Menon, S. Jayasumana, A. S. Rawat, H. Jain, A. Veit and
       S. Kumar, "Long-tail learning via logit adjustment", ICLR 2021.

    Examples
    --------
    >>> import torch
    >>> from skmml.losses import LogitAdjustedBCELoss
    >>> Y_train = [[1, 0], [0, 0], [0, 1], [0, 1]]  # priors 1/4 and 1/2
    >>> loss = LogitAdjustedBCELoss(tau=1.0).fit_priors(Y_train)
    >>> loss.prior_log_odds_  # log(1/3) and log(1)
    tensor([-1.0986,  0.0000])
    """

    _prior_names = ("prior_log_odds_",)

    def __init__(self, tau=1.0, *, reduction="mean"):
        super().__init__()
        self.tau = _check_real(tau, "tau")
        self.reduction = _check_reduction(reduction)
        self.register_buffer("prior_log_odds_", None)

    def _compute_priors(self, Y):
        return {"prior_log_odds_": label_prior_log_odds(Y)}

    def forward(self, logits, target, weight=None, neg_weight=None):
        name = type(self).__name__
        target = _check_logits_target(logits, target, name)
        weight, neg_weight = _resolve_weights(weight, neg_weight, target, name)
        (log_odds,) = self._priors(logits)
        pos_loss, neg_loss = _bce_terms(logits + self.tau * log_odds)
        return _combine(pos_loss, neg_loss, target, weight, neg_weight, self.reduction)

    def extra_repr(self):
        return f"tau={self.tau}"


class ClassBalancedLoss(_LabelPriorMixin, nn.Module):
    """Class-balanced sigmoid BCE / focal loss by effective number of samples.

    Cui et al. (2019) weight a class with :math:`n` training samples by
    :math:`(1 - \\beta) / (1 - \\beta^n)`, the inverse of its effective number
    of samples. Each label is a binary problem here, so the positive term of
    label ``c`` gets the weight of its :math:`n_c^+` positives and the
    negative term the weight of its :math:`n_c^-` negatives, the two
    normalised to sum to 2 (:func:`effective_number_weights`):

    .. math::

        \\ell_{i,c} = -w_c^+ y_{i,c} (1 - p)^\\gamma \\log p
        - w_c^- (1 - y_{i,c})\\, p^\\gamma \\log(1 - p).

    Parameters
    ----------
    beta : float in [0, 1], default=0.99
        ``0`` gives no re-weighting, ``1`` inverse class frequency. The
        effective number of ``n`` samples saturates at ``1 / (1 - beta)``
        (100 for 0.99), so a label's weights only differ from 1 when it has
        fewer positives (or negatives) than about that.

        .. versionchanged:: 0.1.0
           Default changed from 0.999 to 0.99. With sigmoid outputs every
           label weighs its positives against thousands of negatives, and
           0.999 gave a label with 10 positives and 2,000 negatives about
           86 times the weight per positive: on a 50-label long-tailed set
           RMLC then predicted rare labels far too often (micro-F1 0.41
           instead of 0.67 with 0.99; see :class:`skmml.neural.RMLCClassifier`).
    gamma : float >= 0, default=0.0
        Focal focusing parameter; 0 gives the class-balanced BCE, > 0 the
        class-balanced focal loss of the paper.
    reduction : {"mean", "sum", "none"}, default="mean"
        Mean over all entries, sum, or the per-entry losses.

    Attributes
    ----------
    pos_weight_, neg_weight_ : torch.Tensor of shape (n_labels,) or None
        Weights :math:`w^+` and :math:`w^-`, set by :meth:`fit_priors`
        (buffers).

    Notes
    -----
    The weights come from the labels of the training rows of every ``fit``
    (skorch callback :class:`FitCriterionPriors`). ``forward(logits, target,
    weight=None, neg_weight=None)`` multiplies them by the optional
    per-sample weights of :class:`WeightedBCELoss`.

    References
    ----------
    .. [1] Y. Cui, M. Jia, T.-Y. Lin, Y. Song and S. Belongie,
       "Class-Balanced Loss Based on Effective Number of Samples", CVPR 2019.

    Examples
    --------
    >>> import torch
    >>> from skmml.losses import ClassBalancedLoss
    >>> loss = ClassBalancedLoss(beta=1.0).fit_priors([[1], [0], [0], [0]])
    >>> loss.pos_weight_, loss.neg_weight_
    (tensor([1.5000]), tensor([0.5000]))
    """

    _prior_names = ("pos_weight_", "neg_weight_")

    def __init__(self, beta=0.99, *, gamma=0.0, reduction="mean"):
        super().__init__()
        self.beta = _check_real(beta, "beta", low=0.0, high=1.0)
        self.gamma = _check_real(gamma, "gamma", low=0.0)
        self.reduction = _check_reduction(reduction)
        self.register_buffer("pos_weight_", None)
        self.register_buffer("neg_weight_", None)

    def _compute_priors(self, Y):
        pos, neg = effective_number_weights(Y, self.beta)
        return {"pos_weight_": pos, "neg_weight_": neg}

    def forward(self, logits, target, weight=None, neg_weight=None):
        name = type(self).__name__
        target = _check_logits_target(logits, target, name)
        weight, neg_weight = _resolve_weights(weight, neg_weight, target, name)
        pos_w, neg_w = self._priors(logits)
        weight = pos_w if weight is None else weight * pos_w
        neg_weight = neg_w if neg_weight is None else neg_weight * neg_w
        pos_loss, neg_loss = _focal_terms(logits, self.gamma)
        return _combine(pos_loss, neg_loss, target, weight, neg_weight, self.reduction)

    def extra_repr(self):
        return f"beta={self.beta}, gamma={self.gamma}"


def init_bias_with_priors(layer, Y, *, tau=1.0):
    """Set an output bias to ``tau`` times the log-odds of the label priors.

    With ``tau=1`` the initial predictions of a network whose last layer has
    small weights equal the training label priors (Lin et al., 2017), which
    avoids the large early losses of rare labels. For a network whose output
    bias would otherwise start at 0, training it with plain BCE from this
    initialisation takes the same first step as training the zero-bias
    network with :class:`LogitAdjustedBCELoss` (same ``tau``).

    Parameters
    ----------
    layer : torch.nn.Module with a ``bias`` of shape (n_labels,), or tensor
        Output layer (e.g. the last :class:`torch.nn.Linear`) or the bias
        tensor itself. It is modified in place (without recording gradients).
    Y : array-like, sparse matrix or tensor of shape (n_samples, n_labels)
        Training labels; NaN entries are unknown and left out of the priors
        (see :func:`label_prior_log_odds`).
    tau : float, default=1.0
        Scale of the log-odds.

    Returns
    -------
    layer
        The same object, for chaining.

    Examples
    --------
    >>> import torch
    >>> from skmml.losses import init_bias_with_priors
    >>> layer = init_bias_with_priors(torch.nn.Linear(3, 2), [[1, 0], [0, 1],
    ...                                                       [0, 1], [0, 1]])
    >>> torch.sigmoid(layer.bias)
    tensor([0.2500, 0.7500], grad_fn=<SigmoidBackward0>)
    """
    tau = _check_real(tau, "tau")
    bias = layer if isinstance(layer, torch.Tensor) else getattr(layer, "bias", None)
    if not isinstance(bias, torch.Tensor):
        raise ValueError(
            "layer must be a torch tensor or a module with a bias tensor (for "
            f"instance torch.nn.Linear(..., bias=True)); got {layer!r}."
        )
    log_odds = torch.as_tensor(label_prior_log_odds(Y), dtype=bias.dtype)
    if log_odds.shape != bias.shape:
        raise ValueError(
            f"Y has {log_odds.shape[0]} label(s) but the bias has shape "
            f"{tuple(bias.shape)}."
        )
    with torch.no_grad():
        bias.copy_(tau * log_odds.to(bias.device))
    return layer
