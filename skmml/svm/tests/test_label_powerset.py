"""Tests of skmml.svm.LabelPowersetWeightedSVC."""

import pickle

import numpy as np
import pytest
import scipy.sparse as sp
from sklearn.base import clone
from sklearn.datasets import make_classification, make_multilabel_classification
from sklearn.exceptions import ConvergenceWarning, DataConversionWarning
from sklearn.model_selection import GridSearchCV
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler
from sklearn.svm import SVC, LinearSVC

from skmml.svm import LabelPowersetWeightedSVC

# Four points per corner; the combination (1, 1) sits alone in its corner.
X_TOY = np.array(
    [[0.0, 0.0], [0.2, 0.1], [3.0, 0.0], [3.1, 0.2], [0.0, 3.0], [0.1, 3.2]]
    + [[3.0, 3.0]]
)
Y_TOY = np.array([[0, 0], [0, 0], [1, 0], [1, 0], [0, 1], [0, 1], [1, 1]])


@pytest.fixture(scope="module")
def ml_data():
    X, Y = make_multilabel_classification(
        n_samples=240, n_features=8, n_classes=4, random_state=0
    )
    return X[:160], Y[:160], X[160:], Y[160:]


@pytest.fixture(scope="module")
def fitted(ml_data):
    X, Y, _, _ = ml_data
    return LabelPowersetWeightedSVC().fit(X, Y)


def _codes(Y, combos):
    """Index of each row of Y in combos (reference for the encoder)."""
    return np.array([np.flatnonzero((combos == row).all(1))[0] for row in Y])


def _winner_reference(ovo, n_classes, temperature=1.0):
    """p_k ~ (prod_l sigma(f_kl))^(1/T), one sample and one pair at a time."""
    first, second = np.triu_indices(n_classes, 1)
    out = np.empty((len(ovo), n_classes))
    for i, row in enumerate(ovo):
        r = np.ones((n_classes, n_classes))
        for p, (k, l) in enumerate(zip(first, second, strict=True)):
            r[k, l] = 1 / (1 + np.exp(-row[p]))
            r[l, k] = 1 - r[k, l]
        wins_all = r.prod(axis=1) ** (1.0 / temperature)
        out[i] = wins_all / wins_all.sum()
    return out


# ------------------------------------------------------------------ encoding
def test_label_combinations_first_appearance_order():
    Y = np.array([[1, 0, 1], [0, 0, 0], [1, 0, 1], [0, 1, 0], [0, 0, 0]])
    X = np.arange(10.0).reshape(5, 2)
    clf = LabelPowersetWeightedSVC(class_weight=None).fit(X, Y)
    np.testing.assert_array_equal(
        clf.label_combinations_, [[1, 0, 1], [0, 0, 0], [0, 1, 0]]
    )
    np.testing.assert_array_equal(clf.estimator_.classes_, [0, 1, 2])
    np.testing.assert_array_equal(clf.classes_, [0, 1, 2])
    assert clf.n_labels_ == 3


def test_sparse_and_dense_Y_give_the_same_model(ml_data):
    X, Y, X_test, _ = ml_data
    dense = LabelPowersetWeightedSVC().fit(X, Y)
    sparse = LabelPowersetWeightedSVC().fit(X, sp.csr_matrix(Y))
    np.testing.assert_array_equal(dense.label_combinations_, sparse.label_combinations_)
    np.testing.assert_array_equal(dense.predict(X_test), sparse.predict(X_test))
    np.testing.assert_allclose(dense.sample_weight_, sparse.sample_weight_)


def test_many_labels_encoding():
    # More than 8 labels: rows span several packed bytes.
    rng = np.random.RandomState(0)
    Y = (rng.rand(200, 19) < 0.02).astype(int)
    Y[:, 0] = np.arange(200) % 2  # at least 2 combinations
    X = rng.randn(200, 3)
    clf = LabelPowersetWeightedSVC(class_weight=None).fit(X, Y)
    expected = np.unique(Y, axis=0)
    assert len(clf.label_combinations_) == len(expected)
    codes = _codes(Y, clf.label_combinations_)
    # codes increase in order of first appearance
    _, first = np.unique(codes, return_index=True)
    assert np.all(np.diff(first) > 0)


# ----------------------------------------------------------------- weighting
def test_label_weights_hand_computed():
    # Label counts: label 0 -> 3, label 1 -> 3, no label -> 2, so
    # delta = (1/3, 1/3, 1/2); costs: (0,0) 1/2, (1,0) and (0,1) 1/3,
    # (1,1) 2/3; total 3 over 7 samples -> scaled by 7/3.
    clf = LabelPowersetWeightedSVC().fit(X_TOY, Y_TOY)
    expected = np.array([1 / 2, 1 / 2, 1 / 3, 1 / 3, 1 / 3, 1 / 3, 2 / 3]) * 7 / 3
    np.testing.assert_allclose(clf.sample_weight_, expected)
    assert clf.sample_weight_.mean() == pytest.approx(1.0)


def test_powerset_weights_equal_balanced_numbers():
    clf = LabelPowersetWeightedSVC(class_weight="powerset").fit(X_TOY, Y_TOY)
    # classes in first-appearance order: (0,0) x2, (1,0) x2, (0,1) x2, (1,1) x1
    counts = np.array([2, 2, 2, 2, 2, 2, 1])
    np.testing.assert_allclose(clf.sample_weight_, 7 / (4 * counts))
    balanced = LabelPowersetWeightedSVC(class_weight="balanced").fit(X_TOY, Y_TOY)
    assert balanced.sample_weight_ is None
    assert balanced.estimator_.class_weight == "balanced"
    np.testing.assert_allclose(
        balanced.estimator_.class_weight_, 7 / (4 * np.array([2, 2, 2, 1]))
    )


@pytest.mark.parametrize("class_weight", ["label", "powerset"])
def test_weighting_by_two_equals_repeating(class_weight):
    repeat = np.array([0, 0, 1, 2, 3, 4, 5, 6])
    sw = np.array([2.0, 1, 1, 1, 1, 1, 1])
    weighted = LabelPowersetWeightedSVC(class_weight=class_weight).fit(
        X_TOY, Y_TOY, sample_weight=sw
    )
    repeated = LabelPowersetWeightedSVC(class_weight=class_weight).fit(
        X_TOY[repeat], Y_TOY[repeat]
    )
    # Cost per original sample: weight 2 on sample 0 == two copies of it.
    np.testing.assert_allclose(
        weighted.sample_weight_[0], 2 * repeated.sample_weight_[0]
    )
    np.testing.assert_allclose(weighted.sample_weight_[1:], repeated.sample_weight_[2:])


