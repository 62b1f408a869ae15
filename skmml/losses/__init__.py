"""Multi-label losses for torch / skorch, and the missing-label tools.

Losses (``torch.nn.Module``; usable as ``criterion=`` of any skorch net,
including :class:`skmml.neural.RMLCClassifier`):

- :class:`WeightedBCELoss` -- eq. 2 of Ibrahim et al. (2020), per-sample,
  per-label weights on the positive and on the negative terms;
- :class:`SigmoidF1Loss`, :class:`SoftF1Loss` -- F1 surrogates, and the
  :class:`SAdF1Scheduler` callback (SAdF1);
- :class:`FocalLoss`, :class:`AsymmetricLoss`,
  :class:`LogitAdjustedBCELoss`, :class:`ClassBalancedLoss` -- imbalance
  and long-tail losses.

All of them take logits (no sigmoid in the module) and a float
``(n_samples, n_labels)`` 0/1 target, are built from their class and
keyword parameters (``criterion=SigmoidF1Loss, criterion__beta=5.0``) and can
therefore be searched with ``GridSearchCV`` over ``criterion__*``.

Per-sample weights: the contract
--------------------------------
Every loss has the signature::

    forward(logits, target, weight=None, neg_weight=None)

``weight`` multiplies the terms of positive labels and ``neg_weight`` those
of negative labels (eq. 2: :math:`\\omega` and :math:`\\bar\\omega`). Each is
None, ``(batch,)`` (one weight per sample) or ``(batch, n_labels)``. None
means 1, and ``neg_weight=None`` reuses ``weight``, so ``weight`` alone is an
ordinary sample weight. For missing labels: IM-WCE is
``neg_weight=ignore_missing_weights(hidden_mask)``, CB-WCE is
``neg_weight=cooccurrence_negative_weights(Y_observed)``.

The weights must follow the samples through skorch's batches, its internal
validation split and scikit-learn's CV splits, so they travel *inside X*,
not as ``fit(**fit_params)`` (skorch hands fit params whole to the module's
``forward``; it does not slice them per batch):

1. ``Xw = make_weighted_input(X, sample_weight=..., neg_weight=...)`` gives
   ``SliceDict(X=X, sample_weight=..., neg_weight=...)``, which skorch
   batches and scikit-learn (``cross_validate``, ``GridSearchCV``) indexes
   row-wise. A plain ``{"X": ..., "neg_weight": ...}`` dict works with
   skorch alone.
2. The net derives from :class:`LossWeightsMixin`
   (``class Net(LossWeightsMixin, skorch.NeuralNet)``). Its ``get_loss``
   passes the batch's ``X["sample_weight"]`` / ``X["neg_weight"]`` as
   ``weight=`` / ``neg_weight=`` to ``criterion_``; its ``infer`` strips
   them so the module receives ``X["X"]`` as if no weights existed.
3. ``net.fit(Xw, Y)``; ``net.predict`` accepts ``Xw`` or the plain ``X``.

A net that computes the loss itself (e.g. a sum over steps) can call
:func:`pop_loss_weights` on the batch ``X`` in its own ``get_loss`` and pass
the returned keywords to each criterion call.

Unknown labels (partially labelled targets)
-------------------------------------------
A target may hold NaN where a label is unknown (0 = absent, 1 = present).
NaN never reaches a loss: :class:`LossWeightsMixin` calls
:func:`mask_unknown_targets` on every batch, which puts 0 in the target and
0 in both weights of the unknown entries (IM-WCE of Ibrahim et al. with a
known mask), multiplying the weights given with the data. Every loss here
takes the weights, so each of them then equals the same loss computed on the
known entries only (``reduction="mean"`` still divides by the number of
entries of the batch, known or not). A criterion without ``weight`` /
``neg_weight`` (:func:`accepts_loss_weights`) is refused with an error.
The label priors (``fit_priors``) and :func:`cooccurrence_negative_weights`
are computed from the known entries.

Label priors
------------
:class:`LogitAdjustedBCELoss` and :class:`ClassBalancedLoss` need the label
frequencies of the training labels. They expose ``fit_priors(Y)``; the one
route that calls it is the skorch callback :class:`FitCriterionPriors`: at
the start of every fit (each CV split, each grid point) it passes the labels
of the training rows only, without the validation rows of skorch's
``train_split``. Add it to a skorch net's callbacks (it does nothing for
losses without priors); :class:`skmml.neural.RMLCClassifier` and the
ResBiLSTM estimators add it themselves. Calling the loss before its priors
are fitted raises an error that names the callback.
:func:`init_bias_with_priors` is the equivalent output bias initialisation.

Missing-label tools (numpy only)
--------------------------------
:func:`simulate_missing_labels`, :func:`ignore_missing_weights`,
:func:`cooccurrence_negative_weights`, :func:`label_prior_log_odds` and
:func:`effective_number_weights` do not need torch: this package imports
its torch modules lazily, so ``from skmml.losses import
simulate_missing_labels`` works without torch installed.
"""

import importlib

# public name -> private module; the numpy-only ones never import torch
_LAZY_ATTRS = {
    "simulate_missing_labels": "_missing_labels",
    "ignore_missing_weights": "_missing_labels",
    "cooccurrence_negative_weights": "_missing_labels",
    "label_prior_log_odds": "_label_priors",
    "effective_number_weights": "_label_priors",
    "WeightedBCELoss": "_weighted_bce",
    "SigmoidF1Loss": "_sigmoid_f1",
    "SoftF1Loss": "_sigmoid_f1",
    "FocalLoss": "_long_tail",
    "AsymmetricLoss": "_long_tail",
    "LogitAdjustedBCELoss": "_long_tail",
    "ClassBalancedLoss": "_long_tail",
    "init_bias_with_priors": "_long_tail",
    "LossWeightsMixin": "_skorch",
    "FitCriterionPriors": "_skorch",
    "SAdF1Scheduler": "_skorch",
    "make_weighted_input": "_skorch",
    "pop_loss_weights": "_skorch",
    "mask_unknown_targets": "_skorch",
    "accepts_loss_weights": "_skorch",
}

__all__ = sorted(_LAZY_ATTRS)


def __getattr__(name):
    try:
        module_name = _LAZY_ATTRS[name]
    except KeyError:
        raise AttributeError(
            f"module 'skmml.losses' has no attribute {name!r}"
        ) from None
    module = importlib.import_module(f"{__name__}.{module_name}")
    value = getattr(module, name)
    globals()[name] = value  # later look-ups skip __getattr__
    return value


def __dir__():
    return sorted(set(globals()) | set(__all__))
