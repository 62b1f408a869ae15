"""Per-label meta-estimators for partially labelled multi-label targets.

A label matrix may hold NaN for unknown entries (0 = absent, 1 = present):
:class:`PartialBinaryRelevance` fits each label only on the samples where it
is known, :class:`PartialClassifierChain` chains the labels and fills the
unknown earlier labels with the chain's own predictions. On complete targets
they predict as scikit-learn's ``OneVsRestClassifier`` and
``ClassifierChain``.
"""

from ._binary_relevance import PartialBinaryRelevance
from ._classifier_chain import PartialClassifierChain

__all__ = ["PartialBinaryRelevance", "PartialClassifierChain"]
