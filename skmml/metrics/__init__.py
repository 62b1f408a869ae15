"""Multi-label evaluation metrics and the matching model-selection scorers.

Bipartition metrics take ``(Y_true, Y_pred)`` indicator matrices (dense or
scipy sparse); ranking metrics take ``(Y_true, Y_score)`` with dense
real-valued scores. :func:`get_scorer` and :func:`multilabel_scoring` give
scorers for ``GridSearchCV`` / ``cross_validate``.
:func:`label_imbalance_report` measures the label imbalance of a data set;
:func:`long_tail_report` and :func:`make_long_tail_scorer` evaluate head,
medium and tail labels, grouped by their training frequency.

Every function and scorer accepts a partial ``Y_true`` (NaN, ``pd.NA`` or
an explicitly stored NaN marks an unknown entry) and leaves the unknown
entries out, with the exact definition in its docstring; on a complete
``Y_true`` the results are unchanged. Predictions and scores stay complete.
"""

import warnings

from ._group_metrics import group_average_precision, group_macro_f1
from ._grouping import head_medium_tail_groups
from ._imbalance import LabelImbalanceReport, label_imbalance_report
from ._long_tail_report import LongTailReport, long_tail_report
from ._long_tail_scorer import make_long_tail_scorer
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

# LabelCountingClassifier moved to skmml.model_selection; its deprecated
# alias here is served by __getattr__ and kept out of __all__, so estimator
# discovery finds the class once.
__all__ = [
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


def __getattr__(name):
    if name == "LabelCountingClassifier":
        warnings.warn(
            "skmml.metrics.LabelCountingClassifier is deprecated and will be "
            "removed in the next release; import it from skmml.model_selection.",
            FutureWarning,
            stacklevel=2,
        )
        from ..model_selection._label_counting import LabelCountingClassifier

        return LabelCountingClassifier
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
