"""Utilities shared by skmml's estimators, metrics and splitters."""

from ._discovery import all_estimators
from ._validation import check_multilabel_indicator, is_multilabel_indicator

__all__ = ["all_estimators", "check_multilabel_indicator", "is_multilabel_indicator"]
