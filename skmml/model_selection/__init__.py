"""Multi-label cross-validation splitters and per-label threshold tuning."""

from ._iterative import IterativeStratifiedKFold, multilabel_train_test_split
from ._threshold import FixedMultiLabelThresholdClassifier, MultiLabelThresholdTuner

__all__ = [
    "FixedMultiLabelThresholdClassifier",
    "IterativeStratifiedKFold",
    "MultiLabelThresholdTuner",
    "multilabel_train_test_split",
]
