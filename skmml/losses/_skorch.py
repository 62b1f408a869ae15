"""skorch glue: per-sample loss weights, unknown targets, label priors and the
SAdF1 schedule."""

import inspect
import numbers
from collections.abc import Mapping

import numpy as np
import torch
from skorch.callbacks import Callback
from skorch.helper import SliceDict
from skorch.utils import multi_indexing, to_tensor
from torch.utils.data import Subset

from ._sigmoid_f1 import SigmoidF1Loss

WEIGHT_KEY = "sample_weight"
NEG_WEIGHT_KEY = "neg_weight"
# key in X -> keyword of the losses' forward
_WEIGHT_KWARGS = {WEIGHT_KEY: "weight", NEG_WEIGHT_KEY: "neg_weight"}


def pop_loss_weights(X):
    """Split loss weights off a (batch of a) dict input.

    Parameters
    ----------
    X : dict-like or any skorch input
        A dict (or :class:`skorch.helper.SliceDict`, or a batch of either)
        that may hold ``"sample_weight"`` and ``"neg_weight"``.

    Returns
    -------
    X_rest : same kind as ``X``
        ``X`` without the weight keys (a new dict; ``X`` is not modified).
        Non-dict inputs are returned unchanged.
    weights : dict
        ``{"weight": ..., "neg_weight": ...}`` holding the weights found,
        ready to be passed as keywords to a loss's ``forward``.

    Examples
    --------
    >>> from skmml.losses import pop_loss_weights
    >>> rest, weights = pop_loss_weights({"X": [[0.5]], "neg_weight": [[0.0]]})
    >>> rest, weights
    ({'X': [[0.5]]}, {'neg_weight': [[0.0]]})
    """
    if not isinstance(X, Mapping):
        return X, {}
    weights = {_WEIGHT_KWARGS[k]: v for k, v in X.items() if k in _WEIGHT_KWARGS}
    if not weights:
        return X, {}
    rest = {k: v for k, v in X.items() if k not in _WEIGHT_KWARGS}
    if isinstance(X, SliceDict):
        rest = SliceDict(**rest)
    return rest, weights


def accepts_loss_weights(criterion):
    """Whether a loss's ``forward`` takes ``weight`` and ``neg_weight``.

    Parameters
    ----------
    criterion : torch.nn.Module
        An initialised loss.

    Returns
    -------
    bool
        True for every loss of :mod:`skmml.losses`.

    Examples
    --------
    >>> import torch
    >>> from skmml.losses import WeightedBCELoss, accepts_loss_weights
    >>> accepts_loss_weights(WeightedBCELoss())
    True
    >>> accepts_loss_weights(torch.nn.BCEWithLogitsLoss())
    False
    """
    try:
        params = inspect.signature(criterion.forward).parameters
    except (AttributeError, TypeError, ValueError):
        return False
    return "weight" in params and "neg_weight" in params


_UNKNOWN_TARGETS = ("ignore", "negative")