def test_dict_class_weight_on_combinations():
    clf = LabelPowersetWeightedSVC(class_weight={(1, 1): 5.0, (0, 0): 0.5})
    clf.fit(X_TOY, Y_TOY)
    np.testing.assert_allclose(list(clf.estimator_.class_weight_), [0.5, 1.0, 1.0, 5.0])
    lin = clone(clf).set_params(solver="liblinear").fit(X_TOY, Y_TOY)
    np.testing.assert_allclose(lin.sample_weight_, [0.5, 0.5, 1, 1, 1, 1, 5])
    with pytest.raises(ValueError, match="class_weight has key"):
        LabelPowersetWeightedSVC(class_weight={(1, 1, 1): 2.0}).fit(X_TOY, Y_TOY)
    with pytest.raises(ValueError, match="non-negative"):
        LabelPowersetWeightedSVC(class_weight={(1, 1): -1}).fit(X_TOY, Y_TOY)


def test_no_weighting_matches_plain_svc(ml_data):
    X, Y, X_test, _ = ml_data
    clf = LabelPowersetWeightedSVC(class_weight=None).fit(X, Y)
    codes = _codes(Y, clf.label_combinations_)
    svc = SVC(kernel="linear", C=0.9).fit(X, codes)
    np.testing.assert_array_equal(
        clf.predict(X_test), clf.label_combinations_[svc.predict(X_test)]
    )
    assert clf.sample_weight_ is None


def test_label_weighting_changes_the_model(ml_data):
    X, Y, X_test, _ = ml_data
    weighted = LabelPowersetWeightedSVC().fit(X, Y)
    plain = LabelPowersetWeightedSVC(class_weight=None).fit(X, Y)
    assert not np.allclose(
        weighted.decision_function(X_test), plain.decision_function(X_test)
    )


# ------------------------------------------------------------------- predict
def test_predict_dense_int_rows_seen_in_training(fitted, ml_data):
    _, _, X_test, _ = ml_data
    pred = fitted.predict(sp.csr_matrix(X_test))
    assert isinstance(pred, np.ndarray)
    assert pred.shape == (len(X_test), 4)
    assert np.issubdtype(pred.dtype, np.integer)
    seen = {tuple(r) for r in fitted.label_combinations_}
    assert {tuple(r) for r in pred} <= seen


def test_unseen_combination_cannot_be_predicted():
    # (1, 1) is never in training: even a point in its corner gets a seen row.
    keep = np.arange(6)
    clf = LabelPowersetWeightedSVC().fit(X_TOY[keep], Y_TOY[keep])
    pred = clf.predict([[3.0, 3.0], [5.0, 5.0]])
    assert not (pred == [1, 1]).all(axis=1).any()
    assert pred.shape == (2, 2)


def test_combination_seen_once_is_a_class():
    clf = LabelPowersetWeightedSVC(C=10.0).fit(X_TOY, Y_TOY)
    assert [1, 1] in clf.label_combinations_.tolist()
    np.testing.assert_array_equal(clf.predict([[3.0, 3.0]]), [[1, 1]])
    np.testing.assert_array_equal(clf.predict(X_TOY), Y_TOY)


def test_balanced_matches_libsvm_on_encoded_problem(ml_data):
    X, Y, X_test, _ = ml_data
    clf = LabelPowersetWeightedSVC(class_weight="balanced").fit(X, Y)
    codes = _codes(Y, clf.label_combinations_)
    svc = SVC(kernel="linear", C=0.9, class_weight="balanced").fit(X, codes)
    np.testing.assert_array_equal(
        clf.predict(X_test), clf.label_combinations_[svc.predict(X_test)]
    )


# -------------------------------------------------------------------- scores
@pytest.mark.parametrize("sparse_X", [False, True])
def test_fast_ovo_decision_values_match_libsvm(fitted, ml_data, sparse_X):
    _, _, X_test, _ = ml_data
    X_in = sp.csr_matrix(X_test) if sparse_X else X_test
    ours = np.concatenate([d.T for _, d in fitted._ovo_blocks(X_in)])
    np.testing.assert_allclose(
        ours, fitted.estimator_.decision_function(X_test), rtol=1e-9, atol=1e-9
    )


def test_sparse_X_fit(ml_data):
    X, Y, X_test, _ = ml_data
    sparse = LabelPowersetWeightedSVC().fit(sp.csr_matrix(X), Y)
    dense = LabelPowersetWeightedSVC().fit(X, Y)
    np.testing.assert_array_equal(sparse.predict(X_test), dense.predict(X_test))
    np.testing.assert_allclose(
        sparse.predict_proba(sp.csr_matrix(X_test)),
        dense.predict_proba(X_test),
        rtol=1e-8,
    )


def test_predict_proba_is_coupling_marginalised(fitted, ml_data):
    _, _, X_test, _ = ml_data
    X_test = X_test[:15]
    n_classes = len(fitted.label_combinations_)
    ovo = fitted.estimator_.decision_function(X_test)
    class_proba = _winner_reference(ovo, n_classes, fitted.temperature_)
    expected = np.zeros((len(X_test), 4))
    for i in range(len(X_test)):  # marginalise one combination at a time
        for k, combo in enumerate(fitted.label_combinations_):
            expected[i] += class_proba[i, k] * combo
    proba = fitted.predict_proba(X_test)
    np.testing.assert_allclose(proba, expected, rtol=1e-10, atol=1e-12)
    assert proba.shape == (15, 4)


def test_coupling_hand_computed_two_classes():
    # Two classes: p = (sigma(f), sigma(-f)) with f the decision of class 0.
    X = np.array([[0.0], [1.0], [2.0], [3.0]])
    Y = np.array([[0, 1], [0, 1], [1, 0], [1, 0]])
    clf = LabelPowersetWeightedSVC(C=1.0, class_weight=None, temperature=1.0)
    clf.fit(X, Y)
    # classes: (0, 1) then (1, 0); the SVC's decision is positive for (1, 0).
    f = clf.estimator_.decision_function([[1.2]])[0]
    p10 = 1 / (1 + np.exp(-f))
    np.testing.assert_allclose(clf.predict_proba([[1.2]]), [[p10, 1 - p10]])
    np.testing.assert_allclose(clf.decision_function([[1.2]]), [[f, -f]], rtol=1e-10)


def test_coupling_hand_computed_three_classes():
    # Decision values f_01 = 1, f_02 = 2, f_12 = -1 (libsvm layout):
    # p ~ (s(1) s(2), s(-1) s(-1), s(-2) s(1)) with s the logistic sigmoid.
    class Stub:
        classes_ = np.arange(3)

        @staticmethod
        def decision_function(X):
            return np.tile([1.0, 2.0, -1.0], (len(X), 1))

    clf = LabelPowersetWeightedSVC(kernel="rbf")
    clf.estimator_ = Stub()
    clf.temperature_ = 1.0

    def s(x):
        return 1 / (1 + np.exp(-x))

    expected = np.array([s(1) * s(2), s(-1) * s(-1), s(-2) * s(1)])
    np.testing.assert_allclose(
        clf._powerset_proba(np.zeros((2, 1))), [expected / expected.sum()] * 2
    )


