"""The estimator tag that says an estimator accepts unknown (NaN) labels."""

from dataclasses import asdict, dataclass

from sklearn.utils import get_tags
from sklearn.utils._tags import TargetTags


@dataclass(slots=True)
class PartialTargetTags(TargetTags):
    """scikit-learn's target tags plus ``allow_unknown``.

    Parameters
    ----------
    required : bool
        Whether ``fit`` requires ``y``.
    one_d_labels, two_d_labels, positive_only, multi_output, single_output : bool
        As in :class:`sklearn.utils.TargetTags`.
    allow_unknown : bool, default=False
        Whether ``fit`` accepts a partially labelled multi-label target
        (NaN = unknown entry) and leaves the unknown entries out of training.
    """

    allow_unknown: bool = False


def with_unknown_labels(tags, allow_unknown=True):
    """Return ``tags`` with ``target_tags.allow_unknown`` set.

    Used inside ``__sklearn_tags__``::

        def __sklearn_tags__(self):
            return with_unknown_labels(super().__sklearn_tags__())
    """
    tags.target_tags = PartialTargetTags(
        **asdict(tags.target_tags) | {"allow_unknown": allow_unknown}
    )
    return tags


def accepts_unknown_labels(estimator):
    """Whether an estimator can be fitted on a target with unknown (NaN) labels.

    A :class:`~sklearn.pipeline.Pipeline` accepts them if its last step does.

    Parameters
    ----------
    estimator : estimator instance
        Fitted or not.

    Returns
    -------
    bool
        The ``target_tags.allow_unknown`` tag (False for estimators that do
        not define it, such as every scikit-learn estimator).

    Examples
    --------
    >>> from sklearn.linear_model import LogisticRegression
    >>> from skmml.multioutput import PartialBinaryRelevance
    >>> from skmml.utils import accepts_unknown_labels
    >>> accepts_unknown_labels(LogisticRegression())
    False
    >>> accepts_unknown_labels(PartialBinaryRelevance(LogisticRegression()))
    True
    """
    steps = getattr(estimator, "steps", None)
    if isinstance(steps, list) and steps:
        last = steps[-1][1]
        if last is None or last == "passthrough":
            return False
        return accepts_unknown_labels(last)
    return bool(getattr(get_tags(estimator).target_tags, "allow_unknown", False))
