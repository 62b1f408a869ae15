"""skmml: scikit-learn compatible multi-modal, multi-label, imbalanced learning.

The classical estimators import without torch. Estimators backed by torch
(``RMLCClassifier``) are resolved lazily on first access, so ``import skmml``
never imports torch.
"""

import importlib

__version__ = "0.1.0.dev0"

# public name -> (module, needs torch)
_LAZY_ATTRS = {
    "LabelPowersetWeightedSVC": ("skmml.svm", False),
    "MultiModalConcatenator": ("skmml.compose", False),
    "RFRecursiveSelector": ("skmml.feature_selection", False),
    "RMLCClassifier": ("skmml.neural", True),
}

__all__ = sorted(_LAZY_ATTRS)


def __getattr__(name):
    try:
        module_name, needs_torch = _LAZY_ATTRS[name]
    except KeyError:
        raise AttributeError(f"module 'skmml' has no attribute {name!r}") from None
    try:
        module = importlib.import_module(module_name)
    except ImportError as exc:
        if needs_torch:
            raise ImportError(
                f"skmml.{name} needs torch and skorch, which are not installed "
                f"({exc}). Install the neural extra: pip install 'skmml[neural]' "
                "(install the torch build for your hardware first)."
            ) from exc
        raise
    return getattr(module, name)


def __dir__():
    return sorted(set(globals()) | set(__all__))
