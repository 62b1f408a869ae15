"""Cross-validation splitters for multi-label data."""

from ._iterative import IterativeStratifiedKFold, multilabel_train_test_split

__all__ = ["IterativeStratifiedKFold", "multilabel_train_test_split"]
