"""Declarative hyperparameter validation, as scikit-learn and imbalanced-learn do.

Estimators declare ``_parameter_constraints`` and decorate ``fit`` (or
``fit_resample`` / ``fit_transform``) with ``_fit_context``; every
hyperparameter is then checked before any third-party code runs, and a bad
value gets an ``InvalidParameterError`` (a ``ValueError`` and ``TypeError``)
that names the parameter.

The constraint types live in scikit-learn's private
``sklearn.utils._param_validation``; ``_fit_context`` is reached through
``sklearn-compat`` as imbalanced-learn does. Both are re-exported from here
only, so the private import paths are written once and
``skmml/utils/tests/test_param_validation.py`` fails if they move.
"""

from sklearn.utils._param_validation import (
    HasMethods,
    Hidden,
    Interval,
    InvalidParameterError,
    Options,
    RealNotInt,
    StrOptions,
    validate_params,
)
from sklearn_compat.base import _fit_context

__all__ = [
    "HasMethods",
    "Hidden",
    "Interval",
    "InvalidParameterError",
    "Options",
    "RealNotInt",
    "StrOptions",
    "_fit_context",
    "validate_params",
]