def test_decision_function_is_logit_of_marginals(fitted, ml_data):
    _, _, X_test, _ = ml_data
    proba = fitted.predict_proba(X_test)
    dec = fitted.decision_function(X_test)
    # sigma(logit(P)) = P; the other way round loses digits where P ~ 1.
    np.testing.assert_allclose(1 / (1 + np.exp(-dec)), proba, rtol=1e-12)
    assert np.all((dec > 0) == (proba > 0.5))


def test_decision_function_finite_for_far_away_points(fitted):
    far = np.full((2, 8), 1e6)
    far[1] *= -1
    dec = fitted.decision_function(far)
    proba = fitted.predict_proba(far)
    assert np.all(np.isfinite(dec)) and np.all(np.isfinite(proba))
    assert np.all((proba >= 0) & (proba <= 1))


def test_liblinear_proba_is_softmax_of_ovr(ml_data):
    X, Y, X_test, _ = ml_data
    clf = LabelPowersetWeightedSVC(solver="liblinear", random_state=0).fit(X, Y)
    assert isinstance(clf.estimator_, LinearSVC)
    dec = clf.estimator_.decision_function(X_test)
    soft = np.exp(dec / clf.temperature_)
    soft /= soft.sum(axis=1, keepdims=True)
    np.testing.assert_allclose(
        clf.predict_proba(X_test), soft @ clf.label_combinations_, rtol=1e-10
    )
    np.testing.assert_array_equal(
        clf.predict(X_test), clf.label_combinations_[dec.argmax(axis=1)]
    )


def test_rbf_kernel_uses_libsvm_decision_values(ml_data):
    X, Y, X_test, _ = ml_data
    clf = LabelPowersetWeightedSVC(kernel="rbf", C=1.0).fit(X, Y)
    ovo = clf.estimator_.decision_function(X_test[:10])
    expected = _winner_reference(ovo, len(clf.label_combinations_), clf.temperature_)
    expected = expected @ clf.label_combinations_
    np.testing.assert_allclose(clf.predict_proba(X_test[:10]), expected, rtol=1e-10)


def test_ranking_scorers_work(fitted, ml_data):
    from skmml.metrics import get_scorer, mean_average_precision

    _, _, X_test, Y_test = ml_data
    map_score = get_scorer("mean_average_precision")(fitted, X_test, Y_test)
    assert 0.5 < map_score <= 1.0
    assert map_score == pytest.approx(
        mean_average_precision(Y_test, fitted.decision_function(X_test))
    ) or map_score == pytest.approx(
        mean_average_precision(Y_test, fitted.predict_proba(X_test))
    )
    assert get_scorer("neg_ranking_loss")(fitted, X_test, Y_test) <= 0


# ------------------------------------------------------------ 1-D targets
def test_1d_multiclass_is_a_weighted_svc():
    X, y = make_classification(
        n_samples=120, n_features=6, n_informative=4, n_classes=3, random_state=0
    )
    labels = np.array(["a", "b", "c"])[y]
    clf = LabelPowersetWeightedSVC().fit(X, labels)
    svc = SVC(kernel="linear", C=0.9, class_weight="balanced").fit(X, labels)
    np.testing.assert_array_equal(clf.predict(X), svc.predict(X))
    np.testing.assert_allclose(
        clf.decision_function(X), svc.decision_function(X), atol=1e-9
    )
    assert clf.label_combinations_ is None and clf.n_labels_ is None
    proba = clf.predict_proba(X)
    assert proba.shape == (120, 3)
    np.testing.assert_allclose(proba.sum(axis=1), 1.0)


def test_1d_binary_decision_and_proba():
    X, y = make_classification(n_samples=60, n_features=4, random_state=1)
    clf = LabelPowersetWeightedSVC(class_weight=None).fit(X, y)
    svc = SVC(kernel="linear", C=0.9).fit(X, y)
    dec = clf.decision_function(X)
    np.testing.assert_allclose(dec, svc.decision_function(X))
    T = clf.temperature_  # softmax of (log sigma(f), log sigma(-f)) / T
    np.testing.assert_allclose(clf.predict_proba(X)[:, 1], 1 / (1 + np.exp(-dec / T)))


def test_column_vector_of_classes_warns_and_is_1d():
    X, y = make_classification(n_samples=60, n_features=4, random_state=1)
    y3 = y + (X[:, 0] > 1)
    with pytest.warns(DataConversionWarning):
        col = LabelPowersetWeightedSVC().fit(X, y3[:, None])
    flat = LabelPowersetWeightedSVC().fit(X, y3)
    np.testing.assert_array_equal(col.predict(X), flat.predict(X))


# ----------------------------------------------------------------- errors
@pytest.mark.parametrize(
    "params, match",
    [
        ({"solver": "sag"}, "'solver' parameter of LabelPowersetWeightedSVC"),
        ({"kernel": "precomputed"}, "'kernel' parameter"),
        ({"solver": "liblinear", "kernel": "rbf"}, "only supports kernel=.linear."),
        ({"solver": "least_squares", "kernel": "poly"}, "only supports kernel"),
        ({"C": 0}, "'C' parameter"),
        ({"C": "1"}, "'C' parameter"),
        ({"C": np.inf}, "'C' parameter"),
        ({"class_weight": "inverse"}, "'class_weight' parameter"),
        ({"max_iter": 0}, "'max_iter' parameter"),
        ({"random_state": "abc"}, "'random_state' parameter"),
        ({"solver": "least_squares", "tol": -1}, "'tol' parameter"),
        ({"gamma": -1.0}, "'gamma' parameter"),
        ({"shrinking": "yes"}, "'shrinking' parameter"),
        ({"cache_size": 0}, "'cache_size' parameter"),
        ({"degree": -1}, "'degree' parameter"),
        ({"temperature": 0.0}, "'temperature' parameter"),
        ({"temperature": "cv"}, "'temperature' parameter"),
    ],
)
def test_invalid_parameters(params, match):
    with pytest.raises(ValueError, match=match):
        LabelPowersetWeightedSVC(**params).fit(X_TOY, Y_TOY)


def test_invalid_targets_and_weights():
    with pytest.raises(ValueError, match="single distinct label combination"):
        LabelPowersetWeightedSVC().fit(X_TOY, np.ones((7, 2), dtype=int))
    with pytest.raises(ValueError, match="binary indicator"):
        LabelPowersetWeightedSVC().fit(X_TOY, np.full((7, 2), 2))
    with pytest.raises(ValueError, match="requires y"):
        LabelPowersetWeightedSVC().fit(X_TOY, None)
    with pytest.raises(ValueError, match="inconsistent numbers of samples"):
        LabelPowersetWeightedSVC().fit(X_TOY, Y_TOY[:5])
    with pytest.raises(ValueError, match="sample_weight must have shape"):
        LabelPowersetWeightedSVC().fit(X_TOY, Y_TOY, sample_weight=np.ones(3))
    with pytest.raises(ValueError, match="non-negative"):
        LabelPowersetWeightedSVC().fit(X_TOY, Y_TOY, sample_weight=-np.ones(7))
    with pytest.raises(ValueError, match="1 class"):
        LabelPowersetWeightedSVC().fit(X_TOY, np.zeros(7))


