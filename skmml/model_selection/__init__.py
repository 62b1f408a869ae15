"""Multi-label cross-validation splitters, per-label threshold tuning and the
label-counting wrapper used by the long-tail scorers."""

from ._iterative import IterativeStratifiedKFold, multilabel_train_test_split
from ._label_counting import LabelCountingClassifier
from ._threshold import FixedMultiLabelThresholdClassifier, MultiLabelThresholdTuner

__all__ = [
    "FixedMultiLabelThresholdClassifier",
    "IterativeStratifiedKFold",
    "LabelCountingClassifier",
    "MultiLabelThresholdTuner",
    "multilabel_train_test_split",
]