def mask_unknown_targets(y_true, weights=None, *, unknown="ignore"):
    """Take the unknown (NaN) entries of a target batch out of the loss.

    A partially labelled target holds NaN where a label is unknown. NaN
    must never reach a loss, so it is replaced by 0 in the target, and

    - ``unknown="ignore"`` (IM-WCE of Ibrahim et al., 2020, with a known
      mask): the positive and the negative weight of the unknown entries
      are multiplied by 0, the others are kept (a missing weight is 1,
      a missing ``neg_weight`` is ``weight``). Every loss of
      :mod:`skmml.losses` then equals the same loss on the known entries
      only: they contribute nothing to its value or its gradient, but
      still count in the denominator of ``reduction="mean"``.
    - ``unknown="negative"``: the unknown entries are negatives (target 0)
      with the given ``neg_weight`` (for instance the CB-WCE confidences of
      :func:`cooccurrence_negative_weights`); the weights are unchanged.

    Parameters
    ----------
    y_true : torch.Tensor
        Target batch, NaN at the unknown entries.
    weights : dict or None, default=None
        ``{"weight": ..., "neg_weight": ...}`` (each optional, tensors of
        shape ``(batch,)`` or broadcastable to ``y_true``), as returned by
        :func:`pop_loss_weights`.
    unknown : {"ignore", "negative"}, default="ignore"
        How the unknown entries enter the loss.

    Returns
    -------
    y_true : torch.Tensor
        The target with 0 at the unknown entries (``y_true`` itself when it
        has none).
    weights : dict
        The weights to pass to the loss (``weights`` itself when ``y_true``
        has no unknown entry). With ``unknown="ignore"`` both keys are set;
        they are the same tensor when the two weights are equal.

    Examples
    --------
    >>> import torch
    >>> from skmml.losses import mask_unknown_targets
    >>> y, w = mask_unknown_targets(torch.tensor([[1.0, float("nan")]]))
    >>> y, w["weight"], w["neg_weight"]
    (tensor([[1., 0.]]), tensor([[1., 0.]]), tensor([[1., 0.]]))
    """
    if unknown not in _UNKNOWN_TARGETS:
        raise ValueError(f"unknown must be one of {_UNKNOWN_TARGETS}; got {unknown!r}.")
    weights = {} if weights is None else weights
    if not torch.is_floating_point(y_true):
        return y_true, weights
    missing = torch.isnan(y_true)
    if not missing.any():
        return y_true, weights
    y_true = y_true.masked_fill(missing, 0.0)
    if unknown == "negative":
        return y_true, weights
    known = (~missing).to(y_true.dtype)

    def masked(value):
        value = torch.as_tensor(value, device=known.device).to(known.dtype)
        if value.ndim == 1 and known.ndim == 2 and value.shape[0] == known.shape[0]:
            value = value[:, None]  # one weight per sample
        return value * known

    weight = weights.get("weight")
    neg_weight = weights.get("neg_weight", weight)
    new_weight = known if weight is None else masked(weight)
    if neg_weight is weight:
        new_neg_weight = new_weight  # one tensor: the fused BCE kernel
    else:
        new_neg_weight = known if neg_weight is None else masked(neg_weight)
    return y_true, {"weight": new_weight, "neg_weight": new_neg_weight}


def make_weighted_input(X, *, sample_weight=None, neg_weight=None):
    """Bundle features and loss weights into one sliceable skorch input.

    Parameters
    ----------
    X : array-like of shape (n_samples, n_features)
        Features; converted to a float32 array (column names are dropped).
    sample_weight : array-like of shape (n_samples,) or (n_samples, n_labels)
        Weight :math:`\\omega` of the positive terms (and of the negative
        terms when ``neg_weight`` is None). Optional.
    neg_weight : array-like of shape (n_samples,) or (n_samples, n_labels)
        Weight :math:`\\bar\\omega` of the negative terms. Optional.

    Returns
    -------
    X_weighted : skorch.helper.SliceDict
        ``SliceDict(X=..., sample_weight=..., neg_weight=...)``: skorch cuts
        it into batches and scikit-learn's splitters index it, so every
        weight stays with its sample. Pass it as ``X`` to a net that uses
        :class:`LossWeightsMixin`.

    Examples
    --------
    >>> import numpy as np
    >>> from skmml.losses import make_weighted_input
    >>> Xw = make_weighted_input(np.ones((4, 3)), neg_weight=np.zeros((4, 2)))
    >>> sorted(Xw), Xw[1:3]["neg_weight"].shape
    (['X', 'neg_weight'], (2, 2))
    """
    if hasattr(X, "to_numpy"):
        X = X.to_numpy()
    # Copies: torch warns on read-only buffers (pandas 3 returns those).
    X = np.array(X, dtype=np.float32)
    data = {"X": X}
    for key, value in ((WEIGHT_KEY, sample_weight), (NEG_WEIGHT_KEY, neg_weight)):
        if value is None:
            continue
        value = np.array(value, dtype=np.float32)
        if value.ndim not in (1, 2) or value.shape[0] != X.shape[0]:
            raise ValueError(
                f"{key} must have shape (n_samples,) or (n_samples, n_labels) "
                f"with n_samples={X.shape[0]}; got shape {value.shape}."
            )
        if not np.all(np.isfinite(value)) or np.any(value < 0):
            raise ValueError(f"{key} must hold finite non-negative weights.")
        data[key] = value
    return SliceDict(**data)


