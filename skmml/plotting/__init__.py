"""Displays in scikit-learn's style for skmml's models and selectors.

:class:`PerLabelF1Display` compares the per-label F1 of several models as
grouped bars, :class:`SelectionPathDisplay` plots the cross-validated score
of :class:`~skmml.feature_selection.RFRecursiveSelector` against the number
of features, and :class:`ThresholdDisplay` the per-label thresholds of the
threshold classifiers of :mod:`skmml.model_selection`.
:class:`ModalityImportanceDisplay` and :class:`ModalityRobustnessDisplay`
draw the results of :mod:`skmml.inspection` (which modality carries which
label, and the score as samples lose a modality). Each has
``from_estimator`` (and, when it makes sense, ``from_predictions``)
constructors and a ``plot(ax=...)`` method that returns the display with the
artists, ``ax_`` and ``figure_`` as attributes.

matplotlib is optional: it is imported when a display is plotted, so this
module imports without it (install the extra with
``pip install 'skmml[plot]'``).
"""

from ._modality import ModalityImportanceDisplay, ModalityRobustnessDisplay
from ._per_label import PerLabelF1Display
from ._selection_path import SelectionPathDisplay
from ._thresholds import ThresholdDisplay

__all__ = [
    "ModalityImportanceDisplay",
    "ModalityRobustnessDisplay",
    "PerLabelF1Display",
    "SelectionPathDisplay",
    "ThresholdDisplay",
]
