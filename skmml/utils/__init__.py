"""The ground floor shared by skmml's estimators, metrics and splitters.

- the modality layout (:class:`ModalityLayout`, :func:`resolve_modalities`);
- the multi-label target toolkit (:func:`check_multilabel_indicator`,
  :func:`encode_target`, :func:`encode_label_powerset`, :func:`label_counts`);
- discovery of the public estimators (:func:`all_estimators`).
"""

from ._discovery import all_estimators
from ._modality import (
    ModalityLayout,
    check_modality_name,
    modality_feature_name,
    resolve_modalities,
    split_modality_feature_name,
)
from ._target import (
    check_multilabel_indicator,
    encode_label_powerset,
    encode_target,
    is_multilabel_indicator,
    label_counts,
)

__all__ = [
    "ModalityLayout",
    "check_modality_name",
    "modality_feature_name",
    "resolve_modalities",
    "split_modality_feature_name",
    "all_estimators",
    "check_multilabel_indicator",
    "encode_label_powerset",
    "encode_target",
    "is_multilabel_indicator",
    "label_counts",
]
