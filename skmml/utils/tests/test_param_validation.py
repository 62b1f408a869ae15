"""skmml.utils._param_validation: the private scikit-learn API it re-exports.

scikit-learn's ``_parameter_constraints`` machinery and ``_fit_context`` are
private; these tests fail if they move or change behaviour, before every
estimator breaks in a less readable way.
"""

from numbers import Integral, Real

import numpy as np
import pytest
from sklearn.base import BaseEstimator
from sklearn.exceptions import NotFittedError

from skmml.utils import _param_validation as pv
from skmml.utils._param_validation import (
    HasMethods,
    Hidden,
    Interval,
    InvalidParameterError,
    Options,
    RealNotInt,
    StrOptions,
    _fit_context,
    validate_params,
)


class _Toy(BaseEstimator):
    _parameter_constraints: dict = {
        "alpha": [Interval(RealNotInt, 0, None, closed="neither")],
        "n_iter": [Interval(Integral, 1, None, closed="left"), None],
        "mode": [StrOptions({"fast", "exact"}), Hidden(StrOptions({"legacy"}))],
        "kind": [Options(str, {"a", "b"})],
        "estimator": [HasMethods(["fit", "predict"]), None],
        "random_state": ["random_state"],
        "verbose": ["verbose"],
    }

    def __init__(
        self,
        alpha=1.0,
        n_iter=None,
        mode="fast",
        kind="a",
        estimator=None,
        random_state=None,
        verbose=0,
    ):
        self.alpha = alpha
        self.n_iter = n_iter
        self.mode = mode
        self.kind = kind
        self.estimator = estimator
        self.random_state = random_state
        self.verbose = verbose

    @_fit_context(prefer_skip_nested_validation=True)
    def fit(self, X, y=None):
        self.fitted_ = True
        return self


def test_every_name_is_exported():
    for name in pv.__all__:
        assert hasattr(pv, name), name
    assert issubclass(InvalidParameterError, ValueError)
    assert issubclass(InvalidParameterError, TypeError)


def test_valid_parameters_fit():
    est = _Toy(alpha=0.5, n_iter=3, mode="legacy", kind="b", random_state=0).fit(
        np.ones((2, 1))
    )
    assert est.fitted_


@pytest.mark.parametrize(
    "params, name",
    [
        ({"alpha": 0}, "alpha"),
        ({"alpha": 1}, "alpha"),  # RealNotInt refuses ints
        ({"alpha": "x"}, "alpha"),
        ({"n_iter": 0}, "n_iter"),
        ({"n_iter": 1.5}, "n_iter"),
        ({"mode": "slow"}, "mode"),
        ({"kind": "c"}, "kind"),
        ({"estimator": "svm"}, "estimator"),
        ({"random_state": "abc"}, "random_state"),
        ({"verbose": "loud"}, "verbose"),
    ],
)
def test_fit_context_validates_and_names_the_parameter(params, name):
    est = _Toy(**params)
    with pytest.raises(
        InvalidParameterError, match=rf"The '{name}' parameter of _Toy must be"
    ):
        est.fit(np.ones((2, 1)))
    assert not hasattr(est, "fitted_")  # nothing ran


def test_hidden_option_is_not_advertised():
    with pytest.raises(InvalidParameterError) as exc:
        _Toy(mode="slow").fit(np.ones((2, 1)))
    assert "legacy" not in str(exc.value)


def test_interval_and_stroptions_membership():
    assert Interval(Real, 0, 1, closed="both").is_satisfied_by(1.0)
    assert not Interval(Real, 0, 1, closed="right").is_satisfied_by(0.0)
    assert StrOptions({"a"}).is_satisfied_by("a")
    assert not StrOptions({"a"}).is_satisfied_by("b")


def test_validate_params_on_functions():
    @validate_params(
        {"k": [Interval(Integral, 1, None, closed="left")]},
        prefer_skip_nested_validation=True,
    )
    def f(k):
        return k

    assert f(2) == 2
    with pytest.raises(InvalidParameterError, match="The 'k' parameter of .*f must be"):
        f(0)


def test_fit_context_does_not_hide_other_errors():
    class Failing(_Toy):
        @_fit_context(prefer_skip_nested_validation=True)
        def fit(self, X, y=None):
            raise NotFittedError("inner")

    with pytest.raises(NotFittedError, match="inner"):
        Failing().fit(np.ones((2, 1)))
