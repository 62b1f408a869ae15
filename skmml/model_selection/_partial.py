"""The check the meta-estimators of this subpackage share for partial targets."""

from ..utils import accepts_unknown_labels


def _fit_ignores_target(estimator):
    """Whether ``estimator.fit`` does not use ``y`` (a frozen, fitted model)."""
    try:
        from sklearn.frozen import FrozenEstimator
    except ImportError:  # pragma: no cover - scikit-learn < 1.6
        return False
    return isinstance(estimator, FrozenEstimator)


def _check_accepts_unknown(owner, estimator):
    """Raise if ``estimator`` cannot be fitted on a target with NaN (unknown).

    Parameters
    ----------
    owner : str
        Name of the meta-estimator, for the message.
    estimator : estimator instance
        The wrapped estimator that would be fitted on the partial target.
    """
    if _fit_ignores_target(estimator) or accepts_unknown_labels(estimator):
        return
    raise ValueError(
        f"y contains NaN (unknown labels), but the estimator of {owner}, "
        f"{type(estimator).__name__}, does not accept partially labelled "
        "targets (skmml.utils.accepts_unknown_labels is False for it). Wrap "
        "its base classifier in skmml.multioutput.PartialBinaryRelevance, "
        "which fits each label on the rows where it is known, or drop the "
        "incomplete rows or fill the unknown entries first."
    )
