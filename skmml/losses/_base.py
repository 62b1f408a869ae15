"""Shared input handling of the element-wise multi-label losses."""

import numbers

import torch
import torch.nn.functional as F

_REDUCTIONS = ("mean", "sum", "none")


def _check_reduction(reduction):
    if reduction not in _REDUCTIONS:
        raise ValueError(f"reduction must be one of {_REDUCTIONS}; got {reduction!r}.")
    return reduction


def _check_real(value, name, *, low=None, high=None, low_open=False):
    """Validate a real hyper-parameter of a loss and return it as float."""
    if not isinstance(value, numbers.Real) or isinstance(value, bool):
        raise ValueError(f"{name} must be a real number; got {value!r}.")
    value = float(value)
    if value != value or value in (float("inf"), float("-inf")):
        raise ValueError(f"{name} must be finite; got {value!r}.")
    if low is not None and (value < low or (low_open and value == low)):
        bound = ">" if low_open else ">="
        raise ValueError(f"{name} must be {bound} {low}; got {value!r}.")
    if high is not None and value > high:
        raise ValueError(f"{name} must be <= {high}; got {value!r}.")
    return value


def _check_logits_target(logits, target, loss_name):
    """Return ``target`` as a tensor with the dtype, device and shape of logits."""
    if not isinstance(logits, torch.Tensor):
        raise ValueError(
            f"{loss_name} expects the logits as a torch.Tensor; got "
            f"{type(logits).__name__}."
        )
    if not torch.is_floating_point(logits):
        raise ValueError(
            f"{loss_name} expects floating point logits; got dtype {logits.dtype}."
        )
    target = torch.as_tensor(target, device=logits.device).to(logits.dtype)
    if target.shape != logits.shape:
        # (n,) against (n, 1) is the same binary target.
        squeeze = [s for s in logits.shape if s != 1]
        if [s for s in target.shape if s != 1] == squeeze:
            target = target.reshape(logits.shape)
        else:
            raise ValueError(
                f"{loss_name}: target of shape {tuple(target.shape)} does not "
                f"match the logits of shape {tuple(logits.shape)}; the target "
                "must be the (n_samples, n_labels) 0/1 label matrix."
            )
    if torch.isnan(target).any():
        raise ValueError(
            f"{loss_name}: the target contains NaN (unknown labels). Mask them "
            "first with skmml.losses.mask_unknown_targets, which a skorch net "
            "with LossWeightsMixin and the skmml.neural estimators call for "
            "every batch."
        )
    return target


def _check_weight(weight, like, name, loss_name):
    """Broadcast a per-sample (n,) or per-entry weight to the shape of ``like``."""
    if weight is None:
        return None
    weight = torch.as_tensor(weight, device=like.device).to(like.dtype)
    if weight.ndim == 1 and like.ndim == 2 and weight.shape[0] == like.shape[0]:
        weight = weight[:, None]  # one weight per sample
    try:
        shape = torch.broadcast_shapes(weight.shape, like.shape)
    except RuntimeError:
        shape = None
    if shape != like.shape:
        raise ValueError(
            f"{loss_name}: {name} of shape {tuple(weight.shape)} cannot be "
            f"broadcast to the target shape {tuple(like.shape)}; give one "
            "weight per sample (n_samples,) or per entry (n_samples, n_labels)."
        )
    return weight


def _resolve_weights(weight, neg_weight, target, loss_name):
    """Positive and negative term weights; ``neg_weight`` defaults to ``weight``."""
    weight = _check_weight(weight, target, "weight", loss_name)
    neg_weight = _check_weight(neg_weight, target, "neg_weight", loss_name)
    if neg_weight is None:
        neg_weight = weight
    return weight, neg_weight


def _combine(pos_loss, neg_loss, target, weight, neg_weight, reduction):
    """Loss ``w * y * pos_loss + w_bar * (1 - y) * neg_loss``, reduced.

    ``pos_loss`` and ``neg_loss`` are the non-negative per-entry losses of a
    positive and of a negative label (e.g. ``-log p`` and ``-log(1 - p)``).
    """
    loss = target * pos_loss
    neg = (1.0 - target) * neg_loss
    if weight is not None:
        loss = weight * loss
    if neg_weight is not None:
        neg = neg_weight * neg
    loss = loss + neg
    if reduction == "mean":
        return loss.mean()
    if reduction == "sum":
        return loss.sum()
    return loss


def _bce_terms(logits):
    """``-log(sigmoid(z))`` and ``-log(1 - sigmoid(z))``, both stable."""
    return -F.logsigmoid(logits), -F.logsigmoid(-logits)
