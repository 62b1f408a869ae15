"""Every public estimator validates every hyperparameter, naming it.

For every instance of :func:`skmml.tests._estimators.estimator_instances`
(all discovered estimators), ``_parameter_constraints`` must cover exactly the
``__init__`` parameters, and scikit-learn's ``check_param_validation`` sets
each parameter to a value of a wrong type and to an out-of-range value for
each of its constraints, calls ``fit`` on tiny valid data and asserts an
``InvalidParameterError`` of the form "The '<param>' parameter of <Class> must
be ... Got ... instead.".
"""

import inspect

import pytest
from sklearn.utils.estimator_checks import check_param_validation

from skmml.tests._estimators import estimator_instances
from skmml.utils import all_estimators

ESTIMATORS = estimator_instances()
IDS = [f"{type(est).__name__}-{i}" for i, est in enumerate(ESTIMATORS)]
CLASSES = all_estimators()
CLASS_IDS = [name for name, _ in CLASSES]


def _init_params(cls):
    return {
        name
        for name, p in inspect.signature(cls.__init__).parameters.items()
        if name != "self" and p.kind not in (p.VAR_POSITIONAL, p.VAR_KEYWORD)
    }


@pytest.mark.parametrize("name, cls", CLASSES, ids=CLASS_IDS)
def test_parameter_constraints_cover_every_init_parameter(name, cls):
    constraints = cls.__dict__.get("_parameter_constraints") or getattr(
        cls, "_parameter_constraints", None
    )
    assert isinstance(constraints, dict), (
        f"{name} has no _parameter_constraints dict; declare one constraint "
        "list per __init__ parameter"
    )
    params = _init_params(cls)
    assert set(constraints) == params, (
        f"{name}: _parameter_constraints misses {sorted(params - set(constraints))} "
        f"and has extra {sorted(set(constraints) - params)}"
    )


@pytest.mark.parametrize("name, cls", CLASSES, ids=CLASS_IDS)
def test_fit_uses_fit_context(name, cls):
    # _fit_context wraps fit (or fit_transform / fit_resample) with a function
    # that validates the parameters first.
    methods = [
        getattr(cls, m)
        for m in ("fit", "fit_transform", "fit_resample", "partial_fit")
        if hasattr(cls, m)
    ]
    assert any(hasattr(m, "__wrapped__") for m in methods), (
        f"{name}: decorate fit with @_fit_context(...) from "
        "skmml.utils._param_validation"
    )


@pytest.mark.parametrize("estimator", ESTIMATORS, ids=IDS)
def test_bad_hyperparameter_error_names_it(estimator):
    check_param_validation(type(estimator).__name__, estimator)
