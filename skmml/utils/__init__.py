"""Utilities shared by skmml's estimators, metrics and splitters."""

from ._validation import check_multilabel_indicator, is_multilabel_indicator

__all__ = ["check_multilabel_indicator", "is_multilabel_indicator"]
