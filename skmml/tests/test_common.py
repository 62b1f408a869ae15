"""scikit-learn's common estimator checks over every public skmml estimator.

Estimators are discovered automatically: every class listed in the
``__all__`` of a public ``skmml`` subpackage that derives from
``BaseEstimator``. Subpackages that need torch are skipped when torch is not
installed. A check may be listed in ``EXPECTED_FAILED_CHECKS`` only with a
written reason.
"""

import pytest
from sklearn.utils.estimator_checks import parametrize_with_checks

from skmml.tests._estimators import (
    EXPECTED_FAILED_CHECKS,
    estimator_instances,
)
from skmml.utils import all_estimators


def _expected_failed_checks(estimator):
    return EXPECTED_FAILED_CHECKS.get(type(estimator).__name__, {})


ESTIMATORS = estimator_instances()


def test_every_estimator_is_checked():
    checked = {type(est).__name__ for est in ESTIMATORS}
    missing = [name for name, _ in all_estimators() if name not in checked]
    assert not missing, (
        f"{missing} cannot be built without arguments: add a factory to "
        "INSTANCE_FACTORIES"
    )


def test_discovery_finds_the_foundation_estimators():
    names = {name for name, _ in all_estimators()}
    assert "MultiModalConcatenator" in names


@parametrize_with_checks(ESTIMATORS, expected_failed_checks=_expected_failed_checks)
def test_sklearn_compatible_estimator(estimator, check):
    check(estimator)


@pytest.mark.parametrize("name", sorted(EXPECTED_FAILED_CHECKS))
def test_every_expected_failure_has_a_reason(name):
    for check, reason in EXPECTED_FAILED_CHECKS[name].items():
        assert isinstance(reason, str) and len(reason) > 20, (name, check)