class LossWeightsMixin:
    """skorch ``NeuralNet`` mixin that feeds per-sample weights to the loss.

    Put it left of the net class, e.g.
    ``class Net(LossWeightsMixin, skorch.NeuralNet)``. When ``X`` is a dict
    (use :func:`make_weighted_input` for a :class:`~skorch.helper.SliceDict`
    that scikit-learn can split) holding ``"sample_weight"`` and/or
    ``"neg_weight"``:

    - ``get_loss`` calls ``criterion_(y_pred, y_true, weight=...,
      neg_weight=...)`` with the batch's weights;
    - ``infer`` removes the weights before calling the module, and passes
      ``X["X"]`` positionally when it is the only key left, so the module is
      the same as without weights and ``predict`` also takes a plain array.

    The target ``y`` may hold NaN for unknown labels (a partially labelled
    target): :func:`mask_unknown_targets` replaces them by 0 in every batch
    and, with the default ``unknown_targets = "ignore"``, gives them weight
    0 on both terms, so they have no influence on training or on
    ``valid_loss``; the criterion must then accept ``weight`` and
    ``neg_weight``. Set the attribute ``unknown_targets = "negative"`` on
    the net to train on them as negatives weighted by ``neg_weight``.

    The weights apply to the training batches and to the batches of
    skorch's internal validation split (``valid_loss`` is then weighted).
    Without weight keys and unknown targets it behaves exactly like the base
    net (any torch criterion works).

    Examples
    --------
    >>> import numpy as np, torch
    >>> from skorch import NeuralNet
    >>> from skmml.losses import LossWeightsMixin, WeightedBCELoss
    >>> from skmml.losses import make_weighted_input
    >>> class Net(LossWeightsMixin, NeuralNet):
    ...     pass
    >>> net = Net(torch.nn.Linear, module__in_features=3, module__out_features=2,
    ...           criterion=WeightedBCELoss, max_epochs=1, train_split=None,
    ...           verbose=0)
    >>> X = np.random.RandomState(0).rand(8, 3)
    >>> Y = np.tile([[1.0, 0.0]], (8, 1)).astype(np.float32)
    >>> net = net.fit(make_weighted_input(X, neg_weight=np.ones((8, 2))), Y)
    >>> net.predict(X.astype(np.float32)).shape
    (8, 2)
    """

    #: how NaN targets enter the loss, see :func:`mask_unknown_targets`
    unknown_targets = "ignore"

    def infer(self, x, **fit_params):
        if isinstance(x, Mapping):
            x, _ = pop_loss_weights(x)
            if len(x) == 1 and "X" in x:
                x = x["X"]
        return super().infer(x, **fit_params)

    def get_loss(self, y_pred, y_true, X=None, training=False):
        _, weights = pop_loss_weights(X)
        y_true = to_tensor(y_true, device=self.device)
        weights = {k: to_tensor(v, device=self.device) for k, v in weights.items()}
        y_true, weights = self._mask_unknown_targets(y_true, weights)
        if not weights:
            return super().get_loss(y_pred, y_true, X=X, training=training)
        return self.criterion_(y_pred, y_true, **weights)

    def _mask_unknown_targets(self, y_true, weights, criterion=None):
        """:func:`mask_unknown_targets` with the net's ``unknown_targets``.

        Raises a ValueError naming the criterion when ``y_true`` has unknown
        entries and the criterion (default ``criterion_``) does not take
        ``weight`` and ``neg_weight``.
        """
        masked_y, masked = mask_unknown_targets(
            y_true, weights, unknown=self.unknown_targets
        )
        if masked_y is not y_true and masked:
            criterion = self.criterion_ if criterion is None else criterion
            if not accepts_loss_weights(criterion):
                raise ValueError(_unknown_targets_error(criterion))
        return masked_y, masked


