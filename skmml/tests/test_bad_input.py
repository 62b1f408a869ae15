"""The bad-input matrix: every public estimator against every kind of bad input.

Estimators come from ``tests/_estimators.py::estimator_instances()`` (so a new
public estimator is covered automatically). Each (estimator, case) pair has
an explicit expected outcome in ``EXPECTED``: either a ``ValueError`` /
``TypeError`` whose message names the problem and that is raised from skmml
or scikit-learn / imbalanced-learn code (never from deep inside numpy, scipy
or torch), or acceptance with a documented, checked result and a written
reason.

Classifiers are fitted and then predict; transformers are fitted and then
transform; samplers (``fit_resample``) have no prediction step, so the
prediction-time cases do not apply to them.
"""

import re
import traceback
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import scipy.sparse as sp
from sklearn.base import clone
from sklearn.exceptions import DataConversionWarning
from sklearn.metrics import accuracy_score

from skmml.metrics import get_scorer
from skmml.tests._estimators import estimator_instances
from skmml.utils import accepts_unknown_labels, all_estimators

# ---------------------------------------------------------------------------
# data: small, fixed

_RNG = np.random.RandomState(0)
N, D = 24, 6
X = _RNG.normal(size=(N, D))
Y = np.column_stack([X[:, 0] > 0, X[:, 1] > 0, X[:, 2] > 0.5]).astype(np.int64)
COLUMNS = [f"f{j}" for j in range(D)]
LABELS = ["p", "q", "r"]


def _with(value, row=3, col=2):
    out = X.copy()
    out[row, col] = value
    return out


def _column(value):
    out = Y.copy()
    out[:, 2] = value
    return out


Y_PARTIAL = np.where(_RNG.uniform(size=Y.shape) < 0.25, np.nan, Y)
Y_PARTIAL[0] = Y[0]  # every label keeps both classes among its known rows
Y_PARTIAL[1] = 1 - Y[0]
Y_NON_BINARY = Y.copy()
Y_NON_BINARY[0, 0] = 2
Y_SINGLE = np.tile([1, 0, 1], (N, 1))
Y_STRINGS = np.where(X[:, 0] > 0, "yes", "no")
# a label combination absent from the training Y
_UNSEEN_ROW = [0, 0, 1]
Y_UNSEEN = np.tile(_UNSEEN_ROW, (N, 1))
assert not (Y == _UNSEEN_ROW).all(axis=1).any()


# ---------------------------------------------------------------------------
# helpers

# Packages an error must not escape from: a message raised there is a deep
# trace, not a validation message.
_DEEP_PACKAGES = {"numpy", "scipy", "torch", "skorch"}


def _kind(estimator):
    if hasattr(estimator, "fit_resample"):
        return "sampler"
    if hasattr(estimator, "transform"):
        return "transformer"
    return "classifier"


def _seeded(estimator):
    """A clone with ``random_state=0`` where it was left to None."""
    est = clone(estimator)
    if est.get_params(deep=False).get("random_state", 0) is None:
        est.set_params(random_state=0)
    return est


def _ids(instances):
    """``ClassName`` or ``ClassName-i`` when a class has several instances."""
    names = [type(est).__name__ for est in instances]
    ids, seen = [], {}
    for name in names:
        i = seen.get(name, 0)
        seen[name] = i + 1
        ids.append(name if names.count(name) == 1 else f"{name}-{i}")
    return ids


def assert_clear_error(func, pattern, types=(ValueError, TypeError)):
    """``func()`` raises ``types`` matching ``pattern``, not from numpy/torch.

    The last frame of the traceback (where the exception was raised) must not
    lie inside numpy, scipy, torch or skorch: those messages describe the
    internals, not the user's input.
    """
    with pytest.raises(types) as excinfo:
        func()
    message = str(excinfo.value)
    assert re.search(pattern, message, flags=re.IGNORECASE), (
        f"error message does not match {pattern!r}: {message}"
    )
    last = traceback.extract_tb(excinfo.tb)[-1].filename
    deep = _DEEP_PACKAGES.intersection(Path(last).parts)
    assert not deep, f"raised from inside {deep}: {last}\n{message}"
    return excinfo.value


