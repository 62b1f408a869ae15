"""Multi-label evaluation metrics and the matching model-selection scorers.

Bipartition metrics take ``(Y_true, Y_pred)`` indicator matrices (dense or
scipy sparse); ranking metrics take ``(Y_true, Y_score)`` with dense
real-valued scores. :func:`get_scorer` and :func:`multilabel_scoring` give
scorers for ``GridSearchCV`` / ``cross_validate``.
"""

from ._multilabel import (
    coverage,
    example_f1,
    hamming_loss,
    macro_f1,
    mean_average_precision,
    micro_f1,
    one_error,
    per_label_f1,
    ranking_loss,
    subset_accuracy,
    weighted_f1,
)
from ._scorer import get_scorer, multilabel_scoring

__all__ = [
    "coverage",
    "example_f1",
    "get_scorer",
    "hamming_loss",
    "macro_f1",
    "mean_average_precision",
    "micro_f1",
    "multilabel_scoring",
    "one_error",
    "per_label_f1",
    "ranking_loss",
    "subset_accuracy",
    "weighted_f1",
]
