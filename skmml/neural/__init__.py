"""Torch-based estimators (needs torch and skorch).

``import skmml`` does not import this subpackage; ``from skmml.neural import
RMLCClassifier`` does, and needs the ``neural`` extra.

- :class:`RMLCClassifier` / :class:`RMLCModule`: RMLC (Zhang et al.), one
  modality per LSTM step with a learned label-correlation matrix.
- :class:`ResBiLSTMEncoder`, :class:`ResBiLSTMClassifier`,
  :class:`ResBiLSTMModule`: the temporal feature extractor of Pouyanfar et
  al. (2018), and the fusion variants of their Table II as pipelines
  (:func:`make_pouyanfar_pipeline`, :func:`make_late_fusion_pipeline`,
  :func:`make_early_fusion_classifier`, :func:`make_static_dense_pipeline`).
"""

from ._fusion import (
    frame_mean_transformer,
    make_early_fusion_classifier,
    make_late_fusion_pipeline,
    make_pouyanfar_pipeline,
    make_static_dense_pipeline,
)
from ._resbilstm import ResBiLSTMClassifier, ResBiLSTMEncoder, ResBiLSTMModule
from ._rmlc import RMLCClassifier
from ._rmlc_module import RMLCModule, RMLCNet  # noqa: F401

# RMLCNet (the skorch net behind RMLCClassifier) stays importable but is not
# a scikit-learn estimator of its own: it needs module and criterion.
__all__ = [
    "RMLCClassifier",
    "RMLCModule",
    "ResBiLSTMClassifier",
    "ResBiLSTMEncoder",
    "ResBiLSTMModule",
    "frame_mean_transformer",
    "make_early_fusion_classifier",
    "make_late_fusion_pipeline",
    "make_pouyanfar_pipeline",
    "make_static_dense_pipeline",
]