def test_assert_clear_error_rejects_deep_traces():
    # the helper must be able to fail: a numpy-internal error is refused
    with pytest.raises(AssertionError, match="raised from inside"):
        assert_clear_error(lambda: np.linalg.inv(np.zeros((2, 2))), "singular")
    with pytest.raises(AssertionError, match="does not match"):
        assert_clear_error(lambda: int("x"), "NaN")


# ---------------------------------------------------------------------------
# the cases

# fit-time cases: (X, Y) given to fit / fit_resample
FIT_CASES = {
    "nan_in_X": lambda: (_with(np.nan), Y),
    "inf_in_X": lambda: (_with(np.inf), Y),
    "X_1d": lambda: (X[:, 0], Y),
    "X_3d": lambda: (X.reshape(N, 3, 2), Y),
    "zero_samples": lambda: (X[:0], Y[:0]),
    "inconsistent_samples": lambda: (X, Y[:-1]),
    "Y_not_binary": lambda: (X, Y_NON_BINARY),
    "Y_nan": lambda: (X, np.where(np.arange(N)[:, None] == 4, np.nan, Y)),
    # scattered unknown entries, as pandas nullable columns and as sparse
    "Y_nan_frame": lambda: (
        X,
        pd.DataFrame(Y_PARTIAL, columns=LABELS).astype("Int64"),
    ),
    "Y_nan_sparse": lambda: (X, sp.csr_matrix(np.where(Y_PARTIAL == 0, 0, Y_PARTIAL))),
    "Y_column_vector": lambda: (X, Y[:, :1]),
    "Y_all_zero_column": lambda: (X, _column(0)),
    "Y_all_one_column": lambda: (X, _column(1)),
    "Y_single_combination": lambda: (X, Y_SINGLE),
    "y_strings_1d": lambda: (X, Y_STRINGS),
    "X_sparse": lambda: (sp.csr_matrix(X), Y),
    "Y_sparse": lambda: (X, sp.csr_matrix(Y)),
    "pandas": lambda: (
        pd.DataFrame(X, columns=COLUMNS),
        pd.DataFrame(Y, columns=LABELS),
    ),
    "float32": lambda: (X.astype(np.float32), Y),
}

# prediction-time cases: X given to predict / transform after a clean fit
PREDICT_CASES = {
    "nan_in_X_at_predict": lambda: _with(np.nan),
    "inf_in_X_at_predict": lambda: _with(-np.inf),
    "wrong_n_features_at_predict": lambda: X[:, :4],
    "X_1d_at_predict": lambda: X[0],
    "zero_samples_at_predict": lambda: X[:0],
}

# Expected outcomes. ``raises(pattern)``: a clear ValueError/TypeError whose
# message matches ``pattern``. ``accepts(reason)``: success, and the result
# is checked by ``_check_accepted``.


def raises(pattern):
    return ("raises", pattern)


def accepts(reason):
    assert len(reason) > 20
    return ("accepts", reason)


DEFAULT = {
    "nan_in_X": raises(r"NaN"),
    "inf_in_X": raises(r"infinity"),
    "X_1d": raises(r"2D|2-D"),
    "X_3d": raises(r"dim 3|3-D|2D|2-D"),
    "zero_samples": raises(r"0 sample"),
    "inconsistent_samples": raises(r"inconsistent|samples"),
    "Y_not_binary": raises(r"0/1"),
    "Y_nan": raises(r"NaN"),
    "Y_nan_frame": raises(r"NaN"),
    "Y_nan_sparse": raises(r"NaN"),
    "Y_column_vector": accepts(
        "a one-column indicator matrix is a one-label problem: predictions "
        "have shape (n_samples, 1), or (n_samples,) for the estimators that "
        "read it as a 1-D target with a DataConversionWarning, as sklearn does"
    ),
    "Y_all_zero_column": accepts(
        "a label never positive in training is never predicted (column of 0)"
    ),
    "Y_all_one_column": accepts(
        "a label always positive in training is always predicted (column of 1)"
    ),
    "Y_single_combination": accepts(
        "with one label combination every prediction is that combination"
    ),
    "y_strings_1d": accepts(
        "a 1-D y is a binary/multiclass target; predictions are its class labels"
    ),
    "X_sparse": accepts(
        "sparse X is supported and gives the same result as the dense array"
    ),
    "Y_sparse": accepts(
        "a sparse label matrix is validated like a dense one: same result"
    ),
    "pandas": accepts(
        "DataFrames give the same result as arrays; feature names are recorded"
    ),
    "float32": accepts("float32 X is converted; the result has the usual shape"),
    "nan_in_X_at_predict": raises(r"NaN"),
    "inf_in_X_at_predict": raises(r"infinity"),
    "wrong_n_features_at_predict": raises(r"features"),
    "X_1d_at_predict": raises(r"2D|2-D"),
    "zero_samples_at_predict": raises(r"0 sample"),
}

