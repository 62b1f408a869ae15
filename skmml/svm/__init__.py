"""Support vector machines for multi-label (Label Powerset) classification."""

from ._label_powerset import LabelPowersetWeightedSVC
from ._random_labelsets import RandomLabelsetsWeightedSVC

__all__ = ["LabelPowersetWeightedSVC", "RandomLabelsetsWeightedSVC"]