def _unknown_targets_error(criterion):
    """Message of the error for a criterion that cannot mask unknown labels."""
    return (
        "The target contains unknown labels (NaN), which are left out of the "
        "loss through its weight and neg_weight arguments, but criterion "
        f"{type(criterion).__name__} does not accept them. Use a loss of "
        "skmml.losses (WeightedBCELoss, SigmoidF1Loss, SoftF1Loss, FocalLoss, "
        "AsymmetricLoss, LogitAdjustedBCELoss or ClassBalancedLoss), or fill "
        "the unknown entries first."
    )


def _prior_modules(net, criterion_attrs):
    for attr in criterion_attrs:
        criterion = getattr(net, attr, None)
        if criterion is None or not hasattr(criterion, "modules"):
            continue
        for module in criterion.modules():
            if hasattr(module, "fit_priors"):
                yield module


def _dataset_targets(dataset):
    """The ``y`` of a skorch Dataset, or of a torch Subset of one; else None."""
    indices = None
    if isinstance(dataset, Subset):
        dataset, indices = dataset.dataset, np.asarray(dataset.indices)
    y = getattr(dataset, "y", None)
    if y is None or indices is None:
        return y
    return multi_indexing(y, indices, getattr(dataset, "y_indexing", None))


class FitCriterionPriors(Callback):
    """skorch callback fitting the loss's label priors on the training rows.

    skmml's one route to the label priors of a loss: every module of the
    criterion that has a ``fit_priors`` method (:class:`LogitAdjustedBCELoss`,
    :class:`ClassBalancedLoss`) gets ``fit_priors(y_train)`` with the labels
    of the **training rows only**, after skorch's internal ``train_split``
    has held out its validation rows, at the start of the first epoch of
    every ``fit`` / ``partial_fit`` (so every CV split and every grid point
    gets the priors of its own training rows). Unknown (NaN) entries of the
    target are left out of the priors, which are computed from the known
    entries. Criteria without priors are left alone, so the callback can
    always be added.
    :class:`skmml.neural.RMLCClassifier` and the ResBiLSTM estimators add it
    to their nets themselves.

    Parameters
    ----------
    criterion_attrs : tuple of str, optional
        Net attributes holding the initialised criteria; the default
        ``("criterion_",)`` is the net's criterion.

    Examples
    --------
    >>> import numpy as np, torch
    >>> from skorch import NeuralNet
    >>> from skmml.losses import FitCriterionPriors, LogitAdjustedBCELoss
    >>> net = NeuralNet(torch.nn.Linear, module__in_features=2,
    ...                 module__out_features=2, criterion=LogitAdjustedBCELoss,
    ...                 callbacks=[FitCriterionPriors()], max_epochs=1,
    ...                 train_split=None, verbose=0)
    >>> X = np.zeros((4, 2), dtype=np.float32)
    >>> Y = np.array([[1, 0], [0, 0], [0, 1], [0, 1]], dtype=np.float32)
    >>> net.fit(X, Y).criterion_.prior_log_odds_
    tensor([-1.0986,  0.0000])
    """

    def __init__(self, criterion_attrs=("criterion_",)):
        self.criterion_attrs = criterion_attrs

    def on_train_begin(self, net, X=None, y=None, **kwargs):
        self.priors_pending_ = True  # fit the priors once per fit call

    def on_epoch_begin(self, net, dataset_train=None, **kwargs):
        if not getattr(self, "priors_pending_", True):
            return
        self.priors_pending_ = False
        modules = list(_prior_modules(net, self.criterion_attrs))
        if not modules:
            return
        y_train = _dataset_targets(dataset_train)
        if y_train is None:
            raise ValueError(
                f"{type(modules[0]).__name__} computes label priors from the "
                "training labels, but fit was called without y (for instance "
                "with a Dataset); pass X and y to fit, or call "
                "net.criterion_.fit_priors(Y) yourself after initialize()."
            )
        for module in modules:
            module.fit_priors(y_train)


