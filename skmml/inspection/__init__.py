"""Which modality a fitted multi-modal model relies on, and for which label.

:func:`modality_importance` corrupts the block of one modality at a time
(permuting its rows, or ablating it to a missing modality or to its
training means) and measures the drop of the overall score and of the F1 of
every label. :func:`modality_robustness` scores the model as a growing
fraction of test samples loses a modality. Both return a
:class:`~sklearn.utils.Bunch` and work with any fitted estimator, pipeline
or search; :mod:`skmml.plotting` draws them
(:class:`~skmml.plotting.ModalityImportanceDisplay`,
:class:`~skmml.plotting.ModalityRobustnessDisplay`).
"""

from ._modality_importance import modality_importance
from ._robustness import modality_robustness

__all__ = ["modality_importance", "modality_robustness"]