_SINGLE_POWERSET = raises(r"single distinct label combination")
_DENSE_ONLY = raises(r"[Ss]parse data was passed for X, but dense data is required")
_Y_IGNORED = accepts(
    "MultiModalConcatenator is unsupervised: y is ignored in fit "
    "(scikit-learn's transformer convention), so any y gives the same output"
)
_CONCAT_NAN = accepts(
    "MultiModalConcatenator accepts NaN by design: a sample whose modality is "
    "all NaN follows `missing`, and partial NaN go to the modality transformer"
)

# {class name or instance id: {case: outcome}}, overriding DEFAULT
OVERRIDES = {
    "CrossFitTransformer": {"X_sparse": _DENSE_ONLY},
    "LabelCountingClassifier": {
        "nan_in_X": accepts(
            "X goes unchanged to the wrapped estimator; the default "
            "DecisionTreeClassifier supports NaN natively (allow_nan tag)"
        ),
        "nan_in_X_at_predict": accepts(
            "prediction is delegated to the default DecisionTreeClassifier, "
            "which routes NaN natively"
        ),
        "Y_sparse": raises(r"[Ss]parse data was passed for y"),
    },
    "LabelPowersetWeightedSVC": {"Y_single_combination": _SINGLE_POWERSET},
    "RFRecursiveSelector": {
        # the default scoring estimator is the label-powerset SVM
        "Y_single_combination": _SINGLE_POWERSET,
    },
    "LabelPowersetResampler": {
        "nan_in_X": accepts(
            "X is checked as the wrapped sampler would: the default "
            "RandomOverSampler copies rows and allows NaN (documented)"
        ),
        "Y_single_combination": raises(r"two distinct label combinations"),
    },
    "MLSMOTE": {
        "Y_single_combination": accepts(
            "every label has IRLbl = 1 <= MeanIR, so no label is a minority "
            "and the data come back unchanged"
        ),
    },
    "MultiModalConcatenator": {
        "nan_in_X": _CONCAT_NAN,
        "nan_in_X_at_predict": _CONCAT_NAN,
        "inf_in_X": raises(r"infinity"),
        "inconsistent_samples": _Y_IGNORED,
        "Y_not_binary": _Y_IGNORED,
        "Y_nan": _Y_IGNORED,
        "Y_nan_frame": _Y_IGNORED,
        "Y_nan_sparse": _Y_IGNORED,
        "Y_column_vector": _Y_IGNORED,
        "Y_all_zero_column": _Y_IGNORED,
        "Y_all_one_column": _Y_IGNORED,
        "Y_single_combination": _Y_IGNORED,
        "y_strings_1d": _Y_IGNORED,
        "Y_sparse": _Y_IGNORED,
    },
    "MultiModalConcatenator-1": {
        # this instance scales a modality with StandardScaler(with_mean=True)
        "X_sparse": raises(r"Cannot center sparse matrices"),
    },
    "RMLCClassifier": {"X_sparse": _DENSE_ONLY},
    "ResBiLSTMClassifier": {"X_sparse": _DENSE_ONLY},
    "ResBiLSTMEncoder": {"X_sparse": _DENSE_ONLY},
}

