"""Data sets: synthetic multi-modal multi-label generators and a MULAN loader.

``make_multimodal_multilabel`` and ``make_disaster_like`` return
``(X, Y, modalities)`` where ``modalities`` maps each modality name to its
column indices; their sequence siblings ``make_sequence_multimodal_multilabel``
and ``make_disaster_sequence_like`` add a time axis whose label signal the
frame average blurs. ``load_mulan_arff`` reads MULAN ARFF files (dense or
sparse).
"""

from ._mulan import load_mulan_arff
from ._multimodal import make_disaster_like, make_multimodal_multilabel
from ._sequence import make_disaster_sequence_like, make_sequence_multimodal_multilabel

__all__ = [
    "load_mulan_arff",
    "make_disaster_like",
    "make_disaster_sequence_like",
    "make_multimodal_multilabel",
    "make_sequence_multimodal_multilabel",
]
