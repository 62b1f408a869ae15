"""skmml's estimator tags.

- ``target_tags.allow_unknown``: the estimator accepts unknown (NaN) labels;
- ``input_tags.missing_modalities``: the estimator accepts rows whose whole
  block of a modality is NaN (a missing modality), and
  ``input_tags.passes_missing_modalities``: a transformer leaves such blocks
  NaN in its output (for a next step that accepts them).
"""

from dataclasses import asdict, dataclass

from sklearn.utils import get_tags
from sklearn.utils._tags import InputTags, TargetTags


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


@dataclass(slots=True)
class ModalityInputTags(InputTags):
    """scikit-learn's input tags plus the missing-modality tags.

    Parameters
    ----------
    one_d_array, two_d_array, three_d_array, sparse, categorical, string, \
            dict, positive_only, allow_nan, pairwise : bool
        As in :class:`sklearn.utils.InputTags`. ``allow_nan`` keeps its
        meaning (NaN anywhere in ``X``); an estimator that accepts only whole
        NaN blocks leaves it False.
    missing_modalities : bool, default=False
        Whether ``fit`` and ``predict`` / ``transform`` accept rows whose
        whole block of a modality is NaN (a *missing modality*).
    passes_missing_modalities : bool, default=False
        Whether a transformer outputs such rows with the whole block of the
        modality still NaN, so that the next step must accept them (False
        when it imputes them).
    """

    missing_modalities: bool = False
    passes_missing_modalities: bool = False


def with_missing_modalities(tags, accepts=True, passes=False):
    """Return ``tags`` with the missing-modality input tags set.

    Used inside ``__sklearn_tags__``::

        def __sklearn_tags__(self):
            return with_missing_modalities(super().__sklearn_tags__())
    """
    tags.input_tags = ModalityInputTags(
        **asdict(tags.input_tags)
        | {"missing_modalities": accepts, "passes_missing_modalities": passes}
    )
    return tags


def _modality_tags(estimator):
    """``(accepts, passes)`` missing modalities, recursing into Pipelines."""
    best = getattr(estimator, "best_estimator_", None)
    if best is not None:  # a fitted search (GridSearchCV, ...)
        return _modality_tags(best)
    steps = getattr(estimator, "steps", None)
    if isinstance(steps, list):
        steps = [s for _, s, *_ in steps if s is not None and s != "passthrough"]
        if not steps:
            return False, False
        for step in steps:
            accepts, passes = _modality_tags(step)
            if not accepts:
                return False, False
            if not passes:  # the rows are complete from here on
                return True, False
        return True, True
    input_tags = get_tags(estimator).input_tags
    return (
        bool(getattr(input_tags, "missing_modalities", False)),
        bool(getattr(input_tags, "passes_missing_modalities", False)),
    )


def accepts_missing_modalities(estimator):
    """Whether an estimator accepts rows with a missing modality.

    A *missing modality* is a row whose whole block of columns for that
    modality is NaN. Estimators declare it with the
    ``input_tags.missing_modalities`` tag:
    :class:`~skmml.neural.RMLCClassifier`, the ResBiLSTM estimators and
    :class:`~skmml.compose.MultiModalConcatenator` with
    ``missing="impute"`` or ``"passthrough"``.

    A :class:`~sklearn.pipeline.Pipeline` accepts them if its steps accept
    them up to the first step that does not pass them on: with
    ``missing="impute"`` the concatenator fills them and the later steps
    see complete rows; with ``missing="passthrough"`` it leaves them NaN, so
    the next step must accept them too. A fitted search
    (:class:`~sklearn.model_selection.GridSearchCV`, ...) is judged by its
    ``best_estimator_``.

    Parameters
    ----------
    estimator : estimator instance
        Fitted or not.

    Returns
    -------
    bool
        False for estimators that do not define the tag, such as every
        scikit-learn estimator.

    Examples
    --------
    >>> from sklearn.linear_model import LogisticRegression
    >>> from sklearn.pipeline import make_pipeline
    >>> from skmml.compose import MultiModalConcatenator
    >>> from skmml.utils import accepts_missing_modalities
    >>> accepts_missing_modalities(LogisticRegression())
    False
    >>> mods = [("a", "passthrough", [0, 1]), ("b", "passthrough", [2])]
    >>> impute = MultiModalConcatenator(mods, missing="impute")
    >>> accepts_missing_modalities(make_pipeline(impute, LogisticRegression()))
    True
    >>> keep = MultiModalConcatenator(mods, missing="passthrough")
    >>> accepts_missing_modalities(make_pipeline(keep, LogisticRegression()))
    False
    """
    return _modality_tags(estimator)[0]