_SAMPLER_SKIPS = set(PREDICT_CASES)

INSTANCES = estimator_instances()
IDS = _ids(INSTANCES)


_PARTIAL_Y = accepts(
    "the estimator has the allow_unknown target tag: NaN entries of Y are "
    "unknown labels left out of training, and predictions are complete 0/1"
)


def expected(est_id, case, est=None):
    name = est_id.split("-")[0]
    for key in (est_id, name):
        if case in OVERRIDES.get(key, {}):
            return OVERRIDES[key][case]
    partial = case in ("Y_nan", "Y_nan_frame", "Y_nan_sparse")
    if partial and est is not None and accepts_unknown_labels(est):
        return _PARTIAL_Y
    return DEFAULT[case]


def test_overrides_name_real_estimators_and_cases():
    known = set(IDS) | {type(est).__name__ for est in INSTANCES}
    for key, cases in OVERRIDES.items():
        assert key in known, key
        assert set(cases) <= set(DEFAULT), (key, set(cases) - set(DEFAULT))


def test_every_public_estimator_is_in_the_matrix():
    covered = {type(est).__name__ for est in INSTANCES}
    assert covered == {name for name, _ in all_estimators()}


# ---------------------------------------------------------------------------
# running an estimator on a case


def _run(est, X_, Y_):
    """fit + predict/transform, or fit_resample; returns the output."""
    kind = _kind(est)
    if kind == "sampler":
        return est.fit_resample(X_, Y_)
    est.fit(X_, Y_)
    return est.transform(X_) if kind == "transformer" else est.predict(X_)


def _dense(a):
    if sp.issparse(a):
        return a.toarray()
    return np.asarray(a)


@pytest.fixture(scope="module")
def reference():
    """Output of every instance on the clean (X, Y), and the fitted instance."""
    out = {}
    for est_id, est in zip(IDS, INSTANCES, strict=True):
        fitted = _seeded(est)
        out[est_id] = (fitted, _run(fitted, X, Y))
    return out


def _rows(X_, Y_):
    Y_ = _dense(Y_)
    Y_ = Y_.reshape(len(Y_), -1)
    # NaN != NaN: compare rows with NaN replaced by a marker
    X_ = np.where(np.isnan(_dense(X_)), np.inf, _dense(X_))
    return {(tuple(x), tuple(y)) for x, y in zip(X_, Y_, strict=True)}


def _check_sampler(case, X_in, Y_in, result):
    X_res, Y_res = result
    n = _dense(Y_in).shape[0]
    assert _dense(X_res).shape[0] == _dense(Y_res).shape[0] >= n
    assert _dense(X_res).shape[1] == _dense(X_in).shape[1]
    # an over-sampler keeps every input sample
    assert _rows(X_in, Y_in) <= _rows(X_res, Y_res)
    Y_res = _dense(Y_res)
    if case == "Y_all_zero_column":
        assert np.all(Y_res[:, 2] == 0)
    elif case == "Y_all_one_column":
        assert np.all(Y_res[:, 2] == 1)
    elif case == "Y_single_combination":
        np.testing.assert_array_equal(Y_res, Y_SINGLE)
        np.testing.assert_array_equal(_dense(X_res), X)
    elif case == "y_strings_1d":
        assert set(np.unique(Y_res)) == {"no", "yes"}
    elif case == "pandas":
        assert isinstance(X_res, pd.DataFrame) and list(X_res.columns) == COLUMNS
    elif case == "X_sparse":
        assert sp.issparse(X_res)
    elif case == "Y_sparse":
        assert sp.issparse(Y_res) or sp.issparse(result[1])


