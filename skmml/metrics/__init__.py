"""Multi-label evaluation metrics and the matching model-selection scorers.

Bipartition metrics take ``(Y_true, Y_pred)`` indicator matrices (dense or
scipy sparse); ranking metrics take ``(Y_true, Y_score)`` with dense
real-valued scores. :func:`get_scorer` and :func:`multilabel_scoring` give
scorers for ``GridSearchCV`` / ``cross_validate``.
:func:`label_imbalance_report` measures the label imbalance of a data set;
:func:`long_tail_report` and :func:`make_long_tail_scorer` evaluate head,
medium and tail labels, grouped by their training frequency.
"""

from ._imbalance import LabelImbalanceReport, label_imbalance_report
from ._long_tail import (
    LabelCountingClassifier,
    LongTailReport,
    group_average_precision,
    group_macro_f1,
    head_medium_tail_groups,
    long_tail_report,
    make_long_tail_scorer,
)
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
    "LabelCountingClassifier",
    "LabelImbalanceReport",
    "LongTailReport",
    "coverage",
    "example_f1",
    "get_scorer",
    "group_average_precision",
    "group_macro_f1",
    "hamming_loss",
    "head_medium_tail_groups",
    "label_imbalance_report",
    "long_tail_report",
    "macro_f1",
    "make_long_tail_scorer",
    "mean_average_precision",
    "micro_f1",
    "multilabel_scoring",
    "one_error",
    "per_label_f1",
    "ranking_loss",
    "subset_accuracy",
    "weighted_f1",
]
