"""Support vector machines for multi-label (Label Powerset) classification."""

from ._label_powerset import LabelPowersetWeightedSVC

__all__ = ["LabelPowersetWeightedSVC"]
