"""Discovery of skmml's public estimators."""

import importlib
import inspect
import pkgutil

from sklearn.base import BaseEstimator

# Subpackages that import torch; skipped when torch or skorch is missing.
_TORCH_SUBPACKAGES = frozenset({"losses", "neural"})


def _public_subpackages():
    import skmml

    for info in pkgutil.iter_modules(skmml.__path__):
        if info.ispkg and not info.name.startswith("_") and info.name != "tests":
            yield info.name


def all_estimators():
    """List every public estimator of skmml.

    An estimator is public when its class derives from scikit-learn's
    ``BaseEstimator`` and is listed in the ``__all__`` of a public skmml
    subpackage. Subpackages that need torch are skipped when torch or skorch
    is not installed.

    Returns
    -------
    estimators : list of (str, type)
        ``(class name, class)`` pairs sorted by name.

    Examples
    --------
    >>> from skmml.utils import all_estimators
    >>> names = [name for name, _ in all_estimators()]
    >>> "MultiModalConcatenator" in names
    True
    """
    found = {}
    for sub in _public_subpackages():
        if sub in _TORCH_SUBPACKAGES:
            try:
                importlib.import_module("torch")
                importlib.import_module("skorch")
            except ImportError:
                continue
        module = importlib.import_module(f"skmml.{sub}")
        for name in getattr(module, "__all__", []):
            obj = getattr(module, name)
            if (
                inspect.isclass(obj)
                and issubclass(obj, BaseEstimator)
                and not inspect.isabstract(obj)
            ):
                found[name] = obj
    return sorted(found.items())
