"""Torch-based estimators (needs torch and skorch).

``import skmml`` does not import this subpackage; ``from skmml.neural import
RMLCClassifier`` does, and needs the ``neural`` extra.
"""

from ._rmlc import RMLCClassifier
from ._rmlc_module import RMLCModule, RMLCNet  # noqa: F401

# RMLCNet (the skorch net behind RMLCClassifier) stays importable but is not
# a scikit-learn estimator of its own: it needs module and criterion.
__all__ = ["RMLCClassifier", "RMLCModule"]