def _check_accepted(est_id, est, case, X_in, Y_in, result, reference):
    """The documented result of an accepted case."""
    kind = _kind(est)
    if kind == "sampler":
        _check_sampler(case, X_in, Y_in, result)
        return
    ref_est, ref_out = reference[est_id]
    out = _dense(result)
    assert out.shape[0] == N
    if kind == "transformer":
        assert out.ndim == 2
        if case not in ("nan_in_X", "nan_in_X_at_predict"):
            assert np.all(np.isfinite(out.astype(np.float64)))
        if case in ("X_sparse", "Y_sparse", "pandas") or est_id.startswith(
            "MultiModalConcatenator"
        ):
            if case not in ("nan_in_X", "nan_in_X_at_predict"):
                rtol = 1e-5 if case == "float32" else 1e-10
                np.testing.assert_allclose(out, _dense(ref_out), rtol=rtol)
        if case == "pandas":
            np.testing.assert_array_equal(est.feature_names_in_, COLUMNS)
        return
    # classifiers
    if case == "y_strings_1d":
        assert out.shape == (N,)
        np.testing.assert_array_equal(est.classes_, ["no", "yes"])
        assert set(out) <= {"no", "yes"}
        return
    assert set(np.unique(out)) <= {0, 1}
    if case == "Y_column_vector":
        # (n, 1), or (n,) where a column vector is read as a 1-D target with
        # scikit-learn's DataConversionWarning
        assert out.reshape(N, -1).shape == (N, 1)
        np.testing.assert_array_equal(est.predict_proba(X).reshape(N, -1).shape[0], N)
        return
    assert out.shape == Y.shape
    if case in ("Y_nan", "Y_nan_frame", "Y_nan_sparse"):
        assert not np.isnan(out.astype(np.float64)).any()
    if case == "Y_all_zero_column":
        assert np.all(out[:, 2] == 0)
    elif case == "Y_all_one_column":
        assert np.all(out[:, 2] == 1)
    elif case == "Y_single_combination":
        np.testing.assert_array_equal(out, Y_SINGLE)
    elif case in ("X_sparse", "Y_sparse", "pandas", "float32"):
        np.testing.assert_array_equal(out, _dense(ref_out))
        if case == "pandas":
            np.testing.assert_array_equal(est.feature_names_in_, COLUMNS)


def _fit_params():
    return [
        pytest.param(est, est_id, case, id=f"{est_id}-{case}")
        for est_id, est in zip(IDS, INSTANCES, strict=True)
        for case in FIT_CASES
    ]


_CONSTANT_LABEL_WARNINGS = [
    (UserWarning, "Label .* is present in all training examples"),
    (UserWarning, "The out-of-fold scores of label"),
]
# Warnings that a degenerate target is expected to raise: the case is the point.
_CASE_WARNINGS = {
    "Y_column_vector": [(DataConversionWarning, "A column-vector y was passed")],
    "Y_all_zero_column": _CONSTANT_LABEL_WARNINGS,
    "Y_all_one_column": _CONSTANT_LABEL_WARNINGS,
    "Y_single_combination": _CONSTANT_LABEL_WARNINGS,
}


@pytest.mark.parametrize("est, est_id, case", _fit_params())
def test_fit_case(est, est_id, case, reference):
    X_in, Y_in = FIT_CASES[case]()
    est = _seeded(est)
    outcome, detail = expected(est_id, case, est)
    with warnings.catch_warnings():
        for category, message in _CASE_WARNINGS.get(case, []):
            warnings.filterwarnings("ignore", message, category)
        if outcome == "raises":
            assert_clear_error(lambda: _run(est, X_in, Y_in), detail)
        else:
            result = _run(est, X_in, Y_in)
            _check_accepted(est_id, est, case, X_in, Y_in, result, reference)


def _predict_params():
    return [
        pytest.param(est_id, case, id=f"{est_id}-{case}")
        for est_id, est in zip(IDS, INSTANCES, strict=True)
        if _kind(est) != "sampler"
        for case in PREDICT_CASES
    ]


@pytest.mark.parametrize("est_id, case", _predict_params())
def test_predict_case(est_id, case, reference):
    fitted, _ = reference[est_id]
    X_in = PREDICT_CASES[case]()
    kind = _kind(fitted)
    methods = ["transform"] if kind == "transformer" else ["predict"]
    methods += [m for m in ("predict_proba", "decision_function") if hasattr(fitted, m)]
    outcome, detail = expected(est_id, case)
    for method in methods:
        call = getattr(fitted, method)
        if outcome == "raises":
            assert_clear_error(lambda call=call: call(X_in), detail)
        elif method in ("predict", "transform"):
            result = call(X_in)
            _check_accepted(est_id, fitted, case, X_in, None, result, reference)
        else:
            out = call(X_in)
            # multi-output trees give one (n_samples, 2) array per label
            for part in out if isinstance(out, list) else [out]:
                assert _dense(part).shape[0] == N


