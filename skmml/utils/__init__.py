"""The ground floor shared by skmml's estimators, metrics and splitters.

- the modality layout (:class:`ModalityLayout`, :func:`resolve_modalities`);
- the multi-label target toolkit (:func:`check_multilabel_indicator`,
  :func:`encode_target`, :func:`encode_label_powerset`, :func:`label_counts`,
  :func:`observed_mask` for partially labelled targets where NaN = unknown);
- the ``allow_unknown`` target tag (:func:`accepts_unknown_labels`) and the
  ``missing_modalities`` input tag (:func:`accepts_missing_modalities`);
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
from ._tags import accepts_missing_modalities, accepts_unknown_labels
from ._target import (
    check_multilabel_indicator,
    encode_label_powerset,
    encode_target,
    has_unknown,
    is_multilabel_indicator,
    label_counts,
    observed_counts,
    observed_mask,
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
    "observed_counts",
    "observed_mask",
    "has_unknown",
    "accepts_unknown_labels",
    "accepts_missing_modalities",
]