def test_init_stores_parameters_unchanged():
    cw = {(0, 1): 2.0}
    clf = LabelPowersetWeightedSVC(2.0, class_weight=cw, solver="liblinear")
    assert clf.get_params()["class_weight"] is cw
    assert clf.C == 2.0 and clf.kernel == "linear" and clf.max_iter is None


# -------------------------------------------------------------- ecosystem
def test_clone_and_pickle_round_trip(fitted, ml_data):
    _, _, X_test, _ = ml_data
    restored = pickle.loads(pickle.dumps(fitted))
    np.testing.assert_array_equal(restored.predict(X_test), fitted.predict(X_test))
    np.testing.assert_array_equal(
        restored.predict_proba(X_test), fitted.predict_proba(X_test)
    )
    fresh = clone(fitted)
    assert not hasattr(fresh, "estimator_")
    assert fresh.get_params() == fitted.get_params()


def test_pipeline_and_grid_search_with_skmml_scoring(ml_data):
    from skmml.metrics import get_scorer
    from skmml.model_selection import IterativeStratifiedKFold

    X, Y, X_test, _ = ml_data
    pipe = make_pipeline(StandardScaler(), LabelPowersetWeightedSVC())
    search = GridSearchCV(
        pipe,
        {"labelpowersetweightedsvc__C": [0.1, 0.9]},
        cv=IterativeStratifiedKFold(n_splits=3),
        scoring={
            "micro_f1": get_scorer("micro_f1"),
            "map": get_scorer("mean_average_precision"),
        },
        refit="micro_f1",
    ).fit(X, Y)
    assert search.best_params_["labelpowersetweightedsvc__C"] in (0.1, 0.9)
    assert np.all(np.isfinite(search.cv_results_["mean_test_map"]))
    assert search.predict(X_test).shape == (len(X_test), 4)


def test_pandas_Y_and_feature_names(ml_data):
    pd = pytest.importorskip("pandas")
    X, Y, X_test, _ = ml_data
    Xf = pd.DataFrame(X, columns=[f"v__f{j}" for j in range(X.shape[1])])
    Yf = pd.DataFrame(Y, columns=list("abcd"))
    clf = LabelPowersetWeightedSVC().fit(Xf, Yf)
    assert list(clf.feature_names_in_) == list(Xf.columns)
    np.testing.assert_array_equal(
        clf.predict(pd.DataFrame(X_test, columns=Xf.columns)),
        LabelPowersetWeightedSVC().fit(X, Y).predict(X_test),
    )


def test_n_iter_reported(fitted):
    assert np.all(np.asarray(fitted.n_iter_) >= 1)


# ------------------------------------------------------ least-squares solver
def _pair_lstsq_reference(X, codes, s, C, k, l):
    """min 1/2 |w|^2 + C sum s (y - w.x - b)^2 on classes k (+1), l (-1)."""
    rows = np.flatnonzero((codes == k) | (codes == l))
    y = np.where(codes[rows] == k, 1.0, -1.0)
    root = np.sqrt(2 * C * s[rows])
    design = np.hstack([X[rows], np.ones((len(rows), 1))]) * root[:, None]
    ridge = np.hstack([np.eye(X.shape[1]), np.zeros((X.shape[1], 1))])
    sol = np.linalg.lstsq(
        np.vstack([design, ridge]), np.r_[y * root, np.zeros(X.shape[1])], rcond=None
    )[0]
    return sol[:-1], sol[-1]


def test_least_squares_hand_computed():
    # One pair, C = 0.5: (diag(1, 0) + sum x~ x~^T) (w, b) = sum y x~, i.e.
    # [[27, 8], [8, 4]] (w, b) = (-6, 0) -> w = -6/11, b = 12/11.
    X = np.array([[0.0], [1.0], [3.0], [4.0]])
    Y = np.array([[0, 1], [0, 1], [1, 0], [1, 0]])
    clf = LabelPowersetWeightedSVC(
        C=0.5, solver="least_squares", class_weight=None, temperature=1.0
    ).fit(X, Y)
    np.testing.assert_allclose(clf.coef_, [[-6 / 11]], rtol=1e-9)
    np.testing.assert_allclose(clf.intercept_, [12 / 11], rtol=1e-9)
    assert clf.estimator_ is None and clf.n_iter_ == 1
    np.testing.assert_array_equal(clf.predict([[1.9], [2.1]]), [[0, 1], [1, 0]])
    # f(2.5) = -3/11 votes for code 1 = (1, 0): P(label 0) = sigma(3/11).
    p = 1 / (1 + np.exp(-3 / 11))
    np.testing.assert_allclose(clf.predict_proba([[2.5]]), [[p, 1 - p]], rtol=1e-9)