# ---------------------------------------------------------------------------
# label combinations and label counts never seen in training

CLASSIFIERS = [
    (est_id, est)
    for est_id, est in zip(IDS, INSTANCES, strict=True)
    if _kind(est) == "classifier"
]


@pytest.mark.parametrize("est_id", [i for i, _ in CLASSIFIERS])
def test_unseen_label_combination_is_scored_correctly(est_id, reference):
    # documented result: the score is the subset accuracy on the new rows
    fitted, _ = reference[est_id]
    expected_score = accuracy_score(Y_UNSEEN, fitted.predict(X))
    assert fitted.score(X, Y_UNSEEN) == pytest.approx(expected_score)
    scorer = get_scorer("subset_accuracy")
    assert scorer(fitted, X, Y_UNSEEN) == pytest.approx(expected_score)


@pytest.mark.parametrize("est_id", [i for i, _ in CLASSIFIERS])
@pytest.mark.parametrize("n_labels", [2, 4])
def test_label_count_never_seen_is_rejected(est_id, n_labels, reference):
    fitted, _ = reference[est_id]
    Y_other = np.resize(Y.T, (n_labels, N)).T
    assert_clear_error(lambda: fitted.score(X, Y_other), r"numbers? of labels")
    for name in ("micro_f1", "mean_average_precision"):
        scorer = get_scorer(name)
        assert_clear_error(lambda s=scorer: s(fitted, X, Y_other), r"shape")


def test_powerset_predicts_only_training_combinations(reference):
    # documented for LabelPowersetWeightedSVC: an unseen combination is never
    # predicted; every predicted row is one of label_combinations_
    rng = np.random.RandomState(1)
    X_new = rng.normal(scale=3.0, size=(50, D))
    for est_id, (fitted, _) in reference.items():
        if not est_id.startswith("LabelPowersetWeightedSVC"):
            continue
        seen = {tuple(row) for row in fitted.label_combinations_}
        assert {tuple(row) for row in fitted.predict(X_new)} <= seen


def test_long_tail_scorer_rejects_a_new_label_count(reference):
    fitted, _ = reference["LabelCountingClassifier"]
    scorer = get_scorer("tail_macro_f1")
    assert_clear_error(lambda: scorer(fitted, X, Y[:, :2]), r"3 labels.*2 columns")


def test_sampling_strategy_naming_unknown_labels_is_rejected():
    from imblearn.over_sampling import RandomOverSampler

    from skmml.resampling import MLSMOTE, LabelPowersetResampler

    assert_clear_error(
        lambda: MLSMOTE(sampling_strategy={0: 2, 7: 2}).fit_resample(X, Y),
        r"label indices",
    )
    # the wrapped sampler sees the combinations as classes 0 .. n - 1
    n_classes = np.unique(Y, axis=0).shape[0]
    sampler = RandomOverSampler(sampling_strategy={n_classes + 5: 30})
    assert_clear_error(
        lambda: LabelPowersetResampler(sampler).fit_resample(X, Y),
        r"not present",
    )


# ---------------------------------------------------------------------------
# modality specifications that do not match X

_BAD_MODALITIES = {
    "MultiModalConcatenator": [
        ([("a", "passthrough", [0, 1]), ("b", "passthrough", [5, 9])], r"'b'.*6"),
        ([("a", "passthrough", ["f0", "f1"])], r"names need a DataFrame"),
    ],
    "RMLCClassifier": [
        ([3, 4], r"sum to the number of features of X \(6\)"),
        ([[0, 1], [2, 9]], r"outside \[0, 6\)"),
        ([[0, 1], [1, 2]], r"overlap"),
        ({"a": ["f0"], "b": ["f1"]}, r"DataFrame"),
    ],
    "ResBiLSTMClassifier": [
        ([2, 2], r"sum to the number of features of X \(6\)"),
    ],
    "ResBiLSTMEncoder": [
        ([4, 4], r"sum to the number of features of X \(6\)"),
    ],
}
_BAD_TIMESTEPS = {"ResBiLSTMClassifier": 4, "ResBiLSTMEncoder": 5}


