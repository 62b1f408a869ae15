"""Resampling of multi-label data sets, compatible with imbalanced-learn.

imbalanced-learn's samplers reject multi-label targets. The samplers here
take a multi-label indicator matrix ``Y`` in ``fit_resample(X, Y)`` and work
as steps of an ``imblearn.pipeline.Pipeline``:

- :class:`LabelPowersetResampler` runs any imbalanced-learn sampler on the
  label combinations (Label Powerset) and maps the result back;
- :class:`MLSMOTE` adds synthetic samples for the minority labels (Charte et
  al., 2015).
"""

from ._label_powerset import LabelPowersetResampler
from ._mlsmote import MLSMOTE

__all__ = ["LabelPowersetResampler", "MLSMOTE"]