def test_least_squares_matches_per_pair_reference(ml_data):
    X, Y, _, _ = ml_data
    C = 0.7
    clf = LabelPowersetWeightedSVC(C=C, solver="least_squares").fit(X, Y)
    codes = _codes(Y, clf.label_combinations_)
    n_codes = len(clf.label_combinations_)
    first, second = np.triu_indices(n_codes, 1)
    assert clf.coef_.shape == (len(first), X.shape[1])
    for p in [0, 1, len(first) // 2, len(first) - 1]:
        w, b = _pair_lstsq_reference(
            X, codes, clf.sample_weight_, C, first[p], second[p]
        )
        np.testing.assert_allclose(clf.coef_[p], w, rtol=1e-6, atol=1e-9)
        np.testing.assert_allclose(clf.intercept_[p], b, rtol=1e-6, atol=1e-9)


def test_least_squares_vote_and_coupling(ml_data):
    X, Y, X_test, _ = ml_data
    clf = LabelPowersetWeightedSVC(solver="least_squares").fit(X, Y)
    n_codes = len(clf.label_combinations_)
    dec = X_test @ clf.coef_.T + clf.intercept_
    first, second = np.triu_indices(n_codes, 1)
    expected = []
    for row in dec:  # libsvm's vote, ties to the lowest code
        votes = np.zeros(n_codes)
        for p, (k, l) in enumerate(zip(first, second, strict=True)):
            votes[k if row[p] > 0 else l] += 1
        expected.append(np.argmax(votes))
    np.testing.assert_array_equal(
        clf.predict(X_test), clf.label_combinations_[expected]
    )
    proba = _winner_reference(dec, n_codes, clf.temperature_)
    proba = proba @ clf.label_combinations_
    np.testing.assert_allclose(clf.predict_proba(X_test), proba, rtol=1e-10)


def test_least_squares_agrees_with_libsvm_on_separable_data():
    from sklearn.datasets import make_blobs

    centers = np.array([[0.0, 0.0], [6.0, 0.0], [0.0, 6.0], [6.0, 6.0], [3.0, 9.0]])
    X, blob = make_blobs(
        n_samples=300, centers=centers, cluster_std=0.6, random_state=0
    )
    # blob -> combination of 3 labels; blob sizes kept unequal on purpose
    combos = np.array([[0, 0, 0], [1, 0, 0], [0, 1, 0], [1, 1, 0], [0, 1, 1]])
    keep = (blob != 4) | (np.arange(300) % 3 == 0)
    X, Y = X[keep], combos[blob[keep]]
    X_train, Y_train, X_test = X[::2], Y[::2], X[1::2]
    lsq = LabelPowersetWeightedSVC(solver="least_squares").fit(X_train, Y_train)
    svm = LabelPowersetWeightedSVC().fit(X_train, Y_train)
    np.testing.assert_array_equal(lsq.predict(X_test), svm.predict(X_test))
    np.testing.assert_array_equal(lsq.predict(X_test), Y[1::2])


def test_least_squares_weight_two_equals_repeating():
    repeat = np.array([0, 0, 1, 2, 3, 4, 5, 6])
    sw = np.array([2.0, 1, 1, 1, 1, 1, 1])
    params = {"solver": "least_squares", "class_weight": None}
    weighted = LabelPowersetWeightedSVC(**params).fit(X_TOY, Y_TOY, sample_weight=sw)
    repeated = LabelPowersetWeightedSVC(**params).fit(X_TOY[repeat], Y_TOY[repeat])
    np.testing.assert_allclose(weighted.coef_, repeated.coef_, rtol=1e-9)
    np.testing.assert_allclose(weighted.intercept_, repeated.intercept_, rtol=1e-9)
    unweighted = LabelPowersetWeightedSVC(**params).fit(X_TOY, Y_TOY)
    assert not np.allclose(weighted.coef_, unweighted.coef_)


def test_least_squares_sparse_X_and_zero_weight_pair(ml_data):
    X, Y, X_test, _ = ml_data
    dense = LabelPowersetWeightedSVC(solver="least_squares").fit(X, Y)
    sparse = LabelPowersetWeightedSVC(solver="least_squares").fit(sp.csr_matrix(X), Y)
    np.testing.assert_allclose(sparse.coef_, dense.coef_, rtol=1e-9, atol=1e-12)
    np.testing.assert_array_equal(
        sparse.predict(sp.csr_matrix(X_test)), dense.predict(X_test)
    )
    # Both combinations of a pair weigh 0: solvable, and that pair is w = b = 0.
    clf = LabelPowersetWeightedSVC(
        solver="least_squares", class_weight={(0, 0): 0.0, (1, 0): 0.0}
    ).fit(X_TOY, Y_TOY)
    np.testing.assert_allclose(clf.coef_[0], 0.0, atol=1e-12)
    np.testing.assert_allclose(clf.intercept_[0], 0.0, atol=1e-12)
    assert np.all(np.isfinite(clf.coef_))


def test_least_squares_1d_targets():
    X, y = make_classification(
        n_samples=120, n_features=6, n_informative=4, n_classes=3, random_state=0
    )
    labels = np.array(["a", "b", "c"])[y]
    clf = LabelPowersetWeightedSVC(solver="least_squares").fit(X, labels)
    assert set(clf.predict(X)) <= {"a", "b", "c"}
    # 90% of libsvm's votes here; both fit 66% of the (noisy) labels.
    svm = LabelPowersetWeightedSVC().fit(X, labels)
    assert np.mean(clf.predict(X) == svm.predict(X)) >= 0.85
    assert clf.decision_function(X).shape == (120, 3)
    np.testing.assert_allclose(clf.predict_proba(X).sum(axis=1), 1.0)
    Xb, yb = make_classification(n_samples=60, n_features=4, random_state=1)
    binary = LabelPowersetWeightedSVC(solver="least_squares").fit(Xb, yb)
    dec = binary.decision_function(Xb)
    assert dec.shape == (60,)
    np.testing.assert_array_equal(binary.predict(Xb), binary.classes_[(dec > 0) * 1])
    np.testing.assert_allclose(
        binary.predict_proba(Xb)[:, 1], 1 / (1 + np.exp(-dec / binary.temperature_))
    )


def test_refit_with_another_solver_drops_pairwise_coef():
    clf = LabelPowersetWeightedSVC(solver="least_squares").fit(X_TOY, Y_TOY)
    assert hasattr(clf, "coef_")
    clf.set_params(solver="libsvm").fit(X_TOY, Y_TOY)
    assert not hasattr(clf, "coef_") and not hasattr(clf, "intercept_")
    np.testing.assert_array_equal(clf.predict(X_TOY), clf.predict(X_TOY))


# -------------------------------------------------- ground floor, defects
# Predictions on the ml_data test rows, as rows packed into ints (label j
# weighs 2**j), computed with the private encoder before it moved to
# skmml.utils.encode_label_powerset: the shared encoder changes nothing.
# fmt: off
_OLD_PREDICTIONS = {
    ("libsvm", "label"): [
        15, 13, 0, 0, 9, 15, 15, 12, 6, 2, 11, 0, 14, 9, 15, 13, 14, 0, 12, 7, 2,
        0, 4, 3, 13, 0, 2, 15, 15, 3, 9, 8, 5, 8, 2, 1, 4, 9, 15, 5, 9, 0, 1, 5,
        15, 7, 0, 15, 10, 11, 15, 8, 0, 9, 0, 15, 9, 0, 5, 8, 0, 15, 4, 2, 6, 15,
        10, 15, 0, 1, 0, 10, 4, 9, 15, 0, 0, 3, 9, 2,
    ],
    ("libsvm", "balanced"): [
        7, 13, 0, 2, 9, 15, 6, 12, 6, 2, 11, 0, 14, 9, 11, 13, 14, 0, 4, 6, 2, 0,
        4, 3, 13, 3, 2, 11, 6, 3, 9, 8, 5, 8, 2, 1, 4, 9, 15, 5, 9, 0, 1, 5, 15,
        7, 3, 7, 10, 9, 15, 0, 0, 9, 0, 6, 9, 0, 5, 8, 0, 15, 4, 2, 6, 6, 10, 15,
        7, 1, 0, 10, 4, 9, 15, 8, 6, 3, 9, 2,
    ],
    ("liblinear", "label"): [
        7, 9, 0, 0, 15, 15, 14, 15, 15, 0, 9, 0, 15, 1, 0, 13, 12, 0, 13, 5, 2,
        0, 4, 5, 13, 0, 2, 0, 15, 3, 9, 8, 9, 9, 2, 1, 4, 15, 15, 15, 15, 0, 1, 5,
        15, 15, 0, 2, 11, 3, 15, 0, 0, 9, 0, 0, 9, 0, 13, 8, 0, 15, 4, 2, 7, 7,
        15, 15, 7, 1, 0, 0, 4, 9, 15, 0, 0, 0, 9, 0,
    ],
    ("liblinear", "balanced"): [
        7, 13, 3, 3, 10, 10, 6, 9, 6, 10, 9, 0, 10, 9, 13, 13, 12, 13, 13, 5, 2,
        0, 4, 5, 13, 3, 2, 13, 10, 3, 9, 8, 9, 9, 2, 1, 4, 10, 11, 13, 10, 10, 1,
        5, 9, 7, 0, 2, 10, 3, 9, 2, 0, 9, 3, 0, 9, 0, 13, 8, 0, 7, 4, 2, 6, 6, 11,
        13, 14, 1, 15, 10, 4, 9, 10, 9, 12, 3, 9, 2,
    ],
    ("least_squares", "label"): [
        7, 15, 0, 0, 15, 15, 7, 15, 6, 0, 9, 0, 0, 15, 0, 15, 10, 0, 4, 6, 2, 0,
        4, 0, 13, 0, 2, 0, 15, 3, 9, 8, 7, 0, 2, 1, 4, 9, 15, 5, 15, 0, 9, 1, 15,
        7, 0, 15, 10, 15, 9, 0, 0, 15, 0, 15, 15, 0, 15, 8, 0, 15, 4, 2, 6, 15,
        15, 15, 15, 1, 15, 0, 4, 8, 15, 0, 0, 0, 9, 0,
    ],
    ("least_squares", "balanced"): [
        7, 12, 0, 0, 9, 15, 6, 12, 6, 11, 9, 0, 0, 9, 11, 12, 10, 0, 4, 6, 2, 0,
        4, 3, 13, 0, 2, 3, 6, 3, 9, 8, 5, 9, 2, 1, 4, 9, 15, 5, 9, 10, 9, 1, 9, 7,
        3, 7, 10, 9, 9, 8, 11, 7, 0, 6, 9, 11, 5, 8, 0, 15, 4, 2, 6, 7, 11, 15,
        15, 1, 15, 2, 4, 9, 15, 14, 0, 3, 9, 2,
    ],
}
# fmt: on


@pytest.mark.parametrize("solver, class_weight", sorted(_OLD_PREDICTIONS))
def test_shared_encoder_keeps_predictions(ml_data, solver, class_weight):
    from skmml.utils import encode_label_powerset

    X, Y, X_test, _ = ml_data
    clf = LabelPowersetWeightedSVC(
        solver=solver, class_weight=class_weight, random_state=0
    ).fit(X, Y)
    combos, _ = encode_label_powerset(Y)
    np.testing.assert_array_equal(clf.label_combinations_, combos)
    packed = clf.predict(X_test) @ (2 ** np.arange(Y.shape[1]))
    np.testing.assert_array_equal(packed, _OLD_PREDICTIONS[solver, class_weight])


def test_polars_X_and_Y(ml_data):
    pl = pytest.importorskip("polars")
    X, Y, X_test, _ = ml_data
    expected = LabelPowersetWeightedSVC().fit(X, Y)
    names = [f"f{j}" for j in range(X.shape[1])]
    clf = LabelPowersetWeightedSVC().fit(
        pl.DataFrame(X, schema=names), pl.DataFrame(Y, schema=list("abcd"))
    )
    np.testing.assert_array_equal(clf.label_combinations_, expected.label_combinations_)
    np.testing.assert_array_equal(
        clf.predict(pl.DataFrame(X_test, schema=names)), expected.predict(X_test)
    )


@pytest.mark.parametrize("dtype", ["Int64", "boolean"])
def test_pandas_nullable_Y_and_Float64_X(ml_data, dtype):
    pd = pytest.importorskip("pandas")
    X, Y, X_test, _ = ml_data
    expected = LabelPowersetWeightedSVC().fit(X, Y).predict(X_test)
    Yf = pd.DataFrame(Y.astype(bool) if dtype == "boolean" else Y).astype(dtype)
    Xf = pd.DataFrame(X).astype("Float64")
    clf = LabelPowersetWeightedSVC().fit(Xf, Yf)
    np.testing.assert_array_equal(clf.predict(X_test), expected)


@pytest.mark.parametrize("solver", ["libsvm", "liblinear", "least_squares"])
@pytest.mark.parametrize("scale", [1e200, 1e300])
def test_huge_values_raise_instead_of_hanging(solver, scale):
    # liblinear never returned and least squares gave NaN probabilities here;
    # the check runs before any solver, so this test cannot hang.
    with pytest.raises(ValueError, match="X holds values .* Scale the features"):
        LabelPowersetWeightedSVC(solver=solver).fit(X_TOY * scale, Y_TOY)
    clf = LabelPowersetWeightedSVC(solver=solver).fit(X_TOY, Y_TOY)
    with pytest.raises(ValueError, match="X holds values"):
        clf.predict_proba(X_TOY * scale)


def test_sparse_huge_values_raise():
    with pytest.raises(ValueError, match="X holds values"):
        LabelPowersetWeightedSVC(solver="liblinear").fit(
            sp.csr_matrix(X_TOY * 1e250), Y_TOY
        )


def _global_state_key():
    state = np.random.get_state()
    return state[1].tobytes(), state[2]


@pytest.mark.parametrize("solver", ["libsvm", "liblinear", "least_squares"])
@pytest.mark.parametrize("random_state", [None, 0, np.random.RandomState(1)])
def test_global_rng_is_never_consumed(ml_data, solver, random_state):
    X, Y, X_test, _ = ml_data
    before = _global_state_key()
    clf = LabelPowersetWeightedSVC(solver=solver, random_state=random_state)
    clf.fit(X, Y).predict(X_test)
    clf.predict_proba(X_test)
    assert _global_state_key() == before


def test_liblinear_dual_deterministic_under_random_state():
    # n_features > n_samples: liblinear solves the (randomised) dual
    X, Y = make_multilabel_classification(
        n_samples=30, n_features=40, n_classes=3, random_state=1
    )
    fits = [
        LabelPowersetWeightedSVC(solver="liblinear", random_state=3, tol=1e-1)
        .fit(X, Y)
        .decision_function(X)
        for _ in range(2)
    ]
    np.testing.assert_array_equal(fits[0], fits[1])


def test_object_X_with_strings_raises():
    X = np.array([["a", "b"]] * 7, dtype=object)
    with pytest.raises(ValueError, match="string|convert"):
        LabelPowersetWeightedSVC().fit(X, Y_TOY)


# ------------------------------------------------- partially labelled Y (NaN)
def _partial(Y, seed=0, ratio=0.1):
    rng = np.random.RandomState(seed)
    return np.where(rng.random_sample(Y.shape) < ratio, np.nan, Y.astype(float))


@pytest.mark.parametrize("solver", ["libsvm", "liblinear", "least_squares"])
def test_partial_Y_is_rejected_by_default(ml_data, solver):
    from skmml.utils import accepts_unknown_labels

    X, Y, _, _ = ml_data
    clf = LabelPowersetWeightedSVC(solver=solver)
    assert not accepts_unknown_labels(clf)
    for Y_part in (
        _partial(Y),
        sp.csr_matrix(np.where(_partial(Y) == 0, 0, _partial(Y))),
    ):
        with pytest.raises(ValueError, match="contains NaN") as info:
            clf.fit(X, Y_part)
        message = str(info.value)
        assert "unknown='drop_rows'" in message
        assert "PartialBinaryRelevance" in message
    assert not hasattr(clf, "label_combinations_")


@pytest.mark.parametrize("solver", ["libsvm", "liblinear", "least_squares"])
def test_partial_Y_drop_rows_fits_the_complete_rows(ml_data, solver):
    from skmml.utils import accepts_unknown_labels

    X, Y, X_test, _ = ml_data
    Y_part = _partial(Y)
    complete = ~np.isnan(Y_part).any(axis=1)
    assert 40 < complete.sum() < 150
    weights = np.random.RandomState(1).uniform(0.5, 2.0, size=len(Y))
    params = dict(solver=solver, random_state=0)
    if solver == "least_squares":
        params["class_weight"] = "balanced"
    dropped = LabelPowersetWeightedSVC(unknown="drop_rows", **params)
    assert accepts_unknown_labels(dropped)
    dropped.fit(X, Y_part, sample_weight=weights)
    reference = LabelPowersetWeightedSVC(**params).fit(
        X[complete], Y[complete], sample_weight=weights[complete]
    )
    np.testing.assert_array_equal(
        dropped.label_combinations_, reference.label_combinations_
    )
    np.testing.assert_array_equal(dropped.sample_weight_, reference.sample_weight_)
    np.testing.assert_array_equal(dropped.predict(X_test), reference.predict(X_test))
    np.testing.assert_allclose(
        dropped.predict_proba(X_test), reference.predict_proba(X_test)
    )
    # a complete Y: the same model under both settings
    np.testing.assert_array_equal(
        LabelPowersetWeightedSVC(unknown="drop_rows", **params)
        .fit(X, Y)
        .predict(X_test),
        LabelPowersetWeightedSVC(**params).fit(X, Y).predict(X_test),
    )


def test_partial_Y_drop_rows_containers_and_errors():
    pd = pytest.importorskip("pandas")
    Y_part = Y_TOY.astype(float)
    Y_part[[1, 3], 0] = np.nan
    clf = LabelPowersetWeightedSVC(unknown="drop_rows")
    expected = clf.fit(X_TOY, Y_part).predict(X_TOY)
    frame = pd.DataFrame(Y_part).astype("Int64")
    np.testing.assert_array_equal(clf.fit(X_TOY, frame).predict(X_TOY), expected)
    sparse = sp.csr_matrix(np.where(Y_part == 0, 0, Y_part))
    np.testing.assert_array_equal(clf.fit(X_TOY, sparse).predict(X_TOY), expected)
    assert clf.n_features_in_ == 2
    with pytest.raises(ValueError, match="leaves no sample"):
        clf.fit(X_TOY, np.full((7, 2), np.nan))
    with pytest.raises(ValueError, match="inconsistent numbers of samples"):
        clf.fit(X_TOY, Y_part[:5])
    with pytest.raises(ValueError, match="unknown"):
        LabelPowersetWeightedSVC(unknown="ignore").fit(X_TOY, Y_TOY)
    # a 1-D y cannot be partial
    with pytest.raises(ValueError, match="NaN"):
        clf.fit(X_TOY, np.array([0, 1, 0, 1, np.nan, 1, 0]))


# ------------------------------------- calibrated marginals (issue 12)
def _many_combinations_data():
    """10 long-tailed labels, 44 combinations over 200 training rows."""
    from skmml.datasets import make_multimodal_multilabel

    X, Y = make_multimodal_multilabel(
        300, modality_dims=(10, 10), n_labels=10, random_state=0
    )[:2]
    return X[:200], Y[:200], X[200:], Y[200:]


def test_softmax_temperature_hand_computed():
    # f_01 = 1, f_02 = 2, f_12 = -1: s = (log s(1) s(2), 2 log s(-1),
    # log s(-2) s(1)), and p_k ~ exp(s_k / 2) with T = 2.
    class Stub:
        classes_ = np.arange(3)

        @staticmethod
        def decision_function(X):
            return np.tile([1.0, 2.0, -1.0], (len(X), 1))

    clf = LabelPowersetWeightedSVC(kernel="rbf")
    clf.estimator_ = Stub()
    clf.temperature_ = 2.0

    def s(x):
        return 1 / (1 + np.exp(-x))

    expected = np.sqrt([s(1) * s(2), s(-1) * s(-1), s(-2) * s(1)])
    np.testing.assert_allclose(
        clf._powerset_proba(np.zeros((1, 1))), [expected / expected.sum()]
    )


def test_marginal_log_loss_hand_computed():
    from skmml.svm._label_powerset import _marginal_log_loss

    # scores (0, log 3) at T = 1: p = (1/4, 3/4); label 0 is in combination 1
    # only: P = 3/4 for a positive row (weight 2), 1/4... for a negative one.
    scores = np.array([[0.0, np.log(3.0)], [0.0, np.log(3.0)]])
    combos = np.array([[0.0], [1.0]])
    truth = np.array([[1.0], [0.0]])
    parts = [(scores, combos, truth, np.array([2.0, 1.0]))]
    expected = -2 * np.log(0.75) - np.log(0.25)
    assert _marginal_log_loss(0.0, parts) == pytest.approx(expected)
    # T = 2: p ~ (1, sqrt(3))
    p = np.sqrt(3) / (1 + np.sqrt(3))
    expected = -2 * np.log(p) - np.log(1 - p)
    assert _marginal_log_loss(np.log(2.0), parts) == pytest.approx(expected)


def test_interleaved_folds_are_stratified_and_deterministic():
    from skmml.svm._label_powerset import _interleaved_folds

    codes = np.array([2, 0, 0, 1, 2, 0, 3, 1, 0])
    folds = _interleaved_folds(codes, 3)
    np.testing.assert_array_equal(folds, _interleaved_folds(codes, 3))
    np.testing.assert_array_equal(np.bincount(folds), [3, 3, 3])
    for f in range(3):  # every code with 2+ rows stays in every training part
        assert set(codes[folds != f]) >= {0, 1, 2}


def test_marginals_are_spread_not_collapsed():
    X, Y, X_test, Y_test = _many_combinations_data()
    old = LabelPowersetWeightedSVC(temperature=1.0).fit(X, Y)
    clf = LabelPowersetWeightedSVC().fit(X, Y)
    assert len(clf.label_combinations_) > 40
    # The product of K - 1 duel probabilities at T = 1 is nearly one-hot:
    # 87% of the marginals below 1e-3 here (14% at the fitted T ~ 2.8).
    assert np.mean(old.predict_proba(X_test) < 1e-3) > 0.7
    assert 1.5 < clf.temperature_ < 1e3
    proba = clf.predict_proba(X_test)
    assert np.all((proba >= 0) & (proba <= 1))
    assert np.mean(proba < 1e-3) < 0.25
    pos, neg = np.median(proba[Y_test == 1]), np.median(proba[Y_test == 0])
    assert pos > 0.1 and pos > 10 * neg
    # consistent with predict: its labels have the larger marginals
    pred = clf.predict(X_test)
    assert proba[pred == 1].mean() > 5 * proba[pred == 0].mean()
    np.testing.assert_array_equal(pred, old.predict(X_test))


@pytest.mark.parametrize("solver", ["libsvm", "liblinear", "least_squares"])
def test_predict_does_not_depend_on_temperature(ml_data, solver):
    X, Y, X_test, _ = ml_data
    preds = [
        LabelPowersetWeightedSVC(solver=solver, temperature=t, random_state=0)
        .fit(X, Y)
        .predict(X_test)
        for t in ("auto", 1.0, 7.0)
    ]
    np.testing.assert_array_equal(preds[0], preds[1])
    np.testing.assert_array_equal(preds[0], preds[2])


def test_fixed_temperature_is_used_as_given(ml_data):
    X, Y, X_test, _ = ml_data
    clf = LabelPowersetWeightedSVC(temperature=3.0).fit(X, Y)
    assert clf.temperature_ == 3.0
    ovo = clf.estimator_.decision_function(X_test[:5])
    expected = _winner_reference(ovo, len(clf.label_combinations_), 3.0)
    np.testing.assert_allclose(
        clf.predict_proba(X_test[:5]), expected @ clf.label_combinations_, rtol=1e-10
    )


def test_auto_temperature_deterministic_and_weighted(ml_data):
    X, Y, _, _ = ml_data
    a = LabelPowersetWeightedSVC().fit(X, Y).temperature_
    assert a == LabelPowersetWeightedSVC().fit(X, Y).temperature_
    # weighting a row by 2 counts it twice in the folds' log-loss too
    sw = np.ones(len(X))
    sw[::3] = 2.0
    b = LabelPowersetWeightedSVC().fit(X, Y, sample_weight=sw).temperature_
    assert b != a


def test_auto_temperature_with_dict_weights_and_1d_targets():
    X, Y, _, _ = _many_combinations_data()
    combo = tuple(int(v) for v in Y[0])
    clf = LabelPowersetWeightedSVC(class_weight={combo: 3.0}).fit(X, Y)
    assert np.isfinite(clf.temperature_)
    Xc, y = make_classification(
        n_samples=90, n_features=5, n_informative=3, n_classes=3, random_state=0
    )
    clf = LabelPowersetWeightedSVC(class_weight={0: 2.0}).fit(Xc, y)
    assert clf.temperature_ != 1.0
    np.testing.assert_allclose(clf.predict_proba(Xc).sum(axis=1), 1.0)


def test_tiny_data_falls_back_to_temperature_one():
    # each fold leaves a single combination in its training part
    X = np.array([[0.0], [1.0]])
    Y = np.array([[0, 1], [1, 0]])
    assert LabelPowersetWeightedSVC().fit(X, Y).temperature_ == 1.0


def test_threshold_tuner_uses_the_marginals():
    # LP-WSVC's predict is not its marginals cut at 0.5, so the tuner's
    # untuned decision is its predict. Tuned for macro-F1 on 200 rows, it
    # gains macro-F1 on 2,000 held-out rows without losing micro-F1 (the
    # earlier tuner fell to 0.12 micro-F1 on a 45-label set).
    from sklearn.metrics import f1_score

    from skmml.datasets import make_multimodal_multilabel
    from skmml.model_selection import MultiLabelThresholdTuner

    X, Y = make_multimodal_multilabel(
        2200, modality_dims=(10, 10), n_labels=10, random_state=0
    )[:2]
    X, Y, X_test, Y_test = X[:200], Y[:200], X[200:], Y[200:]
    tuner = MultiLabelThresholdTuner(LabelPowersetWeightedSVC(), scoring="f1").fit(X, Y)
    assert tuner.untuned_decision_ == "predict"
    assert tuner.tuned_mask_.any()
    pred = tuner.predict(X_test)
    assert pred.shape == Y_test.shape and set(np.unique(pred)) <= {0, 1}
    untuned = LabelPowersetWeightedSVC().fit(X, Y).predict(X_test)
    # labels the tuner leaves untuned are predicted by the estimator itself
    untouched = ~tuner.tuned_mask_
    np.testing.assert_array_equal(pred[:, untouched], untuned[:, untouched])
    for average in ("macro", "micro"):
        tuned_f1 = f1_score(Y_test, pred, average=average, zero_division=0)
        plain_f1 = f1_score(Y_test, untuned, average=average, zero_division=0)
        if average == "macro":
            assert tuned_f1 > plain_f1 + 0.03
        else:
            assert tuned_f1 >= plain_f1 - 0.03


# ------------------------------------ scikit-learn's many-classes warning
@pytest.mark.parametrize("solver", ["libsvm", "liblinear", "least_squares"])
def test_fit_does_not_leak_the_many_classes_warning(solver):
    import warnings

    X, Y, _, _ = _many_combinations_data()
    before = list(warnings.filters)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        LabelPowersetWeightedSVC(solver=solver, random_state=0).fit(X, Y)
    assert warnings.filters == before
    # only that warning is silenced: others still reach the user
    with pytest.warns(ConvergenceWarning):
        LabelPowersetWeightedSVC(solver="liblinear", max_iter=1, random_state=0).fit(
            X, Y
        )


def test_more_features_than_samples_makes_weights_and_C_inert():
    # Every pair is separable: the maximum-margin hyperplanes (dual
    # coefficients below every bound C s_i) are the solution (see Notes).
    rng = np.random.RandomState(0)
    X = rng.normal(size=(30, 60))
    Y = rng.randint(0, 2, size=(30, 3))
    X_test = rng.normal(size=(50, 60))
    ref = LabelPowersetWeightedSVC(class_weight=None, temperature=1.0).fit(X, Y)
    for params in ({"class_weight": "label"}, {"class_weight": "balanced"}, {"C": 50}):
        clf = LabelPowersetWeightedSVC(temperature=1.0, **params).fit(X, Y)
        np.testing.assert_array_equal(clf.predict(X_test), ref.predict(X_test))
        np.testing.assert_allclose(
            clf.estimator_.dual_coef_, ref.estimator_.dual_coef_, atol=1e-6
        )