def _modal_instances():
    return [
        (est_id, est)
        for est_id, est in zip(IDS, INSTANCES, strict=True)
        if "modalities" in est.get_params(deep=False)
    ]


def test_every_multimodal_estimator_has_bad_specs():
    names = {type(est).__name__ for _, est in _modal_instances()}
    assert names == set(_BAD_MODALITIES)


def _modal_params():
    return [
        pytest.param(est, spec, pattern, id=f"{est_id}-{i}")
        for est_id, est in _modal_instances()
        for i, (spec, pattern) in enumerate(_BAD_MODALITIES[type(est).__name__])
    ]


@pytest.mark.parametrize("est, spec, pattern", _modal_params())
def test_modality_spec_not_matching_X(est, spec, pattern):
    est = _seeded(est).set_params(modalities=spec)
    assert_clear_error(lambda: _run(est, X, Y), pattern)


@pytest.mark.parametrize("name, n_timesteps", sorted(_BAD_TIMESTEPS.items()))
def test_timesteps_not_dividing_the_columns(name, n_timesteps):
    (est,) = [e for e in INSTANCES if type(e).__name__ == name]
    est = _seeded(est).set_params(n_timesteps=n_timesteps)
    assert_clear_error(lambda: est.fit(X, Y), rf"multiple of n_timesteps={n_timesteps}")


def test_modality_column_missing_at_transform():
    from skmml.compose import MultiModalConcatenator

    df = pd.DataFrame(X, columns=COLUMNS)
    concat = MultiModalConcatenator(
        [("a", "passthrough", ["f0", "f1"]), ("b", "passthrough", ["f5"])]
    ).fit(df)
    assert_clear_error(lambda: concat.transform(df.drop(columns="f5")), r"f5")


# ---------------------------------------------------------------------------
# inputs are never modified


def _input_variants():
    X_nan = _with(np.nan)
    return {
        "dense": lambda: (X.copy(), Y.copy()),
        "sparse": lambda: (sp.csr_matrix(X), sp.csr_matrix(Y)),
        "pandas": lambda: (
            pd.DataFrame(X, columns=COLUMNS),
            pd.DataFrame(Y, columns=LABELS),
        ),
        "nan": lambda: (X_nan.copy(), Y.copy()),
    }


def _same(a, b):
    if sp.issparse(a):
        assert sp.issparse(b)
        np.testing.assert_array_equal(a.toarray(), b.toarray())
        np.testing.assert_array_equal(a.data, b.data)
    elif isinstance(a, pd.DataFrame):
        pd.testing.assert_frame_equal(a, b)
    else:
        np.testing.assert_array_equal(a, b)


def _copy(a):
    return a.copy()


_PAIRS = list(zip(IDS, INSTANCES, strict=True))


@pytest.mark.parametrize("est, est_id", [pytest.param(e, i, id=i) for i, e in _PAIRS])
@pytest.mark.parametrize("variant", list(_input_variants()))
def test_inputs_are_not_modified(est, est_id, variant):
    X_in, Y_in = _input_variants()[variant]()
    X_copy, Y_copy = _copy(X_in), _copy(Y_in)
    est = _seeded(est)
    try:
        _run(est, X_in, Y_in)
        if _kind(est) != "sampler":
            for method in ("predict_proba", "decision_function"):
                if hasattr(est, method):
                    getattr(est, method)(X_in)
    except (ValueError, TypeError):
        # rejected inputs (sparse for the networks, NaN for most): the error
        # itself is covered by the matrix; the input must still be intact
        pass
    _same(X_in, X_copy)
    _same(Y_in, Y_copy)