class SAdF1Scheduler(Callback):
    """SAdF1: raise the slope ``beta`` of :class:`SigmoidF1Loss` every epoch.

    The adaptive variant of sigmoidF1 starts with a loose sigmoid (small
    ``beta``) and sharpens it after each epoch. At the start of epoch
    ``e = 1, 2, ...`` every :class:`SigmoidF1Loss` in the criterion gets

    - ``beta = beta_start + (e - 1) * beta_step`` (``mode="add"``), or
    - ``beta = beta_start * beta_step ** (e - 1)`` (``mode="multiply"``),

    capped at ``beta_max``. The value is recorded in the history as
    ``"sigmoid_f1_beta"``.

    Parameters
    ----------
    beta_start : float > 0, default=1.0
        Slope of the first epoch.
    beta_step : float, default=1.0
        Increment (``mode="add"``, >= 0) or factor (``mode="multiply"``,
        >= 1) per epoch.
    mode : {"add", "multiply"}, default="add"
        Linear or geometric schedule.
    beta_max : float or None, default=None
        Upper bound of ``beta``; None for no bound.
    criterion_attrs : tuple of str, optional
        Net attributes holding the initialised criteria; the default
        ``("criterion_",)`` is the net's criterion.

    Notes
    -----
    The epoch number is the length of the net's history, so with
    ``warm_start=True`` the schedule continues where it stopped. The net's
    ``criterion__beta`` parameter is not changed (cloning restarts from it).

    Examples
    --------
    >>> import numpy as np, torch
    >>> from skorch import NeuralNet
    >>> from skmml.losses import SAdF1Scheduler, SigmoidF1Loss
    >>> net = NeuralNet(torch.nn.Linear, module__in_features=2,
    ...                 module__out_features=2, criterion=SigmoidF1Loss,
    ...                 callbacks=[SAdF1Scheduler(1.0, 2.0, mode="multiply")],
    ...                 max_epochs=3, train_split=None, verbose=0)
    >>> X = np.zeros((4, 2), dtype=np.float32)
    >>> Y = np.array([[1, 0], [0, 0], [0, 1], [0, 1]], dtype=np.float32)
    >>> net.fit(X, Y).history[:, "sigmoid_f1_beta"]
    [1.0, 2.0, 4.0]
    """

    def __init__(
        self,
        beta_start=1.0,
        beta_step=1.0,
        *,
        mode="add",
        beta_max=None,
        criterion_attrs=("criterion_",),
    ):
        self.beta_start = beta_start
        self.beta_step = beta_step
        self.mode = mode
        self.beta_max = beta_max
        self.criterion_attrs = criterion_attrs

    def initialize(self):
        def is_real(value):
            return isinstance(value, numbers.Real) and not isinstance(value, bool)

        if not is_real(self.beta_start) or not self.beta_start > 0:
            raise ValueError(f"beta_start must be > 0; got {self.beta_start!r}.")
        if self.mode not in ("add", "multiply"):
            raise ValueError(f'mode must be "add" or "multiply"; got {self.mode!r}.')
        low = 0.0 if self.mode == "add" else 1.0
        if not is_real(self.beta_step) or not self.beta_step >= low:
            raise ValueError(
                f"beta_step must be >= {low} with mode={self.mode!r}; got "
                f"{self.beta_step!r}."
            )
        if self.beta_max is not None and (
            not is_real(self.beta_max) or not self.beta_max >= self.beta_start
        ):
            raise ValueError(
                f"beta_max must be None or >= beta_start; got {self.beta_max!r}."
            )
        return self

    def beta_at(self, epoch):
        """Slope used in ``epoch`` (1-based)."""
        k = epoch - 1
        if self.mode == "add":
            beta = self.beta_start + k * self.beta_step
        else:
            beta = self.beta_start * self.beta_step**k
        if self.beta_max is not None:
            beta = min(beta, self.beta_max)
        return float(beta)

    def on_epoch_begin(self, net, **kwargs):
        losses = []
        for attr in self.criterion_attrs:
            criterion = getattr(net, attr, None)
            if criterion is not None and hasattr(criterion, "modules"):
                losses += [
                    m for m in criterion.modules() if isinstance(m, SigmoidF1Loss)
                ]
        if not losses:
            raise ValueError(
                "SAdF1Scheduler needs a SigmoidF1Loss criterion; the net's "
                f"{self.criterion_attrs} hold none."
            )
        beta = self.beta_at(len(net.history))
        for loss in losses:
            loss.beta = beta
        net.history.record("sigmoid_f1_beta", beta)
