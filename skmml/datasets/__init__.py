"""Data sets: synthetic multi-modal multi-label generators and a MULAN loader.

``make_multimodal_multilabel`` and ``make_disaster_like`` return
``(X, Y, modalities)`` where ``modalities`` maps each modality name to its
column indices; ``load_mulan_arff`` reads MULAN ARFF files (dense or sparse).
"""

from ._mulan import load_mulan_arff
from ._multimodal import make_disaster_like, make_multimodal_multilabel

__all__ = ["load_mulan_arff", "make_disaster_like", "make_multimodal_multilabel"]
